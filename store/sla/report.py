"""The scorecard of a workspace: its imported leads (``leads.json``), the lead feedback of
every meeting (from the meeting index) with when it was given, and its SLA versions."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import datetime, tzinfo

from tandem.store.atomic import read_file
from tandem.store.collection import decode_table
from tandem.store.crm.lead import LEADS_FILE, LEADS_TABLE, Lead
from tandem.store.records import FUNNEL_STAGES, Meeting
from tandem.store.sla.scorecard import Feedback, Scorecard, compute, previous_period
from tandem.store.sla.versions import load
from tandem.store.workspace import Workspace

__all__ = ["feedback_of", "imported_periods", "latest_period", "leads_of", "scorecard"]


def leads_of(ws: Workspace, periods: Collection[str] | None = None) -> list[Lead]:
    """The imported leads (of ``periods`` only, if given; none before the first import).

    A year of imports is 24,000 leads: only the two months a scorecard reads are validated
    (the rest would be three quarters of a second of the report)."""
    path = ws.home / LEADS_FILE
    where = None if periods is None else (lambda doc: doc.get("period") in periods)
    return decode_table(path, read_file(path), LEADS_TABLE, Lead, where)


def imported_periods(ws: Workspace) -> set[str]:
    """The periods ``leads.json`` has leads of (read from the documents, none decoded)."""
    docs = (read_file(ws.home / LEADS_FILE) or {}).get(LEADS_TABLE, {})
    if not isinstance(docs, dict):
        return set()  # leads_of names the damaged file
    return {d["period"] for d in docs.values() if isinstance(d, dict) and isinstance(d.get("period"), str)}


def _meeting_time(meeting: Meeting) -> str:
    # A meeting not started yet (feedback typed into a planned one) counts from the end of
    # its day: never earlier than the feedback can have been given.
    return meeting.started_at or f"{meeting.date}T23:59:59"


def feedback_of(ws: Workspace) -> Iterator[Feedback]:
    """Every lead feedback of every meeting, timed as the scorecard's docstring says: when
    the rep raised it (a contribution taken into the meeting), else the meeting's start."""
    raised = {row.record_id or row.id: row.created_at for _, rows in ws.iter_triage() for row in rows if row.kind == "lead" and row.created_at}
    for record in ws.iter_meeting_records(only=("lead_feedback",)):
        for f in record.lead_feedback:
            yield Feedback(
                reference=f.reference.strip(),
                at=raised.get(f.id) or _meeting_time(record.meeting),
                disposition=f.disposition,
                reasons=tuple(f.reasons),
                stage_reached=f.stage_reached,
            )


def latest_period(periods: Iterable[str], now: datetime) -> str:
    """The latest period imported, not after this month; this month if none is."""
    this_month = now.strftime("%Y-%m")
    return max((p for p in periods if p <= this_month), default=this_month)


def scorecard(
    ws: Workspace,
    period: str | None = None,
    *,
    now: datetime | None = None,
    naive_tz: tzinfo | None = None,
    funnel: tuple[str, ...] = (),
) -> Scorecard:
    """The scorecard of ``period`` (default: :func:`latest_period`) and the one before."""
    when = now or ws.now()
    period = period or latest_period(imported_periods(ws), when)
    return compute(
        period,
        leads_of(ws, {period, previous_period(period)}),
        feedback_of(ws),
        load(ws),
        now=when,
        naive_tz=naive_tz,
        funnel=funnel or FUNNEL_STAGES,
    )
