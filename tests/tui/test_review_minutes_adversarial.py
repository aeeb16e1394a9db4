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


async def test_review_over_adversarial_minutes_shows_its_first_screen_quickly(tmp_path: Path) -> None:
    text = ""
    for n in range(FILES):
        text = adversarial_minutes(256 * 1024).replace('id: "adv"', f'id: "adv-{n}"').replace("2026-01-01", f"2026-01-0{n + 1}", 1)
        (tmp_path / f"2026-01-0{n + 1}_adv.md").write_text(text, encoding="utf-8")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "2026-01-09_pipe.md")
    # Two seconds for a megabyte and more of the worst lines; the baseline keeps the bound
    # fair on a busy machine. The old patterns took minutes on one such file.
    limit = max(2.0, 30 * FILES * linear_baseline(text))
    app = create_review_app(MinutesFolderSource(tmp_path), today=date(2026, 1, 10))
    start = time.perf_counter()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        while screen.data is None and time.perf_counter() - start < limit + 5:
            await pilot.pause(0.05)
        elapsed = time.perf_counter() - start
        assert screen.data is not None, "the first screen never came"
        assert elapsed < limit, f"{elapsed:.2f} s (limit {limit:.2f} s)"
        await pilot.pause()
        table = screen.query_one("#review-meetings", DataTable)
        assert [str(row.value) for row in table.rows] == [f"adv-{n}" for n in reversed(range(FILES))]
        if hasattr(os, "mkfifo"):
            assert any("2026-01-09_pipe.md:1: cannot be read: it is a named pipe" in p for p in screen.data.problems)
