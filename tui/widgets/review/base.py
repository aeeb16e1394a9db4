"""What every review pane shares: it is handed the loaded rows, and can ask for minutes."""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date
from typing import Any, NamedTuple, TypeVar
from weakref import WeakKeyDictionary

from rich.text import Text
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

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
        changes: dict[str, Any] = {}
        for f in fields(value):
            old = getattr(value, f.name)
            if f.name not in _KEYS and (new := safe(old)) is not old:
                changes[f.name] = new
        return replace(value, **changes) if changes else value
    return value


def safe_data(data: ReviewData) -> ReviewData:
    """Every row of ``data`` made safe to draw (done once per load, off the UI thread)."""
    return ReviewData(**{f.name: [safe(v) for v in value] if isinstance(value := getattr(data, f.name), list) else safe(value) for f in fields(data)})


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


class ReviewPane(Vertical):
    """A tab of the review screen. Panes are mounted lazily, so each one also fills itself
    from the screen's rows when it arrives after them."""

    def on_mount(self) -> None:
        data = getattr(self.screen, "data", None)
        if data is not None:
            self.show(data, self.screen.today)  # type: ignore[attr-defined]

    def show(self, data: ReviewData, today: date) -> None:
        raise NotImplementedError

    def table(self) -> DataTable | None:
        """Where Enter in one of the pane's filter boxes goes."""
        tables = self.query(DataTable)
        return tables.first() if tables else None
