"""Pacing: will the rest of the agenda fit? Pure arithmetic over a meeting record, shared by
the facilitator's live meeting and the read-only follow view (which must not load the write
side)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tandem.store.records import Meeting
from tandem.store.workspace import MeetingRecord

#: Share of an item's timebox after which its timer shows a warning.
WARN_AT = 0.8


def _parse(ts: str | None) -> datetime | None:
    return datetime.fromisoformat(ts) if ts else None


def running_s(meeting: Meeting, now: datetime) -> float:
    """Seconds the meeting clock has run since it last banked its time: never negative, and
    never less than it had run at the last save. A reader whose clock is behind the
    facilitator's (or a start time in the future) then sees the clock stand at the last
    save, moving on with each save, instead of frozen until its own clock catches up."""
    since = _parse(meeting.clock_running_since)
    if since is None:
        return 0.0
    saved = _parse(meeting.saved_at)
    latest = max(now, saved) if saved is not None and saved.tzinfo == now.tzinfo else now
    return max(0.0, (latest - since).total_seconds())


@dataclass(frozen=True, slots=True)
class Forecast:
    """Will the rest of the agenda fit before the planned end?"""

    elapsed_s: float
    planned_s: float
    needed_s: float  # what the active and pending items still need, by their timeboxes
    expected_end: datetime | None  # None while paused
    overrun_s: float  # how late the meeting will end if every item gets its timebox
    will_not_fit: tuple[str, ...]  # ids of pending items that do not fit in the time left

    @property
    def left_s(self) -> float:
        return self.planned_s - self.elapsed_s


def forecast(record: MeetingRecord, now: datetime, planned_min: int | None = None) -> Forecast:
    """Pure arithmetic over the agenda: no I/O, easy to test."""
    meeting = record.meeting
    running_since = _parse(meeting.clock_running_since)
    running = running_s(meeting, now)
    elapsed = meeting.clock_elapsed + running
    planned = (planned_min if planned_min is not None else meeting.planned_min) or sum(i.timebox_min for i in record.agenda)
    planned_s = planned * 60.0
    left = planned_s - elapsed
    needed = 0.0
    will_not_fit = []
    for item in record.agenda:
        if item.status == "active":
            item_elapsed = item.elapsed_s + running
            needed += max(0.0, item.timebox_min * 60 - item_elapsed)
        elif item.status == "pending":
            needed += item.timebox_min * 60
            if needed > left + 1e-6:
                will_not_fit.append(item.id)
    expected_end = now + timedelta(seconds=needed) if running_since else None
    return Forecast(
        elapsed_s=elapsed,
        planned_s=planned_s,
        needed_s=needed,
        expected_end=expected_end,
        overrun_s=max(0.0, needed - left),
        will_not_fit=tuple(will_not_fit),
    )
