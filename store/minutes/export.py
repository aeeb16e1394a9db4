"""Exporting minutes (Markdown) and records (CSV) to files.

``export --all`` re-renders only the meetings whose minutes can have changed. A manifest per
output folder in the workspace's cache folder records, for each meeting, a key of everything
its minutes are made of (its file, its series neighbours, the shared records and action items
it shows, the layout, this tandem) and the signature of the minutes file as written; a meeting
whose key and file are both as recorded is not rendered again. The manifest is derived: a
missing, damaged or newer one means a full export, comparing each file's bytes as before.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import hashlib
import importlib.util
import io
import os
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import orjson

from tandem import __version__
from tandem.store.atomic import atomic_write_bytes, clean_stale_temp_files, ensure_dir, read_file
from tandem.store.collection import decode_table
from tandem.store.errors import NotFoundError, TandemError
from tandem.store.layout import CACHE_DIR, SHARED_FILES
from tandem.store.minutes.render import LAYOUT_NAME, Shared, builtin_layout_path, file_name, render_minutes, user_layout_path
from tandem.store.outside import file_kind, read_outside
from tandem.store.records import ActionItem, Meeting, Record, label
from tandem.store.workspace import MeetingRecord, Workspace


@dataclass
class ExportResult:
    written: list[Path]
    unchanged: Sequence[Path]

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
    written: list[Path] = []
    unchanged: list[Path] = []
    for meeting_id in meeting_ids:
        record = workspace.read_meeting(meeting_id)
        path = out / names[meeting_id]
        changed = write_if_changed(path, render_minutes(record, shared).encode("utf-8"))
        (written if changed else unchanged).append(path)
        if progress:
            progress(1)
    return ExportResult(written, unchanged)


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
CACHE_FORMAT = 2
#: Save the manifest after this many minutes files rendered, so that an export killed
#: halfway keeps what it did.
CHECKPOINT_EVERY = 500
#: The modules whose code shapes the minutes: a change to one (an upgrade, a checkout of
#: another version) renders everything again, as tandem's version number may not change.
RENDER_MODULES = ("tandem.store.minutes.render", "tandem.store.mdescape", "tandem.store.outside", "tandem.store.records", "tandem.store.ids", "jinja2")
#: The most minutes files the quick path (:func:`_quick_plan`) renders again; beyond them a
#: full pass, which reads every meeting once, costs less than reading their inputs one by one.
QUICK_LIMIT = 100


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


def _sig_text(sig: Signature | None) -> str:
    """A signature as the manifest keeps it: one string, which costs a fifth of a list of four
    numbers to read back, for each of two per meeting."""
    return f"{sig[0]}:{sig[1]}:{sig[2]}:{sig[3]}" if sig else ""


def _text_sig(text: object) -> Signature | None:
    if isinstance(text, str):
        parts = text.split(":")
        if len(parts) == 4 and all(p.isdigit() for p in parts):
            return (int(parts[0]), int(parts[1]), int(parts[2]), int(parts[3]))
    return None


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
    #: Meeting file → its face (:func:`_face`), when ``keyed``.
    faces: dict[str, list[Any]] = field(default_factory=dict)


def _face(signature: Signature | None, meeting: Meeting, actions: list[ActionItem]) -> list[Any]:
    """What the minutes of other meetings take from one meeting file, kept in the manifest:
    its signature, its date and series (the series' order, the file names), a digest of its
    header and action items (the action reviews, the dates of the meetings that closed an
    item), and each action item as the action reviews place it: ``[id, origin, status,
    closed_in, closed_on]`` (origin "": this meeting). A file rewritten with the same face
    changes only its own minutes."""
    digest = _digest(orjson.dumps([meeting, actions]))
    return [
        _sig_text(signature),
        meeting.date,
        meeting.series_id,
        digest,
        [[a.id, "" if a.meeting_id == meeting.id else a.meeting_id, a.status, a.closed_in, a.closed_on] for a in actions],
    ]


def _meeting_signatures(workspace: Workspace) -> dict[str, Signature | None]:
    folder = str(workspace.meetings_dir)  # a str, not a Path per file: a quarter of the time
    return {stem: _signature_of(f"{folder}/{stem}.json") for stem in workspace.meeting_ids()}


def _load(workspace: Workspace, signatures: dict[str, Signature | None]) -> _Loaded:
    """:meth:`Shared.load`, and which meeting each action item was read with."""
    meetings: list[Meeting] = []
    actions: list[ActionItem] = []
    sources: list[str] = []
    faces: dict[str, list[Any]] = {}
    for meeting, raised in workspace.iter_actions():
        meetings.append(meeting)
        actions.extend(raised)
        sources.extend([meeting.id] * len(raised))
        faces[meeting.id] = _face(signatures.get(meeting.id), meeting, raised)
    ids = [m.id for m in meetings]
    keyed = len(set(ids)) == len(ids) == len(signatures) and set(ids) == signatures.keys()
    return _Loaded(Shared.assemble(workspace, meetings, actions), signatures, sources, keyed, faces if keyed else {})


#: The shared files a meeting's minutes show records of, by a letter each: a quick export
#: reads only those its minutes show (the largest hold every meeting's records).
_SHOWN = {"o": "objectives.json", "i": "insights.json", "c": "content.json", "s": "shadow_days.json"}


class _Keys:
    """Each meeting's key: a digest of everything its minutes are made of, without reading
    its file (its signature stands for it). Two meetings' minutes with one key are the same."""

    def __init__(self, context: str, loaded: _Loaded, names: dict[str, str]) -> None:
        self.context = context
        self.loaded = loaded
        self.shared = loaded.shared
        self.names = names
        self._records: dict[int, str] = {}
        #: Meeting id → which shared files its minutes show records of (see _SHOWN), once keyed.
        self.shows: dict[str, str] = {}
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
        self.shows[meeting.id] = "".join(name for name, records in zip(_SHOWN, parts[5:9], strict=True) if records)
        return _digest(self.context.encode() + orjson.dumps(parts))


@dataclass
class _Entry:
    key: str
    file: str
    signature: Signature
    #: The shared files whose records the minutes show (letters of _SHOWN).
    shows: str = "".join(_SHOWN)

    def dump(self) -> list[Any]:
        return [self.key, self.file, _sig_text(self.signature), self.shows]

    @classmethod
    def read(cls, entry: Any) -> _Entry | None:
        """An entry as stored, or None if it is not one."""
        if isinstance(entry, list) and len(entry) == 4 and isinstance(entry[0], str) and isinstance(entry[1], str) and isinstance(entry[3], str):
            sig = _text_sig(entry[2])
            return cls(entry[0], entry[1], sig, entry[3]) if sig is not None else None
        return None

    def claims(self, key: str, name: str, info: os.stat_result | None) -> bool:
        """Whether the minutes of inputs ``key`` are the file ``name`` as it is (``info``)."""
        return (self.key, self.file) == (key, name) and info is not None and signature(info) == self.signature


@dataclass
class _Manifest:
    path: Path
    folder: str
    #: Meeting id → its minutes' entry as stored (see :meth:`_Entry.dump`): read one by one
    #: when used (:meth:`entry`), as an export after one change uses a few of 20,000.
    minutes: dict[str, Any] = field(default_factory=dict)
    #: The digest of the inputs other than the meeting files (:func:`_base`) and the
    #: meetings of the last export that went to the end.
    complete: tuple[str, list[str]] | None = None
    #: Meeting file → its face (:func:`_face`) as the minutes of the other meetings show it,
    #: when ``complete``. Read as stored: the quick path checks what it uses, and anything
    #: unexpected sends it back to the full pass.
    files: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, workspace: Workspace, out: Path) -> _Manifest:
        folder = str(out.resolve())
        path = workspace.home / CACHE_DIR / f"export-{_digest(folder.encode())}.json"
        manifest = cls(path, folder)
        data = _load_cache(path)
        if data is None or data.get("folder") != folder or not isinstance(data.get("minutes"), dict):
            return manifest
        manifest.minutes = data["minutes"]
        complete = data.get("complete")
        if (
            isinstance(complete, list)
            and len(complete) == 2
            and isinstance(complete[0], str)
            and isinstance(complete[1], list)
            and all(isinstance(i, str) and i in manifest.minutes for i in complete[1])
        ):
            manifest.complete = (complete[0], complete[1])
            files = data.get("files")
            manifest.files = files if isinstance(files, dict) else {}
        return manifest

    def entry(self, meeting_id: str) -> _Entry | None:
        return _Entry.read(self.minutes.get(meeting_id))

    def save(self, workspace: Workspace) -> None:
        _save_cache(
            workspace,
            self.path,
            {
                "folder": self.folder,
                "complete": list(self.complete) if self.complete else None,
                "files": self.files if self.complete else {},
                "minutes": self.minutes,
            },
        )


class _InFolder(Sequence[Path]):
    """The paths of files in one folder, made when asked for: an export that renders one
    file of 20,000 does not make a Path for each of the others."""

    def __init__(self, folder: Path, names: list[str]) -> None:
        self.folder, self.names = folder, names

    def __len__(self) -> int:
        return len(self.names)

    @overload
    def __getitem__(self, index: int) -> Path: ...
    @overload
    def __getitem__(self, index: slice) -> list[Path]: ...
    def __getitem__(self, index: int | slice) -> Path | list[Path]:
        if isinstance(index, slice):
            return [self.folder / name for name in self.names[index]]
        return self.folder / self.names[index]


@dataclass
class _Patch:
    """A quick export: the few minutes files to render again, and what they are made of."""

    #: Meeting id → its record, for each meeting whose minutes are rendered again.
    records: dict[str, MeetingRecord]
    #: The records those minutes show (see :func:`_quick_plan`), and their keys.
    keys: _Keys
    #: Meeting files changed since the manifest, with their signatures now.
    signatures: dict[str, Signature | None]


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
    #: A quick export (:func:`_quick_plan`): only these minutes are rendered again.
    patch: _Patch | None = None

    def run(self, progress: Callable[[int], None] | None = None) -> ExportResult:
        if self.settled:
            return self._run_settled()
        if self.patch is not None:
            return self._run_patch(self.patch, progress)
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
        unchanged: list[str] = []
        rendered = 0
        try:
            for meeting_id in self.ids:
                path, info = out / names[meeting_id], found[meeting_id]
                key = self.keys.key(known[meeting_id]) if self.loaded.keyed else None
                entry = manifest.entry(meeting_id)
                if key is not None and entry is not None and entry.claims(key, names[meeting_id], info):
                    unchanged.append(names[meeting_id])
                else:
                    changed, sig = _write_if_changed(path, render_minutes(workspace.read_meeting(meeting_id), shared).encode("utf-8"))
                    if changed:
                        result.written.append(path)
                    else:
                        unchanged.append(names[meeting_id])
                    # The minutes file first, then the entry that claims it.
                    if key is not None and sig is not None:
                        manifest.minutes[meeting_id] = _Entry(key, names[meeting_id], sig, self.keys.shows[meeting_id]).dump()
                    else:
                        manifest.minutes.pop(meeting_id, None)
                    rendered += 1
                    if rendered % CHECKPOINT_EVERY == 0:
                        manifest.save(workspace)
                if progress:
                    progress(1)
            if self.loaded.keyed and all(i in manifest.minutes for i in self.ids):
                manifest.complete = (self.inputs, self.ids)
                manifest.files = self.loaded.faces
        finally:
            manifest.save(workspace)
        result.unchanged = _InFolder(out, unchanged)
        return result

    def _run_patch(self, patch: _Patch, progress: Callable[[int], None] | None) -> ExportResult:
        workspace, out, manifest = self.workspace, self.out, self.manifest
        shared = patch.keys.shared
        for meeting_id in patch.records:
            check_target(out / patch.keys.names[meeting_id])
        prepare_folder(out)
        result = ExportResult([], [])
        unchanged: list[str] = []
        try:
            for meeting_id in self.ids:
                record = patch.records.get(meeting_id)
                if record is None:
                    unchanged.append(manifest.minutes[meeting_id][1])
                else:
                    name = patch.keys.names[meeting_id]
                    key = patch.keys.key(record.meeting)
                    changed, sig = _write_if_changed(out / name, render_minutes(record, shared).encode("utf-8"))
                    if changed:
                        result.written.append(out / name)
                    else:
                        unchanged.append(name)
                    if key is not None and sig is not None:
                        manifest.minutes[meeting_id] = _Entry(key, name, sig, patch.keys.shows[meeting_id]).dump()
                    else:  # no claim on the file: the next export is a full pass
                        manifest.minutes.pop(meeting_id)
                        manifest.complete = None
                if progress:
                    progress(1)
            # Only once every minutes file they change is written: a file recorded with its
            # new signature is taken for one whose minutes are as it says.
            for stem, sig in patch.signatures.items():
                manifest.files[stem][0] = _sig_text(sig)
        finally:
            manifest.save(workspace)
        result.unchanged = _InFolder(out, unchanged)
        return result

    def _run_settled(self) -> ExportResult:
        with contextlib.suppress(OSError):  # the temp files an export killed halfway left
            clean_stale_temp_files(self.out)
        return ExportResult([], _InFolder(self.out, [self.manifest.minutes[i][1] for i in self.ids]))


def _base(context: str, series: str | None, since: str | None, shared_files: list[list[Any]]) -> str:
    """A digest of the inputs of every meeting's minutes besides the meeting files."""
    return _digest(orjson.dumps([context, series, since, shared_files]))


#: What goes wrong in reading a manifest entry or a meeting file on the quick path: it
#: gives way to the full pass, which reports the files it cannot read.
_QUICK_MISSES = (TandemError, OSError, TypeError, ValueError, IndexError, KeyError, AttributeError)


def _quick_plan(workspace: Workspace, out: Path, manifest: _Manifest, base: str, signatures: dict[str, Signature | None], context: str) -> ExportPlan | None:
    """The plan of an export after a few changes since the last one that went to the end, if
    that can be told without reading every meeting: the same shared files, layout and tandem,
    the same meeting files, a few of them rewritten with the same face (:func:`_face`: they
    change their own minutes only), a few minutes files changed by hand. None: a full pass."""
    complete, files = manifest.complete, manifest.files
    if complete is None or complete[0] != base or files.keys() != signatures.keys():
        return None
    ids, folder, minutes = complete[1], str(out), manifest.minutes
    try:
        changed = {stem: sig for stem, sig in signatures.items() if sig is None or files[stem][0] != _sig_text(sig)}
        stale = {i for i in ids if _sig_text(_signature_of(f"{folder}/{minutes[i][1]}", follow=False)) != minutes[i][2]}
        if not changed and not stale:
            return ExportPlan(workspace, out, ids, True, manifest, base)
        render = stale | (changed.keys() & set(ids))
        if len(changed) + len(stale) > QUICK_LIMIT or None in changed.values():
            return None
        entries = {i: manifest.entry(i) for i in render}
        names = {i: e.file for i, e in entries.items() if e is not None}
        if len(names) < len(render):
            return None
        shows = {_SHOWN[c] for e in entries.values() if e is not None for c in e.shows if c in _SHOWN}
        patch = _patch(workspace, files, changed, render, context, names, shows)
    except _QUICK_MISSES:
        return None
    if patch is None:
        return None
    return ExportPlan(workspace, out, ids, False, manifest, base, patch=patch)


def _patch(
    workspace: Workspace, files: dict[str, Any], changed: dict[str, Signature | None], render: set[str], context: str, names: dict[str, str], shows: set[str]
) -> _Patch | None:
    """The minutes of ``render`` made of what they show, read alone: a :class:`Shared` of the
    records they show, their series neighbours, and the action items their reviews may list
    with the meetings those were raised and closed in. Every other part of the lists would
    change nothing in these minutes (``test_export_incremental`` compares with full renders).
    None if a changed meeting file changed its face: others' minutes may show it."""
    records: dict[str, MeetingRecord] = {}
    own: dict[str, tuple[Meeting, list[ActionItem]]] = {}
    for stem in changed.keys() | render:
        record = workspace.read_meeting(stem)
        raised = [a if a.meeting_id else a.replace(meeting_id=stem) for a in record.actions]
        if record.meeting.id != stem or (stem in changed and _face(changed[stem], record.meeting, raised)[1:] != files[stem][1:]):
            return None
        own[stem] = record.meeting, raised
        if stem in render:
            records[stem] = record
    # The series of the minutes to render, in order: their neighbours.
    lines: dict[str, list[tuple[str, str]]] = {files[i][2]: [] for i in render}
    for stem, face in files.items():
        if face[2] in lines:
            lines[face[2]].append((face[1], stem))
    here: dict[str, list[tuple[str, str]]] = {series_id: [] for series_id in lines}
    needed = set(render)
    for meeting_id in render:
        series_id, key = files[meeting_id][2], (files[meeting_id][1], meeting_id)
        line = lines[series_id]
        line.sort()
        n = bisect.bisect_left(line, key)
        needed.update(line[m][1] for m in (n - 1, n + 1) if 0 <= m < len(line))
        here[series_id].append(key)
    for found in here.values():
        found.sort()
    # The action items a review in ``render`` may list (as Shared._review_index places
    # them): raised in its series before it and not closed before it, which is enough to
    # tell for the first meeting to render after the item was raised.
    wanted: dict[str, set[str]] = {}
    for source, face in files.items():
        for action_id, origin, status, closed_in, closed_on in face[4]:
            origin = origin or source
            origin_face = files.get(origin)
            keys = here.get(origin_face[2]) if origin_face is not None else None
            if not keys or origin_face is None:
                continue
            n = bisect.bisect_right(keys, (origin_face[1], origin))
            if n == len(keys):
                continue
            if status != "open":
                closer = files.get(closed_in) if closed_in else None
                if closed_in and closer is not None and (closer[1], closed_in) < keys[n]:
                    continue
                if not closed_in and (not closed_on or closed_on < keys[n][0]):
                    continue
            wanted.setdefault(source, set()).add(action_id)
            needed.add(origin)
            if closed_in in files:
                needed.add(closed_in)
    read: dict[str, tuple[Meeting, list[ActionItem]]] = {}
    while len(read) < len(needed | wanted.keys()):
        for stem in (needed | wanted.keys()) - read.keys():
            face = own.get(stem) or _read_face(workspace, stem, wanted.get(stem, set()))
            if face is None:
                return None
            read[stem] = face
            # Whatever is read, the meetings its items were closed in: one taken for gone
            # would show a closed item in every later review.
            needed.update(a.closed_in for a in face[1] if a.closed_in in files)
    meetings: list[Meeting] = []
    actions: list[ActionItem] = []
    sources: list[str] = []
    signatures: dict[str, Signature | None] = {}
    for stem in sorted(read):
        meetings.append(read[stem][0])
        actions.extend(read[stem][1])
        sources.extend([stem] * len(read[stem][1]))
        signatures[stem] = changed[stem] if stem in changed else _text_sig(files[stem][0])
    shared = _shown(workspace, meetings, actions, render, files.keys(), shows)
    return _Patch(records, _Keys(context, _Loaded(shared, signatures, sources, True), names), changed)


def _read_face(workspace: Workspace, stem: str, wanted: set[str]) -> tuple[Meeting, list[ActionItem]] | None:
    """The header of meeting file ``stem`` and its action items of ids ``wanted`` (origins
    filled in), checked as reading the meeting does; None if it is a link (read in full)."""
    path = workspace.meeting_path(stem)
    if path.is_symlink():
        return None
    tables = read_file(path)
    if tables is None:
        return None
    header = decode_table(path, tables, "meeting", Meeting)
    if len(header) != 1 or header[0].id != stem:
        return None
    raised = decode_table(path, tables, "actions", ActionItem, lambda d: d.get("id") in wanted) if wanted else []
    return header[0], [a if a.meeting_id else a.replace(meeting_id=stem) for a in raised]


def _shown(workspace: Workspace, meetings: list[Meeting], actions: list[ActionItem], render: set[str], stems: Iterable[str], shows: set[str]) -> Shared:
    """:meth:`Shared.assemble` with only the shared records the minutes of ``render`` show,
    in their stored order: those of these meetings, and the shadow days debriefed nowhere
    (a debrief shows those held since the series' previous meeting). Of the files in
    ``_SHOWN``, only those in ``shows`` are read: the others have none to show."""
    known = set(stems)

    def shared(name: str, where: Callable[[dict[str, Any]], bool] | None = None) -> list[Any]:
        if name in _SHOWN.values() and name not in shows:
            return []
        path = workspace.home / name
        _, table, kind = SHARED_FILES[name]
        return decode_table(path, read_file(path), table, kind, where)

    def checked_in(d: dict[str, Any]) -> bool:
        return any(isinstance(c, dict) and c.get("meeting_id") in render for c in d.get("checkins") or ())

    def debriefed(d: dict[str, Any]) -> bool:
        return d.get("debriefed_in") in render or d.get("debriefed_in") not in known

    return Shared(
        series={s.id: s for s in shared("series.json")},
        objectives=shared("objectives.json", checked_in),
        insights=shared("insights.json", lambda d: d.get("meeting_id") in render),
        content=shared("content.json", lambda d: d.get("meeting_id") in render),
        shadow_days=shared("shadow_days.json", debriefed),
        meetings=sorted(meetings, key=lambda m: (m.date, m.id)),
        actions=actions,
    )


def plan_export(workspace: Workspace, out: Path, *, series: str | None = None, since: str | None = None) -> ExportPlan:
    """What ``export --all`` (of one series, from one day) into ``out`` has to do.

    If the meeting files, the shared files, the layout and tandem are as the last export
    into ``out`` that went to the end found them, and so is every minutes file it wrote,
    nothing is read: that costs one ``stat`` per meeting file and per minutes file. If a
    few meeting files were rewritten without changing what other minutes show of them,
    only their minutes are rendered, from what they show (:func:`_quick_plan`)."""
    # Signatures first, then reading: a file changed meanwhile shows as changed next time.
    signatures = _meeting_signatures(workspace)
    context = render_context()
    shared_files = [[name, _signature_of(workspace.home / name)] for name in SHARED_FILES]
    base = _base(context, series, since, shared_files)
    manifest = _Manifest.load(workspace, out)
    quick = _quick_plan(workspace, out, manifest, base, signatures, context)
    if quick is not None:
        return quick
    loaded = _load(workspace, signatures)
    names = file_names(workspace, loaded.shared)
    ids = select_meetings(loaded.shared, series=series, since=since)
    return ExportPlan(workspace, out, ids, False, manifest, base, loaded, _Keys(context, loaded, names), names)


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
