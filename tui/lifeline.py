"""The process ends with its terminal: a closed window, ``tmux kill-server``, a dropped SSH
connection, ``kill`` — never a survivor.

What went wrong before: on SIGHUP the handler saved, released the lock and called
``App.exit()``, which waits on Textual's driver restoring a terminal that no longer exists;
with no terminal that never completed, and the process lived on with PPID 1, reading an
input that kept reporting end-of-file (8–25 % of a core) and ignoring SIGTERM.

Now:

* SIGHUP and SIGTERM start a hard-exit timer *first*, then ask the event loop for the
  orderly way out (save, release the lock, exit). If that is not over within
  :data:`HARD_EXIT_S`, the process ends with ``os._exit`` — the writes that matter are
  already on disk (each save is atomic), and the operating system drops the lock;
* a thread watches the terminal itself: when it hangs up (POLLHUP on standard input) the
  process sends itself SIGHUP, even if the kernel's SIGHUP never reached it.

Only for a real terminal: headless apps (tests, screenshots) are left alone.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
from collections.abc import Callable

#: The longest the orderly way out may take before the process is ended.
HARD_EXIT_S = 2.0

#: How often the watcher looks at the terminal.
WATCH_S = 0.25

_hard_exit_started = threading.Event()


def hard_exit_after(seconds: float, code: int) -> None:
    """End the process in ``seconds`` whatever it is doing (once; later calls do nothing)."""
    if _hard_exit_started.is_set():
        return
    _hard_exit_started.set()

    def end() -> None:
        threading.Event().wait(seconds)
        try:
            sys.stderr.flush()
        finally:
            os._exit(code)

    threading.Thread(target=end, name="tandem-hard-exit", daemon=True).start()


def install(orderly_exit: Callable[[int], None], call_soon: Callable[..., object]) -> bool:
    """Handle SIGHUP and SIGTERM, and watch the terminal. ``orderly_exit(signum)`` runs on
    the event loop (through ``call_soon``, which must be thread-safe); False if this is
    not the main thread (nothing installed)."""

    def on_signal(signum: int, _frame: object) -> None:
        hard_exit_after(HARD_EXIT_S, 128 + signum)
        try:
            call_soon(orderly_exit, signum)
        except RuntimeError:  # the loop has stopped: the hard exit will do
            pass

    try:
        for signum in (signal.SIGHUP, signal.SIGTERM):
            signal.signal(signum, on_signal)
    except (ValueError, OSError, AttributeError):  # not the main thread, or no SIGHUP
        return False
    _watch_terminal()
    return True


def _watch_terminal() -> None:
    try:
        fd = sys.__stdin__.fileno() if sys.__stdin__ is not None else -1
    except (OSError, ValueError):
        return
    if fd < 0 or not os.isatty(fd) or not hasattr(select, "poll"):
        return

    def watch() -> None:
        poller = select.poll()
        poller.register(fd, select.POLLHUP | select.POLLERR | select.POLLNVAL)
        while True:
            try:
                events = poller.poll(WATCH_S * 1000)
            except OSError:
                events = [(fd, select.POLLNVAL)]
            if any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in events):
                os.kill(os.getpid(), signal.SIGHUP)
                return

    threading.Thread(target=watch, name="tandem-terminal-watch", daemon=True).start()
