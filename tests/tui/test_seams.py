"""The protocols screens use to reach their app (tui/seams.py) are what the apps are:
a method a screen calls through them exists, with the same parameters."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.workspace import Workspace
from tandem.tui.app import create_app
from tandem.tui.follow_app import create_follow_app
from tandem.tui.review_app import create_review_app
from tandem.tui.screens.goals import GoalsScreen
from tandem.tui.screens.home import HomeScreen
from tandem.tui.screens.live import LiveScreen
from tandem.tui.screens.minutes import MinutesScreen
from tandem.tui.screens.review import ReviewScreen
from tandem.tui.screens.shadow import ShadowScreen
from tandem.tui.seams import AnyApp, HoldsTyping, MainApp, OffersCommands, help_group


def _members(protocol: type) -> set[str]:
    own = set(getattr(protocol, "__annotations__", {})) | {n for n, v in vars(protocol).items() if callable(v) and not n.startswith("_")}
    for base in protocol.__mro__[1:]:
        if getattr(base, "_is_protocol", False) and base is not protocol:
            own |= _members(base)
    return own


def _conforms(app: Any, protocol: type) -> None:
    for name in _members(protocol):
        assert hasattr(app, name), f"{type(app).__name__} has no {name} ({protocol.__name__})"
        wanted = getattr(protocol, name, None)
        if inspect.isfunction(wanted):
            have = list(inspect.signature(getattr(app, name)).parameters)
            assert have == list(inspect.signature(wanted).parameters)[1:], f"{type(app).__name__}.{name}{have}"


def test_the_main_app_is_what_its_screens_ask_for(tmp_path: Path) -> None:
    assert {"clock", "open_meeting", "new_meeting", "copy_with_notice"} <= _members(MainApp)
    _conforms(create_app(Workspace(tmp_path / "ws")), MainApp)


@pytest.mark.parametrize("kind", ["review", "follow"])
def test_every_app_is_what_shared_screens_ask_for(tmp_path: Path, kind: str) -> None:
    ws = Workspace(tmp_path / "ws")
    app = create_review_app(WorkspaceSource(ws.home)) if kind == "review" else create_follow_app(ws, "m")
    _conforms(app, AnyApp)


def test_screen_protocols_are_declared_by_the_screens_that_need_them() -> None:
    for screen in (HomeScreen, LiveScreen, GoalsScreen, MinutesScreen, ReviewScreen, ShadowScreen):
        assert issubclass(screen, OffersCommands), screen
    for screen in (LiveScreen, ShadowScreen):
        assert issubclass(screen, HoldsTyping), screen
    assert not issubclass(HomeScreen, HoldsTyping)


def test_help_groups_come_from_the_class() -> None:
    assert help_group(HomeScreen.__new__(HomeScreen)) == "Home"
    assert help_group(object.__new__(type("Plain", (), {}))) is None
