"""An ended meeting opened again to put it right (store/live.py AmendSession): notes,
records, people and rating change; clocks, statuses and agenda do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from clock import FakeClock
from conftest import build_sample

from tandem.store.errors import TandemError
from tandem.store.live import AmendSession, LiveSession
from tandem.store.records import ActionItem, Attendee

ENDED = "2026-11-19-weekly-smarketing-sync"
PLANNED = "2026-11-26-weekly-smarketing-sync"


def test_notes_records_people_and_rating_change_clocks_do_not(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    before = ws.read_meeting(ENDED)
    clock = FakeClock()
    session = AmendSession(ws, ENDED, clock=clock)
    session.start()
    assert session.amending and not session.running
    first, second, third = session.agenda
    assert session.active_item is first
    assert session.next() is second and session.next() is third and session.next() is None
    assert session.previous() is second
    assert session.activate(first.id) is first
    clock.advance(600)
    session.set_notes(first.id, "Fixed: the typo in teh notes")
    with session.editing() as record:
        record.actions.append(ActionItem(id="late", text="Send the deck", owner="Dana Kim", meeting_id=ENDED))
    session.set_people(
        facilitator="Luis Ortega",
        attendees=[Attendee(name="Dana Kim", team="marketing"), Attendee(name="Zoë Ng", team="marketing")],
        absentees=[Attendee(name="Luis Ortega", team="sales"), Attendee(name="Zoë Ng", team="marketing")],
    )
    session.set_outcome(rating=4, comment="Short and useful")
    assert session.close()

    after = ws.read_meeting(ENDED)
    m0, m1 = before.meeting, after.meeting
    assert m1.status == "ended" and m1.ended_at == m0.ended_at and m1.started_at == m0.started_at
    assert m1.clock_elapsed == m0.clock_elapsed and m1.clock_running_since is None and m1.active_item_id is None
    assert [(i.status, i.elapsed_s, i.timebox_min) for i in after.agenda] == [(i.status, i.elapsed_s, i.timebox_min) for i in before.agenda]
    assert after.agenda[0].notes == "Fixed: the typo in teh notes"
    assert "late" in {a.id for a in after.actions}
    assert m1.facilitator == "Luis Ortega" and (m1.rating, m1.rating_comment) == (4, "Short and useful")
    assert [a.name for a in m1.attendees] == ["Dana Kim", "Zoë Ng"]
    assert [a.name for a in m1.absentees] == ["Luis Ortega"]  # present wins


@pytest.mark.parametrize("change", ["skip", "park", "unpark", "extend", "move", "add_item", "toggle_pause", "end"])
def test_the_agenda_and_its_clocks_are_not_changed(tmp_path: Path, change: str) -> None:
    ws = build_sample(tmp_path / "ws")
    session = AmendSession(ws, ENDED, clock=FakeClock())
    session.start()
    item = session.agenda[1].id
    call = {
        "skip": lambda: session.skip(item),
        "park": lambda: session.park(item),
        "unpark": lambda: session.unpark(item),
        "extend": lambda: session.extend(item),
        "move": lambda: session.move(item, -1),
        "add_item": lambda: session.add_item("Forgotten"),
        "toggle_pause": session.toggle_pause,
        "end": session.end,
    }[change]
    with pytest.raises(TandemError, match="has ended: its agenda and clocks stay as they were"):
        call()
    session.close()
    assert ws.read_meeting(ENDED).agenda == build_sample(tmp_path / "again").read_meeting(ENDED).agenda


def test_only_an_ended_meeting_is_amended_and_an_ended_one_is_not_run(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    with pytest.raises(TandemError, match="only an ended meeting is edited this way"):
        AmendSession(ws, PLANNED)
    with pytest.raises(TandemError, match="cannot be run again"):
        LiveSession(ws, ENDED)
    ws.set_finalized(ENDED, True)
    with pytest.raises(TandemError, match="is finalized and cannot be edited; unfinalize it first"):
        AmendSession(ws, ENDED)
    # Refused without keeping the meeting: the lock is free for the next one.
    ws.set_finalized(ENDED, False)
    AmendSession(ws, ENDED).close()
