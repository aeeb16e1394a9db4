"""The live screen says so when the computer's clock jumped and the meeting clocks were kept
honest (store/live.py, LiveSession._now)."""

from __future__ import annotations

from pathlib import Path

from clock import FakeClock
from test_typeahead import MID, live_workspace

from tandem.store.live import LiveSession
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.screens.live import LiveScreen


async def test_the_live_screen_reports_a_clock_correction(tmp_path: Path) -> None:
    clock = FakeClock()
    ws = live_workspace(tmp_path)
    session = LiveSession(ws, MID, clock=clock)
    session.start()
    clock.advance(minutes=5)
    session.close()
    clock.jump(minutes=-90)  # set back while tandem was closed
    app = create_app(Workspace(ws.home), clock=clock, start=StartWith(meeting_id=MID))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.settled()
        assert isinstance(app.screen, LiveScreen)
        await pilot.pause(0.6)
        notes = [n.message for n in app._notifications if n.title == "Clock"]
        assert len(notes) == 1 and "90 min behind the meeting's last save" in notes[0], notes
        assert app.screen.session.clock_notes == []
        assert app.screen.session.meeting_elapsed() == 300
