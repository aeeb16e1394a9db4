"""``tandem export``: minutes to stdout or files, CSV for spreadsheets."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tandem.store import words
from tandem.store.errors import NotFoundError
from tandem.store.minutes.export import export_csv, export_minutes, resolve_meeting, select_meetings, write_file
from tandem.store.minutes.render import Shared, render_minutes
from tandem.store.workspace import Workspace


def run_export(
    workspace: Workspace,
    meeting: str | None,
    *,
    output: Path | None,
    out: Path | None,
    series: str | None,
    since: str | None,
    fmt: str,
) -> None:
    shared = Shared.load(workspace)
    if meeting is not None:
        ids = [resolve_meeting(workspace, meeting)]
    else:
        if series is not None and series not in shared.series and not any(m.series_id == series for m in shared.meetings):
            known = ", ".join(sorted(shared.series)) or "none"
            raise NotFoundError(f"No series {series!r} in {workspace.home}; known series: {known}.")
        ids = select_meetings(shared, series=series, since=since)

    if fmt == "csv":
        assert out is not None
        paths = export_csv([workspace.read_meeting(i) for i in ids], out)
        click.echo(f"Wrote {words.count(len(ids), 'meeting')}' action items and lead feedback to {paths[0]} and {paths[1]}.", err=True)
        return

    if meeting is not None and out is None:
        text = render_minutes(workspace.read_meeting(ids[0]), shared)
        if output is None:
            click.echo(text, nl=False)
        else:
            changed = write_file(output, text.encode("utf-8"))
            click.echo(f"{'Wrote' if changed else 'Unchanged:'} {output}", err=True)
        return

    assert out is not None
    if sys.stderr.isatty() and len(ids) > 1:
        with click.progressbar(length=len(ids), label="Exporting minutes", file=sys.stderr) as bar:
            result = export_minutes(workspace, ids, out, shared=shared, progress=bar.update)
    else:
        result = export_minutes(workspace, ids, out, shared=shared)
    click.echo(
        f"Exported {words.count(result.total, 'meeting')} to {out}: {len(result.written)} written, {len(result.unchanged)} unchanged.",
        err=True,
    )


def run_export_shadow(workspace: Workspace, ref: str, *, output: Path | None) -> None:
    """``tandem export shadow ID``: one shadow day's Markdown, to stdout or ``output``."""
    from tandem.store.minutes.render import render_shadow_day
    from tandem.store.shadow_days import resolve_shadow_day

    text = render_shadow_day(resolve_shadow_day(workspace, ref))
    if output is None:
        click.echo(text, nl=False)
        return
    changed = write_file(output, text.encode("utf-8"))
    click.echo(f"{'Wrote' if changed else 'Unchanged:'} {output}", err=True)
