"""Following a meeting read-only: notice each save, read it, and compute its clocks.

``tandem follow`` shows a meeting the facilitator is running elsewhere (another terminal,
another SSH session). It never locks or writes anything: the facilitator's writer replaces
the meeting file atomically (``os.replace``), so a reader that opens the file sees one whole
version or the next. A :class:`FileWatcher` notices a new version by the file's identity
and size (``st_mtime_ns``, ``st_size``, ``st_ino``: each save is a new inode) and reads it
only then; while the file cannot be read (missing for a moment, corrupt, from a newer
tandem) it keeps the last good version and says why.

The clocks are computed exactly as the facilitator's live screen computes them, from the
stored banked totals plus the time since the clock started running.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from tandem.store.atomic import decode
from tandem.store.collection import decode_table
from tandem.store.errors import CorruptFileError, NotFoundError, TandemError
from tandem.store.kinds import TITLES, describe
from tandem.store.layout import SHARED_FILES
from tandem.store.outside import MAX_DATA_FILE_BYTES, read_outside_stat
from tandem.store.records import AgendaItem, ContentItem, Meeting, Objective, ProspectInsight
from tandem.store.workspace import MeetingRecord, Workspace, _decode_meeting

T = TypeVar("T")

#: A file version: (st_mtime_ns, st_size, st_ino).
Stamp = tuple[int, int, int]

#: Failed reads in a row before a problem is reported (a torn read by a writer that does
#: not replace atomically heals at the next poll).
TOLERATED_FAILURES = 2


class FileWatcher(Generic[T]):
    """Reads one file again only when it changed; keeps the last good result.

    ``poll()`` returns the decoded file when a new version could be read, else None (nothing
    new, or nothing readable). ``value`` is the last good result; ``problem`` says why the
    file cannot be read right now (None while all is well). ``decode_file(path, raw)`` gets
    ``raw=None`` for an absent file: it returns what that means, or raises.

    A failed read is not remembered as a version, so the next poll reads the file again
    (cheap: one small file); one failure is tolerated before ``problem`` is set, unless
    nothing good was ever read.
    """

    def __init__(self, path: Path, decode_file: Callable[[Path, bytes | None], T]) -> None:
        self.path = path
        self._decode = decode_file
        self.stamp: Stamp | None = None
        self.value: T | None = None
        self.problem: TandemError | None = None
        self._failures = 0
        #: Versions actually read and decoded (for tests and benchmarks).
        self.reads = 0

    def _failed(self, problem: TandemError) -> None:
        self._failures += 1
        self.stamp = None  # read it again at the next poll
        if self._failures >= TOLERATED_FAILURES or self.value is None:
            self.problem = problem

    def poll(self) -> T | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            if self.stamp == (-1, -1, -1):
                return None
            return self._read_missing()
        except OSError as exc:
            self._failed(CorruptFileError(self.path, (exc.strerror or str(exc)).lower()))
            return None
        if (st.st_mtime_ns, st.st_size, st.st_ino) == self.stamp:
            return None
        try:
            # The stamp of what is read, from the open file: a save landing between the
            # stat above and this open is then read now, and not missed later. Opened
            # without blocking: a named pipe put where the file was would hang the poll.
            raw, st = read_outside_stat(self.path, limit=MAX_DATA_FILE_BYTES)
        except FileNotFoundError:
            return self._read_missing()
        except CorruptFileError as exc:
            self._failed(exc)
            return None
        except OSError as exc:
            self._failed(CorruptFileError(self.path, (exc.strerror or str(exc)).lower()))
            return None
        try:
            value = self._decode(self.path, raw)
        except TandemError as exc:
            self._failed(exc)
            return None
        except Exception as exc:  # noqa: BLE001 - odd data a decoder did not foresee: still unreadable
            self._failed(CorruptFileError(self.path, f"{type(exc).__name__}: {exc}"))
            return None
        self.stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        self._ok(value)
        return value

    def _read_missing(self) -> T | None:
        try:
            value = self._decode(self.path, None)
        except TandemError as exc:
            self._failed(exc)
            return None
        self.stamp = (-1, -1, -1)
        self._ok(value)
        return value

    def _ok(self, value: T) -> None:
        self.value = value
        self.problem = None
        self._failures = 0
        self.reads += 1

    @property
    def mtime(self) -> datetime | None:
        """When the version last read was written (local time), if it exists."""
        if self.stamp is None or self.stamp[0] < 0:
            return None
        return datetime.fromtimestamp(self.stamp[0] / 1e9)


class MeetingWatcher:
    """Watches one meeting's file for the facilitator's saves; never locks, never writes.

    ``poll()`` returns a fresh :class:`MeetingRecord` only when the file changed and could
    be read; otherwise None. ``record`` is the last good version, ``problem`` why the file
    cannot be read right now (None while it can).
    """

    def __init__(self, workspace: Workspace, meeting_id: str) -> None:
        self.workspace = workspace
        self.meeting_id = meeting_id
        self.path = workspace.meeting_path(meeting_id)
        self._file: FileWatcher[MeetingRecord] = FileWatcher(self.path, self._decode)

    def _decode(self, path: Path, raw: bytes | None) -> MeetingRecord:
        if raw is None:
            raise NotFoundError(f"The file of meeting {self.meeting_id} is missing ({path}).")
        return _decode_meeting(path, decode(raw, path))

    def poll(self) -> MeetingRecord | None:
        return self._file.poll()

    @property
    def record(self) -> MeetingRecord | None:
        return self._file.value

    @property
    def problem(self) -> TandemError | None:
        return self._file.problem

    @property
    def reads(self) -> int:
        return self._file.reads

    @property
    def file_time(self) -> datetime | None:
        return self._file.mtime


# --- records captured in a meeting but kept in shared files ------------------------------


@dataclass(frozen=True, slots=True)
class LinkedRecords:
    """Prospect insights, content items and objective check-ins captured in one meeting
    (they outlive it, so they live in the workspace's shared files)."""

    insights: tuple[ProspectInsight, ...] = ()
    content: tuple[ContentItem, ...] = ()
    objectives: tuple[Objective, ...] = ()


class LinkedRecordsWatcher:
    """Watches the shared files for records tied to one meeting (read-only, like
    :class:`MeetingWatcher`). An absent file simply holds nothing yet."""

    FILES = {"insights": ("insights.json", ProspectInsight), "content": ("content.json", ContentItem), "objectives": ("objectives.json", Objective)}

    def __init__(self, workspace: Workspace, meeting_id: str) -> None:
        self.meeting_id = meeting_id
        self._files: dict[str, FileWatcher[tuple[Any, ...]]] = {}
        for name, (file_name, kind) in self.FILES.items():
            table = SHARED_FILES[file_name][1]
            self._files[name] = FileWatcher(workspace.home / file_name, self._decoder(name, table, kind))
        self.value = LinkedRecords()

    def _decoder(self, name: str, table: str, kind: type) -> Callable[[Path, bytes | None], tuple[Any, ...]]:
        meeting_id = self.meeting_id

        def mine(doc: dict[str, Any]) -> bool:
            if name == "objectives":
                checkins = doc.get("checkins")
                return doc.get("meeting_id") == meeting_id or (
                    isinstance(checkins, list) and any(isinstance(c, dict) and c.get("meeting_id") == meeting_id for c in checkins)
                )
            return doc.get("meeting_id") == meeting_id

        def decode_file(path: Path, raw: bytes | None) -> tuple[Any, ...]:
            if raw is None:
                return ()
            return tuple(decode_table(path, decode(raw, path), table, kind, mine))

        return decode_file

    def poll(self) -> LinkedRecords | None:
        changed = False
        for watcher in self._files.values():
            if watcher.poll() is not None:
                changed = True
        if not changed:
            return None
        self.value = LinkedRecords(**{name: w.value or () for name, w in self._files.items()})
        return self.value

    @property
    def problem(self) -> TandemError | None:
        return next((w.problem for w in self._files.values() if w.problem is not None), None)


# --- what to show -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CapturedRow:
    """One line of the "captured so far" list."""

    kind: str  # lead_feedback, decision, action, parked, insight, content, objective
    title: str  # "Decision", "Action item"…
    text: str
    agenda_item_id: str = ""


PARKED_TITLE = "Parked"


def captured_rows(record: MeetingRecord, linked: LinkedRecords | None = None) -> list[CapturedRow]:
    """Everything captured so far, in agenda order (records of no item last), each item's
    records in the order the live screen lists them."""
    meeting_id = record.meeting.id
    rows: list[CapturedRow] = []
    for kind, records in (("lead_feedback", record.lead_feedback), ("decision", record.decisions), ("action", record.actions)):
        rows.extend(CapturedRow(kind, TITLES[kind], describe(kind, r), r.agenda_item_id) for r in records)
    rows.extend(CapturedRow("parked", PARKED_TITLE, p.text, p.agenda_item_id) for p in record.parking_lot)
    if linked is not None:
        rows.extend(CapturedRow("insight", TITLES["insight"], describe("insight", r), r.agenda_item_id) for r in linked.insights)
        rows.extend(CapturedRow("content", TITLES["content"], describe("content", r), r.agenda_item_id) for r in linked.content)
        for objective in linked.objectives:
            checkin = next((c for c in reversed(objective.checkins) if c.meeting_id == meeting_id), None)
            item_id = checkin.agenda_item_id if checkin is not None else ""
            rows.append(CapturedRow("objective", TITLES["objective"], describe("objective", objective, meeting_id=meeting_id), item_id))
    position = {item.id: n for n, item in enumerate(record.agenda)}
    order = {kind: n for n, kind in enumerate(("lead_feedback", "decision", "action", "insight", "content", "objective", "parked"))}
    # sorted() is stable: within one item and kind, records keep the order they were captured in.
    return sorted(rows, key=lambda r: (position.get(r.agenda_item_id, len(position)), order[r.kind]))


def parse_time(ts: str | None) -> datetime | None:
    """A stored timestamp, or None (absent or not a timestamp)."""
    try:
        return datetime.fromisoformat(ts) if ts else None
    except ValueError:
        return None


def running_s(meeting: Meeting, now: datetime) -> float:
    """Seconds since the meeting clock last started running (0 while paused)."""
    since = parse_time(meeting.clock_running_since)
    if since is None:
        return 0.0
    try:
        return max(0.0, (now - since).total_seconds())
    except TypeError:  # a timestamp with a time zone against a naive clock
        return 0.0


def meeting_elapsed(meeting: Meeting, now: datetime) -> float:
    """The meeting clock, as the live screen computes it: banked total + running time."""
    return meeting.clock_elapsed + running_s(meeting, now)


def item_elapsed(meeting: Meeting, item: AgendaItem, now: datetime) -> float:
    """An item's timer: its banked time, plus the running time while it is the active one."""
    return item.elapsed_s + (running_s(meeting, now) if item.status == "active" else 0.0)


def active_item(record: MeetingRecord) -> AgendaItem | None:
    return next((i for i in record.agenda if i.status == "active"), None)


def saved_at(meeting: Meeting) -> datetime | None:
    return parse_time(meeting.saved_at)


def writer_gone(workspace: Workspace, meeting_id: str) -> bool:
    """True when the facilitator's tandem that held the meeting is known to be gone (closed
    or crashed); False while it runs, or when that cannot be told (another machine)."""
    from tandem.store.locks import holder_alive

    try:
        path = workspace.meeting_path(meeting_id)
    except TandemError:
        return False
    return holder_alive(path.with_suffix(".lock")) is False


def has_ended(meeting: Meeting) -> bool:
    return meeting.status in ("ended", "finalized")


# --- which meeting ---------------------------------------------------------------------------


def pick_followed(workspace: Workspace, requested: str | None) -> str:
    """The meeting to follow: the one named (whatever its status: an ended meeting shows
    its final state), else the live one — the most recently saved if several are live.

    Refusals are one sentence (:class:`TandemError`). Meeting files that cannot be read are
    skipped while looking for the live one: one damaged old meeting (or one from a newer
    tandem, or a stray file with an odd name) must not stop anyone from following today's."""
    if requested is not None:
        return workspace.get_meeting(requested).id
    live: list[tuple[str, str, str]] = []
    unreadable: list[str] = []
    # The headers come from the meeting index; a file it could not read is read here again,
    # to say why in follow's words.
    for meeting_id, entry in workspace.meeting_entries():
        meeting = (
            workspace.index.use(entry, lambda data: Meeting.trusted(data["meeting"]), ("meeting",)) if entry is not None and entry.problem is None else None
        )
        try:
            meeting = meeting or workspace.get_meeting(meeting_id)
        except NotFoundError:  # deleted since the folder was listed
            continue
        except TandemError as exc:
            unreadable.append(str(exc).rstrip("."))
            continue
        except OSError as exc:
            unreadable.append(f"{workspace.meetings_dir / meeting_id}.json cannot be read ({exc.strerror or exc})")
            continue
        if meeting.status == "live":
            # ISO timestamps of one clock sort as text.
            live.append((meeting.saved_at or meeting.started_at or "", meeting.date, meeting.id))
    if not live:
        # The live meeting may be the one that cannot be read (a facilitator on a newer
        # tandem): say so, or "no meeting" misleads.
        why = ""
        if unreadable:
            newest = unreadable[-1] if len(unreadable) == 1 else f"{len(unreadable)} meeting files cannot be read, the newest: {unreadable[-1]}"
            why = f" that can be read here ({newest})"
        raise TandemError(f"No meeting is in progress{why}; name the one to follow with 'tandem follow MEETING' (ids from 'tandem list').")
    return max(live)[2]
