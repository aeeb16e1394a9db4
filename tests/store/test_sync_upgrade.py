"""An older workspace (today's schema 4, and the first schema) shared with `tandem sync init`:
every record it held reaches a teammate's clone, both clones sync edits afterwards, and
they end up with the same files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

from tandem.store.atomic import SCHEMA_VERSION
from tandem.store.migrate import migrate_workspace, schema_of
from tandem.store.workspace import Workspace
from tests.store.sync_team import data_files, identity, new_content, set_notes
from tests.store.test_schema5 import everything

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("fixture", ["workspace_schema1", "workspace_schema4"])
def test_an_older_workspace_is_shared_keeping_every_record_and_syncs_afterwards(tmp_path: Path, fixture: str) -> None:
    maya, jose, remote = tmp_path / "maya", tmp_path / "jose", tmp_path / "team.git"
    shutil.copytree(FIXTURES / fixture, maya, ignore=shutil.ignore_patterns("README.md"))
    assert (schema_of(maya / "workspace.json")[0] or 1) < SCHEMA_VERSION
    expected = tmp_path / "expected"
    shutil.copytree(maya, expected)
    migrate_workspace(Workspace(expected))
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)

    shared = run_cli("--home", str(maya), "sync", "init", str(remote))
    assert shared.code == 0, shared.err
    joined = run_cli("--home", str(jose), "sync", "clone", str(remote))
    assert joined.code == 0, joined.err
    identity(maya, "Maya")
    identity(jose, "Jose")
    assert everything(Workspace(jose)) == everything(Workspace(expected))

    meeting = next(m for m in Workspace(maya).list_meetings() if m.status != "finalized")
    item = Workspace(maya).read_meeting(meeting.id).agenda[0]
    set_notes(Workspace(maya), meeting.id, item.id, "Maya's notes after sharing")
    new_content(Workspace(jose), "José's case study")
    for home in (maya, jose, maya):
        synced = run_cli("--home", str(home), "sync")
        assert synced.code == 0, synced.err
    assert data_files(maya) == data_files(jose)
    after = Workspace(jose)
    assert after.read_meeting(meeting.id).agenda[0].notes == "Maya's notes after sharing"
    assert "José's case study" in [c.title for c in after.content.all()]
    assert all(schema_of(jose / rel)[0] == SCHEMA_VERSION for rel in data_files(jose))
