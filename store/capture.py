"""Records captured during a live meeting: save, edit, delete, and undo within the session.

Records of the meeting itself (lead feedback, decisions, action items) live in the meeting
file and go through the live session's saver. Objectives, prospect insights and content
items outlive meetings and live in shared files; they are written straight away, each in
one short locked write (callers run these from a worker thread).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.store.errors import TandemError
from tandem.store.kinds import KIND_OF, MEETING_TABLES, SHARED, TITLES, Captured, describe
from tandem.store.live import LiveSession
from tandem.store.records import (
    ActionItem,
    CheckIn,
    ContentItem,
    Decision,
    LeadFeedback,
    Objective,
    ProspectInsight,
    Record,
)


@dataclass(frozen=True)
class _Undo:
    kind: str
    before: Any  # the record as it was, or None if the change created it
    record_id: str


class Capture:
    """Capture and edit records for one live session, with an undo stack."""

    def __init__(self, session: LiveSession) -> None:
        self.session = session
        self.workspace = session.workspace
        self._undo: list[_Undo] = []

    # --- reading ------------------------------------------------------------------------

    def _meeting_rows(self, kind: str) -> list[Any]:
        rows: list[Any] = getattr(self.session.record, MEETING_TABLES[kind])
        return rows

    def _collection(self, kind: str) -> Any:
        return getattr(self.workspace, SHARED[kind])

    def under(self, agenda_item_id: str) -> list[Captured]:
        """Everything captured under one agenda item, meeting records first."""
        meeting_id = self.session.meeting.id
        out = [
            Captured(kind, record, describe(kind, record))
            for kind in MEETING_TABLES
            for record in self._meeting_rows(kind)
            if record.agenda_item_id == agenda_item_id
        ]
        for insight in self.workspace.insights.all():
            if insight.meeting_id == meeting_id and insight.agenda_item_id == agenda_item_id:
                out.append(Captured("insight", insight, describe("insight", insight)))
        for item in self.workspace.content.all():
            if item.meeting_id == meeting_id and item.agenda_item_id == agenda_item_id:
                out.append(Captured("content", item, describe("content", item)))
        for objective in self.workspace.objectives.all():
            touched = objective.meeting_id == meeting_id and not objective.checkins
            touched |= any(c.meeting_id == meeting_id and c.agenda_item_id == agenda_item_id for c in objective.checkins)
            if touched:
                out.append(Captured("objective", objective, describe("objective", objective, meeting_id=meeting_id)))
        return out

    # --- writing ------------------------------------------------------------------------

    def link(self, record: Record, agenda_item_id: str) -> Record:
        """Tie a new record to this meeting and the agenda item it was captured under."""
        meeting_id = self.session.meeting.id
        if isinstance(record, (LeadFeedback, Decision, ActionItem, ProspectInsight, ContentItem)):
            return record.replace(meeting_id=meeting_id, agenda_item_id=agenda_item_id)
        return record

    def save(self, record: Record, *, delay: float = 0.0) -> Record:
        """Create or replace ``record`` (matched by id); remembered for undo. ``delay``: a
        meeting record reaches the disk within that many seconds (a verdict a key, as lead
        triage gives them: one write for a burst, not one per key)."""
        kind = KIND_OF[type(record)]
        before = self.find(kind, record.id)  # type: ignore[attr-defined]
        if kind in MEETING_TABLES:
            rows = self._meeting_rows(kind)
            with self.session.editing(delay):
                if before is None:
                    rows.append(record)
                else:
                    rows[[r.id for r in rows].index(record.id)] = record  # type: ignore[attr-defined]
        else:
            collection = self._collection(kind)
            if before is None:
                collection.add(record)
            else:
                collection.update(record)
        self._undo.append(_Undo(kind, before, record.id))  # type: ignore[attr-defined]
        return record

    def check_in(self, objective: Objective, checkin: CheckIn) -> Objective:
        """Add (or replace) this meeting's check-in; the history of earlier ones is kept."""
        others = [c for c in objective.checkins if c.meeting_id != checkin.meeting_id or not checkin.meeting_id]
        updated = objective.replace(checkins=[*others, checkin], current=checkin.value, status=checkin.status)
        return self.save(updated)  # type: ignore[return-value]

    def find(self, kind: str, record_id: str) -> Any:
        if kind in MEETING_TABLES:
            return next((r for r in self._meeting_rows(kind) if r.id == record_id), None)
        return self._collection(kind).find(record_id)

    def delete(self, kind: str, record_id: str) -> None:
        before = self.find(kind, record_id)
        if before is None:
            raise TandemError(f"That {TITLES[kind].lower()} is already gone.")
        if kind in MEETING_TABLES:
            with self.session.editing():
                rows = self._meeting_rows(kind)
                rows[:] = [r for r in rows if r.id != record_id]
        else:
            self._collection(kind).delete(record_id)
        self._undo.append(_Undo(kind, before, record_id))

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> str:
        """Reverse the last save or delete; returns what was undone, in words."""
        if not self._undo:
            raise TandemError("Nothing to undo.")
        step = self._undo.pop()
        current = self.find(step.kind, step.record_id)
        title = TITLES[step.kind].lower()
        if step.kind in MEETING_TABLES:
            with self.session.editing():
                rows = self._meeting_rows(step.kind)
                if step.before is None:
                    rows[:] = [r for r in rows if r.id != step.record_id]
                elif current is None:
                    rows.append(step.before)
                else:
                    rows[[r.id for r in rows].index(step.record_id)] = step.before
        else:
            collection = self._collection(step.kind)
            if step.before is None:
                if current is not None:
                    collection.delete(step.record_id)
            elif current is None:
                collection.add(step.before)
            else:
                collection.update(step.before)
        if step.before is None:
            return f"Removed the new {title}."
        return f"Restored the {title}." if current is None else f"Undid the change to the {title}."
