"""What the follow view draws: its read-only agenda, and the list of records captured so far."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.message import Message

from tandem.tui.widgets.agenda import AgendaLines

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


class FollowAgenda(AgendaLines):
    """The agenda, read-only. Moving through it stops following the current item."""

    HELP_GROUP = "Agenda"

    class Browsed(Message):
        """The person moved the highlight themselves (keys, not a refresh)."""

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
