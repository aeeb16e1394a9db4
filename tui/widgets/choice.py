"""A one-line choice for the capture forms: the current option and ▼, its list on demand.

Textual's :class:`~textual.widgets.Select` is six widgets, one of them the list of every
option, built and styled with the form whether or not anyone opens it. A lead-feedback form
has four: they were a third of the time it took to open. :class:`Choice` is one widget that
draws itself; its list is a small screen of its own, built when it is opened (enter, space,
↑ or ↓, or a click). A letter picks the next option that starts with it, as in a native
drop-down.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tandem.tui.screen_base import TandemModal

V = TypeVar("V", bound=Hashable)

#: Letters typed within this long of each other search together ("de" → "demo booked").
SEARCH_RESET_S = 0.7


@dataclass(frozen=True)
class Picked(Generic[V]):
    """What the list returns: the option chosen (``None``: the blank one)."""

    value: V | None


def find(prompts: Sequence[str], query: str, start: int) -> int | None:
    """The first option from ``start`` on (wrapping) whose prompt starts with ``query``,
    else the first that contains it; ``None`` if none does. Case does not matter."""
    query = query.casefold()
    if not query or not prompts:
        return None
    order = [(start + n) % len(prompts) for n in range(len(prompts))]
    for test in (str.startswith, str.__contains__):
        for index in order:
            if test(prompts[index].casefold(), query):
                return index
    return None


def _search_character(event: events.Key) -> str | None:
    """The letter (or digit, or sign) a key searches the options with; None for other keys
    and for space, which opens the list."""
    return event.character if event.character is not None and event.is_printable and event.character != " " else None


class _Search:
    """Letters typed in quick succession, as one query: ``de`` stays on the option ``d``
    found and narrows; ``d`` again (or ``ddd``) moves on to the next option starting
    with d."""

    def __init__(self) -> None:
        self.query = ""
        self.at = 0.0

    def step(self, character: str, prompts: Sequence[str], current: int) -> int | None:
        now = time.monotonic()
        going_on = bool(self.query) and now - self.at < SEARCH_RESET_S
        self.at = now
        if going_on and set(self.query) != {character.casefold()}:
            self.query += character.casefold()
            return find(prompts, self.query, current)
        # A new search, or the same letter again: the next option starting with it.
        self.query = character.casefold() if not going_on else self.query + character.casefold()
        return find(prompts, character, current + 1)


class ChoiceList(TandemModal[Picked[V] | None], Generic[V]):
    """The options of a :class:`Choice`, under it (or above it, near the bottom)."""

    DEFAULT_CSS = """
    ChoiceList {
        background: transparent;
        align: left top;
    }
    ChoiceList > OptionList {
        width: auto;
        height: auto;
        max-height: 12;
        border: tall $border;
        background: $surface;
        padding: 0;
        constrain: inside inside;
    }
    ChoiceList > OptionList > .option-list--option {
        padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Keep", tooltip="Close the list and keep the choice as it was", id="choice.cancel"),
    ]

    def __init__(self, options: Sequence[tuple[str, V | None]], current: int, under: tuple[int, int, int]) -> None:
        super().__init__()
        self.options = list(options)
        self.current = current
        #: x, y and width of the choice the list belongs to, on the screen.
        self.under = under
        self._search = _Search()

    def compose(self) -> ComposeResult:
        yield OptionList(
            *(Option(Text(prompt, style="dim") if value is None else Text(prompt)) for prompt, value in self.options),
            id="choice-options",
        )

    def on_mount(self) -> None:
        # Inline: the dialogs' style sheet centres every modal screen, and an app's style
        # sheet outranks a widget's default CSS.
        self.styles.align = ("left", "top")
        listing = self.query_one(OptionList)
        x, y, width = self.under
        rows = min(len(self.options), 10) + 2  # the border
        below = y + 1
        top = below if below + rows <= self.size.height or y - rows < 0 else y - rows
        listing.styles.offset = (x, top)
        listing.styles.min_width = width
        listing.styles.max_width = max(width, self.size.width - x)
        listing.highlighted = self.current if self.options else None
        listing.focus()

    def on_key(self, event: events.Key) -> None:
        character = _search_character(event)
        if character is None:
            return
        event.stop()
        listing = self.query_one(OptionList)
        index = self._search.step(character, [prompt for prompt, _ in self.options], listing.highlighted or 0)
        if index is not None:
            listing.highlighted = index

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(Picked(self.options[event.option_index][1]))

    def on_click(self, event: events.Click) -> None:
        if event.widget is self:  # outside the list: as Esc
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Choice(Widget, Generic[V], can_focus=True):
    """One of a fixed list of options, in one line: the option (or the prompt, dimmed,
    when blank) and ▼. Looks as Textual's compact Select does."""

    DEFAULT_CSS = """
    Choice {
        width: 1fr;
        height: 1;
        padding: 0 1 0 0;
        color: $foreground;
        background: $surface;
        pointer: pointer;
    }
    Choice:focus {
        background-tint: $foreground 5%;
    }
    Choice:ansi {
        background: ansi_default;
        color: ansi_default;
    }
    Choice > .choice--blank, Choice > .choice--arrow {
        color: $foreground 50%;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"choice--blank", "choice--arrow"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space,down,up", "open", "Choose", show=False, tooltip="Open the list of options", id="choice.open"),
    ]

    value: reactive[V | None] = reactive(None, init=False)

    @dataclass
    class Changed(Message):
        """The chosen option changed (by the user, or by setting :attr:`value`)."""

        choice: Choice[Hashable]
        value: Hashable | None

        @property
        def control(self) -> Choice[Hashable]:
            return self.choice

    def __init__(
        self, options: Sequence[tuple[str, V]], *, value: V | None = None, allow_blank: bool = True, prompt: str = "(none)", id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.allow_blank = allow_blank
        self.prompt = prompt
        #: (prompt, value) of each option, the blank one first when blank is allowed.
        self.options: list[tuple[str, V | None]] = ([(prompt, None)] if allow_blank else []) + list(options)
        if not self.options:
            raise ValueError("A choice needs an option, or allow_blank.")
        self.set_reactive(Choice.value, self.validate_value(value if value is not None or allow_blank else self.options[0][1]))  # type: ignore[misc]  # the descriptor, not a value
        self._search = _Search()

    def validate_value(self, value: V | None) -> V | None:
        if not any(value == known for _, known in self.options):
            raise ValueError(f"{value!r} is not one of the options")
        return value

    def watch_value(self) -> None:
        self.post_message(self.Changed(self, self.value))  # type: ignore[arg-type]

    @property
    def index(self) -> int:
        return next(n for n, (_, known) in enumerate(self.options) if known == self.value)

    def is_blank(self) -> bool:
        return self.value is None

    def render(self) -> RenderableType:
        prompt = self.options[self.index][0]
        width = max(0, self.content_size.width - 2)  # " ▼"
        style = self.get_component_rich_style("choice--blank") if self.value is None else ""
        label = Text(prompt, style=style, no_wrap=True, overflow="ellipsis")
        label.truncate(width, overflow="ellipsis", pad=True)
        label.append(" ")
        label.append("▼", self.get_component_rich_style("choice--arrow"))
        return label

    def on_key(self, event: events.Key) -> None:
        character = _search_character(event)
        if character is None:
            return
        event.stop()
        index = self._search.step(character, [prompt for prompt, _ in self.options], self.index)
        if index is not None:
            self.value = self.options[index][1]

    def on_click(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        region = self.content_region
        self.app.push_screen(ChoiceList(self.options, self.index, (region.x, region.y, region.width)), self._list_closed)

    def _list_closed(self, picked: Picked[V] | None) -> None:
        if picked is not None:
            self.value = picked.value
