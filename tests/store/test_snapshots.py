"""The daily snapshot is taken in the background, off the save path, and still holds the
workspace as it was before the day's first change.

The snapshot thread is held at a file of our choosing (``Snapshots.before_capture``) so that
writes land while it is under way: no sleeps, no races.
"""

from __future__ import annotations

import errno
import io
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from tandem.store.atomic import TEMP_MARK
from tandem.store.lifecycle import delete_meeting
from tandem.store.records import ActionItem, AgendaItem, ContentItem, Meeting, Objective, Series
from tandem.store.workspace import Workspace

DAY1 = datetime(2026, 11, 20, 9, 0)
DAY2 = datetime(2026, 11, 21, 8, 0)
SNAPSHOT = "snapshots/2026-11-21.zip"
KEEP = "2026-11-20-weekly-sync"  # edited on day 2
GONE = "2026-11-20-review"  # deleted on day 2
NEW = "2026-11-21-weekly-sync"  # created on day 2


class Clock:
    def __init__(self, start: datetime) -> None:
        self.value = start

    def __call__(self) -> datetime:
        return self.value


class Gate:
    """Holds the snapshot thread before it captures ``at`` (every file if None) until opened."""

    def __init__(self, at: str | None = None) -> None:
        self.at = at
        self.reached = threading.Event()
        self.open = threading.Event()
        self.captured: list[str] = []

    def __call__(self, name: str) -> None:
        if self.at is None or name == self.at:
            self.reached.set()
            assert self.open.wait(30), "the test never opened the gate"
        self.captured.append(name)


def populate(home: Path, clock: Clock) -> Workspace:
    ws = Workspace(home, now=clock)
    ws.set_info(name="Acme smarketing")
    ws.series.add(Series(id="weekly-sync", title="Weekly sync"))
    for meeting_id, title in ((KEEP, "Weekly sync"), (GONE, "Pipeline review")):
        ws.create_meeting(
            Meeting(id=meeting_id, series_id="weekly-sync", title=title, date="2026-11-20"),
            [AgendaItem(id=f"{meeting_id}-item", title="Objectives check-in", position=0)],
        )
    with ws.open_meeting(KEEP) as writer:
        writer.actions.add(ActionItem(id="act-1", text="Fix lead routing", owner="Luis", meeting_id=KEEP))
    ws.objectives.add(Objective(id="obj-1", title="More SQLs", metric="SQLs", target=40))
    ws.content.add(ContentItem(id="content-1", title="ROI calculator"))
    return ws


def files(home: Path) -> dict[str, bytes]:
    return {p.relative_to(home).as_posix(): p.read_bytes() for p in sorted(home.rglob("*.json")) if p.relative_to(home).parts[0] != "snapshots"}


def zip_contents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def in_thread(action: Callable[[], object]) -> threading.Thread:
    thread = threading.Thread(target=action, daemon=True)
    thread.start()
    return thread


def day_two(tmp_path: Path, gate: Gate) -> tuple[Workspace, Clock, dict[str, bytes]]:
    clock = Clock(DAY1)
    ws = populate(tmp_path / "ws", clock)
    assert ws.snapshots.all() == []  # day 1 began empty: nothing to protect
    clock.value = DAY2
    ws.snapshots.before_capture = gate
    return ws, clock, files(ws.home)


@pytest.mark.parametrize("held_at", [None, "objectives.json"], ids=["before-any-file", "halfway"])
def test_files_changed_while_the_snapshot_is_taken_are_in_it_as_they_were(tmp_path: Path, held_at: str | None) -> None:
    gate = Gate(held_at)
    ws, _, before = day_two(tmp_path, gate)

    with ws.open_meeting(KEEP) as writer:
        writer.actions.add(ActionItem(id="act-2", text="Day two", meeting_id=KEEP))  # the day's first write
        assert gate.reached.wait(30)
        writer.actions.add(ActionItem(id="act-3", text="Day two, again", meeting_id=KEEP))
    ws.objectives.add(Objective(id="obj-2", title="Faster SAL", metric="hours", target=24))
    ws.series.upsert(Series(id="weekly-sync", title="Weekly smarketing sync"))
    delete_meeting(ws, GONE)
    ws.create_meeting(Meeting(id=NEW, series_id="weekly-sync", title="Weekly sync", date="2026-11-21"), [])
    ws.set_info(name="Acme")
    assert not (ws.home / SNAPSHOT).exists()  # still held: every write above went ahead of it

    gate.open.set()
    ws.snapshots.wait()
    assert ws.snapshots.error is None
    assert zip_contents(ws.home / SNAPSHOT) == before  # the workspace as day 2 found it
    assert files(ws.home) != before
    assert f"meetings/{NEW}.json" not in gate.captured  # created today: nothing to keep


def test_the_first_write_of_the_day_does_not_wait_for_the_zip(tmp_path: Path) -> None:
    gate = Gate()
    ws, _, _ = day_two(tmp_path, gate)
    writer = ws.open_meeting(KEEP)
    saved = threading.Event()
    write = in_thread(lambda: (writer.actions.add(ActionItem(id="act-2", text="Day two", meeting_id=KEEP)), saved.set()))
    try:
        assert gate.reached.wait(30)
        # The snapshot is held before its first file, and the save is done all the same.
        assert saved.wait(30), "the first save of the day waited for the snapshot"
        assert not (ws.home / SNAPSHOT).exists()
        assert "act-2" in {a.id for a in ws.read_meeting(KEEP).actions}
    finally:
        gate.open.set()
        write.join(30)
        writer.close()
    assert [p.name for p in ws.snapshots.all()] == ["2026-11-21.zip"]


def test_the_background_zip_is_the_archive_a_synchronous_snapshot_makes(tmp_path: Path) -> None:
    gate = Gate()
    gate.open.set()
    ws, _, _ = day_two(tmp_path, gate)
    ws.snapshots.take(tmp_path / "now.zip")  # the same files, zipped here and now
    ws.objectives.add(Objective(id="obj-2", title="Faster SAL", metric="hours", target=24))
    ws.snapshots.wait()
    assert (ws.home / SNAPSHOT).read_bytes() == (tmp_path / "now.zip").read_bytes()


def test_a_second_workspace_object_hands_its_changes_to_the_same_snapshot(tmp_path: Path) -> None:
    gate = Gate()
    ws, clock, before = day_two(tmp_path, gate)
    ws.content.add(ContentItem(id="content-2", title="Battlecard"))  # starts the snapshot
    assert gate.reached.wait(30)
    other = Workspace(ws.home, now=clock)
    other.content.add(ContentItem(id="content-3", title="Case study"))
    with other.open_meeting(KEEP) as writer:
        writer.actions.add(ActionItem(id="act-2", text="From the other one", meeting_id=KEEP))
    gate.open.set()
    other.snapshots.wait()
    assert zip_contents(ws.home / SNAPSHOT) == before
    assert [p.name for p in ws.snapshots.all()] == ["2026-11-21.zip"]


def test_a_change_that_does_not_name_its_file_waits_for_the_snapshot(tmp_path: Path) -> None:
    gate = Gate()
    ws, _, before = day_two(tmp_path, gate)
    ws.content.add(ContentItem(id="content-2", title="Battlecard"))  # starts the snapshot
    assert gate.reached.wait(30)
    deleted = threading.Event()
    delete = in_thread(lambda: (ws.delete_meeting(GONE), deleted.set()))
    assert not deleted.wait(0.3)  # Workspace.delete_meeting says only "a write is coming"
    gate.open.set()
    delete.join(30)
    assert deleted.is_set()
    assert zip_contents(ws.home / SNAPSHOT) == before


def test_a_failing_snapshot_never_fails_the_save_and_is_taken_again_next_start(tmp_path: Path) -> None:
    def disk_full(name: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    clock = Clock(DAY1)
    ws = populate(tmp_path / "ws", clock)
    clock.value = DAY2
    ws.snapshots.before_capture = disk_full
    with ws.open_meeting(KEEP) as writer:
        writer.actions.add(ActionItem(id="act-2", text="Day two", meeting_id=KEEP))
    ws.snapshots.wait()
    assert isinstance(ws.snapshots.error, OSError)
    assert ws.snapshots.all() == []
    assert not [p for p in ws.home.rglob("*") if TEMP_MARK in p.name]
    assert "act-2" in {a.id for a in ws.read_meeting(KEEP).actions}
    ws.objectives.add(Objective(id="obj-2", title="Faster SAL", metric="hours", target=24))  # no second try today

    again = Workspace(ws.home, now=clock)  # the next start, the same day
    before = files(ws.home)
    again.content.add(ContentItem(id="content-2", title="Battlecard"))
    assert [p.name for p in again.snapshots.all()] == ["2026-11-21.zip"]
    assert zip_contents(ws.home / SNAPSHOT) == before


def test_an_unwritable_snapshots_folder_does_not_fail_the_save(tmp_path: Path) -> None:
    clock = Clock(DAY1)
    ws = populate(tmp_path / "ws", clock)
    (ws.home / "snapshots").write_bytes(b"a file where the folder should be")
    clock.value = DAY2
    ws.objectives.add(Objective(id="obj-2", title="Faster SAL", metric="hours", target=24))
    ws.snapshots.wait()
    assert isinstance(ws.snapshots.error, OSError)
    assert {o.id for o in ws.objectives.all()} == {"obj-1", "obj-2"}


ONE_SHOT = """
import sys, time
from datetime import datetime
from pathlib import Path
from tandem.store.records import Objective
from tandem.store.workspace import Workspace

ws = Workspace(Path(sys.argv[1]), now=lambda: datetime(2026, 11, 21, 8, 0))
ws.snapshots.before_capture = lambda name: time.sleep(0.1)  # still zipping when the write is done
ws.objectives.add(Objective(id="obj-2", title="Faster SAL", metric="hours", target=24))
print("saved", flush=True)
"""


def test_a_command_that_writes_once_and_exits_leaves_a_whole_snapshot(tmp_path: Path) -> None:
    ws = populate(tmp_path / "ws", Clock(DAY1))
    before = files(ws.home)
    result = subprocess.run([sys.executable, "-c", ONE_SHOT, str(ws.home)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "saved" and result.stderr == ""
    assert zip_contents(ws.home / SNAPSHOT) == before


def test_a_snapshot_still_under_way_at_midnight_holds_none_of_the_next_day(tmp_path: Path) -> None:
    gate = Gate()
    ws, clock, before = day_two(tmp_path, gate)
    ws.content.add(ContentItem(id="content-2", title="Battlecard"))  # starts the snapshot of day 2
    assert gate.reached.wait(30)
    day_two_end = files(ws.home)
    clock.value = datetime(2026, 11, 22, 0, 1)
    saved = threading.Event()
    write = in_thread(lambda: (ws.objectives.add(Objective(id="obj-2", title="Faster SAL", metric="hours", target=24)), saved.set()))
    assert not saved.wait(0.3)  # the first write of day 3 waits for day 2's snapshot to be read
    gate.open.set()
    write.join(30)
    assert saved.is_set()
    assert [p.name for p in ws.snapshots.all()] == ["2026-11-21.zip", "2026-11-22.zip"]
    assert zip_contents(ws.home / SNAPSHOT) == before
    assert zip_contents(ws.home / "snapshots" / "2026-11-22.zip") == day_two_end
