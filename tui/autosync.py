"""The apps' own syncs of a workspace shared through git (config.toml's ``[sync]``).

When: as the app or ``tandem review`` opens, when a meeting starts (so the facilitator's
claim reaches the team), ends or is finalized, and on quit. Never a commit per keystroke.

How: each sync is ``tandem sync`` in a child process (``python -m tandem --home HOME
sync``), waited on by a thread worker of the app, never by the UI thread. A child rather
than :class:`~tandem.store.sync.run.Sync` in the worker itself, because

- the time limit (``timeout_s``) is then kept for real: the child and the git it runs are
  stopped when it passes (a sync killed at any moment is finished by the next one:
  tests/store/test_sync_kill.py), where a sync in a thread could only be abandoned, with
  its git still running and holding the repository;
- quitting never waits on the network: the worker stops waiting at once, and the child, in
  a session of its own, finishes by itself. Its result lands where ``tandem sync status``
  reads it, as the sync started on quit does.

One sync at a time: a request while one runs makes one more run after it, however many
requests came meanwhile. A sync that brought nothing new says nothing (a facilitator who
opens the app every morning is not told "nothing new" every time); one that did says what
in words ("Synced: 1 new meeting from José.") and the screens read the files again. A
failure is one warning sentence: local work is kept and goes with the next sync.

A meeting open here is never rewritten under its writer: the sync refuses to take a
teammate's change of it (store/sync/run.py). The app then says so once and syncs again as
soon as the meeting is closed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from tandem.store.config import SyncConfig
from tandem.store.layout import MEETINGS_DIR
from tandem.store.outside import one_line

if TYPE_CHECKING:
    from textual.app import App

#: The worker group: in ``typeahead.BACKGROUND_GROUPS``, so typing goes on while it runs.
GROUP = "sync"
#: How often the worker looks up from its child (to see whether the app is quitting).
WAIT_SLICE_S = 0.1
#: After a stopped sync was asked to end, how long before it is killed.
KILL_AFTER_S = 2.0

#: What asks for a sync: the app or review opening, a meeting starting, ending or being
#: finalized, or a sync that was refused while a meeting was open here, now closed.
Why = Literal["start", "meeting", "again"]

#: Run by the sync started on quit while another is still running: once that one lets go
#: of the repository (or the time limit passes), the usual ``tandem sync``. Without the
#: wait it would find the repository taken and do nothing, and what changed since the
#: running one committed (a meeting ended meanwhile) would wait for the next start.
_AFTER_THE_RUNNING_ONE = """\
import os, sys, time
from pathlib import Path
from tandem.store.locks import holder_alive
lock, limit = Path(sys.argv[1]), time.monotonic() + float(sys.argv[2])
while holder_alive(lock) and time.monotonic() < limit:
    time.sleep(0.2)
os.execv(sys.executable, [sys.executable, *sys.argv[3:]])
"""


def sync_command(home: Path) -> list[str]:
    """``tandem sync`` on ``home``, run by this interpreter (whatever installed tandem)."""
    return [sys.executable, "-m", "tandem", "--home", str(home), "sync"]


def _detached() -> dict[str, Any]:
    """Popen arguments for a child that outlives the app and its terminal: a session of its
    own, so the terminal's hangup (closing the window, an SSH link dropping) does not reach
    it."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS}
    return {"start_new_session": True}


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    #: One sentence for the user, cleaned of whatever a teammate's name could carry.
    sentence: str
    #: Nothing came in and nothing went out: nothing to say, nothing to read again.
    quiet: bool = False


class AutoSync:
    """The syncs one app makes by itself. Everything but the worker runs on the UI thread.

    ``before`` runs in the worker before each sync (the app saves an open meeting, so that
    what is on screen is what is committed); ``received`` on the UI thread after a sync
    that changed something (the screens read the files again); ``open_here`` says which
    meeting is open for editing in this app (its id), if any."""

    def __init__(
        self,
        app: App[Any],
        home: Path,
        settings: SyncConfig,
        *,
        before: Callable[[], object] = lambda: None,
        received: Callable[[], object] = lambda: None,
        open_here: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.app = app
        # Absolute: the child runs in the workspace, where a relative --home means another folder.
        self.home = home.absolute()
        self.settings = settings
        self.timeout_s = settings.timeout_s
        self._before = before
        self._received = received
        self._open_here = open_here
        self._lock = threading.Lock()
        self._running = False
        self._again = False
        self._quitting = False
        #: A sync was refused because of the meeting open here: sync again once it closes.
        self._after_close = False
        #: The child of the sync under way, and the one left running on quit (tests).
        self.child: subprocess.Popen[bytes] | None = None
        self.left_running: subprocess.Popen[bytes] | None = None
        #: What the last sync came to (tests, and a look in a debugger).
        self.last: Outcome | None = None

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._running

    def _wanted(self, why: Why) -> bool:
        settings = self.settings
        wanted = {"start": settings.on_start, "meeting": settings.after_meeting, "again": True}
        return settings.auto and wanted[why]

    # --- asking -------------------------------------------------------------------------

    def request(self, why: Why) -> None:
        """Sync in the background, if config.toml says so for ``why``; a request while a
        sync runs makes it run once more when it is done."""
        if not self._wanted(why):
            return
        with self._lock:
            if self._quitting:
                return
            if self._running:
                self._again = True
                return
            self._running = True
        self.app.run_worker(self._work, thread=True, group=GROUP, name=f"sync ({why})", exit_on_error=False)

    def meeting_closed(self, *, ended: bool) -> None:
        """A meeting (or shadow day) was closed here: sync if it ended, or if a sync was
        refused while it was open."""
        deferred, self._after_close = self._after_close, False
        if deferred:
            self.request("again")  # whatever [sync] says of meetings: the refused sync's turn
        elif ended:
            self.request("meeting")

    def quit(self) -> None:
        """The app is closing: stop waiting on a sync under way (it finishes by itself) and
        leave a ``tandem sync`` running that the app does not wait for. Call once every
        meeting is saved and closed (a sync does not merge a meeting still open)."""
        with self._lock:
            if self._quitting:
                return
            self._quitting = True
            running = self._running
        settings = self.settings
        if not (settings.auto and settings.on_quit):
            return
        from tandem.store.sync.setup import is_shared

        if not is_shared(self.home):
            return
        command = sync_command(self.home)
        if running:
            from tandem.store.sync.run import SYNC_LOCK

            lock = self.home / ".git" / SYNC_LOCK
            command = [sys.executable, "-c", _AFTER_THE_RUNNING_ONE, str(lock), str(self.timeout_s), *command[1:]]
        try:
            self.left_running = subprocess.Popen(
                command,
                cwd=self.home,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                **_detached(),
            )
        except OSError:
            pass  # nobody is left to tell: the next start syncs what this one would have

    # --- the worker ---------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            try:
                outcome = self._sync_once()
            except Exception as exc:  # noqa: BLE001 - a bug: said in a sentence, not a traceback over the screen
                outcome = Outcome(False, f"The sync failed unexpectedly ({type(exc).__name__}: {exc}); your work is kept here.")
            if outcome is not None:
                self.last = outcome
                self._tell(outcome)
            with self._lock:
                if outcome is None or not self._again or self._quitting:
                    self._running = False
                    self._again = False
                    return
                self._again = False

    def _sync_once(self) -> Outcome | None:
        """One ``tandem sync``, waited on; None when there was nothing to do or nobody is
        left to tell (the app is quitting)."""
        from tandem.store.sync.setup import is_shared

        git_dir = self.home / ".git"
        if not is_shared(self.home) or not os.access(git_dir, os.W_OK):
            return None  # not shared, or read-only here (review of a folder one cannot write)
        self._before()
        if self._quitting:
            return None  # the sync started on quit does it
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            # Files rather than pipes: a child left running when the app quits writes its
            # sentence into a file nobody reads, not into a pipe whose reader is gone.
            try:
                child = subprocess.Popen(sync_command(self.home), cwd=self.home, stdin=subprocess.DEVNULL, stdout=out, stderr=err, **_detached())
            except OSError as exc:
                return Outcome(False, f"Could not start tandem sync ({exc.strerror or exc}); your work is kept here and goes with the next sync.")
            self.child = child
            code = self._wait(child)
            if code is None:
                return None
            if code == "late":
                return Outcome(
                    False,
                    f"The sync took longer than {self.timeout_s:g} s and was stopped; your work is kept here and goes with the next sync.",
                )
            return self._outcome(code, _read(out), _read(err))

    def _wait(self, child: subprocess.Popen[bytes]) -> int | Literal["late"] | None:
        """The child's exit status; "late" once it was stopped for taking too long; None if
        the app is quitting (the child goes on by itself)."""
        from tandem.tui.textual_private import is_exiting

        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                return child.wait(timeout=WAIT_SLICE_S)
            except subprocess.TimeoutExpired:
                pass
            if self._quitting or is_exiting(self.app):
                return None
            if time.monotonic() >= deadline:
                _stop(child)
                return "late"

    def _outcome(self, code: int, out: str, err: str) -> Outcome:
        from tandem.store.sync.run import SyncReport

        if code == 0:
            sentence = one_line(out.strip().splitlines()[-1] if out.strip() else "Synced.")
            nothing = {SyncReport().sentence(), SyncReport(remote=False).sentence()}
            return Outcome(True, sentence, quiet=sentence in nothing)
        said = one_line(err).removeprefix("tandem: ")
        return Outcome(False, said or f"tandem sync stopped with exit status {code}; your work is kept here and goes with the next sync.")

    def _tell(self, outcome: Outcome) -> None:
        """Hand ``outcome`` to the UI thread, unless the app is closing (nobody to tell, and
        an event loop that is stopping must not be waited on)."""
        from tandem.tui.textual_private import is_exiting

        if is_exiting(self.app) or not self.app.is_running:
            return
        try:
            self.app.call_from_thread(self._show, outcome)
        except RuntimeError:  # the event loop closed just now
            pass

    def _show(self, outcome: Outcome) -> None:
        from tandem.tui.textual_private import is_exiting

        if is_exiting(self.app):
            return
        if outcome.ok:
            if not outcome.quiet:
                self.app.notify(outcome.sentence, timeout=8, markup=False)
                self._received()
            return
        meeting_id = self._open_here()
        if meeting_id is not None and f"{MEETINGS_DIR}/{meeting_id}.json" in outcome.sentence:
            # The engine's "sync again once it is closed": the app does that itself.
            self._after_close = True
            self.app.notify(
                "A teammate changed the meeting open here: their changes are merged when you end or leave it; yours are committed.",
                title="Sync waits",
                timeout=8,
                markup=False,
            )
            return
        self.app.notify(outcome.sentence, title="Not synced", severity="warning", timeout=10, markup=False)


def _read(file: IO[bytes]) -> str:
    file.seek(0)
    return file.read(64 * 1024).decode("utf-8", "replace")


def _stop(child: subprocess.Popen[bytes]) -> None:
    """End a sync that took too long, with the git it runs: asked first (git removes its
    own lock files), killed if it does not go."""
    if sys.platform == "win32":
        child.kill()
        child.wait()
        return
    for sig, grace in ((signal.SIGTERM, KILL_AFTER_S), (signal.SIGKILL, None)):
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            break
        try:
            child.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
