"""The demo's CRM story (issue 22, point 6): six monthly lead lists stored as an import stores
them, an SLA agreed at the kickoff and tightened once (each a decision in a lead-quality
meeting's minutes), feedback that covers more of each list month by month, and a scorecard
with clauses met and missed."""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from tandem.store.crm.importer import import_leads, stored_leads
from tandem.store.crm.lead import LEAD_STATUSES, LEADS_FILE, lead_id
from tandem.store.crm.settings import FIELDS, CrmMapping
from tandem.store.demo import DEMO_TODAY, seed_demo
from tandem.store.demo_story import LEAD_VOLUME, LINKEDIN, SHORT_SOURCE, SLA_AGREED_BY, P
from tandem.store.minutes.render import Shared, render_minutes
from tandem.store.records import FUNNEL_STAGES
from tandem.store.sla.record import SLA_FILE
from tandem.store.sla.report import imported_periods, scorecard
from tandem.store.sla.versions import load
from tandem.store.workspace import Workspace

NOON = datetime.combine(DEMO_TODAY, time(12))
#: The six months before the demo's own.
PERIODS = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    workspace = Workspace(tmp_path_factory.mktemp("demo") / "ws")
    seed_demo(workspace)
    return workspace


def coverage(ws: Workspace, period: str) -> float:
    row = next(r for r in scorecard(ws, period, now=NOON).rows if r.clause == "coverage_floor")
    assert row.this.value is not None
    return row.this.value


def test_six_monthly_lists_with_timestamps(ws: Workspace) -> None:
    leads = stored_leads(ws)
    assert imported_periods(ws) == set(PERIODS)
    assert [sum(lead.period == p for lead in leads) for p in PERIODS] == list(LEAD_VOLUME)
    assert {lead.source for lead in leads} == set(SHORT_SOURCE)
    assert {lead.status for lead in leads} <= set(LEAD_STATUSES) and {"accepted", "rejected", "recycled", "converted"} <= {lead.status for lead in leads}
    assert {lead.stage for lead in leads} <= set(FUNNEL_STAGES)
    assert len({lead.persona for lead in leads}) >= 5 and len({lead.campaign for lead in leads}) >= 10
    cutoff = datetime.combine(DEMO_TODAY, time(8, 5))
    for lead in leads:
        assert lead.id == lead_id(lead.reference) and lead.reference.startswith("00Q")
        created, handed = datetime.fromisoformat(lead.created_at), datetime.fromisoformat(lead.handed_over_at)
        assert lead.created_at[:7] == lead.period and created <= handed
        if lead.first_touch_at:
            assert handed <= datetime.fromisoformat(lead.first_touch_at) <= cutoff
        # Each lead as the import that last changed it left it: nothing later than it.
        assert lead.file.startswith("salesforce-leads-") and lead.file.endswith(".csv")
        assert max(lead.created_at, lead.handed_over_at, lead.first_touch_at) <= lead.imported_at <= cutoff.isoformat()
        if lead.status == "new":
            assert not lead.first_touch_at


def test_the_lists_hold_the_story_linkedin_no_fit_falls(ws: Workspace) -> None:
    leads = {lead.reference: lead for lead in stored_leads(ws)}
    agencies = [lead.period for lead in leads.values() if lead.source == LINKEDIN and lead.persona == "Agency / consultant"]
    assert sum(p <= PERIODS[2] for p in agencies) > 2 * sum(p > PERIODS[2] for p in agencies)


def test_stored_exactly_as_an_import_stores_them(ws: Workspace, tmp_path: Path) -> None:
    """Importing the same leads from a CSV finds every one unchanged and writes nothing."""
    before = (ws.home / LEADS_FILE).read_bytes()
    leads = stored_leads(ws)
    path = tmp_path / "same.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(FIELDS)
        for lead in leads:
            writer.writerow([getattr(lead, name) for name in FIELDS])
    mapping = CrmMapping(
        preset="",
        columns={name: name for name in FIELDS},
        status={s: s for s in LEAD_STATUSES},
        status_export={},
        stage={s: s for s in FUNNEL_STAGES},
        stage_export={},
    )
    result = import_leads(ws, path, mapping, now=NOON)
    assert (result.new, result.updated, result.unchanged) == (0, 0, len(leads))
    assert (ws.home / LEADS_FILE).read_bytes() == before


def test_the_sla_agreed_at_the_kickoff_and_tightened_once_in_the_minutes(ws: Workspace) -> None:
    versions = load(ws)
    assert [v.version for v in versions] == [1, 2]
    v1, v2 = versions
    meetings = ws.list_meetings()
    held_weekly = [m for m in meetings if m.series_id == "weekly-smarketing-sync" and m.status != "planned"]
    assert v1.meeting_id == held_weekly[0].id, "agreed at the first weekly sync: the kickoff"
    assert v1.effective == held_weekly[0].date < v2.effective
    assert v2.decision_hours < v1.decision_hours and v2.first_touch_hours < v1.first_touch_hours
    assert v2.coverage_floor > v1.coverage_floor and v2.mqls_per_month > v1.mqls_per_month and v2.first_touch
    for version in versions:
        assert version.agreed_by and set(version.agreed_by) <= {P[n].name for n in SLA_AGREED_BY}
        record = ws.read_meeting(version.meeting_id)
        decision = next(d for d in record.decisions if d.id == version.decision_id)
        assert decision.text.startswith(f"SLA v{version.version} from {version.effective}: ")
        item = next(i for i in record.agenda if i.id == decision.agenda_item_id)
        assert item.captures == "lead_feedback" and "SLA" in item.notes
        minutes = render_minutes(record, Shared.assemble(ws, meetings, ws.action_items()))
        assert decision.text in minutes
    tightened = next(d for d in ws.read_meeting(v2.meeting_id).decisions if d.id == v2.decision_id)
    assert "accept or reject within 48 h (was 72 h)" in tightened.text


def test_the_scorecard_has_clauses_met_and_missed(ws: Workspace) -> None:
    card = scorecard(ws, now=NOON)
    assert card.period == PERIODS[-1] and card.sla is not None and card.sla.version == 2
    verdicts = {row.clause: row.met for row in card.rows}
    assert True in verdicts.values() and False in verdicts.values(), verdicts
    # The story: marketing delivers its MQLs, sales keeps neither time clause.
    assert verdicts["mqls_per_month"] and verdicts["coverage_floor"]
    assert verdicts["decision_hours"] is False and verdicts["first_touch_hours"] is False


def test_feedback_coverage_improves_month_over_month(ws: Workspace) -> None:
    shares = [coverage(ws, p) for p in PERIODS]
    assert shares[0] < shares[-1] and shares[0] < 40 < 60 < shares[-1], shares
    assert sum(later > earlier for earlier, later in pairwise(shares)) >= 4, shares


def test_feedback_in_the_lists_months_names_their_leads(ws: Workspace) -> None:
    references = {lead.reference for lead in stored_leads(ws)}
    triaged = 0
    for meeting in ws.list_meetings():
        record = ws.read_meeting(meeting.id)
        for f in record.lead_feedback:
            if f.reference.startswith("00Q"):
                assert f.reference in references
        triaged += sum("from the imported list" in item.notes for item in record.agenda)
    named = [f for f in ws.lead_feedback() if f.reference in references]
    assert len(named) > sum(LEAD_VOLUME) / 2 and triaged >= 10


def test_same_seed_same_files_another_seed_other_lists(tmp_path: Path) -> None:
    a, b, c = (Workspace(tmp_path / name) for name in "abc")
    seed_demo(a, meetings=12, seed=3)
    seed_demo(b, meetings=12, seed=3)
    seed_demo(c, meetings=12, seed=4)
    for name in (LEADS_FILE, SLA_FILE):
        assert (a.home / name).read_bytes() == (b.home / name).read_bytes(), name
    assert (a.home / LEADS_FILE).read_bytes() != (c.home / LEADS_FILE).read_bytes()


def test_a_demo_too_short_for_the_kickoff_records_the_sla_by_hand(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    seed_demo(ws, meetings=3)
    assert imported_periods(ws) == set(PERIODS)
    versions = load(ws)
    assert [v.version for v in versions] == [1, 2] and not versions[0].meeting_id
    for version in versions:
        if version.meeting_id:
            assert any(d.id == version.decision_id for d in ws.read_meeting(version.meeting_id).decisions)
    assert scorecard(ws, now=NOON).sla is not None


def test_no_meetings_no_lists(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    seed_demo(ws, meetings=0)
    assert not (ws.home / LEADS_FILE).exists() and not (ws.home / SLA_FILE).exists()


def test_the_lists_follow_the_given_today(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    seed_demo(ws, meetings=12, seed=3, today=date(2024, 2, 29))
    assert imported_periods(ws) == {"2023-08", "2023-09", "2023-10", "2023-11", "2023-12", "2024-01"}
    last = max(lead.imported_at for lead in stored_leads(ws))
    assert last <= datetime(2024, 2, 29, 8, 5).isoformat() and last > (datetime(2024, 2, 29) - timedelta(days=31)).isoformat()
