"""The new-meeting form's question, the series' latest meeting (``Workspace.latest_meeting``):
answered from the index refreshed by one stat of the meetings folder while nothing was renamed
into it (``MeetingIndex.refresh_changed``), and exact for what a save, a git pull or a sync
does. The property test (tests/store/test_index.py) asks it after every kind of change."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from test_index import Files, encoded, many, reads_counted, settle_folder, settled_at_once

from tandem.store.index import meetings as index_meetings
from tandem.store.index.meetings import MeetingIndex
from tandem.store.records import Meeting
from tandem.store.workspace import MeetingRecord, Workspace

LATEST = "2026-01-06-a"


@contextlib.contextmanager
def looked_at() -> Iterator[tuple[list[bool], list[int]]]:
    """The passes over the folder (quick or not) and the files stat-ed by them (inodes)."""
    passes: list[bool] = []
    stats: list[int] = []
    real_pass, real_sig_of = MeetingIndex._pass, index_meetings.sig_of

    def counted_pass(self: MeetingIndex, *, quick: bool = False) -> bool:
        passes.append(quick)
        return real_pass(self, quick=quick)

    def counted_sig(st: os.stat_result) -> Any:
        stats.append(st.st_ino)
        return real_sig_of(st)

    with mock.patch.object(MeetingIndex, "_pass", counted_pass), mock.patch.object(index_meetings, "sig_of", counted_sig):
        yield passes, stats


def later(ws: Workspace, meeting_id: str, day: str) -> MeetingRecord:
    return MeetingRecord(Meeting(id=meeting_id, series_id="a", title="Alpha sync", date=day, facilitator="Noor", status="planned"))


def test_nothing_is_listed_or_read_while_the_folder_has_not_changed(tmp_path: Path) -> None:
    ws = many(tmp_path / "ws")
    files = Files(ws)
    with settled_at_once():
        form = Workspace(ws.home, read_only=True)
        settle_folder(ws.home, 0)
        assert form.latest_meeting("a") == ws.get_meeting(LATEST)
        with looked_at() as (passes, stats), reads_counted() as reads:
            assert form.latest_meeting("a") == ws.get_meeting(LATEST)
            assert form.latest_meeting("b") is None
        assert passes == [] and reads == []
        assert stats == []  # the latest meeting's own file is stat-ed, not through the index
        # A save renames a new file in: seen at once, and only that file is looked at.
        files.save(later(ws, "2026-02-01-a", "2026-02-01"))
        settle_folder(ws.home, 1)
        with looked_at() as (passes, stats), reads_counted() as reads:
            assert form.latest_meeting("a") == ws.get_meeting("2026-02-01-a")
        assert passes == [True] and reads == ["2026-02-01-a.json"]
        assert stats == [os.stat(files.path("2026-02-01-a")).st_ino]
        # A delete too.
        files.delete("2026-02-01-a")
        settle_folder(ws.home, 2)
        assert form.latest_meeting("a") == ws.get_meeting(LATEST)


def test_the_latest_meeting_rewritten_in_place_is_seen_at_once(tmp_path: Path) -> None:
    # An editor saving over the file (same inode): the folder does not change, but the form's
    # defaults come from this very file, and its signature is checked.
    ws = many(tmp_path / "ws")
    files = Files(ws)
    with settled_at_once():
        form = Workspace(ws.home, read_only=True)
        settle_folder(ws.home, 0)
        assert form.latest_meeting("a").facilitator == "Dana"
        record = ws.read_meeting(LATEST)
        record.meeting = record.meeting.replace(facilitator="Edited in place")
        files.in_place(LATEST, encoded(record), keep_mtime=True)
        assert form.latest_meeting("a").facilitator == "Edited in place"
        # Moved to another series in place: the one before it is the latest again.
        record.meeting = record.meeting.replace(series_id="b")
        files.in_place(LATEST, encoded(record))
        assert form.latest_meeting("a") == ws.get_meeting("2026-01-05-a")
        assert form.latest_meeting("b") == ws.get_meeting(LATEST)


def test_a_rename_in_the_tick_of_the_folder_stamp_is_seen(tmp_path: Path) -> None:
    # The folder's modification time ticks coarsely: a file renamed in just after the form
    # looked can leave the folder's stamp as it was. A stamp that recent is not trusted.
    ws = many(tmp_path / "ws")
    files = Files(ws)
    with settled_at_once():
        form = Workspace(ws.home, read_only=True)
        assert form.latest_meeting("a") == ws.get_meeting(LATEST)
        stamp = os.stat(ws.meetings_dir)
        files.replaced("2026-03-01-a", encoded(later(ws, "2026-03-01-a", "2026-03-01")))
        os.utime(ws.meetings_dir, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # the same tick
        assert (os.stat(ws.meetings_dir).st_mtime_ns, os.stat(ws.meetings_dir).st_ino) == (stamp.st_mtime_ns, stamp.st_ino)
        assert form.latest_meeting("a") == ws.get_meeting("2026-03-01-a")


def test_a_new_process_looks_at_every_file_once(tmp_path: Path) -> None:
    # The index file's entries are believed only once their files' signatures were compared.
    ws = many(tmp_path / "ws")
    with settled_at_once(), mock.patch.object(index_meetings, "PERSIST_FROM", 0), mock.patch.object(index_meetings, "WRITE_EVERY_S", 0.0):
        ws.list_meetings()  # writes the index file
        settle_folder(ws.home, 0)
        with looked_at() as (passes, stats):
            assert Workspace(ws.home, read_only=True).latest_meeting("a") == ws.get_meeting(LATEST)
        assert passes == [True] and len(stats) == len(ws.meeting_ids())
