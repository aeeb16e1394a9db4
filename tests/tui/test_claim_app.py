"""A meeting a teammate runs on another clone opens read-only in the app: its minutes as
synced, with a sentence naming who runs it; home says who runs a live meeting."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from clock import FakeClock
from rich.text import Text
from test_home import detail_text, wait_loaded
from textual.widgets import Static

from tandem.store.live import LiveSession
from tandem.store.records import Claim
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.screens.live import LiveScreen
from tandem.tui.screens.minutes import MinutesScreen
from tests.store.sync_team import FIRST_MEETING, seed

HOLDER = Claim(person="Maya [b]Ruiz[/b]", host="maya-laptop", since="2026-12-08T10:02:00")


def _claimed_elsewhere(home: Path) -> Workspace:
    ws = seed(home)
    session = LiveSession(ws, FIRST_MEETING, clock=lambda: datetime(2026, 12, 8, 10, 2))
    session.start()
    session.set_notes(session.agenda[0].id, "Leads from the webinar: good")
    assert session.saver.flush()
    session.close()
    with ws.open_meeting(FIRST_MEETING) as writer:
        writer.save_meeting(writer.meeting.replace(claim=HOLDER))
    return ws


async def test_enter_on_a_meeting_run_elsewhere_shows_its_minutes_read_only(tmp_path: Path) -> None:
    ws = _claimed_elsewhere(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock(datetime(2026, 12, 8, 10, 30)))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        assert "Run by Maya [b]Ruiz[/b] on maya-laptop since 2026-12-08 10:02" in detail_text(app)
        summary = app.screen.query_one("#summary", Static).content
        assert isinstance(summary, Text) and "run by Maya [b]Ruiz[/b] on maya-laptop, Enter shows it" in summary.plain
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MinutesScreen)
        assert app.session is None  # nothing was opened for editing
        shown = "\n".join(str(n.message) for n in app._notifications)
        assert "is being run by Maya [b]Ruiz[/b] on maya-laptop since 2026-12-08 10:02" in shown
        assert "--take-over" in shown
    # Nothing was written: the claim is still hers.
    assert Workspace(ws.home).get_meeting(FIRST_MEETING).claim == HOLDER


async def test_take_over_from_the_command_line_runs_it_here(tmp_path: Path) -> None:
    ws = _claimed_elsewhere(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock(datetime(2026, 12, 8, 10, 30)), start=StartWith(meeting_id=FIRST_MEETING, take_over=True))
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):  # (the live screen's clock keeps a worker busy: no waiting for all)
            await pilot.pause(0.05)
        # (Her clock ran on while nobody ran it here: the live screen asks what to count.)
        assert any(isinstance(screen, LiveScreen) for screen in app.screen_stack)
        assert app.session is not None and app.session.saver.flush()
        claim = Workspace(ws.home).get_meeting(FIRST_MEETING).claim
    assert claim is not None and claim.person != HOLDER.person and claim.since == "2026-12-08T10:30:00"
