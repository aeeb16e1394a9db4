"""Home: the workspace's meetings, newest first, with the highlighted one's details."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, LoadingIndicator, Static

from tandem.store.errors import TandemError
from tandem.store.records import Series
from tandem.store.workspace import MeetingRecord, Workspace
from tandem.tui.widgets.meeting_detail import MeetingDetail

# Live and upcoming meetings stand out; closed ones recede.
STATUS_STYLE = {"live": "bold green", "planned": "bold", "ended": "", "finalized": "dim"}

EMPTY_TEXT = (
    "[b]No meetings in this workspace yet.[/b]\n\n"
    "To look around first, quit and run [b]tandem demo[/b]: it opens a sample workspace "
    "with six months of syncs, lead feedback and shadow days, kept apart from your data.\n\n"
    "Workspace folder: {home}"
)


class HomeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh", id="home.refresh"),
        Binding("s", "next_series", "Series filter", id="home.series_filter"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self._records: dict[str, MeetingRecord] = {}
        self._series: list[Series] = []
        self._series_filter: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield LoadingIndicator(id="loading")
        yield Static(id="problem", classes="banner")
        yield Static(id="empty")
        with Horizontal(id="main"):
            yield DataTable(id="meetings", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="detail-pane"):
                yield MeetingDetail(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#meetings", DataTable)
        table.add_column("Date", key="date")
        table.add_column("Series", key="series")
        table.add_column("Facilitator", key="facilitator")
        table.add_column("Status", key="status")
        table.add_column(Text("Open", justify="right"), key="open")
        self.query_one("#main").display = False
        self.query_one("#empty").display = False
        self.query_one("#problem").display = False
        self.action_refresh()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "-narrow")

    def action_refresh(self) -> None:
        self.query_one("#loading").display = True
        self._load()

    @work(thread=True, exclusive=True, group="load")
    def _load(self) -> None:
        try:
            records = list(self.workspace.iter_meeting_records())
            series = self.workspace.series.all()
        except TandemError as exc:
            self.app.call_from_thread(self._show_problem, str(exc))
            return
        self.app.call_from_thread(self._show, records, series)

    def _show_problem(self, message: str) -> None:
        self.query_one("#loading").display = False
        problem = self.query_one("#problem", Static)
        problem.update(f"[b]Cannot open this workspace.[/b] {message}")
        problem.display = True

    def _show(self, records: list[MeetingRecord], series: list[Series]) -> None:
        self.query_one("#loading").display = False
        self.query_one("#problem").display = False
        self._records = {r.meeting.id: r for r in records}
        self._series = sorted(series, key=lambda s: s.title)
        empty = not records
        self.query_one("#empty", Static).update(EMPTY_TEXT.format(home=self.workspace.home))
        self.query_one("#empty").display = empty
        self.query_one("#main").display = not empty
        self._fill_table()

    def _series_title(self, series_id: str) -> str:
        return next((s.title for s in self._series if s.id == series_id), series_id)

    def _fill_table(self) -> None:
        table = self.query_one("#meetings", DataTable)
        current = table.cursor_row
        table.clear()
        rows = sorted(self._records.values(), key=lambda r: (r.meeting.date, r.meeting.id), reverse=True)
        for record in rows:
            m = record.meeting
            if self._series_filter and m.series_id != self._series_filter:
                continue
            open_actions = sum(a.status == "open" for a in record.actions)
            table.add_row(
                m.date,
                self._series_title(m.series_id),
                m.facilitator,
                Text(m.status, style=STATUS_STYLE.get(m.status, "")),
                Text(str(open_actions), justify="right"),
                key=m.id,
            )
        label = self._series_title(self._series_filter) if self._series_filter else "all series"
        table.border_title = f"Meetings · {label} · {table.row_count}"
        if table.row_count:
            table.move_cursor(row=min(current, table.row_count - 1))
            self._show_detail(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        else:
            self.query_one("#detail", MeetingDetail).show(None, "")

    @on(DataTable.RowHighlighted, "#meetings")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.row_key.value)

    def _show_detail(self, meeting_id: str | None) -> None:
        record = self._records.get(meeting_id or "")
        title = self._series_title(record.meeting.series_id) if record else ""
        self.query_one("#detail", MeetingDetail).show(record, title)

    def action_next_series(self) -> None:
        """Cycle the series filter: all → each series → all."""
        ids = [None, *(s.id for s in self._series)]
        self._series_filter = ids[(ids.index(self._series_filter) + 1) % len(ids)]
        self.query_one("#meetings", DataTable).move_cursor(row=0)
        self._fill_table()
