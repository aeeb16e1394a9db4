"""What tandem says about a contribution, the same on the command line and in the app: the
sentence once it is recorded, how long it has waited, and the people a newcomer is offered when asked who they are."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from tandem.store.contrib.records import Contribution
from tandem.store.outside import one_line
from tandem.store.records import Objective, measure

if TYPE_CHECKING:
    from tandem.store.workspace import Workspace


def waited(created_at: str, today: date) -> str:
    """How long a contribution has waited, as ``tandem inbox`` and the meeting say it:
    "today", "1 day", "12 days" ("?" for a time that does not read)."""
    try:
        days = (today - datetime.fromisoformat(created_at).date()).days
    except ValueError:
        return "?"
    return "today" if days <= 0 else "1 day" if days == 1 else f"{days} days"


def recorded(c: Contribution, series_title: str | None, objective: Objective | None = None) -> str:
    """'Lead feedback on SF-77 recorded for the next Weekly sync (waiting).' — ``series_title``
    None for whichever meeting comes next; ``objective``: a check-in's."""
    data = c.record
    if c.kind == "lead":
        about = f"on {one_line(str(data.get('reference', '')), 60)}"
    elif c.kind == "checkin" and objective is not None:
        about = f"of {measure(float(data.get('value', 0)), objective.unit)} on {one_line(objective.title, 60)}"
    else:
        about = f'"{one_line(c.subject, 60)}"'
    meeting = f"the next {one_line(series_title, 60)}" if series_title is not None else "the next meeting"
    return f"{c.noun[0].upper()}{c.noun[1:]} {about} recorded for {meeting} (waiting)."


def people_of(workspace: Workspace) -> dict[str, str]:
    """Name → team of everyone the workspace's meetings list (the first team seen)."""
    people: dict[str, str] = {}
    for meeting in workspace.list_meetings():
        for person in meeting.people:
            people.setdefault(person.name, person.team)
    return people
