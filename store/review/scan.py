"""Review's search over every meeting's text, read from a file in the cache folder a chunk at
a time at each search instead of held in memory.

What search scans of a meeting is its lines folded (``store/index/entry.py``:
``search_entry``), the title first. For 20,000 meetings that is about 40 MB of text: held as
Python strings (nearly every one holds a "—" or a "·", so two bytes a character) it took
85 MB, more than the rest of review together. Here it is UTF-8 in ``cache/search.scan``,
read a megabyte at a time at each search (from the page cache: a few milliseconds for the
whole file) and searched as bytes. A folded term, encoded, is found in the bytes exactly
where it is in the text (UTF-8 is self-synchronising: an encoded character never starts
inside another), so the counts are those of the text.

The file holds the meetings in chunks of about :data:`CHUNK` bytes of text: each chunk is
its meetings' texts, each followed by a line break (a term holds none, so none is ever
found across two meetings or two lines), then their lines as written (the JSON the search
index keeps, for the snippets of a hit), each followed by a line break. Then the table, a
line of JSON (format, the records' fingerprint, a row of values per meeting: its file's
stem, the digest of the meeting file its text is of, whether the meeting has a shadow-day
item, the lengths of its text and of its lines and the checksum of its lines; the number
of meetings in each chunk and the checksum of its texts), then a footer saying where the
table starts and its checksum. The table comes last so that the file is written as the
texts come: memory holds a chunk, never the whole text.

Derived data, like the meeting index: a file that is damaged, of another format or of
other records is ignored and written anew; a meeting whose file changed since (another
digest), or that is new, is searched from memory until enough of them are to make writing
the file again worth it. Each chunk's texts are checked against their checksum when first
read from a version of the file (a file written over, even in place, has another change
time, and is another version), each meeting's lines whenever they are read.
"""

from __future__ import annotations

import bisect
import math
import os
import time
import zlib
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from tandem.store.atomic import FILE_MODE, SCHEMA_VERSION, clean_stale_temp_files, ensure_dir, fsync_dir, temp_path_for
from tandem.store.index import meetings as index_meetings
from tandem.store.index.entry import Entry, search_text
from tandem.store.layout import CACHE_DIR
from tandem.store.outside import inside

SCAN_FILE = "search.scan"
FORMAT = 1
#: Bytes of text in a chunk, read and searched at a time (a meeting longer than this has a
#: chunk of its own).
CHUNK = 1 << 20
#: The footer's length: a line of JSON padded with spaces.
FOOTER = 64
#: The file is written again once this many meetings (or a twentieth of them) are searched
#: from memory: up to then, a few changed meetings cost less than rewriting 100 MB.
REWRITE_AFTER = 64
#: After a failed write (a read-only folder, a full disk), how long before the next try.
RETRY_WRITE_S = 30.0

#: Gives both parts of what search keeps of each of some meetings, undecoded
#: (``MeetingIndex.search_parts``); a meeting whose file changed meanwhile is left out.
Parts = Callable[[list[Entry]], Iterable[tuple[Entry, bytes, bytes]]]

#: A meeting as search keeps it: whether it debriefs shadow days, its text (folded lines,
#: title first, joined by line breaks, UTF-8) and its lines as written (JSON).
Doc = tuple[bool, bytes, bytes]


def make_doc(scanned: bytes, lines: bytes) -> Doc | None:
    """A meeting's doc from the parts the search index keeps; None if they are damaged."""
    text = search_text(scanned)
    if text is None:
        return None
    return text.debrief, "\n".join(part for part in (text.title, text.rest) if part is not None).encode(), lines


class _Damaged(Exception):
    """The scan file does not hold what its table says (cut short or written over)."""


@dataclass(slots=True)
class _Table:
    """The rows of a scan file, and where each meeting's text and lines are in it."""

    #: (device, inode, size, mtime, ctime) of the file the table is of.
    identity: tuple[int, ...]
    stems: list[str]
    digests: list[str]
    debrief: bytearray
    #: Where each text begins and ends in its chunk's texts.
    begins: array[int]
    ends: array[int]
    #: Where each meeting's lines are in the file, their length and checksum.
    lines_at: array[int]
    lines_length: array[int]
    lines_check: array[int]
    #: Each chunk: its first meeting, the one after its last, where its texts are and
    #: their size and checksum.
    chunks: list[tuple[int, int, int, int, int]]
    #: Whether each chunk's texts were checked against their checksum.
    checked: bytearray

    @classmethod
    def made(cls, identity: tuple[int, ...], rows: dict[str, Any]) -> _Table:
        """The table of a file from its rows (as :func:`write_scan` writes them); ValueError
        if they do not describe a whole file."""
        stems, digests, debrief, lengths, lines, checks, chunks = (
            rows[k] for k in ("stems", "digests", "debrief", "lengths", "lines", "lines_check", "chunks")
        )
        n = len(stems)
        if not (
            type(stems) is list
            and all(type(s) is str for s in stems)
            and type(digests) is list
            and len(digests) == n
            and all(type(d) is str for d in digests)
            and type(debrief) is str
            and len(debrief) == n
            and set(debrief) <= {"0", "1"}
        ):
            raise ValueError("not a table of this format")
        numbers = (lengths, lines, checks)
        if not all(type(ns) is list and len(ns) == n and all(type(v) is int and 0 <= v < 1 << 62 for v in ns) for ns in numbers):
            raise ValueError("not a table of this format")
        begins, ends, lines_at = array("q"), array("q"), array("q")
        made_chunks: list[tuple[int, int, int, int, int]] = []
        at = first = 0
        if type(chunks) is not list:
            raise ValueError("not a table of this format")
        for chunk in chunks:
            if type(chunk) is not list or len(chunk) != 2 or not all(type(v) is int and v >= 0 for v in chunk) or not chunk[0]:
                raise ValueError("not a table of this format")
            stop = first + chunk[0]
            if stop > n:
                raise ValueError("the chunks hold more meetings than the table")
            size = 0
            for k in range(first, stop):
                begins.append(size)
                ends.append(size + lengths[k])
                size += lengths[k] + 1
            lines_start = at + size
            for k in range(first, stop):
                lines_at.append(lines_start)
                lines_start += lines[k] + 1
            made_chunks.append((first, stop, at, size, chunk[1]))
            at, first = lines_start, stop
        if first != n:
            raise ValueError("the chunks hold fewer meetings than the table")
        return cls(
            identity,
            stems,
            digests,
            bytearray(c == "1" for c in debrief),
            begins,
            ends,
            lines_at,
            array("q", lines),
            array("q", checks),
            made_chunks,
            bytearray(len(made_chunks)),
        )

    @property
    def size(self) -> int:
        """Where the texts and lines end (the table starts)."""
        if not self.chunks:
            return 0
        last = len(self.stems) - 1
        return self.lines_at[last] + self.lines_length[last] + 1


def _identity(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def read_table(fd: int) -> _Table | None:
    """The table of the scan file open at ``fd``; None if it is not a file of this format
    and of these records, whole."""
    try:
        st = os.fstat(fd)
        size = st.st_size
        if size < FOOTER:
            return None
        footer = orjson.loads(os.pread(fd, FOOTER, size - FOOTER))
        if type(footer) is not dict or type(footer.get("table")) is not int or type(footer.get("check")) is not int:
            return None
        at = footer["table"]
        length = size - FOOTER - 1 - at
        if at < 0 or length <= 0:
            return None
        raw = os.pread(fd, length, at)
        if len(raw) != length or zlib.crc32(raw) != footer["check"]:
            return None
        rows = orjson.loads(raw)
        if type(rows) is not dict or rows.get("format") != FORMAT or rows.get("records") != index_meetings.records_fingerprint():
            return None
        table = _Table.made(_identity(st), rows)
    except (OSError, orjson.JSONDecodeError, ValueError, KeyError):
        return None
    return table if table.size == at else None


def write_scan(path: Path, docs: Iterable[tuple[str, str, Doc]]) -> _Table:
    """Write the scan file with ``docs`` (stem, digest of its meeting file, doc) as they
    come, a chunk at a time, and replace ``path`` with it at once (as ``atomic_write_bytes``
    does: a temp file in the same folder, flushed, renamed over, the folder flushed), so
    that no reader sees half a file; the table of the file written. OSError if it cannot
    be written."""
    tmp = temp_path_for(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as exc:  # name the file the user knows, not the hidden temp file
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    rows: dict[str, Any] = {"format": FORMAT, "schema": SCHEMA_VERSION, "records": index_meetings.records_fingerprint()}
    stems: list[str] = []
    digests: list[str] = []
    debriefs: list[str] = []
    lengths: list[int] = []
    lines_lengths: list[int] = []
    lines_checks: list[int] = []
    chunks: list[list[int]] = []
    try:
        texts: list[bytes] = []
        lines: list[bytes] = []
        held = 0
        for stem, digest, (debrief, text, own) in docs:
            stems.append(stem)
            digests.append(digest)
            debriefs.append("1" if debrief else "0")
            lengths.append(len(text))
            lines_lengths.append(len(own))
            lines_checks.append(zlib.crc32(own))
            texts += (text, b"\n")
            lines += (own, b"\n")
            held += len(text) + 1
            if held >= CHUNK:
                chunks.append(_write_chunk(fd, texts, lines))
                texts, lines, held = [], [], 0
        if texts:
            chunks.append(_write_chunk(fd, texts, lines))
        rows.update(stems=stems, digests=digests, debrief="".join(debriefs), lengths=lengths, lines=lines_lengths, lines_check=lines_checks, chunks=chunks)
        at = os.lseek(fd, 0, os.SEEK_CUR)
        check = 0
        for n, (key, value) in enumerate(rows.items()):
            # The JSON of ``rows`` a key at a time: orjson's buffer for the whole table of
            # 20,000 meetings took 8 MB, four times the table's size.
            piece = b"".join((b"," if n else b"{", orjson.dumps(key), b":", orjson.dumps(value), b"}" if n == len(rows) - 1 else b""))
            _write_all(fd, piece)
            check = zlib.crc32(piece, check)
        footer = orjson.dumps({"table": at, "check": check})
        _write_all(fd, b"".join((b"\n", footer.ljust(FOOTER - 1), b"\n")))
        os.fsync(fd)
        os.replace(tmp, path)
        identity = _identity(os.fstat(fd))
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    fsync_dir(path.parent)
    written = _Table.made(identity, rows)
    written.checked = bytearray([1]) * len(written.chunks)  # what was just written
    return written


def _write_chunk(fd: int, texts: list[bytes], lines: list[bytes]) -> list[int]:
    """A chunk's texts then lines; its row in the table: (meetings, checksum of the texts)."""
    joined = b"".join(texts)
    _write_all(fd, joined)
    _write_all(fd, b"".join(lines))
    return [len(texts) // 2, zlib.crc32(joined)]


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _pick(values: Sequence[int], indices: Sequence[int]) -> Sequence[int]:
    """``values`` at ``indices``, gathered in C."""
    if not indices:
        return ()
    return (values[indices[0]],) if len(indices) == 1 else itemgetter(*indices)(values)


class ScanSearch:
    """The texts search scans, for the meetings a source shows: from the scan file where it
    holds them as they are, from memory for the rest. Not thread-safe: the review source's
    lock covers it."""

    def __init__(self, home: Path, *, persist: Callable[[], bool]) -> None:
        self.home = home
        self.path = home / CACHE_DIR / SCAN_FILE
        #: Whether the cache folder may be written (the meeting index's own setting).
        self._persist = persist
        self._table: _Table | None = None
        #: For each meeting of ``_table``: whether its text there is that of the meeting shown.
        self._usable = bytearray()
        #: The meetings searched from the file, by stem: their index in ``_table``.
        self._doc_of: dict[str, int] = {}
        #: The meetings of each chunk of ``_table`` searched from it, with where each one's
        #: text begins and ends in the chunk.
        self._chunk_docs: list[tuple[Sequence[int], Sequence[int], Sequence[int]]] = []
        #: The meetings searched from memory, by stem: (digest, doc).
        self._held: dict[str, tuple[str, Doc]] = {}
        #: The version of the meetings shown (the caller's) and of the file last synced with.
        self._synced: tuple[object, tuple[int, ...] | None] | None = None
        self._write_failed = -math.inf
        #: The version of the file found not to hold what its table says.
        self._damaged: tuple[int, ...] | None = None
        self._cleaned = False
        #: How many times the file was written: what the tests count.
        self.writes = 0

    # --- keeping in step ---------------------------------------------------------------

    def _open(self) -> int | None:
        """The file open, its table read (again, if it is another version of it); None if
        there is no usable file."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            identity = _identity(os.fstat(fd))
            if identity == self._damaged:
                self._table = None  # found damaged: written anew
            elif self._table is None or self._table.identity != identity:
                self._table = read_table(fd)
                self._synced = None
        except OSError:
            self._table = None
        if self._table is None:
            os.close(fd)
            return None
        return fd

    def _may_write(self, meetings: int) -> bool:
        cache = self.path.parent
        return (
            self._persist()
            and meetings >= index_meetings.PERSIST_FROM
            and time.monotonic() - self._write_failed >= RETRY_WRITE_S
            and self.home.is_dir()
            and (not os.path.lexists(cache) or inside(self.home, cache))
        )

    def sync(self, version: object, shown: Mapping[str, Entry], parts: Parts) -> None:
        """Bring the texts in line with the meetings ``shown`` (by stem), whose version (any
        value that changes when they do) is ``version``: nothing is looked at when neither
        it nor the file changed."""
        for _ in range(3):
            fd = self._open()
            try:
                if not self._sync(fd, version, shown, parts):
                    return
            finally:
                if fd is not None:
                    os.close(fd)

    def _sync(self, fd: int | None, version: object, shown: Mapping[str, Entry], parts: Parts, *, write: bool = True) -> bool:
        """:meth:`sync` through ``fd`` (the file open, or None); True if it is to be tried
        again through the file open anew (it was written anew, or found damaged).
        ``write=False``: what the file does not hold is held in memory, however much."""
        table = self._table if fd is not None else None
        identity = table.identity if table is not None else None
        if self._synced == (version, identity):
            return False
        usable = bytearray(len(table.stems)) if table is not None else bytearray()
        doc_of: dict[str, int] = {}
        if table is not None:
            for n, (stem, digest) in enumerate(zip(table.stems, table.digests, strict=True)):
                entry = shown.get(stem)
                if entry is not None and entry.digest == digest and stem not in doc_of:
                    usable[n] = 1
                    doc_of[stem] = n
        held = {stem: doc for stem, doc in self._held.items() if stem not in doc_of and (entry := shown.get(stem)) is not None and entry.digest == doc[0]}
        wanted = [entry for stem, entry in shown.items() if stem not in doc_of and stem not in held]
        behind = len(held) + len(wanted)
        if write and behind and (table is None or behind > max(REWRITE_AFTER, len(shown) // 20)) and self._may_write(len(shown)):
            try:
                written = self._rewrite(fd, table, usable, held, wanted, parts)
            except _Damaged:  # the file it was copying from: written from the index next try
                self._damaged, self._table, self._synced = identity, None, None
                return True
            except OSError:
                self._write_failed = time.monotonic()
            else:
                self._table, self._held = written, {}
                self._use(written, bytearray([1]) * len(written.stems), {stem: n for n, stem in enumerate(written.stems)})
                self._synced = (version, written.identity)
                return True
        for entry, scanned, lines in parts(wanted):
            doc = make_doc(scanned, lines)
            if doc is not None:
                held[entry.stem] = (entry.digest, doc)
        self._held = held
        self._use(table, usable, doc_of)
        self._synced = (version, identity)
        return False

    def _use(self, table: _Table | None, usable: bytearray, doc_of: dict[str, int]) -> None:
        """Search the meetings ``usable`` of ``table`` from it (``doc_of``: their indices)."""
        self._usable, self._doc_of = usable, doc_of
        self._chunk_docs = []
        if table is None:
            return
        for first, stop, *_ in table.chunks:
            if all(usable[first:stop]):
                docs: Sequence[int] = range(first, stop)
                self._chunk_docs.append((docs, table.begins[first:stop], table.ends[first:stop]))
            else:
                docs = [n for n in range(first, stop) if usable[n]]
                self._chunk_docs.append((docs, _pick(table.begins, docs), _pick(table.ends, docs)))

    def _rewrite(self, fd: int | None, table: _Table | None, usable: bytearray, held: dict[str, tuple[str, Doc]], wanted: list[Entry], parts: Parts) -> _Table:
        def every_doc() -> Iterator[tuple[str, str, Doc]]:
            if fd is not None and table is not None:
                for k, (first, stop, *_) in enumerate(table.chunks):
                    if not any(usable[first:stop]):
                        continue
                    texts = self._chunk(fd, table, k)
                    for n in range(first, stop):
                        if usable[n]:
                            yield table.stems[n], table.digests[n], (bool(table.debrief[n]), texts[table.begins[n] : table.ends[n]], self._lines(fd, table, n))
            for stem, (digest, kept) in held.items():
                yield stem, digest, kept
            for entry, scanned, lines in parts(wanted):
                doc = make_doc(scanned, lines)
                if doc is not None:
                    yield entry.stem, entry.digest, doc

        ensure_dir(self.path.parent)
        if not self._cleaned:  # the temp files of a writer killed mid-write
            clean_stale_temp_files(self.path.parent, of=SCAN_FILE)
            self._cleaned = True
        written = write_scan(self.path, every_doc())
        self.writes += 1
        return written

    @staticmethod
    def _chunk(fd: int, table: _Table, k: int) -> bytes:
        """The texts of chunk ``k``, checked against their checksum once per file version."""
        _, _, at, size, check = table.chunks[k]
        try:
            texts = os.pread(fd, size, at)
        except OSError:
            raise _Damaged from None
        if len(texts) != size or (not table.checked[k] and zlib.crc32(texts) != check):
            raise _Damaged
        table.checked[k] = 1
        return texts

    @staticmethod
    def _lines(fd: int, table: _Table, n: int) -> bytes:
        length = table.lines_length[n]
        try:
            lines = os.pread(fd, length, table.lines_at[n])
        except OSError:
            raise _Damaged from None
        if len(lines) != length or zlib.crc32(lines) != table.lines_check[n]:
            raise _Damaged
        return lines

    # --- searching ---------------------------------------------------------------------

    def debrief(self, stem: str) -> bool:
        """Whether the meeting (one shown, as of the last sync) has a shadow-day item."""
        n = self._doc_of.get(stem)
        if n is not None and self._table is not None:
            return bool(self._table.debrief[n])
        held = self._held.get(stem)
        return held is not None and held[1][0]

    def matches(self, version: object, shown: Mapping[str, Entry], parts: Parts, needles: list[bytes], elsewhere: Sequence[Collection[str]]) -> dict[str, int]:
        """The meetings shown (by stem) whose text holds each of ``needles`` (folded terms,
        encoded), or the ones of them for which the meeting is in ``elsewhere`` (its series'
        title, say, holds that term), each with how many times its text holds them."""
        found: dict[int, int] | None = None
        for _ in range(3):
            fd = self._open()
            try:
                if self._sync(fd, version, shown, parts):
                    continue  # written anew: searched through the new file
                if fd is not None and self._synced is not None and self._synced[1] is not None:
                    doc_of = self._doc_of
                    found = self._scan(fd, needles, [{n for stem in stems if (n := doc_of.get(stem)) is not None} for stems in elsewhere])
                break
            except _Damaged:
                self._damaged = self._table.identity if self._table is not None else None
                self._table = None  # written anew by the next try
                self._synced = None
            finally:
                if fd is not None:
                    os.close(fd)
        else:  # the file kept changing under us (another reader writing it): from memory
            self._table = None
            self._sync(None, version, shown, parts, write=False)
        stems = self._table.stems if self._table is not None else []
        out = {stems[n]: count for n, count in found.items()} if found is not None else {}
        for stem, (_, (_, text, _)) in self._held.items():
            if all(needle in text or stem in other for needle, other in zip(needles, elsewhere, strict=True)):
                out[stem] = sum(text.count(needle) for needle in needles)
        return out

    def _scan(self, fd: int, needles: list[bytes], elsewhere: list[set[int]]) -> dict[int, int]:
        """:meth:`matches` among the meetings of the file, by their index in it.

        A meeting is counted for the next term only if it holds the ones before (the
        longest first: the rarest, usually), and a chunk that does not hold a term at all
        is passed over at one look. The meetings of a chunk are counted by C calls (one
        each), their places in the chunk picked by ``itemgetter``: 20,000 meetings go by in
        a few milliseconds besides the reading of the text itself."""
        table = self._table
        assert table is not None
        order = sorted(range(len(needles)), key=lambda j: -len(needles[j]))
        found: dict[int, int] = {}
        for k, (docs, begins, ends) in enumerate(self._chunk_docs):
            if not docs:
                continue
            buf = self._chunk(fd, table, k)
            total: dict[int, int] | None = None
            for j in order:
                needle, other = needles[j], elsewhere[j]
                if total is not None and len(total) < len(docs):
                    candidates: Sequence[int] = list(total)
                    at, to = _pick(table.begins, candidates), _pick(table.ends, candidates)
                else:
                    candidates, at, to = docs, begins, ends
                counts = {n: c for n, c in zip(candidates, map(buf.count, repeat(needle), at, to), strict=True) if c} if buf.find(needle) >= 0 else {}
                if other:  # a meeting whose series' title (say) holds the term, its text not
                    counts.update((n, 0) for n in other.intersection(candidates) if n not in counts)
                total = counts if total is None else {n: t + counts[n] for n, t in total.items() if n in counts}
                if not total:
                    break
            if total:
                found.update(total)
        return found

    def docs(self, stems: list[str], shown: Mapping[str, Entry], parts: Parts) -> dict[str, Doc]:
        """The docs of a few meetings shown (the hits of a search), by stem, as of the last
        sync. One the file no longer holds as its table says (damaged since) is read from
        the index instead, and the file is written anew at the next search."""
        out: dict[str, Doc] = {}
        table = self._table
        wanted = [stem for stem in stems if stem in self._doc_of]
        missed: list[str] = []
        fd = self._open() if wanted and table is not None else None
        try:
            if fd is not None and self._table is table and table is not None:
                firsts = [chunk[0] for chunk in table.chunks]
                for stem in wanted:
                    n = self._doc_of[stem]
                    _, _, at, _, _ = table.chunks[bisect.bisect_right(firsts, n) - 1]
                    try:
                        text = os.pread(fd, table.ends[n] - table.begins[n], at + table.begins[n])
                        if len(text) != table.ends[n] - table.begins[n]:
                            raise _Damaged
                        out[stem] = (bool(table.debrief[n]), text, self._lines(fd, table, n))
                    except (OSError, _Damaged):
                        missed.append(stem)
            else:
                missed = wanted
        finally:
            if fd is not None:
                os.close(fd)
        if missed:
            self._damaged, self._synced = (table.identity if table is not None else None), None
            for entry, scanned, lines in parts([shown[stem] for stem in missed if stem in shown]):
                doc = make_doc(scanned, lines)
                if doc is not None:
                    out[entry.stem] = doc
        for stem in stems:
            held = self._held.get(stem)
            if held is not None:
                out[stem] = held[1]
        return out
