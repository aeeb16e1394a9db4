"""`tandem decisions`: the register from the command line, as a table and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import build_sample, run_cli

from tandem.store.records import Decision

SECOND = "2026-11-19-weekly-smarketing-sync"


def sample(tmp_path: Path) -> Path:
    ws = build_sample(tmp_path / "ws")
    with ws.open_meeting(SECOND) as writer:
        writer.decisions.add(
            Decision(
                id="faster",
                text="SAL within 12h",
                decided_by="Luis \x1b[31mOrtega",
                meeting_id=SECOND,
                supersedes="dec-0",
                earlier_text="SAL within 24h",
                earlier_date="2026-11-12",
            )
        )
    return ws.home


def test_json_lists_every_decision_with_its_status(tmp_path: Path) -> None:
    result = run_cli("--home", str(sample(tmp_path)), "decisions", "--json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert [r["date"] for r in rows] == sorted((r["date"] for r in rows), reverse=True)
    old = next(r for r in rows if r["id"] == "dec-0")
    assert (old["status"], old["changed_by"], old["changed_on"]) == ("superseded", "SAL within 12h", "2026-11-19")
    new = next(r for r in rows if r["id"] == "faster")
    assert (new["status"], new["supersedes"], new["decided_by"]) == ("active", "dec-0", "Luis Ortega")  # cleaned as stored


def test_filters_table_and_errors(tmp_path: Path) -> None:
    home = str(sample(tmp_path))
    superseded = run_cli("--home", home, "decisions", "--status", "superseded")
    assert superseded.code == 0 and "superseded 2026-11-19: SAL within 12h" in superseded.out and "1 superseded" in superseded.out
    assert "\x1b" not in superseded.out
    found = json.loads(run_cli("--home", home, "decisions", "--search", "ortega SAL", "--json").out)
    assert [r["id"] for r in found] == ["faster"]
    # What changed a decision finds it too: the old one is where the new one came from.
    changed = json.loads(run_cli("--home", home, "decisions", "--search", "12H sal", "--json").out)
    assert [r["id"] for r in changed] == ["faster", "dec-0"]
    none = run_cli("--home", home, "decisions", "--search", "nothing like it")
    assert none.code == 0 and "No decisions match" in none.out
    bad_status = run_cli("--home", home, "decisions", "--status", "gone")
    assert bad_status.code == 2 and "Traceback" not in bad_status.err
    bad_series = run_cli("--home", home, "decisions", "--series", "nope")
    assert bad_series.code == 1 and "No series 'nope'" in bad_series.err
    empty = run_cli("--home", str(tmp_path / "empty"), "decisions")
    assert empty.code == 0 and "No decisions in" in empty.out


def test_a_broken_meeting_file_is_named_and_the_rest_listed(tmp_path: Path) -> None:
    home = sample(tmp_path)
    (home / "meetings" / "2026-11-12-weekly-smarketing-sync.json").write_text("{ not json")
    result = run_cli("--home", str(home), "decisions", "--json")
    assert result.code == 1 and "2026-11-12-weekly-smarketing-sync.json" in result.err and "Traceback" not in result.err
    assert {r["id"] for r in json.loads(result.out)} == {"dec-1", "dec-2", "faster"}
