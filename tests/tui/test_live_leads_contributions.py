"""A verdict on a lead a teammate gave feedback on between meetings (``tandem add lead``,
waiting in the lead-quality item) takes that contribution in: it leaves the waiting, its
author's inbox says taken into this meeting. The verdict theirs, the feedback stays theirs
(name, reasons, comment); another verdict, the feedback is the facilitator's. u undoes the
verdict and the contribution waits again."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from conftest import rendered_text
from test_lead_triage import MID, app_for, on_lead_item, rendered_text_of_row, until, workspace

from tandem.store.contrib import Contributions, make
from tandem.store.contrib.triage import fates, waiting


async def test_a_verdict_takes_in_the_teammates_waiting_feedback_on_its_lead(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    said = datetime(2026, 11, 24, 16, 5)
    ana = make.lead("HS-1002", "poor", reasons=["no_budget"], comment="asked for pricing only", now=said, author="Ana Ruiz", team="sales")
    luis = make.lead("HS-1003", "poor", reasons=["no_fit"], now=said, author="Luis", team="sales")
    Contributions(ws).add(ana)
    Contributions(ws).add(luis)
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen, table = await on_lead_item(pilot)
        await until(pilot, lambda: table.rows[1].judged is not None and table.rows[2].judged is not None, "the teammates' feedback shown")
        assert "2 waiting" in rendered_text(screen.query_one("#lead-summary"))
        # p agrees with Ana (no reason ticked: hers); g overrules Luis.
        await pilot.press("down", "p", "g")
        record = screen.session.record
        feedback = {f.reference: f for f in record.lead_feedback}
        agreed, overruled = feedback["HS-1002"], feedback["HS-1003"]
        assert (agreed.verdict, agreed.reasons, agreed.comment, agreed.reporter) == ("poor", ["no_budget"], "asked for pricing only", "Ana Ruiz")
        assert (overruled.verdict, overruled.reasons, overruled.disposition, overruled.reporter) == ("good", [], "accepted", "Dana")
        triage = {row.id: row for row in record.triage}
        assert (triage[ana.id].fate, triage[ana.id].record_id, triage[ana.id].agenda_item_id) == ("taken", agreed.id, "lead")
        assert (triage[luis.id].fate, triage[luis.id].record_id) == ("taken", overruled.id)
        assert rendered_text_of_row(table, 1) == "✓ poor · no budget"
        assert rendered_text_of_row(table, 2) == "✓ good"
        assert "waiting" not in rendered_text(screen.query_one("#lead-summary"))
        # What each author reads in tandem inbox, once the meeting file is written.
        assert screen.session.saver.flush()
        assert waiting(ws, series_id="sync") == []
        found = fates(ws)
        assert (found[ana.id].state, found[ana.id].meeting_id) == ("taken", MID)
        assert (found[luis.id].state, found[luis.id].meeting_id) == ("taken", MID)
        # u takes back the last verdict: Luis's feedback waits again, as before it.
        await pilot.press("u")
        await until(pilot, lambda: luis.id not in {row.id for row in screen.session.record.triage}, "Luis's feedback waiting again")
        await until(pilot, lambda: rendered_text_of_row(table, 2) == "• Luis: poor · no fit", "his line as before the verdict")
        assert [f.reference for f in screen.session.record.lead_feedback] == ["HS-1002"]
