"""Each series' health: how its meetings went, and whether both teams were in the room."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Group, JustifyMethod
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tandem.store import words
from tandem.store.review.model import MeetingRow, ReviewData, SeriesHealth, balance, series_health
from tandem.tui.charts import sparkline
from tandem.tui.widgets.review.base import ReviewPane

#: The meetings of a series shown one per row, newest first.
RECENT = 8


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def side_by_side(sales: int, marketing: int) -> Text:
    """``sales ███|██ marketing``: an empty side is the first sign of misalignment."""
    text = Text()
    text.append(f"{sales:>2} ", style="bold" if sales else "bold red")
    text.append("█" * min(sales, 8), style="cyan")
    text.append("│", style="dim")
    text.append("█" * min(marketing, 8), style="magenta")
    text.append(f" {marketing}", style="bold" if marketing else "bold red")
    return text


def meeting_line(m: MeetingRow) -> tuple[Text, ...]:
    rating = Text("★" * m.rating + "☆" * (5 - m.rating), style="yellow") if m.rating else Text("—", style="dim")
    if m.actual_min is None or not m.planned_min:
        timing = Text("—", style="dim")
    else:
        timing = Text(f"{m.actual_min}/{m.planned_min} min", style="red" if m.actual_min > m.planned_min else "")
    covered = Text(f"{m.items_done}/{m.agenda_items}")
    set_aside = Text(f"{m.items_skipped} / {m.items_parked}", style="yellow" if m.items_skipped or m.items_parked else "dim")
    sales, marketing = balance(m)
    return Text(m.date), rating, timing, covered, set_aside, side_by_side(sales, marketing)


def series_block(health: SeriesHealth) -> Group:
    rows = health.meetings
    title = rows[-1].series_title or health.series
    head = Text(title, style="bold underline")
    head.append(f"  {words.count(len(rows), 'meeting')} held", style="dim")
    ratings = health.ratings
    summary = Text("Rating ")
    summary.append(sparkline(ratings, lo=1, hi=5) or "—", style="yellow")
    if ratings:
        summary.append(f" {ratings[-1]}/5 latest, {sum(ratings) / len(ratings):.1f} average", style="dim")
    summary.append("   On time ")
    summary.append(_share(health.on_time_share), style="bold")
    summary.append("   Agenda covered ")
    summary.append(_share(health.coverage), style="bold")
    one_sided = health.one_sided
    summary.append("   One team missing ")
    summary.append(str(len(one_sided)), style="bold red" if one_sided else "bold")
    balance_line = Text("Sales − marketing present ", style="dim")
    balance_line.append(sparkline([balance(m)[0] - balance(m)[1] for m in rows], lo=-4, hi=4), style="cyan")
    balance_line.append("  (high: more sales)", style="dim")
    table = Table(box=None, pad_edge=False, header_style="bold", expand=False)
    right: JustifyMethod = "right"
    for column in ("Date", "Rating", "Time", "Covered", "Skipped/parked", "Sales│Mktg"):
        table.add_column(column, justify=right if column in ("Time", "Covered", "Skipped/parked") else "left", no_wrap=True)
    for m in reversed(rows[-RECENT:]):
        table.add_row(*meeting_line(m))
    return Group(head, summary, balance_line, table, Text(""))


class HealthPane(ReviewPane):
    HELP_GROUP = "Health"

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self._meetings: list[MeetingRow] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="health-scroll", can_focus=True):
            yield Static(id="health-text")

    def depends(self, data: ReviewData) -> Any:
        return data.meetings

    def draw(self, data: ReviewData, today: date) -> None:
        self._meetings = data.meetings
        blocks = [series_block(h) for h in series_health(data.meetings)]
        body = Group(*blocks) if blocks else Text("No meeting held yet: the health of each series shows here once one has ended.", style="dim")
        self.query_one("#health-text", Static).update(body)
