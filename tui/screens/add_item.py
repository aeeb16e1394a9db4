"""Add an agenda item during a live meeting: a title and a timebox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from tandem.store.templates import parse_minutes
from tandem.tui.forms import FORMS_TCSS, Field, compact
from tandem.tui.screen_base import TandemModal
from tandem.tui.widgets.footer import Footer


@dataclass(frozen=True)
class NewItem:
    title: str
    timebox_min: int


class AddItemScreen(TandemModal[NewItem | None]):
    CSS_PATH = FORMS_TCSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Add", id="form.submit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Add an agenda item", classes="dialog-title")
            yield Field("Title", compact(Input(id="title", placeholder="e.g. Pricing page feedback")), id="title-field")
            yield Field("Timebox", compact(Input("5 min", id="timebox")), hint="minutes: 5, 10 min, 1h", id="timebox-field")
            yield Static("enter  add      esc  cancel", classes="dialog-keys")
        yield Footer()

    @on(Input.Submitted)
    def action_submit(self) -> None:
        title = self.query_one("#title", Input).value.strip()
        minutes = parse_minutes(self.query_one("#timebox", Input).value)
        title_field = self.query_one("#title-field", Field)
        timebox_field = self.query_one("#timebox-field", Field)
        title_field.set_error(None if title else "Give the item a title.")
        ok_minutes = minutes is not None and 1 <= minutes <= 480
        timebox_field.set_error(None if ok_minutes else "A number of minutes from 1 to 480, e.g. 10.")
        if title and ok_minutes:
            assert minutes is not None
            self.dismiss(NewItem(title[:300], minutes))
        elif not title:
            self.query_one("#title", Input).focus()
        else:
            self.query_one("#timebox", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
