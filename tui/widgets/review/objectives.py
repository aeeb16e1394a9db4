"""The objectives board: status, latest value against target, and the check-in history
as a chart."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Sparkline, Static

from tandem.store import words
from tandem.store.records import label, measure
from tandem.store.review.model import ObjectiveRow, ReviewData
from tandem.tui.widgets.review.base import ReviewPane, cell, place_of, restore_place

STATUS_STYLE = {"on_track": "green", "met": "bold green", "at_risk": "yellow", "off_track": "bold red", "dropped": "dim"}
#: Glyphs as well as colours, so the board reads without colour.
STATUS_MARK = {"on_track": "●", "met": "✔", "at_risk": "▲", "off_track": "✖", "dropped": "–"}
#: Widest a title is shown in the table, so status and numbers stay in view (the detail
#: below shows it whole).
TITLE_WIDTH = 46


def status_text(status: str) -> Text:
    return Text(f"{STATUS_MARK.get(status, '?')} {label(status)}", style=STATUS_STYLE.get(status, ""))


class ObjectivesPane(ReviewPane):
    HELP_GROUP = "Objectives"

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self._rows: list[ObjectiveRow] = []
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield Static(id="objectives-status", classes="pane-status")
        yield DataTable(id="review-objectives", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="objective-detail"):
            yield Static(id="objective-head")
            yield Sparkline([], id="objective-chart", summary_function=max)
            yield Static(id="objective-axis", classes="dim-note")
            yield Static(id="objective-history")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in ("Objective", "Owner", "Status"):
            table.add_column(name, key=name.lower())
        for name in ("Latest", "Target", "Check-ins"):
            table.add_column(Text(name, justify="right"), key=name.lower())
        super().on_mount()

    def depends(self, data: ReviewData) -> Any:
        return data.objectives

    def draw(self, data: ReviewData, today: date) -> None:
        self._loaded = True
        table = self.query_one(DataTable)
        place = place_of(table)
        highlighted = self._rows[place.row].title if 0 <= place.row < len(self._rows) and table.row_count else None
        self._rows = data.objectives
        table.clear()
        for n, o in enumerate(self._rows):
            latest = o.latest
            table.add_row(
                cell(o.title, TITLE_WIDTH),
                Text(label(o.owner_team)),
                status_text(o.status),
                Text(measure(latest, o.unit) if latest is not None else "—", justify="right"),
                Text(measure(o.target, o.unit), justify="right"),
                Text(str(len(o.history)), justify="right"),
                key=str(n),
            )
        counts = {s: sum(o.status == s for o in self._rows) for s in STATUS_MARK}
        status = Text(words.count(len(self._rows), "objective"), style="bold")
        for s, n in counts.items():
            if n:
                status.append(" · ")
                status.append_text(status_text(s))
                status.append(f" {n}")
        if not self._rows:
            status.append("   none yet: objectives are set in a quarterly planning meeting", style="yellow")
        self.query_one("#objectives-status", Static).update(status)
        self.query_one("#objective-detail").display = bool(self._rows)
        # The same objective stays highlighted (by title: the rows have no id), at the same height.
        restore_place(table, place, next((n for n, o in enumerate(self._rows) if o.title == highlighted), None))
        if self._rows:
            self._detail(self._rows[min(table.cursor_row, len(self._rows) - 1)])

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None and self._rows:
            self._detail(self._rows[int(event.row_key.value)])

    def _detail(self, o: ObjectiveRow) -> None:
        head = Text(o.title, style="bold")
        head.append(f"  {o.metric}", style="dim")
        head.append("\n")
        latest = o.latest
        if latest is not None:
            head.append(f"{measure(latest, o.unit)}", style="bold")
            head.append(f" of {measure(o.target, o.unit)} target  ")
            share = max(0.0, min(1.0, latest / o.target)) if o.target else 0.0
            filled = round(share * 30)
            head.append("█" * filled + "░" * (30 - filled), style=STATUS_STYLE.get(o.status, ""))
            head.append(f" {share:.0%}  ")
        head.append_text(status_text(o.status))
        self.query_one("#objective-head", Static).update(head)
        values = [p.value for p in o.history]
        chart = self.query_one("#objective-chart", Sparkline)
        chart.display = len(values) > 1
        chart.data = values
        axis = self.query_one("#objective-axis", Static)
        if len(values) > 1:
            axis.update(
                Text(
                    f"{o.history[0].date} → {o.history[-1].date}: low {measure(min(values), o.unit)}, "
                    f"high {measure(max(values), o.unit)}, {len(values)} check-ins",
                    style="dim",
                )
            )
        else:
            axis.update(Text("One check-in so far; the chart starts with the second." if values else "No check-ins yet.", style="dim"))
        history = Text()
        for p in reversed(o.history):
            history.append(f"{p.date}  ", style="dim")
            history.append(f"{measure(p.value, o.unit):>8}  ", style="bold")
            history.append_text(status_text(p.status))
            if p.comment:
                history.append(f"  {p.comment}")
            history.append("\n")
        self.query_one("#objective-history", Static).update(history)
