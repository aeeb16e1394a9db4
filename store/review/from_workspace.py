"""Review rows and search from a workspace, opened read-only: no lock, no data file
written, no cleanup (the meeting index may be kept in the cache folder, see ``store/index``).

A file that cannot be read (corrupt, newer schema) is reported and skipped; the rest of
the workspace is still shown.

Everything about the meetings comes from the meeting index: a first load costs one stat
per meeting file and a read of each file that changed; a load after that (a poll's, after
a save) asks the index which files changed (:meth:`MeetingIndex.changed_since`) and
remakes their rows only, putting them in place in the lists it keeps (``_View``): its cost
is that of the meetings saved, and :attr:`ReviewData.changes` says what differs. A
meeting's rows are made again only when its file or its series' title changed. Polls
(:meth:`WorkspaceSource.changed`) look at the meetings folder and the files changed in the
last seconds, and stat every file only every few seconds (``store/index/meetings.py``:
``FULL_PASS_EVERY_S``).

Before the first load, :meth:`WorkspaceSource.preview` reads the newest few hundred meeting
files alone, whatever the state of the index (gone, it takes every file to rebuild): the
first screen lists them while every meeting is read. Search scans what the search index
keeps of each meeting from a file of its own in the cache folder, a chunk at a time
(``store/review/scan.py``), never holding the text of every meeting in memory; what it
reads before its first look is read once the meetings are shown
(:meth:`WorkspaceSource.prepare_search`). The content items, which only the minutes
show, are kept once minutes are asked for.

The review screen calls a source from several worker threads (loads, polls, searches,
minutes); one lock makes them take turns, since they share the index and the caches.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import operator
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from sys import intern
from typing import Any, NamedTuple, TypeVar, cast

import orjson

from tandem.store.collection import Collection
from tandem.store.errors import CorruptFileError, TandemError, ValidationError
from tandem.store.index import Entry
from tandem.store.index.entry import Sig, indexed_parts, meeting_lines, settled, sig_of
from tandem.store.index.shared import SharedFiles
from tandem.store.layout import SHARED_FILES
from tandem.store.minutes.render import Shared, render_minutes
from tandem.store.outside import name_problem
from tandem.store.records import ActionItem, ContentItem, Meeting
from tandem.store.review.model import (
    ActionRow,
    CheckInPoint,
    DecisionRow,
    FeedbackRow,
    MeetingRow,
    ObjectiveRow,
    Preview,
    ReviewChanges,
    ReviewData,
    SearchHit,
    ShadowRow,
    Snippet,
    TakeawayRow,
    with_statuses,
)
from tandem.store.review.scan import ScanSearch
from tandem.store.review.search import SNIPPETS, fold, needles_of, ranked, snippet
from tandem.store.workspace import MeetingRecord, Workspace

T = TypeVar("T")
R = TypeVar("R", ActionRow, FeedbackRow, DecisionRow)


@contextlib.contextmanager
def _bulk() -> Iterator[None]:
    """Python's cycle collector held off while a load makes its objects: none of them form
    cycles, and the collector, woken every few hundred new objects, went through all those
    made so far each time (a third of the first load of 20,000 meetings)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def file_signature(path: Path) -> Sig | None:
    """Changes whenever the file is replaced or rewritten (see ``store/index/entry.py``);
    None when it is gone."""
    try:
        return sig_of(os.stat(path))
    except OSError:
        return None


#: How :func:`shared_lines` names a shadow day's lines.
SHADOW_LINES = ("Shadow day · ", "Experiment · ")


def shared_lines(shared: Shared) -> dict[str, list[tuple[str, str]]]:
    """What a meeting's minutes show of the shared records, by meeting: the takeaways and
    experiment of the shadow days it debriefed, and the comments of check-ins made in it."""
    lines: dict[str, list[tuple[str, str]]] = {}
    for d in shared.shadow_days:
        if d.debriefed_in:
            found = lines.setdefault(d.debriefed_in, [])
            found.extend((f"Shadow day · {d.shadow}", t.text) for t in d.takeaways)
            if d.experiment is not None:
                found.append((f"Experiment · {d.shadow}", d.experiment.text))
    for o in shared.objectives:
        for c in o.checkins:
            if c.meeting_id and c.comment:
                lines.setdefault(c.meeting_id, []).append((f"Check-in · {o.title}", c.comment))
    return lines


def search_lines(record: MeetingRecord, series_title: str, extra: Sequence[tuple[str, str]] = ()) -> Iterator[tuple[str, str]]:
    """Everything of a meeting a participant might search for, as (where, text): the
    meeting's own lines, the series' title after its title, what the shared files say of it."""
    own = meeting_lines(record)
    yield next(own)
    yield "Series", series_title
    yield from own
    yield from _extra_lines(extra, debrief=any(item.captures == "shadow" for item in record.agenda))


def _extra_lines(extra: Sequence[tuple[str, str]], *, debrief: bool) -> Iterator[tuple[str, str]]:
    # Shadow days show in the minutes of a meeting with a shadow-day item only: found there too.
    yield from (line for line in extra if debrief or not line[0].startswith(SHADOW_LINES))


def _kept(lines: Iterator[tuple[str, str]]) -> list[tuple[str, str]]:
    """The lines search keeps: those with text (as ``SearchIndex.put`` keeps them)."""
    return [(where, text) for where, text in lines if text and text.strip()]


#: The meetings the shared files say something of, and the lines they say, folded: the
#: lines searched always, then those searched only in a meeting with a shadow-day item, each
#: as (every meeting's lines joined, where each meeting's start, where they end).
FoldedLines = tuple[list[str], tuple[tuple[str, list[int], list[int]], ...]]


def _folded_extra(extra: dict[str, list[tuple[str, str]]]) -> FoldedLines:
    """What search looks for in the lines the shared files hold of each meeting: each
    meeting's lines joined by line breaks (a term holds none, so a count in the joined text
    is the sum over its lines), every meeting's joined too, so that a term in none of them
    is passed over at one look, and counted in each meeting by one call (in C)."""
    stems = list(extra)
    kinds = []
    for shadow in (False, True):
        begins: list[int] = []
        ends: list[int] = []
        at = 0
        texts = []
        for stem in stems:
            text = "\n".join(fold(t) for where, t in extra[stem] if t.strip() and where.startswith(SHADOW_LINES) == shadow)
            begins.append(at)
            ends.append(at + len(text))
            at += len(text) + 1
            texts.append(text)
        kinds.append(("\n".join(texts), begins, ends))
    return stems, tuple(kinds)


class _Rows(NamedTuple):
    """What review shows of one meeting, and what it was made from. Tuples: most meetings
    have no decisions or lead feedback, and an empty tuple takes no memory (20,000 empty
    lists took 4 MB)."""

    key: tuple[str, str]
    meeting: MeetingRow
    decisions: tuple[DecisionRow, ...]
    actions: tuple[ActionRow, ...]
    feedback: tuple[FeedbackRow, ...]


def _builder(cls: type[T]) -> Callable[..., T]:
    """A function that makes a ``cls`` (a frozen dataclass with slots and no
    ``__post_init__``) from every field, in order, by setting its slots: a frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__``, and a
    20,000-meeting workspace has over a hundred thousand rows, which took twice as long."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    setters = {f"set_{name}": cls.__dict__[name].__set__ for name in names}
    args = ", ".join(names)
    body = [f"def build({args}):", "    row = new(cls)", *(f"    set_{n}(row, {n})" for n in names), "    return row"]
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls, **setters}
    exec("\n".join(body), scope)  # the row class's own field names only, never data
    return cast("Callable[..., T]", scope["build"])


_meeting_row = _builder(MeetingRow)
_decision_row = _builder(DecisionRow)
_action_row = _builder(ActionRow)
_feedback_row = _builder(FeedbackRow)


def _rows(parts: dict[str, Any], series_title: str, key: tuple[str, str]) -> _Rows:
    """A meeting's rows from its indexed parts (``store/index/entry.py``: ``review_part``).

    The codes and names that recur across meetings (owners, statuses, personas, teams)
    are interned: a 20,000-meeting workspace holds each once instead of tens of thousands
    of copies."""
    (mid, title, series, day, facilitator, status, names, *counts, teams), decisions, actions, feedback = parts["review"]
    series, day = intern(series), intern(day)
    row = _meeting_row(
        mid,
        title,
        series,
        series_title,
        day,
        intern(facilitator),
        intern(status),
        tuple(map(intern, names)),
        *counts,
        tuple(map(intern, teams)),
    )
    return _Rows(
        key,
        row,
        tuple([_decision_row(d, text, intern(by), mid, series, day, sup, rev, "active", "", "") for d, text, by, sup, rev in decisions]),
        tuple([_action_row(text, intern(owner), intern(due), intern(st), mid, series, day, intern(closed)) for text, owner, due, st, closed in actions]),
        tuple(
            [
                _feedback_row(mid, day, series, ref, intern(source), intern(persona), intern(stage), intern(verdict), tuple(map(intern, reasons)), intern(lost))
                for ref, source, persona, stage, verdict, reasons, lost in feedback
            ]
        ),
    )


_MEETING_KEY = attrgetter("date", "id")
_MEETING_OF = attrgetter("meeting_id")


class _View:
    """What the last load showed, kept so that the next one is made from the meetings
    that changed: the lists in the order a load gives them, and each meeting's rows."""

    __slots__ = ("actions", "decisions", "feedback", "meetings", "problems", "raw_decisions", "rows")

    def __init__(self) -> None:
        #: The rows of each meeting shown, by file stem.
        self.rows: dict[str, _Rows] = {}
        #: Why a meeting file is left out, by stem.
        self.problems: dict[str, str] = {}
        #: Oldest first, by (date, id): a load shows them newest first.
        self.meetings: list[MeetingRow] = []
        #: In file order (each meeting's rows together): found by bisection on the meeting id.
        self.actions: list[ActionRow] = []
        self.feedback: list[FeedbackRow] = []
        self.raw_decisions: list[DecisionRow] = []
        #: ``raw_decisions`` with their statuses (:func:`with_statuses`).
        self.decisions: list[DecisionRow] = []


def _same(a: list[Any], b: list[Any]) -> bool:
    """Whether two lists hold the same objects (at memory speed: no comparison of rows)."""
    return len(a) == len(b) and all(map(operator.is_, a, b))


def _changes(old: _View, new: _View) -> ReviewChanges:
    """What differs between two loads made each from every meeting."""
    meetings = {
        stem
        for stem in old.rows.keys() | new.rows.keys()
        if (a := old.rows.get(stem)) is not (b := new.rows.get(stem)) and (a is None or b is None or a.meeting != b.meeting)
    }
    pieces = {"meetings"} if meetings or not _same(old.meetings, new.meetings) else set()
    for name in ("actions", "feedback", "decisions"):
        if not _same(getattr(old, name), getattr(new, name)):
            pieces.add(name)
    return ReviewChanges(frozenset(meetings), frozenset(pieces))


def _splice(rows: list[R], stem: str, new: Sequence[R]) -> bool:
    """Put ``new`` in place of the rows of meeting ``stem`` in ``rows`` (in file order);
    whether anything changed."""
    lo = bisect.bisect_left(rows, stem, key=_MEETING_OF)
    hi = bisect.bisect_right(rows, stem, lo=lo, key=_MEETING_OF)
    if rows[lo:hi] == list(new):
        return False
    rows[lo:hi] = new
    return True


class WorkspaceSource:
    def __init__(self, home: Path | str) -> None:
        self.workspace = Workspace(home, read_only=True)
        self.label = str(self.workspace.home)
        #: What search scans, from the cache folder (``store/review/scan.py``).
        self._scan = ScanSearch(self.workspace.home, persist=lambda: self.workspace.index.persist)
        self._series_titles: dict[str, str] = {}
        self._shared: Shared | None = None
        #: Reads the shared files, validating each version of a file once (``store/index/shared.py``).
        self._shared_files = SharedFiles(self.workspace.home)
        #: Signatures of the shared files ``_shared`` was read from.
        self._shared_seen: dict[str, Sig | None] = {}
        #: Shared files that could not be read, by name: one sentence each.
        self._shared_problems: dict[str, str] = {}
        self._extra: dict[str, list[tuple[str, str]]] = {}
        #: The content items, once minutes were asked for (see ``_content_items``).
        self._content: list[ContentItem] | None = None
        #: What the last load showed (None: nothing yet).
        self._view: _View | None = None
        #: The reading of the shared files the last load was made with.
        self._view_shared = -1
        #: The problems the last load reported.
        self._shown_problems: list[str] = []
        #: The meetings' entries as of the last load or search (the files that are shown).
        self._entries: dict[str, Entry] = {}
        #: The index's generation when the rows were last loaded.
        self._loaded: int | None = None
        #: How many times the shared files were read.
        self._shared_read = 0
        #: The objectives' and shadow days' rows, and the reading of the shared files they are of.
        self._shared_made: tuple[int, list[ObjectiveRow], list[ShadowRow]] | None = None
        #: The index's generation and the shared files' reading the search was last brought
        #: in line with (``_entries``, ``_by_series``, ``_folded_titles``, ``_folded_extra``).
        self._searched: tuple[int, int] | None = None
        #: The stems of the meetings shown, by series id; each series' title folded for
        #: search (None: blank, not searched); and the lines of the shared files folded
        #: (see :func:`_folded_extra`).
        self._by_series: dict[str, list[str]] = {}
        self._folded_titles: dict[str, str | None] = {}
        self._folded_extra: FoldedLines = ([], ())
        #: Each meeting with its action items (origins filled in) for the minutes, by stem,
        #: with the digest of the file they came from: made on the first minutes asked for.
        self._for_minutes: dict[str, tuple[str, Meeting, list[ActionItem]]] = {}
        self._lock = threading.RLock()

    # --- change tracking -------------------------------------------------------------

    def _path(self, meeting_id: str) -> Path:
        # Not meeting_path(): a stray file whose name is no meeting id is reported when it
        # is read, and must not stop the rest from loading.
        return self.workspace.meetings_dir / f"{meeting_id}.json"

    def _shared_signatures(self) -> dict[str, Sig | None]:
        return {name: file_signature(self.workspace.home / name) for name in SHARED_FILES}

    def changed(self) -> bool:
        with self._lock:
            if self._loaded is None or self._shared_signatures() != self._shared_seen:
                return True
            index = self.workspace.index
            return index.stale() or index.generation != self._loaded

    # --- loading ---------------------------------------------------------------------

    def _read(self, meeting_id: str) -> MeetingRecord | None:
        """The meeting file read whole, now: for a meeting whose index entry turned out
        unusable. None if it cannot be read any more (the next load says why)."""
        try:
            return self.workspace.read_meeting(meeting_id)
        except (TandemError, OSError):
            return None

    def _problem(self, stem: str, entry: Entry | None) -> str | None:
        """Why the meeting file ``stem`` is left out (one sentence), or None."""
        if entry is None:  # a name that can be no meeting id
            try:
                self.workspace.meeting_path(stem)
            except ValidationError as exc:
                return f"{self._path(stem)} is not named like a meeting file ({exc.message}); it is left out."
            return f"{self._path(stem)} is not named like a meeting file; it is left out."
        if entry.problem is not None:
            return entry.problem
        if entry.meeting_id != stem:
            # A copy (X.bak.json holding meeting X): two rows with one id, and minutes that
            # open the other file.
            return f"{self._path(stem)} holds meeting {entry.meeting_id}, not {stem}; it is left out."
        return None

    def _load_shared(self) -> Shared:
        ws = self.workspace
        shared = Shared()
        collections: tuple[tuple[str, str, Collection[Any]], ...] = (
            ("series.json", "series", ws.series),
            ("objectives.json", "objectives", ws.objectives),
            ("insights.json", "insights", ws.insights),
            ("content.json", "content", ws.content),
            ("shadow_days.json", "shadow_days", ws.shadow_days),
        )
        for name, attr, collection in collections:
            try:
                rows = self._shared_files.all(collection)
            except (TandemError, OSError) as exc:
                problem = exc if isinstance(exc, TandemError) else CorruptFileError(collection.path, (exc.strerror or str(exc)).lower())
                self._shared_problems[name] = str(problem)
                if attr == "content" and self._content is not None:
                    self._content = []  # as the other files: none of its records shown
                continue
            self._shared_problems.pop(name, None)
            if attr == "content":
                # Only the minutes show the content items (10 MB of them with 20,000
                # meetings): read and checked now, so that a damaged file is reported with
                # the others, but kept only once minutes are asked for (_content).
                self._content = rows if self._content is not None else None
                continue
            setattr(shared, attr, {s.id: s for s in rows} if attr == "series" else rows)
        return shared

    def _content_items(self) -> list[ContentItem]:
        """The content items for the minutes: read on the first minutes asked for, and
        again after the file changed (see ``_load_shared``)."""
        if self._content is None:
            try:
                self._content = self._shared_files.all(self.workspace.content)
            except (TandemError, OSError):
                self._content = []  # reported by the load, as a problem of content.json
        return self._content

    def _fresh_shared(self) -> Shared:
        """The shared records as they are on disk now, read again when a file changed (or
        changed in the last seconds, when its signature alone cannot tell): a series
        renamed or an objective checked in shows at once."""
        sigs = self._shared_signatures()
        now = time.time_ns()
        if self._shared is None or sigs != self._shared_seen or not all(sig is None or settled(sig, now) for sig in sigs.values()):
            self._shared = self._load_shared()
            self._shared_read += 1
            self._series_titles = {sid: s.title for sid, s in self._shared.series.items()}
            self._extra = shared_lines(self._shared)
            self._shared_seen = sigs
        return self._shared

    def load(self) -> ReviewData:
        with self._lock, _bulk():
            return self._load()

    def preview(self, limit: int) -> Preview | None:
        """The newest meetings by file name (meeting ids start with their date), about
        ``limit`` of them, read from their files: a few hundred files, read in a fraction of
        a second whatever the size of the workspace or the state of its index, while the
        first load stats (and, with the index gone, reads) every file. None once loaded, or
        when there are no more files than ``limit``.

        A meeting moved to another day than its id's stays where its id puts it: the full
        load, which follows, puts it in its place. A file that cannot be read is left out
        (the full load says why)."""
        with self._lock:
            if self._view is not None:
                return None
            try:
                with os.scandir(self.workspace.meetings_dir) as found:
                    stems = sorted((e.name[:-5] for e in found if e.name.endswith(".json") and not e.name.startswith(".")), reverse=True)
            except OSError:
                return None
            if len(stems) <= limit:
                return None
            try:
                series = self._shared_files.all(self.workspace.series)
            except (TandemError, OSError):
                series = []  # the full load says why; meanwhile, series by id
            titles = {s.id: s.title for s in series}
            rows: list[MeetingRow] = []
            with _bulk():
                for stem in stems:
                    if len(rows) == limit:
                        break
                    if name_problem(stem) is not None:
                        continue
                    record = self._read(stem)
                    if record is None or record.meeting.id != stem:
                        continue
                    title = titles.get(record.meeting.series_id, record.meeting.series_id)
                    rows.append(_rows(indexed_parts(record), title, ("", title)).meeting)
            rows.sort(key=_MEETING_KEY, reverse=True)
            return Preview(rows, len(stems))

    def _load(self) -> ReviewData:
        ws, index = self.workspace, self.workspace.index
        view, since = self._view, None
        if view is not None and self._loaded is not None and ws.refresh_meeting_index(every_file=False):
            since = index.changed_since(self._loaded)
        entries = ws.meeting_entries(every_file=False) if since is None else None
        loaded = index.generation
        shared = self._fresh_shared()
        objectives, shadow_days = self._shared_rows(shared)
        shared_read = self._view_shared != self._shared_read
        if view is None or entries is not None or shared_read:
            # A first load, one too far behind, or the series' titles may have changed:
            # every meeting looked at (its rows made again only if its file or title changed).
            made = self._view_of(entries if entries is not None else index.entries())
            changes = None if view is None else _changes(view, made)
            view = made
        else:
            assert since is not None
            changes = self._update(view, since)
        self._view = view
        self._view_shared = self._shared_read
        self._loaded = loaded
        problems = sorted({**self._shared_problems, **view.problems}.values())
        if changes is not None:
            more = {"objectives", "shadow_days"} if shared_read else set()
            if problems != self._shown_problems:
                more.add("problems")
            changes = ReviewChanges(changes.meetings, changes.pieces | more)
        self._shown_problems = problems
        # Copies (made at memory speed): a screen may sort or filter what it is given.
        return ReviewData(
            meetings=view.meetings[::-1],
            actions=list(view.actions),
            objectives=list(objectives),
            feedback=list(view.feedback),
            shadow_days=list(shadow_days),
            decisions=list(view.decisions),
            problems=list(problems),
            changes=changes,
        )

    def _made(self, stem: str, entry: Entry | None, old: _Rows | None) -> tuple[_Rows | None, str | None]:
        """The rows of meeting file ``stem`` (``old`` if its file and series' title are as they
        were), or why it is left out."""
        problem = self._problem(stem, entry)
        if problem is not None:
            return None, problem
        assert entry is not None
        title = self._series_titles.get(entry.series_id, entry.series_id)
        key = (entry.digest, title)
        if old is not None and old.key == key:
            return old, None
        return self._made_rows(entry, title, key), None

    def _view_of(self, entries: list[tuple[str, Entry | None]]) -> _View:
        """Every meeting's rows, reusing those of the last load whose file and title did not change."""
        old = self._view.rows if self._view is not None else {}
        view = _View()
        shown: dict[str, Entry] = {}
        for stem, entry in entries:
            found, problem = self._made(stem, entry, old.get(stem))
            if problem is not None:
                view.problems[stem] = problem
            if found is None:
                continue
            assert entry is not None
            view.rows[stem] = found
            shown[stem] = entry
            view.actions.extend(found.actions)
            view.feedback.extend(found.feedback)
            view.raw_decisions.extend(found.decisions)
        view.meetings = sorted((r.meeting for r in view.rows.values()), key=_MEETING_KEY)
        held = self._view
        # A reload after a save that left every decision as it was: their statuses too.
        same = held is not None and _same(held.raw_decisions, view.raw_decisions)
        view.decisions = held.decisions if same and held is not None else with_statuses(view.raw_decisions)
        self._entries = shown
        return view

    def _update(self, view: _View, stems: set[str]) -> ReviewChanges:
        """``view`` brought in line with the meeting files ``stems`` (those that changed since
        it was made): the cost of a load after a save is that of the meetings saved."""
        index = self.workspace.index
        meetings: set[str] = set()
        pieces: set[str] = set()
        for stem in sorted(stems):
            listed, entry = index.entry(stem)
            old = view.rows.get(stem)
            found, problem = self._made(stem, entry, old) if listed else (None, None)
            if problem is None:
                view.problems.pop(stem, None)
            else:
                view.problems[stem] = problem
            if found is old:
                if found is not None and entry is not None:
                    self._entries[stem] = entry
                continue
            before = old.meeting if old is not None else None
            after = found.meeting if found is not None else None
            if before != after:
                meetings.add(before.id if before is not None else after.id if after is not None else stem)
                pieces.add("meetings")
                if before is not None:
                    at = bisect.bisect_left(view.meetings, _MEETING_KEY(before), key=_MEETING_KEY)
                    del view.meetings[at]
                if after is not None:
                    bisect.insort(view.meetings, after, key=_MEETING_KEY)
            if _splice(view.actions, stem, found.actions if found is not None else ()):
                pieces.add("actions")
            if _splice(view.feedback, stem, found.feedback if found is not None else ()):
                pieces.add("feedback")
            if _splice(view.raw_decisions, stem, found.decisions if found is not None else ()):
                pieces.add("decisions")
            if found is None:
                view.rows.pop(stem, None)
                self._entries.pop(stem, None)
            else:
                assert entry is not None
                view.rows[stem] = found
                self._entries[stem] = entry
        if "decisions" in pieces:
            view.decisions = with_statuses(view.raw_decisions)
        return ReviewChanges(frozenset(meetings), frozenset(pieces))

    def _shared_rows(self, shared: Shared) -> tuple[list[ObjectiveRow], list[ShadowRow]]:
        """The objectives' and shadow days' rows, made again only when a shared file was read."""
        if self._shared_made is not None and self._shared_made[0] == self._shared_read:
            return list(self._shared_made[1]), list(self._shared_made[2])
        objectives = [
            ObjectiveRow(
                o.title,
                o.metric,
                o.unit,
                o.target,
                o.owner_team,
                o.status,
                tuple(CheckInPoint(c.date, c.value, c.status, c.comment) for c in sorted(o.checkins, key=lambda c: c.date)),
            )
            for o in shared.objectives
        ]
        shadow_days = sorted(
            (
                ShadowRow(
                    d.date,
                    d.shadow,
                    d.host,
                    d.direction,
                    d.status,
                    tuple(TakeawayRow(t.category, t.text) for t in d.takeaways),
                    d.experiment.text if d.experiment else "",
                    d.experiment.owner if d.experiment else "",
                    d.debriefed_in,
                )
                for d in shared.shadow_days
            ),
            key=lambda d: d.date,
            reverse=True,
        )
        self._shared_made = self._shared_read, objectives, shadow_days
        return list(objectives), list(shadow_days)

    def _made_rows(self, entry: Entry, title: str, key: tuple[str, str]) -> _Rows | None:
        found = self.workspace.index.use(entry, lambda parts: _rows(parts, title, key), ("review",))
        if found is None:  # the index entry was damaged: from the file itself
            record = self._read(entry.stem)
            if record is None or record.meeting.id != entry.stem:
                return None
            found = _rows(indexed_parts(record), title, key)
        return found

    # --- minutes and search ----------------------------------------------------------

    def _shared_for_minutes(self) -> Shared:
        """The shared records, with every meeting shown and its action items (the minutes'
        neighbours and action review), kept per meeting file until it changes."""
        shared = self._fresh_shared()
        index = self.workspace.index
        meetings: list[Meeting] = []
        actions: list[ActionItem] = []
        held: dict[str, tuple[str, Meeting, list[ActionItem]]] = {}
        for stem, entry in self._entries.items():
            found = self._for_minutes.get(stem)
            if found is None or found[0] != entry.digest:
                made = index.use(
                    entry, lambda parts: (Meeting.trusted(parts["meeting"]), [ActionItem.trusted(a) for a in parts["actions"]]), ("meeting", "actions")
                )
                if made is None:
                    record = self._read(stem)
                    if record is None:
                        continue
                    made = record.meeting, record.actions
                meeting, raised = made
                found = entry.digest, meeting, [a if a.meeting_id else a.replace(meeting_id=meeting.id) for a in raised]
            held[stem] = found
            meetings.append(found[1])
            actions.extend(found[2])
        self._for_minutes = held
        meetings.sort(key=lambda m: (m.date, m.id))
        return Shared(
            series=shared.series,
            objectives=shared.objectives,
            insights=shared.insights,
            content=self._content_items(),
            shadow_days=shared.shadow_days,
            meetings=meetings,
            actions=actions,
        )

    def minutes(self, meeting_id: str) -> str:
        with self._lock:
            return render_minutes(self.workspace.read_meeting(meeting_id), self._shared_for_minutes())

    def _refresh_search(self) -> None:
        """The meetings shown as they are on disk now, with what search adds to their own
        text: their series' titles, and what the shared files say of them."""
        index = self.workspace.index
        entries = self.workspace.meeting_entries(every_file=False) if self._loaded is None or index.stale() else None
        self._fresh_shared()
        key = (index.generation, self._shared_read)
        if entries is None and self._searched == key:
            return  # nothing changed since the last search: nothing to look at
        entries = index.entries() if entries is None else entries
        shown = {stem: entry for stem, entry in entries if entry is not None and self._problem(stem, entry) is None}
        by_series: dict[str, list[str]] = {}
        for stem, entry in shown.items():
            by_series.setdefault(entry.series_id, []).append(stem)
        titles = self._series_titles
        self._folded_titles = {sid: fold(title) if title and title.strip() else None for sid in by_series for title in (titles.get(sid, sid),)}
        if self._searched is None or self._searched[1] != self._shared_read:
            self._folded_extra = _folded_extra(self._extra)
        self._entries = shown
        self._by_series = by_series
        self._searched = key

    def _snippets(self, stems: list[str], needles: list[str]) -> dict[str, tuple[Snippet, ...]]:
        """The snippets of a search's hits: the first lines holding a term, in the order
        the minutes show them (the title, the series' title, the other lines, what the
        shared files say of the meeting). The lines are picked on the folded text search
        scanned (its lines are the meeting's, one for one), and only those shown are
        folded again, to cut them around their match."""
        out: dict[str, tuple[Snippet, ...]] = {}
        for stem, (debrief, text, raw) in self._scan.docs(stems, self._entries, self.workspace.index.search_parts).items():
            try:
                own = orjson.loads(raw)
                folded = text.decode().split("\n") if text else []
                if len(folded) != len(own):
                    raise ValueError("the lines are not those of the text")
                series_id = self._entries[stem].series_id
                title = self._series_titles.get(series_id, series_id)
                series = [(("Series", title), self._folded_titles.get(series_id))] if title and title.strip() else []
                tail = _kept(_extra_lines(self._extra.get(stem, ()), debrief=debrief))
                lines = [*zip(own[:1], folded[:1], strict=True), *series, *zip(own[1:], folded[1:], strict=True), *((line, fold(line[1])) for line in tail)]
                picked = []
                for (where, line), seen in lines:
                    if seen is not None and any(n in seen for n in needles):
                        picked.append(Snippet(where, snippet(line, needles)))
                        if len(picked) == SNIPPETS:
                            break
                out[stem] = tuple(picked)
            except (ValueError, TypeError, AttributeError, orjson.JSONDecodeError):
                out[stem] = ()  # the search index damaged: a hit without snippets
        return out

    def prepare_search(self) -> None:
        """What the first search reads before it can look (the scan file's table, the lines
        of the shared files folded), read now: review asks for it once the meetings are
        shown, so that the first search takes no longer than the others."""
        with self._lock, _bulk():
            self._refresh_search()
            assert self._searched is not None
            self._scan.sync(self._searched[0], self._entries, self.workspace.index.search_parts)

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        needles = needles_of(query)
        if not needles:
            return []
        with self._lock, _bulk():
            self._refresh_search()
            shown = self._entries
            assert self._searched is not None
            version, parts = self._searched[0], self.workspace.index.search_parts
            self._scan.sync(version, shown, parts)  # whether each meeting debriefs shadow days
            # Besides its own text (from the scan), a meeting's series' title and the lines
            # the shared files hold of it are searched: every term must be in one of them.
            elsewhere: list[dict[str, int]] = []
            extra_stems, extra_texts = self._folded_extra
            for needle in needles:
                counts: dict[str, int] = {}
                for series_id, title in self._folded_titles.items():
                    if title is not None and (n := title.count(needle)):
                        counts.update(dict.fromkeys(self._by_series.get(series_id, ()), n))
                for shadow, (text, begins, ends) in enumerate(extra_texts):
                    if needle in text:
                        for stem, n in zip(extra_stems, map(text.count, repeat(needle), begins, ends), strict=True):
                            if n and stem in shown and (not shadow or self._scan.debrief(stem)):
                                counts[stem] = counts.get(stem, 0) + n
                elsewhere.append(counts)
            found = self._scan.matches(version, shown, parts, [n.encode() for n in needles], elsewhere)
            totals = found
            for other in elsewhere:
                for stem, n in other.items():
                    if stem in totals:
                        totals[stem] += n
            best = ranked(totals.items(), limit)
            snippets = self._snippets([stem for stem, _ in best], needles)
            return [SearchHit(stem, matches, snippets.get(stem, ())) for stem, matches in best]
