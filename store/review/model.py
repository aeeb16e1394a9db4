"""What ``tandem review`` shows, independent of where it came from.

Two sources fill the same rows: a workspace (read-only) and a folder of exported minutes
(a git clone, say). Enum-like fields hold the record codes (``too_early``, ``no_fit``), which
the screens turn into labels; the minutes reader maps labels back to codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Protocol, runtime_checkable

from tandem.store.records import HELD_STATUSES, LABELS

_CODES = {text.casefold(): code for code, text in LABELS.items()}


def code_for(text: str) -> str:
    """The record code behind a label: ``"too early"`` → ``too_early``, ``"MQL"`` → ``mql``."""
    key = text.strip().casefold()
    return _CODES.get(key, key.replace(" ", "_").replace("-", "_"))


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: str
    title: str
    series: str
    series_title: str
    date: str
    facilitator: str
    status: str
    attendees: tuple[str, ...] = ()
    agenda_items: int = 0
    decisions: int = 0
    actions: int = 0
    feedback: int = 0
    #: For the series' health: the rating (1-5), the minutes it was planned to take and
    #: took (None: not known, as in minutes exported by an older tandem), how its agenda
    #: went, and the team of each person present.
    rating: int | None = None
    planned_min: int = 0
    actual_min: int | None = None
    items_done: int = 0
    items_skipped: int = 0
    items_parked: int = 0
    teams_present: tuple[str, ...] = ()

    def involves(self, person: str) -> bool:
        """Facilitated or attended (case-insensitive substring, so "dana" finds "Dana Ruiz")."""
        needle = person.strip().casefold()
        return any(needle in name.casefold() for name in (self.facilitator, *self.attendees))


@dataclass(frozen=True, slots=True)
class ActionRow:
    text: str
    owner: str
    due: str
    status: str
    meeting_id: str
    series: str
    #: The date of the meeting that raised it.
    raised: str
    closed_on: str = ""

    def age_days(self, today: date) -> int:
        """Days open (or days it took, once closed)."""
        try:
            start = date.fromisoformat(self.raised)
            end = date.fromisoformat(self.closed_on) if self.closed_on else today
        except ValueError:
            return 0
        return max(0, (end - start).days)

    def overdue(self, today: date) -> bool:
        return self.status == "open" and bool(self.due) and self.due < today.isoformat()


@dataclass(frozen=True, slots=True)
class CheckInPoint:
    date: str
    value: float
    status: str
    comment: str = ""


@dataclass(frozen=True, slots=True)
class ObjectiveRow:
    title: str
    metric: str
    unit: str
    target: float
    owner_team: str
    status: str
    history: tuple[CheckInPoint, ...] = ()

    @property
    def latest(self) -> float | None:
        return self.history[-1].value if self.history else None


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    meeting_id: str
    date: str
    series: str
    reference: str
    source: str
    persona: str
    stage_reached: str
    verdict: str
    reasons: tuple[str, ...] = ()
    stage_lost: str = ""


DECISION_STATUSES = ("active", "superseded", "reversed")


@dataclass(frozen=True, slots=True)
class DecisionRow:
    #: The decision's id (a workspace), or "<meeting id>#<n>" (minutes, which hold no ids).
    key: str
    text: str
    decided_by: str
    meeting_id: str
    series: str
    date: str
    #: The key of an earlier decision this one replaces or takes back.
    supersedes: str = ""
    reverses: str = ""
    status: str = "active"
    #: The later decision that superseded or reversed this one, and its date.
    changed_by: str = ""
    changed_on: str = ""

    def matches(self, query: str) -> bool:
        """Every word of ``query`` in its text, who decided or what changed it."""
        hay = f"{self.text} {self.decided_by} {self.changed_by}".casefold()
        return all(word in hay for word in query.casefold().split())


def with_statuses(rows: list[DecisionRow]) -> list[DecisionRow]:
    """The decisions, newest first, each marked superseded or reversed by the latest later
    decision that says so (the earlier record itself is never changed)."""
    oldest_first = sorted(rows, key=lambda r: (r.date, r.meeting_id, r.key))
    changed: dict[str, tuple[str, DecisionRow]] = {}
    for row in oldest_first:
        for status, target in (("superseded", row.supersedes), ("reversed", row.reverses)):
            if target and target != row.key:
                changed[target] = (status, row)
    out = []
    for row in reversed(oldest_first):
        found = changed.get(row.key)
        if found is not None:
            status, by = found
            row = replace(row, status=status, changed_by=by.text, changed_on=by.date)
        out.append(row)
    return out


@dataclass(frozen=True, slots=True)
class TakeawayRow:
    category: str
    text: str


@dataclass(frozen=True, slots=True)
class ShadowRow:
    date: str
    shadow: str
    host: str
    direction: str
    status: str
    takeaways: tuple[TakeawayRow, ...] = ()
    experiment: str = ""
    experiment_owner: str = ""
    #: The meeting whose minutes hold the debrief, if known.
    meeting_id: str = ""


@dataclass(frozen=True, slots=True)
class ReviewChanges:
    """What a load found changed since the load before it of the same source (see
    :attr:`ReviewData.changes`): a screen redraws only what is named here."""

    #: The ids of the meetings whose :class:`MeetingRow` changed, appeared or went away.
    meetings: frozenset[str] = frozenset()
    #: The names of :class:`ReviewData`'s lists that differ from the previous load's
    #: (``"meetings"``, ``"actions"``, ``"decisions"``, ``"feedback"``, ``"objectives"``,
    #: ``"shadow_days"``, ``"problems"``); a list not named here equals the previous one.
    pieces: frozenset[str] = frozenset()


@dataclass(slots=True)
class ReviewData:
    meetings: list[MeetingRow] = field(default_factory=list)
    actions: list[ActionRow] = field(default_factory=list)
    objectives: list[ObjectiveRow] = field(default_factory=list)
    feedback: list[FeedbackRow] = field(default_factory=list)
    shadow_days: list[ShadowRow] = field(default_factory=list)
    decisions: list[DecisionRow] = field(default_factory=list)
    #: Files that could not be read, one sentence each; shown, never fatal.
    problems: list[str] = field(default_factory=list)
    #: What changed since the previous load of the same source; None: not known (a first
    #: load, a source that does not tell), everything is to be shown anew. Not compared:
    #: two loads of the same files are equal however they were made.
    changes: ReviewChanges | None = field(default=None, compare=False)

    def series(self) -> list[tuple[str, str]]:
        """(id, title) of every series, by title: the title of its newest meeting, since
        minutes exported before a series was renamed still carry the old one."""
        newest_last = sorted(self.meetings, key=lambda m: (m.date, m.id))
        seen = {m.series: m.series_title or m.series for m in newest_last if m.series}
        return sorted(seen.items(), key=lambda kv: kv[1].casefold())


@dataclass(frozen=True, slots=True)
class Snippet:
    where: str
    text: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    meeting_id: str
    matches: int
    snippets: tuple[Snippet, ...]


@dataclass(frozen=True, slots=True)
class Preview:
    """The newest meetings, read before the rest: what the first screen shows while every
    meeting is read (see :class:`StagedSource`)."""

    #: Newest first, each row as a full load makes it.
    meetings: list[MeetingRow]
    #: How many meeting files there are: what the full load reads.
    files: int


@runtime_checkable
class StagedSource(Protocol):
    """A source of a workspace large enough to be read in stages: the newest meetings at
    once, then every meeting (``load``), then what search reads before it looks."""

    def preview(self, limit: int) -> Preview | None:
        """About ``limit`` of the newest meetings, read at once (a few files, whatever the
        size of the workspace); None when the full load would show them as soon (a small
        workspace, or one loaded already)."""
        ...

    def prepare_search(self) -> None:
        """Read what the first search needs before it can look, so that it takes no longer
        than the others."""
        ...


class ReviewSource(Protocol):
    """Where review reads from. Every method only reads."""

    #: Shown in the title bar: the workspace or the minutes folder.
    label: str

    def load(self) -> ReviewData: ...

    def minutes(self, meeting_id: str) -> str:
        """The meeting's minutes as Markdown."""
        ...

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        """Meetings matching every word of ``query``, most matches first; always answered
        from what is on disk now (changed files are re-read first)."""
        ...

    def changed(self) -> bool:
        """Whether any file changed since the last load or search."""
        ...


@dataclass(frozen=True, slots=True)
class SeriesHealth:
    """How a series' meetings went, held ones only, oldest first."""

    series: str
    meetings: tuple[MeetingRow, ...]

    @property
    def ratings(self) -> list[int]:
        return [m.rating for m in self.meetings if m.rating is not None]

    @property
    def timed(self) -> list[MeetingRow]:
        return [m for m in self.meetings if m.actual_min is not None and m.planned_min]

    @property
    def on_time_share(self) -> float | None:
        """Meetings whose agenda took no longer than planned, of those with both known."""
        timed = self.timed
        return sum(m.actual_min is not None and m.actual_min <= m.planned_min for m in timed) / len(timed) if timed else None

    @property
    def coverage(self) -> float | None:
        """Agenda items done, of all items, over the series."""
        items = sum(m.agenda_items for m in self.meetings)
        return sum(m.items_done for m in self.meetings) / items if items else None

    @property
    def one_sided(self) -> list[MeetingRow]:
        """Meetings where sales or marketing had nobody present."""
        return [m for m in self.meetings if 0 in balance(m)]


def balance(meeting: MeetingRow) -> tuple[int, int]:
    """(sales, marketing) people present."""
    return meeting.teams_present.count("sales"), meeting.teams_present.count("marketing")


def series_health(meetings: list[MeetingRow]) -> list[SeriesHealth]:
    """Each series with its held meetings, oldest first; series by title."""
    groups: dict[str, list[MeetingRow]] = {}
    for m in sorted(meetings, key=lambda m: (m.date, m.id)):
        if m.status in HELD_STATUSES:
            groups.setdefault(m.series, []).append(m)
    titles = {m.series: m.series_title or m.series for m in meetings}
    return [SeriesHealth(sid, tuple(rows)) for sid, rows in sorted(groups.items(), key=lambda kv: titles[kv[0]].casefold())]
