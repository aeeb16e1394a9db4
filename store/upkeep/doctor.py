"""``tandem doctor``: check every file of a workspace, and repair what can be repaired safely.

:func:`check` reads the workspace the way a reader does — no lock, no write, no clean-up (a
``Workspace`` opened for writing would delete the stale temp files doctor has to report) —
and returns a :class:`Report`: a list of :class:`Finding`, each a plain sentence naming the
file, at one of three levels:

* ``problem``: tandem cannot read the file, refuses it, or would do the wrong thing with it
  (damaged or truncated JSON, a newer schema, an invalid record, duplicate ids, a copied
  meeting file whose stored id differs from its name, a series missing from series.json, a
  named pipe, folder or device where a data file should be, a meeting file linked out of the
  workspace or named with characters no meeting id has): whenever ``tandem list`` fails,
  doctor finds a problem;
* ``warning``: tandem copes, but something is off (a link to a record that does not exist,
  an orphan lock holder or temp file left by a process that is gone, files other users can
  read, a file name with control characters that tandem ignores);
* ``ok``: what is fine, and things worth knowing (a meeting open for editing right now, the
  latest daily snapshot).

:func:`repair` carries out what the findings propose, one confirmed step at a time: an
unreadable data file is restored from the newest daily snapshot holding a readable copy (the
damaged file is kept beside it as ``<name>.broken-<timestamp>``), and orphan lock holders,
leftover lock files and stale temp files are removed — only tandem's own (an empty lock
file, a temp file named as :func:`tandem.store.atomic.temp_path_for` names it), only plain
files, and never in a folder that is a link out of the workspace. A newer-schema file is
never touched, and neither is a meeting whose lock a live process holds.

Every name read from disk is shown safely: ``_shown`` quotes one holding a control character
and :class:`Finding` cleans whatever reached a sentence anyway.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import socket
import stat
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout

from tandem.store.atomic import (
    FILE_MODE,
    HEADER_KEY,
    MIGRATIONS,
    SCHEMA_VERSION,
    TEMP_MARK,
    atomic_write_bytes,
    pid_alive,
    temp_file_pid,
    write_new,
)
from tandem.store.errors import CorruptFileError, NotFoundError, TandemError, ValidationError
from tandem.store.layout import (
    CONFLICTS_TABLE,
    CONTRIBUTIONS_DIR,
    CONTRIBUTIONS_TABLE,
    MEETING_TABLES,
    MEETINGS_DIR,
    SHARED_FILES,
    SNAPSHOTS_DIR,
    WORKSPACE_FILE,
)
from tandem.store.locks import HOLDER_LIMIT, WriterLock
from tandem.store.outside import clean_text, file_kind, inside, is_clean, name_problem, shown_name
from tandem.store.records import Record
from tandem.store.sync.merge import recorded_conflicts
from tandem.store.tables import ordered

PROBLEM = "problem"
WARNING = "warning"
OK = "ok"
LEVELS = (PROBLEM, WARNING, OK)

#: At most this many findings of one kind in one file; the rest become one "…and N more" line.
MAX_SIMILAR = 10
#: Findings about invalid records of one file: after this many, one line counts the rest.
MAX_INVALID = 5

BROKEN_MARK = ".broken-"
#: Keys of the findings that make tandem refuse a whole file (see :func:`_inspect`).
_UNREADABLE_KEYS = frozenset({"empty", "json", "header", "schema", "kind", "table", "invalid", "no-meeting"})
_SNAPSHOT_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}\.zip$")
#: The lines git writes around the two sides of a conflict it could not merge.
_CONFLICT_MARKS = re.compile(rb"^<{7} .*$(?s:.*)^={7}$(?s:.*)^>{7} ", re.MULTILINE)


# --- findings ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Restore:
    """Replace ``target`` with ``member`` of the daily snapshot ``snapshot``."""

    target: Path
    snapshot: Path
    member: str
    day: str
    saved: datetime
    #: The meeting whose writer lock must be taken while replacing (None: a shared file).
    meeting_id: str | None

    @property
    def source(self) -> str:
        """ "the snapshot of 2026-11-26 (saved 09:14)": the day is the snapshot's name, the
        time its file's; a snapshot saved on another day than its name shows both."""
        saved = f"{self.saved:%H:%M}" if self.saved.date().isoformat() == self.day else f"{self.saved:%Y-%m-%d %H:%M}"
        return f"the snapshot of {self.day} (saved {saved})"


@dataclass(frozen=True, slots=True)
class Remove:
    """Delete a leftover file: an orphan ``.holder``, a lock file of a deleted record, or a
    temp file of a writer that is gone."""

    target: Path
    what: str  # "holder", "lock" or "temp"
    #: The lock file guarding the holder / leftover lock (taken, without waiting, to remove it).
    lock: Path | None = None
    #: The holder's (or temp file's) process: checked again just before removing.
    pid: int | None = None


Action = Restore | Remove


@dataclass(frozen=True, slots=True)
class Finding:
    level: str
    #: The file, relative to the workspace folder, with ``/`` separators ("" for the workspace).
    path: str
    #: One plain sentence (or two) naming the file.
    message: str
    #: What ``--repair`` would do about it, as a phrase ("restore it from the snapshot of …").
    repair: str | None = None
    action: Action | None = field(default=None, compare=False, repr=False)
    #: Groups findings of one kind (for the "…and N more" cap); not shown.
    key: str = field(default="", compare=False, repr=False)
    #: How many findings this line stands for ("…and 12 more like these": 12).
    count: int = field(default=1, compare=False, repr=False)

    def __post_init__(self) -> None:
        # The last guard between a file name or an id read from disk and the terminal: each
        # name is shown with _shown() where it is put in a sentence, and whatever slipped
        # through loses its escapes and line breaks here (a fake line of the report).
        for name in ("path", "message", "repair"):
            value = getattr(self, name)
            if value is not None and not _one_line_clean(value):
                object.__setattr__(self, name, " ".join(clean_text(value).split()))

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "file": self.path, "message": self.message}


class Report(list[Finding]):
    """The findings of :func:`check`, problems first, with what was checked."""

    def __init__(self, home: Path, files_checked: int, findings: Iterable[Finding] = ()) -> None:
        super().__init__(findings)
        self.home = home
        self.files_checked = files_checked

    def at(self, level: str) -> list[Finding]:
        return [f for f in self if f.level == level]

    @property
    def problems(self) -> list[Finding]:
        return self.at(PROBLEM)

    @property
    def warnings(self) -> list[Finding]:
        return self.at(WARNING)

    @property
    def repairs(self) -> list[Finding]:
        """The findings :func:`repair` can act on."""
        return [f for f in self if f.action is not None]

    def summary(self) -> str:
        problems = sum(f.count for f in self.problems)
        warnings = sum(f.count for f in self.warnings)
        if not problems:
            return "No problems found." if not warnings else f"No problems found ({_count(warnings, 'warning')})."
        text = _count(problems, "problem")
        return f"{text}, {_count(warnings, 'warning')}." if warnings else f"{text}."


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --- reading files safely ------------------------------------------------------------------


def _not_regular(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    return None if stat.S_ISREG(mode) else file_kind(mode)


class _Skip(Exception):
    """The path is not a regular file (or vanished): say what it is instead of reading it."""


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file; never opens a named pipe or a device."""
    return _read_regular_mode(path)[0]


def _read_regular_mode(path: Path) -> tuple[bytes, int]:
    """The bytes and mode of a regular file. A named pipe, device, socket or folder raises
    :class:`_Skip` saying what it is, before it is opened (and, for a file swapped in
    between, before anything is read: the open does not block and fstat is checked)."""
    try:
        what = _not_regular(os.stat(path).st_mode)
    except FileNotFoundError:
        if os.path.islink(path):
            raise _Skip("a symbolic link to a file that does not exist") from None
        raise
    if what is not None:
        raise _Skip(what)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        what = _not_regular(mode)
        if what is not None:
            raise _Skip(what)
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), mode
    finally:
        os.close(fd)


def _is_temp(name: str) -> bool:
    return name.startswith(".") and TEMP_MARK in name


def _one_line_clean(text: str) -> bool:
    return is_clean(text) and "\n" not in text and "\t" not in text


def _shown(name: str) -> str:
    """A file name fit for a sentence: as it is if it holds nothing a terminal would act on
    (a space or an accent is fine), else quoted with its escapes visible."""
    return name if _one_line_clean(name) else shown_name(name)


def _join(folder: str, name: str) -> str:
    """The relative name of ``folder``/``name`` as doctor shows it."""
    return f"{folder}/{_shown(name)}" if folder else _shown(name)


def _regular_inside(home: Path, path: Path) -> bool:
    """Whether ``path`` is a regular file itself (not a link to one) in a folder that lies
    within the workspace: the only files --repair ever removes."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    return stat.S_ISREG(mode) and inside(home, path.parent)


# --- one data file ---------------------------------------------------------------------------


@dataclass
class _Inspection:
    """What :func:`_inspect` found in the bytes of one data file."""

    findings: list[tuple[str, str, str]] = field(default_factory=list)  # (level, message, key)
    #: tandem cannot read the file at all (a snapshot copy may replace it).
    unreadable: bool = False
    #: Written by a newer tandem: never touched.
    newer: bool = False
    schema: int | None = None
    tables: dict[str, Any] | None = None
    #: Valid records per table (invalid ones are reported and left out).
    records: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, level: str, message: str, key: str, *, unreadable: bool = False) -> None:
        self.findings.append((level, message, key))
        self.unreadable = self.unreadable or unreadable


def _spec(rel: str) -> tuple[str, dict[str, type[Record] | None]]:
    """The file kind and tables (with their record types) a data file should hold."""
    if rel == WORKSPACE_FILE:
        return "workspace", {"workspace": None, CONFLICTS_TABLE: None}
    if rel in SHARED_FILES:
        file_kind, table, kind = SHARED_FILES[rel]
        return file_kind, {table: kind, CONFLICTS_TABLE: None}
    if rel.startswith(f"{CONTRIBUTIONS_DIR}/"):
        from tandem.store.contrib import Contribution
        from tandem.store.contrib.store import FILE_KIND

        return FILE_KIND, {CONTRIBUTIONS_TABLE: Contribution, CONFLICTS_TABLE: None}
    return "meeting", {**MEETING_TABLES, CONFLICTS_TABLE: None}


def _record_label(doc: Any, doc_id: str) -> str:
    """The record's id, else the key it is stored under (which is its id when tandem wrote it)."""
    rid = doc.get("id") if isinstance(doc, dict) else None
    return shown_name(rid if isinstance(rid, str) and rid.strip() else doc_id)


def _inspect(raw: bytes, rel: str) -> _Inspection:
    """Check the bytes of data file ``rel`` (relative name) as tandem reads them."""
    out = _Inspection()
    file_kind, table_kinds = _spec(rel)
    if not raw.strip():
        out.add(PROBLEM, f"{rel} is empty (truncated to nothing).", "empty", unreadable=True)
        return out
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if _CONFLICT_MARKS.search(raw):
            out.add(
                PROBLEM,
                f"{rel} holds git's conflict markers: a git pull or merge stopped half-way; run `tandem sync` to finish "
                "it (it merges the file record by record from git's own copies), or `git merge --abort` to undo the pull.",
                "json",
                unreadable=True,
            )
            return out
        detail = str(exc).split(":")[0].lower()
        out.add(PROBLEM, f"{rel} is not valid JSON ({detail}): it is damaged or truncated.", "json", unreadable=True)
        return out
    header = data.get(HEADER_KEY) if isinstance(data, dict) else None
    if not isinstance(header, dict):
        out.add(PROBLEM, f"{rel} has no tandem header, so it is not a tandem data file.", "header", unreadable=True)
        return out
    schema = header.get("schema")
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        out.add(PROBLEM, f"{rel} has a missing or invalid schema version.", "header", unreadable=True)
        return out
    out.schema = schema
    if schema > SCHEMA_VERSION:
        out.newer = True
        out.add(
            PROBLEM,
            f"{rel} was written by a newer tandem (schema {schema}; this one reads up to {SCHEMA_VERSION}); "
            "upgrade tandem to use it — doctor leaves it untouched.",
            "newer",
        )
        return out
    kind = header.get("kind")
    if kind != file_kind:
        what = f"{kind} data" if isinstance(kind, str) and kind else "data of an unknown kind"
        out.add(PROBLEM, f"{rel} holds {what}, not {file_kind} data.", "kind", unreadable=True)
        return out
    data = {k: v for k, v in data.items() if k != HEADER_KEY}
    version = schema
    while version < SCHEMA_VERSION:
        if version not in MIGRATIONS:
            out.add(PROBLEM, f"{rel} uses schema {schema}, which this tandem cannot upgrade.", "schema", unreadable=True)
            return out
        try:
            data = MIGRATIONS[version](data)
        except Exception as exc:  # noqa: BLE001 - a migration that chokes on this file: the file is the problem
            out.add(PROBLEM, f"{rel} uses schema {schema} and cannot be upgraded ({exc}).", "schema", unreadable=True)
            return out
        version += 1
    out.tables = data
    for name, docs in data.items():
        if not isinstance(docs, dict):
            out.add(PROBLEM, f"{rel}: its table {name!r} is not an object.", "table", unreadable=True)
            continue
        if name not in table_kinds:
            out.add(
                PROBLEM,
                f"{rel} has a table {name!r} that tandem does not know; tandem backup refuses such a file.",
                "unknown-table",
            )
            continue
        try:
            in_order = ordered(Path(rel), docs, name)
        except CorruptFileError as exc:
            out.add(PROBLEM, f"{rel}: {exc.detail}.", "table", unreadable=True)
            continue
        kind_of = table_kinds[name]
        valid: list[Any] = []
        bad = 0
        for doc_id, doc in in_order:
            try:
                if kind_of is None:
                    if not isinstance(doc, dict):
                        raise ValidationError(name, "expected an object")
                    valid.append(doc)
                else:
                    valid.append(kind_of.from_dict(doc))
            except (ValidationError, TypeError, ValueError) as exc:
                bad += 1
                if bad <= MAX_INVALID:
                    out.add(
                        PROBLEM,
                        f"{rel}: the {name} record {_record_label(doc, doc_id)} is invalid ({exc}).",
                        "invalid",
                        unreadable=True,
                    )
        if bad > MAX_INVALID:
            out.add(PROBLEM, f"{rel}: {bad - MAX_INVALID} more {name} records are invalid.", "invalid", unreadable=True)
        out.records[name] = valid
    if file_kind == "meeting" and "meeting" not in out.records and isinstance(data.get("meeting", {}), dict):
        out.records["meeting"] = []
    if file_kind == "meeting" and not any(k == "invalid" for _, _, k in out.findings):
        headers = data.get("meeting", {})
        if isinstance(headers, dict) and len(headers) != 1:
            count = "no meeting record" if not headers else f"{len(headers)} meeting records instead of one"
            out.add(PROBLEM, f"{rel} holds {count}.", "no-meeting", unreadable=True)
    return out


def _restorable(inspection: _Inspection, rel: str) -> bool:
    """A snapshot copy good enough to restore: tandem reads it, and a meeting file holds the
    meeting its name says."""
    if inspection.unreadable or inspection.newer or inspection.findings:
        return False
    if rel.startswith(f"{MEETINGS_DIR}/"):
        headers = inspection.records.get("meeting", [])
        return len(headers) == 1 and headers[0].id == Path(rel).stem
    return True


# --- the check -----------------------------------------------------------------------------


@dataclass
class _Data:
    rel: str
    path: Path
    inspection: _Inspection


class _Checker:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.findings: list[Finding] = []
        self.files_checked = 0
        self.data: dict[str, _Data] = {}
        self.meeting_files: dict[str, _Data] = {}  # file stem → file
        self.loose_modes: list[tuple[str, int]] = []
        #: Readable files of an older schema: (relative name, schema).
        self.older: list[tuple[str, int]] = []
        self.snapshots: list[Path] = []
        self.hostname = socket.gethostname()
        #: meeting id → "PID 123 on host since …" for meetings open for editing by a live process
        #: (or by a process on another host, which doctor cannot check).
        self.held: dict[str, str] = {}
        self.link_findings = 0

    def add(self, level: str, path: str, message: str, *, key: str = "", repair: str | None = None, action: Action | None = None) -> None:
        self.findings.append(Finding(level, path, message, repair, action, key or message))

    # --- files ---

    def scan(self) -> Report:
        home = self.home
        try:
            home_mode = os.stat(home).st_mode
        except FileNotFoundError:
            raise NotFoundError(f"No workspace at {home}; pass --home (or set TANDEM_HOME) to a tandem workspace.") from None
        except OSError as exc:
            raise TandemError(f"Cannot open the workspace {home}: {exc.strerror or exc}.") from None
        if not stat.S_ISDIR(home_mode):
            raise TandemError(f"{home} is not a folder, so it is not a tandem workspace.")
        open_folders = [(str(home), stat.S_IMODE(home_mode))] if home_mode & 0o077 else []
        home_entries = self._list(home, "")
        meetings_entries: list[os.DirEntry[str]] = []
        snapshot_entries: list[os.DirEntry[str]] = []
        contribution_entries: list[os.DirEntry[str]] = []
        for entry in home_entries:
            if entry.name in (MEETINGS_DIR, SNAPSHOTS_DIR, CONTRIBUTIONS_DIR):
                entries = self._subfolder(entry)
                if entry.name == MEETINGS_DIR:
                    meetings_entries = entries
                elif entry.name == CONTRIBUTIONS_DIR:
                    contribution_entries = entries
                else:
                    snapshot_entries = entries
                with contextlib.suppress(OSError):
                    mode = entry.stat().st_mode
                    if stat.S_ISDIR(mode) and mode & 0o077 and inside(home, Path(entry.path)):
                        open_folders.append((f"{home / entry.name}", stat.S_IMODE(mode)))
        if open_folders:
            names = " and ".join(f"{name} (mode {mode:04o})" for name, mode in open_folders)
            self.add(
                WARNING,
                "",
                f"The workspace folder{'s' if len(open_folders) > 1 else ''} {names} can be opened by other users; "
                "tandem keeps its folders 0700 because they name prospects and colleagues: chmod 700 "
                f"{'them' if len(open_folders) > 1 else 'it'}.",
            )

        known = (WORKSPACE_FILE, *SHARED_FILES)
        home_entries = self._odd_names(home_entries, "")
        meetings_entries = self._odd_names(meetings_entries, MEETINGS_DIR)
        snapshot_entries = self._odd_names(snapshot_entries, SNAPSHOTS_DIR)
        contribution_entries = self._odd_names(contribution_entries, CONTRIBUTIONS_DIR)
        for entry in home_entries:
            name = entry.name
            if name in (MEETINGS_DIR, SNAPSHOTS_DIR, CONTRIBUTIONS_DIR) or _is_temp(name):
                continue
            if name in known:
                self._data_file(Path(entry.path), name, shared=True)
            elif name.endswith(".json") and not name.startswith("."):
                self.add(OK, name, f"{name} is not a tandem file; tandem ignores it (it is kept in the daily snapshots).")
        for entry in meetings_entries:
            name = entry.name
            if not name.endswith(".json") or _is_temp(name):
                continue
            rel = f"{MEETINGS_DIR}/{name}"
            if name.startswith("."):
                self.add(
                    PROBLEM,
                    rel,
                    f"{rel} is a hidden file: tandem does not list it as a meeting and tandem backup refuses it; rename it or move it out of the workspace.",
                )
                continue
            data = self._data_file(Path(entry.path), rel)
            if data is not None:
                self.meeting_files[Path(name).stem] = data

        # Each person's contributions (store/contrib): checked as the shared files are.
        for entry in contribution_entries:
            if entry.name.endswith(".json") and not entry.name.startswith(".") and not _is_temp(entry.name):
                self._data_file(Path(entry.path), f"{CONTRIBUTIONS_DIR}/{entry.name}")

        self._locks(home_entries, "")
        self._locks(meetings_entries, MEETINGS_DIR)
        for entries, folder in (
            (home_entries, ""),
            (meetings_entries, MEETINGS_DIR),
            (snapshot_entries, SNAPSHOTS_DIR),
            (contribution_entries, CONTRIBUTIONS_DIR),
        ):
            self._temps(entries, folder)
            self._broken_copies(entries, folder)
        self.snapshots = sorted(Path(e.path) for e in snapshot_entries if _SNAPSHOT_NAME.match(e.name) and not e.name.startswith("."))
        self._permissions()
        self._older_schemas()
        self._references()
        self._offer_restores()
        self._latest_snapshot()
        return self._report()

    def _list(self, folder: Path, rel: str) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(folder) as it:
                return sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.add(PROBLEM, rel, f"The folder {rel or folder} cannot be read ({exc.strerror or exc}).")
            return []

    def _subfolder(self, entry: os.DirEntry[str]) -> list[os.DirEntry[str]]:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            self.add(PROBLEM, entry.name, f"{entry.name} should be a folder, but it is a file; move it out of the workspace.")
            return []
        path = Path(entry.path)
        if not inside(self.home, path):
            # Its files are someone else's (a project's Cargo.lock, an editor's temp files):
            # doctor neither reads nor repairs anything there.
            target = shown_name(os.path.realpath(path), 120)
            if entry.name == MEETINGS_DIR:
                self.add(
                    PROBLEM,
                    entry.name,
                    f"{entry.name} is a link to {target}, outside the workspace: tandem does not read meetings there; "
                    "put the meetings folder itself in the workspace.",
                    key="link-out",
                )
            else:
                self.add(
                    WARNING,
                    entry.name,
                    f"{entry.name} is a link to {target}, outside the workspace: doctor does not check it and tandem "
                    "may write its daily snapshots there; put the folder itself in the workspace.",
                    key="link-out",
                )
            return []
        return self._list(path, entry.name)

    def _odd_names(self, entries: list[os.DirEntry[str]], folder: str) -> list[os.DirEntry[str]]:
        """The entries whose names a terminal shows as they are; each other one is reported
        (quoted, escapes visible) and left out of every other check. A meeting file so named
        is a problem (``tandem list`` refuses it); anything else is ignored by tandem."""
        kept: list[os.DirEntry[str]] = []
        for entry in entries:
            name = entry.name
            is_meeting = folder == MEETINGS_DIR and name.endswith(".json") and not name.startswith(".")
            if is_meeting and name_problem(name[: -len(".json")]) is not None:
                problem = name_problem(name[: -len(".json")])
                self.add(
                    PROBLEM,
                    _join(folder, name),
                    f"{_join(folder, name)} cannot be a meeting file, because its name cannot be a meeting id ({problem}); "
                    "tandem list refuses it: rename it or move it out of the workspace.",
                    key="bad-name",
                )
                continue
            if not _one_line_clean(name):
                self.add(
                    WARNING,
                    _join(folder, name),
                    f"{_join(folder, name)} has control characters in its name; tandem ignores it, but it may fool a terminal or a script: rename or delete it.",
                    key="bad-name",
                )
                continue
            kept.append(entry)
        return kept

    def _data_file(self, path: Path, rel: str, *, shared: bool = False) -> _Data | None:
        if os.path.islink(path) and not inside(self.home, path):
            target = shown_name(os.path.realpath(path), 120)
            if not shared:
                self.add(
                    PROBLEM,
                    rel,
                    f"{rel} is a link to {target}, outside the workspace; tandem refuses to read it: put the file itself here or move the link away.",
                    key="link-out",
                )
                return None
            self.add(
                WARNING,
                rel,
                f"{rel} is a link to {target}, outside the workspace; tandem reads it, but the daily snapshots leave it out: put the file itself here.",
                key="link-out",
            )
        try:
            raw, mode = _read_regular_mode(path)
        except _Skip as exc:
            if not os.path.exists(path):  # a link to nothing: tandem passes over it
                self.add(WARNING, rel, f"{rel} is {exc}; tandem passes over it: delete it.", key="dangling")
                return None
            self.add(
                PROBLEM,
                rel,
                f"{rel} is {exc}, not a data file; tandem cannot read the workspace while it is there: move it out of the workspace.",
                key="not-regular",
            )
            return None
        except FileNotFoundError:
            return None  # removed since the folder was listed
        except PermissionError:
            self.add(PROBLEM, rel, f"{rel} cannot be read (permission denied); give yourself read access (chmod 600).")
            return None
        except OSError as exc:
            self.add(PROBLEM, rel, f"{rel} cannot be read ({exc.strerror or exc}).")
            return None
        self.files_checked += 1
        if mode & 0o077:
            self.loose_modes.append((rel, stat.S_IMODE(mode)))
        inspection = _inspect(raw, rel)
        for level, message, key in inspection.findings:
            self.add(level, rel, message, key=f"{rel}:{key}")
        if inspection.schema is not None and inspection.schema < SCHEMA_VERSION and not inspection.unreadable:
            self.older.append((rel, inspection.schema))
        self._decided(rel, inspection.tables)
        data = _Data(rel, path, inspection)
        self.data[rel] = data
        return data

    def _decided(self, rel: str, tables: dict[str, Any] | None) -> None:
        """What ``tandem sync`` decided in this file when two machines changed the same field:
        the value kept, and the other one, which the file still holds."""
        conflicts = recorded_conflicts(tables or {})
        for n, conflict in enumerate(conflicts):
            if n == MAX_SIMILAR:
                self.add(WARNING, rel, f"{rel}: {len(conflicts) - MAX_SIMILAR} more values were decided the same way.", key=f"{rel}:decided")
                break
            where = " ".join([conflict.table.replace("_", " "), shown_name(conflict.record), *(shown_name(p) for p in conflict.path)])
            if conflict.rule == "both_texts":
                said = "both texts are kept in it, one after the other"
            else:
                said = f"tandem sync kept {shown_name(str(conflict.kept), 80)}; the other value, {shown_name(str(conflict.lost), 80)}, is kept in this file"
            self.add(WARNING, rel, f"{rel}: {where} was changed on two machines at once: {said}.", key=f"{rel}:decided:{conflict.id}")

    def _older_schemas(self) -> None:
        if not self.older:
            return
        rel, schema = self.older[0]
        if len(self.older) == 1:
            text = f"{rel} uses schema {schema}, from an older tandem; tandem reads it as it is"
        else:
            which = " and ".join(str(s) for s in sorted({s for _, s in self.older}))
            text = f"{len(self.older)} data files (e.g. {rel}) use schema {which}, from an older tandem; tandem reads them as they are"
        upgrade = f" and upgrades to schema {SCHEMA_VERSION} on its next write."
        self.add(OK, rel if len(self.older) == 1 else "", text + upgrade, key="older-schema")

    def _permissions(self) -> None:
        if not self.loose_modes:
            return
        rel, mode = self.loose_modes[0]
        others = len(self.loose_modes) - 1
        also = f" (and {_count(others, 'other data file')})" if others else ""
        self.add(
            WARNING,
            rel,
            f"{rel}{also} can be read by other users (mode {mode:04o}); tandem keeps its files 0600 "
            f"because they name prospects and colleagues: chmod 600 {'them' if others else 'it'}.",
        )

    # --- locks, holders, temp files ---

    def _holder_info(self, path: Path) -> dict[str, Any] | None:
        try:
            if os.lstat(path).st_size > HOLDER_LIMIT:
                return None
            info = orjson.loads(_read_regular(path))
        except (OSError, _Skip, orjson.JSONDecodeError):
            return None
        if not isinstance(info, dict) or not isinstance(info.get("pid"), int) or isinstance(info.get("pid"), bool):
            return None
        return info

    def _lock_subject(self, stem: str, folder: str) -> tuple[str, Path | None]:
        """What a lock guards, in words ("meeting X", "shadow day X", "series.json"), and
        its data file (None for a shadow day, whose lock guards no file of its own)."""
        if folder == MEETINGS_DIR:
            return f"meeting {stem}", self.home / MEETINGS_DIR / f"{stem}.json"
        if stem.startswith(".shadow-"):
            return f"shadow day {stem[len('.shadow-') :]}", None
        return f"{stem}.json", self.home / f"{stem}.json"

    def _locks(self, entries: list[os.DirEntry[str]], folder: str) -> None:
        base = self.home / folder if folder else self.home
        names = {e.name for e in entries}
        shadow_ids = self._shadow_ids()
        for entry in entries:
            name = entry.name
            if _is_temp(name):
                continue
            stem, dot, suffix = name.rpartition(".")
            if not dot or suffix not in ("holder", "lock") or not stem:
                continue
            if folder == "" and not (stem.startswith(".shadow-") or f"{stem}.json" in (WORKSPACE_FILE, *SHARED_FILES)):
                continue
            if folder == MEETINGS_DIR and name_problem(stem) is not None:
                continue  # no meeting of tandem's is named so: not its lock
            rel = f"{folder}/{name}" if folder else name
            path = base / name
            lock_path = base / f"{stem}.lock"
            subject, data_path = self._lock_subject(stem, folder)
            self.files_checked += 1
            if suffix == "holder":
                self._holder(path, rel, lock_path, subject, stem)
                continue
            if f"{stem}.holder" in names:
                continue  # the holder says who has it: reported above
            if folder == MEETINGS_DIR:
                gone = data_path is not None and not os.path.lexists(data_path)
            elif not stem.startswith(".shadow-"):
                gone = False  # a shared file's lock: taken before the file's first write
            else:
                day_id = stem[len(".shadow-") :]
                gone = shadow_ids is not None and day_id not in shadow_ids
            if gone and not _empty_regular(path):
                # tandem's lock files stay empty: one with content, or a link, is another tool's.
                continue
            if gone:
                self.add(
                    WARNING,
                    rel,
                    f"{rel} is the leftover lock file of {subject}, which no longer exists.",
                    key="leftover-lock",
                    repair=f"remove {rel}",
                    action=Remove(path, "lock", lock=path),
                )

    def _holder(self, path: Path, rel: str, lock_path: Path, subject: str, stem: str) -> None:
        try:
            kind = "a symbolic link" if os.path.islink(path) else _not_regular(os.stat(path).st_mode)
        except OSError:
            return
        if kind is not None:
            self.add(WARNING, rel, f"{rel} is {kind}, not a lock holder file; move it out of the workspace.", key="not-regular")
            return
        info = self._holder_info(path)
        if info is None:
            self.add(
                WARNING,
                rel,
                f"{rel} should say who holds the lock of {subject}, but it cannot be read.",
                repair=f"remove {rel} if nobody holds that lock",
                action=Remove(path, "holder", lock=lock_path),
            )
            return
        pid = info["pid"]
        host = str(info.get("host", "?"))
        try:
            since = datetime.fromisoformat(str(info.get("since"))).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            since = "an unknown time"
        who = f"PID {pid} on {host} since {since}"
        record = not subject.endswith(".json")  # a meeting or a shadow day, not a shared file
        verb = "open for editing" if record else "being saved"
        shown = f"{subject[0].upper()}{subject[1:]}" if record else subject
        if host != self.hostname:
            self.held[stem] = who
            self.add(OK, rel, f"{shown} is {verb} by {who} (on another host: doctor cannot check that process).")
        elif pid_alive(pid):
            self.held[stem] = who
            self.add(OK, rel, f"{shown} is {verb} by {who}.")
        else:
            left = f"{subject} was left open for editing by {who}" if record else f"{who} was saving {subject}"
            self.add(
                WARNING,
                rel,
                f"{rel} is an orphan lock: {left}, and that process is gone.",
                key="orphan-holder",
                repair=f"remove {rel}",
                action=Remove(path, "holder", lock=lock_path, pid=pid),
            )

    def _temps(self, entries: list[os.DirEntry[str]], folder: str) -> None:
        for entry in entries:
            # Only the whole name tandem gives its temp files (.NAME.tmp-PID-NS): any other
            # ".x.tmp-…" belongs to another tool and is left alone.
            pid = temp_file_pid(entry.name)
            if pid is None or not entry.is_file(follow_symlinks=False):
                continue
            self.files_checked += 1
            rel = f"{folder}/{entry.name}" if folder else entry.name
            if pid_alive(pid):
                continue  # a write in progress
            who = f"PID {pid}"
            self.add(
                WARNING,
                rel,
                f"{rel} is a stale temp file: {who} died while saving, and the file it was saving kept its last saved version.",
                key="stale-temp",
                repair=f"remove {rel}",
                action=Remove(Path(entry.path), "temp", pid=pid),
            )

    def _broken_copies(self, entries: list[os.DirEntry[str]], folder: str) -> None:
        for entry in entries:
            if BROKEN_MARK in entry.name and not entry.name.startswith("."):
                rel = f"{folder}/{entry.name}" if folder else entry.name
                self.add(
                    OK,
                    rel,
                    f"{rel} is a damaged copy kept by tandem doctor --repair; delete it when you no longer need it.",
                    key="broken-copy",
                )

    # --- references ---

    def _table(self, rel: str, table: str) -> list[Any] | None:
        """The valid records of a shared file's table; None when the file is missing is fine
        (an empty list), None when it could not be read (references into it are not checked)."""
        data = self.data.get(rel)
        if data is None:
            return None if (self.home / rel).exists() else []
        if data.inspection.unreadable or data.inspection.newer or data.inspection.tables is None:
            return None
        return data.inspection.records.get(table, [])

    def _shadow_ids(self) -> set[str] | None:
        days = self._table("shadow_days.json", "shadow_days")
        return None if days is None else {d.id for d in days}

    def _duplicates(self, rel: str, table: str, records: list[Any]) -> None:
        counts = Counter(r.id for r in records if hasattr(r, "id"))
        for rid, n in counts.items():
            if n > 1:
                self.add(
                    PROBLEM,
                    rel,
                    f"{rel} holds {n} {table} records with the id {rid}; tandem would change them all at once.",
                    key=f"{rel}:duplicate",
                )

    def _references(self) -> None:
        before = len(self.findings)
        self._check_links()
        self.link_findings = len(self.findings) - before

    def _check_links(self) -> None:
        # Meetings are found by file name, as tandem finds them.
        existing = set(self.meeting_files)
        agendas: dict[str, set[str]] = {}
        actions_of: dict[str, set[str]] = {}
        series_users: dict[str, list[str]] = defaultdict(list)
        readable: dict[str, _Data] = {}
        for stem, data in self.meeting_files.items():
            ins = data.inspection
            if ins.newer or ins.tables is None:
                continue
            rec = ins.records
            headers = rec.get("meeting", [])
            agenda_ids = {a.id for a in rec.get("agenda", [])}
            if not any(k.endswith((":invalid", ":table")) for _, _, k in ins.findings):
                agendas[stem] = agenda_ids
            actions_of[stem] = {a.id for a in rec.get("actions", [])}
            readable[stem] = data
            if len(headers) == 1:
                meeting = headers[0]
                if meeting.id != stem:
                    copy_of = f"; it looks like a copy of {MEETINGS_DIR}/{meeting.id}.json" if meeting.id in existing else ""
                    self.add(
                        PROBLEM,
                        data.rel,
                        f"{data.rel} holds meeting {meeting.id}, not {stem} as its file name says{copy_of}: "
                        "rename it to the meeting's id or move it out of the workspace.",
                    )
                series_users[meeting.series_id].append(data.rel)

        series = self._table("series.json", "series")
        if series is not None:
            known_series = {s.id for s in series}
            for sid, users in sorted(series_users.items()):
                if sid in known_series:
                    continue
                shown = ", ".join(users[:3]) + (f" and {len(users) - 3} more" if len(users) > 3 else "")
                meetings = "meeting" if len(users) == 1 else f"{len(users)} meetings"
                self.add(
                    PROBLEM,
                    "series.json",
                    f"Series {sid} is used by {meetings} ({shown}) but is missing from series.json; planning its next meeting will fail.",
                )

        all_actions = set().union(*actions_of.values()) if actions_of else set()

        def meeting_gone(mid: str) -> bool:
            return bool(mid) and mid not in existing

        for stem, data in sorted(readable.items()):
            rel, rec = data.rel, data.inspection.records
            for table in ("agenda", "lead_feedback", "decisions", "actions", "parking_lot", "triage", "scorecard"):
                self._duplicates(rel, table, rec.get(table, []))
            agenda = agendas.get(stem)
            headers = rec.get("meeting", [])
            if len(headers) == 1 and agenda is not None:
                active = headers[0].active_item_id
                if active and active not in agenda:
                    self.add(
                        WARNING,
                        rel,
                        f"Meeting {stem} in {rel} marks agenda item {active} as the current one, but that item is not in its agenda.",
                    )
            for item in rec.get("agenda", []):
                if meeting_gone(item.carried_from):
                    self.add(
                        WARNING,
                        rel,
                        f"Agenda item {item.id} in {rel} was carried over from meeting {item.carried_from}, which does not exist.",
                        key=f"{rel}:carried_from",
                    )
            labels = {
                "actions": "Action item",
                "lead_feedback": "Lead feedback",
                "decisions": "Decision",
                "parking_lot": "Parking-lot item",
            }
            # The meeting the records belong to: the stored id (a copied file is reported once, above).
            own = headers[0].id if len(headers) == 1 else stem
            for table, label in labels.items():
                for r in rec.get(table, []):
                    if r.meeting_id and r.meeting_id != own:
                        if table == "actions":
                            self.add(
                                PROBLEM,
                                rel,
                                f"Action item {r.id} in {rel} names meeting {r.meeting_id} as its origin, but it is stored "
                                f"in meeting {own}; marking it done or dropped would fail.",
                                key=f"{rel}:origin",
                            )
                        else:
                            self.add(
                                WARNING,
                                rel,
                                f"{label} {r.id} in {rel} names meeting {r.meeting_id}, but it is stored in meeting {own}.",
                                key=f"{rel}:origin",
                            )
                    if agenda is not None and r.agenda_item_id and r.agenda_item_id not in agenda:
                        self.add(
                            WARNING,
                            rel,
                            f"{label} {r.id} in {rel} points to agenda item {r.agenda_item_id}, which is not in that meeting.",
                            key=f"{rel}:agenda",
                        )
            for a in rec.get("actions", []):
                if meeting_gone(a.closed_in):
                    self.add(
                        WARNING,
                        rel,
                        f"Action item {a.id} in {rel} was closed in meeting {a.closed_in}, which does not exist.",
                        key=f"{rel}:closed_in",
                    )
            for p in rec.get("parking_lot", []):
                if meeting_gone(p.carried_to):
                    self.add(
                        WARNING,
                        rel,
                        f"Parking-lot item {p.id} in {rel} was carried to meeting {p.carried_to}, which does not exist.",
                        key=f"{rel}:carried_to",
                    )

        def agenda_missing(mid: str, item_id: str) -> bool:
            return bool(mid) and bool(item_id) and mid in agendas and item_id not in agendas[mid]

        def warn(rel: str, key: str, message: str) -> None:
            self.add(WARNING, rel, message, key=key)

        def warn_place(rel: str, key: str, what: str, mid: str, item_id: str) -> None:
            """A shared record's meeting that does not exist, or its agenda item that is not there."""
            if meeting_gone(mid):
                warn(rel, f"{key}-meeting", f"{what} names meeting {mid}, which does not exist.")
            elif agenda_missing(mid, item_id):
                warn(rel, f"{key}-agenda", f"{what} points to agenda item {item_id}, which is not in meeting {mid}.")

        if series is not None:
            self._duplicates("series.json", "series", series)

        objectives = self._table("objectives.json", "objectives")
        if objectives is not None:
            rel = "objectives.json"
            self._duplicates(rel, "objectives", objectives)
            for o in objectives:
                if meeting_gone(o.meeting_id):
                    warn(rel, "obj-meeting", f"Objective {o.id} in {rel} was set in meeting {o.meeting_id}, which does not exist.")
                for c in o.checkins:
                    what = f"Check-in of objective {o.id} on {c.date} in {rel}"
                    warn_place(rel, "checkin", what, c.meeting_id, c.agenda_item_id)

        insights = self._table("insights.json", "insights")
        content = self._table("content.json", "content")
        shadow_ids = self._shadow_ids()
        if insights is not None:
            rel = "insights.json"
            self._duplicates(rel, "insights", insights)
            content_ids = None if content is None else {c.id for c in content}
            for i in insights:
                what = f"Prospect insight {i.id} in {rel}"
                warn_place(rel, "insight", what, i.meeting_id, i.agenda_item_id)
                if i.shadow_day_id and shadow_ids is not None and i.shadow_day_id not in shadow_ids:
                    warn(rel, "insight-shadow", f"{what} names shadow day {i.shadow_day_id}, which is not in shadow_days.json.")
                if i.content_item_id and content_ids is not None and i.content_item_id not in content_ids:
                    warn(rel, "insight-content", f"{what} names content item {i.content_item_id}, which is not in content.json.")
        if content is not None:
            rel = "content.json"
            self._duplicates(rel, "content", content)
            insight_ids = None if insights is None else {i.id for i in insights}
            for c in content:
                what = f"Content item {c.id} in {rel}"
                warn_place(rel, "content", what, c.meeting_id, c.agenda_item_id)
                if c.insight_id and insight_ids is not None and c.insight_id not in insight_ids:
                    warn(rel, "content-insight", f"{what} names prospect insight {c.insight_id}, which is not in insights.json.")
        days = self._table("shadow_days.json", "shadow_days")
        if days is not None:
            rel = "shadow_days.json"
            self._duplicates(rel, "shadow_days", days)
            every_meeting_read = len(readable) == len(self.meeting_files)
            for d in days:
                if meeting_gone(d.debriefed_in):
                    warn(
                        rel,
                        "shadow-debrief",
                        f"Shadow day {d.id} in {rel} was debriefed in meeting {d.debriefed_in}, which does not exist.",
                    )
                    continue
                action_id = d.experiment.action_id if d.experiment is not None else ""
                what = f"The experiment of shadow day {d.id} in {rel} names action item {action_id}"
                if not action_id:
                    continue
                if d.debriefed_in in actions_of and action_id not in actions_of[d.debriefed_in]:
                    warn(rel, "shadow-action", f"{what}, which is not in meeting {d.debriefed_in}.")
                elif not d.debriefed_in and every_meeting_read and action_id not in all_actions:
                    warn(rel, "shadow-action", f"{what}, which is in no meeting.")

    # --- snapshots ---

    def _snapshot_copy(self, rel: str) -> Restore | None:
        """The newest daily snapshot holding a copy of ``rel`` that tandem can read."""
        for snapshot in reversed(self.snapshots):
            try:
                raw = _read_regular(snapshot)
                with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                    member = archive.read(rel)
                saved = datetime.fromtimestamp(os.stat(snapshot).st_mtime)
            except (OSError, _Skip, KeyError, zipfile.BadZipFile, ValueError, EOFError, RuntimeError):
                continue
            except Exception:  # noqa: BLE001 - zlib.error and friends: this snapshot cannot help
                continue
            if _restorable(_inspect(member, rel), rel):
                meeting_id = Path(rel).stem if rel.startswith(f"{MEETINGS_DIR}/") else None
                return Restore(self.home / rel, snapshot, rel, snapshot.stem, saved, meeting_id)
        return None

    def _offer_restores(self) -> None:
        """Say, on the first finding that makes each unreadable file unreadable, whether and
        how ``--repair`` can restore it."""
        for rel, data in sorted(self.data.items()):
            if not data.inspection.unreadable or data.inspection.newer:
                continue
            index = next(
                (n for n, f in enumerate(self.findings) if f.path == rel and f.level == PROBLEM and f.key.rpartition(":")[2] in _UNREADABLE_KEYS),
                None,
            )
            if index is None:
                continue
            first = self.findings[index]
            stem = Path(rel).stem
            if rel.startswith(f"{MEETINGS_DIR}/") and stem in self.held:
                note = f" Meeting {stem} is open for editing by {self.held[stem]}: doctor repairs nothing while it is open."
                self.findings[index] = replace(first, message=first.message + note)
                continue
            restore = self._snapshot_copy(rel)
            if restore is None:
                why = "no daily snapshot holds a readable copy" if self.snapshots else "there is no daily snapshot yet"
                note = f" Doctor cannot repair it ({why}): restore it from a backup."
                self.findings[index] = replace(first, message=first.message + note)
                continue
            self.findings[index] = replace(first, repair=f"restore it from {restore.source}", action=restore)

    def _latest_snapshot(self) -> None:
        if not self.snapshots:
            self.add(OK, SNAPSHOTS_DIR, "No daily snapshot yet; tandem takes one before the first change of each day.")
            return
        latest = self.snapshots[-1]
        rel = f"{SNAPSHOTS_DIR}/{latest.name}"
        self.files_checked += 1
        try:
            raw = _read_regular(latest)
            saved = datetime.fromtimestamp(os.stat(latest).st_mtime)
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                bad = archive.testzip()
                count = len(archive.namelist())
        except _Skip as exc:
            self.add(WARNING, rel, f"The latest daily snapshot {rel} is {exc}, not a zip file; move it away.")
            return
        except Exception as exc:  # noqa: BLE001 - BadZipFile, zlib errors, OSError…
            self.add(
                WARNING,
                rel,
                f"The latest daily snapshot {rel} cannot be read ({type(exc).__name__}: {exc}); older snapshots and your backups are what remains.",
            )
            return
        if bad is not None:
            self.add(WARNING, rel, f"The latest daily snapshot {rel} is damaged: its copy of {bad} does not read back.")
            return
        others = len(self.snapshots) - 1
        older = f"; {_count(others, 'older snapshot')} kept" if others else ""
        self.add(
            OK,
            rel,
            f"The latest daily snapshot is from {latest.stem} (saved {saved:%Y-%m-%d %H:%M}): {_count(count, 'file')}, all readable{older}.",
        )

    # --- the report ---

    def _report(self) -> Report:
        problems_in = {f.path for f in self.findings if f.level == PROBLEM}
        fine = sum(1 for d in self.data.values() if d.rel not in problems_in)
        ok_lines: list[Finding] = []
        if not self.data and not any(f.key == "not-regular" for f in self.findings):
            ok_lines.append(Finding(OK, "", f"{self.home} holds no tandem data yet."))
        if fine:
            text = "1 data file loads and its records validate" if fine == 1 else f"{fine} data files load and their records validate"
            ok_lines.append(Finding(OK, "", f"{text}."))
        if self.data and not self.link_findings:
            kinds = "meetings, agenda items, series, objectives, insights, content, shadow days"
            ok_lines.append(Finding(OK, "", f"Every link between records resolves ({kinds})."))
        if not any(f.key in ("orphan-holder", "stale-temp", "leftover-lock") for f in self.findings):
            ok_lines.append(Finding(OK, "", "No orphan locks or stale temp files."))
        order = {level: n for n, level in enumerate(LEVELS)}
        # Stable sort: within "ok", the summary lines come first.
        findings = sorted([*ok_lines, *_cap(self.findings)], key=lambda f: order[f.level])
        return Report(self.home, self.files_checked, findings)


def _cap(findings: list[Finding]) -> list[Finding]:
    """Keep at most :data:`MAX_SIMILAR` findings of one kind in one file (and all that a
    repair acts on); one line counts the rest."""
    seen: Counter[tuple[str, str, str]] = Counter()
    out: list[Finding] = []
    for f in findings:
        group = (f.level, f.path, f.key)
        seen[group] += 1
        if seen[group] <= MAX_SIMILAR or f.action is not None:
            out.append(f)
    for (level, path, key), n in seen.items():
        if n > MAX_SIMILAR:
            hidden = n - MAX_SIMILAR
            kind = "problem" if level == PROBLEM else "warning"
            where = path or "the workspace"
            message = f"…and {_count(hidden, 'more ' + kind)} like these in {where}."
            out.append(Finding(level, path, message, key=key, count=hidden))
    return out


def check(home: Path | str) -> Report:
    """Check every file of the workspace at ``home``; never changes, locks or creates anything."""
    return _Checker(Path(home).expanduser()).scan()


# --- repair ----------------------------------------------------------------------------------


def broken_name(path: Path, now: datetime) -> Path:
    """Where the damaged file is kept: ``<name>.broken-<timestamp>`` (``-2``… if taken)."""
    base = path.with_name(f"{path.name}{BROKEN_MARK}{now:%Y%m%d-%H%M%S}")
    candidate, n = base, 1
    while os.path.lexists(candidate):
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def _keep_broken(path: Path, now: datetime) -> Path:
    """Keep the damaged file beside it under a new name, without a moment where ``path``
    is missing: a hard link, or a copy where links are not allowed."""
    target = broken_name(path, now)
    try:
        os.link(path, target)
        return target
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EACCES):
            raise
    write_new(target, _read_regular(path))
    return target


def _empty_regular(path: Path) -> bool:
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size == 0


def _rel(home: Path, path: Path) -> str:
    try:
        return path.relative_to(home).as_posix()
    except ValueError:
        return str(path)


@contextlib.contextmanager
def _no_wait(lock_path: Path) -> Any:
    """Hold ``lock_path`` if nobody does; yield False (and hold nothing) if someone does."""
    lock = FileLock(str(lock_path), timeout=0, mode=FILE_MODE, thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def _restore(home: Path, action: Restore, now: datetime) -> Finding:
    rel = _rel(home, action.target)
    try:
        with zipfile.ZipFile(io.BytesIO(_read_regular(action.snapshot))) as archive:
            member = archive.read(action.member)
    except Exception as exc:  # noqa: BLE001 - BadZipFile, zlib errors, OSError: the snapshot cannot help
        return Finding(PROBLEM, rel, f"Could not read {rel} from the snapshot of {action.day} ({exc}); left it as it is.")
    if not _restorable(_inspect(member, rel), rel):
        return Finding(PROBLEM, rel, f"The snapshot of {action.day} no longer holds a readable copy of {rel}; left it as it is.")
    if action.meeting_id is not None:
        lock = WriterLock(action.target.with_suffix(".lock"), subject=action.meeting_id, timeout=0)
    else:
        lock = WriterLock(action.target.with_suffix(".lock"), subject=rel, meeting=False, timeout=5)
    try:
        lock.acquire()
    except TandemError as exc:
        return Finding(PROBLEM, rel, f"{exc} {rel} was left as it is.")
    try:
        current = _inspect(_read_regular(action.target), rel)
        if current.newer:
            return Finding(PROBLEM, rel, f"{rel} is now a newer-schema file; left it as it is.")
        if not current.unreadable:
            return Finding(OK, rel, f"{rel} reads fine now (someone saved it meanwhile); left it as it is.")
        kept = _keep_broken(action.target, now)
        atomic_write_bytes(action.target, member)
    except _Skip as exc:
        return Finding(WARNING, rel, f"{rel} is {exc} now; left it as it is.")
    except OSError as exc:
        return Finding(PROBLEM, rel, f"Could not restore {rel}: {exc.strerror or exc}.")
    finally:
        lock.release()
    return Finding(
        OK,
        rel,
        f"Restored {rel} from {action.source}; the damaged file is kept as {_rel(home, kept)}.",
    )


def _remove(home: Path, action: Remove) -> Finding:
    rel = _rel(home, action.target)
    # Checked again now: the file may have been swapped for a link, or its folder for a link
    # out of the workspace, since the check.
    if not _regular_inside(home, action.target):
        if not os.path.lexists(action.target):
            return Finding(OK, rel, f"{rel} is gone already.")
        return Finding(WARNING, rel, f"{rel} is no longer a plain file inside the workspace; left it.")
    if action.what == "lock" and not _empty_regular(action.target):
        return Finding(WARNING, rel, f"{rel} is not empty, so it is not a tandem lock file; left it.")
    if action.what == "temp":
        if action.pid is not None and pid_alive(action.pid):
            return Finding(OK, rel, f"{rel} belongs to a running process now; left it.")
        with contextlib.suppress(FileNotFoundError):
            action.target.unlink()
        return Finding(OK, rel, f"Removed the stale temp file {rel}.")
    assert action.lock is not None
    try:
        before = _read_regular(action.target) if action.what == "holder" else None
    except FileNotFoundError:
        return Finding(OK, rel, f"{rel} is gone already.")
    except _Skip as exc:
        return Finding(WARNING, rel, f"{rel} is {exc} now; left it.")
    with _no_wait(action.lock) as free:
        if not free:
            return Finding(WARNING, rel, f"{rel}: its lock is held by a running process now; left it.")
        if action.what == "holder":
            try:
                now_bytes = _read_regular(action.target)
            except (FileNotFoundError, _Skip):
                return Finding(OK, rel, f"{rel} is gone already.")
            if now_bytes != before:
                return Finding(WARNING, rel, f"{rel} changed meanwhile; left it.")
            action.target.unlink()
            return Finding(OK, rel, f"Removed the orphan lock holder {rel}.")
        # A leftover lock file: removed while held, so nobody can take it in between.
        with contextlib.suppress(FileNotFoundError):
            action.target.unlink()
        return Finding(OK, rel, f"Removed the leftover lock file {rel}.")


_REMOVED_WHAT = {"holder": "an orphan lock holder", "lock": "a leftover lock file", "temp": "a stale temp file"}


def plan(report: Report) -> list[str]:
    """What :func:`repair` would do, one line per file and action, in the order it does it."""
    lines = []
    for f in report.repairs:
        if isinstance(f.action, Restore):
            kept = f"{f.path}{BROKEN_MARK}<date-time>"
            lines.append(f"restore {f.path} from {f.action.source}, keeping the damaged file as {kept}")
    for f in report.repairs:
        if isinstance(f.action, Remove):
            lines.append(f"remove {f.path} ({_REMOVED_WHAT[f.action.what]})")
    return [" ".join(clean_text(line).split()) for line in lines]


def repair(
    report: Report,
    *,
    confirm: Callable[[str], bool],
    say: Callable[[str], None] = lambda line: None,
    now: Callable[[], datetime] = datetime.now,
) -> list[Finding]:
    """Carry out the report's repairs: first ``say`` each step of :func:`plan`, then ask
    ``confirm(question)``: one question per file to restore, one for all the leftover files
    to remove. Only regular files inside the workspace are ever replaced or removed. Returns
    what happened, as findings (``ok``: done; ``warning``/``problem``: left as it was, and why)."""
    home = report.home
    results: list[Finding] = []
    restores = [f for f in report.repairs if isinstance(f.action, Restore)]
    removals = [f for f in report.repairs if isinstance(f.action, Remove)]
    for line in plan(report):
        say(line)
    for finding in restores:
        action = finding.action
        assert isinstance(action, Restore)
        question = f"{finding.path} is unreadable; restore it from {action.source}?"
        if not confirm(question):
            results.append(Finding(WARNING, finding.path, f"Left {finding.path} as it is."))
            continue
        results.append(_restore(home, action, now()))
    if removals:
        kinds = Counter(f.action.what for f in removals if isinstance(f.action, Remove))
        parts = []
        if kinds["holder"]:
            parts.append(_count(kinds["holder"], "orphan lock holder"))
        if kinds["lock"]:
            parts.append(_count(kinds["lock"], "leftover lock file"))
        if kinds["temp"]:
            parts.append(_count(kinds["temp"], "stale temp file"))
        question = f"Remove {', '.join(parts)} ({', '.join(f.path for f in removals[:3])}{', …' if len(removals) > 3 else ''})?"
        if confirm(question):
            for finding in removals:
                assert isinstance(finding.action, Remove)
                try:
                    results.append(_remove(home, finding.action))
                except OSError as exc:
                    results.append(Finding(PROBLEM, finding.path, f"Could not remove {finding.path}: {exc.strerror or exc}."))
        else:
            results.append(Finding(WARNING, "", "Left the lock and temp files as they are."))
    return results


__all__ = [
    "LEVELS",
    "OK",
    "PROBLEM",
    "WARNING",
    "Finding",
    "Remove",
    "Report",
    "Restore",
    "broken_name",
    "check",
    "plan",
    "repair",
]
