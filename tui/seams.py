"""What screens and widgets may ask of the app they run in, as types.

Screens and widgets sit below the apps (cli → apps → screens → widgets) and must not import
them; a screen that called ``self.app.open_meeting(...)`` needed a ``type: ignore`` because
Textual types ``self.app`` as any ``App``. They call :func:`any_app` or :func:`main_app`
instead: the protocol names every method they use, and mypy checks each call against it
(tandem's apps are checked against the protocols in ``tests/tui/test_seams.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, cast, runtime_checkable

from textual.dom import DOMNode

from tandem.store.config import Config


class AnyApp(Protocol):
    """Every tandem app (home and meetings, review, follow): :class:`~tandem.tui.base_app.BaseApp`."""

    #: config.toml as in effect.
    settings: Config

    def copy_with_notice(self, text: str, what: str) -> None: ...


class MainApp(AnyApp, Protocol):
    """The app of ``tandem`` and ``tandem run``: home, meetings, shadow days, goals."""

    clock: Callable[[], datetime]

    def open_meeting(self, meeting_id: str, *, amend: bool = False, take_over: bool = False) -> None: ...

    def open_shadow_day(self, day_id: str) -> None: ...

    def new_meeting(self, series_id: str | None = None) -> Any: ...

    def plan_shadow_day(self) -> Any: ...

    async def take_typed_keys(self) -> None: ...

    def sync_after_meeting(self) -> None: ...


#: A command of the palette: title, action, what it does.
PaletteCommand = tuple[str, str, str]


@runtime_checkable
class OffersCommands(Protocol):
    """A screen whose own commands head the command palette (tui/commands.py), written for
    the palette rather than taken from its bindings."""

    def palette_commands(self) -> list[PaletteCommand]: ...


@runtime_checkable
class HoldsTyping(Protocol):
    """A screen with an editor whose text is saved on a debounce: before the app quits or
    ends a meeting, the words on screen are handed to the store at once."""

    def sync_notes(self) -> None: ...


def help_group(node: DOMNode) -> str | None:
    """Where help lists ``node``'s keys (its ``HELP_GROUP`` class attribute), or None: a
    widget without one has no keys of its own worth a heading."""
    group = getattr(type(node), "HELP_GROUP", None)
    return group if isinstance(group, str) and group else None


def any_app(node: DOMNode) -> AnyApp:
    """The tandem app ``node`` runs in."""
    return cast(AnyApp, node.app)


def main_app(node: DOMNode) -> MainApp:
    """The main tandem app ``node`` runs in (its screens run in no other)."""
    return cast(MainApp, node.app)
