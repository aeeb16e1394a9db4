"""``tandem import leads``: a CRM's CSV export into ``leads.json``.

The file is streamed — read a line at a time, decoded and parsed as it goes — so a 100 MB
export costs what its leads cost, not what its other ninety columns do. Every problem is one
sentence naming the file and the line. Only the mapped columns are read; a name, an e-mail
or a phone number never leaves the row it was in.

Each lead is stored under an id derived from the CRM's id (:func:`~tandem.store.crm.lead.lead_id`):
re-importing the same export finds every lead as it is and writes nothing; an updated export
rewrites only the leads that changed (their ``imported_at`` and ``file`` with them); a lead
the file does not list is kept as it was (an export may be filtered).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from tandem.store.atomic import atomic_write_bytes, encode, read_file
from tandem.store.crm.lead import LEAD_STATUSES, LEADS_FILE, LEADS_TABLE, PERIOD, TEXT_MAX, Lead, lead_id
from tandem.store.crm.settings import DATE_FIELDS, FIELDS, REQUIRED, CrmMapping, normal
from tandem.store.errors import CorruptFileError, TandemError, UsageError, ValidationError
from tandem.store.layout import SHARED_FILES
from tandem.store.minutes.export import _csv_safe as neutralised
from tandem.store.outside import clean_text, one_line
from tandem.store.records import SEQ
from tandem.store.workspace import Workspace

#: The fields whose values repeat from lead to lead: kept once in memory, however many leads.
_SHARED_VALUES = ("source", "campaign", "persona", "segment", "stage", "status", "period")
#: How often (in rows) the progress callback is told how far the reading got.
PROGRESS_EVERY = 2000


class LeadFileError(TandemError):
    """A CSV export tandem cannot import, at a line of it (exit 1)."""

    def __init__(self, path: Path | str, line: int, detail: str) -> None:
        super().__init__(f"{path}:{line}: {detail}")
        self.path = str(path)
        self.line = line
        self.detail = detail


@dataclass(slots=True)
class ImportResult:
    """What an import did."""

    #: The file imported, as given.
    file: str
    #: Rows read (leads listed in the file).
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Mapped columns the file does not have (their fields stay empty).
    missing: list[str] = field(default_factory=list)
    #: Leads of the file by period ("2026-11" → how many).
    periods: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "missing_columns": self.missing,
            "periods": self.periods,
        }


# --- dates ----------------------------------------------------------------------------------

#: ISO dates, with a time after "T" or a blank, seconds, fractions and a zone optional.
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
#: 11/03/2026, 3.11.2026, with a time (12-hour with AM/PM, or 24-hour) optional.
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")


def parse_when(text: str, date_order: str = "mdy") -> str | None:
    """``text`` as an ISO timestamp ("2026-11-03T14:05:00"), or None if it is no date in a
    form CRMs export: ISO ("2026-11-03", "2026-11-03 14:05", "2026-11-03T14:05:00Z") or
    slashed ("11/03/2026 2:05 PM", month first unless ``date_order`` is "dmy")."""
    try:
        if _ISO.match(text):
            return datetime.fromisoformat(text.replace(" ", "T", 1)).isoformat(timespec="seconds")
        found = _SLASHED.match(text)
        if found is None:
            return None
        first, second, year, hour, minute, second_s, half = found.groups()
        month, day = (int(first), int(second)) if date_order == "mdy" else (int(second), int(first))
        h = int(hour or 0)
        if half:
            if not 1 <= h <= 12:
                return None
            h = h % 12 + (12 if half.lower() == "pm" else 0)
        return datetime(int(year), month, day, h, int(minute or 0), int(second_s or 0)).isoformat(timespec="seconds")
    except ValueError:
        return None


# --- reading the file -----------------------------------------------------------------------


class _Source:
    """The file's lines, decoded one at a time, for :mod:`csv`; counts bytes for a progress
    bar. A line that is not UTF-8 is reported by its number and its first bad byte."""

    def __init__(self, raw: IO[bytes], shown: str) -> None:
        self.raw = raw
        self.shown = shown
        self.line = 0
        self.bytes = 0

    def __iter__(self) -> Iterator[str]:
        for chunk in self.raw:  # split at b"\n", which no UTF-8 sequence holds
            self.line += 1
            self.bytes += len(chunk)
            if self.line == 1 and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                raise LeadFileError(self.shown, 1, "UTF-16 text; export it as UTF-8 (CSV UTF-8 in Excel)")
            try:
                text = chunk.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise LeadFileError(self.shown, self.line, f"not UTF-8 text (byte 0x{chunk[exc.start]:02x}); export it as UTF-8") from None
            yield text[1:] if self.line == 1 and text.startswith("\ufeff") else text


def _separator(header: str) -> str:
    """The separator of a file by its header line: the most frequent of , ; and tab
    (Excel in much of Europe writes ; as it uses , for decimals)."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def _rows(source: _Source) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each row of the file, the header first; quoted line breaks
    make a row span lines."""
    lines = iter(source)
    header = next(lines, None)
    if header is None or not header.strip():
        raise LeadFileError(source.shown, 1, "no header row: the file is empty or starts with a blank line")

    def chained() -> Iterator[str]:
        yield header
        yield from lines

    reader = csv.reader(chained(), delimiter=_separator(header), strict=True)
    while True:
        start = source.line + 1 if reader.line_num else 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise LeadFileError(source.shown, max(source.line, 1), f"not valid CSV ({str(exc).rstrip('.')})") from None
        yield start, row


@dataclass(slots=True)
class _Columns:
    """Where each mapped field is in the rows."""

    at: dict[str, int]
    width: int
    missing: list[str]


def _columns(shown: str, header: list[str], mapping: CrmMapping) -> _Columns:
    names = [normal(clean_text(c)) for c in header]
    where: dict[str, int] = {}
    for n, name in enumerate(names):
        where.setdefault(name, n)
    at: dict[str, int] = {}
    missing: list[str] = []
    for name in FIELDS:
        column = mapping.column(name)
        if not column:
            if name in REQUIRED:
                raise UsageError(f"No column is named for the {name.replace('_', ' ')} of a lead: set it under [crm.columns] in config.toml.")
            continue
        wanted = normal(column)
        if names.count(wanted) > 1:
            raise LeadFileError(shown, 1, f"two columns are named {one_line(column, 60)!r}; tandem cannot tell which to read")
        if wanted in where:
            at[name] = where[wanted]
        elif name in REQUIRED:
            found = ", ".join(one_line(c, 40) for c in header[:12] if c.strip()) + (", …" if len(header) > 12 else "")
            raise LeadFileError(
                shown, 1, f"no column {one_line(column, 60)!r} ({mapping.described()} {name.replace('_', ' ')}); columns found: {found or 'none'}"
            )
        else:
            missing.append(column)
    return _Columns(at, len(header), missing)


def _text(value: str) -> str:
    """A cell as stored: no escape sequences or control characters, no blanks around, and
    inert in a spreadsheet (a leading = + - @ quoted, as tandem's CSV export does)."""
    return neutralised(clean_text(value).strip())


@dataclass(slots=True)
class _Reader:
    shown: str
    mapping: CrmMapping
    period: str | None
    imported_at: str
    file: str
    status: dict[str, str] = field(init=False)
    stage: dict[str, str] = field(init=False)
    shared: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.status = self.mapping.lookup("status")
        self.stage = self.mapping.lookup("stage")

    def lead(self, line: int, row: list[str], columns: _Columns) -> dict[str, Any]:
        values: dict[str, str] = {}
        for name, n in columns.at.items():
            raw = row[n]
            column = one_line(self.mapping.column(name), 60)
            if name in DATE_FIELDS:
                text = clean_text(raw).strip()
                when = parse_when(text, self.mapping.date_order) if text else ""
                if when is None:
                    example = "31/12/2026 2:05 PM" if self.mapping.date_order == "dmy" else "12/31/2026 2:05 PM"
                    raise LeadFileError(self.shown, line, f"{column} {one_line(text, 40)!r} is not a date tandem reads (like 2026-12-31 14:05 or {example})")
                values[name] = when
            elif name in ("status", "stage"):
                text = clean_text(raw).strip()
                known = self.status if name == "status" else self.stage
                if text and normal(text) not in known:
                    example = f' = "{LEAD_STATUSES[1]}"' if name == "status" else ' = "mql"'
                    raise LeadFileError(
                        self.shown,
                        line,
                        f"{column} {one_line(text, 40)!r} is not in [crm.{name}] of config.toml; add it there (as {one_line(text, 40)!r}{example})",
                    )
                values[name] = known[normal(text)] if text else ""
            else:
                text = _text(raw)
                if len(text) > TEXT_MAX:
                    raise LeadFileError(self.shown, line, f"{column} is {len(text)} characters long; at most {TEXT_MAX} are kept")
                values[name] = text
        reference = values.get("reference", "")
        if not reference:
            raise LeadFileError(self.shown, line, f"the lead has no {one_line(self.mapping.column('reference'), 60)}")
        if not values.get("created_at"):
            raise LeadFileError(self.shown, line, f"lead {one_line(reference, 40)} has no {one_line(self.mapping.column('created_at'), 60)}")
        values["period"] = self.period or values["created_at"][:7]
        for name in _SHARED_VALUES:
            if name in values:
                values[name] = self.shared.setdefault(values[name], values[name])
        try:
            lead = Lead(id=lead_id(reference), imported_at=self.imported_at, file=self.file, **values)
        except ValidationError as exc:
            raise LeadFileError(self.shown, line, f"lead {one_line(reference, 40)}: {exc}") from None
        return lead.to_dict()


def read_leads(
    path: Path,
    mapping: CrmMapping,
    *,
    period: str | None = None,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    shown: str | None = None,
) -> tuple[dict[str, dict[str, Any]], ImportResult]:
    """The leads of a CSV export, each as its record's dict by id (in the file's order),
    and what was read. ``progress`` is told the bytes read so far, now and then; ``shown``
    is how sentences name the file (default: ``path``)."""
    label = shown if shown is not None else str(path)
    if period is not None and not PERIOD.match(period):
        raise UsageError(f"--period {one_line(period, 20)!r} is not a month; give it as YYYY-MM, like 2026-11.")
    when = (now or datetime.now()).isoformat(timespec="seconds")
    result = ImportResult(file=label)
    reader = _Reader(label, mapping, period, when, one_line(path.name, TEXT_MAX))
    docs: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    try:
        raw = path.open("rb")
    except IsADirectoryError:
        raise UsageError(f"{label} is a folder; give the CSV file the CRM exported.") from None
    with raw:
        source = _Source(raw, label)
        rows = _rows(source)
        _, header = next(rows)
        columns = _columns(label, header, mapping)
        result.missing = columns.missing
        for line, row in rows:
            if not any(cell.strip() for cell in row):
                continue  # a blank line, or a row of empty cells
            if len(row) != columns.width:
                raise LeadFileError(label, line, f"{len(row)} cells where the header has {columns.width}; is a separator or a quote out of place?")
            doc = reader.lead(line, row, columns)
            key = doc["id"]
            if key in lines:
                raise LeadFileError(label, line, f"lead {one_line(doc['reference'], 40)} is listed twice (first on line {lines[key]})")
            lines[key] = line
            docs[key] = doc
            result.rows += 1
            result.periods[doc["period"]] = result.periods.get(doc["period"], 0) + 1
            if progress is not None and result.rows % PROGRESS_EVERY == 0:
                progress(source.bytes)
        if progress is not None:
            progress(source.bytes)
    result.periods = dict(sorted(result.periods.items()))
    return docs, result


# --- storing ----------------------------------------------------------------------------------

#: What an import writes of a lead that says nothing about the lead itself.
_BOOKKEEPING = ("imported_at", "file")


def _same(stored: Any, doc: dict[str, Any]) -> bool:
    """Whether the stored document says what the import read (when and from which file it
    was imported aside)."""
    if not isinstance(stored, dict) or stored.keys() - {SEQ} != doc.keys():
        return False
    return all(stored[k] == v for k, v in doc.items() if k not in _BOOKKEEPING)


def import_leads(
    ws: Workspace,
    path: Path,
    mapping: CrmMapping,
    *,
    period: str | None = None,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    shown: str | None = None,
) -> ImportResult:
    """Import the CSV export ``path`` into the workspace's ``leads.json``: new leads added,
    changed ones rewritten in place (keeping their place in the file), the rest untouched.
    Nothing is written when nothing changed, so the file stays byte for byte as it was."""
    docs, result = read_leads(path, mapping, period=period, now=now, progress=progress, shown=shown)
    target = ws.home / LEADS_FILE
    with ws.short_lock(target):
        tables = read_file(target) or {}
        stored = tables.get(LEADS_TABLE, {})
        if not isinstance(stored, dict):
            raise CorruptFileError(target, f"table {LEADS_TABLE!r} is not an object")
        top = max((d.get(SEQ, 0) for d in stored.values() if isinstance(d, dict) and type(d.get(SEQ, 0)) is int), default=0)
        for key in list(docs):
            doc = docs.pop(key)  # one copy at a time: the file's dict takes it over
            old = stored.get(key)
            if _same(old, doc):
                result.unchanged += 1
                continue
            if isinstance(old, dict) and type(old.get(SEQ)) is int:
                doc[SEQ] = old[SEQ]
            else:
                top += 1
                doc[SEQ] = top
            if old is None:
                result.new += 1
            else:
                result.updated += 1
            stored[key] = doc
        if result.new or result.updated:
            tables[LEADS_TABLE] = stored
            ws.before_write(target)
            atomic_write_bytes(target, encode(tables, SHARED_FILES[LEADS_FILE][0]))
    return result


def stored_leads(ws: Workspace) -> list[Lead]:
    """The workspace's imported leads, in their kept order (validated: a bad record names
    the file)."""
    from tandem.store.collection import decode_table

    target = ws.home / LEADS_FILE
    return decode_table(target, read_file(target), LEADS_TABLE, Lead)
