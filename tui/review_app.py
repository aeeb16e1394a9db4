"""``tandem review``: the read-only app, built by one factory for the command line and tests."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from tandem.store.review.model import ReviewSource
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

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(self.source, today=self.today))
        if self.notice:
            self.notify(self.notice, timeout=15, markup=False)


def create_review_app(source: ReviewSource, *, today: date | None = None, notice: str = "") -> ReviewApp:
    return ReviewApp(source, today=today, notice=notice)
