"""Lead triage in the live meeting (issue 22, point 2): the imported leads of the meeting's
month are a table in the lead-quality item, judged by keyboard — g good, p poor, e too
early, number keys for the reasons, ``other`` asking for a comment — each verdict a
LeadFeedback of the meeting saved as it is given; the summary counts them; judging again
replaces; a teammate's feedback shows and one key takes it in; hostile text stays inert;
no leads, a one-line hint."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from clock import FakeClock
from conftest import rendered_text
from textual.widgets import Input

from tandem.store.contrib import Contributions, make
from tandem.store.crm.importer import import_leads, leads_for
from tandem.store.crm.lead import lead_id
from tandem.store.crm.settings import PRESETS
from tandem.store.records import AgendaItem, Attendee, LeadFeedback, Meeting, Series
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.screens.live import LiveScreen
from tandem.tui.screens.live_leads import CommentScreen, feedback_id
from tandem.tui.widgets.lead_table import LeadTable

MID = "2026-11-26-sync"
EARLIER = "2026-11-19-sync"
HEADER = [
    "Record ID",
    "First Name",
    "Email",
    "Lifecycle Stage",
    "Lead Status",
    "Original Source",
    "Original Source Drill-Down 1",
    "Persona",
    "Industry",
    "Create Date",
]


def leads_csv(folder: Path, rows: list[dict[str, str]], name: str = "leads.csv") -> Path:
    """A lead list laid out as HubSpot's contact export writes it (with the personal
    columns every real export has, which the import drops)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for n, row in enumerate(rows):
        writer.writerow(
            [
                row["id"],
                f"Person{n}",
                f"p{n}@example.com",
                row.get("stage", "Marketing Qualified Lead"),
                row.get("status", "New"),
                row.get("source", "Paid search"),
                row.get("campaign", "q4-webinar"),
                row.get("persona", "RevOps lead"),
                row.get("segment", "Software"),
                row.get("created", "2026-11-03 14:05"),
            ]
        )
    path = folder / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def workspace(tmp_path: Path, *, leads: int = 8, date: str = "2026-11-26") -> Workspace:
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="sync", title="Weekly sync"))
    ws.create_meeting(Meeting(id=EARLIER, series_id="sync", title="Weekly sync", date="2026-11-19", status="ended"))
    ws.create_meeting(
        Meeting(
            id=MID,
            series_id="sync",
            title="Weekly sync",
            date=date,
            facilitator="Dana",
            attendees=[Attendee(name="Dana", team="marketing"), Attendee(name="Luis", team="sales")],
        ),
        [
            AgendaItem(id="intro", title="Check-in", position=0, timebox_min=5),
            AgendaItem(id="lead", title="Lead quality", position=1, timebox_min=10, captures="lead_feedback", prompts=["Which sources sent poor leads?"]),
            AgendaItem(id="act", title="Action review", position=2, timebox_min=5, captures="action_review"),
        ],
    )
    if leads:
        sources = ["Paid search", "Organic search", "Referrals", "Events"]
        rows = [{"id": f"HS-{1001 + n}", "source": sources[n % 4], "created": f"2026-11-{1 + n % 28:02d} 10:00"} for n in range(leads)]
        import_leads(ws, leads_csv(tmp_path, rows), PRESETS["hubspot"], now=datetime(2026, 11, 25, 9, 0))
    return ws


async def until(pilot, condition, what: str = "", seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


def app_for(ws: Workspace, clock: FakeClock | None = None):
    return create_app(ws, clock=clock or FakeClock(), start=StartWith(meeting_id=MID))


async def on_lead_item(pilot) -> tuple[LiveScreen, LeadTable]:
    """Open the meeting on its lead-quality item, the table focused (escape, then r)."""
    screen = pilot.app.screen
    assert isinstance(screen, LiveScreen)
    await until(pilot, lambda: screen.leads.leads is not None and screen.triage.pairs is not None, "the leads read")
    screen.session.activate("lead")
    screen._after_change()
    await pilot.pause()
    await pilot.press("escape", "r")
    table = screen.query_one("#leads", LeadTable)
    await until(pilot, lambda: table.has_focus, "the table focused")
    return screen, table


def saved(ws: Workspace) -> dict[str, LeadFeedback]:
    """The meeting file's lead feedback, by CRM id (what the saver wrote)."""
    return {f.reference: f for f in ws.read_meeting(MID).lead_feedback}


async def test_five_leads_judged_by_keys_are_saved_with_the_right_fields(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen, table = await on_lead_item(pilot)
        assert [r.lead.reference for r in table.rows] == [f"HS-{1001 + n}" for n in range(8)]
        assert table.border_title == "Leads of 2026-11 · 8 · r"
        # good; poor for no budget (2, then p); too early; poor for no fit and no authority;
        # good — the cursor moving on after each verdict.
        await pilot.press("g", "2", "p", "e", "1", "3", "p", "g")
        assert table.cursor == 5
        await until(pilot, lambda: len(saved(ws)) == 5, "five rows in the meeting file", seconds=8)
        rows = saved(ws)
        assert {ref: (f.verdict, f.reasons) for ref, f in rows.items()} == {
            "HS-1001": ("good", []),
            "HS-1002": ("poor", ["no_budget"]),
            "HS-1003": ("too_early", []),
            "HS-1004": ("poor", ["no_fit", "no_authority"]),
            "HS-1005": ("good", []),
        }
        poor = rows["HS-1002"]
        assert poor.disposition == "rejected" and poor.stage_lost == "mql" and poor.stage_reached == "mql"
        assert rows["HS-1001"].disposition == "accepted" and rows["HS-1001"].stage_lost == ""
        assert rows["HS-1003"].disposition == "recycled"
        lead = next(r.lead for r in table.rows if r.lead.reference == "HS-1002")
        assert poor.id == feedback_id(MID, lead) and poor.id.startswith(lead_id("HS-1002"))
        assert (poor.source, poor.persona, poor.reporter, poor.meeting_id, poor.agenda_item_id) == ("Organic search", "RevOps lead", "Dana", MID, "lead")
        summary = rendered_text(screen.query_one("#lead-summary"))
        assert "This meeting's lead feedback: 5" in summary
        assert "good 2" in summary and "poor 2" in summary and "too early 1" in summary
        assert "✓ poor · no budget" in rendered_text_of_row(table, 1)


def rendered_text_of_row(table: LeadTable, index: int) -> str:
    from tandem.tui.widgets.lead_table import feedback_text

    return feedback_text(table.rows[index]).plain


async def test_a_poor_lead_needs_a_reason_and_judging_again_replaces(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen, table = await on_lead_item(pilot)
        await pilot.press("p")  # no reason ticked: refused, the cursor stays
        assert table.cursor == 0 and not screen.session.record.lead_feedback
        assert "needs a reason" in rendered_text(screen.query_one("#leads-legend"))
        await pilot.press("4", "p", "up")
        assert table.cursor == 0
        await pilot.press("g")  # judged again: the same record, now good
        await pilot.press("up", "5")  # a reason ticked on a judged lead rewrites it
        record = screen.session.record
        assert len(record.lead_feedback) == 1
        only = record.lead_feedback[0]
        assert (only.verdict, only.reasons, only.disposition, only.stage_lost) == ("good", ["unreachable"], "accepted", "")
        await pilot.press("u")  # undo takes back the last change only
        await until(pilot, lambda: screen.session.record.lead_feedback[0].reasons == [], "the reason undone")
        await until(pilot, lambda: rendered_text_of_row(table, 0) == "✓ good", "the line redrawn after the undo")
        screen.session.saver.flush()
        assert [f.verdict for f in ws.read_meeting(MID).lead_feedback] == ["good"]


async def test_other_asks_for_a_comment_and_keeps_what_was_typed(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen, table = await on_lead_item(pilot)
        await pilot.press("9")  # other
        await until(pilot, lambda: isinstance(pilot.app.screen, CommentScreen), "the comment form")
        await pilot.press("enter")  # nothing typed: refused
        form = pilot.app.screen
        assert isinstance(form, CommentScreen)
        assert "needs a comment" in rendered_text(form.query_one(".field-error"))
        field = form.query_one("#comment", Input)
        field.value = "x" * 2001
        await pilot.press("enter")
        assert pilot.app.screen is form and field.value == "x" * 2001  # what was typed stays
        field.value = ""
        await pilot.press(*"student project")
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen is screen, "back to the meeting")
        await pilot.press("p")
        only = screen.session.record.lead_feedback[0]
        assert (only.reference, only.verdict, only.reasons, only.comment) == ("HS-1001", "poor", ["other"], "student project")
        # Escape leaves other unticked.
        await pilot.press("9")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommentScreen), "the comment form")
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is screen, "back to the meeting")
        assert table.rows[1].pending == ()


async def test_feedback_given_earlier_or_by_a_teammate_shows_and_one_key_takes_it_in(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    with ws.open_meeting(EARLIER) as w:
        w.lead_feedback.add(LeadFeedback(id="old", reference="HS-1003", verdict="too_early", reasons=["bad_timing"], meeting_id=EARLIER))
    Contributions(ws).add(make.lead("HS-1002", "poor", reasons=["no_budget"], now=datetime(2026, 11, 24, 16, 5), author="Ana Ruiz", team="sales"))
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen, table = await on_lead_item(pilot)
        await until(pilot, lambda: table.rows[1].judged is not None, "the teammate's feedback shown")
        assert rendered_text_of_row(table, 1) == "• Ana Ruiz: poor · no budget"
        assert rendered_text_of_row(table, 2) == "↺ 2026-11-19: too early · bad timing"
        await pilot.press("down", "enter")
        await until(pilot, lambda: any(t.fate == "taken" for t in screen.session.record.triage), "taken in")
        await until(pilot, lambda: rendered_text_of_row(table, 1) == "✓ poor · no budget", "the line shows the meeting's")
        taken = screen.session.record.lead_feedback[0]
        assert (taken.reference, taken.reporter) == ("HS-1002", "Ana Ruiz")


async def test_hostile_text_in_lead_fields_stays_inert(tmp_path: Path) -> None:
    ws = workspace(tmp_path, leads=0)
    hostile = [{"id": "[red]HS-1[/red]", "source": "[bold]Paid[/bold] [link=http://x]y[/link]", "campaign": '=HYPERLINK("x")', "persona": "\x1b[31mCFO"}]
    import_leads(ws, leads_csv(tmp_path, hostile), PRESETS["hubspot"], now=datetime(2026, 11, 25, 9, 0))
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen, table = await on_lead_item(pilot)
        await pilot.press("g")
        line = "".join(seg.text for seg in table.render_line(1))
        assert "[red]HS-1[/red]" in line and "[bold]Paid[/bold]" in line
        assert "\x1b" not in line
        assert screen.session.record.lead_feedback[0].reference == "[red]HS-1[/red]"


async def test_no_leads_imported_keeps_the_item_with_a_hint(tmp_path: Path) -> None:
    ws = workspace(tmp_path, leads=0)
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, LiveScreen)
        await until(pilot, lambda: screen.leads.leads is not None, "the leads read")
        screen.session.activate("lead")
        screen._after_change()
        await pilot.pause()
        hint = screen.query_one("#leads-hint")
        assert hint.display and rendered_text(hint).strip() == "No leads imported for 2026-11 — tandem import leads FILE.csv"
        assert not screen.query_one("#leads", LeadTable).display
        await pilot.press("escape", "l")  # the lead form, as before
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "LeadFeedbackForm", "the lead form")


def test_the_period_falls_back_to_the_latest_imported(tmp_path: Path) -> None:
    ws = workspace(tmp_path, leads=3)
    assert leads_for(ws, "2026-11")[0] == "2026-11" and len(leads_for(ws, "2026-11")[1]) == 3
    assert leads_for(ws, "2027-01") == ("2026-11", leads_for(ws, "2026-11")[1])
    assert leads_for(Workspace(tmp_path / "empty"), "2026-11") == ("", [])


def test_lead_triage_snapshot(snap_compare, tmp_path: Path) -> None:
    ws = workspace(tmp_path, leads=12)
    Contributions(ws).add(make.lead("HS-1004", "poor", reasons=["no_budget"], now=datetime(2026, 11, 24, 16, 5), author="Ana Ruiz", team="sales"))
    clock = FakeClock()
    app = app_for(ws, clock)

    async def run_before(pilot) -> None:
        screen, table = await on_lead_item(pilot)
        await until(pilot, lambda: table.rows[3].judged is not None, "Ana's feedback shown")
        await pilot.press("g", "2", "p", "e")
        clock.advance(minutes=3)
        screen.tick()
        pilot.app.sub_title = "Weekly sync · 2026-11-26"
        await pilot.pause(SETTLE)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


SETTLE = 0.6
