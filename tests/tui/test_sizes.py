"""Sizes: every screen is usable at 80×24 and at 250×70 (snapshots at both), and none
breaks when the terminal shrinks to 40×12 and grows again.

Each scenario builds one app from fixed data (the demo workspace as of DEMO_TODAY, a
FakeClock, a fixed sub_title) and a ``run_before`` that brings it to the screen to show.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import pytest
from clock import FakeClock
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, TabbedContent, TextArea
from textual.worker import WorkerState

from tandem.store.capture import Capture
from tandem.store.demo import DEMO_TODAY, seed_demo
from tandem.store.live import LiveSession
from tandem.store.records import ActionItem, Decision, LeadFeedback
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.follow_app import create_follow_app
from tandem.tui.review_app import create_review_app

SIZES = {"80x24": (80, 24), "250x70": (250, 70)}
START = datetime(2026, 11, 26, 9, 30)
#: The demo's meeting planned for DEMO_TODAY: seven items, prompts, captures.
MID = "2026-11-26-pipeline-content-review"
#: The demo's newest finalized meeting (u on it asks before unfinalizing).
FINALIZED = "2026-11-13-shadow-day-debriefs"

RunBefore = Callable[[Pilot], Awaitable[None]]


@dataclass
class Scenario:
    app: App
    run_before: RunBefore
    #: The screen class the scenario ends on.
    screen: str
    #: Text that must be on screen at 80×24 and larger.
    expect: tuple[str, ...]
    #: Keys pressed at 40×12 that leave the scenario's screen where it is.
    keys: tuple[str, ...] = ("tab", "down")


# --- data -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo workspace the read-only scenarios share (none of them writes)."""
    home = tmp_path_factory.mktemp("sizes") / "ws"
    seed_demo(Workspace(home))
    return home


def fresh_demo(demo: Path, tmp_path: Path) -> Workspace:
    """A writable copy of the shared demo workspace (copying is faster than seeding)."""
    shutil.copytree(demo, tmp_path / "ws")
    return Workspace(tmp_path / "ws")


async def settle(pilot: Pilot) -> None:
    """Let loading workers finish (not the ones waiting on a dialog, nor the follow poll)."""
    busy = (WorkerState.PENDING, WorkerState.RUNNING)
    for _ in range(300):
        await pilot.pause(0.01)
        if not any(w.group not in ("default", "follow-poll") and w.state in busy for w in pilot.app.workers):
            break
    await pilot.pause()


def screen_text(app: App) -> str:
    """What the terminal shows now, row by row (dialogs over their screen included)."""
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


# --- the main app ----------------------------------------------------------------------------


def home_app(home: Path, clock: FakeClock | None = None):
    app = create_app(Workspace(home), clock=clock or FakeClock(START))
    app.sub_title = "~/tandem"
    return app


def home_meetings(demo: Path, tmp_path: Path) -> Scenario:
    app = home_app(demo)
    return Scenario(app, settle, "HomeScreen", ("Pipeline & content review", "Open action items", "Quit"))


def home_shadow(demo: Path, tmp_path: Path) -> Scenario:
    app = home_app(demo)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        app.screen.query_one("#home-tabs", TabbedContent).active = "tab-shadow"
        await settle(pilot)

    return Scenario(app, run_before, "HomeScreen", ("Shadow days", "Direction"))


def home_empty(demo: Path, tmp_path: Path) -> Scenario:
    home = tmp_path / "empty"
    app = home_app(home)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        empty = app.screen.query_one("#empty")
        empty.update(str(empty.content).replace(str(home), "~/tandem"))
        await pilot.pause()

    return Scenario(app, run_before, "HomeScreen", ("No meetings in this workspace yet",))


def new_meeting(demo: Path, tmp_path: Path) -> Scenario:
    app = home_app(demo)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)

    return Scenario(app, run_before, "NewMeetingScreen", ("New meeting", "Facilitator", "ctrl+s"), keys=("tab", "tab"))


def goals(demo: Path, tmp_path: Path) -> Scenario:
    app = home_app(demo)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)

    return Scenario(app, run_before, "GoalsScreen", ("Objectives", "Content pipeline"))


def confirm(demo: Path, tmp_path: Path) -> Scenario:
    app = home_app(demo)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        table = app.screen.query_one("#meetings", DataTable)
        table.move_cursor(row=table.get_row_index(FINALIZED))
        await pilot.press("u")
        await settle(pilot)

    return Scenario(app, run_before, "ConfirmScreen", ("Unfinalize", "y  yes"), keys=("tab",))


#: The demo's newest ended meeting: e on it opens it for editing.
ENDED = "2026-11-24-weekly-smarketing-sync"


def amend(demo: Path, tmp_path: Path, *, outcome: bool = False) -> Scenario:
    app = home_app(fresh_demo(demo, tmp_path).home)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        table = app.screen.query_one("#meetings", DataTable)
        table.move_cursor(row=table.get_row_index(ENDED))
        await pilot.press("e")
        await settle(pilot)
        if outcome:
            await pilot.press("escape", "e")
            await settle(pilot)

    if outcome:
        return Scenario(app, run_before, "MeetingOutcomeScreen", ("People and rating", "Facilitator"), keys=("tab",))
    return Scenario(app, run_before, "LiveScreen", ("Ended · editing", "Agenda"), keys=("tab",))


def live_app(demo: Path, tmp_path: Path) -> tuple[App, FakeClock]:
    clock = FakeClock(START)
    return create_app(fresh_demo(demo, tmp_path), clock=clock, start=StartWith(meeting_id=MID)), clock


async def into_the_meeting(pilot: Pilot, clock: FakeClock) -> None:
    """Item 1 done after 11 minutes; item 2 discussed for 13 minutes, with notes."""
    await settle(pilot)
    screen = pilot.app.screen
    clock.advance(minutes=11)
    await pilot.press("ctrl+n")
    notes = screen.query_one("#notes", TextArea)
    notes.insert("\n- G2: 3 leads, all good\n- Paid search: poor fit, wrong persona\n- Webinar leads stall at SAL")
    await pilot.pause()
    clock.advance(minutes=13)
    screen.sync_notes()
    assert screen.session.saver.flush()
    screen.tick()
    await pilot.pause()


def live(demo: Path, tmp_path: Path) -> Scenario:
    app, clock = live_app(demo, tmp_path)

    async def run_before(pilot: Pilot) -> None:
        await into_the_meeting(pilot, clock)

    return Scenario(app, run_before, "LiveScreen", ("Lead generation by source", "Agenda"), keys=("escape", "down", "tab"))


def end_meeting(demo: Path, tmp_path: Path) -> Scenario:
    app, clock = live_app(demo, tmp_path)

    async def run_before(pilot: Pilot) -> None:
        await into_the_meeting(pilot, clock)
        await pilot.press("escape", "e", "4")
        await settle(pilot)

    return Scenario(app, run_before, "EndMeetingScreen", ("End the meeting?", "Rate this meeting"), keys=("down", "tab"))


def lead_form(demo: Path, tmp_path: Path) -> Scenario:
    app, clock = live_app(demo, tmp_path)

    async def run_before(pilot: Pilot) -> None:
        await into_the_meeting(pilot, clock)
        await pilot.press("escape", "l")
        await settle(pilot)
        await pilot.press("ctrl+s")  # the inline errors of an empty form: its tallest state
        await pilot.pause()

    return Scenario(app, run_before, "LeadFeedbackForm", ("lead feedback", "required"), keys=("tab", "tab"))


def help_screen(demo: Path, tmp_path: Path) -> Scenario:
    app, clock = live_app(demo, tmp_path)

    async def run_before(pilot: Pilot) -> None:
        await into_the_meeting(pilot, clock)
        await pilot.press("escape", "question_mark")
        await settle(pilot)

    return Scenario(app, run_before, "HelpScreen", ("Keys", "Next item, while typing notes"), keys=("tab", "down"))


def shadow_day(demo: Path, tmp_path: Path) -> Scenario:
    ws = fresh_demo(demo, tmp_path)
    day = next(d for d in ws.shadow_days.all() if d.status == "planned")
    clock = FakeClock(START)
    app = create_app(ws, clock=clock, start=StartWith(shadow_day_id=day.id))

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        screen.session.toggle_activity(0)
        screen.session.set_activity_notes(0, "- Sales Nav: 12 accounts\n- **20 min** per account")
        screen.session.add_takeaway("learned", "SDRs research 20 min per account before the first call")
        clock.advance(minutes=40)
        screen.session.add_takeaway("hand_off_friction", "MQLs arrive without the webinar they attended")
        screen._shown = None
        screen.refresh_all()
        assert screen.session.saver.flush()
        screen._show_save_state()
        await settle(pilot)

    return Scenario(app, run_before, "ShadowScreen", ("Planned activities", "Takeaways"), keys=("escape", "down", "tab"))


# --- review, minutes, follow ---------------------------------------------------------------------


def review_app(demo: Path):
    app = create_review_app(WorkspaceSource(demo), today=DEMO_TODAY)
    app.sub_title = "~/tandem · read-only"
    return app


REVIEW_EXPECT = {
    "1": ("Meetings", "Pipeline & content review"),
    # (Under 100 columns the tabs say "2 Actions", "4 Leads", "5 Shadow".)
    "2": ("2 Action",),
    "3": ("Objectives",),
    "4": ("4 Lead",),
    "5": ("5 Shadow",),
    "6": ("Decisions", "1 superseded · 1 reversed"),
    "7": ("Health", "Pipeline & content review", "On time"),
}


def review(tab: str) -> Callable[[Path, Path], Scenario]:
    def build(demo: Path, tmp_path: Path) -> Scenario:
        app = review_app(demo)

        async def run_before(pilot: Pilot) -> None:
            await settle(pilot)
            await pilot.press(tab)
            await settle(pilot)

        return Scenario(app, run_before, "ReviewScreen", REVIEW_EXPECT[tab], keys=("down", "tab"))

    return build


def minutes(demo: Path, tmp_path: Path) -> Scenario:
    app = review_app(demo)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        table = app.screen.query_one("#review-meetings", DataTable)
        table.focus()
        table.move_cursor(row=2)  # the newest meeting that took place
        await pilot.press("enter")
        await settle(pilot)
        await app.screen.view.wait_loaded()
        await pilot.pause()

    return Scenario(app, run_before, "MinutesScreen", ("Weekly smarketing sync",), keys=("down", "tab"))


def follow(demo: Path, tmp_path: Path) -> Scenario:
    """The facilitator's meeting, as they left it on disk: item 2 under way."""
    ws = fresh_demo(demo, tmp_path)
    clock = FakeClock(START)
    session = LiveSession(ws, MID, clock=clock)
    session.start()
    agenda = session.agenda
    clock.advance(minutes=11)
    session.set_notes(agenda[0].id, "MQL→SQL at 27% vs 30% target")
    capture = Capture(session)
    capture.save(Decision(id="d1", text="SAL within 24h", meeting_id=MID, agenda_item_id=agenda[0].id))
    session.next()
    clock.advance(minutes=2)
    session.set_notes(agenda[1].id, "- G2: 3 leads, all good\n- Paid search: poor fit")
    capture.save(
        LeadFeedback(id="lf1", reference="CRM-1042", verdict="poor", reasons=["no_fit"], source="Paid search", meeting_id=MID, agenda_item_id=agenda[1].id)
    )
    capture.save(ActionItem(id="a1", text="Tighten paid search targeting", owner="Lukas Schneider", meeting_id=MID, agenda_item_id=agenda[1].id))
    assert session.saver.flush()
    assert session.close()
    clock.advance(seconds=42)
    app = create_follow_app(Workspace(ws.home, read_only=True), MID, clock=clock)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.screen.tick()
        await pilot.pause()

    return Scenario(app, run_before, "FollowScreen", ("Lead generation by source", "Agenda"), keys=("tab", "f"))


SCENARIOS: dict[str, Callable[[Path, Path], Scenario]] = {
    "home-meetings": home_meetings,
    "home-shadow": home_shadow,
    "home-empty": home_empty,
    "new-meeting": new_meeting,
    "live": live,
    "end-meeting": end_meeting,
    "lead-feedback-form": lead_form,
    "goals": goals,
    "shadow-day": shadow_day,
    "help": help_screen,
    "confirm": confirm,
    "amend": amend,
    "outcome": partial(amend, outcome=True),
    **{f"review-{tab}": review(tab) for tab in "1234567"},
    "minutes": minutes,
    "follow": follow,
}


# --- (a) how each screen looks at both sizes ---------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_snapshot(snap_compare, demo_home: Path, tmp_path: Path, name: str, size: str) -> None:
    scenario = SCENARIOS[name](demo_home, tmp_path)

    async def run_before(pilot: Pilot) -> None:
        await scenario.run_before(pilot)
        assert type(pilot.app.screen).__name__ == scenario.screen
        text = screen_text(pilot.app)
        for expected in scenario.expect:
            assert expected in text, f"{expected!r} not on the {name} screen at {size}"

    assert snap_compare(scenario.app, terminal_size=SIZES[size], run_before=run_before)


# --- (b) shrinking to 40×12 and growing again breaks nothing ----------------------------------------


#: What must still be legible at 40×12 (whole or visibly cut), per screen.
AT_40x12 = {
    "home-meetings": ("Meetings", "2026-12-01"),
    "home-shadow": ("Shadow days", "2026-12-04"),
    "home-empty": ("No meetings in this",),
    "new-meeting": ("New meeting", "Series"),
    "live": ("Lead generation", "All changes saved"),
    "end-meeting": ("end meeting", "keep going"),
    "lead-feedback-form": ("New lead feedback", "Lead *"),
    "goals": ("Mutual goals", "Objective"),
    "shadow-day": ("Planned act", "Notes:", "All changes saved"),
    "help": ("Keys", "Live"),
    "confirm": ("Unfinalize", "y  yes"),
    "amend": ("Ended",),
    "outcome": ("People",),
    "review-1": ("Meetings", "2026-12-01"),
    "review-2": ("Action",),
    "review-3": ("Objectives",),
    "review-4": ("Lead", "leads reviewed"),
    "review-5": ("Shadow", "2026-12-04"),
    "review-6": ("Decisions",),
    "review-7": ("Health",),
    "minutes": ("Sections", "Weekly"),
    "follow": ("Lead generation", "Agenda"),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_survives_resizing(demo_home: Path, tmp_path: Path, name: str) -> None:
    scenario = SCENARIOS[name](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        assert type(app.screen).__name__ == scenario.screen
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()  # tabs scroll the active one into view
        assert type(app.screen).__name__ == scenario.screen
        text = screen_text(app)
        for expected in AT_40x12[name]:
            assert expected in text, f"{expected!r} not on the {name} screen at 40×12"
        for key in scenario.keys:
            await pilot.press(key)
            await pilot.pause()
        assert type(app.screen).__name__ == scenario.screen
        for size in ((250, 70), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            text = screen_text(app)
            for expected in scenario.expect:
                assert expected in text, f"{expected!r} not on the {name} screen at {size} after shrinking"
        assert app.is_running and app._exception is None
