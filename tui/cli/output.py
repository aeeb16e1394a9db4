"""Command-line output: tables on a terminal, JSON for other tools."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import click
import orjson
from rich.text import Text

from tandem.store.mdescape import clean
from tandem.store.records import TAKEAWAY_CATEGORIES, ActionItem, Meeting, Series, ShadowDay, label
from tandem.store.review.model import DECISION_STATUSES, DecisionRow
from tandem.store.templates import Template
from tandem.store.workspace import MeetingRecord


def print_json(data: Any) -> None:
    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())


def meeting_summary(record: MeetingRecord) -> dict[str, Any]:
    m = record.meeting
    return {
        "id": m.id,
        "series": m.series_id,
        "title": m.title,
        "date": m.date,
        "facilitator": m.facilitator,
        "status": m.status,
        "attendees": [a.to_dict() for a in m.attendees],
        "absentees": [a.to_dict() for a in m.absentees],
        "agenda_items": len(record.agenda),
        "lead_feedback": len(record.lead_feedback),
        "decisions": len(record.decisions),
        "actions_open": sum(a.status == "open" for a in record.actions),
        "actions_total": len(record.actions),
    }


def _cells(*values: str) -> list[Text]:
    """User text is never Rich markup: a name like '[b]' stays as typed; and never a
    terminal escape sequence (Rich passes ESC through)."""
    return [Text(clean(v)) for v in values]


def _line_cells(*values: str) -> list[Text]:
    """Cells of a table with one row per thing (a meeting, an action item): a line break in
    a value read from disk would print what looks like a row of its own."""
    return [Text(" ".join(clean(v).split())) for v in values]


def _console() -> Any:
    from rich.console import Console

    console = Console(highlight=False)
    if not console.is_terminal:
        # Piped output is read by scripts and grep: never truncate or wrap an id.
        console = Console(highlight=False, width=250)
    return console


def print_templates(templates: list[Template], user_folder: Path) -> None:
    from rich.table import Table

    console = _console()
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("Template", no_wrap=True)
    table.add_column("Title")
    table.add_column("Items", justify="right")
    table.add_column("Minutes", justify="right")
    table.add_column("Source")
    for t in sorted(templates, key=lambda t: t.id):
        table.add_row(*_cells(t.id, t.title, str(len(t.items)), str(t.total_min), "built-in" if t.builtin else "user"))
    console.print(table)
    console.print(f"Your templates go in {user_folder}", style="dim", markup=False)


def print_template(template: Template) -> None:
    from rich.table import Table

    console = _console()
    heading = Text(clean(template.title), style="bold")
    heading.append(clean(f"  ({template.kind}, {template.total_min} min, {template.path})"), style="")
    console.print(heading)
    if template.description:
        console.print(clean(template.description), markup=False)
    table = Table(box=None, pad_edge=False, header_style="bold", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("Item")
    table.add_column("Min", justify="right")
    table.add_column("Presenter")
    table.add_column("Captures")
    table.add_column("Prompts")
    for n, item in enumerate(template.items, start=1):
        title = item.title + (" (standing)" if item.standing else "")
        table.add_row(
            *_cells(
                str(n),
                title,
                str(item.timebox_min),
                item.presenter_team or "shared",
                label(item.captures) if item.captures else "",
                "\n".join(f"• {p}" for p in item.prompts),
            )
        )
    console.print(table)


def print_meetings(records: list[MeetingRecord], series: list[Series], home: Path) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    if not records:
        console.print(
            f"No meetings in {escape(str(home))} yet. Try [bold]tandem demo[/] to explore a sample workspace.",
            soft_wrap=True,
        )
        return
    titles = {s.id: s.title for s in series}
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("Meeting", "Date", "Series", "Facilitator", "Status", "Items", "Open actions"):
        table.add_column(
            column,
            justify="right" if column in ("Items", "Open actions") else "left",
            no_wrap=column in ("Meeting", "Date"),
        )
    for record in records:
        m = record.meeting
        table.add_row(
            *_line_cells(
                m.id,
                m.date,
                titles.get(m.series_id, m.series_id),
                m.facilitator,
                m.status,
                str(len(record.agenda)),
                str(sum(a.status == "open" for a in record.actions)),
            )
        )
    console.print(table)


def action_summary(action: ActionItem, meeting: Meeting, today: date) -> dict[str, Any]:
    """One action item for ``tandem actions --json``; ``meeting`` is its origin meeting."""
    return {
        "id": action.id,
        "text": action.text,
        "owner": action.owner,
        "due": action.due,
        "status": action.status,
        "meeting": meeting.id,
        "date": meeting.date,
        "series": meeting.series_id,
        "agenda_item_id": action.agenda_item_id,
        "closed_on": action.closed_on,
        "closed_in": action.closed_in,
        "overdue": action.is_overdue(today),
        # A meeting planned for a later day has no age yet.
        "age_days": max(0, (today - date.fromisoformat(meeting.date)).days),
    }


def print_actions(rows: list[dict[str, Any]], series: list[Series], empty: str) -> None:
    """Rows of :func:`action_summary` as a table; ``empty`` is the sentence for none.

    A terminal too narrow for one column per field gets a compact table: the meeting id
    (its date and series) goes on a dim line under the action (piped output is always wide)."""
    from rich.table import Table

    console = _console()
    if not rows:
        console.print(empty, soft_wrap=True, markup=False)
        return
    titles = {s.id: s.title for s in series}
    headers = ("Meeting", "Date", "Series", "Action", "Owner", "Due", "Status", "Age")
    lines = [
        (
            row["meeting"],
            row["date"],
            titles.get(row["series"], row["series"]),
            row["text"],
            row["owner"],
            row["due"],
            "open, overdue" if row["overdue"] else row["status"],
            f"{row['age_days']}d",
        )
        for row in rows
    ]
    natural = sum(max(len(h), *(len(line[n]) for line in lines)) for n, h in enumerate(headers)) + 2 * (len(headers) - 1)
    wide = natural <= console.width
    table = Table(box=None, pad_edge=False, header_style="bold")
    shown = headers if wide else headers[3:]
    for column in shown:
        table.add_column(
            column,
            justify="right" if column == "Age" else "left",
            no_wrap=column in ("Meeting", "Date", "Due", "Status", "Age"),
            min_width=20 if column == "Action" else None,
        )
    for row, line in zip(rows, lines, strict=True):
        cells = _line_cells(*line)
        if row["overdue"]:
            cells[5].stylize("bold red")
            cells[6].stylize("bold red")
        elif row["status"] != "open":
            cells[6].stylize("dim")
        if not wide:
            cells[3].append(f"\n{line[0]}", style="dim")
            cells = cells[3:]
        table.add_row(*cells)
    console.print(table)


def decision_summary(d: DecisionRow) -> dict[str, Any]:
    """One decision for ``tandem decisions --json``."""
    return {
        "id": d.key,
        "date": d.date,
        "meeting": d.meeting_id,
        "series": d.series,
        "text": d.text,
        "decided_by": d.decided_by,
        "status": d.status,
        "supersedes": d.supersedes,
        "reverses": d.reverses,
        "changed_by": d.changed_by,
        "changed_on": d.changed_on,
    }


def print_decisions(rows: list[DecisionRow], empty: str) -> None:
    """The decisions register as a table: a changed decision says by what, dimmed."""
    from rich.table import Table

    console = _console()
    if not rows:
        console.print(empty, soft_wrap=True, markup=False)
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("Date", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Decision", min_width=20)
    table.add_column("Decided by")
    table.add_column("Meeting", no_wrap=True)
    for d in rows:
        date_cell, status_cell, text_cell, by_cell, meeting_cell = _cells(d.date, d.status, d.text, d.decided_by, d.meeting_id)
        if d.status != "active":
            text_cell.stylize("dim")
            status_cell.stylize("yellow")
            text_cell.append_text(Text(f"\n{d.status} {d.changed_on}: {clean(d.changed_by)}", style="italic"))
        table.add_row(date_cell, status_cell, text_cell, by_cell, meeting_cell)
    console.print(table)
    counts = Counter(d.status for d in rows)
    console.print(" · ".join(f"{counts[s]} {s}" for s in DECISION_STATUSES if counts[s]), style="dim", markup=False)


def shadow_summary(day: ShadowDay, when: str) -> dict[str, Any]:
    """One shadow day for ``tandem shadow list --json``; ``when`` is upcoming or past."""
    experiment = day.experiment
    counts = Counter(t.category for t in day.takeaways)
    return {
        "id": day.id,
        "date": day.date,
        "when": when,
        "shadow": day.shadow,
        "host": day.host,
        "direction": day.direction,
        "status": day.status,
        "activities": [a.to_dict() for a in day.activities],
        "activities_done": sum(a.done for a in day.activities),
        "takeaways": len(day.takeaways),
        "takeaways_by_category": {c: counts[c] for c in TAKEAWAY_CATEGORIES if counts[c]},
        "experiment": experiment.to_dict() if experiment is not None else None,
        "debriefed_in": day.debriefed_in,
    }


def _experiment_cell(day: ShadowDay) -> str:
    e = day.experiment
    if e is None:
        return ""
    details = ", ".join(x for x in (e.owner, f"report back {e.report_back}" if e.report_back else "") if x)
    return f"{e.text} ({details})" if details else e.text


def print_shadow_days(upcoming: list[ShadowDay], past: list[ShadowDay], home: Path) -> None:
    """Upcoming shadow days (soonest first), then past ones (most recent first)."""
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    if not upcoming and not past:
        console.print(
            f"No shadow days in {escape(str(home))} yet. Plan one with [bold]tandem shadow new[/] "
            "--shadow NAME --host NAME --direction sales-to-marketing --date DATE.",
            soft_wrap=True,
        )
        return
    first = True
    for title, days in (("Upcoming", upcoming), ("Past", past)):
        if not days:
            continue
        if not first:
            console.print()
        first = False
        console.print(Text(f"{title} shadow days", style="bold"))
        table = Table(box=None, pad_edge=False, header_style="bold")
        for column in ("Shadow day", "Date", "Shadow", "Host", "Direction", "Status", "Takeaways", "Experiment"):
            table.add_column(
                column,
                justify="right" if column == "Takeaways" else "left",
                no_wrap=column in ("Shadow day", "Date", "Direction", "Status"),
                min_width=16 if column == "Experiment" else None,
            )
        for day in days:
            table.add_row(
                *_cells(
                    day.id,
                    day.date,
                    day.shadow,
                    day.host,
                    label(day.direction),
                    label(day.status),
                    str(len(day.takeaways)),
                    _experiment_cell(day),
                )
            )
        console.print(table)
