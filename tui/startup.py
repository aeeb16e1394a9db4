"""The garbage collector waits while tandem starts.

Start-up allocates a great many objects that live as long as the app (modules, styles,
widgets), and the collector kept scanning them: with it paused until the first frame is
up, the home screen of a 500-meeting workspace drew 0.04 s sooner (1.35× a minimal Textual
app's first frame became 1.2×, benchmarks/start.py). Reference counting still frees almost
everything meanwhile; only cycles wait, for half a second. When collection resumes, what
start-up built is frozen out of it (:func:`gc.freeze`), so later collections during a
meeting do not walk it again either.
"""

from __future__ import annotations

import gc

_paused = False


def pause_gc() -> None:
    """Called by the command line before it reads the workspace and imports the app."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_gc() -> None:
    """Called once the app is up; does nothing unless :func:`pause_gc` paused it (tests
    build many apps in one process and must not freeze each one's objects)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
