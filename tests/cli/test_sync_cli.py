"""``tandem sync`` on the command line: one sentence, exit 1 for an unreachable team
repository or a workspace that is not shared, 2 for bad usage."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

from tandem.store.workspace import Workspace
from tests.store.sync_team import new_content, seed, team

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def test_init_clone_sync_status_from_the_command_line(tmp_path: Path) -> None:
    remote = tmp_path / "team.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    home = tmp_path / "maya"
    seed(home)
    shared = run_cli("--home", str(home), "sync", "init", str(remote))
    assert shared.code == 0 and "now shared through" in shared.out, shared.err
    joined = run_cli("--home", str(tmp_path / "jose"), "sync", "clone", str(remote))
    assert joined.code == 0 and "Joined the team workspace" in joined.out, joined.err
    new_content(Workspace(home), "Battlecard")
    synced = run_cli("--home", str(home), "sync")
    assert synced.code == 0 and synced.out.startswith("Synced: sent 1 content item"), synced.out + synced.err
    status = run_cli("--home", str(tmp_path / "jose"), "sync", "status")
    assert status.code == 0 and "Last sync: never" in status.out
    got = run_cli("--home", str(tmp_path / "jose"), "sync")
    assert got.code == 0 and "1 content item" in got.out


def test_unreachable_remote_not_shared_and_bad_usage(tmp_path: Path) -> None:
    maya, _ = team(tmp_path, ["Maya", "Jose"])
    (tmp_path / "team.git").rename(tmp_path / "gone.git")
    new_content(Workspace(maya), "Case study")
    offline = run_cli("--home", str(maya), "sync")
    assert offline.code == 1 and offline.out == ""
    assert offline.err.count("\n") == 1 and "could not be reached" in offline.err and "Traceback" not in offline.err
    alone = tmp_path / "alone"
    seed(alone)
    lonely = run_cli("--home", str(alone), "sync")
    assert lonely.code == 1 and "not shared yet" in lonely.err
    usage = run_cli("--home", str(tmp_path / "empty"), "sync", "init")
    assert usage.code == 2 and "not a tandem workspace" in usage.err
