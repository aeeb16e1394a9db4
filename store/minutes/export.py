"""Exporting minutes (Markdown) and records (CSV) to files."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from tandem.store.atomic import atomic_write_bytes, clean_stale_temp_files, ensure_dir
from tandem.store.errors import NotFoundError, TandemError
from tandem.store.minutes.render import Shared, file_name, render_minutes
from tandem.store.outside import file_kind
from tandem.store.records import label
from tandem.store.workspace import MeetingRecord, Workspace


@dataclass
class ExportResult:
    written: list[Path]
    unchanged: list[Path]

    @property
    def total(self) -> int:
        return len(self.written) + len(self.unchanged)


def resolve_meeting(workspace: Workspace, name: str) -> str:
    """A meeting id, or ``latest``: the most recent meeting that has started (else the newest)."""
    if name != "latest":
        workspace.get_meeting(name)  # a clear NotFoundError when it does not exist
        return name
    meetings = workspace.list_meetings()
    if not meetings:
        raise NotFoundError(f"{workspace.home} has no meetings to export.")
    held = [m for m in meetings if m.held]
    return (held or meetings)[-1].id


def file_names(workspace: Workspace, shared: Shared) -> dict[str, str]:
    """Meeting id → minutes file name, stable for a given set of meetings."""
    taken: set[str] = set()
    return {m.id: file_name(m, taken) for m in shared.meetings}


def check_target(path: Path) -> os.stat_result | None:
    """What is at ``path`` now (None: nothing; a symlink is not followed, it is replaced),
    or a :class:`TandemError` if it is no file tandem may replace: reading a named pipe
    named like a minutes file would wait forever, and replacing it would break whoever
    reads from it."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise TandemError(f"Cannot export to {path}: it is {file_kind(info.st_mode)}, not a regular file, so tandem left it untouched.")
    return info


def prepare_folder(out: Path, targets: Iterable[Path] = ()) -> None:
    """Make ``out``, refuse what no export may replace before anything is written, and remove
    the temp files an export killed halfway left there (only tandem's, of dead writers)."""
    for path in targets:
        check_target(path)
    ensure_dir(out)
    with contextlib.suppress(OSError):  # an unreadable folder: the writes say why in words
        clean_stale_temp_files(out)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Keep unchanged files untouched (same bytes, same mtime): friendly to git and rsync."""
    info = check_target(path)
    if info is not None and stat.S_ISREG(info.st_mode) and info.st_size == len(data):
        # O_NONBLOCK: a pipe put there since the check must not hang us either.
        with contextlib.suppress(OSError):
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
            with os.fdopen(fd, "rb") as f:
                if stat.S_ISREG(os.fstat(fd).st_mode) and f.read(len(data) + 1) == data:
                    return False
    atomic_write_bytes(path, data)
    return True


def write_file(path: Path, data: bytes) -> bool:
    """``write_if_changed`` for a file named on the command line (``-o``): its folder may hold
    the temp file of an earlier write of it that was killed; that one goes."""
    check_target(path)
    if path.parent.is_dir():
        with contextlib.suppress(OSError):
            clean_stale_temp_files(path.parent, of=path.name)
    return write_if_changed(path, data)


def select_meetings(shared: Shared, *, series: str | None = None, since: str | None = None) -> list[str]:
    return [m.id for m in shared.meetings if (series is None or m.series_id == series) and (since is None or m.date >= since)]


def export_minutes(
    workspace: Workspace,
    meeting_ids: list[str],
    out: Path,
    *,
    shared: Shared | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    shared = shared or Shared.load(workspace)
    names = file_names(workspace, shared)
    prepare_folder(out, [out / names[i] for i in meeting_ids])
    result = ExportResult([], [])
    for meeting_id in meeting_ids:
        record = workspace.read_meeting(meeting_id)
        path = out / names[meeting_id]
        changed = write_if_changed(path, render_minutes(record, shared).encode("utf-8"))
        (result.written if changed else result.unchanged).append(path)
        if progress:
            progress(1)
    return result


ACTION_COLUMNS = ("meeting", "date", "series", "action", "owner", "due", "status", "closed_on", "id")
LEAD_COLUMNS = (
    "meeting",
    "date",
    "series",
    "reference",
    "source",
    "persona",
    "stage_reached",
    "verdict",
    "disposition",
    "reasons",
    "stage_lost",
    "comment",
    "reporter",
    "id",
)


def _csv_safe(value: str) -> str:
    # Spreadsheets run cells starting with = + - @ as formulas; a leading quote keeps them text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv(rows: Iterable[Iterable[str]], header: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_safe(str(v)) for v in row])
    return buffer.getvalue().encode("utf-8")


def export_csv(records: list[MeetingRecord], out: Path) -> list[Path]:
    paths = [out / "action_items.csv", out / "lead_feedback.csv"]
    prepare_folder(out, paths)
    actions = ((r.meeting.id, r.meeting.date, r.meeting.series_id, a.text, a.owner, a.due, a.status, a.closed_on, a.id) for r in records for a in r.actions)
    leads = (
        (
            r.meeting.id,
            r.meeting.date,
            r.meeting.series_id,
            f.reference,
            f.source,
            f.persona,
            label(f.stage_reached),
            label(f.verdict),
            f.disposition,
            "; ".join(label(x) for x in f.reasons),
            label(f.stage_lost) if f.stage_lost else "",
            f.comment,
            f.reporter,
            f.id,
        )
        for r in records
        for f in r.lead_feedback
    )
    write_if_changed(paths[0], _csv(actions, ACTION_COLUMNS))
    write_if_changed(paths[1], _csv(leads, LEAD_COLUMNS))
    return paths


def export_folder(workspace: Workspace, export_dir: Path | None) -> Path:
    """The export folder, one rule for the app and the CLI: config.toml's ``export_dir`` when
    it is set, else the workspace's own ``minutes/`` folder. (``tandem export --all`` uses
    ``export_dir`` and otherwise asks for ``--out``: it never writes a file per meeting
    somewhere nobody named.)"""
    return export_dir if export_dir is not None else workspace.home / "minutes"


def export_one(workspace: Workspace, meeting_id: str, folder: Path) -> Path:
    """Write one meeting's minutes into ``folder``; returns the file's path."""
    result = export_minutes(workspace, [meeting_id], folder, shared=Shared.load(workspace))
    return (result.written or result.unchanged)[0]


def reexport_if_exported(workspace: Workspace, meeting_id: str, folder: Path) -> Path | None:
    """Write the meeting's minutes again if they are in ``folder`` already: after finalizing
    (or unfinalizing), no file there still gives the old status. None if there was none."""
    shared = Shared.load(workspace)
    name = file_names(workspace, shared).get(meeting_id)
    if name is None or not (folder / name).is_file():
        return None
    result = export_minutes(workspace, [meeting_id], folder, shared=shared)
    return (result.written or result.unchanged)[0]
