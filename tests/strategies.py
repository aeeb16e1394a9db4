"""Hypothesis strategies for every record kind (unicode included)."""

from __future__ import annotations

from hypothesis import strategies as st

from tandem.store import records as r
from tandem.store.mdescape import clean

text = st.text(max_size=40)
# Records drop control characters: a name must keep something else.
name = st.text(min_size=1, max_size=20).filter(lambda s: clean(s).strip())
rid = st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True)
day = st.dates().map(lambda d: d.isoformat())
maybe_day = st.one_of(st.just(""), day)
stamp = st.datetimes().map(lambda d: d.isoformat())
number = st.one_of(st.integers(-(10**9), 10**9), st.floats(allow_nan=False, allow_infinity=False))


def choice(values: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(values)


attendee = st.builds(r.Attendee, name=name, team=choice(r.TEAMS))
series = st.builds(r.Series, id=rid, title=name, cadence=st.sampled_from(["weekly", "biweekly", "ad hoc"]), default_template=text, description=text)
checkin = st.builds(r.CheckIn, date=day, value=number, status=choice(r.OBJECTIVE_STATUSES), meeting_id=st.one_of(st.just(""), rid), comment=text)
objective = st.builds(
    r.Objective,
    id=rid,
    title=name,
    metric=name,
    target=number,
    current=number,
    unit=st.text(max_size=10),
    owner_team=choice(r.OWNER_TEAMS),
    period=st.text(max_size=10),
    status=choice(r.OBJECTIVE_STATUSES),
    checkins=st.lists(checkin, max_size=3),
)
insight = st.builds(
    r.ProspectInsight,
    id=rid,
    text=name,
    kind=choice(r.INSIGHT_KINDS),
    persona=text,
    journey_stage=choice(r.JOURNEY_STAGES),
    times_heard=st.integers(1, 50),
    reporter=text,
    date=maybe_day,
)
content = st.builds(
    r.ContentItem,
    id=rid,
    title=name,
    type=choice(r.CONTENT_TYPES),
    persona=text,
    stage=choice(r.JOURNEY_STAGES),
    owner=text,
    eta=maybe_day,
    status=choice(r.CONTENT_STATUSES),
    proposed_by=choice(r.TEAMS),
)
shadow_day = st.builds(
    r.ShadowDay,
    id=rid,
    shadow=name,
    host=name,
    direction=choice(r.DIRECTIONS),
    date=day,
    activities=st.lists(st.builds(r.Activity, title=name, done=st.booleans(), notes=text), max_size=3),
    takeaways=st.lists(st.builds(r.Takeaway, id=rid, category=choice(r.TAKEAWAY_CATEGORIES), text=name, at=stamp), max_size=3),
    experiment=st.one_of(st.none(), st.builds(r.Experiment, text=name, owner=text, report_back=maybe_day)),
    status=choice(r.SHADOW_STATUSES),
)
agenda_item = st.builds(
    r.AgendaItem,
    id=rid,
    title=name,
    position=st.integers(0, 50),
    timebox_min=st.integers(1, 480),
    prompts=st.lists(text, max_size=3),
    presenter=text,
    presenter_team=choice(("", *r.TEAMS)),
    captures=choice(r.CAPTURE_KINDS),
    standing=st.booleans(),
    status=choice(r.ITEM_STATUSES),
    elapsed_s=st.floats(0, 10**6),
    notes=st.text(max_size=200),
)
lead_feedback = st.builds(
    r.LeadFeedback,
    id=rid,
    reference=name,
    verdict=choice(r.VERDICTS),
    source=text,
    persona=text,
    stage_reached=choice(r.FUNNEL_STAGES),
    disposition=choice(r.DISPOSITIONS),
    reasons=st.lists(choice(r.REASON_CODES), max_size=3, unique=True),
    stage_lost=choice(("", *r.FUNNEL_STAGES)),
    comment=text,
    reporter=text,
)
decision = st.builds(r.Decision, id=rid, text=name, decided_by=text)
action = st.builds(r.ActionItem, id=rid, text=name, owner=text, due=maybe_day, status=choice(r.ACTION_STATUSES))
parked = st.builds(r.ParkedItem, id=rid, text=name)


@st.composite
def meeting_record(draw: st.DrawFn, meeting_id: str) -> dict:
    meeting = r.Meeting(
        id=meeting_id,
        series_id=draw(rid),
        title=draw(name),
        date=draw(day),
        facilitator=draw(text),
        attendees=draw(st.lists(attendee, max_size=4)),
        absentees=draw(st.lists(attendee, max_size=2)),
        status=draw(choice(r.MEETING_STATUSES)),
        rating=draw(st.one_of(st.none(), st.integers(1, 5))),
        rating_comment=draw(text),
    )
    unique = lambda s: st.lists(s, max_size=3, unique_by=lambda x: x.id)  # noqa: E731
    return {
        "meeting": meeting,
        "agenda": draw(unique(agenda_item)),
        "lead_feedback": draw(unique(lead_feedback)),
        "decisions": draw(unique(decision)),
        "actions": draw(unique(action)),
        "parking_lot": draw(unique(parked)),
    }
