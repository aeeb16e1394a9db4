"""A checkbox and a list of checkboxes whose state shows in the glyph, not only in colour.

Textual draws an "X" in both states and tells them apart by colour alone: in a terminal
without colour (NO_COLOR, a monochrome capture, a colour-blind reader's theme) ticked and
unticked looked the same. Here a ticked box holds ✓ and an empty one a space.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import SelectionType

TICKED = "✓"
EMPTY = " "


class TickBox(Checkbox):
    """A checkbox showing ✓ when ticked."""

    def render(self) -> Content:
        # The glyph is read from the instance: it follows the value at every render.
        self.BUTTON_INNER = TICKED if self.value else EMPTY
        return super().render()


class TickList(SelectionList[SelectionType]):
    """A selection list whose boxes show ✓ when ticked."""

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        segments = list(line)
        if len(segments) < 2:
            return line
        inner = segments[1]
        segments[1] = Segment(TICKED if selection.value in self.selected else EMPTY, inner.style, inner.control)
        return Strip(segments, line.cell_length)
