#!/usr/bin/env python
"""Start-up benchmark: how soon ``tandem`` shows its home screen with the 500-meeting demo
workspace, side by side with a minimal Textual app (Header, ListView, Footer) started the
same way in the same run — and which modules the command line imports before the app.

Target: the home screen's first frame within 1.3× the minimal app's.

    python benchmarks/start.py [--meetings 500] [--starts 7] [--json PATH]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _report import bytecode_as_installed, finish
from _terminal import MINIMAL_APP, first_frame

from tandem.store.demo import seed_demo
from tandem.store.workspace import Workspace

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "start.json"
TANDEM = Path(sys.executable).parent / "tandem"


def cli_import_s() -> float:
    """Seconds to import the command line alone (what `tandem list` pays before working)."""
    code = "import time; t = time.perf_counter(); import tandem.tui.cli.main; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=500)
    parser.add_argument("--starts", type=int, default=7)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()
    if not shutil.which("tmux"):
        sys.exit("benchmarks/start.py needs tmux")
    bytecode = bytecode_as_installed()

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "ws"
        seed_demo(Workspace(home), meetings=args.meetings)
        script = Path(tmp) / "minimal.py"
        script.write_text(MINIMAL_APP)
        starts, minimal = [], []
        for _ in range(args.starts):  # interleaved, so both see the same machine load
            starts.append(first_frame([str(TANDEM), "--home", str(home)], "Open action items"))
            minimal.append(first_frame([sys.executable, str(script)], "READY-MARK"))
    imports = [cli_import_s() for _ in range(5)]

    results = {
        "meetings": args.meetings,
        "home_first_frame_median_s": statistics.median(starts),
        "minimal_app_first_frame_median_s": statistics.median(minimal),
        "cli_import_median_s": statistics.median(imports),
        "starts": args.starts,
        "target_ratio": 1.3,
        "bytecode": bytecode,
    }
    ratio = results["home_first_frame_median_s"] / results["minimal_app_first_frame_median_s"]
    results["ratio"] = ratio
    results["pass"] = ratio <= 1.3
    print(f"{args.meetings}-meeting workspace, {args.starts} starts each, interleaved")
    print(f"{'metric':<46}{'tandem':>12}{'baseline':>12}{'ratio':>8}{'target':>9}")
    print(
        f"{'tandem → home screen with meetings, median (s)':<46}{results['home_first_frame_median_s']:>12.3f}{results['minimal_app_first_frame_median_s']:>12.3f}{ratio:>7.2f}x{'≤ 1.3x':>9}"
    )
    print(f"{'import of the command line alone, median (s)':<46}{results['cli_import_median_s']:>12.3f}")
    print("baseline: a minimal Textual app (Header, ListView, Footer)")
    print(bytecode)
    finish(results, args.json)


if __name__ == "__main__":
    main()
