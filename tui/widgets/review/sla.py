"""The SLA scorecard at the top of review's Lead-quality tab: each clause this period and the
one before, its target, met or missed, and the trend (``store/sla/report.py``, what ``tandem
sla report`` prints).

An eighth tab did not fit: seven already take 79 columns at 80 with their short titles. The
scorecard is computed in a worker (reading ``leads.json``, every meeting's lead feedback
and ``sla.json``) whenever the tab's feedback changes; until then, and for a folder of
minutes or a workspace with neither an SLA nor an imported list, the section is hidden.
Met and missed are words with a mark (✓ ✗), the trend an arrow and "better" or "worse":
readable without colour (NO_COLOR).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static
from textual.worker import get_current_worker

from tandem.store.errors import TandemError
from tandem.store.records import number
from tandem.tui.screen_base import from_worker
from tandem.tui.settings import vocabulary

if TYPE_CHECKING:  # read in the worker: no part of start-up
    from tandem.store.sla.scorecard import ClauseRow, Measure, Scorecard
    from tandem.store.workspace import Workspace

#: The worker group: in typeahead.BACKGROUND_GROUPS, so that keys are never held for it.
GROUP = "poll"
#: Column widths: clause, this period, last period, target, result, trend (71 with the gaps:
#: the tab's charts are 76 wide at 80 columns, less the scroll bar).
WIDTHS = (25, 7, 7, 10, 8, 8)
RESULT = {True: ("✓ met", "green"), False: ("✗ missed", "red"), None: ("—", "dim")}
TREND = {"up": "↑", "down": "↓", "flat": "→"}


def compact(clause: str, measure: Measure) -> str:
    """A measure in a few characters: a share as a percentage, time to first touch as its
    median hours, the MQLs as a count; "—" for nothing measured."""
    if measure.value is None:
        return "—"
    if clause == "mqls_per_month":
        return number(measure.value)
    if clause == "first_touch_hours":
        return f"{number(round(measure.value, 1))} h"
    return f"{number(round(measure.value))}%"


def _target(row: ClauseRow) -> str:
    # "≤ 24 h (+2 by lead type)" as "≤ 24 h +2": the overrides are in `tandem sla show`.
    return row.target_shown.replace(" (+", " +").replace(" by lead type)", "")


def _trend(row: ClauseRow) -> tuple[str, str]:
    if row.trend is None:
        return "", ""
    if row.better is None:
        return f"{TREND[row.trend]} same", "dim"
    return (f"{TREND[row.trend]} better", "green") if row.better else (f"{TREND[row.trend]} worse", "red")


def _cells(cells: list[tuple[str, str]]) -> Text:
    line = Text()
    for n, ((value, style), width) in enumerate(zip(cells, WIDTHS, strict=True)):
        shown = value if len(value) <= width else value[: width - 1] + "…"
        # Figures right-aligned, words left: the columns of numbers line up.
        line.append(shown.rjust(width) if n in (1, 2) else shown.ljust(width), style=style)
        line.append("  " if n == 0 else " " if n < len(WIDTHS) - 1 else "")
    line.rstrip()
    return line.append("\n")


def scorecard_text(card: Scorecard) -> Text:
    """The section: a heading, the empty state if there is one, and a line per clause."""
    text = Text()
    text.append("SLA scorecard", style="bold underline")
    if card.sla is not None:
        text.append(f"  SLA v{card.sla.version}, effective {card.sla.effective} · {number(card.leads)} MQLs in {card.period}", style="dim")
    text.append("\n")
    if card.sla is None:
        text.append("No SLA recorded yet — tandem sla set CLAUSE VALUE records the first.\n", style="yellow")
    if card.note:
        text.append(card.note[0].upper() + card.note[1:] + ".\n", style="yellow")
    head = [("Clause", "bold"), (card.period, "bold"), (card.last_period, "bold"), ("Target", "bold"), ("Result", "bold"), ("Trend", "bold")]
    text.append_text(_cells(head))
    for row in card.rows:
        result, style = RESULT[row.met]
        text.append_text(
            _cells(
                [(row.title, ""), (compact(row.clause, row.this), ""), (compact(row.clause, row.last), "dim"), (_target(row), ""), (result, style), _trend(row)]
            )
        )
    text.rstrip()
    return text


def _now(today: date) -> datetime:
    """Review's clock: now, or noon of the day review was opened for (a fixed day in tests)."""
    now = datetime.now()
    return now if now.date() == today else datetime.combine(today, time(12))


def read_scorecard(workspace: Workspace, today: date, funnel: tuple[str, ...]) -> Scorecard | None:
    """The latest period's scorecard; None when there is neither an SLA nor a lead list."""
    from tandem.store.crm.lead import LEADS_FILE
    from tandem.store.sla.record import SLA_FILE
    from tandem.store.sla.report import scorecard

    if not (workspace.home / SLA_FILE).exists() and not (workspace.home / LEADS_FILE).exists():
        return None
    return scorecard(workspace, now=_now(today), funnel=funnel)


class SlaScorecard(Static):
    """The scorecard section (see the module's docstring)."""

    DEFAULT_CSS = """
    SlaScorecard {
        height: auto;
        margin: 0 0 1 0;
    }
    """

    def on_mount(self) -> None:
        self.display = False

    def reload(self, workspace: Workspace | None, today: date) -> None:
        """Compute again (in a worker); hidden without a workspace (a folder of minutes)."""
        if workspace is None:
            self.display = False
            return
        funnel = vocabulary(self.app).funnel_stages
        self.run_worker(lambda: self._read(workspace, today, funnel), thread=True, exclusive=True, group=GROUP)

    def _read(self, workspace: Workspace, today: date, funnel: tuple[str, ...]) -> None:
        try:
            card = read_scorecard(workspace, today, funnel)
            shown: Any = None if card is None else scorecard_text(card)
        except (TandemError, OSError) as exc:
            shown = Text(f"SLA scorecard: {exc}", style="yellow")
        if not get_current_worker().is_cancelled:
            from_worker(self, self._show, shown)

    def _show(self, text: Text | None) -> None:
        self.display = text is not None
        if text is not None:
            self.update(text)
