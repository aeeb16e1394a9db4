"""The live meeting logic (store/live.py): timers, facilitation moves, forecast, resume."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from clock import FakeClock

from tandem.store.errors import FinalizedError, MeetingLockedError, TandemError
from tandem.store.live import LiveSession, end_summary
from tandem.store.pacing import forecast
from tandem.store.records import AgendaItem, Meeting
from tandem.store.saver import Saver
from tandem.store.workspace import Workspace

MID = "2026-11-26-sync"
BOXES = [("Objectives", 10), ("Lead quality", 15), ("Pipeline", 10), ("Actions", 5)]


def planned(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "ws")
    ws.create_meeting(
        Meeting(id=MID, series_id="sync", title="Sync", date="2026-11-26"),
        [AgendaItem(id=f"i{n}", title=t, position=n, timebox_min=b) for n, (t, b) in enumerate(BOXES)],
    )
    return ws


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def session(tmp_path: Path, clock: FakeClock):
    s = LiveSession(planned(tmp_path), MID, clock=clock)
    s.start()
    yield s
    if s.writer.is_open:
        s.close()


def statuses(s: LiveSession) -> list[str]:
    return [i.status for i in s.agenda]


def test_start_makes_the_meeting_live_with_the_first_item_active(session: LiveSession, clock: FakeClock) -> None:
    assert session.meeting.status == "live"
    assert session.meeting.started_at == clock.now.isoformat()
    assert session.meeting.planned_min == 40
    assert statuses(session) == ["active", "pending", "pending", "pending"]
    assert session.running


def test_timers_follow_the_clock_and_bank_on_each_move(session: LiveSession, clock: FakeClock) -> None:
    clock.advance(minutes=7)
    assert session.meeting_elapsed() == 420
    assert session.item_elapsed(session.item("i0")) == 420
    session.next()
    clock.advance(minutes=3)
    assert session.item("i0").elapsed_s == 420
    assert session.item_elapsed(session.item("i1")) == 180
    assert session.meeting_elapsed() == 600
    assert statuses(session) == ["done", "active", "pending", "pending"]


def test_pause_stops_both_clocks(session: LiveSession, clock: FakeClock) -> None:
    clock.advance(minutes=2)
    session.pause()
    clock.advance(minutes=10)
    assert session.meeting_elapsed() == 120 and session.item_elapsed(session.active_item) == 120
    assert not session.running
    session.toggle_pause()
    clock.advance(seconds=30)
    assert session.meeting_elapsed() == 150


def test_previous_goes_back_and_keeps_time(session: LiveSession, clock: FakeClock) -> None:
    clock.advance(minutes=5)
    session.next()
    session.previous()
    assert session.active_item.id == "i0"
    assert session.item("i1").status == "pending"  # no time spent on it yet
    clock.advance(minutes=1)
    assert session.item_elapsed(session.item("i0")) == 360
    assert session.previous() is None  # nothing before the first item


def test_skip_and_park(session: LiveSession) -> None:
    session.skip("i2")
    assert statuses(session) == ["active", "pending", "skipped", "pending"]
    parked = session.park("i0")  # the active one: parks it and moves on
    assert statuses(session) == ["parked", "active", "skipped", "pending"]
    assert parked.text == "Objectives" and parked.agenda_item_id == "i0"
    assert [p.text for p in session.record.parking_lot] == ["Objectives"]
    session.park("i0")
    assert len(session.record.parking_lot) == 1, "parking twice does not duplicate"
    session.unpark("i0")
    assert session.item("i0").status == "pending" and session.record.parking_lot == []


def test_next_skips_over_done_skipped_and_parked(session: LiveSession) -> None:
    session.skip("i1")
    session.park("i2")
    assert session.next().id == "i3"
    assert session.next() is None
    assert session.active_item is None
    assert statuses(session) == ["done", "skipped", "parked", "done"]


def test_add_move_extend_and_jump(session: LiveSession) -> None:
    added = session.add_item("Pricing page", 7)
    assert [i.id for i in session.agenda][:2] == ["i0", added.id]
    assert [i.position for i in session.agenda] == [0, 1, 2, 3, 4]
    assert session.move(added.id, 2) == 3
    assert [i.id for i in session.agenda] == ["i0", "i1", "i2", added.id, "i3"]
    assert session.move(added.id, 10) == 4
    assert session.move("i0", -1) == 0
    session.extend("i0")
    assert session.item("i0").timebox_min == 15
    session.activate("i2")
    assert statuses(session)[:3] == ["done", "pending", "active"]


def test_forecast_arithmetic(session: LiveSession, clock: FakeClock) -> None:
    # 40 min planned. 12 min on item 0 (10 box): 28 left; the rest needs 15+10+5 = 30.
    clock.advance(minutes=12)
    f = session.forecast()
    assert f.elapsed_s == 720 and f.left_s == 1680
    assert f.needed_s == 1800
    assert f.will_not_fit == ("i3",)
    assert f.overrun_s == 120
    assert f.expected_end == clock.now + (f.expected_end - clock.now)  # defined while running
    assert (f.expected_end - clock.now).total_seconds() == 1800
    session.skip("i3")
    assert session.forecast().will_not_fit == ()
    session.pause()
    assert session.forecast().expected_end is None


def test_forecast_when_already_over_time(tmp_path: Path, clock: FakeClock) -> None:
    ws = planned(tmp_path)
    record = ws.read_meeting(MID)
    record.meeting.clock_elapsed = 45 * 60  # 5 min over the 40 planned, 2 items left
    record.agenda[0].status = record.agenda[1].status = "done"
    record.agenda[2].status = "active"
    record.agenda[2].elapsed_s = 4 * 60
    f = forecast(record, clock.now)
    assert f.left_s == -300
    assert f.needed_s == 6 * 60 + 5 * 60
    assert f.will_not_fit == ("i3",)
    assert f.overrun_s == 300 + 660


def test_changes_reach_disk_and_survive_a_reopen(tmp_path: Path, clock: FakeClock) -> None:
    ws = planned(tmp_path)
    s = LiveSession(ws, MID, clock=clock)
    s.start()
    clock.advance(minutes=4)
    s.next()
    s.set_notes("i1", "- 3 leads from **G2**, all good")
    clock.advance(minutes=2)
    assert s.saver.flush()
    on_disk = ws.read_meeting(MID)
    assert on_disk.agenda[1].notes == "- 3 leads from **G2**, all good"
    assert on_disk.meeting.active_item_id == "i1"
    s.close()
    again = LiveSession(ws, MID, clock=clock)
    again.start()
    assert again.active_item.id == "i1"
    assert again.item("i1").notes == "- 3 leads from **G2**, all good"
    assert again.meeting_elapsed() == 360
    assert again.item_elapsed(again.item("i1")) == 120
    again.close()


def test_a_second_facilitator_is_refused(session: LiveSession, tmp_path: Path) -> None:
    with pytest.raises(MeetingLockedError, match="open for editing by PID"):
        LiveSession(session.workspace, MID)


def test_gap_after_a_crash_can_be_discounted(tmp_path: Path, clock: FakeClock) -> None:
    ws = planned(tmp_path)
    s = LiveSession(ws, MID, clock=clock)
    s.start()
    clock.advance(minutes=5)
    s.set_notes("i0", "before the crash")
    s.saver.flush()
    s.writer.close()  # as if the process died: no banking, no pause
    s.saver.close()
    clock.advance(minutes=3)
    again = LiveSession(ws, MID, clock=clock)
    again.start()
    assert again.gap_s == 180
    assert again.meeting_elapsed() == 480, "by default the time the meeting went on counts"
    again.discount_gap()
    assert again.meeting_elapsed() == 300
    assert again.item_elapsed(again.active_item) == 300
    again.close()


def test_end_summary_and_finalize(session: LiveSession, clock: FakeClock) -> None:
    clock.advance(minutes=12)
    session.next()
    clock.advance(minutes=10)
    session.skip("i2")
    summary = end_summary(session)
    assert [r.actual_min for r in summary.items] == [12, 10, 0, 0]
    assert [i.id for i in summary.not_covered] == ["i2", "i3"]
    assert summary.elapsed_min == 22 and summary.planned_min == 40
    meeting = session.end(rating=4, comment="Good pace")
    assert meeting.status == "ended" and meeting.rating == 4 and meeting.ended_at == clock.now.isoformat()
    assert session.item("i1").status == "done"
    ws = session.workspace
    session.close()
    assert ws.get_meeting(MID).rating_comment == "Good pace"
    with pytest.raises(TandemError, match="ended"):
        LiveSession(ws, MID)
    ws.set_finalized(MID, True)
    with pytest.raises(FinalizedError, match="finalized"):
        ws.open_meeting(MID)
    with pytest.raises(TandemError):
        ws.set_finalized(MID, True)
    ws.set_finalized(MID, False)
    ws.open_meeting(MID).close()


def test_saver_coalesces_and_recovers_from_errors() -> None:
    writes: list[int] = []
    fail = threading.Event()
    errors: list[BaseException] = []
    recovered = threading.Event()

    def write() -> None:
        if fail.is_set():
            raise OSError(28, "No space left on device")
        writes.append(1)

    saver = Saver(write, on_error=errors.append, on_saved=recovered.set)
    saver.RETRY_S = 0.05
    for _ in range(50):
        saver.request(0.2)
    assert saver.flush()
    assert 1 <= len(writes) <= 2, "a burst of keystrokes becomes one save"
    fail.set()
    saver.request()
    deadline = time.monotonic() + 2
    while not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    assert errors and saver.last_error is not None and saver.pending
    fail.clear()
    assert recovered.wait(2), "saving resumes once space returns"
    assert saver.last_error is None and not saver.pending
    assert saver.close()


def test_going_back_and_on_keeps_what_the_facilitator_decided(session: LiveSession, clock: FakeClock) -> None:
    """'Done' is what the facilitator did (next), never a timer: p then n leaves a skipped
    item skipped, and an item left by going back is not finished however long it ran."""
    clock.advance(minutes=3)
    session.next()  # Objectives done
    session.skip("i1")  # Lead quality skipped; Pipeline active
    assert statuses(session) == ["done", "skipped", "active", "pending"]
    clock.advance(seconds=0.5)
    session.previous()  # back to the skipped item, half a second into Pipeline
    assert statuses(session) == ["done", "active", "pending", "pending"]
    session.next()  # on again: still skipped, and Pipeline comes back
    assert statuses(session) == ["done", "skipped", "active", "pending"]
    clock.advance(minutes=4)
    session.previous()  # four minutes into Pipeline: not finished all the same
    assert statuses(session) == ["done", "active", "pending", "pending"]
    session.previous()  # back to a done item, and on: it stays done
    assert statuses(session) == ["active", "skipped", "pending", "pending"]
    session.next()
    assert statuses(session) == ["done", "skipped", "active", "pending"]
    assert session.item_elapsed(session.item("i2")) >= 240, "the time stays on its clock"
    session.next()  # moving on from an item reached in order: done
    assert statuses(session) == ["done", "skipped", "done", "active"]
