"""`tandem backup` and `tandem restore` against hostile archives and busy workspaces, through
the real entry point: refusals are one sentence naming the archive and the bad entry, and
change nothing; after a successful restore, what the other commands print is safe to show."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import build_sample, first_doc, run_cli
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tandem.store.atomic import SCHEMA_VERSION, encode
from tandem.store.errors import TandemError
from tandem.store.outside import is_clean, name_problem
from tandem.store.upkeep.backup import backup, restore
from tandem.store.workspace import Workspace

MEETING = "2026-11-26-weekly-smarketing-sync"
#: What no output of tandem may hold: C0 and C1 controls but tab and newline, bidi overrides
#: and isolates.
UNSAFE_OUTPUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_one_sentence(err: str, *needles: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert UNSAFE_OUTPUT.search(err) is None, err
    for needle in needles:
        assert needle in lines[0], (needle, err)


def files_of(home: Path) -> dict[str, bytes]:
    return {p.relative_to(home).as_posix(): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def sample_archive(tmp_path: Path) -> tuple[Path, dict]:
    build_sample(tmp_path / "ws")
    archive = tmp_path / "backup.json"
    assert run_cli("--home", str(tmp_path / "ws"), "backup", str(archive)).code == 0
    return archive, json.loads(archive.read_text())


def renamed(data: dict, new_id: str) -> dict:
    tables = data["files"].pop(f"meetings/{MEETING}.json")
    first_doc(tables["meeting"])["id"] = new_id
    data["files"][f"meetings/{new_id}.json"] = tables
    return data


def test_force_restore_of_a_long_cjk_meeting_id_changes_nothing(tmp_path: Path) -> None:
    _, data = sample_archive(tmp_path)
    hostile = tmp_path / "cjk.json"
    hostile.write_text(json.dumps(renamed(data, "会" * 100)))
    home = tmp_path / "ws"
    before = files_of(home)
    result = run_cli("--home", str(home), "restore", "--force", str(hostile))
    assert result.code == 1
    assert_one_sentence(result.err, str(hostile), "会会会")
    assert files_of(home) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.json", "cjk.json", "ws"]


def test_control_characters_in_an_id_are_refused_and_never_printed(tmp_path: Path) -> None:
    _, data = sample_archive(tmp_path)
    osc = "x\x1b]52;c;aGVsbG8=\x07\x1b]0;owned\x07\x1b[2J\nfake row"
    hostile = tmp_path / "osc.json"
    hostile.write_text(json.dumps(renamed(data, osc)))
    target = tmp_path / "target"
    result = run_cli("--home", str(target), "restore", str(hostile))
    assert result.code == 1
    assert_one_sentence(result.err, str(hostile), "\\x1b]52")
    assert not target.exists()


def test_force_refuses_while_a_meeting_is_open_elsewhere(tmp_path: Path) -> None:
    archive, _ = sample_archive(tmp_path)
    ws = Workspace(tmp_path / "ws")
    with ws.open_meeting(MEETING):
        before = files_of(ws.home)
        result = run_cli("--home", str(ws.home), "restore", "--force", str(archive))
        assert result.code == 1
        assert_one_sentence(result.err, str(archive), f"{MEETING} is open for editing by PID {os.getpid()}")
        assert files_of(ws.home) == before


def test_force_refuses_over_a_newer_schema_file(tmp_path: Path) -> None:
    archive, _ = sample_archive(tmp_path)
    path = Workspace(tmp_path / "ws").meeting_path(MEETING)
    newer = path.read_bytes().replace(b'"schema": %d' % SCHEMA_VERSION, b'"schema": 99')
    path.write_bytes(newer)
    result = run_cli("--home", str(tmp_path / "ws"), "restore", "--force", str(archive))
    assert result.code == 1
    assert_one_sentence(result.err, str(path), "newer tandem")
    assert path.read_bytes() == newer


def test_force_says_where_it_kept_what_it_replaced(tmp_path: Path) -> None:
    archive, _ = sample_archive(tmp_path)
    home = tmp_path / "ws"
    edited = encode({"content": {"c1": {"id": "c1", "title": "Written after the backup", "type": "blog", "_seq": 1}}}, "content")
    (home / "content.json").write_bytes(edited)
    result = run_cli("--home", str(home), "restore", "--force", str(archive))
    assert result.code == 0, result.err
    (kept,) = (home / "backups").glob("before-restore-*.zip")
    assert re.fullmatch(r"before-restore-\d{4}-\d\d-\d\d-\d{6}\.zip", kept.name)
    assert str(kept) in result.err
    with zipfile.ZipFile(kept) as zipped:
        assert zipped.read("content.json") == edited
    assert not (home / "content.json").exists()


def test_backup_refuses_a_series_file_that_is_a_folder(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    build_sample(home)
    (home / "series.json").unlink()
    (home / "series.json").mkdir()
    result = run_cli("--home", str(home), "backup", str(tmp_path / "b.json"))
    assert result.code == 1
    assert_one_sentence(result.err, str(home / "series.json"), "folder")
    assert not (tmp_path / "b.json").exists()


# --- hostile archives, generated ----------------------------------------------------------------

CONTROLS = "\x00\x07\x08\x0b\x0c\x0d\x1b\x7f\x85\x9b\u061c\u200e\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\ufeff"
hostile_text = st.text(alphabet=st.sampled_from([*CONTROLS, "a", "Z", "0", " ", "\n", "\t", "[", "]", ";", "é", "会", "/", "."]), min_size=1, max_size=12)
escape = st.sampled_from(["\x1b]52;c;aGVsbG8=\x07", "\x1b]0;title\x1b\\", "\x1b[2J", "\x9b31m", "\u202eexe.txt", "\u2066x\u2069"])
plain_text = st.text(alphabet=st.sampled_from(["a", "Z", " ", "\n", "\t", "#", "*", "|", "<", "`", "é", "会", "😀"]), min_size=1, max_size=12)
# Many values are acceptable, so that many examples check what a restore leads to.
text_value = st.one_of(plain_text, plain_text, hostile_text, st.tuples(plain_text, escape).map("".join))
safe_id = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,30}", fullmatch=True).filter(lambda s: ".." not in s)
id_value = st.one_of(
    safe_id,
    safe_id,
    st.text(alphabet="会議録", min_size=40, max_size=130),
    st.from_regex(r"[a-z]{1,5}", fullmatch=True).flatmap(lambda s: st.tuples(st.just(s), hostile_text).map("".join)),
    st.sampled_from(["..", "a/b", ".hidden", "a..b", "x" * 121, "A" * 120, "con.json"]),
)
mutation = st.one_of(
    st.tuples(st.just("meeting id"), id_value),
    st.tuples(st.just("member"), id_value),
    st.tuples(st.just("action id"), id_value),
    st.tuples(st.just("agenda id"), id_value),
    st.tuples(st.just("reference"), id_value),
    st.tuples(st.just("action text"), text_value),
    st.tuples(st.just("attendee"), text_value),
    st.tuples(st.just("notes"), text_value),
    st.tuples(st.just("info"), text_value),
    st.tuples(st.just("info key"), text_value),
)


def mutate(data: dict, kind: str, value: str) -> None:
    files = data["files"]
    meeting = files[f"meetings/{MEETING}.json"]
    if kind == "meeting id":
        renamed(data, value)
    elif kind == "member":
        files[f"meetings/{value}.json"] = files.pop(f"meetings/{MEETING}.json")
    elif kind == "action id":
        first_doc(meeting["actions"])["id"] = value
    elif kind == "agenda id":
        first_doc(meeting["agenda"])["id"] = value
    elif kind == "reference":
        first_doc(meeting["decisions"])["agenda_item_id"] = value
    elif kind == "action text":
        first_doc(meeting["actions"])["text"] = value
    elif kind == "attendee":
        first_doc(meeting["meeting"])["attendees"][0]["name"] = value
    elif kind == "notes":
        first_doc(meeting["agenda"])["notes"] = value
    elif kind == "info":
        files.setdefault("workspace.json", {"workspace": {"1": {}}})["workspace"]["1"]["label"] = value
    else:
        files.setdefault("workspace.json", {"workspace": {"1": {}}})["workspace"]["1"][value] = {"nested": [value]}


def acceptable(kind: str, value: str) -> bool:
    """Whether restore may accept the value at all: names must be safe, text clean."""
    if kind in ("meeting id", "member", "action id", "agenda id", "reference"):
        return name_problem(value) is None
    return is_clean(value)


def in_process(*args: str) -> tuple[int, str]:
    """``tandem ARGS`` through ``main``, in this process (a child each would cost 0.4 s)."""
    from tandem.tui.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue() + err.getvalue()


_BASE: dict[str, object] = {}


def base(root: Path) -> tuple[Path, dict]:
    """A sample workspace and its archive, built once and copied for each example."""
    if "home" not in _BASE:
        folder = Path(tempfile.mkdtemp(prefix="tandem-hostile-"))
        ws = build_sample(folder / "ws")
        backup(ws, folder / "backup.json")
        _BASE["home"], _BASE["data"] = ws.home, json.loads((folder / "backup.json").read_text())
    home = root / "ws"
    shutil.copytree(_BASE["home"], home)  # type: ignore[arg-type]
    return home, json.loads(json.dumps(_BASE["data"]))


# The fixture only pins environment variables, the same for every example.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutations=st.lists(mutation, min_size=1, max_size=2, unique_by=lambda m: m[0]), force=st.booleans())
def test_a_hostile_archive_is_restored_whole_or_not_at_all(monkeypatch_env: None, mutations: list[tuple[str, str]], force: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        home, data = base(root)
        target = home if force else root / "new"
        applied = []
        for kind, value in mutations:
            with contextlib.suppress(KeyError):  # the meeting was renamed by an earlier one
                mutate(data, kind, value)
                applied.append((kind, value))
        archive = root / "archive.json"
        archive.write_text(json.dumps(data))
        before = files_of(target) if target.exists() else None
        try:
            done = restore(Workspace(target), archive, force=force)
        except TandemError as exc:
            event("refused")
            message = str(exc)
            assert "\n" not in message and UNSAFE_OUTPUT.search(message) is None, message
            assert (files_of(target) if target.exists() else None) == before
            assert sorted(p.name for p in root.iterdir()) == ["archive.json", "ws"]
            return
        event("restored")
        assert all(acceptable(kind, value) for kind, value in applied), applied
        assert done.files == len(data["files"])
        restored = Workspace(target)
        assert {p.relative_to(target).as_posix() for p in restored.data_files()} == set(data["files"])
        assert not [p for p in root.iterdir() if "tandem-restore" in p.name]
        outputs = [in_process("--home", str(target), *args) for args in (["list"], ["actions"], ["doctor"], ["export", "latest"])]
        outputs += [in_process("--home", str(target), "export", meeting_id) for meeting_id in restored.meeting_ids()]
        for _, text in outputs:
            assert UNSAFE_OUTPUT.search(text) is None, text
            assert "Traceback" not in text and "unexpected error" not in text, text
        assert outputs[0][0] == 0 and outputs[1][0] == 0, outputs


@pytest.fixture
def monkeypatch_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-process commands read TANDEM_HOME and TANDEM_TODAY: pin both."""
    monkeypatch.delenv("TANDEM_HOME", raising=False)
    monkeypatch.setenv("TANDEM_TODAY", "2026-12-01")
