"""``tandem import leads FILE.csv``: a CRM's lead list into the workspace (``store/crm``).

One line says what changed ("120 leads read: 3 new, 1 updated, 116 unchanged"); ``--json``
prints it as an object. A bad file is one sentence naming it and the line (exit 1); a bad
option or a missing mapping one sentence too (exit 2). On a terminal, a progress bar on
stderr follows a large file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from tandem.store.crm.settings import CrmMapping
    from tandem.tui.cli.main import Env

#: The presets (``store.crm.settings.PRESETS``, spelled out: the store is not imported
#: before a command runs).
PRESETS = ("hubspot", "salesforce")
#: Smaller files read faster than a progress bar can say anything useful.
PROGRESS_FROM_BYTES = 4 * 1024 * 1024


@click.group("import")
def import_group() -> None:
    """Bring in what another tool exported (lead lists from your CRM)."""


def _mapping(preset: str | None) -> CrmMapping:
    from tandem.store.config import load_config
    from tandem.store.errors import UsageError

    loaded = load_config()
    wrong = [p for p in loaded.problems if p.key == "crm" or p.key.startswith("crm.")]
    if wrong:
        raise UsageError(f"{wrong[0].format()}; fix [crm] first ('tandem config check' lists every problem).")
    mapping = loaded.config.crm.mapping(preset)
    if mapping is None:
        raise UsageError(f"No CRM mapping yet: pass --preset {' or '.join(PRESETS)}, or set [crm] in {loaded.path}.")
    return mapping


@import_group.command("leads")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--period", metavar="YYYY-MM", help="The month the list is for (default: each lead's creation month).")
@click.option("--preset", type=click.Choice(PRESETS), help="Read the file as this CRM exports it (default: config.toml's [crm]).")
@click.option("--json", "as_json", is_flag=True, help="Print what was imported as JSON.")
@click.pass_obj
def import_leads(env: Env, file: Path, period: str | None, preset: str | None, as_json: bool) -> None:
    """Import FILE, a CSV lead list exported from your CRM, into the workspace's leads.json.

    Only the mapped fields are kept (the CRM's id, source, campaign, persona, segment,
    stage, status and the created / handed-over / first-touch times): never names, e-mails
    or phone numbers. Importing the same file again changes nothing; an updated export
    updates the leads that changed.
    """
    from tandem.store.crm.importer import import_leads as run
    from tandem.store.words import count

    mapping = _mapping(preset)
    workspace = env.workspace()
    shown = click.format_filename(file)
    size = file.stat().st_size
    if sys.stderr.isatty() and size >= PROGRESS_FROM_BYTES:
        with click.progressbar(length=size, label=f"Reading {file.name}", file=sys.stderr, show_eta=True) as bar:
            done = [0]

            def moved(read: int) -> None:
                bar.update(read - done[0])
                done[0] = read

            result = run(workspace, file, mapping, period=period, progress=moved, shown=shown)
    else:
        result = run(workspace, file, mapping, period=period, shown=shown)
    if as_json:
        import orjson

        click.echo(orjson.dumps(result.to_dict(), option=orjson.OPT_INDENT_2))
        return
    click.echo(f"{shown}: {count(result.rows, 'lead')} read: {result.new} new, {result.updated} updated, {result.unchanged} unchanged.")
    if result.missing:
        click.echo(f"tandem: not in the file, left empty: {', '.join(result.missing)}.", err=True)


def run_export_crm(env: Env, preset: str | None, out: Path | None) -> None:
    """``tandem export crm --preset hubspot|salesforce --out DIR``: leads.csv (one row per
    lead with feedback, keyed by the CRM's id, status and reasons as the CRM's values) and
    tasks.csv (the action items), ready for the CRM's import as an update."""
    from tandem.store.crm.export import export_crm
    from tandem.store.outside import one_line
    from tandem.store.words import count

    if out is None:
        raise click.UsageError("export crm writes two files: give --out DIR")
    mapping = _mapping(preset)
    result = export_crm(env.workspace(), mapping, out)
    if result.empty:
        click.echo("Nothing to export: no lead has feedback and no action item is open or done.", err=True)
        return
    files = " and ".join(str(p) for p in (*result.written, *result.unchanged))
    said = "Wrote" if result.written else "Unchanged:"
    click.echo(f"{said} {files}: {count(result.leads, 'lead')} with feedback, {count(result.tasks, 'task')}.", err=True)
    if result.left_out:
        shown = ", ".join(one_line(r, 40) for r in result.left_out[:5]) + (", …" if len(result.left_out) > 5 else "")
        click.echo(f"tandem: {count(len(result.left_out), 'reference')} left out, not a CRM id: {shown}.", err=True)
    if result.unknown:
        shown = ", ".join(result.unknown[:5]) + (", …" if len(result.unknown) > 5 else "")
        click.echo(f"tandem: {count(len(result.unknown), 'lead')} not in any imported list (check the ids): {shown}.", err=True)
