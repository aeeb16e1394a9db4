"""One version of the team's SLA, as ``sla.json`` keeps it.

Changing the SLA never edits a version: it adds the next one, so every term the teams ever
agreed stays on record with when it took effect and who agreed to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from tandem.store.crm.lead import PERIOD
from tandem.store.errors import ValidationError
from tandem.store.records import Record, _check_choice, _check_date, _check_number, _check_str, _check_str_list, _check_timestamp

__all__ = ["CLAUSES", "LEAD_TYPE_FIELDS", "SCORECARD_TABLE", "SLA_FILE", "SLA_TABLE", "FirstTouchRule", "ScorecardLine", "SlaVersion"]

#: The shared file of SLA versions, and its one table.
SLA_FILE = "sla.json"
SLA_TABLE = "sla"
#: The table of a meeting file that keeps the scorecard the meeting saw (:class:`ScorecardLine`).
SCORECARD_TABLE = "scorecard"
#: A scorecard line's verdict on its clause ("—": no target, or nothing to measure).
VERDICTS = ("met", "missed", "—")
#: A scorecard line's trend from the period before ("": not comparable).
TRENDS = ("", "→ same", "↑ better", "↑ worse", "↓ better", "↓ worse")

#: What a first-touch override is keyed on: a lead's source (campaign channel) or segment.
LEAD_TYPE_FIELDS = ("source", "segment")

#: The clauses, in the order they are shown: name → (unit, what it promises, who owes it).
#: ``first_touch_hours`` also takes overrides by lead type (:class:`FirstTouchRule`).
CLAUSES: dict[str, tuple[str, str, str]] = {
    "mqls_per_month": ("count", "MQLs a month", "marketing"),
    "decision_hours": ("hours", "to accept or reject a lead", "sales"),
    "first_touch_hours": ("hours", "to first touch", "sales"),
    "attempts": ("count", "attempts before recycling a lead", "sales"),
    "acceptance_floor": ("percent", "of MQLs accepted, at least", "marketing"),
    "coverage_floor": ("percent", "of leads given feedback, at least", "sales"),
}

#: Longest lead-type value kept (a source or a segment, as leads.json keeps them).
VALUE_MAX = 200


@dataclass(kw_only=True, slots=True)
class FirstTouchRule(Record):
    """First touch within ``hours`` for the leads whose ``field`` is ``value``
    ("source" "Demo request": 4 h), instead of the SLA's default."""

    field: str
    value: str
    hours: float

    def _validate(self) -> None:
        _check_choice("sla.first_touch.field", self.field, LEAD_TYPE_FIELDS)
        _check_str("sla.first_touch.value", self.value, required=True, max_len=VALUE_MAX)
        _check_number("sla.first_touch.hours", self.hours, minimum=0)


@dataclass(kw_only=True, slots=True)
class SlaVersion(Record):
    NESTED: ClassVar[dict[str, type[Record]]] = {"first_touch": FirstTouchRule}

    id: str
    #: 1 for the first SLA agreed, then one more for each change.
    version: int
    #: The day it takes effect (YYYY-MM-DD): in force from then until a later one does.
    effective: str
    #: Who agreed to it (names as the team writes them).
    agreed_by: list[str] = field(default_factory=list)
    #: The meeting that decided it ("" if none was named), and the decision recorded there.
    meeting_id: str = ""
    decision_id: str = ""
    #: When this version was recorded.
    recorded_at: str = ""
    # The clauses: None is "not part of this SLA".
    mqls_per_month: int | None = None
    decision_hours: float | None = None
    first_touch_hours: float | None = None
    first_touch: list[FirstTouchRule] = field(default_factory=list)
    attempts: int | None = None
    #: Percentages, 0 to 100.
    acceptance_floor: float | None = None
    coverage_floor: float | None = None

    def _validate(self) -> None:
        _check_str("sla.id", self.id, required=True, max_len=64)
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise ValidationError("sla.version", "must be a whole number from 1")
        _check_date("sla.effective", self.effective)
        _check_str_list("sla.agreed_by", self.agreed_by)
        for name in self.agreed_by:
            _check_str("sla.agreed_by", name, required=True, max_len=200)
        _check_str("sla.meeting_id", self.meeting_id, max_len=120)
        _check_str("sla.decision_id", self.decision_id, max_len=64)
        _check_timestamp("sla.recorded_at", self.recorded_at)
        for name in ("mqls_per_month", "attempts"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValidationError(f"sla.{name}", "must be a whole number, 0 or more")
        for name in ("decision_hours", "first_touch_hours"):
            _check_number(f"sla.{name}", getattr(self, name), optional=True, minimum=0)
        for name in ("acceptance_floor", "coverage_floor"):
            value = getattr(self, name)
            _check_number(f"sla.{name}", value, optional=True, minimum=0)
            if value is not None and value > 100:
                raise ValidationError(f"sla.{name}", "is a percentage: at most 100")
        if not isinstance(self.first_touch, list) or not all(isinstance(r, FirstTouchRule) for r in self.first_touch):
            raise ValidationError("sla.first_touch", "expected first-touch rules")
        seen = {(r.field, r.value.casefold()) for r in self.first_touch}
        if len(seen) != len(self.first_touch):
            raise ValidationError("sla.first_touch", "names the same lead type twice")


@dataclass(kw_only=True, slots=True)
class ScorecardLine(Record):
    """One clause of the SLA scorecard as a lead-quality meeting saw it when it ended: kept
    in the meeting's file (table ``scorecard``), so its minutes show the figures the
    meeting discussed, byte for byte, whatever later imports change (``store/sla/snapshot.py``)."""

    #: The clause (``mqls_per_month``…): one line per clause, a second snapshot replaces it.
    id: str
    position: int
    #: The month measured and the one it is compared with ("2026-11", "2026-10").
    period: str
    last_period: str
    #: The SLA version measured against (0: no SLA agreed yet).
    sla_version: int = 0
    #: The figures in words, as ``tandem sla report`` prints them.
    title: str
    target: str
    this: str
    last: str
    #: "met", "missed" or "—"; the trend ("↑ better", "↓ worse", "→ same"; "" when not comparable).
    verdict: str
    trend: str = ""

    def _validate(self) -> None:
        _check_str("scorecard.id", self.id, required=True, max_len=64)
        if isinstance(self.position, bool) or not isinstance(self.position, int) or self.position < 0:
            raise ValidationError("scorecard.position", "must be a whole number, 0 or more")
        for name in ("period", "last_period"):
            value = getattr(self, name)
            _check_str(f"scorecard.{name}", value, required=True, max_len=7)
            if not PERIOD.match(value):
                raise ValidationError(f"scorecard.{name}", "must be a month (YYYY-MM)")
        if isinstance(self.sla_version, bool) or not isinstance(self.sla_version, int) or self.sla_version < 0:
            raise ValidationError("scorecard.sla_version", "must be a whole number, 0 or more")
        for name in ("title", "target", "this", "last"):
            _check_str(f"scorecard.{name}", getattr(self, name), max_len=400)
        _check_choice("scorecard.verdict", self.verdict, VERDICTS)
        _check_choice("scorecard.trend", self.trend, TRENDS)
