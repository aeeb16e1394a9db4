"""Workarounds for Textual defects that tandem's use makes visible, applied once when an app
is built (see :mod:`tandem.tui.base_app`).

Footer keys leak (Textual 8.2.8). The footer rebuilds its keys whenever the screen's
bindings change — every focus change: Esc and i in a live meeting, Tab in a form, a tab
switch in review. Each rebuilt ``FooterKey`` binds its ``compact`` to the footer's
(``data_bind``), which registers a watcher on the footer; removing the key leaves the
watcher, so the footer keeps every key it ever drew alive. Measured: ~14 dead keys per
focus change on the live screen, 14,800 after 1,050 toggles, and the CPU of a focus change
up 60 % by then (it keeps growing: a long meeting gets slower and slower). After each rebuild
the watchers of removed keys are dropped; a rebuild that changed nothing costs the same.
"""

from __future__ import annotations

from textual.widgets import Footer

_APPLIED = "_tandem_prunes_footer_watchers"


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
        await recompose(self)
        _prune_dead_watchers(self)

    recompose_and_prune.__doc__ = recompose.__doc__
    Footer.recompose = recompose_and_prune  # type: ignore[method-assign]
    setattr(Footer, _APPLIED, True)
