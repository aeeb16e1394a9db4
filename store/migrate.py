"""Upgrading a workspace written by an older tandem, with a backup taken first.

Readers never need this: every file is migrated in memory as it is read, so review and
follow work on an old workspace without writing to it. A writer upgrades the files on disk
once, before its first change, so that an older copy of the data is never lost: every data
file goes into ``backups/before-schema-N-<time>.zip`` first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tandem.store.atomic import SCHEMA_VERSION, atomic_write_bytes, decode, encode, file_header, read_regular
from tandem.store.errors import CorruptFileError, MeetingLockedError, TandemError
from tandem.store.outside import read_head

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
    """(path, schema, kind) of every data file written in an older schema."""
    found = []
    for path in workspace.data_files():
        try:
            schema, header = schema_of(path)
            if schema is not None and schema < SCHEMA_VERSION and header is None:
                header = file_header(read_regular(path))
        except (OSError, CorruptFileError):  # unreadable: reported by list and doctor
            continue
        if schema is not None and schema < SCHEMA_VERSION:
            found.append((path, schema, str(header.get("kind", "")) if header else ""))
    return found


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
