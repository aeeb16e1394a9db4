"""``tandem review``: the read-only app, built by one factory for the command line and tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from tandem.store.review.model import ReviewSource
from tandem.tui.autosync import AutoSync
from tandem.tui.base_app import BaseApp
from tandem.tui.screens.review import ReviewScreen

if TYPE_CHECKING:
    from textual.app import CSSPathType


class ReviewApp(BaseApp):
    CSS_PATH: ClassVar[CSSPathType] = ["tandem.tcss", "forms.tcss", "screens/review.tcss", "screens/minutes.tcss"]
    TITLE = "tandem review"

    def __init__(self, source: ReviewSource, *, today: date | None = None, notice: str = "") -> None:
        super().__init__()
        self.source = source
        self.today = today or date.today()
        self.notice = notice
        self.sub_title = f"{source.label} · read-only"
        #: A workspace shared through git takes the team's changes as review opens
        #: (config.toml's [sync] on_start); a folder of minutes has nothing to sync.
        self.autosync: AutoSync | None = None
        # Asked of the source rather than an isinstance of WorkspaceSource: importing it
        # costs `tandem review --minutes` 0.1 s for nothing.
        home = getattr(getattr(source, "workspace", None), "home", None)
        if isinstance(home, Path):
            self.autosync = AutoSync(self, home, self.settings.sync, received=self._synced)

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(self.source, today=self.today))
        if self.notice:
            self.notify(self.notice, timeout=15, markup=False)
        if self.autosync is not None:
            self.autosync.request("start")

    def _synced(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen):
                screen.reload_changed()


def create_review_app(source: ReviewSource, *, today: date | None = None, notice: str = "") -> ReviewApp:
    return ReviewApp(source, today=today, notice=notice)
