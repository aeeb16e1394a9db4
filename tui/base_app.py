"""What every tandem app shares: help from the live bindings, and pastes without control
characters.

A paste from a terminal or a web page can carry ANSI escape sequences, bells or stray
carriage returns. Records drop them when saved, but an editor draws a paste before that —
and the terminal would interpret them. So a paste is cleaned before any widget sees it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType

from tandem.store.mdescape import clean
from tandem.tui.commands import ScreenCommands


class BaseApp(App[None]):
    HELP_GROUP = "Everywhere"
    COMMANDS = App.COMMANDS | {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", tooltip="Every key of this screen", id="app.help"),
    ]

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste) and not event.is_forwarded:
            event.text = clean(event.text)
        await super().on_event(event)

    def action_help(self) -> None:
        from tandem.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))
