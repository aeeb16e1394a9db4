"""What every review pane shares: it is handed the loaded rows, and can ask for minutes."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date
from itertools import chain
from operator import attrgetter
from typing import Any, Generic, NamedTuple, TypeVar
from weakref import WeakKeyDictionary

from rich.text import Text
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from tandem.store.outside import clean_text, is_clean
from tandem.store.review.model import ReviewData

T = TypeVar("T")

# --- user text on a terminal -------------------------------------------------------------------

#: What a terminal must not get from user text. Rich drops only a few controls and keeps
#: ESC: a title holding "\x1b[31m" recoloured the screen, one holding an OSC 52 sequence set
#: the clipboard, and the terminator Rich did drop left the terminal swallowing the rest of
#: the row, tearing the tables apart. (Tabs and line breaks are fine: Rich lays them out.)
#: So every shown string goes through the store's one rule for outside text.
#:
#: Fields that identify rather than show: kept exactly, since they fetch the minutes.
_KEYS = frozenset({"id", "meeting_id"})


def safe_text(value: str) -> str:
    """``value`` without escape sequences or control characters (tabs and line breaks kept)."""
    return value if is_clean(value) else clean_text(value)


def safe(value: T) -> T:
    """A review row (or a tuple of them) with every shown string made :func:`safe_text`;
    the same object when nothing needed it, which is nearly always."""
    if isinstance(value, str):
        return safe_text(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        items = tuple(safe(v) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        if _row_is_clean(value):
            return value
        changes: dict[str, Any] = {}
        for f in fields(value):
            old = getattr(value, f.name)
            if f.name not in _KEYS and (new := safe(old)) is not old:
                changes[f.name] = new
        return replace(value, **changes) if changes else value
    return value


class _Plan(NamedTuple):
    """How to check a row class at C speed: its shown text fields and text tuples, and the
    fields holding anything else (nested rows: checked one by one)."""

    #: (text fields..., class) and (text tuples..., class): ``__class__`` keeps attrgetter
    #: answering a tuple whatever the number of names.
    own: Callable[[Any], tuple[Any, ...]] | None
    each: Callable[[Any], tuple[Any, ...]] | None
    other: tuple[str, ...]

    def texts(self, value: Any) -> Iterator[Any]:
        if self.own is not None:
            yield from self.own(value)[:-1]
        if self.each is not None:
            for texts in self.each(value)[:-1]:
                yield from texts


_plans: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    plan = _plans.get(cls)
    if plan is not None:
        return plan
    text: list[str] = []
    tuples: list[str] = []
    other: list[str] = []
    for f in fields(cls):
        kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
        if f.name in _KEYS or kind in ("int", "float", "bool", "int | None", "float | None"):
            continue
        (text if kind == "str" else tuples if kind == "tuple[str, ...]" else other).append(f.name)
    plan = _plans[cls] = _Plan(attrgetter(*text, "__class__") if text else None, attrgetter(*tuples, "__class__") if tuples else None, tuple(other))
    return plan


def _joined_is_clean(texts: Iterable[Any]) -> bool:
    try:
        return is_clean(" ".join(texts))
    except TypeError:  # not what the annotations say: the careful path
        return False


def _row_is_clean(value: Any) -> bool:
    """Whether every shown string of a row is clean, checked on all of them joined."""
    plan = _plan(type(value))
    return _joined_is_clean(plan.texts(value)) and all(safe(v := getattr(value, name)) is v for name in plan.other)


#: Rows checked together (a block's text is joined: a bound on the memory that takes).
BLOCK = 4096


def _block_is_clean(rows: list[Any]) -> bool:
    """Whether every shown string of ``rows`` (of one dataclass without nested rows) is
    clean: their texts gathered by C code and checked joined. Row by row, 20,000
    meetings' 115,000 rows took 0.7-1.1 s before the first screen."""
    kinds = set(map(type, rows))
    if len(kinds) != 1:
        return False
    cls = kinds.pop()
    if not is_dataclass(cls):
        return False
    plan = _plan(cls)
    for name in plan.other:  # tuples of nested rows (a shadow day's takeaways): checked together
        values = list(map(attrgetter(name), rows))
        if not all(isinstance(v, tuple) for v in values):
            return False
        nested = list(chain.from_iterable(values))
        if nested and not _block_is_clean(nested):
            return False
    own = chain.from_iterable(t[:-1] for t in map(plan.own, rows)) if plan.own is not None else ()
    each = chain.from_iterable(chain.from_iterable(t[:-1] for t in map(plan.each, rows))) if plan.each is not None else ()
    return _joined_is_clean(chain(own, each))


def safe_rows(rows: list[Any]) -> list[Any]:
    """:func:`safe` of every row; the same list when nothing needed it."""
    out: list[Any] = []
    for start in range(0, len(rows), BLOCK):
        block = rows[start : start + BLOCK]
        out.extend(block if _block_is_clean(block) else map(safe, block))
    return rows if all(map(operator.is_, out, rows)) else out


def safe_data(data: ReviewData, previous: ReviewData | None = None) -> ReviewData:
    """Every row of ``data`` made safe to draw (off the UI thread). A row object that was
    in ``previous`` (already made safe) is kept as it is: the store hands back the same
    row objects for what did not change, so a reload after one meeting was saved checks
    that meeting's rows, not the other 20,000."""

    def rows(name: str, value: list[Any]) -> list[Any]:
        if previous is None:
            return safe_rows(value)
        # Only rows kept as they were are in ``previous`` under their own id (a row made
        # safe there is a new object), and ``previous`` keeps them alive: an id seen there
        # is that very row.
        seen = {id(v) for v in getattr(previous, name)}
        return [v if id(v) in seen else safe(v) for v in value]

    # What is not a list (what changed since the last load: ids) is not shown: kept as it is.
    cleaned: dict[str, Any] = {f.name: rows(f.name, value) if isinstance(value := getattr(data, f.name), list) else value for f in fields(data)}
    return ReviewData(**cleaned)


def cell(value: str, width: int, *, style: str = "") -> Text:
    """A table cell of user text cut to ``width`` cells with an ellipsis: a 200-character
    series title or owner pushed every column after it off an 80-column terminal."""
    text = Text(value, style=style, no_wrap=True, overflow="ellipsis")
    text.truncate(width, overflow="ellipsis")
    return text


# --- keeping the user's place in a table ---------------------------------------------------------


class Place(NamedTuple):
    """Where the user is in a table: the highlighted row and how far it is scrolled."""

    row: int
    scroll_y: float


TOP = Place(0, 0)
#: Places restored but not scrolled to yet (that waits for a refresh): a second refill
#: before then must start from there, not from the top where clear() left the view.
_pending: WeakKeyDictionary[DataTable, Place] = WeakKeyDictionary()


def place_of(table: DataTable) -> Place:
    return _pending.get(table) or Place(table.cursor_row, table.scroll_y)


def restore_place(table: DataTable, place: Place, row: int | None = None) -> None:
    """After the rows were replaced (``DataTable.clear()`` sends cursor and view to the top,
    so every poll refresh jumped there): the cursor on ``row``, where the highlighted item
    is now (None: it is gone, the row that took its place), scrolled so that it stays at
    the same height on screen."""
    _pending.pop(table, None)
    if not table.row_count:
        return
    target = min(place.row if row is None else row, table.row_count - 1)
    table.move_cursor(row=target, scroll=False)
    wanted = Place(target, max(0, place.scroll_y + target - place.row))
    _pending[table] = wanted

    def scroll() -> None:
        if _pending.get(table) == wanted:
            del _pending[table]
        table.scroll_to(y=wanted.scroll_y, animate=False)

    # After the refresh that sizes the new rows, and after the cursor's own scrolling.
    table.call_after_refresh(scroll)


def redraw_after_new_columns(table: DataTable) -> None:
    """The columns were rebuilt (a resize): once the rows are measured, draw them again.
    DataTable keeps the rows it drew before measuring them (at the headers' widths: Date
    "2026", Series "Weekl…") under a key the measuring does not change, so they stayed
    that narrow until the next key press. Writing a cell back changes the key."""

    def redraw() -> None:
        if table.row_count and table.columns:
            table.update_cell_at(Coordinate(0, 0), table.get_cell_at(Coordinate(0, 0)))

    table.call_after_refresh(redraw)


# --- panes ----------------------------------------------------------------------------------------


@dataclass
class OpenMinutes(Message):
    """Show a meeting's minutes, finding ``find`` in them if given."""

    meeting_id: str
    find: str = ""


class ReadingNotice(Static, can_focus=True):
    """What a tab shows while every meeting is read: its figures come from all of them, so
    none is shown before (a count from the newest few would be wrong). It takes the focus
    in its tab, so that keys never go to a table hidden behind it."""

    DEFAULT_CSS = """
    ReadingNotice {
        height: 1fr;
        padding: 1 2;
        color: $text-muted;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(reading_text(None), **kwargs)


def reading_text(files: int | None) -> Text:
    """The notice of a tab waiting for every meeting (``files``: how many there are, if known)."""
    what = "every meeting file" if files is None else f"all {files:,} meeting files"
    text = Text(f"Reading {what}…", style="bold")
    text.append("\nThis tab shows its figures once all of them are read; the Meetings tab (1) lists the newest meanwhile.")
    return text


class ReviewPane(Vertical):
    """A tab of the review screen. The screen hands every pane each load (:meth:`show`);
    a pane draws it (:meth:`draw`) only while its tab is in front, and only when what it
    shows of the rows changed (:meth:`depends`): redrawing every tab on every save of a
    live meeting nearby took about half a core with 5,000 meetings. Panes are
    mounted lazily, so each one also takes the screen's rows when it arrives after them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wanted: tuple[ReviewData, date] | None = None
        self._drawn: tuple[Any, date | None] | None = None
        #: How many times the pane was drawn: what the tests count.
        self.draws = 0

    def on_mount(self) -> None:
        data = getattr(self.screen, "data", None)
        if data is not None:
            self.show(data, self.screen.today)  # type: ignore[attr-defined]

    def show(self, data: ReviewData, today: date) -> None:
        """New rows: drawn now if the pane is in front, else when its tab is shown."""
        self._wanted = (data, today)
        if self.in_front():
            self.catch_up()

    def in_front(self) -> bool:
        tabs = next((a for a in self.ancestors if isinstance(a, TabbedContent)), None)
        pane = next((a for a in self.ancestors if isinstance(a, TabPane)), None)
        return tabs is None or pane is None or tabs.active == pane.id

    def catch_up(self) -> None:
        """Draw the rows last handed over, if what the pane shows of them changed."""
        if self._wanted is None or not self.is_mounted:
            return
        data, today = self._wanted
        self._wanted = None
        # Lists compare element by element, and the store keeps the rows of what did not
        # change as the same objects: an unchanged list is one pointer check per row.
        key = (self.depends(data), today if self.uses_today else None)
        if self._drawn is not None and self._drawn == key:
            return
        self._drawn = key
        self.draws += 1
        self.draw(data, today)

    #: Whether the pane shows anything that depends on the day (ages, overdue).
    uses_today = False

    def depends(self, data: ReviewData) -> Any:
        """What of ``data`` the pane shows: it is drawn again only when that changed."""
        return data

    def draw(self, data: ReviewData, today: date) -> None:
        raise NotImplementedError

    def table(self) -> DataTable | None:
        """Where Enter in one of the pane's filter boxes goes."""
        tables = self.query(DataTable)
        return tables.first() if tables else None


# --- long tables ----------------------------------------------------------------------------------


class PagedTable(DataTable, Generic[T]):
    """A table over a long list that holds only a window of it as rows, a few screens
    around the cursor, and moves the window when the cursor, a page key, Home/End or the
    wheel reach its edge. A DataTable filled with 20,000 meetings took seconds to fill
    and measure and 100 MB to hold; a window of a few hundred takes milliseconds. Short
    lists fit in one window and behave exactly as a DataTable.

    Rows are keyed by :attr:`key_of` (item, index in the list); cells come from
    :attr:`cells_of`. ``cursor_index`` is the cursor's place in the whole list."""

    #: Rows held at once.
    WINDOW = 300

    def __init__(self, cells_of: Callable[[T, int], Sequence[Any]], key_of: Callable[[T, int], str], *, row_height: int | None = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cells_of = cells_of
        self.key_of = key_of
        self.row_height = row_height
        self.items: Sequence[T] = ()
        #: Where the window starts in ``items`` (``offset`` is a Widget's CSS offset).
        self.window_start = 0
        #: The window's rows as last drawn (keys, cells): a refill that finds the same
        #: keys writes only the cells that changed (a poll after one meeting was saved).
        self._drawn: tuple[list[str], list[Sequence[Any]]] | None = None
        #: Set while the window is refilled: ``clear()`` scrolls to the top on its way.
        self._loading = False

    @property
    def cursor_index(self) -> int:
        return self.window_start + self.cursor_row

    def item_at_cursor(self) -> T | None:
        return self.items[self.cursor_index] if self.row_count and 0 <= self.cursor_index < len(self.items) else None

    def place(self) -> Place:
        """Where the user is in the whole list."""
        here = place_of(self)
        # Variable-height rows (decisions) count lines in scroll_y, rows in the offset: a
        # place is then near, not exact, once the window has moved.
        return Place(here.row + self.window_start, here.scroll_y + self.window_start)

    def clear(self, columns: bool = False) -> PagedTable[T]:
        self._drawn = None
        super().clear(columns)
        return self

    def fill(self, items: Sequence[T], place: Place, row: int | None = None) -> None:
        """Show ``items``, the cursor on ``row`` (None: the row at ``place``), at the same
        height on screen as it was at ``place`` (places in the whole list, as from :meth:`place`)."""
        self.items = items
        if not items:
            self.window_start = 0
            self.clear()
            _pending.pop(self, None)
            return
        target = min(place.row if row is None else row, len(items) - 1)
        start = self._start_around(target)
        if self._load(start) and target - start == self.cursor_row and place.row == target:
            return  # the same rows in the same place: the cells that changed were written
        restore_place(self, Place(place.row - start, place.scroll_y - start), target - start)

    def _start_around(self, index: int) -> int:
        if len(self.items) <= self.WINDOW:
            return 0
        return max(0, min(index - self.WINDOW // 2, len(self.items) - self.WINDOW))

    def _load(self, start: int) -> bool:
        """The window from ``start``. True if it held the same rows (only changed cells written)."""
        items = self.items[start : start + self.WINDOW]
        keys = [self.key_of(item, start + n) for n, item in enumerate(items)]
        cells = [self.cells_of(item, start + n) for n, item in enumerate(items)]
        drawn = self._drawn
        if drawn is not None and drawn[0] == keys and start == self.window_start and self.row_count == len(keys):
            for n, (old, new) in enumerate(zip(drawn[1], cells, strict=True)):
                if old != new:
                    for column, value in enumerate(new):
                        if column < len(old) and old[column] != value:
                            self.update_cell_at(Coordinate(n, column), value, update_width=True)
            self._drawn = (keys, cells)
            return True
        self._loading = True
        try:
            self.clear()
            self.window_start = start
            for key, row in zip(keys, cells, strict=True):
                self.add_row(*row, key=key, height=self.row_height)
        finally:
            self._loading = False
        self._drawn = (keys, cells)
        return False

    def _shift(self, around: int) -> None:
        """Move the window so that ``around`` (an index in the list) is well inside it,
        keeping the cursor on its item and the view where it was."""
        start = self._start_around(around)
        if start == self.window_start:
            return
        cursor, top = self.cursor_index, self.scroll_y + self.window_start
        self._load(start)
        row = max(0, min(cursor - start, self.row_count - 1))
        _pending.pop(self, None)
        self.move_cursor(row=row, scroll=False)
        self.scroll_to(y=max(0, top - start), animate=False, immediate=True)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def _more_below(self) -> bool:
        return self.window_start + self.row_count < len(self.items)

    def action_cursor_down(self) -> None:
        if self.cursor_row >= self.row_count - 1 and self._more_below():
            self._shift(self.cursor_index)
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0 and self.window_start:
            self._shift(self.cursor_index)
        super().action_cursor_up()

    def action_page_down(self) -> None:
        if self.cursor_row + self._page() >= self.row_count - 1 and self._more_below():
            self._shift(self.cursor_index)
        super().action_page_down()

    def action_page_up(self) -> None:
        if self.cursor_row - self._page() <= 0 and self.window_start:
            self._shift(self.cursor_index)
        super().action_page_up()

    def action_scroll_top(self) -> None:
        if self.window_start:
            self._load(0)
        super().action_scroll_top()

    def action_scroll_bottom(self) -> None:
        if self._more_below():
            self._load(self._start_around(len(self.items) - 1))
        super().action_scroll_bottom()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if not self._loading and ((new_value >= self.max_scroll_y and self._more_below()) or new_value <= 0 < self.window_start):
            self.call_after_refresh(self._follow_scroll)

    def _follow_scroll(self) -> None:
        """The wheel or the scroll bar reached the window's edge: move the window on."""
        if self in _pending or not self.row_count:
            return  # a refill is placing the view
        if self.scroll_y >= self.max_scroll_y and self._more_below():
            self._shift(self.window_start + self.row_count - 1)
        elif self.scroll_y <= 0 < self.window_start:
            self._shift(self.window_start)
