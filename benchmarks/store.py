#!/usr/bin/env python
"""Store benchmark: tandem's one-file-per-meeting store against one plain TinyDB file.

Builds, in a temp folder and in the same run, the same data twice:

* a tandem workspace of N meetings (default 500) holding ~R records each (default 100:
  agenda items, lead feedback, decisions, action items, some open), ~300 bytes a record;
* a plain TinyDB 4.9 file with its default ``JSONStorage``: one table per kind, every
  document carrying its ``meeting_id``, built with ``insert_multiple``.

Then it times, side by side:

* saving one record into one meeting (tandem: ``writer.actions.add(ActionItem(...))`` on an
  open ``MeetingWriter``; TinyDB: ``db.table("actions").insert({...})`` into the big file);
* opening one meeting (tandem: ``Workspace.read_meeting``; TinyDB: a fresh ``TinyDB(...)``
  and a search for that meeting in every table);
* listing open action items across all meetings (tandem: ``Workspace.open_action_items``;
  TinyDB: a fresh ``TinyDB(...)`` and ``table("actions").search(status == "open")``).

It prints a table, writes the same figures as JSON, and always exits 0: it reports, it does
not gate (CI does not run benchmarks). Medians and p95 (nearest rank) are reported because
the machines it runs on are noisy; the p95 of a handful of samples is only indicative.

    python benchmarks/store.py [--meetings 500] [--records 100] [--json PATH] [--quick]
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import tinydb
from _report import p95
from tinydb import Query, TinyDB

from tandem.store import ids
from tandem.store.atomic import atomic_write_bytes
from tandem.store.records import ActionItem, AgendaItem, Attendee, Decision, LeadFeedback, Meeting
from tandem.store.workspace import MeetingRecord, Workspace

SEED = 20261126
DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "store.json"

# Share of each record kind in a meeting (the rest of ``--records`` after the agenda).
MIX = {"agenda": 0.10, "lead_feedback": 0.40, "decisions": 0.15, "actions": 0.35}
OPEN_SHARE = 0.2  # share of action items still open

SERIES = ("weekly-sync", "pipeline-review", "content-council")
PEOPLE = (
    ("Ana Ruiz", "sales"),
    ("Ben Okafor", "sales"),
    ("Chloé Martin", "marketing"),
    ("Dev Patel", "marketing"),
    ("Eva Lindqvist", "sales"),
    ("Farid Haddad", "marketing"),
    ("Grace Kim", "other"),
)
SOURCES = ("webinar", "paid search", "trade show", "outbound", "referral", "content download")
PERSONAS = ("VP Sales", "Ops manager", "CFO", "IT lead", "Founder")
WORDS = [
    "pipeline",
    "quality",
    "lead",
    "handoff",
    "follow-up",
    "pricing",
    "objection",
    "demo",
    "trial",
    "renewal",
    "churn",
    "campaign",
    "persona",
    "webinar",
    "budget",
    "timing",
    "competitor",
    "discovery",
    "qualification",
    "intent",
    "scoring",
    "nurture",
    "sequence",
    "landing",
    "page",
    "case",
    "study",
    "battlecard",
    "onboarding",
    "forecast",
    "territory",
    "enablement",
    "messaging",
    "prospect",
    "review",
    "cadence",
    "next",
    "quarter",
    "accounts",
    "region",
]


# --- data ---------------------------------------------------------------------------


def _text(rng: random.Random, lo: int, hi: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return " ".join(words).capitalize() + "."


def _day(rng: random.Random, base: date, spread: int) -> str:
    return (base + timedelta(days=rng.randint(1, spread))).isoformat()


def make_meeting(rng: random.Random, index: int, records: int) -> MeetingRecord:
    """One meeting with ~``records`` records; ``rng`` is seeded so runs are comparable."""
    day = date(2016, 1, 4) + timedelta(days=3 * index)
    series = SERIES[index % len(SERIES)]
    meeting_id = ids.meeting_id(day, series)
    attendees = [Attendee(name=n, team=t) for n, t in rng.sample(PEOPLE, 5)]
    meeting = Meeting(
        id=meeting_id,
        series_id=series,
        title=f"{series.replace('-', ' ').title()} #{index + 1}",
        date=day.isoformat(),
        facilitator=attendees[0].name,
        attendees=attendees[:4],
        absentees=attendees[4:],
        status="ended",  # finalized meetings refuse writers; the saves below need an open one
        template_id="standard",
        started_at=f"{day.isoformat()}T09:00:00",
        ended_at=f"{day.isoformat()}T09:{rng.randint(40, 59)}:00",
        clock_elapsed=float(rng.randint(2400, 3540)),
        rating=rng.randint(3, 5),
    )
    n_agenda = max(1, round(records * MIX["agenda"]))
    agenda = [
        AgendaItem(
            id=ids.new_id(rng),
            title=_text(rng, 3, 6),
            position=i,
            timebox_min=rng.choice((5, 10, 15)),
            prompts=[_text(rng, 3, 5)],
            presenter=rng.choice(PEOPLE)[0],
            presenter_team=rng.choice(("sales", "marketing")),
            captures=rng.choice(("", "lead_feedback", "decision", "action_review")),
            status="done",
            elapsed_s=float(rng.randint(120, 900)),
            notes=_text(rng, 4, 10),
        )
        for i in range(n_agenda)
    ]

    def item_id() -> str:
        return rng.choice(agenda).id

    feedback = [
        LeadFeedback(
            id=ids.new_id(rng),
            reference=f"ACME-{rng.randint(1000, 99999)}",
            verdict=rng.choice(("good", "poor", "too_early")),
            meeting_id=meeting_id,
            agenda_item_id=item_id(),
            source=rng.choice(SOURCES),
            persona=rng.choice(PERSONAS),
            stage_reached=rng.choice(("mql", "sal", "sql", "opportunity")),
            disposition=rng.choice(("accepted", "rejected", "recycled")),
            reasons=rng.sample(("no_fit", "no_budget", "bad_timing", "unreachable", "no_interest"), rng.randint(0, 2)),
            comment=_text(rng, 2, 6),
            reporter=rng.choice(PEOPLE)[0],
        )
        for _ in range(round(records * MIX["lead_feedback"]))
    ]
    decisions = [
        Decision(
            id=ids.new_id(rng),
            text=_text(rng, 14, 24),
            meeting_id=meeting_id,
            agenda_item_id=item_id(),
            decided_by=rng.choice(PEOPLE)[0],
        )
        for _ in range(round(records * MIX["decisions"]))
    ]
    n_actions = max(0, records - n_agenda - len(feedback) - len(decisions))
    actions = []
    for _ in range(n_actions):
        is_open = rng.random() < OPEN_SHARE
        status = "open" if is_open else rng.choice(("done", "done", "done", "dropped"))
        actions.append(
            ActionItem(
                id=ids.new_id(rng),
                text=_text(rng, 6, 12),
                owner=rng.choice(PEOPLE)[0],
                due=_day(rng, day, 30),
                status=status,
                meeting_id=meeting_id,
                agenda_item_id=item_id(),
                closed_on="" if is_open else _day(rng, day, 40),
                closed_in="" if is_open else ids.meeting_id(day + timedelta(days=7), series),
            )
        )
    return MeetingRecord(meeting=meeting, agenda=agenda, lead_feedback=feedback, decisions=decisions, actions=actions)


def new_action(rng: random.Random, meeting_id: str) -> ActionItem:
    return ActionItem(
        id=ids.new_id(rng),
        text=_text(rng, 8, 16),
        owner=rng.choice(PEOPLE)[0],
        due="2030-01-15",
        status="open",
        meeting_id=meeting_id,
        agenda_item_id=ids.new_id(rng),
    )


BASELINE_TABLES = ("meetings", "agenda", "lead_feedback", "decisions", "actions")


def baseline_docs(record: MeetingRecord) -> dict[str, list[dict[str, Any]]]:
    """The same records as plain documents, each carrying its meeting id."""
    mid = record.meeting.id
    return {
        "meetings": [{**record.meeting.to_dict(), "meeting_id": mid}],
        "agenda": [{**a.to_dict(), "meeting_id": mid} for a in record.agenda],
        "lead_feedback": [f.to_dict() for f in record.lead_feedback],
        "decisions": [d.to_dict() for d in record.decisions],
        "actions": [a.to_dict() for a in record.actions],
    }


# --- timing -------------------------------------------------------------------------


@contextmanager
def no_gc() -> Iterator[None]:
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle() -> None:
    """Flush what the benchmark itself wrote (builds, atime updates) before timing, so a
    write-back of tens of MB does not land in the samples."""
    os.sync()
    time.sleep(0.5)


def time_calls(fn: Callable[[int], Any], n: int, *, gc_off: bool = True) -> list[float]:
    """Seconds per call of ``fn(i)`` for i in range(n); gc off while timing."""
    out = []
    with no_gc() if gc_off else nullcontext():
        for i in range(n):
            t0 = time.perf_counter()
            fn(i)
            out.append(time.perf_counter() - t0)
    return out


def io_floor(folder: Path, size: int, n: int = 60) -> dict[str, float]:
    """The disk's share of one save, without TinyDB or orjson: ``atomic_write_bytes`` of a
    meeting-sized payload (create temp, write, fsync, replace, fsync the folder). On shared
    virtual disks this swings from ~0.3 ms to tens of ms from one minute to the next, and a
    save can never be faster than it."""
    payload = b"x" * size
    target = folder / f".io-probe-{os.getpid()}"
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        atomic_write_bytes(target, payload)
        samples.append(time.perf_counter() - t0)
    target.unlink()
    return {"median_ms": statistics.median(samples) * 1e3, "p95_ms": p95(samples) * 1e3}


def stats_ms(samples: list[float]) -> dict[str, Any]:
    return {
        "n": len(samples),
        "median_ms": statistics.median(samples) * 1e3,
        "p95_ms": p95(samples) * 1e3,
        "min_ms": min(samples) * 1e3,
        "max_ms": max(samples) * 1e3,
        "samples_ms": [round(x * 1e3, 4) for x in samples],  # in timing order
    }


# --- the benchmark ------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    quick = args.quick
    n_save = 50 if quick else 200
    n_base_insert = 5 if quick else 15
    n_open = 60 if quick else 300
    n_base_open = 3 if quick else 7
    n_actions = 10 if quick else 30
    n_base_actions = 3 if quick else 7

    load_at_start = list(os.getloadavg())
    rng = random.Random(SEED)
    tmp = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    home = tmp / "workspace"
    base_path = tmp / "plain-tinydb.json"
    try:
        # --- build --------------------------------------------------------------------
        print(f"building {args.meetings} meetings × ~{args.records} records in {tmp} …", flush=True)
        meetings = [make_meeting(rng, i, args.records) for i in range(args.meetings)]
        meeting_ids = [m.meeting.id for m in meetings]
        total_records = sum(1 + len(m.agenda) + len(m.lead_feedback) + len(m.decisions) + len(m.actions) for m in meetings)
        record_bytes = [len(orjson.dumps(r.to_dict())) for m in meetings for r in (*m.agenda, *m.lead_feedback, *m.decisions, *m.actions)]
        expected_open = sum(1 for m in meetings for a in m.actions if a.status == "open")

        t0 = time.perf_counter()
        builder = Workspace(home)
        for m in meetings:
            builder.create_meeting(m.meeting, m.agenda)
            with builder.open_meeting(m.meeting.id) as writer:
                writer.write_all(m)
        tandem_build_s = time.perf_counter() - t0
        tandem_bytes = sum(p.stat().st_size for p in (home / "meetings").glob("*.json"))

        t0 = time.perf_counter()
        docs: dict[str, list[dict[str, Any]]] = {t: [] for t in BASELINE_TABLES}
        for m in meetings:
            for table, rows in baseline_docs(m).items():
                docs[table].extend(rows)
        base = TinyDB(base_path)  # default JSONStorage
        for table in BASELINE_TABLES:
            base.table(table).insert_multiple(docs[table])
        base.close()
        del docs
        baseline_build_s = time.perf_counter() - t0
        print(
            f"  tandem: {tandem_build_s:.1f} s, {tandem_bytes / 1e6:.1f} MB in {len(meeting_ids)} files; "
            f"plain TinyDB: {baseline_build_s:.1f} s, {base_path.stat().st_size / 1e6:.1f} MB in one file",
            flush=True,
        )

        # A fresh Workspace, as the app would open it (the builder's is dropped).
        ws = Workspace(home)
        pick = random.Random(SEED + 1)
        results: dict[str, Any] = {}

        # --- open one meeting (reads first, so both stores hold identical data) --------
        print("timing: open one meeting …", flush=True)
        settle()
        for mid in meeting_ids[:5]:  # warm-up: imports, first-call costs
            ws.read_meeting(mid)
        open_ids = [pick.choice(meeting_ids) for _ in range(n_open)]
        t_open = time_calls(lambda i: ws.read_meeting(open_ids[i]), n_open)
        check = ws.read_meeting(open_ids[0])
        tandem_count = 1 + len(check.agenda) + len(check.lead_feedback) + len(check.decisions) + len(check.actions)

        base_open_ids = [pick.choice(meeting_ids) for _ in range(n_base_open)]
        base_count = 0

        def base_open(i: int) -> None:
            nonlocal base_count
            db = TinyDB(base_path)
            q = Query().meeting_id == base_open_ids[i]
            found = {t: db.table(t).search(q) for t in BASELINE_TABLES}
            db.close()
            base_count = sum(len(v) for v in found.values())

        b_open = time_calls(base_open, n_base_open)
        results["open_meeting"] = {
            "label": "open one meeting",
            "tandem": stats_ms(t_open),
            "baseline": stats_ms(b_open),
            "records_in_meeting": {"tandem": tandem_count},
            "records_found_baseline_last_sample": base_count,
        }

        # --- open action items across all meetings -------------------------------------
        print(f"timing: open action items across {len(meeting_ids)} meetings …", flush=True)
        ws.open_action_items()  # warm-up
        t_actions = time_calls(lambda i: ws.open_action_items(), n_actions)
        tandem_open = len(ws.open_action_items())

        base_open_count = 0

        def base_actions(i: int) -> None:
            nonlocal base_open_count
            db = TinyDB(base_path)
            base_open_count = len(db.table("actions").search(Query().status == "open"))
            db.close()

        b_actions = time_calls(base_actions, n_base_actions)
        if not tandem_open == base_open_count == expected_open:
            print(
                f"  WARNING: open action counts differ: tandem {tandem_open}, TinyDB {base_open_count}, generated {expected_open}",
                flush=True,
            )
        results["open_actions"] = {
            "label": f"open actions, {len(meeting_ids)} mtgs",
            "tandem": stats_ms(t_actions),
            "baseline": stats_ms(b_actions),
            "open_items": {"tandem": tandem_open, "baseline": base_open_count, "generated": expected_open},
        }

        # --- save one record -----------------------------------------------------------
        print("timing: save one action item …", flush=True)
        # The daily snapshot (a zip of the whole workspace) runs before the first write of
        # each day in each Workspace. Trigger it here, with one untimed write, so it does
        # not land in the timed saves; its cost is reported on its own.
        t0 = time.perf_counter()
        with ws.open_meeting(meeting_ids[0]) as writer:
            writer.actions.add(new_action(rng, meeting_ids[0]))
        first_write_s = time.perf_counter() - t0
        snapshot_taken = any((home / "snapshots").glob("*.zip"))

        # Saves are spread over several meetings (25 each) so every meeting keeps ~100–125
        # records while it is written to; the writer is opened (lock taken) outside the timing.
        per_meeting = 25
        save_meetings = pick.sample(meeting_ids[1:], math.ceil(n_save / per_meeting))
        batches = [[new_action(rng, mid) for _ in range(per_meeting)] for mid in save_meetings]
        batches[-1] = batches[-1][: n_save - per_meeting * (len(batches) - 1)]
        settle()
        meeting_size = round(tandem_bytes / len(meeting_ids))
        probe_before = io_floor(home / "meetings", meeting_size)
        t_save: list[float] = []
        with no_gc():  # one collection before all saves, none between them
            for mid, batch in zip(save_meetings, batches, strict=True):
                with ws.open_meeting(mid) as writer:
                    writer.actions.add(new_action(rng, mid))  # warm-up, untimed
                    save = writer.actions.add
                    t_save.extend(time_calls(lambda i, save=save, batch=batch: save(batch[i]), len(batch), gc_off=False))
        probe_after = io_floor(home / "meetings", meeting_size)

        base = TinyDB(base_path)  # kept open: the most favourable case for TinyDB
        actions_table = base.table("actions")
        base_docs = [new_action(rng, pick.choice(meeting_ids)).to_dict() for _ in range(n_base_insert)]
        settle()
        b_save = time_calls(lambda i: actions_table.insert(base_docs[i]), n_base_insert)
        base.close()
        results["save"] = {
            "label": "save one record",
            "tandem": stats_ms(t_save),
            "baseline": stats_ms(b_save),
            "meetings_written": len(save_meetings),
            "io_floor": {"payload_bytes": meeting_size, "before": probe_before, "after": probe_after},
        }

        # --- targets -------------------------------------------------------------------
        for res in results.values():
            res["ratio"] = res["baseline"]["median_ms"] / res["tandem"]["median_ms"]
        s, o, a = results["save"], results["open_meeting"], results["open_actions"]
        s["target"] = "p95 ≤ 2 ms, ≥100×"
        s["pass"] = s["tandem"]["p95_ms"] <= 2.0 and s["ratio"] >= 100
        o["target"] = "p95 ≤ 5 ms"
        o["pass"] = o["tandem"]["p95_ms"] <= 5.0
        a["target"] = "p95 ≤ 150 ms"
        a["pass"] = a["tandem"]["p95_ms"] <= 150.0

        return {
            "benchmark": "store",
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "command": " ".join([os.path.basename(sys.executable), *sys.argv]),
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "tinydb": tinydb.__version__,
                "orjson": orjson.__version__,
                "loadavg_at_start": load_at_start,
                "loadavg_at_end": list(os.getloadavg()),
            },
            "data": {
                "meetings": len(meeting_ids),
                "records_per_meeting": args.records,
                "records_total": total_records,
                "record_bytes_mean": statistics.mean(record_bytes),
                "tandem_bytes": tandem_bytes,
                "baseline_bytes": base_path.stat().st_size,
                "tandem_build_s": tandem_build_s,
                "baseline_build_s": baseline_build_s,
                "seed": SEED,
            },
            "first_write_of_day_ms": first_write_s * 1e3,
            "snapshot_taken": snapshot_taken,
            "quick": quick,
            "metrics": results,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def print_table(report: dict[str, Any]) -> None:
    d = report["data"]
    print()
    print(
        f"{d['meetings']} meetings, {d['records_total']:,} records (mean {d['record_bytes_mean']:.0f} B), "
        f"tandem {d['tandem_bytes'] / 1e6:.1f} MB / plain TinyDB {d['baseline_bytes'] / 1e6:.1f} MB; "
        f"{report['machine']['cpus']} CPUs, Python {report['machine']['python']}, TinyDB {report['machine']['tinydb']}, "
        f"load average {report['machine']['loadavg_at_start'][0]:.2f} → {report['machine']['loadavg_at_end'][0]:.2f}"
    )
    headers = ("metric", "tandem median", "tandem p95", "plain TinyDB median", "ratio", "target", "pass/fail")
    rows = []
    for res in report["metrics"].values():
        t, b = res["tandem"], res["baseline"]
        rows.append(
            (
                res["label"],
                f"{t['median_ms']:.3f} ms (n={t['n']})",
                f"{t['p95_ms']:.3f} ms",
                f"{b['median_ms']:.1f} ms (n={b['n']})",
                f"{res['ratio']:.0f}×" if res["ratio"] >= 10 else f"{res['ratio']:.1f}×",
                res["target"],
                "pass" if res["pass"] else "FAIL  <<<",
            )
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print(
        f"(ratio = plain TinyDB median / tandem median; first write of the day, with its snapshot: "
        f"{report['first_write_of_day_ms']:.0f} ms, not in the save timings)"
    )
    io = report["metrics"]["save"]["io_floor"]
    print(
        f"(disk alone — atomic_write_bytes of {io['payload_bytes'] / 1e3:.0f} kB: median/p95 "
        f"{io['before']['median_ms']:.2f}/{io['before']['p95_ms']:.2f} ms before the saves, "
        f"{io['after']['median_ms']:.2f}/{io['after']['p95_ms']:.2f} ms after; no save can beat it)"
    )
    failed = [r["label"] for r in report["metrics"].values() if not r["pass"]]
    print("ALL TARGETS MET" if not failed else f"FAIL: {', '.join(failed)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=500, help="meetings in the workspace (default 500)")
    parser.add_argument("--records", type=int, default=100, help="records per meeting (default 100)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"where to write the figures (default {DEFAULT_JSON})")
    parser.add_argument("--quick", action="store_true", help="fewer samples (same data size)")
    args = parser.parse_args(argv)
    if args.meetings < 2 or args.records < 10:
        parser.error("need at least 2 meetings and 10 records per meeting")

    report = run(args)
    print_table(report)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n")
    print(f"figures written to {args.json}")
    return 0  # reports, never gates


if __name__ == "__main__":
    sys.exit(main())
