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
import itertools
import json
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field, fields
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
from tandem.store.records import SEQ, _check_choice, _check_code
from tandem.store.workspace import Workspace

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
#: The ISO forms that read as they are written back, but for the "T" and the seconds: by
#: length, the form and what completes it ("2026-11-03 14:05" → "2026-11-03T14:05:00").
_PLAIN_ISO = {
    10: (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), "T00:00:00"),
    16: (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"), ":00"),
    19: (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}"), ""),
}
#: 11/03/2026, 3.11.2026, with a time (12-hour with AM/PM, or 24-hour) optional.
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")


def parse_when(text: str, date_order: str = "mdy") -> str | None:
    """``text`` as an ISO timestamp ("2026-11-03T14:05:00"), or None if it is no date in a
    form CRMs export: ISO ("2026-11-03", "2026-11-03 14:05", "2026-11-03T14:05:00Z") or
    slashed ("11/03/2026 2:05 PM", month first unless ``date_order`` is "dmy")."""
    # The forms most exports write ("2026-11-03 14:05") are checked by datetime and completed
    # by hand: formatting the datetime again is most of what a date costs.
    plain = _PLAIN_ISO.get(len(text))
    if plain is not None and plain[0].fullmatch(text):
        when = f"{text[:10]}T{text[11:]}{plain[1]}" if len(text) > 10 else text + plain[1]
        try:
            datetime.fromisoformat(when)  # the range checks: month 13, 30 February, hour 24
        except ValueError:
            return None
        return when
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

    reader = csv.reader(itertools.chain((header,), lines), delimiter=_separator(header), strict=True)
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


#: A lead's fields in the record's order, and those a re-import compares (the bookkeeping aside).
_LEAD_FIELDS = tuple(f.name for f in fields(Lead))
#: The text fields whose cells repeat from lead to lead (a few dozen sources in a list of a
#: hundred thousand leads): each distinct cell is read once and its leads share the result.
_REPEATING = frozenset(("source", "campaign", "persona", "segment"))
#: Distinct cells remembered per column: past it (a column of mostly distinct values), the
#: remaining ones are read cell by cell, so memory stays bounded whatever the file holds.
_REMEMBERED = 4096


class _Reader:
    """The rows of one file as leads' dicts. Everything that depends on the mapping and the
    header alone — which cell holds which field, how a sentence names its column, the status
    and stage values' checks — is worked out once per file, so a row costs its cells.

    What a row gives is what :class:`~tandem.store.crm.lead.Lead` accepts by construction:
    text cleaned and at most ``TEXT_MAX`` long, timestamps as ``parse_when`` writes them, the
    period a month, and a mapped status or stage value checked (with the record's own checks)
    the first time it is met; the tests hold every import to ``Lead.from_dict``."""

    __slots__ = ("choices", "created", "date_order", "dates", "example", "period", "periods", "reference", "shown", "template", "texts")

    def __init__(self, shown: str, mapping: CrmMapping, period: str | None, imported_at: str, file: str, columns: _Columns) -> None:
        self.shown = shown
        self.period = period
        self.date_order = mapping.date_order
        self.example = "31/12/2026 2:05 PM" if mapping.date_order == "dmy" else "12/31/2026 2:05 PM"
        self.reference = one_line(mapping.column("reference"), 60)
        self.created = one_line(mapping.column("created_at"), 60)
        self.template = dict.fromkeys(_LEAD_FIELDS, "")
        self.template.update(imported_at=imported_at, file=file)
        self.periods: dict[str, str] = {}
        self.texts: list[tuple[str, int, str, dict[str, str] | None]] = []
        self.dates: list[tuple[str, int, str]] = []
        self.choices: list[tuple[str, int, str, dict[str, str], dict[str, str], dict[str, str]]] = []
        for name, at in columns.at.items():
            label = one_line(mapping.column(name), 60)
            if name in DATE_FIELDS:
                self.dates.append((name, at, label))
            elif name in ("status", "stage"):
                # known: the CRM's values (normalised) → tandem's; seen: cells as written →
                # tandem's value; bad: tandem's values the record refuses → why.
                self.choices.append((name, at, label, mapping.lookup(name), {}, {}))
            else:
                self.texts.append((name, at, label, {} if name in _REPEATING else None))

    def lead(self, line: int, row: list[str]) -> dict[str, Any]:
        # The cells in the order of FIELDS (texts, stage and status, dates): of a row with two
        # problems, the sentence names the first.
        doc = self.template.copy()
        for name, at, label, seen in self.texts:
            raw = row[at]
            text = seen.get(raw) if seen is not None else None
            if text is None:
                text = _text(raw)
                if len(text) > TEXT_MAX:
                    raise LeadFileError(self.shown, line, f"{label} is {len(text)} characters long; at most {TEXT_MAX} are kept")
                if seen is not None and len(seen) < _REMEMBERED:
                    seen[raw] = text
            doc[name] = text
        problem = ""
        for name, at, label, known, seen, bad in self.choices:
            raw = row[at]
            value = seen.get(raw)
            if value is None:
                value = self._choice(line, name, label, raw, known, bad)
                if len(seen) < _REMEMBERED:
                    seen[raw] = value
            if bad and value in bad and not problem:
                problem = bad[value]
            doc[name] = value
        for name, at, label in self.dates:
            text = clean_text(row[at]).strip()
            if text:
                when = parse_when(text, self.date_order)
                if when is None:
                    raise LeadFileError(
                        self.shown, line, f"{label} {one_line(text, 40)!r} is not a date tandem reads (like 2026-12-31 14:05 or {self.example})"
                    )
                doc[name] = when
        reference = doc["reference"]
        if not reference:
            raise LeadFileError(self.shown, line, f"the lead has no {self.reference}")
        created = doc["created_at"]
        if not created:
            raise LeadFileError(self.shown, line, f"lead {one_line(reference, 40)} has no {self.created}")
        if problem:
            raise LeadFileError(self.shown, line, f"lead {one_line(reference, 40)}: {problem}")
        period = self.period or created[:7]
        doc["period"] = self.periods.setdefault(period, period)
        doc["id"] = lead_id(reference)
        return doc

    def _choice(self, line: int, name: str, label: str, raw: str, known: dict[str, str], bad: dict[str, str]) -> str:
        """A status or stage cell met for the first time: tandem's value for it, checked as
        the record checks it (a value the record refuses is kept in ``bad`` with why)."""
        text = clean_text(raw).strip()
        if not text:
            return ""
        value = known.get(normal(text))
        if value is None:
            example = f' = "{LEAD_STATUSES[1]}"' if name == "status" else ' = "mql"'
            raise LeadFileError(
                self.shown, line, f"{label} {one_line(text, 40)!r} is not in [crm.{name}] of config.toml; add it there (as {one_line(text, 40)!r}{example})"
            )
        if value and value not in bad:
            try:
                if name == "stage":
                    _check_code("lead.stage", value)
                else:
                    _check_choice("lead.status", value, LEAD_STATUSES)
            except ValidationError as exc:
                bad[value] = str(exc)
        return value


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
        reader = _Reader(label, mapping, period, when, one_line(path.name, TEXT_MAX), columns)
        for line, row in rows:
            if not "".join(row).strip():
                continue  # a blank line, or a row of empty cells
            if len(row) != columns.width:
                raise LeadFileError(label, line, f"{len(row)} cells where the header has {columns.width}; is a separator or a quote out of place?")
            doc = reader.lead(line, row)
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


#: What a re-import compares of a lead: every field but the bookkeeping, in the record's order.
_COMPARED = tuple(name for name in _LEAD_FIELDS if name not in _BOOKKEEPING)


def _digest(doc: Any) -> bytes | None:
    """What a lead says, as 16 bytes: equal for two documents exactly when the import finds
    the lead unchanged (the same fields with the same values, when and from which file it
    was imported aside; the order kept in the file aside). None for a document that does not
    have exactly a lead's fields, which is never unchanged: an import writes them all."""
    if not isinstance(doc, dict) or len(doc) - (SEQ in doc) != len(_LEAD_FIELDS) or "imported_at" not in doc or "file" not in doc:
        return None
    try:
        # The values in a fixed order, as a JSON array: no two leads' values give the same
        # bytes, without sorting the keys or copying the document.
        text = orjson.dumps([doc[name] for name in _COMPARED])
    except (KeyError, TypeError):
        return None
    return hashlib.blake2b(text, digest_size=16).digest()


@dataclass(slots=True)
class _Known:
    """What ``leads.json`` said when the import compared against it: a digest per lead (a
    few dozen bytes where the parsed lead takes a kilobyte), and the file's own digest, so
    that under the lock a glance tells whether another import wrote in the meantime."""

    digests: dict[str, bytes | None]
    fingerprint: bytes | None
    #: For a file as :func:`encode` writes it, read a batch at a time: what numbering the
    #: changed leads takes (see :class:`_Stored`), so that :func:`_merged` reads it once more
    #: only. None: any other file, which an update decodes whole.
    stored: _Stored | None = None

    @classmethod
    def of(cls, target: Path, raw: bytes | None) -> _Known:
        if raw is None:
            return cls({}, None)
        stored = _batched(raw)
        if stored is not None:
            return cls(stored.digests, _fingerprint(raw), stored)
        digests = _scan(raw)
        if digests is None:  # not as tandem writes it: the full decode says what is wrong, or reads it
            digests = {key: _digest(doc) for key, doc in _table(target, decode(raw, target)).items()}
        return cls(digests, _fingerprint(raw))


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity: not JSON, and orjson refuses them


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
_BLANK = re.compile(r"[ \t\n\r]*")


def _walk(raw: bytes) -> dict[str, bytes | None] | None:
    """The digest of each lead of ``leads.json``, a batch of leads at a time as :func:`encode`
    writes the file, else decoding one lead at a time: the whole file parsed at once takes
    three times its size (170 MB for 100,000 leads). None when the file is anything but this
    schema's tables of objects (an older schema to migrate, a newer one, broken JSON): the
    caller decodes it whole, which migrates or names the problem."""
    written = _batched(raw)
    return written.digests if written is not None else _scan(raw)


def _scan(raw: bytes) -> dict[str, bytes | None] | None:
    """:func:`_walk` for a file laid out otherwise, one lead at a time."""
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


#: ``leads.json`` as :func:`encode` writes it: its start up to the leads table's "{", where
#: one lead ends and the next begins (the leads indented by four), and its end after the last
#: lead. A raw line break is never inside a JSON string, so these are found without parsing.
_KIND = SHARED_FILES[LEADS_FILE][0]
_WRITTEN_START = encode({LEADS_TABLE: {}}, _KIND)[: -len(b"}\n}\n")]
_NEXT_LEAD = b'\n    },\n    "'
_LEAD_END = b"\n    }"
_TABLE_END = b"\n  }\n}\n"
#: Bytes of leads parsed at once (about 2,000 leads).
_BATCH = 1 << 20


def _cuts(raw: bytes) -> list[tuple[int, int]] | None:
    """Where each batch of leads is in ``leads.json`` as :func:`encode` writes it (from the
    first byte of its first lead to the "}" of its last), cut where a lead ends: None for any
    other layout (an edit by hand, an empty table, an older schema). Every byte is in a batch,
    a comma between two, or the start or end compared; :func:`_batch` parses each batch as
    a list of members by itself, so a cut anywhere but between two leads fails there, and
    the batches parsed are the table's members as the whole file parsed gives them."""
    if not raw.startswith(_WRITTEN_START) or not raw.endswith(_LEAD_END + _TABLE_END):
        return None
    cuts: list[tuple[int, int]] = []
    start, end = len(_WRITTEN_START), len(raw) - len(_TABLE_END)
    while start < end:
        cut = raw.find(_NEXT_LEAD, start + _BATCH, end)
        cut = end if cut < 0 else cut + len(_LEAD_END)
        cuts.append((start, cut))
        start = cut + 1  # past the comma after the lead's "}"
    return cuts


def _batch(raw: bytes, cut: tuple[int, int]) -> dict[str, Any] | None:
    """The leads of one batch by id, by orjson (as :func:`decode` reads the whole file); None
    when the batch is not a list of members by itself (see :func:`_cuts`)."""
    try:
        leads: dict[str, Any] = orjson.loads(b"{" + raw[cut[0] : cut[1]] + b"}")
    except orjson.JSONDecodeError:
        return None
    return leads


@dataclass(slots=True)
class _Stored:
    """``leads.json`` as :func:`encode` writes it, read a batch at a time."""

    #: Each lead's :func:`_digest` by id.
    digests: dict[str, bytes | None]
    #: The highest order number (0 when a lead has none), as :func:`_rewritten` finds it.
    top: int
    #: The leads stored without an order number (normally none): changed, each takes the next.
    unnumbered: set[str]


def _batched(raw: bytes) -> _Stored | None:
    """The leads of ``leads.json`` as :func:`encode` writes it, a batch of leads at a time:
    half the time of decoding one lead at a time, in a batch's memory. None for any other
    layout (see :func:`_cuts`)."""
    cuts = _cuts(raw)
    if cuts is None:
        return None
    digests: dict[str, bytes | None] = {}
    top: int | None = None
    unnumbered: set[str] = set()
    for cut in cuts:
        leads = _batch(raw, cut)
        if leads is None:
            return None
        for key, doc in leads.items():
            digests[key] = _digest(doc)
            number = doc.get(SEQ, 0) if isinstance(doc, dict) else None
            if type(number) is int:
                top = number if top is None or number > top else top
            if not isinstance(doc, dict) or type(doc.get(SEQ)) is not int:
                unnumbered.add(key)
    return _Stored(digests, top or 0, unnumbered)


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
        if changed:
            data = _merged(raw, changed, known.stored) if raw is not None and known.stored is not None else None
            del known
            if data is None:
                data = _rewritten(target, raw, changed)
            del raw, changed
            ws.before_write(target)
            atomic_write_bytes(target, data)
    return result


def _numbered(changed: list[dict[str, Any]], old: Callable[[str], Any], top: int) -> None:
    """Give each changed lead its order number: the stored lead's (``old(id)``), or the next
    one after ``top`` in the file's order for a lead stored without one or not at all."""
    for doc in changed:
        stored = old(doc["id"])
        if isinstance(stored, dict) and type(stored.get(SEQ)) is int:
            doc[SEQ] = stored[SEQ]
        else:
            top += 1
            doc[SEQ] = top


def _rewritten(target: Path, raw: bytes | None, changed: list[dict[str, Any]]) -> bytes:
    """``leads.json`` with the changed leads, the whole file decoded (which migrates an older
    schema and names what is wrong with a broken file): for a file not as :func:`encode`
    writes it, and the first import."""
    tables = decode(raw, target) if raw is not None else {}
    del raw
    stored = _table(target, tables)
    top = max((d.get(SEQ, 0) for d in stored.values() if isinstance(d, dict) and type(d.get(SEQ, 0)) is int), default=0)
    _numbered(changed, stored.get, top)
    for doc in changed:
        stored[doc["id"]] = doc
    tables[LEADS_TABLE] = stored
    return encode(tables, _KIND)


def _merged(raw: bytes, changed: list[dict[str, Any]], stored: _Stored) -> bytes | None:
    """``leads.json`` with the changed leads, byte for byte as :func:`_rewritten` writes it,
    but a batch of stored leads at a time, each encoded on its own: decoded whole, a file of
    100,000 leads takes three times its size (an updated export went past 300 MB). ``stored``
    is what :func:`_batched` read of ``raw``. None when the leads are not in order (encode
    sorts them: a batch is written where its leads are), or ``raw`` is not as encode writes it."""
    cuts = _cuts(raw)
    if cuts is None:
        return None
    by_id = {doc["id"]: doc for doc in changed}
    # The numbers of the leads new to the file (or stored without one), in the file's order;
    # the others keep theirs, taken from the batch they are in.
    top = stored.top
    for doc in changed:
        if doc["id"] not in stored.digests or doc["id"] in stored.unnumbered:
            top += 1
            doc[SEQ] = top
    new = sorted(key for key in by_id if key not in stored.digests)
    pieces = [_WRITTEN_START]  # joined once at the end: each "+" would copy the whole file again
    at = 0
    last: str | None = None
    for cut in cuts:
        leads = _batch(raw, cut)
        if leads is None:
            return None
        keys = list(leads)
        if keys != sorted(keys) or (last is not None and keys[0] <= last):
            return None
        for key, old in leads.items():
            lead = by_id.get(key)
            if lead is not None:
                if SEQ not in lead:
                    lead[SEQ] = old[SEQ]
                leads[key] = lead
        # Each batch with the new leads that sort before its last (what sorts after every
        # stored lead comes last), encoded as the table it is a part of and cut out of it.
        last = keys[-1]
        while at < len(new) and new[at] < last:
            leads[new[at]] = by_id[new[at]]
            at += 1
        pieces += (_members(leads), b",")
    if at < len(new):
        pieces += (_members({key: by_id[key] for key in new[at:]}), b",")
    pieces[-1] = _TABLE_END  # the last comma
    return b"".join(pieces)


def _members(leads: dict[str, Any]) -> bytes:
    """Leads as :func:`encode` writes them in ``leads.json``, cut out of the file they make."""
    return encode({LEADS_TABLE: leads}, _KIND)[len(_WRITTEN_START) : -len(_TABLE_END)]


def stored_leads(ws: Workspace) -> list[Lead]:
    """The workspace's imported leads, in their kept order (validated: a bad record names
    the file)."""
    from tandem.store.collection import decode_table

    target = ws.home / LEADS_FILE
    return decode_table(target, read_file(target), LEADS_TABLE, Lead)


def leads_for(ws: Workspace, period: str) -> tuple[str, list[Lead]]:
    """The imported leads of ``period`` ("YYYY-MM"), or of the latest period imported when
    that month has none, with the period they are of ("" and none: nothing imported).

    Only the month's leads are decoded (and validated), through the scorecard's reader and
    its cache: a list of a year's imports holds a hundred thousand the meeting does not show."""
    from tandem.store.sla.report import imported_periods, leads_of

    periods = imported_periods(ws)
    chosen = period if period in periods else max(periods, default="")
    return (chosen, leads_of(ws, {chosen})) if chosen else ("", [])
