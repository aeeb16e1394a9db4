"""Building a contribution of each kind from what a person typed, with the rules the live
meeting's forms keep (a poor lead needs a reason; the reason ``other`` needs a comment;
codes from the team's vocabulary). The CLI uses these, and so will the contribute screen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tandem.store import ids
from tandem.store.contrib.records import Contribution, Topic
from tandem.store.errors import ValidationError
from tandem.store.records import FUNNEL_STAGES, REASON_CODES, CheckIn, ContentItem, LeadFeedback, Objective, ProspectInsight, Record


def _wrap(kind: str, record: Record, *, author: str, team: str, now: datetime, series_id: str, objective_id: str = "", rid: str) -> Contribution:
    return Contribution(
        id=rid,
        kind=kind,
        author=author,
        team=team,
        created_at=now.isoformat(timespec="seconds"),
        series_id=series_id,
        objective_id=objective_id,
        record=record.to_dict(),
    )


def _one_of(field: str, value: str, allowed: Sequence[str], what: str) -> None:
    if value not in allowed:
        raise ValidationError(field, f"{value!r} is not one of the {what}: {', '.join(allowed)}")


def lead(
    reference: str,
    verdict: str,
    *,
    author: str,
    team: str,
    now: datetime,
    series_id: str = "",
    reasons: Sequence[str] = (),
    comment: str = "",
    source: str = "",
    persona: str = "",
    stage_reached: str = "",
    stage_lost: str = "",
    disposition: str = "accepted",
    reason_codes: Sequence[str] = (),
    funnel_stages: Sequence[str] = (),
    cid: str = "",
) -> Contribution:
    """Lead feedback; ``reason_codes`` and ``funnel_stages``: the team's (config.toml's
    ``[vocabulary]``; empty: tandem's own); ``cid``: the id of the contribution it revises
    (a verdict changed while it waits), else a new one."""
    codes = tuple(reason_codes) or REASON_CODES
    stages = tuple(funnel_stages) or FUNNEL_STAGES
    for reason in reasons:
        _one_of("reason", reason, codes, "reason codes")
    if verdict == "poor" and not reasons:
        raise ValidationError("reason", "a poor lead needs at least one reason: it is what marketing can act on")
    if "other" in reasons and not comment.strip():
        raise ValidationError("comment", "the reason 'other' needs a comment saying what it was")
    stage_reached = stage_reached or stages[0]
    _one_of("stage", stage_reached, stages, "funnel stages")
    if stage_lost:
        _one_of("stage-lost", stage_lost, stages, "funnel stages")
    rid = cid or ids.new_id()
    record = LeadFeedback(
        id=rid,
        reference=reference,
        verdict=verdict,
        reasons=list(dict.fromkeys(reasons)),
        comment=comment,
        source=source,
        persona=persona,
        stage_reached=stage_reached,
        stage_lost=stage_lost,
        disposition=disposition,
        reporter=author,
    )
    return _wrap("lead", record, author=author, team=team, now=now, series_id=series_id, rid=rid)


def question(
    text: str,
    *,
    author: str,
    team: str,
    now: datetime,
    series_id: str = "",
    kind: str = "question",
    persona: str = "",
    stage: str = "awareness",
    heard: int = 1,
) -> Contribution:
    """A prospect question (or pain point) heard, for the voice of the prospect."""
    rid = ids.new_id()
    record = ProspectInsight(
        id=rid, text=text, kind=kind, persona=persona, journey_stage=stage, times_heard=heard, reporter=author, date=now.date().isoformat()
    )
    return _wrap("question", record, author=author, team=team, now=now, series_id=series_id, rid=rid)


def topic(title: str, *, author: str, team: str, now: datetime, series_id: str = "", minutes: int = 5, note: str = "") -> Contribution:
    """A talking point for the next meeting's agenda."""
    return _wrap("topic", Topic(title=title, minutes=minutes, note=note), author=author, team=team, now=now, series_id=series_id, rid=ids.new_id())


def content(
    title: str, *, author: str, team: str, now: datetime, series_id: str = "", type: str = "blog", persona: str = "", stage: str = "awareness"
) -> Contribution:
    """An idea for the content pipeline, proposed by the author's team."""
    rid = ids.new_id()
    record = ContentItem(id=rid, title=title, type=type, persona=persona, stage=stage, status="idea", proposed_by=team)
    return _wrap("content", record, author=author, team=team, now=now, series_id=series_id, rid=rid)


def checkin(
    objective: Objective, value: float, *, author: str, team: str, now: datetime, series_id: str = "", status: str = "", comment: str = ""
) -> Contribution:
    """A check-in on ``objective``: its value now (status: the objective's, if not said)."""
    record = CheckIn(date=now.date().isoformat(), value=value, status=status or objective.status, comment=comment)
    return _wrap("checkin", record, author=author, team=team, now=now, series_id=series_id, objective_id=objective.id, rid=ids.new_id())
