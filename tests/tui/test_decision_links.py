"""A decision captured in a meeting can supersede or reverse one of an earlier meeting."""

from __future__ import annotations

from pathlib import Path

from clock import FakeClock
from conftest import build_sample
from test_capture_ui import settle, type_text

from tandem.tui.app import StartWith, create_app
from tandem.tui.screens.record_form import RecordForm
from tandem.tui.widgets.choice import Choice

PLANNED = "2026-11-26-weekly-smarketing-sync"


async def test_a_decision_reverses_an_earlier_one(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=PLANNED))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await pilot.press("d")
        await app.settled(timeout=20)
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        earlier = form.query_one("#w-earlier", Choice)
        # Both earlier meetings' decisions, newest first; not this meeting's own.
        assert [value for _, value in earlier.options] == [None, "dec-1", "dec-0"]
        assert earlier.options[1][0] == "2026-11-19 · SAL within 24h"
        await type_text(pilot, "Drop the SAL rule")
        earlier.value = "dec-0"
        form.query_one("#w-change", Choice).value = "reverses"
        await pilot.press("ctrl+s")
        await settle(pilot)
        decision = app.screen.session.record.decisions[-1]
        assert (decision.text, decision.reverses, decision.supersedes) == ("Drop the SAL rule", "dec-0", "")
        assert (decision.earlier_text, decision.earlier_date) == ("SAL within 24h", "2026-11-12")
        # Edited: the link stays, and can be turned into a supersede.
        app.screen.query_one("#captured").focus()
        await pilot.press("enter")
        await app.settled(timeout=20)
        await pilot.pause()
        assert app.screen.query_one("#w-earlier", Choice).value == "dec-0"
        app.screen.query_one("#w-change", Choice).value = "supersedes"
        await pilot.press("ctrl+s")
        await settle(pilot)
        decision = app.screen.session.record.decisions[-1]
        assert (decision.reverses, decision.supersedes) == ("", "dec-0")
