#!/usr/bin/env python
"""Minutes viewer benchmark: tandem's MinutesScreen against Textual's MarkdownViewer on the
minutes of a 100-agenda-item meeting (the same document, built by ``benchmarks/minutes.py``).

Side by side in one run, each inside a headless ``App.run_test(size=(120, 36))``:

* tandem's ``MinutesScreen``: time from ``push_screen`` until the first lines are drawn
  (the compositor asked ``MinutesView.render_line`` for the line holding the H1), and
  until the document is *navigable*: heading index complete, a ``find`` answered, and
  ``jump_to`` the last section drawn on screen;
* Textual's ``MarkdownViewer``: time from ``push_screen`` until ``document.update()`` has
  mounted the whole document and a ``pilot.pause()`` has let it settle.

For both, the longest stall of the event loop while loading is reported too (a ticker
task measures the gaps between its wake-ups): that is how long the UI could not react.

Targets: first screen ≤ 500 ms; navigable ≤ 1,500 ms (p95 of the repeats).

    python benchmarks/viewer.py [--repeat 5] [--markdownviewer-repeat 1] [--skip-markdownviewer] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _report import finish, p95
from minutes import big_meeting
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import MarkdownViewer

from tandem.store.minutes.render import render_minutes
from tandem.tui.screens.minutes import MinutesScreen
from tandem.tui.widgets.minutes_view import MinutesView

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "viewer.json"
SIZE = (120, 36)
FIND = "webinar"


class Bench(App[None]):
    """An empty app: the screens under test bring their own styles."""


class StallMeter:
    """Longest gap between wake-ups of a task that asks to sleep 1 ms: UI blocked time."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.001)
            self.longest = max(self.longest, time.perf_counter() - t)

    def __enter__(self) -> StallMeter:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


class Drawn:
    """Records when the compositor first draws a MinutesView line containing some text."""

    def __init__(self) -> None:
        self.wanted: dict[str, float | None] = {}
        self._original: Callable[..., Any] = MinutesView.render_line

    def watch(self, text: str) -> None:
        self.wanted[text] = None

    def __enter__(self) -> Drawn:
        original, wanted = self._original, self.wanted

        def spy(view: MinutesView, y: int):
            strip = original(view, y)
            if any(t is None for t in wanted.values()):
                line = strip.text
                for text, seen in wanted.items():
                    if seen is None and text in line:
                        wanted[text] = time.perf_counter()
            return strip

        MinutesView.render_line = spy  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        MinutesView.render_line = self._original  # type: ignore[method-assign]

    async def until(self, text: str, timeout: float = 30) -> float:
        start = time.perf_counter()
        while self.wanted.get(text) is None:
            if time.perf_counter() - start > timeout:
                raise RuntimeError(f"{text!r} was never drawn")
            await asyncio.sleep(0.001)
        seen = self.wanted[text]
        assert seen is not None
        return seen


async def ours(markdown: str, repeat: int) -> list[dict[str, float]]:
    runs: list[dict[str, float]] = []
    app = Bench()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(repeat):
            with Drawn() as drawn, StallMeter() as stall:
                drawn.watch("A very long sync")
                screen = MinutesScreen("A very long sync", markdown, source="big.md")
                t0 = time.perf_counter()
                app.push_screen(screen)
                first = await drawn.until("A very long sync")
                view = screen.view
                await view.wait_loaded()
                indexed = time.perf_counter()
                headings = view.headings
                count = view.find(FIND)
                found = time.perf_counter()
                last = headings[-1]
                drawn.watch(last.title[:30])
                view.jump_to(len(headings) - 1)
                navigable = await drawn.until(last.title[:30])
            assert count > 0, "find answered nothing"
            assert view.scroll_y > 0, "jump_to did not move"
            runs.append(
                {
                    "first_screen_ms": (first - t0) * 1000,
                    "index_ms": (indexed - t0) * 1000,
                    "find_ms": (found - indexed) * 1000,
                    "navigable_ms": (navigable - t0) * 1000,
                    "longest_stall_ms": stall.longest * 1000,
                    "headings": len(headings),
                    "wrapped_lines": view.line_count,
                    "matches": count,
                }
            )
            await app.pop_screen()
            await pilot.pause()
    return runs


class ViewerScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield MarkdownViewer(show_table_of_contents=True)


async def markdownviewer(markdown: str, repeat: int) -> list[dict[str, float]]:
    runs: list[dict[str, float]] = []
    app = Bench()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(repeat):
            with StallMeter() as stall:
                screen = ViewerScreen()
                t0 = time.perf_counter()
                await app.push_screen(screen)
                viewer = screen.query_one(MarkdownViewer)
                await viewer.document.update(markdown)
                await pilot.pause()
                mounted = time.perf_counter()
            runs.append(
                {
                    "mounted_ms": (mounted - t0) * 1000,
                    "longest_stall_ms": stall.longest * 1000,
                    "blocks": len(viewer.document.children),
                }
            )
            await app.pop_screen()
            await pilot.pause()
    return runs


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--repeat", type=int, default=5, help="runs of tandem's viewer (default 5)")
    parser.add_argument("--markdownviewer-repeat", type=int, default=1, help="runs of MarkdownViewer (default 1; ~10 s each)")
    parser.add_argument("--skip-markdownviewer", action="store_true", help="only time tandem's viewer")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()

    record, shared = big_meeting()
    markdown = render_minutes(record, shared)
    source_lines = markdown.count("\n")

    mine = asyncio.run(ours(markdown, max(1, args.repeat)))
    theirs = [] if args.skip_markdownviewer else asyncio.run(markdownviewer(markdown, max(1, args.markdownviewer_repeat)))

    first = [run["first_screen_ms"] for run in mine]
    navigable = [run["navigable_ms"] for run in mine]
    results: dict[str, Any] = {
        "document_lines": source_lines,
        "wrapped_lines_at_120x36": mine[0]["wrapped_lines"],
        "headings": mine[0]["headings"],
        "repeat": len(mine),
        "first_screen_median_ms": statistics.median(first),
        "first_screen_p95_ms": p95(first),
        "index_median_ms": median(mine, "index_ms"),
        "find_median_ms": median(mine, "find_ms"),
        "navigable_median_ms": statistics.median(navigable),
        "navigable_p95_ms": p95(navigable),
        "longest_stall_median_ms": median(mine, "longest_stall_ms"),
        "markdownviewer_repeat": len(theirs),
        "markdownviewer_mounted_median_ms": median(theirs, "mounted_ms") if theirs else None,
        "markdownviewer_longest_stall_median_ms": median(theirs, "longest_stall_ms") if theirs else None,
        "ratio_markdownviewer_to_navigable": median(theirs, "mounted_ms") / statistics.median(navigable) if theirs else None,
        "runs": mine,
        "markdownviewer_runs": theirs,
        "targets": {"first_screen_ms": 500, "navigable_ms": 1500},
    }
    results["pass"] = results["first_screen_p95_ms"] <= 500 and results["navigable_p95_ms"] <= 1500

    mv = results["markdownviewer_mounted_median_ms"]
    print(
        f"minutes of a 100-item meeting: {source_lines} lines, {results['headings']} headings, "
        f"{results['wrapped_lines_at_120x36']} wrapped lines at {SIZE[0]}×{SIZE[1]}; "
        f"{len(mine)} run(s) of tandem, {len(theirs)} of MarkdownViewer"
    )
    print(f"{'metric':<48}{'tandem ms':>11}{'MarkdownViewer ms':>19}{'ratio':>8}{'target':>9}")
    print(f"{'first screen drawn, median':<48}{results['first_screen_median_ms']:>11.0f}{'':>19}{'':>8}{'≤ 500':>9}")
    print(f"{'  same, p95':<48}{results['first_screen_p95_ms']:>11.0f}")
    print(f"{'  heading index complete, median':<48}{results['index_median_ms']:>11.0f}")
    print(f"{'  find ' + repr(FIND) + ' (' + str(mine[0]['matches']) + ' matches), median':<48}{results['find_median_ms']:>11.1f}")
    mv_text = f"{mv:>19.0f}" if mv is not None else f"{'skipped':>19}"
    ratio = f"{results['ratio_markdownviewer_to_navigable']:>7.1f}x" if mv is not None else f"{'':>8}"
    print(f"{'navigable (index + find + jump drawn), median':<48}{results['navigable_median_ms']:>11.0f}{mv_text}{ratio}{'≤ 1500':>9}")
    print(f"{'  same, p95':<48}{results['navigable_p95_ms']:>11.0f}")
    stall_mv = results["markdownviewer_longest_stall_median_ms"]
    stall_mv_text = f"{stall_mv:>19.0f}" if stall_mv is not None else f"{'skipped':>19}"
    print(f"{'longest UI stall while loading, median':<48}{results['longest_stall_median_ms']:>11.0f}{stall_mv_text}")
    print("baseline: Textual's MarkdownViewer, push until document.update() is mounted and settled")
    finish(results, args.json)


if __name__ == "__main__":
    main()
