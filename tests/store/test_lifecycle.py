"""A meeting's life around the live part (store/lifecycle.py), and the carry-over chain
through meetings that were never held (store/planning.py)."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from test_carry_over import PEOPLE, carried, hold, plan

from tandem.store.errors import NotFoundError, TandemError, ValidationError
from tandem.store.ids import new_id
from tandem.store.lifecycle import (
    cancel_meeting,
    change_people,
    delete_meeting,
    missed_meetings,
    next_meeting,
    parse_meeting_day,
    reschedule_meeting,
    resolve_meeting_ref,
    uncancel_meeting,
    unstart_meeting,
    what_is_lost,
)
from tandem.store.live import LiveSession
from tandem.store.planning import create_planned_meeting
from tandem.store.records import ActionItem, AgendaItem, Attendee, Decision
from tandem.store.templates import Template, load_library
from tandem.store.words import count
from tandem.store.workspace import Workspace

TODAY = date(2026, 12, 3)


@pytest.fixture
def template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Template:
    monkeypatch.setenv("TANDEM_CONFIG_DIR", str(tmp_path / "config"))
    return load_library().get("weekly-smarketing-sync")


def test_cancel_keeps_the_meeting_and_takes_it_off_next(workspace: Workspace, template: Template) -> None:
    first = create_planned_meeting(workspace, plan("2026-12-04", new_series=True), template).meeting
    second = create_planned_meeting(workspace, plan("2026-12-11"), template).meeting
    assert next_meeting(workspace.list_meetings(), TODAY) == first
    cancelled = cancel_meeting(workspace, first.id)
    assert cancelled.status == "cancelled" and not cancelled.held
    assert workspace.get_meeting(first.id).status == "cancelled"
    assert next_meeting(workspace.list_meetings(), TODAY) == second
    with pytest.raises(TandemError, match="only a planned meeting can be cancelled"):
        cancel_meeting(workspace, first.id)
    assert uncancel_meeting(workspace, first.id).status == "planned"
    assert next_meeting(workspace.list_meetings(), TODAY).id == first.id  # type: ignore[union-attr]


def test_a_planned_meeting_in_the_past_is_missed_not_next(workspace: Workspace, template: Template) -> None:
    past = create_planned_meeting(workspace, plan("2026-11-26", new_series=True), template).meeting
    assert next_meeting(workspace.list_meetings(), TODAY) is None
    assert missed_meetings(workspace.list_meetings(), TODAY) == [past]
    ahead = create_planned_meeting(workspace, plan("2026-12-03"), template).meeting
    assert next_meeting(workspace.list_meetings(), TODAY) == ahead, "today's counts as next"


def test_reschedule_moves_the_date_and_keeps_the_id_and_its_links(workspace: Workspace, template: Template) -> None:
    early = create_planned_meeting(workspace, plan("2026-12-04", new_series=True), template).meeting
    later = create_planned_meeting(workspace, plan("2026-12-11"), template).meeting
    with workspace.open_meeting(early.id) as writer:
        writer.actions.add(ActionItem(id="prep", text="Prepare the numbers", owner="Dana Kim", meeting_id=early.id))
    moved = reschedule_meeting(workspace, early.id, date(2026, 12, 18))
    assert (moved.id, moved.date) == (early.id, "2026-12-18")
    assert [m.id for m in workspace.list_meetings()] == [later.id, early.id], "lists follow the date, not the id"
    (action,) = [a for a in workspace.action_items() if a.id == "prep"]
    assert action.meeting_id == early.id
    assert parse_meeting_day("fri", TODAY) == date(2026, 12, 4)
    assert parse_meeting_day("+1w", TODAY) == date(2026, 12, 10)
    with pytest.raises(ValidationError, match="not a date"):
        parse_meeting_day("someday", TODAY)


def test_people_change_before_the_meeting_only(workspace: Workspace, template: Template) -> None:
    meeting = create_planned_meeting(workspace, plan("2026-12-04", new_series=True), template).meeting
    sam = Attendee(name="Sam Lee", team="sales")
    changed = change_people(workspace, meeting.id, facilitator=" Luis Ortega ", attendees=[*PEOPLE, sam], absentees=[Attendee(name="Sam Lee", team="sales")])
    assert changed.facilitator == "Luis Ortega"
    assert [p.name for p in changed.attendees] == ["Dana Kim", "Luis Ortega", "Sam Lee"]
    assert changed.absentees == [], "attending and absent at once: attending wins"
    apologies = change_people(workspace, meeting.id, absentees=[sam])
    assert [p.name for p in apologies.attendees] == ["Dana Kim", "Luis Ortega"] and apologies.absentees == [sam]
    session = LiveSession(workspace, meeting.id)
    session.start()
    session.close()
    with pytest.raises(TandemError, match="only a planned meeting"):
        change_people(workspace, meeting.id, facilitator="Someone")


def test_unstart_resets_the_clocks_and_keeps_what_was_written(workspace: Workspace, template: Template) -> None:
    meeting = create_planned_meeting(workspace, plan("2026-12-04", new_series=True), template).meeting
    session = LiveSession(workspace, meeting.id)
    session.start()
    session.set_notes(session.agenda[0].id, "Oops, started the wrong meeting")
    session.close()
    record = workspace.read_meeting(meeting.id)
    assert record.meeting.status == "live" and record.meeting.started_at
    back = unstart_meeting(workspace, meeting.id)
    record = workspace.read_meeting(meeting.id)
    assert back.status == record.meeting.status == "planned"
    assert (record.meeting.started_at, record.meeting.clock_elapsed, record.meeting.clock_running_since, record.meeting.active_item_id) == (
        None,
        0.0,
        None,
        None,
    )
    assert {i.status for i in record.agenda} == {"pending"} and {i.elapsed_s for i in record.agenda} == {0.0}
    assert any("Oops" in i.notes for i in record.agenda), "the notes stay"
    with pytest.raises(TandemError, match="only a live meeting"):
        unstart_meeting(workspace, meeting.id)


def test_delete_keeps_a_copy_and_says_what_is_lost(workspace: Workspace, template: Template) -> None:
    meeting = create_planned_meeting(workspace, plan("2026-11-26", new_series=True), template).meeting
    hold(
        workspace,
        meeting.id,
        statuses={},
        actions=[ActionItem(id="a1", text="Send the deck", owner="Dana Kim")],
        parked_text=["Rebrand timeline"],
    )
    with workspace.open_meeting(meeting.id) as writer:
        writer.decisions.add(Decision(id=new_id(), text="SAL within 24h"))
        first = writer.agenda.all()[0]
        writer.agenda.update(first.replace(notes="We agreed on the SLA"))
    record = workspace.read_meeting(meeting.id)
    assert what_is_lost(record) == ["notes on 1 item", "1 decision", "1 action item", "1 parked topic"]
    before = workspace.meeting_path(meeting.id).read_bytes()
    deleted = delete_meeting(workspace, meeting.id)
    assert not workspace.meeting_path(meeting.id).exists()
    with zipfile.ZipFile(deleted.kept_in) as archive:
        assert archive.read(f"meetings/{meeting.id}.json") == before
    with pytest.raises(NotFoundError):
        delete_meeting(workspace, meeting.id)


def test_a_finalized_or_live_meeting_is_not_deleted(workspace: Workspace, template: Template) -> None:
    meeting = create_planned_meeting(workspace, plan("2026-11-26", new_series=True), template).meeting
    hold(workspace, meeting.id, statuses={})
    workspace.set_finalized(meeting.id, True)
    with pytest.raises(TandemError):
        delete_meeting(workspace, meeting.id)
    assert workspace.meeting_path(meeting.id).exists()


def test_a_meeting_is_named_by_a_unique_start_of_its_id(workspace: Workspace, template: Template) -> None:
    a = create_planned_meeting(workspace, plan("2026-12-04", new_series=True), template).meeting
    create_planned_meeting(workspace, plan("2026-12-11"), template)
    assert resolve_meeting_ref(workspace, "2026-12-04") == a
    assert resolve_meeting_ref(workspace, a.id) == a
    with pytest.raises(NotFoundError, match="matches 2 meetings"):
        resolve_meeting_ref(workspace, "2026-12")
    with pytest.raises(NotFoundError, match="No meeting"):
        resolve_meeting_ref(workspace, "2027")


# --- the carry-over chain --------------------------------------------------------------


def _held_with_leftovers(workspace: Workspace, template: Template) -> str:
    first = create_planned_meeting(workspace, plan("2026-11-05", new_series=True), template).meeting
    hold(
        workspace,
        first.id,
        add=[
            AgendaItem(id=new_id(), title="Webinar follow-up plan", timebox_min=8, captures="content"),
            AgendaItem(id=new_id(), title="Pricing page feedback", timebox_min=12),
            AgendaItem(id=new_id(), title="Trade show booth", timebox_min=4),
        ],
        statuses={"Webinar follow-up plan": "pending", "Pricing page feedback": "parked", "Trade show booth": "skipped"},
    )
    return first.id


def test_items_carried_into_a_cancelled_meeting_carry_on(workspace: Workspace, template: Template) -> None:
    first = _held_with_leftovers(workspace, template)
    second = create_planned_meeting(workspace, plan("2026-11-12"), template)
    assert sorted(carried(second)) == sorted([("Pricing page feedback", first), ("Webinar follow-up plan", first), ("Trade show booth", first)])
    cancel_meeting(workspace, second.meeting.id)
    third = create_planned_meeting(workspace, plan("2026-11-19"), template)
    assert sorted(carried(third)) == sorted(carried(second)), "each once, still from where it began"
    # A parked item keeps its own timebox and capture kind, not a flat five minutes.
    by_title = {i.title: i for i in third.agenda}
    assert by_title["Pricing page feedback"].timebox_min == 12
    assert (by_title["Webinar follow-up plan"].timebox_min, by_title["Webinar follow-up plan"].captures) == (8, "content")


def test_items_carried_into_a_meeting_never_held_carry_on(workspace: Workspace, template: Template) -> None:
    first = _held_with_leftovers(workspace, template)
    create_planned_meeting(workspace, plan("2026-11-12"), template)  # left planned: never held
    third = create_planned_meeting(workspace, plan("2026-11-19"), template)
    assert {title for title, _ in carried(third)} == {"Pricing page feedback", "Webinar follow-up plan", "Trade show booth"}
    assert {source for _, source in carried(third)} == {first}


def test_a_meeting_planned_the_same_day_hands_over_only_its_parking_lot(workspace: Workspace, template: Template) -> None:
    _held_with_leftovers(workspace, template)
    morning = create_planned_meeting(workspace, plan("2026-11-12"), template)
    afternoon = create_planned_meeting(workspace, plan("2026-11-12"), template)
    assert carried(morning) and not carried(afternoon)


def test_counts_say_one_or_many() -> None:
    assert [count(1, "lead"), count(2, "lead"), count(1, "hit"), count(0, "decision"), count(2, "entry")] == [
        "1 lead",
        "2 leads",
        "1 hit",
        "0 decisions",
        "2 entries",
    ]


# --- minutes record what happened in each meeting ----------------------------------------


def test_the_action_review_is_in_this_weeks_minutes_and_last_months_stay_put(workspace: Workspace, template: Template) -> None:
    from minutes_helpers import tasks

    from tandem.store.minutes.render import Shared, render_minutes

    first = create_planned_meeting(workspace, plan("2026-11-05", new_series=True), template).meeting
    hold(
        workspace,
        first.id,
        statuses={},
        actions=[
            ActionItem(id="a1", text="Fix lead routing for EMEA", owner="Luis Ortega"),
            ActionItem(id="a2", text="Draft the SLA one-pager", owner="Dana Kim"),
            ActionItem(id="a3", text="Share call snippets", owner="Luis Ortega", due="2026-11-20"),
        ],
    )
    workspace.set_finalized(first.id, True)
    before = render_minutes(workspace.read_meeting(first.id), Shared.load(workspace))
    second = create_planned_meeting(workspace, plan("2026-11-12"), template).meeting
    hold(workspace, second.id, statuses={})
    workspace.set_action_status(first.id, "a1", "done", closed_in=second.id, closed_on="2026-11-12")
    workspace.set_action_status(first.id, "a2", "dropped", closed_in=second.id, closed_on="2026-11-12")

    shared = Shared.load(workspace)
    assert render_minutes(workspace.read_meeting(first.id), shared) == before, "finalized minutes do not change"
    assert tasks(before, "Action items") == [
        "[ ] Fix lead routing for EMEA — **Luis Ortega**",
        "[ ] Draft the SLA one-pager — **Dana Kim**",
        "[ ] Share call snippets — **Luis Ortega**, due 2026-11-20",
    ]
    this_week = render_minutes(workspace.read_meeting(second.id), shared)
    assert tasks(this_week, "Action review") == [
        "[x] Fix lead routing for EMEA — **Luis Ortega** (done 2026-11-12)",
        "[x] ~~Draft the SLA one-pager~~ (dropped) — **Dana Kim**",
        "[ ] Share call snippets — **Luis Ortega**, due 2026-11-20",
    ]
    # The week after: the two closed last week are no longer reviewed; the open one is.
    third = create_planned_meeting(workspace, plan("2026-11-19"), template).meeting
    assert tasks(render_minutes(workspace.read_meeting(third.id), Shared.load(workspace)), "Action review") == [
        "[ ] Share call snippets — **Luis Ortega**, due 2026-11-20"
    ]


def test_read_back_minutes_close_what_a_later_review_closed(workspace: Workspace, template: Template, tmp_path: Path) -> None:
    """review --minutes: the action tracker read from the files matches the workspace."""
    from tandem.store.minutes.export import export_minutes
    from tandem.store.review.from_minutes import MinutesFolderSource

    first = create_planned_meeting(workspace, plan("2026-11-05", new_series=True), template).meeting
    hold(
        workspace,
        first.id,
        statuses={},
        actions=[ActionItem(id="a1", text="Fix lead routing", owner="Luis Ortega"), ActionItem(id="a2", text="Send the deck", owner="Dana Kim")],
    )
    workspace.set_finalized(first.id, True)
    second = create_planned_meeting(workspace, plan("2026-11-12"), template).meeting
    hold(workspace, second.id, statuses={})
    workspace.set_action_status(first.id, "a1", "done", closed_in=second.id, closed_on="2026-11-12")
    export_minutes(workspace, [first.id, second.id], tmp_path / "minutes")
    rows = {(row.text, row.status, row.closed_on) for row in MinutesFolderSource(tmp_path / "minutes").load().actions}
    assert rows == {("Fix lead routing", "done", "2026-11-12"), ("Send the deck", "open", "")}
