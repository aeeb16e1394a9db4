"""Shadow days outside the live run: planning, listing, insights and the debrief.

A shadow day is planned (shadow, host, direction, date, activities pre-filled from the
direction), run on the day (see :mod:`tandem.store.shadow_session`), and debriefed at a later
meeting whose agenda has a shadow-day item: its prospect insights join the insight list and
its experiment becomes an action item of that meeting, which the series' action review brings
back until it is closed.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from tandem.store import ids
from tandem.store.errors import ValidationError
from tandem.store.records import (
    DEFAULT_ACTIVITIES,
    DIRECTIONS,
    ActionItem,
    Activity,
    AgendaItem,
    Meeting,
    ProspectInsight,
    ShadowDay,
    Takeaway,
)
from tandem.store.workspace import Workspace

__all__ = [
    "Debrief",
    "apply_debrief",
    "days_to_debrief",
    "experiment_action_text",
    "insight_id",
    "list_shadow_days",
    "normalize_direction",
    "plan_debrief",
    "plan_shadow_day",
    "pull_shadow_days",
    "resolve_shadow_day",
    "shadow_insights",
]


# --- planning -------------------------------------------------------------------------


def normalize_direction(value: str) -> str:
    """``sales-to-marketing`` / ``sales_to_marketing`` (any case) → ``sales_to_marketing``."""
    direction = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if direction not in DIRECTIONS:
        allowed = ", ".join(d.replace("_", "-") for d in DIRECTIONS)
        raise ValidationError("direction", f"{value!r} is not one of: {allowed}")
    return direction


def _day(name: str, value: date | str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        ok = isinstance(value, str) and len(value) == 10 and date.fromisoformat(value).isoformat() == value
    except ValueError:
        ok = False
    if not ok:
        raise ValidationError(name, f"{value!r} is not a date (YYYY-MM-DD)")
    return value


def _person(name: str, value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(name, "give a name")
    return " ".join(value.split())


def plan_shadow_day(
    workspace: Workspace,
    *,
    shadow: str,
    host: str,
    direction: str,
    date: date | str,
    activities: Iterable[str | Activity] | None = None,
    rng: random.Random | None = None,
) -> ShadowDay:
    """Plan a shadow day and save it (status ``planned``).

    ``activities`` default to the direction's (the practice article's lists); pass an empty
    list for none. Raises :class:`ValidationError` naming the field: ``shadow``, ``host``,
    ``direction``, ``date`` or ``activities``."""
    shadow = _person("shadow", shadow)
    host = _person("host", host)
    if shadow.casefold() == host.casefold():
        raise ValidationError("host", "the host must be someone other than the shadow")
    direction = normalize_direction(direction)
    day = _day("date", date)
    if activities is None:
        planned = [Activity(title=title) for title in DEFAULT_ACTIVITIES[direction]]
    else:
        planned = []
        for activity in activities:
            if isinstance(activity, Activity):
                planned.append(activity)
                continue
            if not isinstance(activity, str) or not activity.strip():
                raise ValidationError("activities", "an activity needs a title")
            title = " ".join(activity.split())
            if len(title) > 300:
                raise ValidationError("activities", "an activity title is longer than 300 characters")
            planned.append(Activity(title=title))
    record = ShadowDay(
        id=ids.new_id(rng),
        shadow=shadow,
        host=host,
        direction=direction,
        date=day,
        activities=planned,
        status="planned",
    )
    return workspace.shadow_days.add(record)


# --- reading --------------------------------------------------------------------------


def list_shadow_days(workspace: Workspace, *, today: date | str | None = None) -> tuple[list[ShadowDay], list[ShadowDay]]:
    """``(upcoming, past)``: upcoming days (dated today or later and not done yet), soonest
    first; past days (dated before today, or already done), most recent first.

    ``today`` defaults to the workspace clock's date."""
    if today is None:
        today = workspace.now().date()
    cutoff = _day("today", today)
    days = workspace.shadow_days.all()
    upcoming = sorted((d for d in days if d.date >= cutoff and d.status != "done"), key=lambda d: (d.date, d.id))
    past = sorted((d for d in days if d.date < cutoff or d.status == "done"), key=lambda d: (d.date, d.id), reverse=True)
    return upcoming, past


def resolve_shadow_day(workspace: Workspace, ref: str) -> ShadowDay:
    """A shadow day by its id, or by a unique start of its id (as ``tandem shadow list``
    shows it)."""
    ref = ref.strip()
    return ids.by_ref(
        workspace.shadow_days.all(),
        ref,
        id_of=lambda d: d.id,
        many=lambda n: f"{ref!r} matches {n} shadow days in {workspace.home}; give more of the id.",
        none=f"No shadow day {ref!r} in {workspace.home} (see 'tandem shadow list').",
    )


# --- prospect insights ----------------------------------------------------------------


def insight_id(takeaway: Takeaway) -> str:
    """The id of the prospect insight a takeaway turns into: stable, so re-running the
    conversion updates the same insight instead of adding one."""
    if len(takeaway.id) <= 62:
        return f"{takeaway.id}-i"
    return hashlib.sha256(takeaway.id.encode("utf-8")).hexdigest()[:24] + "-i"


def _insight_kind(text: str) -> str:
    return "question" if "?" in text else "pain_point"


def shadow_insights(workspace: Workspace, day: ShadowDay) -> list[ProspectInsight]:
    """Every ``prospect_insight`` takeaway of ``day`` as a prospect insight in
    ``workspace.insights`` (shadow_day_id = the day, reporter = the shadow, date = the day).

    Idempotent: an insight already there is left alone when nothing changed, and gets the
    takeaway's new text when the takeaway was edited — what people added to it since
    (persona, journey stage, times heard, promotion to content) is kept. An insight that came
    from a takeaway since deleted or moved to another category is removed, unless it was
    promoted to a content item. Returns the day's insights in takeaway order."""
    existing = {i.id: i for i in workspace.insights.all()}
    wanted: list[ProspectInsight] = []
    for takeaway in day.takeaways:
        if takeaway.category != "prospect_insight" or not takeaway.text.strip():
            continue
        iid = insight_id(takeaway)
        found = existing.get(iid)
        if found is None:
            insight = ProspectInsight(
                id=iid,
                text=takeaway.text,
                kind=_insight_kind(takeaway.text),
                reporter=day.shadow,
                shadow_day_id=day.id,
                date=day.date,
            )
            workspace.insights.add(insight)
        else:
            insight = found.replace(text=takeaway.text, reporter=day.shadow, shadow_day_id=day.id, date=day.date)
            if insight != found:
                workspace.insights.update(insight)
        wanted.append(insight)
    keep = {i.id for i in wanted}
    for insight in existing.values():
        # Ids ending in "-i" are derived from takeaways (random ids never contain a dash).
        stale = insight.shadow_day_id == day.id and insight.id.endswith("-i") and insight.id not in keep
        if stale and not insight.content_item_id:
            workspace.insights.delete(insight.id)
    return wanted


# --- the debrief ----------------------------------------------------------------------


def _previous_meeting(meetings: Sequence[Meeting], day: str, meeting_id: str) -> Meeting | None:
    earlier = [m for m in meetings if m.id != meeting_id and (m.date, m.id) < (day, meeting_id)]
    return earlier[-1] if earlier else None


def days_to_debrief(workspace: Workspace, series_id: str, day: str, meeting_id: str) -> list[ShadowDay]:
    """The shadow days a debrief meeting of ``series_id`` on ``day`` (id ``meeting_id``,
    created or not yet) pulls in, in date order: those ``done``, not debriefed yet, and held
    since the series' previous meeting (previous meeting's date < day's date ≤ ``day``); with
    no previous meeting, every such day up to ``day``.

    A day whose debrief meeting was deleted since counts as not debriefed."""
    meetings = workspace.list_meetings(series_id)
    previous = _previous_meeting(meetings, day, meeting_id)
    start = previous.date if previous is not None else ""
    existing = set(workspace.meeting_ids())
    return sorted(
        (d for d in workspace.shadow_days.all() if d.status == "done" and start < d.date <= day and not (d.debriefed_in and d.debriefed_in in existing)),
        key=lambda d: (d.date, d.id),
    )


@dataclass
class Debrief:
    """What a debrief meeting pulls in: the days and the action items their experiments
    become (``(shadow day id, action)``)."""

    days: list[ShadowDay]
    actions: list[tuple[str, ActionItem]]

    @property
    def day_ids(self) -> list[str]:
        return [d.id for d in self.days]


def experiment_action_text(text: str) -> str:
    return f"Experiment: {' '.join(text.split())} — report back"


def plan_debrief(
    workspace: Workspace,
    meeting: Meeting,
    agenda: Sequence[AgendaItem],
    *,
    rng: random.Random | None = None,
) -> Debrief:
    """The shadow days ``meeting`` pulls in and the action items for their experiments,
    without writing anything. Empty unless the agenda has a shadow-day item."""
    shadow_items = [item for item in agenda if item.captures == "shadow"]
    if not shadow_items:
        return Debrief([], [])
    days = days_to_debrief(workspace, meeting.series_id, meeting.date, meeting.id)
    actions: list[tuple[str, ActionItem]] = []
    existing = set(workspace.meeting_ids())
    for day in days:
        experiment = day.experiment
        if experiment is None:
            continue
        # An action of a deleted debrief meeting is gone with it: the experiment needs a new one.
        lost = bool(day.debriefed_in) and day.debriefed_in not in existing
        if experiment.action_id and not lost:
            continue
        actions.append(
            (
                day.id,
                ActionItem(
                    id=ids.new_id(rng),
                    text=experiment_action_text(experiment.text),
                    owner=experiment.owner,
                    due=experiment.report_back,
                    meeting_id=meeting.id,
                    agenda_item_id=shadow_items[0].id,
                ),
            )
        )
    return Debrief(days, actions)


def apply_debrief(workspace: Workspace, meeting_id: str, debrief: Debrief) -> None:
    """After the meeting (with the debrief's action items) is saved: mark each day debriefed
    in it, with its experiment's action id, and turn its prospect insights into insights."""
    action_of = {day_id: action.id for day_id, action in debrief.actions}
    for day in debrief.days:
        current = workspace.shadow_days.find(day.id)
        if current is None:  # deleted meanwhile: nothing to mark
            continue
        changed = current.replace(debriefed_in=meeting_id)
        if current.experiment is not None and day.id in action_of:
            changed = changed.replace(experiment=current.experiment.replace(action_id=action_of[day.id]))
        if changed != current:
            workspace.shadow_days.update(changed)
        shadow_insights(workspace, changed)


def pull_shadow_days(workspace: Workspace, meeting_id: str, *, rng: random.Random | None = None) -> list[str]:
    """Debrief into an existing meeting: add the experiments' action items to it and mark
    the days; returns the ids of the days pulled in (none twice). For a debrief planned
    before its shadow days were held: call it before the meeting is opened for running
    (it takes the meeting's writer lock, so it is refused while someone has it open, and
    a finalized meeting is refused)."""
    with workspace.open_meeting(meeting_id) as writer:
        record = writer.read()
        debrief = plan_debrief(workspace, record.meeting, record.agenda, rng=rng)
        if not debrief.days:
            return []
        if debrief.actions:
            writer.actions.add_many([action for _, action in debrief.actions])
        apply_debrief(workspace, meeting_id, debrief)
    return debrief.day_ids
