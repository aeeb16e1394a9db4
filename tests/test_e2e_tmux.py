"""End to end: the installed ``tandem`` command in a real terminal (tmux)."""

from __future__ import annotations

from pathlib import Path

from conftest import build_sample
from tmux import TANDEM, Tmux, needs_tmux


@needs_tmux
def test_home_screen_in_a_real_terminal(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    term = Tmux([str(TANDEM), "--home", str(ws.home)], width=100, height=30)
    try:
        screen = term.wait_for("Meetings · all series · 3")
        assert "2026-11-26" in screen and "Weekly smarketing sync" in screen
        term.send("Down")
        term.wait_for("2026-11-19 · Weekly smarketing sync · ended")
        term.send("s")
        term.wait_for("Meetings · Weekly smarketing sync · 3")
        term.send("q")
        term.wait_for("__EXIT_0__")
    finally:
        term.close()


@needs_tmux
def test_demo_command_seeds_and_opens_the_app(tmp_path: Path) -> None:
    home = tmp_path / "demo home"  # a space in the path on purpose
    term = Tmux([str(TANDEM), "--home", str(home), "demo"], width=120, height=36)
    try:
        screen = term.wait_for("Meetings · all series · 40")
        assert "Weekly smarketing sync" in screen and "Shadow-day debriefs" in screen
        term.send("q")
        term.wait_for("__EXIT_0__")
    finally:
        term.close()
    assert (home / "workspace.json").is_file()
    assert len(list((home / "meetings").glob("*.json"))) == 40
