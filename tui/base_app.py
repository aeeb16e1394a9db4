"""What every tandem app shares: help from the live bindings, pastes without control
characters, and the user's settings (``config.toml``: keymap, theme — see
:mod:`tandem.store.config`).

A paste from a terminal or a web page can carry ANSI escape sequences, bells or stray
carriage returns. Records drop them when saved, but an editor draws a paste before that —
and the terminal would interpret them. So a paste is cleaned before any widget sees it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.app import App, ScreenStackError, UnknownModeError
from textual.binding import Binding, BindingType
from textual.dom import NoScreen
from textual.widget import Widget

from tandem.store.config import Config, LoadedConfig
from tandem.store.mdescape import clean
from tandem.tui.commands import ScreenCommands
from tandem.tui.textual_fixes import apply as apply_textual_fixes

apply_textual_fixes()


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

    def on_mount(self) -> None:
        from tandem.tui.settings import apply_settings

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
        if isinstance(event, events.Paste) and not event.is_forwarded:
            event.text = clean(event.text)
        await super().on_event(event)

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
