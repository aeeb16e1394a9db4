"""``tandem export crm``: the meetings' lead feedback back into the CRM, as files its import
wizard takes as an update, and the action items as tasks.

``leads.csv`` has one row per lead that has feedback, keyed by the column the CRM's import
matches existing records on (HubSpot's Record ID, Salesforce's Lead ID), with the lead's
status and disqualification reasons written as the CRM's own values (``[crm.status_export]``,
``[crm.reason_export]``), so the import updates the lead instead of creating a duplicate and
no dropdown value is skipped. A lead reviewed in several meetings gets the latest meeting's
feedback. ``tasks.csv`` has the open and done action items (subject, due date, owner, status,
and the lead they are about when their agenda item reviewed exactly one).

Both files are UTF-8 without a byte-order mark, CRLF-terminated (RFC 4180): HubSpot's import
asks for UTF-8, and Salesforce's Data Loader reads UTF-8 ("Read all CSVs with UTF-8
encoding") but keeps a BOM as part of the first header, so the id column would no longer map
by name; its Data Import Wizard lets you pick UTF-8. Cells are sorted and written the same
way every time, so an export of unchanged feedback is byte for byte the one before and is
not rewritten. Every cell that a spreadsheet would run as a formula is quoted as text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from tandem.store.crm.lead import LEADS_FILE, lead_id
from tandem.store.crm.settings import CrmMapping
from tandem.store.errors import UsageError
from tandem.store.minutes.export import prepare_folder, write_if_changed
from tandem.store.outside import clean_text, one_line
from tandem.store.records import ActionItem, LeadFeedback
from tandem.store.workspace import Workspace

LEADS_CSV = "leads.csv"
TASKS_CSV = "tasks.csv"
#: What a lead's feedback decided, as the lead status tandem maps to the CRM's.
_STATUS_OF = {"accepted": "accepted", "rejected": "rejected", "recycled": "recycled"}
#: Multi-select values in one cell: both CRMs' imports split a multiple-checkbox (HubSpot) or
#: multi-select picklist (Salesforce) value on ";".
_MULTI = ";"


@dataclass(frozen=True, slots=True)
class _TaskLayout:
    """The columns of a CRM's task import and its task status values."""

    subject: str
    due: str
    owner: str
    status: str
    related: str
    statuses: dict[str, str]


# HubSpot imports tasks on their own (Task Title, Due Date, Task Status with its internal
# values NOT_STARTED / COMPLETED, Assigned To, and the associated contact's Record ID);
# Salesforce's Task object has Subject, Due Date (ActivityDate), Status ("Not Started",
# "Completed"), Assigned To (OwnerId) and Name (WhoId, the lead), loaded with Data Loader.
TASK_LAYOUTS = {
    "hubspot": _TaskLayout("Task Title", "Due Date", "Assigned To", "Task Status", "Contact Record ID", {"open": "NOT_STARTED", "done": "COMPLETED"}),
    "salesforce": _TaskLayout("Subject", "Due Date", "Assigned To", "Status", "Lead ID", {"open": "Not Started", "done": "Completed"}),
}
_PLAIN = _TaskLayout("Subject", "Due Date", "Owner", "Status", "Lead", {"open": "Open", "done": "Done"})


@dataclass(slots=True)
class CrmExportResult:
    """What an export wrote."""

    leads: int = 0
    tasks: int = 0
    #: Leads whose feedback names an id no imported list has (written all the same: a typed
    #: id may be right; the CRM's import says which it cannot match).
    unknown: list[str] = field(default_factory=list)
    #: Feedback left out: references no imported list has that cannot be a CRM id (words
    #: with spaces: "Batch: webinar upload (55 leads)"), which an import wizard would make a
    #: new record of.
    left_out: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.leads and not self.tasks


def safe_cell(value: str) -> str:
    """A cell no spreadsheet runs: control characters and escape sequences gone, and a value
    whose first non-blank character starts a formula (= + - @, or a tab or carriage return)
    quoted as text with a leading apostrophe, as tandem's other CSV export does."""
    text = clean_text(value)
    first = text.lstrip(" ")[:1]
    return "'" + text if first in ("=", "+", "-", "@", "\t", "\r") or text[:1] in ("\t", "\r") else text


def _csv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _value(table: dict[str, str], code: str, key: str) -> str:
    found = table.get(code)
    if found is None:
        raise UsageError(f'No value for {code!r} under [crm.{key}] in config.toml; add one, like {code} = "Your CRM\'s value".')
    return found


def latest_feedback(ws: Workspace) -> tuple[dict[str, LeadFeedback], dict[tuple[str, str], set[str]]]:
    """Each lead's latest feedback by its CRM id (meetings in id order, which starts with the
    date; rows in the order they were taken), and the leads each agenda item reviewed
    ((meeting id, agenda item id) → CRM ids)."""
    latest: dict[str, LeadFeedback] = {}
    per_item: dict[tuple[str, str], set[str]] = {}
    # The lead feedback table of each meeting with its header, the way iter_actions reads its
    # own; the workspace has no public reader of it by meeting yet.
    for meeting, rows in ws.iter_lead_feedback():
        for row in rows:
            latest[row.reference] = row
            per_item.setdefault((meeting.id, row.agenda_item_id), set()).add(row.reference)
    return latest, per_item


def _lead_rows(ws: Workspace, mapping: CrmMapping, result: CrmExportResult) -> tuple[tuple[str, ...], list[tuple[str, ...]], dict[tuple[str, str], str]]:
    """The header and rows of ``leads.csv``, and the lead each agenda item reviewed alone
    (meeting id, agenda item id → CRM id) for the tasks' related record."""
    from tandem.store.atomic import read_file

    id_column = mapping.column("reference")
    status_column = mapping.column("status")
    reason_column = mapping.column("reason")
    header = tuple(c for c in (id_column, status_column, reason_column) if c)
    known = set((read_file(ws.home / LEADS_FILE) or {}).get("leads", {}))
    latest, per_item = latest_feedback(ws)
    rows: list[tuple[str, ...]] = []
    for reference, feedback in sorted(latest.items()):
        if lead_id(reference) not in known:
            if len(reference.split()) != 1:
                result.left_out.append(reference)
                continue
            result.unknown.append(reference)
        cells = [reference]
        if status_column:
            cells.append(_value(mapping.status_export, _STATUS_OF[feedback.disposition], "status_export"))
        if reason_column:
            cells.append(_MULTI.join(_value(mapping.reason_export, code, "reason_export") for code in feedback.reasons))
        rows.append(tuple(cells))
    alone = {item: min(refs) for item, refs in per_item.items() if len(refs) == 1 and item[1]}
    return header, rows, alone


def _task_rows(ws: Workspace, layout: _TaskLayout, alone: dict[tuple[str, str], str]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    actions: list[ActionItem] = [a for _, items in ws.iter_actions() for a in items if a.status in layout.statuses]
    for action in sorted(actions, key=lambda a: (a.due or "9999-99-99", a.meeting_id, a.id)):
        related = alone.get((action.meeting_id, action.agenda_item_id), "")
        rows.append((one_line(action.text, 255), action.due, action.owner, layout.statuses[action.status], related))
    return rows


def export_crm(ws: Workspace, mapping: CrmMapping, out: Path) -> CrmExportResult:
    """Write ``leads.csv`` and ``tasks.csv`` into ``out`` for the CRM ``mapping`` describes;
    files whose bytes would not change are left untouched. Nothing is written when no lead
    has feedback and no action item is open or done (the result says it is empty)."""
    result = CrmExportResult()
    header, leads, alone = _lead_rows(ws, mapping, result)
    layout = TASK_LAYOUTS.get(mapping.preset, _PLAIN)
    tasks = _task_rows(ws, layout, alone)
    result.leads, result.tasks = len(leads), len(tasks)
    if result.empty:
        return result
    paths = (out / LEADS_CSV, out / TASKS_CSV)
    prepare_folder(out, paths)
    task_header = (layout.subject, layout.due, layout.owner, layout.status, layout.related)
    for path, data in ((paths[0], _csv(header, leads)), (paths[1], _csv(task_header, tasks))):
        (result.written if write_if_changed(path, data) else result.unchanged).append(path)
    return result
