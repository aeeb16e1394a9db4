"""tandem's footer: Textual's, without its leak and without rebuilds that change nothing.

Keys leak (Textualize/textual#6666, Textual 8.2.8). The footer rebuilds its keys whenever
the screen's bindings change — every focus change: Esc and i in a live meeting, Tab in a
form, a tab switch in review. Each rebuilt ``FooterKey`` binds its ``compact`` to the
footer's (``data_bind``), which registers a watcher on the footer; removing the key leaves
the watcher, so the footer keeps every key it ever drew alive. Measured: ~14 dead keys per
focus change on the live screen, 14,800 after 1,050 toggles, and the CPU of a focus change
up 60 % by then. After each rebuild the watchers of removed keys are dropped.
``tests/tui/test_textual_private.py`` fails once Textual's own footer stops leaking: then this
part goes.

Rebuilds that change nothing. Every row highlighted, every focus change rebuilt all the keys
(each key restyled through its watcher): 11 rebuilds in tandem's first 0.3 s, 45 ms of the
main thread while the first frame was being written (benchmarks/start.py). A rebuild whose
keys would be the same as the ones shown is skipped.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter

from tandem.tui.textual_private import is_closing, reactive_watchers


class Footer(TextualFooter):
    _shown: tuple[object, ...] | None = None

    def _keys_now(self) -> tuple[object, ...] | None:
        """What the keys would show now (None: can't tell, rebuild)."""
        try:
            app = self.app
            return (
                self.compact,
                self.screen,
                *(
                    (b.key, app.get_key_display(b), b.description, b.action, enabled, tooltip, b.group)
                    for (_, b, enabled, tooltip) in self.screen.active_bindings.values()
                    if b.show
                ),
            )
        except Exception:  # noqa: BLE001 - mid-teardown: let Textual's own rebuild decide
            return None

    def compose(self) -> ComposeResult:
        # What is drawn is what the keys were when Textual composed them: noted here, not
        # before the (awaited) rebuild — bindings that changed meanwhile were then taken
        # for drawn, and the next rebuild skipped (the meetings tab's keys stayed in the
        # footer of the shadow-days tab).
        self._shown = self._keys_now()
        yield from super().compose()

    async def recompose(self) -> None:
        shown = self._keys_now()
        if shown is not None and shown == self._shown and self.children:
            return
        await super().recompose()
        self._drop_dead_watchers()

    def _drop_dead_watchers(self) -> None:
        watchers = reactive_watchers(self)
        if watchers is None:
            return
        for callbacks in watchers.values():
            if isinstance(callbacks, list):
                callbacks[:] = [(node, callback) for node, callback in callbacks if not is_closing(node)]
