"""What every review pane shares: it is handed the loaded rows, and can ask for minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.containers import Vertical
from textual.message import Message

from tandem.store.review_model import ReviewData


@dataclass
class OpenMinutes(Message):
    """Show a meeting's minutes, finding ``find`` in them if given."""

    meeting_id: str
    find: str = ""


class ReviewPane(Vertical):
    """A tab of the review screen. Panes are mounted lazily, so each one also fills itself
    from the screen's rows when it arrives after them."""

    def on_mount(self) -> None:
        data = getattr(self.screen, "data", None)
        if data is not None:
            self.show(data, self.screen.today)  # type: ignore[attr-defined]

    def show(self, data: ReviewData, today: date) -> None:
        raise NotImplementedError
