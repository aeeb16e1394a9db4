"""Command-line output: tables on a terminal, JSON for other tools."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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


def print_json(data: Any) -> None:
    # As bytes: JSON is UTF-8, and 20,000 meetings make 20 MB to decode and encode again.
    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2))


#: A meeting as ``Workspace.iter_listed_data`` gives it: its dict, its action items' dicts
#: and its counts (agenda items, lead feedback, decisions).
Listed = tuple[dict[str, Any], list[dict[str, Any]], dict[str, int]]


def listed_in_date_order(listed: Iterable[Listed]) -> list[Listed]:
    """Meetings in date order, then id: how ``tandem list`` shows them."""
    return sorted(listed, key=lambda row: (row[0]["date"], row[0]["id"]))


def meeting_summary(meeting: dict[str, Any], actions: list[dict[str, Any]], counts: dict[str, int]) -> dict[str, Any]:
    """One meeting for ``tandem list --json``, from the dicts of ``Workspace.iter_listed_data``
    (``Meeting.to_dict`` form: its people are already what the JSON prints)."""
    return {
        "id": meeting["id"],
        "series": meeting["series_id"],
        "title": meeting["title"],
        "date": meeting["date"],
        "facilitator": meeting["facilitator"],
        "status": meeting["status"],
        "attendees": meeting["attendees"],
        "absentees": meeting["absentees"],
        "agenda_items": counts["agenda_items"],
        "lead_feedback": counts["lead_feedback"],
        "decisions": counts["decisions"],
        "actions_open": sum(a["status"] == "open" for a in actions),
        "actions_total": len(actions),
    }


def _cells(*values: str) -> list[Text]:
    """User text is never Rich markup: a name like '[b]' stays as typed; and never a
    terminal escape sequence (Rich passes ESC through)."""
    return [Text(clean(v)) for v in values]


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


def print_meetings(listed: list[Listed], series: list[Series], home: Path) -> None:
    """Meetings (``Workspace.iter_listed_data``, in the order given) as a table."""
    from rich.markup import escape

    console = _console()
    if not listed:
        console.print(
            f"No meetings in {escape(str(home))} yet. Try [bold]tandem demo[/] to explore a sample workspace.",
            soft_wrap=True,
        )
        return
    titles = {s.id: s.title for s in series}
    headers = ("Meeting", "Date", "Series", "Facilitator", "Status", "Items", "Open actions")
    lines = [
        _line_texts(
            m["id"],
            m["date"],
            titles[m["series_id"]] if m["series_id"] in titles else m["series_id"],
            m["facilitator"],
            m["status"],
            str(counts["agenda_items"]),
            str(sum(a["status"] == "open" for a in actions)),
        )
        for m, actions, counts in listed
    ]
    _print_table(console, headers, lines, right={"Items", "Open actions"}, no_wrap={"Meeting", "Date"})


def _line_texts(*values: str) -> list[str]:
    """Cells of a table with one row per thing (a meeting, an action item), cleaned (see
    :func:`_cells`) and on one line: a line break in a value read from disk would print what
    looks like a row of its own."""
    return [" ".join(clean(v).split()) for v in values]


def _print_table(
    console: Any,
    headers: tuple[str, ...],
    rows: list[list[str]],
    *,
    right: set[str],
    no_wrap: set[str],
    min_width: dict[str, int] | None = None,
    styles: list[dict[int, str]] | None = None,
    under: tuple[int, list[str], str] | None = None,
) -> None:
    """A table of one-line cells with a header line and a row per line (``box=None,
    pad_edge=False``), printed as Rich prints it; ``styles``: per row, the style of some of
    its cells (by column); ``under``: (column, a line per row, its style), a second line of
    each row, in that column. When every row fits the width unwrapped, the lines are laid
    out here: Rich measures and wraps each cell, 14 s for 20,000 meetings, for the same output."""
    from rich.cells import cell_len
    from rich.table import Table

    min_width = min_width or {}
    widths = [max(cell_len(h), min_width.get(h, 0), *(cell_len(row[n]) for row in rows)) for n, h in enumerate(headers)]
    if under is not None:
        widths[under[0]] = max(widths[under[0]], *(cell_len(line) for line in under[1]))
    if sum(widths) + 2 * (len(headers) - 1) > console.width:
        table = Table(box=None, pad_edge=False, header_style="bold")
        for column in headers:
            table.add_column(column, justify="right" if column in right else "left", no_wrap=column in no_wrap, min_width=min_width.get(column))
        for n, row in enumerate(rows):
            cells = [Text(cell) for cell in row]
            for at, style in (styles[n] if styles else {}).items():
                cells[at].stylize(style)
            if under is not None:
                cells[under[0]].append(f"\n{under[1][n]}", style=under[2])
            table.add_row(*cells)
        console.print(table)
        return

    def padded(cells: Iterable[str]) -> list[tuple[str, str, str]]:
        """Each cell with the spaces before and after it that make its column's width."""
        out = []
        for n, (cell, column) in enumerate(zip(cells, headers, strict=True)):
            pad = " " * (widths[n] - cell_len(cell))
            out.append((pad, cell, "") if column in right else ("", cell, pad))
        return out

    def plain(cells: Iterable[str]) -> str:
        return "  ".join(before + cell + after for before, cell, after in padded(cells))

    def second(n: int) -> list[str]:
        """The second line of row ``n``: its ``under`` line in its column, blanks elsewhere."""
        assert under is not None
        return [under[1][n] if at == under[0] else "" for at in range(len(headers))]

    console.print(Text(plain(headers), style="bold"), soft_wrap=True)
    if (not styles and under is None) or console.color_system is None:  # nothing to colour: the lines as text
        console.file.write("".join(plain(row) + "\n" + (plain(second(n)) + "\n" if under else "") for n, row in enumerate(rows)))
        console.file.flush()
        return
    text = Text()
    for n, row in enumerate(rows):
        lines = [(row, styles[n] if styles else {})]
        if under is not None:
            lines.append((second(n), {under[0]: under[2]}))
        for line_cells, cell_styles in lines:
            for at, (before, cell, after) in enumerate(padded(line_cells)):
                text.append("  " + before if at else before)
                text.append(cell, style=cell_styles.get(at, ""))
                text.append(after)
            text.append("\n")
    console.print(text, soft_wrap=True, end="")


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
    styles = [{5: "bold red", 6: "bold red"} if row["overdue"] else {6: "dim"} if row["status"] != "open" else {} for row in rows]
    cells = [_line_texts(*line) for line in lines]
    if wide:
        _print_table(console, headers, cells, right={"Age"}, no_wrap={"Meeting", "Date", "Due", "Status", "Age"}, min_width={"Action": 20}, styles=styles)
    else:
        _print_table(
            console,
            headers[3:],
            [row[3:] for row in cells],
            right={"Age"},
            no_wrap={"Due", "Status", "Age"},
            min_width={"Action": 20},
            styles=[{at - 3: style for at, style in row.items()} for row in styles],
            under=(0, [line[0] for line in lines], "dim"),
        )


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
