#!/usr/bin/env python
"""Review benchmark, with the 500-meeting demo workspace: how fast ``tandem review`` shows
its first screen, and how fast a search is answered on screen.

Side by side in one run:

* seconds from starting ``tandem review`` in a real terminal (tmux) until the meeting list
  is drawn, against a minimal Textual app (Header, ListView, Footer) started the same way;
* milliseconds from a query typed into the search box until the matching meetings are in
  the table, against a search without an index (read and scan every meeting file per
  query); and the first search after a meeting was saved (it re-reads that file first).

Targets: first screen ≤ 1.0 s; search on screen p95 ≤ 200 ms.

    python benchmarks/review.py [--meetings 500] [--starts 5] [--rounds 5] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from _report import finish, p95
from _terminal import MINIMAL_APP, first_frame

from tandem.store.demo import seed_demo
from tandem.store.review.from_workspace import WorkspaceSource, search_lines
from tandem.store.review.search import terms
from tandem.store.workspace import Workspace
from tandem.tui.review_app import create_review_app
from tandem.tui.widgets.review.meetings import MeetingsPane

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "review.json"
TANDEM = Path(sys.executable).parent / "tandem"
QUERIES = ["webinar", "forecast accuracy", "procurement", "Maya", "no fit", '"security review"', "nothing-matches-this"]


def naive_search(home: Path, query: str) -> list[str]:
    """What a search costs without an index: every file read and scanned per query."""
    needles = terms(query)
    ws = Workspace(home, read_only=True)
    found = []
    for record in ws.iter_meeting_records():
        text = "\n".join(t for _, t in search_lines(record, record.meeting.series_id)).casefold()
        if all(n in text for n in needles):
            found.append(record.meeting.id)
    return found


async def on_screen_search(home: Path, rounds: int) -> tuple[list[float], list[float], float]:
    """(UI latencies ms, index-only latencies ms, first search after a save ms)."""
    shown: dict[str, float] = {}
    original = MeetingsPane._show_hits

    def timed(self, query, hits, seconds):
        original(self, query, hits, seconds)
        shown[query] = time.perf_counter()

    MeetingsPane._show_hits = timed  # type: ignore[method-assign]
    ui, index = [], []
    app = create_review_app(WorkspaceSource(home), today=date(2026, 11, 27))
    async with app.run_test(size=(120, 36)) as pilot:
        while app.screen.data is None:  # type: ignore[attr-defined]
            await pilot.pause(0.05)
        pane = app.screen.query_one(MeetingsPane)
        search = pane.query_one("#search")

        async def one(query: str) -> float:
            shown.pop(query, None)
            t = time.perf_counter()
            search.value = query  # type: ignore[attr-defined]
            while query.strip() not in shown:
                await asyncio.sleep(0.001)
            return (shown[query.strip()] - t) * 1000

        for _ in range(rounds):
            for query in QUERIES:
                ui.append(await one(query))
                index.append((pane.search_seconds or 0) * 1000)
                search.value = ""  # type: ignore[attr-defined]
                await pilot.pause(0.02)
        ws = Workspace(home)
        target = ws.list_meetings()[0].id
        with ws.open_meeting(target, allow_finalized=True) as writer:
            item = writer.agenda.all()[0]
            writer.agenda.update(item.replace(notes=item.notes + "\nplatypus"))
        after_save = await one("platypus")
        assert pane._hits is not None and target in pane._hits, "a saved note must be found at once"
    MeetingsPane._show_hits = original  # type: ignore[method-assign]
    return ui, index, after_save


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=500)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "ws"
        seed_demo(Workspace(home), meetings=args.meetings)
        starts, minimal = [], []
        script = Path(tmp) / "minimal.py"
        script.write_text(MINIMAL_APP)
        if shutil.which("tmux"):
            for _ in range(args.starts):
                mark = f"{args.meetings} of {args.meetings} meetings"
                starts.append(first_frame([str(TANDEM), "--home", str(home), "review"], mark))
                minimal.append(first_frame([sys.executable, str(script)], "READY-MARK"))
        naive = []
        for query in QUERIES:
            t = time.perf_counter()
            naive_search(home, query)
            naive.append((time.perf_counter() - t) * 1000)
        ui, index, after_save = asyncio.run(on_screen_search(home, args.rounds))

    results = {
        "meetings": args.meetings,
        "review_first_screen_median_s": statistics.median(starts) if starts else None,
        "minimal_app_first_frame_median_s": statistics.median(minimal) if minimal else None,
        "search_on_screen_median_ms": statistics.median(ui),
        "search_on_screen_p95_ms": p95(ui),
        "search_index_median_ms": statistics.median(index),
        "search_after_save_ms": after_save,
        "naive_search_median_ms": statistics.median(naive),
        "searches": len(ui),
        "targets": {"review_first_screen_s": 1.0, "search_on_screen_p95_ms": 200},
    }
    results["pass"] = results["search_on_screen_p95_ms"] <= 200 and (not starts or results["review_first_screen_median_s"] <= 1.0)
    print(f"{args.meetings}-meeting workspace, {len(ui)} searches of {len(QUERIES)} queries")
    print(f"{'metric':<46}{'tandem':>12}{'baseline':>12}{'ratio':>8}{'target':>9}")
    if starts:
        ratio = results["review_first_screen_median_s"] / results["minimal_app_first_frame_median_s"]
        print(
            f"{'tandem review → meeting list drawn, median (s)':<46}{results['review_first_screen_median_s']:>12.3f}{results['minimal_app_first_frame_median_s']:>12.3f}{ratio:>7.2f}x{'≤ 1.0':>9}"
        )
    ratio = results["naive_search_median_ms"] / results["search_on_screen_median_ms"]
    print(
        f"{'search → results on screen, median (ms)':<46}{results['search_on_screen_median_ms']:>12.1f}{results['naive_search_median_ms']:>12.1f}{ratio:>7.1f}x"
    )
    print(f"{'search → results on screen, p95 (ms)':<46}{results['search_on_screen_p95_ms']:>12.1f}{'':>12}{'':>8}{'≤ 200':>9}")
    print(f"{'  of which the index lookup, median (ms)':<46}{results['search_index_median_ms']:>12.1f}")
    print(f"{'first search after a save (ms)':<46}{after_save:>12.1f}")
    print("baselines: a minimal Textual app (Header, ListView, Footer); a search that reads every file per query")
    finish(results, args.json)


if __name__ == "__main__":
    main()
