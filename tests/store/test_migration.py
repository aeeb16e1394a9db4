"""A workspace written by the previous schema (tests/fixtures/workspace_schema1) opens, is
upgraded, and a backup of the old files is kept first."""

from __future__ import annotations

import multiprocessing
import shutil
import zipfile
from pathlib import Path

import orjson
import pytest

from tandem.store.atomic import SCHEMA_VERSION, read_file
from tandem.store.errors import NewerSchemaError
from tandem.store.migrate import migrate_workspace, outdated_files
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.workspace import Workspace

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "workspace_schema1"
PASTED = "2026-11-17-weekly-smarketing-sync"


@pytest.fixture
def old_home(tmp_path: Path) -> Path:
    home = tmp_path / "old workspace ✓"
    shutil.copytree(FIXTURE, home, ignore=shutil.ignore_patterns("README.md"))
    return home


def schemas(home: Path) -> set[int]:
    return {orjson.loads(p.read_bytes())["_tandem"]["schema"] for p in Workspace(home, read_only=True).data_files()}


def snapshot(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*.json"))}


def test_the_fixture_is_an_older_schema() -> None:
    assert SCHEMA_VERSION == 5
    assert schemas(FIXTURE) == {1}
    assert "\\u001b[31m" in (FIXTURE / "meetings" / f"{PASTED}.json").read_text()


def test_an_old_workspace_is_upgraded_after_a_backup(old_home: Path) -> None:
    before = snapshot(old_home)
    ws = Workspace(old_home)
    assert len(outdated_files(ws)) == len(before)
    result = migrate_workspace(ws)
    assert len(result.upgraded) == len(before) and not result.skipped
    assert schemas(old_home) == {SCHEMA_VERSION}
    # The backup holds every old file byte for byte.
    assert result.backup is not None and result.backup.parent == old_home / "backups"
    with zipfile.ZipFile(result.backup) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == before
    assert "the old files are kept in" in result.sentence()
    # The pasted escape sequences are gone; the words around them stay.
    notes = Workspace(old_home).read_meeting(PASTED).agenda[0].notes
    assert "\x1b" not in notes and "\x07" not in notes
    assert "Pasted from the CRM: RED ALERT and a bell and title" in notes
    # Nothing else changed: every record reads the same as the old file read in memory.
    for name, raw in before.items():
        old = read_file_from_bytes(old_home / name, raw)
        assert read_file(old_home / name) == old
    # Once upgraded, there is nothing more to do.
    assert migrate_workspace(Workspace(old_home)).sentence() == ""


def read_file_from_bytes(path: Path, raw: bytes) -> dict:
    from tandem.store.atomic import decode

    return decode(raw, path)


def test_readers_see_an_old_workspace_without_changing_it(old_home: Path) -> None:
    before = snapshot(old_home)
    data = WorkspaceSource(old_home).load()
    assert len(data.meetings) == 6 and not data.problems
    assert snapshot(old_home) == before
    assert not (old_home / "backups").exists()


def test_the_first_write_of_any_command_keeps_a_backup_first(old_home: Path) -> None:
    before = snapshot(old_home)
    ws = Workspace(old_home)
    series = ws.series.all()[0]
    ws.series.update(series.replace(description="Changed"))
    backups = list((old_home / "backups").glob("*.zip"))
    assert len(backups) == 1
    with zipfile.ZipFile(backups[0]) as archive:
        assert archive.read("series.json") == before["series.json"]
    # The other files stay as they were until the app upgrades them (or they are written).
    assert snapshot(old_home)["content.json"] == before["content.json"]


def _hold(home: str, meeting_id: str, ready, done) -> None:
    with Workspace(home).open_meeting(meeting_id, allow_finalized=True):
        ready.set()
        done.wait(30)


def test_a_meeting_open_elsewhere_is_left_for_its_writer(old_home: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    ready, done = ctx.Event(), ctx.Event()
    child = ctx.Process(target=_hold, args=(str(old_home), PASTED, ready, done))
    child.start()
    try:
        assert ready.wait(20)
        result = migrate_workspace(Workspace(old_home))
    finally:
        done.set()
        child.join(20)
    assert len(result.skipped) == 1 and PASTED in result.skipped[0]
    assert "Not yet upgraded" in result.sentence()
    held = orjson.loads((old_home / "meetings" / f"{PASTED}.json").read_bytes())
    assert held["_tandem"]["schema"] == 1


def test_a_newer_file_is_refused_and_never_rewritten(old_home: Path) -> None:
    path = old_home / "content.json"
    data = orjson.loads(path.read_bytes())
    data["_tandem"]["schema"] = SCHEMA_VERSION + 1
    path.write_bytes(orjson.dumps(data))
    raw = path.read_bytes()
    result = migrate_workspace(Workspace(old_home))
    assert path not in result.upgraded
    assert path.read_bytes() == raw
    with pytest.raises(NewerSchemaError):
        read_file(path)
