"""Exporting minutes (Markdown) and records (CSV) to files.

``export --all`` re-renders only the meetings whose minutes can have changed. A manifest per
output folder in the workspace's cache folder records, for each meeting, a key of everything
its minutes are made of (its file, its series neighbours, the shared records and action items
it shows, the layout, this tandem) and the signature of the minutes file as written; a meeting
whose key and file are both as recorded is not rendered again. The manifest is derived: a
missing, damaged or newer one means a full export, comparing each file's bytes as before.

After an export that went to the end, the next one after a few changes reads no more than
those: one ``stat`` per meeting file and per minutes file finds them, and the manifest's
details (a file beside it, a line per meeting file read by its offset) say what the minutes
of a changed meeting need of the other files. What it changes in the manifest goes into a
small patch file beside it, not into a manifest of 20,000 entries written again.
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
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import orjson

from tandem import __version__
from tandem.store.atomic import TEMP_MARK, atomic_write_bytes, clean_stale_temp_files, ensure_dir, read_file
from tandem.store.collection import decode_table
from tandem.store.errors import NotFoundError, TandemError
from tandem.store.layout import CACHE_DIR, SHARED_FILES
from tandem.store.minutes.render import LAYOUT_NAME, Shared, actions_style, builtin_layout_path, file_name, render_minutes, user_layout_path
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
    _clean_temp_files(out)


def _clean_temp_files(folder: Path) -> None:
    """Remove the temp files of writers killed halfway from ``folder``, if it has any: the
    names are searched as one text first, as matching each of 20,000 names took twice as
    long as listing them."""
    with contextlib.suppress(OSError):  # an unreadable folder: the writes say why in words
        if TEMP_MARK in "\0".join(os.listdir(folder)):
            clean_stale_temp_files(folder)


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
    render: Callable[[MeetingRecord, Shared], str] = render_minutes,
    suffix: str = ".md",
) -> ExportResult:
    """Every meeting of ``meeting_ids`` rendered, its file written if its bytes changed
    (``render``/``suffix``: another format, as ``export --all --format html`` writes)."""
    shared = shared or Shared.load(workspace)
    names = {i: name.removesuffix(".md") + suffix for i, name in file_names(workspace, shared).items()}
    prepare_folder(out, [out / names[i] for i in meeting_ids])
    written: list[Path] = []
    unchanged: list[Path] = []
    for meeting_id in meeting_ids:
        record = workspace.read_meeting(meeting_id)
        path = out / names[meeting_id]
        changed = write_if_changed(path, render(record, shared).encode("utf-8"))
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
CACHE_FORMAT = 3
#: Save the manifest after this many minutes files rendered, so that an export killed
#: halfway keeps what it did.
CHECKPOINT_EVERY = 500
#: The modules whose code shapes the minutes: a change to one (an upgrade, a checkout of
#: another version) renders everything again, as tandem's version number may not change.
RENDER_MODULES = (
    "tandem.store.minutes.render",
    "tandem.store.mdescape",
    "tandem.store.outside",
    "tandem.store.records",
    "tandem.store.ids",
    "tandem.store.contrib.triage",
    "tandem.store.contrib.records",
    "tandem.store.sla.record",
    "jinja2",
)
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


def _sig_texts(folder: Path, names: Iterable[str], *, follow: bool, suffix: str = "") -> list[str]:
    """The signature (as :func:`_sig_text`) of each of ``names`` + ``suffix`` in ``folder``; ""
    for one that cannot be told. One ``stat`` each, relative to the folder opened once, kept
    as text: a Path and a tuple per file cost a third as much again as the stats."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return ["" for _ in names]
    stat_at, texts = os.stat, []
    try:
        for name in names:
            try:
                info = stat_at(f"{name}{suffix}", dir_fd=fd, follow_symlinks=follow)
            except (OSError, ValueError):  # ValueError: a NUL in a name from a damaged manifest
                texts.append("")
            else:
                texts.append(f"{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_size}:{info.st_ino}")
    finally:
        os.close(fd)
    return texts


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
    (its path and bytes), the action-item style of config.toml, tandem's version and the
    code that renders (see RENDER_MODULES)."""
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
    return _digest(orjson.dumps([__version__, sys.version, str(path), layout, actions_style(), code]))


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
#: Those of them whose records a quick export takes from the manifest's details
#: (:class:`_Details`): each holds a record or more per meeting, and would be read whole for
#: the few rendered. objectives.json is read: an objective is shown whole by every meeting
#: that checks in on it.
_KEPT = ("i", "c", "s")


class _Keys:
    """Each meeting's key: a digest of everything its minutes are made of, without reading
    its file (its signature stands for it). Two meetings' minutes with one key are the same.

    With ``capture`` (a full pass: the lists are whole), what a quick export needs to render
    each meeting's minutes alone is noted as well (:attr:`needs`)."""

    def __init__(self, context: str, loaded: _Loaded, names: dict[str, str], *, capture: bool = False) -> None:
        self.context = context
        self.loaded = loaded
        self.shared = loaded.shared
        self.names = names
        self._records: dict[int, str] = {}
        #: Meeting id → what its minutes take from other meeting files and from the files
        #: of _KEPT, as the details keep it (see :class:`_Details`); with ``capture`` only.
        self.needs: dict[str, list[Any]] | None = {} if capture else None
        self._places: dict[int, dict[int, int]] = {}
        self._files: list[int] | None = None
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

    def _placed(self, records: Sequence[Record], shown: Sequence[Record]) -> list[list[Any]]:
        """``shown``, each with its place in ``records``."""
        places = self._places.get(id(records))
        if places is None:
            places = self._places[id(records)] = {id(record): n for n, record in enumerate(records)}
        return [[places[id(record)], record] for record in shown]

    def key(self, meeting: Meeting) -> str | None:
        shared = self.shared
        rows = shared.review_rows(meeting)
        if rows is None:
            return None
        previous, following = shared.previous_and_next(meeting)
        meetings = shared.meetings_by_id()
        closed_in = sorted(self.closers.get(meeting.id, ()))
        insights, content, days = shared.insights_of(meeting.id), shared.content_of(meeting.id), shared.shadow_days_of(meeting, previous)
        if self.needs is not None:
            if self._files is None:
                # Review row → the place of its item's file: a review lists a hundred rows.
                places = {stem: n for n, stem in enumerate(sorted(self.loaded.faces))}
                self._files = [places[source] for source in self.loaded.sources for _ in "ox"]
            shown = [self._placed(shared.insights, insights), self._placed(shared.content, content), self._placed(shared.shadow_days, days)]
            self.needs[meeting.id] = [
                previous.id if previous else "",
                following.id if following else "",
                sorted(set(map(self._files.__getitem__, rows))),
                shown if any(shown) else [],
            ]
        parts = [
            self.names[meeting.id],
            self.loaded.signatures.get(meeting.id),
            shared.series_title(meeting.series_id),
            [previous.id, previous.date] if previous else None,
            [following.id, following.date] if following else None,
            [[self._record(shared.objectives[o]), n] for o, n in shared.objective_checkins(meeting.id)],
            [self._record(i) for i in insights],
            [self._record(c) for c in content],
            [self._record(d) for d in days],
            [[c, meetings[c].date if c in meetings else None] for c in closed_in],
            # A meeting may review hundreds of action items: one digest of them all.
            _digest(b"".join(map(self._rows.__getitem__, rows))),
        ]
        self.shows[meeting.id] = "".join(name for name, records in zip(_SHOWN, parts[5:9], strict=True) if records)
        return _digest(self.context.encode() + orjson.dumps(parts))


def _plain_name(name: str) -> bool:
    """Whether ``name`` can be a minutes file that :func:`file_names` gave: in the folder, not hidden."""
    return name.endswith(".md") and not name.startswith(".") and "/" not in name and "\0" not in name


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
    def read(cls, key: object, file: object, sig: object, shows: object) -> _Entry | None:
        """An entry as stored, or None if it is not one. Its file is written to on the quick
        path: a name that is no minutes file name (a damaged manifest) is no entry."""
        if isinstance(key, str) and isinstance(file, str) and isinstance(shows, str) and _plain_name(file):
            found = _text_sig(sig)
            return cls(key, file, found, shows) if found is not None else None
        return None

    def claims(self, key: str, name: str, info: os.stat_result | None) -> bool:
        """Whether the minutes of inputs ``key`` are the file ``name`` as it is (``info``)."""
        return (self.key, self.file) == (key, name) and info is not None and signature(info) == self.signature


class _Sorted(Container[str]):
    """Membership in a sorted list, by bisection: no set of 20,000 names for a few look-ups."""

    def __init__(self, items: list[str]) -> None:
        self.items = items

    def position(self, item: object) -> int | None:
        items = self.items
        if not isinstance(item, str):
            return None
        n = bisect.bisect_left(items, item)
        return n if n < len(items) and items[n] == item else None

    def __contains__(self, item: object) -> bool:
        return self.position(item) is not None


class _Details:
    """What a quick export reads of a few meeting files, kept in a file beside the manifest:
    a line per meeting file, in the manifest's order of them, ``[stem, date, series, digest,
    action items, needs]``: its face (:func:`_face`, without its signature, which the
    manifest keeps) and, for a meeting exported, what its minutes need of the other files:
    ``[previous, next, reviewed, shown]``: its series neighbours, the files the action items
    of its review are in (their places in the manifest's list: a review lists a hundred
    items from a few dozen files), and the records of the files of _KEPT it shows, each
    with its place in its file's list (as :meth:`_Keys._placed`).

    Written by the full pass that completes the manifest, it holds as long as that does: a
    quick export changes no face, no shared file, hence none of these. Only the file
    written is read (its signature): anything else gives way to a full pass."""

    def __init__(self, path: Path, sig: str, at: list[int]) -> None:
        self.path, self.sig, self.at = path, sig, at

    @staticmethod
    def path_of(manifest: Path) -> Path:
        return manifest.with_name(f"{manifest.stem}.details.jsonl")

    @classmethod
    def write(cls, workspace: Workspace, manifest: Path, faces: dict[str, list[Any]], needs: dict[str, list[Any]]) -> dict[str, Any] | None:
        """Write the details of the meeting files ``faces`` (in sorted order); what the
        manifest keeps of them (None: nothing was written)."""
        at, lines, offset = [], [], 0
        for stem in sorted(faces):
            line = orjson.dumps([stem, *faces[stem][1:], needs.get(stem)]) + b"\n"
            at.append(offset)
            lines.append(line)
            offset += len(line)
        path = cls.path_of(manifest)
        if workspace.read_only or not workspace.home.is_dir():
            return None
        try:
            ensure_dir(path.parent)
            atomic_write_bytes(path, b"".join(lines))
        except OSError:
            return None
        sig = _signature_of(path, follow=False)
        return {"sig": _sig_text(sig), "at": at} if sig else None

    @classmethod
    def read(cls, manifest: Path, data: object, count: int) -> _Details | None:
        if not isinstance(data, dict):
            return None
        sig, at = data.get("sig"), data.get("at")
        if isinstance(sig, str) and sig and isinstance(at, list) and len(at) == count:
            return cls(cls.path_of(manifest), sig, at)
        return None

    def lines(self, wanted: dict[str, int | None]) -> dict[str, list[Any]]:
        """The line of each meeting file ``wanted`` (stem → its place). Any doubt raises one
        of _QUICK_MISSES: the caller gives way to the full pass."""
        found: dict[str, list[Any]] = {}
        fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            if _sig_text(signature(os.fstat(fd))) != self.sig:
                raise ValueError(f"{self.path} is not the file the manifest wrote")
            for stem, n in wanted.items():
                if n is None:
                    raise KeyError(stem)
                f.seek(self.at[n])
                line = orjson.loads(f.readline())
                if not isinstance(line, list) or len(line) != 6 or line[0] != stem:
                    raise ValueError(f"{self.path} has no line of {stem} there")
                found[stem] = line
        return found


#: The manifest's columns of minutes entries (see :class:`_Entry`).
_COLUMNS = ("ids", "keys", "files", "sigs", "shows")
#: The most changes a manifest takes in its patch file (see :meth:`_Manifest.save_patch`)
#: before it is written whole again.
PATCH_LIMIT = 256


@dataclass
class _Manifest:
    path: Path
    folder: str
    #: Each meeting's minutes entry (:class:`_Entry`) in columns: meeting ids and, for
    #: each, its key, file, signature and shown files, as stored (checked by :meth:`entry`).
    #: An export after one change compares every signature and reads a few entries. A key
    #: of None: no entry (its minutes file is claimed by nothing).
    ids: list[str] = field(default_factory=list)
    keys: list[Any] = field(default_factory=list)
    files: list[Any] = field(default_factory=list)
    sigs: list[Any] = field(default_factory=list)
    shows: list[Any] = field(default_factory=list)
    #: The digest of the inputs other than the meeting files (:func:`_base`) and the
    #: meetings of the last export that went to the end (stored first, in this order).
    complete: tuple[str, list[str]] | None = None
    #: When ``complete``: the meeting files (stems, sorted) with their signatures as stored,
    #: and what the manifest keeps of their details (:meth:`_Details.write`).
    stems: list[str] = field(default_factory=list)
    stem_sigs: list[Any] = field(default_factory=list)
    details: dict[str, Any] | None = None
    #: Written with the manifest, and with the patch file that amends it (see :meth:`save_patch`).
    token: str = ""
    #: What changed since the manifest was written whole: minutes entries by meeting id
    #: (as :meth:`_Entry.dump`), signatures of meeting files by stem.
    patched: dict[str, list[Any]] = field(default_factory=dict)
    patched_sigs: dict[str, str] = field(default_factory=dict)
    _at: dict[str, int] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, workspace: Workspace, out: Path) -> _Manifest:
        folder = str(out.resolve())
        path = workspace.home / CACHE_DIR / f"export-{_digest(folder.encode())}.json"
        manifest = cls(path, folder)
        data = _load_cache(path)
        minutes = data.get("minutes") if data is not None and data.get("folder") == folder else None
        if not isinstance(minutes, dict):
            return manifest
        got: list[Any] = [minutes.get(name) for name in _COLUMNS]
        ids, keys, files, sigs, shows = got
        if not all(isinstance(c, list) and len(c) == len(got[0]) for c in got):
            return manifest
        if not all(isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
            return manifest
        manifest.ids, manifest.keys, manifest.files, manifest.sigs, manifest.shows = ids, keys, files, sigs, shows
        assert data is not None
        token, complete, stems, stem_sigs = data.get("token"), data.get("complete"), data.get("stems"), data.get("stem_sigs")
        manifest.token = token if isinstance(token, str) else ""
        if (
            isinstance(complete, list)
            and len(complete) == 2
            and isinstance(complete[0], str)
            and type(complete[1]) is int
            and 0 <= complete[1] <= len(ids)
            and None not in keys[: complete[1]]
            and isinstance(stems, list)
            and isinstance(stem_sigs, list)
            and len(stems) == len(stem_sigs)
        ):
            manifest.complete = (complete[0], ids[: complete[1]])
            manifest.stems, manifest.stem_sigs, manifest.details = stems, stem_sigs, data.get("details")
        manifest._apply_patch()
        return manifest

    def _patch_path(self) -> Path:
        return self.path.with_name(f"{self.path.stem}.patch")

    def _apply_patch(self) -> None:
        """Take in the patch file written since the manifest, if it amends this one."""
        data = _load_cache(self._patch_path()) if self.token else None
        if data is None or data.get("token") != self.token:
            return
        minutes, sigs = data.get("minutes"), data.get("sigs")
        if not isinstance(minutes, dict) or not isinstance(sigs, dict):
            return
        for meeting_id, entry in minutes.items():
            if isinstance(entry, list) and len(entry) == 4:
                self._set(meeting_id, entry)
        known = _Sorted(self.stems)
        for stem, sig in sigs.items():
            n = known.position(stem)
            if n is not None:
                self.stem_sigs[n] = self.patched_sigs[stem] = sig

    def details_file(self) -> _Details | None:
        return _Details.read(self.path, self.details, len(self.stems)) if self.complete is not None else None

    def _index(self) -> dict[str, int]:
        if self._at is None:
            self._at = {meeting_id: n for n, meeting_id in enumerate(self.ids)}
        return self._at

    def entry(self, meeting_id: str) -> _Entry | None:
        n = self._index().get(meeting_id)
        return None if n is None else _Entry.read(self.keys[n], self.files[n], self.sigs[n], self.shows[n])

    def has_all(self, meeting_ids: Iterable[str]) -> bool:
        at, keys = self._index(), self.keys
        return all(i in at and keys[at[i]] is not None for i in meeting_ids)

    def put(self, meeting_id: str, entry: _Entry) -> None:
        self._set(meeting_id, entry.dump())

    def _set(self, meeting_id: str, entry: list[Any]) -> None:
        at = self._index()
        n = at.get(meeting_id)
        if n is None:
            at[meeting_id] = n = len(self.ids)
            self.ids.append(meeting_id)
            for column in (self.keys, self.files, self.sigs, self.shows):
                column.append(None)
        self.keys[n], self.files[n], self.sigs[n], self.shows[n] = entry
        self.patched[meeting_id] = entry

    def drop(self, meeting_id: str) -> None:
        n = self._index().get(meeting_id)
        if n is not None:
            self.keys[n] = None
        self.patched.pop(meeting_id, None)

    def keep(self, known: Container[str]) -> None:
        """Only the entries of meetings in ``known``."""
        rows = [n for n, meeting_id in enumerate(self.ids) if meeting_id in known]
        columns = (self.ids, self.keys, self.files, self.sigs, self.shows)
        self.ids, self.keys, self.files, self.sigs, self.shows = ([column[n] for n in rows] for column in columns)
        self._at = None

    def set_sig(self, stem: str, sig: Signature | None) -> None:
        """The signature of meeting file ``stem`` (one of ``stems``) now."""
        n = _Sorted(self.stems).position(stem)
        assert n is not None
        self.stem_sigs[n] = self.patched_sigs[stem] = _sig_text(sig)

    def files_of(self, meeting_ids: list[str]) -> list[Any]:
        """The minutes file of each of ``meeting_ids``, which have entries (as stored)."""
        return self._of(self.files, meeting_ids)

    def sigs_of(self, meeting_ids: list[str]) -> list[Any]:
        """The signature of the minutes file of each of ``meeting_ids`` (as stored)."""
        return self._of(self.sigs, meeting_ids)

    def _of(self, column: list[Any], meeting_ids: list[str]) -> list[Any]:
        if self.ids[: len(meeting_ids)] == meeting_ids:  # as loaded: those of ``complete``
            return column[: len(meeting_ids)]
        at = self._index()
        return [column[at[i]] for i in meeting_ids]

    def save(self, workspace: Workspace) -> None:
        """Write the manifest whole (a new token: a patch file of the last one no longer applies)."""
        rows: Iterable[int] = (n for n, key in enumerate(self.keys) if key is not None)
        complete: list[Any] | None = None
        if self.complete is not None:
            at, first = self._index(), self.complete[1]
            chosen = {at[i] for i in first}
            rows = [*(at[i] for i in first), *(n for n in rows if n not in chosen)]
            complete = [self.complete[0], len(first)]
        kept = list(rows)
        columns: tuple[list[Any], ...] = (self.ids, self.keys, self.files, self.sigs, self.shows)
        if kept != list(range(len(self.ids))):
            columns = tuple([column[n] for n in kept] for column in columns)
        self.token = os.urandom(8).hex()
        data: dict[str, Any] = {"folder": self.folder, "token": self.token, "complete": complete, "minutes": dict(zip(_COLUMNS, columns, strict=True))}
        if complete is not None:
            data.update(stems=self.stems, stem_sigs=self.stem_sigs, details=self.details)
        _save_cache(workspace, self.path, data)
        self.patched, self.patched_sigs = {}, {}
        with contextlib.suppress(OSError):
            self._patch_path().unlink(missing_ok=True)

    def save_patch(self, workspace: Workspace) -> None:
        """Write what changed since the manifest was written whole into its patch file: a
        quick export writes a few entries, not 20,000. Whole again past PATCH_LIMIT changes,
        or when the manifest no longer says the last export went to the end."""
        if self.complete is None or not self.token or len(self.patched) + len(self.patched_sigs) > PATCH_LIMIT:
            self.save(workspace)
            return
        _save_cache(workspace, self._patch_path(), {"token": self.token, "minutes": self.patched, "sigs": self.patched_sigs})


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
        manifest.keep(known)
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
                        manifest.put(meeting_id, _Entry(key, names[meeting_id], sig, self.keys.shows[meeting_id]))
                    else:
                        manifest.drop(meeting_id)
                    rendered += 1
                    if rendered % CHECKPOINT_EVERY == 0:
                        manifest.save(workspace)
                if progress:
                    progress(1)
            if self.loaded.keyed and manifest.has_all(self.ids):
                faces = self.loaded.faces
                # The details before the manifest that names them.
                manifest.details = _Details.write(workspace, manifest.path, faces, self.keys.needs) if self.keys.needs is not None else None
                manifest.complete = (self.inputs, self.ids)
                manifest.stems = sorted(faces)
                manifest.stem_sigs = [faces[stem][0] for stem in manifest.stems]
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
        unchanged = manifest.files_of(self.ids)
        written: set[str] = set()
        try:
            for meeting_id in [i for i in self.ids if i in patch.records]:  # in the export's order
                record = patch.records[meeting_id]
                name = patch.keys.names[meeting_id]
                key = patch.keys.key(record.meeting)
                changed, sig = _write_if_changed(out / name, render_minutes(record, shared).encode("utf-8"))
                if changed:
                    result.written.append(out / name)
                    written.add(name)
                if key is not None and sig is not None:
                    manifest.put(meeting_id, _Entry(key, name, sig, patch.keys.shows[meeting_id]))
                else:  # no claim on the file: the next export is a full pass
                    manifest.drop(meeting_id)
                    manifest.complete = None
                if progress:
                    progress(1)
            if progress:
                progress(len(self.ids) - len(patch.records))
            # Only once every minutes file they change is written: a file recorded with its
            # new signature is taken for one whose minutes are as it says.
            for stem, sig in patch.signatures.items():
                manifest.set_sig(stem, sig)
        finally:
            manifest.save_patch(workspace)
        result.unchanged = _InFolder(out, [name for name in unchanged if name not in written] if written else unchanged)
        return result

    def _run_settled(self) -> ExportResult:
        _clean_temp_files(self.out)
        return ExportResult([], _InFolder(self.out, self.manifest.files_of(self.ids)))


def _base(context: str, series: str | None, since: str | None, shared_files: list[list[Any]]) -> str:
    """A digest of the inputs of every meeting's minutes besides the meeting files."""
    return _digest(orjson.dumps([context, series, since, shared_files]))


#: What goes wrong in reading a manifest entry, its details or a meeting file on the quick
#: path: it gives way to the full pass, which reports the files it cannot read.
_QUICK_MISSES = (TandemError, OSError, TypeError, ValueError, IndexError, KeyError, AttributeError)


def _quick_plan(workspace: Workspace, out: Path, manifest: _Manifest, base: str, stems: list[str], sigs: list[str], context: str) -> ExportPlan | None:
    """The plan of an export after a few changes since the last one that went to the end, if
    that can be told without reading every meeting: the same shared files, layout and tandem,
    the same meeting files (``stems``, with their signatures ``sigs``), a few of them rewritten
    with the same face (:func:`_face`: they change their own minutes only), a few minutes
    files changed by hand. None: a full pass."""
    complete = manifest.complete
    if complete is None or complete[0] != base or manifest.stems != stems:
        return None
    ids = complete[1]
    try:
        changed = {stem: _text_sig(sig) for stem, sig, known in zip(stems, sigs, manifest.stem_sigs, strict=True) if not sig or sig != known}
        files, claimed = manifest.files_of(ids), manifest.sigs_of(ids)
        found = _sig_texts(out, files, follow=False)
        stale = {i for i, sig, known in zip(ids, found, claimed, strict=True) if not sig or sig != known}
        if not changed and not stale:
            return ExportPlan(workspace, out, ids, True, manifest, base)
        details = manifest.details_file()
        if details is None or len(changed) + len(stale) > QUICK_LIMIT or None in changed.values():
            return None
        render = stale | (changed.keys() & set(ids))
        entries = {i: manifest.entry(i) for i in render}
        names = {i: e.file for i, e in entries.items() if e is not None}
        if len(names) < len(render):
            return None
        shows = {_SHOWN[c] for e in entries.values() if e is not None for c in e.shows if c in _SHOWN}
        patch = _patch(workspace, manifest, details, changed, render, context, names, shows)
    except _QUICK_MISSES:
        return None
    if patch is None:
        return None
    return ExportPlan(workspace, out, ids, False, manifest, base, patch=patch)


def _patch(
    workspace: Workspace,
    manifest: _Manifest,
    details: _Details,
    changed: dict[str, Signature | None],
    render: set[str],
    context: str,
    names: dict[str, str],
    shows: set[str],
) -> _Patch | None:
    """The minutes of ``render`` made of what they show, read alone: a :class:`Shared` of the
    records they show, their series neighbours, and the action items of the files their
    reviews list items of, with the meetings those were raised and closed in, as the details
    say (:class:`_Details`). Every other part of the lists would change nothing in these
    minutes: an item of those files that another review lists is in that review here too,
    its origin and closer being read (``test_export_incremental`` compares with full
    renders). None if a changed meeting file changed its face: others' minutes may show it."""
    known = _Sorted(manifest.stems)
    lines = details.lines({stem: known.position(stem) for stem in sorted(changed.keys() | render)})
    records: dict[str, MeetingRecord] = {}
    own: dict[str, tuple[Meeting, list[ActionItem]]] = {}
    for stem, line in lines.items():
        record = workspace.read_meeting(stem)
        raised = [a if a.meeting_id else a.replace(meeting_id=stem) for a in record.actions]
        if record.meeting.id != stem or (stem in changed and _face(changed[stem], record.meeting, raised)[1:] != line[1:5]):
            return None
        own[stem] = record.meeting, raised
        if stem in render:
            records[stem] = record
    needed = set(render)  # the meeting files read: their headers, and all action items of ``reviewed``
    reviewed: set[str] = set()
    kept: dict[str, dict[int, Any]] = {letter: {} for letter in _KEPT}
    for meeting_id in render:
        previous, following, files, shown = lines[meeting_id][5]
        needed.update(m for m in (previous, following) if m)
        reviewed.update(manifest.stems[n] for n in files)
        for letter, placed in zip(_KEPT, shown or [[] for _ in _KEPT], strict=True):
            for place, item in placed:
                kept[letter][place] = item
    needed |= reviewed
    read: dict[str, tuple[Meeting, list[ActionItem]]] = {}
    while len(read) < len(needed):
        for stem in needed - read.keys():
            face = own.get(stem) or _read_face(workspace, stem, every=stem in reviewed)
            if face is None:
                return None
            read[stem] = face
            # Whatever is read, the meetings its items were raised and closed in: an item
            # whose origin is missing is in no review, one whose closer is missing is taken
            # as closed in a meeting that is gone, in every later review.
            needed.update(m for a in face[1] for m in (a.meeting_id, a.closed_in) if m in known)
    meetings: list[Meeting] = []
    actions: list[ActionItem] = []
    sources: list[str] = []
    signatures: dict[str, Signature | None] = {}
    for stem in sorted(read):
        meetings.append(read[stem][0])
        actions.extend(read[stem][1])
        sources.extend([stem] * len(read[stem][1]))
        n = known.position(stem)
        signatures[stem] = changed[stem] if stem in changed else _text_sig(manifest.stem_sigs[n]) if n is not None else None
    shared = _shown(workspace, meetings, actions, render, shows, kept)
    return _Patch(records, _Keys(context, _Loaded(shared, signatures, sources, True), names), changed)


def _read_face(workspace: Workspace, stem: str, *, every: bool) -> tuple[Meeting, list[ActionItem]] | None:
    """The header of meeting file ``stem`` and, if ``every``, its action items (origins
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
    raised = decode_table(path, tables, "actions", ActionItem) if every else []
    return header[0], [a if a.meeting_id else a.replace(meeting_id=stem) for a in raised]


def _shown(
    workspace: Workspace, meetings: list[Meeting], actions: list[ActionItem], render: set[str], shows: set[str], kept: dict[str, dict[int, Any]]
) -> Shared:
    """:meth:`Shared.assemble` with only the shared records the minutes of ``render`` show,
    in their stored order: the series, the objectives they check in on (read from their
    file if ``shows`` has it), and the records of the files of _KEPT the details hold
    (``kept``: letter → place in the file's list → record as stored), decoded as reading
    the file does."""

    def held(letter: str) -> list[Any]:
        kind = SHARED_FILES[_SHOWN[letter]][2]
        return [kind.from_dict(record) for _, record in sorted(kept[letter].items())]

    def read(name: str, where: Callable[[dict[str, Any]], bool] | None = None) -> list[Any]:
        path = workspace.home / name
        _, table, kind = SHARED_FILES[name]
        return decode_table(path, read_file(path), table, kind, where)

    def checked_in(d: dict[str, Any]) -> bool:
        return any(isinstance(c, dict) and c.get("meeting_id") in render for c in d.get("checkins") or ())

    return Shared(
        series={s.id: s for s in read("series.json")},
        objectives=read("objectives.json", checked_in) if "objectives.json" in shows else [],
        insights=held("i"),
        content=held("c"),
        shadow_days=held("s"),
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
    stems = workspace.meeting_ids()
    sigs = _sig_texts(workspace.meetings_dir, stems, follow=True, suffix=".json")
    context = render_context()
    shared_files = [[name, _signature_of(workspace.home / name)] for name in SHARED_FILES]
    base = _base(context, series, since, shared_files)
    manifest = _Manifest.load(workspace, out)
    quick = _quick_plan(workspace, out, manifest, base, stems, sigs, context)
    if quick is not None:
        return quick
    loaded = _load(workspace, {stem: _text_sig(sig) for stem, sig in zip(stems, sigs, strict=True)})
    names = file_names(workspace, loaded.shared)
    ids = select_meetings(loaded.shared, series=series, since=since)
    return ExportPlan(workspace, out, ids, False, manifest, base, loaded, _Keys(context, loaded, names, capture=True), names)


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
