"""What a meeting does with contributions: take one in, leave it for a later meeting, or
decline it with a reason — recorded in the meeting's file as a :class:`Triage` row under
the contribution's id, never in the contributor's file (only its author writes that).

A contribution's fate is read back from the meetings: the latest triage row of its id
(a deferral by one meeting and a take by the next: taken). Taking one twice is one record:
what it becomes carries the contribution's id (a topic becomes an agenda item of its own id
and the row says which).

Taking one in a live meeting goes through the meeting's :class:`~tandem.store.capture.Capture`
(so lead feedback joins the meeting file, a question, an idea or a check-in the shared
files, each tied to the agenda item it was taken under, and the capture's undo reverses
it); a planned meeting's topics are taken into its agenda with :func:`triage_planned`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tandem.store.contrib.records import Contribution, Topic
from tandem.store.contrib.store import Contributions
from tandem.store.errors import NotFoundError, TandemError, ValidationError
from tandem.store.outside import one_line
from tandem.store.records import AgendaItem, CheckIn, ContentItem, LeadFeedback, Meeting, ProspectInsight, Triage, measure

if TYPE_CHECKING:
    from tandem.store.capture import Capture
    from tandem.store.workspace import MeetingRecord, Workspace

#: The agenda item kind (``AgendaItem.captures``) where each contribution kind is offered.
OFFERED_IN = {"lead": "lead_feedback", "question": "prospect_insight", "content": "content", "checkin": "objective"}

#: A contribution's fate, as its author reads it: still to be triaged (``waiting``, or
#: ``deferred`` by a meeting to a later one), ``taken`` into a meeting, ``declined`` by one,
#: or ``withdrawn`` by its author.
OPEN_FATES = ("waiting", "deferred")


@dataclass(frozen=True, slots=True)
class Fate:
    state: str
    meeting_id: str = ""
    meeting_date: str = ""
    meeting_title: str = ""
    reason: str = ""
    at: str = ""

    @property
    def open(self) -> bool:
        """Still offered to the next meeting."""
        return self.state in OPEN_FATES

    @property
    def meeting_words(self) -> str:
        return f"{self.meeting_date} {self.meeting_title}".strip() or self.meeting_id

    def words(self) -> str:
        """One line: "waiting", "taken into 2026-12-08 Weekly sync", "declined in … : why"."""
        if self.state == "taken":
            return f"taken into {self.meeting_words}"
        if self.state == "declined":
            return f"declined in {self.meeting_words}: {self.reason}"
        if self.state == "deferred":
            return f"waiting (deferred by {self.meeting_words})"
        return self.state


WAITING = Fate("waiting")
WITHDRAWN = Fate("withdrawn")


#: Every meeting's triage rows, as :meth:`Workspace.iter_triage` gives them.
Triaged = Iterable[tuple[Meeting, list[Triage]]]


def triaged_elsewhere(workspace: Workspace, meeting_id: str) -> list[tuple[Meeting, list[Triage]]]:
    """The triage rows of every meeting but ``meeting_id`` (only those that have some): what
    a meeting being run reads once, since nothing it does changes them."""
    return [(m, rows) for m, rows in workspace.iter_triage() if rows and m.id != meeting_id]


def fates(workspace: Workspace, *, open_here: MeetingRecord | None = None, elsewhere: Triaged | None = None) -> dict[str, Fate]:
    """What the meetings did with each contribution they triaged, by contribution id: the
    latest decision (by when it was made, then the meeting's date), a take or a decline
    winning over a deferral made at the same moment. ``open_here``: a meeting being run,
    whose rows in memory are newer than its file; ``elsewhere``: the other meetings' rows
    read before (:func:`triaged_elsewhere`), instead of reading every meeting again."""
    rank = {"deferred": 0, "declined": 1, "taken": 2}
    best: dict[str, tuple[tuple[str, str, int], Fate]] = {}
    found: Triaged = workspace.iter_triage() if elsewhere is None else elsewhere
    if open_here is not None:
        here = open_here.meeting.id
        found = [*((m, rows) for m, rows in found if m.id != here), (open_here.meeting, list(open_here.triage))]
    for meeting, rows in found:
        if meeting.status == "cancelled":
            continue  # a cancelled meeting took nothing in
        for row in rows:
            key = (row.at, meeting.date, rank[row.fate])
            if row.id not in best or key > best[row.id][0]:
                best[row.id] = (key, Fate(row.fate, meeting.id, meeting.date, meeting.title, row.reason, row.at))
    return {cid: fate for cid, (_, fate) in best.items()}


def fate_of(contribution: Contribution, found: dict[str, Fate]) -> Fate:
    if contribution.status == "withdrawn":
        return WITHDRAWN
    return found.get(contribution.id, WAITING)


class DecidedError(TandemError):
    """A contribution a meeting took or declined cannot be withdrawn."""


def refusal(c: Contribution, fate: Fate) -> str:
    """Why ``c`` cannot be withdrawn, in a sentence."""
    return f"That {c.noun} was {one_line(fate.words(), 120)}; a meeting's decision is not withdrawn."


def withdraw(workspace: Workspace, author: str, c: Contribution) -> Contribution:
    """Take back ``author``'s contribution ``c`` unless a meeting took it or declined it
    (maybe on another machine, brought in by a sync): then :class:`DecidedError`."""
    fate = fate_of(c, fates(workspace))
    if fate.state in ("taken", "declined"):
        raise DecidedError(refusal(c, fate))
    return Contributions(workspace).withdraw(author, c.id)


def with_fates(workspace: Workspace, keep: Callable[[Contribution], bool] | None = None) -> list[tuple[Contribution, Fate]]:
    """Every contribution (those ``keep`` says, if given), newest first, with its fate: the
    meetings' triage read once for all of them."""
    found = fates(workspace)
    return [(c, fate_of(c, found)) for c in Contributions(workspace).all() if keep is None or keep(c)]


def waiting(
    workspace: Workspace,
    *,
    series_id: str | None = None,
    author: str | None = None,
    open_here: MeetingRecord | None = None,
    elsewhere: Triaged | None = None,
) -> list[tuple[Contribution, Fate]]:
    """What awaits the next meeting, newest first, with each one's fate (waiting, or
    deferred by an earlier meeting): :meth:`Contributions.waiting` less what a meeting took
    or declined (``open_here``: see :func:`fates`)."""
    found = fates(workspace, open_here=open_here, elsewhere=elsewhere)
    out = []
    for c in Contributions(workspace).waiting(series_id=series_id, author=author):
        fate = fate_of(c, found)
        if fate.open:
            out.append((c, fate))
    return out


def credit(row: Triage) -> str:
    """How the minutes credit a contribution: "raised by José, 2026-12-03"."""
    day = row.created_at[:10]
    who = row.author or "a teammate"
    return f"raised by {who}, {day}" if day else f"raised by {who}"


def _row(contribution: Contribution, fate: str, now: datetime, *, reason: str = "", record_id: str = "", agenda_item_id: str = "") -> Triage:
    return Triage(
        id=contribution.id,
        kind=contribution.kind,
        fate=fate,
        author=contribution.author,
        created_at=contribution.created_at,
        subject=" ".join(contribution.subject.split())[:300],
        at=now.isoformat(timespec="seconds"),
        reason=reason,
        record_id=record_id,
        agenda_item_id=agenda_item_id,
    )


def _check_open(contribution: Contribution) -> None:
    if contribution.status == "withdrawn":
        raise TandemError(f"{contribution.author} withdrew that {contribution.noun}; it is no longer offered.")


def _set_row(rows: list[Triage], row: Triage) -> None:
    rows[:] = [r for r in rows if r.id != row.id]
    rows.append(row)


# --- in a live (or amended) meeting ------------------------------------------------------


def take(capture: Capture, contribution: Contribution, agenda_item_id: str, *, now: datetime) -> Triage:
    """Take ``contribution`` into the meeting under ``agenda_item_id``: lead feedback into
    the meeting file, a question, a content idea or a check-in into the shared files, a
    topic as a new agenda item after the active one; keeping its author. Run from a worker
    (shared files are written at once)."""
    _check_open(contribution)
    session = capture.session
    meeting_id = session.meeting.id
    inner = contribution.inner
    record_id = contribution.id
    if isinstance(inner, Topic):
        existing = next((i for i in session.agenda if i.id == contribution.id), None)
        if existing is None:
            item = session.add_item(inner.title, inner.minutes)
            with session.editing() as record:
                # The contribution's id, so that taking it again finds it.
                placed = record.agenda.index(item)
                record.agenda[placed] = item.replace(id=contribution.id, notes=inner.note, presenter=contribution.author)
        agenda_item_id = contribution.id
    elif isinstance(inner, CheckIn):
        objective = capture.workspace.objectives.find(contribution.objective_id)
        if objective is None:
            raise NotFoundError(f"The objective of {contribution.author}'s check-in is gone; decline it instead.")
        taken = next((r for r in session.record.triage if r.id == contribution.id and r.fate == "taken"), None)
        if taken is not None:
            return taken  # taken already: its check-in is this meeting's
        # An objective has one check-in per meeting (the minutes show one): a second would
        # replace the first, and someone's figure would be lost while their inbox said taken.
        here = next((c for c in objective.checkins if c.meeting_id == meeting_id), None)
        if here is not None:
            raise TandemError(
                f"{objective.title} already has this meeting's check-in ({measure(here.value, objective.unit)}); "
                f"change that one to {measure(inner.value, objective.unit)} or decline {contribution.author}'s with why."
            )
        capture.check_in(objective, inner.replace(meeting_id=meeting_id, agenda_item_id=agenda_item_id))
        record_id = objective.id
    elif isinstance(inner, (LeadFeedback, ProspectInsight, ContentItem)):
        capture.save(capture.link(inner, agenda_item_id))
    else:  # pragma: no cover - KINDS lists every kind above
        raise ValidationError("contribution.kind", f"{contribution.kind!r} cannot be taken into a meeting")
    row = _row(contribution, "taken", now, record_id=record_id, agenda_item_id=agenda_item_id)
    with session.editing() as record:
        _set_row(record.triage, row)
    return row


def take_as(capture: Capture, contribution: Contribution, feedback: LeadFeedback, *, now: datetime, delay: float = 0.0) -> Triage:
    """Take a teammate's lead feedback into the meeting as ``feedback``: the meeting's own
    verdict on that lead (lead triage's g, p or e on its line), which may differ from the
    teammate's. The contribution is taken all the same (its author reads that the meeting
    judged the lead); the triage row names ``feedback``, so undoing that verdict puts the
    contribution back among the waiting. ``delay``: as :meth:`Capture.save`'s."""
    _check_open(contribution)
    if contribution.kind != "lead":
        raise ValidationError("contribution.kind", f"only lead feedback is judged on its lead, not a {contribution.noun}")
    capture.save(feedback, delay=delay)
    row = _row(contribution, "taken", now, record_id=feedback.id, agenda_item_id=feedback.agenda_item_id)
    with capture.session.editing(delay) as record:
        _set_row(record.triage, row)
    return row


def decide(capture: Capture, contribution: Contribution, fate: str, *, now: datetime, reason: str = "") -> Triage:
    """Defer (``fate="deferred"``) or decline (with ``reason``) a contribution in the meeting."""
    if fate not in ("deferred", "declined"):
        raise ValidationError("triage.fate", f"{fate!r} is not deferred or declined (take() takes one in)")
    _check_open(contribution)
    row = _row(contribution, fate, now, reason=reason.strip())
    with capture.session.editing() as record:
        _set_row(record.triage, row)
    return row


def reopen(capture: Capture, contribution_id: str) -> Triage | None:
    """Take back the meeting's decision on a contribution (it waits again); what a take
    created stays, for the facilitator to delete or keep (it may have been edited since)."""
    with capture.session.editing() as record:
        row = next((r for r in record.triage if r.id == contribution_id), None)
        record.triage[:] = [r for r in record.triage if r.id != contribution_id]
    return row


def offered(contributions: Iterable[tuple[Contribution, Fate]], captures: str, *, series_id: str) -> list[tuple[Contribution, Fate]]:
    """The waiting contributions an agenda item that ``captures`` this kind of record offers
    (lead feedback in the lead-quality item, questions in the voice of the prospect, …)."""
    return [(c, f) for c, f in contributions if OFFERED_IN.get(c.kind) == captures and c.series_id in ("", series_id)]


# --- when planning a meeting -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TopicAnswer:
    """The planner's answer to one waiting topic: ``take`` (with a timebox), ``defer`` or
    ``decline`` (with a reason)."""

    contribution: Contribution
    answer: str
    minutes: int = 5
    reason: str = ""


def triage_planned(workspace: Workspace, meeting_id: str, answers: Sequence[TopicAnswer], *, now: datetime) -> list[AgendaItem]:
    """Record the answers to waiting topics in a planned meeting: taken topics become agenda
    items (before the closing items: the action review and wrap-up), with their author as
    presenter. One write, under the meeting's lock. Returns the items added."""
    if not answers:
        return []
    added: list[AgendaItem] = []
    with workspace.open_meeting(meeting_id) as writer:
        record = writer.read()
        if record.meeting.status != "planned":
            raise TandemError(f"Meeting {meeting_id} has {record.meeting.status}; topics are taken in while it is planned or live.")
        for answer in answers:
            c = answer.contribution
            _check_open(c)
            if c.kind != "topic":
                raise ValidationError("contribution.kind", f"only topics are taken in when planning, not a {c.noun}")
            if answer.answer == "take":
                topic = c.inner
                assert isinstance(topic, Topic)
                item = AgendaItem(id=c.id, title=topic.title, timebox_min=answer.minutes, notes=topic.note, presenter=c.author)
                if all(i.id != c.id for i in record.agenda):
                    closing = _closing_at(record.agenda)
                    record.agenda.insert(closing, item)
                    added.append(item)
                _set_row(record.triage, _row(c, "taken", now, record_id=c.id, agenda_item_id=c.id))
            elif answer.answer in ("defer", "decline"):
                fate = "deferred" if answer.answer == "defer" else "declined"
                _set_row(record.triage, _row(c, fate, now, reason=answer.reason.strip()))
            else:
                raise ValidationError("triage.answer", f"{answer.answer!r} is not take, defer or decline")
        for position, item in enumerate(record.agenda):
            item.position = position
        writer.write_all(record)
    return added


def _closing_at(agenda: list[AgendaItem]) -> int:
    """Where new items go: before the closing items (action review, decisions) if the last
    two are such, as carried-over items do (``planning.create_planned_meeting``)."""
    return next(
        (n for n, item in enumerate(agenda) if item.captures in ("action_review", "decision") and n >= len(agenda) - 2),
        len(agenda),
    )


def next_meeting(workspace: Workspace, series_id: str | None = None) -> Meeting | None:
    """The meeting waiting contributions are for: the earliest planned or live meeting (of
    the series, if given), or None."""
    pending = [m for m in workspace.list_meetings(series_id) if m.status in ("planned", "live")]
    return min(pending, key=lambda m: (m.status != "live", m.date, m.id), default=None)
