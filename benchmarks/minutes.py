#!/usr/bin/env python
"""Minutes benchmark: rendering one big meeting, and exporting a 500-meeting workspace.

Side by side in one run:

* one meeting of 100 agenda items (notes of ~10 lines each, plus lead feedback, decisions
  and actions): tandem's render (sandboxed Jinja2 layout + escaping) against the same
  layout with the escaping filters replaced by identity — the price of safety;
* ``tandem export --all`` of the 500-meeting demo workspace (first export, then the
  re-export that finds every file unchanged) against only reading those 500 meetings —
  the floor set by the store;
* the incremental ``export_all`` into another folder: first, with nothing changed, and with
  one meeting's notes changed (rendered alone, from what its minutes show);
* what a meeting's render costs per KB of minutes and per action-review row, for the first
  and the last fifth of the history (a long history means long action reviews: the cost per
  meeting grows with the data, the cost per row should not).

Targets: one 100-item meeting ≤ 50 ms; all 500 meetings ≤ 5 s.

    python benchmarks/minutes.py [--meetings 500] [--runs 30] [--json PATH]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from _report import finish, p95

from tandem.store import records as r
from tandem.store.demo import seed_demo
from tandem.store.minutes.export import export_all, export_minutes
from tandem.store.minutes.render import Shared, _environment, builtin_layout_path, minutes_context, render_minutes
from tandem.store.workspace import MeetingRecord, Workspace

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "minutes.json"


def big_meeting(items: int = 100) -> tuple[MeetingRecord, Shared]:
    rng = random.Random(7)
    words = [
        "lead",
        "MQL",
        "SQL",
        "pipeline",
        "webinar",
        "case",
        "study",
        "persona",
        "**bold**",
        "[link](https://x.io)",
        "churn",
        "budget",
        "#",
        "|",
        "<",
        "-",
        "[",
        "]",
    ]

    def sentence(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n))

    mid = "2026-11-26-big"
    meeting = r.Meeting(
        id=mid,
        series_id="big",
        title="A very long sync",
        date="2026-11-26",
        facilitator="Dana",
        attendees=[r.Attendee(name=f"Person {i}", team=("sales", "marketing")[i % 2]) for i in range(12)],
    )
    agenda = [
        r.AgendaItem(
            id=f"i{i}", title=sentence(5), position=i, timebox_min=5, status="done", elapsed_s=300, notes="\n".join(f"- {sentence(12)}" for _ in range(10))
        )
        for i in range(items)
    ]
    record = MeetingRecord(
        meeting=meeting,
        agenda=agenda,
        lead_feedback=[
            r.LeadFeedback(id=f"l{i}", reference=f"SF-{i}", verdict="poor", source="G2", reasons=["no_fit"], comment=sentence(8)) for i in range(50)
        ],
        decisions=[r.Decision(id=f"d{i}", text=sentence(10)) for i in range(20)],
        actions=[r.ActionItem(id=f"a{i}", text=sentence(10), owner="Dana", due="2026-12-01") for i in range(40)],
    )
    return record, Shared(series={"big": r.Series(id="big", title="Big")}, meetings=[meeting])


def unescaped_renderer():
    env = _environment().overlay()
    identity = lambda value, *args: str(value)  # noqa: E731
    env.filters.update(inline=identity, cell=identity, block=identity, yaml=lambda v: f'"{v}"', measure=lambda v, u: f"{v}{u}")
    template = env.from_string(builtin_layout_path().read_text())
    return lambda record, shared: template.render(minutes_context(record, shared))


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--meetings", type=int, default=500)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()

    record, shared = big_meeting()
    render_minutes(record, shared)  # compile the layout once, as an export run does
    plain = unescaped_renderer()
    safe = timed(lambda: render_minutes(record, shared), args.runs)
    bare = timed(lambda: plain(record, shared), args.runs)
    lines = render_minutes(record, shared).count("\n")

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        seed_demo(ws, meetings=args.meetings)
        ids = [m.id for m in ws.list_meetings()]
        read_ms = timed(lambda: list(ws.iter_meeting_records()), 3)
        out = Path(tmp) / "minutes"
        t = time.perf_counter()
        first = export_minutes(ws, ids, out)
        first_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        again = export_minutes(ws, ids, out)
        again_ms = (time.perf_counter() - t) * 1000
        assert len(first.written) == len(ids) and not again.written
        incremental = Path(tmp) / "incremental"
        inc_first_ms = timed(lambda: export_all(ws, incremental), 1)[0]
        inc_unchanged_ms = statistics.median(timed(lambda: export_all(ws, incremental), 5))
        changed_ms = []
        for meeting_id in ids[-5:]:
            with ws.open_meeting(meeting_id, allow_finalized=True) as writer:
                items = writer.agenda.all()
                if items:
                    writer.agenda.update(items[0].replace(notes=items[0].notes + " (changed)"))
            t = time.perf_counter()
            one = export_all(ws, incremental)
            changed_ms.append((time.perf_counter() - t) * 1000)
            assert len(one.written) <= 1
        shared = Shared.load(ws)
        fifths = {}
        for label, part in (("first fifth", shared.meetings[: len(ids) // 5]), ("last fifth", shared.meetings[-len(ids) // 5 :])):
            records = [ws.read_meeting(m.id) for m in part]
            t = time.perf_counter()
            kb = sum(len(render_minutes(r, shared).encode("utf-8")) for r in records) / 1024
            seconds = time.perf_counter() - t
            rows = sum(len(shared.review_rows(m) or []) for m in part)
            fifths[label] = {"ms_per_meeting": seconds * 1000 / len(part), "us_per_kb": seconds * 1e6 / kb, "review_rows_per_meeting": rows / len(part)}

    results = {
        "big_meeting_lines": lines,
        "render_100_items_median_ms": statistics.median(safe),
        "render_100_items_p95_ms": p95(safe),
        "render_unescaped_median_ms": statistics.median(bare),
        "escaping_ratio": statistics.median(safe) / statistics.median(bare),
        "meetings": len(ids),
        "export_all_first_ms": first_ms,
        "export_all_unchanged_ms": again_ms,
        "read_all_meetings_median_ms": statistics.median(read_ms),
        "export_all_incremental_first_ms": inc_first_ms,
        "export_all_incremental_unchanged_median_ms": inc_unchanged_ms,
        "export_all_one_changed_median_ms": statistics.median(changed_ms),
        "render_by_fifth": fifths,
        "targets": {"render_100_items_ms": 50, "export_all_ms": 5000},
    }
    results["pass"] = results["render_100_items_p95_ms"] <= 50 and first_ms <= 5000 and again_ms <= 5000

    print(f"{'metric':<52}{'tandem ms':>11}{'baseline ms':>13}{'ratio':>8}{'target':>9}")
    print(
        f"{'render one 100-item meeting (' + str(lines) + ' lines), median':<52}{results['render_100_items_median_ms']:>11.1f}{results['render_unescaped_median_ms']:>13.1f}{results['escaping_ratio']:>8.2f}{'≤ 50':>9}"
    )
    print(f"{'  same, p95':<52}{results['render_100_items_p95_ms']:>11.1f}")
    print(
        f"{'export all ' + str(len(ids)) + ' meetings (first run)':<52}{first_ms:>11.0f}{results['read_all_meetings_median_ms']:>13.0f}{first_ms / results['read_all_meetings_median_ms']:>8.1f}{'≤ 5000':>9}"
    )
    print(
        f"{'export all again (every file unchanged)':<52}{again_ms:>11.0f}{results['read_all_meetings_median_ms']:>13.0f}{again_ms / results['read_all_meetings_median_ms']:>8.1f}{'≤ 5000':>9}"
    )
    print(f"{'export_all (incremental): first run':<52}{inc_first_ms:>11.0f}")
    print(f"{'  nothing changed, median':<52}{inc_unchanged_ms:>11.1f}")
    print(f"{'  one meeting changed, median':<52}{results['export_all_one_changed_median_ms']:>11.1f}")
    for label, f in fifths.items():
        print(f"render, {label}: {f['ms_per_meeting']:.2f} ms/meeting, {f['us_per_kb']:.0f} µs/KB, {f['review_rows_per_meeting']:.1f} review rows/meeting")
    print("baselines: the same layout without escaping; reading the meetings without rendering")
    finish(results, args.json)


if __name__ == "__main__":
    main()
