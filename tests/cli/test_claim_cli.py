"""``tandem run`` of a meeting a teammate runs on another clone: refused in one sentence
naming the holder (exit 1); ``--take-over`` asks first, and without a terminal wants
``--yes`` (exit 2)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from conftest import run_cli

from tandem.store.live import LiveSession
from tandem.store.workspace import Workspace
from tests.store.sync_team import FIRST_MEETING, run_sync, team

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def test_run_is_refused_naming_the_holder_and_take_over_asks_first(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    session = LiveSession(Workspace(maya), FIRST_MEETING, clock=lambda: datetime(2026, 12, 8, 10, 2))
    session.start()
    assert session.saver.flush()
    session.close()
    run_sync(maya)
    run_sync(jose)

    refused = run_cli("--home", str(jose), "run", FIRST_MEETING)
    assert refused.code == 1 and refused.out == "", refused.err
    assert refused.err.count("\n") == 1 and "Traceback" not in refused.err
    assert f"Meeting {FIRST_MEETING} is being run by Maya on " in refused.err and "since 2026-12-08 10:02" in refused.err
    assert f"tandem run {FIRST_MEETING} --take-over" in refused.err
    # Without MEETING, `tandem run` picks the live meeting: the same refusal.
    assert "being run by Maya" in run_cli("--home", str(jose), "run").err

    unasked = run_cli("--home", str(jose), "run", FIRST_MEETING, "--take-over")
    assert unasked.code == 2 and "add --yes" in unasked.err
    assert run_cli("--home", str(jose), "run", "--take-over").code == 2
    assert run_cli("--home", str(jose), "run", FIRST_MEETING, "--yes").code == 2
    # Nothing was taken: the claim is still Maya's.
    claim = Workspace(jose).get_meeting(FIRST_MEETING).claim
    assert claim is not None and claim.person == "Maya"
