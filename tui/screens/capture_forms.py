"""The six capture forms of a live meeting, each returning a typed record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tandem.store import ids
from tandem.store.errors import ValidationError
from tandem.store.records import (
    ACTION_STATUSES,
    CONTENT_STATUSES,
    CONTENT_TYPES,
    DISPOSITIONS,
    FUNNEL_STAGES,
    INSIGHT_KINDS,
    JOURNEY_STAGES,
    OBJECTIVE_STATUSES,
    OWNER_TEAMS,
    REASON_CODES,
    TEAMS,
    VERDICTS,
    ActionItem,
    CheckIn,
    ContentItem,
    Decision,
    LeadFeedback,
    Objective,
    ProspectInsight,
    label,
    measure,
)
from tandem.tui.screens.record_form import RecordForm, Spec
from tandem.tui.settings import team_names


def choices(values: tuple[str, ...], *, keep: tuple[str, ...] = (), names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Select options, labelled. ``keep``: values a record being edited already holds, offered
    even when config.toml's vocabulary no longer lists them (an edit must not lose them)."""
    names = names or {}
    ordered = dict.fromkeys(v for v in (*values, *keep) if v)
    return [(names.get(v) or label(v), v) for v in ordered]


@dataclass
class FormContext:
    """What the forms suggest: the meeting's people, the words already in use and the team's
    own vocabulary (config.toml)."""

    people: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    personas: list[str] = field(default_factory=list)
    reason_codes: tuple[str, ...] = REASON_CODES
    funnel_stages: tuple[str, ...] = FUNNEL_STAGES
    #: Decisions of earlier meetings still in force, newest first.
    earlier_decisions: list[EarlierDecision] = field(default_factory=list)


@dataclass(frozen=True)
class EarlierDecision:
    decision: Decision
    #: The date of the meeting that took it.
    date: str

    @property
    def line(self) -> str:
        """The decision as the minutes show it: its text, and who decided, in brackets."""
        d = self.decision
        return f"{d.text} ({d.decided_by})" if d.decided_by else d.text


CHANGE_KINDS = [("Supersedes it", "supersedes"), ("Reverses it", "reverses")]


class DecisionForm(RecordForm[Decision]):
    heading = "decision"

    def __init__(self, ctx: FormContext, **kwargs: Any) -> None:
        self.ctx = ctx
        super().__init__(**kwargs)

    def specs(self) -> list[Spec]:
        specs = [
            Spec("text", "Decision", required=True, hint="What was decided, in one sentence"),
            Spec("decided_by", "Decided by", suggestions=self.ctx.people, hint="optional"),
        ]
        if not self._earlier():
            return specs  # nothing to change yet: no two fields that offer nothing
        return [
            *specs,
            Spec(
                "earlier",
                "Changes",
                kind="choice",
                choices=[(f"{e.date} · {e.line}"[:90], e.decision.id) for e in self._earlier()],
                hint="an earlier decision this one supersedes or reverses (optional)",
            ),
            Spec("change", "How", kind="choice", required=True, choices=CHANGE_KINDS),
        ]

    def _earlier(self) -> list[EarlierDecision]:
        """The decisions offered; the one a decision being edited already changes among them."""
        held = (self.initial.supersedes or self.initial.reverses) if self.initial else ""
        offered = list(self.ctx.earlier_decisions)
        if held and all(e.decision.id != held for e in offered) and self.initial is not None:
            offered.append(EarlierDecision(Decision(id=held, text=self.initial.earlier_text or held), self.initial.earlier_date))
        return offered

    def initial_values(self) -> dict[str, Any]:
        if self.initial is None:
            return {"change": "supersedes"}
        return {
            **self.initial.to_dict(),
            "earlier": self.initial.supersedes or self.initial.reverses or None,
            "change": "reverses" if self.initial.reverses else "supersedes",
        }

    def build(self, values: dict[str, Any]) -> Decision:
        base = self.initial or Decision(id=ids.new_id(), text=values["text"])
        earlier = next((e for e in self._earlier() if e.decision.id == values.get("earlier")), None)
        link: dict[str, str] = {"supersedes": "", "reverses": "", "earlier_text": "", "earlier_date": ""}
        if earlier is not None:
            link |= {values.get("change") or "supersedes": earlier.decision.id, "earlier_text": earlier.line, "earlier_date": earlier.date}
        return base.replace(text=values["text"], decided_by=values["decided_by"], **link)


class ActionForm(RecordForm[ActionItem]):
    heading = "action item"

    def __init__(self, ctx: FormContext, **kwargs: Any) -> None:
        self.ctx = ctx
        super().__init__(**kwargs)

    def specs(self) -> list[Spec]:
        specs = [
            Spec("text", "Action", required=True, hint="What will be done"),
            Spec("owner", "Owner", required=True, suggestions=self.ctx.people, hint="one of the attendees (type to complete)"),
            Spec("due", "Due", kind="date"),
        ]
        if self.initial is not None:
            specs.append(Spec("status", "Status", kind="choice", required=True, choices=choices(ACTION_STATUSES)))
        return specs

    def initial_values(self) -> dict[str, Any]:
        return self.initial.to_dict() if self.initial else {"due": "+1w"}

    def build(self, values: dict[str, Any]) -> ActionItem:
        status = values.get("status") or "open"
        base = self.initial or ActionItem(id=ids.new_id(), text=values["text"])
        closed = {"closed_on": self.today.isoformat()} if status != "open" and base.status == "open" else {}
        if status == "open":
            closed = {"closed_on": "", "closed_in": ""}
        return base.replace(text=values["text"], owner=values["owner"], due=values["due"], status=status, **closed)


class LeadFeedbackForm(RecordForm[LeadFeedback]):
    heading = "lead feedback"

    def __init__(self, ctx: FormContext, **kwargs: Any) -> None:
        self.ctx = ctx
        super().__init__(**kwargs)

    def specs(self) -> list[Spec]:
        return [
            Spec("reference", "Lead", required=True, hint="CRM id or a label for the batch; no personal data needed"),
            Spec("source", "Source / campaign", suggestions=self.ctx.sources, hint="type to complete, or a new one"),
            Spec("persona", "Persona / segment", suggestions=self.ctx.personas),
            Spec("stage_reached", "Stage reached", kind="choice", required=True, choices=choices(self.ctx.funnel_stages, keep=self._held("stage_reached"))),
            Spec("verdict", "Verdict", kind="choice", required=True, choices=choices(VERDICTS)),
            Spec("disposition", "Disposition", kind="choice", required=True, choices=choices(DISPOSITIONS)),
            Spec("reasons", "Reasons (space to tick)", kind="multi", choices=choices(self.ctx.reason_codes, keep=self._held("reasons"))),
            Spec("stage_lost", "Lost at stage", kind="choice", choices=choices(self.ctx.funnel_stages, keep=self._held("stage_lost"))),
            Spec("comment", "Comment"),
            Spec("reporter", "Reported by", suggestions=self.ctx.people),
        ]

    def _held(self, name: str) -> tuple[str, ...]:
        value = getattr(self.initial, name, "") if self.initial else ""
        return tuple(value) if isinstance(value, (tuple, list)) else (value,)

    def initial_values(self) -> dict[str, Any]:
        first = self.ctx.funnel_stages[0] if self.ctx.funnel_stages else "mql"
        return self.initial.to_dict() if self.initial else {"verdict": "good", "stage_reached": first, "disposition": "accepted"}

    def build(self, values: dict[str, Any]) -> LeadFeedback:
        if values["verdict"] == "poor" and not values["reasons"]:
            raise ValidationError("reasons", "A poor lead needs at least one reason: it is what marketing can act on.")
        base = self.initial or LeadFeedback(id=ids.new_id(), reference=values["reference"], verdict=values["verdict"])
        return base.replace(
            **{
                k: values[k]
                for k in (
                    "reference",
                    "source",
                    "persona",
                    "stage_reached",
                    "verdict",
                    "disposition",
                    "reasons",
                    "stage_lost",
                    "comment",
                    "reporter",
                )
            }
        )


class InsightForm(RecordForm[ProspectInsight]):
    heading = "prospect insight"

    def __init__(self, ctx: FormContext, **kwargs: Any) -> None:
        self.ctx = ctx
        super().__init__(**kwargs)

    def specs(self) -> list[Spec]:
        specs = [
            Spec("text", "What prospects ask or struggle with", required=True),
            Spec("kind", "Kind", kind="choice", required=True, choices=choices(INSIGHT_KINDS)),
            Spec("persona", "Persona", suggestions=self.ctx.personas),
            Spec("journey_stage", "Buyer's-journey stage", kind="choice", required=True, choices=choices(JOURNEY_STAGES)),
            Spec("times_heard", "Times heard", kind="int", required=True, default=1),
            Spec("reporter", "Heard by", suggestions=self.ctx.people),
        ]
        if self.initial is None or not self.initial.content_item_id:
            specs.append(Spec("promote", "Promote to content", kind="check", hint="adds it to the content pipeline as an idea"))
        return specs

    def initial_values(self) -> dict[str, Any]:
        return self.initial.to_dict() if self.initial else {"kind": "question", "journey_stage": "consideration", "times_heard": 1}

    def build(self, values: dict[str, Any]) -> ProspectInsight:
        if values["times_heard"] < 1:
            raise ValidationError("times_heard", "At least once.")
        base = self.initial or ProspectInsight(id=ids.new_id(), text=values["text"], date=self.today.isoformat())
        self.promote = bool(values.get("promote"))
        return base.replace(**{k: values[k] for k in ("text", "kind", "persona", "journey_stage", "times_heard", "reporter")})


class ContentForm(RecordForm[ContentItem]):
    heading = "content item"

    def __init__(self, ctx: FormContext, **kwargs: Any) -> None:
        self.ctx = ctx
        super().__init__(**kwargs)

    def specs(self) -> list[Spec]:
        return [
            Spec("title", "Title", required=True),
            Spec("type", "Type", kind="choice", required=True, choices=choices(CONTENT_TYPES)),
            Spec("status", "Status", kind="choice", required=True, choices=choices(CONTENT_STATUSES)),
            Spec("persona", "Persona", suggestions=self.ctx.personas),
            Spec("stage", "Buyer's-journey stage", kind="choice", required=True, choices=choices(JOURNEY_STAGES)),
            Spec("owner", "Owner", suggestions=self.ctx.people),
            Spec("eta", "ETA", kind="date"),
            Spec("proposed_by", "Proposed by", kind="choice", required=True, choices=choices(TEAMS, names=team_names(self))),
        ]

    def initial_values(self) -> dict[str, Any]:
        return self.initial.to_dict() if self.initial else {"type": "blog", "status": "idea", "stage": "awareness", "proposed_by": "sales"}

    def build(self, values: dict[str, Any]) -> ContentItem:
        base = self.initial or ContentItem(id=ids.new_id(), title=values["title"])
        return base.replace(**{k: values[k] for k in ("title", "type", "status", "persona", "stage", "owner", "eta", "proposed_by")})


class ObjectiveForm(RecordForm[Objective]):
    """A new mutual goal (its first check-in is its current value)."""

    heading = "objective"

    def specs(self) -> list[Spec]:
        return [
            Spec("title", "Goal", required=True, hint="e.g. Lift MQL→SQL conversion to 30%"),
            Spec("metric", "Metric", required=True, hint="what is counted"),
            Spec("target", "Target", kind="number", required=True),
            Spec("current", "Current value", kind="number", required=True, default=0),
            Spec("unit", "Unit", hint="%, h, SQLs… (optional)"),
            Spec("owner_team", "Owner team", kind="choice", required=True, choices=choices(OWNER_TEAMS, names=team_names(self))),
            Spec("period", "Period", hint="e.g. 2026-Q4"),
            Spec("status", "Status", kind="choice", required=True, choices=choices(OBJECTIVE_STATUSES)),
        ]

    def initial_values(self) -> dict[str, Any]:
        return self.initial.to_dict() if self.initial else {"owner_team": "shared", "status": "on_track", "current": 0.0}

    def build(self, values: dict[str, Any]) -> Objective:
        base = self.initial or Objective(id=ids.new_id(), title=values["title"], metric=values["metric"], target=values["target"])
        return base.replace(**{k: values[k] for k in ("title", "metric", "target", "current", "unit", "owner_team", "period", "status")})


class CheckInForm(RecordForm[CheckIn]):
    """This meeting's check-in on an existing objective."""

    def __init__(self, objective: Objective, **kwargs: Any) -> None:
        self.objective = objective
        super().__init__(**kwargs)
        self.heading = f"check-in: {objective.title}"

    def specs(self) -> list[Spec]:
        latest = self.objective.latest
        was = f"last: {measure(latest.value, self.objective.unit)} on {latest.date} ({label(latest.status)})" if latest else "no check-in yet"
        return [
            Spec("value", f"Value (target {measure(self.objective.target, self.objective.unit)})", kind="number", required=True, hint=was),
            Spec("status", "Status", kind="choice", required=True, choices=choices(OBJECTIVE_STATUSES)),
            Spec("comment", "Comment", hint="why it moved, what would help"),
        ]

    def initial_values(self) -> dict[str, Any]:
        if self.initial is not None:
            return self.initial.to_dict()
        latest = self.objective.latest
        return {"value": latest.value if latest else self.objective.current, "status": self.objective.status}

    def build(self, values: dict[str, Any]) -> CheckIn:
        return CheckIn(date=self.today.isoformat(), value=values["value"], status=values["status"], comment=values["comment"])
