#!/usr/bin/env python
"""Live meeting with the team's contributions waiting: how fast ``tandem run`` shows its
first frame with 200 waiting contributions, against the same meeting with none (issue 21:
within 10 %), and when the waiting list appears under the first item.

In a temporary folder: the demo workspace (``--meetings``), copied twice — one copy as it
is, one with ``--waiting`` contributions of five people (leads, questions, topics, content
ideas, for whichever meeting comes next: benchmarks/contrib.py's ``seed_waiting``) — and a
config folder of its own (``TANDEM_CONFIG_DIR``), so the user's config.toml is never read.
Interleaved, ``--starts`` times each (the order alternating), the meeting file put back as
planned before each start: seconds from starting ``tandem --home WS run MEETING`` in a real
terminal (tmux, 120×36) until the live screen is drawn ("● LIVE"), and, with contributions,
until "Waiting from the team" shows (read in a worker after the first frame).

    python benchmarks/live_triage.py [--meetings 500] [--waiting 200] [--starts 7] [--json PATH]

Not run by CI; prints a table, writes JSON, always exits 0 (a missed target says FAIL).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import finish
from contrib import seed_waiting

from tandem.store.demo import seed_demo
from tandem.store.workspace import Workspace

RESULTS = Path(__file__).resolve().parent / "results" / "live_triage.json"
TANDEM = Path(sys.executable).parent / "tandem"
#: The first frame with contributions waiting, at most this much slower than with none.
TARGET_RATIO = 1.10
LIVE_MARK = "● LIVE"
WAITING_MARK = "Waiting from the team"


def frames(command: list[str], marks: list[str], *, timeout: float = 30) -> list[float]:
    """Seconds from starting ``command`` in a fresh tmux server until each of ``marks`` is
    on the screen (benchmarks/_terminal.py's ``first_frame``, for more than one mark)."""
    name = f"bench-{os.getpid()}-{time.monotonic_ns()}"
    found: dict[str, float] = {}
    started = time.perf_counter()
    subprocess.run(["tmux", "-L", name, "new-session", "-d", "-x", "120", "-y", "36", *command], check=True)
    try:
        while len(found) < len(marks):
            now = time.perf_counter() - started
            if now > timeout:
                raise RuntimeError(f"never on screen: {[m for m in marks if m not in found]}")
            screen = subprocess.run(["tmux", "-L", name, "capture-pane", "-p"], capture_output=True, text=True).stdout
            for mark in marks:
                if mark not in found and mark in screen:
                    found[mark] = now
            time.sleep(0.005)
    finally:
        subprocess.run(["tmux", "-L", name, "kill-server"], capture_output=True)
    return [found[m] for m in marks]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=500)
    parser.add_argument("--waiting", type=int, default=200)
    parser.add_argument("--starts", type=int, default=7)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()
    if not shutil.which("tmux"):
        sys.exit("tmux is needed to time a first frame in a real terminal")

    root = Path(tempfile.mkdtemp(prefix="tandem-live-triage-bench-"))
    try:
        none_home, waiting_home, config = root / "ws-none", root / "ws-waiting", root / "config"
        seed_demo(Workspace(none_home), meetings=args.meetings)
        shutil.copytree(none_home, waiting_home, symlinks=True)
        seed_waiting(waiting_home, args.waiting)
        config.mkdir()
        os.environ["TANDEM_CONFIG_DIR"] = str(config)  # tmux's server, and so tandem, inherit it
        os.environ.pop("TANDEM_HOME", None)
        meeting_id = next(m.id for m in Workspace(none_home).list_meetings() if m.status == "planned")
        pristine = root / "pristine.json"
        shutil.copy(Workspace(none_home).meeting_path(meeting_id), pristine)

        def start(home: Path, marks: list[str]) -> list[float]:
            shutil.copy(pristine, Workspace(home).meeting_path(meeting_id))  # planned again
            return frames([str(TANDEM), "--home", str(home), "run", meeting_id], marks)

        start(none_home, [LIVE_MARK])  # untimed: cold caches, the day's snapshot, the index
        start(waiting_home, [LIVE_MARK, WAITING_MARK])
        none: list[float] = []
        waiting: list[float] = []
        listed: list[float] = []
        for k in range(args.starts):
            for which in ("none", "waiting") if k % 2 == 0 else ("waiting", "none"):
                if which == "none":
                    none.append(start(none_home, [LIVE_MARK])[0])
                else:
                    first, shown = start(waiting_home, [LIVE_MARK, WAITING_MARK])
                    waiting.append(first)
                    listed.append(shown)
        file_kb = Workspace(none_home).meeting_path(meeting_id).stat().st_size / 1024
    finally:
        shutil.rmtree(root, ignore_errors=True)

    ratio = statistics.median(waiting) / statistics.median(none)
    results = {
        "meetings": args.meetings,
        "waiting": args.waiting,
        "starts": args.starts,
        "meeting_file_kb": file_kb,
        "first_frame_none_median_s": statistics.median(none),
        "first_frame_waiting_median_s": statistics.median(waiting),
        "waiting_list_shown_median_s": statistics.median(listed),
        "ratio": ratio,
        "samples_s": {"none": none, "waiting": waiting, "waiting_list_shown": listed},
        "targets": {"ratio": TARGET_RATIO},
        "pass": ratio <= TARGET_RATIO,
    }
    print(f"{args.meetings}-meeting demo; {args.waiting} contributions waiting; {args.starts} starts each, interleaved")
    print(f"{'metric':<52}{'median (s)':>12}")
    print(f"{'tandem run → live screen drawn, nothing waiting':<52}{results['first_frame_none_median_s']:>12.3f}")
    print(f"{f'tandem run → live screen drawn, {args.waiting} waiting':<52}{results['first_frame_waiting_median_s']:>12.3f}")
    print(f"{'tandem run → waiting list shown':<52}{results['waiting_list_shown_median_s']:>12.3f}")
    print(f"ratio (waiting / none): {ratio:.3f}  target ≤ {TARGET_RATIO:.2f}")
    finish(results, args.json)


if __name__ == "__main__":
    main()
