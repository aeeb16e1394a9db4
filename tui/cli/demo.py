"""``tandem demo``: seed (or reuse) a demo workspace that never mixes with real data."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tandem.store import words
from tandem.store.errors import WorkspaceNotEmptyError
from tandem.store.workspace import Workspace


def demo_home() -> Path:
    from platformdirs import user_data_path

    return user_data_path("tandem-demo", appauthor=False)


def run_demo(home: Path | None, *, meetings: int, seed: int, reset: bool) -> Workspace:
    from tandem.store.demo import seeding_lock

    workspace = Workspace(home or demo_home())
    if not workspace.is_empty() and not workspace.info().get("demo"):
        _refuse_real(workspace)  # before the lock: a real workspace gets no lock file of ours
    with seeding_lock(workspace):
        return _seed_or_reuse(workspace, meetings=meetings, seed=seed, reset=reset)


def _seed_or_reuse(workspace: Workspace, *, meetings: int, seed: int, reset: bool) -> Workspace:
    from tandem.store.demo import clear_demo, seed_demo, seeding_interrupted
    from tandem.tui.cli.today import today

    if seeding_interrupted(workspace):
        click.echo(f"The demo workspace at {workspace.home} was left half-built by an interrupted 'tandem demo'; building it again.", err=True)
        clear_demo(workspace)
        workspace = Workspace(workspace.home)
    elif not workspace.is_empty():
        if not workspace.info().get("demo"):
            _refuse_real(workspace)
        if not reset:
            click.echo(f"Using the demo workspace at {workspace.home} (pass --reset to recreate it).", err=True)
            return workspace
        clear_demo(workspace)
        workspace = Workspace(workspace.home)

    if sys.stderr.isatty():
        with click.progressbar(length=meetings, label="Creating demo meetings", file=sys.stderr) as bar:
            summary = seed_demo(workspace, meetings=meetings, seed=seed, today=today(), progress=lambda done, total: bar.update(1))
    else:
        # Dated from today: the next meeting is ahead, none is left planned in the past.
        summary = seed_demo(workspace, meetings=meetings, seed=seed, today=today())
    click.echo(
        f"Demo workspace ready at {workspace.home}: {words.count(summary.meetings, 'meeting')} in {summary.series} series, "
        f"{words.count(summary.people, 'person')}, {words.count(summary.actions_open, 'open action item')}.",
        err=True,
    )
    return workspace


def _refuse_real(workspace: Workspace) -> None:
    raise WorkspaceNotEmptyError(f"{workspace.home} already holds a real workspace; the demo never mixes with real data, so pick an empty folder with --home.")
