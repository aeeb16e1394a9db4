"""One meeting file as the index keeps it: read and validated once, then summarised for the
listings (its header, action items, decisions, lead feedback and an agenda summary) and
for search (its lines)."""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from sys import intern
from typing import Any

import orjson

from tandem.store.atomic import decode, read_regular
from tandem.store.errors import CorruptFileError, TandemError
from tandem.store.outside import inside
from tandem.store.records import HELD_STATUSES, label
from tandem.store.review.search import fold
from tandem.store.workspace import MeetingRecord, _decode_meeting

#: A file version: (st_mtime_ns, st_ctime_ns, st_size, st_ino). Every atomic save is a new
#: inode; the change time catches what keeps the inode and resets the modification time
#: (``cp -p`` over a file, ``touch -r``): nobody can set it back.
Sig = tuple[int, int, int, int]

#: A file changed less than this long ago may change again within the same tick of the
#: file system's clock, leaving its signature as it was ("racy git"); until it is older it
#: is compared by content at every refresh. Three seconds covers FAT's two-second
#: timestamps and the coarse clocks of network file systems.
RACY_NS = 3_000_000_000


#: What an entry keeps of a meeting (see :func:`indexed`), in the order it keeps them.
PARTS = ("meeting", "actions", "decisions", "lead_feedback", "summary", "review", "triage")
PART_AT = {name: n for n, name in enumerate(PARTS)}


def sig_of(st: os.stat_result) -> Sig:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def settled(sig: Sig | None, now_ns: int) -> bool:
    """Whether a file with this signature can no longer change without changing it."""
    return sig is not None and now_ns - max(sig[0], sig[1]) > RACY_NS


@dataclass(slots=True)
class Entry:
    """What the index knows of one meeting file (``stem``: its name without ``.json``)."""

    stem: str
    sig: Sig | None
    #: Of the bytes read: a file whose signature changed but whose bytes did not (a touch,
    #: a git checkout writing the same file) is not decoded again.
    digest: str
    #: Whether ``sig`` identifies these bytes (see :data:`RACY_NS`); only settled entries
    #: are written to the index file.
    settled: bool
    #: Why the file cannot be read as a meeting (one sentence), or None.
    problem: str | None = None
    #: The problem came from the system (an I/O error), not from the bytes: read again.
    retry: bool = False
    meeting_id: str = ""
    series_id: str = ""
    date: str = ""
    #: The indexed data (see :func:`indexed`): the JSON of each of :data:`PARTS`, joined
    #: by tabs (JSON as orjson writes it holds none), so that a query decodes only the
    #: parts it needs. Empty for a problem.
    data: bytes = b""
    #: What search keeps of the meeting (:func:`search_entry`) while the search file does
    #: not hold it yet; None once it does.
    lines: tuple[bytes, bytes] | None = None
    #: Whether the index file holds this entry exactly as it is here.
    persisted: bool = False
    #: Read from its file by this process (not from the index file): its data is what
    #: the bytes of ``digest`` hold, so a file that keeps its bytes keeps its entry. An
    #: entry from the index file is believed only while its file's signature matches.
    read_here: bool = False
    #: The checksum of ``data`` as the index file gave it (:func:`check_of`), until the data
    #: is checked against it before it is first believed; None once checked, or made here.
    #: Kept for data left in the index file (``at``): checked at every reading of it.
    unchecked: int | None = None
    #: Where the index file holds the data, when it is left there (``data`` empty): the
    #: data of 20,000 meetings is tens of megabytes that a reader needs once, to make its
    #: rows, and then only for a few meetings. -1: the data is ``data``.
    at: int = -1
    length: int = 0
    #: Where the index's spill file holds what a pass read of this file, while the index
    #: files do not hold it yet (``data`` empty, ``lines`` None): (the spill file's number,
    #: offset, then the length and checksum of the data, of the scanned part and of the
    #: lines, one after the other). A first build of 20,000 meetings held 170 MB of them.
    spilled: tuple[int, int, int, int, int, int, int, int] | None = None

    def decoded(self, parts: Iterable[str] = PARTS, raw: bytes | None = None) -> dict[str, Any]:
        """The entry's data (``raw``: as read from the index file at ``at``), only the
        ``parts`` asked for (:data:`PARTS`); ValueError if it is not what the index wrote
        (a damaged index file)."""
        data = self.data if raw is None else raw
        if self.unchecked is not None:
            if check_of(data) != self.unchecked:
                raise ValueError("the entry does not match its checksum")
            if self.at < 0:
                self.unchecked = None
        found = data.split(b"\t")
        if len(found) != len(PARTS):
            raise ValueError("not an entry of this format")
        return {name: orjson.loads(found[PART_AT[name]]) for name in parts}


def digest_of(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def check_of(raw: bytes) -> int:
    """A checksum of a part of an index file, against damage (the signatures bind the index
    to the files, so no one can make an entry pass for another anyway): CRC-32, which reads
    three times as fast as a digest."""
    return zlib.crc32(raw)


def meeting_lines(record: MeetingRecord) -> Iterator[tuple[str, str]]:
    """Everything of a meeting a participant might search for, as (where, text): its title
    first; the review adds the series' title after it and what the shared files say of the
    meeting at the end (both may change without the meeting file changing)."""
    m = record.meeting
    yield "Title", m.title
    yield "Facilitator", m.facilitator
    yield "Attendees", ", ".join(a.name for a in (*m.attendees, *m.absentees))
    if m.rating_comment:
        yield "Feedback on the meeting", m.rating_comment
    for n, item in enumerate(record.agenda, start=1):
        where = f"{n}. {item.title}"
        yield "Agenda", where
        for line in item.notes.splitlines():
            yield f"Notes · {where}", line
    for d in record.decisions:
        yield "Decision", f"{d.text} ({d.decided_by})" if d.decided_by else d.text
    for a in record.actions:
        yield "Action item", f"{a.text} — {a.owner}" if a.owner else a.text
    for f in record.lead_feedback:
        reasons = ", ".join(label(r) for r in f.reasons)
        parts = (f.reference, f.source, f.persona, label(f.verdict), reasons, f.comment, f.reporter)
        yield "Lead feedback", " · ".join(p for p in parts if p)
    for p in record.parking_lot:
        yield "Parking lot", p.text


def is_debrief(record: MeetingRecord) -> bool:
    """Whether the meeting has a shadow-day item (its minutes show the shadow days)."""
    return any(item.captures == "shadow" for item in record.agenda)


def indexed(record: MeetingRecord) -> bytes:
    """:func:`indexed_parts` as :attr:`Entry.data` keeps them."""
    parts = indexed_parts(record)
    return b"\t".join(orjson.dumps(parts[name]) for name in PARTS)


def indexed_parts(record: MeetingRecord) -> dict[str, Any]:
    """What the listings need of a meeting (:data:`PARTS`): its records in ``to_dict`` form
    (validated when the file was read, rebuilt with ``Record.trusted``), and a summary of
    its agenda with how many records each table holds (a listing that counts them does not
    decode them), and what review's rows hold (:func:`review_part`)."""
    agenda = record.agenda
    summary: dict[str, Any] = {
        "decisions": len(record.decisions),
        "lead_feedback": len(record.lead_feedback),
        "items": len(agenda),
        "done": sum(i.status == "done" for i in agenda),
        "skipped": sum(i.status == "skipped" for i in agenda),
        "parked": sum(i.status == "parked" for i in agenda),
        # Summed in agenda order, as the minutes sum them (floating point).
        "elapsed_s": sum(i.elapsed_s for i in agenda),
        "timebox_min": sum(i.timebox_min for i in agenda),
        "timebox_taken_up_min": sum(i.timebox_min for i in agenda if i.status in ("done", "active")),
    }
    meeting = record.meeting.to_dict()
    return {
        "meeting": meeting,
        "actions": [a.to_dict() for a in record.actions],
        "decisions": [d.to_dict() for d in record.decisions],
        "lead_feedback": [f.to_dict() for f in record.lead_feedback],
        "summary": summary,
        "review": review_part(record, meeting, summary),
        "triage": [t.to_dict() for t in record.triage],
    }


def review_part(record: MeetingRecord, meeting: dict[str, Any], summary: dict[str, Any]) -> list[Any]:
    """What review's rows hold of a meeting (``store/review/from_workspace.py``: ``_rows``),
    as lists of values, in the order of the rows' fields: review's first load decodes this
    part alone, a fifth of the others' size, and makes each row from it in one call.

    [[id, title, series, date, facilitator, status, attendees, agenda items, decisions,
    actions, feedback, rating, planned min, actual min, done, skipped, parked, teams],
    decisions [[id, text, decided by, supersedes, reverses]], actions [[text, owner, due,
    status, closed on]], feedback [[reference, source, persona, stage reached, verdict,
    reasons, stage lost]]]"""
    m = record.meeting
    people = [*m.attendees]
    return [
        [
            m.id,
            m.title,
            m.series_id,
            m.date,
            m.facilitator,
            m.status,
            [a.name for a in people],
            summary["items"],
            len(record.decisions),
            len(record.actions),
            len(record.lead_feedback),
            m.rating,
            planned_min(meeting, summary),
            # The agenda's time, as the minutes' total shows it.
            round(summary["elapsed_s"] / 60) if m.status in HELD_STATUSES else None,
            summary["done"],
            summary["skipped"],
            summary["parked"],
            [a.team for a in people],
        ],
        [[d.id, d.text, d.decided_by, d.supersedes, d.reverses] for d in record.decisions],
        [[a.text, a.owner, a.due, a.status, a.closed_on] for a in record.actions],
        [[f.reference, f.source, f.persona, f.stage_reached, f.verdict, list(f.reasons), f.stage_lost] for f in record.lead_feedback],
    ]


def planned_min(meeting: dict[str, Any], summary: dict[str, Any]) -> int:
    """:func:`tandem.store.minutes.render.planned_minutes` from the agenda summary."""
    return int(summary["timebox_taken_up_min"] if meeting["status"] in HELD_STATUSES else summary["timebox_min"])


def search_entry(record: MeetingRecord) -> tuple[bytes, bytes]:
    """What search keeps of a meeting, in two parts (JSON): what it scans, and the lines
    as written for the snippets of a hit (see :class:`SearchText`, :func:`search_lines`).

    The lines that hold text are folded here once: folding every line of a 20,000-meeting
    workspace takes seconds, and the first search would wait for it."""
    kept = [(where, text) for where, text in meeting_lines(record) if text and text.strip()]
    folded = [fold(text) for _, text in kept]
    scanned = {
        "debrief": is_debrief(record),
        # The title first: the series' title goes after it (see SearchText.text).
        "title": folded[0] if kept else None,
        "rest": "\n".join(folded[1:]) if len(kept) > 1 else None,
    }
    # Copied to their size: orjson hands back its whole output buffer (8 KB at least), and
    # a first index of 20,000 meetings keeps both parts of each until the search file is
    # written: 600 MB of buffers for 100 MB of text.
    return bytes(memoryview(orjson.dumps(scanned))), bytes(memoryview(orjson.dumps(kept)))


@dataclass(frozen=True, slots=True)
class SearchText:
    """What search scans of a meeting: its folded lines, the title's apart."""

    #: Whether the meeting has a shadow-day item (its minutes show the shadow days).
    debrief: bool
    title: str | None
    #: The other lines, joined by line breaks (folding leaves none in a line); None: none.
    rest: str | None

    def text(self, series: str | None, extra: Iterable[str]) -> str:
        """The folded lines joined by line breaks as ``SearchIndex.put`` joins them, with
        the folded ``series`` title after the meeting's title and ``extra`` lines at the end."""
        parts = [p for p in (self.title, series, self.rest) if p is not None]
        return "\n".join([*parts, *extra])


def search_text(raw: bytes) -> SearchText | None:
    """The first part of :func:`search_entry`; None if ``raw`` is not one."""
    try:
        found = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if type(found) is not dict or type(found.get("debrief")) is not bool:
        return None
    title, rest = found.get("title"), found.get("rest")
    if not (title is None or type(title) is str) or not (rest is None or type(rest) is str):
        return None
    return SearchText(found["debrief"], title, rest)


def search_lines(raw: bytes) -> list[tuple[str, str]] | None:
    """The second part of :func:`search_entry`: (where, text) of each line with text."""
    try:
        found = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if type(found) is not list or not all(type(line) is list and len(line) == 2 and type(line[0]) is str and type(line[1]) is str for line in found):
        return None
    return [(where, text) for where, text in found]


def read_entry(home: Path, path: Path, stem: str, *, is_link: bool, sig: Sig | None, now_ns: int, old: Entry | None) -> Entry | None:
    """The entry of the meeting file at ``path``, read now; None if it is gone.

    Read as :meth:`Workspace.read_meeting` reads it (every table decoded and validated),
    so a file whose entry is not a problem is one that every query can use. ``old``: the
    entry so far, returned itself (with the new signature) when nothing else changed."""
    fresh = settled(sig, now_ns)

    def problem(text: str, digest: str = "", *, retry: bool = False) -> Entry:
        if old is not None and old.read_here and old.problem == text and old.digest == digest and old.retry == retry:
            return _same(old, sig, fresh)
        return Entry(stem, sig, digest, fresh, problem=text, retry=retry, read_here=True)

    try:
        if is_link and not inside(home, path):
            raise CorruptFileError(path, "it is a link that leads out of the workspace")
        raw = read_regular(path)
    except FileNotFoundError:
        return None
    except TandemError as exc:
        return problem(str(exc))
    except OSError as exc:
        return problem(str(CorruptFileError(path, (exc.strerror or str(exc)).lower())), retry=True)
    digest = digest_of(raw)
    if old is not None and old.read_here and old.digest == digest and not old.retry:
        return _same(old, sig, fresh)
    try:
        record = _decode_meeting(path, decode(raw, path))
    except TandemError as exc:
        return problem(str(exc), digest)
    m = record.meeting
    return Entry(
        stem,
        sig,
        digest,
        fresh,
        # One string for every entry's series and day, and the stem for the id it equals:
        # 20,000 copies of each took 4 MB.
        meeting_id=stem if m.id == stem else m.id,
        series_id=intern(m.series_id),
        date=intern(m.date),
        data=indexed(record),
        lines=search_entry(record),
        read_here=True,
    )


def _same(entry: Entry, sig: Sig | None, fresh: bool) -> Entry:
    """``entry``, for a file whose bytes did not change, with its new signature."""
    if entry.sig != sig or entry.settled != fresh:
        entry.sig, entry.settled, entry.persisted = sig, fresh, False
    return entry
