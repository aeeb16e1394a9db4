"""Action items across every meeting: by owner, status and overdue, with their age."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal
from textual.widgets import Checkbox, DataTable, Input, Select, Static

from tandem.store import words
from tandem.store.review.model import ActionRow, ReviewData
from tandem.tui.charts import bar_rows
from tandem.tui.widgets.review.base import (
    TOP,
    OpenMinutes,
    PagedTable,
    Place,
    ReviewPane,
    cell,
    redraw_after_new_columns,
)
from tandem.tui.widgets.ticks import TickBox

STATUS_MARK = {"open": ("☐ open", "bold"), "done": ("☑ done", "green"), "dropped": ("✗ dropped", "dim")}
#: Below this table width the status and "raised" columns fold away.
NARROW = 100
#: The "open by owner" chart (its width is in review.tcss) is shown from this pane width
#: up, so that the table beside it keeps 80 columns: at 100 it left no room for the action
#: text at all.
CHART_FROM = 120
CHART_WIDTH = 40
STATUS_CHOICES = [("Open", "open"), ("Done", "done"), ("Dropped", "dropped")]
#: Widest an owner is shown, so the action text after it stays in view.
OWNER_WIDTH = 24


def identity(a: ActionRow) -> tuple[str, str, str]:
    """What stays the same when an action item is edited (done, reassigned, new due date)."""
    return (a.meeting_id, a.raised, a.text)


class ActionsPane(ReviewPane):
    HELP_GROUP = "Action items"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "toggle_overdue", "Overdue", tooltip="Show only overdue action items, or all again", id="review.actions.overdue"),
    ]

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self._rows: list[ActionRow] = []
        self._today = date.today()
        self._narrow = False
        self._shown: list[ActionRow] = []
        self._loaded = False

    def compose(self) -> ComposeResult:
        with Grid(id="action-filters"):
            yield Input(placeholder="Owner", id="owner", compact=True)
            yield Select(STATUS_CHOICES, prompt="Any status", value="open", id="action-status", compact=True)
            yield TickBox("Overdue only", id="overdue", compact=True)
        yield Static(id="actions-status", classes="pane-status")
        with Horizontal(id="actions-body"):
            yield PagedTable(self._cells, lambda a, n: f"{n}:{a.meeting_id}", id="review-actions", cursor_type="row", zebra_stripes=True)
            yield Static(id="owners", classes="chart")

    def on_mount(self) -> None:
        self._set_columns()
        super().on_mount()

    def _table_width(self) -> int:
        return self.size.width - (CHART_WIDTH if self.size.width >= CHART_FROM else 0)

    def on_resize(self) -> None:
        self.set_class(self.size.width >= CHART_FROM, "-chart")
        if self._narrow != (self._table_width() < NARROW):
            keep = self._keep()  # before the columns go
            self._set_columns()
            self._refill(in_place=True, keep=keep)
            redraw_after_new_columns(self.query_one(DataTable))

    def _set_columns(self) -> None:
        # The action text goes last: it is the long one, and may run off the edge. Narrow
        # terminals fold the status into a mark before the text and leave out "Raised".
        self._narrow = self._table_width() < NARROW
        table = self.query_one(DataTable)
        table.clear(columns=True)
        if not self._narrow:
            table.add_column("Status", key="status")
        table.add_column("Due", key="due")
        table.add_column(Text("Age", justify="right"), key="age")
        table.add_column("Owner", key="owner")
        if not self._narrow:
            table.add_column("Raised", key="raised")
        table.add_column("Action item", key="action")

    uses_today = True

    def depends(self, data: ReviewData) -> Any:
        return data.actions

    def _table(self) -> PagedTable[ActionRow]:
        return self.query_one("#review-actions", PagedTable)

    def draw(self, data: ReviewData, today: date) -> None:
        self._loaded = True
        self._rows = data.actions
        self._today = today
        self._refill(in_place=True)

    def _filtered(self) -> list[ActionRow]:
        owner = self.query_one("#owner", Input).value.strip().casefold()
        status = self.query_one("#action-status", Select).value
        overdue = self.query_one("#overdue", Checkbox).value
        rows = [
            a
            for a in self._rows
            if (not owner or owner in a.owner.casefold()) and (status == Select.NULL or a.status == status) and (not overdue or a.overdue(self._today))
        ]
        # Overdue first, then by due date (none last), then the oldest.
        return sorted(rows, key=lambda a: (not a.overdue(self._today), a.due or "9999", a.raised))

    def _keep(self) -> tuple[tuple[str, str, str] | None, Place]:
        table = self._table()
        item = table.item_at_cursor()
        return (identity(item) if item is not None else None), table.place()

    def _cells(self, a: ActionRow, _n: int) -> list[Text]:
        mark, style = STATUS_MARK.get(a.status, (a.status, ""))
        late = a.overdue(self._today)
        cells = [
            # Overdue is marked, not only coloured: NO_COLOR and monochrome terminals.
            Text(f"{a.due} ⚠" if late else a.due or "—", style="bold red" if late else ""),
            Text(f"{a.age_days(self._today)} d", justify="right"),
            cell(a.owner or "—", OWNER_WIDTH),
        ]
        if self._narrow:
            cells.append(Text.assemble((mark.split()[0] + " ", style), a.text))
        else:
            cells = [Text(mark, style=style), *cells, Text(a.raised), Text(a.text)]
        return cells

    def _refill(self, *, in_place: bool = False, keep: tuple[tuple[str, str, str] | None, Place] | None = None) -> None:
        """Fill the table, keeping the highlighted action item highlighted at the same height
        on screen. ``in_place``: a refresh, where an item that went away (done, say, under
        "Open") leaves the cursor on the row that took its place; a filter change that
        drops it starts at the top."""
        table = self._table()
        kept, place = keep if keep is not None else self._keep()
        rows = self._filtered()
        self._shown = rows
        row = next((n for n, a in enumerate(rows) if identity(a) == kept), None) if kept is not None else None
        table.fill(rows, TOP if row is None and not in_place else place, row)
        self._summary(rows)

    def _summary(self, rows: list[ActionRow]) -> None:
        open_rows = [a for a in self._rows if a.status == "open"]
        late = sum(a.overdue(self._today) for a in open_rows)
        text = Text()
        text.append(f"{len(rows)} shown", style="bold")
        text.append(f" · {len(open_rows)} open")
        if late:
            text.append(f" · {late} overdue", style="bold red")
        if open_rows:
            oldest = max(a.age_days(self._today) for a in open_rows)
            text.append(f" · oldest open {words.count(oldest, 'day')}", style="dim")
        if not self._rows:
            text.append("   no action items recorded yet", style="yellow")
        elif not rows:
            text.append("   nothing matches these filters", style="yellow")
        self.query_one("#actions-status", Static).update(text)
        owners = Counter(a.owner or "(no owner)" for a in open_rows)
        chart = Text("Open by owner\n", style="bold")
        chart.append_text(
            bar_rows([(name, n, str(n)) for name, n in owners.most_common(12)], width=34, label_width=16) if owners else Text("nothing open", style="dim")
        )
        self.query_one("#owners", Static).update(chart)

    @on(Input.Changed, "#owner")
    @on(Select.Changed, "#action-status")
    @on(Checkbox.Changed, "#overdue")
    def _filter_changed(self) -> None:
        self._refill()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenMinutes(str(event.row_key.value).split(":", 1)[1]))

    def action_toggle_overdue(self) -> None:
        box = self.query_one("#overdue", Checkbox)
        box.value = not box.value
