"""End to end, a team of two in real terminals: two clones of one team repository (real
git, a bare remote), the facilitator running a meeting on one while the other clone is
refused it with her name, then the other reading her notes and records after a sync."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from tmux import TANDEM, Tmux, end_meeting_and_quit, needs_tmux

from tandem.store.workspace import Workspace
from tests.store.sync_team import FIRST_MEETING, team
from tests.store.sync_team import cli_sync as _sync

pytestmark = [needs_tmux, pytest.mark.skipif(shutil.which("git") is None, reason="needs git")]


def _flat(screen: str) -> str:
    """The screen's text as one line: a sentence wrapped at 80 columns reads whole."""
    return re.sub(r"\s+", " ", screen)


def test_one_facilitator_across_clones_and_the_notes_reach_the_other(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    _sync(jose)
    facilitator = Tmux([str(TANDEM), "--home", str(maya), "run", FIRST_MEETING], width=80, height=24)
    try:
        facilitator.wait_for("● LIVE")
        facilitator.type("Webinar leads were good this week", gap=0.02)
        facilitator.wait_for("All changes saved")
        facilitator.type("<Escape>")
        time.sleep(0.5)  # a lone Escape, not the start of an alt key
        facilitator.type("d")
        facilitator.wait_for("New decision")
        time.sleep(0.3)
        facilitator.type("Keep the webinar budget", gap=0.02)
        facilitator.type("<C-s>")
        facilitator.wait_for("All changes saved")

        # While Maya's meeting runs, its claim reaches José's clone.
        _sync(maya)
        _sync(jose)
        second = Tmux([str(TANDEM), "--home", str(jose), "run", FIRST_MEETING], width=80, height=24)
        try:
            screen = _flat(second.wait_for("__EXIT_1__"))
        finally:
            second.close()
        assert f"Meeting {FIRST_MEETING} is being run by Maya on " in screen, screen
        assert "--take-over" in screen and "Traceback" not in screen
        # Taking over asks first; no leaves her meeting alone.
        asked = Tmux([str(TANDEM), "--home", str(jose), "run", FIRST_MEETING, "--take-over"], width=80, height=24)
        try:
            assert "is being run by Maya on " in _flat(asked.wait_for("[y/N]"))
            asked.type("n", "<Enter>")
            assert "Nothing taken over." in asked.wait_for("__EXIT_0__")
        finally:
            asked.close()
        claim = Workspace(jose).get_meeting(FIRST_MEETING).claim
        assert claim is not None and claim.person == "Maya"

        # Maya ends the meeting and leaves; her work goes to the team.
        end_meeting_and_quit(facilitator)
    finally:
        facilitator.close()
    _sync(maya)
    _sync(jose)
    ended = Workspace(jose).get_meeting(FIRST_MEETING)
    assert ended.status == "ended" and ended.claim is None

    reader = Tmux([str(TANDEM), "--home", str(jose), "review"], width=80, height=24)
    try:
        reader.wait_for("Weekly sync")
        reader.type("<Enter>")
        reader.wait_for("Rating: 4/5")  # her meeting's minutes, as synced
        for text in ("Webinar leads were good this week", "Keep the webinar budget"):
            time.sleep(0.3)
            reader.type("/")
            time.sleep(0.3)
            reader.type(text, "<Enter>", gap=0.02)
            reader.wait_for(text)
            reader.type("<Escape>")
        time.sleep(0.5)
        reader.type("<Escape>")
        reader.wait_for("1 of 1 meeting")
        time.sleep(0.8)  # a screen takes only keys pressed after it appeared
        reader.type("q")
        reader.wait_for("__EXIT_0__")
    finally:
        reader.close()
