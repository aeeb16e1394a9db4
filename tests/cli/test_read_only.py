"""A workspace nothing can be saved to opens in review mode with a message; commands that
would write refuse in one sentence; paths with spaces and unicode work throughout."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli
from tmux import TANDEM, Tmux, needs_tmux

from tandem.store.demo import seed_demo
from tandem.store.workspace import Workspace

pytestmark = pytest.mark.serial


def fingerprint(home: Path) -> dict[str, str]:
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(home.rglob("*")) if p.is_file()}


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` as a read-only mount (root) or without write permission (anyone else)."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
        for p in modes:
            p.chmod(modes[p] & ~0o222)
        try:
            yield folder
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    # Permission bits do not stop root; a read-only bind mount does.
    view = folder.with_name(folder.name + " (read-only)")
    view.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(folder), str(view)], capture_output=True).returncode == 0
    if mounted:
        mounted = subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], capture_output=True).returncode == 0
        if not mounted:
            subprocess.run(["umount", str(view)], capture_output=True)
    if not mounted:
        view.rmdir()
        pytest.skip("running as root without permission to mount read-only")
    try:
        yield view
    finally:
        subprocess.run(["umount", str(view)], check=True)
        view.rmdir()


@pytest.fixture
def demo_home(tmp_path: Path) -> Path:
    home = tmp_path / "Team wörkspace — Q4 ✓"
    seed_demo(Workspace(home), meetings=8)
    return home


def test_a_read_only_workspace_says_why(demo_home: Path) -> None:
    assert Workspace(demo_home).write_problem() is None
    with read_only(demo_home) as view:
        problem = Workspace(view).write_problem()
        assert problem in ("it is on a read-only file system", "you do not have permission to write to it")


def test_commands_that_write_refuse_in_one_sentence(demo_home: Path) -> None:
    with read_only(demo_home) as view:
        before = fingerprint(view)
        result = run_cli("--home", str(view), "run")
        assert result.code == 1 and "read-only" in result.err and result.err.count("\n") == 1
        assert "tandem review" in result.err
        result = run_cli("--home", str(view), "shadow", "new", "--shadow", "Ana", "--host", "Ben", "--direction", "sales-to-marketing", "--date", "2026-12-10")
        assert result.code == 1 and result.err.count("\n") == 1 and "Traceback" not in result.err
        # Reading still works.
        assert run_cli("--home", str(view), "list").code == 0
        assert run_cli("--home", str(view), "export", "latest").code == 0
        assert fingerprint(view) == before


@needs_tmux
def test_the_app_opens_a_read_only_workspace_in_review_mode(demo_home: Path) -> None:
    with read_only(demo_home) as view:
        before = fingerprint(view)
        term = Tmux([str(TANDEM), "--home", str(view)], env={"TANDEM_TODAY": "2026-11-27"})
        try:
            screen = term.wait_for("review mode")
            assert "read-only" in screen
            term.wait_for("8 of 8 meetings")
            term.send("q")
            term.wait_for("__EXIT_0__")
        finally:
            term.close()
        assert fingerprint(view) == before


def test_the_app_chooses_review_mode_when_saving_is_impossible(demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same decision without a mount: whatever says nothing can be saved, review opens.
    from tandem.tui.cli import main as cli

    opened: list[tuple[Path, str]] = []
    monkeypatch.setattr(Workspace, "write_problem", lambda self: "it is on a read-only file system")
    monkeypatch.setattr(cli, "_open_review", lambda home, notice="": opened.append((home, notice)))
    cli._open_app(Workspace(demo_home))
    assert opened == [(demo_home, "This workspace is read-only (it is on a read-only file system), so it is open in review mode: nothing can be changed.")]


def test_paths_with_spaces_and_unicode_work_for_every_command(demo_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "minutes — ünïcode & spaces"
    assert run_cli("--home", str(demo_home), "list", "--json").code == 0
    assert run_cli("--home", str(demo_home), "actions", "--open").code == 0
    assert run_cli("--home", str(demo_home), "export", "--all", "--out", str(out)).code == 0
    assert len(list(out.glob("*.md"))) == 8
    archive = tmp_path / "bäckup file.json"
    assert run_cli("--home", str(demo_home), "backup", str(archive)).code == 0
    restored = tmp_path / "restored wörkspace"
    assert run_cli("--home", str(restored), "restore", str(archive)).code == 0
    assert run_cli("--home", str(restored), "list").code == 0
    assert (
        run_cli(
            "--home", str(demo_home), "shadow", "new", "--shadow", "Zoë", "--host", "José", "--direction", "sales-to-marketing", "--date", "2026-12-10"
        ).code
        == 0
    )
