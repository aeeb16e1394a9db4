"""backup → restore round-trips every record exactly; restore is all or nothing."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import strategies as gen
from conftest import build_sample, first_doc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.store.atomic import SCHEMA_VERSION, encode
from tandem.store.errors import TandemError
from tandem.store.records import Series, ShadowDay
from tandem.store.shadow_session import ShadowSession
from tandem.store.upkeep import backup as backup_module
from tandem.store.upkeep.backup import backup, restore
from tandem.store.workspace import MeetingRecord, Workspace


def everything(ws: Workspace) -> dict:
    return {
        "series": [s.to_dict() for s in ws.series.all()],
        "objectives": [o.to_dict() for o in ws.objectives.all()],
        "content": [c.to_dict() for c in ws.content.all()],
        "insights": [i.to_dict() for i in ws.insights.all()],
        "shadow_days": [d.to_dict() for d in ws.shadow_days.all()],
        "meetings": {
            rec.meeting.id: {name: [x.to_dict() for x in getattr(rec, name)] for name in ("agenda", "lead_feedback", "decisions", "actions", "parking_lot")}
            | {"meeting": rec.meeting.to_dict()}
            for rec in ws.iter_meeting_records()
        },
    }


unique = lambda s, n=4: st.lists(s, max_size=n, unique_by=lambda x: x.id)  # noqa: E731


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    series=unique(gen.series),
    objectives=unique(gen.objective),
    content=unique(gen.content),
    insights=unique(gen.insight),
    shadow_days=unique(gen.shadow_day),
    meeting_ids=st.lists(st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True), max_size=3, unique=True),
    data=st.data(),
)
def test_backup_restore_round_trip(series, objectives, content, insights, shadow_days, meeting_ids, data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        for collection, rows in (
            (ws.series, series),
            (ws.objectives, objectives),
            (ws.content, content),
            (ws.insights, insights),
            (ws.shadow_days, shadow_days),
        ):
            if rows:
                collection.add_many(rows)
        for meeting_id in meeting_ids:
            parts = data.draw(gen.meeting_record(meeting_id))
            ws.create_meeting(parts["meeting"])
            with ws.open_meeting(meeting_id, allow_finalized=True) as writer:
                writer.write_all(MeetingRecord(**parts))
        archive = Path(tmp) / "backup.json"
        backup(ws, archive)
        copy = Workspace(Path(tmp) / "copy")
        restore(copy, archive)
        assert everything(copy) == everything(ws)
        originals = {p.relative_to(ws.home): p.read_bytes() for p in ws.data_files()}
        restored = {p.relative_to(copy.home): p.read_bytes() for p in copy.data_files()}
        assert restored == originals


# --- restore is all or nothing (issue 18) -----------------------------------------------------

MEETING = "2026-11-26-weekly-smarketing-sync"
CJK_ID = "会" * 100  # 300 bytes: longer than any file name may be


def tree(home: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under ``home``."""
    out: dict[str, bytes | None] = {}
    for path in sorted(home.rglob("*")):
        out[path.relative_to(home).as_posix()] = None if path.is_dir() else path.read_bytes()
    return out


def archive_of(tmp_path: Path) -> tuple[Workspace, dict]:
    ws = build_sample(tmp_path / "ws")
    path = tmp_path / "backup.json"
    backup(ws, path)
    return ws, json.loads(path.read_text())


def with_meeting_id(data: dict, new_id: str) -> dict:
    tables = data["files"].pop(f"meetings/{MEETING}.json")
    first_doc(tables["meeting"])["id"] = new_id
    data["files"][f"meetings/{new_id}.json"] = tables
    return data


def write(tmp_path: Path, data: dict, name: str = "hostile.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_a_long_cjk_meeting_id_is_refused_before_anything_is_touched(tmp_path: Path) -> None:
    # It was accepted, then failed on "File name too long" after writing part of the
    # workspace, and --force had already deleted the meetings the archive did not hold.
    ws, data = archive_of(tmp_path)
    archive = write(tmp_path, with_meeting_id(data, CJK_ID))
    before = tree(ws.home)
    for target, force in ((Workspace(tmp_path / "new"), False), (ws, True)):
        with pytest.raises(TandemError, match=r"hostile\.json") as caught:
            restore(target, archive, force=force)
        assert "会会会" in str(caught.value) and "\n" not in str(caught.value)
    assert not (tmp_path / "new").exists()
    assert tree(ws.home) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.json", "hostile.json", "ws"]


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("meeting id", "x\x1b]52;c;aGVsbG8=\x07"),  # OSC 52: writes the clipboard
        ("meeting id", "ok\nfake-row"),
        ("meeting id", "a\u202eb"),
        ("member name", "meetings/\x1b]0;owned\x07.json"),  # OSC 0: the window title
        ("record id", "act\x1b[2J"),  # clears the screen
        ("record id", "act 1"),
        ("reference", "m\u2066x"),
        ("text", "Fix \x1b]52;c;aGVsbG8=\x07 routing"),
        ("text", "safe\u202etxt.exe"),
        ("workspace info", "\x9b31m"),
    ],
)
def test_names_and_text_with_control_or_bidi_characters_are_refused(tmp_path: Path, where: str, value: str) -> None:
    # They were restored as they were: `tandem doctor` then printed raw OSC 52 / OSC 0 /
    # clear-screen sequences, a newline in an id printed a fake row of `tandem list`.
    ws, data = archive_of(tmp_path)
    files = data["files"]
    if where == "meeting id":
        with_meeting_id(data, value)
    elif where == "member name":
        files[value] = files.pop(f"meetings/{MEETING}.json")
    elif where == "record id":
        first_doc(files[f"meetings/{MEETING}.json"]["actions"])["id"] = value
    elif where == "reference":
        first_doc(files[f"meetings/{MEETING}.json"]["actions"])["meeting_id"] = value
    elif where == "text":
        first_doc(files[f"meetings/{MEETING}.json"]["actions"])["text"] = value
    else:
        files["workspace.json"] = {"workspace": {"1": {"name": value}}}
    archive = write(tmp_path, data)
    before = tree(ws.home)
    with pytest.raises(TandemError) as caught:
        restore(ws, archive, force=True)
    message = str(caught.value)
    assert str(archive) in message and "\n" not in message
    assert all(ch.isprintable() for ch in message), message
    assert tree(ws.home) == before


def test_force_keeps_a_dated_copy_of_what_it_replaces(tmp_path: Path) -> None:
    # Edits made since the day's snapshot were destroyed without a copy anywhere.
    ws, data = archive_of(tmp_path)
    archive = write(tmp_path, data, "backup.json")
    ws.series.add(Series(id="made-after-the-backup", title="Made after the backup"))
    (ws.home / "snapshots").mkdir(exist_ok=True)
    (ws.home / "snapshots" / "2026-11-01.zip").write_bytes(b"an older snapshot")
    (ws.home / "drafts").mkdir(exist_ok=True)
    (ws.home / "drafts" / "note.json").write_bytes(b"{}")
    replaced = {p.relative_to(ws.home).as_posix(): p.read_bytes() for p in ws.data_files()}
    clock = Workspace(ws.home, now=lambda: datetime(2026, 12, 1, 9, 30, 5))
    done = restore(clock, archive, force=True)
    assert done.kept_in == ws.home / "backups" / "before-restore-2026-12-01-093005.zip"
    with zipfile.ZipFile(done.kept_in) as kept:
        assert {name: kept.read(name) for name in kept.namelist()} == replaced
    assert "made-after-the-backup" not in (ws.home / "series.json").read_text()
    # What is not data stays with the workspace.
    assert (ws.home / "snapshots" / "2026-11-01.zip").read_bytes() == b"an older snapshot"
    assert (ws.home / "drafts" / "note.json").exists()
    # A second restore within the same second keeps the first copy.
    assert restore(clock, archive, force=True).kept_in == ws.home / "backups" / "before-restore-2026-12-01-093005-2.zip"


def test_force_refuses_over_a_newer_schema_file(tmp_path: Path) -> None:
    # The README promises a file of a newer tandem is never overwritten; restore did.
    ws, data = archive_of(tmp_path)
    archive = write(tmp_path, data, "backup.json")
    newer = ws.home / "content.json"
    newer.write_bytes(encode({"content": {}}, "content").replace(b'"schema": %d' % SCHEMA_VERSION, b'"schema": 99'))
    before = tree(ws.home)
    with pytest.raises(TandemError, match="newer tandem") as caught:
        restore(ws, archive, force=True)
    assert str(newer) in str(caught.value)
    assert tree(ws.home) == before


def test_force_refuses_while_a_meeting_or_shadow_day_is_open(tmp_path: Path) -> None:
    # The open session's next save silently overwrote what was restored.
    ws, data = archive_of(tmp_path)
    archive = write(tmp_path, data, "backup.json")
    with ws.open_meeting(MEETING):
        before = tree(ws.home)
        with pytest.raises(TandemError, match=rf"meeting {MEETING} is open for editing by PID {os.getpid()}"):
            restore(ws, archive, force=True)
        assert tree(ws.home) == before
    ws.shadow_days.add(ShadowDay(id="shadow-1", shadow="Dana", host="Luis", direction="marketing_to_sales", date="2026-11-20"))
    session = ShadowSession(ws, "shadow-1")
    try:
        with pytest.raises(TandemError, match="hadow day shadow-1 is open for editing"):
            restore(ws, archive, force=True)
    finally:
        session.close()
    assert restore(ws, archive, force=True).files == len(data["files"])


def test_force_refuses_a_folder_where_a_data_file_belongs(tmp_path: Path) -> None:
    ws, data = archive_of(tmp_path)
    archive = write(tmp_path, data, "backup.json")
    (ws.meetings_dir / "odd.json").mkdir()
    (ws.meetings_dir / "odd.json" / "keep.txt").write_text("mine")
    with pytest.raises(TandemError, match=r"odd\.json is a folder"):
        restore(ws, archive, force=True)
    assert (ws.meetings_dir / "odd.json" / "keep.txt").read_text() == "mine"


def test_backup_refuses_a_series_file_that_is_a_folder(tmp_path: Path) -> None:
    # It was silently left out of the archive.
    ws = build_sample(tmp_path / "ws")
    (ws.home / "series.json").unlink()
    (ws.home / "series.json").mkdir()
    with pytest.raises(TandemError, match=r"series\.json") as caught:
        backup(ws, tmp_path / "b.json")
    assert "folder" in str(caught.value)
    assert not (tmp_path / "b.json").exists()


def test_a_killed_restore_is_finished_by_the_next(tmp_path: Path) -> None:
    ws, data = archive_of(tmp_path)
    archive = write(tmp_path, data, "backup.json")
    dead = 2**22 + 1  # above the default pid_max: no such process
    # Killed while moving the snapshots into its staging folder…
    before_swap = tmp_path / f".ws.tandem-restore-{dead}-1"
    (before_swap / "snapshots").mkdir(parents=True)
    (before_swap / "snapshots" / "2026-11-02.zip").write_bytes(b"moved out")
    (before_swap / "series.json").write_bytes(b"half-written new data")
    # …and one killed after the exchange, before deleting the old data.
    (tmp_path / f".ws.tandem-restore-{dead}-2").mkdir()
    (tmp_path / f".ws.tandem-restore-{dead}-2" / "series.json").write_bytes(b"old data")
    alive = tmp_path / f".ws.tandem-restore-{os.getppid()}-3"  # a restore running right now
    alive.mkdir()
    unrelated = tmp_path / ".ws.tandem-restored-by-hand"
    unrelated.mkdir()
    restore(ws, archive, force=True)
    assert (ws.home / "snapshots" / "2026-11-02.zip").read_bytes() == b"moved out"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == sorted([alive.name, unrelated.name])


def test_a_workspace_set_aside_is_put_back_by_the_next_restore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Where folders cannot be exchanged in one step, the old one is renamed aside first.
    ws, data = archive_of(tmp_path)
    archive = write(tmp_path, data, "backup.json")
    monkeypatch.setattr(backup_module, "_exchange", lambda a, b: False)
    ws.series.add(Series(id="later", title="Later"))
    restore(ws, archive, force=True)
    assert [s.id for s in ws.series.all()] == ["weekly-smarketing-sync"]
    assert not [p for p in tmp_path.iterdir() if "tandem-restore" in p.name]
    ws.series.add(Series(id="later", title="Later"))
    old = tree(ws.home)
    ws.home.rename(tmp_path / f".ws.tandem-restore-{2**22 + 1}-5.old")  # killed between the renames
    with pytest.raises(TandemError, match="already holds a workspace"):
        restore(ws, archive)
    assert tree(ws.home) == old


def test_a_failed_staging_write_leaves_the_workspace_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws, data = archive_of(tmp_path)
    archive = write(tmp_path, data, "backup.json")
    (ws.home / "snapshots").mkdir(exist_ok=True)
    (ws.home / "snapshots" / "2026-11-01.zip").write_bytes(b"zip")
    real_exchange = backup_module._exchange

    def disk_full(a: Path, b: Path) -> bool:
        assert (a / "snapshots").is_dir()  # moved into the staging folder by now
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_module, "_exchange", disk_full)
    data_before = {p: p.read_bytes() for p in ws.data_files()}
    with pytest.raises(TandemError, match="the disk is full; the workspace was left as it was"):
        restore(ws, archive, force=True)
    assert {p: p.read_bytes() for p in ws.data_files()} == data_before
    assert (ws.home / "snapshots" / "2026-11-01.zip").read_bytes() == b"zip"
    assert not [p for p in tmp_path.iterdir() if "tandem-restore" in p.name]
    monkeypatch.setattr(backup_module, "_exchange", real_exchange)
    assert restore(ws, archive, force=True).kept_in is not None
