"""The store's files: permissions, temp-file cleanup, schema header, refusals, snapshots.

* files are 0600 and folders 0700 (they may name prospects and colleagues);
* a temp file left by a dead writer is removed when a Workspace is opened, a live one's kept;
* every data file carries the schema header;
* a newer schema, a truncated file or garbage is refused with the file's path, left
  byte-identical, and never overwritten by a writer;
* an older schema goes through the migration hooks;
* daily zip snapshots: taken before the first write of a day, the last 7 kept, 0600.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from tandem.store import atomic
from tandem.store.atomic import HEADER_KEY, SCHEMA_VERSION, TEMP_MARK, read_file
from tandem.store.errors import CorruptFileError, NewerSchemaError, ValidationError
from tandem.store.records import (
    ActionItem,
    AgendaItem,
    ContentItem,
    Meeting,
    Objective,
    ProspectInsight,
    Series,
    ShadowDay,
)
from tandem.store.workspace import Workspace

MEETING_ID = "2026-11-20-weekly-sync"


class Clock:
    """A settable clock for ``Workspace(home, now=...)``."""

    def __init__(self, start: datetime) -> None:
        self.value = start

    def __call__(self) -> datetime:
        return self.value

    def set(self, value: datetime) -> None:
        self.value = value


def _populate(home: Path, now: Callable[[], datetime] = datetime.now) -> Workspace:
    """One file of every kind."""
    ws = Workspace(home, now=now)
    ws.set_info(name="Acme smarketing")
    ws.series.add(Series(id="weekly-sync", title="Weekly sync"))
    ws.create_meeting(
        Meeting(id=MEETING_ID, series_id="weekly-sync", title="Weekly sync", date="2026-11-20"),
        [AgendaItem(id="item-1", title="Objectives check-in", position=0)],
    )
    with ws.open_meeting(MEETING_ID) as writer:
        writer.actions.add(ActionItem(id="act-1", text="Fix lead routing", owner="Luis", meeting_id=MEETING_ID))
        writer.actions.add(ActionItem(id="act-2", text="Send the case study", owner="Dana", meeting_id=MEETING_ID))
    ws.objectives.add(Objective(id="obj-1", title="More SQLs", metric="SQLs", target=40))
    ws.content.add(ContentItem(id="content-1", title="ROI calculator"))
    ws.insights.add(ProspectInsight(id="insight-1", text="How long does onboarding take?"))
    ws.shadow_days.add(ShadowDay(id="shadow-1", shadow="Dana Kim", host="Luis Ortega", direction="marketing_to_sales", date="2026-11-24"))
    return ws


def _walk(home: Path) -> Iterator[Path]:
    yield home
    yield from sorted(home.rglob("*"))


def _temp_files(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if TEMP_MARK in p.name]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- permissions ---------------------------------------------------------------------


def test_files_are_0600_and_folders_0700_even_with_a_permissive_umask(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 11, 20, 9, 0))
    old_umask = os.umask(0)  # the modes must come from tandem, not from the umask
    try:
        home = tmp_path / "ws"
        ws = _populate(home, clock)
        writer = ws.open_meeting(MEETING_ID)  # keeps a lock and a holder file on disk
        clock.set(datetime(2026, 11, 21, 9, 0))
        writer.actions.add(ActionItem(id="act-3", text="Next day", meeting_id=MEETING_ID))  # takes a snapshot
        ws.snapshots.wait()  # taken in the background
    finally:
        os.umask(old_umask)
    try:
        paths = list(_walk(home))
        folders = [p for p in paths if p.is_dir()]
        files = [p for p in paths if p.is_file()]
        assert {p.relative_to(home).as_posix() for p in folders} == {".", "meetings", "snapshots"}
        assert {p.suffix for p in files} >= {".json", ".lock", ".holder", ".zip"}
        assert len(files) >= 10
        bad = {str(p.relative_to(home)): oct(_mode(p)) for p in folders if _mode(p) != 0o700}
        bad |= {str(p.relative_to(home)): oct(_mode(p)) for p in files if _mode(p) != 0o600}
        assert not bad, f"wrong permissions: {bad}"
    finally:
        writer.close()


# --- stale temp files ----------------------------------------------------------------


@pytest.mark.serial
def test_temp_files_of_dead_writers_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    ws = _populate(home)
    before = {p: p.read_bytes() for p in ws.data_files()}

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        folders = (home, home / "meetings", home / "snapshots")
        (home / "snapshots").mkdir(mode=0o700, exist_ok=True)
        dead_files, live_files = [], []
        for folder, name in zip(folders, ("objectives.json", f"{MEETING_ID}.json", "2026-11-20.zip"), strict=False):
            for pid, bucket in ((dead.pid, dead_files), (live.pid, live_files)):
                tmp = folder / f".{name}{TEMP_MARK}{pid}-123456789"
                tmp.write_bytes(b'{"half": "a wri')
                bucket.append(tmp)
        assert live.poll() is None  # still running

        removed = atomic.clean_stale_temp_files(home / "meetings")
        assert removed == [home / "meetings" / f".{MEETING_ID}.json{TEMP_MARK}{dead.pid}-123456789"]

        Workspace(home)
        assert [p for p in dead_files if p.exists()] == [], "a dead writer's temp file was kept"
        assert [p for p in live_files if not p.exists()] == [], "a live writer's temp file was removed"
        assert {p: p.read_bytes() for p in ws.data_files()} == before  # data files untouched
        assert sorted(_temp_files(home)) == sorted(live_files)
    finally:
        live.kill()
        live.wait()
    Workspace(home)
    assert _temp_files(home) == []  # once the writer is gone, its temp files go too


# --- schema header -------------------------------------------------------------------

EXPECTED_KINDS = {
    "workspace.json": "workspace",
    "series.json": "series",
    "objectives.json": "objectives",
    "content.json": "content",
    "insights.json": "insights",
    "shadow_days.json": "shadow_days",
    f"meetings/{MEETING_ID}.json": "meeting",
}


def test_schema_header_is_in_every_file(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    ws = _populate(home)
    files = {p.relative_to(home).as_posix(): p for p in home.rglob("*.json")}
    assert set(files) == set(EXPECTED_KINDS)
    assert {p.relative_to(home).as_posix() for p in ws.data_files()} == set(EXPECTED_KINDS)
    for name, path in files.items():
        raw = orjson.loads(path.read_bytes())
        assert raw[HEADER_KEY] == {"schema": SCHEMA_VERSION, "kind": EXPECTED_KINDS[name]}, name
        # read_file strips the header and gives the TinyDB tables.
        tables = read_file(path)
        assert tables is not None and HEADER_KEY not in tables and tables, name


# --- refusals: newer schema, corrupt files -------------------------------------------


def _set_schema(path: Path, schema: Any) -> bytes:
    data = orjson.loads(path.read_bytes())
    data[HEADER_KEY]["schema"] = schema
    raw = orjson.dumps(data)
    path.write_bytes(raw)
    return raw


def test_newer_schema_is_refused_and_never_overwritten(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    ws = _populate(home)
    meeting_path = ws.meeting_path(MEETING_ID)
    objectives_path = home / "objectives.json"
    meeting_raw = _set_schema(meeting_path, SCHEMA_VERSION + 1)
    objectives_raw = _set_schema(objectives_path, SCHEMA_VERSION + 7)

    readers: list[tuple[Path, Callable[[], Any]]] = [
        (meeting_path, lambda: ws.read_meeting(MEETING_ID)),
        (meeting_path, lambda: ws.get_meeting(MEETING_ID)),
        (meeting_path, ws.list_meetings),
        (meeting_path, ws.open_action_items),
        (meeting_path, lambda: read_file(meeting_path)),
        (objectives_path, ws.objectives.all),
        (objectives_path, ws.objectives_with_history),
    ]
    for path, read in readers:
        with pytest.raises(NewerSchemaError) as info:
            read()
        assert str(path) in str(info.value)
        assert info.value.path == path
        assert "newer tandem" in str(info.value)

    with pytest.raises(NewerSchemaError):
        ws.open_meeting(MEETING_ID)  # refused before any write is attempted
    writer = ws.open_meeting(MEETING_ID, allow_finalized=True)  # skips the header check
    writes: list[tuple[Path, Callable[[], Any]]] = [
        (meeting_path, lambda: writer.actions.add(ActionItem(id="act-9", text="Would overwrite", meeting_id=MEETING_ID))),
        (meeting_path, lambda: writer.save_meeting(Meeting(id=MEETING_ID, series_id="s", title="T", date="2026-11-20"))),
        (meeting_path, lambda: writer.actions.delete("act-1")),
        (objectives_path, lambda: ws.objectives.add(Objective(id="obj-9", title="T", metric="M", target=1))),
    ]
    try:
        for path, write in writes:
            with pytest.raises(NewerSchemaError, match=str(path)):
                write()
    finally:
        writer.close()
    assert meeting_path.read_bytes() == meeting_raw
    assert objectives_path.read_bytes() == objectives_raw
    assert _temp_files(home) == []


def _truncate(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


DAMAGES: dict[str, Callable[[bytes], bytes]] = {
    "truncated": _truncate,
    "truncated-last-byte": lambda raw: raw.rstrip()[:-1],  # the closing brace (the final newline is no JSON)
    "garbage": lambda raw: b"\x00\x17\xffnot json at all\x8c" * 40,
    "empty": lambda raw: b"",
    "no-header": lambda raw: orjson.dumps({k: v for k, v in orjson.loads(raw).items() if k != HEADER_KEY}),
    "not-an-object": lambda raw: b"[1, 2, 3]",
    "bad-schema": lambda raw: raw.replace(b'"schema": %d' % SCHEMA_VERSION, b'"schema": "one"'),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_corrupt_meeting_file_is_refused_and_never_overwritten(tmp_path: Path, damage: str) -> None:
    home = tmp_path / "ws"
    ws = _populate(home)
    path = ws.meeting_path(MEETING_ID)
    broken = DAMAGES[damage](path.read_bytes())
    path.write_bytes(broken)

    for read in (lambda: ws.read_meeting(MEETING_ID), ws.list_meetings, ws.open_action_items, lambda: read_file(path)):
        with pytest.raises(CorruptFileError) as info:
            read()
        assert info.value.path == path
        assert str(path) in str(info.value)
        assert "left it untouched" in str(info.value)
        assert path.read_bytes() == broken

    with pytest.raises(CorruptFileError):
        ws.open_meeting(MEETING_ID)  # refused before any write is attempted
    writer = ws.open_meeting(MEETING_ID, allow_finalized=True)  # skips the header check
    try:
        with pytest.raises(CorruptFileError, match=str(path)):
            writer.actions.add(ActionItem(id="act-9", text="Would overwrite", meeting_id=MEETING_ID))
        with pytest.raises(CorruptFileError, match=str(path)):
            writer.save_meeting(Meeting(id=MEETING_ID, series_id="s", title="T", date="2026-11-20"))
        with pytest.raises(CorruptFileError, match=str(path)):
            writer.agenda.update(AgendaItem(id="item-1", title="Changed"))
    finally:
        writer.close()
    with pytest.raises(ValidationError, match="already exists"):
        ws.create_meeting(Meeting(id=MEETING_ID, series_id="s", title="T", date="2026-11-20"))
    assert path.read_bytes() == broken
    assert _temp_files(home) == []


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_corrupt_shared_file_is_refused_and_never_overwritten(tmp_path: Path, damage: str) -> None:
    home = tmp_path / "ws"
    ws = _populate(home)
    path = home / "objectives.json"
    broken = DAMAGES[damage](path.read_bytes())
    path.write_bytes(broken)
    with pytest.raises(CorruptFileError, match=str(path)):
        ws.objectives.all()
    with pytest.raises(CorruptFileError, match=str(path)):
        ws.objectives.add(Objective(id="obj-9", title="Would overwrite", metric="M", target=1))
    assert path.read_bytes() == broken
    # The other files still work.
    assert [a.id for a in ws.read_meeting(MEETING_ID).actions] == ["act-1", "act-2"]


def test_invalid_record_is_reported_with_the_path(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    ws = _populate(home)
    path = ws.meeting_path(MEETING_ID)
    data = orjson.loads(path.read_bytes())
    data["actions"]["act-1"]["status"] = "maybe"
    raw = orjson.dumps(data)
    path.write_bytes(raw)
    with pytest.raises(CorruptFileError, match=r"action_item\.status") as info:
        ws.read_meeting(MEETING_ID)
    assert info.value.path == path
    assert path.read_bytes() == raw


# --- migrations ----------------------------------------------------------------------


def test_older_schema_goes_through_the_migration_hooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "ws"
    ws = _populate(home)
    path = ws.meeting_path(MEETING_ID)
    on_disk = path.read_bytes()
    assert orjson.loads(on_disk)[HEADER_KEY]["schema"] == SCHEMA_VERSION  # what this tandem writes
    now = SCHEMA_VERSION
    calls: list[tuple[int, list[str]]] = []

    def one_to_two(data: dict[str, Any]) -> dict[str, Any]:
        calls.append((now + 1, sorted(data)))
        for doc in data.get("actions", {}).values():
            doc["text"] = doc["text"].upper()
        return data

    def two_to_three(data: dict[str, Any]) -> dict[str, Any]:
        calls.append((now + 2, sorted(data)))
        for doc in data.get("actions", {}).values():
            doc["text"] = "v3: " + doc["text"]
        return data

    monkeypatch.setattr(atomic, "SCHEMA_VERSION", now + 2)
    monkeypatch.setitem(atomic.MIGRATIONS, now, one_to_two)
    monkeypatch.setitem(atomic.MIGRATIONS, now + 1, two_to_three)

    record = ws.read_meeting(MEETING_ID)
    assert [a.text for a in record.actions] == ["v3: FIX LEAD ROUTING", "v3: SEND THE CASE STUDY"]
    # Each step ran once, in order, on the tables (the header already taken off).
    assert [step for step, _ in calls] == [now + 1, now + 2]
    assert "actions" in calls[0][1] and HEADER_KEY not in calls[0][1]
    assert path.read_bytes() == on_disk  # reading never writes

    # The next save writes the migrated data under the new schema.
    calls.clear()
    with ws.open_meeting(MEETING_ID) as writer:
        writer.actions.add(ActionItem(id="act-3", text="After migration", meeting_id=MEETING_ID))
    assert calls and all(step in (now + 1, now + 2) for step, _ in calls)
    saved = orjson.loads(path.read_bytes())
    assert saved[HEADER_KEY]["schema"] == now + 2
    assert saved["actions"]["act-1"]["text"] == "v3: FIX LEAD ROUTING"
    calls.clear()
    assert [a.text for a in ws.read_meeting(MEETING_ID).actions][-1] == "After migration"
    assert calls == []  # already at the current schema: no migration


# --- daily snapshots -----------------------------------------------------------------


def _zip_contents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def test_daily_snapshots(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    clock = Clock(datetime(2026, 11, 20, 9, 0))
    ws = _populate(home, clock)
    snapshots = home / "snapshots"
    # Day 1 started with an empty workspace: nothing to protect, so no snapshot.
    assert ws.snapshots.all() == []

    # Day 2: the first write takes the snapshot of the files as they were before it.
    clock.set(datetime(2026, 11, 21, 8, 0))
    before = {p.relative_to(home).as_posix(): p.read_bytes() for p in ws.data_files()}
    assert set(before) == set(EXPECTED_KINDS)
    writer = ws.open_meeting(MEETING_ID)
    writer.actions.add(ActionItem(id="act-3", text="Day two", meeting_id=MEETING_ID))
    day2 = snapshots / "2026-11-21.zip"
    assert ws.snapshots.all() == [day2]
    assert _zip_contents(day2) == before
    assert _mode(day2) == 0o600
    assert _mode(snapshots) == 0o700
    for name, data in _zip_contents(day2).items():
        atomic.decode(data, Path(name))  # every archived file is a valid data file
    day2_bytes = day2.read_bytes()

    # Later writes that day, by this workspace or another one, take no new snapshot.
    clock.set(datetime(2026, 11, 21, 17, 30))
    writer.actions.add(ActionItem(id="act-4", text="Still day two", meeting_id=MEETING_ID))
    ws.objectives.add(Objective(id="obj-2", title="Faster SAL", metric="hours", target=24))
    other = Workspace(home, now=clock)
    other.content.add(ContentItem(id="content-2", title="Battlecard"))
    assert ws.snapshots.all() == [day2]
    assert day2.read_bytes() == day2_bytes

    # Ten more days with a write each: only the last 7 snapshots are kept.
    start = datetime(2026, 11, 22, 10, 0)
    for n in range(10):
        clock.set(start + timedelta(days=n))
        writer.actions.add(ActionItem(id=f"day-{n}", text=f"Day {n}", meeting_id=MEETING_ID))
        kept = ws.snapshots.all()
        assert len(kept) == min(n + 2, 7)
        assert kept[-1].name == f"{(start + timedelta(days=n)).date()}.zip"
    writer.close()
    expected = [f"{(start + timedelta(days=n)).date()}.zip" for n in range(3, 10)]
    assert [p.name for p in ws.snapshots.all()] == expected
    assert sorted(p.name for p in snapshots.iterdir()) == expected  # nothing else in the folder
    assert all(_mode(p) == 0o600 for p in snapshots.iterdir())
    # The newest holds the state before that day's write: the previous day's action is there.
    last = _zip_contents(snapshots / expected[-1])
    actions = orjson.loads(last[f"meetings/{MEETING_ID}.json"])["actions"]
    assert "day-8" in {doc["id"] for doc in actions.values()}
    assert "day-9" not in {doc["id"] for doc in actions.values()}
