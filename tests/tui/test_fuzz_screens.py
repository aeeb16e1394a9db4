"""Fuzzing every screen: random keys and pastes, typed ahead in bursts as over SSH.

Hypothesis drives sequences of keys (printable characters, the screen's own binding keys,
navigation keys, the ctrl shortcuts) and pastes (control characters, ANSI escape
sequences, emoji, right-to-left, combining and zero-width characters, up to ~20 KB) into
each screen of tandem, tandem review and tandem follow, on a small demo workspace.

After each example:

* no exception (``run_test`` re-raises whatever the app died of), and no hang (a watchdog);
* the app is still running, is idle once the keys are handled (no loop keeping a core
  busy), and quits on ctrl+q — or it exited cleanly on its own (q on home, review or
  follow: the rest of the keys go to a freshly started app);
* every data file of the workspace loads, and none holds an ESC character;
* nothing typed is lost: the notes on screen when quitting are the notes on disk, and the
  live meeting is not left locked.

Bounded: ``TANDEM_FUZZ_EXAMPLES`` examples per screen (default 3), each at most
``TANDEM_FUZZ_TIMEOUT`` seconds (default 60) plus 15 per burst of keys (a burst may quit, and
every restart is an app start). ``TANDEM_FUZZ_STATS=FILE`` appends per-screen counts
(trials, apps started, keys, pastes, paste sizes, screens reached) to FILE as JSON lines.
The tests after the fuzzing are what it found, each fixed with a test.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import shutil
import signal
import string
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from clock import FakeClock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.binding import Binding
from textual.keys import _character_to_key, _get_unicode_name_from_key
from textual.worker import WorkerState

from tandem.store.demo import seed_demo
from tandem.store.live import LiveSession
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.follow_app import create_follow_app
from tandem.tui.review_app import create_review_app

EXAMPLES = int(os.environ.get("TANDEM_FUZZ_EXAMPLES", "3"))
#: An example that takes longer than this, plus PER_BURST_S for each of its bursts, has hung
#: the app. Per burst, because a burst may quit the app and each restart costs an app start:
#: an example of 20 bursts that quit is 21 starts, over two minutes with both cores kept busy.
EXAMPLE_TIMEOUT_S = float(os.environ.get("TANDEM_FUZZ_TIMEOUT", "60"))
PER_BURST_S = 15.0
STATS_FILE = os.environ.get("TANDEM_FUZZ_STATS", "")
SIZE = (100, 30)
TODAY = date(2026, 11, 26)
#: The demo's meeting dated today: made live (with notes) in the workspace every example starts from.
LIVE = "2026-11-26-pipeline-content-review"

# --- the workspace ---------------------------------------------------------------------------

_PRISTINE: Path | None = None


def pristine() -> Path:
    """A small demo workspace with one live meeting and a planned shadow day, built once per
    process; every example works on a copy."""
    global _PRISTINE
    if _PRISTINE is None:
        folder = tempfile.mkdtemp(prefix="tandem-fuzz-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        home = Path(folder) / "ws"
        ws = Workspace(home)
        seed_demo(ws, meetings=8, today=TODAY)
        session = LiveSession(ws, LIVE, clock=FakeClock())
        session.start()
        session.set_notes(session.active_item.id, "Started: [b]not markup[/b]\n- a list")
        assert session.close()
        _PRISTINE = home
    return _PRISTINE


def planned_shadow_day() -> str:
    """The shadow day the shadow-day screen runs (planned in the pristine workspace)."""
    return next(d.id for d in Workspace(pristine(), read_only=True).shadow_days.all() if d.status == "planned")


def check_files(home: Path) -> int:
    """Every data file loads and holds no ESC; returns how many files were checked."""
    ws = Workspace(home, read_only=True)
    records = list(ws.iter_meeting_records())
    assert records, "the meetings are gone"
    for collection in (ws.series, ws.objectives, ws.content, ws.insights, ws.shadow_days):
        collection.all()
    checked = 0
    for path in home.rglob("*"):
        if path.is_file() and path.suffix not in (".zip", ".lock"):  # snapshots are compressed
            assert b"\x1b" not in path.read_bytes(), f"{path.relative_to(home)} holds an ESC character"
            checked += 1
    return checked


# --- the screens -------------------------------------------------------------------------------


def binding_keys(*classes: type) -> tuple[str, ...]:
    keys: set[str] = set()
    for cls in classes:
        for binding in cls.BINDINGS:
            key = binding.key if isinstance(binding, Binding) else binding[0]
            keys.update(k.strip() for k in key.split(","))
    return tuple(sorted(keys - {"ctrl+q"}))


def _home_keys() -> tuple[str, ...]:
    from tandem.tui.screens.home import HomeScreen

    return binding_keys(HomeScreen)


def _live_keys() -> tuple[str, ...]:
    from tandem.tui.screens.live import LiveScreen
    from tandem.tui.widgets.agenda import AgendaList
    from tandem.tui.widgets.captured import CapturedList, ReviewList

    return binding_keys(LiveScreen, AgendaList, CapturedList, ReviewList)


def _form_keys() -> tuple[str, ...]:
    from tandem.tui.screens.choose import ChooseScreen
    from tandem.tui.screens.new_meeting import NewMeetingScreen
    from tandem.tui.screens.record_form import RecordForm

    return binding_keys(RecordForm, NewMeetingScreen, ChooseScreen)


def _end_keys() -> tuple[str, ...]:
    from tandem.tui.screens.end_meeting import EndMeetingScreen, MeetingEndedScreen

    return binding_keys(EndMeetingScreen, MeetingEndedScreen)


def _goals_keys() -> tuple[str, ...]:
    from tandem.tui.screens.goals import GoalsScreen

    return binding_keys(GoalsScreen)


def _shadow_keys() -> tuple[str, ...]:
    from tandem.tui.screens.shadow import ActivityList, ShadowScreen, TakeawayLog

    return binding_keys(ShadowScreen, ActivityList, TakeawayLog)


def _review_keys() -> tuple[str, ...]:
    from tandem.tui.screens.review import ReviewScreen
    from tandem.tui.widgets.review.actions import ActionsPane
    from tandem.tui.widgets.review.meetings import MeetingsPane

    return binding_keys(ReviewScreen, ActionsPane, MeetingsPane)


def _minutes_keys() -> tuple[str, ...]:
    from tandem.tui.screens.minutes import MinutesScreen

    return binding_keys(MinutesScreen)


def _follow_keys() -> tuple[str, ...]:
    from tandem.tui.screens.follow import FollowScreen

    return binding_keys(FollowScreen)


@dataclass(frozen=True)
class Target:
    name: str
    app: str  # tandem | review | follow
    keys: object  # () -> the screen's binding keys
    start: StartWith | None = None
    #: Keys pressed (with pauses) to reach the screen, then the screen expected.
    nav: tuple[str, ...] = ()
    expect: tuple[str, ...] = ()
    shadow: bool = False


TARGETS = [
    Target("home", "tandem", _home_keys, expect=("HomeScreen",)),
    Target("new-meeting", "tandem", _form_keys, StartWith(new_meeting=True), expect=("NewMeetingScreen",)),
    Target("live-notes", "tandem", _live_keys, StartWith(meeting_id=LIVE), expect=("LiveScreen",)),
    Target("live-agenda", "tandem", _live_keys, StartWith(meeting_id=LIVE), ("escape",), ("LiveScreen",)),
    *(
        Target(f"capture-{key}", "tandem", _form_keys, StartWith(meeting_id=LIVE), ("escape", key), ("ChooseScreen", form))
        for key, form in (
            ("o", "ObjectiveForm"),
            ("l", "LeadFeedbackForm"),
            ("v", "InsightForm"),
            ("c", "ContentForm"),
            ("d", "DecisionForm"),
            ("t", "ActionForm"),
        )
    ),
    Target("end-meeting", "tandem", _end_keys, StartWith(meeting_id=LIVE), ("escape", "e"), ("EndMeetingScreen",)),
    Target("goals", "tandem", _goals_keys, None, ("g",), ("GoalsScreen",)),
    Target("shadow-day", "tandem", _shadow_keys, shadow=True, expect=("ShadowScreen",)),
    *(Target(f"review-{n}", "review", _review_keys, nav=(str(n),), expect=("ReviewScreen",)) for n in range(1, 6)),
    Target("minutes", "review", _minutes_keys, nav=("1", "enter"), expect=("MinutesScreen",)),
    Target("follow", "follow", _follow_keys, expect=("FollowScreen",)),
]

# --- keys and pastes ---------------------------------------------------------------------------

NAVIGATION = (
    "tab", "shift+tab", "up", "down", "left", "right", "enter", "escape", "space",
    "backspace", "delete", "home", "end", "pageup", "pagedown",
)  # fmt: skip
SHORTCUTS = ("ctrl+n", "ctrl+t", "ctrl+r", "ctrl+s")
PRINTABLE = string.ascii_letters + string.digits + string.punctuation + " " + "éüßøÑ中ا😀"

ANSI = (
    "\x1b[31m", "\x1b[0m", "\x1b[1;32;40m", "\x1b]0;owned\x07", "\x1b]52;c;SGVsbG8=\x07", "\x1b[2J",
    "\x1b[?1049h", "\x1b[200~", "\x1b[201~", "\x1bc", "\x1b[6n", "\x1b", "\x9b31m", "\x1b[", "\x1b]8;;http://x\x1b\\",
)  # fmt: skip
ODD = (
    "👩🏽‍💻", "🇸🇪", "مرحبا", "שלום", "e\u0301\u0301", "\u200b", "\u200c", "\u200d", "\ufeff", "\u202e",
    "\u2028", "\u2029", "\x00", "\x07", "\x08", "\r\n", "\r", "\n", "\t", "\x7f", "\x85", "[b]x[/b]", "[/]",
    "# h", "| a |", "---", "```", "- [ ] ", "<b>", "\\", "中文字", "ｆｕｌｌ", "\U0001f600" * 3, "x\u0300" * 4,
)  # fmt: skip

fragment = st.one_of(st.text(max_size=24), st.sampled_from(ANSI), st.sampled_from(ODD))
small_paste = st.lists(fragment, max_size=10).map("".join)
#: A paste is ("paste", text, size): text as is when size is 0, else repeated to size
#: characters (up to ~20 KB: Hypothesis cannot draw that much text directly, and a failing
#: example stays short to print).
paste_action = st.one_of(
    small_paste.map(lambda text: ("paste", text, 0)),
    small_paste.map(lambda text: ("paste", text, 0)),
    st.tuples(st.just("paste"), small_paste.filter(bool), st.integers(500, 20_000)),
)


def paste_text(text: str, size: int) -> str:
    return (text * (size // len(text) + 1))[:size] if size else text


def key_actions(target: Target) -> st.SearchStrategy[tuple[str, str, int]]:
    own = target.keys()  # type: ignore[operator]
    keys = st.one_of(
        st.sampled_from(PRINTABLE),
        st.sampled_from(PRINTABLE),
        st.sampled_from(own),
        st.sampled_from(NAVIGATION),
        st.sampled_from(SHORTCUTS),
    )
    return keys.map(lambda key: ("key", key, 0))


Action = tuple[str, str, int]  # ("key", name, 0) or ("paste", text, size)


def steps_for(target: Target) -> st.SearchStrategy[list[list[Action]]]:
    key = key_actions(target)
    action = st.one_of(key, key, key, key, paste_action)
    burst = st.lists(action, min_size=1, max_size=8)
    return st.lists(burst, min_size=1, max_size=20)


def key_event(key: str) -> events.Key:
    """The event the terminal driver would send (the same as ``pilot.press`` builds)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        import unicodedata

        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def inject(app, burst: list) -> None:
    """Everything in the burst arrives together: no pause between the events."""
    for kind, value, *size in burst:
        event = key_event(value) if kind == "key" else events.Paste(paste_text(value, size[0] if size else 0))
        event.set_sender(app)
        app._driver.send_message(event)


# --- driving one example -----------------------------------------------------------------------


@dataclass
class Stats:
    trials: int = 0
    apps: int = 0
    keys: int = 0
    pastes: int = 0
    paste_chars: int = 0
    biggest_paste: int = 0
    seconds: float = 0.0
    screens: Counter = field(default_factory=Counter)


STATS: dict[str, Stats] = {}


def running(app) -> bool:
    return app.return_code is None and app.is_running


async def settle(pilot) -> None:
    """Let the keys be handled and the file work in threads finish (not a dialog's wait).
    Plain sleeps: Pilot.pause waits for the screen's message queues to drain, which never
    happens in an app that loops (assert_idle reports that instead of hanging)."""
    app = pilot.app
    for _ in range(3):
        if not running(app):
            return
        await asyncio.sleep(0.01)
    typeahead = getattr(app, "typeahead", None)
    if typeahead is not None:  # every key typed so far delivered and settled (tui/typeahead.py)
        await typeahead.idle(timeout=20)
    deadline = time.monotonic() + 20
    while running(app) and time.monotonic() < deadline:
        busy = [w for w in app.workers if getattr(w, "_thread_worker", False) and w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if not busy:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.01)


async def assert_idle(app) -> None:
    """Nothing typed, nothing to do: the app must not keep a core busy (a loop that never
    settles, an animation restarted every frame). Up to eight looks over two seconds before
    failing: a busy moment (a file poll, the saver, a background worker drawing a long
    document) is not a loop. Two looks failed once in about 1,000 examples while another fuzz worker and
    the rest of the machine were busy, on an example that passed every time when replayed
    and that Hypothesis could not shrink in five minutes."""
    for _ in range(8):
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(0.25)
        share = (time.process_time() - cpu) / (time.perf_counter() - wall)
        if share < 0.6:
            return
    raise AssertionError(f"{type(app.screen).__name__}: {share:.0%} of a core while idle")


def build_app(target: Target, home: Path):
    if target.app == "review":
        return create_review_app(WorkspaceSource(home), today=TODAY)
    if target.app == "follow":
        return create_follow_app(Workspace(home, read_only=True), LIVE, clock=FakeClock())
    start = StartWith(shadow_day_id=planned_shadow_day()) if target.shadow else target.start
    return create_app(Workspace(home), clock=FakeClock(), start=start)


def shown_notes(app) -> tuple[str, str, str] | None:
    """(meeting id, item id, text) of the live meeting's notes editor, if one is open."""
    from textual.widgets import TextArea

    from tandem.tui.screens.live import LiveScreen

    for screen in app.screen_stack:
        if isinstance(screen, LiveScreen) and screen._shown_item and screen.session.writer.is_open:
            return screen.session.meeting.id, screen._shown_item, screen.query_one("#notes", TextArea).text
    return None


async def run_example(target: Target, home: Path, steps: list[list[Action]], stats: Stats) -> None:
    remaining = list(steps)
    for restart in range(len(steps) + 1):
        app = build_app(target, home)
        stats.apps += 1
        notes = None
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for key in target.nav:
                if running(app):
                    inject(app, [("key", key, 0)])
                    await settle(pilot)
                    await settle(pilot)
            # A restarted app may not reach the screen (the meeting ended, say): no matter.
            if restart == 0 and running(app):
                assert type(app.screen).__name__ in target.expect, f"{target.name}: got {type(app.screen).__name__}"
                if target.name == "minutes":
                    await app.screen.view.wait_loaded()
            while remaining and running(app):
                burst = remaining.pop(0)
                stats.keys += sum(kind == "key" for kind, _, _ in burst)
                pastes = [len(paste_text(v, n)) for kind, v, n in burst if kind == "paste"]
                stats.pastes += len(pastes)
                stats.paste_chars += sum(pastes)
                stats.biggest_paste = max([stats.biggest_paste, *pastes])
                inject(app, burst)
                await settle(pilot)
                if running(app):
                    stats.screens[type(app.screen).__name__] += 1
            if running(app):
                await assert_idle(app)
                if hasattr(app, "take_typed_keys"):
                    await app.take_typed_keys()  # what the notes editor still has queued
                await asyncio.sleep(0.01)
                notes = shown_notes(app)
                inject(app, [("key", "ctrl+q", 0)])  # not pilot.press: it waits for animations to end
                for _ in range(250):
                    if not running(app):
                        break
                    await asyncio.sleep(0.02)
                assert not running(app), f"ctrl+q did not quit ({type(app.screen).__name__})"
        assert app.return_code in (0, None), f"exit code {app.return_code}"
        check_files(home)
        ws = Workspace(home, read_only=True)
        if notes is not None:
            meeting_id, item_id, text = notes
            on_disk = next(i.notes for i in ws.read_meeting(meeting_id).agenda if i.id == item_id)
            assert on_disk == text, "the notes on screen were not saved as shown"
        if ws.get_meeting(LIVE).status == "live":
            with Workspace(home).open_meeting(LIVE):  # quitting gave the meeting back
                pass
        if not remaining:
            return


def fuzz(target: Target, steps: list[list[Action]]) -> None:
    stats = STATS.setdefault(target.name, Stats())
    stats.trials += 1
    work = Path(tempfile.mkdtemp(prefix="tandem-fuzz-ex-"))
    home = work / "ws"
    shutil.copytree(pristine(), home)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGHUP, signal.SIGTERM)}
    started = time.perf_counter()
    try:
        asyncio.run(asyncio.wait_for(run_example(target, home, steps, stats), timeout=EXAMPLE_TIMEOUT_S + PER_BURST_S * len(steps)))
    finally:
        stats.seconds += time.perf_counter() - started
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        shutil.rmtree(work, ignore_errors=True)


def _write_stats(name: str) -> None:
    if STATS_FILE and name in STATS:
        s = STATS[name]
        row = {"screen": name, **{k: v for k, v in s.__dict__.items() if k != "screens"}, "screens": dict(s.screens)}
        with open(STATS_FILE, "a", encoding="utf-8") as out:
            out.write(json.dumps(row) + "\n")


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_fuzz_screen(target: Target) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
        database=None,
    )
    @given(steps=steps_for(target))
    def run(steps: list[list[Action]]) -> None:
        fuzz(target, steps)

    try:
        run()
    finally:
        _write_stats(target.name)


# --- what the fuzzing found --------------------------------------------------------------------


def _copy_of_pristine(tmp_path: Path) -> Path:
    home = tmp_path / "ws"
    shutil.copytree(pristine(), home)
    return home


@pytest.mark.parametrize("key", ["ctrl+s", "escape"])
async def test_a_form_key_typed_ahead_of_the_form(tmp_path: Path, key: str) -> None:
    """ctrl+r, then "d ctrl+s" (or "d escape") typed together — a burst over SSH, tmux
    send-keys: the key was handed to the live screen and, on its way up to the bindings, met
    the decision form that "d" had pushed meanwhile, still composing. Its save ran on a form
    with no fields, or its cancel dismissed it mid-compose: both crashed the meeting
    (NoMatches). Now the key waits for the form (tui/typeahead.py) and does there what it
    was typed for: ctrl+s on an empty form shows what is missing, Esc closes the form."""
    home = _copy_of_pristine(tmp_path)
    app = create_app(Workspace(home), clock=FakeClock(), start=StartWith(meeting_id=LIVE))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        inject(app, [("key", "ctrl+r", 0)])
        await settle(pilot)
        inject(app, [("key", "d", 0), ("key", key, 0)])
        await settle(pilot)
        await settle(pilot)
        if key == "escape":
            assert type(app.screen).__name__ == "LiveScreen"
            await pilot.press("escape", "d")
        assert type(app.screen).__name__ == "DecisionForm"
        await pilot.press(*"Ship", "ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "LiveScreen"
        await pilot.press("ctrl+q")
    assert [d.text for d in Workspace(home).read_meeting(LIVE).decisions][-1:] == ["Ship"]


async def test_focus_changes_do_not_pile_up_footer_keys(tmp_path: Path) -> None:
    """The footer redraws its keys on every focus change (Esc and i in a live meeting), and
    Textual kept every key it ever drew alive, watched by the footer: ~14 per toggle, and
    each toggle slower than the last. Found by the fuzzing (a long example slowed to a crawl)."""
    import gc

    from textual.widgets._footer import FooterKey

    home = _copy_of_pristine(tmp_path)
    app = create_app(Workspace(home), clock=FakeClock(), start=StartWith(meeting_id=LIVE))

    def alive() -> int:
        gc.collect()
        return sum(isinstance(o, FooterKey) for o in gc.get_objects())

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = alive()
        for _ in range(40):
            await pilot.press("escape", "i")
        await settle(pilot)
        assert alive() - before < 40, f"{alive() - before} more footer keys alive after 80 focus changes"
        await pilot.press("ctrl+q")


async def test_keys_typed_past_quit_are_dropped_quietly(tmp_path: Path) -> None:
    """Notes typed fast, ctrl+q, and more keys still arriving: the keys queued in the editor
    bubbled up to the app after its screens were gone, and tandem quit with a traceback
    (ScreenStackError: No screens on stack) about half the time. The notes typed before
    ctrl+q are saved; the keys after it go nowhere, quietly."""
    for attempt in range(6):  # a race: each attempt failed about one time in two
        home = tmp_path / f"ws{attempt}"
        shutil.copytree(pristine(), home)
        app = create_app(Workspace(home), clock=FakeClock(), start=StartWith(meeting_id=LIVE))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            item = shown_notes(app)
            assert item is not None
            inject(app, [("key", "a", 0)] * 100 + [("key", "ctrl+q", 0)] + [("key", "b", 0)] * 100)
            # Up to 30 s: the 100 keys go in one at a time, each once the editor settled,
            # which took more than 4 s with both cores busy (return code still None).
            for _ in range(1500):
                if not running(app):
                    break
                await asyncio.sleep(0.02)
        assert app.return_code == 0
        notes = next(i.notes for i in Workspace(home).read_meeting(LIVE).agenda if i.id == item[1])
        assert notes == item[2] + "a" * 100


async def test_review_tabs_settle_after_typed_ahead_keys(tmp_path: Path) -> None:
    """Found by the fuzzing: on the shadow-days tab,
    "⏎32" arriving together (typed ahead over SSH) leaves two stale TabActivated messages
    (objectives, actions) that each focus their own tab's table again; the focus moves the
    TabbedContent back, which posts another TabActivated... ~28 tab switches a second,
    forever: one core at 100 %, and every footer rebuilt each time. Stale TabActivated
    messages are now ignored (tui/screens/review.py)."""
    home = _copy_of_pristine(tmp_path)
    app = create_review_app(WorkspaceSource(home), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        inject(app, [("key", "5", 0)])
        await settle(pilot)
        await settle(pilot)
        inject(app, [("key", "enter", 0), ("key", "3", 0), ("key", "2", 0)])
        await settle(pilot)
        await asyncio.sleep(0.5)
        try:
            await assert_idle(app)
        finally:
            inject(app, [("key", "ctrl+q", 0)])
            for _ in range(100):
                if not running(app):
                    break
                await asyncio.sleep(0.02)
