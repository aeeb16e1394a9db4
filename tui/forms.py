"""Pieces shared by tandem's modal forms: a labelled field with an inline error line."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from textual.app import ComposeResult
from textual.containers import Container, Vertical
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
    """A label, the input widget, and an error line that keeps what was typed: for a field
    placed on its own (side by side with another, as in the new-meeting form). A list of
    fields one under another is a :class:`FieldGrid`.

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


class FieldGrid(Container):
    """The fields of a form in one grid: label | widget, its hint and error under the widget.

    A ``Field`` container per field was ten widgets more to mount, style and lay out in a
    ten-field form, a quarter of the time it took to open. The lines of field ``name``:
    its label is ``#f-name``, its hint ``#h-name``, its error ``#e-name``; like ``Field``,
    the hint and error lines are made when there is something to say. It goes in a
    ``VerticalScroll`` for a form taller than the terminal.
    """

    @staticmethod
    def lines(name: str, label: str, widget: Widget, *, hint: str = "") -> ComposeResult:
        """What one field adds to the grid, in order."""
        yield Label(label, classes="field-label", markup=False, id=f"f-{name}")
        yield widget
        if hint:
            yield from FieldGrid._note(name, "hint", hint)

    @staticmethod
    def _note(name: str, kind: str, text: str) -> tuple[Static, Static]:
        # A blank cell under the label, then the line under the widget. Not one line across
        # both columns: Textual's grid measures an auto row by its first column, and a
        # wrapped error then left blank rows below it.
        gap = Static("", classes="field-gap", id=f"{kind[0]}g-{name}")
        return gap, Static(text, classes=f"field-{kind}", markup=False, id=f"{kind[0]}-{name}")

    def _line(self, name: str, kind: str) -> Static:
        found = self.query_children(f"#{kind[0]}-{name}")
        if found:
            return found.first(Static)
        label = self.query_children(f"#f-{name}").first()
        hint = self.query_children(f"#h-{name}")
        after = hint.first() if kind == "error" and hint else self.children[self.children.index(label) + 1]
        gap, line = FieldGrid._note(name, kind, "")
        self.mount(gap, line, after=after)
        return line

    def set_hint(self, name: str, text: str) -> None:
        hint = self._line(name, "hint")
        hint.update(text)
        self._show(name, "hint", bool(text))

    def set_error(self, name: str, message: str | None) -> None:
        label = self.query_children(f"#f-{name}").first()
        widget = self.children[self.children.index(label) + 1]
        # Not Input's own "-invalid", which its validators set and its CSS draws a border for.
        widget.set_class(bool(message), "-field-invalid")
        if not message and not self.query_children(f"#e-{name}"):
            return
        self._line(name, "error").update(message or "")
        self._show(name, "error", bool(message))

    def _show(self, name: str, kind: str, shown: bool) -> None:
        # A class, not ``display``: a narrow form hides the blank cells in its CSS, and an
        # inline style would override that.
        for line_id in (f"#{kind[0]}g-{name}", f"#{kind[0]}-{name}"):
            self.query_children(line_id).first().set_class(not shown, "-unused")

    def on_resize(self) -> None:
        # Narrow (a dialog in a 40-column terminal): labels go above their inputs, which
        # would otherwise get what the 24-column label leaves, a word or two.
        self.set_class(self.size.width < STACK_BELOW, "-stacked")
