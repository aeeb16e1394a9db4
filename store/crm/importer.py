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
import hashlib
import json
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import orjson

from tandem.store.atomic import HEADER_KEY, SCHEMA_VERSION, atomic_write_bytes, decode, encode, read_file, read_regular
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
            if "new-line character seen in unquoted field" in str(exc):
                # Python's own words ask for "universal-newline mode": the user's fix is the export.
                raise LeadFileError(source.shown, max(source.line, 1), "its lines end in a bare CR (an old Mac format); export it as CSV UTF-8") from None
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


def _read(
    path: Path,
    mapping: CrmMapping,
    result: ImportResult,
    *,
    period: str | None,
    when: str,
    progress: Callable[[int], None] | None,
) -> Iterator[dict[str, Any]]:
    """Each lead of the file as its record's dict, in the file's order, one at a time;
    ``result`` counts the rows and periods as they go by."""
    label = result.file
    reader = _Reader(label, mapping, period, when, one_line(path.name, TEXT_MAX))
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
            result.rows += 1
            result.periods[doc["period"]] = result.periods.get(doc["period"], 0) + 1
            if progress is not None and result.rows % PROGRESS_EVERY == 0:
                progress(source.bytes)
            yield doc
        if progress is not None:
            progress(source.bytes)
    result.periods = dict(sorted(result.periods.items()))


def _start(period: str | None, now: datetime | None, path: Path, shown: str | None) -> tuple[str, ImportResult]:
    if period is not None and not PERIOD.match(period):
        raise UsageError(f"--period {one_line(period, 20)!r} is not a month; give it as YYYY-MM, like 2026-11.")
    return (now or datetime.now()).isoformat(timespec="seconds"), ImportResult(file=shown if shown is not None else str(path))


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
    when, result = _start(period, now, path, shown)
    docs = {doc["id"]: doc for doc in _read(path, mapping, result, period=period, when=when, progress=progress)}
    return docs, result


# --- storing ----------------------------------------------------------------------------------

#: What an import writes of a lead that says nothing about the lead itself.
_BOOKKEEPING = ("imported_at", "file")


def _digest(doc: Any) -> bytes | None:
    """What a lead says, as 16 bytes: equal for two documents exactly when the import finds
    the lead unchanged (the same fields with the same values, when and from which file it
    was imported aside; the order kept in the file aside). None for a document that is not
    an object, which is never unchanged."""
    if not isinstance(doc, dict):
        return None
    said = {k: (None if k in _BOOKKEEPING else v) for k, v in doc.items() if k != SEQ}
    try:
        text = orjson.dumps(said, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # not what an import writes: never the same as a lead read
        return None
    return hashlib.blake2b(text, digest_size=16).digest()


@dataclass(slots=True)
class _Known:
    """What ``leads.json`` said when the import compared against it: a digest per lead (a
    few dozen bytes where the parsed lead takes a kilobyte), and the file's own digest, so
    that under the lock a glance tells whether another import wrote in the meantime."""

    digests: dict[str, bytes | None]
    fingerprint: bytes | None

    @classmethod
    def of(cls, target: Path, raw: bytes | None) -> _Known:
        if raw is None:
            return cls({}, None)
        digests = _walk(raw)
        if digests is None:  # not as tandem writes it: the full decode says what is wrong, or reads it
            digests = {key: _digest(doc) for key, doc in _table(target, decode(raw, target)).items()}
        return cls(digests, _fingerprint(raw))


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity: not JSON, and orjson refuses them


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
_BLANK = re.compile(r"[ \t\n\r]*")


def _walk(raw: bytes) -> dict[str, bytes | None] | None:
    """The digest of each lead of ``leads.json``, decoding one lead at a time: the whole file
    parsed at once takes three times its size (170 MB for 100,000 leads). None when the file
    is anything but this schema's tables of objects (an older schema to migrate, a newer one,
    broken JSON): the caller decodes it whole, which migrates or names the problem."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    scan = _DECODER.raw_decode

    def skip(at: int) -> int:
        return _BLANK.match(text, at).end()  # type: ignore[union-attr]

    def members(at: int) -> Generator[tuple[str, int], int, None]:
        """Each name of the object at ``at`` with where its value starts; the caller scans
        the value and sends back where it ends. Stops at the closing brace."""
        if text[at : at + 1] != "{":
            raise ValueError("{")
        at = skip(at + 1)
        if text[at : at + 1] == "}":
            yield "", at + 1
            return
        while True:
            name, at = scan(text, at)
            at = skip(at)
            if not isinstance(name, str) or text[at : at + 1] != ":":
                raise ValueError(":")
            end = yield name, skip(at + 1)
            at = skip(end)
            if text[at : at + 1] == "}":
                yield "", at + 1
                return
            if text[at : at + 1] != ",":
                raise ValueError(",")
            at = skip(at + 1)

    digests: dict[str, bytes | None] = {}
    header = False
    try:
        top = members(skip(0))
        name, at = next(top)
        while name:
            if name == LEADS_TABLE:
                leads = members(at)
                key, at = next(leads)
                while key:
                    doc, at = scan(text, at)
                    digests[key] = _digest(doc)
                    key, at = leads.send(at)
            else:
                value, at = scan(text, at)
                if not isinstance(value, dict):
                    return None
                if name == HEADER_KEY:
                    header = value.get("schema") == SCHEMA_VERSION
            name, at = top.send(at)
        if not header or text[at:].strip():
            return None
    except (ValueError, IndexError, StopIteration):
        return None
    return digests


def _fingerprint(raw: bytes | None) -> bytes | None:
    return None if raw is None else hashlib.blake2b(raw, digest_size=16).digest()


def _raw(target: Path) -> bytes | None:
    try:
        return read_regular(target)
    except FileNotFoundError:
        return None


def _table(target: Path, tables: dict[str, Any]) -> dict[str, Any]:
    stored = tables.get(LEADS_TABLE, {})
    if not isinstance(stored, dict):
        raise CorruptFileError(target, f"table {LEADS_TABLE!r} is not an object")
    return stored


def _changes(leads: Iterator[dict[str, Any]], known: _Known, result: ImportResult) -> list[dict[str, Any]]:
    """The leads that are new or changed, in the file's order; the others are counted and
    dropped as they are read, so a re-import holds the stored leads' digests only."""
    changed: list[dict[str, Any]] = []
    result.new = result.updated = result.unchanged = 0
    for doc in leads:
        key = doc["id"]
        if key not in known.digests:
            result.new += 1
        elif known.digests[key] is not None and known.digests[key] == _digest(doc):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        changed.append(doc)
    return changed


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
    Nothing is written when nothing changed, so the file stays byte for byte as it was.

    The file is compared with ``leads.json`` as it is read, against the stored leads'
    digests, so the stored leads and the file's are never all in memory at once: a
    re-import of an unchanged export holds neither."""
    when, result = _start(period, now, path, shown)
    target = ws.home / LEADS_FILE
    known = _Known.of(target, _raw(target))
    changed = _changes(_read(path, mapping, result, period=period, when=when, progress=progress), known, result)
    with ws.short_lock(target):
        raw = _raw(target)
        if _fingerprint(raw) != known.fingerprint:
            # Another import (or a sync) wrote in the meantime: compare again, under the lock
            # this time so nothing moves; rare, so no progress bar runs backwards for it.
            changed = []
            known = _Known.of(target, raw)
            result = ImportResult(file=result.file)
            changed = _changes(_read(path, mapping, result, period=period, when=when, progress=None), known, result)
        del known
        if changed:
            tables = decode(raw, target) if raw is not None else {}
            del raw
            stored = _table(target, tables)
            top = max((d.get(SEQ, 0) for d in stored.values() if isinstance(d, dict) and type(d.get(SEQ, 0)) is int), default=0)
            for doc in changed:
                old = stored.get(doc["id"])
                if isinstance(old, dict) and type(old.get(SEQ)) is int:
                    doc[SEQ] = old[SEQ]
                else:
                    top += 1
                    doc[SEQ] = top
                stored[doc["id"]] = doc
            del changed
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


def leads_for(ws: Workspace, period: str) -> tuple[str, list[Lead]]:
    """The imported leads of ``period`` ("YYYY-MM"), or of the latest period imported when
    that month has none, with the period they are of ("" and none: nothing imported)."""
    from tandem.store.collection import decode_table

    target = ws.home / LEADS_FILE
    tables = read_file(target)
    docs = (tables or {}).get(LEADS_TABLE, {})
    # Only the month's leads are decoded (and validated): a list of a year's imports holds
    # a hundred thousand the meeting does not show.
    periods = {d.get("period") for d in docs.values() if isinstance(d, dict)} if isinstance(docs, dict) else set()
    chosen = period if period in periods else max((p for p in periods if isinstance(p, str)), default="")
    if not chosen:
        return "", []
    return chosen, decode_table(target, tables, LEADS_TABLE, Lead, lambda d: d.get("period") == chosen)
