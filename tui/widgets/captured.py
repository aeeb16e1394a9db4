"""Lists under the active agenda item: what was captured there, and what the item reviews."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tandem.store.kinds import TITLES, Captured
from tandem.tui.seams import any_app
from tandem.tui.widgets.click_again import ClickAgainToOpen


class CapturedList(ClickAgainToOpen, OptionList):
    """Records captured under the active item: edit, delete (confirmed), undo."""

    HELP_GROUP = "Captured records"
    CLICK_ACTION = "screen.edit_record"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.edit_record", "Edit", tooltip="Edit the highlighted record", id="captured.edit"),
        Binding("delete,backspace,x", "screen.delete_record", "Delete", tooltip="Delete the highlighted record (asks first)", id="captured.delete"),
        Binding("u", "screen.undo", "Undo", tooltip="Undo the last capture, edit or delete of this session", id="captured.undo"),
        Binding("y", "copy", "Copy", show=False, tooltip="Copy the highlighted record to the clipboard, over SSH too", id="captured.copy"),
        Binding("escape", "screen.focus_agenda", "Agenda", show=False, id="captured.leave"),
    ]

    def show(self, rows: list[Captured], marks: Sequence[str] = ()) -> None:
        """``marks``: by row, what to show before its text ("⚑ 2 values": a sync kept two
        values of one of its fields), or ""."""
        highlighted = self.highlighted
        self.clear_options()
        for n, row in enumerate(rows):
            prompt = Text(no_wrap=True, overflow="ellipsis")
            prompt.append(f"{TITLES[row.kind]:<16}", style="bold")
            if n < len(marks) and marks[n]:
                prompt.append(f"{marks[n]} ", style="bold magenta")
            prompt.append(row.text)
            self.add_option(Option(prompt, id=str(n)))
        self.rows = rows
        if rows:
            self.highlighted = min(highlighted or 0, len(rows) - 1)
        self.display = bool(rows)

    def action_copy(self) -> None:
        row = self.current
        if row is not None:
            any_app(self).copy_with_notice(f"{TITLES[row.kind]}: {row.text}", TITLES[row.kind])

    @property
    def current(self) -> Captured | None:
        if self.highlighted is None or not getattr(self, "rows", None):
            return None
        return self.rows[self.highlighted]


class ReviewList(ClickAgainToOpen, OptionList):
    """What the active item reviews: open actions, objectives due, the content pipeline."""

    HELP_GROUP = "Review list"
    CLICK_ACTION = "screen.review_open"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.review_open", "Open", tooltip="Check in / edit the highlighted entry", id="review.open"),
        Binding("d", "screen.review_action('done')", "Done", tooltip="Action review: mark the action done", id="review.done"),
        Binding("o", "screen.review_action('open')", "Still open", tooltip="Action review: it stays open (reviewed)", id="review.still_open"),
        Binding("x", "screen.review_action('dropped')", "Dropped", tooltip="Action review: drop the action", id="review.dropped"),
        Binding("escape", "screen.focus_agenda", "Agenda", show=False, id="review.leave"),
    ]
    mode = ""

    def show(self, mode: str, rows: list[tuple[str, Text]]) -> None:
        self.mode = mode
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(Option(text, id=key) for key, text in rows)
        if rows:
            self.highlighted = min(highlighted or 0, len(rows) - 1)
        self.display = bool(rows)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "screen.review_action":
            return self.mode == "action_review"
        return True

    @property
    def current_id(self) -> str | None:
        if self.highlighted is None or not self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id
