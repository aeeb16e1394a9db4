"""One-file JSON archives of a whole workspace, and restoring them all or nothing.

Restore runs in this order, and stops with one sentence at the first refusal:

1. the whole archive is checked before anything is touched: every file name, meeting id
   and record id (``outside.check_name``), every text (``outside.is_clean``), every record,
   and each file is encoded;
2. ``--force`` refuses while a meeting or shadow day is open for editing or a file of the
   workspace comes from a newer tandem, then zips what it replaces into
   ``backups/before-restore-<date>-<time>.zip``;
3. the new workspace is written into a staging folder beside the workspace (same file
   system), the workspace's other contents (snapshots, backups, drafts, anything that is not
   data) are moved into it, and the two folders are exchanged in one rename. A reader, or a
   kill -9 at any moment, finds the old workspace whole or the new one whole.

A restore killed midway leaves its staging folder behind; the next restore removes it after
moving back anything that is not data.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

import orjson

from tandem import __version__
from tandem.store.atomic import (
    DIR_MODE,
    FILE_MODE,
    MIGRATIONS,
    SCHEMA_VERSION,
    TEMP_MARK,
    atomic_write_bytes,
    clean_stale_temp_files,
    encode,
    ensure_dir,
    file_header,
    fsync_dir,
    pid_alive,
    read_file,
    read_regular,
    write_new,
)
from tandem.store.errors import CorruptFileError, NewerSchemaError, ReadOnlyError, TandemError, ValidationError, WorkspaceNotEmptyError, describe_os_error
from tandem.store.layout import CACHE_DIR, CONFLICTS_TABLE, CONTRIBUTIONS_DIR, CONTRIBUTIONS_TABLE, MEETING_TABLES, MEETINGS_DIR, SHARED_FILES, WORKSPACE_FILE
from tandem.store.locks import WriterLock
from tandem.store.migrate import BACKUPS_DIR
from tandem.store.outside import MAX_DATA_FILE_BYTES, file_kind, is_clean, name_problem, read_outside, shown_name
from tandem.store.tables import ordered
from tandem.store.workspace import Workspace

FORMAT = "tandem-backup"
#: Data files at the top of a workspace; meeting files live in ``meetings/``.
TOP_FILES = (WORKSPACE_FILE, *SHARED_FILES)
#: Staging folders are ``.<workspace name>.tandem-restore-<pid>-<ns>`` beside the workspace.
STAGING_MARK = ".tandem-restore-"
#: Suffix of the old workspace set aside where the folders cannot be exchanged in one rename.
ASIDE = ".old"
#: Reference fields that are not ids: a template id is the name of the user's template file.
NOT_IDS = frozenset({"template_id"})
#: Longest excerpt of a record's validation message shown (it may quote the bad value).
MAX_DETAIL = 200


# --- backup ---------------------------------------------------------------------------------


def build_archive(workspace: Workspace) -> dict[str, Any]:
    files: dict[str, Any] = {}
    # Each expected name is read, not only those that are plain files: a series.json that is
    # a folder must stop the backup, not vanish from it.
    paths = [workspace.home / name for name in TOP_FILES if os.path.lexists(workspace.home / name)]
    paths += [p for p in workspace.data_files() if p.parent == workspace.meetings_dir]
    from tandem.store.contrib import Contributions

    paths += Contributions(workspace).files()
    for path in paths:
        tables = read_file(path)
        if tables is not None:
            files[path.relative_to(workspace.home).as_posix()] = tables
    return {"format": FORMAT, "schema": SCHEMA_VERSION, "tandem": __version__, "files": files}


def backup(workspace: Workspace, target: Path) -> int:
    """Write the archive to ``target``; returns the number of files archived.

    The archive is checked exactly as ``restore`` will check it: a backup that could never
    be restored is refused now, naming the file to fix, not discovered on the day it is needed.
    """
    archive = build_archive(workspace)
    try:
        validate_files(archive["files"], workspace.home)
    except CorruptFileError as exc:
        raise TandemError(f"Cannot back up {workspace.home}: {exc.detail}; fix or move that file first.") from None
    ensure_dir(target.parent) if not target.parent.exists() else None
    atomic_write_bytes(target, orjson.dumps(archive, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    return len(archive["files"])


# --- checking an archive --------------------------------------------------------------------


def _kind_of(name: object, path: Path) -> tuple[str, dict[str, type[Any] | None]]:
    if name in SHARED_FILES:
        file_kind, table, kind = SHARED_FILES[name]
        return file_kind, {table: kind}
    if name == WORKSPACE_FILE:
        return "workspace", {"workspace": None}
    pure = PurePosixPath(name) if isinstance(name, str) else None
    if pure is not None and len(pure.parts) == 2 and pure.parts[0] == MEETINGS_DIR and pure.suffix == ".json" and name_problem(pure.stem) is None:
        return "meeting", dict(MEETING_TABLES)
    if pure is not None and len(pure.parts) == 2 and pure.parts[0] == CONTRIBUTIONS_DIR and pure.suffix == ".json" and name_problem(pure.stem) is None:
        from tandem.store.contrib import Contribution
        from tandem.store.contrib.store import FILE_KIND

        return FILE_KIND, {CONTRIBUTIONS_TABLE: Contribution}
    if pure is not None and len(pure.parts) == 2 and pure.parts[0] == MEETINGS_DIR and pure.suffix == ".json":
        raise CorruptFileError(path, f"it holds a meeting file named {shown_name(pure.stem)}, which cannot be used: {name_problem(pure.stem)}")
    raise CorruptFileError(path, f"it names an unexpected file {shown_name(name)}")


def _unclean(value: Any) -> str | None:
    """The first text in ``value`` (keys included) that holds a control or bidi character."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not is_clean(item):
                return item
        elif isinstance(item, dict):
            for key, inner in item.items():
                if isinstance(key, str) and not is_clean(key):
                    return key
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _bad_id(value: Any) -> tuple[str, str] | None:
    """(field, id) of the first id in a record, nested records included, that is not a safe
    name: ``id`` and the ``…_id`` fields that refer to other records."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                is_id = key == "id" or (isinstance(key, str) and key.endswith("_id") and key not in NOT_IDS)
                if is_id and inner not in ("", None) and name_problem(inner) is not None:
                    return str(key), inner
                if isinstance(inner, (dict, list)):
                    stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return None


def validate_archive(raw: bytes, path: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Check everything; return ``{relative name: (file kind, tables)}`` ready to write."""
    try:
        archive = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise CorruptFileError(path, "it is not a JSON backup archive") from None
    if not isinstance(archive, dict) or archive.get("format") != FORMAT:
        raise CorruptFileError(path, "it is not a tandem backup archive")
    schema = archive.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool):
        raise CorruptFileError(path, "its schema version is missing")
    if schema > SCHEMA_VERSION:
        raise NewerSchemaError(path, schema, SCHEMA_VERSION)
    files = archive.get("files")
    if not isinstance(files, dict):
        raise CorruptFileError(path, "it holds no files")
    if schema < SCHEMA_VERSION:
        files = _upgraded(files, schema, path)
    # On a case-insensitive disk (macOS, Windows) both would be written to one file.
    folded: dict[str, str] = {}
    for name in files:
        other = folded.setdefault(name.lower(), name)
        if other != name:
            raise CorruptFileError(path, f"it holds both {shown_name(other)} and {shown_name(name)}, which are one file on some disks")
    return validate_files(files, path)


def _upgraded(files: dict[str, Any], schema: int, path: Path) -> dict[str, Any]:
    """The files of an archive from an older tandem, upgraded as reading each file upgrades
    it (``atomic.MIGRATIONS``); checked afterwards like any archive."""
    out = {}
    for name, tables in files.items():
        version = schema
        while isinstance(tables, dict) and version < SCHEMA_VERSION:
            if version not in MIGRATIONS:
                raise CorruptFileError(path, f"it is a schema {schema} archive, which this tandem cannot upgrade")
            tables = MIGRATIONS[version](tables)
            version += 1
        out[name] = tables
    return out


def validate_files(files: dict[str, Any], path: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Check every file of an archive; ``path`` names the archive in errors."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, tables in files.items():
        file_kind, table_kinds = _kind_of(name, path)
        table_kinds = {**table_kinds, CONFLICTS_TABLE: None}
        if not isinstance(tables, dict):
            raise CorruptFileError(path, f"{name} is not an object")
        # Before the records are built: they would clean the text, but the archive's own
        # bytes are what is written, and a name in a message must be shown escaped.
        dirty = _unclean(tables)
        if dirty is not None:
            raise CorruptFileError(path, f"{name} holds text with control or bidirectional characters: {shown_name(dirty)}")
        for table, docs in tables.items():
            if table not in table_kinds:
                raise CorruptFileError(path, f"{name} has an unknown table {shown_name(table)}")
            # Each record under its id (the workspace's one document under its fixed key): a
            # key is written as a JSON key, and a git conflict or a diff shows it.
            if not isinstance(docs, dict) or not all(name_problem(k) is None for k in docs):
                raise CorruptFileError(path, f"{name} table {table!r} is malformed")
            try:
                ordered(path, docs, table)
            except CorruptFileError as exc:
                raise CorruptFileError(path, f"{name}: {exc.detail}") from None
            kind = table_kinds[table]
            for doc in docs.values():
                try:
                    if kind is not None:
                        kind.from_dict(doc)
                    elif not isinstance(doc, dict):
                        raise ValidationError(table, "expected an object")
                except ValidationError as exc:
                    detail = str(exc) if len(str(exc)) <= MAX_DETAIL else str(exc)[: MAX_DETAIL - 1] + "…"
                    raise CorruptFileError(path, f"{name} has an invalid {table} record: {detail}") from None
                bad = _bad_id(doc) if kind is not None else None
                if bad is not None:
                    field, value = bad
                    raise CorruptFileError(path, f"{name}, table {table}: the {field} {shown_name(value)} cannot be used: {name_problem(value)}")
        if file_kind == "meeting":
            header = tables.get("meeting", {})
            stem = PurePosixPath(name).stem
            if len(header) != 1 or next(iter(header.values())).get("id") != stem:
                raise CorruptFileError(path, f"{name} does not hold meeting {stem!r}")
        out[name] = (file_kind, tables)
    return out


# --- restore --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Restored:
    files: int
    #: The zip of what ``--force`` replaced, or None when nothing was replaced.
    kept_in: Path | None = None


def restore(workspace: Workspace, source: Path, *, force: bool = False) -> Restored:
    """Restore ``source`` into ``workspace``, all or nothing (see the module's docstring)."""
    if workspace.read_only:
        raise ReadOnlyError(f"The workspace {workspace.home} is open read-only; nothing can be changed here.")
    try:
        raw = read_outside(source, limit=MAX_DATA_FILE_BYTES)
    except FileNotFoundError:
        raise TandemError(f"{source} does not exist.") from None
    except OSError as exc:
        raise TandemError(f"{source} cannot be read: {describe_os_error(exc)}.") from None
    files = validate_archive(raw, source)
    encoded = {name: encode(tables, file_kind) for name, (file_kind, tables) in files.items()}
    home = Path(os.path.realpath(workspace.home))
    _clean_leftovers(home)
    if not workspace.is_empty() and not force:
        raise WorkspaceNotEmptyError(f"{workspace.home} already holds a workspace; restore into an empty folder or pass --force to replace it.")
    if home.exists() and home.parent.exists() and os.stat(home).st_dev != os.stat(home.parent).st_dev:
        raise TandemError(
            f"{workspace.home} is a mount point, and restore needs its parent folder on the same disk to swap the workspace in whole; restore into a folder inside it."
        )
    old: Path | None = None
    with _holding_locks(workspace, home, source, files) as locks:
        kept_in = None
        if force:
            _refuse_what_force_must_keep(workspace)
        try:
            if force and workspace.data_files():
                kept_in = _safety_copy(workspace)
            old = _swap_in(home, encoded)
        except OSError as exc:
            raise TandemError(f"Cannot restore {source} into {workspace.home}: {describe_os_error(exc)}; the workspace was left as it was.") from None
        if old is not None:
            # Each lock's holder file went with the old folder: releasing one by its old
            # path would delete the holder file of a session opened in the new workspace.
            for lock in locks:
                if isinstance(lock, WriterLock):
                    lock.holder_path = old / lock.holder_path.relative_to(home)
    if old is not None:
        # Only the replaced data (zipped first) and locks are left there; what a failure to
        # delete leaves is finished by the next restore.
        shutil.rmtree(old, ignore_errors=True)
    return Restored(len(files), kept_in)


class _Releasable(Protocol):
    def release(self) -> None: ...


def _take(path: Path, subject: str, *, workspace: Workspace, what: str = "Meeting", meeting: bool = True, timeout: float = 0) -> _Releasable:
    """The lock at ``path``, taken without writing a holder file (a restore takes one per
    meeting, and each holder file costs two fsyncs); a session refused meanwhile is told
    "another tandem process"."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(path), timeout=timeout, mode=FILE_MODE, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        pass
    except OSError as exc:
        raise TandemError(f"Cannot lock {path}: {describe_os_error(exc)}.") from None
    else:
        return lock
    # Held: WriterLock says by whom (and takes it, should the holder just have let go).
    writer = WriterLock(path, subject=subject, meeting=meeting, what=what, now=workspace.now, timeout=0)
    writer.acquire()
    return writer


@contextlib.contextmanager
def _holding_locks(workspace: Workspace, home: Path, source: Path, files: dict[str, tuple[str, dict[str, Any]]]) -> Iterator[list[_Releasable]]:
    """Hold the writer lock of every meeting and shadow day, old or restored, and the short
    lock of every shared file: an open session's next save would overwrite the restore.
    ``home`` is the workspace folder with links resolved."""
    if not home.is_dir():
        yield []  # nobody can be editing a workspace that does not exist
        return
    meetings_dir = home / MEETINGS_DIR
    meeting_ids = {p.stem for p in workspace.data_files() if p.parent == workspace.meetings_dir}
    shadow_ids = {p.name[len(".shadow-") : -len(".lock")] for p in home.glob(".shadow-*.lock")}
    if meetings_dir.is_dir():
        meeting_ids |= {p.stem for p in meetings_dir.glob("*.lock")}
    for name in files:
        if name.startswith(f"{MEETINGS_DIR}/"):
            meeting_ids.add(PurePosixPath(name).stem)
    shadow_ids |= {doc["id"] for doc in files.get("shadow_days.json", ("", {}))[1].get("shadow_days", {}).values()}
    wanted: list[tuple[Path, dict[str, Any]]] = [
        (home / f"{name.rsplit('.', 1)[0]}.lock", {"subject": str(home / name), "meeting": False, "timeout": 10}) for name in TOP_FILES
    ]
    wanted += [(home / f".shadow-{day}.lock", {"subject": shown_name(day), "what": "Shadow day"}) for day in sorted(shadow_ids)]
    if meetings_dir.is_dir():
        wanted += [(meetings_dir / f"{m}.lock", {"subject": shown_name(m)}) for m in sorted(meeting_ids)]
    taken: list[_Releasable] = []
    made: list[Path] = []  # lock files that did not exist: a refused restore leaves none behind
    try:
        for path, how in wanted:
            if not path.exists():
                made.append(path)
            try:
                taken.append(_take(path, workspace=workspace, **how))
            except TandemError as exc:
                why = str(exc).rstrip(".")
                raise TandemError(f"Cannot restore {source} into {workspace.home}: {why[0].lower()}{why[1:]}; close it there, then restore again.") from None
        yield taken
    except BaseException:
        for lock in reversed(taken):
            with contextlib.suppress(OSError):
                lock.release()
        for path in made:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    for lock in reversed(taken):
        with contextlib.suppress(OSError):
            lock.release()


def _refuse_what_force_must_keep(workspace: Workspace) -> None:
    """A file of a newer schema is never overwritten; a folder, pipe or device where a data
    file belongs could not go into the safety copy, so it is not deleted either."""
    home = workspace.home
    paths = [home / name for name in TOP_FILES]
    if workspace.meetings_dir.is_dir():
        paths += sorted(p for p in workspace.meetings_dir.glob("*.json") if not p.name.startswith("."))
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(mode):
            raise TandemError(f"{path} is {file_kind(mode)} where a data file belongs, and restore --force would delete it; move it out of {home} first.")
        try:
            header = file_header(read_regular(path))
        except (OSError, CorruptFileError):
            continue  # unreadable: replacing it is what the restore is for, and the copy keeps it
        schema = header.get("schema") if header else None
        if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA_VERSION:
            raise TandemError(
                f"{path} was written by a newer tandem (schema {schema}, this version reads up to {SCHEMA_VERSION}) and is never overwritten; upgrade tandem to restore over it."
            )


def _safety_copy(workspace: Workspace) -> Path:
    """Zip every data file ``--force`` replaces into ``backups/before-restore-<stamp>.zip``."""
    stamp = workspace.now().strftime("%Y-%m-%d-%H%M%S")
    folder = workspace.home / BACKUPS_DIR
    if folder.is_dir():  # the half-written zip of a restore killed while taking its copy
        clean_stale_temp_files(folder)
    target, n = folder / f"before-restore-{stamp}.zip", 1
    while target.exists():  # two restores within a second keep both copies
        n += 1
        target = folder / f"before-restore-{stamp}-{n}.zip"
    return workspace.snapshots.take(target, workspace.data_files())


# --- the swap -------------------------------------------------------------------------------


def _owned(parts: tuple[str, ...]) -> bool:
    """Whether the entry at ``parts`` (relative to a workspace) belongs to the restore: data
    it replaces, what is derived from it (the cache folder: rebuilt from the restored data),
    and locks and temp files that die with the folder they are in. Everything else
    (snapshots, backups, drafts, a .git folder, the user's own files) moves along."""
    name = parts[-1]
    if name.endswith((".lock", ".holder")) or TEMP_MARK in name:
        return True
    if len(parts) == 1:
        return name in TOP_FILES or name == CACHE_DIR
    return len(parts) == 2 and parts[0] in (MEETINGS_DIR, CONTRIBUTIONS_DIR) and name.endswith(".json") and not name.startswith(".")


def _move_others(source: Path, target: Path, parts: tuple[str, ...] = ()) -> None:
    """Move every entry of ``source`` that the restore does not own into ``target``; folders
    present in both are merged (``meetings/``, or a snapshots folder made meanwhile)."""
    if not source.is_dir() or source.is_symlink():
        return
    for entry in sorted(source.iterdir()):
        here = (*parts, entry.name)
        if _owned(here):
            continue
        destination = target / entry.name
        if not os.path.lexists(destination):
            ensure_dir(target)
            os.rename(entry, destination)
        elif entry.is_dir() and not entry.is_symlink() and destination.is_dir() and not destination.is_symlink():
            _move_others(entry, destination, here)


def _staging_pid(name: str, home: Path) -> int | None:
    prefix = f".{home.name}{STAGING_MARK}"
    if not name.startswith(prefix):
        return None
    pid = name[len(prefix) :].split("-", 1)[0]
    return int(pid) if pid.isascii() and pid.isdigit() else None


def _clean_leftovers(home: Path) -> None:
    """Finish what a killed restore left beside the workspace: a set-aside old workspace
    goes back if the workspace itself is missing; otherwise what is not data moves back in,
    and the staging folder goes."""
    parent = home.parent
    if not parent.is_dir():
        return
    for entry in sorted(parent.iterdir()):
        pid = _staging_pid(entry.name, home)
        if pid is None or pid_alive(pid) or entry.is_symlink() or not entry.is_dir():
            continue
        if entry.name.endswith(ASIDE) and not os.path.lexists(home):
            os.rename(entry, home)
            continue
        _move_others(entry, home)
        shutil.rmtree(entry, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False where the system or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if sys.platform.startswith("linux"):
            rename_exchange, at_fdcwd = 2, -100
            result = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
        elif sys.platform == "darwin":
            rename_swap = 2
            result = libc.renamex_np(os.fsencode(a), os.fsencode(b), rename_swap)
        else:
            return False
    except (OSError, AttributeError):  # no such C function in this libc
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap_in(home: Path, encoded: dict[str, bytes]) -> Path | None:
    """Put the new workspace at ``home``; returns the folder now holding the old one's data
    and locks, or None when there was no old one."""
    parent = home.parent
    ensure_dir(parent)
    staging = parent / f".{home.name}{STAGING_MARK}{os.getpid()}-{time.monotonic_ns()}"
    os.mkdir(staging, DIR_MODE)
    old: Path | None = None
    try:
        for name, data in sorted(encoded.items()):
            target = staging / name
            if not target.parent.is_dir():
                os.mkdir(target.parent, DIR_MODE)
            write_new(target, data)
        ensure_dir(staging / MEETINGS_DIR)
        fsync_dir(staging / MEETINGS_DIR)
        fsync_dir(staging)
        if not os.path.lexists(home):
            os.rename(staging, home)
        else:
            os.chmod(staging, stat.S_IMODE(os.stat(home).st_mode))
            _move_others(home, staging)
            old = staging if _exchange(staging, home) else _set_aside(home, staging)
        fsync_dir(parent)
    except BaseException:
        if old is None and staging.is_dir():
            with contextlib.suppress(OSError):
                _move_others(staging, home)
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return old


def _set_aside(home: Path, staging: Path) -> Path:
    """Two renames where one exchange is not possible: for the moment between them there is
    no workspace, and a restore killed right there has the next one put the old one back."""
    aside = staging.with_name(staging.name + ASIDE)
    os.rename(home, aside)
    try:
        os.rename(staging, home)
    except BaseException:
        os.rename(aside, home)
        raise
    return aside
