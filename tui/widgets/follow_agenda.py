"""What the follow view draws: its read-only agenda, and the list of records captured so far."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tandem.store.follow import active_item
from tandem.store.records import AgendaItem
from tandem.store.workspace import MeetingRecord
from tandem.tui.timefmt import clock_text
from tandem.tui.widgets.agenda import MARK


def agenda_line(number: int, item: AgendaItem, elapsed_s: float, *, will_not_fit: bool, width: int) -> Text:
    """One agenda line, as the live screen's sidebar shows it, using the whole width."""
    text = Text(no_wrap=True, overflow="ellipsis")
    style = {"active": "bold", "done": "dim", "skipped": "dim strike", "parked": "dim italic"}.get(item.status, "")
    text.append(f"{MARK.get(item.status, ' ')} ", style="bold" if item.status == "active" else "dim")
    timing = f"{clock_text(elapsed_s)}/{item.timebox_min}m" if elapsed_s >= 1 else f"{item.timebox_min}m"
    warn = " ⚠" if will_not_fit else ""
    title_width = max(4, width - 2 - 1 - cell_len(timing) - cell_len(warn))
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
    return text


#: Short names of record kinds for the "captured so far" list (it must fit 80 columns).
KIND_LABEL = {
    "decision": "Decision",
    "action": "Action",
    "lead_feedback": "Lead",
    "insight": "Insight",
    "content": "Content",
    "objective": "Objective",
    "parked": "Parked",
}


class CapturedLines:
    """The "captured so far" list as a Rich renderable: one entry per record (agenda item
    number, kind, text), the text wrapped under itself at whatever width it is drawn."""

    def __init__(self, rows: list[tuple[str, str, str, bool]]) -> None:
        self.rows = rows  # (item number, kind label, text, under the item shown?)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        label_width = max((len(kind) for _, kind, _, _ in self.rows), default=0)
        indent = 3 + label_width + 1
        text_width = max(8, options.max_width - indent)
        for where, kind, text, here in self.rows:
            head = Text(no_wrap=True)
            head.append(f"{where:>2} ", style="dim")
            head.append(f"{kind:<{label_width}} ", style="bold" if here else "dim bold")
            body = Text(text, style="" if here else "dim")  # literal: never markup
            for n, line in enumerate(body.wrap(console, text_width)):
                out = head.copy() if n == 0 else Text(" " * indent, no_wrap=True)
                out.append_text(line)
                out.no_wrap = True
                out.end = "\n"
                yield out


class FollowAgenda(OptionList):
    """The agenda, read-only. Moving through it stops following the current item."""

    HELP_GROUP = "Agenda"

    class Browsed(Message):
        """The person moved the highlight themselves (keys, not a refresh)."""

    _shown: tuple[MeetingRecord, dict[str, float], set[str]] | None = None

    def on_resize(self) -> None:
        # Lines are cut to the width: cut them again (the next tick moves the timer on).
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, record: MeetingRecord, elapsed: dict[str, float], will_not_fit: set[str]) -> None:
        """Rebuild the options, keeping the highlight on the same item."""
        self._shown = (record, elapsed, will_not_fit)
        highlighted = self.highlighted_item_id
        width = self._prompt_width()
        self.clear_options()
        self.add_options(
            Option(agenda_line(n, item, elapsed.get(item.id, item.elapsed_s), will_not_fit=item.id in will_not_fit, width=width), id=item.id)
            for n, item in enumerate(record.agenda, start=1)
        )
        ids = [item.id for item in record.agenda]
        if highlighted in ids:
            self.highlighted = ids.index(highlighted)
        elif ids:
            active = active_item(record)
            self.highlighted = ids.index(active.id) if active is not None else 0

    def update_item(self, number: int, item: AgendaItem, elapsed_s: float, *, will_not_fit: bool) -> None:
        """One line again (the active item's timer, every second), nothing else touched."""
        try:
            self.replace_option_prompt(item.id, agenda_line(number, item, elapsed_s, will_not_fit=will_not_fit, width=self._prompt_width()))
        except Exception:  # noqa: BLE001 - not there (yet): the next rebuild shows it
            pass

    def _prompt_width(self) -> int:
        # Inside the border, the padding and the scrollbar (a long agenda has one).
        return max(16, self.scrollable_content_region.width or self.size.width or 30)

    @property
    def highlighted_item_id(self) -> str | None:
        if self.highlighted is None or self.option_count == 0:
            return None
        return self.get_option_at_index(self.highlighted).id

    def highlight_item(self, item_id: str) -> None:
        try:
            self.highlighted = self.get_option_index(item_id)
        except Exception:  # noqa: BLE001 - no such option
            pass

    # The list's own movement keys: after moving, say that the person is browsing.
    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self.post_message(self.Browsed())

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self.post_message(self.Browsed())

    def action_first(self) -> None:
        super().action_first()
        self.post_message(self.Browsed())

    def action_last(self) -> None:
        super().action_last()
        self.post_message(self.Browsed())

    def action_page_up(self) -> None:
        super().action_page_up()
        self.post_message(self.Browsed())

    def action_page_down(self) -> None:
        super().action_page_down()
        self.post_message(self.Browsed())
