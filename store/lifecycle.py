"""A meeting's life around the live part: cancel, reschedule, change its people, take back
a start made by mistake, delete.

The meeting id never changes: actions, records, shadow days and minutes link to it, so a
rescheduled meeting keeps the id (and file name) it was planned under and only its date
moves. Lists sort by date, never by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tandem.store.dates import HELP as DATE_HELP
from tandem.store.dates import parse_due
from tandem.store.errors import NotFoundError, TandemError, ValidationError
from tandem.store.records import Attendee, Meeting
from tandem.store.words import count
from tandem.store.workspace import MeetingRecord, Workspace

#: Where a deleted meeting's file is kept, zipped, under the workspace.
DELETED_DIR = "backups"


def resolve_meeting_ref(workspace: Workspace, ref: str) -> Meeting:
    """A meeting by its id, or by a unique start of it (``2026-12-04`` when one meeting is
    on that day)."""
    ref = ref.strip()
    ids = workspace.meeting_ids()
    if ref in ids:
        return workspace.get_meeting(ref)
    matches = [i for i in ids if ref and i.startswith(ref)]
    if len(matches) == 1:
        return workspace.get_meeting(matches[0])
    if matches:
        raise NotFoundError(
            f"{ref!r} matches {len(matches)} meetings in {workspace.home}: {', '.join(matches[:4])}{'…' if len(matches) > 4 else ''}; give more of the id."
        )
    raise NotFoundError(f"No meeting {ref!r} in {workspace.home} (see 'tandem list').")


def next_meeting(meetings: list[Meeting], today: date) -> Meeting | None:
    """The meeting a facilitator runs next: the live one, else the first planned for today
    or later. A planned meeting dated in the past is not next: it did not take place, and
    wants cancelling or rescheduling (:func:`missed_meetings`)."""
    live = [m for m in meetings if m.status == "live"]
    if live:
        return live[0]
    day = today.isoformat()
    upcoming = sorted((m for m in meetings if m.status == "planned" and m.date >= day), key=lambda m: (m.date, m.id))
    return upcoming[0] if upcoming else None


def missed_meetings(meetings: list[Meeting], today: date) -> list[Meeting]:
    """Planned meetings dated before today: never held, neither cancelled nor moved."""
    day = today.isoformat()
    return sorted((m for m in meetings if m.status == "planned" and m.date < day), key=lambda m: (m.date, m.id))


def _refuse_unless(meeting: Meeting, statuses: tuple[str, ...], doing: str) -> None:
    if meeting.status not in statuses:
        allowed = " or ".join(statuses)
        raise TandemError(f"Meeting {meeting.id} is {meeting.status}; only a {allowed} meeting can be {doing}.")


def parse_meeting_day(text: str, today: date) -> date:
    """A meeting date as people say it (``fri``, ``+1w``, ``2026-12-10``), as every other
    date field of tandem takes it."""
    day = parse_due(text, today)
    if day is None:
        raise ValidationError("date", f"not a date: {text.strip() or '(empty)'}; try {DATE_HELP}")
    return day


def cancel_meeting(workspace: Workspace, meeting_id: str) -> Meeting:
    """A planned meeting that will not take place: kept, marked cancelled. It leaves the
    "Next" line, and the items carried into it carry on to the next meeting held."""
    with workspace.open_meeting(meeting_id) as writer:
        meeting = writer.meeting
        _refuse_unless(meeting, ("planned",), "cancelled")
        return writer.save_meeting(meeting.replace(status="cancelled"))


def uncancel_meeting(workspace: Workspace, meeting_id: str) -> Meeting:
    """A cancelled meeting planned again, as it was."""
    with workspace.open_meeting(meeting_id) as writer:
        meeting = writer.meeting
        _refuse_unless(meeting, ("cancelled",), "planned again")
        return writer.save_meeting(meeting.replace(status="planned"))


def reschedule_meeting(workspace: Workspace, meeting_id: str, day: date) -> Meeting:
    """Move a planned (or cancelled) meeting to ``day``; its id stays, so every link to it
    holds."""
    with workspace.open_meeting(meeting_id) as writer:
        meeting = writer.meeting
        _refuse_unless(meeting, ("planned", "cancelled"), "rescheduled")
        return writer.save_meeting(meeting.replace(date=day.isoformat()))


def change_people(
    workspace: Workspace,
    meeting_id: str,
    *,
    facilitator: str | None = None,
    attendees: list[Attendee] | None = None,
    absentees: list[Attendee] | None = None,
) -> Meeting:
    """Change who facilitates, attends or sends apologies, before the meeting starts (a
    held meeting's attendance is edited with the meeting itself). A name is in one list
    only: someone added as attending leaves the absentees, and the other way round."""
    with workspace.open_meeting(meeting_id) as writer:
        meeting = writer.meeting
        _refuse_unless(meeting, ("planned",), "changed this way")
        new_attendees = list(meeting.attendees if attendees is None else attendees)
        new_absentees = list(meeting.absentees if absentees is None else absentees)
        if attendees is not None:
            present = {a.name.casefold() for a in new_attendees}
            new_absentees = [a for a in new_absentees if a.name.casefold() not in present]
        elif absentees is not None:
            away = {a.name.casefold() for a in new_absentees}
            new_attendees = [a for a in new_attendees if a.name.casefold() not in away]
        return writer.save_meeting(
            meeting.replace(
                facilitator=meeting.facilitator if facilitator is None else facilitator.strip(),
                attendees=new_attendees,
                absentees=new_absentees,
            )
        )


def unstart_meeting(workspace: Workspace, meeting_id: str) -> Meeting:
    """Take back a start made by mistake: the meeting is planned again, its clocks and the
    items' progress reset. Notes and records captured meanwhile stay."""
    with workspace.open_meeting(meeting_id) as writer:
        record = writer.read()
        _refuse_unless(record.meeting, ("live",), "taken back to planned")
        for item in record.agenda:
            item.status = "pending"
            item.elapsed_s = 0.0
        record.meeting = record.meeting.replace(
            status="planned",
            started_at=None,
            active_item_id=None,
            clock_elapsed=0.0,
            clock_running_since=None,
            saved_at=None,
            planned_min=0,
            claim=None,
        )
        writer.write_all(record)
        return record.meeting


@dataclass(frozen=True)
class Deleted:
    meeting: Meeting
    #: The zip holding the meeting's file as it was.
    kept_in: Path


def what_is_lost(record: MeetingRecord) -> list[str]:
    """What deleting the meeting takes away, in words: "3 action items", "notes on 2 items"."""
    lost = []
    noted = sum(1 for item in record.agenda if item.notes.strip())
    if noted:
        lost.append(f"notes on {count(noted, 'item')}")
    for n, word in (
        (len(record.decisions), "decision"),
        (len(record.actions), "action item"),
        (len(record.lead_feedback), "lead feedback"),
        (len(record.parking_lot), "parked topic"),
    ):
        if n:
            lost.append(count(n, word))
    return lost


def delete_meeting(workspace: Workspace, meeting_id: str) -> Deleted:
    """Delete a meeting that is not live or finalized, its file zipped under ``backups/``
    first (unzipped into the workspace, it comes back)."""
    with workspace.open_meeting(meeting_id) as writer:
        meeting = writer.meeting
        _refuse_unless(meeting, ("planned", "cancelled", "ended"), "deleted")
        stamp = workspace.now().strftime("%Y%m%d-%H%M%S")
        kept_in = workspace.snapshots.take(workspace.home / DELETED_DIR / f"deleted-{meeting_id}-{stamp}.zip", [writer.path])
        workspace.before_write(writer.path)  # today's snapshot may still want the file
        writer.path.unlink()
    return Deleted(meeting=meeting, kept_in=kept_in)
