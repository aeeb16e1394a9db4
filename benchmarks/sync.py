"""Sync benchmark: the git-friendly file format's save cost, and ``tandem sync`` on a
500-meeting workspace with a bare repository in a temporary folder as the team's remote.

Side by side, in one run:

- **save**: one meeting file (~100 records) encoded and written atomically (fsync, rename,
  fsync of the folder) in today's format (pretty-printed, keyed by record id) and in the
  one-line format keyed by counters that schema 4 wrote; target: within 10 %;
- **no-op sync**: ``tandem sync`` with nothing to send or take; target: tandem's own time
  (total minus the time spent waiting on git) ≤ 0.5 s, git's reported beside it;
- **one changed meeting**: a note changed here, synced; target ≤ 1 s;
- **two clones, 50 records each**: both change 50 records of shared and meeting files, the
  first pushes, the second's sync merges (record by record where both touched a file);
  target ≤ 2 s.

Not run by CI; prints a table, writes JSON, always exits 0 (a missed target says FAIL).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import finish, p95

from tandem.store import ids
from tandem.store.atomic import atomic_write_bytes, encode, read_file
from tandem.store.demo import seed_demo
from tandem.store.sync.run import Sync
from tandem.store.sync.setup import clone, init
from tandem.store.workspace import Workspace

RESULTS = Path(__file__).resolve().parent / "results" / "sync.json"


def counter_layout(tables: dict[str, Any], kind: str) -> bytes:
    """A file as schema 4 wrote it: one line, each table keyed "1", "2", … in order."""
    rekeyed: dict[str, Any] = {}
    for name, docs in tables.items():
        ordered = sorted(docs.values(), key=lambda d: (d.get("_seq", 0), d.get("position", 0)) if isinstance(d, dict) else (0, 0))
        rekeyed[name] = {str(n): {k: v for k, v in d.items() if k != "_seq"} for n, d in enumerate(ordered, start=1)}
    return orjson.dumps({"_tandem": {"kind": kind, "schema": 4}, **rekeyed}, option=orjson.OPT_SORT_KEYS)


def time_saves(folder: Path, tables: dict[str, Any], samples: int) -> dict[str, list[float]]:
    """Interleaved, so that the disk's bad moments fall on both formats alike."""
    out: dict[str, list[float]] = {"now": [], "schema 4": []}
    path_now, path_old = folder / "now.json", folder / "old.json"
    for _ in range(samples):
        for name, make, path in (("now", lambda: encode(tables, "meeting"), path_now), ("schema 4", lambda: counter_layout(tables, "meeting"), path_old)):
            started = time.perf_counter()
            atomic_write_bytes(path, make())
            out[name].append((time.perf_counter() - started) * 1000)
    return out


def timed_sync(home: Path) -> tuple[float, float]:
    """(seconds in all, seconds of them spent waiting on git)."""
    started = time.perf_counter()
    sync = Sync(home)
    sync.run()
    return time.perf_counter() - started, sync.git.seconds


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def change_records(home: Path, rng: random.Random, n: int, tag: str) -> None:
    """``n`` records changed: content items retitled, notes in the latest meetings, new ones."""
    ws = Workspace(home)
    items = ws.content.all()
    for item in rng.sample(items, min(n // 2, len(items))):
        ws.content.update(replace(item, title=f"{item.title} ({tag})"))
    meetings = sorted(ws.meeting_ids())[-10:]
    left = n - min(n // 2, len(items))
    for k in range(left):
        meeting_id = meetings[k % len(meetings)]
        try:
            with ws.open_meeting(meeting_id, allow_finalized=True) as writer:
                record = writer.read()
                item = record.agenda[k % len(record.agenda)]
                writer.agenda.update(replace(item, notes=f"{item.notes}\n- {tag} {k}".strip()))
        except Exception:  # noqa: BLE001 - a meeting that cannot be edited: add content instead
            ws.content.add(type(items[0])(id=ids.new_id(), title=f"{tag} idea {k}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()
    if shutil.which("git") is None:
        sys.exit("benchmarks/sync.py needs git")
    root = Path(tempfile.mkdtemp(prefix="tandem-sync-bench-"))
    rng = random.Random(7)
    results: dict[str, Any] = {"meetings": args.meetings}
    try:
        maya, jose, remote = root / "maya", root / "jose", root / "team.git"
        seed_demo(Workspace(maya), meetings=args.meetings)
        subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
        git(maya, "init", "-q", "-b", "main")
        for home, name in ((maya, "Maya"),):
            git(home, "config", "user.name", name)
            git(home, "config", "user.email", f"{name.lower()}@example.com")
        init(maya, str(remote))
        clone(str(remote), jose)
        git(jose, "config", "user.name", "Jose")
        git(jose, "config", "user.email", "jose@example.com")

        meeting = sorted(Workspace(maya).meeting_ids())[len(Workspace(maya).meeting_ids()) // 2]
        tables = read_file(Workspace(maya).meeting_path(meeting)) or {}
        saves = time_saves(root, tables, args.saves)
        results["save_ms"] = {k: {"median": statistics.median(v), "p95": p95(v)} for k, v in saves.items()}
        ratio = results["save_ms"]["now"]["median"] / results["save_ms"]["schema 4"]["median"]
        results["save_ratio"] = ratio

        noop = [timed_sync(maya) for _ in range(args.runs)]
        results["noop"] = {
            "total_s": statistics.median(t for t, _ in noop),
            "git_s": statistics.median(g for _, g in noop),
            "own_s": statistics.median(t - g for t, g in noop),
        }

        one: list[tuple[float, float]] = []
        for k in range(args.runs):
            with Workspace(maya).open_meeting(meeting, allow_finalized=True) as writer:
                item = writer.read().agenda[0]
                writer.agenda.update(replace(item, notes=f"{item.notes}\n- one change {k}".strip()))
            one.append(timed_sync(maya))
        results["one_changed"] = {"total_s": statistics.median(t for t, _ in one), "git_s": statistics.median(g for _, g in one)}

        Sync(jose).run()
        merges: list[tuple[float, float]] = []
        for k in range(max(3, args.runs // 2)):
            change_records(maya, rng, 50, f"maya {k}")
            change_records(jose, rng, 50, f"jose {k}")
            Sync(maya).run()
            merges.append(timed_sync(jose))
            Sync(maya).run()
        results["merge_50_each"] = {"total_s": statistics.median(t for t, _ in merges), "git_s": statistics.median(g for _, g in merges)}
    finally:
        shutil.rmtree(root, ignore_errors=True)

    checks = {
        "save within 10 % of schema 4": results["save_ratio"] <= 1.10,
        "no-op sync, tandem's own time ≤ 0.5 s": results["noop"]["own_s"] <= 0.5,
        "one changed meeting ≤ 1 s": results["one_changed"]["total_s"] <= 1.0,
        "merge of 50 + 50 changed records ≤ 2 s": results["merge_50_each"]["total_s"] <= 2.0,
    }
    results["checks"] = checks
    results["pass"] = all(checks.values())
    print(f"sync benchmark, {args.meetings} meetings, medians of {args.runs} runs ({args.saves} saves)")
    print(f"{'measure':44} {'figure':>26}")
    s = results["save_ms"]
    print(f"{'save (now / schema 4), ms median':44} {s['now']['median']:>11.2f} / {s['schema 4']['median']:.2f} = {results['save_ratio']:.2f}×")
    print(f"{'save (now / schema 4), ms p95':44} {s['now']['p95']:>11.2f} / {s['schema 4']['p95']:.2f}")
    for key, label in (("noop", "no-op sync"), ("one_changed", "one changed meeting"), ("merge_50_each", "merge, 50 records each side")):
        r = results[key]
        print(f"{label + ', s (total; git)':44} {r['total_s']:>11.3f}; git {r['git_s']:.3f}")
    print(f"{'no-op sync, tandem own time, s':44} {results['noop']['own_s']:>11.3f}")
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    finish(results, args.json)


if __name__ == "__main__":
    main()
