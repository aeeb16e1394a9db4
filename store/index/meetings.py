"""The meeting index of one workspace: an entry per meeting file, refreshed by one pass over
the meetings folder that reads only the files whose signature changed, and kept between
runs in the cache folder.

The files are derived data: never the source of truth, never written on a save (a reader
that noticed changes writes them, at most every :data:`WRITE_EVERY_S`), and ignored whole
when they cannot be used (damaged, another format, schema or set of record fields). Each
entry is bound to its meeting file by the file's signature (modification and change times
in nanoseconds, size, inode), which another machine or a synced folder cannot reproduce:
an entry that does not match its file is read again, never believed.

Two files of one shape: a header line (format, schema, a fingerprint of both and of the
record fields, the checksum of the table), a table line (a row per entry: its meeting
file's signature and digest, where its body is, checksums), then the bodies, one a line.
``meetings.index`` holds what the listings need: its table is read at the first query,
each body when it is used, through a descriptor kept open (memory holds the entries, not
their data); ``search.index`` what search needs, read on the first search only, body by
body: the first screen does not pay for it.

Nothing holds every meeting's data at once: a pass that reads many files (a first build)
moves what it read to an unnamed spill file in the cache folder a hundred meetings at a
time, and the index files are written from there (or from the old files, or memory) an
entry at a time, a megabyte per write, under the table computed first.

Each refresh that finds changes starts a new generation and notes which files changed
in it (:meth:`MeetingIndex.changed_since`): a poller's reload remakes what it derived
from those files only.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import math
import os
import stat
import tempfile
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from sys import intern
from typing import Any, TypeVar

import orjson

from tandem.store.atomic import FILE_MODE, SCHEMA_VERSION, clean_stale_temp_files, decode, ensure_dir, fsync_dir, read_regular, temp_path_for
from tandem.store.errors import TandemError
from tandem.store.index.entry import PARTS, RACY_NS, Entry, Sig, check_of, digest_of, read_entry, search_entry, sig_of
from tandem.store.layout import CACHE_DIR, MEETINGS_DIR
from tandem.store.outside import MAX_DATA_FILE_BYTES, cache_usable, name_problem
from tandem.store.records import ActionItem, Attendee, Decision, LeadFeedback, Meeting, Triage
from tandem.store.workspace import _decode_meeting

T = TypeVar("T")

INDEX_FILE = "meetings.index"
SEARCH_FILE = "search.index"
FORMAT = 1
#: Below this many meeting files the index lives in memory only: reading them all takes
#: well under 0.1 s, and a new or small workspace gets no cache folder.
PERSIST_FROM = 100
#: A long-running reader (review, the app) writes the index at most this often: a meeting
#: saved every few seconds must not have the whole index rewritten each time.
WRITE_EVERY_S = 30.0
#: The index files are written again once this many entries (or a twentieth of them) are
#: new or changed: up to then a reader reads those few files again, which costs less than
#: rewriting a 20,000-entry index each time a meeting is saved.
WRITE_AFTER_CHANGES = 64
#: How often a poll (:meth:`MeetingIndex.stale`) and a poller's reload stat every file even
#: though the meetings folder did not change: a file rewritten in place (not renamed into
#: the folder, as every tandem save is) leaves the folder as it was, and waits this long.
FULL_PASS_EVERY_S = 10.0
#: How many generations :meth:`MeetingIndex.changed_since` can tell the changes of: a reader
#: further behind rebuilds what it derived (a poller is one or two generations behind).
CHANGES_KEPT = 256
#: A pass moves what it read of the meeting files (data and search lines, about 8 KB a
#: meeting) to a spill file in the cache folder this many at a time, until the index files
#: are written from it: a first build of 20,000 meetings held 170 MB of them, then joined
#: each index file whole to write it (another 60 and 100 MB), and review peaked at 400 MB.
SPILL_EVERY = 100
#: The index files are written this many bytes at a time, their bodies read one by one.
WRITE_CHUNK = 1 << 20


@functools.cache
def records_fingerprint() -> str:
    """Changes with the format, the schema or the fields of any record the index keeps:
    an index written by another tandem is rebuilt, not misread."""
    kinds = (Meeting, Attendee, ActionItem, Decision, LeadFeedback, Triage)
    text = repr((FORMAT, SCHEMA_VERSION, PARTS, [(k.__name__, [f.name for f in fields(k)]) for k in kinds]))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class MeetingIndex:
    """Thread-safe; one per :class:`~tandem.store.workspace.Workspace` (``workspace.index``)."""

    def __init__(self, home: Path, *, persist: bool = True) -> None:
        self.home = home
        self.folder = home / MEETINGS_DIR
        self.cache = home / CACHE_DIR
        #: False: in memory only, the cache folder neither read nor written.
        self.persist = persist
        #: Counts changes seen (an entry read anew, one gone): callers that derive data from
        #: the entries (review's rows) know when to derive it again.
        self.generation = 0
        self._lock = threading.RLock()
        self._entries: dict[str, Entry] = {}
        #: The stem of every ``*.json`` in the folder, sorted; names that cannot be meeting
        #: ids too (they have no entry: their readers report them).
        self._stems: list[str] = []
        self._loaded = False
        #: Whether ``_stems`` holds a listing of the folder (not yet: the index file's entries
        #: may be of files gone).
        self._listed = False
        self._folder_stamp: tuple[int, int] | None = None
        self._last_pass = -math.inf
        self._last_write = -math.inf
        self._write_failed = -math.inf
        self._write_looked = -math.inf
        #: The index file the entries' data is read from (see ``Entry.at``), open; and what closes it.
        self._fd: int | None = None
        self._closer: Callable[[], Any] = _nothing
        #: The spill file (see :data:`SPILL_EVERY`; no name, gone when closed), open; its
        #: number (an entry's ``spilled`` names the file it is in), its size, what closes it,
        #: and when it could not be made.
        self._spill: int | None = None
        self._spill_number = 0
        self._spill_size = 0
        self._spill_closer: Callable[[], Any] = _nothing
        self._spill_failed = -math.inf
        #: The stems whose entry changed (read anew, gone, new) at each generation: the last
        #: :data:`CHANGES_KEPT` of them (see :meth:`changed_since`).
        self._changes: dict[int, frozenset[str]] = {}
        #: The inode of each entry a quick pass may take as unchanged without a stat
        #: (settled, readable, with a signature), by file name.
        self._quick: dict[str, int] = {}
        #: The last listing of the folder: each name with its inode number.
        self._listing: dict[str, int] = {}
        #: The folder's stamp as :meth:`refresh_changed` found it when it was old enough to
        #: move with any later change in the folder; None: not (yet).
        self._stamp_trusted: tuple[int, int] | None = None
        #: What :meth:`latest` found for every series at once, and the generation it is of:
        #: the new-meeting form asks each time it opens (a look at 20,000 entries each time).
        self._latest: tuple[int, dict[str, Entry], list[str]] | None = None

    # --- reading the folder --------------------------------------------------------------

    def refresh(self, *, every_file: bool = True) -> bool:
        """Bring every entry in line with its file (one stat per file, reading only those
        that changed); write the index files if it is due. True if anything changed.

        ``every_file=False`` (a poller's reload): a file whose inode is the one its entry
        has is taken as unchanged without a stat, unless :data:`FULL_PASS_EVERY_S` passed
        since every file was looked at. Every save renames a new file (a new inode) into
        the folder, so only a file rewritten in place waits for that."""
        with self._lock:
            self._load()
            changed = self._pass(quick=not every_file and time.monotonic() - self._last_pass < FULL_PASS_EVERY_S)
            self._maybe_write()
            return changed

    def refresh_changed(self) -> bool:
        """A refresh for a question a long-running reader asks now and then (the new-meeting
        form's last meeting of a series): one stat of the meetings folder, and only if it
        moved since the last pass (every save renames a file into it; a git checkout or a
        sync creates, replaces and removes files in it), a quick pass: a listing, and the
        files with a new inode read. Files this process has not looked at yet, and those
        changed in the last seconds, are looked at as by a full pass. A file rewritten in
        place (its inode kept, the folder left as it was) is seen at the next full refresh:
        stat-ing 20,000 files to find one took 0.2-0.35 s. True if anything changed."""
        with self._lock:
            self._load()
            stamp = self._stamp()
            if stamp is not None and stamp == self._folder_stamp == self._stamp_trusted and all(e.settled and not e.retry for e in self._entries.values()):
                return False
            before = time.time_ns()
            changed = self._pass(quick=True)
            # The folder's times tick coarsely: a file renamed in within the tick its stamp was
            # read in leaves the stamp as it was. So it is trusted only once older than that.
            stamp = self._folder_stamp
            self._stamp_trusted = stamp if stamp is not None and before - stamp[0] > RACY_NS else None
            self._maybe_write()
            return changed

    def listing(self) -> list[tuple[str, Entry | None]]:
        """Every meeting file (by stem, in order) with its entry, as of the last refresh;
        None for a file the caller must read itself: a name that is no meeting id, or a
        file that cannot be read (its reader says why, in its own words)."""
        with self._lock:
            out: list[tuple[str, Entry | None]] = []
            for stem in self._stems:
                entry = self._entries.get(stem)
                out.append((stem, entry if entry is not None and entry.problem is None else None))
            return out

    def latest(self, series_id: str) -> tuple[Entry | None, list[str]]:
        """As of the last refresh: the entry of ``series_id`` with the latest date, then
        meeting id, then file name; and the stems :meth:`listing` gives no entry for (the
        caller reads those files). No list of every entry is made: at 20,000 meetings one
        woke the garbage collector up for a fifth of a second."""
        with self._lock:
            # Every change to the entries or the listing starts a generation (``_changed``).
            if self._latest is None or self._latest[0] != self.generation:
                self._latest = (self.generation, *self._latest_of_each())
            _, best, unread = self._latest
            return best.get(series_id), list(unread)

    def _latest_of_each(self) -> tuple[dict[str, Entry], list[str]]:
        """For :meth:`latest`: each series' latest entry, and the stems with no entry."""
        best: dict[str, Entry] = {}
        unread: list[str] = []
        entries = self._entries
        for stem in self._stems:
            entry = entries.get(stem)
            if entry is None or entry.problem is not None:
                unread.append(stem)
                continue
            found = best.get(entry.series_id)
            if found is None or (entry.date, entry.meeting_id) >= (found.date, found.meeting_id):
                best[entry.series_id] = entry  # in file name order: among equal keys the last name wins
        return best, unread

    def entries(self) -> list[tuple[str, Entry | None]]:
        """Every meeting file (by stem, in order) with its entry, problems included; None
        for a name that is no meeting id."""
        with self._lock:
            return [(stem, self._entries.get(stem)) for stem in self._stems]

    def entry(self, stem: str) -> tuple[bool, Entry | None]:
        """Whether ``stem`` is listed in the folder (as of the last refresh), and its entry
        (problems included; None for a name that is no meeting id)."""
        with self._lock:
            entry = self._entries.get(stem)
            at = bisect.bisect_left(self._stems, stem)
            return entry is not None or (at < len(self._stems) and self._stems[at] == stem), entry

    def changed_since(self, generation: int) -> set[str] | None:
        """The stems whose entries changed (read anew, gone, new, or a name that is no
        meeting id come or gone) since ``generation``; None when that is no longer known
        (too long ago): the caller derives everything again."""
        with self._lock:
            if generation == self.generation:
                return set()
            wanted = range(generation + 1, self.generation + 1)
            if generation > self.generation or any(g not in self._changes for g in wanted):
                return None
            out: set[str] = set()
            for g in wanted:
                out |= self._changes[g]
            return out

    def _changed(self, stems: Iterable[str]) -> None:
        """A new generation, in which the entries of ``stems`` changed."""
        self.generation += 1
        self._changes[self.generation] = frozenset(stems)
        self._changes.pop(self.generation - CHANGES_KEPT, None)

    def use(self, entry: Entry, build: Callable[[dict[str, Any]], T], parts: Iterable[str] = PARTS) -> T | None:
        """``build`` applied to the entry's data (its ``parts``). None when the data is not
        what this tandem writes (a damaged index file): the entry is marked unknown, so its
        file is read again at the next refresh, and the caller reads the file meanwhile."""
        try:
            with self._lock:  # the index file may be written again meanwhile
                raw = self._data_of(entry)
            return build(entry.decoded(parts, raw))
        except (OSError, ValueError, TypeError, KeyError, AttributeError, TandemError):
            with self._lock:
                entry.sig, entry.digest, entry.settled, entry.persisted = None, "", False, False
                self._quick.pop(f"{entry.stem}.json", None)
                self._changed((entry.stem,))
            return None

    def _pass(self, *, quick: bool = False) -> bool:
        now = time.time_ns()
        if not quick:
            self._last_pass = time.monotonic()
        # Before listing: a file renamed in during the listing moves the stamp again.
        self._folder_stamp = self._stamp()
        # Each name with its inode number, which comes with the listing (no stat): a file
        # renamed in (every save) has a new one: after a save, a look-up per file finds the
        # files to look at (a comparison of the listings as sets of pairs took four times as long).
        try:
            with os.scandir(self.folder) as found:
                listing = {e.name: e.inode() for e in found}
        except OSError:  # no meetings folder (yet), or one that cannot be listed: no meetings
            listing = {}
        if self._listed and listing.keys() == self._listing.keys():
            stems = self._stems  # the same names: no sort
            gone: set[str] = set()
        else:
            stems = sorted(name[:-5] for name in listing if _meeting_file(name))
            # Entries of files gone, and those the index file had of files not there.
            gone = (set(self._stems) | self._entries.keys()) - set(stems)
            self._listed = True
        self._listing = listing
        if quick:
            inode_of = self._quick.get
            looked = sorted(name for name, inode in listing.items() if inode_of(name) != inode and _meeting_file(name))
        else:
            self._quick = {}
            looked = sorted(name for name in listing if _meeting_file(name))
        changed = gone | (set(stems) - set(self._stems) if stems is not self._stems else set())
        entries = self._entries
        folder = os.fspath(self.folder)  # joined as text: a Path per file took a third of a pass
        read: list[Entry] = []  # read by this pass, not yet spilled
        for stem in gone:
            entries.pop(stem, None)
            self._quick.pop(f"{stem}.json", None)  # a new file may get the inode number back
        for name in looked:
            stem = name[:-5]
            self._quick.pop(name, None)
            old = entries.get(stem)
            if old is None and name_problem(stem) is not None:
                continue
            path = os.path.join(folder, name)
            try:
                sig: Sig | None = sig_of(os.stat(path))
            except FileNotFoundError:
                sig = None
                if not os.path.lexists(path):  # gone since the folder was listed
                    if stems is self._stems:
                        stems = list(stems)
                    if stem in stems:
                        stems.remove(stem)
                    entries.pop(stem, None)
                    changed.add(stem)
                    continue
            except OSError:
                sig = None
            if old is not None and sig is not None and old.sig == sig and old.settled and not old.retry:
                self._quick[name] = sig[3]
                continue
            entry = read_entry(self.home, Path(path), stem, is_link=os.path.islink(path), sig=sig, now_ns=now, old=old)
            if entry is None:  # gone since the folder was listed
                if stems is self._stems:
                    stems = list(stems)
                stems.remove(stem)
                entries.pop(stem, None)
                changed.add(stem)
                continue
            entries[stem] = entry
            if entry.sig is not None and entry.settled and not entry.retry:
                self._quick[name] = entry.sig[3]
            if entry is not old:
                changed.add(stem)
                if entry.data and entry.lines is not None:
                    read.append(entry)
                    if len(read) >= SPILL_EVERY:
                        self._spill_out(read)
                        read = []
        self._stems = stems
        if changed:
            self._changed(changed)
        # As :meth:`refresh_changed` trusts it: a full refresh is followed by a form's
        # question at the cost of one stat, not of a listing of the folder.
        stamp = self._folder_stamp
        self._stamp_trusted = stamp if stamp is not None and now - stamp[0] > RACY_NS else None
        return bool(changed)

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.folder)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_ino)

    def stale(self) -> bool:
        """Whether a refresh may find something new, cheaply: one stat of the meetings folder
        (every tandem save and every git checkout renames or creates files in it), a look at
        the files changed in the last seconds, and every :data:`FULL_PASS_EVERY_S` a stat of
        every file, for a file rewritten in place."""
        with self._lock:
            if not self._loaded or self._folder_stamp is None or self._stamp() != self._folder_stamp:
                return True
            now = time.time_ns()
            for entry in [e for e in self._entries.values() if not e.settled or e.retry]:
                if self._recheck(entry, now):
                    return True
            if time.monotonic() - self._last_pass < FULL_PASS_EVERY_S:
                return False
            if self._signatures_moved():
                return True
            self._last_pass = time.monotonic()
            return False

    def _recheck(self, entry: Entry, now: int) -> bool:
        """Whether a file changed lately (or unreadable) holds other bytes than its entry;
        an entry whose file has kept its bytes long enough is settled."""
        path = self.folder / f"{entry.stem}.json"
        try:
            sig: Sig | None = sig_of(os.stat(path))
        except FileNotFoundError:
            return True
        except OSError:
            sig = None
        if sig != entry.sig:
            return True
        if entry.retry:  # read again by the next refresh; a poll reports only a change
            return False
        fresh = read_entry(self.home, path, entry.stem, is_link=path.is_symlink(), sig=sig, now_ns=now, old=entry)
        return fresh is not entry

    def _signatures_moved(self) -> bool:
        """Whether a file came, went or has another signature: looked at one at a time as
        the folder is listed (the listing of 20,000 files held with their status added
        13 MB to review's peak)."""
        stems, entries = self._stems, self._entries
        seen = 0
        try:
            with os.scandir(self.folder) as found:
                for dir_entry in found:
                    name = dir_entry.name
                    if not _meeting_file(name):
                        continue
                    stem = name[:-5]
                    seen += 1
                    at = bisect.bisect_left(stems, stem)
                    if at == len(stems) or stems[at] != stem:
                        return True
                    entry = entries.get(stem)
                    if entry is None:
                        if name_problem(stem) is None:
                            return True
                        continue
                    try:
                        sig: Sig | None = sig_of(dir_entry.stat())
                    except OSError:
                        sig = None
                    if sig != entry.sig:
                        return True
        except OSError:  # the folder gone, or not listable: as if empty
            return bool(stems)
        return seen != len(stems)

    # --- search ------------------------------------------------------------------------

    def search_parts(self, entries: list[Entry]) -> Iterator[tuple[Entry, bytes, bytes]]:
        """Each of ``entries`` (read, no problem) with both parts of what search keeps of it
        (:func:`search_entry`: what it scans, the lines as written), undecoded: from memory,
        the spill file, the search file (in its order, one body at a time) or its meeting
        file. An entry whose file changed since it was read is left out. For a reader that
        keeps them in a file of its own (review's ``store/review/scan.py``)."""
        with self._lock:
            done: set[str] = set()
            wanted = {e.stem: e for e in entries if not self._lines_pending(e)}
            if wanted:
                try:
                    for fd, stem, at in self._search_rows():
                        entry = wanted.get(stem)
                        found = _search_body(fd, at, entry) if entry is not None and stem not in done else None
                        if entry is not None and found is not None:
                            done.add(stem)
                            yield entry, found[0], found[1]
                except OSError:
                    pass  # the rest from their meeting files
            for entry in entries:
                if entry.stem in done:
                    continue
                parts = self._pending_lines(entry)
                if parts is None:
                    entry.lines = parts = self._search_entry_of(entry)
                if parts is not None:
                    yield entry, parts[0], parts[1]
            self._maybe_write()

    def _search_entry_of(self, entry: Entry) -> tuple[bytes, bytes] | None:
        """What search keeps of ``entry``'s file, read again; None if its bytes changed."""
        path = self.folder / f"{entry.stem}.json"
        try:
            raw = read_regular(path)
            if digest_of(raw) != entry.digest:
                return None
            return search_entry(_decode_meeting(path, decode(raw, path)))
        except (OSError, TandemError):
            return None

    @staticmethod
    def _lines_pending(entry: Entry) -> bool:
        """Whether what search keeps of ``entry`` is in memory or in the spill file: the
        search file does not hold it yet."""
        return entry.lines is not None or entry.spilled is not None

    def _pending_lines(self, entry: Entry) -> tuple[bytes, bytes] | None:
        """What search keeps of ``entry`` from memory or the spill file; None if neither
        holds it (or the spill file no longer does)."""
        if entry.lines is not None:
            return entry.lines
        spilled = entry.spilled
        if spilled is None or spilled[0] != self._spill_number or self._spill is None:
            return None
        _, at, data_length, _, scanned, scanned_check, lines, lines_check = spilled
        try:
            raw = os.pread(self._spill, scanned + lines, at + data_length)
        except OSError:
            return None
        first, second = raw[:scanned], raw[scanned:]
        if check_of(first) != scanned_check or check_of(second) != lines_check:
            return None
        return first, second

    def _search_rows(self) -> Iterator[tuple[int, str, _At]]:
        """The rows of the search file in the order of the file, each with the file open,
        its table parsed a piece at a time (a table of every row held 8 MB at 20,000
        meetings); none, or no more, once the file turns out not to be usable."""
        if not self._usable_cache():
            return
        try:
            fd = os.open(self.cache / SEARCH_FILE, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            return
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return
            with os.fdopen(os.dup(fd), "rb") as f:
                head = f.readline(64 * 1024)
                table = f.readline(MAX_DATA_FILE_BYTES)
            if not head.endswith(b"\n") or not table.endswith(b"\n") or not _head_ok(head[:-1], table[:-1]):
                return
            at = len(head) + len(table)
            for rows in _pieces(table[:-1]):
                for row in rows:
                    if not _search_row_ok(row):
                        return
                    stem, digest, scanned, scanned_check, lines, lines_check = row
                    yield fd, stem, (digest, at, scanned, scanned_check, lines, lines_check)
                    at += scanned + 1 + lines + 1
        except (OSError, _Uncut):  # what search keeps of the rest read from their files
            return
        finally:
            os.close(fd)

    def _open_search(self) -> tuple[int, dict[str, _At]] | None:
        """The search file, open, and its table, read anew (a writer's, once in a while:
        kept, the table of 20,000 meetings held 8 MB for nothing)."""
        if not self._usable_cache():
            return None
        try:
            fd = os.open(self.cache / SEARCH_FILE, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            found = _read_table(fd, st) if stat.S_ISREG(st.st_mode) else None
        except OSError:
            found = None
        if found is None:
            os.close(fd)
            return None
        return fd, found

    # --- the index files -----------------------------------------------------------------

    def _usable_cache(self) -> bool:
        """The cache folder may be read and written: in the workspace (a link out of it
        would have tandem write elsewhere), and the workspace exists."""
        return self.persist and cache_usable(self.home, self.cache)

    def _load(self) -> None:
        """The entries of the index file: its table only, each entry's data left in the
        file (read when used, through the descriptor kept open: a file written over it
        since by another reader leaves ours readable)."""
        if self._loaded:
            return
        self._loaded = True
        self._latest = None
        if not self._usable_cache():
            return
        fd = _open_index(self.cache / INDEX_FILE)
        if fd is None:
            return
        entries = _parse(fd)
        if entries:
            self._keep_open(fd)
            self._entries = entries
        else:
            os.close(fd)

    def _keep_open(self, fd: int | None) -> None:
        """Read the entries' data through ``fd`` from now on (closed with the index)."""
        self._closer()
        self._fd = fd
        self._closer = weakref.finalize(self, os.close, fd) if fd is not None else _nothing

    def _data_of(self, entry: Entry) -> bytes | None:
        """The data of ``entry`` as the index file (or the spill file) holds it, or None when
        it is in memory; ValueError if it cannot be read (then its file is read again)."""
        if entry.at < 0:
            spilled = entry.spilled
            if spilled is None:
                return None
            number, at, length, check, *_ = spilled
            if number != self._spill_number or self._spill is None:
                raise ValueError("the spill file is gone")
            raw = os.pread(self._spill, length, at)
            if len(raw) != length or check_of(raw) != check:
                raise ValueError("the spill file's data does not match its checksum")
            return raw
        if self._fd is None:
            raise ValueError("the index file is no longer open")
        raw = os.pread(self._fd, entry.length, entry.at)
        if len(raw) != entry.length:
            raise ValueError("the index file is shorter than its table")
        # Copied into a new index file under a fresh checksum: bytes damaged since they were
        # written must not be vouched for by it (they are read from the meeting file again).
        if entry.unchecked is not None and check_of(raw) != entry.unchecked:
            raise ValueError("the index file's data does not match its checksum")
        return raw

    def _spill_out(self, read: list[Entry]) -> None:
        """Move the data and search lines of ``read`` (entries just read, with both) to the
        spill file, in one write; left in memory if there is no spill file to be had."""
        fd = self._spill_fd()
        if fd is None:
            return
        pieces: list[bytes] = []
        spilled: list[tuple[int, int, int, int, int, int, int, int]] = []
        at = self._spill_size
        for e in read:
            assert e.lines is not None
            scanned, lines = e.lines
            spilled.append((self._spill_number, at, len(e.data), check_of(e.data), len(scanned), check_of(scanned), len(lines), check_of(lines)))
            pieces += (e.data, scanned, lines)
            at += len(e.data) + len(scanned) + len(lines)
        try:
            _pwrite_all(fd, b"".join(pieces), self._spill_size)
        except OSError:  # a full disk: these, and what is read next for a while, stay in memory
            self._spill_failed = time.monotonic()
            return
        self._spill_size = at
        for e, where in zip(read, spilled, strict=True):
            e.spilled, e.data, e.lines = where, b"", None

    def _spill_fd(self) -> int | None:
        """The spill file, made (in the cache folder: on the workspace's disk, the index
        files' own place) when first needed; None where the cache folder cannot be written."""
        if time.monotonic() - self._spill_failed < WRITE_EVERY_S:
            return None
        if self._spill is not None:
            return self._spill
        if not self._usable_cache():
            return None
        try:
            ensure_dir(self.cache)
            # No name (or one removed at once): nothing is left behind by a writer killed.
            spill = tempfile.TemporaryFile(dir=self.cache)  # noqa: SIM115 (open until _drop_spill)
        except OSError:
            self._spill_failed = time.monotonic()
            return None
        self._spill = spill.fileno()
        self._spill_number += 1
        self._spill_size = 0
        self._spill_closer = weakref.finalize(self, spill.close)
        return self._spill

    def _drop_spill(self) -> None:
        """Close the spill file: what entries held in it is read from their files again."""
        self._spill_closer()
        self._spill_closer = _nothing
        self._spill = None
        self._spill_size = 0
        self._spill_number += 1

    def _maybe_write(self) -> None:
        """Write the index files if enough is new in them: a few changed files cost a
        reader a few reads, and rewriting the index each time would cost more."""
        now = time.monotonic()
        # Whether it is due takes a look at every entry: not at every refresh of a poller.
        if now - max(self._last_write, self._write_looked) < WRITE_EVERY_S:
            return
        self._write_looked = now
        kept = [e for e in self._entries.values() if e.settled and not e.retry]
        if len(kept) < PERSIST_FROM:
            return
        due = max(1, min(WRITE_AFTER_CHANGES, len(kept) // 20))
        index_due = sum(not e.persisted for e in kept) >= due
        search_due = sum(self._lines_pending(e) for e in kept if e.problem is None) >= due
        if not (index_due or search_due):
            return
        if now - self._write_failed < WRITE_EVERY_S or not self._usable_cache():
            return
        try:
            ensure_dir(self.cache)
            if self._last_write == -math.inf:  # the temp files of an index writer killed mid-write
                clean_stale_temp_files(self.cache)
            if index_due:
                self._write(kept)
            if search_due:
                self._write_search(kept)
        except OSError:  # a read-only folder, a full disk: the index stays in memory
            self._write_failed = now
            return
        self._last_write = now
        if self._spill is not None:
            self._unspill()

    def _unspill(self) -> None:
        """Once the index files are written: what the spill file still holds (of files
        changed too lately to be written) back in memory, and the file closed: a few
        entries must not keep a file of a hundred megabytes."""
        for e in self._entries.values():
            if e.spilled is None:
                continue
            try:
                data = self._data_bytes(e) if e.at < 0 else e.data
            except (OSError, ValueError):  # read from its meeting file at the next refresh
                e.sig, e.digest, e.settled, e.persisted = None, "", False, False
                data = b""
            e.lines, e.data, e.spilled = self._pending_lines(e), data, None
        self._drop_spill()

    def _write(self, kept: list[Entry]) -> None:
        """The index file with every entry in ``kept``; then their data is left in it.
        Written as it is read, an entry at a time (see :data:`SPILL_EVERY`)."""
        written: list[tuple[Entry, int, int]] = []
        for e in sorted(kept, key=lambda e: e.stem):
            try:
                data = self._data_bytes(e)
            except (OSError, ValueError):  # read from its meeting file at the next refresh
                e.sig, e.digest, e.settled, e.persisted = None, "", False, False
                continue
            written.append((e, len(data), check_of(data)))
        rows = [[e.stem, *(e.sig or (0, 0, 0, 0)), e.digest, e.problem, e.meeting_id, e.series_id, e.date, length, check] for e, length, check in written]
        head = _head(rows)

        def pieces() -> Iterator[bytes]:
            yield from head
            for e, length, check in written:
                data = self._data_bytes(e)
                if len(data) != length or check_of(data) != check:  # changed under us: not written
                    raise OSError(f"the data of {e.stem} changed while the index was written")
                yield data
                yield b"\n"

        path = self.cache / INDEX_FILE
        size = write_streamed(path, pieces()).st_size
        for e, _, _ in written:
            e.persisted = True
        fd = _open_index(path)
        first = head[0]
        # The file just written, unless another reader wrote one since: then the data stays
        # where it is. (The first line holds the table's checksum: the same line, the same table.)
        if fd is None or os.fstat(fd).st_size != size or os.pread(fd, len(first), 0) != first:
            if fd is not None:
                os.close(fd)
            return
        self._keep_open(fd)
        at = sum(map(len, head))  # the first body, after the table
        for e, length, check in written:
            e.at, e.length, e.unchecked, e.data = at, length, check, b""
            at += length + 1

    def _data_bytes(self, entry: Entry) -> bytes:
        """The data of ``entry`` from wherever it is (see :meth:`_data_of`)."""
        raw = self._data_of(entry)
        return entry.data if raw is None else raw

    def _write_search(self, kept: list[Entry]) -> None:
        """The search file with every entry it can hold: those in memory or the spill file,
        and those the search file holds already (copied, not decoded), one at a time."""
        kept = sorted((e for e in kept if e.problem is None), key=lambda e: e.stem)
        opened = self._open_search()
        fd, table = opened if opened is not None else (None, {})
        try:

            def parts_of(e: Entry) -> tuple[bytes, bytes] | None:
                found = self._pending_lines(e)
                if found is None and fd is not None and not self._lines_pending(e):
                    found = _search_body(fd, table.get(e.stem), e)
                return found

            written: list[tuple[Entry, int, int, int, int]] = []
            for e in kept:
                parts = parts_of(e)
                if parts is not None:
                    scanned, lines = parts
                    written.append((e, len(scanned), check_of(scanned), len(lines), check_of(lines)))

            def pieces() -> Iterator[bytes]:
                yield from _head([[e.stem, e.digest, *sizes] for e, *sizes in written])
                for e, *sizes in written:
                    parts = parts_of(e)
                    if parts is None or [len(parts[0]), check_of(parts[0]), len(parts[1]), check_of(parts[1])] != sizes:
                        raise OSError(f"what search keeps of {e.stem} changed while the search index was written")
                    yield parts[0]
                    yield b"\t"
                    yield parts[1]
                    yield b"\n"

            write_streamed(self.cache / SEARCH_FILE, pieces())
        finally:
            if fd is not None:
                os.close(fd)
        for e in kept:
            e.lines, e.spilled = None, None


#: Where the search file holds a meeting's body: (digest of the meeting file, offset, length
#: and checksum of the scanned part, length and checksum of the lines).
_At = tuple[str, int, int, int, int, int]


def _search_body(fd: int, at: _At | None, entry: Entry) -> tuple[bytes, bytes] | None:
    """Both parts of ``entry``'s body in the search file open at ``fd`` (``at``: its row in
    the file's table), checked; None unless the file holds them for the bytes ``entry`` was
    read from. OSError if the file cannot be read."""
    if at is None or at[0] != entry.digest:
        return None
    _, offset, scanned, scanned_check, lines_length, lines_check = at
    raw = os.pread(fd, scanned + 1 + lines_length, offset)
    first, second = raw[:scanned], raw[scanned + 1 :]
    if check_of(first) != scanned_check or check_of(second) != lines_check:
        return None
    return first, second


def write_streamed(path: Path, pieces: Iterable[bytes]) -> os.stat_result:
    """Replace ``path`` with ``pieces`` joined, written as they come, :data:`WRITE_CHUNK`
    bytes at a time (as ``atomic_write_bytes`` does: a temp file in the same folder, flushed,
    renamed over, the folder flushed), so that no reader sees half a file and memory never
    holds the whole of it; the status of the file written. OSError if it cannot be
    written (the temp file removed)."""
    tmp = temp_path_for(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as exc:  # name the file the user knows, not the hidden temp file
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        buffer: list[bytes] = []
        held = 0
        for piece in pieces:
            buffer.append(piece)
            held += len(piece)
            if held >= WRITE_CHUNK:
                _write_all(fd, b"".join(buffer))
                buffer, held = [], 0
        if buffer:
            _write_all(fd, b"".join(buffer))
        os.fsync(fd)
        os.replace(tmp, path)
        st = os.fstat(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    fsync_dir(path.parent)
    return st


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view, offset = view[n:], offset + n


def _nothing() -> None:
    """Closes no file."""


def _meeting_file(name: str) -> bool:
    """Whether a name in the meetings folder is that of a meeting file (or of one that
    cannot be a meeting file's, which its readers report): not a temp file or a lock."""
    return name.endswith(".json") and not name.startswith(".")


def _head(rows: list[list[Any]]) -> list[bytes]:
    """What an index file starts with: its header and table (``rows``) lines, in pieces.
    The bodies follow, one a line, each of its parts joined by a tab.

    The table's JSON is made :data:`HEAD_ROWS` rows at a time: orjson's buffer for the table
    of 20,000 meetings in one call was four times the table's 4 MB."""
    table = [b"["]
    for n in range(0, len(rows), HEAD_ROWS):
        part = orjson.dumps(rows[n : n + HEAD_ROWS])
        table.append(b"," + part[1:-1] if n else part[1:-1])
    table.append(b"]\n")
    check = 0
    for piece in table[:-1]:
        check = zlib.crc32(piece, check)
    check = zlib.crc32(b"]", check)
    head = orjson.dumps({"format": FORMAT, "schema": SCHEMA_VERSION, "records": records_fingerprint(), "table": check})
    return [head + b"\n", *table]


#: How many rows of a table :func:`_head` makes the JSON of at a time.
HEAD_ROWS = 1000


def _head_ok(head: bytes, table: bytes) -> bool:
    """Whether the first two lines of an index file are those of one this tandem wrote whole."""
    try:
        found = orjson.loads(head)
    except orjson.JSONDecodeError:
        return False
    return type(found) is dict and found.get("format") == FORMAT and found.get("records") == records_fingerprint() and found.get("table") == check_of(table)


#: The bytes of a table parsed at a time (see :func:`_pieces`).
PIECE = 1 << 16


class _Uncut(Exception):
    """A table that :func:`_pieces` cannot cut into rows: it is parsed whole."""


def _pieces(table: bytes) -> Iterator[list[Any]]:
    """The rows of a table (its JSON), :data:`PIECE` bytes of them at a time: orjson takes
    about ten times the size of what it parses besides the rows it makes, 25 MB for the
    search file's table of 20,000 meetings. A row ends at ``],[``, unless those bytes are in
    a string (a problem's sentence): then a piece ends inside a string, which no parse
    takes, and :class:`_Uncut` is raised."""
    if table == b"[]":
        return
    if not (table.startswith(b"[[") and table.endswith(b"]]")):
        raise _Uncut
    start, last = 1, len(table) - 1
    while start < last:
        cut = table.find(b"],[", start + PIECE)
        end = last if cut < 0 else cut + 1
        try:
            rows = orjson.loads(b"".join((b"[", table[start:end], b"]")))
        except orjson.JSONDecodeError:
            raise _Uncut from None
        if type(rows) is not list:
            raise _Uncut
        yield rows
        start = end + 1


def _every_row(table: bytes, use: Callable[[Iterable[Any]], T]) -> T | None:
    """``use`` applied to the rows of ``table``, parsed a piece at a time (or whole, if it
    cannot be cut: ``use`` is then applied again, from the start); None if it is no list."""
    try:
        return use(row for rows in _pieces(table) for row in rows)
    except _Uncut:
        pass
    try:
        rows = orjson.loads(table)
    except orjson.JSONDecodeError:
        return None
    return use(rows) if type(rows) is list else None


def _table(head: bytes, table: bytes) -> list[Any] | None:
    """The rows of an index file from its first two lines; None if it is not one this
    tandem wrote whole."""
    if not _head_ok(head, table):
        return None
    rows = _every_row(table, list)
    return rows if rows is not None and all(type(row) is list and len(row) >= 2 and type(row[-2]) is int and row[-2] >= 0 for row in rows) else None


def _offsets(rows: list[Any], start: int, size: int, lengths: Callable[[Any], int]) -> list[int] | None:
    """Where each row's body starts, the first at ``start``; None unless they end the file."""
    offsets = []
    at = start
    for row in rows:
        offsets.append(at)
        at += lengths(row) + 1
    return offsets if at == size else None


def _read_table(fd: int, st: os.stat_result) -> dict[str, _At] | None:
    """Where the search file open at ``fd`` holds each meeting's body, by stem, reading
    only the header and the table (a piece at a time: no list of every row is made)."""
    with os.fdopen(os.dup(fd), "rb") as f:
        head = f.readline(64 * 1024)
        table = f.readline(MAX_DATA_FILE_BYTES)
    if not head.endswith(b"\n") or not table.endswith(b"\n") or not _head_ok(head[:-1], table[:-1]):
        return None

    def located(rows: Iterable[Any]) -> dict[str, _At] | None:
        out: dict[str, _At] = {}
        at = len(head) + len(table)
        for row in rows:
            if not _search_row_ok(row):
                return None
            stem, digest, scanned, scanned_check, lines, lines_check = row
            out[stem] = (digest, at, scanned, scanned_check, lines, lines_check)
            at += scanned + 1 + lines + 1
        return out if at == st.st_size else None

    return _every_row(table[:-1], located)


def _search_row_ok(row: Any) -> bool:
    """One row of the search file's table as :meth:`MeetingIndex._write_search` writes it."""
    return type(row) is list and len(row) == 6 and type(row[0]) is str and type(row[1]) is str and all(type(n) is int and n >= 0 for n in row[2:])


def _row_ok(row: Any) -> bool:
    """One row of the index file's table as :meth:`MeetingIndex._write` writes it."""
    if type(row) is not list or len(row) != 12:
        return False
    stem, mtime, ctime, size, ino, digest, problem, meeting_id, series_id, day, length, check = row
    return (
        type(stem) is str
        and name_problem(stem) is None
        and all(type(n) is int for n in (mtime, ctime, size, ino, length, check))
        and (problem is None or type(problem) is str)
        and all(type(s) is str for s in (digest, meeting_id, series_id, day))
    )


def _open_index(path: Path) -> int | None:
    """The index file open for reading, if it is a regular file of a sane size."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode) and st.st_size <= MAX_DATA_FILE_BYTES:
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def _parse(fd: int) -> dict[str, Entry]:
    """The entries of the index file open at ``fd`` (its table; their data left in it);
    none if it is not one this tandem wrote."""
    try:
        st = os.fstat(fd)
        with os.fdopen(os.dup(fd), "rb") as f:
            head = f.readline(64 * 1024)
            table = f.readline(MAX_DATA_FILE_BYTES)
    except OSError:
        return {}
    if not head.endswith(b"\n") or not table.endswith(b"\n"):
        return {}
    rows = _table(head[:-1], table[:-1])
    if rows is None or not all(_row_ok(row) for row in rows):
        return {}
    offsets = _offsets(rows, len(head) + len(table), st.st_size, lambda row: row[10])
    if offsets is None:
        return {}
    entries: dict[str, Entry] = {}
    for row, offset in zip(rows, offsets, strict=True):
        stem, mtime, ctime, size, ino, digest, problem, meeting_id, series_id, day, length, check = row
        entries[stem] = Entry(
            stem,
            (mtime, ctime, size, ino),
            digest,
            True,
            problem=problem,
            meeting_id=stem if meeting_id == stem else meeting_id,  # as read_entry keeps them
            series_id=intern(series_id),
            date=intern(day),
            persisted=True,
            unchecked=check,
            at=offset,
            length=length,
        )
    return entries
