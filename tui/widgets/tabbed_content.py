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

from textual.widgets import TabbedContent as TextualTabbedContent


class TabbedContent(TextualTabbedContent):
    def watch_active(self, active: str) -> None:
        focused = self.screen.focused if self.is_attached else None
        if not active or focused is None or self not in focused.ancestors:
            return  # focus is elsewhere (the tabs row, another widget): nothing drifts
        pane = self.get_pane(active)
        if pane in focused.ancestors:
            return
        target = next((w for w in pane.query("*") if w.can_focus and not w.disabled), None)
        if target is not None:
            self.screen.set_focus(target)
