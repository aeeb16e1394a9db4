"""Upgrading a workspace written by an older tandem, with a backup taken first.

Readers never need this: every file is migrated in memory as it is read, so review and
follow work on an old workspace without writing to it. A writer upgrades the files on disk
once, before its first change, so that an older copy of the data is never lost: every data
file goes into ``backups/before-schema-N-<time>.zip`` first.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from tandem.store.atomic import SCHEMA_VERSION, atomic_write_bytes, decode, encode, ensure_dir, file_header, read_regular
from tandem.store.errors import CorruptFileError, MeetingLockedError, TandemError
from tandem.store.layout import CACHE_DIR
from tandem.store.outside import cache_usable, read_head, read_outside

if TYPE_CHECKING:
    from tandem.store.workspace import Workspace

BACKUPS_DIR = "backups"


@dataclass
class Migration:
    #: Files rewritten in the current schema.
    upgraded: list[Path] = field(default_factory=list)
    #: Files left as they were (open for editing elsewhere): one sentence each.
    skipped: list[str] = field(default_factory=list)
    backup: Path | None = None

    def sentence(self) -> str:
        if not self.upgraded and not self.skipped:
            return ""
        text = f"Upgraded {len(self.upgraded)} file(s) of this workspace to schema {SCHEMA_VERSION}"
        if self.backup is not None:
            text += f"; the old files are kept in {self.backup}"
        if self.skipped:
            text += f". Not yet upgraded: {'; '.join(self.skipped)}"
        return text + "."


#: The header comes first in every file (keys are sorted and "_tandem" sorts before the
#: lowercase table names), so its schema is within the first bytes: compact (schemas 1-4)
#: or pretty-printed (schema 5 on).
_SCHEMA = re.compile(rb'^\{\s*"_tandem":\s*\{\s*"kind":\s*"[a-z_]*",\s*"schema":\s*(\d+)\s*\}')
#: Enough for the pretty header of the longest kind ("shadow_days": 63 bytes).
_HEAD_BYTES = 96


def schema_of(path: Path) -> tuple[int | None, dict[str, Any] | None]:
    """The schema of a file from its header; the whole file is parsed only if its first
    bytes do not say. Read without blocking: a named pipe in its place would hang start-up."""
    m = _SCHEMA.match(read_head(path, _HEAD_BYTES))
    if m:
        return int(m.group(1)), None
    header = file_header(read_regular(path))
    schema = header.get("schema") if header else None
    return (schema if isinstance(schema, int) and not isinstance(schema, bool) else None), header


def outdated_files(workspace: Workspace) -> list[tuple[Path, int, str]]:
    """(path, schema, kind) of every data file written in an older schema.

    Only the files whose signature changed since they were last found in the current
    schema are read (see :class:`SchemaMarks`): one stat per file, not a read."""
    marks = SchemaMarks(workspace.home)
    found = []
    for name, st in workspace.data_file_names(stat=True):
        if st is not None and marks.current(name, st):
            continue
        path = workspace.home / name
        try:
            schema, header = schema_of(path)
            if schema is not None and schema < SCHEMA_VERSION and header is None:
                header = file_header(read_regular(path))
        except (OSError, CorruptFileError):  # unreadable: reported by list and doctor
            continue
        if schema == SCHEMA_VERSION and st is not None:
            marks.mark(name, st)
        if schema is not None and schema < SCHEMA_VERSION:
            found.append((path, schema, str(header.get("kind", "")) if header else ""))
    marks.save()
    return found


#: The file in the cache folder where :class:`SchemaMarks` are kept.
MARKS_FILE = "schema.index"
MARKS_FORMAT = 1


class SchemaMarks:
    """The data files last found in the current schema, each with its signature then
    (modification and change times in nanoseconds, size, inode), kept in the cache folder:
    at 20,000 meetings reading every file's header took 0.5-0.9 s of each start.

    A file whose signature is not the one marked is read again: any write to it (in place,
    renamed over it, copied with its old times) gives it a new change time or inode, which
    no other machine or synced folder can reproduce. Like the meeting index, derived data:
    deleting it loses nothing; a damaged, foreign or too-new one is ignored and rewritten.
    Only files that have kept their signature for a while are marked (see ``RACY_NS``): one
    rewritten within the same tick of the file system's clock keeps its times."""

    def __init__(self, home: Path) -> None:
        from tandem.store.index.entry import RACY_NS

        self.home = home
        self.cache = home / CACHE_DIR
        self._marks: dict[str, Any] = self._read()
        self._seen: dict[str, list[int]] = {}
        #: A file changed since then may still change without its times changing.
        self._settled_before = time.time_ns() - RACY_NS

    def _usable(self) -> bool:
        """In the workspace: a cache folder that is a link out of it is neither read nor written."""
        return cache_usable(self.home, self.cache)

    def _read(self) -> dict[str, Any]:
        if not self._usable():
            return {}
        try:
            found = orjson.loads(read_outside(self.cache / MARKS_FILE, limit=64 * 1024 * 1024))
        except (OSError, TandemError, orjson.JSONDecodeError):
            return {}
        if type(found) is not dict or found.get("format") != MARKS_FORMAT or found.get("schema") != SCHEMA_VERSION:
            return {}
        files = found.get("files")
        # Each value is only ever compared with a signature: one of another shape matches none.
        return files if type(files) is dict else {}

    def current(self, name: str, st: os.stat_result) -> bool:
        """Whether the data file ``name`` (``Workspace.data_file_names``) is marked with
        this signature (and so stays marked)."""
        sig = _sig(st)
        if self._marks.get(name) != sig:
            return False
        self._seen[name] = sig
        return True

    def mark(self, name: str, st: os.stat_result) -> None:
        """The data file ``name``, with the status it had before its header was read, is in
        the current schema."""
        if max(st.st_mtime_ns, st.st_ctime_ns) < self._settled_before:
            self._seen[name] = _sig(st)

    def save(self) -> None:
        """Keep the marks of the files seen this time (those of files gone or changed are
        dropped) once enough of them differ from the file's, as the meeting index is kept:
        reading a few headers again costs less than rewriting 20,000 marks after each day's
        meeting. Only where the meeting index keeps its files (a small workspace gets no
        cache folder)."""
        from tandem.store.index.meetings import PERSIST_FROM, WRITE_AFTER_CHANGES

        if len(self._seen) < PERSIST_FROM and not self._marks:
            return
        marks = self._marks
        differ = sum(marks.get(name) != sig for name, sig in self._seen.items()) + sum(name not in self._seen for name in marks)
        if differ < max(1, min(WRITE_AFTER_CHANGES, len(self._seen) // 20)) or not self._usable():
            return
        payload = orjson.dumps({"format": MARKS_FORMAT, "schema": SCHEMA_VERSION, "files": self._seen})
        try:
            ensure_dir(self.cache)
            atomic_write_bytes(self.cache / MARKS_FILE, payload)
        except OSError:  # a read-only folder, a full disk: every header is read next time
            return
        self._marks = dict(self._seen)


def _sig(st: os.stat_result) -> list[int]:
    return [st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino]


def _backup(workspace: Workspace, outdated: list[tuple[Path, int, str]]) -> Path:
    oldest = min(schema for _, schema, _ in outdated)
    stamp = workspace.now().strftime("%Y-%m-%d-%H%M%S")
    target = workspace.home / BACKUPS_DIR / f"before-schema-{SCHEMA_VERSION}-from-{oldest}-{stamp}.zip"
    return workspace.snapshots.take(target, workspace.data_files())


def backup_before_upgrade(workspace: Workspace) -> Path | None:
    """Before the first write to a workspace with outdated files: zip every data file.

    Any write re-encodes its file in the current schema, so this runs before the first write
    of each process (``Workspace.before_write``) and the old data is never lost."""
    outdated = outdated_files(workspace)
    return _backup(workspace, outdated) if outdated else None


def migrate_workspace(workspace: Workspace) -> Migration:
    """Back up, then rewrite every outdated file. Unreadable files are left for ``tandem doctor``;
    a meeting open in another tandem is left for that tandem to write (it upgrades on save)."""
    result = Migration()
    outdated = outdated_files(workspace)
    if not outdated:
        return result
    result.backup = _backup(workspace, outdated)
    workspace.upgrade_checked = True  # the backup is taken: no second one on the first write
    for path, _, kind in outdated:
        try:
            if path.parent == workspace.meetings_dir:
                with workspace.open_meeting(path.stem, allow_finalized=True):
                    _rewrite(path, kind)
            else:
                with workspace.short_lock(path):
                    _rewrite(path, kind)
        except MeetingLockedError as exc:
            result.skipped.append(str(exc))
            continue
        except TandemError:
            continue  # unreadable: reported by doctor, never overwritten here
        result.upgraded.append(path)
    return result


def _rewrite(path: Path, kind: str) -> None:
    raw = read_regular(path)
    header = file_header(raw)
    if not header or header.get("schema") == SCHEMA_VERSION:
        return  # rewritten by someone else meanwhile
    atomic_write_bytes(path, encode(decode(raw, path), kind))
