"""Crash-safe files: atomic replace, a versioned header, and a TinyDB storage on top.

TinyDB's default JSONStorage rewrites its file in place, so a kill -9 mid-write can leave
it unloadable and readers can see a torn file (see the brief's measurements). Here every
write goes to a temp file in the same folder, is fsynced, then ``os.replace``d over the
old file and the folder is fsynced: a reader or a crash sees the old file or the new one,
never a mix.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import orjson
from tinydb.storages import Storage

from tandem.store.errors import CorruptFileError, NewerSchemaError
from tandem.store.outside import MAX_DATA_FILE_BYTES, read_outside
from tandem.store.tables import rekey_counter_ids

#: 1: tandem 0.1.0. 2: stored text holds no control characters (see ``_clean_text``).
#: 3: a meeting may be "cancelled" (an older tandem would call such a file corrupt; it is
#: told the workspace is newer instead).
#: 4: a decision may supersede or reverse an earlier one (fields an older tandem rejects).
#: 5: git-friendly: documents keyed by their record's id with an order number (see
#: ``store/tables.py``), files pretty-printed with sorted keys (see :func:`encode`).
SCHEMA_VERSION = 5
HEADER_KEY = "_tandem"
TEMP_MARK = ".tmp-"
FILE_MODE = 0o600
DIR_MODE = 0o700


def _clean_text(value: Any) -> Any:
    """Schema 1 stored text as typed or pasted, terminal escape sequences included; schema 2
    keeps none, so no terminal showing the data (or a grep of it) can be hijacked."""
    from tandem.store.mdescape import clean

    if isinstance(value, str):
        return clean(value) if not value.isprintable() else value
    if isinstance(value, list):
        return [_clean_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_text(v) for k, v in value.items()}
    return value


#: Upgrades from older schemas: ``MIGRATIONS[n]`` turns schema-n data into schema n+1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _clean_text, 2: lambda data: data, 3: lambda data: data, 4: rekey_counter_ids}


def ensure_dir(path: Path) -> None:
    """Create ``path`` and any missing parents, each 0700 (``mkdir(parents=True)`` would give
    the parents the umask's mode: a workspace whose first write is a meeting got 0755)."""
    if path.is_dir():
        return
    if not path.parent.exists() and path.parent != path:
        ensure_dir(path.parent)
    path.mkdir(mode=DIR_MODE, exist_ok=True)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, which must not exist yet (0600, flushed to disk): for a
    file nobody reads before it is complete (a staging folder, a kept copy)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def temp_path_for(path: Path) -> Path:
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{time.monotonic_ns()}")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that no reader or crash ever sees a partial file."""
    tmp = temp_path_for(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as exc:  # name the file the user knows, not our hidden temp file
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        _write_all(fd, data)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine. Our own pid counts as alive: a temp file
    of ours may belong to a save running in another thread right now."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


#: The whole name :func:`temp_path_for` gives: a folder shared with other tools (an export
#: folder in a git repository) may hold their ``.x.tmp-…`` files, which are not ours to remove.
_TEMP_NAME = re.compile(rf"\..+{re.escape(TEMP_MARK)}(\d+)-\d+")


def temp_file_pid(name: str) -> int | None:
    """The pid of the writer that made temp file ``name``; None if ``name`` is not the
    whole name :func:`temp_path_for` gives."""
    match = _TEMP_NAME.fullmatch(name)
    return int(match.group(1)) if match is not None else None


def clean_stale_temp_files(folder: Path, *, of: str | None = None) -> list[Path]:
    """Remove temp files left by writers that died mid-write; keep those of live writers.
    ``of``: only the temp files of the file of that name.

    Only regular files directly in ``folder`` named as tandem names them: a symlink or a
    folder with such a name was not made by tandem, so it is left alone (and never followed)."""
    removed = []
    with os.scandir(folder) as entries:
        for entry in entries:
            pid = temp_file_pid(entry.name)
            if pid is None or not entry.is_file(follow_symlinks=False):
                continue
            if of is not None and not entry.name.startswith(f".{of}{TEMP_MARK}"):
                continue
            if pid_alive(pid):
                continue
            tmp = Path(entry.path)
            try:
                tmp.unlink()
            except FileNotFoundError:
                continue
            removed.append(tmp)
    return removed


#: One key per line, two-space indents, keys sorted, a final newline: an edit of one record
#: changes only its own lines, so git shows it as such and merges edits of different records.
#: Sorted keys also put the header first (``_`` sorts before lowercase table names).
ENCODING = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def encode(tables: dict[str, Any], kind: str) -> bytes:
    return orjson.dumps({HEADER_KEY: {"schema": SCHEMA_VERSION, "kind": kind}, **tables}, option=ENCODING)


def decode(raw: bytes, path: Path) -> dict[str, Any]:
    """Parse and check a tandem file; migrate older schemas; refuse newer ones."""
    if not raw.strip():
        raise CorruptFileError(path, "the file is empty")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptFileError(path, f"not valid JSON: {str(exc).split(':')[0].lower()}") from None
    if not isinstance(data, dict) or not isinstance(data.get(HEADER_KEY), dict):
        raise CorruptFileError(path, "no tandem header; it is not a tandem data file")
    header = data.pop(HEADER_KEY)
    schema = header.get("schema")
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        raise CorruptFileError(path, "its schema version is missing or invalid")
    if schema > SCHEMA_VERSION:
        raise NewerSchemaError(path, schema, SCHEMA_VERSION)
    while schema < SCHEMA_VERSION:
        if schema not in MIGRATIONS:
            raise CorruptFileError(path, f"schema {schema} has no migration to {schema + 1} in this tandem")
        data = MIGRATIONS[schema](data)
        schema += 1
    for name, table in data.items():
        if not isinstance(table, dict):
            raise CorruptFileError(path, f"table {name!r} is not an object")
    return cast(dict[str, Any], data)


def file_header(raw: bytes) -> dict[str, Any] | None:
    """The ``_tandem`` header of a file's bytes (schema, kind), or None if it has none."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    header = data.get(HEADER_KEY) if isinstance(data, dict) else None
    return header if isinstance(header, dict) else None


def read_regular(path: Path) -> bytes:
    """A data file's bytes, refusing anything but a regular file of a sane size: reading a
    named pipe that someone called ``x.json`` would block forever (see ``store/outside``)."""
    return read_outside(path, limit=MAX_DATA_FILE_BYTES)


def read_file(path: Path) -> dict[str, Any] | None:
    """The tables of a tandem file, or None when it does not exist. Never locks."""
    try:
        raw = read_regular(path)
    except FileNotFoundError:
        return None
    return decode(raw, path)


_UNREAD: Any = object()


class AtomicStorage(Storage):
    """TinyDB storage: orjson, atomic replace, schema header, a hook before each write.

    No caching by default: each TinyDB operation re-reads the file, which for one meeting
    costs well under a millisecond, and readers in other processes always see saved data.

    ``hold_reads=True`` is for one write operation made under the file's writer lock (see
    ``Collection._table``): TinyDB reads the whole file up to four times for one insert
    (``contains`` twice, the next id, the update); with the lock held nobody else can change
    the file, so the first read serves the others. Never use it for readers or for a storage
    that outlives one operation.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        kind: str = "data",
        before_write: Callable[[Path], None] | None = None,
        read_only: bool = False,
        hold_reads: bool = False,
    ) -> None:
        self.path = Path(path)
        self.kind = kind
        self._before_write = before_write
        self._read_only = read_only
        self._hold_reads = hold_reads
        self._held: Any = _UNREAD

    def read(self) -> dict[str, Any] | None:
        if self._held is not _UNREAD:
            return self._held  # type: ignore[no-any-return]
        data = read_file(self.path)
        if self._hold_reads:
            self._held = data
        return data

    def write(self, data: dict[str, Any]) -> None:
        # TinyDB edits the dict it read before writing it: forget it until the write succeeds.
        self._held = _UNREAD
        if self._read_only:
            raise PermissionError(f"{self.path} was opened read-only")
        if self._before_write is not None:
            self._before_write(self.path)  # told which file: its old bytes may be wanted first
        atomic_write_bytes(self.path, encode(data, self.kind))
        if self._hold_reads:
            self._held = data

    def close(self) -> None:
        pass
