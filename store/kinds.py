"""The kinds of record captured in a meeting: their titles, where each is kept, and the one
line that describes a record. Read by the capture (write) side and by the follow view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from tandem.store.records import ActionItem, ContentItem, Decision, LeadFeedback, Objective, ProspectInsight, label, measure

Kind = Literal["lead_feedback", "decision", "action", "insight", "content", "objective"]

#: Meeting-file tables by kind; the other kinds live in shared collections.
MEETING_TABLES: dict[str, str] = {"lead_feedback": "lead_feedback", "decision": "decisions", "action": "actions"}
SHARED: dict[str, str] = {"insight": "insights", "content": "content", "objective": "objectives"}
KIND_OF: dict[type, str] = {
    LeadFeedback: "lead_feedback",
    Decision: "decision",
    ActionItem: "action",
    ProspectInsight: "insight",
    ContentItem: "content",
    Objective: "objective",
}
TITLES = {
    "lead_feedback": "Lead feedback",
    "decision": "Decision",
    "action": "Action item",
    "insight": "Prospect insight",
    "content": "Content item",
    "objective": "Objective",
}


@dataclass(frozen=True)
class Captured:
    """One line of the "captured under this item" list."""

    kind: str
    record: Any
    text: str


def describe(kind: str, record: Any, *, meeting_id: str = "") -> str:
    if kind == "lead_feedback":
        reasons = ", ".join(label(r) for r in record.reasons)
        parts = [record.reference, label(record.verdict)]
        if reasons:
            parts.append(reasons)
        if record.source:
            parts.append(record.source)
        return " · ".join(parts)
    if kind == "action":
        owner = f" — {record.owner}" if record.owner else ""
        due = f", due {record.due}" if record.due else ""
        return f"[{record.status}] {record.text}{owner}{due}"
    if kind == "decision":
        return str(record.text)
    if kind == "insight":
        return f"{label(record.kind)}: {record.text}"
    if kind == "content":
        return f"{record.title} ({label(record.type)}, {label(record.status)})"
    if kind == "objective":
        checkin = next((c for c in reversed(record.checkins) if c.meeting_id == meeting_id), None)
        if checkin is not None:
            return f"{record.title}: {measure(checkin.value, record.unit)} of {measure(record.target, record.unit)} ({label(checkin.status)})"
        return f"{record.title} (new objective)"
    return str(record)
