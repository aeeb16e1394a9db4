"""The mouse works where the keyboard does: tabs, rows, list items (a click highlights, a
click on the highlighted one does what Enter does), checkboxes, the footer's keys (every
key the footer shows is a button) and the palette (which lists every key)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from test_sizes import SCENARIOS, demo_home, settle  # noqa: F401 - demo_home is a fixture
from textual.command import CommandPalette
from textual.widgets import Checkbox, DataTable, OptionList, TabbedContent
from textual.widgets._footer import FooterKey


def option_offset(widget: OptionList, index: int) -> tuple[int, int]:
    """Screen coordinates of an option (one line each, not scrolled)."""
    region = widget.content_region
    return region.x + 3, region.y + index - int(widget.scroll_y)


def row_offset(table: DataTable, row: int) -> tuple[int, int]:
    region = table.content_region
    return region.x + 2, region.y + table.header_height + row - int(table.scroll_y)


def footer_key(app, key: str) -> FooterKey:
    return next(k for k in app.screen.query(FooterKey) if k.key == key)


async def test_a_second_click_on_an_agenda_item_goes_to_it(demo_home: Path, tmp_path: Path) -> None:
    scenario = SCENARIOS["live"](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        screen = app.screen
        agenda = screen.query_one("AgendaList", OptionList)
        active = screen.session.active_item.id
        await pilot.click(offset=option_offset(agenda, 3))
        await settle(pilot)
        assert agenda.highlighted == 3
        assert screen.session.active_item.id == active, "one click only highlights"
        await pilot.click(offset=option_offset(agenda, 3))
        await settle(pilot)
        assert screen.session.active_item.id == screen.session.agenda[3].id


async def test_home_tabs_rows_and_footer_keys_by_mouse(demo_home: Path, tmp_path: Path) -> None:
    scenario = SCENARIOS["home-meetings"](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        screen = app.screen
        await pilot.click("#home-tabs Tab#--content-tab-tab-shadow")
        await settle(pilot)
        assert screen.query_one("#home-tabs", TabbedContent).active == "tab-shadow"
        await pilot.click("#home-tabs Tab#--content-tab-tab-meetings")
        await settle(pilot)
        table = screen.query_one("#meetings", DataTable)
        await pilot.click(offset=row_offset(table, 1))
        await settle(pilot)
        assert table.cursor_row == 1
        await pilot.click(footer_key(app, "n"))
        await settle(pilot)
        assert type(app.screen).__name__ == "NewMeetingScreen"


async def test_a_confirmation_is_answered_by_clicking_its_footer_key(demo_home: Path, tmp_path: Path) -> None:
    scenario = SCENARIOS["confirm"](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        await asyncio.sleep(0.6)  # a question takes answers once it can have been read
        await pilot.click(footer_key(app, "n"))
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"


async def test_review_tabs_checkbox_and_palette_by_mouse(demo_home: Path, tmp_path: Path) -> None:
    scenario = SCENARIOS["review-1"](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        screen = app.screen
        await pilot.click("Tab#--content-tab-tab-actions")
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "tab-actions"
        table = screen.query_one("#review-actions", DataTable)
        everything = table.row_count
        await pilot.click("#overdue", offset=(1, 0))
        await settle(pilot)
        assert screen.query_one("#overdue", Checkbox).value
        assert 0 < table.row_count < everything
        await pilot.click(footer_key(app, "ctrl+p"))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
