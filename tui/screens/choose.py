"""Small pickers: choose one of a list (type to filter), or which kind of record to capture."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tandem.tui.forms import FORMS_TCSS, compact
from tandem.tui.screen_base import TandemModal
from tandem.tui.widgets.footer import Footer

NEW = "__new__"


class ChooseScreen(TandemModal[str | None]):
    """Pick an existing record, or ``NEW``; typing filters the list."""

    CSS_PATH = FORMS_TCSS

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="choose.cancel")]

    def __init__(self, title: str, options: list[tuple[str, str]], *, new_label: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.new_label = new_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield compact(Input(placeholder="type to filter", id="filter"))
            yield compact(OptionList(id="choices", markup=False))
            yield Static("↑↓  choose      enter  pick      esc  cancel", classes="dialog-keys")
        yield Footer()

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#filter", Input).focus()

    def _fill(self, text: str) -> None:
        needle = text.casefold().strip()
        options = self.query_one("#choices", OptionList)
        options.clear_options()
        if self.new_label:
            options.add_option(Option(self.new_label, id=NEW))
        options.add_options(Option(prompt, id=value) for prompt, value in self.options if needle in prompt.casefold())
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_key(self, event: events.Key) -> None:
        if event.key in ("up", "down") and self.focused is self.query_one("#filter"):
            options = self.query_one("#choices", OptionList)
            options.action_cursor_up() if event.key == "up" else options.action_cursor_down()
            event.stop()

    @on(Input.Submitted, "#filter")
    def _pick_highlighted(self) -> None:
        options = self.query_one("#choices", OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


CAPTURE_KEYS = (
    ("o", "objective", "Objective: new, or a check-in"),
    ("l", "lead_feedback", "Lead feedback"),
    ("v", "insight", "Voice of the prospect: an insight"),
    ("c", "content", "Content item: new, or a status change"),
    ("d", "decision", "Decision"),
    ("t", "action", "Action item (task)"),
)


FOOTER_LABEL = {
    "objective": "Objective",
    "lead_feedback": "Lead",
    "insight": "Insight",
    "content": "Content",
    "decision": "Decision",
    "action": "Action",
}


class CaptureMenu(TandemModal[str | None]):
    """Which record to capture: one key each (the same keys work on the agenda)."""

    CSS_PATH = FORMS_TCSS

    BINDINGS: ClassVar[list[BindingType]] = [
        # Short footer labels (the dialog spells each one out): all seven fit 80 columns.
        *(Binding(key, f"pick('{kind}')", FOOTER_LABEL[kind], tooltip=text, id=f"capture.{kind}") for key, kind, text in CAPTURE_KEYS),
        Binding("escape", "pick('')", "Cancel", id="capture.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Capture…", classes="dialog-title")
            yield Static("\n".join(f"  {key}   {text}" for key, _, text in CAPTURE_KEYS), markup=False)
            yield Static("esc  cancel", classes="dialog-keys")
        yield Footer()

    def action_pick(self, kind: str) -> None:
        self.dismiss(kind or None)
