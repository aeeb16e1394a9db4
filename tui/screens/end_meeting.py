"""Ending a meeting: the summary and a quick rating, then export or finalize on the spot."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from tandem.store.errors import TandemError
from tandem.store.live import EndSummary
from tandem.store.minutes.export import export_folder, export_one
from tandem.store.records import label
from tandem.store.workspace import Workspace
from tandem.tui.forms import FORMS_TCSS
from tandem.tui.screen_base import TandemModal
from tandem.tui.seams import any_app
from tandem.tui.widgets.footer import Footer


@dataclass(frozen=True)
class EndChoice:
    rating: int | None
    comment: str


def summary_table(summary: EndSummary) -> Table:
    table = Table(box=None, pad_edge=False, expand=True, header_style="bold")
    table.add_column("Item", ratio=1, overflow="ellipsis", no_wrap=True)
    table.add_column("Actual", justify="right")
    table.add_column("Timebox", justify="right")
    table.add_column("Status")
    for report in summary.items:
        over = report.over_min > 0 and report.actual_min > 0
        table.add_row(
            Text(report.item.title),
            Text(f"{report.actual_min} min", style="bold red" if over else ""),
            f"{report.item.timebox_min} min",
            label(report.item.status),
        )
    return table


class EndMeetingScreen(TandemModal[EndChoice | None]):
    """Only ctrl+s ends the meeting, and only once typing has paused since this appeared:
    no stray letter or Enter from a burst typed for something else can end it."""

    ACCEPTS_TYPEAHEAD = False
    CSS_PATH = FORMS_TCSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "rate(1)", "1", show=False, id="end.rate_1"),
        Binding("2", "rate(2)", "2", show=False, id="end.rate_2"),
        Binding("3", "rate(3)", "3", show=False, id="end.rate_3"),
        Binding("4", "rate(4)", "4", show=False, id="end.rate_4"),
        Binding("5", "rate(5)", "5", show=False, id="end.rate_5"),
        Binding("0", "rate(0)", "No rating", show=False, id="end.rate_none"),
        Binding("ctrl+s", "confirm", "End meeting", id="end.confirm"),
        Binding("escape", "cancel", "Keep going", id="end.cancel"),
    ]

    def __init__(self, summary: EndSummary) -> None:
        super().__init__()
        self.summary = summary
        self.rating: int | None = None

    def compose(self) -> ComposeResult:
        s = self.summary
        with Vertical(classes="dialog wide"):
            yield Static("End the meeting?", classes="dialog-title")
            with VerticalScroll(id="end-summary"):
                yield Static(Text(f"{s.elapsed_min} min of {s.planned_min} planned"), id="end-time")
                yield Static(summary_table(s))
                if s.not_covered:
                    names = ", ".join(f"{i.title} ({label(i.status)})" for i in s.not_covered)
                    yield Static(Text(f"Not covered: {names}", style="yellow"), id="end-not-covered")
                counts = " · ".join(f"{n} {name}" for name, n in s.counts.items())
                yield Static(Text(f"Captured: {counts}"), id="end-counts")
            # Rating, comment and keys stay on screen; the summary above scrolls if need be.
            with Vertical(classes="dialog-bottom"):
                yield Static(id="end-rating")
                yield Input(placeholder="One line on how it went (optional)", id="end-comment")
                yield Static("1–5  rate   tab  comment   ctrl+s  end meeting   esc  keep going", classes="dialog-keys")
        yield Footer()

    def on_mount(self) -> None:
        self._show_rating()
        self.query_one("#end-summary").focus()

    def _show_rating(self) -> None:
        stars = "★" * (self.rating or 0) + "☆" * (5 - (self.rating or 0))
        text = Text("Rate this meeting: ", style="bold")
        text.append(stars, style="yellow")
        text.append(f"  {self.rating}/5" if self.rating else "  (press 1–5, optional)", style="dim")
        self.query_one("#end-rating", Static).update(text)

    def action_rate(self, rating: int) -> None:
        self.rating = rating or None
        self._show_rating()

    def action_confirm(self) -> None:
        self.dismiss(EndChoice(self.rating, self.query_one("#end-comment", Input).value.strip()))

    @on(Input.Submitted, "#end-comment")
    def _enter_in_comment(self) -> None:
        self.notify("ctrl+s ends the meeting; esc keeps it going.", markup=False, timeout=4)

    def key_enter(self) -> None:
        if not isinstance(self.focused, Input):
            self.notify("ctrl+s ends the meeting; esc keeps it going.", markup=False, timeout=4)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MeetingEndedScreen(TandemModal[None]):
    ACCEPTS_TYPEAHEAD = False  # f finalizes: not on a letter typed before this appeared
    CSS_PATH = FORMS_TCSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "export", "Export minutes", id="ended.export"),
        Binding("f", "finalize", "Finalize", id="ended.finalize"),
        Binding("escape,enter", "done", "Done", id="ended.done"),
    ]

    def __init__(self, workspace: Workspace, meeting_id: str) -> None:
        super().__init__()
        self.workspace = workspace
        self.meeting_id = meeting_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Meeting ended", classes="dialog-title")
            yield Static(
                "Everything is saved. Export the minutes now, or finalize the meeting to lock it against edits.",
                markup=False,
            )
            yield Static(id="ended-result", markup=False)
            yield Static("x  export minutes      f  finalize      enter  done", classes="dialog-keys")
        yield Footer()

    def action_export(self) -> None:
        try:
            path = export_one(self.workspace, self.meeting_id, export_folder(self.workspace, any_app(self).settings.export_dir))
        except (TandemError, OSError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.query_one("#ended-result", Static).update(f"Minutes written to {path}")
        self.app.copy_to_clipboard(str(path))

    @work(group="lifecycle")
    async def action_finalize(self) -> None:
        from tandem.store.minutes.export import reexport_if_exported

        folder = export_folder(self.workspace, any_app(self).settings.export_dir)

        def finalize() -> Path | None:
            # Off the UI thread: re-exporting names the file from every meeting's header.
            self.workspace.set_finalized(self.meeting_id, True)
            return reexport_if_exported(self.workspace, self.meeting_id, folder)

        try:
            again = await asyncio.to_thread(finalize)
        except (TandemError, OSError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        written = f" Its minutes in {again} say so." if again else ""
        self.query_one("#ended-result", Static).update(f"Finalized: the meeting is now read-only.{written}")

    def action_done(self) -> None:
        self.dismiss(None)
