"""The meeting index (store/index): every query answers exactly what reading every file
answers, whatever happens to the files and to the index itself; and it reads only what
changed.

The oracle is the same workspace with the index off (``workspace.indexed = False``): each
query then reads and validates every meeting file, as tandem did before the index.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import action, agenda_item, attendee, decision, lead_feedback, name, parked

from tandem.store.atomic import SCHEMA_VERSION, encode
from tandem.store.index import entry as index_entry
from tandem.store.index import meetings as index_meetings
from tandem.store.index.meetings import INDEX_FILE, SEARCH_FILE, MeetingIndex
from tandem.store.layout import CACHE_DIR
from tandem.store.records import (
    ActionItem,
    AgendaItem,
    Attendee,
    CheckIn,
    Decision,
    LeadFeedback,
    Meeting,
    Objective,
    Series,
    ShadowDay,
)
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.review.scan import SCAN_FILE
from tandem.store.workspace import MeetingRecord, Workspace, meeting_tables

IDS = ("2026-01-05-a", "2026-01-05-b", "2026-01-12-a", "2026-02-02-b", "2026-03-09-a")
SERIES = ("a", "b")
DAYS = ("2026-01-05", "2026-01-12", "2026-02-02")


# --- what the files hold --------------------------------------------------------------------------


@st.composite
def records(draw: st.DrawFn, meeting_id: str) -> MeetingRecord:
    """A meeting (few series and days, so that series and equal dates meet) with records."""
    unique = lambda s: st.lists(s, max_size=3, unique_by=lambda x: x.id)  # noqa: E731
    meeting = Meeting(
        id=meeting_id,
        series_id=draw(st.sampled_from(SERIES)),
        title=draw(name),
        date=draw(st.sampled_from(DAYS)),
        facilitator=draw(st.sampled_from(("", "Dana", "Luis"))),
        attendees=draw(st.lists(attendee, max_size=3)),
        status=draw(st.sampled_from(("planned", "live", "ended", "finalized", "cancelled"))),
        rating=draw(st.one_of(st.none(), st.integers(1, 5))),
    )
    agenda = draw(unique(agenda_item))
    for n, item in enumerate(agenda):
        item.position = n
    return MeetingRecord(
        meeting=meeting,
        agenda=agenda,
        lead_feedback=draw(unique(lead_feedback)),
        decisions=draw(unique(decision)),
        actions=draw(unique(action)),
        parking_lot=draw(unique(parked)),
    )


def encoded(record: MeetingRecord) -> bytes:
    return encode(meeting_tables(record), "meeting")


class Files:
    """Writes meeting files the ways they change on a real disk, each write with a change
    time of its own (see ``test_a_same_size_rewrite_in_the_same_clock_tick_is_seen`` for
    what happens when a file system's clock cannot tell two writes apart)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._last_change = 0

    def path(self, stem: str) -> Path:
        return self.ws.meetings_dir / f"{stem}.json"

    def _distinct(self, path: Path) -> None:
        while (st_ := os.stat(path)).st_ctime_ns <= self._last_change:
            time.sleep(0.002)
            os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns))  # a new change time only
        self._last_change = os.stat(path).st_ctime_ns

    def save(self, record: MeetingRecord) -> None:
        """As tandem saves: an atomic replace (new inode) through the meeting's writer."""
        with self.ws.open_meeting(record.meeting.id, must_exist=False, allow_finalized=True) as writer:
            writer.write_all(record)
        self._distinct(self.path(record.meeting.id))

    def in_place(self, stem: str, data: bytes, *, keep_mtime: bool = False) -> None:
        """Another program writing the file itself (same inode): the folder does not change."""
        path = self.path(stem)
        before = os.stat(path) if path.exists() else None
        with open(path, "r+b" if before else "wb") as f:
            f.truncate(0)
            f.write(data)
        if keep_mtime and before is not None:  # cp -p, touch -r: the old modification time
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        self._distinct(path)

    def replaced(self, stem: str, data: bytes) -> None:
        """A git checkout or a sync tool: a new file renamed over the old one."""
        path = self.path(stem)
        tmp = path.with_name(f"{stem}.incoming")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        self._distinct(path)

    def same_size_change(self, stem: str) -> bool:
        """One action's status flipped between "open" and "done": the same size, in place."""
        path = self.path(stem)
        if not path.is_file():
            return False
        raw = path.read_bytes()
        for old, new in ((b'"status": "open"', b'"status": "done"'), (b'"status": "done"', b'"status": "open"')):
            if old in raw:
                self.in_place(stem, raw.replace(old, new, 1))
                return True
        return False

    def delete(self, stem: str) -> None:
        self.path(stem).unlink(missing_ok=True)


BROKEN = {
    "not JSON": b"{",
    "empty": b"",
    "newer schema": orjson.dumps({"_tandem": {"schema": SCHEMA_VERSION + 1, "kind": "meeting"}, "meeting": {}}),
    "no meeting": orjson.dumps({"_tandem": {"schema": SCHEMA_VERSION, "kind": "meeting"}, "meeting": {}}),
}


def broken_table(record: MeetingRecord, table: str) -> bytes:
    """A file whose one table holds an invalid record (the rest can still be read)."""
    tables = orjson.loads(encoded(record))
    tables[table] = {"x": {"id": "x", "text": "t", "title": "t", "status": "nonsense", "reference": "r", "verdict": "meh", "_seq": 1}}
    return orjson.dumps(tables)


# --- the queries compared ----------------------------------------------------------------------------


def outcome(call: Callable[[], Any]) -> Any:
    """What a query gives: its answer, or the error it raises (kind and sentence)."""
    try:
        result = call()
        return list(result) if isinstance(result, Iterator) else result
    except Exception as exc:  # the error is part of the answer
        return ("raised", type(exc).__name__, str(exc))


def answers(ws: Workspace) -> dict[str, Any]:
    open_only = lambda d: d.get("status") == "open"  # noqa: E731
    out: dict[str, Any] = {
        "list_meetings": outcome(ws.list_meetings),
        "action_items": outcome(ws.action_items),
        "open_action_items": outcome(ws.open_action_items),
        "iter_actions": outcome(ws.iter_actions),
        "iter_actions open": outcome(lambda: ws.iter_actions(open_only)),
        "iter_decisions": outcome(ws.iter_decisions),
        "lead_feedback": outcome(ws.lead_feedback),
        "lead_feedback no_fit": outcome(lambda: ws.lead_feedback(reason="no_fit")),
        "iter_meeting_records actions": outcome(lambda: ws.iter_meeting_records(only=("actions",))),
        "iter_meeting_records decisions+feedback": outcome(lambda: ws.iter_meeting_records(only=("decisions", "lead_feedback"))),
        "iter_listed": outcome(ws.iter_listed),
    }
    for series in SERIES:
        out[f"list_meetings {series}"] = outcome(lambda s=series: ws.list_meetings(s))
        out[f"latest_meeting {series}"] = outcome(lambda s=series: ws.latest_meeting(s))
        out[f"action_items {series}"] = outcome(lambda s=series: ws.action_items(series_id=s))
        out[f"series_open_actions {series}"] = outcome(lambda s=series: ws.series_open_actions(s))
        out[f"series_open_actions {series} before"] = outcome(lambda s=series: ws.series_open_actions(s, before="2026-02-01"))
    return out


def from_files(home: Path) -> dict[str, Any]:
    oracle = Workspace(home, read_only=True)
    oracle.indexed = False
    return answers(oracle)


def review(source: WorkspaceSource) -> Any:
    return outcome(lambda: (source.load(), [source.search(q) for q in ("a", "dana", "open")]))


REVIEW_PIECES = ("meetings", "actions", "decisions", "feedback", "objectives", "shadow_days", "problems")


def changes_hold(before: Any, after: Any) -> None:
    """What a load says changed (``ReviewData.changes``) covers every difference from the
    load before it: a list not named equals the previous one, and every meeting whose row
    differs is named."""
    if not isinstance(before, tuple) or not isinstance(after, tuple) or before[0] == "raised" or after[0] == "raised":
        return
    old, new = before[0], after[0]
    if new.changes is None:
        return
    for piece in REVIEW_PIECES:
        if piece not in new.changes.pieces:
            assert getattr(new, piece) == getattr(old, piece), piece
    rows_before, rows_after = {m.id: m for m in old.meetings}, {m.id: m for m in new.meetings}
    assert {i for i in rows_before.keys() | rows_after.keys() if rows_before.get(i) != rows_after.get(i)} <= new.changes.meetings


def fresh_review(home: Path) -> Any:
    """Review computed from the files alone: a new source whose index starts empty."""
    source = WorkspaceSource(home)
    source.workspace.index.persist = False
    return review(source)


@contextlib.contextmanager
def every_write_persisted() -> Iterator[None]:
    """The index files written at each refresh, whatever their size: the tests' workspaces
    are small, and every path through the index file is to be taken (what a pass reads
    spilled two meetings at a time)."""
    with (
        mock.patch.object(index_meetings, "PERSIST_FROM", 0),
        mock.patch.object(index_meetings, "SPILL_EVERY", 2),
        mock.patch.object(index_meetings, "WRITE_EVERY_S", 0.0),
        mock.patch.object(index_meetings, "FULL_PASS_EVERY_S", 0.0),
    ):
        yield


# --- the property ----------------------------------------------------------------------------------

OPERATIONS = (
    "save",
    "save",
    "delete",
    "in place",
    "in place, old mtime",
    "replaced",
    "same size",
    "broken",
    "broken table",
    "copy",
    "odd name",
    "index deleted",
    "index damaged",
    "index truncated",
    "index letter changed",
    "new process",
    "query",
)
#: The operations that rewrite a file in place: its inode kept, the meetings folder as it was.
IN_PLACE = ("in place", "in place, old mtime", "same size", "broken")


def settle_folder(home: Path, step: int) -> None:
    """The meetings folder's modification time set to a distinct time long past, as a change
    leaves it once the clock has ticked on (a change within the same tick of the file
    system's clock is ``test_a_rename_in_the_tick_of_the_folder_stamp_is_seen``'s case)."""
    folder = home / "meetings"
    if folder.is_dir():
        os.utime(folder, ns=(time.time_ns(), time.time_ns() - 3600 * 10**9 + step))


def form_answers(ws: Workspace) -> dict[str, Any]:
    """What the new-meeting form asks (``latest_meeting``), and nothing that refreshes the
    index fully in between: its quick refresh (``MeetingIndex.refresh_changed``) is tested."""
    return {series: outcome(lambda s=series: ws.latest_meeting(s)) for series in SERIES}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_every_query_equals_the_files_alone(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder, every_write_persisted(), settled_at_once():
        home = Path(folder) / "ws"
        writer = Workspace(home)
        writer.series.add(Series(id="a", title="Alpha sync"))
        files = Files(writer)
        reader = Workspace(home, read_only=True)  # a long-running reader: home, review
        source = WorkspaceSource(home)
        shown: Any = None  # what the long-running source showed last
        form = Workspace(home, read_only=True)  # the app's new-meeting form
        said: dict[str, Any] = {}  # what the form said last
        try:
            for step in range(data.draw(st.integers(1, 14), label="steps")):
                op = data.draw(st.sampled_from(OPERATIONS), label="operation")
                stem = data.draw(st.sampled_from(IDS), label="meeting")
                if op == "save":
                    files.save(data.draw(records(stem), label="record"))
                elif op == "delete":
                    files.delete(stem)
                elif op in ("in place", "in place, old mtime"):
                    files.in_place(stem, encoded(data.draw(records(stem), label="record")), keep_mtime=op.endswith("mtime"))
                elif op == "replaced":
                    files.replaced(stem, encoded(data.draw(records(stem), label="record")))
                elif op == "same size":
                    files.same_size_change(stem)
                elif op == "broken":
                    files.in_place(stem, BROKEN[data.draw(st.sampled_from(sorted(BROKEN)), label="damage")])
                elif op == "broken table":
                    table = data.draw(st.sampled_from(("agenda", "actions", "decisions", "lead_feedback", "parking_lot")), label="table")
                    files.replaced(stem, broken_table(data.draw(records(stem), label="record"), table))
                elif op == "copy" and files.path(stem).exists():
                    files.replaced(f"{stem}.bak", files.path(stem).read_bytes())
                elif op == "odd name":
                    files.replaced("odd name", encoded(data.draw(records("odd-name"), label="record")))
                elif op == "index deleted":
                    shutil.rmtree(home / CACHE_DIR, ignore_errors=True)
                elif op in ("index damaged", "index truncated", "index letter changed"):
                    # Drawn whatever the files hold (their sizes depend on inode numbers, times).
                    where = data.draw(st.floats(0, 1, exclude_max=True), label="where")
                    value = data.draw(st.sampled_from(b'x"{}[],\t\n0'), label="value")
                    for index_file in (home / CACHE_DIR / INDEX_FILE, home / CACHE_DIR / SEARCH_FILE, home / CACHE_DIR / SCAN_FILE):
                        raw = bytearray(index_file.read_bytes() if index_file.exists() else b"")
                        # A letter in a body keeps the JSON valid: damage only a checksum finds.
                        bodies = raw.find(b"\n", raw.find(b"\n") + 1) + 1
                        letters = [n for n in range(bodies, len(raw)) if chr(raw[n]).isalpha()] if bodies else []
                        if op == "index truncated" and raw:
                            del raw[int(len(raw) * where) :]
                        elif op == "index damaged" and raw:
                            raw[int(len(raw) * where)] = value
                        elif op == "index letter changed" and letters:
                            at = letters[int(len(letters) * where)]
                            raw[at] = ord("q") if raw[at] != ord("q") else ord("z")
                        else:
                            continue
                        index_file.write_bytes(bytes(raw))
                elif op == "new process":
                    reader = Workspace(home, read_only=True)
                    source = WorkspaceSource(home)
                    shown = None
                    form = Workspace(home, read_only=True)
                if op not in IN_PLACE:
                    settle_folder(home, step)
                expected = from_files(home)
                latest = {series: expected[f"latest_meeting {series}"] for series in SERIES}
                told = form_answers(form)
                if op in IN_PLACE:
                    # The latest meeting's own file is checked at once; another file rewritten
                    # in place is seen at the next full refresh (home's next read): until then
                    # the form says what it said before, nothing else.
                    assert all(told[s] in (said.get(s), latest[s]) for s in SERIES), op
                    form.index.refresh()
                    told = form_answers(form)
                assert told == latest, op
                said = told
                assert answers(reader) == expected, op
                assert answers(Workspace(home, read_only=True)) == expected, op  # from the index file
                got = review(source)
                assert got == fresh_review(home), op
                changes_hold(shown, got)
                shown = got
        finally:
            writer.snapshots.wait()  # the day's snapshot, taken in the background, before the folder goes


# --- the index file ------------------------------------------------------------------------------


def many(home: Path, n: int = 6) -> Workspace:
    ws = Workspace(home)
    ws.series.add(Series(id="a", title="Alpha sync"))
    for k in range(n):
        day = (date(2026, 1, 1) + timedelta(days=k)).isoformat()
        mid = f"{day}-a"
        ws.create_meeting(
            Meeting(id=mid, series_id="a", title="Alpha sync", date=day, facilitator="Dana", status="ended"),
            [AgendaItem(id="i0", title="Pipeline", position=0, notes=f"Notes of meeting {k}", status="done", elapsed_s=300)],
            actions=[ActionItem(id=f"a{k}", text=f"Follow up {k}", owner="Luis", status="open" if k % 2 else "done", meeting_id=mid)],
        )
    return ws


@contextlib.contextmanager
def reads_counted() -> Iterator[list[str]]:
    """The meeting files the index reads (by name)."""
    seen: list[str] = []
    real = index_entry.read_regular

    def counted(path: Path) -> bytes:
        seen.append(path.name)
        return real(path)

    with mock.patch.object(index_entry, "read_regular", counted):
        yield seen


@contextlib.contextmanager
def settled_at_once() -> Iterator[None]:
    """Files count as settled as soon as they are read (no waiting out the racy window);
    only for files whose every change moves their change time (see ``Files``)."""
    with mock.patch.object(index_entry, "RACY_NS", -(10**12)):
        yield


def test_the_index_is_kept_and_only_changed_files_are_read_again(tmp_path: Path) -> None:
    ws = many(tmp_path / "ws")
    expected = from_files(ws.home)
    with every_write_persisted(), settled_at_once():
        assert answers(Workspace(ws.home, read_only=True)) == expected
        assert (ws.home / CACHE_DIR / INDEX_FILE).is_file()
        with reads_counted() as reads:
            assert answers(Workspace(ws.home, read_only=True)) == expected  # a new process
        assert reads == []
        files = Files(ws)
        record = ws.read_meeting("2026-01-03-a")
        record.actions[0] = record.actions[0].replace(status="dropped")
        files.save(record)
        with reads_counted() as reads:
            assert answers(Workspace(ws.home, read_only=True)) == from_files(ws.home)
        assert set(reads) == {"2026-01-03-a.json"}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "too new", "other record fields", "planted entry", "a folder"])
def test_an_index_file_that_cannot_be_used_is_rebuilt_silently(tmp_path: Path, damage: str) -> None:
    ws = many(tmp_path / "ws")
    expected = from_files(ws.home)
    index_file = ws.home / CACHE_DIR / INDEX_FILE
    with every_write_persisted(), settled_at_once():
        answers(Workspace(ws.home, read_only=True))
        raw = index_file.read_bytes()
        header, _, body = raw.partition(b"\n")
        if damage == "garbage":
            index_file.write_bytes(os.urandom(len(raw)))
        elif damage == "truncated":
            index_file.write_bytes(raw[: len(raw) // 3])
        elif damage == "too new":
            index_file.write_bytes(orjson.dumps({**orjson.loads(header), "format": 99}) + b"\n" + body)
        elif damage == "other record fields":
            index_file.write_bytes(orjson.dumps({**orjson.loads(header), "records": "0" * 16}) + b"\n" + body)
        elif damage == "planted entry":
            # A well-formed index whose first entry says something else than its file, with
            # the file's digest (anyone with a copy of the file has it): written elsewhere,
            # its signature (times in nanoseconds, inode) cannot match, so the file is read.
            _, table, *bodies, _ = raw.split(b"\n")
            rows = orjson.loads(table)
            bodies[0] = bodies[0].replace(b"Alpha sync", b"Forged sync")
            rows[0][1] += 1  # its modification time
            rows[0][10:] = [len(bodies[0]), index_entry.check_of(bodies[0])]
            index_file.write_bytes(b"".join(index_meetings._head(rows)) + b"".join(body + b"\n" for body in bodies))
        else:
            index_file.unlink()
            index_file.mkdir()
        with reads_counted() as reads:
            assert answers(Workspace(ws.home, read_only=True)) == expected
        assert reads, "the files were read again"
        if damage != "a folder":
            assert index_file.read_bytes() == raw, "rebuilt"


def test_an_index_entry_damaged_inside_is_read_from_its_file(tmp_path: Path) -> None:
    # The header is fine, one entry's data is not what this tandem writes.
    ws = many(tmp_path / "ws")
    expected = from_files(ws.home)
    index_file = ws.home / CACHE_DIR / INDEX_FILE
    with every_write_persisted(), settled_at_once():
        answers(Workspace(ws.home, read_only=True))
        header, _, body = index_file.read_bytes().partition(b"\n")
        lines = body.split(b"\n")
        lines[2] = b'{"id": 1}\t[]\t[]\t[]\t{}'
        index_file.write_bytes(header + b"\n" + b"\n".join(lines))
        reader = Workspace(ws.home, read_only=True)
        assert answers(reader) == expected
        assert answers(reader) == expected  # and again, once its file was read anew


def test_a_deleted_index_is_rebuilt(tmp_path: Path) -> None:
    ws = many(tmp_path / "ws")
    with every_write_persisted(), settled_at_once():
        reader = Workspace(ws.home, read_only=True)
        reader.list_meetings()
        shutil.rmtree(ws.home / CACHE_DIR)
        assert answers(reader) == from_files(ws.home)
        files = Files(ws)
        files.save(ws.read_meeting("2026-01-02-a"))
        reader.list_meetings()
        assert (ws.home / CACHE_DIR / INDEX_FILE).is_file()
        assert answers(Workspace(ws.home, read_only=True)) == from_files(ws.home)


def test_a_cache_folder_that_cannot_be_written_keeps_the_index_in_memory(tmp_path: Path) -> None:
    # A file where the folder belongs stops root too (permission bits do not).
    ws = many(tmp_path / "ws")
    (ws.home / CACHE_DIR).write_text("not a folder")
    with every_write_persisted():
        reader = Workspace(ws.home, read_only=True)
        assert answers(reader) == from_files(ws.home)
        with reads_counted() as reads:
            assert answers(reader) == from_files(ws.home)
    assert (ws.home / CACHE_DIR).read_text() == "not a folder"
    assert all(name.endswith(".json") for name in reads)


def test_a_cache_folder_that_leads_out_of_the_workspace_is_not_used(tmp_path: Path) -> None:
    ws = many(tmp_path / "ws")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (ws.home / CACHE_DIR).symlink_to(elsewhere)
    with every_write_persisted():
        assert answers(Workspace(ws.home, read_only=True)) == from_files(ws.home)
    assert list(elsewhere.iterdir()) == []


def test_small_workspaces_get_no_cache_folder(tmp_path: Path) -> None:
    ws = many(tmp_path / "ws", n=3)
    assert answers(Workspace(ws.home, read_only=True)) == from_files(ws.home)
    assert not (ws.home / CACHE_DIR).exists()
    with mock.patch.object(index_meetings, "PERSIST_FROM", 3), settled_at_once():
        Workspace(ws.home, read_only=True).list_meetings()
    assert (ws.home / CACHE_DIR / INDEX_FILE).is_file()


def test_a_long_running_reader_writes_the_index_at_most_every_so_often(tmp_path: Path) -> None:
    ws = many(tmp_path / "ws")
    index_file = ws.home / CACHE_DIR / INDEX_FILE
    with mock.patch.object(index_meetings, "PERSIST_FROM", 0), settled_at_once():
        reader = Workspace(ws.home, read_only=True)
        reader.list_meetings()
        written = index_file.stat().st_ino
        files = Files(ws)
        for _ in range(3):  # a meeting saved again and again, read after each save
            files.save(ws.read_meeting("2026-01-02-a"))
            assert len(reader.list_meetings()) == 6
        assert index_file.stat().st_ino == written, "not rewritten within WRITE_EVERY_S"


def test_a_build_holds_a_few_meetings_at_a_time_and_writes_what_an_all_in_memory_one_would(tmp_path: Path) -> None:
    # A first build of 20,000 meetings held every meeting's data and search lines until the
    # index files were written, then each file joined whole: review peaked at 400 MB.
    ws = many(tmp_path / "ws", n=60)
    index_files = (INDEX_FILE, SEARCH_FILE)
    reader = Workspace(ws.home, read_only=True)
    held: list[int] = []
    real_read = index_meetings.read_entry

    def counted(*args: Any, **kwargs: Any) -> Any:
        held.append(sum(bool(e.data) or e.lines is not None for e in reader.index._entries.values()))
        return real_read(*args, **kwargs)

    written: list[int] = []
    real_write = os.write

    def measured(fd: int, data: Any) -> int:
        written.append(len(data))
        return real_write(fd, data)

    with (
        settled_at_once(),
        mock.patch.object(index_meetings, "PERSIST_FROM", 10),
        mock.patch.object(index_meetings, "SPILL_EVERY", 8, create=True),
        mock.patch.object(index_meetings, "WRITE_CHUNK", 4096, create=True),
        mock.patch.object(index_meetings, "read_entry", counted),
        mock.patch("os.write", measured),
    ):
        assert answers(reader) == from_files(ws.home)
    assert len(held) >= 60 and max(held) <= 8
    # Each write a chunk, give or take a body; the table (a row per meeting) is written whole.
    lines = [(ws.home / CACHE_DIR / name).read_bytes().split(b"\n") for name in index_files]
    head, body = max(len(f[0]) + len(f[1]) + 2 for f in lines), max(len(line) + 1 for f in lines for line in f[2:])
    assert len(lines[0][2]) > 0 and sum(map(len, lines[0][2:])) > 8 * 4096
    assert written and max(written) <= max(4096, head) + body
    streamed = {name: (ws.home / CACHE_DIR / name).read_bytes() for name in index_files}
    shutil.rmtree(ws.home / CACHE_DIR)
    with settled_at_once(), mock.patch.object(index_meetings, "PERSIST_FROM", 10), mock.patch.object(index_meetings, "SPILL_EVERY", 10**9, create=True):
        assert answers(Workspace(ws.home, read_only=True)) == from_files(ws.home)
    assert {name: (ws.home / CACHE_DIR / name).read_bytes() for name in index_files} == streamed
    assert [p.name for p in (ws.home / CACHE_DIR).iterdir()] != [], "and the spill file left nothing behind"
    assert {p.name for p in (ws.home / CACHE_DIR).iterdir()} <= {*index_files, "shared.index"}
    assert reader.index._spill is None, "closed once the index files hold everything"


def test_what_the_spill_file_holds_of_files_too_new_to_be_written_comes_back_to_memory(tmp_path: Path) -> None:
    ws = many(tmp_path / "ws", n=40)
    time.sleep(1.5)
    files = Files(ws)
    for k in range(20):  # changed within the racy window when the index is written: not written
        record = ws.read_meeting(f"2026-01-{k + 1:02d}-a")
        record.actions[0] = record.actions[0].replace(text=f"Changed {k}")
        files.save(record)
    with (
        mock.patch.object(index_entry, "RACY_NS", 1_000_000_000),
        mock.patch.object(index_meetings, "PERSIST_FROM", 10),
        mock.patch.object(index_meetings, "SPILL_EVERY", 8),
    ):
        reader = Workspace(ws.home, read_only=True)
        assert answers(reader) == from_files(ws.home)
        index = reader.index
        assert (ws.home / CACHE_DIR / INDEX_FILE).is_file() and index._spill is None
        assert sum(not e.settled for e in index._entries.values()) == 20
        assert all(e.spilled is None and e.data and e.lines is not None for e in index._entries.values() if not e.settled)
        with reads_counted() as reads:
            assert answers(reader) == from_files(ws.home)
        assert set(reads) == {f"2026-01-{k + 1:02d}-a.json" for k in range(20)}, "the others' entries taken from the index file"


@given(
    st.lists(
        st.lists(st.one_of(st.integers(0, 10**12), st.sampled_from(["],[", '"],["', "\\],[", "a]", "[b"]), st.text(max_size=8)), min_size=2, max_size=5),
        max_size=30,
    ),
    st.integers(0, 40),
)
def test_a_table_is_read_a_piece_at_a_time_as_it_reads_whole(rows: list[list[Any]], piece: int) -> None:
    # A row's end ("],[") may be inside a string: such a table is read whole.
    table = orjson.dumps([[*row, len(row), 0] for row in rows])
    head = orjson.dumps({"format": index_meetings.FORMAT, "records": index_meetings.records_fingerprint(), "table": index_entry.check_of(table)})
    with mock.patch.object(index_meetings, "PIECE", piece):
        assert index_meetings._table(head, table) == orjson.loads(table)


# --- changes the folder does not show -----------------------------------------------------------------


def test_a_file_rewritten_in_place_is_seen(tmp_path: Path) -> None:
    ws = many(tmp_path / "ws")
    files = Files(ws)
    with every_write_persisted(), settled_at_once():
        reader = Workspace(ws.home, read_only=True)
        source = WorkspaceSource(ws.home)
        source.load()
        reader.list_meetings()
        stamp = os.stat(ws.meetings_dir).st_mtime_ns
        record = ws.read_meeting("2026-01-04-a")
        record.meeting = record.meeting.replace(title="Renamed in place")
        files.in_place("2026-01-04-a", encoded(record), keep_mtime=True)
        assert os.stat(ws.meetings_dir).st_mtime_ns == stamp, "the folder did not change"
        assert [m.title for m in reader.list_meetings() if m.id == "2026-01-04-a"] == ["Renamed in place"]
        assert source.changed()  # the full pass of the poll (FULL_PASS_EVERY_S, 0 here)
        assert {m.title for m in source.load().meetings if m.id == "2026-01-04-a"} == {"Renamed in place"}


def test_a_pollers_reload_looks_only_at_files_renamed_in(tmp_path: Path) -> None:
    # Review reloads after each poll that saw the folder change (a live meeting nearby: every
    # second). A save renames a new file in (a new inode, listed with the name): only that
    # file is looked at; a file rewritten in place waits for the next full pass.
    ws = many(tmp_path / "ws")
    files = Files(ws)
    stats: list[int] = []
    real_sig_of = index_meetings.sig_of

    def counted(st_: os.stat_result) -> Any:
        stats.append(st_.st_ino)
        return real_sig_of(st_)

    with settled_at_once(), mock.patch.object(index_meetings, "FULL_PASS_EVERY_S", 3600.0), mock.patch.object(index_meetings, "sig_of", counted):
        source = WorkspaceSource(ws.home)
        source.load()
        record = ws.read_meeting("2026-01-02-a")
        record.meeting = record.meeting.replace(title="Saved")
        files.save(record)
        assert source.changed()
        stats.clear()
        with reads_counted() as reads:
            assert "Saved" in {m.title for m in source.load().meetings}
        assert reads == ["2026-01-02-a.json"] and stats == [os.stat(files.path("2026-01-02-a")).st_ino]
        record.meeting = record.meeting.replace(title="Edited in place")
        files.in_place("2026-01-02-a", encoded(record))
        assert not source.changed()
        assert "Edited in place" not in {m.title for m in source.load().meetings}
        assert "Edited in place" in {m.title for m in Workspace(ws.home, read_only=True).list_meetings()}, "a query looks at every file"
        with mock.patch.object(index_meetings, "FULL_PASS_EVERY_S", 0.0):
            assert source.changed()
            assert "Edited in place" in {m.title for m in source.load().meetings}


def test_a_same_size_rewrite_in_the_same_clock_tick_is_seen(tmp_path: Path) -> None:
    # A file system whose clock did not tick between two writes (coarse timestamps: FAT's
    # two seconds, network file systems) gives a same-size rewrite in place the signature
    # it had: only the racy window (RACY_NS, a minute here) has the file compared by content.
    ws = many(tmp_path / "ws")
    frozen = time.time_ns()
    still = lambda st_: (frozen, frozen, st_.st_size, st_.st_ino)  # noqa: E731
    with every_write_persisted(), mock.patch.object(index_meetings, "sig_of", still), mock.patch.object(index_entry, "RACY_NS", 60 * 10**9):
        reader = Workspace(ws.home, read_only=True)
        source = WorkspaceSource(ws.home)
        assert len(source.load().actions) == 6
        opened = len(reader.open_action_items())
        path = ws.meeting_path("2026-01-03-a")
        raw = path.read_bytes()
        with open(path, "r+b") as f:  # in place, same size
            f.write(raw.replace(b'"status": "done"', b'"status": "open"', 1))
        assert len(reader.open_action_items()) == opened + 1
        assert source.changed()
        assert sum(a.status == "open" for a in source.load().actions) == opened + 1
        assert len(Workspace(ws.home, read_only=True).open_action_items()) == opened + 1  # from the index file


def test_the_poll_reads_nothing_while_nothing_changes(tmp_path: Path) -> None:
    ws = many(tmp_path / "ws")
    with settled_at_once():
        source = WorkspaceSource(ws.home)
        source.load()
        with reads_counted() as reads:
            assert not any(source.changed() for _ in range(20))
        assert reads == []
        Files(ws).save(ws.read_meeting("2026-01-05-a"))
        assert source.changed()
        with reads_counted() as reads:
            source.load()
        assert reads == ["2026-01-05-a.json"]
        assert not source.changed()


def test_a_broken_file_is_reported_without_reading_it_again(tmp_path: Path) -> None:
    ws = many(tmp_path / "ws")
    (ws.meetings_dir / "2026-02-01-a.json").write_bytes(b"{")
    with every_write_persisted(), settled_at_once():
        first = WorkspaceSource(ws.home).load().problems
        assert len(first) == 1 and "2026-02-01-a.json cannot be read (not valid JSON" in first[0]
        with reads_counted() as reads:
            assert WorkspaceSource(ws.home).load().problems == first  # from the index file
        assert reads == []


# --- trusted records ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "record",
    [
        Meeting(id="m", series_id="s", title="T", date="2026-01-01", attendees=[Attendee(name="Dana", team="sales")], rating=4),
        ActionItem(id="a", text="Follow up", owner="Luis", due="2026-01-02"),
        Decision(id="d", text="SAL within 24h", supersedes="c"),
        LeadFeedback(id="l", reference="CRM-1", verdict="poor", reasons=["no_fit"]),
        Objective(id="o", title="SQLs", metric="SQLs", target=60, checkins=[CheckIn(date="2026-01-01", value=3, status="at_risk")]),
        ShadowDay(id="s", shadow="Ana", host="Ben", direction="sales_to_marketing", date="2026-01-01"),
    ],
)
def test_trusted_records_equal_validated_ones(record: Any) -> None:
    data = record.to_dict()
    built = type(record).trusted(data)
    assert built == type(record).from_dict(data) == record and type(built) is type(record)
    lists = [f for f, v in data.items() if isinstance(v, list)]
    for field in lists:
        assert getattr(built, field) is not data[field], "lists are copies: changing the record leaves the index alone"


def test_trusted_data_with_other_fields_is_validated() -> None:
    from tandem.store.errors import ValidationError

    data = ActionItem(id="a", text="x").to_dict()
    with pytest.raises(ValidationError):
        ActionItem.trusted({**data, "status": "nonsense", "extra": 1})
    with pytest.raises(ValidationError):
        ActionItem.trusted({k: v for k, v in data.items() if k != "text"} | {"other": "x"})  # as many fields, one unknown
    missing = {k: v for k, v in data.items() if k != "owner"}
    assert ActionItem.trusted(missing) == ActionItem(id="a", text="x")  # a default, as from_dict gives


def test_the_index_is_not_written_by_a_save(tmp_path: Path) -> None:
    # The facilitator's save path never pays for the index.
    ws = many(tmp_path / "ws")
    refreshed = AssertionError("the index was refreshed by a save")
    with every_write_persisted(), mock.patch.object(MeetingIndex, "refresh", side_effect=refreshed), ws.open_meeting("2026-01-01-a") as writer:
        writer.actions.add(ActionItem(id="new", text="Call back"))
        writer.save_meeting(writer.meeting.replace(title="Renamed"))
    assert not (ws.home / CACHE_DIR).exists()


# --- the cache folder among the workspace's files ----------------------------------------------------


def test_doctor_backup_and_restore_leave_the_cache_folder_alone(tmp_path: Path) -> None:
    import zipfile

    from tandem.store.upkeep import doctor
    from tandem.store.upkeep.backup import backup, restore

    ws = many(tmp_path / "ws")
    with every_write_persisted(), settled_at_once():
        Workspace(ws.home, read_only=True).list_meetings()
        Workspace(ws.home, read_only=True).lead_feedback()
    assert {p.name for p in (ws.home / CACHE_DIR).iterdir()} == {INDEX_FILE, SEARCH_FILE}
    clean = [f for f in doctor.check(ws.home) if f.path.startswith(CACHE_DIR)]
    assert clean == [], "the cache folder is not the user's data: nothing to say about it"
    archive = tmp_path / "backup.json"
    backup(ws, archive)
    assert CACHE_DIR not in archive.read_text()
    ws.snapshots.wait()
    for snapshot in ws.snapshots.all():
        assert not any(name.startswith(CACHE_DIR) for name in zipfile.ZipFile(snapshot).namelist())
    restore(Workspace(ws.home), archive, force=True)
    # Derived from the data replaced: left behind with it, and made again from what is restored.
    assert not (ws.home / CACHE_DIR).exists()
    assert answers(Workspace(ws.home, read_only=True)) == from_files(ws.home)


def test_after_a_full_refresh_the_forms_question_costs_one_stat(tmp_path: Path) -> None:
    """The new-meeting form's quick refresh trusts a folder stamp that a full refresh (home's
    read) found old enough: no listing of the folder until something is renamed into it."""
    home = tmp_path / "ws"
    ws = many(home)
    settle_folder(home, 1)
    with settled_at_once():
        index = MeetingIndex(home)
        index.refresh()
        with mock.patch.object(MeetingIndex, "_pass", side_effect=AssertionError("the folder was listed")):
            assert not index.refresh_changed()
        day = "2026-02-01"
        ws.create_meeting(Meeting(id=f"{day}-a", series_id="a", title="Alpha sync", date=day, facilitator="Dana", status="planned"))
        settle_folder(home, 2)
        assert index.refresh_changed()
        best, _ = index.latest("a")
        assert best is not None and best.meeting_id == f"{day}-a"


def test_the_latest_of_every_series_is_found_once_per_generation(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    ws = many(home)
    ws.series.add(Series(id="b", title="Beta sync"))
    ws.create_meeting(Meeting(id="2025-06-01-b", series_id="b", title="Beta sync", date="2025-06-01", facilitator="Eve", status="ended"))
    index = MeetingIndex(home)
    index.refresh()
    looks: list[int] = []
    real = MeetingIndex._latest_of_each

    def counted(self: MeetingIndex) -> Any:
        looks.append(self.generation)
        return real(self)

    with mock.patch.object(MeetingIndex, "_latest_of_each", counted):
        answers = [(index.latest(s)[0] or None) for s in ("a", "b", "a", "c")]
        assert len(looks) == 1
        assert [e.meeting_id if e else None for e in answers] == ["2026-01-06-a", "2025-06-01-b", "2026-01-06-a", None]
        ws.delete_meeting("2025-06-01-b")
        index.refresh()
        assert index.latest("b") == (None, []) and len(looks) == 2
