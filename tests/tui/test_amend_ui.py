"""Editing an ended meeting from home (e), and unfinalize leading there: notes, records,
people and rating change; the clocks and the agenda stay as the meeting left them."""

from __future__ import annotations

from pathlib import Path

from clock import FakeClock
from conftest import build_sample, rendered_text
from test_home_lifecycle import ENDED, highlight, settled, shown_keys

from tandem.tui.app import create_app
from tandem.tui.screens.confirm import ConfirmScreen
from tandem.tui.screens.home import HomeScreen
from tandem.tui.screens.live import LiveScreen
from tandem.tui.screens.outcome import MeetingOutcomeScreen
from tandem.tui.screens.record_form import RecordForm
from tandem.tui.widgets.people import PeopleTicks


async def test_fix_a_typo_add_an_action_and_rate_after_the_meeting(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    before = ws.read_meeting(ENDED)
    clock = FakeClock()
    app = create_app(ws, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        await highlight(pilot, ENDED)
        assert "edit_meeting" in shown_keys(app)
        await pilot.press("e")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.session.amending
        assert "Ended · editing" in rendered_text(screen.query_one("#clockbar")) and "clocks stay stopped" in rendered_text(screen.query_one("#clockbar"))
        assert "1. Objectives check-in" in rendered_text(screen.query_one("#item-title"))
        # The notes are where the keys go, as in a live meeting.
        for key in "Fixed":
            await pilot.press(key)
        clock.advance(900)
        await pilot.press("ctrl+r")
        await settled(pilot)
        await pilot.press("t")  # the capture menu: action item
        await settled(pilot)
        assert isinstance(app.screen, RecordForm)
        for key in "Send deck":
            await pilot.press("space" if key == " " else key)
        await pilot.press("tab")
        for key in "Dana":
            await pilot.press(key)
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.screen is screen
        # The agenda's keys that change it or its clocks are not offered; n only moves on.
        await pilot.press("escape")
        await pilot.pause()
        keys = {action.removeprefix("screen.") for action in shown_keys(app)}
        assert {"next_item", "capture_menu", "leave"} <= keys
        assert {"skip", "park", "toggle_pause", "end_meeting", "extend"}.isdisjoint(keys)
        assert "amend_outcome" in keys
        await pilot.press("s", "k", "space", "plus")
        await pilot.press("n")
        await settled(pilot)
        assert "2. Lead quality from sales" in rendered_text(screen.query_one("#item-title"))
        await pilot.press("e")
        await settled(pilot)
        form = app.screen
        assert isinstance(form, MeetingOutcomeScreen)
        people = form.query_one("#people", PeopleTicks)
        assert [p.name for p in people.present] == ["Dana Kim", "Luis Ortega", "Priya Raman"]
        people.highlighted = 1
        await pilot.press("space")  # Luis was not there after all
        form.query_one("#rating").value = 4
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.screen is screen
        await pilot.press("q")
        await settled(pilot)
        assert isinstance(app.screen, HomeScreen)

    after = ws.read_meeting(ENDED)
    assert after.agenda[0].notes == "Fixed"
    assert any(a.text == "Send deck" and a.owner == "Dana" for a in after.actions), [(a.text, a.owner) for a in after.actions]
    m0, m1 = before.meeting, after.meeting
    assert (m1.status, m1.ended_at, m1.clock_elapsed, m1.rating) == ("ended", m0.ended_at, m0.clock_elapsed, 4)
    assert [a.name for a in m1.absentees] == ["Luis Ortega", "Zoë Ng"]
    assert [(i.status, i.elapsed_s, i.timebox_min) for i in after.agenda] == [(i.status, i.elapsed_s, i.timebox_min) for i in before.agenda]


async def test_unfinalize_opens_the_meeting_for_editing(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    ws.set_finalized(ENDED, True)
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        await highlight(pilot, ENDED)
        assert "edit_meeting" not in shown_keys(app)
        await pilot.press("u")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.pause(0.6)
        await pilot.press("y")
        await settled(pilot)
        assert isinstance(app.screen, LiveScreen) and app.screen.session.amending
        assert ws.get_meeting(ENDED).status == "ended"
