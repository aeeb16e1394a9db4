"""The Textual app, built by one factory shared by the command line and the tests."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from tandem import __version__
from tandem.store.workspace import Workspace
from tandem.tui.screens.home import HomeScreen


class TandemApp(App[None]):
    CSS_PATH = "tandem.tcss"
    TITLE = "tandem"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.quit_ctrl_c"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.sub_title = str(workspace.home)

    def on_mount(self) -> None:
        self.push_screen(HomeScreen(self.workspace))


def create_app(workspace: Workspace) -> TandemApp:
    """The one way to build the app (CLI, tests, screenshots)."""
    return TandemApp(workspace)


__all__ = ["TandemApp", "__version__", "create_app"]
