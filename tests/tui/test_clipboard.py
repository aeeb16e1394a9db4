"""Copying with y: a captured record in a live meeting, a review row, the minutes. The text
goes to the terminal as OSC 52 (see test_e2e_tmux for a real terminal receiving it)."""

from __future__ import annotations

import base64
from pathlib import Path

from test_sizes import SCENARIOS, demo_home, settle  # noqa: F401 - demo_home is a fixture
from textual.widgets import DataTable


def _osc52(app) -> list[str]:
    """What the app wrote to the terminal as OSC 52 copies, decoded."""
    sent: list[str] = []
    write = app._driver.write

    def spy(data: str) -> None:
        if data.startswith("\x1b]52;c;"):
            sent.append(base64.b64decode(data[7:].rstrip("\a")).decode())
        write(data)

    app._driver.write = spy
    return sent


async def test_y_copies_the_highlighted_captured_record(demo_home: Path, tmp_path: Path) -> None:
    scenario = SCENARIOS["live"](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        sent = _osc52(app)
        await pilot.press("ctrl+r", "d")
        await settle(pilot)
        await pilot.press(*"SAL within 24h", "ctrl+s")
        await settle(pilot)
        captured = app.screen.query_one("CapturedList")
        captured.focus()
        await pilot.press("y")
        await pilot.pause()
        assert sent == ["Decision: SAL within 24h"]
        assert any("Decision copied" in n.message for n in app._notifications)


async def test_y_copies_a_review_row_with_its_column_names(demo_home: Path, tmp_path: Path) -> None:
    scenario = SCENARIOS["review-2"](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        sent = _osc52(app)
        table = app.screen.query_one("#review-actions", DataTable)
        assert app.screen.focused is table
        await pilot.press("y")
        await pilot.pause()
        header, row = sent[0].split("\n")
        assert header.split("\t")[:2] == [str(c.label) for c in table.ordered_columns][:2]
        assert len(row.split("\t")) == table.ordered_columns.__len__()
        assert "\x1b" not in sent[0]


async def test_y_copies_the_minutes_as_markdown(demo_home: Path, tmp_path: Path) -> None:
    scenario = SCENARIOS["minutes"](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        sent = _osc52(app)
        await pilot.press("y")
        await pilot.pause()
        assert sent == [app.screen.markdown]
        assert sent[0].startswith("---") or sent[0].startswith("#")
