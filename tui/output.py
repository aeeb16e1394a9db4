"""Command-line output: tables on a terminal, JSON for other tools."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import orjson

from tandem.store.records import Series
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


def print_meetings(records: list[MeetingRecord], series: list[Series], home: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if not console.is_terminal:
        # Piped output is read by scripts and grep: never truncate or wrap an id.
        console = Console(highlight=False, width=250)
    if not records:
        console.print(
            f"No meetings in {home} yet. Try [bold]tandem demo[/] to explore a sample workspace.",
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
            m.id,
            m.date,
            titles.get(m.series_id, m.series_id),
            m.facilitator,
            m.status,
            str(len(record.agenda)),
            str(sum(a.status == "open" for a in record.actions)),
        )
    console.print(table)
