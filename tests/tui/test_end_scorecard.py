"""Ending a lead-quality meeting in the app keeps the SLA scorecard it saw (read in a worker
while the facilitator rates the meeting), and a damaged lead list never stops the end."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from clock import FakeClock
from test_live_ui import MID, live_workspace, settle

from tandem.store.crm.lead import LEADS_FILE
from tandem.store.sla.versions import parse_change, set_sla
from tandem.tui.app import StartWith, create_app


async def _end(ws, clock: FakeClock) -> list[str]:
    """Run the meeting for a while, end it rated 4 without exporting; the notifications."""
    app = create_app(ws, clock=clock, start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        clock.advance(minutes=5)
        await pilot.press("escape", "e", "4")  # (out of the notes first)
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "MeetingEndedScreen"
        return [n.message for n in app._notifications]


async def test_ending_keeps_the_scorecard_and_the_minutes_show_it(tmp_path: Path) -> None:
    ws = live_workspace(tmp_path)
    set_sla(ws, [parse_change("mqls_per_month", "40")], effective=date(2026, 10, 1), now=datetime(2026, 10, 1, 9, 0))
    notes = await _end(ws, FakeClock())
    record = ws.read_meeting(MID)
    assert record.meeting.status == "ended"
    assert [(line.id, line.target, line.verdict) for line in record.scorecard][:1] == [("mqls_per_month", "≥ 40", "—")]
    assert not any("scorecard" in n for n in notes)


async def test_a_damaged_lead_list_is_said_and_the_meeting_still_ends(tmp_path: Path) -> None:
    ws = live_workspace(tmp_path)
    (ws.home / LEADS_FILE).write_text('{"leads": {"x": {"id": 3}}}', encoding="utf-8")
    notes = await _end(ws, FakeClock())
    record = ws.read_meeting(MID)
    assert record.meeting.status == "ended" and record.scorecard == []
    assert any(n.startswith("The minutes will have no SLA scorecard:") and LEADS_FILE in n for n in notes)
