"""The ``tandem`` command line: a contract other tools rely on (see README).

Errors are one sentence on stderr; exit status 1 for bad data, 2 for bad usage; never a
traceback. Heavy modules (Textual, the store) load inside the commands that need them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from tandem import __version__
from tandem.tui.cli.today import today as _today

if TYPE_CHECKING:
    from tandem.store.records import ActionItem, Meeting
    from tandem.store.workspace import Workspace


@dataclass
class Env:
    home: Path | None  # None: the default workspace
    #: --home on the command line (not TANDEM_HOME): only that may put the demo somewhere.
    home_given: bool = False

    def workspace(self) -> Workspace:
        from tandem.store.workspace import Workspace, default_home

        return Workspace(self.home or default_home())


def _count(n: int, noun: str) -> str:
    from tandem.store.words import count

    return count(n, noun)


def _fail(message: str, code: int = 1) -> NoReturn:
    from tandem.store.outside import clean_text

    # The sentence may quote a file name or an id read from disk: no escape sequence or line
    # break of theirs reaches the terminal.
    click.echo(f"tandem: {' '.join(clean_text(message).split())}", err=True)
    sys.exit(code)


@click.group(
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "-V", "--version", prog_name="tandem")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="TANDEM_HOME",
    help="Workspace folder (default: your platform's user data folder; env TANDEM_HOME).",
)
@click.pass_context
def cli(ctx: click.Context, home: Path | None) -> None:
    """Run sales–marketing alignment meetings and shadow days from the terminal.

    Without a command, opens the app on the workspace.
    """
    given = ctx.get_parameter_source("home") == click.core.ParameterSource.COMMANDLINE
    ctx.obj = Env(home=home, home_given=given)
    if ctx.invoked_subcommand is None:
        _open_app(ctx.obj.workspace())


def _open_app(workspace: Workspace, start: object = None) -> None:
    """The app on ``workspace``; in review mode if nothing can be saved there. An outdated
    workspace is upgraded first (with a backup), and the app says so."""
    import dataclasses

    from tandem.store.migrate import migrate_workspace
    from tandem.tui.home_data import read_home_first

    problem = workspace.write_problem()
    if problem is not None:
        _open_review(workspace.home, f"This workspace is read-only ({problem}), so it is open in review mode: nothing can be changed.")
        return
    notice = migrate_workspace(workspace).sentence()
    from tandem.tui.startup import pause_gc

    pause_gc()  # until the app is up (tui/startup.py)
    # Read before Textual is imported: the home screen's first frame has the meetings.
    early = read_home_first(workspace)
    from tandem.tui.app import StartWith, create_app

    start = start if isinstance(start, StartWith) else StartWith()
    create_app(workspace, start=dataclasses.replace(start, notice=notice), early=early).run()


def _open_review(home: Path, notice: str = "") -> None:
    from tandem.store.review.from_workspace import WorkspaceSource
    from tandem.tui.review_app import create_review_app

    create_review_app(WorkspaceSource(home), today=_today(), notice=notice).run()


@cli.command()
@click.argument("meeting", required=False)
@click.option(
    "--take-over",
    is_flag=True,
    help="Run MEETING although a teammate's clone runs it (their laptop died mid-meeting); asks first.",
)
@click.option("--yes", is_flag=True, help="With --take-over: do not ask (for scripts).")
@click.pass_obj
def run(env: Env, meeting: str | None, take_over: bool, yes: bool) -> None:
    """Run a meeting live (resumes it where it was).

    Without MEETING: the live meeting, else the next planned one, else the new-meeting form.
    A meeting a teammate runs on another clone of the team's workspace is refused, naming
    them; --take-over runs it here instead.
    """
    from tandem.store.errors import TandemError
    from tandem.tui.app import StartWith
    from tandem.tui.cli.run import pick_meeting

    if take_over and meeting is None:
        raise click.UsageError("--take-over needs the MEETING to take over")
    if yes and not take_over:
        raise click.UsageError("--yes goes with --take-over")
    workspace = env.workspace()
    problem = workspace.write_problem()
    if problem is not None:
        raise TandemError(f"The workspace {workspace.home} is read-only ({problem}); 'tandem review' shows it.")
    today = _today()
    meeting_id = pick_meeting(workspace, meeting, today=today, take_over=take_over)
    if meeting is None and meeting_id is not None and not _start_anyway(workspace.get_meeting(meeting_id), today):
        return
    if take_over and meeting_id is not None and not _take_over_anyway(workspace, meeting_id, yes):
        return
    _open_app(workspace, StartWith(meeting_id=meeting_id, new_meeting=meeting_id is None, take_over=take_over))


def _take_over_anyway(workspace: Workspace, meeting_id: str, yes: bool) -> bool:
    """Whether to take over a meeting a teammate's clone claims: asked first on a terminal,
    as their tandem, if it is still running, keeps writing its own copy (both are merged
    by the next sync, the later claim winning)."""
    from tandem.store.sync.claim import claimed_elsewhere

    claim = claimed_elsewhere(workspace.get_meeting(meeting_id), workspace.home)
    if claim is None:
        return True  # nobody else claims it: running it is all --take-over asks
    question = f"Meeting {meeting_id} is being run by {claim.holder}. Take it over here?"
    if yes:
        click.echo(f"{question} [y/N]: y (--yes)")
        return True
    if not sys.stdin.isatty():
        raise click.UsageError("--take-over asks first, but stdin is not a terminal; add --yes to take over without asking")
    if click.confirm(question, default=False):
        return True
    click.echo("Nothing taken over.")
    return False


def _start_anyway(picked: Meeting, today: date) -> bool:
    """Whether to start the next planned meeting when it is not today's: asked first, as
    running it starts its clocks (`tandem run MEETING` names it and is not asked)."""
    if picked.status != "planned" or picked.date == today.isoformat():
        return True
    from tandem.store.errors import TandemError

    when = date.fromisoformat(picked.date).strftime("%a %d %b")
    if not sys.stdin.isatty():
        raise TandemError(f"The next meeting, {picked.id}, is planned for {when}, not today; 'tandem run {picked.id}' starts it anyway.")
    if click.confirm(f"The next meeting, {picked.title}, is planned for {when}, not today. Start it now?", default=False):
        return True
    click.echo(f"Nothing started. 'tandem meeting reschedule {picked.id} today' moves it to today.")
    return False


@cli.command()
@click.option(
    "--minutes",
    "minutes_dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Browse a folder of exported minutes (a git clone, say) instead of the workspace.",
)
@click.pass_obj
def review(env: Env, minutes_dir: Path | None) -> None:
    """Browse past meetings, action items, objectives, lead quality and shadow days.

    Read-only: it never locks or changes a file, so it is safe next to a running meeting.
    """
    from tandem.store.errors import NotFoundError
    from tandem.tui.review_app import create_review_app

    if minutes_dir is not None:
        from tandem.store.review.from_minutes import MinutesFolderSource

        if not minutes_dir.is_dir():
            raise NotFoundError(f"No folder of minutes at {minutes_dir}.")
        source: object = MinutesFolderSource(minutes_dir)
    else:
        from tandem.store.workspace import default_home

        home = (env.home or default_home()).expanduser()
        if not home.is_dir():
            raise NotFoundError(f"No workspace at {home}; run 'tandem demo' for a sample, or pass --home.")
        _open_review(home)
        return
    create_review_app(source, today=_today()).run()  # type: ignore[arg-type]


@cli.command()
@click.argument("meeting", required=False)
@click.pass_obj
def follow(env: Env, meeting: str | None) -> None:
    """Watch a meeting in progress, read-only, as it is saved.

    Shows the current item, its notes and timer, the meeting clock, the agenda and what
    was captured so far, refreshed within a second of each save by the facilitator.

    Without MEETING: the live one (the most recently saved if several are). Works next to
    the facilitator's 'tandem run', on the same host or over SSH; it never locks or changes
    anything. An ended meeting named explicitly shows its final state.
    """
    from tandem.store.errors import NotFoundError
    from tandem.store.follow import pick_followed
    from tandem.store.workspace import Workspace, default_home
    from tandem.tui.follow_app import create_follow_app

    home = (env.home or default_home()).expanduser()
    if not home.is_dir():
        raise NotFoundError(f"No workspace at {home}; pass --home (or set TANDEM_HOME) to the facilitator's workspace.")
    workspace = Workspace(home, read_only=True)
    meeting_id = pick_followed(workspace, meeting)
    workspace.read_meeting(meeting_id)  # unreadable now: one sentence, before the screen opens
    create_follow_app(workspace, meeting_id).run()


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def list_meetings(env: Env, as_json: bool) -> None:
    """List the workspace's meetings in date order."""
    from tandem.tui.cli import output
    from tandem.tui.home_data import collector_paused

    workspace = env.workspace()
    # The collector paused: the command holds every meeting until it prints them, and the
    # collector would walk them again and again for no cycle (a third of its CPU at 20,000).
    with collector_paused():
        # From the meeting index, which counts each meeting's agenda items, lead feedback and
        # decisions without decoding them, as dicts (no record is built).
        listed = output.listed_in_date_order(workspace.iter_listed_data())
        if as_json:
            output.print_json([output.meeting_summary(*row) for row in listed])
        else:
            output.print_meetings(listed, workspace.series.all(), workspace.home)


@cli.command()
@click.option("--open", "only_open", is_flag=True, help="Only open action items.")
@click.option("--overdue", is_flag=True, help="Only open items whose due date is before today (implies --open).")
@click.option("--owner", metavar="NAME", help="Only the items of this owner (upper/lower case does not matter).")
@click.option("--series", metavar="S", help="Only items from meetings of this series (its id).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--due-within", metavar="N[d|w]", help="Only open items due within N days (or weeks) from today, overdue ones included.")
@click.option(
    "--format", "task_format", type=click.Choice(["todotxt", "taskwarrior"]), help="todo.txt lines, or Taskwarrior JSON for 'task import' (one task a line)."
)
@click.pass_obj
def actions(
    env: Env, only_open: bool, overdue: bool, owner: str | None, series: str | None, as_json: bool, due_within: str | None, task_format: str | None
) -> None:
    """Action items across all meetings, oldest meeting first.

    Each with its meeting, date, series, owner, due date, status and age in days since its
    meeting; open items past their due date are marked overdue.

    For tests and scripts, the environment variable TANDEM_TODAY=YYYY-MM-DD sets the day
    taken as today. --owner me is config.toml's [me] name.
    """
    from tandem.store.addresses import person_key
    from tandem.store.errors import NotFoundError
    from tandem.tui.cli import output
    from tandem.tui.cli.owner import owner_name
    from tandem.tui.home_data import collector_paused

    today = _today()
    if as_json and task_format:
        raise click.UsageError("give --json or --format, not both")
    horizon = _due_within(due_within, today) if due_within is not None else None
    owner = owner_name(owner)
    workspace = env.workspace()
    found: list[tuple[Meeting, int, ActionItem]] = []
    seen_series: set[str] = set()
    with collector_paused():  # as for list: every meeting's action items are held to the end
        for meeting, items in workspace.iter_actions():
            seen_series.add(meeting.series_id)
            found.extend((meeting, n, a) for n, a in enumerate(items))
    known_series = workspace.series.all()
    if series is not None and series not in seen_series | {s.id for s in known_series}:
        known = ", ".join(sorted(seen_series | {s.id for s in known_series})) or "none"
        raise NotFoundError(f"No series {series!r} in {workspace.home}; known series: {known}.")
    wanted_owner = person_key(owner) if owner is not None else None
    found.sort(key=lambda row: (row[0].date, row[0].id, row[1]))
    kept = [
        (meeting, action)
        for meeting, _, action in found
        if (series is None or meeting.series_id == series)
        and (wanted_owner is None or person_key(action.owner) == wanted_owner)
        and (not (only_open or overdue) or action.status == "open")
        and (not overdue or action.is_overdue(today))
        and (horizon is None or (action.status == "open" and bool(action.due) and action.due <= horizon))
    ]
    rows = [output.action_summary(action, meeting, today) for meeting, action in kept]
    if task_format:
        from tandem.store.interop.tasks import taskwarrior, todotxt

        for meeting, action in kept:
            click.echo(todotxt(action, meeting) if task_format == "todotxt" else _json_line(taskwarrior(action, meeting)))
        return
    if as_json:
        output.print_json(rows)
        return
    if not found:
        empty = f"No action items in {workspace.home} yet."
    else:
        kind = "overdue " if overdue else "open " if only_open else ""
        whose = f" owned by {owner.strip()}" if owner is not None else ""
        where = f" in series {series}" if series is not None else ""
        empty = f"No {kind}action items{whose}{where} in {workspace.home}."
    output.print_actions(rows, known_series, empty)


def _due_within(value: str, today: date) -> str:
    """``--due-within 3d`` (or ``2w``, or ``3``: days) → the last due date it takes in."""
    text = value.strip().lower()
    weeks = text.endswith("w")
    number = text[:-1] if text[-1:] in ("d", "w") else text
    if not number.isdigit() or int(number) > 3660:
        raise click.BadParameter(f"{value!r} is not a number of days or weeks (3d, 2w)", param_hint="'--due-within'")
    from datetime import timedelta

    return (today + timedelta(days=int(number) * (7 if weeks else 1))).isoformat()


def _json_line(value: object) -> str:
    import orjson

    return orjson.dumps(value).decode()


@cli.command()
@click.option("--owner", metavar="NAME", help="Count only this person's action items ('me': config.toml's [me] name).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts, the next meeting and the line as JSON.")
@click.pass_obj
def status(env: Env, owner: str | None, as_json: bool) -> None:
    """One short line for a shell prompt, tmux or cron: what is overdue or due soon, the
    next meeting, the contributions waiting for it ("nothing due" when none).

    Fast enough for every prompt: it reads a cache the workspace's files are checked
    against. TANDEM_TODAY=YYYY-MM-DD sets the day taken as today.
    """
    from tandem.tui.cli.status import run_status

    run_status(env.home, owner=owner, as_json=as_json, today=_today())


@cli.command()
# The statuses of store.review.model.DECISION_STATUSES, spelled out: the store is not
# imported before a command runs (start-up time).
@click.option("--status", type=click.Choice(("active", "superseded", "reversed")), help="Only decisions with this status.")
@click.option("--series", metavar="S", help="Only decisions of meetings of this series (its id).")
@click.option("--search", metavar="WORDS", help="Only decisions holding every one of these words (text, who decided, what changed it).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def decisions(env: Env, status: str | None, series: str | None, search: str | None, as_json: bool) -> None:
    """The decisions register: every decision across meetings, newest first.

    A decision is active until a later one supersedes or reverses it (chosen when the later
    one is captured); then it shows which, and when.
    """
    from tandem.store.errors import NotFoundError, TandemError
    from tandem.store.review.from_workspace import WorkspaceSource
    from tandem.tui.cli import output

    workspace = env.workspace()
    data = WorkspaceSource(workspace.home).load()
    known = {m.series for m in data.meetings} | {s.id for s in workspace.series.all()}
    if series is not None and series not in known:
        raise NotFoundError(f"No series {series!r} in {workspace.home}; known series: {', '.join(sorted(known)) or 'none'}.")
    rows = [
        d for d in data.decisions if (status is None or d.status == status) and (series is None or d.series == series) and (search is None or d.matches(search))
    ]
    if as_json:
        output.print_json([output.decision_summary(d) for d in rows])
    else:
        empty = f"No decisions match in {workspace.home}." if data.decisions else f"No decisions in {workspace.home} yet: capture one with d in a meeting."
        output.print_decisions(rows, empty)
    if data.problems:  # the rest was listed; a file left out is bad data all the same
        more = f" ({len(data.problems) - 1} more file(s) left out as well)" if len(data.problems) > 1 else ""
        raise TandemError(data.problems[0] + more)


@cli.command()
@click.option("--meetings", type=click.IntRange(1, 20_000), default=40, show_default=True, help="How many meetings to create (at most 20,000).")
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed (same seed, same workspace).")
@click.option("--no-open", is_flag=True, help="Only create the workspace; do not open the app.")
@click.option("--reset", is_flag=True, help="Recreate the demo workspace even if one exists.")
@click.pass_obj
def demo(env: Env, meetings: int, seed: int, no_open: bool, reset: bool) -> None:
    """Create a realistic demo workspace and open the app on it.

    It lives in its own folder (or --home), never in your real workspace.
    """
    from tandem.tui.cli.demo import run_demo

    # The demo lives in its own folder unless --home says where: TANDEM_HOME names the real
    # workspace, which the demo must never fill (nor `demo --reset` delete).
    workspace = run_demo(env.home if env.home_given else None, meetings=meetings, seed=seed, reset=reset)
    if not no_open:
        _open_app(workspace)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def backup(env: Env, file: Path) -> None:
    """Write the whole workspace to one JSON archive FILE."""
    from tandem.store.upkeep.backup import backup as do_backup

    workspace = env.workspace()
    if workspace.is_empty():
        _fail(f"{workspace.home} holds no workspace to back up.")
    count = do_backup(workspace, file)
    click.echo(f"Backed up {_count(count, 'file')} from {workspace.home} to {file}.", err=True)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a workspace that is not empty (zipped into its backups/ folder first).")
@click.pass_obj
def restore(env: Env, file: Path, force: bool) -> None:
    """Restore a backup archive FILE into an empty workspace, all or nothing."""
    from tandem.store.upkeep.backup import restore as do_restore

    workspace = env.workspace()
    done = do_restore(workspace, file, force=force)
    kept = f"; what it replaced is kept in {done.kept_in}" if done.kept_in is not None else ""
    click.echo(f"Restored {_count(done.files, 'file')} from {file} into {workspace.home}{kept}.", err=True)


@cli.command()
@click.option(
    "--repair",
    "do_repair",
    is_flag=True,
    help="Fix what can be fixed safely, asking first: restore unreadable files from the daily "
    "snapshots (the damaged file is kept beside it), remove orphan locks and stale temp files.",
)
@click.option("-y", "--yes", is_flag=True, help="With --repair: answer yes to every question.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON: a list of {level, file, message}.")
@click.pass_obj
def doctor(env: Env, do_repair: bool, yes: bool, as_json: bool) -> None:
    """Check every file of the workspace: data files, records, links between records,
    locks, temp files and the latest daily snapshot.

    Prints problems, warnings and what is fine; exits 1 when there are problems (warnings
    alone exit 0). A file written by a newer tandem, or a meeting open for editing, is never
    changed.
    """
    from tandem.store.outside import clean_text
    from tandem.store.upkeep.doctor import LEVELS, OK, PROBLEM, WARNING, check, repair
    from tandem.store.workspace import default_home
    from tandem.tui.cli import output

    if yes and not do_repair:
        raise click.UsageError("--yes goes with --repair")
    if as_json and do_repair:
        raise click.UsageError("--json only reports; run --repair without it")
    home = (env.home or default_home()).expanduser()
    report = check(home)
    if as_json:
        output.print_json([f.to_dict() for f in report])
        sys.exit(1 if report.problems else 0)

    def show(findings: list, title: bool = True) -> None:
        styles = {PROBLEM: ("Problems", "red"), WARNING: ("Warnings", "yellow"), OK: ("Fine", "green")}
        for level in LEVELS:
            rows = [f for f in findings if f.level == level]
            if not rows:
                continue
            if title:
                click.echo(click.style(styles[level][0], fg=styles[level][1], bold=True))
            for f in rows:
                fix = f" --repair: {f.repair}." if f.repair else ""
                click.echo(f"  {f.message}{fix}")

    click.echo(f"Workspace {' '.join(clean_text(str(report.home)).split())}: {_count(report.files_checked, 'file')} checked.")
    click.echo()
    show(list(report))
    click.echo()
    click.echo(report.summary())
    if not do_repair:
        sys.exit(1 if report.problems else 0)
    if not report.repairs:
        click.echo("Nothing for --repair to do.")
        sys.exit(1 if report.problems else 0)
    if not yes and not sys.stdin.isatty():
        _fail("--repair asks before it changes anything, but stdin is not a terminal; nothing was changed (add --yes to repair without asking).")

    def confirm(question: str) -> bool:
        if yes:
            click.echo(f"{question} [y/N]: y (--yes)")
            return True
        return click.confirm(question, default=False)

    click.echo()
    click.echo("--repair will:" if yes else "--repair will, once you say yes:")
    results = repair(report, confirm=confirm, say=lambda line: click.echo(f"  {line}"))
    click.echo()
    show(results, title=False)
    after = check(home)
    click.echo()
    hint = " Run 'tandem doctor' to see what is left." if after.problems or after.warnings else ""
    click.echo(f"Checked again: {after.summary()}{hint}")
    sys.exit(1 if after.problems else 0)


@cli.command()
@click.argument("args", nargs=-1, metavar="MEETING|latest|shadow ID")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout.")
@click.option("--all", "export_all", is_flag=True, help="Export every meeting (with --out).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Folder for --all (default: export_dir in config.toml) or --format csv.")
@click.option("--series", help="With --all: only this series (its id).")
@click.option("--since", metavar="DATE", help="With --all: only meetings on or after DATE (YYYY-MM-DD).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "csv", "html", "eml"]),
    default="md",
    show_default=True,
    help="Markdown minutes, CSV of action items and lead feedback, a printable HTML page, or an e-mail message (eml).",
)
@click.option("--to", metavar="NAME", help="With html or eml: this person's open action items first; 'Name <address>' also sets the e-mail's To:.")
@click.option("--preset", type=click.Choice(["hubspot", "salesforce"]), help="With crm: the CRM's layout (default: config.toml's [crm]).")
@click.option("--owner", metavar="NAME", help="With ics: only this person's meetings, shadow days and action items.")
@click.option("--todo", is_flag=True, help="With ics: action items as tasks (VTODO) instead of all-day events.")
@click.pass_obj
def export(
    env: Env,
    args: tuple[str, ...],
    output: Path | None,
    export_all: bool,
    out: Path | None,
    series: str | None,
    since: str | None,
    fmt: str,
    to: str | None,
    preset: str | None,
    owner: str | None = None,
    todo: bool = False,
) -> None:
    """Export a meeting's minutes, or all of them, or a shadow day's.

    \b
    tandem export latest                  minutes of the latest meeting to stdout
    tandem export MEETING -o minutes.md   to a file
    tandem export --all --out DIR         YYYY-MM-DD_<series>.md for every meeting
    tandem export --all --format csv --out DIR
    tandem export MEETING --format html -o minutes.html   a printable page
    tandem export latest --format eml --to "Ana <ana@example.com>" | msmtp -t
    tandem export shadow ID [-o FILE]     one shadow day (id from 'tandem shadow list')
    tandem export crm --preset hubspot --out DIR   leads.csv and tasks.csv for the CRM's import
    tandem export ics [--series S] [--owner NAME] [--todo] [-o FILE]   the calendar (.ics)
    """
    from tandem.tui.cli.export import run_export, run_export_shadow

    # Meeting ids start with their date, so a first argument "ics" is never a meeting either.
    if args and args[0] == "ics":
        if len(args) != 1 or export_all or out or since or fmt != "md" or to or preset:
            raise click.UsageError("export ics takes --series, --owner, --todo and -o FILE only")
        from tandem.tui.cli.ics import run_export_ics

        run_export_ics(env.workspace(), series=series, owner=owner, todo=todo, output=output)
        return
    if owner or todo:
        raise click.UsageError("--owner and --todo go with export ics")

    # Meeting ids start with their date, so a first argument "crm" is never a meeting either.
    if args and args[0] == "crm":
        if len(args) != 1 or export_all or output or series or since or fmt != "md" or to:
            raise click.UsageError("export crm takes --preset and --out DIR only")
        from tandem.tui.cli.crm import run_export_crm

        run_export_crm(env, preset, out)
        return
    if preset:
        raise click.UsageError("--preset goes with export crm")

    # Meeting ids start with their date, so a first argument "shadow" is never a meeting.
    if args and args[0] == "shadow":
        if len(args) != 2:
            raise click.UsageError("give one shadow day: tandem export shadow ID")
        if export_all or out or series or since or fmt != "md" or to:
            raise click.UsageError("a shadow day exports as Markdown only: give at most -o FILE")
        run_export_shadow(env.workspace(), args[1], output=output)
        return
    if len(args) > 1:
        raise click.UsageError(f"give one MEETING (or 'latest'), not {len(args)}")
    meeting = args[0] if args else None
    if export_all == bool(meeting):
        raise click.UsageError("give a MEETING (or 'latest') or --all, not both or neither")
    if export_all and not out:
        out = _configured_export_dir()
    if export_all and not out:
        raise click.UsageError("--all writes one file per meeting: give --out DIR")
    if fmt == "csv" and not out:
        raise click.UsageError("--format csv writes two files: give --out DIR")
    if (series or since) and not export_all:
        raise click.UsageError("--series and --since go with --all")
    if output and (out or export_all):
        raise click.UsageError("-o FILE is for one meeting; use --out DIR with --all")
    if fmt == "eml" and (out or export_all):
        raise click.UsageError("--format eml writes one meeting's message: give a MEETING (and -o FILE or a pipe)")
    if to is not None and (fmt not in ("html", "eml") or export_all):
        raise click.UsageError("--to goes with one meeting's --format html or eml")
    if since:
        from datetime import date

        try:
            # Meeting dates compare as YYYY-MM-DD text: "20261120" or a week date must too.
            since = date.fromisoformat(since).isoformat()
        except ValueError:
            raise click.BadParameter(f"{since!r} is not a date (YYYY-MM-DD)", param_hint="--since") from None
    run_export(env.workspace(), meeting, output=output, out=out, series=series, since=since, fmt=fmt, to=to)


def _configured_export_dir() -> Path | None:
    """config.toml's ``export_dir`` (see ``store.minutes.export.export_folder``); None when
    it is not set. A set but unusable one is a usage error, said in one sentence."""
    from tandem.store.config import dotted, load_config

    loaded = load_config()
    if loaded.config.export_dir is None:
        wrong = [p for p in loaded.problems if p.key == dotted("export_dir") or not p.key]
        if wrong:
            _fail(f"--all needs --out DIR, and config.toml's export_dir cannot be used: {wrong[0].format()}", 2)
    return loaded.config.export_dir


@cli.group()
def shadow() -> None:
    """Shadow days: a day in the other team's shoes — plan them and list them."""


def _direction_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from tandem.store.records import DIRECTIONS

    direction = value.strip().lower().replace("_", "-")
    if direction.replace("-", "_") not in DIRECTIONS:
        choices = " or ".join(d.replace("_", "-") for d in DIRECTIONS)
        raise click.BadParameter(f"{value!r} is not {choices}")
    return direction.replace("-", "_")


@shadow.command("new")
@click.option("--shadow", "shadow_name", required=True, metavar="NAME", help="Who spends the day with the other team.")
@click.option("--host", required=True, metavar="NAME", help="Whom they shadow, in the other team.")
@click.option(
    "--direction",
    required=True,
    metavar="sales-to-marketing|marketing-to-sales",
    callback=_direction_option,
    help="Which team visits which.",
)
@click.option("--date", "day", required=True, metavar="DATE", help="The day: YYYY-MM-DD, today, tomorrow, +1w, fri…")
@click.option(
    "--activity",
    "activities",
    multiple=True,
    metavar="TEXT",
    help="A planned activity; repeat for several. Default: the direction's usual ones "
    "(sales in marketing: reporting, content creation, marketing strategy session; "
    "marketing in sales: prospecting research, prospect calls, meetings).",
)
@click.pass_obj
def shadow_new(env: Env, shadow_name: str, host: str, direction: str, day: str, activities: tuple[str, ...]) -> None:
    """Plan a shadow day; prints its id."""
    from tandem.store.dates import HELP, parse_due
    from tandem.store.errors import ValidationError
    from tandem.store.mdescape import clean
    from tandem.store.records import label
    from tandem.store.shadow_days import plan_shadow_day

    when = parse_due(day, _today())
    if when is None:
        raise click.BadParameter(f"{day!r} is not a date ({HELP})", param_hint="'--date'")
    try:
        planned = plan_shadow_day(
            env.workspace(),
            shadow=shadow_name,
            host=host,
            direction=direction,
            date=when,
            activities=list(activities) if activities else None,
        )
    except ValidationError as exc:
        if exc.field in ("shadow", "host", "direction", "date", "activities"):
            flag = {"activities": "activity"}.get(exc.field, exc.field)
            raise click.BadParameter(exc.message, param_hint=f"'--{flag}'") from None
        raise
    click.echo(planned.id)
    titles = ", ".join(a.title for a in planned.activities) or "none"
    click.echo(
        clean(f"Planned a shadow day for {planned.shadow} with {planned.host} ({label(planned.direction)}) on {when:%a} {planned.date}; activities: {titles}."),
        err=True,
    )


@shadow.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def shadow_list(env: Env, as_json: bool) -> None:
    """Upcoming shadow days (soonest first), then past ones (most recent first).

    For tests and scripts, TANDEM_TODAY=YYYY-MM-DD sets the day taken as today.
    """
    from tandem.store.shadow_days import list_shadow_days
    from tandem.tui.cli import output

    workspace = env.workspace()
    upcoming, past = list_shadow_days(workspace, today=_today())
    if as_json:
        output.print_json([output.shadow_summary(d, "upcoming") for d in upcoming] + [output.shadow_summary(d, "past") for d in past])
    else:
        output.print_shadow_days(upcoming, past, workspace.home)


@shadow.command("run")
@click.argument("day_id", metavar="ID")
@click.pass_obj
def shadow_run(env: Env, day_id: str) -> None:
    """Run (or resume) shadow day ID: checklist, notes, takeaways, experiment."""
    from tandem.store.shadow_days import resolve_shadow_day
    from tandem.store.shadow_session import ShadowSession
    from tandem.tui.app import StartWith

    workspace = env.workspace()
    day = resolve_shadow_day(workspace, day_id)
    # Refuse now, in one sentence, if someone else is running it.
    ShadowSession(workspace, day.id).close()
    _open_app(workspace, StartWith(shadow_day_id=day.id))


@cli.group("config")
def config_group() -> None:
    """Your settings: config.toml in the config folder (facilitator, export folder, theme,
    series templates, vocabulary, keymap)."""


@config_group.command("path")
def config_path_cmd() -> None:
    """Print where config.toml is (stdout), and whether it exists (stderr)."""
    from tandem.store.config import config_path

    path = config_path()
    click.echo(str(path))
    state = "exists" if path.is_file() else "does not exist yet; every setting is its default"
    click.echo(f"tandem: {path} {state}.", err=True)


@config_group.command("show")
def config_show() -> None:
    """Print the settings in effect as TOML: the file's values, defaults for the rest, each
    commented with where it came from; every binding id with its keys under [keymap]."""
    from tandem.store.config import render_config
    from tandem.tui.settings import default_keys, load_settings

    loaded = load_settings()
    click.echo(render_config(loaded, default_keys()), nl=False)
    for problem in loaded.problems:
        click.echo(f"tandem: ignored {problem.format()}", err=True)


@config_group.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=True, path_type=Path))
def config_check(file: Path | None) -> None:
    """Check config.toml (or FILE); print every problem as FILE:LINE: key: message and exit 1
    if there is one."""
    from tandem.tui.settings import load_settings

    loaded = load_settings(file)
    if not loaded.exists:
        if file is not None:
            _fail(f"no such file: {file}.")
        click.echo(f"tandem: no config file at {loaded.path}; every setting is its default.", err=True)
        return
    for problem in loaded.problems:
        click.echo(problem.format())
    if loaded.problems:
        sys.exit(1)
    click.echo(f"{loaded.path}: ok", err=True)


@cli.group()
def templates() -> None:
    """Agenda templates: built-in ones and yours (in the config folder)."""


@templates.command("list")
def templates_list() -> None:
    """Every template: id, title, items, total minutes, built-in or user."""
    from tandem.store.templates import load_library, user_dir
    from tandem.tui.cli import output

    library = load_library()
    output.print_templates(list(library.templates.values()), user_dir())
    for path, problems in library.problems.items():
        for problem in problems:
            click.echo(f"tandem: skipped {problem.format(path)}", err=True)


@templates.command("show")
@click.argument("template_id", metavar="ID")
def templates_show(template_id: str) -> None:
    """The parsed agenda of template ID as a table."""
    from tandem.store.templates import load_library
    from tandem.tui.cli import output

    output.print_template(load_library().get(template_id))


@templates.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def templates_check(files: tuple[Path, ...]) -> None:
    """Check template FILEs; print every problem as FILE:LINE: message."""
    from tandem.store.templates import load_template

    failed = False
    for path in files:
        template, problems = load_template(path)
        for problem in problems:
            click.echo(problem.format(path))
        if template is None:
            failed = True
        else:
            click.echo(f"{path}: ok, {_count(len(template.items), 'item')}, {template.total_min} min", err=True)
    if failed:
        sys.exit(1)


# click >= 8.2 raises this (a UsageError whose message is the whole help) for a group run
# without its subcommand; older versions print the help themselves.
_NoArgsIsHelp: type[click.UsageError] = getattr(click.exceptions, "NoArgsIsHelpError", type("_Never", (click.UsageError,), {}))


def _register_meeting_commands() -> None:
    from tandem.tui.cli.contrib import register as register_contrib
    from tandem.tui.cli.crm import import_group
    from tandem.tui.cli.digest import digest_cmd
    from tandem.tui.cli.meeting import meeting_group
    from tandem.tui.cli.sla import sla_group
    from tandem.tui.cli.sync import sync_group

    cli.add_command(meeting_group)
    cli.add_command(sync_group)
    register_contrib(cli)
    cli.add_command(import_group)
    cli.add_command(sla_group)
    cli.add_command(digest_cmd)


_register_meeting_commands()


def hoist_home(args: list[str]) -> list[str]:
    """``tandem demo --home DIR`` means ``tandem --home DIR demo``: the workspace option is
    accepted anywhere before a ``--``, so it can go where people type it."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg == "--home" and i + 1 < len(args):
            front += [arg, args[i + 1]]
            i += 2
            continue
        if arg.startswith("--home="):
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main(argv: list[str] | None = None) -> NoReturn:
    from tandem.store.errors import TandemError

    args = hoist_home(list(sys.argv[1:] if argv is None else argv))
    try:
        code = cli.main(args=args, prog_name="tandem", standalone_mode=False)
    except _NoArgsIsHelp as exc:  # `tandem templates`: its help, as click prints it, exit 2
        click.echo(exc.format_message(), err=True)
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        _fail(f"{exc.format_message().rstrip('.')}{hint}.", exc.exit_code)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except click.Abort:
        _fail("aborted.", 1)
    except TandemError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted.", 130)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        _fail(f"{exc.strerror or exc}{where}.", 1)
    except Exception as exc:  # noqa: BLE001 - a bug: say so in one sentence, keep the details in a log
        from tandem.tui.cli.crashlog import write_crash_log

        log = write_crash_log(exc)
        _fail(f"unexpected error ({type(exc).__name__}: {exc}); details in {log}.", 1)
    sys.exit(code if isinstance(code, int) else 0)
