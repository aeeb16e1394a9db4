"""Which files a workspace holds, and which record kind lives in each table."""

from __future__ import annotations

from tandem.store.crm.lead import Lead
from tandem.store.records import (
    ActionItem,
    AgendaItem,
    ContentItem,
    Decision,
    LeadFeedback,
    Meeting,
    Objective,
    ParkedItem,
    ProspectInsight,
    Record,
    Series,
    ShadowDay,
    Triage,
)
from tandem.store.sla.record import SCORECARD_TABLE, ScorecardLine, SlaVersion

MEETINGS_DIR = "meetings"
SNAPSHOTS_DIR = "snapshots"
#: Half-typed capture forms kept when tandem was closed by its terminal (store/drafts.py).
DRAFTS_DIR = "drafts"
#: Derived files only (the meeting index, the export manifest): never the source of truth,
#: never committed to git, deleted at will — tandem rebuilds what it needs from the data.
CACHE_DIR = "cache"
#: One file per person of what they contributed between meetings (``store/contrib``):
#: ``contributions/<slug of their name>.json``, written only by that person's tandem.
CONTRIBUTIONS_DIR = "contributions"
#: The one table of a contributions file.
CONTRIBUTIONS_TABLE = "contributions"
WORKSPACE_FILE = "workspace.json"
#: The key of workspace.json's one document, which has no id of its own: the "1" TinyDB's
#: counter gave it before records were keyed by their ids (schema 5), kept as it was.
INFO_KEY = "1"

#: Small workspace-wide files: file name → (file kind, table, record type).
SHARED_FILES: dict[str, tuple[str, str, type[Record]]] = {
    "series.json": ("series", "series", Series),
    "objectives.json": ("objectives", "objectives", Objective),
    "content.json": ("content", "content", ContentItem),
    "insights.json": ("insights", "insights", ProspectInsight),
    "shadow_days.json": ("shadow_days", "shadow_days", ShadowDay),
    #: Lead lists imported from the team's CRM (``store/crm``), keyed by the CRM's id.
    "leads.json": ("leads", "leads", Lead),
    #: The sales–marketing SLA (``store/sla``): every version agreed, none ever edited.
    "sla.json": ("sla", "sla", SlaVersion),
}

#: Any data file may also hold this table: what ``tandem sync`` decided when two machines
#: changed the same field (the value that lost, see ``store/sync/merge.py``), so that the
#: losing value travels with the file and nobody loses a word. Every writer keeps it.
CONFLICTS_TABLE = "conflicts"

#: Tables of one meeting file (``meetings/<meeting id>.json``).
MEETING_TABLES: dict[str, type[Record]] = {
    "meeting": Meeting,
    "agenda": AgendaItem,
    "lead_feedback": LeadFeedback,
    "decisions": Decision,
    "actions": ActionItem,
    "parking_lot": ParkedItem,
    "triage": Triage,
    #: The SLA scorecard a lead-quality meeting saw when it ended (``store/sla/snapshot.py``).
    SCORECARD_TABLE: ScorecardLine,
}
