"""The SLA scorecard in review's Lead-quality tab (issue 22, point 4): each clause this period
and the one before, target, met or missed in words, trend; the empty states; computed in a
worker; nothing shown for a workspace that never recorded an SLA nor imported a list."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from tandem.store.atomic import atomic_write_bytes, encode
from tandem.store.crm.lead import LEADS_FILE, LEADS_TABLE, Lead, lead_id
from tandem.store.demo import seed_demo
from tandem.store.sla.record import SLA_FILE
from tandem.store.sla.report import scorecard
from tandem.store.sla.versions import parse_change, set_sla
from tandem.store.workspace import Workspace
from tandem.tui.widgets.review.sla import SlaScorecard, compact
from tests.conftest import rendered_text
from tests.tui.test_review_app import app_for, settle

TODAY = date(2026, 11, 27)
NOON = datetime(2026, 11, 27, 12, 0)


def write_leads(home: Path) -> None:
    """October and November: six MQLs each (one pre-MQL lead left out), touched and decided
    at known hours; the demo's feedback names none of them."""
    leads = []
    for period, hours in (("2026-10", (2, 3, 30, 5, 6, 40)), ("2026-11", (1, 2, 3, 4, 50, 6))):
        for n, touch in enumerate(hours):
            ref = f"{period}-{n}"
            leads.append(
                Lead(
                    id=lead_id(ref),
                    reference=ref,
                    period=period,
                    created_at=f"{period}-10T09:00:00",
                    handed_over_at=f"{period}-10T10:00:00",
                    first_touch_at=f"{period}-{10 + (10 + touch) // 24:02d}T{(10 + touch) % 24:02d}:00:00",
                    source="Webinar" if n % 2 else "Paid search",
                    stage="sql" if n < 2 else "mql",
                    status="accepted" if n < 4 else "rejected",
                )
            )
    leads.append(Lead(id=lead_id("pre"), reference="pre", period="2026-11", created_at="2026-11-10T09:00:00", stage="lead"))
    atomic_write_bytes(home / LEADS_FILE, encode({LEADS_TABLE: {x.id: x.to_dict() for x in leads}}, "leads"))


def agree(home: Path) -> None:
    changes = [parse_change("mqls_per_month", "5"), parse_change("first_touch_hours", "24"), parse_change("acceptance_floor", "70")]
    set_sla(Workspace(home), changes, effective=date(2026, 10, 1), agreed_by=["Dana Kim"], now=datetime(2026, 9, 30, 9, 0))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A demo's meetings without the demo's own lead lists and SLA: each test writes the
    leads and the SLA it computes by hand."""
    home = tmp_path / "ws"
    seed_demo(Workspace(home), meetings=12)
    (home / LEADS_FILE).unlink()
    (home / SLA_FILE).unlink()
    return home


async def shown(home: Path) -> tuple[bool, str]:
    async with app_for(home).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        section = pilot.app.screen.query_one("#lead-sla", SlaScorecard)
        return section.display, rendered_text(section)


async def test_each_clause_with_both_periods_target_result_and_trend(home: Path) -> None:
    write_leads(home)
    agree(home)
    visible, text = await shown(home)
    assert visible
    lines = {line.split("  ")[0]: " ".join(line.split()) for line in text.splitlines()}
    assert "SLA v1, effective 2026-10-01 · 6 MQLs in 2026-11" in text
    # 6 MQLs against 5: met, flat. 4 of 6 accepted (67%) against 70%: missed, flat.
    assert lines["MQLs delivered"] == "MQLs delivered 6 6 ≥ 5 ✓ met → same"
    assert lines["Acceptance rate"] == "Acceptance rate 67% 67% ≥ 70% ✗ missed → same"
    # One November lead touched after 50 h against 24: missed; the median went from 5.5 to
    # 3.5 hours: down, which is better for a time.
    assert lines["Time to first touch"] == "Time to first touch 3.5 h 5.5 h ≤ 24 h ✗ missed ↓ better"
    # No target: neither met nor missed, in words.
    assert lines["Feedback coverage"] == "Feedback coverage 0% 0% — — → same"
    # The figures are the report's own (the same arithmetic as tandem sla report).
    card = scorecard(Workspace(home), now=NOON)
    for row in card.rows:
        assert compact(row.clause, row.this) in lines[row.title]


async def test_no_sla_yet_says_how_to_record_one(home: Path) -> None:
    write_leads(home)
    visible, text = await shown(home)
    assert visible and "No SLA recorded yet — tandem sla set CLAUSE VALUE records the first." in text
    assert "MQLs delivered" in text and "✓" not in text and "✗" not in text


async def test_no_leads_for_the_period_says_so(home: Path) -> None:
    agree(home)
    visible, text = await shown(home)
    assert visible and "No leads imported for 2026-11." in text


async def test_hidden_without_an_sla_or_a_lead_list(home: Path) -> None:
    visible, _ = await shown(home)
    assert not visible


async def test_a_damaged_lead_list_is_one_sentence_naming_the_file(home: Path) -> None:
    agree(home)
    (home / LEADS_FILE).write_text("{not json")
    visible, text = await shown(home)
    assert visible and "leads.json" in text and "Traceback" not in text


def test_scorecard_snapshot(snap_compare, home: Path) -> None:
    write_leads(home)
    agree(home)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)

    assert snap_compare(app_for(home), terminal_size=(80, 24), run_before=run_before)
