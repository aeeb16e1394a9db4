"""Pieces shared by tandem's modal forms: a labelled field with an inline error line."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Static

#: The dialogs' styles, loaded when the first dialog opens (not at start-up). Resolved, so
#: that an app listing it in its own CSS_PATH (review, follow) loads it once, not twice.
FORMS_TCSS = Path(__file__).resolve().parent / "forms.tcss"


#: Fields narrower than this put their label above the input.
STACK_BELOW = 56


class Field(Vertical):
    """A label, the input widget, and an error line that keeps what was typed."""

    DEFAULT_CLASSES = "field"

    def __init__(self, label: str, widget: Widget, *, hint: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self._label = label
        self._widget = widget
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(self._label, classes="field-label", markup=False)
            yield self._widget
        yield Static(self._hint, classes="field-hint", markup=False)
        yield Static("", classes="field-error", markup=False)

    def set_error(self, message: str | None) -> None:
        error = self.query_one(".field-error", Static)
        error.update(message or "")
        error.display = bool(message)
        self.set_class(bool(message), "-invalid")

    def on_mount(self) -> None:
        self.query_one(".field-hint", Static).display = bool(self._hint)
        self.set_error(None)

    def on_resize(self) -> None:
        # Narrow (a dialog in a 40-column terminal): the label goes above its input, which
        # would otherwise get what the 24-column label leaves, a word or two.
        self.set_class(self.size.width < STACK_BELOW, "-stacked")
