"""``tandem export crm``: the two files and one line saying what was written, an empty export
said as such, and bad usage one sentence (exit 2)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from conftest import tandem_at as tandem

from tandem.store.records import AgendaItem, LeadFeedback, Meeting
from tandem.store.workspace import Workspace

HUBSPOT_CSV = """\
Record ID,First Name,Email,Lead Status,Original Source,Create Date
901,Ana,ana@acme.example,New,Paid search,2026-11-03 14:05
902,Bo,bo@globex.example,Attempted to Contact,Referrals,2026-11-04 09:10
"""


def test_export_crm_writes_leads_and_tasks_for_the_preset(tmp_path: Path) -> None:
    home, source, out = tmp_path / "ws", tmp_path / "leads.csv", tmp_path / "out"
    source.write_text(HUBSPOT_CSV, encoding="utf-8")
    assert tandem(home, "import", "leads", str(source), "--preset", "hubspot").code == 0
    ws = Workspace(home)
    ws.create_meeting(Meeting(id="2026-12-01-review", series_id="review", title="Lead review", date="2026-12-01"), [AgendaItem(id="i1", title="Leads")])
    with ws.open_meeting("2026-12-01-review") as writer:
        writer.lead_feedback.add(LeadFeedback(id="f1", reference="902", verdict="poor", disposition="rejected", reasons=["no_budget"], agenda_item_id="i1"))
        writer.lead_feedback.add(LeadFeedback(id="f2", reference="777", verdict="good", agenda_item_id="i1"))

    result = tandem(home, "export", "crm", "--preset", "hubspot", "--out", str(out))
    assert result.code == 0, result
    assert result.err.startswith(f"Wrote {out / 'leads.csv'} and {out / 'tasks.csv'}: 2 leads with feedback, 0 tasks.")
    assert "1 lead not in any imported list (check the ids): 777." in result.err
    rows = list(csv.DictReader(io.StringIO((out / "leads.csv").read_text(encoding="utf-8"), newline="")))
    assert [(r["Record ID"], r["Lead Status"], r["Disqualification Reason"]) for r in rows] == [("777", "CONNECTED", ""), ("902", "UNQUALIFIED", "No budget")]

    again = tandem(home, "export", "crm", "--preset", "hubspot", "--out", str(out))
    assert again.code == 0 and again.err.startswith("Unchanged: "), again


def test_an_empty_export_says_so(tmp_path: Path) -> None:
    result = tandem(tmp_path / "ws", "export", "crm", "--preset", "salesforce", "--out", str(tmp_path / "out"))
    assert result.code == 0 and result.err == "Nothing to export: no lead has feedback and no action item is open or done.\n", result
    assert not (tmp_path / "out").exists()


def test_bad_usage_is_one_sentence(tmp_path: Path) -> None:
    for args in (("export", "crm", "--preset", "hubspot"), ("export", "crm", "--all", "--out", "x"), ("export", "latest", "--preset", "hubspot")):
        result = tandem(tmp_path / "ws", *args)
        assert result.code == 2 and "Traceback" not in result.err and result.err.count("\n") <= 3, result
