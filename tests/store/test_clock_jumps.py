"""The meeting clocks survive a wall clock that jumps back or forward while a meeting runs, or
a start time in the future: never negative, never frozen, and each correction is reported."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from clock import FakeClock
from test_live_session import MID, planned

from tandem.store.live import LiveSession
from tandem.store.pacing import forecast
from tandem.store.workspace import Workspace


def running(ws: Workspace, clock: FakeClock, *, monotonic: bool = True) -> LiveSession:
    session = LiveSession(ws, MID, clock=clock, monotonic=clock.monotonic if monotonic else None)
    session.start()
    return session


def test_a_start_time_in_the_future_is_clamped_to_now_and_reported(tmp_path: Path) -> None:
    clock = FakeClock()
    ws = planned(tmp_path)
    with ws.open_meeting(MID) as writer:
        record = writer.read()
        record.meeting.status = "live"
        record.meeting.started_at = clock.now.isoformat()
        record.meeting.clock_elapsed = 300.0
        # Written by a machine whose clock was three hours ahead.
        record.meeting.clock_running_since = (clock.now + timedelta(hours=3)).isoformat()
        writer.write_all(record)

    session = running(ws, clock)
    try:
        assert session.meeting_elapsed() == 300
        clock.advance(minutes=2)
        assert session.meeting_elapsed() == 420, "the clock stayed frozen"
        assert session.item_elapsed(session.agenda[0]) == 120
        assert [n for n in session.clock_notes if "in the future" in n and "3 h" in n], session.clock_notes
        assert session.saver.flush()
        on_disk = ws.read_meeting(MID).meeting
        assert on_disk.clock_running_since is not None and on_disk.clock_running_since <= clock.now.isoformat()
        assert forecast(ws.read_meeting(MID), clock.now).elapsed_s == pytest.approx(420)
    finally:
        session.close()


@pytest.mark.parametrize("minutes", [-45, 45])
def test_a_wall_clock_jump_during_the_meeting_counts_only_the_time_that_passed(tmp_path: Path, minutes: int) -> None:
    clock = FakeClock()
    session = running(planned(tmp_path), clock)
    try:
        clock.advance(minutes=5)
        assert session.meeting_elapsed() == 300
        clock.jump(minutes=minutes)
        assert session.meeting_elapsed() == 300, "the jump was counted"
        assert len(session.clock_notes) == 1 and ("went back" if minutes < 0 else "jumped ahead") in session.clock_notes[0]
        assert "45 min" in session.clock_notes[0]
        clock.advance(minutes=3)
        assert session.meeting_elapsed() == 480, "the clock froze after the jump"
        assert session.item_elapsed(session.agenda[0]) == 480
        assert session.forecast().elapsed_s == 480
        session.next()
        clock.advance(minutes=1)
        assert [session.item_elapsed(i) for i in session.agenda[:2]] == [480, 60]
        assert len(session.clock_notes) == 1
    finally:
        session.close()


def test_without_a_monotonic_clock_a_jump_back_still_never_runs_the_clock_backwards(tmp_path: Path) -> None:
    clock = FakeClock()
    session = running(planned(tmp_path), clock, monotonic=False)
    try:
        clock.advance(minutes=10)
        session.meeting_elapsed()
        clock.jump(minutes=-30)
        assert session.meeting_elapsed() == 600
        clock.advance(minutes=1)
        assert session.meeting_elapsed() == 660
        assert "went back 30 min" in session.clock_notes[0]
    finally:
        session.close()


def test_a_clock_that_went_back_while_tandem_was_closed_goes_on_from_the_last_save(tmp_path: Path) -> None:
    clock = FakeClock()
    ws = planned(tmp_path)
    first = running(ws, clock)
    clock.advance(minutes=20)
    first.heartbeat()
    assert first.saver.flush()
    first.writer.close()  # killed: no orderly close

    clock.jump(minutes=-60)  # the clock is set back an hour while tandem is closed
    again = running(Workspace(ws.home), clock)
    try:
        assert again.gap_s == 0
        assert again.meeting_elapsed() == 1200, "the clocks ran backwards"
        clock.advance(minutes=1)
        assert again.meeting_elapsed() == 1260
        assert "behind the meeting's last save" in again.clock_notes[0]
    finally:
        again.close()


def test_a_follower_whose_clock_is_behind_sees_the_clock_at_the_last_save(tmp_path: Path) -> None:
    clock = FakeClock()
    ws = planned(tmp_path)
    session = running(ws, clock)
    try:
        clock.advance(minutes=12)
        session.heartbeat()
        assert session.saver.flush()
        behind = clock.now - timedelta(hours=1)
        assert forecast(ws.read_meeting(MID), behind).elapsed_s == 720
    finally:
        session.close()
