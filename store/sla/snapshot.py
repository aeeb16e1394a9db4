"""The scorecard a lead-quality meeting saw, kept in its file.

The minutes of a lead-quality meeting carry the SLA scorecard the meeting discussed. Computed
again at each export, it would drift: a later import updates the leads' statuses and first
touches, a later meeting adds feedback, a new SLA version moves the targets, and minutes
exported in December would say something else in March. So the scorecard is taken once,
when the meeting ends ("as at the meeting"), and kept in the meeting's file (table
``scorecard``); the minutes render what was kept, and re-exports stay byte for byte.

The rules:

* Only a meeting with an agenda item that captures lead feedback has a scorecard, and only
  when there is something to measure or an SLA in force: a team that tracks neither gets no
  table of dashes in its minutes.
* The period is the one the meeting's lead table shows: the meeting's month when a list
  of that month was imported, else the latest imported before it.
* The meeting's own feedback is read from the live session (its latest verdicts may not be
  on disk yet), the rest from the other meetings, as ``tandem sla report`` reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime, tzinfo

from tandem.store.crm.lead import LEADS_FILE, Lead
from tandem.store.records import FUNNEL_STAGES
from tandem.store.sla.record import SLA_FILE, ScorecardLine, SlaVersion
from tandem.store.sla.report import feedback_of, imported_periods, latest_period, leads_of, meeting_time, raised_times
from tandem.store.sla.scorecard import Feedback, Scorecard, compute, previous_period
from tandem.store.sla.versions import load
from tandem.store.workspace import MeetingRecord, Workspace

__all__ = ["lines_at", "lines_of", "shows_scorecard", "take"]


def shows_scorecard(record: MeetingRecord) -> bool:
    """Whether the meeting reviews leads: an agenda item of it captures lead feedback."""
    return any(item.captures == "lead_feedback" for item in record.agenda)


def lines_of(card: Scorecard) -> list[ScorecardLine]:
    """The scorecard's rows as the meeting file keeps them."""
    version = card.sla.version if card.sla is not None else 0
    return [
        ScorecardLine(
            id=row.clause,
            position=position,
            period=card.period,
            last_period=card.last_period,
            sla_version=version,
            title=row.title,
            target=row.target_shown,
            this=row.this.shown,
            last=row.last.shown,
            verdict=row.verdict,
            trend=row.trend_words,
        )
        for position, row in enumerate(card.rows)
    ]


def lines_at(
    record: MeetingRecord,
    periods: Collection[str],
    leads_of: Callable[[set[str]], list[Lead]],
    feedback_on: Callable[[set[str]], Iterable[Feedback]],
    versions: list[SlaVersion],
    *,
    now: datetime,
    naive_tz: tzinfo | None = None,
    funnel: tuple[str, ...] = (),
) -> list[ScorecardLine]:
    """The scorecard lines of ``record`` from its data: the imported ``periods``, the leads of
    some periods (``leads_of``), the feedback on some leads (``feedback_on``) and the SLA's
    versions; none when the meeting reviews no leads, or there is nothing to measure and no
    SLA in force (a table of dashes says nothing)."""
    if not shows_scorecard(record) or (not periods and not versions):
        return []
    month = record.meeting.date[:7]
    period = latest_period(periods, datetime.fromisoformat(f"{month}-01")) if periods else month
    leads = leads_of({period, previous_period(period)}) if periods else []
    card = compute(period, leads, feedback_on({lead.reference for lead in leads}), versions, now=now, naive_tz=naive_tz, funnel=funnel or FUNNEL_STAGES)
    if card.sla is None and not card.leads and not card.last_leads:
        return []
    return lines_of(card)


def _feedback(ws: Workspace, record: MeetingRecord, references: set[str]) -> Iterable[Feedback]:
    here = record.meeting.id
    others = list(feedback_of(ws, references, skip=here))
    at = meeting_time(record.meeting)
    raised = raised_times(record.triage)
    mine = [Feedback.of(f, raised.get(f.id) or at) for f in record.lead_feedback if f.reference.strip() in references]
    return [*others, *mine]


def take(
    ws: Workspace,
    record: MeetingRecord,
    *,
    now: datetime,
    naive_tz: tzinfo | None = None,
    funnel: tuple[str, ...] = (),
) -> list[ScorecardLine]:
    """The scorecard lines of ``record`` (a live or ended meeting) as at ``now``; none when
    the meeting reviews no leads or the workspace tracks neither leads nor an SLA.
    ``funnel``: the team's funnel stages (config.toml's), tandem's own if empty."""
    if not shows_scorecard(record):
        return []
    has_leads, has_sla = (ws.home / LEADS_FILE).exists(), (ws.home / SLA_FILE).exists()
    return lines_at(
        record,
        imported_periods(ws) if has_leads else set(),
        lambda periods: leads_of(ws, periods),
        lambda references: _feedback(ws, record, references),
        load(ws) if has_sla else [],
        now=now,
        naive_tz=naive_tz,
        funnel=funnel,
    )
