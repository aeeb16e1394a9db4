"""A review of the UI by driving it: each test here failed before its fix.

User text never read as markup; no key loses its focus target or acts on what is not on
screen; notes typed ahead of a shortcut land in their own item and survive quitting;
unreadable files and a full disk are messages, not crashes; a failed quit keeps saving.
"""

from __future__ import annotations

import asyncio
import errno
import tempfile
from pathlib import Path

import pytest
from clock import FakeClock
from conftest import build_sample
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.widgets import Input, Select, TextArea

from tandem.store.live import LiveSession
from tandem.store.records import (
    ActionItem,
    Activity,
    AgendaItem,
    Attendee,
    CheckIn,
    ContentItem,
    Decision,
    Meeting,
    Objective,
    Series,
    ShadowDay,
)
from tandem.store.saver import Saver
from tandem.store.shadow_session import ShadowSession
from tandem.store.workspace import MeetingWriter, Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.screens.goals import GoalsScreen
from tandem.tui.screens.live import LiveScreen
from tandem.tui.screens.new_meeting import NewMeetingScreen

MID = "2026-11-26-sync"
#: Markup that would style ("[b]…[/b]") or crash ("[/]" closes nothing) if it were read as markup.
BAD = "[b]EMEA[/b] [/]"


async def settle(pilot, times: int = 4) -> None:
    for _ in range(times):
        await pilot.pause(0.05)
    loading = [w for w in pilot.app.workers if w.group in ("captured", "load")]
    if loading:  # an empty list would wait for every worker, a dialog's too
        await pilot.app.workers.wait_for_complete(loading)
    # And the screen still: under two CPU hogs the footer's rebuild after a tab switch came
    # after the pauses above (it showed the meetings tab's keys on the shadow-days tab).
    await pilot.app.settled()


def screen_text(app) -> str:
    """Everything on the terminal, toasts included, as plain text."""
    return "\n".join("".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips())


def burst(app, keys: list[str]) -> None:
    """Keys that arrive together (typed ahead over SSH, tmux send-keys): no pause between them."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)


def meeting(ws: Workspace, items: list[AgendaItem], **fields) -> None:
    ws.create_meeting(
        Meeting(
            id=MID,
            series_id="sync",
            title="Weekly sync",
            date="2026-11-26",
            facilitator="Dana",
            attendees=[Attendee(name="Dana", team="marketing"), Attendee(name="Luis", team="sales")],
            **fields,
        ),
        items,
    )


def three_items(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "ws")
    meeting(ws, [AgendaItem(id=f"i{n}", title=t, position=n, timebox_min=5) for n, t in enumerate(["One", "Two", "Three"])])
    return ws


def marked_up(tmp_path: Path) -> Workspace:
    """A workspace whose every name and title carries markup characters."""
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="sync", title=f"Sync {BAD}"))
    ws.create_meeting(
        Meeting(
            id="2026-11-19-sync",
            series_id="sync",
            title=f"Weekly {BAD}",
            date="2026-11-19",
            status="ended",
            attendees=[Attendee(name=f"Ana {BAD}", team="sales")],
        ),
        [],
    )
    ws.create_meeting(
        Meeting(id=MID, series_id="sync", title=f"Weekly {BAD}", date="2026-11-26", facilitator="Dana", attendees=[Attendee(name=f"Ana {BAD}", team="sales")]),
        [AgendaItem(id="i0", title=f"Pricing {BAD}", position=0, timebox_min=10), AgendaItem(id="i1", title=f"Leads {BAD}", position=1, timebox_min=10)],
    )
    ws.objectives.add(
        Objective(id="o1", title=f"Goal {BAD}", metric="SQLs", target=60, unit=f" {BAD}", checkins=[CheckIn(date="2026-11-19", value=41, status="at_risk")])
    )
    ws.content.add(ContentItem(id="c1", title=f"One-pager {BAD}", status="planned", owner=BAD, persona=BAD))
    return ws


# --- user text is shown as typed -----------------------------------------------------------


async def test_markup_in_names_on_home_and_in_the_series_filter(tmp_path: Path) -> None:
    """Home's meeting details put agenda titles in a Rich table as markup; the filter's
    border title read the series title as markup: "[/]" crashed the app on start."""
    ws = marked_up(tmp_path)
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert f"Pricing {BAD}" in screen_text(app)
        await pilot.press("s")  # filter on the series
        await settle(pilot)
        assert f"Meetings · Sync {BAD} · 2" in screen_text(app)


async def test_markup_in_a_workspace_path_on_the_empty_home(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "team [/] ws")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "team [/] ws" in screen_text(app)


async def test_markup_in_notifications_and_pick_lists_of_a_live_meeting(tmp_path: Path) -> None:
    """Notifications ("Skipped: <title>") and the objective / content pick-lists were
    markup: skipping an item called "… [/]" killed the meeting."""
    ws = marked_up(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("escape", "s")  # skip the active item
        await settle(pilot)
        assert f"Skipped: Pricing {BAD}" in screen_text(app)
        await pilot.press("o")
        await settle(pilot)
        assert f"Goal {BAD}" in screen_text(app)
        await pilot.press("down", "enter")  # check in on it: the value's label names the unit
        await settle(pilot)
        label = app.screen.query_one("#f-value").render()
        assert f"target 60{BAD}" in str(label)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert f"One-pager {BAD}" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running


async def test_markup_in_units_on_the_goals_screen(tmp_path: Path) -> None:
    ws = marked_up(tmp_path)
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert f"41{BAD}" in screen_text(app)


async def test_markup_in_people_and_series_of_the_new_meeting_form(tmp_path: Path) -> None:
    ws = marked_up(tmp_path)
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewMeetingScreen)
        text = screen_text(app)
        assert f"Ana {BAD} (sales)" in text and f"Sync {BAD}" in text


# --- focus ---------------------------------------------------------------------------------


async def test_ctrl_n_past_the_last_item_leaves_the_keys_working(tmp_path: Path) -> None:
    """ctrl+n on the last item keeps the notes (typing goes on there); n on the agenda
    finishes it. With every item covered the notes editor is hidden, the agenda has the
    focus, and "Press e to end the meeting" works."""
    ws = three_items(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")
        await settle(pilot)
        assert app.screen.session.active_item is not None and app.focused.id == "notes"
        await pilot.press("escape", "n")
        await settle(pilot)
        assert app.screen.session.active_item is None
        assert not app.screen.query_one("#notes").display
        assert app.focused is not None and app.focused.id == "agenda"
        await pilot.press("e")
        await settle(pilot)
        assert type(app.screen).__name__ == "EndMeetingScreen"


async def test_deleting_the_last_record_keeps_u_for_undo(tmp_path: Path) -> None:
    """The list of captured records hides when it empties; the focus then fell into the
    notes, and the "u" the notification offers was typed there instead of undoing."""
    ws = three_items(tmp_path)
    with ws.open_meeting(MID) as writer:
        writer.decisions.add(Decision(id="d1", text="SAL within 24h", meeting_id=MID, agenda_item_id="i0"))
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab")  # from the notes to the captured records
        assert app.focused.id == "captured"
        await pilot.press("x", "y")
        await settle(pilot)
        assert not app.screen.session.record.decisions
        await pilot.press("u")
        await settle(pilot)
        screen = app.screen
        assert [d.id for d in screen.session.record.decisions] == ["d1"]
        assert screen.query_one("#notes", TextArea).text == ""


# --- notes ---------------------------------------------------------------------------------


async def test_notes_typed_ahead_of_ctrl_n_stay_in_their_item(tmp_path: Path) -> None:
    """ctrl+n is a priority key: it ran before the editor had taken the letters typed just
    before it, so they all ended up in the last item."""
    ws = three_items(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, [*"abc", "ctrl+n", *"def", "ctrl+n", *"ghi"])
        await settle(pilot, 10)
        assert [i.notes for i in app.screen.session.agenda] == ["abc", "def", "ghi"]
        await pilot.press("ctrl+q")
    assert [i.notes for i in ws.read_meeting(MID).agenda] == ["abc", "def", "ghi"]


async def test_notes_typed_ahead_of_quitting_are_saved(tmp_path: Path) -> None:
    ws = three_items(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, [*"last words", "ctrl+q"])
        await settle(pilot, 10)
    assert ws.read_meeting(MID).agenda[0].notes == "last words"


async def test_shadow_notes_typed_ahead_of_quitting_are_saved(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.shadow_days.add(
        ShadowDay(id="sd1", shadow="Dana", host="Luis", direction="marketing_to_sales", date="2026-11-26", activities=[Activity(title="Prospect calls")])
    )
    app = create_app(ws, clock=FakeClock(), start=StartWith(shadow_day_id="sd1"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # into the activity's notes
        burst(app, [*"asked about SSO", "ctrl+q"])
        await settle(pilot, 10)
    assert ws.shadow_days.get("sd1").activities[0].notes == "asked about SSO"


async def test_undo_with_nothing_to_undo_is_not_a_save_error(tmp_path: Path) -> None:
    """It said "Not saved: Nothing to undo." in red: a facilitator reads that as lost work."""
    ws = three_items(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "u")
        await settle(pilot)
        messages = list(app._notifications)
        assert messages and "Nothing to undo" in messages[-1].message
        assert all(n.severity != "error" and n.title != "Not saved" for n in messages)


# --- home ----------------------------------------------------------------------------------


async def test_planning_a_meeting_outside_the_series_filter(tmp_path: Path) -> None:
    """With the table filtered to one series, a meeting planned for later in another series
    was "selected" in a table that did not show it: RowDoesNotExist, the app died."""
    ws = build_sample(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")  # only "Weekly smarketing sync"
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#series", Select).value = "__new__"
        await settle(pilot)
        form.query_one("#series-title", Input).value = "Monthly exec sync"
        form.query_one("#template", Select).value = next(iter(form.library.templates))
        form.query_one("#date", Input).value = "2026-12-10"
        await pilot.press("ctrl+s")
        await settle(pilot, 8)
        home = app.screen
        assert app.is_running and type(home).__name__ == "HomeScreen"
        assert home.selected is not None and home.selected.date == "2026-12-10"


async def test_shadow_days_tab_keys_do_not_touch_the_hidden_meeting(tmp_path: Path) -> None:
    """On the shadow-days tab, f finalized (and x exported) the meeting highlighted on the
    meetings tab, which was not on screen."""
    ws = build_sample(tmp_path / "ws")
    ws.shadow_days.add(
        ShadowDay(
            id="sd1", shadow="Dana Kim", host="Luis Ortega", direction="marketing_to_sales", date="2026-11-26", activities=[Activity(title="Prospect calls")]
        )
    )
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down")  # an ended meeting
        home = app.screen
        assert home.selected.status == "ended"
        home.query_one("#home-tabs").active = "tab-shadow"
        await settle(pilot)
        await pilot.press("f", "x")
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Finalize" not in footer and "Export" not in footer
        titles = [title for title, _, _ in home.palette_commands()]
        assert not any("finalize" in t or "highlighted meeting" in t for t in titles)
    assert {m.status for m in ws.list_meetings()} == {"ended", "planned"}
    assert not (ws.home / "minutes").exists()


async def test_switching_home_tabs_takes_the_focus_along(tmp_path: Path) -> None:
    """Focus left on the hidden meetings table drifted to the detail pane beside it, and the
    tabs followed it back: on a busy machine the shadow-days tab flipped back to meetings."""
    ws = build_sample(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        assert home.focused is not None and home.focused.id == "meetings"
        tabs = home.query_one("#home-tabs")
        tabs.active = "tab-shadow"
        assert home.focused.id == "shadow-days"  # at once, not a message later
        await settle(pilot)
        assert tabs.active == "tab-shadow" and home.focused.id == "shadow-days"
        tabs.active = "tab-meetings"
        assert home.focused.id == "meetings"


async def test_palette_meeting_new_plans_a_meeting_on_the_shadow_tab(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        home.query_one("#home-tabs").active = "tab-shadow"
        await settle(pilot)
        action = next(a for title, a, _ in home.palette_commands() if title == "meeting: new")
        await home.run_action(action)
        await settle(pilot)
        assert isinstance(app.screen, NewMeetingScreen)


async def test_goals_footer_offers_check_in_only_on_objectives(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GoalsScreen)
        assert "Check in" in screen_text(app).splitlines()[-1]
        app.screen.query_one("#goal-tabs").active = "tab-content"
        await settle(pilot)
        assert "Check in" not in screen_text(app).splitlines()[-1]


# --- errors are messages -------------------------------------------------------------------


@pytest.mark.parametrize("key", ["o", "c"])
async def test_an_unreadable_shared_file_does_not_end_the_meeting(tmp_path: Path, key: str) -> None:
    """o and c read the objectives / content files in a worker that let the error escape:
    the whole app exited with a traceback in the middle of the meeting."""
    ws = three_items(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        for collection in (ws.objectives, ws.content):
            collection.path.parent.mkdir(parents=True, exist_ok=True)
            collection.path.write_text("{not json")
        await pilot.press("escape", key)
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, LiveScreen)
        assert any(n.title == "Cannot read" for n in app._notifications)


async def test_a_full_disk_when_saving_an_insight_is_a_message(tmp_path: Path, monkeypatch) -> None:
    import tandem.store.atomic as atomic

    ws = three_items(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    real = atomic.atomic_write_bytes

    def full(path, data):
        if "insight" in Path(path).name:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data)

    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("escape", "v")
        await settle(pilot)
        app.screen.query_one("#w-text", Input).value = "Why is onboarding 6 weeks?"
        monkeypatch.setattr(atomic, "atomic_write_bytes", full)
        await pilot.press("ctrl+s")
        await settle(pilot, 8)
        # Still running, and what was typed is back in its form (tests/tui/test_faults.py).
        assert app.is_running and app.screen.query_one("#w-text", Input).value == "Why is onboarding 6 weeks?"
        assert any("the disk is full" in n.message for n in app._notifications)


async def test_a_failed_quit_keeps_saving_and_quits_once_saved(tmp_path: Path, monkeypatch) -> None:
    """Quitting on a full disk closed the saver and released the meeting anyway: after the
    disk was freed nothing was ever saved again and tandem could never quit."""
    monkeypatch.setattr(Saver, "RETRY_S", 0.1)
    real_flush = Saver.flush
    monkeypatch.setattr(Saver, "flush", lambda self, timeout=10.0: real_flush(self, min(timeout, 0.5)))
    ws = three_items(tmp_path)
    disk_full = False
    real_write = MeetingWriter.write_all

    def write_all(self, record):
        if disk_full:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, record)

    monkeypatch.setattr(MeetingWriter, "write_all", write_all)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        disk_full = True
        await pilot.press(*"hello")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert app.is_running  # refused: nothing may be lost
        disk_full = False  # space freed
        await pilot.press("space", *"world")
        await pilot.pause(1.0)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running
    assert ws.read_meeting(MID).agenda[0].notes == "hello world"


def test_a_failed_close_keeps_the_sessions_lock_and_saver(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(Saver, "RETRY_S", 0.05)
    ws = three_items(tmp_path)
    ws.shadow_days.add(
        ShadowDay(id="sd1", shadow="Dana", host="Luis", direction="marketing_to_sales", date="2026-11-26", activities=[Activity(title="Prospect calls")])
    )
    live = LiveSession(ws, MID, clock=FakeClock())
    shadow = ShadowSession(ws, "sd1", clock=FakeClock())
    live.start()
    failing = {"on": True}

    def flaky(write):
        def run():
            if failing["on"]:
                raise OSError(errno.ENOSPC, "No space left on device")
            write()

        return run

    live.saver._write = flaky(live.saver._write)
    shadow.saver._write = flaky(shadow.saver._write)
    live.set_notes("i0", "kept")
    shadow.set_activity_notes(0, "kept too")
    assert not live.saver.flush(0.2) and not shadow.saver.flush(0.2)
    monkeypatch.setattr(Saver, "flush", lambda self, timeout=10.0, _f=Saver.flush: _f(self, min(timeout, 0.3)))
    assert not live.close() and not shadow.close()
    assert live.writer.is_open and shadow.lock.is_locked
    failing["on"] = False
    assert live.close() and shadow.close()
    assert not live.writer.is_open and not shadow.lock.is_locked
    assert ws.read_meeting(MID).agenda[0].notes == "kept"
    assert ws.shadow_days.get("sd1").activities[0].notes == "kept too"


# --- any key, any size ---------------------------------------------------------------------


async def test_every_screen_survives_80x24_and_40x12(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    ws.shadow_days.add(ShadowDay(id="sd1", shadow="Dana Kim", host="Luis Ortega", direction="marketing_to_sales", date="2026-11-26", activities=[]))
    app = create_app(ws, clock=FakeClock())

    async def sizes(pilot) -> None:
        for size in ((80, 24), (40, 12), (120, 40)):
            await pilot.resize_terminal(*size)
            await settle(pilot, 2)
        assert app.is_running

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await sizes(pilot)  # home
        await pilot.press("g")
        await settle(pilot)
        await sizes(pilot)  # goals
        await pilot.press("n")
        await settle(pilot)
        await sizes(pilot)  # a form
        await pilot.press("escape", "escape")
        await settle(pilot)
        app.screen.query_one("#home-tabs").active = "tab-shadow"
        await settle(pilot)
        await sizes(pilot)
        await pilot.press("enter")  # a shadow day with no activities
        await settle(pilot)
        await sizes(pilot)
        await pilot.press("q")
        await settle(pilot)
        app.screen.query_one("#home-tabs").active = "tab-meetings"
        await settle(pilot)
        await pilot.press("enter")  # the planned meeting, live
        await settle(pilot)
        await sizes(pilot)
        await pilot.press("escape", "e")
        await settle(pilot)
        await sizes(pilot)  # the end-of-meeting summary


LIVE_KEYS = [
    "enter",
    "n",
    "p",
    "s",
    "k",
    "a",
    "shift+up",
    "shift+down",
    "plus",
    "space",
    "e",
    "i",
    "tab",
    "shift+tab",
    "o",
    "l",
    "v",
    "c",
    "d",
    "t",
    "u",
    "x",
    "delete",
    "escape",
    "escape",
    "up",
    "down",
    "ctrl+n",
    "ctrl+t",
    "ctrl+r",
    "ctrl+s",
    "f1",
    "ctrl+p",
    "1",
    "y",
    "h",
    "backspace",
]


def fuzz_workspace(root: Path) -> Workspace:
    ws = Workspace(root)
    ws.series.add(Series(id="sync", title="Weekly sync"))
    ws.create_meeting(Meeting(id="2026-11-19-sync", series_id="sync", title="Weekly sync", date="2026-11-19", status="ended"))
    with ws.open_meeting("2026-11-19-sync") as writer:
        writer.actions.add(ActionItem(id="old1", text="Fix routing", owner="Luis", meeting_id="2026-11-19-sync"))
    ws.objectives.add(Objective(id="o1", title="60 SQLs", metric="SQLs", target=60))
    ws.content.add(ContentItem(id="c1", title="ROI one-pager", status="planned"))
    meeting(
        ws,
        [
            AgendaItem(id="a0", title="Objectives", position=0, timebox_min=5, captures="objective"),
            AgendaItem(id="a1", title="Leads", position=1, timebox_min=5, captures="lead_feedback"),
            AgendaItem(id="a2", title="Pipeline", position=2, timebox_min=5, captures="content"),
            AgendaItem(id="a3", title="Actions", position=3, timebox_min=5, captures="action_review"),
        ],
    )
    return ws


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(keys=st.lists(st.sampled_from(LIVE_KEYS), min_size=5, max_size=30), size=st.sampled_from([(120, 40), (80, 24), (40, 12)]))
def test_random_keys_on_the_live_screen(keys: list[str], size: tuple[int, int]) -> None:
    """Any sequence of the live screen's keys: no exception, and the meeting still loads."""

    async def drive() -> None:
        with tempfile.TemporaryDirectory() as folder:
            ws = fuzz_workspace(Path(folder) / "ws")
            clock = FakeClock()
            app = create_app(ws, clock=clock, start=StartWith(meeting_id=MID))
            async with app.run_test(size=size) as pilot:
                await pilot.pause(0.1)
                for key in keys:
                    await pilot.press(key)
                    clock.advance(7)
                    await pilot.pause(0.01)
                await pilot.pause(0.1)
                assert app.is_running
                await pilot.press("ctrl+q")
            ws.read_meeting(MID)

    asyncio.run(drive())
