"""The demo's lead lists and SLA (issue 22): six monthly lists imported from the team's CRM,
the SLA agreed at the kickoff and tightened once, and lead feedback that covers more of each
list as the months go by, so that ``tandem sla report``, review's scorecard and the live
lead table have a story to show. The story (volumes, shares, clauses) is ``demo_story.py``.

Everything here is drawn from a generator of its own, ``Random(f"{seed}/leads")``: the
meetings' draws, and so the rest of the demo, stay as they were. What changes in the
meetings of the lists' months is the reference of each lead discussed (now the CRM id of a
lead of the lists), the leads triaged from the list in the weekly lead-quality item, and the
two SLA decisions.

The leads are stored as ``tandem import leads`` stores them: :class:`Lead` records keyed by
:func:`lead_id`, each stamped with the import that last changed it (a month-end export of
each month's list, and this morning's export of all six), its data as of that import.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from tandem.store.collection import Collection
from tandem.store.crm.lead import LEADS_FILE, LEADS_TABLE, Lead, lead_id
from tandem.store.demo_story import (
    CRM_ID_PREFIX,
    GOOD_COMMENTS,
    LEAD_EXPORT,
    LEAD_SEGMENTS,
    LEAD_VOLUME,
    LOST_COMMENTS,
    NO_FIT_SEGMENT,
    PERSONAS,
    REJECT_COMMENTS,
    SLA_KICKOFF,
    SLA_TIGHTEN_LIST,
    SLA_TIGHTENED,
    TOO_EARLY_COMMENTS,
    TRIAGE_SHARE,
    WEBINAR,
    WON_COMMENTS,
    lead_campaign,
    poor_reasons,
    source_quality,
    source_weights,
    webinar_source,
)
from tandem.store.ids import new_id
from tandem.store.layout import SHARED_FILES
from tandem.store.records import LeadFeedback
from tandem.store.sla.record import SLA_FILE, SLA_TABLE, SlaVersion
from tandem.store.sla.report import meeting_time
from tandem.store.sla.scorecard import Feedback
from tandem.store.sla.snapshot import lines_at
from tandem.store.sla.versions import apply_changes, changes_words, parse_change
from tandem.store.workspace import MeetingRecord, Workspace

__all__ = ["DemoLeads", "Outcome", "attach_scorecards", "draw_outcome", "weighted", "write_leads"]

#: When this morning's export was imported: the lists know nothing later.
IMPORT_TIME = time(8, 5)
#: A lead discussed in a meeting was handed over at least this long before it started.
BEFORE_MEETING = timedelta(minutes=30)
#: How far back a rep's "the lead from last week" reaches in the list.
RECALL = timedelta(days=21)
#: Stages at which a lead sales accepted became an opportunity (status "converted").
CONVERTED_STAGES = ("opportunity", "won")
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


@dataclass(slots=True)
class Outcome:
    """How sales judges a lead: what a meeting's feedback says, or what the CRM's status
    says of a lead nobody talked about."""

    verdict: str
    disposition: str
    reasons: list[str]
    stage: str
    stage_lost: str
    persona: str
    #: The comments a rep might write about it.
    comments: Sequence[str]


def draw_outcome(rng: random.Random, source: str, t: float) -> Outcome:
    """A lead from ``source`` at ``t`` on the timeline, judged as the story's quality says.
    The draws are the meetings' own, in their order: the builder makes its feedback with it."""
    poor, too_early = source_quality(source, t)
    roll = rng.random()
    reasons: list[str] = []
    stage_lost = ""
    comments: Sequence[str]
    if roll < poor:
        verdict = "poor"
        weights = poor_reasons(source, t)
        reasons.append(weighted(rng, weights))
        if rng.random() < 0.2:
            rest = {k: w for k, w in weights.items() if k not in reasons}
            reasons.append(weighted(rng, rest))
        recyclable = set(reasons) <= {"no_budget", "bad_timing", "no_interest"}
        disposition = "recycled" if recyclable and rng.random() < 0.35 else "rejected"
        stage = "mql" if rng.random() < 0.7 else "sal"
        if disposition == "rejected":
            stage_lost = stage
        comments = REJECT_COMMENTS[reasons[0]]
    elif roll < poor + too_early:
        verdict, disposition = "too_early", "recycled"
        stage = "mql" if rng.random() < 0.75 else "sal"
        reasons = rng.choices((["bad_timing"], ["no_budget"], ["bad_timing", "no_budget"]), weights=(7, 2, 1))[0]
        comments = TOO_EARLY_COMMENTS
    else:
        verdict, disposition = "good", "accepted"
        stage = weighted(rng, {"sal": 2, "sql": 3, "opportunity": 2.5, "won": 0.8, "lost": 1.2})
        comments = WON_COMMENTS if stage == "won" else GOOD_COMMENTS
        if stage == "lost":
            stage_lost = weighted(rng, {"sql": 1, "opportunity": 2})
            reasons = [weighted(rng, {"chose_competitor": 3, "no_budget": 2, "bad_timing": 1.5, "no_authority": 1})]
            comments = LOST_COMMENTS[reasons[0]]
    if "no_fit" in reasons:
        options = ("Agency / consultant", "Founder (SMB)", "Agency / consultant", "Marketing ops")
        persona = options[rng.randrange(len(options))]
    else:
        persona = weighted(rng, PERSONAS[source])
    return Outcome(verdict, disposition, reasons, stage, stage_lost, persona, comments)


@dataclass(slots=True)
class _Draft:
    """A lead of the lists while the meetings are drawn: its final state is known once the
    last meeting has given its feedback."""

    reference: str
    period: str
    created: datetime
    handed: datetime
    source: str
    segment: str
    t: float
    #: What sales makes of it when no meeting says (the CRM's status), and its persona.
    outcome: Outcome
    #: Hours from hand-over to first touch (None: nobody ever reached out).
    touch_hours: float | None
    #: Hours from hand-over until sales sets a status in the CRM, when no meeting decides.
    decide_hours: float
    #: (when, feedback) given in meetings, in the order given.
    feedback: list[tuple[datetime, LeadFeedback]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Agreed:
    version: SlaVersion
    text: str


def _period_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


class DemoLeads:
    """The lists of the six months before ``today``'s and the SLA; the builder asks for a lead
    to discuss (:meth:`claim`), for the leads triaged in a weekly sync (:meth:`triage`) and
    for each SLA decision (:meth:`agree`), then takes the records (:meth:`finish`)."""

    def __init__(self, *, seed: int, today: date, timeline: Callable[[date], float], leave: date | None) -> None:
        self.seed = seed
        self.rng = random.Random(f"{seed}/leads")
        self.today = today
        self.timeline = timeline
        #: The SDR on leave from this day: first touches take longer from then on.
        self.leave = leave
        self.cutoff = datetime.combine(today, IMPORT_TIME)
        # The six months before this one: each list a month-end export, so the scorecard's
        # latest period is a whole month whatever day the demo is made on.
        months = [(today.replace(day=1) - timedelta(days=1)).replace(day=1)]
        while len(months) < len(LEAD_VOLUME):
            first = months[0] - timedelta(days=1)
            months.insert(0, first.replace(day=1))
        self.months = months
        self.start = datetime.combine(months[0], time())
        self.drafts = self._draw()
        self._handed = [d.handed for d in self.drafts]
        #: Leads handed over before this moment were offered to a weekly sync's triage.
        self._offered_until = self.start
        self._agreed: list[_Agreed] = []

    # --- the lists -----------------------------------------------------------------------

    def _moment(self, start: datetime, end: datetime) -> datetime:
        """A moment of business life between ``start`` and ``end``: weekdays mostly, office
        hours mostly, to the minute (as a CRM exports it)."""
        rng = self.rng
        span = (end - start).total_seconds()
        when = start
        for _ in range(4):
            when = start + timedelta(seconds=rng.random() * span)
            if when.weekday() < 5 and 8 <= when.hour < 19:
                break
        return when.replace(second=0, microsecond=0)

    def _touch_hours(self, handed: datetime) -> float | None:
        """Hours to first touch: a couple in office hours, the next morning otherwise (a
        Friday evening waits for Monday), longer while an SDR is on leave."""
        rng = self.rng
        if rng.random() < 0.03:
            return None
        hours = rng.lognormvariate(0.9, 0.8)
        if self.leave is not None and handed.date() >= self.leave:
            hours *= 2.2
        office = handed.weekday() < 5 and 8 <= handed.hour < 17
        if not office:
            morning = datetime.combine(handed.date() + timedelta(days=1), time(9))
            while morning.weekday() >= 5:
                morning += timedelta(days=1)
            hours += (morning - handed).total_seconds() / 3600
        return round(hours, 2)

    def _draw(self) -> list[_Draft]:
        rng = self.rng
        drafts: list[_Draft] = []
        for month, count in zip(self.months, LEAD_VOLUME, strict=True):
            start, end = datetime.combine(month, time()), datetime.combine(_month_after(month), time()) - timedelta(minutes=1)
            for _ in range(count):
                created = self._moment(start, end)
                t = self.timeline(created.date())
                handed = min(created + timedelta(hours=rng.lognormvariate(1.2, 1.0)), end).replace(second=0, microsecond=0)
                source = weighted(rng, source_weights(t))
                outcome = draw_outcome(rng, source, t)
                segment = NO_FIT_SEGMENT if "no_fit" in outcome.reasons else weighted(rng, LEAD_SEGMENTS[source])
                drafts.append(
                    _Draft(
                        reference="",
                        period=_period_of(month),
                        created=created,
                        handed=handed,
                        source=source,
                        segment=segment,
                        t=t,
                        outcome=outcome,
                        touch_hours=self._touch_hours(handed),
                        decide_hours=rng.lognormvariate(3.6, 0.7),
                    )
                )
        # The CRM numbers its leads as they are created.
        drafts.sort(key=lambda d: d.created)
        number = rng.randrange(62**4, 62**5 // 2)
        for draft in drafts:
            number += rng.randint(3, 40)
            digits = "".join(_BASE62[(number // 62**k) % 62] for k in range(4, -1, -1))
            draft.reference = CRM_ID_PREFIX + digits
        drafts.sort(key=lambda d: (d.handed, d.reference))
        return drafts

    def in_window(self, day: date) -> bool:
        return day >= self.months[0]

    def list_index(self, day: date) -> int:
        return max(0, min(len(self.months) - 1, bisect_left(self.months, day + timedelta(days=1)) - 1))

    # --- meetings --------------------------------------------------------------------------

    def claim(self, source: str, before: datetime) -> _Draft | None:
        """A lead of the lists a rep brings up at a meeting starting at ``before``: handed over
        in the weeks before and given no feedback yet, from ``source`` if one is (the lead's
        source is then the one the rep names); None if the lists hold none (before the first)."""
        end = bisect_left(self._handed, before - BEFORE_MEETING)
        begin = bisect_left(self._handed, before - RECALL)
        free = [d for d in self.drafts[begin:end] if not d.feedback]
        if not free:
            return None
        same = [d for d in free if d.source == source]
        draft = (same or free)[self.rng.randrange(len(same or free))]
        draft.source = source
        return draft

    def given(self, draft: _Draft, feedback: LeadFeedback, at: datetime) -> None:
        draft.feedback.append((at, feedback))

    def triage(self, before: datetime) -> list[_Draft]:
        """The leads handed over since the last weekly sync that sales triages from the list
        in this one (``before``: its start)."""
        end = before - BEFORE_MEETING
        lo, hi = bisect_left(self._handed, self._offered_until), bisect_left(self._handed, end)
        self._offered_until = max(self._offered_until, end)
        share = TRIAGE_SHARE[self.list_index(before.date())]
        return [d for d in self.drafts[lo:hi] if not d.feedback and self.rng.random() < share]

    def feedback(self, draft: _Draft, *, meeting_id: str, agenda_item_id: str, reporters: Sequence[str], at: datetime) -> LeadFeedback:
        """Feedback on ``draft`` triaged by keyboard from the list: a verdict, reason codes, a
        comment now and then."""
        rng, outcome = self.rng, draft.outcome
        comment = ""
        if rng.random() < 0.25:
            comment = outcome.comments[rng.randrange(len(outcome.comments))]
            if "{" in comment:
                comment = ""  # a template: the builder fills those, triage types only plain words
        made = LeadFeedback(
            id=new_id(rng),
            reference=draft.reference,
            verdict=outcome.verdict,
            meeting_id=meeting_id,
            agenda_item_id=agenda_item_id,
            source=webinar_source(draft.created.date()) if draft.source == WEBINAR else draft.source,
            persona=outcome.persona,
            stage_reached=outcome.stage,
            disposition=outcome.disposition,
            reasons=list(outcome.reasons),
            stage_lost=outcome.stage_lost,
            comment=comment,
            reporter=reporters[rng.randrange(len(reporters))],
        )
        self.given(draft, made, at)
        return made

    # --- the SLA ------------------------------------------------------------------------------

    def sla_dates(self) -> tuple[date, date]:
        """From when the kickoff and the tightening meetings are looked for."""
        return self.months[0], self.months[SLA_TIGHTEN_LIST]

    def agree(self, *, number: int, day: date, meeting_id: str, decision_id: str, version_id: str, agreed_by: list[str], at: datetime) -> str:
        """Record SLA version ``number`` (1: as agreed at the kickoff, 2: tightened), decided at
        ``meeting_id`` on ``day`` (none: not at a meeting); the decision's words, as ``tandem
        sla set --meeting`` writes them. An earlier version no meeting agreed is recorded first."""
        while len(self._agreed) < number - 1:
            self._unpinned(agreed_by)
        terms = SLA_KICKOFF if number == 1 else SLA_TIGHTENED
        changes = [parse_change(clause, value) for clause, value in terms]
        before = self._agreed[-1].version if self._agreed else None
        effective = day if number == 1 else _month_after(day)
        version = apply_changes(
            before,
            changes,
            id=version_id,
            version=number,
            effective=effective.isoformat(),
            agreed_by=agreed_by,
            meeting_id=meeting_id,
            decision_id=decision_id if meeting_id else "",
            recorded_at=at.isoformat(timespec="seconds"),
        )
        text = changes_words(f"SLA v{number} from {effective.isoformat()}", before, changes)
        self._agreed.append(_Agreed(version, text))
        return text

    def _unpinned(self, agreed_by: list[str]) -> None:
        """The next version recorded by hand on the story's date: too few meetings to hold it."""
        number = len(self._agreed) + 1
        day = self.sla_dates()[number - 1]
        version_id = new_id(random.Random(f"{self.seed}/sla/{number}"))
        self.agree(number=number, day=day, meeting_id="", decision_id="", version_id=version_id, agreed_by=agreed_by, at=datetime.combine(day, time(17)))

    # --- the records ------------------------------------------------------------------------

    def finish(self, agreed_by: list[str]) -> tuple[list[Lead], list[SlaVersion]]:
        """The leads as the last import left them, and the SLA's versions (those no meeting
        decided recorded by hand, on the story's dates)."""
        while len(self._agreed) < 2:
            self._unpinned(agreed_by)
        leads = [self._lead(d) for d in sorted(self.drafts, key=lambda d: d.reference)]
        return leads, [a.version for a in self._agreed]

    def _imported(self, draft: _Draft, changed: datetime) -> tuple[str, str]:
        """(imported_at, file) of the import that last changed the lead: its month's month-end
        export if nothing changed after, else this morning's export of all six lists."""
        month_end = datetime.combine(_month_after(date.fromisoformat(draft.period + "-01")), IMPORT_TIME)
        if changed <= month_end < self.cutoff:
            return month_end.isoformat(), LEAD_EXPORT.format(when=draft.period)
        return self.cutoff.isoformat(), LEAD_EXPORT.format(when=self.today.isoformat())

    def _lead(self, draft: _Draft) -> Lead:
        events = [draft.created, draft.handed]
        touched = draft.handed + timedelta(hours=draft.touch_hours) if draft.touch_hours is not None else None
        decided: datetime | None
        if draft.feedback:
            decided, _ = draft.feedback[0]
            _, latest = draft.feedback[-1]
            outcome = Outcome(latest.verdict, latest.disposition, latest.reasons, latest.stage_reached, latest.stage_lost, latest.persona, ())
            if touched is None or touched > decided:
                # Nobody decides on a lead before calling it.
                touched = max(draft.handed, decided - timedelta(hours=1 + 20 * self.rng.random()))
        else:
            outcome = draft.outcome
            # Never reached, never decided: the lead fell through the cracks.
            decided = None if touched is None else max(draft.handed + timedelta(hours=draft.decide_hours), touched + timedelta(hours=2))
        if touched is not None:
            # To the minute, as the CRM exports it; never before the hand-over, which is too.
            touched = None if touched > self.cutoff else touched.replace(second=0, microsecond=0)
        if decided is not None and decided > self.cutoff:
            decided = None
        status, stage = "new", "mql"
        if decided is not None:
            events.append(decided)
            status = {"accepted": "accepted", "rejected": "rejected", "recycled": "recycled"}[outcome.disposition]
            stage = "mql" if outcome.disposition == "recycled" else outcome.stage
            lost_late = outcome.stage == "lost" and outcome.stage_lost == "opportunity"
            if status == "accepted" and (stage in CONVERTED_STAGES or lost_late):
                status = "converted"
        elif touched is not None:
            status = "working"
        if touched is not None:
            events.append(touched)
        imported_at, file = self._imported(draft, max(events))
        return Lead(
            id=lead_id(draft.reference),
            reference=draft.reference,
            period=draft.period,
            created_at=draft.created.isoformat(timespec="seconds"),
            source=draft.source,
            campaign=lead_campaign(draft.source, draft.created.date(), draft.t),
            persona=outcome.persona,
            segment=draft.segment,
            stage=stage,
            status=status,
            handed_over_at=draft.handed.isoformat(timespec="seconds"),
            first_touch_at=touched.isoformat(timespec="seconds") if touched is not None else "",
            imported_at=imported_at,
            file=file,
        )


def write_leads(workspace: Workspace, leads: list[Lead], versions: list[SlaVersion]) -> None:
    """The lists into ``leads.json`` and the SLA into ``sla.json``, one write each, through
    the same tables the import and ``tandem sla set`` write."""

    def collection(name: str, table: str, kind: type[Any]) -> Collection[Any]:
        path = workspace.home / name
        return Collection(path, table, kind, file_kind=SHARED_FILES[name][0], guard=lambda: workspace.short_lock(path), before_write=workspace.before_write)

    if leads:
        collection(LEADS_FILE, LEADS_TABLE, Lead).add_many(leads)
    if versions:
        collection(SLA_FILE, SLA_TABLE, SlaVersion).add_many(versions)


def attach_scorecards(records: Sequence[MeetingRecord], leads: Sequence[Lead], versions: list[SlaVersion]) -> None:
    """Give each held lead-quality meeting the scorecard it saw when it ended, as
    ``LiveSession.end`` does (``store/sla/snapshot.py``): the feedback of the meetings up to
    it, the SLA in force, the lists imported. In one pass in date order: each meeting reads
    only the feedback on its two periods' leads."""
    by_period: dict[str, list[Lead]] = {}
    for lead in leads:
        by_period.setdefault(lead.period, []).append(lead)
    given: dict[str, list[Feedback]] = {}
    for record in sorted(records, key=lambda r: (r.meeting.date, r.meeting.id)):
        meeting = record.meeting
        at = meeting_time(meeting)
        for f in record.lead_feedback:
            given.setdefault(f.reference.strip(), []).append(Feedback.of(f, at))
        if meeting.status not in ("ended", "finalized") or not meeting.ended_at:
            continue
        record.scorecard = lines_at(
            record,
            by_period,
            lambda periods: [lead for period in sorted(periods) for lead in by_period.get(period, [])],
            lambda references: [f for reference in sorted(references) for f in given.get(reference, [])],
            versions,
            now=datetime.fromisoformat(meeting.ended_at),
        )
