"""``tandem actions``: action items across meetings, as a table or JSON, with filters.

``TANDEM_TODAY`` pins the day taken as today, so ages and overdue marks are stable.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from conftest import CliResult, run_cli

from tandem.store.records import ActionItem, Meeting, Series
from tandem.store.workspace import Workspace

TODAY = "2026-11-20"
W1, P1, W2, W3 = (
    "2026-11-05-weekly-smarketing-sync",
    "2026-11-10-pipeline-review",
    "2026-11-12-weekly-smarketing-sync",
    "2026-11-26-weekly-smarketing-sync",
)
ORDER = ["w1a", "w1b", "p1a", "p1b", "w2a", "w3a"]


def build(home: Path) -> Workspace:
    ws = Workspace(home)
    ws.series.add(Series(id="weekly-smarketing-sync", title="Weekly smarketing sync"))
    ws.series.add(Series(id="pipeline-review", title="Pipeline & content review"))
    meetings = {
        W1: (
            "weekly-smarketing-sync",
            "ended",
            [
                ActionItem(id="w1a", text="Fix lead routing for EMEA", owner="Luis Ortega", due="2026-11-12", agenda_item_id="i1"),
                ActionItem(id="w1b", text="Draft the SLA one-pager", owner="Dana Kim", due="2026-11-19", status="done", closed_in=W2, closed_on="2026-11-12"),
            ],
        ),
        P1: (
            "pipeline-review",
            "ended",
            [
                ActionItem(id="p1a", text="Send 3 customer names", owner="luis ortega", due=TODAY),  # due today: not overdue yet
                ActionItem(id="p1b", text="Retire the old ebook", owner="Priya Raman", due="2026-11-01", status="dropped"),
            ],
        ),
        W2: (
            "weekly-smarketing-sync",
            "ended",
            [
                ActionItem(id="w2a", text="Pull closed-lost reasons [b]|x", owner="Priya Raman"),
            ],
        ),
        W3: (
            "weekly-smarketing-sync",
            "planned",
            [
                ActionItem(id="w3a", text="Prepare the Q1 plan", owner="Dana Kim", due="2026-11-25"),
            ],
        ),
    }
    # Created out of date order: the listing sorts by meeting date, not by file.
    for meeting_id in (W3, W2, P1, W1):
        series_id, status, actions = meetings[meeting_id]
        ws.create_meeting(Meeting(id=meeting_id, series_id=series_id, title=series_id, date=meeting_id[:10], status=status))
        with ws.open_meeting(meeting_id) as writer:
            for action in actions:
                writer.actions.add(action.replace(meeting_id=meeting_id))
    ws.set_finalized(W2, True)
    return ws


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("actions") / "ws"
    build(home)
    return home


def env(today: str | None = TODAY) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k != "TANDEM_TODAY"}
    if today is not None:
        out["TANDEM_TODAY"] = today
    return out


def actions(home: Path, *args: str, today: str | None = TODAY) -> CliResult:
    return run_cli("--home", str(home), "actions", *args, env=env(today))


def ids(result: CliResult) -> list[str]:
    assert result.code == 0, result.err
    return [row["id"] for row in json.loads(result.out)]


def assert_one_sentence(err: str, *needles: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, err)


def test_table(home: Path) -> None:
    result = actions(home)
    assert result.code == 0, result.err
    assert result.err == ""
    lines = result.out.splitlines()
    assert lines[0].split() == ["Meeting", "Date", "Series", "Action", "Owner", "Due", "Status", "Age"]
    texts = ["Fix lead routing", "Draft the SLA", "Send 3 customer", "Retire the old", "Pull closed-lost", "Prepare the Q1"]
    rows = [next(line for line in lines if text in line) for text in texts]
    assert [lines.index(row) for row in rows] == [1, 2, 3, 4, 5, 6]  # oldest meeting first
    routing, sla, names, ebook, reasons, plan = rows
    for piece in (W1, "2026-11-05", "Weekly smarketing sync", "Luis Ortega", "2026-11-12", "open, overdue", "15d"):
        assert piece in routing, piece
    assert " done " in sla and "overdue" not in sla
    assert "Pipeline & content review" in names and "open " in names and "overdue" not in names and "10d" in names
    assert " dropped " in ebook and "overdue" not in ebook
    assert "Pull closed-lost reasons [b]|x" in reasons  # user text is never markup
    assert plan.rstrip().endswith(" 0d")  # a meeting still to come has no age yet

    opened = actions(home, "--open").out
    assert "Fix lead routing" in opened and "Draft the SLA" not in opened and "Retire the old" not in opened


def test_json(home: Path) -> None:
    result = actions(home, "--json")
    assert ids(result) == ORDER
    rows = {row["id"]: row for row in json.loads(result.out)}
    assert rows["w1a"] == {
        "id": "w1a",
        "text": "Fix lead routing for EMEA",
        "owner": "Luis Ortega",
        "due": "2026-11-12",
        "status": "open",
        "meeting": W1,
        "date": "2026-11-05",
        "series": "weekly-smarketing-sync",
        "agenda_item_id": "i1",
        "closed_on": "",
        "closed_in": "",
        "overdue": True,
        "age_days": 15,
    }
    assert (rows["w1b"]["status"], rows["w1b"]["closed_in"], rows["w1b"]["closed_on"]) == ("done", W2, "2026-11-12")
    assert [k for k, row in rows.items() if row["overdue"]] == ["w1a"]
    assert {k: row["age_days"] for k, row in rows.items()} == {"w1a": 15, "w1b": 15, "p1a": 10, "p1b": 10, "w2a": 8, "w3a": 0}
    assert rows["p1a"]["series"] == "pipeline-review"
    # A day later, the item due today is overdue too.
    later = {row["id"]: row for row in json.loads(actions(home, "--json", today="2026-11-21").out)}
    assert [k for k, row in later.items() if row["overdue"]] == ["w1a", "p1a"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--open"], ["w1a", "p1a", "w2a", "w3a"]),
        (["--overdue"], ["w1a"]),
        (["--owner", "LUIS ortega"], ["w1a", "p1a"]),
        (["--owner", "Luis"], []),
        (["--series", "pipeline-review"], ["p1a", "p1b"]),
        (["--series", "weekly-smarketing-sync", "--open", "--owner", "dana kim"], ["w3a"]),
        (["--overdue", "--series", "pipeline-review"], []),
    ],
)
def test_filters(home: Path, args: list[str], expected: list[str]) -> None:
    assert ids(actions(home, *args, "--json")) == expected


def test_no_match_says_so(home: Path) -> None:
    result = actions(home, "--overdue", "--series", "pipeline-review", "--owner", "Luis Ortega")
    assert result.code == 0, result.err
    assert result.out.strip() == f"No overdue action items owned by Luis Ortega in series pipeline-review in {home}."


def test_closing_an_action_shows(tmp_path: Path) -> None:
    ws = build(tmp_path / "ws")
    ws.set_action_status(W1, "w1a", "done", closed_in=W2, closed_on="2026-11-12")
    rows = {row["id"]: row for row in json.loads(actions(ws.home, "--json").out)}
    assert (rows["w1a"]["status"], rows["w1a"]["overdue"], rows["w1a"]["closed_in"]) == ("done", False, W2)
    assert ids(actions(ws.home, "--overdue", "--json")) == []


def test_today_defaults_to_the_real_date(home: Path) -> None:
    rows = {row["id"]: row for row in json.loads(actions(home, "--json", today=None).out)}
    assert rows["w1a"]["age_days"] == (date.today() - date(2026, 11, 5)).days
    assert "TANDEM_TODAY" in run_cli("actions", "--help").out


def test_unknown_series_exits_1(home: Path) -> None:
    for args in (["--series", "nope"], ["--series", "nope", "--json"]):
        result = actions(home, *args)
        assert result.code == 1
        assert result.out == ""
        assert_one_sentence(result.err, "'nope'", "known series: pipeline-review, weekly-smarketing-sync")


@pytest.mark.parametrize(
    ("args", "today", "needle"),
    [
        (["--bogus"], TODAY, "--bogus"),
        (["extra"], TODAY, "extra"),
        (["--owner"], TODAY, "--owner"),
        (["--json"], "2026-13-01", "TANDEM_TODAY"),
        (["--json"], "20261120", "TANDEM_TODAY"),
    ],
)
def test_bad_usage_exits_2(home: Path, args: list[str], today: str, needle: str) -> None:
    result = actions(home, *args, today=today)
    assert result.code == 2, result
    assert result.out == ""
    assert_one_sentence(result.err, needle)


def test_empty_workspace(tmp_path: Path) -> None:
    home = tmp_path / "new"
    result = actions(home)
    assert result.code == 0, result.err
    assert result.out.strip() == f"No action items in {home} yet."
    assert ids(actions(home, "--open", "--json")) == []
    assert_one_sentence(actions(home, "--series", "x").err, "known series: none")
    assert not home.exists()  # looking never creates a workspace


def test_narrow_terminal_gets_a_compact_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On an 80-column terminal every action, owner, status and age stays readable; the
    meeting id moves under the action."""
    import io

    from rich.console import Console

    from tandem.tui.cli import output

    ws = build(tmp_path / "ws")
    buffer = io.StringIO()
    console = Console(width=80, file=buffer, force_terminal=True, color_system=None, highlight=False)
    monkeypatch.setattr(output, "_console", lambda: console)
    rows = [
        output.action_summary(action, meeting, date(2026, 11, 20))
        for meeting, items in sorted(ws.iter_actions(), key=lambda pair: pair[0].date)
        for action in items
    ]
    output.print_actions(rows, ws.series.all(), "none")
    text = buffer.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    lines = text.splitlines()
    assert lines[0].split() == ["Action", "Owner", "Due", "Status", "Age"]
    routing = lines.index(next(line for line in lines if "Fix lead routing for EMEA" in line))
    assert all(piece in lines[routing] for piece in ("Luis Ortega", "2026-11-12", "open, overdue", "15d"))
    assert lines[routing + 1].strip() == W1
    for meeting_id in (P1, W2, W3):
        assert any(line.strip() == meeting_id for line in lines)
