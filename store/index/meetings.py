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
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

import orjson

from tandem.store.atomic import SCHEMA_VERSION, atomic_write_bytes, clean_stale_temp_files, decode, ensure_dir, read_regular
from tandem.store.errors import TandemError
from tandem.store.index.entry import PARTS, RACY_NS, Entry, SearchText, Sig, check_of, digest_of, read_entry, search_entry, search_lines, search_text, sig_of
from tandem.store.layout import CACHE_DIR, MEETINGS_DIR
from tandem.store.outside import MAX_DATA_FILE_BYTES, inside, name_problem
from tandem.store.records import ActionItem, Attendee, Decision, LeadFeedback, Meeting
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


@functools.cache
def records_fingerprint() -> str:
    """Changes with the format, the schema or the fields of any record the index keeps:
    an index written by another tandem is rebuilt, not misread."""
    kinds = (Meeting, Attendee, ActionItem, Decision, LeadFeedback)
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
        #: Where the search file holds what search keeps of each meeting (see ``_At``), in
        #: the version of the file ``_search_file`` identifies; None until read.
        self._search_at: dict[str, _At] | None = None
        self._search_file: tuple[int, int, int] | None = None
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
            best: Entry | None = None
            unread: list[str] = []
            entries = self._entries
            for stem in self._stems:
                entry = entries.get(stem)
                if entry is None or entry.problem is not None:
                    unread.append(stem)
                elif entry.series_id == series_id and (best is None or (entry.date, entry.meeting_id) >= (best.date, best.meeting_id)):
                    best = entry  # in file name order: among equal keys the last name wins
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
        self._stems = stems
        if changed:
            self._changed(changed)
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
        try:
            with os.scandir(self.folder) as found:
                listed = {e.name[:-5]: e for e in found if e.name.endswith(".json") and not e.name.startswith(".")}
        except OSError:
            listed = {}
        if sorted(listed) != self._stems:
            return True
        for stem, dir_entry in listed.items():
            entry = self._entries.get(stem)
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
        return False

    # --- search ------------------------------------------------------------------------

    def search_texts(self, entries: list[Entry]) -> Iterator[tuple[Entry, SearchText]]:
        """Each of ``entries`` (read, no problem) with what search scans of it: from memory,
        the search file, or its meeting file when neither has it. An entry whose file
        changed since it was read is left out (the next refresh reads it)."""
        with self._lock:
            # One body at a time, as the file holds them: the search file of 20,000 meetings
            # holds tens of megabytes, read whole they tripled review's memory for a moment.
            held: set[str] = set()
            for entry, raw in self._bodies([e for e in entries if e.lines is None], lines=False):
                held.add(entry.stem)
                text = search_text(raw)
                if text is not None:
                    yield entry, text
            for entry in entries:
                if entry.stem in held:
                    continue
                scanned = self._part(entry, {}, 0)
                text = search_text(scanned) if scanned is not None else None
                if text is not None:
                    yield entry, text
            self._maybe_write()

    def search_parts(self, entries: list[Entry]) -> Iterator[tuple[Entry, bytes, bytes]]:
        """Each of ``entries`` (read, no problem) with both parts of what search keeps of it
        (:func:`search_entry`: what it scans, the lines as written), undecoded: from memory,
        the search file (in its order, one body at a time) or its meeting file. An entry
        whose file changed since it was read is left out. For a reader that keeps them in a
        file of its own (review's ``store/review/scan.py``)."""
        with self._lock:
            done: set[str] = set()
            opened = self._open_search() if any(e.lines is None for e in entries) else None
            if opened is not None:
                fd, table = opened
                try:
                    for entry in sorted((e for e in entries if e.lines is None and e.stem in table), key=lambda e: table[e.stem][1]):
                        digest, offset, scanned, scanned_check, lines_length, lines_check = table[entry.stem]
                        raw = os.pread(fd, scanned + 1 + lines_length, offset) if digest == entry.digest else b""
                        first, second = raw[:scanned], raw[scanned + 1 :]
                        if raw and check_of(first) == scanned_check and check_of(second) == lines_check:
                            done.add(entry.stem)
                            yield entry, first, second
                except OSError:
                    pass  # the rest from their meeting files
                finally:
                    os.close(fd)
            for entry in entries:
                if entry.stem in done:
                    continue
                if entry.lines is None:
                    entry.lines = self._search_entry_of(entry)
                if entry.lines is not None:
                    yield entry, entry.lines[0], entry.lines[1]
            self._maybe_write()

    def search_lines(self, entries: list[Entry]) -> dict[str, list[tuple[str, str]]]:
        """The lines as written of a few ``entries`` (the hits of a search), by stem."""
        with self._lock:
            from_file = self._read_bodies([e for e in entries if e.lines is None], lines=True)
            out: dict[str, list[tuple[str, str]]] = {}
            for entry in entries:
                raw = self._part(entry, from_file, 1)
                lines = search_lines(raw) if raw is not None else None
                if lines is not None:
                    out[entry.stem] = lines
            return out

    def _part(self, entry: Entry, from_file: dict[str, bytes], part: int) -> bytes | None:
        """Part ``part`` of what search keeps of ``entry``: from memory, from the search file
        (``from_file``), else from its meeting file (then kept until the search file is written)."""
        if entry.lines is None and entry.stem not in from_file:
            entry.lines = self._search_entry_of(entry)
        if entry.lines is not None:
            return entry.lines[part]
        return from_file.get(entry.stem)

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

    def _read_bodies(self, entries: list[Entry], *, lines: bool) -> dict[str, bytes]:
        """The part (scanned, or ``lines``) of each entry's body in the search file, by
        stem, for the entries the file holds as they are; each checked against its checksum."""
        return {entry.stem: raw for entry, raw in self._bodies(entries, lines=lines)}

    def _bodies(self, entries: list[Entry], *, lines: bool) -> Iterator[tuple[Entry, bytes]]:
        """:meth:`_read_bodies` one at a time, in the order of the file."""
        if not entries:
            return
        opened = self._open_search()
        if opened is None:
            return
        fd, table = opened
        try:
            for entry in sorted(entries, key=lambda e: table[e.stem][1] if e.stem in table else 0):
                at = table.get(entry.stem)
                if at is None or at[0] != entry.digest:
                    continue
                _, offset, scanned, scanned_check, lines_length, lines_check = at
                length, check = (lines_length, lines_check) if lines else (scanned, scanned_check)
                raw = os.pread(fd, length, offset + scanned + 1 if lines else offset)
                if check_of(raw) == check:
                    yield entry, raw
        except OSError:
            return
        finally:
            os.close(fd)

    def _open_search(self) -> tuple[int, dict[str, _At]] | None:
        """The search file, open, and its table (read again if the file was replaced)."""
        if not self._usable_cache():
            return None
        try:
            fd = os.open(self.cache / SEARCH_FILE, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            identity = (st.st_ino, st.st_size, st.st_mtime_ns)
            if identity != self._search_file or self._search_at is None:
                found = _read_table(fd, st) if stat.S_ISREG(st.st_mode) else None
                if found is None:
                    os.close(fd)
                    return None
                self._search_at = {row[0]: (row[1], offset, row[2], row[3], row[4], row[5]) for row, offset in found if _search_row_ok(row)}
                self._search_file = identity
        except OSError:
            os.close(fd)
            return None
        return fd, self._search_at

    # --- the index files -----------------------------------------------------------------

    def _usable_cache(self) -> bool:
        """The cache folder may be read and written: in the workspace (a link out of it
        would have tandem write elsewhere), and the workspace exists."""
        return self.persist and self.home.is_dir() and (not os.path.lexists(self.cache) or inside(self.home, self.cache))

    def _load(self) -> None:
        """The entries of the index file: its table only, each entry's data left in the
        file (read when used, through the descriptor kept open: a file written over it
        since by another reader leaves ours readable)."""
        if self._loaded:
            return
        self._loaded = True
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
        """The data of ``entry`` as the index file holds it, or None when it is in memory;
        ValueError if it cannot be read (then its file is read again)."""
        if entry.at < 0:
            return None
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
        search_due = sum(e.lines is not None for e in kept if e.problem is None) >= due
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

    def _write(self, kept: list[Entry]) -> None:
        """The index file with every entry in ``kept``; then their data is left in it."""
        written: list[tuple[Entry, bytes]] = []
        for e in sorted(kept, key=lambda e: e.stem):
            try:
                raw = self._data_of(e)
            except (OSError, ValueError):  # read from its meeting file at the next refresh
                e.sig, e.digest, e.settled, e.persisted = None, "", False, False
                continue
            written.append((e, e.data if raw is None else raw))
        rows = [[e.stem, *(e.sig or (0, 0, 0, 0)), e.digest, e.problem, e.meeting_id, e.series_id, e.date, len(data), check_of(data)] for e, data in written]
        payload = _framed(rows, [(data,) for _, data in written])
        path = self.cache / INDEX_FILE
        atomic_write_bytes(path, payload)
        for e, _ in written:
            e.persisted = True
        fd = _open_index(path)
        head = payload[: payload.find(b"\n") + 1]
        # The file just written, unless another reader wrote one since: then the data stays
        # in memory. (The head holds the table's checksum: the same head, the same table.)
        if fd is None or os.fstat(fd).st_size != len(payload) or os.pread(fd, len(head), 0) != head:
            if fd is not None:
                os.close(fd)
            return
        self._keep_open(fd)
        at = payload.find(b"\n", len(head)) + 1  # the first body, after the table
        for e, data in written:
            e.at, e.length, e.unchecked, e.data = at, len(data), check_of(data), b""
            at += len(data) + 1

    def _write_search(self, kept: list[Entry]) -> None:
        """The search file with every entry it can hold: those in memory, and those the file
        holds already (copied, not decoded)."""
        kept = sorted((e for e in kept if e.problem is None), key=lambda e: e.stem)
        held = self._read_bodies([e for e in kept if e.lines is None], lines=False)
        held_lines = self._read_bodies([e for e in kept if e.stem in held], lines=True)
        rows: list[list[Any]] = []
        bodies: list[tuple[bytes, ...]] = []
        for e in kept:
            parts = e.lines if e.lines is not None else (held[e.stem], held_lines[e.stem]) if e.stem in held_lines else None
            if parts is None:
                continue
            scanned, lines = parts
            rows.append([e.stem, e.digest, len(scanned), check_of(scanned), len(lines), check_of(lines)])
            bodies.append(parts)
        atomic_write_bytes(self.cache / SEARCH_FILE, _framed(rows, bodies))
        for e in kept:
            e.lines = None
        self._search_at = None  # read again from the new file when needed
        self._search_file = None


#: Where the search file holds a meeting's body: (digest of the meeting file, offset, length
#: and checksum of the scanned part, length and checksum of the lines).
_At = tuple[str, int, int, int, int, int]


def _nothing() -> None:
    """Closes no file."""


def _meeting_file(name: str) -> bool:
    """Whether a name in the meetings folder is that of a meeting file (or of one that
    cannot be a meeting file's, which its readers report): not a temp file or a lock."""
    return name.endswith(".json") and not name.startswith(".")


def _framed(rows: list[list[Any]], bodies: list[tuple[bytes, ...]]) -> bytes:
    """An index file: header, table (``rows``), then the bodies, each of its parts joined by
    a tab (joined once: the search file of 20,000 meetings is a hundred megabytes)."""
    table = orjson.dumps(rows)
    head = orjson.dumps({"format": FORMAT, "schema": SCHEMA_VERSION, "records": records_fingerprint(), "table": check_of(table)})
    pieces = [head, b"\n", table, b"\n"]
    for parts in bodies:
        for n, part in enumerate(parts):
            pieces += (b"\t", part) if n else (part,)
        pieces.append(b"\n")
    return b"".join(pieces)


def _table(head: bytes, table: bytes) -> list[Any] | None:
    """The rows of an index file from its first two lines; None if it is not one this
    tandem wrote whole."""
    try:
        found = orjson.loads(head)
        if type(found) is not dict or found.get("format") != FORMAT or found.get("records") != records_fingerprint() or found.get("table") != check_of(table):
            return None
        rows = orjson.loads(table)
    except orjson.JSONDecodeError:
        return None
    return rows if type(rows) is list and all(type(row) is list and len(row) >= 2 and type(row[-2]) is int and row[-2] >= 0 for row in rows) else None


def _offsets(rows: list[Any], start: int, size: int, lengths: Callable[[Any], int]) -> list[int] | None:
    """Where each row's body starts, the first at ``start``; None unless they end the file."""
    offsets = []
    at = start
    for row in rows:
        offsets.append(at)
        at += lengths(row) + 1
    return offsets if at == size else None


def _read_table(fd: int, st: os.stat_result) -> list[tuple[list[Any], int]] | None:
    """The rows of the search file open at ``fd``, each with where its body starts, reading
    only the header and the table."""
    with os.fdopen(os.dup(fd), "rb") as f:
        head = f.readline(64 * 1024)
        table = f.readline(MAX_DATA_FILE_BYTES)
    if not head.endswith(b"\n") or not table.endswith(b"\n"):
        return None
    rows = _table(head[:-1], table[:-1])
    if rows is None or not all(_search_row_ok(row) for row in rows):
        return None
    offsets = _offsets(rows, len(head) + len(table), st.st_size, lambda row: row[2] + 1 + row[4])
    return None if offsets is None else list(zip(rows, offsets, strict=True))


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
            meeting_id=meeting_id,
            series_id=series_id,
            date=day,
            persisted=True,
            unchecked=check,
            at=offset,
            length=length,
        )
    return entries
