"""Ticked and unticked boxes differ in their glyph, so they read the same without colour."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets.selection_list import Selection

from tandem.tui.widgets.ticks import EMPTY, TICKED, TickBox, TickList


class Boxes(App[None]):
    def compose(self) -> ComposeResult:
        yield TickList[str](Selection("no fit", "no_fit", True), Selection("no budget", "no_budget", False), id="reasons")
        yield TickBox("Promote to content", False, id="promote")


@pytest.mark.parametrize("no_color", [True, False])
async def test_the_glyph_says_ticked_or_not(monkeypatch: pytest.MonkeyPatch, no_color: bool) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = Boxes()
    async with app.run_test(size=(60, 10)) as pilot:
        reasons = app.query_one("#reasons", TickList)
        first, second = reasons.render_line(0).text, reasons.render_line(1).text
        assert first[1] == TICKED and second[1] == EMPTY, (first, second)
        promote = app.query_one("#promote", TickBox)
        assert TICKED not in promote.render().plain
        reasons.focus()
        await pilot.press("down", "space")  # tick "no budget"
        promote.value = True
        await pilot.pause()
        assert reasons.render_line(1).text[1] == TICKED
        assert TICKED in promote.render().plain
        screen = app.export_screenshot()
        assert screen.count(TICKED) == 3
