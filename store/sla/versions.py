"""Which SLA is in force, and changing it.

Every version is a record of ``sla.json``; none is ever edited. The version in force at a
date is the one with the latest effective date on or before it; two with the same effective
date (set the same day, or on two clones before a sync) go by version number, then by when
they were recorded, then by id — the same answer on every machine.

``tandem sla set`` makes the next version from the one in force on its effective date, with
the clauses named changed; with a meeting, it also records a decision in that meeting's
minutes, through the meeting's writer (refused while someone has the meeting open)."""

from __future__ import annotations

import contextlib
import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tandem.store.collection import Collection
from tandem.store.errors import MeetingLockedError, TandemError, UsageError
from tandem.store.ids import new_id
from tandem.store.records import Decision, number
from tandem.store.sla.record import CLAUSES, LEAD_TYPE_FIELDS, SLA_FILE, SLA_TABLE, FirstTouchRule, SlaVersion
from tandem.store.workspace import Workspace

__all__ = [
    "Change",
    "SetResult",
    "apply_changes",
    "changes_words",
    "clause_words",
    "history",
    "in_force",
    "load",
    "overrides_text",
    "parse_change",
    "parse_overrides",
    "set_sla",
]

#: Words that take a clause (or an override) out of the SLA.
NONE_WORDS = ("none", "off", "-")

_HOURS = re.compile(r"^(\d+(?:\.\d+)?)\s*([hd]?)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%?$")
_COUNT = re.compile(r"^(\d+)$")


def _order(v: SlaVersion) -> tuple[str, int, str, str]:
    return (v.effective, v.version, v.recorded_at, v.id)


def history(versions: Iterable[SlaVersion]) -> list[SlaVersion]:
    """The versions in the order they take effect (see the module's docstring)."""
    return sorted(versions, key=_order)


def in_force(versions: Iterable[SlaVersion], day: date | str) -> SlaVersion | None:
    """The version in force on ``day``, or None before the first takes effect."""
    when = day if isinstance(day, str) else day.isoformat()
    return max((v for v in versions if v.effective <= when), key=_order, default=None)


def _collection(ws: Workspace, guard: Any = None) -> Collection[SlaVersion]:
    path = ws.home / SLA_FILE
    return Collection(
        path,
        SLA_TABLE,
        SlaVersion,
        file_kind="sla",
        guard=guard or (lambda: ws.short_lock(path)),
        before_write=ws.before_write,
    )


def load(ws: Workspace) -> list[SlaVersion]:
    """Every version in ``sla.json`` (validated: a bad one names the file), none if absent."""
    return _collection(ws).all()


# --- a change, in words ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One clause set (``value`` None: taken out of the SLA); ``lead_type`` names a first-touch
    override ("source", "Demo request")."""

    clause: str
    value: float | None
    lead_type: tuple[str, str] | None = None


def _unknown_clause(name: str) -> UsageError:
    near = difflib.get_close_matches(name, list(CLAUSES), n=1, cutoff=0.5)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return UsageError(f"No SLA clause {name!r}{hint}; the clauses are {', '.join(CLAUSES)}.")


def parse_change(name: str, text: str) -> Change:
    """``first_touch_hours:source=Demo request`` and ``4`` as a :class:`Change`; a clause
    name that is no clause, or a value that is not one, is a usage error naming them."""
    clause, _, kind = name.strip().partition(":")
    clause = clause.strip().lower().replace("-", "_")
    if clause not in CLAUSES:
        raise _unknown_clause(clause)
    lead_type = None
    if kind:
        key, sep, typed = kind.partition("=")
        key, typed = key.strip().lower(), " ".join(typed.split())
        if clause != "first_touch_hours" or not sep or key not in LEAD_TYPE_FIELDS or not typed:
            raise UsageError(
                f"{name!r} is not a clause: only first_touch_hours takes a lead type, as first_touch_hours:source=VALUE or first_touch_hours:segment=VALUE."
            )
        lead_type = (key, typed)
    word = text.strip().lower()
    if word in NONE_WORDS:
        return Change(clause, None, lead_type)
    unit = CLAUSES[clause][0]
    found = (_HOURS if unit == "hours" else _PERCENT if unit == "percent" else _COUNT).match(word)
    value = float(found.group(1)) if found else None
    if found and unit == "hours" and found.group(2) == "d":
        value = float(found.group(1)) * 24
    if value is None or (unit == "percent" and value > 100):
        wanted = {"hours": "a number of hours (4, 1.5, 24h or 2d)", "percent": "a percentage from 0 to 100 (80 or 80%)", "count": "a whole number"}[unit]
        raise UsageError(f"{clause} takes {wanted}, not {text!r} ('none' takes it out of the SLA).")
    return Change(clause, int(value) if unit == "count" else value, lead_type)


def _override_parts(text: str) -> list[str]:
    """``text`` split at the ``;`` outside double quotes (a quoted value may hold one)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for ch in text:
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == ";":
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def _override(part: str) -> Change:
    """One override, "source Demo request = 4" or, for a value holding ``;`` or a quote,
    'source "Webinar; EMEA" = 4' (JSON's quoting)."""
    wrong = UsageError(f"{part.strip()!r} is not an override: write 'source VALUE = HOURS' or 'segment VALUE = HOURS', separated by ';'.")
    field, _, rest = part.strip().partition(" ")
    rest = rest.strip()
    if field.lower() not in LEAD_TYPE_FIELDS or not rest:
        raise wrong
    if rest.startswith('"'):
        try:
            value, end = json.JSONDecoder().raw_decode(rest)
        except json.JSONDecodeError:
            raise wrong from None
        after = rest[end:].strip()
        if not isinstance(value, str) or not after.startswith("="):
            raise wrong
        hours = after[1:]
    else:
        value, sep, hours = rest.rpartition("=")
        if not sep:
            raise wrong
    if not value.strip() or not hours.strip():
        raise wrong
    change = parse_change(f"first_touch_hours:{field}={value}", hours)
    if change.value is None:
        raise UsageError(f"{part.strip()!r}: an override needs hours; leave it out to take it away.")
    return change


def parse_overrides(text: str) -> list[Change]:
    """First-touch overrides by lead type written on one line, separated by ``;``
    ("source Demo request = 4; segment Enterprise = 2h"; a value holding ``;`` or a quote
    in double quotes), as :class:`Change` s; an override that does not read is a usage
    error naming it."""
    changes: list[Change] = []
    for part in _override_parts(text):
        change = _override(part)
        assert change.lead_type is not None
        field, value = change.lead_type
        if any(c.lead_type is not None and c.lead_type[0] == field and c.lead_type[1].casefold() == value.casefold() for c in changes):
            raise UsageError(f"{part.strip()!r} names a lead type already given.")
        changes.append(change)
    return changes


def _override_value(value: str) -> str:
    return json.dumps(value, ensure_ascii=False) if any(c in value for c in ';"') else value


def overrides_text(version: SlaVersion | None) -> str:
    """A version's first-touch overrides as :func:`parse_overrides` reads them."""
    return "; ".join(f"{rule.field} {_override_value(rule.value)} = {number(rule.hours)}" for rule in (version.first_touch if version else []))


def _hours(value: float | None) -> str:
    return "none" if value is None else f"{number(value)} h"


def clause_words(clause: str, value: float | None, lead_type: tuple[str, str] | None = None) -> str:
    """A clause as the minutes say it: "first touch within 4 h for source Demo request"."""
    if clause == "mqls_per_month":
        return "no MQL commitment" if value is None else f"{number(value)} MQLs a month"
    if clause == "decision_hours":
        return "no accept/reject window" if value is None else f"accept or reject within {_hours(value)}"
    if clause == "first_touch_hours":
        for_type = f" for {lead_type[0]} {lead_type[1]}" if lead_type else ""
        return f"no first-touch target{for_type}" if value is None else f"first touch within {_hours(value)}{for_type}"
    if clause == "attempts":
        return "no attempts rule" if value is None else f"{number(value)} attempts before recycling"
    if clause == "acceptance_floor":
        return "no acceptance floor" if value is None else f"acceptance rate at least {number(value)}%"
    return "no feedback-coverage floor" if value is None else f"feedback on at least {number(value)}% of leads"


def _rule(version: SlaVersion | None, lead_type: tuple[str, str]) -> FirstTouchRule | None:
    if version is None:
        return None
    field, value = lead_type
    return next((r for r in version.first_touch if r.field == field and r.value.casefold() == value.casefold()), None)


def value_of(version: SlaVersion | None, change: Change) -> float | None:
    """What ``version`` says of the clause (or override) ``change`` sets."""
    if version is None:
        return None
    if change.lead_type is not None:
        rule = _rule(version, change.lead_type)
        return rule.hours if rule is not None else None
    value: float | None = getattr(version, change.clause)
    return value


def changes_words(label: str, before: SlaVersion | None, changes: list[Change]) -> str:
    """The decision's text: "SLA v3 from 2026-12-01: first touch within 4 h for source Demo
    request (was 24 h)". An override that was not there before was the default."""
    parts = []
    for change in changes:
        words = clause_words(change.clause, change.value, change.lead_type)
        old = value_of(before, change)
        if old is None and change.lead_type is not None and before is not None:
            old = before.first_touch_hours
        if before is not None:
            unit = CLAUSES[change.clause][0]
            shown = "none" if old is None else _hours(old) if unit == "hours" else f"{number(old)}%" if unit == "percent" else number(old)
            words += f" (was {shown})"
        parts.append(words)
    return f"{label}: {'; '.join(parts)}"


# --- setting a new version -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetResult:
    version: SlaVersion
    #: The version it was made from (in force on its effective date), None for the first.
    before: SlaVersion | None
    decision: Decision | None


def apply_changes(base: SlaVersion | None, changes: list[Change], **fields: Any) -> SlaVersion:
    """The version that ``changes`` make of ``base`` (None: the first), with ``fields`` (id,
    version, effective…) set: what ``tandem sla set`` records, and the demo's SLA too."""
    values: dict[str, Any] = {name: getattr(base, name) if base is not None else None for name in CLAUSES}
    rules = list(base.first_touch) if base is not None else []
    for change in changes:
        if change.lead_type is None:
            values[change.clause] = change.value
            continue
        old = _rule(base, change.lead_type)
        rules = [r for r in rules if r is not old]
        if change.value is not None:
            rules.append(FirstTouchRule(field=change.lead_type[0], value=change.lead_type[1], hours=change.value))
    return SlaVersion(**values, first_touch=rules, **fields)


def set_sla(
    ws: Workspace,
    changes: list[Change],
    *,
    effective: date,
    meeting_id: str = "",
    agreed_by: list[str] | None = None,
    now: datetime | None = None,
) -> SetResult:
    """Record the next SLA version: the one in force on ``effective`` with ``changes``; with
    ``meeting_id``, the decision in that meeting's minutes too (its writer is taken first,
    so a meeting open elsewhere refuses before anything is written)."""
    if not changes:
        raise UsageError("Name at least one clause to set, as CLAUSE VALUE (tandem sla set decision_hours 48).")
    clauses = [(c.clause, c.lead_type) for c in changes]
    if len(set(clauses)) != len(clauses):
        raise UsageError("A clause is named twice; set each clause once.")
    at = (now or ws.now()).isoformat(timespec="seconds")
    with contextlib.ExitStack() as stack:
        try:
            writer = stack.enter_context(ws.open_meeting(meeting_id)) if meeting_id else None
        except MeetingLockedError as exc:
            raise TandemError(f"{str(exc).rstrip('.')}, so the SLA was not changed: set it again once it is closed there, or without --meeting.") from None
        path = ws.home / SLA_FILE
        # The next number is read and written under one lock: two `sla set` on one machine
        # never both make v3 (two clones may: see in_force for how that is ordered).
        stack.enter_context(ws.short_lock(path))
        versions = _collection(ws, contextlib.nullcontext).all()
        before = in_force(versions, effective)
        number_ = max((v.version for v in versions), default=0) + 1
        decision_id = new_id() if writer is not None else ""
        version = apply_changes(
            before,
            changes,
            id=new_id(),
            version=number_,
            effective=effective.isoformat(),
            agreed_by=list(agreed_by or []),
            meeting_id=meeting_id,
            decision_id=decision_id,
            recorded_at=at,
        )
        decision = None
        if writer is not None:
            decision = Decision(
                id=decision_id,
                text=changes_words(f"SLA v{number_} from {effective.isoformat()}", before, changes),
                meeting_id=meeting_id,
                decided_by=", ".join(version.agreed_by),
            )
        _collection(ws, contextlib.nullcontext).add(version)
        if writer is not None and decision is not None:
            writer.decisions.add(decision)
    return SetResult(version=version, before=before, decision=decision)
