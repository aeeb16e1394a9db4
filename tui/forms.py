"""Pieces shared by tandem's modal forms: a labelled field with an inline error line."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    Input,
    Label,
    OptionList,
    SelectionList,
    Static,
)

#: The dialogs' styles, loaded when the first dialog opens (not at start-up). Resolved, so
#: that an app listing it in its own CSS_PATH (review, follow) loads it once, not twice.
FORMS_TCSS = Path(__file__).resolve().parent / "forms.tcss"


#: Fields narrower than this put their label above the input.
STACK_BELOW = 56

W = TypeVar("W", Input, SelectionList, Checkbox, OptionList)


def compact(widget: W) -> W:
    """``widget`` in Textual's compact style (no border), as ``compact=True`` gives it —
    without the whole style pass Textual runs for a widget not yet on screen when that
    argument sets its class (4 ms an input; it is styled again as it is mounted)."""
    widget.set_reactive(type(widget).compact, True)
    widget.add_class("-textual-compact", update=False)
    return widget


class Field(Vertical):
    """A label, the input widget, and an error line that keeps what was typed.

    The hint and error lines are made when there is something to say: most fields have
    neither, and a form of ten fields opened a third faster without twenty empty lines to
    mount and style.
    """

    DEFAULT_CLASSES = "field"

    def __init__(self, label: str, widget: Widget, *, hint: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self._label = label
        self._widget = widget
        self._hint = hint

    def compose(self) -> ComposeResult:
        # One grid (label | widget, then hint and error across both): a row container per
        # field was ten widgets more to mount and style in a ten-field form.
        yield Label(self._label, classes="field-label", markup=False)
        yield self._widget
        if self._hint:
            yield Static(self._hint, classes="field-hint", markup=False)

    def _line(self, classes: str) -> Static:
        """The hint or error line, made the first time it is needed (the hint above)."""
        found = self.query_children(f".{classes}")
        if found:
            return found.first(Static)
        line = Static("", classes=classes, markup=False)
        hint = self.query_children(".field-hint")
        self.mount(line, after=hint.first() if classes == "field-error" and hint else self._widget)
        return line

    def set_hint(self, text: str) -> None:
        hint = self._line("field-hint")
        hint.update(text)
        hint.display = bool(text)

    def set_error(self, message: str | None) -> None:
        self.set_class(bool(message), "-invalid")
        if not message and not self.query_children(".field-error"):
            return
        error = self._line("field-error")
        error.update(message or "")
        error.display = bool(message)

    def on_resize(self) -> None:
        # Narrow (a dialog in a 40-column terminal): the label goes above its input, which
        # would otherwise get what the 24-column label leaves, a word or two.
        self.set_class(self.size.width < STACK_BELOW, "-stacked")
