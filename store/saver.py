"""Saving from a background thread: what a live meeting and a shadow day share.

The UI changes the record in memory at once and asks the :class:`Saver` for a save; the
saver writes the latest state from its own thread, in order, coalescing a burst of
keystrokes into one atomic write.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

#: What tells the time (``datetime.now``; tests pass a fake one).
Clock = Callable[[], datetime]


class Saver:
    """Writes the latest state from a background thread, in order, coalescing requests.

    ``request(delay)`` marks the state dirty and asks for a save within ``delay`` seconds;
    ``flush()`` waits until everything requested so far is on disk (or failed). A failed
    save (a full disk, say) is reported through ``on_error`` and retried; the state stays in
    memory meanwhile, so nothing on screen is lost.
    """

    RETRY_S = 2.0

    def __init__(
        self,
        write: Callable[[], None],
        *,
        on_error: Callable[[BaseException], None] | None = None,
        on_saved: Callable[[], None] | None = None,
        on_written: Callable[[], None] | None = None,
    ) -> None:
        self._write = write
        self._on_error = on_error
        self._on_saved = on_saved
        self._on_written = on_written
        self._cond = threading.Condition()
        self._requested = 0  # generation numbers: requested vs written
        self._written = 0
        self._failures = 0  # failed writes so far: a flush stops waiting at the next one
        self._due: float | None = None
        self._closed = False
        self.last_error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="tandem-saver", daemon=True)
        self._thread.start()

    def request(self, delay: float = 0.0) -> None:

        with self._cond:
            self._requested += 1
            due = time.monotonic() + delay
            self._due = due if self._due is None else min(self._due, due)
            self._cond.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Save now and wait; True when everything requested is written. False at once when
        a write fails meanwhile (a full disk): nobody waits on a save that cannot happen,
        and the saver goes on retrying."""

        deadline = time.monotonic() + timeout
        with self._cond:
            target = self._requested
            if self._written >= target:
                return True
            failures = self._failures
            self._due = time.monotonic()
            self._cond.notify_all()
            while self._written < target:
                left = deadline - time.monotonic()
                if left <= 0 or self._failures > failures or not self._thread.is_alive():
                    return False
                self._cond.wait(min(left, 0.05))
            return True

    @property
    def pending(self) -> bool:
        with self._cond:
            return self._written < self._requested

    def close(self, timeout: float = 10.0) -> bool:
        ok = self.flush(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=min(1.0, timeout))
        return ok

    def _run(self) -> None:

        while True:
            with self._cond:
                while not self._closed and (self._due is None or self._written >= self._requested):
                    self._cond.wait()
                if self._closed and self._written >= self._requested:
                    return
                wait = (self._due or 0) - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                target = self._requested
                self._due = None
            try:
                self._write()
            except Exception as exc:  # noqa: BLE001 - reported to the UI, then retried
                with self._cond:
                    self.last_error = exc
                    self._failures += 1
                    self._cond.notify_all()
                if self._on_error:
                    self._on_error(exc)
                with self._cond:
                    retry = time.monotonic() + self.RETRY_S
                    self._due = retry if self._due is None else min(self._due, retry)
                    if self._closed:
                        return
                continue
            with self._cond:
                recovered = self.last_error is not None
                self.last_error = None
                self._written = max(self._written, target)
                self._cond.notify_all()
            if self._on_saved and recovered:
                self._on_saved()
            if self._on_written:
                self._on_written()
