"""``tandem export ics``: the team's calendar (store/interop/ics.py) to stdout or a file."""

from __future__ import annotations

from pathlib import Path

import click

from tandem.store.errors import NotFoundError
from tandem.store.interop.ics import calendar_bytes
from tandem.store.minutes.export import write_file
from tandem.store.workspace import Workspace
from tandem.tui.cli.owner import owner_name


def run_export_ics(workspace: Workspace, *, series: str | None, owner: str | None, todo: bool, output: Path | None) -> None:
    known = sorted(s.id for s in workspace.series.all())
    if series is not None and series not in known and not any(m.series_id == series for m in workspace.list_meetings()):
        raise NotFoundError(f"No series {series!r} in {workspace.home}; known series: {', '.join(known) or 'none'}.")
    owner = owner_name(owner)
    data = calendar_bytes(workspace, series=series, owner=owner, todo=todo)
    if output is None:
        # Bytes, not text: the CRLF line ends RFC 5545 requires go out as they are.
        click.echo(data, nl=False)
        return
    changed = write_file(output, data)
    click.echo(f"{'Wrote' if changed else 'Unchanged:'} {output}", err=True)
