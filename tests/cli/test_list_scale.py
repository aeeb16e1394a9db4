"""``tandem list`` at a few thousand meetings: answered from the meeting index (no meeting file
is read once the index is warm), the same as from the files, and its table laid out as Rich
lays it out (without Rich measuring every cell: 14 s at 20,000 meetings).

Run in-process (the command's function), so that the reads can be counted."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import orjson
import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tandem.store.demo import seed_demo
from tandem.store.index import entry as index_entry
from tandem.store.workspace import Workspace
from tandem.tui.cli import main as cli_main
from tandem.tui.cli import output

MEETINGS = 1200


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("list") / "ws"
    seed_demo(Workspace(home), meetings=MEETINGS)
    return home


def run_list(home: Path, *args: str, indexed: bool = True) -> bytes:
    """``tandem --home HOME list ARGS`` (or ``actions ...``), in this process; its standard output."""
    made: list[Workspace] = []

    def workspace(env: cli_main.Env) -> Workspace:
        ws = Workspace(home)
        ws.indexed = indexed
        made.append(ws)
        return ws

    out = io.BytesIO()
    wrapper = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    with pytest.MonkeyPatch.context() as mp, redirect_stdout(wrapper):
        mp.setattr(cli_main.Env, "workspace", workspace)
        cli_main.cli.main(["--home", str(home), *(args if args and args[0] == "actions" else ("list", *args))], standalone_mode=False)
        wrapper.flush()
    assert made, "the command opened no workspace"
    return out.getvalue()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The meeting files read and decoded, by the listing itself or by the index."""
    seen: list[str] = []
    listed = Workspace._listed_meeting
    read_entry = index_entry.read_entry

    def counted_listed(self: Workspace, meeting_id: str) -> Any:
        seen.append(meeting_id)
        return listed(self, meeting_id)

    def counted_entry(*args: Any, **kwargs: Any) -> Any:
        seen.append(str(args[2]))
        return read_entry(*args, **kwargs)

    # The files were written a moment ago: believed unchanged only once they are older than
    # a tick of the file system's clock (the index's "racy" rule), here at once.
    monkeypatch.setattr(index_entry, "RACY_NS", 0)
    monkeypatch.setattr(Workspace, "_listed_meeting", counted_listed)
    from tandem.store.index import meetings as index_meetings

    monkeypatch.setattr(index_meetings, "read_entry", counted_entry)
    yield seen


def reference(home: Path) -> list[dict[str, Any]]:
    """What ``list --json`` prints, worked out from each meeting file read whole."""
    ws = Workspace(home)
    ws.indexed = False
    records = sorted((ws.read_meeting(stem) for stem in ws.meeting_ids()), key=lambda r: (r.meeting.date, r.meeting.id))
    return [
        {
            "id": r.meeting.id,
            "series": r.meeting.series_id,
            "title": r.meeting.title,
            "date": r.meeting.date,
            "facilitator": r.meeting.facilitator,
            "status": r.meeting.status,
            "attendees": [a.to_dict() for a in r.meeting.attendees],
            "absentees": [a.to_dict() for a in r.meeting.absentees],
            "agenda_items": len(r.agenda),
            "lead_feedback": len(r.lead_feedback),
            "decisions": len(r.decisions),
            "actions_open": sum(a.status == "open" for a in r.actions),
            "actions_total": len(r.actions),
        }
        for r in records
    ]


@pytest.mark.parametrize("args", [("--json",), (), ("actions", "--json"), ("actions",)], ids=["json", "table", "actions-json", "actions-table"])
def test_a_warm_index_lists_without_reading_a_meeting_file(home: Path, reads: list[str], args: tuple[str, ...]) -> None:
    run_list(home, *args)  # warms the index (and writes it: more than 100 meetings)
    reads.clear()
    printed = run_list(home, *args)
    assert reads == []
    assert printed.count(b"\n") >= (MEETINGS if "actions" not in args else 100)


def test_the_index_lists_what_the_files_hold(home: Path) -> None:
    expected = reference(home)
    assert len(expected) == MEETINGS
    assert any(m["actions_open"] for m in expected) and any(m["decisions"] for m in expected)
    indexed = run_list(home, "--json")
    assert orjson.loads(indexed) == expected
    assert indexed == run_list(home, "--json", indexed=False)
    assert run_list(home) == run_list(home, indexed=False)


def rich_table(headers: tuple[str, ...], rows: list[list[str]], right: set[str], no_wrap: set[str], width: int) -> str:
    """The table as Rich lays it out (how ``tandem list`` printed it before)."""
    console = Console(file=io.StringIO(), width=width, highlight=False, color_system=None)
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in headers:
        table.add_column(column, justify="right" if column in right else "left", no_wrap=column in no_wrap)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


@pytest.mark.parametrize("width", [250, 60])
def test_the_table_is_laid_out_as_rich_lays_it_out(width: int) -> None:
    headers = ("Meeting", "Date", "Series", "Facilitator", "Status", "Items", "Open actions")
    rows = [
        ["2026-11-26-sync", "2026-11-26", "Weekly [b]sync[/b]", "Zoë Lindqvist", "planned", "6", "0"],
        ["2026-11-19-同步", "2026-11-19", "週次ミーティング 🎉", "José", "finalized", "12", "3"],
        ["x", "2026-01-01", "", "", "ended", "0", "10"],
    ]
    right, no_wrap = {"Items", "Open actions"}, {"Meeting", "Date"}
    console = Console(file=io.StringIO(), width=width, highlight=False, color_system=None)
    output._print_table(console, headers, rows, right=right, no_wrap=no_wrap)
    out = console.file
    assert isinstance(out, io.StringIO)
    assert out.getvalue() == rich_table(headers, rows, right, no_wrap, width)


def test_coloured_cells_keep_their_colours() -> None:
    """``tandem actions`` on a terminal: overdue in red, closed dimmed, as Rich colours them."""
    headers = ("Meeting", "Date", "Series", "Action", "Owner", "Due", "Status", "Age")
    rows = [
        ["m1", "2026-01-01", "Sync", "Send the deck", "Ana", "2026-01-05", "open, overdue", "3d"],
        ["m2", "2026-01-02", "Sync", "A longer thing to do", "", "", "done", "2d"],
        ["m3", "2026-01-02", "Sync", "y", "Bo", "", "open", "0d"],
    ]
    styles = [{5: "bold red", 6: "bold red"}, {6: "dim"}, {}]
    right, no_wrap, min_width = {"Age"}, {"Meeting", "Date", "Due", "Status", "Age"}, {"Action": 20}

    def terminal() -> Console:
        return Console(file=io.StringIO(), width=120, force_terminal=True, color_system="standard", highlight=False)

    ours = terminal()
    output._print_table(ours, headers, rows, right=right, no_wrap=no_wrap, min_width=min_width, styles=styles)
    theirs = terminal()
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in headers:
        table.add_column(column, justify="right" if column in right else "left", no_wrap=column in no_wrap, min_width=min_width.get(column))
    for row, row_styles in zip(rows, styles, strict=True):
        cells = [Text(cell) for cell in row]
        for at, style in row_styles.items():
            cells[at].stylize(style)
        table.add_row(*cells)
    theirs.print(table)

    def styled(console: Console) -> list[tuple[str, str]]:
        out = console.file
        assert isinstance(out, io.StringIO)
        text = Text.from_ansi(out.getvalue())
        return [(char, str(text.get_style_at_offset(console, n))) for n, char in enumerate(text.plain)]

    assert styled(ours) == styled(theirs)
    assert {"bold", "bold color(1)", "dim"} <= {style for _, style in styled(ours)}  # (red: colour 1)


@pytest.mark.parametrize("colour", [None, "standard"])
def test_a_second_line_under_a_column_is_laid_out_as_rich_lays_it_out(colour: str | None) -> None:
    """``tandem actions`` too wide for every column: the meeting id on a dim line under the action."""
    headers = ("Action", "Owner", "Due", "Status", "Age")
    rows = [["Send the deck", "Ana", "2026-01-05", "open, overdue", "3d"], ["y", "", "", "done", "12d"]]
    under = ["2026-01-01-weekly-smarketing-sync", "m2"]
    styles = [{2: "bold red", 3: "bold red"}, {3: "dim"}]

    def terminal() -> Console:
        return Console(file=io.StringIO(), width=100, force_terminal=colour is not None, color_system=colour, highlight=False)  # type: ignore[arg-type]

    ours = terminal()
    output._print_table(ours, headers, rows, right={"Age"}, no_wrap={"Due", "Status", "Age"}, min_width={"Action": 20}, styles=styles, under=(0, under, "dim"))
    theirs = terminal()
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in headers:
        table.add_column(
            column, justify="right" if column == "Age" else "left", no_wrap=column in ("Due", "Status", "Age"), min_width=20 if column == "Action" else None
        )
    for row, row_styles, line in zip(rows, styles, under, strict=True):
        cells = [Text(cell) for cell in row]
        for at, style in row_styles.items():
            cells[at].stylize(style)
        cells[0].append(f"\n{line}", style="dim")
        table.add_row(*cells)
    theirs.print(table)

    def styled(console: Console) -> list[tuple[str, str]]:
        out = console.file
        assert isinstance(out, io.StringIO)
        text = Text.from_ansi(out.getvalue())
        return [(char, str(text.get_style_at_offset(console, n))) for n, char in enumerate(text.plain)]

    assert styled(ours) == styled(theirs)
    if colour is None:
        assert ours.file.getvalue() == theirs.file.getvalue()  # type: ignore[attr-defined]
