"""MinutesView: a fast, virtualised viewer for Markdown minutes (Textual's Line API).

Textual's own ``MarkdownViewer`` mounts a widget per block and needs 10-12 s for the
minutes of a 100-item meeting. This viewer keeps the document as a flat list of wrapped
lines and only turns the lines on screen into ``Strip``s:

1. the source is cut into sections at top-level ATX headings (outside fences), so the
   first screen can be shown after parsing the first sections only;
2. each section is parsed with markdown-it-py and converted into :class:`Block`\\ s:
   headings, paragraphs (Rich ``Text`` with bold / italic / code / strike / link spans),
   list items (nesting, numbers, task boxes), code, rules and tables;
3. blocks are wrapped to the widget's width as *offset ranges* into their text (cheap,
   redone on resize); the ``Strip`` of a line is built when it is first drawn and cached.

User text is always shown literally: nothing is read as Rich or Textual markup, and
ANSI sequences and control characters are removed. Conversion never raises: a section
markdown-it cannot handle is shown as plain text.

Styles come from component classes (``minutes-view--h2``, ``minutes-view--code``…), so
themes and ``.tcss`` files can change them.
"""

from __future__ import annotations

import asyncio
import io
import time
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Console
from rich.style import Style
from rich.text import Span, Text
from rich.theme import Theme
from textual import work
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tandem.tui.widgets.minutes_markdown import Heading, Match, MinutesDocument

__all__ = ["MinutesView"]

_COMPONENTS = {
    "h1": "md.h1",
    "h1-rule": "md.h1-rule",
    "h2": "md.h2",
    "h2-rule": "md.h2-rule",
    "h3": "md.h3",
    "h4": "md.h4",
    "code": "md.code",
    "code-block": "md.code-block",
    "link": "md.link",
    "marker": "md.marker",
    "task": "md.task",
    "task-done": "md.task-done",
    "quote": "md.quote",
    "rule": "md.rule",
    "table-header": "md.table-header",
    "table-border": "md.table-border",
    "dim": "md.dim",
}


class MinutesView(ScrollView, can_focus=True):
    """Markdown minutes, virtualised: only the lines on screen are rendered.

    ``MinutesView(markdown)`` shows the first screen after parsing only the first
    sections; the rest is parsed and wrapped in short slices on the event loop (posting
    :class:`MinutesView.Loaded` when done). Resizing re-wraps the same way, keeping the
    top line in place."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"minutes-view--{name}" for name in _COMPONENTS} | {
        "minutes-view--match",
        "minutes-view--match-current",
    }

    DEFAULT_CSS = """
    MinutesView {
        scrollbar-gutter: stable;
        overflow-x: hidden;
        padding: 0 1;
        & > .minutes-view--h1 { text-style: bold; color: $text-accent; }
        & > .minutes-view--h1-rule { color: $accent; }
        & > .minutes-view--h2 { text-style: bold; color: $text-primary; }
        & > .minutes-view--h2-rule { color: $primary 50%; }
        & > .minutes-view--h3 { text-style: bold; color: $text-secondary; }
        & > .minutes-view--h4 { text-style: bold italic; }
        & > .minutes-view--code { color: $text-success; background: $success 10%; }
        & > .minutes-view--code-block { color: $text-success; }
        & > .minutes-view--link { color: $text-accent; text-style: underline; }
        & > .minutes-view--marker { color: $text-muted; }
        & > .minutes-view--task { color: $text-warning; }
        & > .minutes-view--task-done { color: $text-success; }
        & > .minutes-view--quote { color: $text-muted; }
        & > .minutes-view--rule { color: $text-muted; }
        & > .minutes-view--table-header { text-style: bold; }
        & > .minutes-view--table-border { color: $text-muted; }
        & > .minutes-view--dim { color: $text-muted; }
        & > .minutes-view--match { background: $warning 40%; }
        & > .minutes-view--match-current { background: $warning; color: $background; text-style: bold; }
    }
    """

    #: Work done per slice of background loading before yielding to the event loop.
    SLICE_SECONDS: ClassVar[float] = 0.008
    #: How often the scrollable height grows while the rest is loading.
    GROW_SECONDS: ClassVar[float] = 0.1

    @dataclass
    class Loaded(Message):
        """The whole document is parsed and wrapped (once per document)."""

        view: MinutesView
        headings: list[Heading]
        lines: int

        @property
        def control(self) -> MinutesView:
            return self.view

    @dataclass
    class FindResult(Message):
        """A find ran or moved: ``current`` is 0-based, None when nothing matches."""

        view: MinutesView
        query: str
        count: int
        current: int | None

        @property
        def control(self) -> MinutesView:
            return self.view

    @dataclass
    class SectionChanged(Message):
        """The section at the top of the view changed (index into ``headings``)."""

        view: MinutesView
        heading: int | None

        @property
        def control(self) -> MinutesView:
            return self.view

    def __init__(self, markdown: str = "", *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._document = MinutesDocument(markdown)
        self._strips: LRUCache[tuple[int, int], Strip] = LRUCache(1024)
        self._md_console: Console | None = None
        self._matches: list[Match] = []
        self._match_lines: dict[int, list[tuple[int, int, bool]]] = {}
        self._current: int | None = None
        self._query = ""
        self._section: int | None = None
        self._jumped: tuple[int, int] | None = None  # (heading, y) of the last jump_to
        self._loaded = asyncio.Event()
        self._pending_jump: int | None = None
        self._pending_end = False
        self._announced = False
        #: The current match was on screen when the width changed: it stays on screen.
        self._match_in_view = False
        self._height = 0  # the height of the view before this resize

    # --- public API -----------------------------------------------------------------------

    @property
    def document(self) -> MinutesDocument:
        return self._document

    @property
    def headings(self) -> list[Heading]:
        """The heading index (level, title, line at the current width)."""
        return self._document.headings()

    @property
    def loaded(self) -> bool:
        return self._document.complete and self._document.width > 0

    @property
    def line_count(self) -> int:
        return len(self._document.lines)

    @property
    def find_query(self) -> str:
        return self._query

    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def current_match(self) -> int | None:
        return self._current

    @property
    def current_section(self) -> int | None:
        return self._section

    async def wait_loaded(self) -> None:
        """Until the whole document is parsed and wrapped."""
        await self._loaded.wait()

    def update(self, markdown: str) -> None:
        """Show another document."""
        self._document = MinutesDocument(markdown)
        self._loaded.clear()
        self._announced = False
        self._query, self._matches, self._match_lines, self._current = "", [], {}, None
        self._jumped, self._pending_jump, self._pending_end = None, None, False
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._relayout()

    def jump_to(self, heading_index: int) -> bool:
        """Scroll so heading ``heading_index`` is the top line; False if there is none."""
        headings = self.headings
        if not 0 <= heading_index < len(headings):
            if not self._document.complete and heading_index >= 0:
                self._pending_jump = heading_index
            return False
        self._pending_jump = None
        self.scroll_to(y=headings[heading_index].line, animate=False, immediate=True)
        # Near the end the heading cannot reach the top; it is still the section asked for.
        self._jumped = (heading_index, round(self.scroll_y))
        self._update_section()
        return True

    def scroll_to_end(self) -> None:
        """The bottom of the document, now or once it is all loaded."""
        if not self._document.complete:
            self._pending_end = True
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def find(self, query: str) -> int:
        """Highlight every case-insensitive match of ``query`` and scroll to the first one
        at or below the top of the view; the number of matches."""
        self._query = query
        self._matches = self._document.search(query)
        self._current = None
        if self._matches:
            top = round(self.scroll_y)
            self._current = next((n for n, m in enumerate(self._matches) if m.line >= top), 0)
        self._index_matches()
        self._show_current()
        return len(self._matches)

    def find_next(self) -> int | None:
        """Move to the next match (wrapping around); its index, or None."""
        return self._step(1)

    def find_previous(self) -> int | None:
        """Move to the previous match (wrapping around); its index, or None."""
        return self._step(-1)

    def clear_find(self) -> None:
        self._query, self._matches, self._current = "", [], None
        self._index_matches()
        self.post_message(self.FindResult(self, "", 0, None))

    # --- find internals ----------------------------------------------------------------------

    def _step(self, delta: int) -> int | None:
        if not self._matches:
            if self._query:
                self.post_message(self.FindResult(self, self._query, 0, None))
            return None
        current = self._current if self._current is not None else (-1 if delta > 0 else 0)
        self._current = (current + delta) % len(self._matches)
        self._index_matches()
        self._show_current()
        return self._current

    def _index_matches(self) -> None:
        by_line: dict[int, list[tuple[int, int, bool]]] = {}
        for n, match in enumerate(self._matches):
            for line, start, end in match.parts:
                by_line.setdefault(line, []).append((start, end, n == self._current))
        self._match_lines = by_line
        self._strips.clear()
        self.refresh()

    def _show_current(self) -> None:
        if self._current is not None:
            line = self._matches[self._current].line
            top, height = round(self.scroll_y), self.scrollable_content_region.height
            if not top <= line < top + max(1, height):
                self.scroll_to(y=max(0, line - max(1, height // 3)), animate=False, immediate=True)
        self.post_message(self.FindResult(self, self._query, len(self._matches), self._current))

    # --- loading and wrapping ----------------------------------------------------------------

    def on_mount(self) -> None:
        self._relayout()

    def on_resize(self) -> None:
        self._relayout()

    def _content_width(self) -> int:
        return self.scrollable_content_region.width

    def _relayout(self) -> None:
        """Wrap at the current width: the first screen now, the rest in the background."""
        width = self._content_width()
        if width <= 0 or not self.is_mounted:
            return
        document = self._document
        anchor = self._anchor() if document.width and document.width != width else None
        height, self._height = self._height or self.scrollable_content_region.height, self.scrollable_content_region.height
        if anchor is not None and self._current is not None:
            # Keeping the top line in place is not enough for the match being read: a table
            # turned into cards, or a paragraph wrapped longer, moved it off the screen.
            line = self._matches[self._current].line
            top = round(self.scroll_y)
            self._match_in_view = self._match_in_view or top <= line < top + height
        if not document.set_width(width):
            return  # same width: nothing to re-wrap (a load in progress carries on)
        height = max(self.scrollable_content_region.height, 1)
        wanted = 2 * height + 1
        anchor_block = anchor[0] if anchor is not None else -1
        # Synchronously: enough lines for the first screen, or down to the top line.
        while True:
            short_of_anchor = len(document.block_line) <= anchor_block
            document.wrap_pending(until_lines=None if short_of_anchor else wanted)
            if document.complete or (len(document.lines) >= wanted and len(document.block_line) > anchor_block):
                break
            if document.parse_next() == 0 and document.parsed and len(document.block_line) == len(document.blocks):
                break
        self._strips.clear()
        self._set_virtual_size()
        if anchor is not None:
            self._restore(anchor)
        self.refresh()
        if document.complete:
            self._finish()
        else:
            self._load_rest()

    def _anchor(self) -> tuple[int, int] | None:
        """(block, offset) of the top line, to keep it on top after re-wrapping."""
        lines = self._document.lines
        y = round(self.scroll_y)
        while 0 <= y < len(lines):
            line = lines[y]
            if line.block >= 0:
                return line.block, line.start
            y += 1
        return None

    def _restore(self, anchor: tuple[int, int]) -> None:
        block, offset = anchor
        document = self._document
        if block >= len(document.block_line):
            return
        y = document.block_line[block]
        lines = document.lines
        while y + 1 < len(lines) and lines[y + 1].block == block and lines[y + 1].text is None and lines[y + 1].start <= offset:
            y += 1
        self.scroll_to(y=y, animate=False, immediate=True)

    def _set_virtual_size(self) -> None:
        self.virtual_size = Size(self._document.width, len(self._document.lines))

    @work(exclusive=True, group="minutes-view-load")
    async def _load_rest(self) -> None:
        document = self._document
        resized = time.perf_counter()
        while not document.complete:
            deadline = time.perf_counter() + self.SLICE_SECONDS
            while not document.complete and time.perf_counter() < deadline:
                before = len(document.block_line)
                document.wrap_pending(deadline=deadline)
                if len(document.block_line) == before and not document.parsed:
                    document.parse_next()
            if time.perf_counter() - resized > self.GROW_SECONDS:
                # A new virtual size re-lays out the screen: not after every slice.
                self._set_virtual_size()
                resized = time.perf_counter()
            await asyncio.sleep(0)
            if document is not self._document:
                return
        self._finish()

    def _finish(self) -> None:
        self._set_virtual_size()
        self._strips.clear()
        if self._query:
            current = self._current
            self._matches = self._document.search(self._query)
            self._current = min(current, len(self._matches) - 1) if current is not None and self._matches else None
            self._index_matches()
            if self._match_in_view:
                self._show_current()
        self._match_in_view = False
        self.refresh()
        self._loaded.set()
        if self._pending_jump is not None:
            self.jump_to(self._pending_jump)
        if self._pending_end:
            self._pending_end = False
            self.call_after_refresh(self.scroll_to, y=self.max_scroll_y, animate=False, immediate=True)
        self._update_section()
        if not self._announced:
            self._announced = True
            self.post_message(self.Loaded(self, self.headings, len(self._document.lines)))

    # --- rendering ----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._md_console = None
        self._strips.clear()

    def _render_console(self) -> Console:
        if self._md_console is None:
            # Full styles, not partial ones: those blend translucent colours ($text-muted,
            # "$warning 10%") with the background, which a partial style cannot.
            theme = {style_name: self.get_component_rich_style(f"minutes-view--{name}") for name, style_name in _COMPONENTS.items()}
            theme["md.match"] = self.get_component_rich_style("minutes-view--match")
            theme["md.match-current"] = self.get_component_rich_style("minutes-view--match-current")
            self._md_console = Console(
                file=io.StringIO(),
                theme=Theme(theme, inherit=False),
                width=1000,
                legacy_windows=False,
                force_terminal=True,
                color_system="truecolor",
            )
        return self._md_console

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self._document.lines) or index < 0:
            return Strip.blank(width, base)
        key = (index, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._build_strip(index, width, base)
            self._strips[key] = strip
        return strip

    def _build_strip(self, index: int, width: int, base: Style) -> Strip:
        try:
            text = self._document.line_text(index)
            marks = self._match_lines.get(index)
            if marks:
                text = text.copy()
                for start, end, current in marks:
                    text.stylize("md.match-current" if current else "md.match", start, end)
            plain = text.plain
            spans = [Span(0, len(plain), base)]
            if text.style:
                spans.append(Span(0, len(plain), text.style))
            spans.extend(text.spans)
            segments = list(Text(plain, spans=spans, end="").render(self._render_console()))
        except Exception:  # noqa: BLE001 - a line that cannot be drawn stays blank
            return Strip.blank(width, base)
        return Strip(segments).crop_extend(0, width, base)

    # --- scrolling ---------------------------------------------------------------------------

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._update_section()

    def _update_section(self) -> None:
        y = round(self.scroll_y)
        if self._jumped is not None and self._jumped[1] == y:
            section: int | None = self._jumped[0]
        else:
            self._jumped = None
            if 0 < self.max_scroll_y <= y:  # at the end: the last section in view
                y += self.scrollable_content_region.height - 1
            section = self._document.section_at(y)
        if section != self._section:
            self._section = section
            self.post_message(self.SectionChanged(self, section))
