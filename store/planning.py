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

#: The prompt of a parked topic carried on without an agenda item of its own.
RECONSIDER = "Is this still worth our time, and what do we need to decide?"


def carried_items(workspace: Workspace, series_id: str, before: str, *, template_titles: Iterable[str] = ()) -> list[AgendaItem]:
    """What the series' previous meeting (the latest one dated on or before ``before``)
    hands to the next one, as agenda items with ``carried_from`` = where each began:

    * its parking lot; an entry parked from an agenda item keeps that item's timebox,
      prompts, presenting team and capture kind;
    * once it has ended (or been finalized), its uncovered agenda items — pending or
      skipped — the same way. Standing items are left out (the template brings them back
      anyway), and so is an item whose title the new agenda already has
      (``template_titles``, case-insensitive) or that is carried already.

    A meeting that was never held — cancelled, or still planned on an earlier day — is
    passed over: what was carried into it carries on, and the meeting before it hands over
    its own. So nothing silently disappears into a meeting that did not take place. A
    previous meeting still planned for that same day, or live, hands over only its parking
    lot: it has not finished deciding what it covers.
    """
    previous = [m for m in workspace.list_meetings(series_id) if m.date <= before]
    skipped: list[MeetingRecord] = []
    record: MeetingRecord | None = None
    for meeting in reversed(previous):
        if meeting.status == "cancelled" or (meeting.status == "planned" and meeting.date < before):
            skipped.append(workspace.read_meeting(meeting.id))
            continue
        record = workspace.read_meeting(meeting.id)
        break
    taken = {t.strip().casefold() for t in template_titles}
    carried: list[AgendaItem] = []

    def carry(item: AgendaItem | None, title: str, source: str) -> None:
        key = title.strip().casefold()
        if key in taken:
            return
        taken.add(key)
        if item is None:
            carried.append(AgendaItem(id=ids.new_id(), title=title[:300], timebox_min=5, carried_from=source, prompts=[RECONSIDER]))
            return
        carried.append(
            AgendaItem(
                id=ids.new_id(),
                title=title[:300],
                timebox_min=item.timebox_min,
                prompts=list(item.prompts),
                presenter_team=item.presenter_team,
                captures=item.captures,
                carried_from=source,
            )
        )

    if record is not None:
        by_id = {item.id: item for item in record.agenda}
        for parked in record.parking_lot:
            carry(by_id.get(parked.agenda_item_id), parked.text, record.meeting.id)
        if record.meeting.status in ("ended", "finalized"):
            parked_ids = {p.agenda_item_id for p in record.parking_lot if p.agenda_item_id}
            for item in record.agenda:
                if item.status in UNCOVERED and not item.standing and item.id not in parked_ids:
                    carry(item, item.title, record.meeting.id)
    # Oldest first: what each meeting not held had been handed (or had parked) goes on.
    for missed in reversed(skipped):
        by_id = {item.id: item for item in missed.agenda}
        for item in missed.agenda:
            if item.carried_from and item.status in UNCOVERED:
                carry(item, item.title, item.carried_from)
        for parked in missed.parking_lot:
            carry(by_id.get(parked.agenda_item_id), parked.text, missed.meeting.id)
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
