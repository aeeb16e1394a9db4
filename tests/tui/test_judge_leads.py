"""Judging the imported leads between meetings (``j`` on the Contribute screen): one key a
verdict, each a lead-feedback contribution in the rep's own file; judging again while it
waits revises the same contribution; u withdraws; what teammates and meetings said is shown;
the next meeting's lead table offers the rep's verdicts, and taking them resolves them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from clock import FakeClock
from conftest import build_sample
from test_contribute import open_contribute, until
from test_sizes import screen_text, settle

from tandem.store.atomic import atomic_write_bytes, encode
from tandem.store.config import save_me
from tandem.store.contrib import Contributions, make
from tandem.store.contrib.triage import waiting
from tandem.store.crm.lead import LEADS_FILE, Lead, lead_id
from tandem.store.records import LeadFeedback
from tandem.store.workspace import Workspace
from tandem.tui.app import create_app
from tandem.tui.screens.judge_leads import JudgeLeadsScreen
from tandem.tui.widgets.lead_table import LeadTable

NOW = datetime(2026, 12, 3, 9, 30)
ENDED = "2026-11-19-weekly-smarketing-sync"
REFS = [f"HS-{n}" for n in range(1, 7)]


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    workspace = build_sample(tmp_path / "ws")
    leads = [
        Lead(id=lead_id(ref), reference=ref, period="2026-11", source="Webinar", stage="mql", status="new", created_at="2026-11-02T09:00:00") for ref in REFS
    ]
    atomic_write_bytes(workspace.home / LEADS_FILE, encode({"leads": {x.id: x.to_dict() for x in leads}}, "leads"))
    return workspace


def lead_contributions(ws: Workspace, author: str = "Ana Ruiz") -> dict[str, dict]:
    """The author's open lead contributions by CRM id, as the file holds them."""
    return {str(c.record["reference"]): c.to_dict() for c, _ in waiting(ws, author=author) if c.kind == "lead"}


async def open_judge(pilot) -> JudgeLeadsScreen:
    await open_contribute(pilot)
    await pilot.press("j")
    await until(pilot, lambda: isinstance(pilot.app.screen, JudgeLeadsScreen) and pilot.app.screen.read is not None, "the leads")
    await settle(pilot)
    return pilot.app.screen


async def leave(pilot) -> None:
    await pilot.press("escape")
    await until(pilot, lambda: not isinstance(pilot.app.screen, JudgeLeadsScreen), "back")


async def test_verdicts_by_key_become_my_contributions(ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_judge(pilot)
        table = screen.query_one("#leads", LeadTable)
        assert table.border_title == "Leads of 2026-11 (the latest imported) · 6"
        order = [row.lead.reference for row in table.rows]
        await pilot.press("g")  # the first good; the cursor moves on
        await pilot.press("p")  # the second: poor needs a reason first
        await pilot.pause()
        assert "A poor lead needs a reason" in screen_text(app)
        await pilot.press("2", "p")  # reason 2, poor
        await pilot.press("e")  # the third too early
        assert table.cursor == 3
        await leave(pilot)
    mine = lead_contributions(ws)
    assert {ref: (c["record"]["verdict"], c["record"]["reasons"], c["record"]["disposition"]) for ref, c in mine.items()} == {
        order[0]: ("good", [], "accepted"),
        order[1]: ("poor", ["no_budget"], "rejected"),
        order[2]: ("too_early", [], "recycled"),
    }
    assert all(c["author"] == "Ana Ruiz" and c["team"] == "sales" and c["record"]["source"] == "Webinar" for c in mine.values())


async def test_judging_again_revises_the_waiting_one_and_u_undoes(ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_judge(pilot)
        order = [row.lead.reference for row in screen.query_one("#leads", LeadTable).rows]
        await pilot.press("g", "g")  # the first two good
        await leave(pilot)
    first = lead_contributions(ws)
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_judge(pilot)
        assert "✓ good" in screen_text(app)  # mine, shown as mine
        await pilot.press("1", "p")  # the first again: poor, the same contribution revised
        await pilot.press("e")  # the second: too early...
        await pilot.press("u")  # ...undone: good again, as saved before
        table = screen.query_one("#leads", LeadTable)
        assert table.cursor == 1 and table.rows[1].judged is not None and table.rows[1].judged.verdict == "good"
        await pilot.press("down", "g", "u")  # the third judged and undone: never contributed
        await leave(pilot)
    again = lead_contributions(ws)
    assert sorted(again) == sorted(order[:2])
    assert {ref: c["id"] for ref, c in again.items()} == {ref: c["id"] for ref, c in first.items()}
    assert again[order[0]]["created_at"] == first[order[0]]["created_at"]
    assert (again[order[0]]["record"]["verdict"], again[order[0]]["record"]["reasons"]) == ("poor", ["no_fit"])
    assert again[order[1]]["record"]["verdict"] == "good"


async def test_teammates_and_meetings_verdicts_are_shown(ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    Contributions(ws).add(make.lead("HS-4", "poor", reasons=["no_fit"], author="José Núñez", team="sales", now=NOW))
    with ws.open_meeting(ENDED) as writer:
        writer.lead_feedback.add(LeadFeedback(id="lf-5", reference="HS-5", verdict="good", meeting_id=ENDED))
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_judge(pilot)
        rows = {row.lead.reference: row.judged for row in screen.query_one("#leads", LeadTable).rows}
        assert (rows["HS-4"].how, rows["HS-4"].who, rows["HS-4"].verdict) == ("waiting", "José Núñez", "poor")
        assert (rows["HS-5"].how, rows["HS-5"].who, rows["HS-5"].verdict) == ("earlier", "2026-11-19", "good")
        assert rows["HS-1"] is None


async def test_no_leads_imported_says_how(tmp_path: Path) -> None:
    save_me("Ana Ruiz", "sales")
    app = create_app(build_sample(tmp_path / "ws"), clock=FakeClock(NOW))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_judge(pilot)
        assert "No leads imported yet." in screen_text(app)
        assert "tandem import leads FILE.csv" in screen_text(app)
        await pilot.press("g")  # nothing to judge: nothing happens
    assert not (ws_contrib := (tmp_path / "ws" / "contributions")).exists() or not list(ws_contrib.iterdir())


async def test_quitting_the_app_keeps_the_last_verdict(ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_judge(pilot)
        await pilot.press("e")
        await pilot.press("ctrl+q")
    assert [c["record"]["verdict"] for c in lead_contributions(ws).values()] == ["too_early"]


def test_snapshot_80x24(snap_compare, ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    Contributions(ws).add(make.lead("HS-4", "poor", reasons=["no_fit"], author="José Núñez", team="sales", now=NOW))
    app = create_app(ws, clock=FakeClock(NOW))

    async def run_before(pilot) -> None:
        await open_judge(pilot)
        await pilot.press("g", "2", "p")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_undo_then_a_new_verdict_before_the_save_is_still_one_contribution(ws: Workspace) -> None:
    """u on a saved verdict and a new key within the save delay: the saved contribution is
    revised (brought back from its withdrawal), never joined by a second one on the lead."""
    save_me("Ana Ruiz", "sales")
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_judge(pilot)
        first = screen.query_one("#leads", LeadTable).rows[0].lead.reference
        await pilot.press("g")
        await until(pilot, lambda: first in lead_contributions(ws), "the verdict saved")
        saved = lead_contributions(ws)[first]
        await pilot.press("u", "e")
        await leave(pilot)
    on_lead = [c for c in Contributions(ws).all() if c.record.get("reference") == first]
    assert [(c.id, c.status, c.record["verdict"]) for c in on_lead] == [(saved["id"], "waiting", "too_early")]


def test_a_teammates_name_never_carries_an_escape_to_the_terminal() -> None:
    from tandem.tui.widgets.lead_table import Judged, LeadRow, feedback_text

    lead = Lead(id=lead_id("HS-1"), reference="HS-1", period="2026-11", created_at="2026-11-02T09:00:00")
    text = feedback_text(LeadRow(lead, Judged("waiting", "good", who="Jos\x1b]52;c;ZXZpbA==\x07é\x1b[2J")))
    assert "\x1b" not in text.plain and "\x07" not in text.plain and text.plain.startswith("• José")


async def test_back_from_judging_the_header_names_the_contribute_screen_again(ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_judge(pilot)
        assert "Judge leads: for the next lead-quality meeting" in screen_text(app).splitlines()[0]
        await leave(pilot)
        await pilot.pause()
        assert "Contribute: for the next meeting" in screen_text(app).splitlines()[0]
