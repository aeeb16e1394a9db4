"""Both values of a field two machines changed at once, as ``tandem sync`` recorded them:
for one record (or a whole meeting), each field with the value kept and the other one.

Read-only. The values come from a teammate's file: they are shown as text, never as markup,
with every control character made visible (``store/sync/recorded.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tandem.store.outside import clean_text
from tandem.store.sync.recorded import Explained, mark
from tandem.tui.forms import FORMS_TCSS
from tandem.tui.screen_base import TandemModal
from tandem.tui.seams import any_app
from tandem.tui.widgets.footer import Footer

#: The dialog's last lines: the keys, and that nothing here changes a value.
KEYS_LINE = "↑↓  field      y  copy the other value      esc  close"
READ_ONLY_LINE = (
    "Read-only: the file keeps both values (tandem doctor lists them too). To use the other value, copy it with y and edit the record; the mark stays."
)


def entry(explained: Explained, *, with_record: bool) -> Group:
    """One field: the record and field, then both values and how the kept one was chosen."""
    heading = Text(style="bold")
    heading.append("⚑ ")
    heading.append(f"{explained.what} · {explained.field}" if with_record else explained.field)
    rows = Table.grid(padding=(0, 1), expand=True)
    rows.add_column(width=12, style="bold", no_wrap=True)
    rows.add_column(ratio=1, overflow="fold")
    kept, other = ("on top", "below it") if explained.both_kept else ("kept", "other value")
    rows.add_row(kept, Text(explained.kept))
    rows.add_row(other, Text(explained.other))
    rows.add_row("how", Text(explained.how, style="dim"))
    return Group(heading, rows, Text())


class ConflictsScreen(TandemModal[None]):
    """The recorded conflicts of one record, or of every record of a meeting."""

    CSS_PATH = FORMS_TCSS
    HELP_GROUP = "Values from two machines"
    DEFAULT_CSS = """
    ConflictsScreen #conflicts-list {
        height: auto;
        max-height: 1fr;
        border: none;
        padding: 0;
    }
    ConflictsScreen .dialog-detail {
        color: $text-muted;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "copy_other", "Copy other value", tooltip="Copy the highlighted field's other value to the clipboard, over SSH too", id="conflicts.copy"),
        Binding("escape,q,w", "close", "Close", tooltip="Close this list", id="conflicts.close"),
    ]

    def __init__(self, title: str, entries: Sequence[Explained], *, one_record: bool = False) -> None:
        """``one_record``: the title names the one record every entry is of, so that each
        entry names only its field."""
        super().__init__()
        self.title_text = title
        self.entries = list(entries)
        self.one_record = one_record

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="conflicts-dialog"):
            heading = Text(f"{mark(len(self.entries))} · ", style="bold")
            heading.append(self.title_text)
            yield Static(heading, classes="dialog-title")
            options = [Option(entry(e, with_record=not self.one_record), id=str(n)) for n, e in enumerate(self.entries)]
            yield OptionList(*options, id="conflicts-list", markup=False)
            with Vertical(classes="dialog-bottom"):
                yield Static(Text(READ_ONLY_LINE), classes="dialog-detail")
                yield Static(Text(KEYS_LINE), classes="dialog-keys")
        yield Footer()

    def on_mount(self) -> None:
        listing = self.query_one("#conflicts-list", OptionList)
        if listing.option_count:
            listing.highlighted = 0
        listing.focus()

    @property
    def current(self) -> Explained | None:
        listing = self.query_one("#conflicts-list", OptionList)
        if listing.highlighted is None or not self.entries:
            return None
        return self.entries[listing.highlighted]

    def action_copy_other(self) -> None:
        shown = self.current
        if shown is not None:
            # The text that lost, not as shown (␛ and <U+…> stand for what it held), but
            # without its control characters, as a save would keep it: the clipboard may
            # be pasted into a shell.
            value = shown.conflict.lost
            any_app(self).copy_with_notice(clean_text(value) if isinstance(value, str) else shown.other, "The other value")

    def action_close(self) -> None:
        self.dismiss(None)
