"""Minutes credit who raised what a meeting took in from a contribution ("raised by José,
2026-12-03") beside the lead feedback row, the insight, the content item, the check-in and
the heading of a taken topic, and list what it deferred or declined with the reason. Anyone's
text stays inert; the minutes read back as before; a decision re-exports the meeting."""

from __future__ import annotations

from dataclasses import astuple
from datetime import datetime
from pathlib import Path

import pytest
from conftest import build_sample
from minutes_helpers import structure, table_rows
from test_minutes import NASTY

from tandem.store import mdescape
from tandem.store import records as r
from tandem.store.capture import Capture
from tandem.store.contrib import Contributions, make
from tandem.store.contrib.triage import credit, decide, take
from tandem.store.live import LiveSession
from tandem.store.minutes.export import export_all
from tandem.store.minutes.reader import read_minutes
from tandem.store.minutes.render import Shared, render_minutes
from tandem.store.workspace import MeetingRecord, Workspace

NOW = datetime(2026, 12, 3, 9, 30)
LATER = datetime(2026, 12, 8, 10, 5)
MID = "2026-12-08-sync"


def _meeting(t, *, triage: bool) -> tuple[MeetingRecord, Shared]:
    """A meeting holding one record of each kind a contribution becomes, taken in from
    contributions of ``t("author")`` (with ``triage``) or captured in the meeting (without),
    and two more contributions deferred and declined."""
    meeting = r.Meeting(id=MID, series_id="sync", title="Weekly sync", date="2026-12-08", status="ended")
    agenda = [
        r.AgendaItem(id="i1", title="Lead quality", position=0, captures="lead_feedback", status="done", notes="- we looked at SF-77"),
        r.AgendaItem(id="c-topic", title=t("topic"), position=1, status="done", presenter=t("author")),
    ]
    lead = r.LeadFeedback(id="c-lead", reference=t("ref"), verdict="poor", reasons=["no_budget"], reporter=t("author"), meeting_id=MID, agenda_item_id="i1")
    own = r.LeadFeedback(id="l-own", reference="CRM-1", verdict="good", reporter="Dana", meeting_id=MID, agenda_item_id="i1")
    insight = r.ProspectInsight(id="c-question", text=t("question"), reporter=t("author"), meeting_id=MID)
    content = r.ContentItem(id="c-content", title=t("idea"), proposed_by="sales", meeting_id=MID)
    objective = r.Objective(
        id="obj1",
        title="MQLs",
        metric="mql",
        target=100,
        checkins=[r.CheckIn(date="2026-12-03", value=42, status="at_risk", meeting_id=MID, comment=t("checkin"))],
    )
    rows = []
    if triage:

        def row(cid: str, kind: str, fate: str, subject: str, *, made: str = "", reason: str = "") -> r.Triage:
            return r.Triage(
                id=cid,
                kind=kind,
                fate=fate,
                author=t("author"),
                created_at="2026-12-03T09:30:00",
                subject=subject,
                at="2026-12-08T10:05:00",
                reason=reason,
                record_id=made or (cid if fate == "taken" else ""),
            )

        rows = [
            row("c-lead", "lead", "taken", t("ref")),
            row("c-question", "question", "taken", t("question")),
            row("c-content", "content", "taken", t("idea")),
            row("c-checkin", "checkin", "taken", "42", made="obj1"),
            row("c-topic", "topic", "taken", t("topic")),
            row("c-later", "question", "deferred", t("deferred")),
            row("c-no", "content", "declined", t("declined"), reason=t("reason")),
        ]
    record = MeetingRecord(meeting=meeting, agenda=agenda, lead_feedback=[lead, own], triage=rows)
    shared = Shared(
        series={"sync": r.Series(id="sync", title="Weekly sync")}, objectives=[objective], insights=[insight], content=[content], meetings=[meeting]
    )
    return record, shared


def plain(name: str) -> str:
    return {"author": "José Núñez"}.get(name, f"plain {name}")


def test_what_was_taken_in_is_credited_and_the_rest_listed() -> None:
    record, shared = _meeting(plain, triage=True)
    text = render_minutes(record, shared)
    said = "raised by José Núñez, 2026-12-03"
    assert credit(record.triage[0]) == said
    lines = text.splitlines()
    lead_row = next(line for line in lines if line.startswith("| plain ref |"))
    assert lead_row.endswith(f"| José Núñez | {said} |"), "the lead's row says who raised it"
    assert next(line for line in lines if line.startswith("| CRM-1 |")).endswith("| Dana |   |"), "one captured in the meeting credits nobody"
    assert "| Reporter | From the team |" in text
    assert f"heard 1×): plain question — _{said}_" in text
    assert next(line for line in lines if line.startswith("| plain idea |")).endswith(f"| {said} |")
    assert next(line for line in lines if line.startswith("| MQLs (mql) |")).endswith(f"| plain checkin | {said} |")
    topic_heading = lines.index("### 2. plain topic")
    assert lines[topic_heading + 2] == f"_Planned 5 min · actual — · done · {said}_"
    assert lines[lines.index("### 1. Lead quality") + 2] == "_Planned 5 min · actual — · done_", "an item of the template credits nobody"
    section = text[text.index("## Contributions") :]
    assert f"- **Deferred:** prospect question “plain deferred” ({said})\n" in section
    assert f"- **Declined:** content idea “plain declined” ({said}): plain reason\n" in section


def test_without_contributions_the_minutes_are_as_before() -> None:
    text = render_minutes(*_meeting(plain, triage=False))
    assert "From the team" not in text and "raised by" not in text and "## Contributions" not in text
    assert "| Reporter |\n|---|---|---|---|---|---|---|---|---|---|\n" in text


@pytest.mark.parametrize("nasty", NASTY)
def test_hostile_names_and_reasons_never_become_markup(nasty: str) -> None:
    def hostile(name: str) -> str:
        return nasty if mdescape.clean(nasty).strip() else f"x{name}"

    calm = render_minutes(*_meeting(plain, triage=True))
    record, shared = _meeting(hostile, triage=True)
    text = render_minutes(record, shared)
    assert structure(text) == structure(calm), "anyone's text leaves the outline, tables, tasks and HTML as they were"
    assert table_rows(text, "Lead feedback") == 2
    assert mdescape.inline(credit(record.triage[0])) in text
    assert "\x1b" not in text and "\x07" not in text


def _read_back(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_minutes(path)


def test_the_reader_reads_the_other_rows_unchanged(tmp_path: Path) -> None:
    before = _read_back(tmp_path, "before.md", render_minutes(*_meeting(plain, triage=False)))
    after = _read_back(tmp_path, "after.md", render_minutes(*_meeting(plain, triage=True)))
    assert after.issues == [] and before.issues == []
    assert [astuple(f)[:-1] for f in after.lead_feedback] == [astuple(f)[:-1] for f in before.lead_feedback]
    assert after.lead_feedback[0].reporter == "José Núñez", "the credit column is not read as the reporter"
    assert [astuple(o)[:-1] for o in after.objectives] == [astuple(o)[:-1] for o in before.objectives]
    assert after.agenda == before.agenda and after.agenda_notes == before.agenda_notes
    assert after.agenda_statuses == before.agenda_statuses
    assert after.sections == [*before.sections, "Contributions"]


def test_a_decision_in_the_meeting_re_exports_its_minutes(tmp_path: Path) -> None:
    """A triage row is in the meeting's file: taking a contribution in changes the file,
    so the incremental export renders those minutes again, with the credit."""
    ws: Workspace = build_sample(tmp_path / "ws")
    store = Contributions(ws)
    lead = store.add(make.lead("SF-77", "poor", reasons=["no_budget"], author="José Núñez", team="sales", now=NOW))
    idea = store.add(make.content("Case study", author="Ana Ruiz", team="sales", now=NOW))
    out = tmp_path / "minutes"
    export_all(ws, out)
    planned = next(m.id for m in ws.list_meetings() if m.status == "planned")
    session = LiveSession(ws, planned, clock=lambda: LATER)
    session.start()
    capture = Capture(session)
    try:
        take(capture, lead, session.agenda[1].id, now=LATER)
        decide(capture, idea, "declined", now=LATER, reason="We wrote one in March")
    finally:
        session.close()
    result = export_all(ws, out)
    written = [p.name for p in result.written]
    assert len(written) == 1 and written[0].startswith("2026-11-26"), written
    text = (out / written[0]).read_text()
    assert "| SF-77 |" in text and "| José Núñez | raised by José Núñez, 2026-12-03 |" in text
    assert "- **Declined:** content idea “Case study” (raised by Ana Ruiz, 2026-12-03): We wrote one in March" in text
    again = export_all(ws, out)
    assert again.written == [], "unchanged since: nothing rendered again"
