"""Every private name of Textual that tandem reads or writes, in one place.

Textual has no public way to do these few things; each accessor says what tandem needs it
for. ``pyproject.toml`` pins Textual to the minor version these were checked against, and
``tests/tui/test_textual_private.py`` exercises each one against the installed Textual, so an
upgrade that renames or reshapes one fails in CI instead of on a user's machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual import _time as textual_time
from textual.app import App
from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.screen import UPDATE_PERIOD, Screen
from textual.timer import EventTargetGone, Timer
from textual.widget import Widget

#: The Textual minor version these accessors were checked against (pyproject pins it).
CHECKED_WITH = "8.2"


def bindings_of(node: DOMNode) -> BindingsMap:
    """The bindings a node declares, merged over its classes (``DOMNode._bindings``): help
    lists every key of a screen and its widgets, not only those the footer shows."""
    return node._bindings


def class_bindings(cls: type[DOMNode]) -> BindingsMap:
    """A class's bindings without an instance (``DOMNode._merge_bindings``): ``config
    check`` knows every binding id without building a screen."""
    return cls._merge_bindings()


def keymap_of(app: App[Any]) -> Mapping[str, str]:
    """The keymap set by ``App.set_keymap`` (``App._keymap``), applied to the bindings help
    lists, as Textual applies it to the bindings it runs."""
    return getattr(app, "_keymap", None) or {}


def binding_chain(screen: Screen[Any]) -> Iterable[tuple[DOMNode, BindingsMap]]:
    """The bindings a key goes through on ``screen``, the app's priority bindings included
    (``Screen._binding_chain``): a modal's ``active_bindings`` leave out the app's own, and
    the type-ahead gate must know whether a key quits."""
    return screen._binding_chain


def parent_of(node: DOMNode) -> DOMNode | None:
    """The node's parent, or None at the app (``MessagePump._parent``): the path a key
    bubbles along. ``DOMNode.parent`` raises at the top instead."""
    parent = node._parent
    return parent if isinstance(parent, DOMNode) else None


def is_closing(node: MessagePump) -> bool:
    """Whether ``node`` is closing or closed (``MessagePump._closing``/``_closed``): what is
    posted to it will never run, so nobody should wait for it."""
    return bool(getattr(node, "_closing", False) or getattr(node, "_closed", False))


def is_exiting(app: App[Any]) -> bool:
    """Whether ``app.exit()`` was called (``App._exit``): waits end once it has been."""
    return bool(app._exit)


def reactive_watchers(node: DOMNode) -> dict[str, list[tuple[DOMNode, Any]]] | None:
    """Where Textual's reactive keeps the watchers that other nodes registered on ``node``
    (the ``__watchers`` attribute ``textual.reactive._watch`` sets), or None if none were."""
    watchers = getattr(node, "__watchers", None)
    return watchers if isinstance(watchers, dict) else None


def hold_cursor(widget: Widget, visible: bool) -> bool:
    """Show or hide the cursor of an Input or TextArea at once (``_cursor_visible``), for a
    screenshot not caught mid-blink. False if the widget has no such cursor."""
    if not hasattr(widget, "_cursor_visible"):
        return False
    widget._cursor_visible = visible
    return True


#: Textual's own ``Timer._run`` (``tests/tui/test_textual_private.py`` checks that it still
#: skips a slot too many).
textual_timer_run = Timer._run


class OnTimeTimer(Timer):
    """A Textual timer that, after a late tick, goes on to the next slot. Textual 8.2's
    ``Timer._run`` skips one slot too many, so a screen's frame timer, paused between
    frames, waits 1 to 2 frames (17 to 33 ms at 60 fps) after any frame drawn from idle; a
    key landing in that wait (after the clock's tick, or a save's "All changes saved") was
    drawn up to 33 ms late (benchmarks/lead_triage.py: its p95). tandem's screens draw
    with it (:func:`frame_timer`); Textual's own timers are left as they are."""

    async def _run(self) -> None:
        # Textual 8.2's ``Timer._run`` with one line changed (marked).
        count = 0
        repeat = self._repeat
        interval = self._interval
        await self._active.wait()
        start = textual_time.get_time()
        while repeat is None or count <= repeat:
            next_timer = start + ((count + 1) * interval)
            now = textual_time.get_time()
            if self._skip and next_timer < now:
                count = int((now - start) / interval)  # Textual: ``+ 1``, a slot too far
                continue
            await textual_time.sleep(max(0, next_timer - now))
            count += 1
            await self._active.wait()
            if self._reset:
                start = textual_time.get_time()
                count = 0
                self._reset = False
                continue
            try:
                await self._tick(next_timer=next_timer, count=count)
            except EventTargetGone:
                break


def frame_timer(screen: Screen[Any]) -> Timer:
    """A screen's frame timer (``Screen._update_timer``) as an :class:`OnTimeTimer`, made the
    way ``Screen._update_timer`` and ``MessagePump.set_interval`` make Textual's: calling
    ``Screen._on_timer_update``, started paused, and in the screen's timers, so it stops
    when the screen closes."""
    timer = OnTimeTimer(screen, UPDATE_PERIOD, name="screen_update", callback=screen._on_timer_update, repeat=None, pause=True)
    timer._start()
    screen._timers.add(timer)
    return timer
