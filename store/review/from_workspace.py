"""Review rows and search from a workspace, opened read-only: no lock, no data file
written, no cleanup (the meeting index may be kept in the cache folder, see ``store/index``).

A file that cannot be read (corrupt, newer schema) is reported and skipped; the rest of
the workspace is still shown.

Everything about the meetings comes from the meeting index: a load costs one stat per
meeting file and a read of each file that changed, and a meeting's rows are made again
only when its file or its series' title changed. The search lines are read on the first
search, not before the first screen. Polls (:meth:`WorkspaceSource.changed`) look at the
meetings folder and the files changed in the last seconds, and stat every file only every
few seconds (``store/index/meetings.py``: ``FULL_PASS_EVERY_S``).

The review screen calls a source from several worker threads (loads, polls, searches,
minutes); one lock makes them take turns, since they share the index and the caches.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from tandem.store.errors import CorruptFileError, TandemError, ValidationError
from tandem.store.index import Entry
from tandem.store.index.entry import Sig, indexed_parts, meeting_lines, planned_min, settled, sig_of
from tandem.store.layout import SHARED_FILES
from tandem.store.minutes.render import Shared, render_minutes
from tandem.store.records import HELD_STATUSES, ActionItem, Meeting
from tandem.store.review.model import (
    ActionRow,
    CheckInPoint,
    DecisionRow,
    FeedbackRow,
    MeetingRow,
    ObjectiveRow,
    ReviewData,
    SearchHit,
    ShadowRow,
    TakeawayRow,
    with_statuses,
)
from tandem.store.review.search import SearchIndex, fold
from tandem.store.workspace import MeetingRecord, Workspace


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
    """The lines search keeps: those with text (see ``SearchIndex.put``)."""
    return [(where, text) for where, text in lines if text and text.strip()]


class _Indexed(NamedTuple):
    """What a meeting was indexed for search from (its signature in the search index), and
    the lines review adds to its own: the series' title (after the meeting's title), and
    what the shared files say of it (at the end)."""

    key: tuple[str, str, tuple[tuple[str, str], ...]]
    series: list[tuple[str, str]]
    tail: list[tuple[str, str]]


class _Rows(NamedTuple):
    """What review shows of one meeting, and what it was made from."""

    key: tuple[str, str]
    meeting: MeetingRow
    decisions: list[DecisionRow]
    actions: list[ActionRow]
    feedback: list[FeedbackRow]


def _rows(parts: dict[str, Any], series_title: str, key: tuple[str, str]) -> _Rows:
    """A meeting's rows from its indexed parts (``store/index/entry.py``: ``indexed_parts``)."""
    m, agenda = parts["meeting"], parts["summary"]
    mid, series, day = m["id"], m["series_id"], m["date"]
    held = m["status"] in HELD_STATUSES
    row = MeetingRow(
        id=mid,
        title=m["title"],
        series=series,
        series_title=series_title,
        date=day,
        facilitator=m["facilitator"],
        status=m["status"],
        attendees=tuple(a["name"] for a in m["attendees"]),
        agenda_items=agenda["items"],
        decisions=len(parts["decisions"]),
        actions=len(parts["actions"]),
        feedback=len(parts["lead_feedback"]),
        rating=m["rating"],
        planned_min=planned_min(m, agenda),
        # The agenda's time, as the minutes' total shows it.
        actual_min=round(agenda["elapsed_s"] / 60) if held else None,
        items_done=agenda["done"],
        items_skipped=agenda["skipped"],
        items_parked=agenda["parked"],
        teams_present=tuple(a["team"] for a in m["attendees"]),
    )
    return _Rows(
        key,
        row,
        [DecisionRow(d["id"], d["text"], d["decided_by"], mid, series, day, d["supersedes"], d["reverses"]) for d in parts["decisions"]],
        [ActionRow(a["text"], a["owner"], a["due"], a["status"], mid, series, day, a["closed_on"]) for a in parts["actions"]],
        [
            FeedbackRow(mid, day, series, f["reference"], f["source"], f["persona"], f["stage_reached"], f["verdict"], tuple(f["reasons"]), f["stage_lost"])
            for f in parts["lead_feedback"]
        ],
    )


class WorkspaceSource:
    def __init__(self, home: Path | str) -> None:
        self.workspace = Workspace(home, read_only=True)
        self.label = str(self.workspace.home)
        self._search = SearchIndex(self._fetch_lines)
        self._series_titles: dict[str, str] = {}
        self._shared: Shared | None = None
        #: Signatures of the shared files ``_shared`` was read from.
        self._shared_seen: dict[str, Sig | None] = {}
        #: Shared files that could not be read, by name: one sentence each.
        self._shared_problems: dict[str, str] = {}
        self._extra: dict[str, list[tuple[str, str]]] = {}
        #: The rows of each meeting last shown, by file stem.
        self._rows: dict[str, _Rows] = {}
        #: The meetings' entries as of the last load or search (the files that are shown).
        self._entries: dict[str, Entry] = {}
        #: The index's generation when the rows were last loaded.
        self._loaded: int | None = None
        #: How many times the shared files were read.
        self._shared_read = 0
        #: The objectives' and shadow days' rows, and the reading of the shared files they are of.
        self._shared_made: tuple[int, list[ObjectiveRow], list[ShadowRow]] | None = None
        #: The decisions with their statuses, and the meetings' decision rows they are of.
        self._decisions: tuple[list[list[DecisionRow]], list[DecisionRow]] | None = None
        #: The index's generation and the shared files' reading the search index is of.
        self._searched: tuple[int, int] | None = None
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
        for name, attr, collection in (
            ("series.json", "series", ws.series),
            ("objectives.json", "objectives", ws.objectives),
            ("insights.json", "insights", ws.insights),
            ("content.json", "content", ws.content),
            ("shadow_days.json", "shadow_days", ws.shadow_days),
        ):
            try:
                rows = collection.all()
            except TandemError as exc:
                self._shared_problems[name] = str(exc)
                continue
            except OSError as exc:
                self._shared_problems[name] = str(CorruptFileError(collection.path, (exc.strerror or str(exc)).lower()))
                continue
            self._shared_problems.pop(name, None)
            setattr(shared, attr, {s.id: s for s in rows} if attr == "series" else rows)
        return shared

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
        with self._lock:
            return self._load()

    def _load(self) -> ReviewData:
        entries = self.workspace.meeting_entries(every_file=False)
        loaded = self.workspace.index.generation
        shared = self._fresh_shared()
        titles = self._series_titles
        data = ReviewData()
        problems = dict(self._shared_problems)
        rows: dict[str, _Rows] = {}
        shown: dict[str, Entry] = {}
        for stem, entry in entries:
            problem = self._problem(stem, entry)
            if problem is not None:
                problems[stem] = problem
                continue
            assert entry is not None
            title = titles.get(entry.series_id, entry.series_id)
            key = (entry.digest, title)
            found = self._rows.get(stem)
            if found is None or found.key != key:
                found = self._made_rows(entry, title, key)
                if found is None:
                    continue
            rows[stem] = found
            shown[stem] = entry
            data.decisions.extend(found.decisions)
            data.actions.extend(found.actions)
            data.feedback.extend(found.feedback)
        data.meetings = sorted((r.meeting for r in rows.values()), key=lambda r: (r.date, r.id), reverse=True)
        data.objectives, data.shadow_days = self._shared_rows(shared)
        # A poll's reload after a save: the decisions are those of last time, statuses too.
        decisions_of = [found.decisions for found in rows.values() if found.decisions]
        held = self._decisions
        if held is None or len(held[0]) != len(decisions_of) or any(a is not b for a, b in zip(held[0], decisions_of, strict=True)):
            held = self._decisions = decisions_of, with_statuses(data.decisions)
        data.decisions = list(held[1])
        data.problems = sorted(problems.values())
        self._rows = rows
        self._entries = shown
        self._loaded = loaded
        return data

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
        found = self.workspace.index.use(entry, lambda parts: _rows(parts, title, key))
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
            content=shared.content,
            shadow_days=shared.shadow_days,
            meetings=meetings,
            actions=actions,
        )

    def minutes(self, meeting_id: str) -> str:
        with self._lock:
            return render_minutes(self.workspace.read_meeting(meeting_id), self._shared_for_minutes())

    def _refresh_index(self) -> None:
        """Re-index the meetings whose files (or series' titles, or lines in the shared
        files) changed since they were indexed; search what is on disk now."""
        index = self.workspace.index
        entries = self.workspace.meeting_entries(every_file=False) if self._loaded is None or index.stale() else None
        self._fresh_shared()
        if entries is None and self._searched == (index.generation, self._shared_read):
            return  # nothing changed since the last search: nothing to look at
        entries = index.entries() if entries is None else entries
        titles = self._series_titles
        shown: dict[str, Entry] = {}
        wanted: list[Entry] = []
        for stem, entry in entries:
            if entry is None or self._problem(stem, entry) is not None:
                continue
            shown[stem] = entry
            signature = self._search.signature(stem)
            if not isinstance(signature, _Indexed) or signature.key != (
                entry.digest,
                titles.get(entry.series_id, entry.series_id),
                tuple(self._extra.get(stem, ())),
            ):
                wanted.append(entry)
        for entry, text in index.search_texts(wanted):
            title = titles.get(entry.series_id, entry.series_id)
            extra = tuple(self._extra.get(entry.stem, ()))
            series = [("Series", title)] if title and title.strip() else []
            tail = _kept(_extra_lines(extra, debrief=text.debrief))
            folded = text.text(fold(title) if series else None, (fold(t) for _, t in tail))
            self._search.put_text(entry.stem, _Indexed((entry.digest, title, extra), series, tail), folded)
        for gone in set(self._search.ids()) - shown.keys():
            self._search.remove(gone)
        self._entries = shown
        self._searched = (index.generation, self._shared_read)

    def _fetch_lines(self, stems: list[str]) -> dict[str, Sequence[tuple[str, str]]]:
        """The lines of meetings among a search's hits, as they were indexed."""
        entries = [self._entries[stem] for stem in stems if stem in self._entries]
        out: dict[str, Sequence[tuple[str, str]]] = {}
        for stem, own in self.workspace.index.search_lines(entries).items():
            indexed = self._search.signature(stem)
            if isinstance(indexed, _Indexed):
                out[stem] = [*own[:1], *indexed.series, *own[1:], *indexed.tail]
        return out

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        with self._lock:
            self._refresh_index()
            return self._search.search(query, limit)
