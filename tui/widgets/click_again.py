"""A second click does what Enter does, in the option lists whose Enter is an action."""

from __future__ import annotations

from typing import ClassVar, cast

from textual import events
from textual.widgets import OptionList


class ClickAgainToOpen:
    """Mix into an :class:`~textual.widgets.OptionList` (before it) whose Enter runs an
    action of its own (go to the item, edit the record, write notes).

    OptionList selects on the first click, which those lists ignore: a mouse could
    highlight but never act. Like DataTable, a click highlights and a click on the
    highlighted option runs :attr:`CLICK_ACTION` — the Enter binding's action, so a second
    click can't start something the user only meant to look at."""

    CLICK_ACTION: ClassVar[str] = ""

    async def _on_click(self, event: events.Click) -> None:
        event.prevent_default()  # not OptionList's select-on-first-click
        listing = cast(OptionList, self)  # a mixin of option lists only
        clicked = event.style.meta.get("option")
        if clicked is None or clicked >= listing.option_count or listing.get_option_at_index(clicked).disabled:
            return
        if clicked != listing.highlighted:
            listing.highlighted = clicked
            return
        if self.CLICK_ACTION:
            await listing.app.run_action(self.CLICK_ACTION, listing)
