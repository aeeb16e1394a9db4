"""``tandem export``: minutes to stdout or files, CSV for spreadsheets."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click

from tandem.store import words
from tandem.store.errors import NotFoundError
from tandem.store.minutes.export import ExportResult, export_csv, export_minutes, plan_export, resolve_meeting, select_meetings, write_file
from tandem.store.minutes.render import Shared, render_minutes
from tandem.store.records import Meeting
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
    to: str | None = None,
) -> None:
    if meeting is None and fmt == "md":
        assert out is not None
        run_export_all(workspace, out, series=series, since=since)
        return

    shared = Shared.load(workspace)
    if meeting is not None:
        ids = [resolve_meeting(workspace, meeting)]
    else:
        _check_series(workspace, series, shared.series, shared.meetings)
        ids = select_meetings(shared, series=series, since=since)

    if fmt == "csv":
        assert out is not None
        paths = export_csv([workspace.read_meeting(i) for i in ids], out)
        click.echo(f"Wrote {words.count(len(ids), 'meeting')}' action items and lead feedback to {paths[0]} and {paths[1]}.", err=True)
        return

    if fmt in ("html", "eml"):
        _export_page(workspace, ids, shared, fmt=fmt, output=output, out=out, to=to)
        return

    if out is None:
        text = render_minutes(workspace.read_meeting(ids[0]), shared)
        if output is None:
            click.echo(text, nl=False)
        else:
            changed = write_file(output, text.encode("utf-8"))
            click.echo(f"{'Wrote' if changed else 'Unchanged:'} {output}", err=True)
        return

    _report(export_minutes(workspace, ids, out, shared=shared), out)


def _export_page(workspace: Workspace, ids: list[str], shared: Shared, *, fmt: str, output: Path | None, out: Path | None, to: str | None) -> None:
    """HTML minutes (one meeting, or each into ``out``) or one meeting's e-mail message."""
    from tandem.store.minutes.html import render_html
    from tandem.store.minutes.mail import Recipient, as_bytes, minutes_message, people_of, your_actions

    if out is not None:
        _report(export_minutes(workspace, ids, out, shared=shared, render=render_html, suffix=".html"), out)
        return
    record = workspace.read_meeting(ids[0])
    recipient = Recipient.parse(to) if to is not None else None
    if fmt == "eml":
        from tandem.store.config import load_config
        from tandem.store.outside import one_line

        addresses = load_config().config.people
        if recipient is None:
            missing = people_of(record.meeting, addresses)[2]
            if missing:
                who = ", ".join(one_line(name) for name in missing)
                click.echo(f"No e-mail address for {who} ([people] in config.toml): not among the recipients.", err=True)
        elif not recipient.known(addresses).address:
            click.echo(f"No e-mail address for {one_line(recipient.name)} ([people] in config.toml): the message has no To:.", err=True)
        data = as_bytes(minutes_message(record, shared, to=recipient, addresses=addresses))
    else:
        data = render_html(record, shared, preface=your_actions(recipient, record, shared)).encode("utf-8")
    if output is None:
        click.echo(data, nl=False)
        return
    changed = write_file(output, data)
    click.echo(f"{'Wrote' if changed else 'Unchanged:'} {output}", err=True)


def _report(result: ExportResult, out: Path) -> None:
    click.echo(
        f"Exported {words.count(result.total, 'meeting')} to {out}: {len(result.written)} written, {len(result.unchanged)} unchanged.",
        err=True,
    )


def _check_series(workspace: Workspace, series: str | None, known: Iterable[str], meetings: Iterable[Meeting] | None = None) -> None:
    """A :class:`NotFoundError` unless ``series`` is None, a series, or the series of a meeting
    (whose series record is gone); ``meetings`` are listed only if the last needs saying."""
    if series is None or series in known:
        return
    if any(m.series_id == series for m in (workspace.list_meetings() if meetings is None else meetings)):
        return
    names = ", ".join(sorted(known)) or "none"
    raise NotFoundError(f"No series {series!r} in {workspace.home}; known series: {names}.")


def run_export_all(workspace: Workspace, out: Path, *, series: str | None, since: str | None) -> None:
    """``tandem export --all``: the minutes of every meeting, re-rendering only those whose
    inputs changed since the last export into ``out`` (store/minutes/export.py)."""
    _check_series(workspace, series, [s.id for s in workspace.series.all()])
    plan = plan_export(workspace, out, series=series, since=since)
    # A bar for a full pass only: an export after a few changes renders those few at once.
    if sys.stderr.isatty() and len(plan.ids) > 1 and not plan.settled and plan.patch is None:
        with click.progressbar(length=len(plan.ids), label="Exporting minutes", file=sys.stderr) as bar:
            result = plan.run(progress=bar.update)
    else:
        result = plan.run()
    _report(result, out)
    from tandem.store.interop.ics import FILE_NAME, write_calendar

    # Kept up to date once there (`tandem export ics -o DIR/calendar.ics` starts it): a
    # folder of minutes only stays one.
    if (out / FILE_NAME).is_file():
        path, changed = write_calendar(workspace, out, series=series)
        click.echo(f"{'Wrote' if changed else 'Unchanged:'} {path}", err=True)


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
