"""The process ends with its terminal (tui/lifeline.py): ``tmux kill-server`` (the pty
vanishes: SIGHUP, then a hung-up terminal) or ``kill -HUP``, while a dialog is open, a form
is half typed, or notes are being saved. Each trial checks that no tandem process is left
3 s later, that the meeting's lock is free, and that what was typed is on disk: the notes
in the meeting, a half-typed form in its draft (which opens again on resume).

``TANDEM_HUP_ROUNDS`` rounds of the 3 × 2 trials (default 1; 5 gives the 30 trials of
issue 15's closing note)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from conftest import meeting_today
from tmux import TANDEM, Tmux, needs_tmux

from tandem.store.workspace import Workspace

ROUNDS = int(os.environ.get("TANDEM_HUP_ROUNDS", "1"))

pytestmark = [needs_tmux, pytest.mark.serial]


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return "\nState:\tZ" in state  # a zombie nobody has reaped yet has ended all the same


def _meeting(tmp_path: Path) -> tuple[Workspace, str]:
    return meeting_today(tmp_path / "ws", ("Everything", 30))


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize("how", ["kill-server", "kill-hup"])
@pytest.mark.parametrize("while_", ["dialog open", "form half typed", "save in flight"])
def test_terminal_gone_nothing_survives_nothing_lost(tmp_path: Path, while_: str, how: str, round_: int) -> None:
    ws, mid = _meeting(tmp_path)
    term = Tmux([str(TANDEM), "--home", str(ws.home), "run"], width=100, height=30)
    try:
        term.wait_for("All changes saved", timeout=30)
        pid = term.pid()
        assert pid is not None
        term.type("notes before the end", gap=0.005)
        if while_ == "dialog open":
            term.wait_for("All changes saved")
            term.type("<Escape>")
            term.wait_for("s Skip")
            term.type("e")
            term.wait_for("End the meeting?")
        elif while_ == "form half typed":
            term.wait_for("All changes saved")
            term.type("<Escape>")
            term.wait_for("s Skip")
            term.type("d", "Ship the ROI pa", gap=0.01)
            term.wait_for("Ship the ROI pa")
        else:
            # On screen, and not on disk yet: notes are saved 0.3 s after the last key.
            term.type(" and the last words", gap=0.0)
            term.wait_for("the last words")
        if how == "kill-server":
            term.close()
        else:
            os.kill(pid, signal.SIGHUP)
        deadline = time.monotonic() + 3.0
        while not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(pid), f"tandem (pid {pid}) still running 3 s after its terminal went ({how}, {while_})"
    finally:
        term.close()

    writer = ws.open_meeting(mid)  # the lock is free: this would say who holds it
    writer.close()
    notes = ws.read_meeting(mid).agenda[0].notes
    if while_ == "save in flight":
        assert notes == "notes before the end and the last words"
    else:
        assert notes == "notes before the end"
    draft = ws.drafts.get(mid)
    if while_ == "form half typed":
        assert draft is not None and draft.kind == "decision" and draft.values["text"] == "Ship the ROI pa"
    else:
        assert draft is None


def test_a_kept_draft_opens_again_on_resume(tmp_path: Path) -> None:
    ws, mid = _meeting(tmp_path)
    ws.drafts.keep(mid, "decision", {"text": "Ship the ROI pa", "decided_by": ""})
    term = Tmux([str(TANDEM), "--home", str(ws.home), "run"], width=100, height=30)
    try:
        term.wait_for("New decision", timeout=30)
        term.wait_for("Ship the ROI pa")
        term.type("ge now", "<C-s>")
        term.wait_for("Captured under this item (1)")
        term.type("<Escape>")
        term.wait_for("s Skip")
        term.type("q")
        term.wait_for("Open action items")
        term.type("q")
        term.wait_for("__EXIT_0__")
    finally:
        term.close()
    assert [d.text for d in ws.read_meeting(mid).decisions] == ["Ship the ROI page now"]
    assert ws.drafts.get(mid) is None
