"""Shadow days in the store: planning, listing, prospect insights and the debrief.

The debrief story: a debrief series meets on D1 and D2; two shadow days are held between
them. The D2 meeting pulls both in: their experiments become open action items of that
meeting (each experiment remembers its action), their prospect insights join the insight
list, and the series' action review brings the experiments back at every later meeting until
they are closed. A day already debriefed is never pulled in again.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path

import pytest

from tandem.store.errors import NotFoundError, ValidationError
from tandem.store.minutes.render import Shared, render_minutes
from tandem.store.planning import MeetingPlan, PlannedMeeting, create_planned_meeting
from tandem.store.records import (
    DEFAULT_ACTIVITIES,
    Activity,
    ContentItem,
    Experiment,
    ShadowDay,
    Takeaway,
)
from tandem.store.shadow_days import (
    insight_id,
    list_shadow_days,
    plan_shadow_day,
    pull_shadow_days,
    resolve_shadow_day,
    shadow_insights,
)
from tandem.store.templates import Template, load_library
from tandem.store.workspace import Workspace

DEBRIEFS = "shadow-day-debriefs"


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Only the built-in templates: the user's own must not leak in.
    monkeypatch.setenv("TANDEM_CONFIG_DIR", str(tmp_path / "config"))
    return load_library()


@pytest.fixture
def debrief(library) -> Template:
    return library.get("shadow-day-debrief")


def meeting_plan(day: str, *, series: str = DEBRIEFS, title: str = "Shadow-day debriefs", new: bool = False) -> MeetingPlan:
    return MeetingPlan(
        series_id="" if new else series,
        series_title=title,
        template_id="shadow-day-debrief",
        date=day,
        facilitator="Hannah Weber",
        attendees=[],
        absentees=[],
    )


def held(
    ws: Workspace,
    day: str,
    shadow: str,
    host: str,
    *,
    experiment: str | None = "Share call notes every Friday",
    insights: tuple[str, ...] = (),
    status: str = "done",
    direction: str = "marketing_to_sales",
) -> ShadowDay:
    """A shadow day as it is after its run: activities done, takeaways, one experiment."""
    planned = plan_shadow_day(ws, shadow=shadow, host=host, direction=direction, date=day, rng=random.Random(day + shadow))
    takeaways = [Takeaway(id=f"{planned.id}-t0", category="learned", text="Prospecting takes hours per account", at=f"{day}T09:40:00")]
    takeaways += [Takeaway(id=f"{planned.id}-t{n}", category="prospect_insight", text=text, at=f"{day}T1{n}:05:00") for n, text in enumerate(insights, start=1)]
    done = planned.replace(
        activities=[a.replace(done=True) for a in planned.activities],
        takeaways=takeaways,
        experiment=Experiment(text=experiment, owner=shadow, report_back="2026-12-18") if experiment else None,
        status=status,
    )
    return ws.shadow_days.update(done)


# --- planning -----------------------------------------------------------------------


def test_plan_prefills_activities_from_the_direction(workspace: Workspace) -> None:
    to_sales = plan_shadow_day(workspace, shadow="Dana Kim", host="Luis Ortega", direction="marketing_to_sales", date="2026-12-04")
    to_marketing = plan_shadow_day(workspace, shadow="Luis Ortega", host="Dana Kim", direction="sales-to-marketing", date=date(2026, 12, 11))
    assert [a.title for a in to_sales.activities] == ["Prospecting research", "Prospect calls", "Meetings"]
    assert [a.title for a in to_marketing.activities] == list(DEFAULT_ACTIVITIES["sales_to_marketing"])
    assert to_marketing.direction == "sales_to_marketing" and to_marketing.date == "2026-12-11"
    assert all(not a.done and not a.notes for a in to_sales.activities)
    assert (to_sales.status, to_sales.takeaways, to_sales.experiment, to_sales.debriefed_in) == ("planned", [], None, "")
    assert workspace.shadow_days.all() == [to_sales, to_marketing], "saved as planned"


def test_plan_takes_given_activities_and_tidies_names(workspace: Workspace) -> None:
    day = plan_shadow_day(
        workspace,
        shadow="  Dana   Kim ",
        host="Luis Ortega",
        direction="marketing_to_sales",
        date="2026-12-04",
        activities=["Discovery call with ACME", Activity(title="Pipeline review", notes="bring the Q4 list")],
    )
    assert day.shadow == "Dana Kim"
    assert [a.title for a in day.activities] == ["Discovery call with ACME", "Pipeline review"]
    assert day.activities[1].notes == "bring the Q4 list"
    assert plan_shadow_day(workspace, shadow="A", host="B", direction="marketing_to_sales", date="2026-12-04", activities=[]).activities == []


def test_plan_is_reproducible_with_a_seeded_rng(workspace: Workspace) -> None:
    a = plan_shadow_day(workspace, shadow="A", host="B", direction="marketing_to_sales", date="2026-12-04", rng=random.Random(1))
    other = Workspace(workspace.home.parent / "other")
    b = plan_shadow_day(other, shadow="A", host="B", direction="marketing_to_sales", date="2026-12-04", rng=random.Random(1))
    assert a == b


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"shadow": ""}, "shadow"),
        ({"shadow": "   "}, "shadow"),
        ({"host": ""}, "host"),
        ({"host": "dana  KIM"}, "host"),  # the same person, however typed
        ({"direction": "sideways"}, "direction"),
        ({"direction": ""}, "direction"),
        ({"date": "2026-13-01"}, "date"),
        ({"date": "20261204"}, "date"),
        ({"date": "next friday"}, "date"),
        ({"activities": ["Reporting", "  "]}, "activities"),
    ],
)
def test_plan_refuses_bad_fields_naming_them(workspace: Workspace, changes: dict, field: str) -> None:
    fields = {"shadow": "Dana Kim", "host": "Luis Ortega", "direction": "marketing_to_sales", "date": "2026-12-04", **changes}
    with pytest.raises(ValidationError) as caught:
        plan_shadow_day(workspace, **fields)
    assert caught.value.field == field
    assert workspace.shadow_days.all() == [], "nothing saved"


# --- listing ------------------------------------------------------------------------


def test_list_splits_upcoming_and_past_around_today(workspace: Workspace) -> None:
    def plan(day: str, status: str = "planned") -> str:
        planned = plan_shadow_day(workspace, shadow="Dana", host="Luis", direction="marketing_to_sales", date=day)
        return workspace.shadow_days.update(planned.replace(status=status)).id

    later = plan("2026-12-10")
    soon = plan("2026-11-30")
    today_planned = plan("2026-11-26")
    today_done = plan("2026-11-26", "done")
    old = plan("2026-10-01", "done")
    missed = plan("2026-11-20")  # planned, never run
    upcoming, past = list_shadow_days(workspace, today="2026-11-26")
    assert [d.id for d in upcoming] == [today_planned, soon, later]
    assert [d.id for d in past] == [today_done, missed, old]
    assert list_shadow_days(workspace, today=date(2027, 1, 1))[0] == []
    assert list_shadow_days(Workspace(workspace.home.parent / "empty"), today="2026-11-26") == ([], [])


def test_list_defaults_to_the_workspace_clock(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws", now=lambda: datetime(2026, 11, 26, 9, 0))
    plan_shadow_day(ws, shadow="Dana", host="Luis", direction="marketing_to_sales", date="2026-11-25")
    assert list_shadow_days(ws)[0] == []
    with pytest.raises(ValidationError):
        list_shadow_days(ws, today="tomorrow")


def test_resolve_by_id_or_unique_prefix(workspace: Workspace) -> None:
    a = workspace.shadow_days.add(ShadowDay(id="abc123", shadow="A", host="B", direction="marketing_to_sales", date="2026-12-01"))
    workspace.shadow_days.add(ShadowDay(id="abd456", shadow="A", host="B", direction="marketing_to_sales", date="2026-12-01"))
    assert resolve_shadow_day(workspace, "abc123") == a
    assert resolve_shadow_day(workspace, "abc") == a
    with pytest.raises(NotFoundError, match="matches 2"):
        resolve_shadow_day(workspace, "ab")
    with pytest.raises(NotFoundError, match="No shadow day"):
        resolve_shadow_day(workspace, "zzz")
    with pytest.raises(NotFoundError):
        resolve_shadow_day(workspace, "")


# --- prospect insights ----------------------------------------------------------------


def test_prospect_insight_takeaways_join_the_insight_list_once(workspace: Workspace) -> None:
    day = held(workspace, "2026-11-20", "Dana Kim", "Luis Ortega", insights=("Does it integrate with HubSpot?", "Onboarding takes too long"))
    first = shadow_insights(workspace, day)
    assert [(i.text, i.kind, i.reporter, i.shadow_day_id, i.date) for i in first] == [
        ("Does it integrate with HubSpot?", "question", "Dana Kim", day.id, "2026-11-20"),
        ("Onboarding takes too long", "pain_point", "Dana Kim", day.id, "2026-11-20"),
    ]
    assert [i.id for i in first] == [insight_id(t) for t in day.takeaways[1:]] == [f"{t.id}-i" for t in day.takeaways[1:]]
    before = workspace.insights.path.read_bytes()
    assert shadow_insights(workspace, day) == first
    assert workspace.insights.all() == first, "running it twice creates nothing new"
    assert workspace.insights.path.read_bytes() == before, "and writes nothing"


def test_an_edited_takeaway_updates_its_insight_and_keeps_what_people_added(workspace: Workspace) -> None:
    day = held(workspace, "2026-11-20", "Dana Kim", "Luis Ortega", insights=("Does it do SSO?", "Pricing is confusing"))
    sso, pricing = shadow_insights(workspace, day)
    # Someone refines the insights in the list: persona, stage, promoted to content.
    workspace.insights.update(sso.replace(persona="IT director", journey_stage="decision", times_heard=3))
    workspace.content.add(ContentItem(id="c1", title="Pricing explained", insight_id=pricing.id))
    workspace.insights.update(pricing.replace(content_item_id="c1"))
    edited = day.replace(
        takeaways=[
            day.takeaways[0],
            day.takeaways[1].replace(text="Does it do SSO with Okta?"),
            day.takeaways[2].replace(category="hand_off_friction"),  # no longer a prospect insight
        ]
    )
    (updated,) = shadow_insights(workspace, edited)
    assert (updated.id, updated.text, updated.persona, updated.journey_stage, updated.times_heard) == (
        sso.id,
        "Does it do SSO with Okta?",
        "IT director",
        "decision",
        3,
    )
    assert workspace.insights.get(pricing.id).content_item_id == "c1", "a promoted insight is kept"
    # Not promoted: an insight whose takeaway is gone is removed.
    shadow_insights(workspace, edited.replace(takeaways=edited.takeaways[:1]))
    assert [i.id for i in workspace.insights.all()] == [pricing.id]


def test_insights_of_other_days_are_left_alone(workspace: Workspace) -> None:
    a = held(workspace, "2026-11-20", "Dana Kim", "Luis Ortega", insights=("Question A?",))
    b = held(workspace, "2026-11-21", "Priya Raman", "Luis Ortega", insights=("Question B?",))
    shadow_insights(workspace, a)
    shadow_insights(workspace, b)
    shadow_insights(workspace, a.replace(takeaways=[]))
    assert [i.text for i in workspace.insights.all()] == ["Question B?"]


def test_a_very_long_takeaway_id_still_gives_a_valid_insight_id(workspace: Workspace) -> None:
    long_id = "t" * 64
    assert len(insight_id(Takeaway(id=long_id, category="prospect_insight", text="x"))) <= 64
    assert insight_id(Takeaway(id=long_id, category="prospect_insight", text="x")) == insight_id(Takeaway(id=long_id, category="prospect_insight", text="y"))


# --- the debrief ----------------------------------------------------------------------


def test_two_shadow_days_are_debriefed_at_the_next_debrief(workspace: Workspace, debrief: Template) -> None:
    ws = workspace
    m1 = create_planned_meeting(ws, meeting_plan("2026-11-06", new=True), debrief)
    assert isinstance(m1, PlannedMeeting) and m1.meeting.series_id == DEBRIEFS
    assert m1.debriefed == [] and m1.actions == []

    dana = held(ws, "2026-11-10", "Dana Kim", "Luis Ortega", insights=("Can we pilot it for one team?",))
    luis = held(ws, "2026-11-12", "Luis Ortega", "Dana Kim", experiment="Add the top 3 call objections to the nurture emails", direction="sales_to_marketing")
    quiet = held(ws, "2026-11-13", "Priya Raman", "Zoë Ng", experiment=None)
    running = held(ws, "2026-11-14", "Kenji Sato", "Maya Chen", status="in_progress")
    later = held(ws, "2026-11-25", "Olu Ade", "Maya Chen")  # after the meeting's date

    m2 = create_planned_meeting(ws, meeting_plan("2026-11-20"), debrief)
    assert m2.debriefed == [dana.id, luis.id, quiet.id], "done days since the previous meeting, in date order"
    first_shadow_item = next(i for i in m2.agenda if i.captures == "shadow")
    saved = ws.read_meeting(m2.meeting.id)
    assert saved.actions == m2.actions
    assert [(a.text, a.owner, a.due, a.status, a.meeting_id, a.agenda_item_id) for a in saved.actions] == [
        ("Experiment: Share call notes every Friday — report back", "Dana Kim", "2026-12-18", "open", m2.meeting.id, first_shadow_item.id),
        (
            "Experiment: Add the top 3 call objections to the nurture emails — report back",
            "Luis Ortega",
            "2026-12-18",
            "open",
            m2.meeting.id,
            first_shadow_item.id,
        ),
    ]
    days = {d.id: d for d in ws.shadow_days.all()}
    assert days[dana.id].experiment.action_id == saved.actions[0].id
    assert days[luis.id].experiment.action_id == saved.actions[1].id
    assert [days[i].debriefed_in for i in (dana.id, luis.id, quiet.id)] == [m2.meeting.id] * 3
    assert days[running.id].debriefed_in == days[later.id].debriefed_in == ""
    assert days[running.id].experiment.action_id == ""
    # Everything else about the days is untouched.
    assert days[dana.id].replace(debriefed_in="", experiment=dana.experiment) == dana
    # Their prospect insights joined the list.
    assert [(i.text, i.shadow_day_id) for i in ws.insights.all()] == [("Can we pilot it for one team?", dana.id)]
    # The debrief's minutes show the days it pulled in (not one held after it).
    text = render_minutes(ws.read_meeting(m2.meeting.id), Shared.load(ws))
    assert "## Shadow-day takeaways" in text
    assert "### Dana Kim with Luis Ortega" in text and "### Priya Raman with Zoë Ng" in text
    assert "Olu Ade" not in text

    # --- the action review brings the experiments back until they are closed --------------
    experiments = [a.id for a in saved.actions]
    m3 = create_planned_meeting(ws, meeting_plan("2026-12-04"), debrief)
    assert m3.debriefed == [later.id], "only the day held since; the others were debriefed"
    review = [a.id for a in ws.series_open_actions(DEBRIEFS, before=m3.meeting.date)]
    assert experiments[0] in review and experiments[1] in review
    ws.set_action_status(m2.meeting.id, experiments[0], "done", closed_in=m3.meeting.id, closed_on="2026-12-04")
    m4 = create_planned_meeting(ws, meeting_plan("2026-12-18"), debrief)
    review = [a.id for a in ws.series_open_actions(DEBRIEFS, before=m4.meeting.date)]
    assert experiments[0] not in review and experiments[1] in review, "returns for a report-back until closed"
    assert m4.debriefed == []


def test_a_day_already_debriefed_is_not_pulled_again(workspace: Workspace, debrief: Template, library) -> None:
    ws = workspace
    day = held(ws, "2026-11-10", "Dana Kim", "Luis Ortega")
    first = create_planned_meeting(ws, meeting_plan("2026-11-13", new=True), debrief)
    assert first.debriefed == [day.id], "no previous meeting: every done day not debriefed yet"
    action_id = ws.shadow_days.get(day.id).experiment.action_id
    # A second debrief series, with no meeting before: the day was debriefed already.
    other = create_planned_meeting(ws, meeting_plan("2026-11-14", title="Pair debriefs", new=True), debrief)
    assert other.debriefed == [] and other.actions == []
    # Nor does pulling into an existing meeting do it twice.
    assert pull_shadow_days(ws, first.meeting.id) == []
    assert pull_shadow_days(ws, other.meeting.id) == []
    assert ws.shadow_days.get(day.id).experiment.action_id == action_id
    assert [len(ws.read_meeting(m).actions) for m in (first.meeting.id, other.meeting.id)] == [1, 0]
    # The other series' minutes do not repeat it.
    assert "Dana Kim" not in render_minutes(ws.read_meeting(other.meeting.id), Shared.load(ws))


def test_meetings_without_a_shadow_item_pull_nothing(workspace: Workspace, library) -> None:
    ws = workspace
    day = held(ws, "2026-11-10", "Dana Kim", "Luis Ortega")
    weekly = create_planned_meeting(
        ws, meeting_plan("2026-11-12", series="weekly-smarketing-sync", title="Weekly sync", new=True), library.get("weekly-smarketing-sync")
    )
    assert weekly.debriefed == [] and weekly.actions == []
    assert ws.shadow_days.get(day.id) == day


def test_an_experiment_with_an_action_already_gets_no_second_one(workspace: Workspace, debrief: Template) -> None:
    ws = workspace
    day = held(ws, "2026-11-10", "Dana Kim", "Luis Ortega")
    ws.shadow_days.update(day.replace(experiment=day.experiment.replace(action_id="made-in-the-run")))
    m = create_planned_meeting(ws, meeting_plan("2026-11-13", new=True), debrief)
    assert m.debriefed == [day.id] and m.actions == []
    assert ws.shadow_days.get(day.id).experiment.action_id == "made-in-the-run"


def test_a_deleted_debrief_gives_its_days_back(workspace: Workspace, debrief: Template) -> None:
    ws = workspace
    day = held(ws, "2026-11-10", "Dana Kim", "Luis Ortega")
    first = create_planned_meeting(ws, meeting_plan("2026-11-13", new=True), debrief)
    ws.delete_meeting(first.meeting.id)
    again = create_planned_meeting(ws, meeting_plan("2026-11-13"), debrief)
    assert again.debriefed == [day.id]
    assert len(again.actions) == 1, "its experiment's action went with the deleted meeting: a new one"
    assert ws.shadow_days.get(day.id).experiment.action_id == again.actions[0].id


def test_pull_into_an_existing_meeting(workspace: Workspace, debrief: Template) -> None:
    """A debrief planned before the day was held pulls it in when asked (e.g. when it starts)."""
    ws = workspace
    m = create_planned_meeting(ws, meeting_plan("2026-11-20", new=True), debrief)
    day = held(ws, "2026-11-18", "Dana Kim", "Luis Ortega", insights=("Is there an API?",))
    assert pull_shadow_days(ws, m.meeting.id, rng=random.Random(3)) == [day.id]
    actions = ws.read_meeting(m.meeting.id).actions
    assert [a.text for a in actions] == ["Experiment: Share call notes every Friday — report back"]
    assert ws.shadow_days.get(day.id).experiment.action_id == actions[0].id
    assert ws.shadow_days.get(day.id).debriefed_in == m.meeting.id
    assert [i.text for i in ws.insights.all()] == ["Is there an API?"]
    assert pull_shadow_days(ws, m.meeting.id) == []
    assert len(ws.read_meeting(m.meeting.id).actions) == 1
