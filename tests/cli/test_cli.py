"""The command-line contract: exit codes, one-sentence errors, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import build_sample, first_doc, run_cli

from tandem.store.atomic import SCHEMA_VERSION, encode


def assert_one_sentence(err: str, *needles: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, err)


def test_version_and_help() -> None:
    assert run_cli("--version").out.startswith("tandem, version ")
    result = run_cli("--help")
    assert result.code == 0
    for command in ("demo", "list", "backup", "restore"):
        assert command in result.out


def test_bad_usage_exits_2() -> None:
    result = run_cli("--no-such-flag")
    assert result.code == 2
    assert_one_sentence(result.err, "--no-such-flag")
    result = run_cli("list", "--json", "extra")
    assert result.code == 2
    assert_one_sentence(result.err, "extra")


def test_list_empty_workspace(tmp_path: Path) -> None:
    result = run_cli("--home", str(tmp_path / "new"), "list")
    assert result.code == 0
    assert "No meetings" in result.out and "tandem demo" in result.out
    assert json.loads(run_cli("--home", str(tmp_path / "new"), "list", "--json").out) == []


def test_list_json_and_table(tmp_path: Path) -> None:
    build_sample(tmp_path / "ws")
    result = run_cli("--home", str(tmp_path / "ws"), "list", "--json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert [r["date"] for r in rows] == ["2026-11-12", "2026-11-19", "2026-11-26"]
    assert rows[0]["actions_open"] == 0 and rows[1]["actions_open"] == 1
    assert rows[0]["attendees"][0] == {"name": "Dana Kim", "team": "marketing"}
    table = run_cli("--home", str(tmp_path / "ws"), "list").out
    assert "2026-11-19-weekly-smarketing-sync" in table and "Weekly smarketing sync" in table


def test_home_from_environment(tmp_path: Path) -> None:
    import os

    build_sample(tmp_path / "ws")
    env = {**os.environ, "TANDEM_HOME": str(tmp_path / "ws")}
    rows = json.loads(run_cli("list", "--json", env=env).out)
    assert len(rows) == 3


BAD_FILES = {
    "truncated": lambda good: good[: len(good) // 2],
    "garbage": lambda good: b"\x00\xff not json at all \x89PNG",
    "newer schema": lambda good: encode({"meeting": {}}, "meeting").replace(b'"schema": %d' % SCHEMA_VERSION, b'"schema": 99'),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_meeting_file_is_reported_and_left_alone(tmp_path: Path, kind: str) -> None:
    ws = build_sample(tmp_path / "ws")
    path = ws.meeting_path("2026-11-19-weekly-smarketing-sync")
    bad = BAD_FILES[kind](path.read_bytes())
    path.write_bytes(bad)
    for args in (["list"], ["list", "--json"], ["backup", str(tmp_path / "b.json")]):
        result = run_cli("--home", str(ws.home), *args)
        assert result.code == 1, (kind, args, result)
        assert_one_sentence(result.err, str(path))
        assert path.read_bytes() == bad
    assert not (tmp_path / "b.json").exists()
    if kind == "newer schema":
        assert "newer tandem" in result.err


def test_backup_restore_round_trip_via_cli(tmp_path: Path) -> None:
    build_sample(tmp_path / "ws")
    archive = tmp_path / "backup.json"
    result = run_cli("--home", str(tmp_path / "ws"), "backup", str(archive))
    assert result.code == 0, result.err
    assert "Backed up" in result.err
    result = run_cli("--home", str(tmp_path / "copy"), "restore", str(archive))
    assert result.code == 0, result.err
    before = run_cli("--home", str(tmp_path / "ws"), "list", "--json").out
    after = run_cli("--home", str(tmp_path / "copy"), "list", "--json").out
    assert before == after


def test_restore_refuses_non_empty_workspace_unless_forced(tmp_path: Path) -> None:
    build_sample(tmp_path / "ws")
    archive = tmp_path / "backup.json"
    run_cli("--home", str(tmp_path / "ws"), "backup", str(archive))
    result = run_cli("--home", str(tmp_path / "ws"), "restore", str(archive))
    assert result.code == 1
    assert_one_sentence(result.err, "--force", str(tmp_path / "ws"))
    assert run_cli("--home", str(tmp_path / "ws"), "restore", "--force", str(archive)).code == 0


def test_restore_rejects_bad_archives_before_writing(tmp_path: Path) -> None:
    build_sample(tmp_path / "ws")
    archive = tmp_path / "backup.json"
    run_cli("--home", str(tmp_path / "ws"), "backup", str(archive))
    data = json.loads(archive.read_text())
    name = "meetings/2026-11-26-weekly-smarketing-sync.json"
    first_doc(data["files"][name]["actions"])["status"] = "maybe"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    target = tmp_path / "target"
    result = run_cli("--home", str(target), "restore", str(bad))
    assert result.code == 1
    assert_one_sentence(result.err, str(bad), "maybe")
    assert not target.exists() or not any(target.rglob("*.json"))
    for content, needle in ((b"{", "not a JSON"), (b'{"format": "zip"}', "not a tandem backup")):
        bad.write_bytes(content)
        result = run_cli("--home", str(target), "restore", str(bad))
        assert result.code == 1
        assert_one_sentence(result.err, needle)
    data = json.loads(archive.read_text())
    data["files"]["../escape.json"] = {}
    bad.write_text(json.dumps(data))
    result = run_cli("--home", str(target), "restore", str(bad))
    assert result.code == 1 and not (tmp_path / "escape.json").exists()
    result = run_cli("--home", str(target), "restore", str(tmp_path / "missing.json"))
    assert result.code == 1
    assert_one_sentence(result.err, "missing.json")


def test_backup_of_empty_workspace_is_refused(tmp_path: Path) -> None:
    result = run_cli("--home", str(tmp_path / "none"), "backup", str(tmp_path / "b.json"))
    assert result.code == 1
    assert_one_sentence(result.err, "no workspace")
