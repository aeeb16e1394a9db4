"""Type-ahead and the races it exposed (tui/typeahead.py, tui/screen_base.py,
tui/widgets/lazy.py): keys typed in the same tick as the key that opens a form land in the
form; keys for something that does not open are set aside, never run as commands; a
question takes no answer typed before it appeared; a screen dismissed twice, a lazy pane
whose screen has gone, a worker finishing after its screen closed — none crashes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from clock import FakeClock
from textual import events

from tandem.store.records import AgendaItem, Attendee, Decision, Meeting, Series
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.screens.capture_forms import DecisionForm
from tandem.tui.screens.live import LiveScreen

MID = "2026-11-26-sync"


def live_workspace(tmp_path: Path, *, items: int = 2) -> Workspace:
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="sync", title="Weekly sync"))
    ws.create_meeting(
        Meeting(
            id=MID,
            series_id="sync",
            title="Weekly sync",
            date="2026-11-26",
            facilitator="Dana",
            attendees=[Attendee(name="Dana", team="marketing"), Attendee(name="Luis", team="sales")],
        ),
        [AgendaItem(id=f"i{n}", title=f"Item {n}", position=n, timebox_min=10) for n in range(items)],
    )
    return ws


def post_keys(app, keys: str) -> None:
    """Every key in one tick, as a burst over SSH arrives: no pause, no settling between."""
    for key in keys.split():
        app.post_message(events.Key(key, key if len(key) == 1 else {"space": " "}.get(key)))


async def test_form_key_and_its_text_in_the_same_tick(tmp_path: Path) -> None:
    ws = live_workspace(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("escape")  # the agenda: one key per record
        post_keys(app, "d S h i p space t h e space R O I space p a g e ctrl+s")
        await app.settled()
        assert isinstance(app.screen, LiveScreen)
        record = app.screen.session.record
        assert [d.text for d in record.decisions] == ["Ship the ROI page"]
        assert [(i.title, i.status) for i in record.agenda] == [("Item 0", "active"), ("Item 1", "pending")]
        assert record.meeting.status == "live"
        await pilot.press("ctrl+q")


async def test_keys_for_a_form_that_does_not_open_are_set_aside(tmp_path: Path) -> None:
    """With no active item no capture form opens (a warning says why): the letters typed for
    it must not become agenda commands — "s" would skip, "e" end, "a" add an item."""
    ws = live_workspace(tmp_path, items=1)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("escape", "n")  # the only item done: nothing is active
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.session.active_item is None
        post_keys(app, "d s a v e space e v e r y t h i n g")
        await app.settled()
        assert app.screen is screen
        assert screen.session.record.meeting.status == "live"
        assert [i.status for i in screen.session.record.agenda] == ["done"]
        assert app.typeahead.set_aside == len("save everything")
        assert any("set aside" in n.title for n in app._notifications)
        await pilot.press("ctrl+q")


async def test_a_burst_after_a_key_that_failed_stays_set_aside(tmp_path: Path) -> None:
    """The same, typed at 20 ms a key: the warning's hold is long over when the letters
    arrive, and still none of them runs ("s" skips, "e" ends, "a" adds). Once the user has
    paused, keys are commands again."""
    ws = live_workspace(tmp_path, items=1)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("escape", "n")
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.session.active_item is None
        for key in ["d", "s", "a", "v", "e", "space", "e", "v", "e", "r", "y", "t", "h", "i", "n", "g"]:
            post_keys(app, key)
            await asyncio.sleep(0.02)
        await app.settled()
        assert app.screen is screen
        assert screen.session.record.meeting.status == "live"
        assert [i.status for i in screen.session.record.agenda] == ["done"]
        await asyncio.sleep(0.6)  # the burst's notice comes once typing has stopped
        assert app.typeahead.set_aside == len("save everything")
        assert any("after a key that did nothing" in str(n.message) for n in app._notifications)
        await asyncio.sleep(0.5)
        post_keys(app, "a")  # after a pause: the agenda's "add an item" again
        await app.settled()
        assert type(app.screen).__name__ == "AddItemScreen"
        await pilot.press("escape", "ctrl+q")


async def test_keys_held_past_the_longest_hold_are_set_aside(tmp_path: Path, monkeypatch) -> None:
    """An overloaded machine: the form is still on its way when the hold gives up. The keys
    typed for it ("s", "e") are shown and set aside, not run as the agenda's skip and end."""
    from tandem.tui import typeahead
    from tandem.tui.screens.live_capture import CaptureFlow

    slow = CaptureFlow._capture_one

    async def slower(self, kind, draft):
        await asyncio.sleep(0.6)
        await slow(self, kind, draft)

    monkeypatch.setattr(CaptureFlow, "_capture_one", slower)
    ws = live_workspace(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("escape")
        # The short hold only from here: on a loaded machine Esc itself can take longer than
        # 0.2 s to settle, and the gate would rightly set aside what follows a key that timed out.
        monkeypatch.setattr(typeahead, "MAX_HOLD_S", 0.2)
        screen = app.screen
        post_keys(app, "d s e")
        for _ in range(200):  # the slowed form comes after its hold gave up, however busy
            await asyncio.sleep(0.05)
            if isinstance(app.screen, DecisionForm):
                break
        await app.settled()
        assert isinstance(app.screen, DecisionForm)  # it came, late, and empty
        assert app.typeahead.set_aside == 2
        assert screen.session.record.meeting.status == "live"
        assert [i.status for i in screen.session.record.agenda] == ["active", "pending"]
        await pilot.press("escape", "ctrl+q")


async def test_a_question_takes_no_answer_typed_before_it(tmp_path: Path) -> None:
    """delete then y in one burst: the y was typed before "Delete this decision?" could be
    read, so nothing is deleted; a y pressed once typing paused answers it."""
    ws = live_workspace(tmp_path)
    with ws.open_meeting(MID) as writer:
        writer.decisions.add(Decision(id="d1", text="SAL within 24h", meeting_id=MID, agenda_item_id="i0"))
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        screen.query_one("#captured").focus()
        await app.settled()
        post_keys(app, "delete y")
        await app.settled()
        assert type(app.screen).__name__ == "ConfirmScreen"
        assert [d.text for d in screen.session.record.decisions] == ["SAL within 24h"]
        await pilot.press("y")  # the settling pilot waits as a reader would
        assert screen.session.record.decisions == []
        await pilot.press("ctrl+q")


async def test_ending_a_meeting_needs_ctrl_s_after_a_pause(tmp_path: Path) -> None:
    """The notes' "…see you next week⏎" typed on the agenda reached "e" and then ended the
    meeting with the Enter. Now Enter never ends it, nor ctrl+s typed in the same burst."""
    ws = live_workspace(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("escape")
        post_keys(app, "e n d enter ctrl+s")
        await app.settled()
        assert type(app.screen).__name__ == "EndMeetingScreen"
        live = next(s for s in app.screen_stack if isinstance(s, LiveScreen))
        assert live.session.record.meeting.status == "live"
        await pilot.press("ctrl+s")
        assert live.session.record.meeting.status == "ended"


async def test_ctrl_n_on_the_last_item_keeps_typing_in_the_notes(tmp_path: Path) -> None:
    ws = live_workspace(tmp_path, items=1)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        post_keys(app, "ctrl+n T h a n k s space a l l enter e")
        await app.settled()
        assert screen.session.record.meeting.status == "live"
        assert screen.session.active_item is not None
        notes = screen.query_one("#notes")
        assert notes.has_focus and notes.display
        assert notes.text == "Thanks all\ne"
        await pilot.press("ctrl+q")
    assert Workspace(tmp_path / "ws").read_meeting(MID).agenda[0].notes == "Thanks all\ne"


async def test_all_changes_saved_only_once_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk is held back by the test (not raced against the clock, which a busy
    machine wins either way): until the write lands the status says "Saving"."""
    import threading

    from conftest import rendered_text

    from tandem.store import atomic

    ws = live_workspace(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await app.settled()
        disk = threading.Event()
        write = atomic.atomic_write_bytes

        def held_write(path: Path, data: bytes) -> None:
            disk.wait(10)
            write(path, data)

        monkeypatch.setattr(atomic, "atomic_write_bytes", held_write)
        await pilot.press("a")
        await app.settled()
        await pilot.pause(0.3)  # longer than the status' refresh
        assert screen.query_one("#notes").text == "a"
        assert "Saving" in rendered_text(screen.query_one("#save-state"))
        assert ws.read_meeting(MID).agenda[0].notes == ""
        disk.set()
        for _ in range(250):
            if "All changes saved" in rendered_text(screen.query_one("#save-state")):
                break
            await asyncio.sleep(0.02)
        assert "All changes saved" in rendered_text(screen.query_one("#save-state"))
        assert ws.read_meeting(MID).agenda[0].notes == "a"
        await pilot.press("ctrl+q")


async def test_a_screen_dismissed_twice_returns_once(tmp_path: Path) -> None:
    """Found under load (InvalidStateError from push_screen_wait's future): a form dismissed
    by a key and again by a worker in the same tick. The second dismiss does nothing — and
    must not pop the live screen underneath."""
    ws = live_workspace(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(100, 30)) as pilot:
        live = app.screen
        results: list[object] = []

        async def open_form() -> None:
            results.append(await app.push_screen_wait(DecisionForm(live.flow.ctx, today=app.clock().date())))

        live.run_worker(open_form())
        await app.settled()
        form = app.screen
        assert isinstance(form, DecisionForm)
        form.dismiss(None)
        form.dismiss(None)
        await app.settled()
        assert results == [None]
        assert app.screen is live
        await pilot.press("ctrl+q")


async def test_goals_closed_before_its_lazy_pane_mounted(tmp_path: Path) -> None:
    """Found by the fuzzing ("… ctrl+t u g", "escape u"): the Goals screen's lazy content
    pane was mounted after the screen had gone — MountError. Closed while its lazy pane waits
    for a refresh, five times; then opened and closed by keys typed together. (With keys now
    delivered one settled screen at a time the old sequences no longer reach the race; the
    guard in tui/widgets/lazy.py stays for any other way in.)"""
    from tandem.tui.screens.goals import GoalsScreen

    ws = live_workspace(tmp_path)
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await app.settled()
        for _ in range(5):
            goals = GoalsScreen(ws)
            app.push_screen(goals)
            while not goals.is_mounted:  # mounted, its lazy pane waiting for a refresh
                await asyncio.sleep(0)
            app.pop_screen()
            await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        post_keys(app, "g escape g escape g")
        await app.settled()
        assert type(app.screen).__name__ == "GoalsScreen"
        await pilot.press("ctrl+q")
