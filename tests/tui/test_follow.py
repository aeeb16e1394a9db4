"""``tandem follow``: a read-only live view of a meeting the facilitator runs elsewhere."""

from __future__ import annotations

import asyncio
import hashlib
import os
import statistics
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import pytest
from clock import FakeClock
from conftest import rendered_text, run_cli
from tmux import TANDEM, Tmux, needs_tmux

from tandem.store.atomic import atomic_write_bytes
from tandem.store.capture import Capture
from tandem.store.errors import TandemError
from tandem.store.follow import MeetingWatcher, captured_rows, pick_followed
from tandem.store.live import LiveSession
from tandem.store.records import ActionItem, AgendaItem, Decision, LeadFeedback, Meeting, ProspectInsight
from tandem.store.workspace import Workspace
from tandem.tui.follow_app import FollowApp, create_follow_app
from tandem.tui.screens.follow import FollowAgenda, FollowScreen

MID = "2026-11-26-sync"
START = datetime(2026, 11, 26, 9, 30)


def planned_workspace(home: Path) -> Workspace:
    ws = Workspace(home)
    ws.create_meeting(
        Meeting(id=MID, series_id="sync", title="Weekly sync", date="2026-11-26", facilitator="Dana"),
        [
            AgendaItem(id="i0", title="Objectives check-in", position=0, timebox_min=10, prompts=["Where are we against target?"]),
            AgendaItem(
                id="i1", title="Lead quality from sales", position=1, timebox_min=15, captures="lead_feedback", prompts=["Which leads stalled, and where?"]
            ),
            AgendaItem(id="i2", title="Coming down the pipeline", position=2, timebox_min=10),
            AgendaItem(id="i3", title="Action review", position=3, timebox_min=5),
        ],
    )
    return ws


def running_meeting(home: Path, clock: FakeClock) -> Workspace:
    """A live meeting as the facilitator leaves it on disk: item 2 is being discussed,
    notes and records were captured, the clock runs. The writer lock is released."""
    ws = planned_workspace(home)
    session = LiveSession(ws, MID, clock=clock)
    session.start()
    clock.advance(minutes=11)
    session.set_notes("i0", "MQL→SQL at 27% [bold]vs[/] 30% target")
    capture = Capture(session)
    capture.save(Decision(id="d1", text="SAL within [24h]", meeting_id=MID, agenda_item_id="i0"))
    session.next()
    clock.advance(minutes=2)
    session.set_notes("i1", "- 3 G2 leads, all good\n- Paid search: poor fit")
    capture.save(LeadFeedback(id="lf1", reference="CRM-1042", verdict="poor", reasons=["no_fit"], source="Paid search", meeting_id=MID, agenda_item_id="i1"))
    capture.save(ActionItem(id="a1", text="Tighten paid search targeting", owner="Luis", meeting_id=MID, agenda_item_id="i1"))
    ws.insights.add(ProspectInsight(id="pi1", text="Does it integrate with HubSpot?", meeting_id=MID, agenda_item_id="i1"))
    assert session.saver.flush()
    assert session.close()
    return ws


async def until(pilot, condition, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)


def text_of(screen: FollowScreen, selector: str) -> str:
    return rendered_text(screen.query_one(selector))


def follow_app(home: Path, clock=datetime.now) -> FollowApp:
    return create_follow_app(Workspace(home, read_only=True), MID, clock=clock)


# --- store: watching and picking ---------------------------------------------------------------


def test_watcher_reads_only_when_the_file_changes(tmp_path: Path) -> None:
    clock = FakeClock(START)
    ws = running_meeting(tmp_path / "ws", clock)
    watcher = MeetingWatcher(Workspace(ws.home, read_only=True), MID)
    first = watcher.poll()
    assert first is not None and first.meeting.active_item_id == "i1"
    assert watcher.poll() is None and watcher.poll() is None
    assert watcher.reads == 1
    session = LiveSession(ws, MID, clock=clock)
    session.set_notes("i1", "changed")
    assert session.saver.flush()
    again = watcher.poll()
    assert again is not None and again.agenda[1].notes == "changed"
    session.close()


def test_watcher_tolerates_a_missing_or_corrupt_file(tmp_path: Path) -> None:
    ws = running_meeting(tmp_path / "ws", FakeClock(START))
    watcher = MeetingWatcher(Workspace(ws.home, read_only=True), MID)
    good = watcher.poll()
    path = ws.meeting_path(MID)
    saved = path.read_bytes()
    path.unlink()
    assert watcher.poll() is None and watcher.problem is None, "one miss is tolerated (mid-replace)"
    assert watcher.poll() is None and "missing" in str(watcher.problem)
    assert watcher.record is good, "the last good version is kept"
    path.write_bytes(saved[: len(saved) // 2])  # a torn file
    assert watcher.poll() is None
    assert watcher.poll() is None and "cannot be read" in str(watcher.problem)
    atomic_write_bytes(path, saved)
    assert watcher.poll() is not None and watcher.problem is None


def test_watcher_never_blocks_on_a_named_pipe(tmp_path: Path) -> None:
    """A pipe put where the meeting file was (a teammate's sync, a prank) is reported, not
    waited on: the poll runs on a timer and would hang the follower for good."""
    ws = running_meeting(tmp_path / "ws", FakeClock(START))
    watcher = MeetingWatcher(Workspace(ws.home, read_only=True), MID)
    good = watcher.poll()
    path = ws.meeting_path(MID)
    saved = path.read_bytes()
    path.unlink()
    os.mkfifo(path)
    for _ in range(3):
        assert watcher.poll() is None
    assert "a named pipe, not a regular file" in str(watcher.problem)
    assert watcher.record is good
    path.unlink()
    atomic_write_bytes(path, saved)
    assert watcher.poll() is not None and watcher.problem is None


def test_pick_followed(tmp_path: Path) -> None:
    clock = FakeClock(START)
    ws = planned_workspace(tmp_path / "ws")
    with pytest.raises(TandemError) as err:
        pick_followed(ws, None)
    assert str(err.value).startswith("No meeting is in progress;") and "tandem follow MEETING" in str(err.value)
    with pytest.raises(TandemError, match="No meeting 'nope'"):
        pick_followed(ws, "nope")
    assert pick_followed(ws, MID) == MID, "a meeting named explicitly is followed whatever its status"
    # Two live meetings: the most recently saved one; an unreadable file is skipped.
    for n, meeting_id in enumerate(["2026-11-20-other", "2026-11-19-older"]):
        ws.create_meeting(Meeting(id=meeting_id, series_id="sync", title="Other", date=meeting_id[:10]), [AgendaItem(id="x", title="X")])
        session = LiveSession(ws, meeting_id, clock=clock)
        session.start()
        clock.advance(minutes=1 + n)
        session.close()
    (ws.meetings_dir / "2026-11-01-broken.json").write_text("{not json")
    assert pick_followed(ws, None) == "2026-11-19-older"


def test_captured_rows_in_agenda_order(tmp_path: Path) -> None:
    ws = running_meeting(tmp_path / "ws", FakeClock(START))
    from tandem.store.follow import LinkedRecordsWatcher

    linked = LinkedRecordsWatcher(ws, MID).poll()
    rows = captured_rows(ws.read_meeting(MID), linked)
    assert [(r.title, r.agenda_item_id) for r in rows] == [
        ("Decision", "i0"),
        ("Lead feedback", "i1"),
        ("Action item", "i1"),
        ("Prospect insight", "i1"),
    ]


# --- the screen ------------------------------------------------------------------------------


async def test_shows_the_current_item_notes_records_and_ticking_timers(tmp_path: Path) -> None:
    clock = FakeClock(START)
    running_meeting(tmp_path / "ws", clock)
    app = follow_app(tmp_path / "ws", clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        assert "2. Lead quality from sales" in text_of(screen, "#follow-item-title")
        assert "Which leads stalled" in text_of(screen, "#follow-prompts")
        notes = text_of(screen, "#follow-notes-text")
        assert "3 G2 leads, all good" in notes and "Paid search: poor fit" in notes
        captured = text_of(screen, "#follow-captured-text")
        for needle in ("SAL within [24h]", "CRM-1042", "Tighten paid search targeting", "HubSpot"):
            assert needle in captured
        status = text_of(screen, "#follow-status")
        assert "Following Weekly sync — last saved 09:43:00" in status and "no save for" not in status
        assert "2:00 / 15:00" in text_of(screen, "#follow-item-timer")
        assert "Elapsed 13:00 of 40:00" in text_of(screen, "#follow-clockbar")
        # The clocks tick locally from the banked totals + the running time.
        clock.advance(seconds=65)
        screen.tick()
        await pilot.pause()
        assert "3:05 / 15:00" in text_of(screen, "#follow-item-timer")
        assert "Elapsed 14:05 of 40:00" in text_of(screen, "#follow-clockbar")
        agenda = screen.query_one("#follow-agenda", FollowAgenda)
        assert "3:05/15m" in str(agenda.get_option("i1").prompt)
        assert "11:00/10m" in str(agenda.get_option("i0").prompt)
        # Over its timebox: the timer says so.
        assert "-over" not in screen.query_one("#follow-item-timer").classes
        clock.advance(minutes=12)
        screen.tick()
        assert "-over" in screen.query_one("#follow-item-timer").classes
        # No save for a while with the clock running, and the facilitator's tandem is gone
        # (its lock was released): the clocks stop at the last save instead of ticking on.
        for _ in range(100):
            await pilot.pause(0.05)
            if screen.disconnected:
                break
        screen.tick()
        assert "facilitator disconnected since 09:43" in text_of(screen, "#follow-status")
        assert "DISCONNECTED" in text_of(screen, "#follow-clockbar") and "LIVE" not in text_of(screen, "#follow-clockbar")
        assert "Elapsed 13:00 of 40:00 when last saved" in text_of(screen, "#follow-clockbar")
        # User text is shown literally, never as markup.
        await pilot.press("up")
        assert "MQL→SQL at 27% [bold]vs[/] 30% target" in text_of(screen, "#follow-notes-text")


async def test_a_quiet_facilitator_whose_tandem_still_runs_is_not_disconnected(tmp_path: Path) -> None:
    clock = FakeClock(START)
    ws = running_meeting(tmp_path / "ws", clock)
    holding = LiveSession(ws, MID, clock=clock)  # this process holds the meeting: alive
    try:
        app = follow_app(tmp_path / "ws", clock)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            clock.advance(minutes=13)
            await pilot.pause(0.6)  # a few polls
            screen.tick()
            assert not screen.disconnected
            assert "no save for 13 min: is the facilitator's tandem still open?" in text_of(screen, "#follow-status")
            assert "LIVE" in text_of(screen, "#follow-clockbar")
    finally:
        holding.writer.close()


def test_holder_alive_tells_a_running_holder_from_a_gone_one(tmp_path: Path) -> None:
    import os
    import socket
    import subprocess

    from tandem.store.locks import holder_alive

    lock = tmp_path / "m.lock"
    assert holder_alive(lock) is False  # nobody holds it
    holder = lock.with_suffix(".holder")
    holder.write_text(f'{{"pid": {os.getpid()}, "host": "{socket.gethostname()}", "since": "2026-12-03T10:00:00"}}')
    assert holder_alive(lock) is True
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    holder.write_text(f'{{"pid": {gone.pid}, "host": "{socket.gethostname()}", "since": "2026-12-03T10:00:00"}}')
    assert holder_alive(lock) is False  # a crash left the file
    holder.write_text(f'{{"pid": {os.getpid()}, "host": "elsewhere.example", "since": "2026-12-03T10:00:00"}}')
    assert holder_alive(lock) is None  # another machine: cannot tell
    holder.write_text("not json")
    assert holder_alive(lock) is None


async def test_browse_and_follow_again(tmp_path: Path) -> None:
    clock = FakeClock(START)
    running_meeting(tmp_path / "ws", clock)
    app = follow_app(tmp_path / "ws", clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.following and screen.shown_item_id == "i1"
        await pilot.press("down")  # browsing the agenda stops following
        assert not screen.following and screen.shown_item_id == "i2"
        assert "No notes yet for this item." in text_of(screen, "#follow-notes-text")
        assert "browsing (f: follow)" in text_of(screen, "#follow-status")
        await pilot.press("f")
        assert screen.following and screen.shown_item_id == "i1"
        await pilot.press("f")
        assert not screen.following and screen.shown_item_id == "i1"
        # Keys: each binding has an id and a description, and there are no edit keys.
        ids = {b.id for bindings in screen._bindings.key_to_bindings.values() for b in bindings}
        ids |= {b.id for bindings in app._bindings.key_to_bindings.values() for b in bindings}
        assert {"follow.quit", "follow.toggle_follow", "app.help"} <= ids
        for key in ("n", "e", "space", "s", "k", "ctrl+n"):
            await pilot.press(key)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "follow.toggle_follow" in rendered_text(app.screen.query_one("VerticalScroll Static"))
        await pilot.press("escape")
    assert Workspace(tmp_path / "ws").read_meeting(MID).agenda[1].status == "active"


async def test_empty_states_and_a_meeting_not_started(tmp_path: Path) -> None:
    planned_workspace(tmp_path / "ws")
    app = follow_app(tmp_path / "ws", FakeClock(START))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "not started yet; waiting for the facilitator" in text_of(screen, "#follow-status")
        assert "Not started yet" in text_of(screen, "#follow-item-title")
        assert "Nothing captured yet" in text_of(screen, "#follow-captured-text")
        session = LiveSession(Workspace(tmp_path / "ws"), MID, clock=FakeClock(START))
        session.start()
        assert session.saver.flush()
        await until(pilot, lambda: screen.shown_item_id == "i0")
        assert "No notes yet for this item." in text_of(screen, "#follow-notes-text")
        assert "LIVE" in text_of(screen, "#follow-clockbar")
        session.close()


async def test_an_ended_meeting_shows_its_final_state(tmp_path: Path) -> None:
    clock = FakeClock(START)
    ws = running_meeting(tmp_path / "ws", clock)
    session = LiveSession(ws, MID, clock=clock)
    clock.advance(minutes=3)
    session.end(rating=4)
    session.close()
    app = follow_app(tmp_path / "ws", clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "Meeting ended at 09:46 — this is its final state" in text_of(screen, "#follow-status")
        assert "ENDED" in text_of(screen, "#follow-clockbar") and "Took 16:00" in text_of(screen, "#follow-clockbar")
        await pilot.press("home")
        assert "MQL→SQL" in text_of(screen, "#follow-notes-text")


async def test_a_corrupt_file_mid_follow_keeps_the_last_view(tmp_path: Path) -> None:
    clock = FakeClock(START)
    ws = running_meeting(tmp_path / "ws", clock)
    app = follow_app(tmp_path / "ws", clock)
    path = ws.meeting_path(MID)
    good = path.read_bytes()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "3 G2 leads" in text_of(screen, "#follow-notes-text")
        atomic_write_bytes(path, b'{"_tandem": {"schema": 1, "kind": "meeting"}, "meeting": {"1": {"id": ')
        await until(pilot, lambda: "unreadable — retrying" in text_of(screen, "#follow-status"))
        assert "-problem" in screen.query_one("#follow-status").classes
        assert "3 G2 leads" in text_of(screen, "#follow-notes-text"), "the last good view stays"
        assert "2. Lead quality from sales" in text_of(screen, "#follow-item-title")
        path.unlink()
        await until(pilot, lambda: "missing — retrying" in text_of(screen, "#follow-status"))
        atomic_write_bytes(path, good)
        await until(pilot, lambda: "Following Weekly sync" in text_of(screen, "#follow-status"))
        assert "-problem" not in screen.query_one("#follow-status").classes
        # A damaged shared file: its records stay as last read, and the status says so.
        insights = ws.home / "insights.json"
        atomic_write_bytes(insights, b"[")
        await until(pilot, lambda: "insights.json cannot be read; retrying" in text_of(screen, "#follow-status"))
        assert "HubSpot" in text_of(screen, "#follow-captured-text")


def _fingerprint(home: Path) -> dict[str, str]:
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir" for p in sorted(home.rglob("*"))}


async def test_following_changes_no_file(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    running_meeting(home, FakeClock(START))
    before = _fingerprint(home)
    app = follow_app(home, FakeClock(START))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.8)  # a few polls
        for key in ("down", "f", "f", "up", "tab", "question_mark", "escape"):
            await pilot.press(key)
        await pilot.pause(0.3)
        await pilot.press("q")
    after = _fingerprint(home)
    assert after == before, "follow must not create, change or delete any file (locks included)"
    # And from the command line, up to the screen: picking and checking read only.
    pick_followed(Workspace(home, read_only=True), None)
    assert _fingerprint(home) == before


# --- a real facilitator in another process -------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys, time
    from tandem.store.capture import Capture
    from tandem.store.live import LiveSession
    from tandem.store.records import ActionItem, Decision
    from tandem.store.workspace import Workspace

    home, meeting_id = sys.argv[1], sys.argv[2]
    session = LiveSession(Workspace(home), meeting_id)
    capture = Capture(session)

    def saved(step):
        assert session.saver.flush()
        print(step, time.time(), flush=True)

    for line in sys.stdin:
        step = line.strip()
        if step == "start":
            session.start()
        elif step == "notes":
            for n in range(1, 6):  # typing: several debounced saves
                session.set_notes(session.active_item.id, "Paid search [leads] are poor" + "!" * n)
                time.sleep(0.05)
        elif step == "decision":
            capture.save(Decision(id="d9", text="Pause paid search for Q1", meeting_id=meeting_id, agenda_item_id=session.active_item.id))
        elif step == "action":
            capture.save(ActionItem(id="a9", text="Rebuild the ICP list", owner="Dana", meeting_id=meeting_id, agenda_item_id=session.active_item.id))
        elif step == "next":
            session.next()
        elif step == "pause":
            session.pause()
        elif step == "end":
            session.end()
        saved(step)
        if step == "end":
            break
    session.close()
    """
)


@pytest.mark.serial
async def test_a_separate_writer_process_is_followed_within_a_second(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    planned_workspace(home)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(script),
        str(home),
        MID,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    latencies: dict[str, float] = {}
    app = follow_app(home)  # the real clock, as the writer's
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            steps = [
                ("start", lambda: screen.shown_item_id == "i0" and "LIVE" in text_of(screen, "#follow-clockbar")),
                ("notes", lambda: "Paid search [leads] are poor!!!!!" in text_of(screen, "#follow-notes-text")),
                ("decision", lambda: "Pause paid search for Q1" in text_of(screen, "#follow-captured-text")),
                ("next", lambda: screen.shown_item_id == "i1" and "2. Lead quality" in text_of(screen, "#follow-item-title")),
                ("action", lambda: "Rebuild the ICP list" in text_of(screen, "#follow-captured-text")),
                ("next", lambda: screen.shown_item_id == "i2"),
                ("pause", lambda: "PAUSED" in text_of(screen, "#follow-clockbar")),
                ("end", lambda: "Meeting ended" in text_of(screen, "#follow-status")),
            ]
            for n, (step, shown) in enumerate(steps):
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.write(f"{step}\n".encode())
                await proc.stdin.drain()
                line = await asyncio.wait_for(proc.stdout.readline(), 15)
                assert line, (await proc.stderr.read()).decode()  # type: ignore[union-attr]
                name, saved_at = line.decode().split()
                assert name == step
                await until(pilot, shown, timeout=5)
                latencies[f"{n}:{step}"] = time.time() - float(saved_at)
                await pilot.pause(0.1)
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()
    print("follow latency per save (s):", {k: round(v, 3) for k, v in latencies.items()})
    # Within a second as a rule; one step may meet a busy moment of a shared CI machine
    # (1.5 s seen once on a loaded runner), so the rule is the median and the bound is the worst.
    assert statistics.median(latencies.values()) < 1.0, latencies
    assert max(latencies.values()) < 3.0, latencies


# --- command line ------------------------------------------------------------------------------


def test_cli_nothing_in_progress(tmp_path: Path) -> None:
    planned_workspace(tmp_path / "ws")
    result = run_cli("--home", str(tmp_path / "ws"), "follow")
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.err
    assert lines[0].startswith("tandem: No meeting is in progress;") and "tandem follow MEETING" in lines[0]


def test_cli_errors(tmp_path: Path) -> None:
    planned_workspace(tmp_path / "ws")
    home = str(tmp_path / "ws")
    for args, code, needle in [
        (("follow", "2026-01-01-nope"), 1, "No meeting '2026-01-01-nope'"),
        (("follow", "../escape"), 1, "is not a meeting id"),
        (("follow", MID, "extra"), 2, "extra"),
        (("follow", "--bogus"), 2, "--bogus"),
    ]:
        result = run_cli("--home", home, *args)
        lines = [line for line in result.err.splitlines() if line.strip()]
        assert result.code == code and len(lines) == 1 and needle in lines[0], (args, result)
    missing = run_cli("--home", str(tmp_path / "nowhere"), "follow")
    assert missing.code == 1 and "No workspace at" in missing.err
    assert not (tmp_path / "nowhere").exists()
    broken = tmp_path / "ws" / "meetings" / f"{MID}.json"
    broken.write_text("{")
    result = run_cli("--home", home, "follow", MID)
    assert result.code == 1 and "cannot be read" in result.err and len(result.err.strip().splitlines()) == 1
    assert "follow" in run_cli("--help").out


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_follow_snapshot(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    clock = FakeClock(START)
    running_meeting(tmp_path / "ws", clock)
    clock.advance(seconds=42)
    app = follow_app(tmp_path / "ws", clock)

    async def run_before(pilot) -> None:
        await pilot.pause()
        app.screen.tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@needs_tmux
def test_follow_in_a_real_terminal_next_to_run(tmp_path: Path) -> None:
    """The installed command, next to a facilitator's ``tandem run``, in tmux."""
    home = tmp_path / "ws"
    planned_workspace(home)
    run = Tmux([str(TANDEM), "--home", str(home), "run", MID], width=100, height=30)
    follow = None
    try:
        run.wait_for("All changes saved")
        follow = Tmux([str(TANDEM), "--home", str(home), "follow"], width=80, height=24)
        follow.wait_for("Following Weekly sync")
        run.send("-l", "typed by the facilitator")
        follow.wait_for("typed by the facilitator", timeout=5)
        run.send("C-n")
        follow.wait_for("2. Lead quality from sales", timeout=5)
        follow.send("q")
        follow.wait_for("__EXIT_0__")
    finally:
        run.close()
        if follow is not None:
            follow.close()
