"""``tandem sla show|set|report``: the SLA's versions and scorecard from the command line,
--json parsed, exit 2 for bad usage and 1 for bad data, each one sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import build_sample, one_sentence
from conftest import tandem_at as tandem

from tandem.store.sla.record import SLA_FILE
from tandem.store.workspace import Workspace

ENDED = "2026-11-19-weekly-smarketing-sync"
# Laid out as HubSpot exports leads, with the first-outreach column a team maps in [crm].
HUBSPOT_CSV = """\
Record ID,First Name,Lifecycle Stage,Lead Status,Original Source,Create Date,Became a Marketing Qualified Lead Date
CRM-100,Ana,Marketing Qualified Lead,Open Deal,Paid search,2026-11-03 14:05,2026-11-03 15:00
CRM-101,Bo,Sales Qualified Lead,Unqualified,Demo request,2026-11-04 09:10,2026-11-04 09:30
CRM-103,Cy,Marketing Qualified Lead,New,Paid search,2026-11-05 09:10,2026-11-05 10:00
CRM-104,Di,Marketing Qualified Lead,New,Webinar,2026-10-05 09:10,2026-10-05 10:00
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return build_sample(tmp_path / "ws").home


def test_set_then_show_and_history(home: Path) -> None:
    first = tandem(
        home, "sla", "set", "mqls_per_month", "100", "decision_hours", "48", "first_touch_hours", "24", "--effective", "2026-10-01", "--by", "Dana Kim"
    )
    assert (first.code, first.out) == (0, "SLA v1 recorded, effective 2026-10-01.\n"), first
    second = tandem(home, "sla", "set", "first_touch_hours:source=Demo request", "4", "--effective", "2026-12-01", "--meeting", ENDED, "--by", "Luis Ortega")
    assert second.code == 0, second
    assert second.out.splitlines() == [
        "SLA v2 recorded, effective 2026-12-01 (made from v1).",
        f"Decision in {ENDED}: SLA v2 from 2026-12-01: first touch within 4 h for source Demo request (was 24 h)",
    ]
    shown = tandem(home, "sla", "show", "--at", "2026-12-05")
    assert shown.out.splitlines() == [
        "SLA v2, effective 2026-12-01; agreed by Luis Ortega; decided in 2026-11-19 Weekly smarketing sync",
        "  100 MQLs a month (marketing)",
        "  accept or reject within 48 h (sales)",
        "  first touch within 24 h (sales)",
        "  first touch within 4 h for source Demo request (sales)",
    ]
    data = json.loads(tandem(home, "sla", "show", "--at", "2026-11-30", "--json").out)
    assert (data["at"], data["sla"]["version"], data["sla"]["first_touch"]) == ("2026-11-30", 1, [])
    history = json.loads(tandem(home, "sla", "show", "--history", "--json").out)
    assert [v["version"] for v in history["versions"]] == [1, 2]
    assert history["versions"][1]["meeting_id"] == ENDED
    before = tandem(home, "sla", "show", "--at", "2026-09-30")
    assert (before.code, before.out) == (0, "No SLA in force on 2026-09-30; a version takes effect later.\n")


def test_a_typo_suggests_the_clause_and_changes_nothing(home: Path) -> None:
    one_sentence(tandem(home, "sla", "set", "decison_hours", "48"), 2, "No SLA clause 'decison_hours' (did you mean decision_hours?)")
    one_sentence(tandem(home, "sla", "set", "decision_hours"), 2, "'decision_hours' has no value")
    one_sentence(tandem(home, "sla", "set", "decision_hours", "48", "--effective", "someday"), 2, "--effective takes a date")
    one_sentence(tandem(home, "sla", "show", "--history", "--at", "2026-12-01"), 2, "--history")
    one_sentence(tandem(home, "sla", "set", "decision_hours", "48", "--meeting", "1999"), 1, "No meeting '1999'")
    assert not (home / SLA_FILE).exists()


def test_a_meeting_open_for_editing_is_refused_politely(home: Path) -> None:
    with Workspace(home).open_meeting(ENDED):
        result = tandem(home, "sla", "set", "decision_hours", "24", "--meeting", ENDED)
    one_sentence(result, 1, f"Meeting {ENDED} is open for editing", "the SLA was not changed")
    assert not (home / SLA_FILE).exists()


def test_report_over_imported_leads(home: Path, tmp_path: Path) -> None:
    export = tmp_path / "leads.csv"
    export.write_text(HUBSPOT_CSV, encoding="utf-8")
    assert tandem(home, "import", "leads", str(export), "--preset", "hubspot").code == 0
    assert tandem(home, "sla", "set", "mqls_per_month", "3", "acceptance_floor", "50", "coverage_floor", "50", "--effective", "2026-10-01").code == 0
    result = tandem(home, "sla", "report", "--period", "2026-11", "--json")
    assert result.code == 0, result
    card = json.loads(result.out)
    assert (card["period"], card["last_period"], card["leads"], card["last_leads"], card["sla"]["version"]) == ("2026-11", "2026-10", 3, 1, 1)
    rows = {r["clause"]: r for r in card["clauses"]}
    assert (rows["mqls_per_month"]["this"]["value"], rows["mqls_per_month"]["met"], rows["mqls_per_month"]["trend"]) == (3, True, "up")
    # CRM-100 (Open Deal: accepted) and CRM-101 (Unqualified: rejected) decided; the sample's
    # meetings gave feedback on CRM-100 and CRM-101.
    assert (rows["acceptance_floor"]["this"]["n"], rows["acceptance_floor"]["this"]["of"], rows["acceptance_floor"]["met"]) == (1, 2, True)
    assert (rows["coverage_floor"]["this"]["n"], rows["coverage_floor"]["this"]["of"]) == (2, 3)
    text = tandem(home, "sla", "report", "--period", "2026-11")
    assert text.code == 0 and text.out.startswith("SLA scorecard 2026-11 (vs 2026-10): SLA v1, effective 2026-10-01\n3 MQLs in 2026-11, 1 MQL in 2026-10.\n")
    assert "MQLs delivered" in text.out and "met" in text.out
    empty = tandem(home, "sla", "report", "--period", "2027-03")
    assert empty.code == 0 and "No leads imported for 2027-03." in empty.out
    one_sentence(tandem(home, "sla", "report", "--period", "november"), 2, "--period takes a month as YYYY-MM")
