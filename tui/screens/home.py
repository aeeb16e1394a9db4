"""Home: what is live, what is next, open actions, and every meeting with its details."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.widgets import (
    DataTable,
    Header,
    LoadingIndicator,
    Static,
    TabPane,
)
from textual.worker import get_current_worker

from tandem.store.errors import TandemError
from tandem.store.index.entry import RACY_NS
from tandem.store.lifecycle import missed_meetings, next_meeting
from tandem.store.records import HELD_STATUSES, Claim, Meeting, Series, ShadowDay, label
from tandem.store.words import count
from tandem.store.workspace import Workspace
from tandem.tui import home_data
from tandem.tui.home_data import HomeData, HomeRow, keep_glance, newest_first, read_glance, read_home_stamped
from tandem.tui.screen_base import TandemScreen, from_worker
from tandem.tui.seams import any_app, main_app
from tandem.tui.widgets.footer import Footer
from tandem.tui.widgets.meeting_detail import MeetingDetail
from tandem.tui.widgets.news import HomeNewsLine
from tandem.tui.widgets.tabbed_content import TabbedContent

R = TypeVar("R")

# Live and upcoming meetings stand out; closed ones recede.
STATUS_STYLE = {"live": "bold green", "planned": "bold", "ended": "", "finalized": "dim", "cancelled": "dim strike"}

EMPTY_TEXT = (
    "[b]No meetings in this workspace yet.[/b]\n\n"
    "Press [b]n[/b] to plan your first sync: pick an agenda template, who is coming, and go.\n\n"
    "To look around first, quit and run [b]tandem demo[/b]: it opens a sample workspace "
    "with six months of syncs, lead feedback and shadow days, kept apart from your data.\n\n"
    "Workspace folder: {home}"
)


def _claimed_elsewhere(meeting: Meeting, home: Path | None) -> Claim | None:
    if home is None or meeting.claim is None:
        return None
    # Imported only for a claimed meeting: the sync package is no part of start-up.
    from tandem.store.sync.claim import claimed_elsewhere

    return claimed_elsewhere(meeting, home)


def summary_line(data: HomeData, today: date, home: Path | None = None) -> Text:
    """Live meeting, next planned one, open action items — the facilitator's glance.
    ``home``: the workspace, to tell a meeting run here from one a teammate runs."""
    meetings = data.pending  # the live and planned: all that can be next or missed
    text = Text()
    m = next_meeting(meetings, today)
    if m is not None and m.status == "live":
        text.append(" ● LIVE ", style="bold reverse green")
        claim = _claimed_elsewhere(m, home)
        if claim is not None:
            text.append(f" {m.title} ({m.date}): run by {claim.person} on {claim.host}, Enter shows it   ")
        else:
            text.append(f" {m.title} ({m.date}): Enter to resume   ")
    elif m is not None:
        text.append("Next: ", style="bold")
        text.append(f"{m.title} on {m.date}   ")
    else:
        text.append("Nothing planned: press n for a new meeting   ", style="dim")
    missed = missed_meetings(meetings, today)
    if missed:
        # Planned for a day gone by: never held. Cancel or move it, or run it by name.
        text.append(f"{count(len(missed), 'meeting')} past its date, still planned   ", style="bold yellow")
    day = today.isoformat()
    # Due dates are checked when written (YYYY-MM-DD): as text they compare as days do.
    overdue = sum(n for due, n in data.open_due.items() if due < day)
    text.append("Open action items: ", style="bold")
    text.append(str(data.open_actions))
    if overdue:
        text.append(f" ({overdue} overdue)", style="bold red")
    return text


#: Rows of the meeting list added before the first frame, beyond a screenful.
MORE_ROWS = 10
#: Up to this many meetings are listed at once; past it, the rows beyond the first screen
#: follow the first frame (a table measures every cell it is given).
ALL_AT_ONCE = 200
#: ... and come this long after it, once the first frame has reached the terminal (the
#: driver writes it from a thread, which a busy main thread starves) ...
PENDING_ROWS_AFTER_S = 0.25
#: ... this many at a time, keys handled in between: 20,000 rows take the table about two
#: seconds, which in one go would freeze the screen.
PENDING_ROWS_CHUNK = 250
#: Past this many rows, the meetings table is given more only as the cursor or the view
#: nears its end: a table works out every row's place again whenever it changes or its focus
#: or style does (6 ms a time at 20,000 rows, dozens of times when a form opens over it), and
#: measures every cell it is given (5,000 rows kept a form opened meanwhile waiting 3 s).
TABLE_ROWS = 500
#: After a glance is on screen, the full read starts this long after (the first frame is
#: written by the driver's thread, which a busy interpreter starves).
FULL_READ_AFTER_S = 0.3
#: A full read that could not vouch for the meetings folder (a file was saved into it
#: within a tick of the file system's clock) is done again this long after, for the glance
#: the next start opens on.
GLANCE_AGAIN_AFTER_S = RACY_NS / 1e9 + 0.5


class _Stopped(Exception):
    """Home's read was cancelled while it waited for a form in front to close."""


class HomeScreen(TandemScreen[None]):
    HELP_GROUP = "Home"
    # Focused as the screen mounts: each focus change rebuilds the footer's keys.
    AUTO_FOCUS = "#meetings"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_meeting", "New", tooltip="Plan a new meeting", id="home.new_meeting"),
        # Every participant's way in, so beside New, before the facilitator's keys.
        Binding("a", "contribute", "Contribute", tooltip="Add for the next meeting (a lead's verdict, a topic…); see what became of it", id="home.contribute"),
        # Ahead of the table's own enter (hidden), so the footer says what enter does.
        Binding("enter", "open_meeting", "Run", priority=True, tooltip="Run or resume the highlighted meeting or shadow day", id="home.open"),
        Binding(
            "e",
            "edit_meeting",
            "Edit",
            tooltip="Change a planned meeting's date and people; open an ended one to edit its notes, records, people and rating",
            id="home.edit",
        ),
        Binding("x", "export", "Export", tooltip="Export the highlighted meeting's minutes", id="home.export"),
        Binding("f", "finalize", "Finalize", tooltip="Lock an ended meeting against edits", id="home.finalize"),
        Binding("u", "unfinalize", "Unfinalize", tooltip="Make a finalized meeting editable (asks first)", id="home.unfinalize"),
        # Rare and asked about: in help and the palette, not taking footer room from Quit at 80 columns.
        Binding("c", "cancel_meeting", "Cancel", show=False, tooltip="Cancel the highlighted planned meeting (asks first)", id="home.cancel"),
        Binding("c", "uncancel_meeting", "Plan again", show=False, tooltip="Plan the highlighted cancelled meeting again", id="home.uncancel"),
        Binding("d,delete", "delete_meeting", "Delete", show=False, tooltip="Delete the highlighted meeting, a copy kept (asks first)", id="home.delete"),
        Binding("g", "goals", "Goals", tooltip="Objectives and the content pipeline, between meetings", id="home.goals"),
        # The table's title says which series is shown; the key is in help and the palette.
        Binding("s", "next_series", "Series", show=False, tooltip="Cycle the series filter", id="home.series_filter"),
        Binding("1", "show_tab('tab-meetings')", "Meetings", show=False, tooltip="Show the meetings", id="home.tab_meetings"),
        Binding("2", "show_tab('tab-shadow')", "Shadow days", show=False, tooltip="Show the shadow days", id="home.tab_shadow"),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Reload the meetings from disk", id="home.refresh"),
        Binding("q", "app.quit", "Quit", tooltip="Quit tandem", id="home.quit"),
        # Hidden from the footer (80 columns hold Run … Quit): home's line of news names the key
        # while topics wait for the highlighted planned meeting; help and the palette list it.
        Binding("t", "topics", "Topics", show=False, tooltip="Offer the highlighted planned meeting the topics waiting for its series", id="home.topics"),
    ]

    def __init__(self, workspace: Workspace, *, early: Future[HomeData] | None = None) -> None:
        """``early``: the first read, done before Textual started (see :mod:`tandem.tui.home_data`)."""
        super().__init__()
        self.workspace = workspace
        self._early = early
        self._rows: dict[str, HomeRow] = {}
        self._data: HomeData | None = None
        #: The highlighted meeting's id and the meeting as last read from its file (None:
        #: it could not be read); see ``selected``.
        self._read: tuple[str, Meeting | None] | None = None
        self._series: list[Series] = []
        self._series_filter: str | None = None
        self._select: str | None = None
        self._shadow_days: list[ShadowDay] = []
        #: Per table, the fill whose rows beyond the first screen are being added (a new
        #: fill stops the one before).
        self._fills: dict[str, int] = {}
        #: The meetings listed but not in the table yet, in the table's order.
        self._unlisted: list[HomeRow] = []
        #: Set while home is the screen in front: its read of every meeting waits while a
        #: form or a meeting is (their keys and frames come first).
        self._in_front = threading.Event()
        self._in_front.set()
        #: Whether the next read shows the glance first (the first read only).
        self._glance_first = True
        #: Whether what the first full read built was frozen out of the collector's walks.
        self._frozen = False

    @property
    def loaded(self) -> bool:
        """Whether every meeting has been read (not only the glance shown first)."""
        return self._data is not None and self._data.complete

    def on_screen_suspend(self) -> None:
        self._in_front.clear()

    def on_screen_resume(self) -> None:
        self._in_front.set()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="summary")
        yield HomeNewsLine(id="news")
        yield LoadingIndicator(id="loading")
        yield Static(id="problem", classes="banner")
        yield Static(id="empty")
        with TabbedContent(id="home-tabs"):
            with TabPane("Meetings", id="tab-meetings"), Horizontal(id="main"):
                yield DataTable(id="meetings", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="detail-pane"):
                    yield MeetingDetail(id="detail")
            with TabPane("Shadow days", id="tab-shadow"):
                yield DataTable(id="shadow-days", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#meetings", DataTable)
        table.add_column("Date", key="date")
        table.add_column("Series", key="series")
        table.add_column("Facilitator", key="facilitator")
        table.add_column("Status", key="status")
        table.add_column(Text("Open", justify="right"), key="open")
        self.watch(table, "scroll_y", self._scrolled, init=False)
        shadow = self.query_one("#shadow-days", DataTable)
        for name in ("Date", "Shadow", "Host", "Direction", "Status", "Activities", "Takeaways", "Experiment"):
            shadow.add_column(name, key=name.lower())
        self.query_one("#problem").display = False
        early = self._early
        if early is not None and early.done() and early.exception() is None:
            # Read before Textual started: the first layout has the meetings in it.
            self._early = None
            data = early.result()
            self._show(data)
            if not data.complete:  # a glance: every meeting is read after the first frame
                self._glance_first = False
                self._load(after_s=FULL_READ_AFTER_S)
            return
        for widget_id in ("#home-tabs", "#empty", "#summary"):
            self.query_one(widget_id).display = False
        self.action_refresh()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "-narrow")
        self.set_class(self.size.height < 20, "-short")

    # --- loading ------------------------------------------------------------------------

    def action_refresh(self, select: str | None = None) -> None:
        self._select = select
        self.query_one("#loading").display = not self._rows
        self._load()

    @work(thread=True, exclusive=True, group="load")
    def _load(self, *, after_s: float = 0.0) -> None:
        early, self._early = self._early, None
        glance_first, self._glance_first = self._glance_first, False
        stamp = None
        try:
            if early is not None:
                data = early.result()
            else:
                if glance_first:
                    glance = read_glance(self.workspace)
                    if glance is not None:
                        from_worker(self, self._show, glance)
                        after_s = FULL_READ_AFTER_S
                if after_s:
                    self._between(after_s)
                data, stamp = read_home_stamped(self.workspace, between=self._between)
        except TandemError as exc:
            from_worker(self, self._show_problem, str(exc))
            return
        except _Stopped:
            return
        from_worker(self, self._show, data)
        if data.complete and data.total > home_data.READ_FIRST_LIMIT:
            if stamp is None:
                from_worker(self, self.set_timer, GLANCE_AGAIN_AFTER_S, self._read_again)
            else:
                keep_glance(self.workspace, data, stamp)

    def _between(self, sleep_s: float = 0.0) -> None:
        """Where home's read of every meeting waits (in its thread) while home is not in
        front, and stops if it was cancelled (a newer read began, the app is closing)."""
        worker = get_current_worker()
        if sleep_s and not worker.is_cancelled:
            time.sleep(sleep_s)
        while not self._in_front.wait(0.1):
            if worker.is_cancelled:
                raise _Stopped
        if worker.is_cancelled:
            raise _Stopped

    def _read_again(self) -> None:
        """Every meeting read again, quietly, for a glance the next start can believe."""
        if self.is_mounted and self._data is not None and self._data.complete:
            self._load()

    def _show_problem(self, message: str) -> None:
        self.query_one("#loading").display = False
        problem = self.query_one("#problem", Static)
        problem.update(Text.assemble(("Cannot open this workspace. ", "bold"), message))
        problem.display = True

    def _show(self, data: HomeData) -> None:
        if not data.complete and self._data is not None and self._data.complete:
            return  # a glance that came after the full read (never so far; it would be older)
        if data.complete and self._data is not None and not self._data.complete and self._select is None:
            self._select = self.selected_id  # the full read after a glance: the cursor stays on its meeting
        if data.complete and data.total > home_data.READ_FIRST_LIMIT and not self._frozen:
            self._frozen = True
            # The rows of a big workspace stay while the app runs: the collector need not walk
            # them again (each full collection took 0.17 s at 20,000 meetings, in a form just
            # opened; frozen objects are still freed by their counts). As review does.
            gc.freeze()
        self.query_one("#loading").display = False
        self.query_one("#problem").display = False
        self._data = data
        self._rows = {r.id: r for r in data.rows}
        self._read = None
        self._series = sorted(data.series, key=lambda s: s.title)
        self._shadow_days = sorted(data.shadow_days, key=lambda d: (d.date, d.id), reverse=True)
        empty = not data.rows and not self._shadow_days
        self.query_one("#empty", Static).update(EMPTY_TEXT.format(home=escape(str(self.workspace.home))))
        self.query_one("#empty").display = empty
        self.query_one("#home-tabs").display = not empty
        if data.complete:  # a glance has not read them
            self._fill_shadow_days()
        if not isinstance(self.focused, DataTable):
            self.query_one("#shadow-days" if self._on_shadow_tab() else "#meetings", DataTable).focus()
        summary = self.query_one("#summary", Static)
        summary.display = not empty
        summary.update(summary_line(data, main_app(self).clock().date(), self.workspace.home))
        if data.complete:
            # What teammates contributed: read after this frame (every contributions file and
            # every meeting's triage), and after the glance's full read, not beside it.
            self.query_one(HomeNewsLine).read(self.workspace, data.pending, main_app(self).clock().date(), any_app(self).settings.me.name)
        self._fill_table()

    def _series_title(self, series_id: str) -> str:
        return next((s.title for s in self._series if s.id == series_id), series_id)

    def _fill_table(self) -> None:
        table = self.query_one("#meetings", DataTable)
        current = table.cursor_row
        chosen = self._rows.get(self._select or "")
        if chosen is not None and self._series_filter not in (None, chosen.series_id):
            self._series_filter = None  # show the meeting just planned, even in another series
        table.clear()
        rows = newest_first(list(self._rows.values()))
        if self._series_filter:
            rows = [r for r in rows if r.series_id == self._series_filter]
        label = self._series_title(self._series_filter) if self._series_filter else "all series"
        data = self._data
        # A glance holds the newest rows only: the count is of every meeting, or not known yet.
        counted = str(len(rows)) if data is None or data.complete else "…" if self._series_filter else str(data.total)
        table.border_title = Text(f"Meetings · {label} · {counted}")
        if not rows:
            self._unlisted = []
            self._add_later("meetings", [], self._add_rows)
            self.query_one("#detail", MeetingDetail).show(None, "")
            return
        row = min(current, len(rows) - 1)
        if self._select is not None and self._select in self._rows:
            row = next((n for n, r in enumerate(rows) if r.id == self._select), row)
            self._select = None
        # The rows a screen shows (and the cursor's) first; the rest after that frame is
        # drawn: a table measures every cell it is given, 0.05 s for 500 meetings.
        first = self._first_rows(len(rows), row)
        self._add_rows(rows[:first])
        self._unlisted = rows[first:]
        self._add_later("meetings", self._unlisted, self._add_rows, until=TABLE_ROWS)
        table.move_cursor(row=row)
        self._show_detail(self.selected_id)

    def _add_rows(self, rows: list[HomeRow]) -> None:
        table = self.query_one("#meetings", DataTable)
        titles = {s.id: s.title for s in self._series}
        for m in rows:
            table.add_row(
                m.date,
                Text(titles.get(m.series_id, m.series_id)),
                Text(m.facilitator),
                Text(m.status, style=STATUS_STYLE.get(m.status, "")),
                Text(str(m.open_actions), justify="right"),
                key=m.id,
            )

    def _first_rows(self, rows: int, cursor: int) -> int:
        """How many rows a table is given before the first frame: a screenful (the cursor's)."""
        screenful = self.app.size.height + MORE_ROWS
        return rows if rows <= ALL_AT_ONCE else max(screenful, cursor + screenful)

    def _add_later(self, table: str, rows: list[R], add: Callable[[list[R]], None], *, until: int | None = None) -> None:
        """``add`` the rows beyond a table's first screen after the first frame, a chunk at a
        time (taken from ``rows``), the screen handling what came meanwhile (a key, a resize)
        in between, until the table holds ``until`` rows; this fill of ``table`` stops the
        one before."""
        fill = self._fills[table] = self._fills.get(table, 0) + 1

        def next_chunk() -> None:
            if self._fills.get(table) != fill or not self.is_mounted or not rows:
                return
            room = PENDING_ROWS_CHUNK if until is None else min(PENDING_ROWS_CHUNK, until - self.query_one(f"#{table}", DataTable).row_count)
            if room <= 0:
                return
            if not self.is_current:  # a form or a meeting in front: it has the time, not rows unseen
                self.set_timer(PENDING_ROWS_AFTER_S, next_chunk)
                return
            add(rows[:room])
            del rows[:room]
            if rows:
                self.set_timer(0.01, next_chunk)

        if rows:
            self.set_timer(PENDING_ROWS_AFTER_S, next_chunk)

    def _fill_shadow_days(self) -> None:
        table = self.query_one("#shadow-days", DataTable)
        current = table.cursor_row
        table.clear()
        today = main_app(self).clock().date().isoformat()
        first = self._first_rows(len(self._shadow_days), current)
        self._add_shadow_days(self._shadow_days[:first], today)
        self._add_later("shadow-days", self._shadow_days[first:], lambda days: self._add_shadow_days(days, today))
        upcoming = sum(1 for d in self._shadow_days if d.date >= today and d.status != "done")
        table.border_title = f"Shadow days · {upcoming} upcoming · {len(self._shadow_days) - upcoming} past · n plans one"
        if table.row_count:
            table.move_cursor(row=min(current, table.row_count - 1))

    def _add_shadow_days(self, days: list[ShadowDay], today: str) -> None:
        table = self.query_one("#shadow-days", DataTable)
        for day in days:
            when = "upcoming" if day.date >= today and day.status != "done" else ""
            table.add_row(
                Text(day.date, style="bold" if when else ""),
                Text(day.shadow),
                Text(day.host),
                label(day.direction),
                Text(label(day.status), style={"in_progress": "bold green", "planned": "bold", "done": "dim"}.get(day.status, "")),
                f"{sum(a.done for a in day.activities)}/{len(day.activities)}",
                str(len(day.takeaways)),
                Text(day.experiment.text if day.experiment else "—", overflow="ellipsis", no_wrap=True),
                key=day.id,
            )

    @on(TabbedContent.TabActivated, "#home-tabs")
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        # A message left behind by a quicker second switch: focusing its (now hidden) table
        # would pull the tabs back to it (review.py has the same guard).
        if event.pane.id != event.tabbed_content.active:
            return
        if self.focused is None or event.pane not in self.focused.ancestors:
            self.query_one("#shadow-days" if event.pane.id == "tab-shadow" else "#meetings", DataTable).focus()

    #: Keys that act on the meetings table: on the shadow-days tab they would act on a
    #: meeting that is not on screen (finalize it, say), so they are off there.
    MEETING_ONLY = frozenset(
        {"export", "finalize", "unfinalize", "next_series", "edit_meeting", "cancel_meeting", "uncancel_meeting", "delete_meeting", "unstart_meeting", "topics"}
    )

    #: What can be done to a meeting in each status; the footer shows only these.
    FOR_STATUS: ClassVar[dict[str, frozenset[str]]] = {
        "planned": frozenset({"open_meeting", "edit_meeting", "cancel_meeting", "delete_meeting", "topics"}),
        "live": frozenset({"open_meeting", "unstart_meeting"}),
        "ended": frozenset({"edit_meeting", "export", "finalize", "delete_meeting"}),
        "finalized": frozenset({"export", "unfinalize"}),
        "cancelled": frozenset({"uncancel_meeting", "delete_meeting"}),
    }
    BY_STATUS = frozenset().union(*FOR_STATUS.values())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        shadow_tab = self._on_shadow_tab()
        if action in self.MEETING_ONLY and shadow_tab:
            return False
        if action in self.BY_STATUS and not shadow_tab:
            meeting = self.selected
            if action == "topics" and meeting is not None:  # shown while topics wait for its series
                return meeting.status == "planned" and self.query_one(HomeNewsLine).news.topics_for(meeting.series_id) > 0
            return meeting is not None and action in self.FOR_STATUS[meeting.status]
        return True

    def _on_shadow_tab(self) -> bool:
        return self.query_one("#home-tabs", TabbedContent).active == "tab-shadow"

    @property
    def selected_shadow_day(self) -> ShadowDay | None:
        table = self.query_one("#shadow-days", DataTable)
        if not table.row_count:
            return None
        day_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((d for d in self._shadow_days if d.id == day_id), None)

    @property
    def selected_id(self) -> str | None:
        table = self.query_one("#meetings", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @property
    def selected(self) -> Meeting | None:
        """The highlighted meeting, as its file holds it: read when it was highlighted (the
        list keeps only what it shows of each meeting), or now; None if it cannot be read."""
        meeting_id = self.selected_id
        if meeting_id is None or meeting_id not in self._rows:
            return None
        if self._read is None or self._read[0] != meeting_id:
            try:
                meeting: Meeting | None = self.workspace.get_meeting(meeting_id)  # ~1 ms: one file
            except TandemError:
                meeting = None
            self._read = (meeting_id, meeting)
        return self._read[1]

    def _list_more(self, cursor: int) -> None:
        """More meetings into the table, when the cursor is within a screenful of its end."""
        table = self.query_one("#meetings", DataTable)
        if self._unlisted and cursor >= table.row_count - self.app.size.height:
            chunk = self._unlisted[:PENDING_ROWS_CHUNK]
            del self._unlisted[:PENDING_ROWS_CHUNK]
            self._add_rows(chunk)

    def _scrolled(self, scroll_y: float) -> None:
        """More meetings into the table as its view (a mouse wheel, the scroll bar) nears its end."""
        table = self.query_one("#meetings", DataTable)
        if self._unlisted and table.max_scroll_y - scroll_y < self.app.size.height:
            self._list_more(table.row_count)

    def _list_up_to(self, meeting_id: str) -> None:
        """The table holds the meeting (if it is listed at all)."""
        table = self.query_one("#meetings", DataTable)
        while self._unlisted and meeting_id not in table.rows:
            self._list_more(table.row_count)

    @on(DataTable.RowHighlighted, "#meetings")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._list_more(event.cursor_row)
        self._show_detail(event.row_key.value)
        self.refresh_bindings()  # the keys follow what the highlighted meeting allows

    @on(DataTable.RowSelected, "#meetings")
    def _selected(self, _: DataTable.RowSelected) -> None:
        self.action_open_meeting()

    @on(DataTable.RowSelected, "#shadow-days")
    def _shadow_selected(self, _: DataTable.RowSelected) -> None:
        self.action_open_meeting()

    def _show_detail(self, meeting_id: str | None) -> None:
        record = None
        self._read = None
        if meeting_id is not None and meeting_id in self._rows:
            try:
                record = self.workspace.read_meeting(meeting_id)  # ~1 ms: one file
            except TandemError as exc:
                self.notify(str(exc), severity="error", markup=False)
            self._read = (meeting_id, record.meeting if record is not None else None)
        title = self._series_title(record.meeting.series_id) if record else ""
        self.query_one("#detail", MeetingDetail).show(record, title)

    # --- actions --------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#home-tabs", TabbedContent).active = tab

    def action_next_series(self) -> None:
        """Cycle the series filter: all → each series → all."""
        ids = [None, *(s.id for s in self._series)]
        self._series_filter = ids[(ids.index(self._series_filter) + 1) % len(ids)]
        self.query_one("#meetings", DataTable).move_cursor(row=0)
        self._fill_table()

    def action_new_meeting(self) -> None:
        if self._on_shadow_tab():
            main_app(self).plan_shadow_day()
            return
        main_app(self).new_meeting(self._series_filter)

    def action_open_meeting(self) -> None:
        if self._on_shadow_tab():
            day = self.selected_shadow_day
            if day is not None:
                main_app(self).open_shadow_day(day.id)
            return
        meeting = self.selected
        if meeting is None:
            return
        if meeting.status in ("ended", "finalized"):
            again = "e opens it for editing" if meeting.status == "ended" else "u makes it editable again"
            self.notify(f"{meeting.title} ({meeting.date}) has {meeting.status}: {again}, x exports its minutes.", markup=False)
            return
        main_app(self).open_meeting(meeting.id)

    def action_export(self) -> None:
        from tandem.store.minutes.export import export_folder, export_one

        meeting = self.selected
        if meeting is None:
            return
        try:
            path = export_one(self.workspace, meeting.id, export_folder(self.workspace, any_app(self).settings.export_dir))
        except (TandemError, OSError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.app.copy_to_clipboard(str(path))
        self.notify(f"{path}\n(path copied to the clipboard)", title="Minutes exported", markup=False)

    def _reexported(self, meeting_id: str, finalized: bool) -> Path | None:
        """Finalize or unfinalize; then the minutes exported before are written again, so
        none gives a status the meeting no longer has (run off the UI thread: the file
        names come from every meeting of the workspace)."""
        from tandem.store.minutes.export import export_folder, reexport_if_exported

        self.workspace.set_finalized(meeting_id, finalized)
        return reexport_if_exported(self.workspace, meeting_id, export_folder(self.workspace, any_app(self).settings.export_dir))

    @work(group="lifecycle")
    async def action_finalize(self) -> None:
        meeting = self.selected
        if meeting is None:
            return

        def done(again: Path | None) -> str:
            written = f" Its exported minutes say so ({again})." if again else ""
            return f"{meeting.title} ({meeting.date}) is finalized: read-only. u reopens it.{written}"

        if await self._change(done, lambda: self._reexported(meeting.id, True)):
            main_app(self).sync_after_meeting()

    @work(group="lifecycle")
    async def action_unfinalize(self) -> None:
        meeting = self.selected
        if meeting is None or meeting.status != "finalized":
            self.notify("Only a finalized meeting can be unfinalized.", severity="warning", markup=False)
            return
        ask = (f"Unfinalize {meeting.title} ({meeting.date})?", "Its minutes and records become editable again: it opens for editing.")
        if await self._change(
            "Unfinalized: edit what needs changing, then f finalizes it again.", lambda: self._reexported(meeting.id, False), ask=ask, select=meeting.id
        ):
            main_app(self).open_meeting(meeting.id, amend=True)

    # --- a meeting's life: change, cancel, take back, delete -----------------------------

    async def _change(
        self,
        done: str | Callable[[R], str],
        change: Callable[[], R],
        *,
        ask: tuple[str, str] | None = None,
        select: str | None = None,
    ) -> bool:
        """Ask ``ask`` (question, detail) if given; run ``change`` (a write) off the UI
        thread; say ``done`` (or what it makes of the result), or why it failed. True
        when the change was made."""
        from tandem.tui.screens.confirm import ConfirmScreen

        if ask is not None and not await self.app.push_screen_wait(ConfirmScreen(*ask)):
            return False
        try:
            result = await asyncio.to_thread(change)
        except (TandemError, OSError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return False
        self.notify(done if isinstance(done, str) else done(result), markup=False)
        self.action_refresh(select=select)
        return True

    @work(group="lifecycle")
    async def action_edit_meeting(self) -> None:
        from tandem.store.lifecycle import change_people, reschedule_meeting
        from tandem.store.templates import load_library
        from tandem.tui.screens.new_meeting import EditMeetingScreen

        meeting = self.selected
        if meeting is not None and meeting.status == "ended":
            main_app(self).open_meeting(meeting.id, amend=True)
            return
        if meeting is None or meeting.status != "planned":
            return
        today = main_app(self).clock().date()
        plan = await self.app.push_screen_wait(EditMeetingScreen(self.workspace, load_library(), today, meeting))
        if plan is None:
            return

        def change() -> None:
            if plan.date != meeting.date:
                reschedule_meeting(self.workspace, meeting.id, date.fromisoformat(plan.date))
            change_people(self.workspace, meeting.id, facilitator=plan.facilitator, attendees=plan.attendees, absentees=plan.absentees)

        moved = f", now on {date.fromisoformat(plan.date):%a %d %b}" if plan.date != meeting.date else ""
        await self._change(f"{meeting.title} changed{moved}.", change, select=meeting.id)

    @work(group="lifecycle")
    async def action_topics(self) -> None:
        from tandem.tui.screens.topics import offer_topics

        meeting = self.selected
        if meeting is None or meeting.status != "planned":
            return
        if await offer_topics(self.app, self.workspace, meeting, main_app(self).clock, say_none=True) is not None:
            self.action_refresh(select=meeting.id)

    @work(group="lifecycle")
    async def action_cancel_meeting(self) -> None:
        from tandem.store.lifecycle import cancel_meeting

        meeting = self.selected
        if meeting is None or meeting.status != "planned":
            return
        when = f"{date.fromisoformat(meeting.date):%a %d %b}"
        detail = "It stays in the list, marked cancelled; what was carried into it goes on to the next meeting held. c plans it again."
        ask = (f"Cancel {meeting.title} of {when}?", detail)
        await self._change(f"{meeting.title} of {when} is cancelled.", lambda: cancel_meeting(self.workspace, meeting.id), ask=ask, select=meeting.id)

    @work(group="lifecycle")
    async def action_uncancel_meeting(self) -> None:
        from tandem.store.lifecycle import uncancel_meeting

        meeting = self.selected
        if meeting is None or meeting.status != "cancelled":
            return
        when = f"{date.fromisoformat(meeting.date):%a %d %b}"
        await self._change(f"{meeting.title} of {when} is planned again.", lambda: uncancel_meeting(self.workspace, meeting.id), select=meeting.id)

    @work(group="lifecycle")
    async def action_unstart_meeting(self) -> None:
        from tandem.store.lifecycle import unstart_meeting

        meeting = self.selected
        if meeting is None or meeting.status != "live":
            return
        question = f"Take {meeting.title} of {date.fromisoformat(meeting.date):%a %d %b} back to planned?"
        detail = "For a meeting started by mistake: its clocks are reset and it starts again when it is run. Notes and records stay."
        await self._change(f"{meeting.title} is planned again.", lambda: unstart_meeting(self.workspace, meeting.id), ask=(question, detail), select=meeting.id)

    @work(group="lifecycle")
    async def action_delete_meeting(self) -> None:
        from tandem.store.lifecycle import delete_meeting, what_is_lost

        meeting = self.selected
        if meeting is None or meeting.status not in ("planned", "cancelled", "ended"):
            return
        try:
            lost = what_is_lost(await asyncio.to_thread(self.workspace.read_meeting, meeting.id))
        except (TandemError, OSError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        question = f"Delete {meeting.title} of {date.fromisoformat(meeting.date):%a %d %b} ({meeting.status})?"
        detail = ("Lost with it: " + ", ".join(lost) + ". " if lost else "It holds no notes or records. ") + "A copy is kept in the workspace's backups folder."
        done = f"{meeting.title} ({meeting.date}) deleted; a copy is in the backups folder."
        await self._change(done, lambda: delete_meeting(self.workspace, meeting.id), ask=(question, detail))

    def palette_commands(self) -> list[tuple[str, str, str]]:
        commands = [
            ("meeting: new", "plan_meeting", "Plan a meeting from a template"),
            ("shadow day: plan one", "plan_shadow", "A day in the other team's shoes"),
        ]
        live = next((r for r in self._rows.values() if r.status == "live"), None)
        if live is not None:
            commands.append((f"meeting: resume {live.title} ({live.date})", "resume_live", "Back to the live meeting"))
        shadow_tab = self._on_shadow_tab()
        selected = None if shadow_tab else self.selected
        if selected is not None and selected.status in ("planned", "live"):
            commands.append((f"meeting: open {selected.title} ({selected.date})", "open_meeting", "Run the highlighted meeting"))
        commands += [
            ("export: minutes of the highlighted meeting", "export", "Write Markdown minutes to the workspace's minutes folder"),
            ("export: latest minutes", "export_latest", "Minutes of the newest meeting that took place"),
            ("meeting: finalize the highlighted meeting", "finalize", "Lock an ended meeting against edits"),
            ("meeting: unfinalize the highlighted meeting", "unfinalize", "Make a finalized meeting editable again"),
            ("meeting: change the date and people of the highlighted meeting", "edit_meeting", "Before it takes place"),
            ("meeting: topics waiting for the highlighted meeting", "topics", "Take each into its agenda, defer or decline it"),
            ("meeting: cancel the highlighted meeting", "cancel_meeting", "Kept, marked cancelled; its carried items go on"),
            ("meeting: plan the highlighted cancelled meeting again", "uncancel_meeting", "Undo a cancellation"),
            ("meeting: take back the start of the highlighted meeting", "unstart_meeting", "A meeting started by mistake: planned again, clocks reset"),
            ("meeting: delete the highlighted meeting", "delete_meeting", "A copy is kept in the backups folder"),
            ("goals: objectives and the content pipeline", "goals", "Edit mutual goals and content between meetings"),
            ("view: cycle the series filter", "next_series", "All series, then each series"),
        ]
        return [c for c in commands if not (shadow_tab and c[1] in self.MEETING_ONLY) and self.check_action(c[1], ())]

    def action_plan_meeting(self) -> None:
        """ "meeting: new" from the palette: a meeting, on whichever tab (n follows the tab)."""
        main_app(self).new_meeting(self._series_filter)

    def action_plan_shadow(self) -> None:
        main_app(self).plan_shadow_day()

    def action_goals(self) -> None:
        from tandem.tui.screens.goals import GoalsScreen

        self.app.push_screen(GoalsScreen(self.workspace), callback=lambda _: self._back_from_goals())

    def action_contribute(self) -> None:
        from tandem.tui.screens.contribute import ContributeScreen

        pending = self._data.pending if self._data is not None else None
        self.app.push_screen(ContributeScreen(self.workspace, pending=pending), callback=lambda _: self._back_from_goals())

    def _back_from_goals(self) -> None:
        self.app.sub_title = str(self.workspace.home)
        self.action_refresh()

    def action_resume_live(self) -> None:
        live = next((r for r in self._rows.values() if r.status == "live"), None)
        if live is not None:
            main_app(self).open_meeting(live.id)

    def action_export_latest(self) -> None:
        held = sorted((r for r in self._rows.values() if r.status in HELD_STATUSES), key=lambda m: (m.date, m.id))
        if not held:
            self.notify("No meeting has taken place yet.", severity="warning", markup=False)
            return
        table = self.query_one("#meetings", DataTable)
        self._series_filter = None
        self._fill_table()
        self._list_up_to(held[-1].id)
        table.move_cursor(row=table.get_row_index(held[-1].id))
        self.action_export()
