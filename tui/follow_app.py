"""``tandem follow``: a small app hosting the read-only follow screen.

Built by one factory shared by the command line and the tests, with an injectable clock
(the timers tick from it), like :func:`tandem.tui.app.create_app`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual.screen import Screen

from tandem.store.workspace import Workspace
from tandem.tui.base_app import BaseApp
from tandem.tui.screens.follow import FOLLOW_TCSS, FollowScreen

if TYPE_CHECKING:
    from textual.app import CSSPathType

Clock = Callable[[], datetime]


class FollowApp(BaseApp):
    # follow.tcss is the follow screen's (Textual skips the CSS_PATH of a default screen);
    # forms.tcss styles the help dialog.
    CSS_PATH: ClassVar[CSSPathType] = ["forms.tcss", FOLLOW_TCSS]
    TITLE = "tandem follow"

    def __init__(self, workspace: Workspace, meeting_id: str, *, clock: Clock = datetime.now) -> None:
        super().__init__()
        self.workspace = workspace
        self.meeting_id = meeting_id
        self.clock = clock

    def get_default_screen(self) -> Screen:
        return FollowScreen(self.workspace, self.meeting_id, clock=self.clock)


def create_follow_app(workspace: Workspace, meeting_id: str, *, clock: Clock = datetime.now) -> FollowApp:
    """The one way to build the follow app (CLI, tests, screenshots)."""
    return FollowApp(workspace, meeting_id, clock=clock)
