"""Carry-over across three consecutive meetings of a series, and the action review.

Meeting 1 parks one item, leaves one pending, skips one and covers one; meeting 2 covers some
of what it was handed and leaves the rest; meeting 3 gets exactly what is still uncovered.
Action items are reviewed (closed) from later meetings — also in a finalized origin meeting —
and the series' open list shrinks only by the items actually reviewed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest

from tandem.store.errors import MeetingLockedError, NotFoundError, ValidationError
from tandem.store.ids import new_id
from tandem.store.live import LiveSession
from tandem.store.planning import MeetingPlan, create_planned_meeting
from tandem.store.records import ActionItem, AgendaItem, Attendee, CheckIn, ContentItem, Objective, ParkedItem
from tandem.store.templates import Template, load_library
from tandem.store.workspace import MeetingRecord, Workspace

SERIES = "weekly-smarketing-sync"
DAYS = ("2026-11-05", "2026-11-12", "2026-11-19")
PEOPLE = [Attendee(name="Dana Kim", team="marketing"), Attendee(name="Luis Ortega", team="sales")]


@pytest.fixture
def template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Template:
    # Only the built-in templates: a user's own "weekly-smarketing-sync" must not leak in.
    monkeypatch.setenv("TANDEM_CONFIG_DIR", str(tmp_path / "config"))
    return load_library().get("weekly-smarketing-sync")


def plan(day: str, *, new_series: bool = False) -> MeetingPlan:
    return MeetingPlan(
        series_id="" if new_series else SERIES,
        series_title="Weekly smarketing sync",
        template_id="weekly-smarketing-sync",
        date=day,
        facilitator="Dana Kim",
        attendees=list(PEOPLE),
        absentees=[],
    )


def titled(record: MeetingRecord, title: str) -> AgendaItem:
    return next(i for i in record.agenda if i.title == title)


def hold(
    ws: Workspace,
    meeting_id: str,
    *,
    statuses: dict[str, str],
    add: Sequence[AgendaItem] = (),
    parked_text: Sequence[str] = (),
    actions: Sequence[ActionItem] = (),
    end: bool = True,
) -> MeetingRecord:
    """What happens in a meeting, written through the store API: items added during it, the
    status each item ends with (others done), the parking lot, the action items."""
    with ws.open_meeting(meeting_id) as writer:
        record = writer.read()
        start = len(record.agenda)
        for n, item in enumerate(add):
            writer.agenda.add(item.replace(position=start + n))
        for item in writer.agenda.all():
            status = statuses.get(item.title, "done")
            writer.agenda.update(item.replace(status=status, elapsed_s=60.0 if status == "done" else 0.0))
            if status == "parked":
                writer.parking_lot.add(ParkedItem(id=new_id(), text=item.title, meeting_id=meeting_id, agenda_item_id=item.id))
        for text in parked_text:
            writer.parking_lot.add(ParkedItem(id=new_id(), text=text, meeting_id=meeting_id))
        for action in actions:
            writer.actions.add(action.replace(meeting_id=meeting_id))
        if end:
            writer.save_meeting(
                writer.meeting.replace(status="ended", started_at=f"{record.meeting.date}T09:00:00", ended_at=f"{record.meeting.date}T09:45:00")
            )
    return ws.read_meeting(meeting_id)


def carried(record: MeetingRecord) -> list[tuple[str, str]]:
    return [(i.title, i.carried_from) for i in record.agenda if i.carried_from]


def test_three_meetings_carry_exactly_what_is_uncovered(workspace: Workspace, template: Template) -> None:
    ws = workspace
    template_titles = [item.title for item in template.items]
    assert all(item.standing for item in template.items)

    # --- meeting 1 ---------------------------------------------------------------------
    m1 = create_planned_meeting(ws, plan(DAYS[0], new_series=True), template)
    assert m1.meeting.series_id == SERIES and not carried(m1)
    webinar = AgendaItem(
        id=new_id(),
        title="Webinar follow-up plan",
        timebox_min=8,
        prompts=["Who follows up on the attendees?"],
        presenter="Dana Kim",
        presenter_team="marketing",
        captures="content",
        notes="started; ran out of time",
    )
    hold(
        ws,
        m1.meeting.id,
        add=[
            AgendaItem(id=new_id(), title="Pricing page feedback"),
            webinar,
            AgendaItem(id=new_id(), title="Trade show booth", timebox_min=4),
            AgendaItem(id=new_id(), title="Partner referral leads"),
            # The template already has this title: never carried as a second copy.
            AgendaItem(id=new_id(), title="voice of the PROSPECT"),
        ],
        statuses={
            "Pricing page feedback": "parked",
            "Webinar follow-up plan": "pending",
            "Trade show booth": "skipped",
            "voice of the PROSPECT": "pending",
            # A standing item not covered recurs from the template: not carried.
            "Current lead generation": "skipped",
        },
        parked_text=["Rebrand timeline"],
        actions=[
            ActionItem(id="a1", text="Fix lead routing for EMEA", owner="Luis Ortega", due="2026-11-10"),
            ActionItem(id="a2", text="Draft the SLA one-pager", owner="Dana Kim"),
            ActionItem(id="a3", text="Share call snippets", owner="Luis Ortega", due="2026-11-20"),
        ],
    )
    ws.set_finalized(m1.meeting.id, True)

    # --- meeting 2: the parking lot, then the uncovered non-standing items ----------------
    m2 = create_planned_meeting(ws, plan(DAYS[1]), template)
    assert carried(m2) == [
        ("Pricing page feedback", m1.meeting.id),
        ("Rebrand timeline", m1.meeting.id),
        ("Webinar follow-up plan", m1.meeting.id),
        ("Trade show booth", m1.meeting.id),
    ]
    titles = [i.title for i in m2.agenda]
    assert titles == [*template_titles[:-2], *(t for t, _ in carried(m2)), *template_titles[-2:]]
    assert [i.position for i in m2.agenda] == list(range(len(m2.agenda)))
    assert m2.agenda == ws.read_meeting(m2.meeting.id).agenda
    copy = titled(m2, "Webinar follow-up plan")
    assert (copy.timebox_min, copy.prompts, copy.presenter_team, copy.captures) == (8, ["Who follows up on the attendees?"], "marketing", "content")
    assert (copy.status, copy.elapsed_s, copy.notes, copy.standing) == ("pending", 0.0, "", False)
    assert copy.id != webinar.id
    assert titled(m2, "Trade show booth").timebox_min == 4
    assert sum(i.title.casefold() == "voice of the prospect" for i in m2.agenda) == 1

    # The action review of meeting 2: every open item of the series from before it.
    review = ws.series_open_actions(SERIES, before=DAYS[1])
    assert [a.id for a in review] == ["a1", "a2", "a3"]
    assert {a.meeting_id for a in review} == {m1.meeting.id}
    # Meeting 1 is finalized, yet its action items can still be closed.
    done = ws.set_action_status(m1.meeting.id, "a1", "done", closed_in=m2.meeting.id, closed_on=DAYS[1])
    assert (done.status, done.closed_in, done.closed_on) == ("done", m2.meeting.id, DAYS[1])
    ws.set_action_status(m1.meeting.id, "a2", "dropped", closed_in=m2.meeting.id, closed_on=DAYS[1])
    # a3 is not reviewed: it stays open.
    assert [a.id for a in ws.series_open_actions(SERIES, before=DAYS[1])] == ["a3"]
    after = ws.read_meeting(m1.meeting.id)
    assert after.meeting.status == "finalized"
    assert [(a.id, a.status, a.closed_in) for a in after.actions] == [
        ("a1", "done", m2.meeting.id),
        ("a2", "dropped", m2.meeting.id),
        ("a3", "open", ""),
    ]
    assert after.agenda == ws.read_meeting(m1.meeting.id).agenda  # nothing else changed

    hold(
        ws,
        m2.meeting.id,
        add=[AgendaItem(id=new_id(), title="Q1 event calendar", timebox_min=6)],
        statuses={
            "Rebrand timeline": "parked",  # parked again: travels through the lot again
            "Webinar follow-up plan": "pending",  # still not covered
            "Q1 event calendar": "skipped",
            "Lead quality from sales": "pending",  # standing
        },
        actions=[
            ActionItem(id="b1", text="Pull closed-lost reasons", owner="Luis Ortega", due="2026-11-15"),
            ActionItem(id="b2", text="Book the webinar room", owner="Dana Kim", status="done", closed_on=DAYS[1]),
        ],
    )

    # --- meeting 3: what meeting 2 left, including meeting 1's item it did not cover --------
    m3 = create_planned_meeting(ws, plan(DAYS[2]), template)
    assert carried(m3) == [
        ("Rebrand timeline", m2.meeting.id),
        ("Webinar follow-up plan", m2.meeting.id),
        ("Q1 event calendar", m2.meeting.id),
    ]
    again = titled(m3, "Webinar follow-up plan")
    assert (again.timebox_min, again.prompts, again.captures) == (8, ["Who follows up on the attendees?"], "content")
    assert titled(m3, "Q1 event calendar").timebox_min == 6
    assert len(m3.agenda) == len(template_titles) + 3

    assert [a.id for a in ws.series_open_actions(SERIES, before=DAYS[2])] == ["a3", "b1"]
    assert [a.id for a in ws.series_open_actions(SERIES, before=DAYS[1])] == ["a3"]
    ws.set_action_status(m2.meeting.id, "b1", "done", closed_in=m3.meeting.id, closed_on=DAYS[2])
    with ws.open_meeting(m3.meeting.id) as writer:
        writer.actions.add(ActionItem(id="c1", text="Send the event shortlist", owner="Dana Kim", meeting_id=m3.meeting.id))
    assert [a.id for a in ws.series_open_actions(SERIES, before=DAYS[2])] == ["a3"]
    assert [a.id for a in ws.series_open_actions(SERIES)] == ["a3", "c1"]
    assert ws.series_open_actions("other-series") == []

    # Reopening clears where and when it was closed.
    reopened = ws.set_action_status(m1.meeting.id, "a1", "open")
    assert (reopened.status, reopened.closed_in, reopened.closed_on) == ("open", "", "")
    assert [a.id for a in ws.series_open_actions(SERIES, before=DAYS[2])] == ["a1", "a3"]
    assert ws.get_meeting(m1.meeting.id).status == "finalized"


def test_a_previous_meeting_not_ended_hands_over_only_its_parking_lot(workspace: Workspace, template: Template) -> None:
    ws = workspace
    m1 = create_planned_meeting(ws, plan(DAYS[0], new_series=True), template)
    hold(
        ws,
        m1.meeting.id,
        add=[AgendaItem(id=new_id(), title="Webinar follow-up plan"), AgendaItem(id=new_id(), title="Pricing page")],
        statuses={"Webinar follow-up plan": "pending", "Pricing page": "skipped"},
        parked_text=["Rebrand timeline"],
        end=False,
    )
    for status in ("planned", "live"):
        with ws.open_meeting(m1.meeting.id) as writer:
            writer.save_meeting(writer.meeting.replace(status=status))
        m2 = create_planned_meeting(ws, plan(DAYS[1]), template)
        assert carried(m2) == [("Rebrand timeline", m1.meeting.id)], status
        ws.delete_meeting(m2.meeting.id)


def test_carry_over_after_a_real_live_meeting(workspace: Workspace, template: Template) -> None:
    """The same rules through the live-meeting logic: add, park, skip, end."""
    ws = workspace
    m1 = create_planned_meeting(ws, plan(DAYS[0], new_series=True), template)
    session = LiveSession(ws, m1.meeting.id, clock=lambda: datetime(2026, 11, 5, 9, 0))
    try:
        session.start()
        # Each new item goes right after the active one (the first template item).
        session.add_item("Pricing page", timebox_min=7)
        booth = session.add_item("Trade show booth")
        referrals = session.add_item("Partner referral leads")
        session.park(referrals.id)
        session.skip(booth.id)
        session.end(rating=4)
    finally:
        session.close()
    statuses = {i.title: i.status for i in ws.read_meeting(m1.meeting.id).agenda}
    assert (statuses["Partner referral leads"], statuses["Trade show booth"], statuses["Pricing page"]) == ("parked", "skipped", "pending")
    m2 = create_planned_meeting(ws, plan(DAYS[1]), template)
    assert carried(m2) == [
        ("Partner referral leads", m1.meeting.id),
        ("Trade show booth", m1.meeting.id),
        ("Pricing page", m1.meeting.id),
    ]
    assert titled(m2, "Pricing page").timebox_min == 7


def test_set_action_status_refusals(workspace: Workspace, template: Template) -> None:
    ws = workspace
    m1 = create_planned_meeting(ws, plan(DAYS[0], new_series=True), template)
    hold(ws, m1.meeting.id, statuses={}, actions=[ActionItem(id="a1", text="Fix routing", owner="Luis Ortega")])
    with pytest.raises(ValidationError, match="status"):
        ws.set_action_status(m1.meeting.id, "a1", "finished")
    with pytest.raises(NotFoundError):
        ws.set_action_status(m1.meeting.id, "nope", "done")
    with pytest.raises(NotFoundError):
        ws.set_action_status("2020-01-01-nothing", "a1", "done")
    with pytest.raises(ValidationError, match="closed_on"):
        ws.set_action_status(m1.meeting.id, "a1", "done", closed_on="26/11/2026")
    # Someone has the origin meeting open: the usual one-sentence refusal, nothing written.
    with ws.open_meeting(m1.meeting.id), pytest.raises(MeetingLockedError) as info:
        ws.set_action_status(m1.meeting.id, "a1", "done")
    message = str(info.value)
    assert message.startswith(f"Meeting {m1.meeting.id} is open for editing by PID {os.getpid()} on ")
    assert message.endswith(".") and "\n" not in message
    assert ws.read_meeting(m1.meeting.id).actions[0].status == "open"
    # Once it is closed, the change goes through (and the lock is released again).
    assert ws.set_action_status(m1.meeting.id, "a1", "done").status == "done"
    ws.open_meeting(m1.meeting.id).close()


def test_objectives_due_and_content_in_pipeline(workspace: Workspace) -> None:
    ws = workspace

    def objective(oid: str, status: str, *dates: str) -> Objective:
        return Objective(
            id=oid,
            title=oid.upper(),
            metric="SQLs",
            target=60,
            status=status,
            checkins=[CheckIn(date=d, value=10.0 * n, status="on_track") for n, d in enumerate(dates)],
        )

    ws.objectives.add_many(
        [
            objective("checked-last-week", "at_risk", "2026-11-12", "2026-11-05"),
            objective("checked-today", "on_track", "2026-11-05", "2026-11-19"),
            objective("never-checked", "on_track"),
            objective("met", "met", "2026-10-01"),
            objective("dropped", "dropped"),
            objective("checked-later", "off_track", "2026-11-26"),
        ]
    )
    due = ws.objectives_due(since="2026-11-19")
    assert [o.id for o in due] == ["checked-last-week", "never-checked"]
    assert due[0].latest.date == "2026-11-12" and [c.date for c in due[0].checkins] == ["2026-11-05", "2026-11-12"]
    assert [o.id for o in ws.objectives_due(since="2026-11-12")] == ["never-checked"]
    assert [o.id for o in ws.objectives_due(since="2026-12-01")] == ["checked-last-week", "checked-today", "never-checked", "checked-later"]
    with pytest.raises(ValidationError):
        ws.objectives_due(since="next week")

    assert ws.content_in_pipeline() == []
    ws.content.add_many(
        [
            ContentItem(id="c1", title="Shipped case study", status="shipped", eta="2026-11-01"),
            ContentItem(id="c2", title="b: ROI calculator", status="in_progress", eta="2026-12-01"),
            ContentItem(id="c3", title="Webinar recap", status="planned", eta="2026-11-25"),
            ContentItem(id="c4", title="Zeta battlecard", status="idea"),
            ContentItem(id="c5", title="alpha one-pager", status="idea"),
            ContentItem(id="c6", title="A: onboarding ebook", status="planned", eta="2026-12-01"),
        ]
    )
    assert [c.id for c in ws.content_in_pipeline()] == ["c3", "c6", "c2", "c5", "c4"]
