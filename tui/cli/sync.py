"""``tandem sync …``: one workspace for the whole team, shared through the user's own git.

``tandem sync`` commits what changed here, takes the team's changes (merged record by
record) and sends this machine's; ``init`` shares a workspace, ``clone`` joins a team,
``status`` says what is waiting, without the network.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from tandem.tui.cli.main import Env


@click.group("sync", invoke_without_command=True)
@click.pass_context
def sync_group(ctx: click.Context) -> None:
    """Share this workspace with the team through git: commit, fetch, merge, push.

    Without a subcommand, syncs now. Needs git; the remote is the team's own private
    repository (see "Working as a team" in the README).
    """
    if ctx.invoked_subcommand is not None:
        return
    from tandem.store.sync.run import Sync

    env: Env = ctx.obj
    home = env.workspace().home
    report = Sync(home, interactive=sys.stdin.isatty()).run()
    click.echo(report.sentence())


@sync_group.command("init")
@click.argument("remote", required=False)
@click.pass_obj
def sync_init(env: Env, remote: str | None) -> None:
    """Make this workspace a git repository and, with REMOTE (a URL or path of an empty
    repository of the team's), share it there."""
    from tandem.store.sync.setup import init

    click.echo(init(env.workspace().home, remote))


@sync_group.command("clone")
@click.argument("url")
@click.pass_obj
def sync_clone(env: Env, url: str) -> None:
    """Join a team: copy its workspace from URL into --home (or the default workspace
    folder), which must be empty or not exist yet."""
    from tandem.store.sync.setup import clone

    click.echo(clone(url, env.workspace().home))


@sync_group.command("status")
@click.pass_obj
def sync_status(env: Env) -> None:
    """What is not committed yet, what is waiting to be sent or taken, and the last sync."""
    from tandem.store.sync.run import Sync

    for line in Sync(env.workspace().home).status():
        click.echo(line)
