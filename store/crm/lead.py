"""One lead of a CRM's list, as ``leads.json`` keeps it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from tandem.store.crm.statuses import LEAD_STATUSES
from tandem.store.errors import ValidationError
from tandem.store.records import Record, _check_choice, _check_code, _check_str, _check_timestamp

__all__ = ["LEADS_FILE", "LEADS_TABLE", "LEAD_STATUSES", "PERIOD", "TEXT_MAX", "Lead", "lead_id"]

#: The shared file of imported leads, and its one table.
LEADS_FILE = "leads.json"
LEADS_TABLE = "leads"


#: A lead's period: the month whose list it belongs to.
PERIOD = re.compile(r"^\d{4}-(?:0[1-9]|1[0-2])$")

#: Longest text kept of a cell (a source, a campaign, a CRM id).
TEXT_MAX = 200


def lead_id(reference: str) -> str:
    """The record id of the lead the CRM calls ``reference``: derived from it, so that two
    clones importing the same export write the same records and the sync merges them one
    by one. Case is kept: Salesforce's 15-character ids differ by case alone."""
    return "lead-" + hashlib.blake2b(reference.encode("utf-8"), digest_size=8).hexdigest()


@dataclass(kw_only=True, slots=True)
class Lead(Record):
    id: str
    #: The CRM's own id of the lead (HubSpot's Record ID, Salesforce's Lead ID).
    reference: str
    #: The month whose list it belongs to, "YYYY-MM".
    period: str
    created_at: str
    source: str = ""
    campaign: str = ""
    persona: str = ""
    segment: str = ""
    #: A funnel stage code (``[vocabulary] funnel_stages``: mql, sql, …), "" if not given.
    stage: str = ""
    #: One of :data:`LEAD_STATUSES`, "" if not given.
    status: str = ""
    #: When marketing handed it to sales ("" if the CRM did not say).
    handed_over_at: str = ""
    #: When sales first reached out ("" if not yet, or not said).
    first_touch_at: str = ""
    #: When tandem last imported a change to it.
    imported_at: str = ""
    #: The name of the file that change came from.
    file: str = ""

    def _validate(self) -> None:
        _check_str("lead.id", self.id, required=True, max_len=64)
        _check_str("lead.reference", self.reference, required=True, max_len=TEXT_MAX)
        if not isinstance(self.period, str) or not PERIOD.match(self.period):
            raise ValidationError("lead.period", f"{self.period!r} is not a month (YYYY-MM)")
        _check_timestamp("lead.created_at", self.created_at, optional=False)
        for name in ("handed_over_at", "first_touch_at", "imported_at"):
            _check_timestamp(f"lead.{name}", getattr(self, name))
        for name in ("source", "campaign", "persona", "segment", "file"):
            _check_str(f"lead.{name}", getattr(self, name), max_len=TEXT_MAX)
        if self.stage:
            _check_code("lead.stage", self.stage)
        if self.status:
            _check_choice("lead.status", self.status, LEAD_STATUSES)
