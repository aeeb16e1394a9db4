"""One-file JSON archives of a whole workspace, and restoring them safely.

Restore validates the entire archive — every file name, table and record — before it writes
a single byte, so a bad archive never leaves a half-restored workspace.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from tandem import __version__
from tandem.store.atomic import SCHEMA_VERSION, atomic_write_bytes, encode, ensure_dir, read_file
from tandem.store.errors import CorruptFileError, NewerSchemaError, TandemError, ValidationError, WorkspaceNotEmptyError
from tandem.store.layout import MEETING_TABLES, MEETINGS_DIR, SHARED_FILES, WORKSPACE_FILE
from tandem.store.workspace import Workspace

FORMAT = "tandem-backup"


def build_archive(workspace: Workspace) -> dict[str, Any]:
    files: dict[str, Any] = {}
    for path in workspace.data_files():
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


def _kind_of(name: str, path: Path) -> tuple[str, dict[str, type[Any] | None]]:
    pure = PurePosixPath(name)
    if name in SHARED_FILES:
        file_kind, table, kind = SHARED_FILES[name]
        return file_kind, {table: kind}
    if name == WORKSPACE_FILE:
        return "workspace", {"workspace": None}
    if (
        len(pure.parts) == 2
        and pure.parts[0] == MEETINGS_DIR
        and pure.suffix == ".json"
        and not pure.name.startswith(".")
        and not any(c in pure.name for c in "\\\x00")  # ids the workspace refuses to open
    ):
        return "meeting", dict(MEETING_TABLES)
    raise CorruptFileError(path, f"it names an unexpected file {name!r}")


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
    if schema < SCHEMA_VERSION:
        raise CorruptFileError(path, f"schema {schema} archives must be restored with an older tandem first")
    files = archive.get("files")
    if not isinstance(files, dict):
        raise CorruptFileError(path, "it holds no files")
    return validate_files(files, path)


def validate_files(files: dict[str, Any], path: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Check every file of an archive; ``path`` names the archive in errors."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, tables in files.items():
        file_kind, table_kinds = _kind_of(name, path)
        if not isinstance(tables, dict):
            raise CorruptFileError(path, f"{name} is not an object")
        for table, docs in tables.items():
            if table not in table_kinds:
                raise CorruptFileError(path, f"{name} has an unknown table {table!r}")
            # ASCII digits only: '²'.isdigit() is True but int('²') fails when it is read.
            if not isinstance(docs, dict) or not all(k.isascii() and k.isdigit() for k in docs):
                raise CorruptFileError(path, f"{name} table {table!r} is malformed")
            kind = table_kinds[table]
            for doc in docs.values():
                try:
                    if kind is not None:
                        kind.from_dict(doc)
                    elif not isinstance(doc, dict):
                        raise ValidationError(table, "expected an object")
                except ValidationError as exc:
                    raise CorruptFileError(path, f"{name} has an invalid {table} record: {exc}") from None
        if file_kind == "meeting":
            header = tables.get("meeting", {})
            stem = PurePosixPath(name).stem
            if len(header) != 1 or next(iter(header.values())).get("id") != stem:
                raise CorruptFileError(path, f"{name} does not hold meeting {stem!r}")
        out[name] = (file_kind, tables)
    return out


def restore(workspace: Workspace, source: Path, *, force: bool = False) -> int:
    """Restore ``source`` into ``workspace``; returns the number of files written."""
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise TandemError(f"{source} does not exist.") from None
    except OSError as exc:
        raise TandemError(f"{source} cannot be read: {exc.strerror}.") from None
    files = validate_archive(raw, source)
    if not workspace.is_empty() and not force:
        raise WorkspaceNotEmptyError(f"{workspace.home} already holds a workspace; restore into an empty folder or pass --force to replace it.")
    workspace.before_write()  # folders, and today's snapshot of what --force replaces
    if force:
        for path in workspace.data_files():
            if path.relative_to(workspace.home).as_posix() not in files:
                path.unlink()
    for name, (file_kind, tables) in sorted(files.items()):
        target = workspace.home / name
        ensure_dir(target.parent)
        atomic_write_bytes(target, encode(tables, file_kind))
    return len(files)
