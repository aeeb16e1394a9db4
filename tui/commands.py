"""The command palette: the actions of the screen in front, by name ("meeting: next item").

Two sources, so that the palette covers every action and cannot fall behind the keys:

* a screen's ``palette_commands()``: (title, action, help) triples, written for the
  context ("meeting: open Weekly sync (2026-11-26)");
* every binding active right now that has an id (the ones the keymap can change), named
  after its id's context and its description ("meeting: move up"), unless the screen
  already names its action. Disabled bindings (``check_action``) are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from tandem.tui.seams import OffersCommands

#: Binding id prefix → what the palette calls that context.
CONTEXTS = {
    "app": "app",
    "home": "home",
    "live": "meeting",
    "captured": "record",
    "review": "review",
    "minutes": "minutes",
    "shadow": "shadow day",
    "goals": "goals",
    "follow": "follow",
    "form": "form",
    "end": "end meeting",
    "confirm": "answer",
    "help": "help",
    "capture": "capture",
    "choose": "choose",
    "ended": "ended meeting",
    "takeaway": "takeaway",
}

Command = tuple[str, Callable[[], object], str]


def _plain(action: str) -> str:
    """An action without its namespace, quotes normalised: how the two sources are matched."""
    for prefix in ("screen.", "app."):
        if action.startswith(prefix):
            action = action[len(prefix) :]
    return action.replace('"', "'").replace(" ", "")


def binding_title(binding_id: str, description: str) -> str:
    context = CONTEXTS.get(binding_id.split(".", 1)[0], binding_id.split(".", 1)[0].replace("_", " "))
    words = description.strip() or binding_id.rsplit(".", 1)[-1].replace("_", " ")
    return f"{context}: {words[:1].lower() + words[1:]}"


class ScreenCommands(Provider):
    """The screen's own commands, then one for every other active binding with an id."""

    def _commands(self) -> list[Command]:
        screen = self.screen
        commands: list[Command] = []
        named: set[str] = set()
        for title, action, help_text in screen.palette_commands() if isinstance(screen, OffersCommands) else ():
            commands.append((title, partial(screen.run_action, action), help_text))
            named.add(_plain(action))
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.id is None or not active.enabled or binding.action == "command_palette":
                continue
            plain = _plain(binding.action)
            if plain in named or plain in seen:
                continue
            seen.add(plain)
            title = binding_title(binding.id, binding.description)
            commands.append((title, partial(self._run, active.node, binding.action), active.tooltip or binding.tooltip or ""))
        return commands

    def _run(self, node: DOMNode, action: str) -> None:
        # The binding's own namespace: "screen.x" on a widget means its screen, a bare
        # action means the widget (or screen, or app) that declared the binding.
        self.app.call_later(self.app.run_action, action, node)

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
