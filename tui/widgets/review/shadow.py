"""Shadow days: who shadowed whom, what they took away, and the experiment each one led to."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from tandem.store import words
from tandem.store.records import TAKEAWAY_CATEGORIES, label
from tandem.store.review.model import ReviewData, ShadowRow
from tandem.tui.widgets.review.base import OpenMinutes, ReviewPane, cell, place_of, restore_place, safe_text

#: Widest a name is shown in the table, so the columns after it stay in view.
NAME_WIDTH = 18


def day_detail(day: ShadowRow) -> Text:
    text = Text(f"{day.shadow} with {day.host}", style="bold")
    text.append(f"  {label(day.direction)}, {day.date}, {label(day.status)}\n", style="dim")
    if day.meeting_id:
        text.append(f"Debriefed in {safe_text(day.meeting_id)} (Enter opens its minutes)\n", style="dim")
    groups: dict[str, list[str]] = defaultdict(list)
    for t in day.takeaways:
        groups[t.category].append(t.text)
    for category in (*TAKEAWAY_CATEGORIES, *sorted(set(groups) - set(TAKEAWAY_CATEGORIES))):
        if groups.get(category):
            text.append(f"\n{label(category).capitalize()}\n", style="bold underline")
            for line in groups[category]:
                text.append("• ")
                text.append(line)
                text.append("\n")
    if not day.takeaways:
        text.append("\nNo takeaways recorded.\n", style="dim")
    if day.experiment:
        text.append("\nExperiment: ", style="bold")
        text.append(day.experiment)
        if day.experiment_owner:
            text.append(f" — {day.experiment_owner}", style="italic")
    return text


class ShadowPane(ReviewPane):
    HELP_GROUP = "Shadow days"

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self._days: list[ShadowRow] = []
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield Static(id="shadow-status", classes="pane-status")
        yield DataTable(id="review-shadow", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="shadow-detail"):
            yield Static(id="shadow-text")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in ("Date", "Direction", "Shadow", "Host", "Status"):
            table.add_column(name, key=name.lower())
        table.add_column(Text("Takeaways", justify="right"), key="takeaways")
        table.add_column("Experiment", key="experiment")
        super().on_mount()

    def depends(self, data: ReviewData) -> Any:
        return data.shadow_days

    def draw(self, data: ReviewData, today: date) -> None:
        self._loaded = True
        table = self.query_one(DataTable)
        place = place_of(table)
        highlighted = self._days[place.row] if 0 <= place.row < len(self._days) and table.row_count else None
        self._days = data.shadow_days
        table.clear()
        for n, d in enumerate(self._days):
            # Text, never a plain str: DataTable reads those as markup, and a direction read
            # back from hand-edited minutes can be anything.
            table.add_row(
                Text(d.date),
                Text(label(d.direction)),
                cell(d.shadow, NAME_WIDTH),
                cell(d.host, NAME_WIDTH),
                Text(label(d.status)),
                Text(str(len(d.takeaways)), justify="right"),
                Text(d.experiment or "—", overflow="ellipsis", no_wrap=True),
                key=str(n),
            )
        done = sum(d.status == "done" for d in self._days)
        status = Text(f"{len(self._days)} shadow days", style="bold")
        status.append(f" · {done} done · {words.count(sum(len(d.takeaways) for d in self._days), 'takeaway')}", style="dim")
        if not self._days:
            status.append("   none yet: plan one from the home screen's Shadow days tab", style="yellow")
        self.query_one("#shadow-status", Static).update(status)
        self.query_one("#shadow-detail").display = bool(self._days)
        # The same day stays highlighted, at the same height on screen.
        same = (highlighted.date, highlighted.shadow, highlighted.host) if highlighted is not None else None
        restore_place(table, place, next((n for n, d in enumerate(self._days) if (d.date, d.shadow, d.host) == same), None))
        if self._days:
            self._detail(self._days[min(table.cursor_row, len(self._days) - 1)])

    def _detail(self, day: ShadowRow) -> None:
        self.query_one("#shadow-text", Static).update(day_detail(day))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None and self._days:
            self._detail(self._days[int(event.row_key.value)])

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        day = self._days[int(event.row_key.value or 0)]
        if day.meeting_id:
            self.post_message(OpenMinutes(day.meeting_id))
        else:
            self.app.notify("This day has not been debriefed in a meeting yet.", markup=False)
