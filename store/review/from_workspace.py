"""Review rows and search from a workspace, opened read-only: no lock, no write, no cleanup.

A file that cannot be read (corrupt, newer schema) is reported and skipped; the rest of
the workspace is still shown.

The review screen calls a source from several worker threads (loads, polls, searches,
minutes); one lock makes them take turns, since they share the index and the caches.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from tandem.store.errors import CorruptFileError, NotFoundError, TandemError, ValidationError
from tandem.store.layout import SHARED_FILES
from tandem.store.minutes.render import Shared, planned_minutes, render_minutes
from tandem.store.records import Meeting, label
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
from tandem.store.review.search import SearchIndex
from tandem.store.workspace import MeetingRecord, Workspace


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """Changes whenever the file is replaced or rewritten; None when it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


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
    """Everything of a meeting a participant might search for, as (where, text)."""
    m = record.meeting
    yield "Title", m.title
    yield "Series", series_title
    yield "Facilitator", m.facilitator
    yield "Attendees", ", ".join(a.name for a in (*m.attendees, *m.absentees))
    if m.rating_comment:
        yield "Feedback on the meeting", m.rating_comment
    for n, item in enumerate(record.agenda, start=1):
        where = f"{n}. {item.title}"
        yield "Agenda", where
        for line in item.notes.splitlines():
            yield f"Notes · {where}", line
    for d in record.decisions:
        yield "Decision", f"{d.text} ({d.decided_by})" if d.decided_by else d.text
    for a in record.actions:
        yield "Action item", f"{a.text} — {a.owner}" if a.owner else a.text
    for f in record.lead_feedback:
        reasons = ", ".join(label(r) for r in f.reasons)
        parts = (f.reference, f.source, f.persona, label(f.verdict), reasons, f.comment, f.reporter)
        yield "Lead feedback", " · ".join(p for p in parts if p)
    for p in record.parking_lot:
        yield "Parking lot", p.text
    # Shadow days show in the minutes of a meeting with a shadow-day item only: found there too.
    debrief = any(item.captures == "shadow" for item in record.agenda)
    yield from (line for line in extra if debrief or not line[0].startswith(SHADOW_LINES))


class WorkspaceSource:
    def __init__(self, home: Path | str) -> None:
        self.workspace = Workspace(home, read_only=True)
        self.label = str(self.workspace.home)
        self._index = SearchIndex()
        self._series_titles: dict[str, str] = {}
        self._shared: Shared | None = None
        self._seen: dict[str, object] = {}
        self._problems: dict[str, str] = {}
        #: Signatures of the shared files ``_shared`` was read from.
        self._shared_seen: dict[str, object] = {}
        self._lock = threading.RLock()

    # --- change tracking -------------------------------------------------------------

    def _path(self, meeting_id: str) -> Path:
        # Not meeting_path(): a stray file whose name is no meeting id is reported when it
        # is read, and must not stop the rest from loading.
        return self.workspace.meetings_dir / f"{meeting_id}.json"

    def _shared_signatures(self) -> dict[str, object]:
        return {name: file_signature(self.workspace.home / name) for name in SHARED_FILES}

    def _signatures(self) -> dict[str, object]:
        sigs = self._shared_signatures()
        for meeting_id in self.workspace.meeting_ids():
            sigs[meeting_id] = file_signature(self._path(meeting_id))
        return sigs

    def changed(self) -> bool:
        with self._lock:
            return self._signatures() != self._seen

    # --- loading ---------------------------------------------------------------------

    def _read(self, meeting_id: str) -> MeetingRecord | None:
        path = self._path(meeting_id)
        try:
            record = self.workspace.read_meeting(meeting_id)
        except NotFoundError:  # deleted since the folder was listed: gone, not broken
            self._problems.pop(meeting_id, None)
            return None
        except ValidationError as exc:
            self._problems[meeting_id] = f"{path} is not named like a meeting file ({exc.message}); it is left out."
            return None
        except TandemError as exc:
            self._problems[meeting_id] = str(exc)
            return None
        except OSError as exc:
            self._problems[meeting_id] = str(CorruptFileError(path, (exc.strerror or str(exc)).lower()))
            return None
        if record.meeting.id != meeting_id:
            # A copy (X.bak.json holding meeting X): two rows with one id, and minutes that
            # open the other file.
            self._problems[meeting_id] = f"{path} holds meeting {record.meeting.id}, not {meeting_id}; it is left out."
            return None
        self._problems.pop(meeting_id, None)
        return record

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
                self._problems[name] = str(exc)
                continue
            except OSError as exc:
                self._problems[name] = str(CorruptFileError(collection.path, (exc.strerror or str(exc)).lower()))
                continue
            self._problems.pop(name, None)
            setattr(shared, attr, {s.id: s for s in rows} if attr == "series" else rows)
        return shared

    def load(self) -> ReviewData:
        with self._lock:
            return self._load()

    def _load(self) -> ReviewData:
        sigs = self._signatures()
        shared = self._load_shared()
        titles = {sid: s.title for sid, s in shared.series.items()}
        # A meeting is indexed again when its file or a shared file it shows changes.
        shared_key = tuple(sigs[name] for name in SHARED_FILES)
        extra = shared_lines(shared)
        data = ReviewData()
        meetings: list[Meeting] = []
        for meeting_id in self.workspace.meeting_ids():
            record = self._read(meeting_id)
            if record is None:
                self._index.remove(meeting_id)
                continue
            m = record.meeting
            meetings.append(m)
            series_title = titles.get(m.series_id, m.series_id)
            self._index.put(meeting_id, (sigs.get(meeting_id), titles, shared_key), search_lines(record, series_title, extra.get(meeting_id, [])))
            data.meetings.append(
                MeetingRow(
                    id=m.id,
                    title=m.title,
                    series=m.series_id,
                    series_title=series_title,
                    date=m.date,
                    facilitator=m.facilitator,
                    status=m.status,
                    attendees=tuple(a.name for a in m.attendees),
                    agenda_items=len(record.agenda),
                    decisions=len(record.decisions),
                    actions=len(record.actions),
                    feedback=len(record.lead_feedback),
                    rating=m.rating,
                    planned_min=planned_minutes(m, record.agenda),
                    # The agenda's time, as the minutes' total shows it.
                    actual_min=round(sum(i.elapsed_s for i in record.agenda) / 60) if m.held else None,
                    items_done=sum(i.status == "done" for i in record.agenda),
                    items_skipped=sum(i.status == "skipped" for i in record.agenda),
                    items_parked=sum(i.status == "parked" for i in record.agenda),
                    teams_present=tuple(a.team for a in m.attendees),
                )
            )
            data.decisions.extend(DecisionRow(d.id, d.text, d.decided_by, m.id, m.series_id, m.date, d.supersedes, d.reverses) for d in record.decisions)
            data.actions.extend(ActionRow(a.text, a.owner, a.due, a.status, m.id, m.series_id, m.date, a.closed_on) for a in record.actions)
            # The minutes' action review needs every meeting's actions, origin filled in.
            shared.actions.extend(a if a.meeting_id else a.replace(meeting_id=m.id) for a in record.actions)
            data.feedback.extend(
                FeedbackRow(
                    m.id,
                    m.date,
                    m.series_id,
                    f.reference,
                    f.source,
                    f.persona,
                    f.stage_reached,
                    f.verdict,
                    tuple(f.reasons),
                    f.stage_lost,
                )
                for f in record.lead_feedback
            )
        for gone in set(self._index.ids()) - {m.id for m in meetings}:
            self._index.remove(gone)
        meetings.sort(key=lambda m: (m.date, m.id))
        shared.meetings = meetings
        data.meetings.sort(key=lambda r: (r.date, r.id), reverse=True)
        data.objectives = [
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
        data.shadow_days = sorted(
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
        # Files deleted since they were reported are no problem any more.
        for name in set(self._problems) - set(sigs):
            del self._problems[name]
        data.decisions = with_statuses(data.decisions)
        data.problems = sorted(self._problems.values())
        self._series_titles = titles
        self._shared = shared
        self._shared_seen = {name: sigs[name] for name in SHARED_FILES}
        self._seen = sigs
        return data

    # --- minutes and search ----------------------------------------------------------

    def _fresh_shared(self) -> Shared:
        """The shared records as they are on disk now (read again only if a file changed):
        a series renamed or an objective checked in since the last load shows at once."""
        sigs = self._shared_signatures()
        if self._shared is None or sigs != self._shared_seen:
            meetings = self._shared.meetings if self._shared is not None else []
            self._shared = self._load_shared()
            self._shared.meetings = meetings
            self._series_titles = {sid: s.title for sid, s in self._shared.series.items()}
            self._shared_seen = sigs
        return self._shared

    def minutes(self, meeting_id: str) -> str:
        with self._lock:
            return render_minutes(self.workspace.read_meeting(meeting_id), self._fresh_shared())

    def _refresh_index(self) -> None:
        """Re-index the meetings whose files changed since they were indexed."""
        shared = self._fresh_shared()
        shared_key = tuple(self._shared_seen[name] for name in SHARED_FILES)
        extra: dict[str, list[tuple[str, str]]] | None = None
        sigs = self._signatures()
        for meeting_id, sig in sigs.items():
            if meeting_id in SHARED_FILES:
                continue
            if self._index.signature(meeting_id) != (sig, self._series_titles, shared_key):
                record = self._read(meeting_id)
                if record is None:
                    self._index.remove(meeting_id)
                    continue
                title = self._series_titles.get(record.meeting.series_id, record.meeting.series_id)
                extra = shared_lines(shared) if extra is None else extra
                self._index.put(meeting_id, (sig, self._series_titles, shared_key), search_lines(record, title, extra.get(meeting_id, [])))
        for gone in set(self._index.ids()) - set(sigs):
            self._index.remove(gone)

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        with self._lock:
            self._refresh_index()
            return self._index.search(query, limit)
