"""The repository API the app uses: one workspace folder, one file per meeting.

A write costs the size of one meeting file, not of the whole history. Meetings are edited
through a :class:`MeetingWriter`, which holds that meeting's writer lock for as long as it
is open; shared files (series, objectives…) take a short lock per write. Readers never lock.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter, itemgetter
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from tinydb.table import Document

from tandem.store import ids
from tandem.store.atomic import AtomicStorage, clean_stale_temp_files, ensure_dir, read_file
from tandem.store.collection import Collection, R, decode_table
from tandem.store.drafts import Drafts
from tandem.store.errors import (
    CorruptFileError,
    FinalizedError,
    NotFoundError,
    ReadOnlyError,
    TandemError,
    ValidationError,
)
from tandem.store.layout import CONFLICTS_TABLE, DRAFTS_DIR, INFO_KEY, MEETING_TABLES, MEETINGS_DIR, SHARED_FILES, SNAPSHOTS_DIR, WORKSPACE_FILE
from tandem.store.locks import WriterLock
from tandem.store.outside import inside, name_problem, shown_name
from tandem.store.records import (
    ACTION_STATUSES,
    SEQ,
    ActionItem,
    AgendaItem,
    ContentItem,
    Decision,
    LeadFeedback,
    Meeting,
    Objective,
    ParkedItem,
    ProspectInsight,
    Series,
    ShadowDay,
    Triage,
)
from tandem.store.sla.record import SCORECARD_TABLE, ScorecardLine
from tandem.store.tables import RecordDB, keyed
from tandem.store.upkeep.snapshots import Snapshots

if TYPE_CHECKING:
    from tandem.store.index import Entry, MeetingIndex
    from tandem.store.templates import Template


def default_home() -> Path:
    env = os.environ.get("TANDEM_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("tandem", appauthor=False)


@dataclass(slots=True)
class MeetingRecord:
    """Everything saved about one meeting, read in one go (one consistent file version)."""

    meeting: Meeting
    agenda: list[AgendaItem] = field(default_factory=list)
    lead_feedback: list[LeadFeedback] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    parking_lot: list[ParkedItem] = field(default_factory=list)
    #: What the meeting did with contributions (``store/contrib/triage.py``).
    triage: list[Triage] = field(default_factory=list)
    #: The SLA scorecard as the meeting saw it when it ended (lead-quality meetings only).
    scorecard: list[ScorecardLine] = field(default_factory=list)


def meeting_tables(record: MeetingRecord, stored: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """The tables of a meeting's file, as :meth:`MeetingWriter.write_all` writes them;
    ``stored``: the tables of the file it replaces, whose order numbers are kept (see
    ``tables.keyed``)."""
    stored = stored or {}
    tables = {"meeting": keyed([record.meeting.to_dict()], table="meeting", stored=stored.get("meeting"))}
    for name in MEETING_TABLES:
        # Most meetings never have a scorecard: their files stay as they were without one.
        if name == SCORECARD_TABLE and not record.scorecard and not stored.get(name):
            continue
        if name != "meeting":
            tables[name] = keyed((row.to_dict() for row in getattr(record, name)), table=name, stored=stored.get(name))
    if isinstance(stored.get(CONFLICTS_TABLE), dict) and stored[CONFLICTS_TABLE]:
        tables[CONFLICTS_TABLE] = stored[CONFLICTS_TABLE]  # what a sync decided stays with the file
    return tables


def _meeting_header(path: Path, tables: dict[str, Any]) -> Meeting:
    """The one meeting record of a file. Its id must be usable as a file name: an id with a
    line break or an escape sequence would print a fake row or a command in every listing."""
    header = decode_table(path, tables, "meeting", Meeting)
    if len(header) != 1:
        raise CorruptFileError(path, "it holds no meeting")
    problem = name_problem(header[0].id)
    if problem is not None:
        raise CorruptFileError(path, f"its meeting id {shown_name(header[0].id)} cannot be used: {problem}")
    return header[0]


def _decode_meeting(path: Path, tables: dict[str, Any], only: Iterable[str] | None = None) -> MeetingRecord:
    """The meeting of a file; ``only`` names the record tables wanted (the rest stay empty)."""
    meeting = _meeting_header(path, tables)
    wanted = set(MEETING_TABLES) if only is None else set(only)

    def table(name: str, kind: type[Any]) -> list[Any]:
        return decode_table(path, tables, name, kind) if name in wanted else []

    agenda = table("agenda", AgendaItem)
    agenda.sort(key=lambda item: item.position)
    return MeetingRecord(
        meeting=meeting,
        agenda=agenda,
        lead_feedback=table("lead_feedback", LeadFeedback),
        decisions=table("decisions", Decision),
        actions=table("actions", ActionItem),
        parking_lot=table("parking_lot", ParkedItem),
        triage=table("triage", Triage),
        scorecard=sorted(table(SCORECARD_TABLE, ScorecardLine), key=lambda line: line.position),
    )


#: The record tables of a meeting file that the meeting index keeps (besides the header).
INDEXED_TABLES = ("actions", "decisions", "lead_feedback")


class Workspace:
    def __init__(self, home: Path | str, *, now: Callable[[], datetime] = datetime.now, read_only: bool = False) -> None:
        self.home = Path(home).expanduser()
        self.meetings_dir = self.home / MEETINGS_DIR
        self.now = now
        #: A read-only workspace (review, follow) never creates, deletes or locks a file.
        self.read_only = read_only
        #: Whether this process has checked for files of an older schema before writing.
        self.upgrade_checked = False
        #: Whether the queries across meetings answer from the meeting index (``index``).
        #: False: every file is read and validated again, as the index's tests compare.
        self.indexed = True
        self._index: MeetingIndex | None = None
        self.snapshots = Snapshots(self.home / SNAPSHOTS_DIR, self.home, now=now)
        self.drafts = Drafts(self.home / DRAFTS_DIR)
        # snapshots/ too: a writer killed while zipping the daily snapshot leaves a temp zip there.
        # Never in a folder that is a link out of the workspace: it holds someone else's files.
        for folder in (self.home, self.meetings_dir, self.snapshots.folder):
            if folder.is_dir() and not read_only and (folder == self.home or inside(self.home, folder)):
                with contextlib.suppress(OSError):  # a read-only workspace keeps its temp files
                    clean_stale_temp_files(folder)

        def shared(name: str) -> Collection[Any]:
            file_kind, table, kind = SHARED_FILES[name]
            path = self.home / name
            return Collection(
                path,
                table,
                kind,
                file_kind=file_kind,
                guard=lambda: self.short_lock(path),
                before_write=self.before_write,
            )

        self.series: Collection[Series] = shared("series.json")
        self.objectives: Collection[Objective] = shared("objectives.json")
        self.content: Collection[ContentItem] = shared("content.json")
        self.insights: Collection[ProspectInsight] = shared("insights.json")
        self.shadow_days: Collection[ShadowDay] = shared("shadow_days.json")

    def __repr__(self) -> str:
        return f"Workspace({str(self.home)!r})"

    # --- housekeeping ----------------------------------------------------------------

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise ReadOnlyError(f"The workspace {self.home} is open read-only; nothing can be changed here.")

    def before_write(self, path: Path | None = None) -> None:
        """Runs before every file write (``path``: the file replaced, created or deleted;
        None: not said): folders exist, and today's snapshot is started, given the file's
        bytes before they change if it has not read them yet."""
        self._refuse_if_read_only()
        ensure_dir(self.home)
        ensure_dir(self.meetings_dir)
        self.snapshots.take_if_due()
        self.snapshots.before_change(path)
        if not self.upgrade_checked:
            from tandem.store.atomic import SCHEMA_VERSION
            from tandem.store.migrate import backup_before_upgrade, schema_of

            # Only a write to a file of an older schema loses old data (it is re-encoded), so
            # only that file's header is read here, not every file's (0.25 s at 5,000 meetings).
            try:
                schema = schema_of(path)[0] if path is not None else 0
            except (OSError, CorruptFileError):  # a new file, or unreadable: no old data in it
                schema = None
            if schema is not None and schema < SCHEMA_VERSION:
                self.upgrade_checked = True
                backup_before_upgrade(self)

    def short_lock(self, path: Path) -> WriterLock:
        self._refuse_if_read_only()
        ensure_dir(path.parent)
        return WriterLock(path.with_suffix(".lock"), subject=str(path), meeting=False, now=self.now, timeout=10)

    def write_problem(self) -> str | None:
        """Why nothing can be saved here (read-only file system, no permission), or None.

        Tried, not guessed: permission bits say nothing for root or on a read-only mount."""
        folder = self.home
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent  # a new workspace is created in its nearest existing parent
        probe = folder / f".tandem-probe-{os.getpid()}"
        try:
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            if exc.errno == errno.EROFS:
                return "it is on a read-only file system"
            if exc.errno in (errno.EACCES, errno.EPERM):
                return "you do not have permission to write to it"
            return exc.strerror or str(exc)
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(probe)
        return None

    def info(self) -> dict[str, Any]:
        tables = read_file(self.home / WORKSPACE_FILE) or {}
        info = dict(tables.get("workspace", {}).get(INFO_KEY, {}))
        info.pop(SEQ, None)
        return info

    def set_info(self, **values: Any) -> None:
        with self.short_lock(self.home / WORKSPACE_FILE):
            db = RecordDB(self.home / WORKSPACE_FILE, storage=AtomicStorage, kind="workspace", before_write=self.before_write)
            table = db.table("workspace", cache_size=0)
            if table.get(doc_id=INFO_KEY) is None:  # type: ignore[call-overload]
                table.insert(Document(values, doc_id=INFO_KEY))  # type: ignore[arg-type]
            else:
                table.update(values, doc_ids=[INFO_KEY])  # type: ignore[list-item]

    def data_files(self) -> list[Path]:
        """Every data file of the workspace (not locks, temp files or snapshots), and none
        that lies outside it (``tandem list`` and ``doctor`` report those)."""
        return [self.home / name for name, _ in self.data_file_names()]

    def data_file_names(self, *, stat: bool = False) -> list[tuple[str, os.stat_result | None]]:
        """:meth:`data_files` by name within the workspace (``meetings/<id>.json``), each
        with its status (a link's target's) if ``stat``; None if it has none."""
        files: list[tuple[str, os.stat_result | None]] = []
        for name in (WORKSPACE_FILE, *SHARED_FILES):
            try:
                shared = os.stat(self.home / name)
            except (OSError, ValueError):
                continue
            if S_ISREG(shared.st_mode):
                files.append((name, shared if stat else None))
        if not (self.meetings_dir.is_dir() and inside(self.home, self.meetings_dir)):
            return files
        # One listing, with each entry's type: a Path and an lstat per file (glob,
        # is_symlink) took 0.25 s at 20,000 meetings, and every start lists them. Listed
        # through a descriptor where it can be, each file's status is then looked up in
        # the folder, not from the root again.
        by_fd = os.scandir in os.supports_fd and stat
        where: int | Path = os.open(self.meetings_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if by_fd else self.meetings_dir
        try:
            with os.scandir(where) as found:
                listed = [e for e in found if e.name.endswith(".json") and not e.name.startswith(".")]
            listed.sort(key=attrgetter("name"))
            prefix = f"{MEETINGS_DIR}/"
            for entry in listed:
                try:
                    if entry.is_symlink() and not inside(self.home, self.meetings_dir / entry.name):
                        continue
                    st = entry.stat() if stat else None
                except OSError:
                    st = None
                files.append((prefix + entry.name, st))
        finally:
            if isinstance(where, int):
                os.close(where)
        return files

    def is_empty(self) -> bool:
        return not self.home.exists() or not any(p for p in self.home.iterdir() if p.name != SNAPSHOTS_DIR and not p.name.startswith("."))

    # --- meetings: reading -----------------------------------------------------------

    def meeting_path(self, meeting_id: str) -> Path:
        problem = name_problem(meeting_id)
        if problem is not None:
            raise ValidationError("meeting id", f"{shown_name(meeting_id)} is not a meeting id ({problem})")
        return self.meetings_dir / f"{meeting_id}.json"

    def _meetings_folder_inside(self) -> bool:
        """Whether meetings/ exists; a meetings/ that is a link out of the workspace is
        refused, as every file in it would be: tandem neither reads nor cleans other folders."""
        if not self.meetings_dir.is_dir():
            return False
        if not inside(self.home, self.meetings_dir):
            target = os.path.realpath(self.meetings_dir)
            raise CorruptFileError(self.meetings_dir, f"it is a link to {shown_name(target, 120)}, outside the workspace; put the meetings folder back in it")
        return True

    def meeting_ids(self) -> list[str]:
        """The stems of the meeting files, as they are: a stem that cannot be a meeting id is
        listed too, and refused (in one sentence naming the file) when it is read."""
        if not self._meetings_folder_inside():
            return []
        with os.scandir(self.meetings_dir) as found:  # names, not a Path each: 6x faster at 20,000
            return sorted(e.name[:-5] for e in found if e.name.endswith(".json") and not e.name.startswith("."))

    def _listed_meeting(self, meeting_id: str) -> tuple[Path, dict[str, Any] | None]:
        """The path and tables of a meeting file found by :meth:`meeting_ids`; damage (a name
        that is no meeting id, a link out of the workspace) is a :class:`CorruptFileError`."""
        if (problem := name_problem(meeting_id)) is not None:
            shown = self.meetings_dir / shown_name(f"{meeting_id}.json")
            raise CorruptFileError(shown, f"its name cannot be a meeting id: {problem}; rename it or move it out of the workspace")
        return self._read_meeting_file(self.meetings_dir / f"{meeting_id}.json")

    def _read_meeting_file(self, path: Path) -> tuple[Path, dict[str, Any] | None]:
        # A link is resolved only when there is one (one lstat): a synced folder can carry a
        # link to a private file, which must not reach a listing, an export or a backup.
        if path.is_symlink() and not inside(self.home, path):
            raise CorruptFileError(path, "it is a link that leads out of the workspace")
        return path, read_file(path)

    def read_meeting(self, meeting_id: str) -> MeetingRecord:
        self._meetings_folder_inside()
        path, tables = self._read_meeting_file(self.meeting_path(meeting_id))
        if tables is None:
            raise NotFoundError(f"No meeting {meeting_id!r} in {self.home}.")
        return _decode_meeting(path, tables)

    def get_meeting(self, meeting_id: str) -> Meeting:
        self._meetings_folder_inside()
        path, tables = self._read_meeting_file(self.meeting_path(meeting_id))
        if tables is None:
            raise NotFoundError(f"No meeting {meeting_id!r} in {self.home}.")
        return _meeting_header(path, tables)

    @property
    def index(self) -> MeetingIndex:
        """What the queries across meetings read instead of every file (``store/index``)."""
        if self._index is None:
            from tandem.store.index import MeetingIndex

            self._index = MeetingIndex(self.home)
        return self._index

    def _meeting_files(self, series_id: str | None = None) -> Iterator[tuple[str, Entry | None]]:
        """Every meeting file (its stem, in id order) with its index entry, or None where the
        file is to be read and decoded here: the index is off, or has no entry for it (a name
        that is no meeting id, a file that cannot be read as a whole: reading it says why,
        and what can be read of it is used, as before there was an index). ``series_id``:
        the entries of other series are left out (files to be read are not)."""
        if not self.indexed:
            yield from ((stem, None) for stem in self.meeting_ids())
            return
        if not self._meetings_folder_inside():
            return
        self.index.refresh()
        for stem, entry in self.index.listing():
            if entry is None or series_id is None or entry.series_id == series_id:
                yield stem, entry

    def refresh_meeting_index(self, *, every_file: bool = True) -> bool:
        """Bring the meeting index in line with the files (``MeetingIndex.refresh``), for a
        reader that then asks it what changed (review); False, the index left as it was,
        when there is no meetings folder."""
        if not self._meetings_folder_inside():
            return False
        self.index.refresh(every_file=every_file)
        return True

    def meeting_entries(self, *, every_file: bool = True) -> list[tuple[str, Entry | None]]:
        """Every meeting file (its stem, in id order) with its index entry, refreshed now:
        for a reader that reports each file's problem itself (review). None: a name that
        can be no meeting id (the file is not read). ``every_file``: see ``MeetingIndex.refresh``."""
        if not self._meetings_folder_inside():
            return []
        self.index.refresh(every_file=every_file)
        return self.index.entries()

    def _tables(
        self,
        table: str,
        kind: type[R],
        where: Callable[[dict[str, Any]], bool] | None = None,
        *,
        header: bool,
        series_id: str | None = None,
    ) -> Iterator[tuple[str, Meeting | None, list[R]]]:
        """One table of every meeting file (stem, header, records), decoding only that table,
        and the header if ``header`` (checked as :meth:`read_meeting` checks it)."""

        def indexed(data: dict[str, Any]) -> tuple[Meeting | None, list[R]]:
            docs = [data["meeting"]] if table == "meeting" else data[table]
            return (Meeting.trusted(data["meeting"]) if header else None), [kind.trusted(d) for d in docs if where is None or where(d)]

        parts = ("meeting",) if table == "meeting" else ("meeting", table)
        for stem, entry in self._meeting_files(series_id):
            found = self.index.use(entry, indexed, parts) if entry is not None else None
            if found is None:
                path, tables = self._listed_meeting(stem)
                if tables is None:  # deleted since we listed the folder
                    continue
                found = (_meeting_header(path, tables) if header else None), decode_table(path, tables, table, kind, where)
            yield stem, *found

    def iter_meeting_records(self, only: Iterable[str] | None = None) -> Iterator[MeetingRecord]:
        """Every meeting with its records; ``only`` limits which record tables are decoded
        (``("actions",)`` for a list of meetings with their open actions: from the index)."""
        wanted = None if only is None else tuple(only)
        listing = self._meeting_files() if wanted is not None and set(wanted) <= set(INDEXED_TABLES) else ((stem, None) for stem in self.meeting_ids())

        def indexed(data: dict[str, Any]) -> MeetingRecord:
            def table(name: str, kind: type[R]) -> list[R]:
                return [kind.trusted(d) for d in data[name]] if name in (wanted or ()) else []

            return MeetingRecord(
                meeting=Meeting.trusted(data["meeting"]),
                lead_feedback=table("lead_feedback", LeadFeedback),
                decisions=table("decisions", Decision),
                actions=table("actions", ActionItem),
            )

        parts = ("meeting", *(wanted or ()))
        for stem, entry in listing:
            record = self.index.use(entry, indexed, parts) if entry is not None else None
            if record is None:
                path, tables = self._listed_meeting(stem)
                if tables is None:  # deleted since we listed the folder
                    continue
                record = _decode_meeting(path, tables, wanted)
            yield record

    def iter_listed(self) -> Iterator[tuple[MeetingRecord, dict[str, int]]]:
        """What ``tandem list`` shows of every meeting (in id order): the meeting with its
        action items (its other tables left empty), and how many agenda items, lead
        feedback and decisions it has (``agenda_items``, ``lead_feedback``, ``decisions``).
        A file is refused as :meth:`read_meeting` refuses it, whatever table is damaged."""

        def indexed(data: dict[str, Any]) -> tuple[MeetingRecord, dict[str, int]]:
            summary = data["summary"]
            record = MeetingRecord(meeting=Meeting.trusted(data["meeting"]), actions=[ActionItem.trusted(d) for d in data["actions"]])
            return record, {"agenda_items": int(summary["items"]), "lead_feedback": int(summary["lead_feedback"]), "decisions": int(summary["decisions"])}

        for stem, entry in self._meeting_files():
            found = self.index.use(entry, indexed, ("meeting", "actions", "summary")) if entry is not None else None
            if found is None:
                path, tables = self._listed_meeting(stem)
                if tables is None:  # deleted since we listed the folder
                    continue
                record = _decode_meeting(path, tables)
                counts = {"agenda_items": len(record.agenda), "lead_feedback": len(record.lead_feedback), "decisions": len(record.decisions)}
                found = MeetingRecord(record.meeting, actions=record.actions), counts
            yield found

    def iter_listed_data(self) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], dict[str, int]]]:
        """:meth:`iter_listed` in ``to_dict`` form: each meeting (in id order) as a dict, its
        action items as dicts and its counts, building no record: at 20,000 meetings the
        records (and the collector walking them) cost three times the index's decoding.
        The dicts are the caller's own (decoded afresh for each call)."""

        def indexed(data: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, int]]:
            meeting, actions, summary = data["meeting"], data["actions"], data["summary"]
            if type(meeting) is not dict or type(actions) is not list:
                raise TypeError("not an entry of this format")
            counts = {"agenda_items": int(summary["items"]), "lead_feedback": int(summary["lead_feedback"]), "decisions": int(summary["decisions"])}
            return meeting, actions, counts

        for stem, entry in self._meeting_files():
            found = self.index.use(entry, indexed, ("meeting", "actions", "summary")) if entry is not None else None
            if found is None:
                path, tables = self._listed_meeting(stem)
                if tables is None:  # deleted since we listed the folder
                    continue
                record = _decode_meeting(path, tables)
                counts = {"agenda_items": len(record.agenda), "lead_feedback": len(record.lead_feedback), "decisions": len(record.decisions)}
                found = record.meeting.to_dict(), [a.to_dict() for a in record.actions], counts
            yield found

    def _iter_tables(self, table: str, kind: type[Any], where: Callable[[dict[str, Any]], bool] | None = None) -> Iterator[tuple[str, list[Any]]]:
        """One table from every meeting file, decoding only that table."""
        for stem, _, rows in self._tables(table, kind, where, header=False):
            yield stem, rows

    def list_meetings(self, series_id: str | None = None) -> list[Meeting]:
        """Meetings in date order (then id), optionally of one series."""
        meetings = [rows[0] for _, _, rows in self._tables("meeting", Meeting, header=False, series_id=series_id) if rows]
        if series_id is not None:
            meetings = [m for m in meetings if m.series_id == series_id]
        meetings.sort(key=lambda m: (m.date, m.id))
        return meetings

    def latest_meeting(self, series_id: str) -> Meeting | None:
        """The series' meeting with the latest date (then id), or None.

        Asked each time the new-meeting form opens: the index is refreshed from what changed
        in the meetings folder (``MeetingIndex.refresh_changed``), not by a stat of every
        file. So every save, delete, git pull or sync is seen at once; a file rewritten in
        place by another program is seen if it is the latest meeting's own (its file is
        checked), else at the next full refresh of the index."""
        if not self.indexed:
            meetings = self.list_meetings(series_id)
            return meetings[-1] if meetings else None
        from tandem.store.index.entry import sig_of

        found = self._latest_meeting(series_id, changed_only=True)
        if isinstance(found, tuple):
            entry, meeting = found
            try:
                same = sig_of(os.stat(self.meetings_dir / f"{entry.stem}.json")) == entry.sig
            except OSError:
                same = False
            if same:
                return meeting
            found = self._latest_meeting(series_id, changed_only=False)
        return found[1] if isinstance(found, tuple) else found

    def _latest_meeting(self, series_id: str, *, changed_only: bool) -> Meeting | tuple[Entry, Meeting] | None:
        """:meth:`latest_meeting`, with the index entry it came from if it came from one."""
        if not self._meetings_folder_inside():
            return None
        if changed_only:
            self.index.refresh_changed()
        else:
            self.index.refresh()
        # The index knows each file's date and id: only the latest meeting is decoded. Among
        # equal keys (a copied file) the last in id order wins, as the sorted list's last.
        best, unread = self.index.latest(series_id)
        found: list[tuple[tuple[str, str, str], Entry | Meeting]] = []
        if best is not None:
            found.append(((best.date, best.meeting_id, best.stem), best))
        for stem in unread:
            path, tables = self._listed_meeting(stem)
            rows = decode_table(path, tables, "meeting", Meeting) if tables is not None else []
            if rows and rows[0].series_id == series_id:
                found.append(((rows[0].date, rows[0].id, stem), rows[0]))
        if not found:
            return None
        latest = max(found, key=itemgetter(0))[1]
        if isinstance(latest, Meeting):
            return latest
        meeting = self.index.use(latest, lambda data: Meeting.trusted(data["meeting"]), ("meeting",))
        if meeting is None:  # the index was damaged: from the files
            meetings = self.list_meetings(series_id)
            return meetings[-1] if meetings else None
        return latest, meeting

    # --- meetings: writing -----------------------------------------------------------

    def new_meeting_id(self, day: date | str, series_id: str) -> str:
        taken = set(self.meeting_ids())
        if (self.home / ".git").exists():
            # Shared through git: a teammate's clone may plan the same series on the same day
            # before the two sync, and the two files must not be one. Four random characters
            # make a clash a one-in-a-million event; the date and series still lead the id.
            while True:
                candidate = f"{ids.meeting_id(day, series_id)}-{ids.new_id()[:4]}"
                if candidate not in taken:
                    return candidate
        return ids.meeting_id(day, series_id, taken=taken)

    def create_meeting(self, meeting: Meeting, agenda: Iterable[AgendaItem] = (), *, actions: Iterable[ActionItem] = ()) -> Meeting:
        """Create the meeting's file with its agenda (and any action items it starts with,
        such as a debrief's experiments) in one atomic write."""
        path = self.meeting_path(meeting.id)
        if path.exists():
            raise ValidationError("meeting.id", f"{meeting.id!r} already exists")
        ensure_dir(self.meetings_dir)
        with self.open_meeting(meeting.id, must_exist=False) as writer:
            if path.exists():  # created by another process since the check above
                raise ValidationError("meeting.id", f"{meeting.id!r} already exists")
            writer.write_all(MeetingRecord(meeting=meeting, agenda=list(agenda), actions=list(actions)))
        return meeting

    def create_meeting_from_template(self, meeting: Meeting, template: Template, *, rng: random.Random | None = None) -> MeetingRecord:
        """Snapshot the template's agenda into a new meeting: editing the template later
        never changes this meeting."""
        from tandem.store.templates import agenda_from_template

        meeting = meeting.replace(template_id=template.id)
        agenda = agenda_from_template(template, rng=rng)
        self.create_meeting(meeting, agenda)
        return MeetingRecord(meeting=meeting, agenda=agenda)

    def open_meeting(self, meeting_id: str, *, must_exist: bool = True, allow_finalized: bool = False) -> MeetingWriter:
        """Take the meeting's writer lock; refuse with who holds it if someone does, and
        refuse a finalized meeting unless ``allow_finalized`` (to unfinalize it)."""
        self._refuse_if_read_only()
        path = self.meeting_path(meeting_id)
        if must_exist and not path.exists():
            raise NotFoundError(f"No meeting {meeting_id!r} in {self.home}.")
        writer = MeetingWriter(self, meeting_id)
        if must_exist and not allow_finalized:
            try:
                finalized = self.get_meeting(meeting_id).status == "finalized"
            except BaseException:
                writer.close()
                raise
            if finalized:
                writer.close()
                raise FinalizedError(meeting_id)
        return writer

    def set_finalized(self, meeting_id: str, finalized: bool) -> Meeting:
        """Finalize an ended meeting (locks it against edits), or reopen a finalized one."""
        with self.open_meeting(meeting_id, allow_finalized=True) as writer:
            meeting = writer.meeting
            if finalized and meeting.status != "ended":
                raise TandemError(f"Meeting {meeting_id} is {meeting.status}; only an ended meeting can be finalized.")
            if not finalized and meeting.status != "finalized":
                raise TandemError(f"Meeting {meeting_id} is not finalized.")
            return writer.save_meeting(meeting.replace(status="finalized" if finalized else "ended"))

    def delete_meeting(self, meeting_id: str) -> None:
        with self.open_meeting(meeting_id) as writer:
            self.before_write()
            writer.path.unlink()

    # --- queries across meetings -----------------------------------------------------

    def action_items(self, *, status: str | None = None, series_id: str | None = None) -> list[ActionItem]:
        series_of = {m.id: m.series_id for m in self.list_meetings()} if series_id else {}
        items = [
            a
            for _, rows in self._iter_tables("actions", ActionItem, None if status is None else lambda d: d.get("status") == status)
            for a in rows
            if series_id is None or series_of.get(a.meeting_id) == series_id
        ]
        items.sort(key=lambda a: (a.due or "9999-99-99", a.meeting_id, a.id))
        return items

    def open_action_items(self) -> list[ActionItem]:
        return self.action_items(status="open")

    def iter_actions(self, where: Callable[[dict[str, Any]], bool] | None = None) -> Iterator[tuple[Meeting, list[ActionItem]]]:
        """Each meeting (in id order) with its action items, reading each file once and
        decoding only the header and the actions ``where`` keeps. An action item's
        ``meeting_id`` is its origin meeting: the file it lives in, filled in if empty."""
        for meeting, actions in self._iter_table("actions", ActionItem, where):
            yield meeting, [a if a.meeting_id else a.replace(meeting_id=meeting.id) for a in actions]

    def iter_triage(self) -> Iterator[tuple[Meeting, list[Triage]]]:
        """Each meeting (in id order) with what it did with contributions (from the index)."""
        return self._iter_table("triage", Triage)

    def iter_lead_feedback(self, where: Callable[[dict[str, Any]], bool] | None = None) -> Iterator[tuple[Meeting, list[LeadFeedback]]]:
        """Each meeting (in id order) with its lead feedback, decoding only that table (and
        of it only the documents ``where`` keeps, if given)."""
        return self._iter_table("lead_feedback", LeadFeedback, where)

    def iter_decisions(self) -> Iterator[tuple[Meeting, list[Decision]]]:
        """Each meeting (in id order) with its decisions, decoding only those tables."""
        return self._iter_table("decisions", Decision)

    def _iter_table(
        self, table: str, kind: type[R], where: Callable[[dict[str, Any]], bool] | None = None, *, series_id: str | None = None
    ) -> Iterator[tuple[Meeting, list[R]]]:
        for _, meeting, rows in self._tables(table, kind, where, header=True, series_id=series_id):
            assert meeting is not None  # header=True
            yield meeting, rows

    def series_open_actions(self, series_id: str, *, before: str | None = None) -> list[ActionItem]:
        """Open action items of every meeting of the series (only meetings dated before
        ``before`` if given), oldest meeting first, in the order they were captured.

        This is the action review of the series' next meeting: an item nobody reviews stays
        open, so it comes back every time until it is marked done or dropped."""
        if before is not None:
            _check_day("before", before)
        found = [
            (meeting.date, meeting.id, n, action if action.meeting_id else action.replace(meeting_id=meeting.id))
            for meeting, actions in self._iter_table("actions", ActionItem, lambda d: d.get("status") == "open", series_id=series_id)
            if meeting.series_id == series_id and (before is None or meeting.date < before)
            for n, action in enumerate(actions)
        ]
        found.sort(key=lambda row: row[:3])
        return [row[3] for row in found]

    def set_action_status(self, meeting_id: str, action_id: str, status: str, *, closed_in: str = "", closed_on: str = "") -> ActionItem:
        """Mark an action item done, dropped or open again, in its origin meeting's file.

        Action items outlive their meeting: they are reviewed (closed or kept open) in later
        meetings of the series, so this edits the origin meeting even when it is finalized —
        only the action's status and its closing fields change, nothing else of the record.
        It takes the origin meeting's writer lock for the one write; if someone has that
        meeting open for editing, it is refused with :class:`MeetingLockedError`.
        Reopening (``status="open"``) clears ``closed_in`` and ``closed_on``.
        """
        if status not in ACTION_STATUSES:
            raise ValidationError("action_item.status", f"{status!r} is not one of: {', '.join(ACTION_STATUSES)}")
        with self.open_meeting(meeting_id, allow_finalized=True) as writer:
            action = writer.actions.get(action_id)
            if status == "open":
                changed = action.replace(status="open", closed_in="", closed_on="")
            else:
                changed = action.replace(status=status, closed_in=closed_in, closed_on=closed_on)
            if changed != action:
                writer.actions.update(changed)
        return changed if changed.meeting_id else changed.replace(meeting_id=meeting_id)

    def lead_feedback(
        self,
        *,
        meeting_id: str | None = None,
        source: str | None = None,
        reason: str | None = None,
        stage_lost: str | None = None,
    ) -> list[LeadFeedback]:
        if meeting_id is not None:
            rows: Iterable[LeadFeedback] = self.read_meeting(meeting_id).lead_feedback
        else:
            rows = (f for _, fs in self._iter_tables("lead_feedback", LeadFeedback) for f in fs)
        return [
            f
            for f in rows
            if (source is None or f.source == source) and (reason is None or reason in f.reasons) and (stage_lost is None or f.stage_lost == stage_lost)
        ]

    def objectives_with_history(self) -> list[Objective]:
        """Objectives with their check-ins in date order."""
        out = []
        for objective in self.objectives.all():
            out.append(objective.replace(checkins=sorted(objective.checkins, key=lambda c: (c.date, c.meeting_id))))
        return out

    def objectives_due(self, *, since: str) -> list[Objective]:
        """Active objectives (not met or dropped) with no check-in on or after ``since``:
        the ones a meeting on that day should check in on. In stored order, check-ins in
        date order."""
        _check_day("since", since)
        return [o for o in self.objectives_with_history() if o.status not in ("met", "dropped") and (not o.checkins or o.checkins[-1].date < since)]

    def content_in_pipeline(self) -> list[ContentItem]:
        """Content items not shipped yet: soonest ETA first (no ETA last), then by title."""
        items = [c for c in self.content.all() if c.status != "shipped"]
        items.sort(key=lambda c: (not c.eta, c.eta, c.title.casefold(), c.title, c.id))
        return items


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def _check_day(name: str, value: str) -> None:
    try:
        ok = isinstance(value, str) and len(value) == 10 and bool(date.fromisoformat(value))
    except ValueError:
        ok = False
    if not ok:
        raise ValidationError(name, f"{value!r} is not a date (YYYY-MM-DD)")


class MeetingWriter:
    """The single writer of one meeting; a context manager holding the meeting's lock."""

    def __init__(self, workspace: Workspace, meeting_id: str) -> None:
        self.workspace = workspace
        self.meeting_id = meeting_id
        self.path = workspace.meeting_path(meeting_id)
        self._lock = WriterLock(self.path.with_suffix(".lock"), subject=meeting_id, now=workspace.now, timeout=0)
        ensure_dir(workspace.meetings_dir)
        self._lock.acquire()
        self._db = RecordDB(self.path, storage=AtomicStorage, kind="meeting", before_write=self._before_write)
        #: The file's signature when this writer last wrote it whole, and the tables written.
        self._written: tuple[tuple[int, int, int] | None, dict[str, Any]] | None = None

        def table(name: str) -> Collection[Any]:
            return Collection(
                self.path,
                name,
                MEETING_TABLES[name],
                file_kind="meeting",
                guard=self._guard,
                before_write=self._before_write,
            )

        self.agenda: Collection[AgendaItem] = table("agenda")
        self.lead_feedback: Collection[LeadFeedback] = table("lead_feedback")
        self.decisions: Collection[Decision] = table("decisions")
        self.actions: Collection[ActionItem] = table("actions")
        self.parking_lot: Collection[ParkedItem] = table("parking_lot")
        self.triage: Collection[Triage] = table("triage")

    def _before_write(self, path: Path | None = None) -> None:
        if not self._lock.is_locked:
            raise TandemError(f"Meeting {self.meeting_id} was closed for editing; reopen it to save.")
        self.workspace.before_write(path)

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        # The lock is already held for the writer's whole life.
        yield

    @property
    def is_open(self) -> bool:
        return self._lock.is_locked

    def read(self) -> MeetingRecord:
        return self.workspace.read_meeting(self.meeting_id)

    @property
    def meeting(self) -> Meeting:
        return self.workspace.get_meeting(self.meeting_id)

    def save_meeting(self, meeting: Meeting) -> Meeting:
        if meeting.id != self.meeting_id:
            raise ValidationError("meeting.id", "cannot change a meeting's id")
        table = self._db.table("meeting", cache_size=0)
        if not len(table):
            table.insert(meeting.to_dict())
        else:
            table.update(meeting.to_dict())  # the file's one meeting document, whatever its key
        return meeting

    def write_all(self, record: MeetingRecord) -> None:
        """Replace the whole file in one atomic write (creation, a live meeting's saves);
        records the file held keep their order numbers."""
        tables = meeting_tables(record, self._stored_tables())
        self._db.storage.write(tables)
        self._written = (_signature(self.path), tables)

    def _stored_tables(self) -> dict[str, Any]:
        """The tables in the file, for their order numbers: read again only when the file
        changed since this writer last wrote it whole (a live meeting saves every few
        seconds: one stat, not a read, per save). Another write replaces the file, so its
        inode tells."""
        signature = _signature(self.path)
        if self._written is None or self._written[0] != signature:
            try:
                tables = read_file(self.path) if signature is not None else None
            except (TandemError, OSError):
                tables = None  # replaced whole, as before there were numbers to keep
            self._written = (signature, tables or {})
        return self._written[1]

    def close(self) -> None:
        self._lock.release()

    def __enter__(self) -> MeetingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
