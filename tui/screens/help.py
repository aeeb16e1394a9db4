"""Help: every key of the screen underneath, read from the live bindings (never stale)."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Static

from tandem.tui.forms import FORMS_TCSS
from tandem.tui.screen_base import TandemModal
from tandem.tui.seams import help_group
from tandem.tui.textual_private import bindings_of, keymap_of
from tandem.tui.widgets.footer import Footer


def binding_rows(app, nodes: list[DOMNode]) -> list[tuple[str, str, str, str]]:  # noqa: ANN001
    """(where, keys, description, id) for every binding of ``nodes``, after keymaps."""
    rows: list[tuple[str, str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for node in nodes:
        where = help_group(node) or type(node).__name__.removesuffix("Screen") or "App"
        by_action: dict[tuple[str, str], list[Binding]] = {}
        bindings_map = bindings_of(node)
        keymap = keymap_of(app)
        if keymap:  # the user's keys (config.toml [keymap]), as the screens apply them
            bindings_map = bindings_map.copy()
            bindings_map.apply_keymap(keymap)
        for bindings in bindings_map.key_to_bindings.values():
            for binding in bindings:
                if binding.system or not binding.description:
                    continue
                by_action.setdefault((binding.action, binding.id or ""), []).append(binding)
        for (action, binding_id), bindings in by_action.items():
            if (action, binding_id) in seen:
                continue
            seen.add((action, binding_id))
            keys = ", ".join(dict.fromkeys(app.get_key_display(b) for b in bindings))
            rows.append((where, keys, bindings[0].tooltip or bindings[0].description, binding_id))
    return rows


class KeyTable:
    """The rows of :func:`binding_rows`, laid out for the width they get.

    With room, one table: where, keys, what it does, binding id. Narrower (a dialog in an
    80-column terminal), four columns left "what it does" a word per line: each "where"
    becomes a heading over its own keys instead, and below 60 columns the binding ids go.
    """

    WIDE = 90

    def __init__(self, rows: list[tuple[str, str, str, str]]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width >= self.WIDE:
            yield self._wide()
            return
        with_ids = options.max_width >= 60
        keys_width = min(16, max((len(keys) for _, keys, _, _ in self.rows), default=4))
        ids_width = min(24, max((len(binding_id) for *_, binding_id in self.rows), default=2))
        groups: dict[str, list[tuple[str, str, str, str]]] = {}
        for row in self.rows:
            groups.setdefault(row[0], []).append(row)
        parts: list[RenderableType] = []
        for n, (where, rows) in enumerate(groups.items()):
            parts.append(Text(("\n" if n else "") + where, style="bold underline"))
            table = Table(box=None, pad_edge=False, expand=True, show_header=False)
            table.add_column("Keys", style="bold", width=keys_width, no_wrap=True, overflow="ellipsis")
            table.add_column("What it does", ratio=1)
            if with_ids:
                table.add_column("Binding id", style="dim", width=ids_width, no_wrap=True, overflow="ellipsis")
            for _, keys, description, binding_id in rows:
                table.add_row(Text(keys), Text(description), *([binding_id] if with_ids else []))
            parts.append(table)
        yield Group(*parts)

    def _wide(self) -> Table:
        table = Table(box=None, pad_edge=False, expand=True, header_style="bold")
        table.add_column("Where", style="dim")
        table.add_column("Keys", style="bold")
        table.add_column("What it does", ratio=1)
        table.add_column("Binding id (for your keymap)", style="dim")
        for where, keys, description, binding_id in self.rows:
            table.add_row(where, Text(keys), Text(description), binding_id)
        return table


class HelpScreen(TandemModal[None]):
    CSS_PATH = FORMS_TCSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        nodes: list[DOMNode] = [self.target]
        nodes.extend(w for w in self.target.query("*") if bindings_of(w).key_to_bindings and help_group(w))
        nodes.append(self.app)
        with Vertical(classes="dialog wide"):
            yield Static("Keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(KeyTable(binding_rows(self.app, nodes)))
            yield Static("ctrl+p: the command palette, every action by name.   esc  close", classes="dialog-keys")
        yield Footer()
