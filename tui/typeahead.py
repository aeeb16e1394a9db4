"""Type-ahead: every key and paste reaches what the user aimed it at, in order.

A facilitator types ``d`` and, without waiting, the decision. On a busy laptop the form
takes a few hundred milliseconds to appear, and Textual hands each key to whatever has the
focus *when the key arrives*: the letters typed before the form is up went to the agenda
underneath, where ``s`` skips an item and ``e`` ends the meeting. Textual also forwards
every queued key before the first one has run its binding, so even a fast machine sends a
burst (tmux send-keys, SSH, a paste) to the old screen.

So the app delivers one key at a time and holds the next until the previous one has
*settled*:

1. its journey is over — the focused widget and each of its ancestors up to the app have
   handled it (the binding it triggers runs when it reaches the app);
2. the screen in front is mounted and its own queue and the app's are drained, so the focus
   it set in ``on_mount`` is in place;
3. no worker that can open a screen or load the screen's data is still running, unless it is
   waiting on a screen that is now open (``push_screen_wait``).

Workers in :data:`BACKGROUND_GROUPS` (polls, searches, drawing the rest of a long document)
never hold keys: the screen in front already takes typing while they run.

Two refusals keep a stray letter from destroying anything:

* when a key ends in a warning or an error and opens nothing (a capture form with no agenda
  item active), the keys typed after it are not turned into commands of the screen
  underneath: they are set aside and shown in a notification;
* a screen with ``ACCEPTS_TYPEAHEAD = False`` (a yes/no question, ending a meeting) takes
  only keys pressed after it appeared: nobody answers a question before seeing it.

Nothing waits forever: a hold ends after :data:`MAX_HOLD_S`, and a worker that outlives it
holds no later key. If by then the key has opened nothing, the keys held behind it are set
aside as after a key that failed: on an overloaded machine they are shown, never run.

``TANDEM_KEYTRACE=FILE`` appends one line per key and per decision of the gate to FILE: a
key that went astray on someone's machine can then be followed (the end-to-end tests print
it when they fail).
"""

from __future__ import annotations

import asyncio
import os
import time
import weakref
from collections import deque
from typing import TYPE_CHECKING, Any

from textual import events
from textual.dom import DOMNode, NoScreen
from textual.screen import Screen
from textual.worker import Worker

from tandem.tui.textual_private import binding_chain, parent_of

if TYPE_CHECKING:
    from tandem.tui.base_app import BaseApp

#: Worker groups that run beside typing and never hold a key.
BACKGROUND_GROUPS = frozenset({"settings", "follow-poll", "search", "minutes-view-load", "poll", "drafts", "sync"})

#: The longest a key is held; past it, keys go to the screen in front.
MAX_HOLD_S = 5.0

#: How often a hold checks whether the screen in front is ready: soon at first (most
#: holds are over within a few milliseconds), then less often.
POLL_S = (0.001, 0.002, 0.004, 0.008, 0.016)

#: Held keys shown in a notice when they are set aside.
SHOWN_CHARS = 60

#: A screen that takes no type-ahead takes a key only after this long with no key pressed
#: (since it appeared, or since the last key of a burst still going on).
QUIET_S = 0.5


def accepts_typeahead(screen: Screen[Any]) -> bool:
    return bool(getattr(screen, "ACCEPTS_TYPEAHEAD", True))


def quiet_left(screen: Screen[Any], last_key_at: float, now: float) -> float:
    """Seconds until ``screen`` (one that takes no type-ahead) takes keys: QUIET_S after it
    appeared and after the last key pressed, whichever is later."""
    return QUIET_S - (now - max(getattr(screen, "shown_at", 0.0), last_key_at))


class TypeAhead:
    """The app's key gate (see the module docstring)."""

    def __init__(self, app: BaseApp) -> None:
        self.app = app
        self.held: deque[events.Key | events.Paste] = deque()
        self.busy = False
        #: Workers waiting in ``push_screen_wait``, and the screen each waits on.
        self._parked: weakref.WeakKeyDictionary[Worker[Any], Screen[Any]] = weakref.WeakKeyDictionary()
        #: Workers that outlived a hold: they hold no later key.
        self._outlived: weakref.WeakSet[Worker[Any]] = weakref.WeakSet()
        #: monotonic time of the last warning or error notification.
        self.last_alarm = 0.0
        self._idle = asyncio.Event()
        self._idle.set()
        #: The hold in progress: asyncio keeps only a weak reference to a running task.
        self._task: asyncio.Task[None] | None = None
        #: How many keys were set aside (tests and the fuzzer read it).
        self.set_aside = 0
        self.last_key_at = 0.0
        self._refused: list[events.Key | events.Paste] = []
        self._refused_at = 0.0
        self._refused_why = ""
        #: A key just ended in a warning and opened nothing: the rest of its burst was typed
        #: for something that is not there, and must not become commands.
        self._after_failure = False
        self._trace_path = os.environ.get("TANDEM_KEYTRACE") or None
        self._t0 = time.monotonic()

    def trace(self, what: str, event: events.Key | events.Paste | None = None) -> None:
        if self._trace_path is None:
            return
        key = "" if event is None else (f"paste[{len(event.text)}]" if isinstance(event, events.Paste) else event.key)
        front = self._front()
        try:
            focused = type(self.app.focused).__name__ if self.app.focused is not None else "-"
        except Exception:  # noqa: BLE001 - the app is closing
            focused = "?"
        line = f"{time.monotonic() - self._t0:8.3f} {what:<10} {key:<14} front={type(front).__name__} focus={focused} held={len(self.held)}\n"
        try:
            with open(self._trace_path, "a", encoding="utf-8") as out:
                out.write(line)
        except OSError:
            self._trace_path = None  # a trace is never worth an error

    # --- what the app calls ---------------------------------------------------------------

    def park(self, worker: Worker[Any], screen: Screen[Any]) -> None:
        self._parked[worker] = screen

    def refuse(self, event: events.Key | events.Paste) -> bool:
        """Set ``event`` aside if it comes in a burst the user has not paused in: right after
        a key that failed, or before a question that takes no type-ahead could be read."""
        now = time.monotonic()
        if self.busy or self.held:
            self.last_key_at = now
            return False  # held: the end of the hold decides
        key = event.key if isinstance(event, events.Key) else None
        wait = self.wait_before(key, now)
        self.last_key_at = now
        if wait <= 0:
            self._after_failure = False
            return False
        self._refused.append(event)
        self._refused_at = now
        self._refused_why = (
            "They were typed after a key that did nothing; pause, then type again."
            if self._after_failure
            else "They came before this question could be read; answer it now."
        )
        self.trace("refuse", event)
        self.app.set_timer(QUIET_S, self._report_refused)
        return True

    def wait_before(self, key: str | None, now: float) -> float:
        """Seconds until a key pressed at ``now`` is taken rather than set aside (0: at
        once). Esc, which only backs out, and quitting, which saves first, always pass."""
        if key == "escape":
            return 0.0
        front = self._front()
        if front is None or (key is not None and self._quits(front, key)):
            return 0.0
        if self._after_failure:
            return QUIET_S - (now - self.last_key_at)  # the burst since the failing key
        return 0.0 if accepts_typeahead(front) else quiet_left(front, self.last_key_at, now)

    @staticmethod
    def _quits(front: Screen[Any], key: str) -> bool:
        """Whether ``key`` quits the app. A modal's ``active_bindings`` leave out the app's
        own (priority) bindings; the chain of bindings a key goes through holds them
        (test_fuzz_screens quits from every dialog)."""
        for _node, bindings in binding_chain(front):
            if any(b.action in ("quit", "app.quit") for b in bindings.key_to_bindings.get(key, ())):
                return True
        return False

    def _report_refused(self) -> None:
        if not self._refused or time.monotonic() - self._refused_at < QUIET_S * 0.9:
            return  # still typing: one notice when the burst is over
        refused, self._refused = self._refused, []
        self._set_aside(refused, self._refused_why)

    def take(self, event: events.Key | events.Paste) -> bool:
        """Hold ``event`` if an earlier one has not settled; False: deliver it now."""
        if self.busy or self.held:
            self.held.append(event)
            self.trace("hold", event)
            return True
        return False

    def delivered(self, screen_before: Screen[Any], started: float) -> None:
        """A key was just handed to the focus chain: hold what follows until it settles."""
        self.busy = True
        self._idle.clear()
        chain = self._chain()
        self._task = asyncio.create_task(self._settle(chain, screen_before, started), name="tandem-typeahead")

    async def idle(self, timeout: float = MAX_HOLD_S * 4) -> None:
        """Until every key typed so far has been delivered and has settled."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._front() is None:
                return  # the app has closed its screens: nothing more will settle
            try:
                await asyncio.wait_for(self._idle.wait(), timeout=min(0.1, max(0.0, deadline - time.monotonic())))
            except TimeoutError:
                continue
            # A held key delivered by the release callback may start a new hold.
            await asyncio.sleep(0)
            if self._idle.is_set() and not self.held:
                return

    # --- settling --------------------------------------------------------------------------

    def _chain(self) -> list[DOMNode]:
        """Where the key just delivered travels: the focus (or the screen) up to the app."""
        app = self.app
        try:
            node: DOMNode | None = app.focused or app.screen
        except Exception:  # noqa: BLE001 - no screen any more: only the app is left
            node = None
        chain: list[DOMNode] = []
        while node is not None:
            chain.append(node)
            node = parent_of(node)
        if not chain or chain[-1] is not app:
            chain.append(app)
        return chain

    @staticmethod
    async def _round_trip(node: DOMNode, deadline: float) -> None:
        """Until ``node`` has handled what was posted to it so far."""
        done = asyncio.Event()
        if not node.call_later(done.set):  # closed: nothing more will reach it
            return
        try:
            await asyncio.wait_for(done.wait(), timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            pass

    def holding_workers(self, front: Screen[Any]) -> list[Worker[Any]]:
        holding = []
        for worker in self.app.workers:
            if worker.is_finished or worker.group in BACKGROUND_GROUPS or worker in self._outlived:
                continue
            parked_on = self._parked.get(worker)
            if parked_on is not None and parked_on in self.app.screen_stack:
                continue
            if not self._works_for(worker.node, front):
                continue
            holding.append(worker)
        return holding

    def _works_for(self, node: DOMNode, front: Screen[Any]) -> bool:
        """Workers of the app and of the screen in front hold keys; a screen underneath
        loading its own data does not."""
        if node is self.app:
            return True
        try:
            return node.screen is front
        except NoScreen:
            return False

    def _front(self) -> Screen[Any] | None:
        try:
            return self.app.screen
        except Exception:  # noqa: BLE001 - the app is closing
            return None

    async def _settle(self, chain: list[DOMNode], screen_before: Screen[Any], started: float) -> None:
        deadline = started + MAX_HOLD_S
        polls = 0
        timed_out = False
        try:
            for node in chain:
                await self._round_trip(node, deadline)
            while time.monotonic() < deadline:
                front = self._front()
                if front is None:
                    break
                holding = self.holding_workers(front)
                if not holding and front.is_mounted:
                    # The focus a screen sets while mounting arrives through the app's queue.
                    await self._round_trip(front, deadline)
                    await self._round_trip(self.app, deadline)
                    if self._front() is front and not self.holding_workers(front):
                        break
                    continue
                await asyncio.sleep(POLL_S[min(polls, len(POLL_S) - 1)])
                polls += 1
            else:
                timed_out = True
                front = self._front()
                if front is not None:
                    self._outlived.update(self.holding_workers(front))
                    self.trace("timed out")
        finally:
            self._task = None
        front = self._front()
        if front is screen_before and (self.last_alarm >= started or timed_out):
            # What the key was to open is not there (it failed, or is still on its way after
            # MAX_HOLD_S): the keys typed for it must not become commands of this screen.
            self._after_failure = True
            if self.held:
                why = (
                    "tandem was too slow to open what they were typed for"
                    if timed_out and self.last_alarm < started
                    else "They were typed for something that did not open"
                )
                self._set_aside(self.held, f"{why}; nothing was done with them.")
        elif front is not None and front is not screen_before and not accepts_typeahead(front) and self.held:
            self._set_aside(self.held, "They were typed before this question appeared; answer it now.")
        self.busy = False
        self.trace("settled")
        if self._front() is None or not self.app.call_later(self.release):
            self.held.clear()  # the app is closing: nothing left to deliver to
            self._idle.set()

    def _set_aside(self, keys: deque[events.Key | events.Paste] | list[events.Key | events.Paste], why: str) -> None:
        typed = "".join(
            e.text if isinstance(e, events.Paste) else (e.character or "") for e in keys if isinstance(e, events.Paste) or (e.character or "").isprintable()
        )
        count = len(keys)
        self.trace(f"set aside {count}")
        self.set_aside += count
        keys.clear()
        shown = typed if len(typed) <= SHOWN_CHARS else typed[: SHOWN_CHARS - 1] + "…"
        detail = f"“{shown}”\n" if shown.strip() else ""
        self.app.notify(f"{detail}{why}", title=f"{count} key{'s' if count != 1 else ''} typed ahead set aside", severity="warning", timeout=10, markup=False)

    async def release(self) -> None:
        """Deliver held keys, one at a time, until one holds the rest again."""
        while self.held and not self.busy:
            event = self.held.popleft()
            await self.app.deliver_typed(event)
        if not self.busy and not self.held:
            self._idle.set()
