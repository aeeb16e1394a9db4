"""Tabbed content whose focus moves with the tab that is shown.

Switching tabs while a widget of the old tab has focus hides that widget; Textual then
hands focus to the next focusable widget — which can be another one in the same, now
hidden, tab (the home screen's detail pane) — and ``TabbedContent`` follows that focus
back to the old tab. Whether it does depends on which of two messages lands first: on a
busy machine the shadow-days tab flipped back to the meetings tab a moment after it was
chosen, and the meetings' keys came back with it. Focus moves into the new tab in the
same step as the switch, so nothing is left behind to drift.
"""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import TabbedContent as TextualTabbedContent
from textual.widgets import TabPane, Tabs


class TabbedContent(TextualTabbedContent):
    def watch_active(self, active: str) -> None:
        focused = self.screen.focused if self.is_attached else None
        if not active or focused is None:
            return
        # Focus on the tabs row (or outside) stays where the user put it.
        old_pane = next((a for a in focused.ancestors if isinstance(a, TabPane)), None)
        if old_pane is None or old_pane.id == active or self._owner(old_pane) is not self:
            return
        target = self._focus_target(self.get_pane(active))
        # Nothing to focus in the new tab (a pane not built yet): the tabs row, rather than
        # a widget left in the hidden tab.
        self.screen.set_focus(target or self.query_one(Tabs))

    @staticmethod
    def _owner(pane: TabPane) -> TextualTabbedContent | None:
        return next((a for a in pane.ancestors if isinstance(a, TextualTabbedContent)), None)

    @staticmethod
    def _focus_target(pane: TabPane) -> Widget | None:
        def shown(widget: Widget) -> bool:
            node: Widget | None = widget
            while node is not None and node is not pane:
                if not node.display:
                    return False
                node = node.parent if isinstance(node.parent, Widget) else None
            return node is pane

        return next((w for w in pane.query("*") if w.focusable and shown(w)), None)
