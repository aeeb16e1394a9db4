"""The imported leads of a lead-quality item, one line each, for triage by keyboard
(``tui/screens/live_leads.py`` does the work).

A line API widget rather than a DataTable: a verdict changes one lead, and only that line
(and the cursor's) is rendered again — a DataTable renders every visible row once any cell
changed. The lines of the other leads are kept as rendered until the width changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tandem.store.crm.lead import Lead
from tandem.store.outside import one_line
from tandem.store.records import LeadFeedback, label

#: Longest text of a cell laid out (the line is cut to its column anyway).
CELL_CHARS = 120


@dataclass(frozen=True, slots=True)
class Judged:
    """Feedback on a lead shown in its line: ``who`` gave it ("" for this meeting's own),
    ``how`` it waits (``"waiting"``: a teammate's contribution not taken in yet;
    ``"earlier"``: an earlier meeting's; ``"here"``: this meeting's)."""

    how: str
    verdict: str
    reasons: tuple[str, ...] = ()
    who: str = ""


@dataclass(frozen=True, slots=True)
class LeadRow:
    lead: Lead
    #: The feedback shown (None: none yet).
    judged: Judged | None = None
    #: Reasons picked before the verdict (number keys on a lead not judged yet).
    pending: tuple[str, ...] = ()


def _cut(text: str) -> str:
    return " ".join(text[:CELL_CHARS].split())


def _pair(a: str, b: str) -> str:
    return " / ".join(x for x in (_cut(a), _cut(b)) if x)


def feedback_text(row: LeadRow) -> Text:
    """The feedback column: a verdict in words (read in NO_COLOR too) and its reasons."""
    out = Text()
    judged = row.judged
    if judged is not None:
        mark, style = {"here": ("✓ ", "bold"), "waiting": ("• ", "yellow"), "earlier": ("↺ ", "dim")}[judged.how]
        out.append(mark, style=style)
        if judged.who:
            # A teammate's name as git and their file carry it: no escape reaches the terminal.
            out.append(f"{one_line(judged.who, CELL_CHARS)}: ", style="italic" if judged.how == "waiting" else "dim")
        out.append(label(judged.verdict), style=style)
        if judged.reasons:
            out.append(" · " + ", ".join(label(r) for r in judged.reasons), style="" if judged.how == "here" else "dim")
    if row.pending:
        out.append(("  " if out else "") + "→ " + ", ".join(label(r) for r in row.pending), style="italic")
    return out


def legend(codes: Sequence[str], keys: str, note: Text | None = None) -> Text:
    """The legend under a lead table: the reason codes by number, then ``keys`` (dim), then
    ``note`` (a verdict refused, and why) on a line of its own."""
    out = Text(no_wrap=False)
    for n, code in enumerate(codes, 1):
        if n > 1:
            out.append(" · ", style="dim")
        out.append(f"{n}", style="bold")
        out.append(f" {label(code)}")
    out.append(keys, style="dim")
    if note is not None:
        out.append("\n")
        out.append_text(note)
    return out


def judged_of(feedback: LeadFeedback, how: str, who: str = "") -> Judged:
    return Judged(how=how, verdict=feedback.verdict, reasons=tuple(feedback.reasons), who=who)


#: (title, share of the width it wants, smallest width) of each column after the reference.
_WIDE = (("Feedback", 30, 18), ("Source / campaign", 20, 10), ("Persona / segment", 18, 10), ("Stage", 8, 5), ("Status", 9, 6))


class LeadTable(ScrollView, can_focus=True):
    """The period's leads: reference, feedback, source / campaign, persona / segment,
    stage, status (under 90 columns the last four share one column). The keys are the
    screen's actions, so that help and the command palette list them."""

    HELP_GROUP = "Lead triage"
    COMPONENT_CLASSES: ClassVar[set[str]] = {"lead-table--header", "lead-table--cursor"}
    DEFAULT_CSS = """
    LeadTable {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        & > .lead-table--header { text-style: bold; color: $text-muted; }
        & > .lead-table--cursor { background: $boost; text-style: bold; }
        &:focus > .lead-table--cursor { background: $accent 40%; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "screen.lead_verdict('good')", "Good", tooltip="The highlighted lead is good: accepted; on to the next", id="leads.good"),
        Binding(
            "p", "screen.lead_verdict('poor')", "Poor", tooltip="The highlighted lead is poor: rejected at its stage (pick a reason first)", id="leads.poor"
        ),
        Binding(
            "e",
            "screen.lead_verdict('too_early')",
            "Early",
            tooltip="The highlighted lead came too early: recycled to marketing; on to the next",
            id="leads.too_early",
        ),
        *(
            Binding(
                str(n),
                f"screen.lead_reason({n})",
                f"Reason {n}",
                show=False,
                tooltip=f"Tick or untick reason {n} of the legend for the highlighted lead",
                id=f"leads.reason{n}",
            )
            for n in range(1, 10)
        ),
        Binding("enter", "screen.lead_take", "Take in", tooltip="Take the teammate's feedback on the highlighted lead into this meeting", id="leads.take"),
        Binding("u", "screen.undo", "Undo", tooltip="Undo the last verdict, reason or capture of this session", id="leads.undo"),
        Binding("up", "cursor(-1)", "Up", show=False, tooltip="The lead above", id="leads.up"),
        Binding("down", "cursor(1)", "Down", show=False, tooltip="The lead below", id="leads.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, tooltip="A page of leads up", id="leads.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, tooltip="A page of leads down", id="leads.page_down"),
        Binding("home", "edge(0)", "First", show=False, tooltip="The first lead", id="leads.first"),
        Binding("end", "edge(1)", "Last", show=False, tooltip="The last lead", id="leads.last"),
        Binding("escape", "screen.focus_agenda", "Agenda", show=False, tooltip="Leave the leads for the agenda", id="leads.leave"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[LeadRow] = []
        self.cursor = 0
        self._index: dict[str, int] = {}
        self._strips: dict[int, Strip] = {}
        self._header: Strip | None = None
        self._columns: list[tuple[str, int]] = []
        self._laid_out_for = -1
        #: The widget's own style, worked out once a frame (``render_lines``): ``rich_style``
        #: walks every ancestor's styles, most of the cost of a line drawn from the cache.
        self._base: Style | None = None
        #: Told (the row left, the row reached) when the cursor moves: the screen's footer
        #: changes only when the keys that apply do (redrawing it costs most of a frame).
        self.on_move: Callable[[LeadRow, LeadRow], None] | None = None
        self.display = False

    # --- data -----------------------------------------------------------------------------

    def show(self, rows: Sequence[LeadRow], *, keep: bool = True) -> None:
        """All the rows (a new period, or the item made active); the cursor stays on the
        same lead when ``keep`` and it is still there."""
        current = self.current.lead.id if keep and self.current is not None else None
        self.rows = list(rows)
        self._index = {row.lead.id: n for n, row in enumerate(self.rows)}
        self._strips.clear()
        self.cursor = self._index.get(current, 0) if current is not None else 0
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self.scroll_to(y=0, animate=False, immediate=True) if not keep else self._follow()
        self.refresh()

    def set_row(self, index: int, row: LeadRow) -> None:
        """One lead changed: only its line is laid out and drawn again."""
        if self.rows[index] == row:
            return
        self.rows[index] = row
        self._strips.pop(index, None)
        self._refresh_row(index)

    def index_of(self, lead_id: str) -> int | None:
        return self._index.get(lead_id)

    @property
    def current(self) -> LeadRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    # --- moving -----------------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        index = max(0, min(index, len(self.rows) - 1))
        if index == self.cursor:
            return
        before, self.cursor = self.cursor, index
        top = int(self.scroll_y)
        self._follow(turn=abs(index - before) == 1)
        if int(self.scroll_y) == top:  # no scroll: the two lines are all that changed
            self._refresh_row(before)
            self._refresh_row(index)
        if self.on_move is not None:
            self.on_move(self.rows[before], self.rows[index])

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, step: int) -> None:
        self.move_to(self.cursor + step * max(1, self.size.height - 2))

    def action_edge(self, end: int) -> None:
        self.move_to(len(self.rows) - 1 if end else 0)

    def _follow(self, *, turn: bool = False) -> None:
        """Scroll so that the cursor's line is in view (below the header). ``turn``: the
        cursor stepped off an edge, and the view turns a page, the line it left still in
        view at the other edge, as mutt's index does: scrolled a line at a time, every
        verdict past the first page redrew the whole table and its scrollbar (most of a
        frame); now one key in a page does."""
        shown = max(1, self.size.height - 1)
        turn = turn and shown >= 3
        top = int(self.scroll_y)
        if self.cursor < top:
            y = self.cursor - shown + 2 if turn else self.cursor
        elif self.cursor >= top + shown:
            y = self.cursor - 1 if turn else self.cursor - shown + 1
        else:
            return
        self.scroll_to(y=max(0, y), animate=False, immediate=True)

    def _refresh_row(self, index: int) -> None:
        y = index - int(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.move_to(int(self.scroll_y) + event.y - 1)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows) + 1)
        self._follow()

    # --- drawing ------------------------------------------------------------------------------

    def _layout(self, width: int) -> None:
        if width == self._laid_out_for:
            return
        self._laid_out_for = width
        self._strips.clear()
        self._header = None
        refs = max((len(_cut(r.lead.reference)) for r in self.rows[:500]), default=8)
        ref_w = max(5, min(refs, 16))
        rest = width - ref_w - 1
        wanted = [w for _, w, _ in _WIDE]
        if rest >= sum(wanted) + len(_WIDE) - 1:
            extra = rest - sum(wanted) - (len(_WIDE) - 1)
            self._columns = [("Lead", ref_w), ("Feedback", wanted[0] + extra)] + [(t, w) for t, w, _ in _WIDE[1:]]
        else:
            feedback = max(12, min(30, rest * 3 // 5))
            self._columns = [("Lead", ref_w), ("Feedback", feedback), ("Source · persona · stage · status", max(0, rest - feedback - 1))]

    def _cells(self, row: LeadRow) -> list[Text]:
        lead = row.lead
        ref = Text(_cut(lead.reference), style="bold")
        details = [
            _pair(lead.source, lead.campaign),
            _pair(lead.persona, lead.segment),
            label(lead.stage) if lead.stage else "",
            label(lead.status) if lead.status else "",
        ]
        if len(self._columns) == 3:
            return [ref, feedback_text(row), Text(" · ".join(d for d in details if d), style="dim")]
        return [ref, feedback_text(row), *(Text(d) for d in details)]

    def _line(self, cells: list[Text], style: Style) -> Strip:
        console = self.app.console
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for n, ((_, width), cell) in enumerate(zip(self._columns, cells, strict=True)):
            if width <= 0:
                continue
            cell.truncate(width, overflow="ellipsis", pad=True)
            line.append_text(cell)
            if n < len(self._columns) - 1:
                line.append(" ")
        segments = list(line.render(console))
        return Strip(Segment.apply_style(segments, style)).adjust_cell_length(self._laid_out_for, style)

    def notify_style_update(self) -> None:
        # A theme changed the colours the kept lines were drawn in.
        super().notify_style_update()
        self._header = None
        self._strips.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base = self.rich_style
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        self._layout(width)
        base = self._base if self._base is not None else self.rich_style
        if y == 0:
            if self._header is None:
                header = self.get_component_rich_style("lead-table--header")
                self._header = self._line([Text(title) for title, _ in self._columns], base + header)
            return self._header
        index = int(self.scroll_y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        if index == self.cursor:  # drawn afresh: it moves with every verdict
            return self._line(self._cells(self.rows[index]), base + self.get_component_rich_style("lead-table--cursor"))
        strip = self._strips.get(index)
        if strip is None:
            strip = self._strips[index] = self._line(self._cells(self.rows[index]), base)
        return strip

    def on_focus(self) -> None:
        self._refresh_row(self.cursor)

    def on_blur(self) -> None:
        self._refresh_row(self.cursor)
