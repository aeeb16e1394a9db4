"""The command palette: the actions of the screen in front, by name ("meeting: next item")."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ScreenCommands(Provider):
    """Asks the current screen for ``palette_commands()``: (title, action, help) triples."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        screen = self.screen
        provide = getattr(screen, "palette_commands", None)
        if provide is None:
            return []
        return [(title, partial(screen.run_action, action), help_text) for title, action, help_text in provide()]

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
