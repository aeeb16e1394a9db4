"""Daily zip snapshots: the workspace as it was before the first change of each day, the
last 7 kept.

The daily one is taken in the background: zipping the whole workspace took 2.9 s at 5,000
meetings, and the facilitator's first words of the morning waited behind it. It still holds
the files as they were before that first change: until the snapshot has read a file, a
writer about to replace or delete it first hands the snapshot the file's current bytes (its
pre-image, one small read), and the snapshot uses those instead. A file created meanwhile
is left out, as it did not exist before the day's first change. The zip is written
atomically, so there is a whole snapshot of the day or none; a failure (disk full) costs
that day's snapshot, which the next start of tandem that day takes again.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

from tandem.store.atomic import TEMP_MARK, atomic_write_bytes, ensure_dir, read_regular
from tandem.store.errors import CorruptFileError
from tandem.store.layout import CACHE_DIR

KEEP = 7
#: The snapshot thread's niceness (Linux): on a busy machine the saves get the processor first.
BACKGROUND_NICENESS = 10
#: How long the snapshot thread lets the save that started it run alone: listing and zipping
#: the workspace compete with it for the interpreter (the saves of a meeting come 0.3 s apart).
START_DELAY_S = 0.2


class _Job:
    """One daily snapshot being taken by a thread. The lock guards ``read`` and
    ``pre_images``; the thread holds it while reading each file, so a writer never replaces a
    file between the snapshot's deciding to read it and reading it."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.lock = threading.Lock()
        #: Files (relative names) the snapshot has captured: a write to them needs nothing.
        self.read: set[str] = set()
        #: Bytes handed over by writers before the snapshot read the file; None: the file did
        #: not exist (or was not a plain file), so it stays out.
        self.pre_images: dict[str, bytes | None] = {}
        #: Every file is captured: writers need not hand anything over any more.
        self.captured = False
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        #: Set when someone waits for the snapshot: no reason to give way any longer.
        self.hurry = threading.Event()


#: Snapshots being taken in this process, by snapshots folder: two Workspace objects of the
#: same folder share one, and a write through either hands its pre-images to it.
_jobs: dict[str, _Job] = {}
_jobs_lock = threading.Lock()


def _forget_in_child() -> None:
    """A forked child has none of its parent's threads: its writes must not feed or wait on them."""
    global _jobs_lock
    _jobs.clear()
    _jobs_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


class Snapshots:
    def __init__(self, folder: Path, home: Path, *, now: Callable[[], datetime]) -> None:
        self.folder = folder
        self.home = home
        self._now = now
        self._checked_day: str | None = None
        self._key = os.path.abspath(folder)
        #: Called by the snapshot thread with each file's relative name before it captures
        #: it (tests hold the thread here to write while a snapshot is under way).
        self.before_capture: Callable[[str], None] | None = None
        #: Why the last daily snapshot of this object failed, if it did (disk full…).
        self.error: BaseException | None = None

    def path_for(self, day: str) -> Path:
        return self.folder / f"{day}.zip"

    def all(self) -> list[Path]:
        """The snapshots in the folder, once the one this process is taking is written."""
        self.wait()
        return self._listed()

    def _listed(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("????-??-??.zip"))

    def _names(self) -> list[str]:
        """The files a snapshot holds, by name in the workspace, in path order: every regular
        ``*.json`` file in it or below, but temp files, the snapshots and the cache folder
        (derived files: deleting them loses nothing); links are not followed. One ``scandir``
        per folder: the snapshot thread leaves the saves as much of the interpreter as it can."""
        names: list[str] = []
        left_out = {str(self.folder), str(self.home / CACHE_DIR)}

        def walk(folder: str, prefix: str) -> None:
            try:
                with os.scandir(folder) as listing:
                    entries = list(listing)
            except OSError:  # gone meanwhile, or not ours to read
                return
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.path not in left_out:
                        walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.name.endswith(".json") and TEMP_MARK not in entry.name and entry.is_file(follow_symlinks=False):
                    names.append(prefix + entry.name)

        walk(str(self.home), "")
        return sorted(names, key=lambda name: name.split("/"))  # as paths sort: part by part

    def _files(self) -> list[Path]:
        return [self.home / name for name in self._names()]

    def _name(self, path: Path) -> str | None:
        """``path``'s name in a snapshot, or None if no snapshot holds it."""
        try:
            rel = path.relative_to(self.home)
        except ValueError:
            return None
        if not rel.parts or path.suffix != ".json" or TEMP_MARK in path.name or rel.parts[0] in (self.folder.name, CACHE_DIR):
            return None
        folder = self.home
        for part in rel.parts[:-1]:  # in a linked folder: the listing does not go there either
            folder = folder / part
            if folder.is_symlink():
                return None
        return rel.as_posix()

    # --- the daily snapshot -----------------------------------------------------------

    def take_if_due(self) -> Path | None:
        """Start today's snapshot unless it exists or is under way; the zip it will be.
        Cheap after the first call of the day: one string comparison."""
        day = self._now().date().isoformat()
        if self._checked_day == day:
            return None
        self._checked_day = day
        target = self.path_for(day)
        earlier = _jobs.get(self._key)
        if earlier is not None and earlier.target != target:
            self.wait()  # yesterday's, still under way at midnight: it must not read today's changes
        with _jobs_lock:
            job = _jobs.get(self._key)
            if (job is not None and job.target == target) or target.exists():
                return None
            job = _Job(target)
            job.thread = threading.Thread(target=self._run, args=(job,), name=f"tandem snapshot {day}")
            _jobs[self._key] = job
        # Not a daemon: a command that writes once and exits still leaves the whole zip.
        try:
            job.thread.start()
        except RuntimeError as exc:  # no thread to be had: no snapshot today, and the save goes on
            self.error = job.error = exc
            with _jobs_lock:
                del _jobs[self._key]
            return None
        return target

    def before_change(self, path: Path | None) -> None:
        """Called before ``path`` is replaced, created or deleted: while a snapshot is being
        taken, hand it the file as it is. ``None`` (a change not named) waits for the snapshot."""
        job = _jobs.get(self._key)
        if job is None or job.captured:
            return
        if path is None:
            self.wait()
            return
        name = self._name(path)
        if name is None:
            return
        with job.lock:
            if job.captured or name in job.read or name in job.pre_images:
                return
            job.pre_images[name] = self._read(path)

    def wait(self) -> None:
        """Until the snapshot this process is taking of this folder is written (or failed)."""
        job = _jobs.get(self._key)
        if job is not None and job.thread is not None and job.thread is not threading.current_thread():
            job.hurry.set()
            job.thread.join()

    def _read(self, path: Path) -> bytes | None:
        if path.is_symlink():
            return None  # the snapshots hold the workspace's own files, not what links point to
        try:
            return read_regular(path)
        except (OSError, CorruptFileError):  # gone meanwhile, or not a plain file
            return None

    def _run(self, job: _Job) -> None:
        job.hurry.wait(START_DELAY_S)
        try:
            if sys.platform == "linux":  # where each thread has its own priority: saves come first
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
            listed = self._names()
            with job.lock:
                handed = [name for name, data in job.pre_images.items() if data is not None]
            if handed:  # a file deleted before the listing is there through its pre-image
                known = set(listed)
                names = sorted([*listed, *(name for name in handed if name not in known)], key=lambda name: name.split("/"))
            else:
                names = listed

            def members() -> Iterator[tuple[str, bytes]]:
                for name in names:
                    if self.before_capture is not None:
                        self.before_capture(name)
                    with job.lock:
                        data = job.pre_images.pop(name) if name in job.pre_images else self._read(self.home / name)
                        job.read.add(name)
                    if data is not None:
                        yield name, data
                with job.lock:
                    job.captured = True
                    job.pre_images.clear()

            archive, count = _archive(members())
            if count and not job.target.exists():  # another tandem's snapshot of today stays
                self._store(job.target, archive)
        except Exception as exc:  # noqa: BLE001 - disk full, folder not writable: no snapshot today, never a crash
            job.error = self.error = exc
        finally:
            with job.lock:
                job.captured = True
                job.pre_images.clear()
            with _jobs_lock:
                if _jobs.get(self._key) is job:
                    del _jobs[self._key]

    # --- writing a snapshot -------------------------------------------------------------

    def take(self, target: Path, files: list[Path] | None = None) -> Path:
        """Zip ``files`` (every data file by default) into ``target`` now, as they are."""

        def members() -> Iterator[tuple[str, bytes]]:
            for path in files if files is not None else self._files():
                try:
                    data = read_regular(path)
                except (OSError, CorruptFileError):  # gone meanwhile, or not a plain file
                    continue
                yield path.relative_to(self.home).as_posix(), data

        return self._store(target, _archive(members())[0])

    def _store(self, target: Path, archive: bytes) -> Path:
        ensure_dir(target.parent)
        atomic_write_bytes(target, archive)
        for old in self._listed()[:-KEEP]:
            old.unlink(missing_ok=True)
        return target


def _archive(members: Iterable[tuple[str, bytes]]) -> tuple[bytes, int]:
    """A zip of ``members`` (name, bytes) in their order, and how many: compressed one by one,
    so only the zip is held in memory, not every file."""
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            # A fixed timestamp keeps the archive a function of the data alone.
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)
            count += 1
    return buffer.getvalue(), count
