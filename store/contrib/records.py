"""What a person contributes between meetings: a :class:`Contribution` wrapping the record
the meeting will take in.

The wrapped record is the meeting's own kind — a :class:`~tandem.store.records.LeadFeedback`,
a :class:`~tandem.store.records.ProspectInsight` (a question), a
:class:`~tandem.store.records.ContentItem` (an idea), a :class:`~tandem.store.records.CheckIn`
on an objective — or a :class:`Topic` for the agenda. It is built (so validated and cleaned)
by its own class and stored as that class's ``to_dict``, under the contribution's id, so
that triage can take it into the meeting unchanged and taking it twice is one record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.store.errors import ValidationError
from tandem.store.records import (
    TEAMS,
    CheckIn,
    ContentItem,
    LeadFeedback,
    ProspectInsight,
    Record,
    _check_choice,
    _check_str,
    _check_timestamp,
)

#: What awaits the next meeting, and what its author took back. The meeting's triage is
#: recorded in the meeting's file, never here: only the author writes this file.
STATUSES = ("waiting", "withdrawn")
#: Longest topic title: an agenda item's (``AgendaItem.title``).
TOPIC_TITLE_MAX = 300
#: A topic's timebox bounds, as an agenda item's.
TOPIC_MINUTES = (1, 480)


@dataclass(kw_only=True, slots=True)
class Topic(Record):
    """A talking point for the next meeting of a series: an agenda item to be."""

    title: str
    minutes: int = 5
    note: str = ""

    def _validate(self) -> None:
        _check_str("topic.title", self.title, required=True, max_len=TOPIC_TITLE_MAX)
        low, high = TOPIC_MINUTES
        if isinstance(self.minutes, bool) or not isinstance(self.minutes, int) or not low <= self.minutes <= high:
            raise ValidationError("topic.minutes", f"must be a whole number of minutes from {low} to {high}")
        _check_str("topic.note", self.note, max_len=100_000)


#: Contribution kind → the record class its ``record`` is.
KINDS: dict[str, type[Record]] = {
    "lead": LeadFeedback,
    "question": ProspectInsight,
    "topic": Topic,
    "content": ContentItem,
    "checkin": CheckIn,
}

#: How a sentence names one contribution of a kind ("Lead feedback on SF-77").
NOUNS = {"lead": "lead feedback", "question": "prospect question", "topic": "topic", "content": "content idea", "checkin": "check-in"}


@dataclass(kw_only=True, slots=True)
class Contribution(Record):
    id: str
    kind: str
    author: str
    created_at: str
    record: dict[str, Any]
    team: str = "other"
    #: The series whose next meeting it is for ("": whichever meets next).
    series_id: str = ""
    #: A check-in's objective (the check-in record itself names none).
    objective_id: str = ""
    status: str = "waiting"

    def _validate(self) -> None:
        _check_str("contribution.id", self.id, required=True, max_len=64)
        _check_choice("contribution.kind", self.kind, tuple(KINDS))
        _check_str("contribution.author", self.author, required=True, max_len=200)
        _check_choice("contribution.team", self.team, TEAMS)
        _check_timestamp("contribution.created_at", self.created_at, optional=False)
        _check_str("contribution.series_id", self.series_id, max_len=64)
        _check_str("contribution.objective_id", self.objective_id, max_len=64)
        _check_choice("contribution.status", self.status, STATUSES)
        if self.kind == "checkin" and not self.objective_id:
            raise ValidationError("contribution.objective_id", "a check-in names its objective")
        # The wrapped record is validated (and its text cleaned) by its own class; what is
        # kept is that class's own form of it.
        self.record = KINDS[self.kind].from_dict(self.record).to_dict()
        if "id" in self.record and self.record["id"] != self.id:
            raise ValidationError("contribution.record", "its id is not the contribution's")

    @property
    def inner(self) -> Record:
        """The wrapped record, as its own class."""
        return KINDS[self.kind].from_dict(self.record)

    @property
    def noun(self) -> str:
        return NOUNS[self.kind]

    @property
    def subject(self) -> str:
        """What it is about, in a few words: the lead's reference, the question, the topic,
        the idea's title, the check-in's value."""
        data = self.record
        if self.kind == "lead":
            return str(data.get("reference", ""))
        if self.kind == "question":
            return str(data.get("text", ""))
        if self.kind in ("topic", "content"):
            return str(data.get("title", ""))
        return str(data.get("value", ""))
