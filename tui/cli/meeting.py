"""``tandem meeting …``: a meeting's life before and after the live part, scriptable.

Each command names the meeting by its id or a unique start of it and says what it did in
one sentence. Deleting and taking back a start ask first on a terminal; ``--yes`` answers
for scripts, and without a terminal or ``--yes`` they refuse (exit 2).
"""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING

import click

from tandem.tui.cli.today import today

if TYPE_CHECKING:
    from tandem.store.records import Attendee, Meeting
    from tandem.store.workspace import Workspace
    from tandem.tui.cli.main import Env


def _confirmed(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise click.UsageError("this asks first; add --yes to do it without asking")
    return click.confirm(question, default=False)


def _day(meeting: Meeting) -> str:
    return date.fromisoformat(meeting.date).strftime("%a %d %b %Y")


@click.group("meeting")
def meeting_group() -> None:
    """Cancel, reschedule, change the people of, take back or delete a meeting.

    MEETING is a meeting id (see 'tandem list') or a unique start of one.
    """


def _meeting(workspace: Workspace, ref: str) -> Meeting:
    from tandem.store.lifecycle import resolve_meeting_ref

    return resolve_meeting_ref(workspace, ref)


@meeting_group.command("cancel")
@click.argument("meeting")
@click.pass_obj
def cancel(env: Env, meeting: str) -> None:
    """Cancel a planned meeting: kept and marked cancelled; what was carried into it goes
    on to the next meeting held. 'tandem meeting uncancel' plans it again."""
    from tandem.store.lifecycle import cancel_meeting

    workspace = env.workspace()
    done = cancel_meeting(workspace, _meeting(workspace, meeting).id)
    click.echo(f"Cancelled {done.title} of {_day(done)} ({done.id}).")


@meeting_group.command("uncancel")
@click.argument("meeting")
@click.pass_obj
def uncancel(env: Env, meeting: str) -> None:
    """Plan a cancelled meeting again."""
    from tandem.store.lifecycle import uncancel_meeting

    workspace = env.workspace()
    done = uncancel_meeting(workspace, _meeting(workspace, meeting).id)
    click.echo(f"Planned again: {done.title} on {_day(done)} ({done.id}).")


@meeting_group.command("reschedule")
@click.argument("meeting")
@click.argument("day", metavar="DATE")
@click.pass_obj
def reschedule(env: Env, meeting: str, day: str) -> None:
    """Move a planned meeting to DATE (2026-12-10, fri, +1w, tomorrow…). Its id stays,
    so the action items and records that link to it keep doing so."""
    from tandem.store.errors import ValidationError
    from tandem.store.lifecycle import parse_meeting_day, reschedule_meeting

    workspace = env.workspace()
    target = _meeting(workspace, meeting)
    try:
        when = parse_meeting_day(day, today())
    except ValidationError as exc:
        raise click.UsageError(exc.message) from None
    done = reschedule_meeting(workspace, target.id, when)
    click.echo(f"Moved {done.title} ({done.id}) to {_day(done)}.")


def _person(spec: str, known: dict[str, Attendee]) -> Attendee:
    """NAME or NAME=TEAM; a name seen before keeps its team unless one is given."""
    from tandem.store.errors import ValidationError
    from tandem.store.records import TEAMS, Attendee

    name, _, team = spec.partition("=")
    name, team = name.strip(), team.strip().lower()
    if not name:
        raise click.UsageError(f"{spec!r}: give a name (NAME or NAME=TEAM)")
    if team and team not in TEAMS:
        raise click.UsageError(f"{spec!r}: the team is one of {', '.join(TEAMS)}")
    seen = known.get(name.casefold())
    try:
        return Attendee(name=seen.name if seen and not team else name, team=team or (seen.team if seen else "other"))
    except ValidationError as exc:
        raise click.UsageError(f"{spec!r}: {exc.message}") from None


@meeting_group.command("edit")
@click.argument("meeting")
@click.option("--facilitator", metavar="NAME", help="Who facilitates.")
@click.option("--attend", "attend", multiple=True, metavar="NAME[=TEAM]", help="Add someone as attending (repeatable).")
@click.option("--absent", "absent", multiple=True, metavar="NAME[=TEAM]", help="Someone sends apologies (repeatable).")
@click.option("--remove", "remove", multiple=True, metavar="NAME", help="Take someone off the meeting (repeatable).")
@click.pass_obj
def edit(env: Env, meeting: str, facilitator: str | None, attend: tuple[str, ...], absent: tuple[str, ...], remove: tuple[str, ...]) -> None:
    """Change the facilitator and people of a planned meeting. A name moves between
    attending and absent as asked; TEAM is sales, marketing or other."""
    from tandem.store.lifecycle import change_people

    if facilitator is None and not (attend or absent or remove):
        raise click.UsageError("nothing to change: give --facilitator, --attend, --absent or --remove")
    workspace = env.workspace()
    target = _meeting(workspace, meeting)
    known = {p.name.casefold(): p for m in workspace.list_meetings() for p in m.people}
    known.update({p.name.casefold(): p for p in target.people})
    attendees, absentees = list(target.attendees), list(target.absentees)
    gone = {name.strip().casefold() for name in remove}
    unknown = sorted(name for name in remove if name.strip().casefold() not in {p.name.casefold() for p in target.people})
    if unknown:
        raise click.UsageError(f"not on {target.id}: {', '.join(unknown)}")
    for specs, joins, leaves in ((attend, attendees, absentees), (absent, absentees, attendees)):
        for spec in specs:
            person = _person(spec, known)
            if joins is attendees:
                gone.discard(person.name.casefold())  # --attend outranks --remove
            # One list or the other: whatever entry the name had goes, the new one is added.
            for people in (joins, leaves):
                people[:] = [p for p in people if p.name.casefold() != person.name.casefold()]
            joins.append(person)
    attendees = [p for p in attendees if p.name.casefold() not in gone]
    absentees = [p for p in absentees if p.name.casefold() not in gone]
    done = change_people(workspace, target.id, facilitator=facilitator, attendees=attendees, absentees=absentees)
    names = ", ".join(p.name for p in done.attendees) or "nobody yet"
    away = f"; apologies: {', '.join(p.name for p in done.absentees)}" if done.absentees else ""
    click.echo(f"{done.id}: facilitated by {done.facilitator or 'nobody yet'}; attending: {names}{away}.")


@meeting_group.command("unstart")
@click.argument("meeting")
@click.option("--yes", is_flag=True, help="Do not ask (for scripts).")
@click.pass_obj
def unstart(env: Env, meeting: str, yes: bool) -> None:
    """Take back a start made by mistake: the meeting is planned again and its clocks are
    reset; notes and records captured meanwhile stay."""
    from tandem.store.lifecycle import unstart_meeting

    workspace = env.workspace()
    target = _meeting(workspace, meeting)
    if not _confirmed(f"Take {target.title} of {_day(target)} back to planned, resetting its clocks?", yes):
        click.echo("Nothing changed.")
        return
    done = unstart_meeting(workspace, target.id)
    click.echo(f"{done.title} of {_day(done)} ({done.id}) is planned again; its clocks start when it is run.")


@meeting_group.command("delete")
@click.argument("meeting")
@click.option("--yes", is_flag=True, help="Do not ask (for scripts).")
@click.pass_obj
def delete(env: Env, meeting: str, yes: bool) -> None:
    """Delete a meeting that is not live or finalized. Its file is zipped under the
    workspace's backups/ folder first: unzipped there, it comes back."""
    from tandem.store.lifecycle import delete_meeting, what_is_lost

    workspace = env.workspace()
    target = _meeting(workspace, meeting)
    lost = what_is_lost(workspace.read_meeting(target.id))
    loses = f", with {', '.join(lost)}" if lost else ""
    if not _confirmed(f"Delete {target.title} of {_day(target)} ({target.status}){loses}?", yes):
        click.echo("Nothing deleted.")
        return
    done = delete_meeting(workspace, target.id)
    click.echo(f"Deleted {target.id}{loses}; a copy is in {done.kept_in}.")
