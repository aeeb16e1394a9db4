#!/usr/bin/env python
"""Live-meeting benchmark: what a keystroke in the notes costs the UI thread, and how fast
``tandem run`` shows its first frame — with the 500-meeting demo workspace.

Side by side in one run:

* UI-thread time per notes keystroke (the TextArea.Changed handler, which updates memory
  and asks the saver thread to write within 300 ms) against writing the meeting file
  synchronously on the UI thread, which is what a naive app would do on every keystroke;
* seconds from starting ``tandem run MEETING`` in a real terminal (tmux) until the live
  screen is drawn, against a minimal Textual app (Header, ListView, Footer) started the
  same way.

Targets: keystroke p95 ≤ 5 ms.

    python benchmarks/live.py [--meetings 500] [--keys 300] [--starts 5] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _report import finish, p95
from _terminal import MINIMAL_APP, first_frame

from tandem.store.demo import seed_demo
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "live.json"
TANDEM = Path(sys.executable).parent / "tandem"


async def keystrokes(ws: Workspace, meeting_id: str, keys: int) -> tuple[list[float], list[float]]:
    from tandem.tui.screens.live import LiveScreen

    handler_ms: list[float] = []
    original = LiveScreen._notes_changed

    def timed(self, event):
        t = time.perf_counter()
        original(self, event)
        handler_ms.append((time.perf_counter() - t) * 1000)

    LiveScreen._notes_changed = timed  # type: ignore[method-assign]
    app = create_app(ws, start=StartWith(meeting_id=meeting_id))
    sync_ms: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        text = "lead quality notes with numbers 12 and names "
        for n in range(keys):
            await pilot.press(text[n % len(text)].replace(" ", "space"))
        await pilot.pause(0.5)
        session = app.screen.session
        # The baseline: the same save done synchronously, on the UI thread.
        for _ in range(min(keys, 100)):
            t = time.perf_counter()
            session._write()
            sync_ms.append((time.perf_counter() - t) * 1000)
        await pilot.press("ctrl+q")
    LiveScreen._notes_changed = original  # type: ignore[method-assign]
    return handler_ms, sync_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=500)
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        seed_demo(ws, meetings=args.meetings)
        planned = [m for m in ws.list_meetings() if m.status == "planned"]
        meeting_id = planned[0].id
        pristine = Path(tmp) / "pristine.json"
        shutil.copy(ws.meeting_path(meeting_id), pristine)

        handler, sync = asyncio.run(keystrokes(ws, meeting_id, args.keys))
        size_kb = ws.meeting_path(meeting_id).stat().st_size / 1024

        starts, minimal = [], []
        script = Path(tmp) / "minimal.py"
        script.write_text(MINIMAL_APP)
        if shutil.which("tmux"):
            for _ in range(args.starts):
                shutil.copy(pristine, ws.meeting_path(meeting_id))  # a planned meeting each time
                starts.append(first_frame([str(TANDEM), "--home", str(ws.home), "run", meeting_id], "● LIVE"))
                minimal.append(first_frame([sys.executable, str(script)], "READY-MARK"))

    results = {
        "meetings": args.meetings,
        "meeting_file_kb": size_kb,
        "keystroke_ui_median_ms": statistics.median(handler),
        "keystroke_ui_p95_ms": p95(handler),
        "keystrokes": len(handler),
        "sync_save_median_ms": statistics.median(sync),
        "sync_save_p95_ms": p95(sync),
        "run_first_frame_median_s": statistics.median(starts) if starts else None,
        "minimal_app_first_frame_median_s": statistics.median(minimal) if minimal else None,
        "targets": {"keystroke_ui_p95_ms": 5},
    }
    results["pass"] = results["keystroke_ui_p95_ms"] <= 5
    print(f"{args.meetings}-meeting workspace; the live meeting's file is {size_kb:.0f} KB")
    print(f"{'metric':<46}{'tandem':>12}{'baseline':>12}{'ratio':>8}{'target':>9}")
    print(
        f"{'UI thread per notes keystroke, median (ms)':<46}{results['keystroke_ui_median_ms']:>12.3f}{results['sync_save_median_ms']:>12.3f}{results['sync_save_median_ms'] / results['keystroke_ui_median_ms']:>7.0f}x"
    )
    print(f"{'UI thread per notes keystroke, p95 (ms)':<46}{results['keystroke_ui_p95_ms']:>12.3f}{results['sync_save_p95_ms']:>12.3f}{'':>8}{'≤ 5':>9}")
    if starts:
        ratio = results["run_first_frame_median_s"] / results["minimal_app_first_frame_median_s"]
        print(
            f"{'tandem run → live screen drawn, median (s)':<46}{results['run_first_frame_median_s']:>12.3f}{results['minimal_app_first_frame_median_s']:>12.3f}{ratio:>7.2f}x"
        )
    print("baselines: a synchronous save on the UI thread; a minimal Textual app (Header, ListView, Footer)")
    finish(results, args.json)


if __name__ == "__main__":
    main()
