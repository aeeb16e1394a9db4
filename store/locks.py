"""Writer locks: one writer per meeting, and short locks for shared workspace files.

The lock itself is a ``filelock`` lock on a separate ``.lock`` file (the OS releases it when
the holder dies, so a crash never leaves a meeting locked). Who holds it is written to a
``.holder`` file next to it, because filelock may truncate the lock file when another
process tries to take it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType

import orjson

from tandem.store.atomic import FILE_MODE, atomic_write_bytes
from tandem.store.errors import CorruptFileError, MeetingLockedError, TandemError
from tandem.store.outside import read_outside, shown_name

#: A holder file is one line of JSON; anything longer was not written by tandem.
HOLDER_LIMIT = 64 * 1024


def _holder_sentence(holder_file: Path) -> str:
    try:
        info = orjson.loads(read_outside(holder_file, limit=HOLDER_LIMIT))
        since = datetime.fromisoformat(info["since"]).strftime("%Y-%m-%d %H:%M")
        return f"PID {int(info['pid'])} on {shown_name(str(info['host']))} since {since}"
    except (OSError, CorruptFileError, ValueError, KeyError, TypeError):
        return "another tandem process"


def holder_alive(lock_path: Path) -> bool | None:
    """Whether the process holding ``lock_path`` still runs, without touching the lock: False
    when nobody holds it (its holder file goes with a release) or the holder's process on
    this machine is gone (a crash leaves the file); None when it cannot be told (the holder
    is on another machine, or its file cannot be read)."""
    holder = lock_path.with_suffix(".holder")
    try:
        info = orjson.loads(read_outside(holder, limit=HOLDER_LIMIT))
        pid, host = int(info["pid"]), str(info["host"])
    except FileNotFoundError:
        return False
    except (OSError, CorruptFileError, ValueError, KeyError, TypeError):
        return None
    if host != socket.gethostname():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, but someone else's (EPERM)
        return True
    return True


class WriterLock:
    """Exclusive, non-blocking lock with a readable holder description."""

    def __init__(
        self,
        lock_path: Path,
        *,
        subject: str,
        meeting: bool = True,
        what: str = "Meeting",
        now: Callable[[], datetime] = datetime.now,
        timeout: float = 0,
    ) -> None:
        self.lock_path = lock_path
        self.holder_path = lock_path.with_suffix(".holder")
        self.subject = subject
        self._meeting = meeting
        self._what = what
        self._now = now
        self._timeout = timeout
        # Imported here: reading a workspace never locks, and filelock costs 6 ms of start-up.
        from filelock import FileLock

        # Not thread-local: a live meeting saves from a background thread while the UI
        # thread holds the lock.
        self._lock = FileLock(str(lock_path), timeout=timeout, mode=FILE_MODE, thread_local=False)

    @property
    def is_locked(self) -> bool:
        return self._lock.is_locked

    def acquire(self) -> None:
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=self._timeout)
        except Timeout:
            holder = _holder_sentence(self.holder_path)
            if self._meeting:
                raise MeetingLockedError(self.subject, holder, self._what) from None
            raise TandemError(f"{self.subject} is being saved by {holder}; try again.") from None
        except OSError as exc:
            raise TandemError(f"Cannot lock {self.lock_path}: {exc.strerror or exc}.") from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "since": self._now().isoformat()}
        try:
            atomic_write_bytes(self.holder_path, orjson.dumps(info))
        except BaseException:
            self._lock.release()  # disk full, read-only folder: never keep a lock nobody holds
            raise

    def release(self) -> None:
        if self._lock.is_locked:
            self.holder_path.unlink(missing_ok=True)
            self._lock.release()

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
