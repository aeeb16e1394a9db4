"""``tandem digest``: one person's open action items and the period's meetings, decisions and
contributions, as Markdown, an HTML page or an e-mail message (store/digest.py)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tandem.tui.cli.owner import owner_name

if TYPE_CHECKING:
    from tandem.tui.cli.main import Env

_DAYS = re.compile(r"(\d{1,4})d")


def since_day(value: str, today: date) -> date:
    """``7d`` (the last seven days: from a week ago through today) or a date (YYYY-MM-DD)."""
    m = _DAYS.fullmatch(value.strip())
    if m:
        return today - timedelta(days=int(m[1]))
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is neither a number of days (7d) nor a date (YYYY-MM-DD)", param_hint="--since") from None


@click.command("digest")
@click.option("--owner", default="me", show_default=True, metavar="NAME", help="Whose digest: a name, or 'me' (config.toml's [me]).")
@click.option("--since", "since", default="7d", show_default=True, metavar="7d|DATE", help="The period: a number of days back, or a first day.")
@click.option(
    "--format", "fmt", type=click.Choice(["md", "html", "eml"]), default="md", show_default=True, help="Markdown, a printable HTML page, or an e-mail message."
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout.")
@click.pass_obj
def digest_cmd(env: Env, owner: str, since: str, fmt: str, output: Path | None) -> None:
    """What one person owes and what happened lately.

    Their open action items (overdue first, with due dates), the meetings held in the period
    with their decisions, and what the meetings did with their contributions.

    \b
    tandem digest                          yours, the last 7 days
    tandem digest --owner "Ana Ruiz" --since 2026-11-01 --format html -o ana.html
    tandem digest --format eml | msmtp -t          (To: [people] in config.toml)
    tandem digest --format eml | msmtp -t you@example.com

    For tests and scripts, TANDEM_TODAY=YYYY-MM-DD sets the day taken as today.
    """
    from tandem.store.digest import build_digest, digest_message, render_markdown, render_page
    from tandem.store.minutes.export import write_file
    from tandem.store.minutes.mail import as_bytes
    from tandem.tui.cli.today import today as today_is

    today = today_is()
    first = since_day(since, today)
    if first > today:
        raise click.BadParameter(f"{first.isoformat()} is after today ({today.isoformat()})", param_hint="--since")
    digest = build_digest(env.workspace(), owner_name(owner) or "", today=today, since=first)
    if fmt == "eml":
        # A fixed day (TANDEM_TODAY) dates the message at its start: the same bytes every run.
        now = datetime.now() if today == date.today() else datetime.combine(today, time())
        from tandem.store.addresses import address_of
        from tandem.store.config import load_config

        address = address_of(load_config().config.people, digest.owner)
        if not address:
            from tandem.store.outside import one_line

            click.echo(f"No e-mail address for {one_line(digest.owner)} ([people] in config.toml): the message has no To:.", err=True)
        data = as_bytes(digest_message(digest, now=now.replace(microsecond=0), address=address))
    else:
        data = (render_page(digest) if fmt == "html" else render_markdown(digest)).encode("utf-8")
    if output is None:
        click.echo(data, nl=False)
        return
    changed = write_file(output, data)
    click.echo(f"{'Wrote' if changed else 'Unchanged:'} {output}", err=True)
