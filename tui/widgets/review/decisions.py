"""The decisions register: every decision across meetings, and whether it still holds."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import DataTable, Input, Select, Static

from tandem.store import words
from tandem.store.review.model import DECISION_STATUSES, DecisionRow, ReviewData
from tandem.tui.widgets.review.base import OpenMinutes, PagedTable, ReviewPane, cell

STATUS_CHOICES = [(s.capitalize(), s) for s in DECISION_STATUSES]
STATUS_STYLE = {"active": "bold", "superseded": "yellow", "reversed": "red"}
#: Widest "decided by" is shown, so the decision after it stays in view.
BY_WIDTH = 18


def decision_cell(d: DecisionRow) -> Text:
    """The decision; a changed one dimmed, with what changed it on a line of its own."""
    text = Text(d.text, style="dim" if d.status != "active" else "")
    if d.status != "active":
        text.append(f"\n↳ {d.status} {d.changed_on}: ", style="italic")
        text.append(d.changed_by, style="italic")
    return text


class DecisionsPane(ReviewPane):
    HELP_GROUP = "Decisions"

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self._rows: list[DecisionRow] = []
        self._shown: list[DecisionRow] = []
        self._loaded = False
        self._width = 0

    def compose(self) -> ComposeResult:
        with Grid(id="decision-filters"):
            yield Input(placeholder="Words in a decision, who decided it", id="decision-words", compact=True)
            yield Select(STATUS_CHOICES, prompt="Any status", id="decision-status", compact=True)
        yield Static(id="decisions-status", classes="pane-status")
        # Row heights follow the wrapped decision.
        yield PagedTable(self._cells, lambda _d, n: str(n), row_height=None, id="review-decisions", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self._set_columns()
        super().on_mount()

    def _decision_width(self) -> int:
        # What the other columns, their padding, the border and the scrollbar leave.
        return max(20, self.size.width - (10 + 10 + BY_WIDTH + 4 * 2 + 4))

    def _set_columns(self) -> None:
        """The decision gets the width the others leave and wraps within it: cut at the
        edge of an 80-column terminal, a decision was a few words."""
        self._width = self._decision_width()
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column("Date", key="date")
        table.add_column("Status", key="status")
        table.add_column("Decision", key="decision", width=self._width)
        table.add_column("Decided by", key="by")

    def on_resize(self) -> None:
        if self._decision_width() != self._width:
            self._set_columns()
            self._refill()

    def depends(self, data: ReviewData) -> Any:
        return data.decisions

    def draw(self, data: ReviewData, today: date) -> None:
        self._loaded = True
        self._rows = data.decisions
        self._refill()

    def _filtered(self) -> list[DecisionRow]:
        query = self.query_one("#decision-words", Input).value
        status = self.query_one("#decision-status", Select).value
        return [d for d in self._rows if (status == Select.NULL or d.status == status) and (not query.strip() or d.matches(query))]

    def _cells(self, d: DecisionRow, _n: int) -> tuple[Text, ...]:
        return Text(d.date), Text(d.status, style=STATUS_STYLE.get(d.status, "")), decision_cell(d), cell(d.decided_by or "—", BY_WIDTH)

    def _refill(self) -> None:
        table: PagedTable[DecisionRow] = self.query_one("#review-decisions", PagedTable)
        place = table.place()
        current = table.item_at_cursor()
        highlighted = current.key if current is not None else None
        self._shown = self._filtered()
        counts = Counter(d.status for d in self._rows)
        status = Text(words.count(len(self._rows), "decision"), style="bold")
        status.append(" · " + " · ".join(f"{counts[s]} {s}" for s in DECISION_STATUSES), style="dim")
        if len(self._shown) != len(self._rows):
            status.append(f" · {len(self._shown)} shown", style="dim")
        if not self._rows:
            status.append("   none yet: d captures one in a meeting", style="yellow")
        elif not self._shown:
            status.append("   none match: change the words or the status", style="yellow")
        self.query_one("#decisions-status", Static).update(status)
        table.fill(self._shown, place, next((n for n, d in enumerate(self._shown) if d.key == highlighted), None))

    @on(Input.Changed, "#decision-words")
    @on(Select.Changed, "#decision-status")
    def _filter_changed(self) -> None:
        if self._loaded:
            self._refill()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self._shown:
            d = self._shown[int(event.row_key.value or 0)]
            self.post_message(OpenMinutes(d.meeting_id, d.text[:40]))
