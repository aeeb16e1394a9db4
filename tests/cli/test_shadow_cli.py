"""`tandem shadow new|list` and `tandem export shadow ID`, through the real entry point."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import CliResult, run_cli
from minutes_helpers import front_matter, tasks

from tandem.store.records import Experiment, Takeaway
from tandem.store.workspace import Workspace

TODAY = "2026-11-26"  # a Thursday


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "ws"


def tandem(home: Path, *args: str) -> CliResult:
    env = {**os.environ, "TANDEM_TODAY": TODAY, "TANDEM_CONFIG_DIR": str(home.parent / "config")}
    env.pop("TANDEM_HOME", None)
    return run_cli("--home", str(home), *args, env=env)


def one_sentence(result: CliResult) -> str:
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("tandem: ") and "Traceback" not in result.err
    return lines[0]


def test_new_prints_the_id_and_saves_the_day(home: Path) -> None:
    result = tandem(home, "shadow", "new", "--shadow", "Dana Kim", "--host", "Luis Ortega", "--direction", "marketing-to-sales", "--date", "fri")
    assert result.code == 0, result.err
    day_id = result.out.strip()
    assert result.out == f"{day_id}\n", "only the id on stdout"
    assert "Dana Kim" in result.err and "Luis Ortega" in result.err and "2026-11-27" in result.err
    (day,) = Workspace(home).shadow_days.all()
    assert (day.id, day.shadow, day.host, day.direction, day.date, day.status) == (
        day_id,
        "Dana Kim",
        "Luis Ortega",
        "marketing_to_sales",
        "2026-11-27",
        "planned",
    )
    assert [a.title for a in day.activities] == ["Prospecting research", "Prospect calls", "Meetings"]


def test_new_takes_activities_and_any_date_form(home: Path) -> None:
    result = tandem(
        home,
        "shadow",
        "new",
        "--shadow",
        "Luis Ortega",
        "--host",
        "Dana Kim",
        "--direction",
        "sales_to_marketing",
        "--date",
        "+1w",
        "--activity",
        "Campaign report",
        "--activity",
        "Webinar dry run",
    )
    assert result.code == 0, result.err
    (day,) = Workspace(home).shadow_days.all()
    assert (day.direction, day.date) == ("sales_to_marketing", "2026-12-03")
    assert [a.title for a in day.activities] == ["Campaign report", "Webinar dry run"]
    assert tandem(home, "shadow", "new", "--shadow", "A", "--host", "B", "--direction", "SALES-TO-MARKETING", "--date", "2026-12-10").code == 0


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["--host", "Luis", "--direction", "marketing-to-sales", "--date", "fri"], "--shadow"),
        (["--shadow", "Dana", "--host", "Luis", "--direction", "sideways", "--date", "fri"], "--direction"),
        (["--shadow", "Dana", "--host", "Luis", "--direction", "marketing-to-sales", "--date", "someday"], "--date"),
        (["--shadow", "Dana", "--host", "Luis", "--direction", "marketing-to-sales", "--date", "2026-02-30"], "--date"),
        (["--shadow", "Dana", "--host", " dana ", "--direction", "marketing-to-sales", "--date", "fri"], "--host"),
        (["--shadow", "  ", "--host", "Luis", "--direction", "marketing-to-sales", "--date", "fri"], "--shadow"),
        (["--shadow", "Dana", "--host", "Luis", "--direction", "marketing-to-sales", "--date", "fri", "--activity", ""], "--activity"),
    ],
)
def test_new_refuses_bad_usage_in_one_sentence(home: Path, args: list[str], mentions: str) -> None:
    result = tandem(home, "shadow", "new", *args)
    assert result.code == 2, result
    assert mentions in one_sentence(result)
    assert result.out == ""
    assert Workspace(home).shadow_days.all() == []


def test_list_shows_upcoming_then_past(home: Path) -> None:
    empty = tandem(home, "shadow", "list")
    assert empty.code == 0 and "No shadow days" in empty.out and "tandem shadow new" in empty.out
    assert json.loads(tandem(home, "shadow", "list", "--json").out) == []

    ids = {}
    for name, day in (("Dana Kim", "2026-12-04"), ("Priya Raman", "2026-11-30"), ("Kenji Sato", "2026-11-12")):
        result = tandem(home, "shadow", "new", "--shadow", name, "--host", "Luis Ortega", "--direction", "marketing-to-sales", "--date", day)
        ids[name] = result.out.strip()
    ws = Workspace(home)
    kenji = ws.shadow_days.get(ids["Kenji Sato"])
    ws.shadow_days.update(
        kenji.replace(
            status="done",
            takeaways=[Takeaway(id="t1", category="learned", text="Calls are hard", at="2026-11-12T10:00:00")],
            experiment=Experiment(text="Shared objection list", owner="Kenji Sato", report_back="2026-12-10"),
        )
    )

    table = tandem(home, "shadow", "list")
    assert table.code == 0, table.err
    out = table.out
    assert out.index("Upcoming") < out.index(ids["Priya Raman"]) < out.index(ids["Dana Kim"]) < out.index("Past") < out.index(ids["Kenji Sato"])
    assert "marketing → sales" in out and "Shared objection list" in out and "report back 2026-12-10" in out

    rows = json.loads(tandem(home, "shadow", "list", "--json").out)
    assert [(r["shadow"], r["when"]) for r in rows] == [("Priya Raman", "upcoming"), ("Dana Kim", "upcoming"), ("Kenji Sato", "past")]
    past = rows[2]
    assert past["id"] == ids["Kenji Sato"] and past["direction"] == "marketing_to_sales" and past["status"] == "done"
    assert past["takeaways"] == 1 and past["takeaways_by_category"] == {"learned": 1}
    assert past["experiment"] == {"text": "Shared objection list", "owner": "Kenji Sato", "report_back": "2026-12-10", "action_id": ""}
    assert [a["title"] for a in past["activities"]] == ["Prospecting research", "Prospect calls", "Meetings"]
    assert past["debriefed_in"] == ""


def test_list_never_passes_escape_sequences_to_the_terminal(home: Path) -> None:
    result = tandem(
        home, "shadow", "new", "--shadow", "\x1b[31mDana\x1b]52;c;ZXZpbA==\x07", "--host", "[b]Luis[/b]", "--direction", "marketing-to-sales", "--date", "fri"
    )
    assert result.code == 0, result.err
    assert "\x1b" not in result.err
    out = tandem(home, "shadow", "list").out
    assert "\x1b" not in out and "\x07" not in out
    assert "[b]Luis[/b]" in out, "names are never Rich markup"


def test_export_shadow_day(home: Path, tmp_path: Path) -> None:
    day_id = tandem(home, "shadow", "new", "--shadow", "Dana Kim", "--host", "Luis Ortega", "--direction", "marketing-to-sales", "--date", "fri").out.strip()
    result = tandem(home, "export", "shadow", day_id)
    assert result.code == 0, result.err
    assert front_matter(result.out)["id"] == day_id
    assert "# Shadow day: Dana Kim with Luis Ortega" in result.out
    assert tasks(result.out) == ["[ ] Prospecting research", "[ ] Prospect calls", "[ ] Meetings"]
    assert tandem(home, "export", "shadow", day_id[:5]).out == result.out, "a unique start of the id will do"

    target = tmp_path / "day.md"
    wrote = tandem(home, "export", "shadow", day_id, "-o", str(target))
    assert wrote.code == 0 and "Wrote" in wrote.err
    assert target.read_text(encoding="utf-8") == result.out
    mtime = target.stat().st_mtime_ns
    again = tandem(home, "export", "shadow", day_id, "-o", str(target))
    assert "Unchanged" in again.err and target.stat().st_mtime_ns == mtime, "byte-identical, file untouched"


def test_export_shadow_errors(home: Path) -> None:
    tandem(home, "shadow", "new", "--shadow", "Dana", "--host", "Luis", "--direction", "marketing-to-sales", "--date", "fri")
    missing = tandem(home, "export", "shadow", "nosuchday")
    assert missing.code == 1 and "nosuchday" in one_sentence(missing)
    for args in (["shadow"], ["shadow", "a", "b"], ["shadow", "x", "--all", "--out", "d"], ["shadow", "x", "--format", "csv"], ["a", "b"]):
        result = tandem(home, "export", *args)
        assert result.code == 2, (args, result)
        one_sentence(result)


def test_shadow_group_lists_its_commands(home: Path) -> None:
    result = tandem(home, "shadow", "--help")
    assert result.code == 0 and "new" in result.out and "list" in result.out
