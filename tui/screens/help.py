"""Help: every key of the screen underneath, read from the live bindings (never stale)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static


def binding_rows(app, nodes: list[DOMNode]) -> list[tuple[str, str, str, str]]:  # noqa: ANN001
    """(where, keys, description, id) for every binding of ``nodes``, after keymaps."""
    rows: list[tuple[str, str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for node in nodes:
        where = getattr(node, "HELP_GROUP", None) or type(node).__name__.removesuffix("Screen") or "App"
        by_action: dict[tuple[str, str], list[Binding]] = {}
        for bindings in node._bindings.key_to_bindings.values():
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


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        nodes: list[DOMNode] = [self.target]
        nodes.extend(w for w in self.target.query("*") if w._bindings.key_to_bindings and getattr(w, "HELP_GROUP", None))
        nodes.append(self.app)
        table = Table(box=None, pad_edge=False, expand=True, header_style="bold")
        table.add_column("Where", style="dim")
        table.add_column("Keys", style="bold")
        table.add_column("What it does", ratio=1)
        table.add_column("Binding id (for your keymap)", style="dim")
        for where, keys, description, binding_id in binding_rows(self.app, nodes):
            table.add_row(where, Text(keys), Text(description), binding_id)
        with Vertical(classes="dialog wide"):
            yield Static("Keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(table)
            yield Static("ctrl+p opens the command palette: every action, by name.      esc  close", classes="dialog-keys")
        yield Footer()
