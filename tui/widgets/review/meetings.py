"""The meeting list: filters (series, person, dates), full-text search with highlighted
snippets, and Enter to read the minutes. In a large workspace it lists the newest meetings
first (:meth:`MeetingsPane.show_preview`), then every one once all are read."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.widgets import DataTable, Input, Select, Static

from tandem.store import words
from tandem.store.records import label
from tandem.store.review.model import MeetingRow, ReviewData, SearchHit
from tandem.store.review.search import terms
from tandem.tui.screen_base import from_worker
from tandem.tui.widgets.review.base import (
    TOP,
    OpenMinutes,
    PagedTable,
    Place,
    ReviewPane,
    cell,
    redraw_after_new_columns,
)

_DAY = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
COUNTS = ("Items", "Decisions", "Actions", "Feedback")
#: Below this width the count columns are left out. They take 37 columns, and date,
#: status and matches 32 more: from 100 up to here Status and Matches were cut off.
NARROW = 116
STATUS_STYLE = {"live": "bold green", "planned": "bold", "ended": "", "finalized": "dim", "cancelled": "dim strike"}


def name_widths(width: int, *, counts: bool) -> tuple[int, int]:
    """How wide the series title and the facilitator may be shown in a table ``width``
    wide, so that a long one never pushes the status off the screen (the search still
    finds every word of it)."""
    room = width - 2 - 32 - (37 if counts else 0)  # border; date, status, matches; counts
    series = max(10, room * 3 // 5 - 2)
    return series, max(8, room - series - 4)


def highlight(text: str, query: str) -> Text:
    """``text`` with every occurrence of every query term highlighted (case-insensitive)."""
    out = Text(text)
    folded = text.casefold()
    if len(folded) != len(text):  # casefold changed lengths (ß → ss): highlight nothing rather than the wrong letters
        return out
    for term in terms(query):
        start = folded.find(term)
        while start >= 0 and term:
            out.stylize("bold reverse", start, start + len(term))
            start = folded.find(term, start + len(term))
    return out


def day_filter(value: str) -> str | None:
    """'' (no bound), a valid YYYY[-MM[-DD]] prefix, or None when it is not a date."""
    value = value.strip()
    return value if not value or _DAY.fullmatch(value) else None


class MeetingsPane(ReviewPane):
    HELP_GROUP = "Meetings"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear", tooltip="Clear the search and filters", id="review.meetings.clear"),
    ]

    def __init__(self, source_search: Callable[[str], list[SearchHit]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._search = source_search
        self._rows: list[MeetingRow] = []
        self._hits: dict[str, SearchHit] | None = None
        self._query = ""
        #: The query ``_hits`` answer: a different one starts the table at its best match.
        self._hits_query = ""
        self._series: list[tuple[str, str]] | None = None  # the series filter's options
        #: Enter came before the results of this search: they open their top row.
        self._open_pending: str | None = None
        self._shown: list[MeetingRow] = []
        self.search_seconds: float | None = None
        self._narrow = False
        self._widths = (10, 8)
        self._fixed: tuple[int, ...] | None = None
        self._loads = 0
        #: The widths of the columns but the matches, for every meeting (see
        #: :meth:`_column_widths`), with the rows and sizes they are of.
        self._every_width: tuple[list[MeetingRow], tuple[bool, tuple[int, int]], tuple[int, ...]] | None = None
        #: Each meeting's row by id, with the rows it is of (for a search's hits).
        self._row_of: tuple[list[MeetingRow], dict[str, MeetingRow]] | None = None
        #: While only the newest meetings are listed (see :meth:`show_preview`): how many
        #: meeting files there are. None: every meeting is listed.
        self._partial: int | None = None
        #: The others could not be read (see :meth:`reading_failed`).
        self._partial_failed = False

    def compose(self) -> ComposeResult:
        with Grid(id="meeting-filters"):
            yield Input(placeholder="Search notes, records, titles…  (/)", id="search", compact=True)
            yield Select([], prompt="All series", id="series", compact=True)
            yield Input(placeholder="Person", id="person", compact=True)
            yield Input(placeholder="From YYYY-MM-DD", id="since", compact=True, max_length=10)
            yield Input(placeholder="To YYYY-MM-DD", id="until", compact=True, max_length=10)
        yield Static(id="meetings-status", classes="pane-status")
        yield PagedTable(self._cells, lambda r, _n: r.id, id="review-meetings", cursor_type="row", zebra_stripes=True)
        yield Static(id="snippets")

    def on_mount(self) -> None:
        self._set_columns()
        self.query_one("#snippets").display = False
        super().on_mount()

    def on_resize(self) -> None:
        if self._narrow != (self.size.width < NARROW) or self._widths != name_widths(self.size.width, counts=not self._narrow):
            keep = (self._highlighted_id(), self._table().place())  # before the columns go
            self._set_columns()
            self._refill(keep=keep)
            redraw_after_new_columns(self.query_one(DataTable))

    def _table(self) -> PagedTable[MeetingRow]:
        return self.query_one("#review-meetings", PagedTable)

    def _set_columns(self, widths: tuple[int, ...] | None = None) -> None:
        """Narrow terminals keep date, series, facilitator and status; wide ones get the
        counts. ``widths``: each column's, for a list longer than the table's window (see
        :meth:`_column_widths`); None: measured from the rows, as a DataTable does."""
        self._narrow = self.size.width < NARROW
        self._widths = name_widths(self.size.width, counts=not self._narrow)
        self._fixed = widths
        table = self._table()
        table.clear(columns=True)
        labels: list[str | Text] = ["Date", "Series", "Facilitator"]
        keys = ["date", "series", "facilitator"]
        if not self._narrow:
            labels += [Text(name, justify="right") for name in COUNTS]
            keys += [name.lower() for name in COUNTS]
        labels += ["Status", Text("Matches", justify="right")]
        keys += ["status", "matches"]
        for n, (name, key) in enumerate(zip(labels, keys, strict=True)):
            table.add_column(name, key=key, width=widths[n] if widths else None)

    def _column_widths(self, rows: list[MeetingRow]) -> tuple[int, ...] | None:
        """The width a DataTable holding every meeting would give each column (the widest
        cell or the header), measured on the distinct values of every meeting (of ``rows``,
        those shown, only the matches): the widths stay as they are whatever is shown,
        through the window's moves, searches and filters, so that the columns need not be
        made again each time. None for a list that fits in one window: the table measures it."""
        if len(self._rows) <= PagedTable.WINDOW and self._partial is None:
            return None

        def widest(header: str, values: set[str], cap: int | None = None) -> int:
            longest = max(map(cell_len, values), default=0)
            return max(cell_len(header), longest if cap is None else min(cap, longest))

        every = self._rows
        known = self._every_width
        if known is None or known[0] is not every or known[1] != (self._narrow, self._widths):
            widths = [
                widest("Date", {r.date for r in every}),
                widest("Series", {r.series_title for r in every}, self._widths[0]),
                widest("Facilitator", {r.facilitator or "—" for r in every}, self._widths[1]),
            ]
            if not self._narrow:
                counts = ({r.agenda_items for r in every}, {r.decisions for r in every}, {r.actions for r in every}, {r.feedback for r in every})
                widths += [widest(name, set(map(str, values))) for name, values in zip(COUNTS, counts, strict=True)]
            widths.append(widest("Status", {label(s) for s in {r.status for r in every}}))
            known = self._every_width = (every, (self._narrow, self._widths), tuple(widths))
        hits = self._hits or {}
        matches = {str(hits[r.id].matches) for r in rows if r.id in hits} if hits else set()
        return (*known[2], widest("Matches", matches))

    def depends(self, data: ReviewData) -> Any:
        # A search is run again on every change: a reload may change what matches.
        return data.meetings, self._query, self._loads if self._query else 0

    def show(self, data: ReviewData, today: date) -> None:
        self._loads += 1
        super().show(data, today)

    def draw(self, data: ReviewData, today: date) -> None:
        self._partial = None
        self._partial_failed = False
        self._set_rows(data)
        if self._query:
            self._run_search(self._query)  # a reload may change what matches (or a search typed while reading)
        else:
            self._refill(in_place=True)

    def show_preview(self, rows: list[MeetingRow], files: int) -> None:
        """The newest meetings (``rows``, newest first) while all ``files`` are read: listed,
        filtered and opened as every meeting will be; the status says it is the newest only,
        and a search waits for every meeting. :meth:`draw` replaces them, keeping the
        highlighted meeting highlighted."""
        if self._drawn is not None:  # every meeting is in already
            return
        self._partial = files
        self._set_rows(ReviewData(meetings=rows))
        self._refill(in_place=True)

    def reading_failed(self) -> None:
        """The other meetings could not be read (the screen says why): the newest stay."""
        self._partial_failed = True
        self._status()

    def _set_rows(self, data: ReviewData) -> None:
        self._rows = data.meetings
        options = data.series()
        if options != self._series:  # new options reset the choice, and refill once more
            self._series = options
            select = self.query_one("#series", Select)
            current = select.value
            select.set_options([(Text(title), sid) for sid, title in options])
            if current != Select.NULL and any(sid == current for sid, _ in options):
                select.value = current

    # --- filtering --------------------------------------------------------------------

    def _filtered(self) -> list[MeetingRow]:
        series = self.query_one("#series", Select).value
        person = self.query_one("#person", Input).value.strip()
        since = day_filter(self.query_one("#since", Input).value)
        until = day_filter(self.query_one("#until", Input).value)
        rows = self._rows
        if self._hits is not None:
            if self._row_of is None or self._row_of[0] is not rows:
                self._row_of = (rows, {r.id: r for r in rows})
            row_of = self._row_of[1]
            rows = [row_of[mid] for mid in self._hits if mid in row_of]  # in the order of the hits
        if series == Select.NULL and not person and not since and not until:
            return rows
        return [
            r
            for r in rows
            if (series == Select.NULL or r.series == series)
            and (not person or r.involves(person))
            and (not since or r.date >= since)
            and (not until or r.date[: len(until)] <= until)
        ]

    def _refill(self, *, top: bool = False, in_place: bool = False, keep: tuple[str | None, Place] | None = None) -> None:
        """Fill the table, keeping the highlighted meeting highlighted at the same height on
        screen. ``top``: start at the best match (a new search). ``in_place``: a refresh, where
        a meeting that went away leaves the cursor on the row that took its place (other
        changes, a filter say, start at the top instead)."""
        table = self._table()
        keep_id, place = keep if keep is not None else (self._highlighted_id(), table.place())
        self._shown = self._filtered()
        widths = self._column_widths(self._shown)
        if widths != self._fixed:
            self._set_columns(widths)
        row = next((n for n, r in enumerate(self._shown) if r.id == keep_id), None) if keep_id is not None else None
        if top or (row is None and not in_place):
            table.fill(self._shown, TOP, 0)
        else:
            table.fill(self._shown, place, row)
        self._status()
        self._snippets()

    def _status(self) -> None:
        text = Text()
        n = len(self._shown)
        if self._hits is not None:
            total = sum(self._hits[r.id].matches for r in self._shown)
            text.append(f"{n} meeting{'s' if n != 1 else ''} match ", style="bold")
            text.append(f"“{self._hits_query}”")
            text.append(f" · {words.count(total, 'hit')}", style="dim")
        elif self._partial is not None:
            newest = len(self._rows)
            shown = f"{newest} newest of {self._partial:,} meeting files" if n == newest else f"{n} of the {newest} newest meetings"
            text.append(shown, style="bold")
        else:
            text.append(f"{n} of {words.count(len(self._rows), 'meeting')}", style="bold")
        if self._partial is not None and self._partial_failed:
            text.append(" · the others could not be read", style="bold red")
        elif terms(self._query) and self._query != self._hits_query:
            waits = " once every meeting is read" if self._partial is not None else ""
            text.append(f"   searching “{self._query}”{waits}…", style="italic")
        elif self._partial is not None:
            text.append(" · reading the others…", style="dim")
        bad = [name for name in ("since", "until") if day_filter(self.query_one(f"#{name}", Input).value) is None]
        if bad:
            text.append("   dates look like 2026-03 or 2026-03-14", style="bold red")
        if not n and self._rows:
            text.append("   nothing matches: Esc clears the search and filters", style="yellow")
        elif not self._rows and self._partial is None:
            text.append("   no meetings here yet", style="yellow")
        self.query_one("#meetings-status", Static).update(text)
        for name in ("since", "until"):
            self.query_one(f"#{name}", Input).set_class(name in bad, "-invalid")

    def _cells(self, r: MeetingRow, _n: int) -> tuple[Text, ...]:
        hit = self._hits.get(r.id) if self._hits is not None else None
        counts = () if self._narrow else (r.agenda_items, r.decisions, r.actions, r.feedback)
        return (
            Text(r.date),  # never a plain str: DataTable reads those as markup
            cell(r.series_title, self._widths[0]),
            cell(r.facilitator or "—", self._widths[1]),
            *(Text(str(n), justify="right") for n in counts),
            Text(label(r.status), style=STATUS_STYLE.get(r.status, "")),
            Text(str(hit.matches) if hit else "", justify="right"),
        )

    def _highlighted_id(self) -> str | None:
        row = self._table().item_at_cursor()
        return row.id if row is not None else None

    def _snippets(self) -> None:
        box = self.query_one("#snippets", Static)
        meeting_id = self._highlighted_id()
        hit = self._hits.get(meeting_id) if (self._hits is not None and meeting_id) else None
        box.display = hit is not None
        if hit is None:
            return
        text = Text()
        for i, snippet in enumerate(hit.snippets):
            if i:
                text.append("\n")
            text.append(f"{snippet.where}: ", style="dim")
            text.append_text(highlight(snippet.text, self._query))
        if hit.matches > len(hit.snippets):
            text.append("\n… Enter opens the minutes with every match highlighted", style="dim italic")
        box.update(text)

    # --- search -----------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._run_search(event.value)

    def _run_search(self, query: str) -> None:
        self._query = query.strip()
        if not terms(self._query):
            self._hits = None
            self._hits_query = ""
            self._open_pending = None
            self.search_seconds = None
            self._refill()
            return
        self._status()  # searching…
        if self._partial is not None:
            return  # among every meeting: draw() runs it once they are all read
        self._search_worker(self._query)

    @work(thread=True, exclusive=True, group="search")
    def _search_worker(self, query: str) -> None:
        started = time.perf_counter()
        hits = self._search(query)
        seconds = time.perf_counter() - started
        from_worker(self, self._show_hits, query, hits, seconds)

    def _show_hits(self, query: str, hits: list[SearchHit], seconds: float) -> None:
        if query != self._query:  # a newer search is on its way
            return
        self._hits = {h.meeting_id: h for h in hits}
        self.search_seconds = seconds
        # A new query starts at its best match (the meeting highlighted before could rank
        # anywhere); the same one again (a poll re-ran it) leaves the user where they were.
        new, self._hits_query = query != self._hits_query, query
        self._refill(top=new, in_place=not new)
        if self._open_pending == query:
            self._open_pending = None
            self.query_one(DataTable).action_select_cursor()

    @on(Input.Changed, "#person, #since, #until")
    @on(Select.Changed, "#series")
    def _filter_changed(self) -> None:
        self._refill()

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self._snippets()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenMinutes(str(event.row_key.value), self._query))

    def open_highlighted(self) -> None:
        """Enter on the table. Keys typed just before it may still wait in the search box's
        queue, and their search may still be running (a fast "/procurement⏎⏎"): the minutes
        opened are then those of the top result once it is in, not of the row highlighted
        before the search."""
        self.query_one("#search", Input).call_later(self._open_when_searched)

    def _open_when_searched(self) -> None:
        # The box has its keys now (their Changed messages may still be on their way here).
        query = self.query_one("#search", Input).value.strip()
        if terms(query) and query != self._hits_query:
            self._open_pending = query  # _show_hits opens it
        else:
            self.query_one(DataTable).action_select_cursor()

    def focus_search(self) -> None:
        self.screen.set_focus(self.query_one("#search", Input))  # now: keys typed next go there

    def highlighted(self) -> str | None:
        return self._highlighted_id()

    def action_clear(self) -> None:
        for name in ("search", "person", "since", "until"):
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#series", Select).clear()
        self._query = ""
        self._hits = None
        self._hits_query = ""
        self._open_pending = None
        self.screen.set_focus(self.query_one(DataTable))
        self._refill()
