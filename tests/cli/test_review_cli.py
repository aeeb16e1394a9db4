"""Review: command-line defects (terminal escapes, Rich markup in paths, --since, help)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import build_sample, run_cli

from tandem.store.records import Meeting, Series
from tandem.store.workspace import Workspace


def test_list_never_sends_escape_sequences_from_the_data_to_the_terminal(tmp_path: Path) -> None:
    # A series title or facilitator holding "\x1b]52;c;…" (set the clipboard) or "\x1b[2J"
    # reached the terminal of everyone who ran `tandem list` on that workspace.
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="s", title="Sync\x1b[2J\x1b]0;pwned\x07"))
    ws.create_meeting(Meeting(id="m", series_id="s", title="T", date="2026-11-26", facilitator="\x1b[31mDana\x1b]52;c;ZXZpbA==\x07"))
    result = run_cli("--home", str(ws.home), "list")
    assert result.code == 0, result.err
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert "Sync" in result.out and "Dana" in result.out  # the whole sequence goes, OSC payload included


def test_templates_show_strips_escape_sequences_of_a_user_template(tmp_path: Path) -> None:
    config = tmp_path / "config"
    (config / "templates").mkdir(parents=True)
    (config / "templates" / "evil.md").write_text("# Evil\x1b[2J sync\n\n## Item\x1b]0;x\x07\n- timebox: 5\n\n- Why\x1b[31m?\n")
    result = run_cli("templates", "show", "evil", env={**_env(), "TANDEM_CONFIG_DIR": str(config)})
    assert result.code == 0, result.err
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert "Evil" in result.out and "Why" in result.out


def test_paths_with_square_brackets_are_printed_as_they_are(tmp_path: Path) -> None:
    # Rich read "[/y]" in a --home path as markup: `tandem list` crashed ("unexpected error
    # (MarkupError…)"), and "[bold]" vanished from the path shown.
    for name in ("x[/y]", "[bold]z"):
        result = run_cli("--home", str(tmp_path / name), "list")
        assert result.code == 0, result.err
        assert name in result.out.replace("\n", "")
    config = tmp_path / "cfg[/b]"
    result = run_cli("templates", "list", env={**_env(), "TANDEM_CONFIG_DIR": str(config)})
    assert result.code == 0, result.err
    assert "cfg[/b]" in result.out.replace("\n", "")


def test_since_accepts_only_what_it_can_compare(tmp_path: Path) -> None:
    # date.fromisoformat() accepts "20261120" and "2026-W47-5", but meeting dates are
    # compared as YYYY-MM-DD text: those exported nothing and still exited 0.
    ws = build_sample(tmp_path / "ws")
    out = tmp_path / "minutes"
    for since in ("20261120", "2026-W47-5"):
        result = run_cli("--home", str(ws.home), "export", "--all", "--out", str(out), "--since", since)
        assert result.code == 0, result.err
        assert sorted(p.name for p in out.iterdir()) == ["2026-11-26_weekly-smarketing-sync.md"], since


def test_a_group_without_its_subcommand_shows_clean_help() -> None:
    # `tandem templates` printed its help with "tandem: " glued to the first line and
    # " (see 'tandem templates --help')." glued to the last.
    result = run_cli("templates")
    assert result.code == 2
    assert result.err.startswith("Usage: tandem templates"), result.err
    assert "(see 'tandem templates --help')" not in result.err
    for command in ("check", "list", "show"):
        assert f"\n  {command} " in result.err


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_demo_never_seeds_the_workspace_named_by_tandem_home(tmp_path: Path) -> None:
    # README: "The demo lives in its own folder (tandem-demo) unless you pass --home". With
    # TANDEM_HOME set (say in a shell profile) the demo was seeded into the real workspace;
    # real meetings then went into a demo-flagged folder that `demo --reset` deletes whole.
    real = tmp_path / "real workspace"
    env = {**_env(), "TANDEM_HOME": str(real), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = run_cli("demo", "--no-open", "--meetings", "2", env=env)
    assert result.code == 0, result.err
    assert not real.exists() or not any(real.iterdir())
    assert (tmp_path / "data" / "tandem-demo" / "workspace.json").is_file()
    explicit = tmp_path / "named"
    assert run_cli("--home", str(explicit), "demo", "--no-open", "--meetings", "2", env=env).code == 0
    assert (explicit / "workspace.json").is_file()


@pytest.mark.parametrize("today", ["2026-12-03", "2027-03-13"])
def test_the_demo_is_dated_from_today(tmp_path: Path, today: str) -> None:
    """The story ends today: the next meeting is ahead, none is left planned in the past."""
    home = tmp_path / "demo"
    result = run_cli("--home", str(home), "demo", "--no-open", env={**_env(), "TANDEM_TODAY": today})
    assert result.code == 0, result.err
    rows = json.loads(run_cli("--home", str(home), "list", "--json", env=_env()).out)
    planned = [r["date"] for r in rows if r["status"] == "planned"]
    held = [r["date"] for r in rows if r["status"] in ("ended", "finalized")]
    assert planned and min(planned) >= today
    assert max(held) < today
