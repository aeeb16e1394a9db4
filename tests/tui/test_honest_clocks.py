"""'tandem was closed for N min' is asked only when tandem really was closed, and only an
explicit answer settles it."""

from __future__ import annotations

from pathlib import Path

import pytest
from clock import FakeClock
from test_typeahead import MID, live_workspace

from tandem.store.live import LiveSession
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.screens.confirm import ChoiceQuestion
from tandem.tui.screens.home import HomeScreen
from tandem.tui.screens.live import LiveScreen


async def test_a_visit_to_home_is_not_tandem_being_closed(tmp_path: Path) -> None:
    ws = live_workspace(tmp_path)
    clock = FakeClock()
    app = create_app(ws, clock=clock, start=StartWith(meeting_id=MID))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.settled()
        await pilot.press("escape", "q")  # the agenda, then home
        await app.settled()
        assert isinstance(app.screen, HomeScreen)
        clock.advance(minutes=10)  # well past the question's one minute
        await pilot.press("enter")
        await app.settled()
        assert isinstance(app.screen, LiveScreen), "no question"
        assert app.screen.session.gap_s == 0
        assert app.screen.session.meeting_elapsed() >= 600, "the ten minutes ran on the clock"


def crashed_meeting(tmp_path: Path, clock: FakeClock) -> Workspace:
    """A meeting running when tandem stopped without closing it (kill -9): last saved at
    the clock's time, writer lock gone with the process."""
    ws = live_workspace(tmp_path)
    session = LiveSession(ws, MID, clock=clock)
    session.start()
    assert session.saver.flush()
    session.writer.close()  # the lock goes with the process; no orderly close
    return ws


@pytest.mark.parametrize(("answer", "counted"), [("l", False), ("c", True)])
async def test_after_a_crash_the_question_needs_an_explicit_answer(tmp_path: Path, answer: str, counted: bool) -> None:
    clock = FakeClock()
    ws = crashed_meeting(tmp_path, clock)
    clock.advance(minutes=10)
    app = create_app(Workspace(ws.home), clock=clock, start=StartWith(meeting_id=MID))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.settled()
        question = app.screen
        assert isinstance(question, ChoiceQuestion)
        await pilot.pause(0.6)
        await pilot.press("escape", "y", "n", "x")  # none of these answers it
        await app.settled()
        assert app.screen is question
        live = next(s for s in app.screen_stack if isinstance(s, LiveScreen))
        assert live.query_one("#notes").text == "", "nothing typed at the question reached the notes"
        await pilot.press(answer)
        await app.settled()
        assert app.screen is live
        assert (live.session.meeting_elapsed() >= 600) is counted, "the ten minutes counted, or left out"
