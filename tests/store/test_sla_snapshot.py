"""The SLA scorecard in a lead-quality meeting's minutes (``store/sla/snapshot.py``): taken
when the meeting ends, kept in its file, rendered as a table a Markdown parser reads, and
unchanged by whatever later imports, meetings and SLA versions say."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import orjson
import pytest
from markdown_it import MarkdownIt

from tandem.store.atomic import atomic_write_bytes, encode
from tandem.store.crm.lead import LEADS_FILE, Lead, lead_id
from tandem.store.live import LiveSession
from tandem.store.minutes.export import export_one
from tandem.store.records import AgendaItem, LeadFeedback, Meeting, Series
from tandem.store.sla.record import SCORECARD_TABLE
from tandem.store.sla.report import scorecard
from tandem.store.sla.snapshot import take
from tandem.store.sla.versions import parse_change, set_sla
from tandem.store.upkeep.doctor import check
from tandem.store.workspace import Workspace

MID = "2026-12-02-lead-quality"
START = datetime(2026, 12, 2, 10, 0)


def _clock() -> datetime:
    return START


def _workspace(home: Path, *, captures: str = "lead_feedback") -> Workspace:
    ws = Workspace(home, now=_clock)
    ws.series.add(Series(id="lead-quality", title="Lead-quality review"))
    ws.create_meeting(
        Meeting(id=MID, series_id="lead-quality", title="Lead-quality review", date="2026-12-02"),
        [
            AgendaItem(id="sla", title="SLA check", position=0, timebox_min=10),
            AgendaItem(id="verdicts", title="Verdicts by source", position=1, timebox_min=10, captures=captures),
        ],
    )
    return ws


def _leads(ws: Workspace, status_of: dict[str, str] | None = None) -> None:
    """November's list (four MQLs, one still a subscriber) and two of October's."""
    status_of = status_of or {}
    rows = [
        ("HS-1", "2026-11", "2026-11-03T09:00:00", "2026-11-03T10:00:00"),
        ("HS-2", "2026-11", "2026-11-10T09:00:00", "2026-11-12T09:00:00"),
        ("HS-3", "2026-11", "2026-11-28T09:00:00", ""),
        ("HS-4", "2026-11", "2026-11-30T23:00:00", "2026-12-01T01:00:00"),
        ("HS-5", "2026-10", "2026-10-05T09:00:00", "2026-10-05T09:30:00"),
        ("HS-6", "2026-10", "2026-10-20T09:00:00", ""),
    ]
    leads = [
        Lead(
            id=lead_id(ref),
            reference=ref,
            period=period,
            source="Webinar" if n % 2 else "Paid search",
            stage="mql",
            status=status_of.get(ref, "new"),
            created_at=f"{period}-01T08:00:00",
            handed_over_at=handed,
            first_touch_at=touched,
        )
        for n, (ref, period, handed, touched) in enumerate(rows)
    ]
    leads.append(Lead(id=lead_id("HS-9"), reference="HS-9", period="2026-11", stage="subscriber", created_at="2026-11-02T08:00:00"))
    atomic_write_bytes(ws.home / LEADS_FILE, encode({"leads": {x.id: x.to_dict() for x in leads}}, "leads"))


def _sla(ws: Workspace, effective: date = date(2026, 10, 1), **clauses: str) -> None:
    wanted = clauses or {"mqls_per_month": "5", "decision_hours": "48", "first_touch_hours": "24", "coverage_floor": "50%"}
    set_sla(ws, [parse_change(k, v) for k, v in wanted.items()], effective=effective, agreed_by=["Dana Kim"], now=START)


def _run_and_end(ws: Workspace, verdicts: dict[str, str]) -> LiveSession:
    session = LiveSession(ws, MID, clock=_clock)
    session.start()
    with session.editing() as record:
        for n, (ref, verdict) in enumerate(verdicts.items()):
            disposition = "accepted" if verdict == "good" else "rejected"
            record.lead_feedback.append(
                LeadFeedback(id=f"lf-{n}", reference=ref, verdict=verdict, disposition=disposition, meeting_id=MID, agenda_item_id="verdicts")
            )
    # The screen takes it in a worker while the facilitator rates the meeting: before the end.
    lines = take(ws, session.record, now=START)
    session.end(rating=4, scorecard=lines)
    session.close()
    return session


def _table_after(markdown: str, heading: str) -> list[list[str]]:
    """The rows (header first) of the first table after ``heading``, as markdown-it parses it."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    seen, rows, row = False, [], None
    for n, token in enumerate(tokens):
        if token.type == "heading_open" and tokens[n + 1].content == heading:
            seen = True
        elif seen and token.type == "tr_open":
            row = []
        elif seen and row is not None and token.type == "inline":
            row.append(token.content)
        elif seen and token.type == "tr_close":
            rows.append(row)
            row = None
        elif seen and token.type == "table_close":
            return rows
    return rows


def test_the_minutes_show_the_scorecard_the_meeting_saw(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws")
    _leads(ws)
    _sla(ws)
    _run_and_end(ws, {"HS-1": "good", "HS-2": "poor"})
    stored = orjson.loads(ws.meeting_path(MID).read_bytes())[SCORECARD_TABLE]
    expected = scorecard(ws, "2026-11", now=START)
    assert [line["id"] for line in sorted(stored.values(), key=lambda d: d["position"])] == [r.clause for r in expected.rows]

    minutes = export_one(ws, MID, tmp_path / "minutes").read_text(encoding="utf-8")
    rows = _table_after(minutes, "SLA scorecard")
    assert rows[0] == ["Clause", "Target", "2026-11", "2026-10", "Verdict", "Trend"]
    by_title = {row[0]: row[1:] for row in rows[1:]}
    assert set(by_title) == {r.title for r in expected.rows}
    for r in expected.rows:
        assert by_title[r.title] == [r.target_shown, r.this.shown, r.last.shown, r.verdict, r.trend_words]
    # A longer time to first touch is worse, however the arrow points.
    assert by_title["Time to first touch"][4] == "↑ worse"
    # Four November MQLs (the subscriber is not one), two given feedback here: 50 %, met.
    assert by_title["MQLs delivered"][:2] == ["≥ 5", "4"]
    assert by_title["MQLs delivered"][3] == "missed"
    assert by_title["Feedback coverage"][1:4] == ["50% (2 of 4)", "0% (0 of 2)", "met"]
    assert "_2026-11 against 2026-10, SLA version 1, as at the end of the meeting_" in minutes


def test_later_imports_meetings_and_sla_versions_leave_the_minutes_byte_for_byte(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws")
    _leads(ws)
    _sla(ws)
    _run_and_end(ws, {"HS-1": "good"})
    first = export_one(ws, MID, tmp_path / "minutes").read_bytes()
    # December: the CRM list is imported again with statuses moved on, the SLA tightened
    # from November, and another meeting gives feedback on the rest.
    _leads(ws, {"HS-2": "accepted", "HS-3": "rejected", "HS-4": "converted"})
    _sla(ws, date(2026, 11, 1), mqls_per_month="50", coverage_floor="90%")
    other = "2026-12-09-weekly"  # (another series: the minutes' "next meeting" stays as it was)
    ws.create_meeting(Meeting(id=other, series_id="weekly", title="Weekly sync", date="2026-12-09"), [])
    with ws.open_meeting(other) as writer:
        writer.lead_feedback.add(LeadFeedback(id="lf-x", reference="HS-3", verdict="poor", disposition="rejected", meeting_id=other))
    assert scorecard(ws, "2026-11", now=START).rows[0].target_shown == "≥ 50"  # the live figures did move
    (tmp_path / "minutes" / next(p.name for p in (tmp_path / "minutes").glob("*.md"))).unlink()
    assert export_one(ws, MID, tmp_path / "minutes").read_bytes() == first


def test_the_meetings_own_verdicts_count_before_they_reach_the_disk(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws")
    _leads(ws)
    _sla(ws)
    session = LiveSession(ws, MID, clock=_clock)
    session.start()
    with session.editing(delay=60) as record:  # not saved for a minute
        record.lead_feedback.append(LeadFeedback(id="lf-0", reference="HS-4", verdict="good", meeting_id=MID))
    lines = {line.id: line for line in take(ws, session.record, now=START)}
    session.close()
    assert lines["coverage_floor"].this == "25% (1 of 4)"


@pytest.mark.parametrize("captures", ["", "prospect_insight"])
def test_a_meeting_that_reviews_no_leads_has_no_scorecard(tmp_path: Path, captures: str) -> None:
    ws = _workspace(tmp_path / "ws", captures=captures)
    _leads(ws)
    _sla(ws)
    session = _run_and_end(ws, {})
    assert session.record.scorecard == []
    assert SCORECARD_TABLE not in orjson.loads(ws.meeting_path(MID).read_bytes())
    assert "SLA scorecard" not in export_one(ws, MID, tmp_path / "minutes").read_text(encoding="utf-8")


def test_a_team_that_tracks_neither_leads_nor_an_sla_gets_no_empty_table(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws")
    _run_and_end(ws, {"HS-1": "good"})
    assert SCORECARD_TABLE not in orjson.loads(ws.meeting_path(MID).read_bytes())
    assert "SLA scorecard" not in export_one(ws, MID, tmp_path / "minutes").read_text(encoding="utf-8")


def test_an_sla_without_leads_still_shows_its_targets(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws")
    _sla(ws)
    _run_and_end(ws, {})
    rows = _table_after(export_one(ws, MID, tmp_path / "minutes").read_text(encoding="utf-8"), "SLA scorecard")
    by_title = {row[0]: row[1:] for row in rows[1:]}
    assert by_title["MQLs delivered"] == ["≥ 5", "—", "—", "—", ""]


def test_the_scorecard_survives_amending_and_doctor_accepts_it(tmp_path: Path) -> None:
    from tandem.store.live import AmendSession

    ws = _workspace(tmp_path / "ws")
    _leads(ws)
    _sla(ws)
    _run_and_end(ws, {"HS-1": "good"})
    before = orjson.loads(ws.meeting_path(MID).read_bytes())[SCORECARD_TABLE]
    amend = AmendSession(ws, MID, clock=_clock)
    amend.set_outcome(rating=5, comment="Better")
    amend.close()
    assert orjson.loads(ws.meeting_path(MID).read_bytes())[SCORECARD_TABLE] == before
    assert ws.read_meeting(MID).scorecard[0].id == "mqls_per_month"
    assert [p.message for p in check(ws.home).problems] == []
