"""Forms of a shadow day: planning it, one takeaway, the experiment to try."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from tandem.store import ids
from tandem.store.errors import ValidationError
from tandem.store.records import (
    DEFAULT_ACTIVITIES,
    DIRECTIONS,
    Activity,
    Experiment,
    ShadowDay,
    label,
)
from tandem.tui.forms import FORMS_TCSS, compact
from tandem.tui.screen_base import TandemModal
from tandem.tui.screens.capture_forms import choices
from tandem.tui.screens.record_form import RecordForm, Spec
from tandem.tui.widgets.choice import Choice
from tandem.tui.widgets.footer import Footer


class PlanShadowForm(RecordForm[ShadowDay]):
    heading = "shadow day"

    def __init__(self, people: list[str], **kwargs: Any) -> None:
        self.people = people
        super().__init__(**kwargs)

    def specs(self) -> list[Spec]:
        return [
            Spec("shadow", "Shadow", required=True, suggestions=self.people, hint="who spends the day with the other team"),
            Spec("host", "Host", required=True, suggestions=self.people, hint="whose day it is"),
            Spec("direction", "Direction", kind="choice", required=True, choices=choices(DIRECTIONS)),
            Spec("date", "Date", kind="date", required=True, default="today"),
            Spec("activities", "Planned activities", required=True, hint="separated by ;"),
        ]

    def initial_values(self) -> dict[str, Any]:
        if self.initial is not None:
            values = self.initial.to_dict()
            values["activities"] = "; ".join(a.title for a in self.initial.activities)
            return values
        return {"direction": "marketing_to_sales", "date": "today", "activities": "; ".join(DEFAULT_ACTIVITIES["marketing_to_sales"])}

    @on(Choice.Changed, "#w-direction")
    def _direction_changed(self, event: Choice.Changed) -> None:
        """Pre-fill the activities of the other direction unless they were edited."""
        activities = self.query_one("#w-activities", Input)
        defaults = {"; ".join(v) for v in DEFAULT_ACTIVITIES.values()}
        if activities.value in defaults and event.value in DEFAULT_ACTIVITIES:
            activities.value = "; ".join(DEFAULT_ACTIVITIES[str(event.value)])

    def build(self, values: dict[str, Any]) -> ShadowDay:
        if values["shadow"].casefold() == values["host"].casefold():
            raise ValidationError("host", "The host is someone from the other team, not the shadow.")
        titles = [t.strip() for t in values["activities"].split(";") if t.strip()]
        if not titles:
            raise ValidationError("activities", "Plan at least one activity.")
        base = self.initial or ShadowDay(id=ids.new_id(), shadow=values["shadow"], host=values["host"], direction=values["direction"], date=values["date"])
        kept = {a.title: a for a in (self.initial.activities if self.initial else [])}
        return base.replace(
            shadow=values["shadow"],
            host=values["host"],
            direction=values["direction"],
            date=values["date"],
            activities=[kept.get(t, Activity(title=t[:300])) for t in titles],
        )


class ExperimentForm(RecordForm[Experiment]):
    heading = "experiment to try"

    def __init__(self, people: list[str], **kwargs: Any) -> None:
        self.people = people
        super().__init__(**kwargs)

    def specs(self) -> list[Spec]:
        return [
            Spec("text", "Experiment", required=True, hint="one thing to try because of today"),
            Spec("owner", "Owner", required=True, suggestions=self.people),
            Spec("report_back", "Report back by", kind="date", required=True, default="+2w"),
        ]

    def initial_values(self) -> dict[str, Any]:
        return self.initial.to_dict() if self.initial else {"report_back": "+2w"}

    def build(self, values: dict[str, Any]) -> Experiment:
        return Experiment(text=values["text"], owner=values["owner"], report_back=values["report_back"])


class TakeawayPrompt(TandemModal[str | None]):
    """One line for one takeaway; enter saves it with the time."""

    CSS_PATH = FORMS_TCSS

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="takeaway.cancel")]

    def __init__(self, category: str) -> None:
        super().__init__()
        self.category = category

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Takeaway — {label(self.category)}", classes="dialog-title", markup=False)
            yield compact(Input(id="takeaway-text", placeholder="what you saw, in a line"))
            yield Static("", id="takeaway-error", classes="field-error")
            yield Static("enter  save      esc  cancel", classes="dialog-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#takeaway-text", Input).focus()

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one("#takeaway-error", Static).update("Type the takeaway, or esc to cancel.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
