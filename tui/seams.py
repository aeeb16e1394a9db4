"""What screens and widgets may ask of the app they run in, as types.

Screens and widgets sit below the apps (cli → apps → screens → widgets) and must not import
them; a screen that called ``self.app.open_meeting(...)`` needed a ``type: ignore`` because
Textual types ``self.app`` as any ``App``. They call :func:`any_app` or :func:`main_app`
instead: the protocol names every method they use, and mypy checks each call against it
(tandem's apps are checked against the protocols in ``tests/test_seams.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, cast

from textual.dom import DOMNode


class AnyApp(Protocol):
    """Every tandem app (home and meetings, review, follow): :class:`~tandem.tui.base_app.BaseApp`."""

    def copy_with_notice(self, text: str, what: str) -> None: ...


class MainApp(AnyApp, Protocol):
    """The app of ``tandem`` and ``tandem run``: home, meetings, shadow days, goals."""

    clock: Callable[[], datetime]

    def open_meeting(self, meeting_id: str) -> None: ...

    def open_shadow_day(self, day_id: str) -> None: ...

    def new_meeting(self, series_id: str | None = None) -> Any: ...

    def plan_shadow_day(self) -> Any: ...

    async def take_typed_keys(self) -> None: ...


def any_app(node: DOMNode) -> AnyApp:
    """The tandem app ``node`` runs in."""
    return cast(AnyApp, node.app)


def main_app(node: DOMNode) -> MainApp:
    """The main tandem app ``node`` runs in (its screens run in no other)."""
    return cast(MainApp, node.app)
