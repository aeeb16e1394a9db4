"""The live meeting in the app: new-meeting form, facilitation keys, end flow, resume."""

from __future__ import annotations

from pathlib import Path

import pytest
from clock import FakeClock
from conftest import build_sample, rendered_text
from textual.widgets import Input, Select, SelectionList, TextArea

from tandem.store.records import AgendaItem, Meeting
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.screens.help import HelpScreen
from tandem.tui.screens.live import LiveScreen
from tandem.tui.screens.new_meeting import NewMeetingScreen, parse_person
from tandem.tui.widgets.agenda import AgendaList, agenda_line

MID = "2026-11-26-sync"


def live_workspace(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "ws")
    ws.create_meeting(
        Meeting(id=MID, series_id="sync", title="Weekly sync", date="2026-11-26", facilitator="Dana"),
        [
            AgendaItem(id="i0", title="Objectives check-in", position=0, timebox_min=10, prompts=["Where are we against target?"]),
            AgendaItem(id="i1", title="Lead quality from sales", position=1, timebox_min=15, captures="lead_feedback"),
            AgendaItem(id="i2", title="Coming down the pipeline", position=2, timebox_min=10),
            AgendaItem(id="i3", title="Action review", position=3, timebox_min=5),
        ],
    )
    return ws


async def settle(pilot) -> None:
    """Let loading workers finish (not the ones waiting on a dialog)."""
    from textual.worker import WorkerState

    for _ in range(200):
        await pilot.pause(0.01)
        if not any(w.group == "load" and w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in pilot.app.workers):
            break
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


def parse_person_cases() -> None:
    assert parse_person("Ana Ruiz, sales")[0].team == "sales"
    assert parse_person("Ana Ruiz (Marketing)")[0].team == "marketing"
    assert parse_person("Ana Ruiz")[0] is None


def test_parse_person() -> None:
    parse_person_cases()


async def test_new_meeting_form_validates_and_creates(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    clock = FakeClock()
    app = create_app(ws, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewMeetingScreen)
        # Defaults from the series' last meeting: facilitator and people.
        assert form.query_one("#facilitator", Input).value == "Dana Kim"
        people = form.query_one("#people", SelectionList)
        assert people.option_count == 4 and len(people.selected) == 3
        # No template yet: submitting shows the error and keeps what was typed.
        form.query_one("#facilitator", Input).value = "Luis Ortega"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NewMeetingScreen)
        assert "Pick a template" in rendered_text(form.query_one("#template-field .field-error"))
        assert form.query_one("#facilitator", Input).value == "Luis Ortega"
        # Pick one with the keyboard.
        assert form.focused is form.query_one("#template", Select)
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert form.query_one("#template", Select).value != Select.NULL
        # Add a person.
        form.query_one("#person", Input).focus()
        await type_text(pilot, "Zed, other")
        await pilot.press("enter")
        assert people.option_count == 5 and len(people.selected) == 4
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveScreen), "a meeting dated today starts right away"
        session = app.screen.session
        assert session.meeting.status == "live" and session.meeting.facilitator == "Luis Ortega"
        assert [a.name for a in session.meeting.attendees][-1] == "Zed"
        assert session.meeting.absentees[0].name == "Zoë Ng"
        assert session.agenda[0].status == "active"


async def test_facilitation_keys(tmp_path: Path) -> None:
    ws = live_workspace(tmp_path)
    clock = FakeClock()
    app = create_app(ws, clock=clock, start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        notes = screen.query_one("#notes", TextArea)
        assert screen.focused is notes
        await type_text(pilot, "n is typed, not next")
        assert notes.text == "n is typed, not next"
        clock.advance(minutes=9)
        screen.tick()
        assert "-warn" in screen.query_one("#item-timer").classes
        clock.advance(minutes=2)
        screen.tick()
        assert "-over" in screen.query_one("#item-timer").classes
        await pilot.press("ctrl+n")  # next, while typing
        s = screen.session
        assert s.active_item.id == "i1" and s.item("i0").notes == "n is typed, not next"
        await pilot.press("escape")
        agenda = screen.query_one("#agenda", AgendaList)
        assert screen.focused is agenda
        await pilot.press("plus")
        assert s.item("i1").timebox_min == 20
        await pilot.press("down", "s")  # skip the highlighted item 2
        assert s.item("i2").status == "skipped"
        await pilot.press("down", "k")  # park item 3
        assert s.item("i3").status == "parked" and s.record.parking_lot[0].text == "Action review"
        await pilot.press("shift+up")  # reorder: item 3 moves above item 2
        assert [i.id for i in s.agenda] == ["i0", "i1", "i3", "i2"]
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "Pricing page")
        await pilot.press("enter")
        await pilot.pause()
        assert [i.title for i in s.agenda][2] == "Pricing page"
        await pilot.press("space")
        assert not s.running
        clock.advance(minutes=5)
        assert s.meeting_elapsed() == 11 * 60
        await pilot.press("space")
        assert s.running
        await pilot.press("p")
        assert s.active_item.id == "i0"
        await pilot.press("down", "enter")  # jump to the highlighted item; the agenda keeps the keys, as after n
        await pilot.pause()
        assert s.active_item.id == "i1" and screen.focused is agenda
        await pilot.press("n")
        await pilot.pause()
        assert s.item("i1").status == "done" and screen.focused is agenda and s.item("i1").notes == ""
        await pilot.press("i")
        assert screen.focused is notes
        assert s.saver.flush()
    on_disk = ws.read_meeting(MID)
    assert on_disk.agenda[0].notes == "n is typed, not next"
    assert [i.title for i in on_disk.agenda][2] == "Pricing page"
    assert on_disk.parking_lot[0].text == "Action review"


async def test_forecast_is_shown(tmp_path: Path) -> None:
    ws = live_workspace(tmp_path)
    clock = FakeClock()
    app = create_app(ws, clock=clock, start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        clock.advance(minutes=14)  # 40 planned, 26 left; 15+10+5 = 30 needed
        screen.tick()
        forecast = rendered_text(screen.query_one("#forecast"))
        assert "Won't fit" in forecast and "Action review" in forecast and "4 min" in forecast
        assert "late" in rendered_text(screen.query_one("#clockbar"))


async def test_end_rate_export_and_finalize(tmp_path: Path) -> None:
    ws = live_workspace(tmp_path)
    clock = FakeClock()
    app = create_app(ws, clock=clock, start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        clock.advance(minutes=12)
        await pilot.press("ctrl+n")
        clock.advance(minutes=3)
        await pilot.press("escape", "e")
        await pilot.pause()
        summary = rendered_text(app.screen.query_one("#end-not-covered"))
        assert "Coming down the pipeline" in summary
        await pilot.press("4")
        await pilot.press("escape")  # keep going
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        await pilot.press("e", "4", "tab")
        await type_text(pilot, "Tight but useful")
        await pilot.press("enter")  # Enter never ends a meeting: it may be a stray key
        assert type(app.screen).__name__ == "EndMeetingScreen"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        minutes = ws.home / "minutes" / "2026-11-26_sync.md"
        assert minutes.is_file() and "Tight but useful" in minutes.read_text()
        await pilot.press("f")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.session is None
    meeting = ws.get_meeting(MID)
    assert meeting.status == "finalized" and meeting.rating == 4
    assert ws.read_meeting(MID).agenda[0].elapsed_s == 12 * 60


async def test_resume_after_quit_returns_to_the_same_item(tmp_path: Path) -> None:
    ws = live_workspace(tmp_path)
    clock = FakeClock()
    app = create_app(ws, clock=clock, start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        clock.advance(minutes=4)
        await pilot.press("ctrl+n")
        await type_text(pilot, "G2 leads good")
        clock.advance(minutes=2)
        await pilot.press("ctrl+q")
    clock.advance(minutes=30)  # lunch: quitting banked nothing running? the clock kept running
    again = create_app(ws, clock=clock)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the live meeting is first in the list (newest)
        await settle(pilot)
        # tandem was closed 30 minutes with the clock running: it asks whether to count that.
        assert type(again.screen).__name__ == "ChoiceQuestion"
        screen = again.screen_stack[-2]
        assert isinstance(screen, LiveScreen)
        assert screen.session.active_item.id == "i1"
        assert screen.query_one("#notes", TextArea).text == "G2 leads good"
        await pilot.pause(0.6)  # a question takes keys pressed after it appeared
        await pilot.press("l")  # leave the lunch out
        await settle(pilot)
        assert screen.session.item_elapsed(screen.session.item("i1")) == 120
        assert screen.session.meeting_elapsed() == 360


async def test_help_lists_the_live_bindings(tmp_path: Path) -> None:
    app = create_app(live_workspace(tmp_path), clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = rendered_text(app.screen.query_one("VerticalScroll Static"))
        for binding_id in ("live.next", "live.park", "live.extend", "live.pause_typing", "app.help"):
            assert binding_id in text


async def test_palette_offers_facilitation_commands(tmp_path: Path) -> None:
    from tandem.tui.commands import ScreenCommands

    app = create_app(live_workspace(tmp_path), clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = ScreenCommands(app.screen)
        titles = [hit.text async for hit in provider.discover()]
        assert "meeting: next item" in titles and "meeting: end" in titles
        hits = sorted([hit async for hit in provider.search("park")], key=lambda h: -h.score)
        assert hits[0].text == "meeting: park item"
        await hits[0].command()
        assert app.screen.session.item("i0").status == "parked"


async def test_locked_meeting_is_refused_with_who_holds_it(tmp_path: Path) -> None:
    ws = live_workspace(tmp_path)
    holder = ws.open_meeting(MID)
    try:
        app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert not isinstance(app.screen, LiveScreen)
            assert any("open for editing by PID" in n.message for n in app._notifications)
    finally:
        holder.close()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_live_snapshot(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    ws = live_workspace(tmp_path)
    clock = FakeClock()
    app = create_app(ws, clock=clock, start=StartWith(meeting_id=MID))

    async def run_before(pilot) -> None:
        await settle(pilot)
        screen = app.screen
        clock.advance(minutes=11)
        await pilot.press("ctrl+n")
        await type_text(pilot, "- 3 G2 leads, all good")
        clock.advance(minutes=13)
        assert screen.session.saver.flush()
        screen.tick()
        app.sub_title = "Weekly sync · 2026-11-26"
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("title", ["Objectives check-in", "🎯 目标检查 " * 4, "🎯 Goals", "Ünïcödé ÀÉÎ"])
def test_an_agenda_line_fits_its_width_with_wide_characters(title: str) -> None:
    for width in (20, 30, 61):
        line = agenda_line(1, AgendaItem(id="x", title=title, timebox_min=10, status="active"), 125, will_not_fit=True, width=width)
        assert line.cell_len == width, (title, width, line.plain)
        assert line.plain.endswith("2:05/10m ⚠"), "the timer is never what gets cut"
        narrow = agenda_line(1, AgendaItem(id="x", title=title, timebox_min=10, status="active"), 125, will_not_fit=False, width=width, timer=False)
        assert narrow.cell_len == width and "10m" not in narrow.plain, "a narrow sidebar gives the title the room"


@pytest.mark.parametrize(("alert", "bells", "flashes"), [("off", 0, False), ("bell", 1, False), ("flash", 0, True), ("both", 1, True)])
async def test_a_timebox_running_out_is_announced_once_as_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, alert: str, bells: int, flashes: bool
) -> None:
    from dataclasses import replace

    from tandem.tui.screens import live

    ws = live_workspace(tmp_path)
    clock = FakeClock()
    app = create_app(ws, clock=clock, start=StartWith(meeting_id=MID))
    app.settings = replace(app.settings, overrun_alert=alert)
    rung: list[int] = []
    app.bell = lambda: rung.append(1)
    monkeypatch.setattr(live, "FLASH_S", 0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        head = screen.query_one("#item-head")
        clock.advance(minutes=9)
        screen.tick()
        assert not rung and "-flash" not in head.classes  # amber only, before it runs out
        clock.advance(minutes=2)
        screen.tick()
        assert len(rung) == bells and ("-flash" in head.classes) == flashes
        clock.advance(minutes=1)
        screen.tick()  # still over: no second alert
        assert len(rung) == bells
        await pilot.pause(0.5)
        assert "-flash" not in head.classes  # a moment, not for good
