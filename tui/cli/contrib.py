"""Contributing between meetings, from anyone's terminal: ``tandem me``, ``tandem add …``,
``tandem done`` / ``drop`` (your own action items) and ``tandem inbox``.

Each command says in one line what it recorded (``--json``: the record), exits 1 for bad
data and 2 for bad usage with one sentence, and writes only the caller's own contributions
file (``store/contrib``), which ``tandem sync`` carries to the team.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from tandem.store.contrib import Contribution
    from tandem.store.records import Objective, Series
    from tandem.store.workspace import Workspace
    from tandem.tui.cli.main import Env

#: The teams a person may belong to (``store.config.ME_TEAMS``, spelled out: the store is
#: not imported before a command runs).
TEAMS = ("sales", "marketing", "other")
#: How ``tandem add …`` names a ValidationError's field as the flag the user typed.
_FLAGS = {
    "reason": "--reason",
    "comment": "--comment",
    "stage": "--stage",
    "stage-lost": "--stage-lost",
    # The arguments, as the records name them.
    "lead_feedback.reference": "REF",
    "prospect_insight.text": "TEXT",
    "topic.title": "TEXT",
    "content_item.title": "TITLE",
}


def _said(text: object, limit: int = 60) -> str:
    """Text from a file or a teammate fit for one line of output (the sync's own rule)."""
    from tandem.store.outside import one_line

    return one_line("" if text is None else str(text), limit)


def _print_json(data: Any) -> None:
    # tui.cli.output's print_json, without what that module imports for tables (a third
    # of a contribution's start-up).
    import orjson

    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2))


# --- who am I -----------------------------------------------------------------------------


def whoami(workspace: Workspace) -> tuple[str, str]:
    """The caller's name and team from config.toml's ``[me]``. Not said yet: asked once on
    a terminal (the people of the workspace's meetings offered) and saved; without one, a
    usage error saying how to set it."""
    from tandem.store.config import load_config, save_me
    from tandem.store.errors import UsageError

    me = load_config().config.me
    if me.name:
        return me.name, me.team
    if not sys.stdin.isatty():
        raise UsageError('Nobody is named as you yet: run `tandem me "Your Name" --team sales` (or marketing, other) first.')
    from tandem.store.contrib.words import people_of

    people = people_of(workspace)
    if people:
        click.echo(f"People of this workspace: {', '.join(_said(n, 40) for n in sorted(people, key=str.casefold))}", err=True)
    name = click.prompt("Who are you?", err=True).strip()
    if not name:
        raise UsageError("A name is needed to sign what you contribute.")
    known = next((team for person, team in people.items() if person.casefold() == name.casefold()), "other")
    team = click.prompt("Your team", type=click.Choice(TEAMS), default=known, err=True)
    path = save_me(name, team)
    click.echo(f"Saved as [me] in {path}; `tandem me` changes it.", err=True)
    return name, team


@click.command("me")
@click.argument("name", required=False)
@click.option("--team", type=click.Choice(TEAMS), help="Your team.")
def me_cmd(name: str | None, team: str | None) -> None:
    """Who you are: your name and team, shown or set.

    Kept in config.toml's [me]: tandem me "Ana Ruiz" --team sales. Your name and team sign
    everything you contribute between meetings.
    """
    from tandem.store.config import config_path, load_config, save_me
    from tandem.store.errors import UsageError

    current = load_config().config.me
    if name is None and team is None:
        if current.name:
            click.echo(f"{_said(current.name, 200)} ({current.team})")
        else:
            click.echo('Nobody yet: `tandem me "Your Name" --team sales` sets it.')
        return
    new_name = " ".join((name if name is not None else current.name).split())
    if not new_name:
        raise UsageError('A name is needed: `tandem me "Your Name" --team sales`.')
    if any(not ch.isprintable() for ch in new_name) or len(new_name) > 200:
        raise UsageError("A name is one line of at most 200 printable characters.")
    save_me(new_name, team or current.team)
    click.echo(f"You are {_said(new_name, 200)} ({team or current.team}), saved in {config_path()}.")


# --- add ------------------------------------------------------------------------------------


def _series(workspace: Workspace, ref: str | None) -> Series | None:
    """The series a contribution is for: ``ref`` as an id, a unique start of one, or a
    title; none given, the workspace's only series (None when it has several or none)."""
    from tandem.store.ids import by_ref

    series = workspace.series.all()
    if ref is None:
        return series[0] if len(series) == 1 else None
    ref = ref.strip()
    known = ", ".join(s.id for s in series) or "none"
    return by_ref(
        series,
        ref,
        id_of=lambda s: s.id,
        title_of=lambda s: s.title,
        many=lambda n: f"{ref!r} matches {n} series in {workspace.home} ({known}); give more of the id.",
        none=f"No series {ref!r} in {workspace.home}; known series: {known}.",
    )


def _record(env: Env, as_json: bool, build: Any, series_ref: str | None, objective: Objective | None = None) -> None:
    """Who am I, the series, build the contribution (``build(author, team, now, series_id)``),
    store it in the caller's file, and say so."""
    from tandem.store.contrib import Contributions
    from tandem.store.errors import ValidationError

    workspace = env.workspace()
    series = _series(workspace, series_ref)
    author, team = whoami(workspace)
    try:
        contribution: Contribution = build(author=author, team=team, now=datetime.now(), series_id=series.id if series else "")
    except ValidationError as exc:
        if exc.field in _FLAGS:
            raise click.BadParameter(exc.message, param_hint=f"'{_FLAGS[exc.field]}'") from None
        raise
    Contributions(workspace).add(contribution)
    if as_json:
        _print_json(contribution.to_dict())
        return
    from tandem.store.contrib.words import recorded

    click.echo(recorded(contribution, series.title if series else None, objective))


_series_option = click.option("--series", "series_ref", metavar="S", help="The series whose next meeting it is for (id or title; default: the only one).")
_json_option = click.option("--json", "as_json", is_flag=True, help="Print the recorded contribution as JSON.")


@click.group("add")
def add_group() -> None:
    """Contribute to the next meeting, from your terminal.

    Lead feedback, a prospect question, a topic, a content idea, a check-in: signed with
    your name (tandem me), kept in your own file, taken to the team by `tandem sync`;
    `tandem inbox` lists what waits."""


def _vocabulary() -> tuple[tuple[str, ...], tuple[str, ...]]:
    from tandem.store.config import load_config

    vocabulary = load_config().config.vocabulary
    return vocabulary.reason_codes, vocabulary.funnel_stages


@add_group.command("lead")
@click.argument("reference", metavar="REF")
# store.records.VERDICTS / DISPOSITIONS, spelled out (start-up time).
@click.option("--verdict", required=True, type=click.Choice(("good", "poor", "too_early")), help="How good the lead was.")
@click.option("--reason", "reasons", multiple=True, metavar="CODE", help="A reason code (config.toml's vocabulary); repeat for several.")
@click.option("--comment", default="", help="What happened; needed with the reason 'other'.")
@click.option("--source", default="", help="Lead source or campaign.")
@click.option("--persona", default="", help="Persona or segment.")
@click.option("--stage", default="", metavar="STAGE", help="Funnel stage reached (default: the first).")
@click.option("--stage-lost", default="", metavar="STAGE", help="Funnel stage where it was lost.")
@click.option("--disposition", default="accepted", type=click.Choice(("accepted", "rejected", "recycled")), help="What sales did with it.")
@_series_option
@_json_option
@click.pass_obj
def add_lead(
    env: Env,
    reference: str,
    verdict: str,
    reasons: tuple[str, ...],
    comment: str,
    source: str,
    persona: str,
    stage: str,
    stage_lost: str,
    disposition: str,
    series_ref: str | None,
    as_json: bool,
) -> None:
    """Your verdict on lead REF (a CRM id or a label): tandem add lead SF-77 --verdict poor --reason no_budget."""
    from tandem.store.contrib import make

    codes, stages = _vocabulary()

    def build(**who: Any) -> Contribution:
        return make.lead(
            reference,
            verdict,
            reasons=reasons,
            comment=comment,
            source=source,
            persona=persona,
            stage_reached=stage,
            stage_lost=stage_lost,
            disposition=disposition,
            reason_codes=codes,
            funnel_stages=stages,
            **who,
        )

    _record(env, as_json, build, series_ref)


@add_group.command("question")
@click.argument("text")
@click.option("--kind", default="question", type=click.Choice(("question", "pain_point")), help="A question prospects ask, or a pain point.")
@click.option("--persona", default="", help="Who asks it.")
@click.option("--stage", default="awareness", type=click.Choice(("awareness", "consideration", "decision")), help="Buyer's-journey stage.")
@click.option("--heard", default=1, type=click.IntRange(min=1), metavar="N", help="How many times you heard it.")
@_series_option
@_json_option
@click.pass_obj
def add_question(env: Env, text: str, kind: str, persona: str, stage: str, heard: int, series_ref: str | None, as_json: bool) -> None:
    """What prospects ask (the voice of the prospect): tandem add question "Does it work with HubSpot?" --heard 3."""
    from tandem.store.contrib import make

    def build(**who: Any) -> Contribution:
        return make.question(text, kind=kind, persona=persona, stage=stage, heard=heard, **who)

    _record(env, as_json, build, series_ref)


@add_group.command("topic")
@click.argument("text")
@click.option("--minutes", default=5, type=click.IntRange(1, 480), metavar="N", help="The time it needs (1 to 480 minutes).")
@click.option("--note", default="", help="Background for the agenda.")
@_series_option
@_json_option
@click.pass_obj
def add_topic(env: Env, text: str, minutes: int, note: str, series_ref: str | None, as_json: bool) -> None:
    """A talking point for the next meeting: tandem add topic "Webinar leads" --minutes 10."""
    from tandem.store.contrib import make

    def build(**who: Any) -> Contribution:
        return make.topic(text, minutes=minutes, note=note, **who)

    _record(env, as_json, build, series_ref)


@add_group.command("content")
@click.argument("title")
# store.records.CONTENT_TYPES / JOURNEY_STAGES, spelled out (start-up time).
@click.option(
    "--type",
    "content_type",
    default="blog",
    type=click.Choice(("blog", "case_study", "ebook", "webinar", "email", "one_pager", "video", "battlecard", "other")),
    help="What to make.",
)
@click.option("--persona", default="", help="Whom it is for.")
@click.option("--stage", default="awareness", type=click.Choice(("awareness", "consideration", "decision")), help="Buyer's-journey stage.")
@_series_option
@_json_option
@click.pass_obj
def add_content(env: Env, title: str, content_type: str, persona: str, stage: str, series_ref: str | None, as_json: bool) -> None:
    """An idea for the content pipeline: tandem add content "HubSpot integration guide" --type ebook."""
    from tandem.store.contrib import make

    def build(**who: Any) -> Contribution:
        return make.content(title, type=content_type, persona=persona, stage=stage, **who)

    _record(env, as_json, build, series_ref)


def _objective(workspace: Workspace, ref: str) -> Objective:
    """An objective by its id, a unique start of it, or its title."""
    from tandem.store.ids import by_ref

    ref = ref.strip()
    return by_ref(
        workspace.objectives.all(),
        ref,
        id_of=lambda o: o.id,
        title_of=lambda o: o.title,
        many=lambda n: f"{ref!r} matches {n} objectives in {workspace.home}; give more of the id.",
        none=f"No objective {ref!r} in {workspace.home}; give its id or its title.",
    )


@add_group.command("checkin")
@click.argument("objective_ref", metavar="OBJECTIVE")
@click.argument("value", type=float)
# store.records.OBJECTIVE_STATUSES, spelled out (start-up time).
@click.option("--status", type=click.Choice(("on_track", "at_risk", "off_track", "met", "dropped")), help="Default: the objective's.")
@click.option("--comment", default="", help="What moved it.")
@_series_option
@_json_option
@click.pass_obj
def add_checkin(env: Env, objective_ref: str, value: float, status: str | None, comment: str, series_ref: str | None, as_json: bool) -> None:
    """Where an objective stands now (its id, a start of it, or its title): tandem add checkin MQLs 42."""
    import math

    from tandem.store.contrib import make

    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number", param_hint="'VALUE'")
    objective = _objective(env.workspace(), objective_ref)

    def build(**who: Any) -> Contribution:
        return make.checkin(objective, value, status=status or "", comment=comment, **who)

    _record(env, as_json, build, series_ref, objective)


# --- your own action items -------------------------------------------------------------


def _close_action(env: Env, ref: str, status: str, as_json: bool) -> None:
    from tandem.store.addresses import same_person
    from tandem.store.errors import NotFoundError, TandemError
    from tandem.store.sync.claim import refuse_if_claimed
    from tandem.tui.cli.today import today

    workspace = env.workspace()
    name, _ = whoami(workspace)
    ref = ref.strip()
    found = [(m, a) for m, actions in workspace.iter_actions(lambda d: d.get("status") == "open") for a in actions]
    candidates = [(m, a) for m, a in found if a.id == ref] or [(m, a) for m, a in found if ref and a.id.startswith(ref)]
    mine = [(m, a) for m, a in candidates if same_person(a.owner, name)]
    if not mine:
        if candidates:
            owners = ", ".join(sorted({_said(a.owner or "nobody", 40) for _, a in candidates}))
            raise TandemError(f"Open action {ref!r} is owned by {owners}, not by you ({_said(name, 40)}); only its owner marks it here.")
        raise NotFoundError(f"No open action item {ref!r} in {workspace.home} (see 'tandem actions --open --owner {_said(name, 40)}').")
    if len(mine) > 1:
        raise NotFoundError(f"{ref!r} matches {len(mine)} of your open action items in {workspace.home}; give more of the id.")
    meeting, action = mine[0]
    # A meeting run on a teammate's clone: its facilitator reviews the actions right now.
    refuse_if_claimed(meeting, workspace.home)
    closed = workspace.set_action_status(meeting.id, action.id, status, closed_on=today().isoformat())
    if as_json:
        _print_json(closed.to_dict())
        return
    click.echo(f'Action "{_said(closed.text)}" {status} (from {_said(meeting.date, 10)} {_said(meeting.title)}).')


@click.command("done")
@click.argument("action_ref", metavar="ACTION")
@_json_option
@click.pass_obj
def done_cmd(env: Env, action_ref: str, as_json: bool) -> None:
    """Mark one of your own action items done.

    ACTION: its id or a unique start of it (tandem actions --open shows them)."""
    _close_action(env, action_ref, "done", as_json)


@click.command("drop")
@click.argument("action_ref", metavar="ACTION")
@_json_option
@click.pass_obj
def drop_cmd(env: Env, action_ref: str, as_json: bool) -> None:
    """Drop one of your own action items.

    ACTION: its id or a unique start of it (tandem actions --open shows them)."""
    _close_action(env, action_ref, "dropped", as_json)


# --- inbox --------------------------------------------------------------------------------


@click.command("inbox")
@click.option("--mine", is_flag=True, help="Only what you contributed.")
@click.option("--all", "every", is_flag=True, help="Also what meetings took in or declined, and what was withdrawn, each with its fate.")
@click.option("--series", "series_ref", metavar="S", help="Only what is for this series' next meeting (and for whichever meets next).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@click.pass_obj
def inbox_cmd(env: Env, mine: bool, every: bool, series_ref: str | None, as_json: bool) -> None:
    """What awaits the next meeting, from everyone.

    Every person's waiting contributions, newest first, with author and age (a meeting's
    triage takes them off: taken in or declined; deferred ones wait on). With --all, every
    contribution and its fate ("taken into 2026-12-08 Weekly sync")."""
    from tandem.store.contrib.triage import waiting as waiting_now
    from tandem.store.contrib.triage import with_fates
    from tandem.store.contrib.words import waited

    workspace = env.workspace()
    series = _series(workspace, series_ref) if series_ref is not None else None
    author = whoami(workspace)[0] if mine else None
    if every:
        listed = with_fates(workspace, lambda c: (author is None or c.author == author) and (series is None or c.series_id in ("", series.id)))
    else:
        listed = waiting_now(workspace, series_id=series.id if series else None, author=author)
    if as_json:
        _print_json([{**c.to_dict(), "fate": fate.state, "fate_words": fate.words()} for c, fate in listed])
        return
    if not listed:
        whose = " of yours" if mine else ""
        if every:
            click.echo(f"Nothing{whose} was contributed in {workspace.home}.")
        else:
            click.echo(f"Nothing{whose} waits for the next meeting in {workspace.home}.")
        return
    titles = {s.id: s.title for s in workspace.series.all()}
    now = datetime.now()
    for c, fate in listed:
        what = _said(c.subject, 60) + (f" ({c.record.get('verdict')})" if c.kind == "lead" else "")
        where = f" — for {_said(titles.get(c.series_id, c.series_id), 30)}" if c.series_id else ""
        said = f" [{_said(fate.words(), 120)}]" if every or fate.state == "deferred" else ""
        click.echo(f"{c.id[:6]}  {waited(c.created_at, now.date()):>8}  {_said(c.author, 24)}: {c.noun} {what}{where}{said}")


@click.command("withdraw")
@click.argument("ref", metavar="CONTRIBUTION")
@_json_option
@click.pass_obj
def withdraw_cmd(env: Env, ref: str, as_json: bool) -> None:
    """Take back one of your own waiting contributions.

    CONTRIBUTION: its id or a unique start of it ('tandem inbox --mine' shows them). A
    contribution a meeting has taken in or declined stays as it was."""
    from tandem.store.contrib import Contributions
    from tandem.store.contrib.triage import withdraw

    if not ref.strip():
        raise click.BadParameter("must not be empty", param_hint="'CONTRIBUTION'")
    workspace = env.workspace()
    name, _ = whoami(workspace)
    found = Contributions(workspace).resolve(ref, author=name)
    withdrawn = withdraw(workspace, name, found)
    if as_json:
        _print_json(withdrawn.to_dict())
        return
    click.echo(f'{found.noun.capitalize()} "{_said(found.subject, 60)}" withdrawn: the next meeting will not offer it.')


def register(cli: click.Group) -> None:
    """Add these commands to ``tandem``."""
    for command in (me_cmd, add_group, done_cmd, drop_cmd, inbox_cmd, withdraw_cmd):
        cli.add_command(command)
