"""Planning the next meeting of a series: defaults from its last meeting, carry-over."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from tandem.store import ids
from tandem.store.config import Config
from tandem.store.errors import ValidationError
from tandem.store.records import AgendaItem, Attendee, Meeting, Series
from tandem.store.shadow_days import apply_debrief, plan_debrief
from tandem.store.templates import Template, agenda_from_template
from tandem.store.workspace import MeetingRecord, Workspace


@dataclass(slots=True)
class PlannedMeeting(MeetingRecord):
    """A new meeting as created: a :class:`MeetingRecord`, plus the ids of the shadow days
    its debrief pulled in (empty unless its template has a shadow-day item)."""

    debriefed: list[str] = field(default_factory=list)


@dataclass
class SeriesDefaults:
    template_id: str = ""
    facilitator: str = ""
    attendees: list[Attendee] = field(default_factory=list)
    absentees: list[Attendee] = field(default_factory=list)


def series_defaults(workspace: Workspace, series_id: str, config: Config | None = None) -> SeriesDefaults:
    """What a new meeting of the series starts from: its last meeting's people and template.

    A series with no meeting yet starts from the user's settings (``config.toml``): the
    series' ``template`` there (else the series' own default) and the ``facilitator``."""
    series = workspace.series.find(series_id)
    last = workspace.latest_meeting(series_id)
    if last is None:
        config = config or Config()
        template = config.series_template(series_id) or (series.default_template if series else "")
        return SeriesDefaults(template_id=template, facilitator=config.facilitator)
    return SeriesDefaults(
        template_id=last.template_id or (series.default_template if series else ""),
        facilitator=last.facilitator,
        attendees=list(last.attendees),
        absentees=list(last.absentees),
    )


@dataclass
class MeetingPlan:
    """What the new-meeting form returns."""

    series_id: str  # empty for a new series
    series_title: str
    template_id: str
    date: str
    facilitator: str
    attendees: list[Attendee]
    absentees: list[Attendee]


#: Statuses of an agenda item that was not covered when its meeting ended ("parked" items
#: travel through the parking lot instead).
UNCOVERED = ("pending", "skipped")


def carried_items(workspace: Workspace, series_id: str, before: str, *, template_titles: Iterable[str] = ()) -> list[AgendaItem]:
    """What the series' previous meeting (the latest one dated on or before ``before``)
    hands to the next one, as agenda items with ``carried_from`` = that meeting's id:

    * its parking lot, as today;
    * once it has ended (or been finalized), its uncovered agenda items — pending or
      skipped — with their timebox, prompts, presenting team and capture kind. Standing
      items are left out (the template brings them back anyway), and so is an item whose
      title the new agenda already has (``template_titles``, case-insensitive) or that the
      parking lot already carries.

    A carried item that is not covered again is carried again by the meeting after, so
    nothing silently disappears. A previous meeting still planned or live hands over
    nothing of its agenda: it has not finished deciding what it covers.
    """
    previous = [m for m in workspace.list_meetings(series_id) if m.date <= before]
    if not previous:
        return []
    record = workspace.read_meeting(previous[-1].id)
    carried = [
        AgendaItem(
            id=ids.new_id(),
            title=parked.text[:300],
            timebox_min=5,
            carried_from=record.meeting.id,
            prompts=["Is this still worth our time, and what do we need to decide?"],
        )
        for parked in record.parking_lot
    ]
    if record.meeting.status not in ("ended", "finalized"):
        return carried
    parked_ids = {p.agenda_item_id for p in record.parking_lot if p.agenda_item_id}
    taken = {t.strip().casefold() for t in template_titles} | {i.title.strip().casefold() for i in carried}
    for item in record.agenda:
        key = item.title.strip().casefold()
        if item.status not in UNCOVERED or item.standing or item.id in parked_ids or key in taken:
            continue
        taken.add(key)
        carried.append(
            AgendaItem(
                id=ids.new_id(),
                title=item.title,
                timebox_min=item.timebox_min,
                prompts=list(item.prompts),
                presenter_team=item.presenter_team,
                captures=item.captures,
                carried_from=record.meeting.id,
            )
        )
    return carried


def create_planned_meeting(workspace: Workspace, plan: MeetingPlan, template: Template, *, rng: random.Random | None = None) -> PlannedMeeting:
    """Create the series' next meeting from ``template``: carried-over items go before the
    closing items; if the template has a shadow-day item, the shadow days held since the
    series' previous meeting are debriefed in it (see :func:`tandem.store.shadow_days.plan_debrief`):
    each experiment without an action item becomes one, owned by the experiment's owner and
    due on its report-back date, and the days' prospect insights join the insight list."""
    series_id = plan.series_id
    if not series_id:
        title = plan.series_title.strip()
        if not title:
            raise ValidationError("series", "give the new series a name")
        series_id = ids.slugify(title)
        taken = {s.id for s in workspace.series.all()}
        base, n = series_id, 1
        while series_id in taken:
            n += 1
            series_id = f"{base}-{n}"
        workspace.series.add(Series(id=series_id, title=title, default_template=template.id))
    series = workspace.series.get(series_id)
    agenda = agenda_from_template(template, rng=rng)
    from_template = list(agenda)
    carried = carried_items(workspace, series_id, plan.date, template_titles=[i.title for i in agenda])
    # Carried-over items come before the closing items (action review, wrap-up) if any.
    closing = next(
        (n for n, item in enumerate(agenda) if item.captures in ("action_review", "decision") and n >= len(agenda) - 2),
        len(agenda),
    )
    agenda[closing:closing] = carried
    for position, item in enumerate(agenda):
        item.position = position
    meeting = Meeting(
        id=workspace.new_meeting_id(plan.date, series_id),
        series_id=series_id,
        title=series.title,
        date=plan.date,
        facilitator=plan.facilitator,
        attendees=plan.attendees,
        absentees=plan.absentees,
        template_id=template.id,
    )
    debrief = plan_debrief(workspace, meeting, from_template, rng=rng)
    actions = [action for _, action in debrief.actions]
    # One write for the meeting and the experiments' action items; then the days are marked.
    workspace.create_meeting(meeting, agenda, actions=actions)
    if debrief.days:
        apply_debrief(workspace, meeting.id, debrief)
    return PlannedMeeting(meeting=meeting, agenda=agenda, actions=actions, debriefed=debrief.day_ids)
