"""The base of every tandem screen: dismissed once, and honest about type-ahead.

Dismissing twice. A key and a worker can both dismiss a screen (Esc while its save
finishes; a second Esc typed ahead before the first took effect). Textual then calls the
result callback twice — ``InvalidStateError: invalid state`` from the future of
``push_screen_wait`` — and pops the screen *underneath* as well. Here a second dismiss, or
a dismiss of a screen that is no longer in front, does nothing.

Type-ahead. ``ACCEPTS_TYPEAHEAD = False`` marks a question nobody should answer before
seeing it (a yes/no confirmation, ending a meeting): keys typed before it appeared, and
keys of a burst still going on, are set aside (see :mod:`tandem.tui.typeahead`).

The tinted meeting behind a dialog. A dialog is drawn over the screen that opened it,
tinted. Textual re-tints every styled span of that screen on each repaint of the dialog's
background, working out the blended colours anew each time: 15,000 spans and 25 ms per
repaint of a live meeting, three repaints per form opened — half the time a form took to
open. The spans of a screen share a few dozen styles, so each style's tint is worked out
once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Generic, TypeVar, cast

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.await_complete import AwaitComplete
from textual.color import Color
from textual.message_pump import MessagePump
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen, Screen
from textual.timer import Timer

from tandem.tui.textual_private import frame_timer

ResultType = TypeVar("ResultType")


def from_worker(node: MessagePump, callback: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    """From a thread worker, run ``callback`` on the UI thread — if ``node`` (the screen or
    widget the result is for) is still there. A worker that finishes after its screen was
    closed (Esc while it loaded, the app quitting) then does nothing, instead of querying
    widgets that are gone (NoMatches) or waiting on an event loop that has stopped."""

    def if_still_there() -> None:
        if node.is_attached and node.is_running:
            callback(*args, **kwargs)

    if not node.is_attached:
        return
    try:
        node.app.call_from_thread(if_still_there)
    except RuntimeError:  # the app's event loop is gone: nobody to show it to
        pass


class _Guarded:
    #: False: this screen takes only keys pressed after it appeared, once typing paused.
    ACCEPTS_TYPEAHEAD: ClassVar[bool] = True

    #: When the screen was mounted (time.monotonic), for the type-ahead gate.
    shown_at: float = 0.0
    _dismissed: bool = False

    # Textual calls the handler of each class of the MRO in turn: these add to Screen's.
    def _on_mount(self, event: events.Mount) -> None:
        self.shown_at = time.monotonic()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        self._dismissed = False

    def dismiss(self, result: object = None) -> AwaitComplete:
        if self._dismissed or not self.is_active:  # type: ignore[attr-defined]
            return AwaitComplete(asyncio.sleep(0))
        self._dismissed = True
        return super().dismiss(result)  # type: ignore[misc]


class TandemScreen(_Guarded, Screen[ResultType], Generic[ResultType]):
    """A full screen of tandem."""


class OnTimeFrames:
    """For a screen judged by key latency (the live meeting's lead table, the rep's): it
    draws with a frame timer that goes on to the next slot after a late frame
    (``textual_private.OnTimeTimer``), so a key's frame is not held back 17-33 ms by the
    frame drawn before it. Not every screen's: frames drawn sooner also take the interpreter
    from the workers behind them (review's search, run while its full load reads, was
    slower). Put it before :class:`TandemScreen` in the bases."""

    #: The frame timer, made on first use as Screen makes its own.
    _frame_timer: Timer | None = None

    @property
    def _update_timer(self) -> Timer:
        if self._frame_timer is None:
            self._frame_timer = frame_timer(cast("Screen[Any]", self))
        return self._frame_timer


class TintedScreen(BackgroundScreen):
    """Textual's tinted background screen, each style's tint worked out once."""

    #: (style, tint) → the tinted style. Bounded: a theme change brings new styles.
    _tinted: ClassVar[dict[tuple[Style | None, Color], Style]] = {}
    _LIMIT = 4096

    @classmethod
    def process_segments(cls, segments: Iterable[Segment], color: Color) -> Iterable[Segment]:
        tinted = cls._tinted
        if len(tinted) > cls._LIMIT:
            tinted.clear()
        for segment in segments:
            text, style, control = segment
            if control:
                yield segment
                continue
            new_style = tinted.get((style, color))
            if new_style is None:
                # Textual's own tint, for this one style.
                (tinted_segment,) = super().process_segments([Segment(" ", style)], color)
                new_style = tinted[(style, color)] = tinted_segment.style or Style()
            yield Segment(text, new_style, control)


class TandemModal(_Guarded, ModalScreen[ResultType], Generic[ResultType]):
    """A dialog or form of tandem, over the screen that opened it."""

    def render(self) -> RenderableType:
        renderable = super().render()
        if type(renderable) is BackgroundScreen:
            return TintedScreen(renderable.screen, renderable.color)
        return renderable
