"""The domain records of the glossary, typed and validated.

Plain dataclasses keep import time low. Every record converts to a JSON-ready dict
(``to_dict``) and back (``from_dict``); ``from_dict`` validates, so a restored archive or a
hand-edited file is checked field by field.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar, cast

from tandem.store.errors import ValidationError
from tandem.store.outside import clean_text as clean
from tandem.store.outside import is_clean

#: The order number a data file keeps with each document (see ``store/tables.py``): the
#: storage's, not the record's, so reading a record drops it.
SEQ = "_seq"

TEAMS = ("sales", "marketing", "other")
OWNER_TEAMS = ("shared", "sales", "marketing")
MEETING_STATUSES = ("planned", "live", "ended", "finalized", "cancelled")
#: Statuses of a meeting that took place (or is taking place): it has minutes, hands its
#: uncovered items on, counts in trends. A planned meeting dated in the past never was.
HELD_STATUSES = ("live", "ended", "finalized")
ITEM_STATUSES = ("pending", "active", "done", "skipped", "parked")
CAPTURE_KINDS = (
    "",
    "objective",
    "lead_feedback",
    "prospect_insight",
    "content",
    "shadow",
    "decision",
    "action_review",
)
OBJECTIVE_STATUSES = ("on_track", "at_risk", "off_track", "met", "dropped")
FUNNEL_STAGES = ("mql", "sal", "sql", "opportunity", "won", "lost")
VERDICTS = ("good", "poor", "too_early")
DISPOSITIONS = ("accepted", "rejected", "recycled")
REASON_CODES = (
    "no_fit",
    "no_budget",
    "no_authority",
    "bad_timing",
    "unreachable",
    "inaccurate_data",
    "no_interest",
    "chose_competitor",
    "other",
)
JOURNEY_STAGES = ("awareness", "consideration", "decision")
#: A reason code or funnel stage. tandem offers its own (above); a team's config.toml can
#: offer its CRM's instead, so a record accepts any well-formed code (shown with spaces for
#: underscores, and read back from the minutes the same way).
CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
CODE_MAX = 40
INSIGHT_KINDS = ("question", "pain_point")
CONTENT_TYPES = (
    "blog",
    "case_study",
    "ebook",
    "webinar",
    "email",
    "one_pager",
    "video",
    "battlecard",
    "other",
)
CONTENT_STATUSES = ("idea", "planned", "in_progress", "shipped")
DIRECTIONS = ("sales_to_marketing", "marketing_to_sales")
TAKEAWAY_CATEGORIES = (
    "learned",
    "surprised_me",
    "will_use",
    "suggested_improvement",
    "prospect_insight",
    "hand_off_friction",
)
SHADOW_STATUSES = ("planned", "in_progress", "done")
ACTION_STATUSES = ("open", "done", "dropped")

#: Planned activities pre-filled from a shadow day's direction (the practice article's lists).
DEFAULT_ACTIVITIES = {
    "sales_to_marketing": ("Reporting", "Content creation", "Marketing strategy session"),
    "marketing_to_sales": ("Prospecting research", "Prospect calls", "Meetings"),
}

# Human labels for enum values, shared by the TUI, CLI tables and minutes.
LABELS = {
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    "too_early": "too early",
    "no_fit": "no fit",
    "no_budget": "no budget",
    "no_authority": "no authority / wrong contact",
    "bad_timing": "bad timing",
    "inaccurate_data": "inaccurate data",
    "no_interest": "no interest",
    "chose_competitor": "chose competitor",
    "mql": "MQL",
    "sal": "SAL",
    "sql": "SQL",
    "case_study": "case study",
    "one_pager": "one-pager",
    "in_progress": "in progress",
    "pain_point": "pain point",
    "sales_to_marketing": "sales → marketing",
    "marketing_to_sales": "marketing → sales",
    "surprised_me": "surprised me",
    "will_use": "will use",
    "suggested_improvement": "suggested improvement",
    "prospect_insight": "prospect insight",
    "hand_off_friction": "hand-off friction",
    "lead_feedback": "lead feedback",
    "action_review": "action review",
}


def label(value: str) -> str:
    return LABELS.get(value, value.replace("_", " "))


def number(value: float) -> str:
    """``60``, ``27.5``, ``1,200``: no trailing zeros, thousands separated."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


CURRENCIES = "$€£¥₹"


def measure(value: float, unit: str) -> str:
    """``30%``, ``4h``, ``60 SQLs``, ``$2.4M``-style units: symbols and one-letter units hug
    the number, words get a space."""
    text = number(value)
    unit = unit.strip()
    if not unit:
        return text
    if unit[0] in CURRENCIES:  # "$M" → $2.4M
        return f"{unit[0]}{text}{unit[1:]}"
    return f"{text}{unit}" if len(unit) <= 1 or not unit[0].isalpha() else f"{text} {unit}"


# --- validation helpers -------------------------------------------------------------


def _check_str(name: str, value: Any, *, required: bool = False, max_len: int = 1_000_000) -> None:
    if not isinstance(value, str):
        raise ValidationError(name, f"expected text, got {type(value).__name__}")
    if required and not value.strip():
        raise ValidationError(name, "must not be empty")
    if len(value) > max_len:
        raise ValidationError(name, f"is longer than {max_len} characters")


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        allowed = ", ".join(c for c in choices if c) or "(empty)"
        raise ValidationError(name, f"{value!r} is not one of: {allowed}")


def _check_code(name: str, value: Any) -> None:
    if not (isinstance(value, str) and CODE.match(value) and len(value) <= CODE_MAX):
        raise ValidationError(name, f"{value!r} is not a code: lower-case letters and digits joined by _, like {REASON_CODES[1]}")


def _check_date(name: str, value: Any, *, optional: bool = False) -> None:
    if optional and value in ("", None):
        return
    if not isinstance(value, str):
        raise ValidationError(name, "expected a date as YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValidationError(name, f"{value!r} is not a date (YYYY-MM-DD)") from None
    if date.fromisoformat(value).isoformat() != value:  # week dates, "20261126"…
        raise ValidationError(name, f"{value!r} is not a date (YYYY-MM-DD)")


def _check_timestamp(name: str, value: Any, *, optional: bool = True) -> None:
    if optional and value in ("", None):
        return
    if not isinstance(value, str):
        raise ValidationError(name, "expected a timestamp")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(name, f"{value!r} is not a timestamp") from None


def _check_number(name: str, value: Any, *, optional: bool = False, minimum: float | None = None) -> None:
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(name, f"expected a number, got {type(value).__name__}")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError(name, "must be a finite number")
    if minimum is not None and value < minimum:
        raise ValidationError(name, f"must be at least {minimum:g}")


def _check_str_list(name: str, value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(name, "expected a list of text")


# --- the codec ----------------------------------------------------------------------


R = TypeVar("R", bound="Record")


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


@functools.cache
def _text_fields(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names of the fields holding text, and of those holding lists of text."""
    fields = dataclasses.fields(cls)
    texts = tuple(f.name for f in fields if f.type in ("str", "str | None"))
    lists = tuple(f.name for f in fields if f.type == "list[str]")
    return texts, lists


@functools.cache
def _list_fields(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls) if f.default_factory is list)


@functools.cache
def _trusted_builder(cls: type) -> Any:
    """A function that sets every field of a ``cls`` from a dict with exactly its fields,
    skipping ``__init__`` (and so ``__post_init__``): see :meth:`Record.trusted`.

    Generated once per class, as ``dataclasses`` generates ``__init__``: a loop over the
    fields took three times as long, and the meeting list of a 20,000-meeting workspace is
    built with it. The code holds only the class's own field names, never data."""
    nested: dict[str, type[Record]] = cast("type[Record]", cls).NESTED
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls, "list": list}
    body = ["def build(data):", "    record = new(cls)"]
    for f in dataclasses.fields(cls):
        body.append(f"    value = data[{f.name!r}]")
        kind = nested.get(f.name)
        if kind is None:
            body.append(f"    record.{f.name} = list(value) if value.__class__ is list else value")
            continue
        # A nested record with other fields than ours is checked, as from_dict would (a
        # missing field with as many fields raises KeyError: Record.trusted checks it all).
        inner: type = kind  # (hashable: see __post_init__)
        scope.update({f"size_{f.name}": len(_field_names(inner)), f"build_{f.name}": _trusted_builder(inner), f"check_{f.name}": kind.from_dict})

        def one(var: str, name: str = f.name) -> str:
            return f"(build_{name}({var}) if len({var}) == size_{name} else check_{name}({var}))"

        body.append(f"    record.{f.name} = [{one('v')} for v in value] if value.__class__ is list else None if value is None else {one('value')}")
    body.append("    return record")
    exec("\n".join(body), scope)  # our own field names only: see above
    return scope["build"]


class Record:
    """Mixin: dict conversion with validation. Subclasses are kw-only dataclasses."""

    #: Fields holding nested records (a list of them, or one/None).
    NESTED: ClassVar[dict[str, type[Record]]] = {}

    def __post_init__(self) -> None:
        # Text never holds control characters: an escape sequence pasted from a terminal or
        # read from an old file would be interpreted by every terminal that later shows it.
        # isprintable() is the fast path: most text is one plain line.
        kind: type = type(self)  # as `type`: mypy judges a record class by its instances' __hash__
        texts, lists = _text_fields(kind)
        for name in texts:
            value = getattr(self, name)
            if value and not is_clean(value):
                setattr(self, name, clean(value))
        for name in lists:
            value = getattr(self, name)
            if any(not is_clean(v) for v in value if isinstance(v, str)):
                setattr(self, name, [clean(v) if isinstance(v, str) else v for v in value])
        self._validate()

    def _validate(self) -> None:
        """Each record kind checks its fields (after the text was cleaned)."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.name in self.NESTED:
                if isinstance(value, list):
                    value = [v.to_dict() for v in value]
                elif value is not None:
                    value = value.to_dict()
            elif isinstance(value, list):
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls: type[R], data: Any) -> R:
        if not isinstance(data, dict):
            raise ValidationError(cls.__name__, "expected an object")
        this: type = cls  # (hashable: see __post_init__)
        unknown = data.keys() - _field_names(this)
        kwargs = dict(data)
        if unknown:
            unknown.discard(SEQ)
            if unknown:
                raise ValidationError(cls.__name__, f"unknown field {sorted(unknown)[0]!r}")
            del kwargs[SEQ]
        for name, kind in cls.NESTED.items():
            if name not in kwargs:
                continue
            value = kwargs[name]
            if isinstance(value, list):
                kwargs[name] = [kind.from_dict(v) for v in value]
            elif name in _list_fields(this):
                raise ValidationError(f"{cls.__name__}.{name}", "expected a list")
            elif value is not None:
                kwargs[name] = kind.from_dict(value)
        try:
            return cls(**kwargs)
        except TypeError as exc:  # a required field is missing
            raise ValidationError(cls.__name__, str(exc).split(") ", 1)[-1]) from None

    @classmethod
    def trusted(cls: type[R], data: dict[str, Any]) -> R:
        """A record from ``to_dict`` output that this tandem validated itself: the derived
        index (``store/index``) keeps records once they passed :meth:`from_dict`, and
        builds them again without checking or cleaning a field (5-7x faster).

        Never for anything read from a data file, an archive or another program: that is
        what :meth:`from_dict` is for. Lists are copied, so the caller may change the
        record without changing the index. Data without exactly the record's fields (an
        index written by another version) goes through :meth:`from_dict` instead."""
        this: type = cls  # (hashable: see __post_init__)
        # As many keys as fields (besides a stored document's order number), and each field
        # found (else KeyError): the same fields.
        if len(data) - (SEQ in data) == len(_field_names(this)):
            try:
                return _trusted_builder(this)(data)  # type: ignore[no-any-return]
            except KeyError:
                pass
        return cls.from_dict(data)

    def replace(self: R, **changes: Any) -> R:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


# --- records ------------------------------------------------------------------------


@dataclass(kw_only=True, slots=True)
class Series(Record):
    id: str
    title: str
    cadence: str = "weekly"
    default_template: str = ""
    description: str = ""

    def _validate(self) -> None:
        _check_str("series.id", self.id, required=True, max_len=64)
        _check_str("series.title", self.title, required=True, max_len=200)
        _check_choice("series.cadence", self.cadence, ("weekly", "biweekly", "monthly", "quarterly", "ad hoc"))
        _check_str("series.default_template", self.default_template)
        _check_str("series.description", self.description)


@dataclass(kw_only=True, slots=True)
class Attendee(Record):
    name: str
    team: str = "other"

    def _validate(self) -> None:
        _check_str("attendee.name", self.name, required=True, max_len=200)
        _check_choice("attendee.team", self.team, TEAMS)


@dataclass(kw_only=True, slots=True)
class Claim(Record):
    """Who runs a live meeting, on which machine, since when. It travels with the meeting's
    file when the team syncs, so another clone refuses to run the same meeting a second
    time (the writer lock only guards one machine). ``clone``: a random id of the workspace
    copy that claimed it (two clones may share a host: a laptop with two checkouts)."""

    person: str
    host: str
    since: str
    clone: str = ""

    def _validate(self) -> None:
        _check_str("claim.person", self.person, required=True, max_len=200)
        _check_str("claim.host", self.host, required=True, max_len=255)
        _check_timestamp("claim.since", self.since, optional=False)
        _check_str("claim.clone", self.clone, max_len=64)

    @property
    def holder(self) -> str:
        """ "Maya on maya-laptop since 2026-12-08 10:02", as a refusal names the holder."""
        return f"{self.person} on {self.host} since {self.since[:16].replace('T', ' ')}"


@dataclass(kw_only=True, slots=True)
class Meeting(Record):
    NESTED: ClassVar[dict[str, type[Record]]] = {"attendees": Attendee, "absentees": Attendee, "claim": Claim}

    id: str
    series_id: str
    title: str
    date: str
    facilitator: str = ""
    attendees: list[Attendee] = field(default_factory=list)
    absentees: list[Attendee] = field(default_factory=list)
    status: str = "planned"
    template_id: str = ""
    started_at: str | None = None
    ended_at: str | None = None
    active_item_id: str | None = None
    #: Seconds the meeting clock has run, banked at each pause or save; with
    #: ``clock_running_since`` it survives a crash (see the live meeting issue).
    clock_elapsed: float = 0.0
    clock_running_since: str | None = None
    #: When a live meeting was last saved: after a crash, how long tandem was closed.
    saved_at: str | None = None
    #: Minutes the meeting is planned to last, fixed when it starts (0: sum of timeboxes).
    planned_min: int = 0
    rating: int | None = None
    rating_comment: str = ""
    next_meeting: str = ""
    #: Who runs it while it is live (None before it starts and once it ended).
    claim: Claim | None = None

    def _validate(self) -> None:
        _check_str("meeting.id", self.id, required=True, max_len=120)
        _check_str("meeting.series_id", self.series_id, required=True, max_len=64)
        _check_str("meeting.title", self.title, required=True, max_len=200)
        _check_date("meeting.date", self.date)
        _check_str("meeting.facilitator", self.facilitator, max_len=200)
        _check_choice("meeting.status", self.status, MEETING_STATUSES)
        _check_str("meeting.template_id", self.template_id)
        _check_timestamp("meeting.started_at", self.started_at)
        _check_timestamp("meeting.ended_at", self.ended_at)
        _check_timestamp("meeting.clock_running_since", self.clock_running_since)
        _check_timestamp("meeting.saved_at", self.saved_at)
        if isinstance(self.planned_min, bool) or not isinstance(self.planned_min, int) or self.planned_min < 0:
            raise ValidationError("meeting.planned_min", "must be a whole number of minutes")
        _check_number("meeting.clock_elapsed", self.clock_elapsed, minimum=0)
        if self.rating is not None and (isinstance(self.rating, bool) or self.rating not in (1, 2, 3, 4, 5)):
            raise ValidationError("meeting.rating", "must be 1 to 5")
        _check_str("meeting.rating_comment", self.rating_comment)
        _check_date("meeting.next_meeting", self.next_meeting, optional=True)
        for a in (*self.attendees, *self.absentees):
            if not isinstance(a, Attendee):
                raise ValidationError("meeting.attendees", "expected attendees")
        if self.claim is not None and not isinstance(self.claim, Claim):
            raise ValidationError("meeting.claim", "expected who runs the meeting")

    @property
    def people(self) -> list[Attendee]:
        return [*self.attendees, *self.absentees]

    @property
    def held(self) -> bool:
        """Whether the meeting took place (or is taking place now)."""
        return self.status in HELD_STATUSES


@dataclass(kw_only=True, slots=True)
class AgendaItem(Record):
    id: str
    title: str
    position: int = 0
    timebox_min: int = 5
    prompts: list[str] = field(default_factory=list)
    presenter: str = ""
    presenter_team: str = ""
    captures: str = ""
    standing: bool = False
    status: str = "pending"
    elapsed_s: float = 0.0
    notes: str = ""
    carried_from: str = ""

    def _validate(self) -> None:
        _check_str("agenda_item.id", self.id, required=True, max_len=64)
        _check_str("agenda_item.title", self.title, required=True, max_len=300)
        if isinstance(self.position, bool) or not isinstance(self.position, int):
            raise ValidationError("agenda_item.position", "expected a whole number")
        if isinstance(self.timebox_min, bool) or not isinstance(self.timebox_min, int) or not 0 < self.timebox_min <= 480:
            raise ValidationError("agenda_item.timebox_min", "must be a whole number of minutes from 1 to 480")
        _check_str_list("agenda_item.prompts", self.prompts)
        _check_str("agenda_item.presenter", self.presenter, max_len=200)
        _check_choice("agenda_item.presenter_team", self.presenter_team, ("", *TEAMS))
        _check_choice("agenda_item.captures", self.captures, CAPTURE_KINDS)
        if not isinstance(self.standing, bool):
            raise ValidationError("agenda_item.standing", "expected true or false")
        _check_choice("agenda_item.status", self.status, ITEM_STATUSES)
        _check_number("agenda_item.elapsed_s", self.elapsed_s, minimum=0)
        _check_str("agenda_item.notes", self.notes, max_len=5_000_000)
        _check_str("agenda_item.carried_from", self.carried_from)


@dataclass(kw_only=True, slots=True)
class CheckIn(Record):
    date: str
    value: float
    status: str
    meeting_id: str = ""
    comment: str = ""
    agenda_item_id: str = ""

    def _validate(self) -> None:
        _check_date("check_in.date", self.date)
        _check_str("check_in.agenda_item_id", self.agenda_item_id)
        _check_number("check_in.value", self.value)
        _check_choice("check_in.status", self.status, OBJECTIVE_STATUSES)
        _check_str("check_in.meeting_id", self.meeting_id)
        _check_str("check_in.comment", self.comment)


@dataclass(kw_only=True, slots=True)
class Objective(Record):
    NESTED: ClassVar[dict[str, type[Record]]] = {"checkins": CheckIn}

    id: str
    title: str
    metric: str
    target: float
    current: float = 0.0
    unit: str = ""
    owner_team: str = "shared"
    period: str = ""
    status: str = "on_track"
    checkins: list[CheckIn] = field(default_factory=list)
    meeting_id: str = ""

    def _validate(self) -> None:
        _check_str("objective.id", self.id, required=True, max_len=64)
        _check_str("objective.title", self.title, required=True, max_len=300)
        _check_str("objective.metric", self.metric, required=True, max_len=200)
        _check_number("objective.target", self.target)
        _check_number("objective.current", self.current)
        _check_str("objective.unit", self.unit, max_len=40)
        _check_choice("objective.owner_team", self.owner_team, OWNER_TEAMS)
        _check_str("objective.period", self.period, max_len=40)
        _check_choice("objective.status", self.status, OBJECTIVE_STATUSES)
        _check_str("objective.meeting_id", self.meeting_id)

    @property
    def latest(self) -> CheckIn | None:
        return max(self.checkins, key=lambda c: c.date, default=None)


@dataclass(kw_only=True, slots=True)
class LeadFeedback(Record):
    id: str
    reference: str
    verdict: str
    meeting_id: str = ""
    agenda_item_id: str = ""
    source: str = ""
    persona: str = ""
    stage_reached: str = "mql"
    disposition: str = "accepted"
    reasons: list[str] = field(default_factory=list)
    stage_lost: str = ""
    comment: str = ""
    reporter: str = ""

    def _validate(self) -> None:
        _check_str("lead_feedback.id", self.id, required=True, max_len=64)
        _check_str("lead_feedback.reference", self.reference, required=True, max_len=200)
        _check_choice("lead_feedback.verdict", self.verdict, VERDICTS)
        _check_str("lead_feedback.source", self.source, max_len=200)
        _check_str("lead_feedback.persona", self.persona, max_len=200)
        _check_code("lead_feedback.stage_reached", self.stage_reached)
        _check_choice("lead_feedback.disposition", self.disposition, DISPOSITIONS)
        _check_str_list("lead_feedback.reasons", self.reasons)
        for reason in self.reasons:
            _check_code("lead_feedback.reasons", reason)
        if self.stage_lost:
            _check_code("lead_feedback.stage_lost", self.stage_lost)
        _check_str("lead_feedback.comment", self.comment)
        _check_str("lead_feedback.reporter", self.reporter, max_len=200)
        _check_str("lead_feedback.meeting_id", self.meeting_id)
        _check_str("lead_feedback.agenda_item_id", self.agenda_item_id)


@dataclass(kw_only=True, slots=True)
class ProspectInsight(Record):
    id: str
    text: str
    kind: str = "question"
    persona: str = ""
    journey_stage: str = "awareness"
    times_heard: int = 1
    reporter: str = ""
    meeting_id: str = ""
    agenda_item_id: str = ""
    shadow_day_id: str = ""
    content_item_id: str = ""
    date: str = ""

    def _validate(self) -> None:
        _check_str("prospect_insight.id", self.id, required=True, max_len=64)
        _check_str("prospect_insight.text", self.text, required=True)
        _check_choice("prospect_insight.kind", self.kind, INSIGHT_KINDS)
        _check_str("prospect_insight.persona", self.persona, max_len=200)
        _check_choice("prospect_insight.journey_stage", self.journey_stage, JOURNEY_STAGES)
        if isinstance(self.times_heard, bool) or not isinstance(self.times_heard, int) or self.times_heard < 1:
            raise ValidationError("prospect_insight.times_heard", "must be a whole number of at least 1")
        for name in ("reporter", "meeting_id", "agenda_item_id", "shadow_day_id", "content_item_id"):
            _check_str(f"prospect_insight.{name}", getattr(self, name))
        _check_date("prospect_insight.date", self.date, optional=True)


@dataclass(kw_only=True, slots=True)
class ContentItem(Record):
    id: str
    title: str
    type: str = "blog"
    persona: str = ""
    stage: str = "awareness"
    owner: str = ""
    eta: str = ""
    status: str = "idea"
    proposed_by: str = "marketing"
    meeting_id: str = ""
    insight_id: str = ""
    agenda_item_id: str = ""

    def _validate(self) -> None:
        _check_str("content_item.id", self.id, required=True, max_len=64)
        _check_str("content_item.title", self.title, required=True, max_len=300)
        _check_choice("content_item.type", self.type, CONTENT_TYPES)
        _check_str("content_item.persona", self.persona, max_len=200)
        _check_choice("content_item.stage", self.stage, JOURNEY_STAGES)
        _check_str("content_item.owner", self.owner, max_len=200)
        _check_date("content_item.eta", self.eta, optional=True)
        _check_choice("content_item.status", self.status, CONTENT_STATUSES)
        _check_choice("content_item.proposed_by", self.proposed_by, TEAMS)
        _check_str("content_item.meeting_id", self.meeting_id)
        _check_str("content_item.insight_id", self.insight_id)
        _check_str("content_item.agenda_item_id", self.agenda_item_id)


@dataclass(kw_only=True, slots=True)
class Activity(Record):
    title: str
    done: bool = False
    notes: str = ""

    def _validate(self) -> None:
        _check_str("activity.title", self.title, required=True, max_len=300)
        if not isinstance(self.done, bool):
            raise ValidationError("activity.done", "expected true or false")
        _check_str("activity.notes", self.notes)


@dataclass(kw_only=True, slots=True)
class Takeaway(Record):
    id: str
    category: str
    text: str
    at: str = ""

    def _validate(self) -> None:
        _check_str("takeaway.id", self.id, required=True, max_len=64)
        _check_choice("takeaway.category", self.category, TAKEAWAY_CATEGORIES)
        _check_str("takeaway.text", self.text, required=True)
        _check_timestamp("takeaway.at", self.at)


@dataclass(kw_only=True, slots=True)
class Experiment(Record):
    text: str
    owner: str = ""
    report_back: str = ""
    action_id: str = ""

    def _validate(self) -> None:
        _check_str("experiment.text", self.text, required=True)
        _check_str("experiment.owner", self.owner, max_len=200)
        _check_date("experiment.report_back", self.report_back, optional=True)
        _check_str("experiment.action_id", self.action_id)


@dataclass(kw_only=True, slots=True)
class ShadowDay(Record):
    NESTED: ClassVar[dict[str, type[Record]]] = {
        "activities": Activity,
        "takeaways": Takeaway,
        "experiment": Experiment,
    }

    id: str
    shadow: str
    host: str
    direction: str
    date: str
    activities: list[Activity] = field(default_factory=list)
    takeaways: list[Takeaway] = field(default_factory=list)
    experiment: Experiment | None = None
    status: str = "planned"
    #: The meeting whose debrief pulled this day in (empty: not debriefed yet).
    debriefed_in: str = ""

    def _validate(self) -> None:
        _check_str("shadow_day.id", self.id, required=True, max_len=64)
        _check_str("shadow_day.shadow", self.shadow, required=True, max_len=200)
        _check_str("shadow_day.host", self.host, required=True, max_len=200)
        _check_choice("shadow_day.direction", self.direction, DIRECTIONS)
        _check_date("shadow_day.date", self.date)
        _check_choice("shadow_day.status", self.status, SHADOW_STATUSES)
        _check_str("shadow_day.debriefed_in", self.debriefed_in)


@dataclass(kw_only=True, slots=True)
class Decision(Record):
    id: str
    text: str
    meeting_id: str = ""
    agenda_item_id: str = ""
    decided_by: str = ""
    #: The id of an earlier decision this one replaces (it is then "superseded"), or takes
    #: back (then "reversed"). The earlier decision's own record is never changed: it may
    #: sit in finalized minutes, and its status is worked out from the later one.
    supersedes: str = ""
    reverses: str = ""
    #: The earlier decision as it stood when this one changed it, and its meeting's date:
    #: the minutes name it without reading another meeting, and stay as they were written.
    earlier_text: str = ""
    earlier_date: str = ""

    def _validate(self) -> None:
        _check_str("decision.id", self.id, required=True, max_len=64)
        _check_str("decision.text", self.text, required=True)
        _check_str("decision.meeting_id", self.meeting_id)
        _check_str("decision.agenda_item_id", self.agenda_item_id)
        _check_str("decision.decided_by", self.decided_by, max_len=200)
        _check_str("decision.supersedes", self.supersedes, max_len=64)
        _check_str("decision.reverses", self.reverses, max_len=64)
        _check_str("decision.earlier_text", self.earlier_text)
        if self.earlier_date:
            _check_date("decision.earlier_date", self.earlier_date)
        if self.supersedes and self.reverses:
            raise ValidationError("decision.reverses", "a decision supersedes or reverses an earlier one, not both")
        if self.id in (self.supersedes, self.reverses):
            raise ValidationError("decision.supersedes", "a decision cannot change itself")


@dataclass(kw_only=True, slots=True)
class ActionItem(Record):
    id: str
    text: str
    owner: str = ""
    due: str = ""
    status: str = "open"
    meeting_id: str = ""
    agenda_item_id: str = ""
    closed_on: str = ""
    closed_in: str = ""

    def _validate(self) -> None:
        _check_str("action_item.id", self.id, required=True, max_len=64)
        _check_str("action_item.text", self.text, required=True)
        _check_str("action_item.owner", self.owner, max_len=200)
        _check_date("action_item.due", self.due, optional=True)
        _check_choice("action_item.status", self.status, ACTION_STATUSES)
        _check_str("action_item.meeting_id", self.meeting_id)
        _check_str("action_item.agenda_item_id", self.agenda_item_id)
        _check_date("action_item.closed_on", self.closed_on, optional=True)
        _check_str("action_item.closed_in", self.closed_in)

    def is_overdue(self, today: date) -> bool:
        return self.status == "open" and bool(self.due) and date.fromisoformat(self.due) < today


#: What a meeting did with a contribution: took it in (an agenda item, lead feedback, a
#: question, a content idea, a check-in), left it for a later meeting, or declined it.
TRIAGE_FATES = ("taken", "deferred", "declined")
#: What a contribution's kind is (``store/contrib/records.py``'s ``KINDS``), repeated here
#: because a triage row outlives the contributions file it names.
CONTRIBUTION_KINDS = ("lead", "question", "topic", "content", "checkin")


@dataclass(kw_only=True, slots=True)
class Triage(Record):
    """A meeting's answer to one contribution (its id is the contribution's).

    Kept in the meeting's file, never in the contributor's: only its author writes that
    file. It repeats who raised what and when, so that the minutes credit them even where
    the contributions file has not arrived."""

    id: str
    kind: str
    fate: str
    author: str = ""
    created_at: str = ""
    subject: str = ""
    #: When the facilitator decided.
    at: str = ""
    #: Why it was declined (a declined contribution needs one).
    reason: str = ""
    #: What it became in the meeting: the agenda item a topic became, the objective a
    #: check-in went to, or the record (its id is the contribution's) otherwise.
    record_id: str = ""
    agenda_item_id: str = ""

    def _validate(self) -> None:
        _check_str("triage.id", self.id, required=True, max_len=64)
        _check_choice("triage.kind", self.kind, CONTRIBUTION_KINDS)
        _check_choice("triage.fate", self.fate, TRIAGE_FATES)
        _check_str("triage.author", self.author, max_len=200)
        _check_timestamp("triage.created_at", self.created_at)
        _check_str("triage.subject", self.subject, max_len=300)
        _check_timestamp("triage.at", self.at)
        _check_str("triage.reason", self.reason, max_len=2000)
        if self.fate == "declined" and not self.reason.strip():
            raise ValidationError("triage.reason", "a declined contribution needs a reason: its author reads it")
        _check_str("triage.record_id", self.record_id, max_len=64)
        _check_str("triage.agenda_item_id", self.agenda_item_id, max_len=64)


@dataclass(kw_only=True, slots=True)
class ParkedItem(Record):
    """An entry of the parking lot: deferred to the series' next meeting."""

    id: str
    text: str
    meeting_id: str = ""
    agenda_item_id: str = ""
    carried_to: str = ""

    def _validate(self) -> None:
        _check_str("parked_item.id", self.id, required=True, max_len=64)
        _check_str("parked_item.text", self.text, required=True)
        _check_str("parked_item.meeting_id", self.meeting_id)
        _check_str("parked_item.agenda_item_id", self.agenda_item_id)
        _check_str("parked_item.carried_to", self.carried_to)
