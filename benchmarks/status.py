#!/usr/bin/env python
"""Status-line benchmark: ``tandem status`` from process start to exit, warm and cold, side
by side with ``tandem --version`` (the interpreter and the command line, doing nothing) in
the same run.

In a temporary folder: a demo workspace (500 meetings; with ``--large`` a 5,000-meeting one
too) and a config folder of its own (``TANDEM_CONFIG_DIR``, holding ``[me]`` and a
``[calendar]`` start), so the user's own config.toml is never read or written. Interleaved,
``--runs`` times each (the order rotating every round), with TANDEM_TODAY the demo's day:

- ``python -m tandem --version``: the baseline;
- ``python -m tandem --home WS status``, warm: ``cache/status.json`` current, as on every
  prompt but the first after a change; target: median ≤ 1.3× the baseline's ("fast enough
  for every prompt"). A warm run that rewrites the cache stops the benchmark;
- the same, cold: the cache removed before each run, so the facts are read from the
  meeting index and the cache written again (the first prompt after a change): reported.

An untimed first run of each absorbs the cold disk caches.

    python benchmarks/status.py [--runs 15] [--quick] [--meetings 500] [--large] [--json PATH]

Not run by CI; prints a table, writes JSON, always exits 0 (a missed target says MISS).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import bytecode_as_installed, finish

from tandem.store.demo import DEMO_TODAY, seed_demo
from tandem.store.interop.status import FILE_NAME, RACY_NS
from tandem.store.layout import CACHE_DIR
from tandem.store.workspace import Workspace

RESULTS = Path(__file__).resolve().parent / "results" / "status.json"
TARGET_RATIO = 1.3
LARGE = 5000
CONFIG = '[me]\nname = "Ana Ruiz"\nteam = "sales"\n\n[calendar]\nstart = "09:30"\n'


def p90(values: list[float]) -> float:
    """Nearest-rank 90th percentile (with 15 samples: the second slowest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def timed(argv: list[str], env: dict[str, str], cwd: Path, expect: str) -> tuple[float, str]:
    """Seconds from starting ``argv`` to its exit, and what it printed; a run that fails or
    does not say ``expect`` stops the benchmark (a quick failure must not pass for a quick
    command)."""
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0 or expect not in done.stdout:
        sys.exit(f"{' '.join(argv[2:])} exited {done.returncode}: {(done.stderr or done.stdout).strip()[:300]}")
    return seconds, done.stdout.strip()


def status_runs(home: Path, env: dict[str, str], root: Path) -> tuple[Callable[[], float], Callable[[], float], list[str]]:
    """The warm and the cold run of ``tandem status`` on ``home``, and the lines they print."""
    argv = [sys.executable, "-m", "tandem", "--home", str(home), "status"]
    cache = home / CACHE_DIR / FILE_NAME
    lines: list[str] = []

    def warm() -> float:
        before = cache.stat()
        seconds, line = timed(argv, env, root, "next meeting")
        after = cache.stat()
        if (before.st_ino, before.st_mtime_ns) != (after.st_ino, after.st_mtime_ns):
            sys.exit(f"a warm `tandem status` on {home.name} rewrote its cache: the key did not match")
        lines.append(line)
        return seconds

    def cold() -> float:
        cache.unlink(missing_ok=True)
        seconds, line = timed(argv, env, root, "next meeting")
        lines.append(line)
        return seconds

    return warm, cold, lines


def row(label: str, tandem: float, baseline: float, target: str) -> str:
    return f"{label:<40}{tandem:>10.3f}{baseline:>10.3f}{tandem / baseline:>8.2f}x{target:>10}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each command (default 15)")
    parser.add_argument("--quick", action="store_true", help="5 runs of each")
    parser.add_argument("--meetings", type=int, default=500)
    parser.add_argument("--large", action="store_true", help=f"a {LARGE:,}-meeting workspace as well")
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()
    runs = 5 if args.quick else max(1, args.runs)
    sizes = [args.meetings, *([LARGE] if args.large else [])]
    bytecode = bytecode_as_installed()

    root = Path(tempfile.mkdtemp(prefix="tandem-status-bench-"))
    try:
        config = root / "config"
        config.mkdir()
        (config / "config.toml").write_text(CONFIG, encoding="utf-8")
        env = {**os.environ, "TANDEM_CONFIG_DIR": str(config), "TANDEM_TODAY": DEMO_TODAY.isoformat()}
        env.pop("TANDEM_HOME", None)
        python = [sys.executable, "-m", "tandem"]
        commands: dict[str, Callable[[], float]] = {"version": lambda: timed([*python, "--version"], env, root, "tandem")[0]}
        printed: dict[str, list[str]] = {}
        for size in sizes:
            home = root / f"ws{size}"
            seed_demo(Workspace(home), meetings=size)
            commands[f"warm {size}"], commands[f"cold {size}"], printed[str(size)] = status_runs(home, env, root)
        # A cache keyed while files are younger than this is written keyless (a coarse
        # clock could hide a second write): let the seeded files age, then build it.
        time.sleep(RACY_NS / 1e9 + 0.2)
        names = ["version", *(f"{kind} {size}" for size in sizes for kind in ("cold", "warm"))]
        first = {name: commands[name]() for name in names}  # untimed warm-up; cold before warm
        samples: dict[str, list[float]] = {name: [] for name in names}
        for k in range(runs):  # interleaved, the order rotating, so all see the same load
            for name in names[k % len(names) :] + names[: k % len(names)]:
                samples[name].append(commands[name]())
    finally:
        shutil.rmtree(root, ignore_errors=True)

    figures = {name: {"median_s": statistics.median(v), "p90_s": p90(v), "samples_s": v} for name, v in samples.items()}
    base = figures["version"]["median_s"]
    ratios = {name: f["median_s"] / base for name, f in figures.items() if name != "version"}
    checks = {f"warm status, {size:,} meetings, within {TARGET_RATIO}× of --version (medians)": ratios[f"warm {size}"] <= TARGET_RATIO for size in sizes}
    results: dict[str, Any] = {
        "meetings": sizes,
        "runs": runs,
        "today": DEMO_TODAY.isoformat(),
        "figures": figures,
        "first_run_s": first,
        "ratios": ratios,
        "target_ratio": TARGET_RATIO,
        "lines": {size: sorted(set(lines)) for size, lines in printed.items()},
        "checks": checks,
        "pass": all(checks.values()),
        "bytecode": bytecode,
    }

    print(f"demo workspaces of {' and '.join(f'{s:,}' for s in sizes)} meetings, {runs} runs each, interleaved; process start to exit, seconds")
    print(f"{'metric':<40}{'tandem':>10}{'baseline':>10}{'ratio':>9}{'target':>10}")
    for size in sizes:
        for kind, target in (("warm", f"≤ {TARGET_RATIO}x"), ("cold", "reported")):
            name = f"{kind} {size}"
            print(row(f"status, {size:,}, {kind}, median", figures[name]["median_s"], base, target))
            print(row(f"status, {size:,}, {kind}, p90", figures[name]["p90_s"], figures["version"]["p90_s"], ""))
    print("baseline: python -m tandem --version; warm: cache/status.json current; cold: removed before each run")
    print(bytecode)
    for size, lines in results["lines"].items():
        print(f"  {int(size):,} meetings said: {' | '.join(lines)}")
    for (name, ok), size in zip(checks.items(), sizes, strict=True):
        print(f"  {'PASS' if ok else 'MISS'} {name}: {ratios[f'warm {size}']:.2f}×")
    for size in sizes:
        print(f"  reported cold status, {size:,} meetings: {ratios[f'cold {size}']:.2f}× --version")
    finish(results, args.json)


if __name__ == "__main__":
    main()
