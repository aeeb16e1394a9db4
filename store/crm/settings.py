"""``[crm]`` in config.toml: which column of a CRM's export holds each field of a
:class:`~tandem.store.crm.lead.Lead`, and how the CRM's status and stage values read in
tandem's words (import) and back (export), with presets for HubSpot and Salesforce::

    [crm]
    preset = "hubspot"              # or "salesforce": the columns and values below start from it
    date_order = "mdy"              # 11/03/2026 is 3 November ("dmy": 11 March)

    [crm.columns]                   # tandem's field = your CRM's column ("" leaves it out)
    persona = "Buyer Persona"

    [crm.status]                    # your CRM's status value = tandem's status
    "Nurture" = "recycled"

    [crm.status_export]             # tandem's status = the value written back to your CRM
    recycled = "Nurture"

    [crm.stage]                     # your CRM's stage value = tandem's stage code
    "Marketing Qualified Lead" = "mql"

    [crm.stage_export]              # tandem's stage code = the value written back
    mql = "Marketing Qualified Lead"

    [crm.reason_export]             # tandem's reason code = your disqualification reason value
    no_budget = "Budget"

Columns and values are matched whatever their case and spacing ("lead status", "IN_PROGRESS"
for "In Progress"). No Textual, no click: ``store/config`` reads the section through
:func:`read_crm` with its own validator, so a mistake is a ``FILE:LINE`` problem like any
other setting's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from tandem.store.crm.statuses import LEAD_STATUSES

#: The fields a column can fill, in the order a listing shows them.
FIELDS = ("reference", "source", "campaign", "persona", "segment", "stage", "status", "created_at", "handed_over_at", "first_touch_at")
#: A lead is nothing without these two: the CRM's id, and when it was created.
REQUIRED = ("reference", "created_at")
DATE_FIELDS = ("created_at", "handed_over_at", "first_touch_at")
#: How a date written with slashes or dots reads: month first (US) or day first.
DATE_ORDERS = ("mdy", "dmy")
#: Columns only ``tandem export crm`` writes: the disqualification reason(s) of a lead.
EXPORT_FIELDS = ("reason",)
CRM_KEYS = ("preset", "date_order", "columns", "status", "status_export", "stage", "stage_export", "reason_export")

_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def normal(value: str) -> str:
    """A column name or value as it is matched: case, underscores and runs of blanks do not
    count ("IN_PROGRESS" is "In Progress")."""
    return " ".join(value.replace("_", " ").casefold().split())


@dataclass(frozen=True, slots=True)
class CrmMapping:
    """Everything an import (and the later export) needs to read one CRM's files."""

    #: The preset it starts from ("" for none).
    preset: str
    #: Field → the CRM's column name ("" or absent: not read).
    columns: dict[str, str]
    #: The CRM's status value, as spelled → tandem's status (matched through :func:`normal`).
    status: dict[str, str]
    #: tandem's status → the CRM's value.
    status_export: dict[str, str]
    #: The CRM's stage value, as spelled → tandem's stage code ("" keeps none).
    stage: dict[str, str]
    #: tandem's stage code → the CRM's value.
    stage_export: dict[str, str]
    date_order: str = "mdy"
    #: tandem's reason code (``lead_feedback.reasons``) → the CRM's disqualification reason value.
    reason_export: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> str:
        return self.columns.get(name, "")

    def lookup(self, key: str) -> dict[str, str]:
        """``status`` or ``stage`` by :func:`normal` value, as an import matches them."""
        values: dict[str, str] = getattr(self, key)
        return {normal(k): v for k, v in values.items()}

    def described(self) -> str:
        """How a sentence names this mapping: "the hubspot preset's", "[crm.columns]'s"."""
        return f"the {self.preset} preset's" if self.preset else "[crm.columns]'s"


def _values(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    return dict(pairs)


def _overlay(base: dict[str, str], mine: dict[str, str]) -> dict[str, str]:
    """``base`` with ``mine`` on top, a value of ``mine`` replacing the one of ``base`` that
    matches it whatever its spelling."""
    spelled = {normal(k) for k in mine}
    return {**{k: v for k, v in base.items() if normal(k) not in spelled}, **mine}


# The presets' columns are the labels each CRM gives its default properties, which its CSV
# exports use as headers. Checked on 2026-11 against:
# - HubSpot: "HubSpot's default contact properties" (knowledge.hubspot.com/properties/
#   hubspots-default-contact-properties: Record ID, Lead Status, Lifecycle Stage, Create
#   Date, Persona, Industry, "Became a [lifecycle stage] Date") and "Understand Original and
#   Latest source properties" (knowledge.hubspot.com/properties/understand-source-properties:
#   Original Source, Original Source Drill-Down 1); Lead Status' eight default options (New,
#   Open, In Progress, Open Deal, Unqualified, Attempted to Contact, Connected, Bad Timing)
#   and the lifecycle stages' labels and internal values, as listed there.
# - Salesforce: the Lead object's field labels in the Field Reference
#   (developer.salesforce.com/docs/platform/field-reference/references/field-reference/
#   salesforce-field-reference-lead.html: Lead ID, Lead Status, Lead Source, Created Date,
#   Industry) and the default Lead Status picklist (Open - Not Contacted, Working -
#   Contacted, Closed - Converted, Closed - Not Converted). A Salesforce lead has no
#   lifecycle stage, and neither CRM has a default "first touch" column: name your own.
#
# Neither CRM has a default disqualification-reason field: HubSpot's contact has none, and on
# Salesforce the common practice is a custom "Disqualified Reason" picklist that depends on
# Lead Status. The presets name such a column ("reason" under [crm.columns]: create the
# property, or rename the column to yours) and write tandem's reason codes as these option
# values, which [crm.reason_export] replaces with your property's own.
REASONS: dict[str, str] = {
    "no_fit": "No fit",
    "no_budget": "No budget",
    "no_authority": "No authority",
    "bad_timing": "Bad timing",
    "unreachable": "Unreachable",
    "inaccurate_data": "Inaccurate data",
    "no_interest": "No interest",
    "chose_competitor": "Chose a competitor",
    "other": "Other",
}
PRESETS: dict[str, CrmMapping] = {
    "hubspot": CrmMapping(
        preset="hubspot",
        columns={
            "reference": "Record ID",
            "source": "Original Source",
            "campaign": "Original Source Drill-Down 1",
            "persona": "Persona",
            "segment": "Industry",
            "stage": "Lifecycle Stage",
            "status": "Lead Status",
            "created_at": "Create Date",
            "handed_over_at": "Became a Marketing Qualified Lead Date",
            "reason": "Disqualification Reason",
        },
        status=_values(
            [
                ("New", "new"),
                ("Open", "new"),
                ("In Progress", "working"),
                ("Attempted to Contact", "working"),
                ("Connected", "working"),
                ("Open Deal", "converted"),
                ("Unqualified", "rejected"),
                ("Bad Timing", "recycled"),
            ]
        ),
        # Lead Status' internal values (hs_lead_status): an import matches a dropdown's label
        # or its internal value, and only the internal value survives a relabelled option.
        status_export={
            "new": "NEW",
            "working": "IN_PROGRESS",
            "accepted": "CONNECTED",
            "rejected": "UNQUALIFIED",
            "recycled": "BAD_TIMING",
            "converted": "OPEN_DEAL",
        },
        stage=_values(
            [
                ("Subscriber", "lead"),
                ("Lead", "lead"),
                ("Marketing Qualified Lead", "mql"),
                ("marketingqualifiedlead", "mql"),
                ("Sales Qualified Lead", "sql"),
                ("salesqualifiedlead", "sql"),
                ("Opportunity", "opportunity"),
                ("Customer", "won"),
                ("Evangelist", "won"),
                ("Other", ""),
            ]
        ),
        stage_export={
            "lead": "Lead",
            "mql": "Marketing Qualified Lead",
            "sal": "Sales Qualified Lead",
            "sql": "Sales Qualified Lead",
            "opportunity": "Opportunity",
            "won": "Customer",
            "lost": "Other",
        },
        reason_export=REASONS,
    ),
    "salesforce": CrmMapping(
        preset="salesforce",
        columns={
            "reference": "Lead ID",
            "source": "Lead Source",
            "segment": "Industry",
            "status": "Lead Status",
            "created_at": "Created Date",
            "reason": "Disqualified Reason",
        },
        status=_values(
            [
                ("Open - Not Contacted", "new"),
                ("Working - Contacted", "working"),
                ("Closed - Converted", "converted"),
                ("Closed - Not Converted", "rejected"),
            ]
        ),
        status_export={
            "new": "Open - Not Contacted",
            "working": "Working - Contacted",
            "accepted": "Working - Contacted",
            "rejected": "Closed - Not Converted",
            "recycled": "Closed - Not Converted",
            "converted": "Closed - Converted",
        },
        stage={},
        stage_export={},
        reason_export=REASONS,
    ),
}


@dataclass(frozen=True, slots=True)
class CrmConfig:
    """``[crm]`` as the file says it (every part optional); :meth:`mapping` is what applies."""

    preset: str = ""
    date_order: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    #: As written in the file (matched through :func:`normal`).
    status: dict[str, str] = field(default_factory=dict)
    status_export: dict[str, str] = field(default_factory=dict)
    stage: dict[str, str] = field(default_factory=dict)
    stage_export: dict[str, str] = field(default_factory=dict)
    reason_export: dict[str, str] = field(default_factory=dict)

    def mapping(self, preset: str | None = None) -> CrmMapping | None:
        """The mapping in effect: ``preset`` (or the file's), with the file's own columns and
        values on top. None: neither a preset nor a column is said."""
        name = preset or self.preset
        if not name and not self.columns:
            return None
        base = PRESETS.get(name) or CrmMapping("", {}, {}, {}, {}, {})
        return CrmMapping(
            preset=base.preset,
            columns={**base.columns, **self.columns},
            status=_overlay(base.status, self.status),
            status_export={**base.status_export, **self.status_export},
            stage=_overlay(base.stage, self.stage),
            stage_export={**base.stage_export, **self.stage_export},
            date_order=self.date_order or base.date_order,
            reason_export={**base.reason_export, **self.reason_export},
        )


class Checker(Protocol):
    """What :func:`read_crm` needs of config.toml's validator (``store/config._Validator``)."""

    from_file: set[str]

    def problem(self, parts: tuple[str, ...], message: str) -> None: ...

    def string(self, parts: tuple[str, ...], value: object, *, empty_ok: bool = True) -> str | None: ...

    def table(self, parts: tuple[str, ...], value: object) -> dict[str, Any] | None: ...

    def unknown(self, parts: tuple[str, ...], allowed: tuple[str, ...]) -> None: ...


def _dotted(parts: tuple[str, ...]) -> str:
    return ".".join(parts)


def read_crm(check: Checker, parts: tuple[str, ...], value: object) -> CrmConfig:
    """``[crm]`` validated: each wrong key is a problem and is left out, the rest applies."""
    table = check.table(parts, value)
    fields: dict[str, Any] = {}
    for key, item in (table or {}).items():
        at = (*parts, key)
        if key not in CRM_KEYS:
            check.unknown(at, CRM_KEYS)
            continue
        if key in ("preset", "date_order"):
            text = check.string(at, item, empty_ok=False)
            allowed = tuple(PRESETS) if key == "preset" else DATE_ORDERS
            if text is not None and text not in allowed:
                check.problem(at, f"{text!r} is not one of: {', '.join(allowed)}")
            elif text is not None:
                fields[key] = text
                check.from_file.add(_dotted(at))
            continue
        pairs = check.table(at, item)
        if pairs is None:
            continue
        read = _pairs(check, at, key, pairs)
        fields[key] = read
        if read:
            check.from_file.add(_dotted(at))
    return CrmConfig(**fields)


def _pairs(check: Checker, parts: tuple[str, ...], key: str, pairs: dict[str, Any]) -> dict[str, str]:
    """One of the tables of names and values; a wrong entry is a problem and is left out."""
    out: dict[str, str] = {}
    for name, item in pairs.items():
        at = (*parts, name)
        text = check.string(at, item, empty_ok=key in ("columns", "stage"))
        if text is None:
            continue
        if len(text) > 200:
            check.problem(at, f"is {len(text)} characters long; at most 200")
            continue
        if key == "columns":
            if name not in FIELDS + EXPORT_FIELDS:
                check.unknown(at, FIELDS + EXPORT_FIELDS)
                continue
            if not text and name in REQUIRED:
                check.problem(at, "must not be empty: every lead needs it")
                continue
        elif key == "status":
            if text not in LEAD_STATUSES:
                check.problem(at, f"{text!r} is not one of tandem's statuses: {', '.join(LEAD_STATUSES)}")
                continue
        elif key == "status_export":
            if name not in LEAD_STATUSES:
                check.unknown(at, LEAD_STATUSES)
                continue
        elif key == "stage":
            if text and not (_CODE.match(text) and len(text) <= 40):
                check.problem(at, f"{text!r} is not a stage code: lower-case letters and digits joined by _, like mql")
                continue
        elif key in ("stage_export", "reason_export") and not (_CODE.match(name) and len(name) <= 40):
            kind, like = ("stage", "mql") if key == "stage_export" else ("reason", "no_budget")
            check.problem(at, f"{name!r} is not a {kind} code: lower-case letters and digits joined by _, like {like}")
            continue
        if not name.strip():
            check.problem(at, "an empty name matches nothing")
            continue
        out[name] = text
    return out


def render_crm(config: CrmConfig, origin: Callable[[str, str], str]) -> list[str]:
    """``[crm]`` for ``tandem config show``: the mapping in effect, each part with where it
    came from (``origin(dotted key, default note)`` gives its comment line)."""
    mapping = config.mapping()
    out = ["[crm]", origin("crm.preset", f"none; one of {', '.join(PRESETS)}"), f"preset = {_quoted(config.preset)}"]
    out += [origin("crm.date_order", "mdy; one of mdy, dmy"), f"date_order = {_quoted(mapping.date_order if mapping else 'mdy')}"]
    if mapping is None:
        out.append("# no mapping: `tandem import leads` needs --preset, or a preset or [crm.columns] here")
        return out
    for key in ("columns", "status", "status_export", "stage", "stage_export", "reason_export"):
        values: dict[str, str] = getattr(mapping, key)
        said = origin(f"crm.{key}", f"the {mapping.preset} preset's" if mapping.preset else "none")
        if mapping.preset and not said.startswith("# default"):
            said += f", over the {mapping.preset} preset's"
        out += ["", f"[crm.{key}]", said]
        out += [f"{_key(name)} = {_quoted(value)}" for name, value in values.items()]
    return out


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _quoted(name)
