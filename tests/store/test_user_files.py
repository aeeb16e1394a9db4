"""config.toml, agenda templates and minutes layouts are files a person wrote or copied:
whatever they hold, tandem says in one sentence at FILE:LINE what is wrong with them, and
never waits on a named pipe or follows them into a stack overflow."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tandem.store import records as r
from tandem.store.config import load_config
from tandem.store.minutes import render
from tandem.store.minutes.render import MinutesLayoutError, render_shadow_day
from tandem.store.templates import load_template
from tests.conftest import build_sample, run_cli, without_hanging

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")


# --- config.toml ------------------------------------------------------------------------------


def test_deeply_nested_lists_in_the_config_are_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('facilitator = "Dana"\n\nkeymap = ' + "[" * 3000 + "1" + "]" * 3000 + "\n", encoding="utf-8")
    loaded = load_config(path)
    assert [p.format() for p in loaded.problems] == [f"{path}:3: lists or tables are nested too deeply to read (hundreds of [ or {{ inside each other)"]
    assert loaded.config.facilitator == "", "a file TOML cannot read gives every default"


def test_deeply_nested_inline_tables_are_found_at_their_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# "[[[[" in a comment, "{{{{" in a string\nx = "[[[["\n[vocabulary]\nteams = ' + "{a=" * 2000 + "1" + "}" * 2000 + "\n", encoding="utf-8")
    assert [(p.line, p.message[:30]) for p in load_config(path).problems] == [(4, "lists or tables are nested too")]


@needs_fifo
def test_a_named_pipe_as_config_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    os.mkfifo(path)
    loaded = without_hanging(path, lambda: load_config(path))
    assert [p.format() for p in loaded.problems] == [f"{path}:1: it is a named pipe, not a regular file"]


def test_a_long_line_of_blanks_in_the_config_is_read_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('facilitator = "Dana"\n[' + " " * 3000 + "x\n", encoding="utf-8")
    start = time.perf_counter()
    loaded = load_config(path)
    # The header pattern this replaced took 9 s for 2,000 blanks (cubic).
    assert time.perf_counter() - start < 0.5
    assert [p.line for p in loaded.problems] == [2] and "not valid TOML" in loaded.problems[0].message


def test_a_config_of_thousands_of_wrong_keys_is_checked_in_linear_time(tmp_path: Path) -> None:
    from tandem.store.config import Known

    path = tmp_path / "config.toml"
    path.write_text("[keymap]\n" + "".join(f'"k{n}" = "ctrl+x"\n' for n in range(12_000)), encoding="utf-8")
    start = time.perf_counter()
    loaded = load_config(path, Known(binding_ids=["home.new_meeting"]))
    assert time.perf_counter() - start < 5, "each problem found its line by a scan of every key before"
    assert len(loaded.problems) == 12_000 and loaded.problems[-1].line == 12_001


def test_the_config_cli_reports_a_nested_file_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("a = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    result = run_cli("config", "check", env=dict(os.environ, TANDEM_CONFIG_DIR=str(tmp_path)))
    assert result.code == 1
    assert result.out == f"{tmp_path / 'config.toml'}:1: lists or tables are nested too deeply to read (hundreds of [ or {{ inside each other)\n"
    assert "unexpected error" not in result.err and "Traceback" not in result.err


# --- agenda templates -------------------------------------------------------------------------


@needs_fifo
def test_a_named_pipe_as_template_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    path = tmp_path / "sync.md"
    os.mkfifo(path)
    template, problems = without_hanging(path, lambda: load_template(path))
    assert template is None and [p.format(path) for p in problems] == [f"{path}:1: it is a named pipe, not a regular file"]


# --- minutes layouts --------------------------------------------------------------------------

DAY = r.ShadowDay(id="sd1", shadow="Ana", host="Bo", direction="marketing_to_sales", date="2026-11-20", status="done")


@pytest.fixture
def layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TANDEM_CONFIG_DIR", str(tmp_path))
    return tmp_path / "shadow.md.j2"


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ('# {{ day.shadow }}\n{% include "other.j2" %}\n', 2, "a layout cannot include, import or extend another file; put it all in shadow.md.j2"),
        ('{% extends "base.j2" %}\n', 1, "a layout cannot include, import or extend another file; put it all in shadow.md.j2"),
        ("# x\n\n{% for i in range(10**9) %}{{ i }}{% endfor %}\n", 3, "a range of more than 100,000 numbers is more than a layout may loop over"),
        ("# x\n{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n", 2, "the layout calls itself without end (a macro that calls itself?)"),
        ("{{ 'ab' * 10**7 }}\n", 1, "2 characters or items repeated 10,000,000 times make more than the 1,000,000 a layout may make"),
        ("{{ 7 ** 1000000000 }}\n", 1, "a power of 1000000000 is more than the 4096 a layout may raise a number to"),
        ("x\n\n{{ 1 / 0 }}\n", 3, "the layout failed (division by zero)"),
        ("{% for %}\n", 1, "Expected an expression, got 'end of statement block'"),
        ("a\n{{ day.shadow | nosuch }}\n", 2, "No filter named 'nosuch'"),  # found only by compiling
        ("{% if day is nosuch %}x{% endif %}\n", 1, "No test named 'nosuch' found"),
    ],
)
def test_a_broken_layout_is_one_sentence_at_its_line(layout: Path, source: str, line: int, message: str) -> None:
    layout.write_text(source, encoding="utf-8")
    with pytest.raises(MinutesLayoutError) as caught:
        render_shadow_day(DAY)
    assert str(caught.value) == f"{layout}:{line}: {message}."


def test_a_layout_nested_past_the_parser_is_one_sentence(layout: Path) -> None:
    layout.write_text("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}\n", encoding="utf-8")
    with pytest.raises(MinutesLayoutError, match=r"shadow\.md\.j2:1: the minutes layout nests brackets or blocks too deeply to read\.$"):
        render_shadow_day(DAY)


@needs_fifo
def test_a_named_pipe_as_layout_is_a_problem_not_a_hang(layout: Path) -> None:
    os.mkfifo(layout)

    def render() -> str:
        try:
            return render_shadow_day(DAY)
        except MinutesLayoutError as exc:
            return str(exc)

    assert without_hanging(layout, render) == f"{layout}:1: the minutes layout cannot be read (it is a named pipe, not a regular file)."


def test_export_with_a_broken_layout_exits_1_with_one_sentence(tmp_path: Path) -> None:
    build_sample(tmp_path / "ws")
    config = tmp_path / "config"
    config.mkdir()
    (config / "minutes.md.j2").write_text("# {{ meeting.title }}\n{% include 'agenda.j2' %}\n", encoding="utf-8")
    result = run_cli("export", "latest", env=dict(os.environ, TANDEM_CONFIG_DIR=str(config), TANDEM_HOME=str(tmp_path / "ws")))
    assert result.code == 1
    assert result.err == f"tandem: {config / 'minutes.md.j2'}:2: a layout cannot include, import or extend another file; put it all in minutes.md.j2.\n"


# --- compiled layouts kept between runs (render._code_cache) ----------------------------------


@pytest.fixture
def code_cache(layout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The layout cache in a folder of the test's own, and no layout compiled in this process."""
    from jinja2 import FileSystemBytecodeCache

    folder = tmp_path / "compiled"
    folder.mkdir()
    monkeypatch.setattr(render, "_code_cache", lambda: FileSystemBytecodeCache(str(folder), render.CODE_CACHE_PATTERN))
    render._compiled.cache_clear()
    yield folder
    render._compiled.cache_clear()


def another_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a new process would start: nothing compiled in memory, and a layout read from the
    cache is never parsed (the environment's parse fails the test)."""
    render._compiled.cache_clear()

    def parse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the layout was parsed again instead of read from the cache")

    monkeypatch.setattr(render._environment(), "parse", parse)


def test_a_compiled_layout_is_read_back_by_the_next_run(layout: Path, code_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout.write_text("# {{ day.shadow }} shadows {{ day.host }}\n", encoding="utf-8")
    first = render_shadow_day(DAY)
    assert first.startswith("# Ana shadows Bo")
    assert len(list(code_cache.iterdir())) == 1
    another_run(monkeypatch)
    assert render_shadow_day(DAY) == first


def test_an_edited_layout_is_compiled_again(layout: Path, code_cache: Path) -> None:
    layout.write_text("# {{ day.shadow }}\n", encoding="utf-8")
    assert render_shadow_day(DAY).startswith("# Ana\n")
    layout.write_text("# {{ day.host }}\n", encoding="utf-8")
    render._compiled.cache_clear()  # a new run; the same cache entry, other bytes
    assert render_shadow_day(DAY).startswith("# Bo\n")
    assert len(list(code_cache.iterdir())) == 1


def test_a_layout_failing_as_it_renders_says_its_line_from_the_cache_too(layout: Path, code_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout.write_text("x\n\n{{ 1 / 0 }}\n", encoding="utf-8")
    for cached in (False, True):
        if cached:
            another_run(monkeypatch)
        with pytest.raises(MinutesLayoutError) as caught:
            render_shadow_day(DAY)
        assert str(caught.value) == f"{layout}:3: the layout failed (division by zero)."


def test_a_broken_layout_is_never_kept(layout: Path, code_cache: Path) -> None:
    layout.write_text('# x\n{% include "other.j2" %}\n', encoding="utf-8")
    for _ in range(2):
        render._compiled.cache_clear()
        with pytest.raises(MinutesLayoutError, match="cannot include, import or extend"):
            render_shadow_day(DAY)
    assert list(code_cache.iterdir()) == []


def test_a_damaged_cache_file_is_compiled_again_and_replaced(layout: Path, code_cache: Path) -> None:
    layout.write_text("# {{ day.shadow }}\n", encoding="utf-8")
    first = render_shadow_day(DAY)
    (kept,) = code_cache.iterdir()
    good = kept.read_bytes()
    for damage in (b"", b"garbage", good[: len(good) // 2], good[:20] + b"\x00" * 40):
        kept.write_bytes(damage)
        render._compiled.cache_clear()
        assert render_shadow_day(DAY) == first
        assert kept.read_bytes() == good


def test_no_cache_folder_to_write_to_still_renders(layout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jinja2 import FileSystemBytecodeCache

    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("", encoding="utf-8")
    monkeypatch.setattr(render, "_code_cache", lambda: FileSystemBytecodeCache(str(not_a_folder), render.CODE_CACHE_PATTERN))
    render._compiled.cache_clear()
    layout.write_text("# {{ day.shadow }}\n", encoding="utf-8")
    assert render_shadow_day(DAY).startswith("# Ana\n")
    render._compiled.cache_clear()


def test_code_compiled_for_other_filters_is_not_read_back(layout: Path, code_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """How a filter is called is fixed when a layout is compiled: a tandem whose filter takes
    the context (another release, or this one's next) compiles the layout again."""
    from jinja2 import pass_context

    layout.write_text("# {{ day.direction | label }}\n", encoding="utf-8")
    first = render_shadow_day(DAY)
    env = render._environment()

    @pass_context
    def label(_context: object, value: object) -> str:
        return r.label(str(value))

    monkeypatch.setitem(env.filters, "label", label)
    render._compiled.cache_clear()
    assert render_shadow_day(DAY) == first
    assert len(list(code_cache.iterdir())) == 2  # an entry for each way of compiling


def test_an_entry_that_loads_but_is_no_layout_is_compiled_again(layout: Path, code_cache: Path) -> None:
    from jinja2.bccache import Bucket

    layout.write_text("# {{ day.shadow }}\n", encoding="utf-8")
    first = render_shadow_day(DAY)
    (kept,) = code_cache.iterdir()
    good = kept.read_bytes()
    cache, env = render._code_cache(), render._environment()
    bucket = Bucket(env, kept.name.removeprefix("tandem-layout-").removesuffix(".cache"), cache.get_source_checksum(layout.read_text(encoding="utf-8")))
    bucket.code = compile("x = 1", "<not a layout>", "exec")  # the right bytes' checksum, other code
    cache.dump_bytecode(bucket)
    assert kept.read_bytes() != good
    render._compiled.cache_clear()
    assert render_shadow_day(DAY) == first
    assert kept.read_bytes() == good
