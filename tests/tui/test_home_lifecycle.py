"""A meeting's life from home: change the date and people, cancel and plan again, delete
(a copy kept), take back a start; the keys shown follow the highlighted meeting."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from clock import FakeClock
from conftest import build_sample, rendered_text
from textual.widgets import DataTable, Input

from tandem.store.live import LiveSession
from tandem.store.workspace import Workspace
from tandem.tui.app import create_app
from tandem.tui.screens.confirm import ConfirmScreen
from tandem.tui.screens.home import HomeScreen
from tandem.tui.screens.new_meeting import EditMeetingScreen

PLANNED = "2026-11-26-weekly-smarketing-sync"
ENDED = "2026-11-19-weekly-smarketing-sync"


async def settled(pilot) -> None:
    # Not workers.wait_for_complete(): a lifecycle worker waits on the question it asked.
    await pilot.app.settled(timeout=20)
    await pilot.pause()


def shown_keys(app) -> set[str]:
    """The actions the footer offers now."""
    return {binding.action for (_, binding, enabled, _) in app.active_bindings.values() if enabled}


async def highlight(pilot, meeting_id: str) -> None:
    table = pilot.app.screen.query_one("#meetings", DataTable)
    table.move_cursor(row=table.get_row_index(meeting_id))
    await pilot.pause()


async def test_cancel_then_plan_again(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        await highlight(pilot, PLANNED)
        assert {"edit_meeting", "cancel_meeting", "delete_meeting"} <= shown_keys(app)
        assert "finalize" not in shown_keys(app) and "uncancel_meeting" not in shown_keys(app)
        await pilot.press("c")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Cancel Weekly smarketing sync of Thu 26 Nov?" in rendered_text(app.screen.query_one(".dialog-title"))
        await pilot.pause(0.6)  # a question takes keys pressed after it appeared
        await pilot.press("y")
        await settled(pilot)
        assert ws.get_meeting(PLANNED).status == "cancelled"
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#meetings", DataTable)
        assert str(table.get_row(PLANNED)[3]) == "cancelled"
        assert "Nothing planned" in rendered_text(app.screen.query_one("#summary"))
        assert "uncancel_meeting" in shown_keys(app) and "cancel_meeting" not in shown_keys(app)
        await pilot.press("c")
        await settled(pilot)
        assert ws.get_meeting(PLANNED).status == "planned"
        assert "Next: Weekly smarketing sync on 2026-11-26" in rendered_text(app.screen.query_one("#summary"))


async def test_change_the_date_and_people_of_a_planned_meeting(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        await highlight(pilot, PLANNED)
        await pilot.press("e")
        await settled(pilot)
        form = app.screen
        assert isinstance(form, EditMeetingScreen)
        assert form.query_one("#date", Input).value == "2026-11-26" and app.focused is form.query_one("#date")
        form.query_one("#date", Input).value = "+1w"
        form.query_one("#facilitator", Input).value = "Luis Ortega"
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, HomeScreen)
    meeting = ws.get_meeting(PLANNED)
    assert (meeting.id, meeting.date, meeting.facilitator) == (PLANNED, "2026-12-03", "Luis Ortega")


async def test_a_wrong_date_is_said_inline_and_kept(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        await highlight(pilot, PLANNED)
        await pilot.press("e")
        await settled(pilot)
        form = app.screen
        form.query_one("#date", Input).value = "someday"
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.screen is form
        assert "Not a date: e.g. 2026-12-03, today, tomorrow, fri, +1w." in rendered_text(form.query_one("#date-field .field-error"))
        assert form.query_one("#date", Input).value == "someday"
    assert ws.get_meeting(PLANNED).date == "2026-11-26"


async def test_delete_names_what_is_lost_and_keeps_a_copy(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    before = ws.meeting_path(ENDED).read_bytes()
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        await highlight(pilot, ENDED)
        assert {"finalize", "delete_meeting", "export", "edit_meeting"} <= shown_keys(app) and "open_meeting" not in shown_keys(app)
        await pilot.press("d")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "1 action item" in rendered_text(app.screen.query_one(".dialog-detail"))
        await pilot.pause(0.6)
        await pilot.press("n")
        await settled(pilot)
        assert ws.meeting_path(ENDED).exists(), "no: nothing deleted"
        await pilot.press("d")
        await settled(pilot)
        await pilot.pause(0.6)
        await pilot.press("y")
        await settled(pilot)
        assert ENDED not in [str(k.value) for k in app.screen.query_one("#meetings", DataTable).rows]
    assert not ws.meeting_path(ENDED).exists()
    (kept,) = (ws.home / "backups").glob(f"deleted-{ENDED}-*.zip")
    with zipfile.ZipFile(kept) as archive:
        assert archive.read(f"meetings/{ENDED}.json") == before


async def test_a_start_made_by_mistake_is_taken_back(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    session = LiveSession(ws, PLANNED, clock=FakeClock())
    session.start()
    session.close()
    app = create_app(Workspace(ws.home), clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        await highlight(pilot, PLANNED)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "unstart_meeting" in {action for _, action, _ in home.palette_commands()}
        await home.run_action("unstart_meeting")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.pause(0.6)
        await pilot.press("y")
        await settled(pilot)
    meeting = ws.get_meeting(PLANNED)
    assert (meeting.status, meeting.started_at, meeting.clock_elapsed) == ("planned", None, 0.0)


@pytest.mark.parametrize(("meeting_id", "key"), [(ENDED, "d"), (PLANNED, "e")], ids=["delete-question", "change-meeting"])
def test_lifecycle_dialog_snapshot(snap_compare, tmp_path: Path, meeting_id: str, key: str) -> None:
    app = create_app(build_sample(tmp_path / "ws"), clock=FakeClock())
    app.sub_title = "~/tandem"

    async def run_before(pilot) -> None:
        await settled(pilot)
        await highlight(pilot, meeting_id)
        await pilot.press(key)
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_a_planned_meeting_past_its_day_is_counted_not_next(tmp_path: Path) -> None:
    from datetime import date

    from tandem.tui.home_data import read_home
    from tandem.tui.screens.home import summary_line

    ws = build_sample(tmp_path / "ws")
    records = read_home(ws)
    on_the_day = summary_line(records, date(2026, 11, 26)).plain
    assert "Next: Weekly smarketing sync on 2026-11-26" in on_the_day and "past its date" not in on_the_day
    week_later = summary_line(records, date(2026, 12, 3)).plain
    assert "Nothing planned" in week_later and "1 meeting past its date, still planned" in week_later


async def test_number_keys_switch_tabs_and_enter_says_run(tmp_path: Path) -> None:
    from tandem.tui.widgets.tabbed_content import TabbedContent

    ws = build_sample(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        tabs = app.screen.query_one("#home-tabs", TabbedContent)
        assert "open_meeting" in shown_keys(app)
        await pilot.press("2")
        await settled(pilot)
        assert tabs.active == "tab-shadow" and app.focused is app.screen.query_one("#shadow-days")
        assert "open_meeting" in shown_keys(app) and "edit_meeting" not in shown_keys(app)
        await pilot.press("1")
        await settled(pilot)
        assert tabs.active == "tab-meetings" and app.focused is app.screen.query_one("#meetings")


async def test_finalizing_writes_minutes_exported_before_again(tmp_path: Path) -> None:
    from tandem.store.minutes.export import export_one

    ws = build_sample(tmp_path / "ws")
    path = export_one(ws, ENDED, ws.home / "minutes")
    assert "**Status:** ended" in path.read_text()
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        await highlight(pilot, ENDED)
        await pilot.press("f")
        await settled(pilot)
    assert ws.get_meeting(ENDED).status == "finalized"
    assert "**Status:** finalized" in path.read_text(), "no file says ended after finalizing"
    assert sorted(p.name for p in (ws.home / "minutes").iterdir()) == [path.name], "only the file that was there"
