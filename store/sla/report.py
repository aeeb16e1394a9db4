"""The scorecard of a workspace: its imported leads (``leads.json``), the lead feedback of
every meeting (from the meeting index) with when it was given, and its SLA versions.

A year of imports is a ``leads.json`` of 24,000 leads (12 MB): decoding it alone takes longer
than the rest of a scorecard. So the leads of each period read are kept, once validated, in
the cache folder (``cache/leads/PERIOD.json``, with ``cache/leads/periods.json`` listing the
periods), each bound to the signature of the ``leads.json`` they came from (modification
and change times in nanoseconds, size, inode: what the meeting index binds its entries
with, which a synced folder or another machine cannot reproduce) and to the fingerprint of
the lead record (tandem's version, schema and fields). A file that does not match, cannot
be read or is damaged is ignored and made again from ``leads.json``: deleting the folder
loses nothing. Only a list of :data:`CACHE_FROM` bytes or more is cached: a small one is
read as fast as its cache would be."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import datetime, tzinfo
from typing import Any

import orjson

from tandem.store.atomic import atomic_write_bytes, decode, ensure_dir
from tandem.store.collection import decode_table
from tandem.store.crm.lead import LEADS_FILE, LEADS_TABLE, PERIOD, Lead
from tandem.store.errors import TandemError
from tandem.store.index.shared import fingerprint
from tandem.store.layout import CACHE_DIR
from tandem.store.outside import MAX_DATA_FILE_BYTES, cache_usable, read_outside, read_outside_stat
from tandem.store.records import FUNNEL_STAGES, LeadFeedback, Meeting, Triage
from tandem.store.sla.scorecard import Feedback, Scorecard, compute, previous_period
from tandem.store.sla.versions import load
from tandem.store.workspace import Workspace

__all__ = [
    "CACHE_FROM",
    "LEADS_CACHE",
    "feedback_of",
    "imported_periods",
    "judged_in_meetings",
    "latest_period",
    "leads_of",
    "meeting_time",
    "raised_times",
    "scorecard",
]

#: The folder (in the cache folder) of the leads of each period, validated.
LEADS_CACHE = "leads"
PERIODS_FILE = "periods.json"
FORMAT = 1
#: A ``leads.json`` smaller than this (a few thousand leads) is read whole each time.
CACHE_FROM = 1024 * 1024

Signature = list[int]


def _signature(info: os.stat_result) -> Signature:
    return [info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino]


class _Leads:
    """``leads.json`` of one workspace, read at most once, and its cache (see the module's
    docstring)."""

    def __init__(self, ws: Workspace) -> None:
        self.path = ws.home / LEADS_FILE
        self.home = ws.home
        self.folder = ws.home / CACHE_DIR / LEADS_CACHE
        self.kind = fingerprint(Lead)
        self._tables: dict[str, Any] | None = None
        #: The signature of the bytes ``_tables`` came from (None: changed while read).
        self._read_as: Signature | None = None
        self._caching = False
        try:
            info = os.stat(self.path)
        except OSError:
            self.exists, self.signature = False, None
            return
        self.exists, self.signature = True, _signature(info)
        # Where the meeting index keeps nothing on disk (persist off), neither does this.
        self._caching = info.st_size >= CACHE_FROM and ws.index.persist and self._usable()

    def _usable(self) -> bool:
        """The cache folder may be read and written: in the workspace (a link out of it
        would have tandem read and write elsewhere)."""
        return cache_usable(self.home, self.home / CACHE_DIR)

    # --- the cache --------------------------------------------------------------------------

    def _cached(self, name: str) -> Any:
        """What the cache file ``name`` holds (its ``data``), if it was made from these bytes
        of ``leads.json`` by this tandem; None otherwise."""
        if not self._caching:
            return None
        try:
            found = orjson.loads(read_outside(self.folder / name, within=self.home, limit=MAX_DATA_FILE_BYTES))
        except (OSError, TandemError, orjson.JSONDecodeError):
            return None
        if type(found) is not dict or found.get("format") != FORMAT or found.get("kind") != self.kind or found.get("source") != self.signature:
            return None
        return found.get("data")

    def _keep(self, name: str, data: Any) -> None:
        if not self._caching or self._read_as is None or self._read_as != self.signature:
            return
        try:
            ensure_dir(self.folder)
            atomic_write_bytes(self.folder / name, orjson.dumps({"format": FORMAT, "kind": self.kind, "source": self.signature, "data": data}))
        except OSError:  # a read-only folder, a full disk: read from leads.json next time
            pass

    # --- leads.json ----------------------------------------------------------------------------

    def tables(self) -> dict[str, Any] | None:
        if self._tables is None and self.exists:
            try:
                raw, info = read_outside_stat(self.path, limit=MAX_DATA_FILE_BYTES)
            except FileNotFoundError:
                return None
            self._read_as = _signature(info)
            self._tables = decode(raw, self.path)
        return self._tables

    def periods(self) -> set[str]:
        cached = self._cached(PERIODS_FILE)
        if type(cached) is list and all(type(p) is str for p in cached):
            return set(cached)
        docs = (self.tables() or {}).get(LEADS_TABLE, {})
        if not isinstance(docs, dict):
            return set()  # leads_of names the damaged file
        found = {d["period"] for d in docs.values() if isinstance(d, dict) and isinstance(d.get("period"), str)}
        self._keep(PERIODS_FILE, sorted(found))
        return found

    def of(self, periods: Collection[str] | None) -> list[Lead]:
        if periods is None:
            return decode_table(self.path, self.tables(), LEADS_TABLE, Lead)
        out: list[Lead] = []
        missing = []
        for period in sorted(periods):
            # A period name that is not a month never names a cache file (nor a leads.json
            # period: the lead record refuses it).
            cached = self._cached(f"{period}.json") if PERIOD.match(period) else None
            if type(cached) is list:
                try:
                    out += [Lead.trusted(doc) for doc in cached]
                    continue
                except (TypeError, ValueError, AttributeError, KeyError, TandemError):
                    pass  # not what was kept after all: read from leads.json as any period
            missing.append(period)
        if missing:
            wanted = set(missing)
            found = decode_table(self.path, self.tables(), LEADS_TABLE, Lead, lambda doc: doc.get("period") in wanted)
            out += found
            for period in missing:
                if PERIOD.match(period):
                    self._keep(f"{period}.json", [lead.to_dict() for lead in found if lead.period == period])
        return out


def leads_of(ws: Workspace, periods: Collection[str] | None = None) -> list[Lead]:
    """The imported leads (of ``periods`` only, if given; none before the first import).

    Only the periods asked for are validated, and then kept validated in the cache folder
    (see the module's docstring)."""
    return _Leads(ws).of(periods)


def imported_periods(ws: Workspace) -> set[str]:
    """The periods ``leads.json`` has leads of (read from the documents, none decoded)."""
    return _Leads(ws).periods()


def meeting_time(meeting: Meeting) -> str:
    # A meeting not started yet (feedback typed into a planned one) counts from the end of
    # its day: never earlier than the feedback can have been given.
    return meeting.started_at or f"{meeting.date}T23:59:59"


def raised_times(triage: Iterable[Triage]) -> dict[str, str]:
    """When each lead feedback taken in from a contribution was raised by its rep, by the
    feedback's id."""
    return {row.record_id or row.id: row.created_at for row in triage if row.kind == "lead" and row.created_at}


def feedback_of(ws: Workspace, references: Collection[str] | None = None, *, skip: str = "") -> Iterator[Feedback]:
    """Every lead feedback of every meeting but ``skip`` (on the leads ``references`` only, if
    given: the others are not decoded), timed as the scorecard's docstring says: when the rep
    raised it (a contribution taken into the meeting), else the meeting's start."""
    raised = raised_times(row for _, rows in ws.iter_triage() for row in rows)
    where: Callable[[dict[str, Any]], bool] | None = None
    if references is not None:
        wanted = references

        def where(doc: dict[str, Any]) -> bool:
            reference = doc.get("reference")
            return isinstance(reference, str) and reference.strip() in wanted

    for meeting, rows in ws.iter_lead_feedback(where):
        if meeting.id == skip:
            continue
        at = meeting_time(meeting)
        for f in rows:
            yield Feedback.of(f, raised.get(f.id) or at)


def judged_in_meetings(ws: Workspace, references: Collection[str], *, before: Meeting | None = None) -> dict[str, tuple[str, LeadFeedback]]:
    """The latest feedback a meeting gave on each lead of ``references`` (only those rows
    are decoded), with that meeting's date; with ``before``, of the meetings dated up to it,
    itself left out (what its lead table shows as said earlier)."""
    wanted = set(references)
    found: dict[str, tuple[str, LeadFeedback]] = {}
    # Meetings come in id order (the date first): the last one seen is the latest.
    for held, rows in ws.iter_lead_feedback(lambda doc: doc.get("reference") in wanted):
        if before is not None and (held.id == before.id or held.date > before.date):
            continue
        for row in rows:
            if row.reference in wanted:
                found[row.reference] = (held.date, row)
    return found


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
    leads = _Leads(ws)
    period = period or latest_period(leads.periods(), when)
    read = leads.of({period, previous_period(period)})
    return compute(
        period,
        read,
        feedback_of(ws, {lead.reference for lead in read}),
        load(ws),
        now=when,
        naive_tz=naive_tz,
        funnel=funnel or FUNNEL_STAGES,
    )
