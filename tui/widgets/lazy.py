"""A widget mounted after the first refresh (a hidden tab pane), that never mounts into a
screen that has gone.

Textual's ``Lazy`` schedules the mount for after the next refresh; if its screen is
dismissed meanwhile (``g`` then ``esc`` typed ahead on home, say), the mount meets a parent
that will never be mounted and raises ``MountError`` — a crash the fuzzer found. Here the
mount happens only while the placeholder is still in the DOM, and waits a refresh more if
its parent is not mounted yet.
"""

from __future__ import annotations

from textual.widget import Widget


class Lazy(Widget):
    DEFAULT_CSS = """
    Lazy {
        display: none;
    }
    """

    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        super().__init__()

    def compose_add_child(self, widget: Widget) -> None:
        self._widget.compose_add_child(widget)

    async def mount_composed_widgets(self, widgets: list[Widget]) -> None:
        self.call_after_refresh(self._mount_now)

    async def _mount_now(self) -> None:
        parent = self.parent
        if parent is None or not self.is_attached or not isinstance(parent, Widget):
            return  # its screen has gone: nothing to show it in
        if not parent.is_mounted:
            self.call_after_refresh(self._mount_now)
            return
        await parent.mount(self._widget, after=self)
        await self.remove()
