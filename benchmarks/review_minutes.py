#!/usr/bin/env python
"""Review benchmark: ``tandem review --minutes DIR`` over a folder of exported minutes.

Times, for a folder of exported minutes (by default the 500-meeting demo, seeded and exported
in a temp folder; or ``--minutes DIR`` for one that exists):

* the first ``load()`` in a fresh process (markdown-it's import included: what a user waits
  for before the first screen), and in this process with a new source each time;
* a reload with nothing changed, and a reload after one file changed;
* ``search()`` for a few queries, and the first search after a file was edited;
* side by side, the workspace source on the same meetings (when the demo is built here).

Targets: first load ≤ 1 s; search ≤ 200 ms (p95).

    python benchmarks/review_minutes.py [--meetings 500] [--minutes DIR] [--runs 10] [--json PATH]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _report import finish, p95

from tandem.store.demo import seed_demo
from tandem.store.minutes.export import export_minutes
from tandem.store.review.from_minutes import MinutesFolderSource
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.workspace import Workspace

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "review_minutes.json"
QUERIES = ("pipeline", "webinar budget", '"call snippets"', "SF-", "zzz-no-such-word")

COLD = """
import sys, time
t = time.perf_counter()
from tandem.store.review.from_minutes import MinutesFolderSource
data = MinutesFolderSource(sys.argv[1]).load()
print((time.perf_counter() - t) * 1000, len(data.meetings))
"""


def timed(fn: Callable[[], object], runs: int, clock: Callable[[], float] = time.perf_counter) -> list[float]:
    out = []
    for _ in range(runs):
        t = clock()
        fn()
        out.append((clock() - t) * 1000)
    return out


def cold_load(folder: Path, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-c", COLD, str(folder)], capture_output=True, text=True, check=True)
        out.append(float(proc.stdout.split()[0]))
    return out


def measure_minutes(folder: Path, runs: int) -> dict[str, float | int]:
    source = MinutesFolderSource(folder)
    meetings = len(source.load().meetings)
    first = timed(lambda: MinutesFolderSource(folder).load(), runs)
    # CPU time of this process: what the load costs, whatever else the machine is doing.
    first_cpu = timed(lambda: MinutesFolderSource(folder).load(), runs, time.process_time)
    reload = timed(source.load, runs)
    search = [ms for query in QUERIES for ms in timed(lambda q=query: source.search(q), runs)]

    # One file edited: the next load and the next search re-read just that file.
    path = sorted(folder.glob("*.md"))[-1]
    original = path.read_bytes()
    edited_load, edited_search = [], []
    try:
        for n in range(runs):
            path.write_bytes(original + f"\n<!-- edit {n} -->\n".encode())
            edited_search += timed(lambda: source.search("pipeline"), 1)
            path.write_bytes(original + f"\n<!-- edit {n} again -->\n".encode())
            edited_load += timed(source.load, 1)
    finally:
        path.write_bytes(original)
    cold = cold_load(folder, max(3, runs // 3))
    return {
        "meetings": meetings,
        "files": len(list(folder.glob("*.md"))),
        "cold_load_median_ms": statistics.median(cold),
        "cold_load_p95_ms": p95(cold),
        "first_load_median_ms": statistics.median(first),
        "first_load_p95_ms": p95(first),
        "first_load_cpu_median_ms": statistics.median(first_cpu),
        "reload_unchanged_median_ms": statistics.median(reload),
        "reload_one_edited_median_ms": statistics.median(edited_load),
        "search_median_ms": statistics.median(search),
        "search_p95_ms": p95(search),
        "search_after_edit_median_ms": statistics.median(edited_search),
    }


def measure_workspace(home: Path, runs: int) -> dict[str, float]:
    source = WorkspaceSource(home)
    source.load()
    first = timed(lambda: WorkspaceSource(home).load(), runs)
    search = [ms for query in QUERIES for ms in timed(lambda q=query: source.search(q), runs)]
    return {"first_load_median_ms": statistics.median(first), "search_median_ms": statistics.median(search)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--meetings", type=int, default=500)
    parser.add_argument("--minutes", type=Path, help="an exported folder to read (copied first: the benchmark edits a file)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "minutes"
        workspace: dict[str, float] = {}
        if args.minutes:
            shutil.copytree(args.minutes, folder)
        else:
            ws = Workspace(Path(tmp) / "ws")
            seed_demo(ws, meetings=args.meetings)
            export_minutes(ws, [m.id for m in ws.list_meetings()], folder)
            workspace = measure_workspace(ws.home, args.runs)
        results: dict[str, object] = {**measure_minutes(folder, args.runs), "source": str(args.minutes or f"demo, {args.meetings} meetings")}
    results["workspace"] = workspace
    results["targets"] = {"first_load_ms": 1000, "search_p95_ms": 200}
    results["pass"] = results["cold_load_median_ms"] <= 1000 and results["search_p95_ms"] <= 200  # type: ignore[operator]

    r = results
    print(f"{r['files']} minutes files, {r['meetings']} meetings ({r['source']})")
    print(f"{'metric':<46}{'minutes ms':>12}{'workspace ms':>14}{'target':>9}")
    ws_load = f"{workspace['first_load_median_ms']:.0f}" if workspace else "—"
    ws_search = f"{workspace['search_median_ms']:.1f}" if workspace else "—"
    print(f"{'first load, fresh process (import included)':<46}{r['cold_load_median_ms']:>12.0f}{'':>14}{'≤ 1000':>9}")
    print(f"{'first load, new source, median':<46}{r['first_load_median_ms']:>12.0f}{ws_load:>14}")
    print(f"{'  same, p95':<46}{r['first_load_p95_ms']:>12.0f}")
    print(f"{'  same, CPU time of this process, median':<46}{r['first_load_cpu_median_ms']:>12.0f}")
    print(f"{'reload, nothing changed':<46}{r['reload_unchanged_median_ms']:>12.1f}")
    print(f"{'reload, one file edited':<46}{r['reload_one_edited_median_ms']:>12.1f}")
    print(f"{'search, median':<46}{r['search_median_ms']:>12.1f}{ws_search:>14}")
    print(f"{'search, p95':<46}{r['search_p95_ms']:>12.1f}{'':>14}{'≤ 200':>9}")
    print(f"{'search right after a file was edited':<46}{r['search_after_edit_median_ms']:>12.1f}")
    finish(results, args.json)


if __name__ == "__main__":
    main()
