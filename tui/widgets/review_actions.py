"""Action items across every meeting: by owner, status and overdue, with their age."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal
from textual.widgets import Checkbox, DataTable, Input, Select, Static

from tandem.store.review_model import ActionRow, ReviewData
from tandem.tui.charts import bar_rows
from tandem.tui.widgets.review_base import OpenMinutes, ReviewPane

STATUS_MARK = {"open": ("☐ open", "bold"), "done": ("☑ done", "green"), "dropped": ("✗ dropped", "dim")}
#: Below this width the status and "raised" columns fold away.
NARROW = 100
STATUS_CHOICES = [("Open", "open"), ("Done", "done"), ("Dropped", "dropped")]


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

    def compose(self) -> ComposeResult:
        with Grid(id="action-filters"):
            yield Input(placeholder="Owner", id="owner", compact=True)
            yield Select(STATUS_CHOICES, prompt="Any status", value="open", id="action-status", compact=True)
            yield Checkbox("Overdue only", id="overdue", compact=True)
        yield Static(id="actions-status", classes="pane-status")
        with Horizontal(id="actions-body"):
            yield DataTable(id="review-actions", cursor_type="row", zebra_stripes=True)
            yield Static(id="owners", classes="chart")

    def on_mount(self) -> None:
        self._set_columns()
        super().on_mount()

    def on_resize(self) -> None:
        if self._narrow != (self.size.width < NARROW):
            self._set_columns()
            self._refill()

    def _set_columns(self) -> None:
        # The action text goes last: it is the long one, and may run off the edge. Narrow
        # terminals fold the status into a mark before the text and leave out "Raised".
        self._narrow = self.size.width < NARROW
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

    def show(self, data: ReviewData, today: date) -> None:
        self._rows = data.actions
        self._today = today
        self._refill()

    def _filtered(self) -> list[ActionRow]:
        owner = self.query_one("#owner", Input).value.strip().casefold()
        status = self.query_one("#action-status", Select).value
        overdue = self.query_one("#overdue", Checkbox).value
        rows = [
            a
            for a in self._rows
            if (not owner or owner in a.owner.casefold())
            and (status == Select.NULL or a.status == status)
            and (not overdue or a.overdue(self._today))
        ]
        # Overdue first, then by due date (none last), then the oldest.
        return sorted(rows, key=lambda a: (not a.overdue(self._today), a.due or "9999", a.raised))

    def _refill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        rows = self._filtered()
        for n, a in enumerate(rows):
            mark, style = STATUS_MARK.get(a.status, (a.status, ""))
            late = a.overdue(self._today)
            cells = [
                Text(a.due or "—", style="bold red" if late else ""),
                Text(f"{a.age_days(self._today)} d", justify="right"),
                Text(a.owner or "—"),
            ]
            if self._narrow:
                cells.append(Text.assemble((mark.split()[0] + " ", style), a.text))
            else:
                cells = [Text(mark, style=style), *cells, Text(a.raised), Text(a.text)]
            table.add_row(*cells, key=f"{n}:{a.meeting_id}")
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
            text.append(f" · oldest open {oldest} days", style="dim")
        if not self._rows:
            text.append("   no action items recorded yet", style="yellow")
        elif not rows:
            text.append("   nothing matches these filters", style="yellow")
        self.query_one("#actions-status", Static).update(text)
        owners = Counter(a.owner or "(no owner)" for a in open_rows)
        chart = Text("Open by owner\n", style="bold")
        chart.append_text(
            bar_rows([(name, n, str(n)) for name, n in owners.most_common(12)], width=34, label_width=16)
            if owners
            else Text("nothing open", style="dim")
        )
        self.query_one("#owners", Static).update(chart)

    @on(Input.Changed, "#owner")
    @on(Select.Changed, "#action-status")
    @on(Checkbox.Changed, "#overdue")
    def _filter_changed(self) -> None:
        self._refill()

    @on(Input.Submitted)
    def _to_table(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenMinutes(str(event.row_key.value).split(":", 1)[1]))

    def action_toggle_overdue(self) -> None:
        box = self.query_one("#overdue", Checkbox)
        box.value = not box.value
