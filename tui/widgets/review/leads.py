"""The lead-quality dashboard: verdicts and reason codes over time, and where poor leads
come from (source, persona) and where they are lost (stage)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Select, Static

from tandem.store import words
from tandem.store.records import label
from tandem.store.review.model import FeedbackRow, ReviewData
from tandem.tui.charts import bar_rows, legend, sparkline, stacked_bar
from tandem.tui.widgets.review.base import ReviewPane
from tandem.tui.widgets.review.sla import SlaScorecard

MONTHS = 12
RECENT_MEETINGS = 10
TOP_REASONS = 6
CHART_WIDTH = 36


def _poor_share(rows: Iterable[FeedbackRow]) -> float:
    rows = list(rows)
    return sum(r.verdict == "poor" for r in rows) / len(rows) if rows else 0.0


def _section(title: str, hint: str = "") -> Text:
    text = Text()
    text.append(title, style="bold underline")
    if hint:
        text.append(f"  {hint}", style="dim")
    text.append("\n")
    return text


def verdicts_by_month(rows: list[FeedbackRow]) -> Text:
    months: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        months[r.date[:7]][r.verdict] += 1
    shown = sorted(months)[-MONTHS:]
    top = max((sum(months[m].values()) for m in shown), default=0)
    text = _section("Verdicts per month", "(bar length = leads reviewed)")
    for m in shown:
        counts = months[m]
        total = sum(counts.values())
        text.append(f"{m}  ", style="bold")
        text.append_text(stacked_bar(counts, width=CHART_WIDTH, total=top))
        text.append(f"  {total:>3} {'lead ' if total == 1 else 'leads'}, {counts['poor'] / total:>4.0%} poor\n", style="dim")
    text.append_text(legend())
    return text


def per_meeting(rows: list[FeedbackRow]) -> Text:
    by_meeting: dict[tuple[str, str], list[FeedbackRow]] = defaultdict(list)
    for r in rows:
        by_meeting[(r.date, r.meeting_id)].append(r)
    keys = sorted(by_meeting)
    shares = [_poor_share(by_meeting[k]) * 100 for k in keys]
    text = _section("Poor leads per meeting", f"(share of leads judged poor, {words.count(len(keys), 'meeting')}, oldest → newest)")
    text.append(sparkline(shares[-72:], lo=0, hi=100), style="red")
    if shares:
        text.append(f"  first {shares[0]:.0f}% · latest {shares[-1]:.0f}%\n\n", style="dim")
    top = max((len(by_meeting[k]) for k in keys[-RECENT_MEETINGS:]), default=0)
    for key in reversed(keys[-RECENT_MEETINGS:]):
        group = by_meeting[key]
        counts = Counter(r.verdict for r in group)
        reasons = Counter(reason for r in group for reason in r.reasons)
        text.append(f"{key[0]}  ", style="bold")
        text.append_text(stacked_bar(counts, width=16, total=top))
        text.append(f" {len(group):>3}  ", style="dim")
        text.append(", ".join(f"{label(code)} {n}" for code, n in reasons.most_common(2)) or "—")
        text.append("\n")
    return text


def reasons_over_time(rows: list[FeedbackRow]) -> Text:
    months = sorted({r.date[:7] for r in rows})[-MONTHS:]
    totals = Counter(reason for r in rows for reason in r.reasons)
    text = _section("Top reason codes", f"(count, then per month {months[0] if months else ''} → {months[-1] if months else ''})")
    top = totals.most_common(TOP_REASONS)
    if not top:
        return text.append("No reason codes recorded.", style="dim")
    width = max(len(label(code)) for code, _ in top)
    peak = top[0][1]
    for code, n in top:
        monthly = Counter(r.date[:7] for r in rows if code in r.reasons)
        text.append(f"{label(code):<{width}}  ", style="bold")
        cells = max(1, round(n / peak * 20))
        text.append("█" * cells + " " * (20 - cells), style="cyan")
        text.append(f" {n:>4}  ", style="dim")
        text.append(sparkline([monthly.get(m, 0) for m in months], lo=0), style="magenta")
        text.append("\n")
    return text


def breakdown(rows: list[FeedbackRow], key: Callable[[FeedbackRow], str], title: str) -> Text:
    groups: dict[str, list[FeedbackRow]] = defaultdict(list)
    for r in rows:
        groups[key(r) or "(not recorded)"].append(r)
    ranked = sorted(groups.items(), key=lambda kv: (-_poor_share(kv[1]), -len(kv[1])))
    text = _section(title, "(bar = share judged poor)")
    bars = [
        (name, _poor_share(group) * 100, f"{sum(r.verdict == 'poor' for r in group)} of {len(group)} poor ({_poor_share(group):.0%})")
        for name, group in ranked[:10]
    ]
    return text.append_text(bar_rows(bars, width=CHART_WIDTH + 30, label_width=20, style="red"))


def stage_lost(rows: list[FeedbackRow]) -> Text:
    counts = Counter(label(r.stage_lost) for r in rows if r.stage_lost)
    text = _section("Where leads are lost", "(funnel stage)")
    if not counts:
        return text.append("No lost stages recorded.", style="dim")
    return text.append_text(bar_rows([(s, n, str(n)) for s, n in counts.most_common()], width=CHART_WIDTH + 30, label_width=20))


class LeadQualityPane(ReviewPane):
    HELP_GROUP = "Lead quality"

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self._rows: list[FeedbackRow] = []

    def compose(self) -> ComposeResult:
        yield Select([], prompt="All series", id="lead-series", compact=True)
        yield Static(id="leads-status", classes="pane-status")
        with VerticalScroll(id="lead-charts"):
            yield SlaScorecard(id="lead-sla")
            for name in ("months", "meetings", "reasons", "sources", "personas", "stages"):
                yield Static(id=f"lead-{name}", classes="chart")

    def depends(self, data: ReviewData) -> Any:
        # The series filter lists the series with feedback: their titles count too.
        return data.feedback, data.series()

    def draw(self, data: ReviewData, today: date) -> None:
        self._rows = data.feedback
        # The feedback changed: so may the scorecard (a folder of minutes has none).
        self.query_one(SlaScorecard).reload(getattr(getattr(self.screen, "source", None), "workspace", None), today)
        select = self.query_one(Select)
        current = select.value
        series = [(sid, title) for sid, title in data.series() if any(r.series == sid for r in self._rows)]
        select.set_options([(Text(title), sid) for sid, title in series])
        if current != Select.NULL and any(sid == current for sid, _ in series):
            select.value = current
        self._draw()

    @on(Select.Changed, "#lead-series")
    def _draw(self) -> None:
        series = self.query_one(Select).value
        rows = sorted((r for r in self._rows if series == Select.NULL or r.series == series), key=lambda r: r.date)
        status = Text(f"{words.count(len(rows), 'lead')} reviewed", style="bold")
        if rows:
            status.append(f" · {_poor_share(rows):.0%} judged poor · {rows[0].date} → {rows[-1].date}", style="dim")
        else:
            status.append("   no lead feedback yet: it is captured with l during a lead-quality item", style="yellow")
        self.query_one("#leads-status", Static).update(status)
        charts = {
            "months": verdicts_by_month(rows),
            "meetings": per_meeting(rows),
            "reasons": reasons_over_time(rows),
            "sources": breakdown(rows, lambda r: r.source, "By lead source"),
            "personas": breakdown(rows, lambda r: r.persona, "By persona"),
            "stages": stage_lost(rows),
        }
        for name, text in charts.items():
            widget = self.query_one(f"#lead-{name}", Static)
            widget.display = bool(rows)
            widget.update(text)
