#!/usr/bin/env python
"""Contribution benchmark: ``tandem add lead`` from process start to exit, side by side with
``tandem --version`` (the interpreter and the command line, doing nothing) in the same run.

In a temporary folder: a demo workspace (40 meetings) and a config folder of its own
(``TANDEM_CONFIG_DIR``, holding ``[me]``), so the user's own config.toml is never read or
written. Interleaved, ``--runs`` times each (the order rotating every round):

- ``python -m tandem --version``: the baseline;
- ``python -m tandem --home WS add lead SF-<n> --verdict good``: a new reference every run,
  so each is a real write to the caller's contributions file; target: median ≤ 1.5× the
  baseline's (issue 21);
- ``python -m tandem --home WS2 inbox`` on a copy of the workspace holding 200 waiting
  contributions of five people (seeded through the store): reported, no target.

An untimed first run of each absorbs the cold caches and the day's first-write snapshot; the
first ``add lead`` is reported on its own line.

    python benchmarks/contrib.py [--runs 15] [--quick] [--meetings 40] [--waiting 200] [--json PATH]

Not run by CI; prints a table, writes JSON, always exits 0 (a missed target says FAIL).
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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import finish

from tandem.store.config import save_me
from tandem.store.contrib import Contributions, make
from tandem.store.demo import seed_demo
from tandem.store.workspace import Workspace

RESULTS = Path(__file__).resolve().parent / "results" / "contrib.json"
TARGET_RATIO = 1.5
#: Who contributes the seeded inbox: five people of both teams.
AUTHORS = (("Ana Ruiz", "sales"), ("José Núñez", "sales"), ("Maya Chen", "marketing"), ("Tom Berg", "marketing"), ("Lena Vogt", "sales"))


def p90(values: list[float]) -> float:
    """Nearest-rank 90th percentile (with 15 samples: the second slowest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def timed(argv: list[str], env: dict[str, str], cwd: Path, expect: str) -> float:
    """Seconds from starting ``argv`` to its exit; a run that fails or does not say
    ``expect`` stops the benchmark (a quick failure must not pass for a quick command)."""
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0 or expect not in done.stdout:
        sys.exit(f"{' '.join(argv[2:])} exited {done.returncode}: {(done.stderr or done.stdout).strip()[:300]}")
    return seconds


def seed_waiting(home: Path, count: int) -> None:
    """``count`` waiting contributions of every kind a person adds without an objective,
    spread over five people's files and the last two weeks."""
    workspace = Workspace(home)
    series = workspace.series.all()
    series_id = series[0].id if len(series) == 1 else ""
    contributions = Contributions(workspace)
    start = datetime.now() - timedelta(days=14)
    for n in range(count):
        author, team = AUTHORS[n % len(AUTHORS)]
        who: dict[str, Any] = {"author": author, "team": team, "now": start + timedelta(minutes=97 * n), "series_id": series_id}
        kind = n % 4
        if kind == 0:
            made = make.lead(f"SF-{1000 + n}", "poor", reasons=("no_budget",), comment=f"budget frozen until Q{n % 4 + 1}", **who)
        elif kind == 1:
            made = make.question(f"Does it work with HubSpot workflow {n}?", persona="RevOps", heard=1 + n % 5, **who)
        elif kind == 2:
            made = make.topic(f"Webinar leads, week {n}", minutes=5 + n % 10, **who)
        else:
            made = make.content(f"Integration guide, part {n}", type="ebook", **who)
        contributions.add(made)


def row(label: str, tandem: float, baseline: float, target: str) -> str:
    return f"{label:<40}{tandem:>10.3f}{baseline:>10.3f}{tandem / baseline:>8.2f}x{target:>10}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each command (default 15)")
    parser.add_argument("--quick", action="store_true", help="5 runs of each")
    parser.add_argument("--meetings", type=int, default=40)
    parser.add_argument("--waiting", type=int, default=200, help="waiting contributions in the inbox's workspace")
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()
    runs = 5 if args.quick else max(1, args.runs)

    root = Path(tempfile.mkdtemp(prefix="tandem-contrib-bench-"))
    try:
        home, inbox_home, config = root / "ws", root / "ws-inbox", root / "config"
        seed_demo(Workspace(home), meetings=args.meetings)
        shutil.copytree(home, inbox_home, symlinks=True)
        seed_waiting(inbox_home, args.waiting)
        config.mkdir()
        save_me("Ana Ruiz", "sales", path=config / "config.toml")
        env = {**os.environ, "TANDEM_CONFIG_DIR": str(config)}
        env.pop("TANDEM_HOME", None)
        python = [sys.executable, "-m", "tandem"]

        refs = iter(range(1, 10**6))

        def add_lead() -> float:
            return timed([*python, "--home", str(home), "add", "lead", f"SF-{next(refs)}", "--verdict", "good"], env, root, "recorded")

        commands = {
            "version": lambda: timed([*python, "--version"], env, root, "tandem"),
            "add lead": add_lead,
            "inbox": lambda: timed([*python, "--home", str(inbox_home), "inbox"], env, root, "Webinar leads"),
        }
        first = {name: run() for name, run in commands.items()}  # untimed warm-up, kept aside
        samples: dict[str, list[float]] = {name: [] for name in commands}
        names = list(commands)
        for k in range(runs):  # interleaved, the order rotating, so all see the same load
            for name in names[k % len(names) :] + names[: k % len(names)]:
                samples[name].append(commands[name]())
        recorded = len(Contributions(Workspace(home)).waiting(author="Ana Ruiz"))
    finally:
        shutil.rmtree(root, ignore_errors=True)

    figures = {name: {"median_s": statistics.median(v), "p90_s": p90(v), "samples_s": v} for name, v in samples.items()}
    base = figures["version"]["median_s"]
    ratio = figures["add lead"]["median_s"] / base
    inbox_ratio = figures["inbox"]["median_s"] / base
    checks = {f"add lead within {TARGET_RATIO}× of --version (medians)": ratio <= TARGET_RATIO}
    results: dict[str, Any] = {
        "meetings": args.meetings,
        "waiting": args.waiting,
        "runs": runs,
        "figures": figures,
        "first_run_s": first,
        "add_lead_ratio": ratio,
        "inbox_ratio": inbox_ratio,
        "target_ratio": TARGET_RATIO,
        "leads_recorded": recorded,
        "checks": checks,
        "pass": all(checks.values()),
    }

    print(f"{args.meetings}-meeting demo workspace, {runs} runs each, interleaved; process start to exit, seconds")
    print(f"{'metric':<40}{'tandem':>10}{'baseline':>10}{'ratio':>9}{'target':>10}")
    for key, label, target in (("add lead", "add lead SF-<n> --verdict good", f"≤ {TARGET_RATIO}x"), ("inbox", f"inbox, {args.waiting} waiting", "reported")):
        print(row(f"{label}, median", figures[key]["median_s"], base, target))
        print(row(f"{label}, p90", figures[key]["p90_s"], figures["version"]["p90_s"], ""))
    print(f"{'first add lead (untimed warm-up)':<40}{first['add lead']:>10.3f}{first['version']:>10.3f}")
    print(f"baseline: python -m tandem --version; {recorded} leads recorded ({runs} timed + 1 warm-up)")
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}: {ratio:.2f}×")
    print(f"  reported inbox with {args.waiting} waiting: {inbox_ratio:.2f}× --version")
    finish(results, args.json)


if __name__ == "__main__":
    main()
