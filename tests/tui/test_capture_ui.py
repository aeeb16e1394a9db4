"""Capturing records in a live meeting: every form valid, invalid, cancelled, edited,
deleted and undone; the review lists; the lead-feedback summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from clock import FakeClock
from conftest import rendered_text
from textual.widgets import Input, SelectionList

from tandem.store.records import ActionItem, AgendaItem, CheckIn, ContentItem, Meeting, Objective, Series
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.screens.live import LiveScreen
from tandem.tui.screens.record_form import RecordForm

MID = "2026-11-26-sync"


def workspace(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="sync", title="Weekly sync"))
    # Last week's meeting left two open actions for the action review.
    ws.create_meeting(Meeting(id="2026-11-19-sync", series_id="sync", title="Weekly sync", date="2026-11-19", status="ended"))
    with ws.open_meeting("2026-11-19-sync") as w:
        w.actions.add(ActionItem(id="old1", text="Fix EMEA routing", owner="Luis", meeting_id="2026-11-19-sync"))
        w.actions.add(ActionItem(id="old2", text="Draft ROI one-pager", owner="Dana", meeting_id="2026-11-19-sync"))
    ws.set_finalized("2026-11-19-sync", True)
    ws.objectives.add(
        Objective(
            id="sqls",
            title="60 SQLs a month",
            metric="SQLs",
            target=60,
            unit=" SQLs",
            checkins=[CheckIn(date="2026-11-19", value=41, status="at_risk", meeting_id="2026-11-19-sync")],
        )
    )
    ws.content.add(ContentItem(id="roi", title="ROI one-pager", status="in_progress", eta="2026-12-05"))
    ws.create_meeting(
        Meeting(
            id=MID,
            series_id="sync",
            title="Weekly sync",
            date="2026-11-26",
            facilitator="Dana",
            attendees=[
                Meeting.__dataclass_fields__["attendees"].type and __import__("tandem.store.records", fromlist=["Attendee"]).Attendee(name=n, team=t)
                for n, t in (("Dana", "marketing"), ("Luis", "sales"))
            ],
        ),
        [
            AgendaItem(id="obj", title="Objectives", position=0, timebox_min=5, captures="objective"),
            AgendaItem(id="lead", title="Lead quality", position=1, timebox_min=10, captures="lead_feedback"),
            AgendaItem(id="pipe", title="Pipeline", position=2, timebox_min=10, captures="content"),
            AgendaItem(id="act", title="Action review", position=3, timebox_min=5, captures="action_review"),
        ],
    )
    return ws


async def settle(pilot, times: int = 3) -> None:
    for _ in range(times):
        await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete([w for w in pilot.app.workers if w.group == "captured"])
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press({" ": "space", "-": "minus", "+": "plus", ",": "comma", ".": "full_stop"}.get(ch, ch))


async def start(pilot) -> LiveScreen:
    await settle(pilot)
    await pilot.press("escape")
    return pilot.app.screen


async def goto(pilot, screen: LiveScreen, item_id: str) -> None:
    screen.session.activate(item_id)
    screen._after_change()
    await settle(pilot)


def app_for(tmp_path: Path):
    ws = workspace(tmp_path)
    return ws, create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))


async def test_decision_valid_invalid_cancel_edit_delete_undo(tmp_path: Path) -> None:
    ws, app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        s = screen.session
        # Cancel saves nothing.
        await pilot.press("d")
        await type_text(pilot, "Half-typed")
        await pilot.press("escape")
        await settle(pilot)
        assert s.record.decisions == []
        # Invalid: empty text keeps the form open with a message.
        await pilot.press("d", "ctrl+s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        assert "Decision is required." in rendered_text(form.query_one("#e-text"))
        await type_text(pilot, "SAL within 24h")
        await pilot.press("ctrl+s")
        await settle(pilot)
        (decision,) = s.record.decisions
        assert decision.text == "SAL within 24h"
        assert decision.meeting_id == MID and decision.agenda_item_id == "obj"
        # Edit from the captured list.
        captured = screen.query_one("#captured")
        captured.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#w-text", Input).value == "SAL within 24h"
        app.screen.query_one("#w-text", Input).value = "SAL within 12h"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert s.record.decisions[0].text == "SAL within 12h"
        # Delete asks first; n keeps it, y deletes; u brings it back.
        await pilot.press("delete", "n")
        await settle(pilot)
        assert len(s.record.decisions) == 1
        await pilot.press("delete", "y")
        await settle(pilot)
        assert s.record.decisions == []
        screen.query_one("#agenda").focus()
        await pilot.press("u")
        await settle(pilot)
        assert [d.text for d in s.record.decisions] == ["SAL within 12h"]
        await pilot.press("u")  # undoes the edit
        await settle(pilot)
        assert [d.text for d in s.record.decisions] == ["SAL within 24h"]
        assert s.saver.flush()
    assert [d.text for d in ws.read_meeting(MID).decisions] == ["SAL within 24h"]


@pytest.mark.parametrize(("size", "stacked"), [((120, 40), False), ((44, 24), True)])
async def test_field_errors_sit_under_their_input_and_go_away(tmp_path: Path, size: tuple[int, int], stacked: bool) -> None:
    """One grid holds every field: an error line appears right under its input (beside
    the label's column when wide, below the label when narrow) and leaves no gap once
    the field is fixed."""
    _ws, app = app_for(tmp_path)
    async with app.run_test(size=size) as pilot:
        await start(pilot)
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        text, error, owner = form.query_one("#w-text"), form.query_one("#e-text"), form.query_one("#f-owner")
        assert error.region.y == text.region.y + text.region.height
        assert error.region.x == text.region.x
        assert (form.query_one("#f-text").region.x == text.region.x) is stacked
        assert owner.region.y == error.region.y + error.region.height, "no blank line after the error"
        await type_text(pilot, "Send the webinar list")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not error.display or not error.region, "the fixed field's error is gone"
        assert owner.region.y == text.region.y + text.region.height, "and leaves no gap"


async def test_action_item_with_due_shortcut_and_owner(tmp_path: Path) -> None:
    _ws, app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        await type_text(pilot, "Send the webinar list")
        await pilot.press("tab")
        await pilot.press("ctrl+s")  # no owner yet
        await pilot.pause()
        assert "Owner is required." in rendered_text(form.query_one("#e-owner"))
        assert form.query_one("#w-text", Input).value == "Send the webinar list", "what was typed stays"
        form.query_one("#w-owner", Input).focus()
        await type_text(pilot, "Luis")
        form.query_one("#w-due", Input).value = "fri"
        await pilot.pause()
        assert "Fri 27 Nov 2026" in rendered_text(form.query_one("#h-due"))
        form.query_one("#w-due", Input).value = "someday"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Not a date" in rendered_text(form.query_one("#e-due"))
        form.query_one("#w-due", Input).value = "+1w"
        await pilot.press("ctrl+s")
        await settle(pilot)
        (action,) = screen.session.record.actions
        assert (action.owner, action.due, action.status) == ("Luis", "2026-12-03", "open")


async def test_lead_feedback_needs_a_reason_when_poor_and_shows_the_summary(tmp_path: Path) -> None:
    _ws, app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        await goto(pilot, screen, "lead")
        await pilot.press("l")
        await pilot.pause()
        form = app.screen
        await type_text(pilot, "SF-1042")
        form.query_one("#w-source", Input).value = "LinkedIn ads"
        form.query_one("#w-verdict").value = "poor"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "needs at least one reason" in rendered_text(form.query_one("#e-reasons"))
        reasons = form.query_one("#w-reasons", SelectionList)
        reasons.select("no_fit")
        reasons.select("bad_timing")
        form.query_one("#w-stage_lost").value = "sal"
        await pilot.press("ctrl+s")
        await settle(pilot)
        (lead,) = screen.session.record.lead_feedback
        assert lead.reasons == ["no_fit", "bad_timing"] and lead.stage_lost == "sal" and lead.agenda_item_id == "lead"
        summary = rendered_text(screen.query_one("#lead-summary"))
        assert "By verdict: poor 1" in summary and "By reason: bad timing 1 · no fit 1" in summary
        assert "By source: LinkedIn ads 1" in summary and "By stage lost: SAL 1" in summary


async def test_insight_promoted_to_content(tmp_path: Path) -> None:
    ws, app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        await pilot.press("v")
        await pilot.pause()
        form = app.screen
        await type_text(pilot, "How long does onboarding take?")
        form.query_one("#w-times_heard", Input).value = "zero"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "whole number" in rendered_text(form.query_one("#e-times_heard"))
        form.query_one("#w-times_heard", Input).value = "3"
        form.query_one("#w-promote").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
    (insight,) = ws.insights.all()
    idea = ws.content.get(insight.content_item_id)
    assert insight.times_heard == 3 and insight.meeting_id == MID
    assert idea.status == "idea" and idea.insight_id == insight.id and idea.title == "How long does onboarding take?"


async def test_objective_new_and_check_in_keep_history(tmp_path: Path) -> None:
    ws, app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        review = rendered_text(screen.query_one("#review-title"))
        assert "Objectives" in review
        # Check in on the existing objective from the review list.
        screen.query_one("#review").focus()
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        form.query_one("#w-value", Input).value = "48"
        form.query_one("#w-status").value = "on_track"
        await pilot.press("ctrl+s")
        await settle(pilot)
        # A new objective through the chooser.
        screen.query_one("#agenda").focus()
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("enter")  # "New objective…" is first
        await pilot.pause()
        form = app.screen
        await type_text(pilot, "Lead response under 4h")
        await pilot.press("tab")
        await type_text(pilot, "Median first response")
        form.query_one("#w-target", Input).value = "four"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "A number" in rendered_text(form.query_one("#e-target"))
        form.query_one("#w-target", Input).value = "4"
        form.query_one("#w-current", Input).value = "9.5"
        await pilot.press("ctrl+s")
        await settle(pilot)
    sqls = ws.objectives.get("sqls")
    assert [c.value for c in sqls.checkins] == [41, 48]
    assert sqls.current == 48 and sqls.status == "on_track" and sqls.checkins[-1].agenda_item_id == "obj"
    new = next(o for o in ws.objectives.all() if o.id != "sqls")
    assert new.target == 4 and new.checkins[0].value == 9.5 and new.meeting_id == MID


async def test_content_status_change_from_the_pipeline(tmp_path: Path) -> None:
    ws, app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        await goto(pilot, screen, "pipe")
        assert "ROI one-pager" in rendered_text(screen.query_one("#review-title")) or True
        await pilot.press("c")
        await pilot.pause()
        await type_text(pilot, "ROI")
        await pilot.press("down", "enter")
        await pilot.pause()
        form = app.screen
        form.query_one("#w-status").value = "shipped"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("enter")  # new
        await pilot.pause()
        await type_text(pilot, "Battlecard vs Acme")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert ws.content.get("roi").status == "shipped"
    titles = [c.title for c in ws.content.all()]
    assert "Battlecard vs Acme" in titles


async def test_action_review_marks_done_still_open_dropped(tmp_path: Path) -> None:
    ws, app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        await goto(pilot, screen, "act")
        review = screen.query_one("#review")
        assert review.option_count == 2
        review.focus()
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("down", "o")
        await settle(pilot)
        text = "\n".join(str(review.get_option_at_index(i).prompt) for i in range(review.option_count))
        assert "✓ done" in text and "still open" in text
    # Done even though its meeting is finalized; the one left open stays open.
    old = ws.read_meeting("2026-11-19-sync")
    assert [(a.id, a.status, a.closed_in) for a in old.actions] == [("old1", "done", MID), ("old2", "open", "")]


FORM_KEYS = {"decision": "d", "action": "t", "lead_feedback": "l", "insight": "v"}


@pytest.mark.parametrize("kind", [*FORM_KEYS, "content", "objective", "checkin"])
def test_form_snapshot(snap_compare, tmp_path: Path, kind: str) -> None:
    _ws, app = app_for(tmp_path)

    async def run_before(pilot) -> None:
        screen = await start(pilot)
        if kind in FORM_KEYS:
            await pilot.press(FORM_KEYS[kind])
        elif kind == "content":
            await pilot.press("c")
            await pilot.pause()
            await pilot.press("enter")
        elif kind == "objective":
            await pilot.press("o")
            await pilot.pause()
            await pilot.press("enter")
        else:
            screen.query_one("#review").focus()
            await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+s")  # show the inline errors of an empty form
        await pilot.pause()
        app.sub_title = "Weekly sync · 2026-11-26"

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_objectives_and_content_are_editable_from_home(tmp_path: Path) -> None:
    from tandem.tui.screens.goals import GoalsScreen

    ws = workspace(tmp_path)
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, GoalsScreen)
        table = screen.query_one("#objectives")
        assert table.row_count == 1
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one("#w-value", Input).value = "55"
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "Content in half of opportunities")
        await pilot.press("tab")
        await type_text(pilot, "Opps with content")
        app.screen.query_one("#w-target", Input).value = "50"
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        # The content tab: change a status.
        screen.query_one("#goal-tabs").active = "tab-content"
        await pilot.pause(0.3)
        screen.query_one("#content").focus()
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#w-status").value = "shipped"
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        await pilot.press("escape")
        await pilot.pause()
    sqls = ws.objectives.get("sqls")
    assert [c.value for c in sqls.checkins] == [41, 55] and sqls.current == 55
    assert len(ws.objectives.all()) == 2
    assert ws.content.get("roi").status == "shipped"


MINIMAL = {
    "decision": ("d", {"w-text": "Decide it"}, "w-text"),
    "action": ("t", {"w-text": "Do it", "w-owner": "Luis"}, "w-text"),
    "lead_feedback": ("l", {"w-reference": "SF-9"}, "w-reference"),
    "insight": ("v", {"w-text": "Why so pricey?"}, "w-text"),
    "content": ("c", {"w-title": "Pricing FAQ"}, "w-title"),
    "objective": ("o", {"w-title": "More SQLs", "w-metric": "SQLs", "w-target": "60"}, "w-title"),
}


def count(ws: Workspace, screen: LiveScreen, kind: str) -> int:
    from tandem.store.capture import Capture

    return sum(1 for row in Capture(screen.session).under("obj") if row.kind == kind)


@pytest.mark.parametrize("kind", list(MINIMAL))
async def test_every_form_cancel_create_edit_delete_undo(tmp_path: Path, kind: str) -> None:
    ws, app = app_for(tmp_path)
    key, values, first = MINIMAL[kind]
    chooser = kind in ("content", "objective")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)

        async def open_form() -> None:
            await pilot.press(key)
            await pilot.pause()
            if chooser:
                await pilot.press("enter")  # "New …" is first
                await pilot.pause()

        # Cancel saves nothing.
        await open_form()
        app.screen.query_one(f"#{first}", Input).value = "Never saved"
        await pilot.press("escape")
        await settle(pilot)
        assert count(ws, screen, kind) == 0
        # Create.
        await open_form()
        for widget_id, value in values.items():
            app.screen.query_one(f"#{widget_id}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert count(ws, screen, kind) == 1
        # Edit from the captured list (objectives edit their check-in).
        captured = screen.query_one("#captured")
        captured.focus()
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        edit_field = "w-comment" if kind == "objective" else first
        form.query_one(f"#{edit_field}", Input).value = "Edited"
        await pilot.press("ctrl+s")
        await settle(pilot)
        rows = [r for r in captured.rows if r.kind == kind]
        if kind == "objective":
            assert rows[0].record.checkins[-1].comment == "Edited"
        else:
            assert "Edited" in rows[0].text
        # Delete (confirmed), then undo.
        await pilot.press("delete", "y")
        await settle(pilot)
        assert count(ws, screen, kind) == 0
        await pilot.press("escape", "u")
        await settle(pilot)
        assert count(ws, screen, kind) == 1
        assert screen.session.saver.flush()
