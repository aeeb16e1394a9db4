"""Triage of contributions (store/contrib/triage.py): a meeting takes a contribution in,
defers or declines it; the decision is a row in the meeting's file under the contribution's
id, never a change of the contributor's file; a contribution's fate is read back from the
meetings; taking twice is one record."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pytest

from tandem.store.capture import Capture
from tandem.store.contrib import Contributions, make
from tandem.store.contrib.triage import WAITING, TopicAnswer, credit, decide, fates, offered, reopen, take, triage_planned, waiting
from tandem.store.errors import NotFoundError, TandemError, ValidationError
from tandem.store.live import LiveSession
from tandem.store.records import AgendaItem, Objective, Triage
from tandem.store.upkeep import doctor
from tandem.store.workspace import Workspace
from tests.conftest import build_sample

NOW = datetime(2026, 12, 3, 9, 30)
LATER = datetime(2026, 12, 8, 10, 5)
ANA = {"author": "Ana Ruiz", "team": "sales", "now": NOW}
SERIES = "weekly-smarketing-sync"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return build_sample(tmp_path / "ws")


def _planned(ws: Workspace) -> str:
    return next(m.id for m in ws.list_meetings() if m.status == "planned")


def _session(ws: Workspace) -> LiveSession:
    session = LiveSession(ws, _planned(ws), clock=lambda: LATER)
    session.start()
    return session


def _contributions_bytes(ws: Workspace) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in Contributions(ws).files()}


def test_taking_each_kind_in_a_live_meeting_keeps_its_author_and_never_writes_the_contributors_file(ws: Workspace) -> None:
    ws.objectives.add(Objective(id="obj1", title="MQLs", metric="mql", target=100, status="at_risk"))
    goal = ws.objectives.get("obj1")
    store = Contributions(ws)
    made = {
        "lead": make.lead("SF-77", "poor", reasons=["no_budget"], **ANA),
        "question": make.question("Does it work with HubSpot?", **ANA),
        "content": make.content("HubSpot guide", **ANA),
        "checkin": make.checkin(goal, 42, comment="webinar week", **ANA),
        "topic": make.topic("Webinar leads", minutes=10, series_id=SERIES, **ANA),
    }
    for c in made.values():
        store.add(c)
    before = _contributions_bytes(ws)
    session = _session(ws)
    capture = Capture(session)
    item = session.agenda[1].id
    try:
        for c in made.values():
            take(capture, c, item, now=LATER)
    finally:
        session.close()
    assert _contributions_bytes(ws) == before  # the author's file is the author's
    record = ws.read_meeting(session.meeting.id)
    lead = next(f for f in record.lead_feedback if f.id == made["lead"].id)
    assert (lead.reference, lead.reporter, lead.meeting_id, lead.agenda_item_id) == ("SF-77", "Ana Ruiz", session.meeting.id, item)
    insight = ws.insights.get(made["question"].id)
    assert (insight.reporter, insight.meeting_id, insight.agenda_item_id) == ("Ana Ruiz", session.meeting.id, item)
    assert ws.content.get(made["content"].id).proposed_by == "sales"
    checkin = ws.objectives.get("obj1").checkins[-1]
    assert (checkin.value, checkin.meeting_id, checkin.comment) == (42, session.meeting.id, "webinar week")
    topic_item = next(i for i in record.agenda if i.id == made["topic"].id)
    assert (topic_item.title, topic_item.timebox_min, topic_item.presenter) == ("Webinar leads", 10, "Ana Ruiz")
    rows = {t.id: t for t in record.triage}
    assert set(rows) == {c.id for c in made.values()}
    assert all(t.fate == "taken" and t.author == "Ana Ruiz" and t.created_at == "2026-12-03T09:30:00" for t in rows.values())
    assert rows[made["checkin"].id].record_id == "obj1"
    assert credit(rows[made["lead"].id]) == "raised by Ana Ruiz, 2026-12-03"
    assert waiting(ws) == []
    found = fates(ws)
    assert found[made["lead"].id].words() == "taken into 2026-11-26 Weekly smarketing sync"


def test_taking_twice_is_one_record(ws: Workspace) -> None:
    store = Contributions(ws)
    lead = store.add(make.lead("SF-1", "good", **ANA))
    topic = store.add(make.topic("Pricing page", **ANA))
    session = _session(ws)
    capture = Capture(session)
    try:
        for _ in range(2):
            take(capture, lead, session.agenda[1].id, now=LATER)
            take(capture, topic, session.agenda[1].id, now=LATER)
    finally:
        session.close()
    record = ws.read_meeting(session.meeting.id)
    assert [f.reference for f in record.lead_feedback].count("SF-1") == 1
    assert [i.title for i in record.agenda].count("Pricing page") == 1
    assert len(record.triage) == 2


def test_defer_keeps_it_waiting_decline_needs_a_reason_and_reopen_undoes(ws: Workspace) -> None:
    store = Contributions(ws)
    a = store.add(make.question("Is there an SLA?", **ANA))
    b = store.add(make.content("Case study", **ANA))
    session = _session(ws)
    capture = Capture(session)
    try:
        decide(capture, a, "deferred", now=LATER)
        with pytest.raises(ValidationError, match="needs a reason"):
            decide(capture, b, "declined", now=LATER, reason="  ")
        decide(capture, b, "declined", now=LATER, reason="We wrote one in March")
        left = waiting(ws, open_here=session.record)
        assert [(c.id, f.state) for c, f in left] == [(a.id, "deferred")]
        assert left[0][1].words() == "waiting (deferred by 2026-11-26 Weekly smarketing sync)"
        assert fates(ws, open_here=session.record)[b.id].words() == "declined in 2026-11-26 Weekly smarketing sync: We wrote one in March"
        reopen(capture, b.id)
        assert {c.id for c, _ in waiting(ws, open_here=session.record)} == {a.id, b.id}
    finally:
        session.close()


def test_a_withdrawn_contribution_is_not_offered_nor_taken(ws: Workspace) -> None:
    store = Contributions(ws)
    c = store.add(make.lead("SF-2", "good", **ANA))
    store.withdraw("Ana Ruiz", c.id)
    assert waiting(ws) == []
    session = _session(ws)
    try:
        with pytest.raises(TandemError, match="withdrew"):
            take(Capture(session), store.resolve(c.id), session.agenda[1].id, now=LATER)
    finally:
        session.close()


def test_a_check_in_whose_objective_is_gone_says_so(ws: Workspace) -> None:
    goal = Objective(id="gone", title="Old", metric="x", target=1)
    c = Contributions(ws).add(make.checkin(goal, 1, **ANA))
    session = _session(ws)
    try:
        with pytest.raises(NotFoundError, match="decline it instead"):
            take(Capture(session), c, session.agenda[0].id, now=LATER)
    finally:
        session.close()


def test_a_second_check_in_on_one_objective_is_refused_not_lost(ws: Workspace) -> None:
    """An objective has one check-in per meeting: taking Bo's after Ana's would have
    replaced hers while her inbox said taken."""
    ws.objectives.add(Objective(id="obj1", title="MQLs", metric="mql", target=100, unit="MQLs"))
    goal = ws.objectives.get("obj1")
    store = Contributions(ws)
    ana = store.add(make.checkin(goal, 42, **ANA))
    bo = store.add(make.checkin(goal, 45, author="Bo Chen", team="marketing", now=NOW))
    session = _session(ws)
    capture = Capture(session)
    try:
        take(capture, ana, session.agenda[0].id, now=LATER)
        take(capture, ana, session.agenda[0].id, now=LATER)  # again: the same one check-in
        with pytest.raises(TandemError, match=r"already has this meeting's check-in \(42 MQLs\); change that one to 45 MQLs or decline Bo Chen's"):
            take(capture, bo, session.agenda[0].id, now=LATER)
        assert [c.id for c, _ in waiting(ws, open_here=session.record)] == [bo.id]
    finally:
        session.close()
    here = [c for c in ws.objectives.get("obj1").checkins if c.meeting_id == session.meeting.id]
    assert [(c.value, c.comment) for c in here] == [(42, "")]


def test_offered_matches_the_items_kind_and_series() -> None:
    lead = make.lead("SF-3", "good", **ANA)
    other = make.lead("SF-4", "good", series_id="another", **ANA)
    question = make.question("Why?", **ANA)
    pairs = [(c, WAITING) for c in (lead, other, question)]
    assert [c.id for c, _ in offered(pairs, "lead_feedback", series_id=SERIES)] == [lead.id]
    assert [c.id for c, _ in offered(pairs, "prospect_insight", series_id=SERIES)] == [question.id]
    assert offered(pairs, "decision", series_id=SERIES) == []


def test_planning_takes_topics_before_the_closing_items_defers_and_declines(ws: Workspace) -> None:
    meeting_id = _planned(ws)
    with ws.open_meeting(meeting_id) as writer:
        writer.agenda.add(AgendaItem(id="review", title="Action review", position=3, captures="action_review"))
    store = Contributions(ws)
    one = store.add(make.topic("Webinar leads", minutes=10, **ANA))
    two = store.add(make.topic("Trade show", **ANA))
    three = store.add(make.topic("Old news", **ANA))
    added = triage_planned(
        ws,
        meeting_id,
        [TopicAnswer(one, "take", minutes=15), TopicAnswer(two, "defer"), TopicAnswer(three, "decline", reason="Covered last week")],
        now=NOW,
    )
    assert [i.title for i in added] == ["Webinar leads"]
    record = ws.read_meeting(meeting_id)
    titles = [i.title for i in sorted(record.agenda, key=lambda i: i.position)]
    assert titles[-2:] == ["Webinar leads", "Action review"]
    assert next(i for i in record.agenda if i.id == one.id).timebox_min == 15
    assert {t.id: t.fate for t in record.triage} == {one.id: "taken", two.id: "deferred", three.id: "declined"}
    assert [c.id for c, _ in waiting(ws)] == [two.id]
    assert not doctor.check(ws.home).problems


def test_a_cancelled_meeting_took_nothing_in(ws: Workspace) -> None:
    meeting_id = _planned(ws)
    c = Contributions(ws).add(make.topic("Webinar leads", **ANA))
    triage_planned(ws, meeting_id, [TopicAnswer(c, "take")], now=NOW)
    assert waiting(ws) == []
    with ws.open_meeting(meeting_id) as writer:
        record = writer.read()
        record.meeting.status = "cancelled"
        writer.write_all(record)
    assert [x.id for x, _ in waiting(ws)] == [c.id]


def test_triage_rows_travel_in_the_meeting_file_and_the_index(ws: Workspace) -> None:
    meeting_id = _planned(ws)
    c = Contributions(ws).add(make.topic("Webinar leads", **ANA))
    triage_planned(ws, meeting_id, [TopicAnswer(c, "decline", reason="No")], now=NOW)
    raw = orjson.loads(ws.meeting_path(meeting_id).read_bytes())
    assert raw["triage"][c.id]["fate"] == "declined"
    # Read through the meeting index as a big workspace reads it: the same rows.
    assert [(m.id, [t.id for t in rows]) for m, rows in ws.iter_triage() if rows] == [(meeting_id, [c.id])]
    with pytest.raises(ValidationError):
        Triage(id="x", kind="topic", fate="declined")
