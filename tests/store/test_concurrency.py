"""One writer and three reader processes on the same workspace for a few seconds.

The writer adds action items to one meeting as fast as it can, and every few records creates
another meeting. Three readers loop on ``read_meeting``, ``open_action_items`` and
``list_meetings``. Readers never lock, so the only thing that keeps them from seeing a torn
file is the atomic replace: any exception in a reader is a failure. Every read must also be
consistent: the writer's records in insertion order, a prefix that only ever grows; and at
the end each reader sees exactly what the writer wrote.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import pytest

from tandem.store.records import ActionItem, Meeting
from tandem.store.workspace import Workspace

pytestmark = [
    pytest.mark.serial,
    pytest.mark.skipif(
        "fork" not in multiprocessing.get_all_start_methods() or not sys.platform.startswith("linux"),
        reason="needs the fork start method (Linux)",
    ),
]

MEETING_ID = "2026-11-26-weekly-sync"
WRITE_SECONDS = 3.0
#: The writer keeps going until it has written this many as well: on a loaded machine (the
#: suite runs on two workers) three seconds can be too few fsyncs to prove anything.
MIN_ACTIONS = 30
NEW_MEETING_EVERY = 10


def _meeting(meeting_id: str, day: str = "2026-11-26") -> Meeting:
    return Meeting(id=meeting_id, series_id="weekly-sync", title="Weekly sync", date=day)


def _writer(home: str, results: Any, writer_done: Any) -> None:
    try:
        ws = Workspace(home)
        count = 0
        meetings = 1
        deadline = time.monotonic() + WRITE_SECONDS
        with ws.open_meeting(MEETING_ID) as writer:
            while time.monotonic() < deadline or count < MIN_ACTIONS:
                writer.actions.add(ActionItem(id=f"a{count:05d}", text=f"Action {count}", meeting_id=MEETING_ID))
                count += 1
                if count % NEW_MEETING_EVERY == 0:
                    ws.create_meeting(_meeting(f"2026-11-27-extra-{meetings:04d}", "2026-11-27"))
                    meetings += 1
        results.put(("writer", {"actions": count, "meetings": meetings}))
    except BaseException:
        results.put(("writer-error", traceback.format_exc()))
    finally:
        writer_done.set()


def _reader(kind: str, home: str, results: Any, writer_done: Any) -> None:
    """Loop until the writer is done, then read once more; report what was seen."""
    errors: list[str] = []
    observed: list[int] = []
    reads = 0
    ws = Workspace(home)
    previous: list[str] = []

    def read_once() -> int:
        nonlocal previous
        if kind == "read_meeting":
            record = ws.read_meeting(MEETING_ID)
            ids = [a.id for a in record.actions]
            # Insertion order, no gaps, and what was seen before is still there.
            assert ids == [f"a{n:05d}" for n in range(len(ids))], ids[-3:]
            assert ids[: len(previous)] == previous, "a record seen earlier disappeared"
            previous = ids
            return len(ids)
        if kind == "open_action_items":
            items = ws.open_action_items()
            assert all(item.status == "open" for item in items)
            ids = sorted(item.id for item in items)
            assert ids == [f"a{n:05d}" for n in range(len(ids))], ids[-3:]
            return len(ids)
        meetings = ws.list_meetings()
        ids = [m.id for m in meetings]
        assert ids[0] == MEETING_ID and len(set(ids)) == len(ids), ids[:3]
        assert ids[1:] == [f"2026-11-27-extra-{n:04d}" for n in range(1, len(ids))], ids[-3:]
        return len(ids)

    try:
        while True:
            done = writer_done.is_set()  # read before the final pass, so it sees the last save
            try:
                count = read_once()
            except BaseException:
                errors.append(traceback.format_exc())
                if len(errors) > 5:
                    break
            else:
                reads += 1
                if not observed or count != observed[-1]:
                    observed.append(count)
            if done:
                break
    finally:
        results.put((kind, {"errors": errors, "observed": observed, "reads": reads, "pid": os.getpid()}))


def test_one_writer_three_readers(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    ws = Workspace(home)
    ws.create_meeting(_meeting(MEETING_ID))

    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    writer_done = ctx.Event()
    kinds = ("read_meeting", "open_action_items", "list_meetings")
    readers = [ctx.Process(target=_reader, args=(kind, str(home), results, writer_done)) for kind in kinds]
    writer = ctx.Process(target=_writer, args=(str(home), results, writer_done))
    started = time.monotonic()
    for proc in readers:
        proc.start()
    writer.start()

    reports: dict[str, Any] = {}
    deadline = time.monotonic() + WRITE_SECONDS + 60
    while len(reports) < 4 and time.monotonic() < deadline:
        name, payload = results.get(timeout=max(0.1, deadline - time.monotonic()))
        assert name != "writer-error", payload
        reports[name] = payload
    for proc in (*readers, writer):
        proc.join(timeout=30)
        assert proc.exitcode == 0, (proc.name, proc.exitcode)
    elapsed = time.monotonic() - started

    final = reports["writer"]
    expected = {"read_meeting": final["actions"], "open_action_items": final["actions"], "list_meetings": final["meetings"]}
    summary = {kind: (reports[kind]["reads"], len(reports[kind]["observed"])) for kind in kinds}
    print(f"writer: {final} in {elapsed:.1f}s; reader (reads, distinct counts seen): {summary}")

    for kind in kinds:
        seen = reports[kind]
        assert not seen["errors"], f"{kind} reader failed {len(seen['errors'])}x:\n{seen['errors'][0]}"
        observed = seen["observed"]
        # The count only grows, grows while the writer works, and ends at the writer's count.
        assert observed == sorted(observed), f"{kind}: count went down: {observed}"
        assert len(observed) >= 3, f"{kind}: saw no progress: {observed}"
        assert observed[-1] == expected[kind], f"{kind}: ended at {observed[-1]}, writer wrote {expected[kind]}"
        assert seen["reads"] >= 20, f"{kind}: only {seen['reads']} reads"

    assert final["actions"] >= MIN_ACTIONS, final
    # And the parent, reading afterwards, agrees.
    assert len(ws.read_meeting(MEETING_ID).actions) == final["actions"]
    assert len(ws.list_meetings()) == final["meetings"]
