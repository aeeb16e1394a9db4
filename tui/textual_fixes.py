"""Workarounds for Textual defects that tandem's use makes visible, applied once when an app
is built (see :mod:`tandem.tui.base_app`).

Footer keys leak (Textual 8.2.8). The footer rebuilds its keys whenever the screen's
bindings change — every focus change: Esc and i in a live meeting, Tab in a form, a tab
switch in review. Each rebuilt ``FooterKey`` binds its ``compact`` to the footer's
(``data_bind``), which registers a watcher on the footer; removing the key leaves the
watcher, so the footer keeps every key it ever drew alive. Measured: ~14 dead keys per
focus change on the live screen, 14,800 after 1,050 toggles, and the CPU of a focus change
up 60 % by then (it keeps growing: a long meeting gets slower and slower). After each rebuild
the watchers of removed keys are dropped.

Footer rebuilds that change nothing. Every row highlighted, every focus change rebuilds all
the keys (each key restyled through its watcher): 11 rebuilds in tandem's first 0.3 s, 45 ms
of the main thread while the first frame was being written (benchmarks/start.py). A
rebuild whose keys would be the same as the ones shown is skipped.
"""

from __future__ import annotations

from textual.widgets import Footer

_APPLIED = "_tandem_prunes_footer_watchers"
_SHOWN = "_tandem_footer_shown"


def _shown_keys(footer: Footer) -> tuple[object, ...] | None:
    """What the footer's keys would show now (None: can't tell, rebuild)."""
    try:
        app = footer.app
        return (footer.compact, footer.screen) + tuple(
            (b.key, app.get_key_display(b), b.description, b.action, enabled, tooltip, b.group)
            for (_, b, enabled, tooltip) in footer.screen.active_bindings.values()
            if b.show
        )
    except Exception:  # noqa: BLE001 - mid-teardown: let Textual's own rebuild decide
        return None


def _prune_dead_watchers(footer: Footer) -> None:
    watchers = getattr(footer, "__watchers", None)  # where Textual's reactive keeps them
    if not isinstance(watchers, dict):
        return
    for callbacks in watchers.values():
        if isinstance(callbacks, list):
            callbacks[:] = [
                (node, callback)
                for node, callback in callbacks
                if not (getattr(node, "_closing", False) or getattr(node, "_closed", False))
            ]


def apply() -> None:
    """Patch :class:`textual.widgets.Footer` once (idempotent)."""
    if getattr(Footer, _APPLIED, False):
        return
    recompose = Footer.recompose

    async def recompose_and_prune(self: Footer) -> None:
        shown = _shown_keys(self)
        if shown is not None and shown == getattr(self, _SHOWN, None) and self.children:
            return
        await recompose(self)
        setattr(self, _SHOWN, shown)
        _prune_dead_watchers(self)

    recompose_and_prune.__doc__ = recompose.__doc__
    Footer.recompose = recompose_and_prune  # type: ignore[method-assign]
    setattr(Footer, _APPLIED, True)
