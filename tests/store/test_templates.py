"""Agenda templates: the built-ins, broken files, user overrides, and meetings from templates."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.store.records import Meeting
from tandem.store.templates import (
    CAPTURES,
    builtin_dir,
    load_library,
    load_template,
    parse_minutes,
    parse_template,
    template_files,
)
from tandem.store.workspace import Workspace

BUILTINS = template_files(builtin_dir())
EXPECTED = {
    "weekly-smarketing-sync",
    "biweekly-pipeline-content-review",
    "lead-quality-review",
    "shadow-day-debrief",
    "quarterly-mutual-goals",
    "alignment-kickoff",
}


def test_all_builtins_are_shipped() -> None:
    assert {p.stem for p in BUILTINS} == EXPECTED


@pytest.mark.parametrize("path", BUILTINS, ids=lambda p: p.stem)
def test_builtin_template_is_valid_and_adds_up(path: Path) -> None:
    template, problems = load_template(path, builtin=True)
    assert problems == []
    assert template is not None and template.id == path.stem
    assert template.duration_min is not None, "built-ins state their duration"
    assert template.total_min == template.duration_min
    assert len(template.items) >= 4
    assert template.description
    for item in template.items:
        assert len(item.prompts) >= 2, f"{item.title} needs prompts a facilitator can ask"
        assert all(p.rstrip().endswith("?") or len(p) > 10 for p in item.prompts)
    kinds = {item.captures for item in template.items}
    assert kinds - {""} <= set(CAPTURES.values())
    assert kinds != {""}, "a built-in agenda captures at least one kind of record"


def test_example_in_the_format_documentation_parses() -> None:
    readme = (builtin_dir() / "README.md").read_text()
    example = readme.split("```markdown\n", 1)[1].split("\n```", 1)[0]
    template, problems = parse_template(example, template_id="example")
    assert problems == []
    assert template is not None
    assert [i.timebox_min for i in template.items] == [5, 15, 10]
    assert template.items[0].standing and template.items[0].captures == "objective"
    assert template.items[1].presenter_team == "sales"
    assert template.items[2].prompts[1] == "What content did sales miss on a call this week?"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("10", 10), ("10 min", 10), ("10m", 10), ("1h", 60), ("1h 30min", 90), ("1 hour 5 minutes", 65), ("ten", None), ("", None), ("5 min please", None)],
)
def test_parse_minutes(text: str, minutes: int | None) -> None:
    assert parse_minutes(text) == minutes


GOOD = "# T\n\n- duration: 15 min\n\n## One\n- timebox: 5 min\n\n1. Why?\n\n## Two\n- timebox: 10\n\n- How?\n"

BROKEN = {
    "empty": (b"", 1, "empty"),
    "no items": (b"# Weekly sync\n\nJust a description.\n", 1, "no agenda items"),
    "bad timebox": (b"# T\n\n## Objectives\n- timebox: ten minutes\n", 4, "timebox 'ten minutes'"),
    "missing timebox": (b"# T\n\n## Objectives\n1. Why?\n", 3, "no timebox"),
    "duplicate ids": (b"# T\n\n## Lead quality\n- timebox: 5\n\n## Lead Quality!\n- timebox: 5\n", 6, "duplicate item id 'lead-quality' (first at line 3)"),
    "not utf-8": (b"# T\n\n## Caf\xe9\n- timebox: 5\n", 3, "not UTF-8"),
    "huge": (b"# T\n" + b"x" * (1024 * 1024), 1, "at most 256 KB"),
    "duration mismatch": (b"# T\n- duration: 30 min\n## A\n- timebox: 10\n", 2, "add up to 10 min but duration says 30"),
    "bad kind": (b"# T\n- kind: party\n## A\n- timebox: 10\n", 2, "kind 'party'"),
    "text before title": (b"hello\n\n# T\n## A\n- timebox: 5\n", 1, "must start with a '# Title'"),
    "bad presenter": (b"# T\n## A\n- timebox: 5\n- presenter: legal\n", 4, "presenter 'legal'"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_template_is_reported_with_file_and_line(tmp_path: Path, case: str) -> None:
    content, line, needle = BROKEN[case]
    path = tmp_path / "broken.md"
    path.write_bytes(content)
    result = run_cli("templates", "check", str(path))
    assert result.code == 1, result
    assert "Traceback" not in result.out + result.err
    first = result.out.splitlines()[0]
    assert first.startswith(f"{path}:{line}: "), first
    assert needle in first


def test_check_reports_every_problem_of_every_file(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text(GOOD)
    bad = tmp_path / "bad.md"
    bad.write_text("# T\n## A\n- timebox: x\n## B\n- timebox: 5\n- standing: maybe\n")
    result = run_cli("templates", "check", str(good), str(bad), str(tmp_path / "missing.md"))
    assert result.code == 1
    assert result.out.splitlines() == [
        f"{bad}:3: timebox 'x' is not a number of minutes (try '10 min')",
        f"{bad}:6: standing 'maybe' must be yes or no",
        f"{tmp_path / 'missing.md'}:1: no such file",
    ]
    assert f"{good}: ok, 2 items, 15 min" in result.err
    assert run_cli("templates", "check", str(good)).code == 0


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*list("#-*: \n1.abc`>|_=\té\u200b"), "timebox", "duration", "## ", "# ", "- ", "min", "```", "<!--"]),
        max_size=80,
    ).map("".join)
    | st.text(max_size=200)
)
def test_parser_never_raises(text: str) -> None:
    template, problems = parse_template(text, template_id="fuzz")
    assert (template is None) == bool(problems)
    lines = text.count("\n") + 1
    for problem in problems:
        assert 1 <= problem.line <= lines + 1
        assert problem.message


def test_user_template_overrides_builtin(tmp_path: Path) -> None:
    user = tmp_path / "config"
    (user / "templates").mkdir(parents=True)
    (user / "templates" / "weekly-smarketing-sync.md").write_text(GOOD.replace("# T", "# Our own weekly"))
    (user / "templates" / "custom.md").write_text(GOOD)
    (user / "templates" / "broken.md").write_text("# nothing")
    env = {**os.environ, "TANDEM_CONFIG_DIR": str(user)}
    result = run_cli("templates", "list", env=env)
    assert result.code == 0, result.err
    rows = {line.split()[0]: line for line in result.out.splitlines()[1:] if line.strip()}
    assert "Our own weekly" in rows["weekly-smarketing-sync"] and rows["weekly-smarketing-sync"].rstrip().endswith("user")
    assert rows["custom"].rstrip().endswith("user")
    assert rows["lead-quality-review"].rstrip().endswith("built-in")
    assert "broken.md:1: no agenda items" in result.err
    shown = run_cli("templates", "show", "weekly-smarketing-sync", env=env)
    assert "Our own weekly" in shown.out and "Why?" in shown.out
    assert run_cli("templates", "show", "broken", env=env).code == 1
    missing = run_cli("templates", "show", "nope", env=env)
    assert missing.code == 1 and "No template 'nope'" in missing.err


def test_show_builtin_as_table() -> None:
    result = run_cli("templates", "show", "weekly-smarketing-sync")
    assert result.code == 0, result.err
    template = load_library().get("weekly-smarketing-sync")
    for item in template.items:
        assert item.title in result.out
    assert f"{template.total_min} min" in result.out


def test_meeting_snapshots_the_agenda(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    path = folder / "mine.md"
    path.write_text(GOOD)
    template, _ = load_template(path)
    assert template is not None
    ws = Workspace(tmp_path / "ws")
    meeting = Meeting(id="2026-11-26-mine", series_id="mine", title="Mine", date="2026-11-26")
    ws.create_meeting_from_template(meeting, template)
    path.write_text(GOOD.replace("## One", "## Changed later"))
    record = ws.read_meeting("2026-11-26-mine")
    assert record.meeting.template_id == "mine"
    assert [a.title for a in record.agenda] == ["One", "Two"]
    assert [a.timebox_min for a in record.agenda] == [5, 10]
    assert record.agenda[0].prompts == ["Why?"]
    assert len({a.id for a in record.agenda}) == 2


def test_every_problem_is_reported_also_without_a_title() -> None:
    """A missing title used to end the check there: the items' problems came only after
    it was fixed, one round at a time."""
    from tandem.store.templates import parse_template

    text = "Some intro\n\n## Lead quality\n- timebox: lots\n\n## Pipeline\n- Which content shipped?\n"
    template, problems = parse_template(text, template_id="bad")
    assert template is None
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [
        (1, "the template must start with a '# Title' heading"),
        (4, "timebox 'lots' is not a number of minutes"),
        (6, "item 'Pipeline' has no timebox"),
    ]
