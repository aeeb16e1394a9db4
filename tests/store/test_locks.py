"""Writer locks: one writer per meeting, a refusal that names the holder, no stale locks.

* A second writer on the same meeting, in the same process or in another one, gets
  ``MeetingLockedError`` saying "open for editing by PID <pid> on <host> since <time>".
* The first writer keeps saving and loses nothing; a refused attempt does not weaken its lock.
* Once the first writer closes (or its process is SIGKILLed), the meeting can be opened again.
* Two processes writing the same shared file at once lose nothing (the short lock serialises them).
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tandem.store.errors import MeetingLockedError, TandemError
from tandem.store.records import ActionItem, Meeting, Objective
from tandem.store.workspace import Workspace

MEETING_ID = "2026-11-26-weekly-sync"
HOST = socket.gethostname()
PARENT_CLOCK = datetime(2026, 11, 26, 9, 30, 12)
CHILD_CLOCK = datetime(2026, 11, 26, 14, 5, 59)

needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods() or not sys.platform.startswith("linux"),
    reason="needs the fork start method (Linux)",
)


def _holder_text(pid: int, when: datetime) -> str:
    return f"open for editing by PID {pid} on {HOST} since {when:%Y-%m-%d %H:%M}"


def _make_meeting(home: Path, now: datetime = PARENT_CLOCK) -> Workspace:
    ws = Workspace(home, now=lambda: now)
    ws.create_meeting(Meeting(id=MEETING_ID, series_id="weekly-sync", title="Weekly sync", date="2026-11-26"))
    return ws


def _action(n: int, prefix: str = "a") -> ActionItem:
    return ActionItem(id=f"{prefix}{n}", text=f"Action {prefix}{n}", meeting_id=MEETING_ID)


def _action_ids(ws: Workspace) -> list[str]:
    return [a.id for a in ws.read_meeting(MEETING_ID).actions]


# --- same process --------------------------------------------------------------------


def test_second_writer_in_same_process_is_refused_and_first_loses_nothing(tmp_path: Path) -> None:
    ws = _make_meeting(tmp_path / "ws")
    first = ws.open_meeting(MEETING_ID)
    first.actions.add(_action(1))

    # Through the same Workspace, and through another Workspace on the same folder.
    for other in (ws, Workspace(tmp_path / "ws")):
        with pytest.raises(MeetingLockedError) as info:
            other.open_meeting(MEETING_ID)
        message = str(info.value)
        assert message == f"Meeting {MEETING_ID} is {_holder_text(os.getpid(), PARENT_CLOCK)}.", message
        assert info.value.meeting_id == MEETING_ID

    # The first writer keeps working, and the refusals did not break its lock.
    first.actions.add(_action(2))
    first.save_meeting(first.meeting.replace(facilitator="Dana Kim"))
    first.actions.add(_action(3))
    assert first.is_open
    with pytest.raises(MeetingLockedError, match=_holder_text(os.getpid(), PARENT_CLOCK)):
        ws.open_meeting(MEETING_ID)
    record = ws.read_meeting(MEETING_ID)
    assert [a.id for a in record.actions] == ["a1", "a2", "a3"]
    assert record.meeting.facilitator == "Dana Kim"

    # After it closes, a second writer can open the meeting; the closed one can no longer save.
    first.close()
    assert not first.is_open
    with ws.open_meeting(MEETING_ID) as second:
        second.actions.add(_action(4))
        with pytest.raises(TandemError, match="closed for editing"):
            first.actions.add(_action(99))
    assert _action_ids(ws) == ["a1", "a2", "a3", "a4"]
    # And once that one closed too, the meeting is free again.
    Workspace(tmp_path / "ws").open_meeting(MEETING_ID).close()


def test_context_manager_releases_the_lock_even_on_error(tmp_path: Path) -> None:
    ws = _make_meeting(tmp_path / "ws")
    with pytest.raises(RuntimeError), ws.open_meeting(MEETING_ID) as writer:
        writer.actions.add(_action(1))
        raise RuntimeError("boom")
    with ws.open_meeting(MEETING_ID) as writer:
        writer.actions.add(_action(2))
    assert _action_ids(ws) == ["a1", "a2"]


# --- other processes -----------------------------------------------------------------


def _try_open(home: str, conn: Any) -> None:
    """Child: try to open the meeting; report what happened, and what a reader sees."""
    try:
        ws = Workspace(home)
        try:
            ws.open_meeting(MEETING_ID).close()
            outcome = ("opened", "")
        except MeetingLockedError as exc:
            outcome = ("locked", str(exc))
        conn.send((*outcome, _action_ids(ws)))
    except BaseException:
        conn.send(("error", traceback.format_exc(), []))
    finally:
        conn.close()


def _run_try_open(ctx: Any, home: Path) -> tuple[str, str, list[str]]:
    parent_end, child_end = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_try_open, args=(str(home), child_end))
    proc.start()
    child_end.close()
    assert parent_end.poll(30), "child did not answer"
    result = parent_end.recv()
    proc.join(30)
    assert proc.exitcode == 0
    assert result[0] != "error", result[1]
    return result


@pytest.mark.serial
@needs_fork
def test_second_writer_in_another_process_is_refused(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    home = tmp_path / "ws"
    ws = _make_meeting(home)
    with ws.open_meeting(MEETING_ID) as first:
        first.actions.add(_action(1))
        # The child even inherits the parent's lock descriptor at fork: it must still be refused,
        # and its exit must not release the parent's lock.
        status, message, seen = _run_try_open(ctx, home)
        assert status == "locked"
        assert message == f"Meeting {MEETING_ID} is {_holder_text(os.getpid(), PARENT_CLOCK)}.", message
        assert seen == ["a1"]  # readers never need the lock

        first.actions.add(_action(2))
        first.actions.add(_action(3))
        status, message, seen = _run_try_open(ctx, home)
        assert status == "locked", "the lock was lost when the first child exited"
        assert _holder_text(os.getpid(), PARENT_CLOCK) in message
        assert seen == ["a1", "a2", "a3"]
        first.actions.add(_action(4))
    assert _action_ids(ws) == ["a1", "a2", "a3", "a4"]
    status, _message, seen = _run_try_open(ctx, home)
    assert status == "opened"
    assert seen == ["a1", "a2", "a3", "a4"]


def _hold(home: str, conn: Any) -> None:
    """Child: open the meeting, save, then obey the parent: 'save N', 'close', or wait to be killed."""
    try:
        ws = Workspace(home, now=lambda: CHILD_CLOCK)
        writer = ws.open_meeting(MEETING_ID)
        writer.actions.add(_action(1, "child-"))
        conn.send(("ready", os.getpid()))
        n = 1
        while True:
            command = conn.recv()
            if command == "save":
                n += 1
                writer.actions.add(_action(n, "child-"))
                conn.send(("saved", n))
            elif command == "close":
                writer.close()
                conn.send(("closed", n))
                return
    except EOFError:
        return
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def _start_holder(ctx: Any, home: Path) -> tuple[Any, Any]:
    parent_end, child_end = ctx.Pipe()
    proc = ctx.Process(target=_hold, args=(str(home), child_end))
    proc.start()
    child_end.close()
    assert parent_end.poll(30), "holder did not start"
    status, pid = parent_end.recv()
    assert status == "ready", pid
    assert pid == proc.pid
    return proc, parent_end


@pytest.mark.serial
@needs_fork
def test_writer_in_another_process_blocks_until_it_closes(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    home = tmp_path / "ws"
    ws = _make_meeting(home)
    proc, conn = _start_holder(ctx, home)
    try:
        with pytest.raises(MeetingLockedError) as info:
            ws.open_meeting(MEETING_ID)
        assert str(info.value) == f"Meeting {MEETING_ID} is {_holder_text(proc.pid, CHILD_CLOCK)}."

        for expected in (2, 3, 4):
            conn.send("save")
            assert conn.recv() == ("saved", expected)
        with pytest.raises(MeetingLockedError, match=f"PID {proc.pid} "):
            ws.open_meeting(MEETING_ID)

        conn.send("close")
        assert conn.recv() == ("closed", 4)
        proc.join(30)
        assert proc.exitcode == 0
    finally:
        if proc.is_alive():
            proc.kill()
            proc.join()
    with ws.open_meeting(MEETING_ID) as writer:
        writer.actions.add(_action(1))
    assert _action_ids(ws) == ["child-1", "child-2", "child-3", "child-4", "a1"]


@pytest.mark.serial
@needs_fork
def test_killed_holder_does_not_keep_the_meeting_locked(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    home = tmp_path / "ws"
    ws = _make_meeting(home)
    proc, conn = _start_holder(ctx, home)
    try:
        conn.send("save")
        assert conn.recv() == ("saved", 2)
        with pytest.raises(MeetingLockedError, match=_holder_text(proc.pid, CHILD_CLOCK)):
            ws.open_meeting(MEETING_ID)
    finally:
        proc.kill()  # SIGKILL: no cleanup runs in the child
        proc.join(30)
    assert proc.exitcode == -9

    # The OS dropped the lock with the process; its saves are all there.
    writer = ws.open_meeting(MEETING_ID)
    try:
        writer.actions.add(_action(1))
        assert _action_ids(ws) == ["child-1", "child-2", "a1"]
        # The dead child's holder record was replaced: a refusal now names this process.
        with pytest.raises(MeetingLockedError) as info:
            Workspace(home).open_meeting(MEETING_ID)
        assert _holder_text(os.getpid(), PARENT_CLOCK) in str(info.value)
        assert f"PID {proc.pid} " not in str(info.value)
    finally:
        writer.close()


# --- shared files --------------------------------------------------------------------

PER_PROCESS = 50


def _add_objectives(home: str, prefix: str, barrier: Any, conn: Any) -> None:
    try:
        ws = Workspace(home)
        barrier.wait(30)
        for n in range(PER_PROCESS):
            ws.objectives.add(Objective(id=f"{prefix}{n:03d}", title=f"Objective {prefix}{n}", metric="SQLs", target=n))
        conn.send(("ok", PER_PROCESS))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


@pytest.mark.serial
@needs_fork
def test_shared_file_writes_from_two_processes_lose_nothing(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    home = tmp_path / "ws"
    ws = Workspace(home)
    ws.objectives.add(Objective(id="existing", title="Existing", metric="MQLs", target=1))
    barrier = ctx.Barrier(2)
    procs, conns = [], []
    for prefix in ("p-", "q-"):
        parent_end, child_end = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_add_objectives, args=(str(home), prefix, barrier, child_end))
        proc.start()
        child_end.close()
        procs.append(proc)
        conns.append(parent_end)
    started = time.monotonic()
    for proc, conn in zip(procs, conns, strict=False):
        assert conn.poll(60), "writer did not finish"
        status, detail = conn.recv()
        assert status == "ok", detail
        proc.join(30)
        assert proc.exitcode == 0
    print(f"2 x {PER_PROCESS} shared-file writes in {time.monotonic() - started:.2f}s")

    ids = [o.id for o in ws.objectives.all()]
    expected = {"existing"} | {f"{p}{n:03d}" for p in ("p-", "q-") for n in range(PER_PROCESS)}
    assert len(ids) == len(set(ids)) == 1 + 2 * PER_PROCESS
    assert set(ids) == expected
    # Each process's own records kept their order.
    for prefix in ("p-", "q-"):
        mine = [i for i in ids if i.startswith(prefix)]
        assert mine == sorted(mine)
