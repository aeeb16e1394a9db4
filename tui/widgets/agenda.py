"""The agenda as lines: one renderer and one list for the live sidebar and the follow view.

``AgendaList`` is the live meeting's sidebar. Its single-letter facilitation keys live
here, so they work whenever the agenda has focus and never steal letters typed into the
notes.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from tandem.store.records import AgendaItem
from tandem.tui.timefmt import clock_text
from tandem.tui.widgets.click_again import ClickAgainToOpen

MARK = {"pending": "·", "active": "▶", "done": "✓", "skipped": "–", "parked": "P"}


def agenda_line(number: int, item: AgendaItem, elapsed_s: float, *, will_not_fit: bool, width: int, timer: bool = True, flagged: bool = False) -> Text:
    """One agenda line (the live sidebar's and the follow view's): mark, number and title,
    then the item's time against its timebox, in ``width`` cells (from about 20 cells up;
    narrower, the title keeps 4 cells and the end of the line is cut).

    ``timer=False`` leaves the time out (a very narrow sidebar: the titles need the room).
    ``flagged``: a sync kept two values of a field of the item or of a record under it (⚑;
    the live screen says so in words).
    """
    text = Text(no_wrap=True, overflow="ellipsis")
    style = {"active": "bold", "done": "dim", "skipped": "dim strike", "parked": "dim italic"}.get(item.status, "")
    text.append(f"{MARK.get(item.status, ' ')} ", style="bold" if item.status == "active" else "dim")
    timing = "" if not timer else f"{clock_text(elapsed_s)}/{item.timebox_min}m" if elapsed_s >= 1 else f"{item.timebox_min}m"
    warn = " ⚠" if will_not_fit else ""
    flag = " ⚑" if flagged else ""
    title_width = max(4, width - 2 - 1 - cell_len(timing) - cell_len(warn) - cell_len(flag))
    # Cut and padded in cells, not characters: a wide title (emoji, CJK) must not push the
    # timer off the line.
    title = Text(f"{number}. {item.title}", style=style)
    title.truncate(title_width, overflow="ellipsis", pad=True)
    text.append_text(title)
    over = item.status == "active" and elapsed_s > item.timebox_min * 60
    text.append(" ")
    text.append(timing, style="bold red" if over else ("yellow" if will_not_fit else "dim"))
    if warn:
        text.append(warn, style="yellow")
    if flag:
        text.append(flag, style="bold magenta")
    return text


class AgendaLines(OptionList):
    """An agenda as a list of lines, one per item, the highlight kept on the same item
    across rebuilds. The live sidebar and the follow view are both one."""

    #: Below this width the lines leave the time out.
    TIMER_MIN_WIDTH = 0

    _shown: tuple[list[AgendaItem], dict[str, float], set[str], frozenset[str]] | None = None

    def on_resize(self) -> None:
        # Lines are cut to the width: cut them again.
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, items: list[AgendaItem], elapsed: dict[str, float], will_not_fit: set[str], flagged: frozenset[str] = frozenset()) -> None:
        """Rebuild the options, keeping the highlight on the same item (else on the active
        one). ``flagged``: the items marked ⚑ (see :func:`agenda_line`)."""
        self._shown = (items, elapsed, will_not_fit, flagged)
        highlighted = self.highlighted_item_id
        self.clear_options()
        self.add_options(
            Option(self._line(n, item, elapsed.get(item.id, item.elapsed_s), item.id in will_not_fit, item.id in flagged), id=item.id)
            for n, item in enumerate(items, start=1)
        )
        ids = [item.id for item in items]
        if highlighted in ids:
            self.highlighted = ids.index(highlighted)
        elif ids:
            self.highlighted = next((n for n, item in enumerate(items) if item.status == "active"), 0)

    def update_item(self, number: int, item: AgendaItem, elapsed_s: float, *, will_not_fit: bool) -> None:
        """One line again (the active item's timer, every second), nothing else touched."""
        try:
            flagged = self._shown is not None and item.id in self._shown[3]
            self.replace_option_prompt(item.id, self._line(number, item, elapsed_s, will_not_fit, flagged))
        except OptionDoesNotExist:  # not there (yet): the next rebuild shows it
            pass

    def _line(self, number: int, item: AgendaItem, elapsed_s: float, will_not_fit: bool, flagged: bool = False) -> Text:
        # Inside the border, the padding and the scrollbar (a long agenda has one).
        width = max(10, self.scrollable_content_region.width or self.size.width or 30)
        return agenda_line(number, item, elapsed_s, will_not_fit=will_not_fit, width=width, timer=width >= self.TIMER_MIN_WIDTH, flagged=flagged)

    @property
    def highlighted_item_id(self) -> str | None:
        if self.highlighted is None or self.option_count == 0:
            return None
        return self.get_option_at_index(self.highlighted).id

    def highlight_item(self, item_id: str) -> None:
        try:
            self.highlighted = self.get_option_index(item_id)
        except OptionDoesNotExist:
            pass


class AgendaList(ClickAgainToOpen, AgendaLines):
    HELP_GROUP = "Agenda"
    #: A very narrow sidebar gives its titles the room: the item pane beside it has the timer.
    TIMER_MIN_WIDTH = 24
    CLICK_ACTION = "screen.jump"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.jump", "Go to", show=False, tooltip="Make the highlighted item the active one", id="live.jump"),
        Binding("n", "screen.next_item", "Next", tooltip="Mark the active item done and move to the next", id="live.next"),
        Binding("p", "screen.previous_item", "Previous", show=False, tooltip="Back to the item before", id="live.previous"),
        Binding("s", "screen.skip", "Skip", tooltip="Skip the highlighted item", id="live.skip"),
        Binding("k", "screen.park", "Park", tooltip="Park the highlighted item for the next meeting (again: unpark)", id="live.park"),
        Binding("a", "screen.add_item", "Add", show=False, tooltip="Add an item after the active one", id="live.add_item"),
        Binding("shift+up,left_square_bracket", "screen.move(-1)", "Move up", show=False, tooltip="Move the highlighted item up", id="live.move_up"),
        Binding("shift+down,right_square_bracket", "screen.move(1)", "Move down", show=False, tooltip="Move the highlighted item down", id="live.move_down"),
        Binding("plus,equals_sign", "screen.extend", "+5m", tooltip="Extend the active item's timebox by 5 minutes", id="live.extend"),
        Binding("space", "screen.toggle_pause", "Pause", tooltip="Pause or resume the meeting clock", id="live.pause"),
        Binding("e", "screen.end_meeting", "End", tooltip="End the meeting: summary, rating, export", id="live.end"),
        Binding("e", "screen.amend_outcome", "People & rating", tooltip="After the meeting: who was there, who facilitated, its rating", id="amend.outcome"),
        Binding("i,tab", "screen.edit_notes", "Notes", show=False, tooltip="Back to the notes of the active item", id="live.edit_notes"),
        Binding("q", "screen.leave", "Home", tooltip="Save and go back to the home screen", id="live.leave"),
        Binding("o", "screen.capture('objective')", "Objective", show=False, tooltip="Capture: an objective, or a check-in", id="capture.objective"),
        Binding("l", "screen.capture('lead_feedback')", "Lead", show=False, tooltip="Capture: lead feedback", id="capture.lead_feedback"),
        Binding("v", "screen.capture('insight')", "Insight", show=False, tooltip="Capture: a prospect insight (voice of the prospect)", id="capture.insight"),
        Binding("c", "screen.capture('content')", "Content", show=False, tooltip="Capture: a content item, or a status change", id="capture.content"),
        Binding("d", "screen.capture('decision')", "Decision", show=False, tooltip="Capture: a decision", id="capture.decision"),
        Binding("t", "screen.capture('action')", "Action", show=False, tooltip="Capture: an action item", id="capture.action"),
        Binding("u", "screen.undo", "Undo", show=False, tooltip="Undo the last capture, edit or delete of this session", id="capture.undo"),
    ]
