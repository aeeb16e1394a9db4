"""A yes/no question that must be answered before anything is destroyed or changed."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from tandem.tui.forms import FORMS_TCSS
from tandem.tui.screen_base import TandemModal
from tandem.tui.widgets.footer import Footer


class ConfirmScreen(TandemModal[bool]):
    #: Nobody answers a question before seeing it: y typed ahead must not delete anything.
    ACCEPTS_TYPEAHEAD = False
    CSS_PATH = FORMS_TCSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    #: The keys, as the dialog's last line says them.
    KEYS_LINE = "y  yes      n  no"

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-title", markup=False)
            if self.detail:
                yield Static(self.detail, classes="dialog-detail", markup=False)
            yield Static(self.KEYS_LINE, classes="dialog-keys", markup=False)
        yield Footer()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ChoiceQuestion(ConfirmScreen, inherit_bindings=False):
    """A question with two named answers and no way around them: esc does not answer,
    so neither answer is given by a key meant for something else."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "answer(True)", "Count it", id="gap.count"),
        Binding("l", "answer(False)", "Leave it out", id="gap.leave_out"),
    ]
    KEYS_LINE = "c  count it on the clocks      l  leave it out"
