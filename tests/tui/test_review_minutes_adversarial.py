"""`tandem review --minutes` over a folder of hostile files: the first screen comes up in
linear time, and a named pipe among the files is reported, never waited on."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

from textual.widgets import DataTable

from tandem.store.review.from_minutes import MinutesFolderSource
from tandem.tui.review_app import create_review_app
from tandem.tui.screens.review import ReviewScreen
from tests.store.test_minutes_linear import adversarial_minutes, linear_baseline

FILES = 4


def write_folder(folder: Path, text: str) -> None:
    folder.mkdir()
    for n in range(FILES if text else 0):
        numbered = text.replace('id: "adv"', f'id: "adv-{n}"').replace("2026-01-01", f"2026-01-0{n + 1}", 1)
        (folder / f"2026-01-0{n + 1}_adv.md").write_text(numbered, encoding="utf-8")


async def first_screen(folder: Path, limit: float) -> tuple[float, ReviewScreen, list[str]]:
    """Seconds until review over ``folder`` has its first screen (waiting at most ``limit``
    and a little), the screen, and the meeting ids in its table."""
    app = create_review_app(MinutesFolderSource(folder), today=date(2026, 1, 10))
    start = time.perf_counter()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        while screen.data is None and time.perf_counter() - start < limit + 5:
            await pilot.pause(0.05)
        elapsed = time.perf_counter() - start
        assert screen.data is not None, "the first screen never came"
        await pilot.pause()
        table = screen.query_one("#review-meetings", DataTable)
        return elapsed, screen, [str(row.value) for row in table.rows]


async def test_review_over_adversarial_minutes_shows_its_first_screen_quickly(tmp_path: Path) -> None:
    adversarial = adversarial_minutes(256 * 1024)
    write_folder(tmp_path / "empty", "")
    write_folder(tmp_path / "adversarial", adversarial)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "adversarial" / "2026-01-09_pipe.md")
    await first_screen(tmp_path / "empty", 60)  # the first app of the process loads its code and styles
    # What this machine, as busy as it is now, takes to start the app over nothing and to
    # pass over the text once: the old patterns took minutes on one such file.
    idle, _, _ = await first_screen(tmp_path / "empty", 60)
    limit = max(2.0, 5 * idle + 30 * FILES * linear_baseline(adversarial))
    elapsed, screen, ids = await first_screen(tmp_path / "adversarial", limit)
    assert elapsed < limit, f"{elapsed:.2f} s (limit {limit:.2f} s; {idle:.2f} s over no minutes)"
    assert ids == [f"adv-{n}" for n in reversed(range(FILES))]
    if hasattr(os, "mkfifo"):
        assert screen.data is not None
        assert any("2026-01-09_pipe.md:1: cannot be read: it is a named pipe" in p for p in screen.data.problems)
