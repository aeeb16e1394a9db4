"""What every tandem app shares: help from the live bindings, pastes without control
characters, and the user's settings (``config.toml``: keymap, theme — see
:mod:`tandem.store.config`).

A paste from a terminal or a web page can carry ANSI escape sequences, bells or stray
carriage returns. Records drop them when saved, but an editor draws a paste before that —
and the terminal would interpret them. So a paste is cleaned before any widget sees it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any, ClassVar

from textual import events
from textual.app import App, ScreenStackError, UnknownModeError
from textual.binding import Binding, BindingType
from textual.dom import NoScreen
from textual.notifications import SeverityLevel
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import NoActiveWorker, get_current_worker

from tandem.store.config import Config, LoadedConfig
from tandem.store.mdescape import clean
from tandem.tui.commands import ScreenCommands
from tandem.tui.textual_private import hold_cursor, is_closing, is_exiting
from tandem.tui.typeahead import TypeAhead


class BaseApp(App[None]):
    HELP_GROUP = "Everywhere"
    COMMANDS = App.COMMANDS | {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", tooltip="Every key of this screen", id="app.help"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tandem.tui.settings import quick_settings

        #: The user's config.toml as read when the app was built (checked for what is cheap
        #: to check: types, theme, keys); :attr:`settings` is the config in effect.
        self.loaded_settings: LoadedConfig = quick_settings()
        self.settings: Config = self.loaded_settings.config
        self.typeahead = TypeAhead(self)

    def on_mount(self) -> None:
        from tandem.tui.settings import apply_settings

        if not self.is_headless:
            from tandem.tui import lifeline

            lifeline.install(self.exit_for_signal, asyncio.get_running_loop().call_soon_threadsafe)
        apply_settings(self, self.loaded_settings, notify=False)
        if self.loaded_settings.exists:
            # The full check (binding ids of every screen, template ids) costs imports and
            # file reads: off the first paint, then one notification if anything is wrong.
            self.run_worker(self._check_settings, thread=True, group="settings")

    def _check_settings(self) -> None:
        from tandem.tui.settings import load_settings, notify_problems

        loaded = load_settings(self.loaded_settings.path)
        if loaded.problems:
            self.call_from_thread(notify_problems, self, loaded)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not self._has_screen():
            # Typed past a quit: keys queued in an editor bubble up to the app after its
            # screens are gone, and Textual raised ScreenStackError (a traceback on quit).
            return
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if isinstance(event, events.Paste):
                event.text = clean(event.text)
            if not self.typeahead.refuse(event) and not self.typeahead.take(event):
                await self.deliver_typed(event)
            return
        await super().on_event(event)

    async def deliver_typed(self, event: events.Key | events.Paste) -> None:
        """Hand a key or paste to the focus chain, then hold what follows until it settles
        (see :mod:`tandem.tui.typeahead`)."""
        if not self._has_screen():
            return
        started = time.monotonic()
        screen = self.screen
        self.typeahead.trace("deliver", event)
        await super().on_event(event)
        self.typeahead.delivered(screen, started)

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("wait_for_dismiss") or (len(args) >= 2 and args[1]):
            # A worker waiting on a screen holds no typed keys while the screen is open.
            try:
                worker = get_current_worker()
            except NoActiveWorker:
                pass
            else:
                self.typeahead.park(worker, self.get_screen(screen) if isinstance(screen, str) else screen)
        return super().push_screen(screen, *args, **kwargs)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None, markup: bool = True) -> None:
        if severity in ("warning", "error"):
            self.typeahead.last_alarm = time.monotonic()
            self.typeahead.trace(f"alarm: {message[:60]!r}")
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    async def settled(self, timeout: float = 30.0, *, refresh: bool = True) -> None:
        """Until the screen in front is still: every typed key delivered and settled, the
        workers that load or open something done (or waiting on an open screen), the
        animations finished and every widget's queue drained. Tests wait on this rather
        than on the clock, so a busy machine cannot make them flaky."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.is_running and not is_exiting(self):
            await self.typeahead.idle(timeout=max(0.0, deadline - time.monotonic()))
            front = self.screen if self._has_screen() else None
            if front is None:
                return
            while self.typeahead.holding_workers(front) and time.monotonic() < deadline and not is_exiting(self):
                await asyncio.sleep(0.01)
            await self.animator.wait_until_complete()
            await self._drain(front, deadline, refresh=refresh)
            if (
                not self.typeahead.busy
                and not self.typeahead.held
                and self._has_screen()
                and self.screen is front
                and not self.typeahead.holding_workers(front)
            ):
                return

    async def _drain(self, screen: Screen[Any], deadline: float, *, refresh: bool) -> None:
        """Every widget of ``screen`` (and the app) has handled what was posted to it,
        and a refresh has run (``call_after_refresh`` work included)."""
        nodes = [self, *screen.walk_children(with_self=True)]
        pending = []
        for node in nodes:
            done = asyncio.Event()
            node.call_next(done.set)
            pending.append((node, done))
        for node, done in pending:
            # A node closed meanwhile (the app quit, its screen was popped) never runs what
            # was posted to it: stop waiting on it rather than on the deadline.
            while not done.is_set() and node.is_attached and not is_closing(node) and not is_exiting(self):
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(done.wait(), timeout=max(0.0, min(0.05, deadline - time.monotonic())))
                if time.monotonic() >= deadline:
                    return
        if not refresh:
            return
        refreshed = asyncio.Event()
        screen.call_after_refresh(refreshed.set)
        screen.refresh()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(refreshed.wait(), timeout=max(0.0, min(1.0, deadline - time.monotonic())))

    @asynccontextmanager
    async def run_test(self, **kwargs: Any) -> AsyncGenerator[Pilot[None], None]:
        async with super().run_test(**kwargs):
            yield SettlingPilot(self)

    async def run_async(self, **kwargs: Any) -> Any:
        auto_pilot = kwargs.get("auto_pilot")
        if auto_pilot is not None:
            # Screenshots (pytest-textual-snapshot) drive the app through an auto pilot.
            async def settling(pilot: Pilot[None]) -> None:
                await auto_pilot(SettlingPilot(pilot.app))

            kwargs["auto_pilot"] = settling
        return await super().run_async(**kwargs)

    def _has_screen(self) -> bool:
        try:
            self.screen  # noqa: B018 - raises once the screens are gone
        except (ScreenStackError, UnknownModeError):
            return False
        return True

    async def run_action(self, action: Any, default_namespace: Any = None, namespaces: Any = None) -> bool:
        """Run nothing on a screen that is not mounted yet.

        A key typed ahead (a burst over SSH, tmux send-keys) can be handed to one screen and,
        on its way up to the app's bindings, meet the screen a worker pushed meanwhile, still
        composing: "ctrl+r d ctrl+s" ran the decision form's save before it had fields, and
        "d escape" dismissed it mid-compose; both crashed the app (NoMatches)."""
        if isinstance(default_namespace, Widget):
            try:
                if not default_namespace.screen.is_mounted:
                    return False
            except NoScreen:
                pass  # not in the DOM: let Textual decide, as before
        return await super().run_action(action, default_namespace, namespaces)

    def exit_for_signal(self, signum: int) -> None:
        """The terminal is gone (SIGHUP) or we were asked to stop (SIGTERM): keep what can
        be kept, then go. A hard exit follows if this does not finish (tui/lifeline.py)."""
        try:
            self.save_before_exit()
        finally:
            self.exit(return_code=128 + signum)

    def save_before_exit(self) -> None:
        """What an app that writes keeps on its way out (see :class:`TandemApp`)."""

    def action_help(self) -> None:
        from tandem.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def copy_with_notice(self, text: str, what: str) -> None:
        """Put ``text`` on the user's clipboard, over SSH too: Textual sends it to the
        terminal as an OSC 52 sequence, which the terminal (not this machine) acts on. tmux
        passes it on with ``set -g set-clipboard on``."""
        self.copy_to_clipboard(text)
        size = len(text.encode())
        amount = f"{size:,} bytes" if size < 10_000 else f"{size // 1024:,} KB"
        self.notify(f"{what} copied to the clipboard ({amount})", title="Copied", markup=False, timeout=3)


class SettlingPilot(Pilot[None]):
    """A Pilot whose every step ends on a settled screen (:meth:`BaseApp.settled`): tests
    and screenshots see the result of what they typed, however busy the machine is."""

    async def _settle(self, *, refresh: bool = True) -> None:
        app = self.app
        if isinstance(app, BaseApp) and app.is_running:
            await app.settled(refresh=refresh)
            self._still_cursors(app)

    @staticmethod
    def _still_cursors(app: BaseApp) -> None:
        """Stop cursors blinking, shown as they are just after a key: a screenshot taken
        half a second later on a busy machine would otherwise catch them hidden. Relies on
        Input's and TextArea's private cursor state (:func:`hold_cursor`)."""
        if not app._has_screen():  # noqa: SLF001
            return
        for widget in app.screen.query("Input, TextArea"):
            if getattr(widget, "cursor_blink", False):
                widget.cursor_blink = False  # type: ignore[attr-defined]
            if hold_cursor(widget, widget.has_focus):
                widget.refresh()

    async def press(self, *keys: str) -> None:
        """Press each key once the one before has settled — and, where the gate sets aside
        a burst (a question that takes no type-ahead, the keys after one that failed), once
        a person would have paused (:data:`~tandem.tui.typeahead.QUIET_S`).

        Textual's own ``press`` waits after each key until the process looks idle by its
        CPU time, up to a second: a busy machine (or tandem's own work holding a key) made
        that both slow and unreliable. Here each key is posted as the terminal driver does,
        then :meth:`BaseApp.settled` says when its effects are complete."""
        app = self.app
        if not isinstance(app, BaseApp):
            await super().press(*keys)
            return
        for key in keys:
            if not app.is_running:
                return
            wait = app.typeahead.wait_before(_key_event(key).key, time.monotonic())
            if wait > 0:
                await asyncio.sleep(wait + 0.01)
            app.post_message(_key_event(key))
            await self._settle(refresh=False)

    async def pause(self, delay: float | None = None) -> None:
        await super().pause(delay)
        await self._settle()

    async def wait_for_scheduled_animations(self) -> None:
        await super().wait_for_scheduled_animations()
        await self._settle()


def _key_event(key: str) -> events.Key:
    """The Key event a terminal sends for ``key`` ("a", "enter", "ctrl+s", "$"), built as
    Textual's own Pilot builds it (textual.keys, Textual 8.2)."""
    import unicodedata

    from textual.keys import (
        REPLACED_KEYS,
        _character_to_key,
        _get_unicode_name_from_key,
    )

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)
