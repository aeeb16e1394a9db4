"""The SLA scorecard's arithmetic (``store/sla/scorecard.py``) against hand-computed fixtures:
medians of odd and even counts, windows across a month's end, time zones (a timestamp with an
offset is exact; one without is read in ``naive_tz``), empty periods and shares of nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tandem.store.crm.lead import Lead, lead_id
from tandem.store.sla.record import FirstTouchRule, SlaVersion
from tandem.store.sla.scorecard import Feedback, Scorecard, compute, last_day, previous_period

NOW = datetime(2026, 12, 20, 12, 0, tzinfo=UTC)
SLA = SlaVersion(
    id="v1",
    version=1,
    effective="2026-10-01",
    mqls_per_month=3,
    decision_hours=48,
    first_touch_hours=24,
    first_touch=[FirstTouchRule(field="source", value="Demo request", hours=4), FirstTouchRule(field="segment", value="Enterprise", hours=8)],
    attempts=6,
    acceptance_floor=50,
    coverage_floor=80,
)


def lead(ref: str, *, period: str = "2026-11", created: str = "2026-11-10T09:00:00", **fields: Any) -> Lead:
    return Lead(id=lead_id(ref), reference=ref, period=period, created_at=created, **fields)


def card(leads: list[Lead], feedback: Sequence[Feedback] = (), period: str = "2026-11", versions: list[SlaVersion] | None = None, **kw: Any) -> Scorecard:
    return compute(period, leads, feedback, [SLA] if versions is None else versions, now=kw.pop("now", NOW), naive_tz=kw.pop("naive_tz", UTC), **kw)


def row(scorecard: Scorecard, clause: str) -> Any:
    return next(r for r in scorecard.rows if r.clause == clause)


def test_periods_wrap_the_year_and_know_their_last_day() -> None:
    assert previous_period("2026-01") == "2025-12"
    assert previous_period("2026-11") == "2026-10"
    assert (last_day("2024-02"), last_day("2026-02"), last_day("2026-12")) == ("2024-02-29", "2026-02-28", "2026-12-31")


def test_median_time_to_first_touch_odd_and_even_counts() -> None:
    # Handed over at 09:00; touched 1 h, 2 h and 10 h later: the median of three is 2 h.
    leads = [lead(f"L{h}", handed_over_at="2026-11-10T09:00:00", first_touch_at=f"2026-11-10T{9 + h:02d}:00:00") for h in (1, 10, 2)]
    assert row(card(leads), "first_touch_hours").this.value == 2
    # A fourth at 20 h: the median of an even count is the mean of the middle two, (2 + 10) / 2.
    leads.append(lead("L20", handed_over_at="2026-11-10T09:00:00", first_touch_at="2026-11-11T05:00:00"))
    touch = row(card(leads), "first_touch_hours")
    assert touch.this.value == 6
    # Default target 24 h: all four within it; the clause is met.
    assert (touch.this.detail["share_within"], touch.met) == (100.0, True)


def test_a_window_across_the_end_of_the_month_counts_for_the_month_handed_over() -> None:
    leads = [
        lead("A", created="2026-11-30T18:00:00", handed_over_at="2026-11-30T20:00:00"),  # decided 2 Dec 10:00: 38 h
        lead("B", created="2026-11-29T07:00:00", handed_over_at="2026-11-29T08:00:00"),  # decided 1 Dec 09:00: 49 h
    ]
    feedback = [Feedback("A", "2026-12-02T10:00:00", "accepted"), Feedback("B", "2026-12-01T09:00:00", "rejected", ("no_fit",))]
    november = card(leads, feedback)
    decision = row(november, "decision_hours")
    assert (decision.this.value, decision.this.n, decision.this.of) == (50.0, 1, 2)
    assert decision.this.detail["median_hours"] == 43.5  # (38 + 49) / 2
    assert decision.met is False
    december = card(leads, feedback, period="2026-12")
    assert december.leads == 0 and december.last_leads == 2
    assert row(december, "decision_hours").last.value == 50.0


def test_time_zones_offsets_are_exact_and_naive_times_read_in_the_given_zone() -> None:
    # Handed over 09:00 at +01:00 (08:00 UTC); touched at a naive 10:00.
    one = [lead("Z", handed_over_at="2026-11-10T09:00:00+01:00", first_touch_at="2026-11-10T10:00:00")]
    assert row(card(one, naive_tz=UTC), "first_touch_hours").this.value == 2  # 10:00 UTC - 08:00 UTC
    assert row(card(one, naive_tz=timezone(timedelta(hours=1))), "first_touch_hours").this.value == 1
    # Two naive times give the same hours whatever the zone; two offsets too.
    naive = [lead("N", handed_over_at="2026-11-10T09:00:00", first_touch_at="2026-11-10T12:30:00")]
    zoned = [lead("Q", handed_over_at="2026-11-10T23:00:00-05:00", first_touch_at="2026-11-11T06:30:00+02:00")]  # 04:00Z → 04:30Z
    for tz in (UTC, timezone(timedelta(hours=-8)), timezone(timedelta(hours=9))):
        assert row(card(naive, naive_tz=tz), "first_touch_hours").this.value == 3.5
        assert row(card(zoned, naive_tz=tz), "first_touch_hours").this.value == 0.5


def test_an_empty_period_says_so_instead_of_zero_percent() -> None:
    scorecard = card([lead("old", period="2026-09")])
    assert scorecard.note == "no leads imported for 2026-11"
    for r in scorecard.rows:
        assert r.this.value is None and r.met is None and r.trend is None, r
        assert r.this.note in ("no leads imported for 2026-11", "not measured: the lead lists carry no attempt counts"), r
    assert row(scorecard, "coverage_floor").this.shown == "—"
    assert scorecard.to_dict()["clauses"][0]["this"]["value"] is None


def test_shares_of_nothing_are_no_value_with_the_reason() -> None:
    # Two leads, neither decided, touched nor given feedback; no SLA at all.
    scorecard = card([lead("a"), lead("b")], versions=[])
    acceptance, touch, coverage = (row(scorecard, c) for c in ("acceptance_floor", "first_touch_hours", "coverage_floor"))
    assert (acceptance.this.value, acceptance.this.note) == (None, "no lead decided yet")
    assert acceptance.this.detail["rejection_rate"] is None
    assert (touch.this.value, touch.this.note) == (None, "no lead has a first-touch time")
    assert (coverage.this.value, coverage.this.shown) == (0.0, "0% (0 of 2)")
    assert row(scorecard, "decision_hours").this.note == "no accept/reject window in the SLA"
    assert all(r.target is None and r.met is None for r in scorecard.rows)
    assert scorecard.sla is None


def test_acceptance_and_rejection_by_reason_from_statuses_and_feedback() -> None:
    leads = [
        lead("a", status="accepted"),
        lead("b", status="converted"),
        lead("c", status="rejected"),  # reasons from its feedback
        lead("d", status="working"),  # its feedback says recycled: undecided in the CRM, decided in the meeting
        lead("e", status="rejected"),  # no feedback: rejected with no reason stated
        lead("f"),  # undecided
    ]
    feedback = [
        Feedback("c", "2026-11-11T10:00:00", "rejected", ("no_budget", "bad_timing")),
        Feedback("d", "2026-11-11T10:00:00", "recycled", ("bad_timing",)),
    ]
    acceptance = row(card(leads, feedback), "acceptance_floor")
    # Decided: a, b (accepted), c, e (rejected), d (recycled) = 5; accepted 2 of 5 = 40% < 50%.
    assert (acceptance.this.value, acceptance.this.n, acceptance.this.of, acceptance.met) == (40.0, 2, 5, False)
    assert acceptance.this.detail["rejection_rate"] == 40.0
    assert (acceptance.this.detail["recycled"], acceptance.this.detail["undecided"]) == (1, 1)
    assert acceptance.this.detail["by_reason"] == [
        {"reason": "bad_timing", "leads": 2, "share": 40.0},
        {"reason": "no_budget", "leads": 1, "share": 20.0},
        {"reason": "unstated", "leads": 1, "share": 20.0},
    ]
    coverage = row(card(leads, feedback), "coverage_floor")
    assert (coverage.this.n, coverage.this.of, coverage.met) == (2, 6, False)


def test_decisions_without_a_time_and_open_windows_are_left_out_of_the_share() -> None:
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    leads = [
        lead("known", handed_over_at="2026-11-10T09:00:00"),  # feedback 24 h later: within
        lead("crm-only", handed_over_at="2026-11-10T09:00:00", status="accepted"),  # no time known
        lead("late", handed_over_at="2026-11-27T09:00:00"),  # undecided, 75 h by now: late
        lead("open", handed_over_at="2026-11-29T12:00:00"),  # undecided, 24 h by now: open
        lead("from-created", created="2026-11-20T08:00:00"),  # feedback 50 h after creation: late
    ]
    feedback = [Feedback("known", "2026-11-11T09:00:00", "accepted"), Feedback("from-created", "2026-11-22T10:00:00", "accepted")]
    decision = row(card(leads, feedback, now=now), "decision_hours")
    assert (decision.this.n, decision.this.of) == (1, 3)
    assert {k: decision.this.detail[k] for k in ("within", "late", "open", "decided_time_unknown", "clock_from_created")} == {
        "within": 1,
        "late": 2,
        "open": 1,
        "decided_time_unknown": 1,
        "clock_from_created": 1,
    }


def test_first_touch_targets_by_lead_type_source_before_segment() -> None:
    leads = [
        lead("d1", source="Demo request", segment="Enterprise", handed_over_at="2026-11-10T09:00:00", first_touch_at="2026-11-10T12:00:00"),  # 3 h ≤ 4
        lead("d2", source="demo request", handed_over_at="2026-11-10T09:00:00", first_touch_at="2026-11-10T15:00:00"),  # 6 h > 4
        lead("e1", segment="Enterprise", handed_over_at="2026-11-10T09:00:00", first_touch_at="2026-11-10T16:00:00"),  # 7 h ≤ 8
        lead("w1", source="Webinar", handed_over_at="2026-11-10T09:00:00", first_touch_at="2026-11-11T08:00:00"),  # 23 h ≤ 24
    ]
    touch = row(card(leads), "first_touch_hours")
    types = {t["type"]: t for t in touch.this.detail["by_type"]}
    assert list(types) == ["default", "segment Enterprise", "source Demo request"]
    assert (types["source Demo request"]["within"], types["source Demo request"]["late"], types["source Demo request"]["median_hours"]) == (1, 1, 4.5)
    assert (types["segment Enterprise"]["within"], types["default"]["within"]) == (1, 1)
    assert (touch.this.n, touch.this.of, touch.met) == (3, 4, False)  # one demo request late: missed
    assert touch.this.value == 6.5  # median of 3, 6, 7, 23
    assert touch.target_shown == "≤ 24 h (+2 by lead type)"


def test_trend_and_met_against_the_sla_in_force_at_each_period_end() -> None:
    tighter = SLA.replace(id="v2", version=2, effective="2026-11-15", mqls_per_month=4)
    leads = [lead(f"n{i}") for i in range(3)] + [lead(f"o{i}", period="2026-10", created="2026-10-05T09:00:00") for i in range(2)]
    scorecard = card(leads, versions=[SLA, tighter])
    mqls = row(scorecard, "mqls_per_month")
    assert (scorecard.sla, scorecard.last_sla) == (tighter, SLA)
    assert (mqls.this.value, mqls.last.value, mqls.target, mqls.met) == (3, 2, 4, False)
    assert (mqls.trend, mqls.arrow, mqls.better) == ("up", "↑", True)
    # Time to first touch going up is for the worse.
    slower = [lead("s", handed_over_at="2026-11-10T09:00:00", first_touch_at="2026-11-10T19:00:00")]
    faster = [lead("f", period="2026-10", handed_over_at="2026-10-10T09:00:00", first_touch_at="2026-10-10T10:00:00", created="2026-10-10T08:00:00")]
    touch = row(card(slower + faster), "first_touch_hours")
    assert (touch.trend, touch.better) == ("up", False)
    flat = row(card([lead("x"), lead("y", period="2026-10", created="2026-10-01T00:00:00")]), "mqls_per_month")
    assert (flat.trend, flat.arrow, flat.better) == ("flat", "→", None)


def test_mql_to_sql_by_source_and_pre_mql_leads_left_out() -> None:
    leads = [
        lead("a", source="Webinar", stage="sql"),
        lead("b", source="Webinar", stage="opportunity"),
        lead("c", source="Webinar", stage="mql"),
        lead("d", source="Paid search", status="converted"),
        lead("e", source="Paid search", stage="lost"),
        lead("f", source="", stage="mql"),  # its feedback says it reached SQL
        lead("g", source="Webinar", stage="lead"),  # not an MQL: outside every clause
    ]
    scorecard = card(leads, [Feedback("f", "", "accepted", (), "sql")])
    conversion = row(scorecard, "mql_to_sql")
    assert scorecard.leads == 6
    assert (conversion.this.n, conversion.this.of) == (4, 6)
    assert conversion.this.detail["by_source"] == [
        {"source": "Webinar", "sql": 2, "leads": 3, "share": 66.7},
        {"source": "Paid search", "sql": 1, "leads": 2, "share": 50.0},
        {"source": "(no source)", "sql": 1, "leads": 1, "share": 100.0},
    ]
    # A team's own funnel: "discovery" comes after sql, so it counts.
    own = card([lead("h", stage="discovery")], funnel=("lead", "mql", "sql", "discovery", "won", "lost"))
    assert row(own, "mql_to_sql").this.n == 1


def test_attempts_are_shown_as_a_target_never_measured() -> None:
    attempts = row(card([lead("a")]), "attempts")
    assert (attempts.target, attempts.target_shown, attempts.this.value, attempts.met) == (6, "6", None, None)


@pytest.mark.parametrize("count", [0, 1, 2])
def test_feedback_on_a_lead_of_another_period_is_not_counted(count: int) -> None:
    leads = [lead("here")]
    feedback = [Feedback("elsewhere", "2026-11-11T10:00:00", "accepted")] * count
    assert row(card(leads, feedback), "coverage_floor").this.n == 0
