"""Legible without full colour: with NO_COLOR (Textual's monochrome filter), and in a
16-colour terminal.

* 16 colours: every screen's text, with each colour reduced to the nearest of the 16
  standard ones (what Rich does for such a terminal), never has the same colour as its
  background;
* NO_COLOR: the app turns its monochrome filter on, and meaning carried by colour is also
  in the text (an overdue action item is marked ⚠, not only red).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import ColorSystem
from test_sizes import SCENARIOS, demo_home, screen_text  # noqa: F401 - demo_home is a fixture
from textual.filter import Monochrome
from textual.screen import ModalScreen
from textual.widgets import DataTable


def _standard(color):
    if color is None or color.is_default:
        return None
    downgraded = color.downgrade(ColorSystem.STANDARD)
    return downgraded.number


def _is_text(char: str) -> bool:
    """Letters, digits, punctuation: not spaces, and not the lines and blocks of borders,
    scrollbars and tab underlines (decoration, allowed to fade)."""
    return not char.isspace() and not 0x2500 <= ord(char) <= 0x259F


def invisible_text(app) -> list[str]:
    """Text drawn in the colour of its background once both are reduced to 16 colours."""
    screen = app.screen
    # Behind a modal, the screen is dimmed on purpose: only the dialog has to be read.
    regions = [child.region for child in screen.children] if isinstance(screen, ModalScreen) else [screen.region]
    problems = []
    for y, strip in enumerate(screen._compositor.render_strips()):
        x = 0
        for segment in strip:
            style = segment.style
            start, x = x, x + segment.cell_length
            if not any(r.contains(start, y) for r in regions):
                continue
            if style is None or style.reverse or not any(_is_text(c) for c in segment.text):
                continue
            fg, bg = _standard(style.color), _standard(style.bgcolor)
            if fg is not None and fg == bg:
                problems.append(f"line {y}: {segment.text.strip()!r} ({style.color.name} on {style.bgcolor.name} → colour {fg})")
    return problems


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_every_screen_is_legible_in_16_colours(demo_home: Path, tmp_path: Path, name: str, theme: str) -> None:
    scenario = SCENARIOS[name](demo_home, tmp_path)
    app = scenario.app
    app.theme = theme
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        await pilot.pause()
        assert invisible_text(app) == []


async def test_no_color_turns_monochrome_on_and_marks_what_colour_says(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    scenario = SCENARIOS["review-2"](demo_home, tmp_path)
    app = scenario.app
    assert app.no_color and any(isinstance(f, Monochrome) for f in app._filters)
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        screen = app.screen
        table = screen.query_one("#review-actions", DataTable)
        rows = screen.query_one("ActionsPane")._shown
        assert any(a.overdue(screen.today) for a in rows)
        for n, action in enumerate(rows):
            cells = [str(cell) for cell in table.get_row_at(n)]
            assert any(c.endswith("⚠") for c in cells) == action.overdue(screen.today), (cells, action)
