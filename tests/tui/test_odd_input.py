"""Odd input: pasted escape sequences never reach the terminal; emoji, right-to-left,
combining and zero-width characters survive every trip (screen, disk, minutes)."""

from __future__ import annotations

from pathlib import Path

from clock import FakeClock
from textual import events
from textual.widgets import Input, TextArea

from tandem.store.records import AgendaItem, Attendee, Meeting
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.screens.capture_forms import DecisionForm

MID = "2026-11-26-sync"
PASTE = "Lead list from the CRM:\x1b[31m 12 hot\x1b[0m\r\nbell\x07 title\x1b]0;owned\x07 done"
CLEANED = "Lead list from the CRM: 12 hot\nbell title done"
#: Emoji with modifiers and joiners, Arabic and Hebrew, combining accents, zero-width joiner
#: and non-joiner, a flag: text that must come back exactly as typed.
ODD = "Zoë 👩🏽‍💻 مرحبا שלום e\u0301\u0301 a\u200db\u200cc 🇸🇪"


def workspace(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "ws")
    ws.create_meeting(
        Meeting(id=MID, series_id="sync", title="Weekly sync", date="2026-11-26", facilitator="Dana", attendees=[Attendee(name="Dana", team="marketing")]),
        [AgendaItem(id="i0", title="Leads", position=0, timebox_min=5)],
    )
    return ws


def paste(app, text: str) -> None:
    event = events.Paste(text)
    event.set_sender(app)
    app.post_message(event)


async def test_a_paste_with_escape_sequences_arrives_clean(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        notes = app.screen.query_one("#notes", TextArea)
        assert app.focused is notes
        paste(app, PASTE)
        await pilot.pause(0.2)
        assert notes.text == CLEANED
        await pilot.press("ctrl+q")
    assert ws.read_meeting(MID).agenda[0].notes == CLEANED


async def test_a_paste_into_a_form_field_arrives_clean(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("escape", "d")
        await pilot.pause(0.2)
        assert isinstance(app.screen, DecisionForm)
        field = app.screen.query_one("#w-text", Input)
        field.focus()
        paste(app, "\x1b[1mShip\x1b[0m the SLA")
        await pilot.pause(0.1)
        assert field.value == "Ship the SLA"


async def test_odd_characters_survive_screen_disk_and_minutes(tmp_path: Path) -> None:
    from tandem.store.minutes.render import Shared, render_minutes

    ws = workspace(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        paste(app, ODD)
        await pilot.pause(0.1)
        await pilot.press("escape", "d")
        await pilot.pause(0.2)
        app.screen.query_one("#w-text", Input).value = ODD
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        await pilot.press("ctrl+q")
    record = ws.read_meeting(MID)
    assert record.agenda[0].notes == ODD
    assert [d.text for d in record.decisions] == [ODD]
    minutes = render_minutes(record, Shared.load(ws))
    assert ODD in minutes
