"""The Textual app, built by one factory shared by the command line and the tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.widgets import TextArea

from tandem.store.errors import TandemError
from tandem.store.workspace import Workspace
from tandem.tui.autosync import AutoSync
from tandem.tui.base_app import BaseApp
from tandem.tui.home_data import HomeData
from tandem.tui.screens.home import HomeScreen
from tandem.tui.seams import HoldsTyping
from tandem.tui.startup import resume_gc

if TYPE_CHECKING:  # loaded when a meeting or shadow day opens, not at start-up
    from textual.app import CSSPathType

    from tandem.store.live import LiveSession
    from tandem.store.shadow_session import ShadowSession

Clock = Callable[[], datetime]

#: How long after mounting the garbage collector resumes (see tui/startup.py).
STARTUP_GC_PAUSE_S = 0.5


@dataclass(frozen=True)
class StartWith:
    """What to show first: the home screen, a meeting, or the new-meeting form."""

    meeting_id: str | None = None
    new_meeting: bool = False
    shadow_day_id: str | None = None
    #: Run ``meeting_id`` even though another clone of the team's workspace claims it.
    take_over: bool = False
    #: A sentence to show once the app is up (e.g. that the workspace was upgraded).
    notice: str = ""


class TandemApp(BaseApp):
    # The live and shadow-day screens and the dialogs load their own styles when first
    # opened: parsing them at start-up delayed the first frame (benchmarks/start.py).
    CSS_PATH: ClassVar[CSSPathType] = ["tandem.tcss"]
    TITLE = "tandem"

    def __init__(
        self,
        workspace: Workspace,
        *,
        clock: Clock = datetime.now,
        start: StartWith | None = None,
        early: Future[HomeData] | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.clock = clock
        self.start = start or StartWith()
        self.session: LiveSession | None = None
        #: Meetings this tandem left for home with their clocks running (see LiveSession).
        self._left_running: set[str] = set()
        self.shadow_session: ShadowSession | None = None
        self.sub_title = str(workspace.home)
        self._home_early = early
        #: config.toml's [sync] in a workspace shared through git (tui/autosync.py).
        self.autosync = AutoSync(
            self,
            workspace.home,
            self.settings.sync,
            before=self._flush_session,
            received=self._synced,
            open_here=lambda: self.session.meeting.id if self.session is not None else None,
        )

    def on_mount(self) -> None:
        self.set_timer(STARTUP_GC_PAUSE_S, resume_gc)
        self.push_screen(HomeScreen(self.workspace, early=self._home_early))
        if self.start.notice:
            self.notify(self.start.notice, timeout=15, markup=False)
        if self.start.meeting_id:
            self.open_meeting(self.start.meeting_id, take_over=self.start.take_over)
        elif self.start.shadow_day_id:
            self.open_shadow_day(self.start.shadow_day_id)
        elif self.start.new_meeting:
            self.new_meeting()
        self.app_suspend_signal.subscribe(self, self._flush_session)
        self.autosync.request("start")

    # --- meetings -----------------------------------------------------------------------

    def open_meeting(self, meeting_id: str, *, amend: bool = False, take_over: bool = False) -> None:
        """Run (or resume) a meeting on the live screen; ``amend``: open an ended one to
        put its notes, records, people and rating right, its clocks stopped. A meeting run
        on a teammate's clone (its claim came with a sync) opens read-only, as minutes,
        unless ``take_over``."""
        from tandem.store.errors import MeetingClaimedError
        from tandem.store.live import AmendSession, LiveSession
        from tandem.tui.screens.live import LiveScreen

        if self.session is not None:
            self.notify(f"Meeting {self.session.meeting.id} is already open.", severity="warning", markup=False)
            return
        try:
            session = (AmendSession if amend else LiveSession)(
                self.workspace,
                meeting_id,
                clock=self.clock,
                on_save_error=lambda exc: self._from_saver(self._save_failed, exc),
                on_saved=lambda: self._from_saver(self.notify, "Saving works again; everything is on disk.", markup=False),
                on_written=lambda: self._from_saver(self._show_save_state),
                left_running=meeting_id in self._left_running,
                take_over=take_over,
            )
        except MeetingClaimedError as exc:
            self.notify(str(exc), title="Read-only: run on another machine", severity="warning", timeout=12, markup=False)
            self._show_claimed(meeting_id)
            return
        except (TandemError, OSError) as exc:
            self.notify(str(exc), title="Cannot open the meeting", severity="error", timeout=8, markup=False)
            return
        self.session = session
        self.push_screen(LiveScreen(session), callback=self._meeting_closed)

    @work(thread=True, exclusive=True, group="claimed")
    def _show_claimed(self, meeting_id: str) -> None:
        """The minutes of a meeting someone else is running, as far as the last sync
        brought them: read-only, like ``tandem review`` shows them."""
        from tandem.store.minutes.render import Shared, render_minutes
        from tandem.tui.screen_base import from_worker

        try:
            record = self.workspace.read_meeting(meeting_id)
            markdown = render_minutes(record, Shared.load(self.workspace))
        except (TandemError, OSError) as exc:
            from_worker(self, self.notify, f"Cannot show the minutes: {exc}", severity="error", markup=False)
            return
        title = f"{record.meeting.title} — {record.meeting.date} (read-only)"
        from_worker(self, self._push_claimed, title, markdown, meeting_id)

    def _push_claimed(self, title: str, markdown: str, meeting_id: str) -> None:
        from tandem.tui.screens.minutes import MinutesScreen

        self.push_screen(MinutesScreen(title, markdown, source=meeting_id))

    def open_shadow_day(self, day_id: str) -> None:
        """Run (or resume) a shadow day."""
        from tandem.store.shadow_session import ShadowSession
        from tandem.tui.screens.shadow import ShadowScreen

        if self.shadow_session is not None:
            self.notify("A shadow day is already open.", severity="warning", markup=False)
            return
        try:
            session = ShadowSession(
                self.workspace,
                day_id,
                clock=self.clock,
                on_save_error=lambda exc: self._from_saver(self._save_failed, exc),
                on_saved=lambda: self._from_saver(self.notify, "Saving works again; everything is on disk.", markup=False),
                on_written=lambda: self._from_saver(self._show_save_state),
            )
        except (TandemError, OSError) as exc:
            self.notify(str(exc), title="Cannot open the shadow day", severity="error", timeout=8, markup=False)
            return
        self.shadow_session = session
        self.push_screen(ShadowScreen(session), callback=self._shadow_closed)

    def _shadow_closed(self, _: object = None) -> None:
        session, self.shadow_session = self.shadow_session, None
        if session is not None and session.day.status == "done" and self.start.shadow_day_id == session.day.id:
            # `tandem shadow run ID`: the day is what was asked for; finished, back to the shell.
            self.exit(message=f"Shadow day {session.day.id} finished: its takeaways and experiment go to the next debrief.")
            return
        self._meeting_closed()

    @work
    async def plan_shadow_day(self) -> None:
        import asyncio

        from tandem.tui.screens.shadow_forms import PlanShadowForm

        people = sorted({a.name for m in await asyncio.to_thread(self.workspace.list_meetings) for a in m.people})
        day = await self.push_screen_wait(PlanShadowForm(people, today=self.clock().date()))
        if day is None:
            return
        try:
            await asyncio.to_thread(self.workspace.shadow_days.add, day)
        except (TandemError, OSError) as exc:
            self.notify(str(exc), title="Not saved", severity="error", markup=False)
            return
        self.notify(f"Shadow day planned: {day.shadow} with {day.host} on {day.date}. Enter on it runs it.", markup=False)
        if isinstance(self.screen, HomeScreen):
            self.screen.action_refresh()

    def _meeting_closed(self, _: object = None) -> None:
        if self.session is not None and self.session.meeting.status == "live":
            # Left for home with the clock running: coming back is no "tandem was closed".
            self._left_running.add(self.session.meeting.id)
        ended = self.session is not None and self.session.meeting.status in ("ended", "finalized")
        self.session = None
        self.sub_title = str(self.workspace.home)
        home = self.screen
        if isinstance(home, HomeScreen):
            home.action_refresh()
        self.autosync.meeting_closed(ended=ended)

    def sync_after_meeting(self) -> None:
        """A meeting started or was finalized: sync in the background if config.toml says so."""
        self.autosync.request("meeting")

    def _synced(self) -> None:
        """A sync brought or sent something: home, if in front, reads the files again (coming
        back from a meeting or the goals reads them anyway)."""
        if isinstance(self.screen, HomeScreen):
            self.screen.action_refresh()

    def _from_saver(self, callback: Callable[..., object], *args: object, **kwargs: object) -> None:
        """Report from the saver thread without waiting for the UI: the UI thread may be
        waiting on the saver (a flush), and the two must never wait on each other. A save
        that lands while the app is closing has nobody left to tell."""
        if not self.is_running:
            return
        with contextlib.suppress(RuntimeError):  # the event loop closed just now
            self.call_later(callback, *args, **kwargs)

    def _show_save_state(self) -> None:
        for screen in self.screen_stack:
            show = getattr(screen, "show_save_state", None)
            if show is not None:
                show()

    def _save_failed(self, exc: BaseException) -> None:
        from tandem.store.errors import describe_os_error

        self.notify(
            f"Could not save: {describe_os_error(exc)}. Your text stays on screen and tandem keeps retrying.",
            title="Not saved",
            severity="error",
            timeout=10,
            markup=False,
        )

    @work
    async def new_meeting(self, series_id: str | None = None) -> None:
        from tandem.store.planning import create_planned_meeting
        from tandem.store.templates import load_library
        from tandem.tui.screens.new_meeting import NewMeetingScreen

        library = load_library()
        today = self.clock().date()
        plan = await self.push_screen_wait(NewMeetingScreen(self.workspace, library, today, series_id=series_id))
        if plan is None:
            return
        try:
            record = create_planned_meeting(self.workspace, plan, library.get(plan.template_id))
        except (TandemError, OSError) as exc:
            self.notify(str(exc), title="Meeting not created", severity="error", markup=False)
            return
        from tandem.tui.screens.topics import offer_topics

        # The talking points teammates added for the series, before the meeting can start.
        await offer_topics(self, self.workspace, record.meeting, self.clock)
        if record.meeting.date <= today.isoformat():
            self.open_meeting(record.meeting.id)
        else:
            self.notify(f"Planned for {record.meeting.date}. Press Enter on it to start it then.", title="Meeting planned", markup=False)
            if isinstance(self.screen, HomeScreen):
                self.screen.action_refresh(select=record.meeting.id)

    # --- saving on the way out ---------------------------------------------------------------

    def _flush_session(self, *_: Any) -> None:
        for session in (self.session, self.shadow_session):
            if session is not None:
                session.saver.flush(timeout=5)

    def _close_sessions(self) -> bool:
        """Save and release whatever is open; False if something could not be saved."""
        for name in ("session", "shadow_session"):
            session = getattr(self, name)
            if session is not None:
                if not session.close():
                    return False
                setattr(self, name, None)
        return True

    #: On the way out for a signal, each session's last save may take this long.
    SIGNAL_SAVE_S = 0.6

    def save_before_exit(self) -> None:
        """Keep the notes, a half-typed form, and the last save; let go of the locks even
        if the save cannot happen (the process is ending: the meeting must not stay taken)."""
        self._sync_notes()
        self._keep_draft()
        for name in ("session", "shadow_session"):
            session = getattr(self, name)
            if session is not None:
                with contextlib.suppress(Exception):
                    session.close(timeout=self.SIGNAL_SAVE_S, letting_go=True)
                setattr(self, name, None)
        self.autosync.quit()

    def _keep_draft(self) -> None:
        """A capture form open when the terminal went: its fields go to a draft file, and
        the form opens with them again when the meeting is resumed."""
        from tandem.tui.screens.record_form import RecordForm

        session = self.session
        if session is None:
            return
        for screen in reversed(self.screen_stack):
            if isinstance(screen, RecordForm) and screen.draft_kind:
                with contextlib.suppress(Exception):
                    session.workspace.drafts.keep(session.meeting.id, screen.draft_kind, screen.raw_values())
                return

    async def take_typed_keys(self) -> None:
        """Let the focused editor take the keys already typed before a shortcut.

        Shortcuts such as ctrl+n and ctrl+q are priority bindings: they run as soon as they
        arrive, while the letters typed just before them (a burst over SSH, a paste, tmux
        send-keys) may still wait in the editor's own queue. Without this, those letters
        would land in the next item's notes, or be lost on quit."""
        focused = self.focused
        if not isinstance(focused, TextArea):
            return
        taken = asyncio.Event()
        focused.call_later(taken.set)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(taken.wait(), timeout=1.0)

    def _sync_notes(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, HoldsTyping):
                screen.sync_notes()

    def unsaved_reason(self) -> str | None:
        """Why the open meeting or shadow day cannot be saved now (None: it can)."""
        from tandem.store.errors import describe_os_error

        for session in (self.session, self.shadow_session):
            if session is not None and session.saver.last_error is not None:
                return describe_os_error(session.saver.last_error)
        return None

    async def action_quit(self) -> None:
        await self.take_typed_keys()
        self._sync_notes()
        reason = self.unsaved_reason()
        if reason is not None:
            # A full disk: waiting would freeze the screen and change nothing.
            self.notify(
                f"Not quitting: the last changes cannot be saved ({reason}). They stay on screen and tandem keeps retrying; free some space, then quit again.",
                title="Not saved",
                severity="error",
                timeout=12,
                markup=False,
            )
            return
        if not await asyncio.to_thread(self._close_sessions):
            self.notify("The last changes could not be saved; not quitting so nothing is lost.", severity="error", markup=False)
            return
        self.autosync.quit()  # a sync left running: quitting does not wait for the network
        self.exit()


def create_app(workspace: Workspace, *, clock: Clock = datetime.now, start: StartWith | None = None, early: Future[HomeData] | None = None) -> TandemApp:
    """The one way to build the app (CLI, tests, screenshots, benchmarks). ``early``: the
    home screen's read, if the caller did it already (:func:`~tandem.tui.home_data.read_home_first`)."""
    return TandemApp(workspace, clock=clock, start=start, early=early)
