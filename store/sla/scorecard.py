"""The SLA scorecard's arithmetic: pure, no files, no clock of its own.

For a period (a month of imported leads, "2026-11") and the one before it, each clause of the
SLA in force on the period's last day is measured against the period's MQLs and their
feedback, with its target, met or missed, and the trend from the period before.

The rules, as the README states them:

* **The population** is the period's leads (``Lead.period``, fixed at import) except those at
  a pre-MQL stage (``lead``, ``subscriber``). A lead belongs to its period whatever happens after: a lead
  handed over on 30 November and decided on 2 December counts for November, with its hours.
* **Time zones**: a timestamp with an offset is exact; one without (``naive``) is read in
  ``naive_tz`` — the CLI passes None, this machine's local zone, which is how tandem writes
  its own times (a meeting's start). Two naive times of one lead give the same hours in any
  zone; only a lead mixing the two forms depends on the rule.
* **The clocks** start at the hand-over to sales, or at creation when the CRM gave no
  hand-over time (counted, so the report says which). A touch or a decision before the
  clock started counts as at once.
* **A decision's time** is when feedback on the lead was given: the time a rep raised it
  between meetings (a contribution taken into a meeting), else the start of the meeting it
  was recorded in (the end of its date if it has not started). A lead the CRM says was
  decided (accepted, rejected, recycled, converted) with no feedback was decided at a time
  nobody knows: it counts for the rates, not for the window (the report counts them).
* **Windows**: a lead still undecided (untouched) whose window has not closed at ``now`` is
  open and left out; one whose window closed is late. A time clause is met when every lead
  due was in time — the SLA is a promise about each lead; the share says how close.
* **Outcome**: the CRM's status when it says decided, else the latest feedback's
  disposition; reasons come from the feedback. Rates are of the decided leads.
* **MQL→SQL**: a lead reached SQL when its stage is ``sql`` or a later stage of the funnel
  (``lost`` aside), its status is ``converted``, or its feedback says it reached one.
* Nothing is divided by zero: a share of no leads is no value, with the reason in words.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from tandem.store.crm.lead import Lead
from tandem.store.records import FUNNEL_STAGES, LeadFeedback, number
from tandem.store.sla.record import CLAUSES, SlaVersion
from tandem.store.sla.versions import in_force

__all__ = ["ClauseRow", "Feedback", "Measure", "Scorecard", "compute", "last_day", "previous_period"]

#: The stage of a lead marketing has not qualified yet: not an MQL, outside every clause.
PRE_MQL_STAGES = frozenset({"lead", "subscriber"})
DECIDED_STATUSES = {"accepted": "accepted", "converted": "accepted", "rejected": "rejected", "recycled": "recycled"}
#: The stage a lead reaches to count as converted to SQL.
SQL = "sql"
#: The arrow for each trend.
TREND_WORDS = {"up": "↑", "down": "↓", "flat": "→"}


@dataclass(frozen=True, slots=True)
class Feedback:
    """One piece of feedback on a lead, as the scorecard reads it."""

    reference: str
    #: When it was given (ISO; "" if unknown).
    at: str
    disposition: str
    reasons: tuple[str, ...] = ()
    stage_reached: str = ""

    @classmethod
    def of(cls, row: LeadFeedback, at: str) -> Feedback:
        """A meeting's lead-feedback row, given at ``at``."""
        return cls(reference=row.reference.strip(), at=at, disposition=row.disposition, reasons=tuple(row.reasons), stage_reached=row.stage_reached)


@dataclass(slots=True)
class Measure:
    """A clause measured over one period: ``value`` (None: nothing to measure, ``note``
    says why), and the counts behind a share (``n`` of ``of``)."""

    value: float | None
    shown: str
    n: int = 0
    of: int = 0
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "shown": self.shown, "n": self.n, "of": self.of, "note": self.note, **self.detail}


@dataclass(slots=True)
class ClauseRow:
    clause: str
    title: str
    #: The SLA's target in this period (None: the SLA has none), in words.
    target: float | None
    target_shown: str
    this: Measure
    last: Measure
    #: Met (True), missed (False) or neither (None: no target, nothing to measure).
    met: bool | None
    #: How the value moved from the last period: "up", "down", "flat", None (not comparable).
    trend: str | None
    #: Whether that move is for the better (None when flat or not comparable).
    better: bool | None

    @property
    def arrow(self) -> str:
        return TREND_WORDS.get(self.trend or "", "")

    @property
    def trend_words(self) -> str:
        """The arrow, and whether the move is for the better, as review says it: "↑ better",
        "↓ worse", "→ same" ("" when the periods cannot be compared)."""
        if self.trend is None:
            return ""
        if self.better is None:
            return f"{self.arrow} same"
        return f"{self.arrow} {'better' if self.better else 'worse'}"

    @property
    def verdict(self) -> str:
        return "—" if self.met is None else "met" if self.met else "missed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "title": self.title,
            "target": self.target,
            "target_shown": self.target_shown,
            "this": self.this.to_dict(),
            "last": self.last.to_dict(),
            "met": self.met,
            "trend": self.trend,
            "better": self.better,
        }


@dataclass(slots=True)
class Scorecard:
    period: str
    last_period: str
    #: The SLA versions the periods were measured against (None: no SLA yet).
    sla: SlaVersion | None
    last_sla: SlaVersion | None
    leads: int
    last_leads: int
    rows: list[ClauseRow]
    #: The period has no leads at all: "no leads imported for 2026-11".
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        def version(v: SlaVersion | None) -> dict[str, Any] | None:
            return None if v is None else {"version": v.version, "effective": v.effective, "id": v.id}

        return {
            "period": self.period,
            "last_period": self.last_period,
            "sla": version(self.sla),
            "last_sla": version(self.last_sla),
            "leads": self.leads,
            "last_leads": self.last_leads,
            "note": self.note,
            "clauses": [r.to_dict() for r in self.rows],
        }


# --- periods and times -------------------------------------------------------------------------


def previous_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def last_day(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    following = f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"
    from datetime import date, timedelta

    return (date.fromisoformat(f"{following}-01") - timedelta(days=1)).isoformat()


def _moment(text: str, naive_tz: tzinfo | None) -> datetime | None:
    if not text:
        return None
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        return when.replace(tzinfo=naive_tz) if naive_tz is not None else when.astimezone()
    return when


def _hours(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 3600)


def _share(n: int, of: int, why_none: str) -> Measure:
    if of == 0:
        return Measure(None, "—", 0, 0, why_none)
    value = 100 * n / of
    return Measure(value, f"{_percent(value)} ({n} of {of})", n, of)


def _percent(value: float) -> str:
    return f"{number(round(value, 1))}%"


def _hours_shown(value: float) -> str:
    return f"{number(round(value, 1))} h"


# --- one period ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Lead:
    lead: Lead
    start: datetime
    #: Whether the clock started at creation (the CRM gave no hand-over time).
    from_created: bool
    touched: datetime | None
    decided_at: datetime | None
    outcome: str  # "accepted", "rejected", "recycled", "" (undecided)
    reasons: tuple[str, ...]
    has_feedback: bool
    reached_sql: bool


def _facts(leads: list[Lead], feedback: dict[str, list[Feedback]], naive_tz: tzinfo | None, sql_stages: frozenset[str]) -> list[_Lead]:
    facts = []
    for lead in leads:
        handed = _moment(lead.handed_over_at, naive_tz)
        start = handed or _moment(lead.created_at, naive_tz)
        assert start is not None  # created_at is required of a lead
        given = sorted(feedback.get(lead.reference, ()), key=lambda f: f.at)
        times = [t for t in (_moment(f.at, naive_tz) for f in given) if t is not None]
        latest = given[-1] if given else None
        outcome = DECIDED_STATUSES.get(lead.status, "") or (latest.disposition if latest is not None else "")
        facts.append(
            _Lead(
                lead=lead,
                start=start,
                from_created=handed is None,
                touched=_moment(lead.first_touch_at, naive_tz),
                decided_at=min(times) if times else None,
                outcome=outcome,
                reasons=latest.reasons if latest is not None else (),
                has_feedback=bool(given),
                reached_sql=lead.stage in sql_stages or lead.status == "converted" or any(f.stage_reached in sql_stages for f in given),
            )
        )
    return facts


def _first_touch_target(sla: SlaVersion | None, lead: Lead) -> tuple[str, float | None]:
    """The lead's type (the override that applies: source first, then segment) and its
    first-touch target in hours."""
    if sla is None:
        return "default", None
    for field_name in ("source", "segment"):
        mine = getattr(lead, field_name).casefold()
        for rule in sla.first_touch:
            if rule.field == field_name and mine and rule.value.casefold() == mine:
                return f"{field_name} {rule.value}", rule.hours
    return "default", sla.first_touch_hours


def _measure_period(period: str, leads: list[_Lead], sla: SlaVersion | None, now: datetime, naive_tz: tzinfo | None) -> dict[str, Measure]:
    empty = f"no leads imported for {period}"
    out: dict[str, Measure] = {}
    now_at = _moment(now.isoformat(), naive_tz)
    assert now_at is not None
    total = len(leads)
    out["mqls_per_month"] = Measure(float(total), number(total), total, total) if total else Measure(None, "—", note=empty)

    decided = [f for f in leads if f.outcome]
    outcomes = Counter(f.outcome for f in decided)
    acceptance = _share(outcomes["accepted"], len(decided), empty if not total else "no lead decided yet")
    reasons: Counter[str] = Counter()
    for f in decided:
        if f.outcome in ("rejected", "recycled"):
            reasons.update(f.reasons or ("unstated",))
    acceptance.detail = {
        "rejected": outcomes["rejected"],
        "recycled": outcomes["recycled"],
        "undecided": total - len(decided),
        "rejection_rate": round(100 * outcomes["rejected"] / len(decided), 1) if decided else None,
        "by_reason": [{"reason": r, "leads": n, "share": round(100 * n / len(decided), 1)} for r, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))],
    }
    out["acceptance_floor"] = acceptance

    window = sla.decision_hours if sla is not None else None
    known = [f for f in leads if f.decided_at is not None]
    decision_hours = [_hours(f.start, f.decided_at) for f in known if f.decided_at is not None]
    unknown_time = sum(1 for f in leads if f.outcome and f.decided_at is None)
    counts = {"within": 0, "late": 0, "open": 0}
    if window is not None:
        for f in leads:
            if f.decided_at is not None:
                counts["within" if _hours(f.start, f.decided_at) <= window else "late"] += 1
            elif not f.outcome:
                counts["late" if _hours(f.start, now_at) > window else "open"] += 1
    why = empty if not total else "no accept/reject window in the SLA" if window is None else "no lead due yet"
    decision = _share(counts["within"], counts["within"] + counts["late"], why)
    decision.detail = {
        **counts,
        "decided_time_unknown": unknown_time,
        "clock_from_created": sum(1 for f in leads if f.from_created),
        "median_hours": round(statistics.median(decision_hours), 2) if decision_hours else None,
    }
    out["decision_hours"] = decision

    touch_hours = [_hours(f.start, f.touched) for f in leads if f.touched is not None]
    by_type: dict[str, dict[str, Any]] = {}
    for f in leads:
        kind, target = _first_touch_target(sla, f.lead)
        row = by_type.setdefault(kind, {"type": kind, "target_hours": target, "hours": [], "within": 0, "late": 0, "open": 0})
        if f.touched is not None:
            row["hours"].append(_hours(f.start, f.touched))
        if target is None:
            continue
        if f.touched is not None:
            row["within" if _hours(f.start, f.touched) <= target else "late"] += 1
        else:
            row["late" if _hours(f.start, now_at) > target else "open"] += 1
    types = []
    for kind in sorted(by_type, key=lambda k: (k != "default", k)):
        row = by_type[kind]
        hours = row.pop("hours")
        due = row["within"] + row["late"]
        row["median_hours"] = round(statistics.median(hours), 2) if hours else None
        row["share_within"] = round(100 * row["within"] / due, 1) if due else None
        types.append(row)
    within = sum(r["within"] for r in types)
    late = sum(r["late"] for r in types)
    median = statistics.median(touch_hours) if touch_hours else None
    if median is None:
        touch = Measure(None, "—", note=empty if not total else "no lead has a first-touch time")
    else:
        share = f"; {_percent(100 * within / (within + late))} within target ({within} of {within + late})" if within + late else ""
        touch = Measure(median, f"median {_hours_shown(median)}{share}", within, within + late)
    touch.detail = {"share_within": round(100 * within / (within + late), 1) if within + late else None, "touched": len(touch_hours), "by_type": types}
    out["first_touch_hours"] = touch

    out["attempts"] = Measure(None, "—", note="not measured: the lead lists carry no attempt counts")

    covered = sum(1 for f in leads if f.has_feedback)
    out["coverage_floor"] = _share(covered, total, empty)

    sources: dict[str, list[int]] = {}
    for f in leads:
        pair = sources.setdefault(f.lead.source or "(no source)", [0, 0])
        pair[0] += f.reached_sql
        pair[1] += 1
    conversion = _share(sum(p[0] for p in sources.values()), total, empty)
    conversion.detail = {
        "by_source": [
            {"source": s, "sql": p[0], "leads": p[1], "share": round(100 * p[0] / p[1], 1)}
            for s, p in sorted(sources.items(), key=lambda kv: (-kv[1][1], kv[0]))
        ]
    }
    out["mql_to_sql"] = conversion
    return out


# --- the scorecard ---------------------------------------------------------------------------------

#: The rows, in order: clause → (title, whether a higher value is better).
ROWS: dict[str, tuple[str, bool]] = {
    "mqls_per_month": ("MQLs delivered", True),
    "acceptance_floor": ("Acceptance rate", True),
    "decision_hours": ("Decided within the window", True),
    "first_touch_hours": ("Time to first touch", False),
    "attempts": ("Attempts before recycle", True),
    "coverage_floor": ("Feedback coverage", True),
    "mql_to_sql": ("MQL→SQL", True),
}


def _target(clause: str, sla: SlaVersion | None) -> tuple[float | None, str]:
    if sla is None or clause not in CLAUSES:
        return None, "—"
    value: float | None = getattr(sla, clause)
    overrides = f" (+{len(sla.first_touch)} by lead type)" if clause == "first_touch_hours" and sla.first_touch else ""
    if value is None:
        return None, ("—" + overrides) if overrides else "—"
    unit = CLAUSES[clause][0]
    shown = {"hours": f"≤ {_hours_shown(value)}", "percent": f"≥ {_percent(value)}", "count": f"≥ {number(value)}"}[unit]
    if clause == "attempts":
        shown = number(value)
    return value, shown + overrides


def _met(clause: str, target: float | None, sla: SlaVersion | None, measure: Measure) -> bool | None:
    if clause == "first_touch_hours":
        types = measure.detail.get("by_type", [])
        due = [t for t in types if t["within"] + t["late"]]
        return None if not due else all(t["late"] == 0 for t in due)
    if target is None or measure.value is None:
        return None
    if clause == "decision_hours":
        return measure.value >= 100
    if clause == "attempts":
        return None
    return measure.value >= target


def compute(
    period: str,
    leads: Iterable[Lead],
    feedback: Iterable[Feedback],
    versions: Iterable[SlaVersion],
    *,
    now: datetime,
    naive_tz: tzinfo | None = None,
    funnel: tuple[str, ...] = FUNNEL_STAGES,
) -> Scorecard:
    """The scorecard of ``period`` and the period before it (see the module's docstring)."""
    last = previous_period(period)
    by_period: dict[str, list[Lead]] = {period: [], last: []}
    for lead in leads:
        if lead.period in by_period and lead.stage not in PRE_MQL_STAGES:
            by_period[lead.period].append(lead)
    wanted = {lead.reference for rows in by_period.values() for lead in rows}
    given: dict[str, list[Feedback]] = {}
    for f in feedback:
        if f.reference in wanted:
            given.setdefault(f.reference, []).append(f)
    sql_stages = frozenset(s for s in funnel[funnel.index(SQL) :] if s != "lost") if SQL in funnel else frozenset({SQL})
    versions = list(versions)
    sla, last_sla = in_force(versions, last_day(period)), in_force(versions, last_day(last))
    this_m = _measure_period(period, _facts(by_period[period], given, naive_tz, sql_stages), sla, now, naive_tz)
    last_m = _measure_period(last, _facts(by_period[last], given, naive_tz, sql_stages), last_sla, now, naive_tz)
    rows = []
    for clause, (title, higher_better) in ROWS.items():
        target, shown = _target(clause, sla)
        this, before = this_m[clause], last_m[clause]
        trend = better = None
        if this.value is not None and before.value is not None:
            trend = "flat" if abs(this.value - before.value) < 1e-9 else "up" if this.value > before.value else "down"
            better = None if trend == "flat" else (trend == "up") == higher_better
        rows.append(ClauseRow(clause, title, target, shown, this, before, _met(clause, target, sla, this), trend, better))
    note = "" if by_period[period] else f"no leads imported for {period}"
    return Scorecard(period, last, sla, last_sla, len(by_period[period]), len(by_period[last]), rows, note)
