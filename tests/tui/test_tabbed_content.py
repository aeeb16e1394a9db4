"""tandem's TabbedContent: focus goes with the tab shown, in the same step as the switch."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input, Static, TabPane, Tabs

from tandem.tui.widgets.tabbed_content import TabbedContent


class Three(App[None]):
    def compose(self) -> ComposeResult:
        with TabbedContent(id="tabs"):
            with TabPane("One", id="one"):
                yield Input(id="a1")
                yield Input(id="a2")
            with TabPane("Two", id="two"):
                yield Static("nothing to focus here")
            with TabPane("Three", id="three"):
                hidden = Input(id="c0")
                hidden.display = False
                yield hidden
                yield Input(id="c1")


async def test_focus_in_a_tab_moves_to_the_first_shown_focusable_widget_of_the_next() -> None:
    app = Three()
    async with app.run_test() as pilot:
        app.query_one("#a2", Input).focus()
        await pilot.pause()
        tabs = app.query_one(TabbedContent)
        tabs.active = "three"
        assert app.focused is not None and app.focused.id == "c1"  # at once; c0 is not shown
        await pilot.pause()
        assert tabs.active == "three" and app.focused.id == "c1"


async def test_a_tab_with_nothing_to_focus_takes_the_focus_to_the_tabs_row() -> None:
    app = Three()
    async with app.run_test() as pilot:
        app.query_one("#a1", Input).focus()
        await pilot.pause()
        tabs = app.query_one(TabbedContent)
        tabs.active = "two"
        assert isinstance(app.focused, Tabs)
        await pilot.pause()
        assert tabs.active == "two", "no widget left behind in the hidden tab to pull it back"


async def test_focus_on_the_tabs_row_stays_there() -> None:
    app = Three()
    async with app.run_test() as pilot:
        app.query_one(Tabs).focus()
        await pilot.pause()
        await pilot.press("right", "right")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "three"
        assert isinstance(app.focused, Tabs)
