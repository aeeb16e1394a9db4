"""Exporting minutes (Markdown) and records (CSV) to files.

``export --all`` re-renders only the meetings whose minutes can have changed. A manifest per
output folder in the workspace's cache folder records, for each meeting, a key of everything
its minutes are made of (its file, its series neighbours, the shared records and action items
it shows, the layout, this tandem) and the signature of the minutes file as written; a meeting
whose key and file are both as recorded is not rendered again. The manifest is derived: a
missing, damaged or newer one means a full export, comparing each file's bytes as before.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import importlib.util
import io
import os
import stat
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from tandem import __version__
from tandem.store.atomic import atomic_write_bytes, clean_stale_temp_files, ensure_dir
from tandem.store.errors import NotFoundError, TandemError
from tandem.store.layout import CACHE_DIR, SHARED_FILES
from tandem.store.minutes.render import LAYOUT_NAME, Shared, builtin_layout_path, file_name, render_minutes, user_layout_path
from tandem.store.outside import file_kind, read_outside
from tandem.store.records import ActionItem, Meeting, Record, label
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
    return _write_if_changed(path, data)[0]


def _write_if_changed(path: Path, data: bytes) -> tuple[bool, Signature | None]:
    """:func:`write_if_changed`, and the signature of ``path`` holding ``data`` afterwards
    (None if it cannot be told: a manifest claims only a file seen to hold its bytes)."""
    info = check_target(path)
    if info is not None and stat.S_ISREG(info.st_mode) and info.st_size == len(data):
        found = _holding(path, data)
        if found is not None:
            return False, found
    atomic_write_bytes(path, data)
    return True, _holding(path, data)


def _holding(path: Path, data: bytes) -> Signature | None:
    """The signature of ``path`` if it is a regular file holding exactly ``data``, taken
    before its bytes were read: a change made while reading shows in the next signature."""
    # O_NONBLOCK: a pipe put there since the check must not hang us either.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(fd)
            if stat.S_ISREG(info.st_mode) and info.st_size == len(data) and f.read(len(data) + 1) == data:
                return signature(info)
    return None


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


# --- incremental export ------------------------------------------------------------------

#: A file's (mtime_ns, ctime_ns, size, inode). An atomic write makes a new inode; the ctime
#: also catches a rewrite in place that keeps the size and puts the mtime back (``cp -p``,
#: ``touch -r``), which the mtime alone would not.
Signature = tuple[int, int, int, int]

#: The manifest's format; a manifest of another format is rebuilt.
CACHE_FORMAT = 1
#: Save the manifest after this many minutes files rendered, so that an export killed
#: halfway keeps what it did.
CHECKPOINT_EVERY = 500
#: The modules whose code shapes the minutes: a change to one (an upgrade, a checkout of
#: another version) renders everything again, as tandem's version number may not change.
RENDER_MODULES = ("tandem.store.minutes.render", "tandem.store.mdescape", "tandem.store.outside", "tandem.store.records", "tandem.store.ids", "jinja2")


def signature(info: os.stat_result) -> Signature:
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)


def _target_info(out: Path, name: str) -> os.stat_result | None:
    """:func:`check_target` of ``out / name``, with a str path for the thousands that are
    regular files (a Path each costs as much as the ``lstat``)."""
    try:
        info = os.lstat(f"{out}/{name}")
    except FileNotFoundError:
        return None
    except OSError:
        return check_target(out / name)
    return info if stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode) else check_target(out / name)


def _signature_of(path: str | Path, *, follow: bool = True) -> Signature | None:
    try:
        return signature(os.stat(path, follow_symlinks=follow))
    except OSError:
        return None


def _is_signature(value: object) -> bool:
    return isinstance(value, list) and len(value) == 4 and all(type(v) is int for v in value)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _load_cache(path: Path) -> dict[str, Any] | None:
    """A cache file's JSON object if it is of this format; anything else (missing,
    damaged, from a newer tandem, not a regular file) is None: it is rebuilt, never reported."""
    try:
        data = orjson.loads(read_outside(path, limit=1 << 30))
    except (OSError, TandemError, orjson.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and data.get("format") == CACHE_FORMAT else None


def _save_cache(workspace: Workspace, path: Path, data: dict[str, Any]) -> None:
    """Write a cache file, or nothing if the workspace cannot take it (read-only, full
    disk): the cache only saves time."""
    if workspace.read_only or not workspace.home.is_dir():
        return
    with contextlib.suppress(OSError):
        ensure_dir(path.parent)
        atomic_write_bytes(path, orjson.dumps({"format": CACHE_FORMAT, **data}))


def render_context() -> str:
    """A digest of what renders every meeting's minutes the same way: the layout in effect
    (its path and bytes), tandem's version and the code that renders (see RENDER_MODULES)."""
    path = user_layout_path(LAYOUT_NAME)
    if not os.path.lexists(path):
        path = builtin_layout_path(LAYOUT_NAME)
    try:
        layout: object = _digest(read_outside(path))
    except (OSError, TandemError) as exc:
        layout = f"unreadable: {exc}"  # rendering says why; this only keeps the key apart
    code = []
    for name in RENDER_MODULES:
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None) if module is not None else None
        if origin is None:
            spec = importlib.util.find_spec(name)
            origin = spec.origin if spec is not None else None
        info = _signature_of(Path(origin)) if origin else None
        code.append([name, info[0], info[2]] if info else [name])
    return _digest(orjson.dumps([__version__, sys.version, str(path), layout, code]))


@dataclass
class _Loaded:
    """What an export read: the shared records, and where each action item came from."""

    shared: Shared
    #: Meeting file name (its stem) → its signature, taken before it was read.
    signatures: dict[str, Signature | None]
    #: The meeting whose file each of ``shared.actions`` was read from.
    sources: list[str]
    #: Whether the meeting files hold one meeting each, named as the files are: only then
    #: does a meeting's key name the file its minutes come from.
    keyed: bool


def _meeting_signatures(workspace: Workspace) -> dict[str, Signature | None]:
    folder = str(workspace.meetings_dir)  # a str, not a Path per file: a quarter of the time
    return {stem: _signature_of(f"{folder}/{stem}.json") for stem in workspace.meeting_ids()}


def _load(workspace: Workspace, signatures: dict[str, Signature | None]) -> _Loaded:
    """:meth:`Shared.load`, and which meeting each action item was read with."""
    meetings: list[Meeting] = []
    actions: list[ActionItem] = []
    sources: list[str] = []
    for meeting, raised in workspace.iter_actions():
        meetings.append(meeting)
        actions.extend(raised)
        sources.extend([meeting.id] * len(raised))
    ids = [m.id for m in meetings]
    keyed = len(set(ids)) == len(ids) == len(signatures) and set(ids) == signatures.keys()
    return _Loaded(Shared.assemble(workspace, meetings, actions), signatures, sources, keyed)


class _Keys:
    """Each meeting's key: a digest of everything its minutes are made of, without reading
    its file (its signature stands for it). Two meetings' minutes with one key are the same."""

    def __init__(self, context: str, loaded: _Loaded, names: dict[str, str]) -> None:
        self.context = context
        self.loaded = loaded
        self.shared = loaded.shared
        self.names = names
        self._records: dict[int, str] = {}
        #: Meeting file → the meetings its action items were closed in (whose dates decide
        #: how finalized minutes show them).
        self.closers: dict[str, set[str]] = {}
        #: Review row (see render.ReviewRow) → its part of the key: the action item and its
        #: origin meeting as read (not their files: editing a meeting's notes leaves the
        #: reviews of its action items alone), and whether it was closed in the meeting.
        self._rows: list[bytes] = []
        meetings = self.shared.meetings_by_id()
        for source, action in zip(loaded.sources, self.shared.actions, strict=True):
            if action.closed_in:
                self.closers.setdefault(source, set()).add(action.closed_in)
            # orjson writes a record's dataclass fields in order, as to_dict() would, in C.
            row = hashlib.blake2b(orjson.dumps([action, meetings.get(action.meeting_id)]), digest_size=16).digest()
            self._rows += (row + b"o", row + b"x")

    def _record(self, record: Record) -> str:
        found = self._records.get(id(record))
        if found is None:
            found = self._records[id(record)] = _digest(orjson.dumps(record))
        return found

    def key(self, meeting: Meeting) -> str | None:
        shared = self.shared
        rows = shared.review_rows(meeting)
        if rows is None:
            return None
        previous, following = shared.previous_and_next(meeting)
        meetings = shared.meetings_by_id()
        closed_in = sorted(self.closers.get(meeting.id, ()))
        parts = [
            self.names[meeting.id],
            self.loaded.signatures.get(meeting.id),
            shared.series_title(meeting.series_id),
            [previous.id, previous.date] if previous else None,
            [following.id, following.date] if following else None,
            [[self._record(shared.objectives[o]), n] for o, n in shared.objective_checkins(meeting.id)],
            [self._record(i) for i in shared.insights_of(meeting.id)],
            [self._record(c) for c in shared.content_of(meeting.id)],
            [self._record(d) for d in shared.shadow_days_of(meeting, previous)],
            [[c, meetings[c].date if c in meetings else None] for c in closed_in],
            # A meeting may review hundreds of action items: one digest of them all.
            _digest(b"".join(map(self._rows.__getitem__, rows))),
        ]
        return _digest(self.context.encode() + orjson.dumps(parts))


@dataclass
class _Entry:
    key: str
    file: str
    signature: Signature

    def dump(self) -> list[Any]:
        return [self.key, self.file, list(self.signature)]

    def claims(self, key: str, name: str, info: os.stat_result | None) -> bool:
        """Whether the minutes of inputs ``key`` are the file ``name`` as it is (``info``)."""
        return (self.key, self.file) == (key, name) and info is not None and signature(info) == self.signature


@dataclass
class _Manifest:
    path: Path
    folder: str
    minutes: dict[str, _Entry] = field(default_factory=dict)
    #: The inputs digest and the meetings of the last export that went to the end.
    complete: tuple[str, list[str]] | None = None

    @classmethod
    def load(cls, workspace: Workspace, out: Path) -> _Manifest:
        folder = str(out.resolve())
        path = workspace.home / CACHE_DIR / f"export-{_digest(folder.encode())}.json"
        manifest = cls(path, folder)
        data = _load_cache(path)
        if data is None or data.get("folder") != folder or not isinstance(data.get("minutes"), dict):
            return manifest
        for meeting_id, entry in data["minutes"].items():
            if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str) and isinstance(entry[1], str) and _is_signature(entry[2])):
                return cls(path, folder)
            manifest.minutes[meeting_id] = _Entry(entry[0], entry[1], (entry[2][0], entry[2][1], entry[2][2], entry[2][3]))
        complete = data.get("complete")
        if (
            isinstance(complete, list)
            and len(complete) == 2
            and isinstance(complete[0], str)
            and isinstance(complete[1], list)
            and all(isinstance(i, str) and i in manifest.minutes for i in complete[1])
        ):
            manifest.complete = (complete[0], complete[1])
        return manifest

    def save(self, workspace: Workspace) -> None:
        _save_cache(
            workspace,
            self.path,
            {
                "folder": self.folder,
                "complete": list(self.complete) if self.complete else None,
                "minutes": {i: e.dump() for i, e in self.minutes.items()},
            },
        )


@dataclass
class ExportPlan:
    """One ``export --all``: :func:`plan_export` finds what to export, :meth:`run` does it."""

    workspace: Workspace
    out: Path
    #: The meetings exported, in date order.
    ids: list[str]
    #: Known unchanged as a whole: every input and every minutes file is as the last export
    #: that went to the end left them, so running only checks the folder.
    settled: bool
    manifest: _Manifest
    inputs: str
    loaded: _Loaded | None = None
    keys: _Keys | None = None
    names: dict[str, str] = field(default_factory=dict)

    def run(self, progress: Callable[[int], None] | None = None) -> ExportResult:
        if self.settled:
            return self._run_settled()
        assert self.loaded is not None and self.keys is not None
        workspace, out, shared = self.workspace, self.out, self.loaded.shared
        names, manifest = self.names, self.manifest
        # Refuse what no export may replace before anything is written (check_target).
        found = {i: _target_info(out, names[i]) for i in self.ids}
        prepare_folder(out)
        known = {m.id: m for m in shared.meetings}
        manifest.minutes = {i: e for i, e in manifest.minutes.items() if i in known}
        manifest.complete = None
        result = ExportResult([], [])
        rendered = 0
        try:
            for meeting_id in self.ids:
                path, info = out / names[meeting_id], found[meeting_id]
                key = self.keys.key(known[meeting_id]) if self.loaded.keyed else None
                entry = manifest.minutes.get(meeting_id)
                if key is not None and entry is not None and entry.claims(key, names[meeting_id], info):
                    result.unchanged.append(path)
                else:
                    changed, sig = _write_if_changed(path, render_minutes(workspace.read_meeting(meeting_id), shared).encode("utf-8"))
                    (result.written if changed else result.unchanged).append(path)
                    # The minutes file first, then the entry that claims it.
                    if key is not None and sig is not None:
                        manifest.minutes[meeting_id] = _Entry(key, names[meeting_id], sig)
                    else:
                        manifest.minutes.pop(meeting_id, None)
                    rendered += 1
                    if rendered % CHECKPOINT_EVERY == 0:
                        manifest.save(workspace)
                if progress:
                    progress(1)
            if self.loaded.keyed:
                manifest.complete = (self.inputs, self.ids)
        finally:
            manifest.save(workspace)
        return result

    def _run_settled(self) -> ExportResult:
        with contextlib.suppress(OSError):  # the temp files an export killed halfway left
            clean_stale_temp_files(self.out)
        return ExportResult([], [self.out / self.manifest.minutes[i].file for i in self.ids])


def plan_export(workspace: Workspace, out: Path, *, series: str | None = None, since: str | None = None) -> ExportPlan:
    """What ``export --all`` (of one series, from one day) into ``out`` has to do.

    If the meeting files, the shared files, the layout and tandem are as the last export
    into ``out`` that went to the end found them, and so is every minutes file it wrote,
    nothing is read: that costs one ``stat`` per meeting file and per minutes file."""
    # Signatures first, then reading: a file changed meanwhile shows as changed next time.
    signatures = _meeting_signatures(workspace)
    context = render_context()
    shared_files = [[name, _signature_of(workspace.home / name)] for name in SHARED_FILES]
    inputs = _digest(orjson.dumps([context, series, since, shared_files, list(signatures.items())]))
    manifest = _Manifest.load(workspace, out)
    if manifest.complete is not None and manifest.complete[0] == inputs:
        ids, folder = manifest.complete[1], str(out)
        if all(_signature_of(f"{folder}/{manifest.minutes[i].file}", follow=False) == manifest.minutes[i].signature for i in ids):
            return ExportPlan(workspace, out, ids, True, manifest, inputs)
    loaded = _load(workspace, signatures)
    names = file_names(workspace, loaded.shared)
    ids = select_meetings(loaded.shared, series=series, since=since)
    return ExportPlan(workspace, out, ids, False, manifest, inputs, loaded, _Keys(context, loaded, names), names)


def export_all(
    workspace: Workspace,
    out: Path,
    *,
    series: str | None = None,
    since: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """``export --all``: the minutes of every meeting (of ``series``, from ``since``) into
    ``out``, rendering only those whose minutes can have changed since the last time."""
    return plan_export(workspace, out, series=series, since=since).run(progress)
