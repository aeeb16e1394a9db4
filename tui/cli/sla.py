"""``tandem sla show|set|report``: the team's SLA as a versioned record, and its scorecard
(``store/sla``).

``show`` prints the version in force (``--at`` a date, ``--history`` every version);
``set`` records the next version, and the decision in a meeting's minutes with
``--meeting``; ``report`` measures each clause over a month of imported leads and the one
before. ``--json`` prints what the text says, as an object. A mistake is one sentence: exit
2 for bad usage (a clause name that is none, with the one meant), 1 for bad data.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from tandem.store.sla.record import SlaVersion
    from tandem.store.sla.scorecard import Scorecard
    from tandem.tui.cli.main import Env


def _day(text: str | None, option: str, today: date) -> date:
    from tandem.store.dates import parse_due
    from tandem.store.errors import UsageError

    if text is None:
        return today
    found = parse_due(text, today)
    if found is None:
        raise UsageError(f"{option} takes a date (2026-12-01, today, tomorrow), not {text!r}.")
    return found


def _echo_json(data: Any) -> None:
    import orjson

    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())


@click.group("sla")
def sla_group() -> None:
    """The sales–marketing SLA: its terms, their history, and how the teams keep them."""


# --- show ----------------------------------------------------------------------------------------


def _version_dict(v: SlaVersion) -> dict[str, Any]:
    data = v.to_dict()
    data["clauses"] = _clause_lines(v)
    return data


def _clause_lines(v: SlaVersion) -> list[str]:
    from tandem.store.sla.record import CLAUSES
    from tandem.store.sla.versions import clause_words

    lines = []
    for clause, (_, _, owner) in CLAUSES.items():
        value = getattr(v, clause)
        if value is not None:
            lines.append(f"{clause_words(clause, value)} ({owner})")
        if clause == "first_touch_hours":
            lines += [f"{clause_words(clause, r.hours, (r.field, r.value))} ({owner})" for r in v.first_touch]
    return lines


def _heading(v: SlaVersion, names: dict[str, str]) -> str:
    parts = [f"SLA v{v.version}, effective {v.effective}"]
    if v.agreed_by:
        parts.append(f"agreed by {', '.join(v.agreed_by)}")
    if v.meeting_id:
        parts.append(f"decided in {names.get(v.meeting_id, v.meeting_id)}")
    return "; ".join(parts)


def _meeting_names(ws: Any, versions: list[SlaVersion]) -> dict[str, str]:
    wanted = {v.meeting_id for v in versions if v.meeting_id}
    if not wanted:
        return {}
    return {m.id: f"{m.date} {m.title}" for m in ws.list_meetings() if m.id in wanted}


@sla_group.command("show")
@click.option("--at", "at", metavar="DATE", help="The SLA in force on DATE (default: today).")
@click.option("--history", is_flag=True, help="Every version, first to last, with what each changed.")
@click.option("--json", "as_json", is_flag=True, help="Print it as JSON.")
@click.pass_obj
def show(env: Env, at: str | None, history: bool, as_json: bool) -> None:
    """Show the SLA in force today (or on --at DATE), or every version with --history."""
    from tandem.store.sla.versions import history as ordered
    from tandem.store.sla.versions import in_force, load

    ws = env.workspace()
    day = _day(at, "--at", ws.now().date())
    versions = load(ws)
    if history:
        if at is not None:
            raise click.UsageError("--history lists every version; --at picks one: give one or the other")
        listed = ordered(versions)
        current = in_force(versions, day)
        if as_json:
            _echo_json({"in_force": current.id if current else None, "versions": [_version_dict(v) for v in listed]})
            return
        if not listed:
            click.echo("No SLA recorded yet: 'tandem sla set CLAUSE VALUE' records the first.")
            return
        names = _meeting_names(ws, listed)
        for v in listed:
            mark = "  (in force)" if current is not None and v.id == current.id else ""
            click.echo(_heading(v, names) + mark)
            for line in _clause_lines(v):
                click.echo(f"  {line}")
        return
    current = in_force(versions, day)
    if as_json:
        _echo_json({"at": day.isoformat(), "sla": _version_dict(current) if current else None})
        return
    if current is None:
        later = "; a version takes effect later" if versions else ": 'tandem sla set CLAUSE VALUE' records the first"
        click.echo(f"No SLA in force on {day.isoformat()}{later}.")
        return
    click.echo(_heading(current, _meeting_names(ws, [current])))
    for line in _clause_lines(current) or ["(no clauses)"]:
        click.echo(f"  {line}")


# --- set -----------------------------------------------------------------------------------------


@sla_group.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("pairs", nargs=-1, required=True, metavar="CLAUSE VALUE [CLAUSE VALUE]...")
@click.option("--effective", metavar="DATE", help="The day it takes effect (default: today).")
@click.option("--meeting", "meeting_ref", metavar="MEETING", help="The meeting that decided it: the decision goes into its minutes.")
@click.option("--by", "agreed_by", multiple=True, metavar="NAME", help="Who agreed to it (repeat for each; default: you, from [me]).")
@click.option("--json", "as_json", is_flag=True, help="Print the new version as JSON.")
@click.pass_obj
def set_(env: Env, pairs: tuple[str, ...], effective: str | None, meeting_ref: str | None, agreed_by: tuple[str, ...], as_json: bool) -> None:
    """Record the next SLA version: the one in force on its effective date, with each CLAUSE
    set to VALUE ('none' takes a clause out).

    \b
    Clauses: mqls_per_month (a count), decision_hours (hours to accept or reject),
    first_touch_hours (hours; first_touch_hours:source=VALUE or :segment=VALUE for one lead
    type), attempts (before recycling), acceptance_floor and coverage_floor (percentages).
    Hours read 4, 1.5, 24h or 2d.

    \b
    Example: tandem sla set first_touch_hours:source="Demo request" 4 --meeting 2026-12-01
    """
    from tandem.store.config import load_config
    from tandem.store.lifecycle import resolve_meeting_ref
    from tandem.store.sla.versions import parse_change, set_sla

    if len(pairs) % 2:
        raise click.UsageError(f"{pairs[-1]!r} has no value: give each CLAUSE a VALUE")
    changes = [parse_change(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    ws = env.workspace()
    day = _day(effective, "--effective", ws.now().date())
    meeting_id = resolve_meeting_ref(ws, meeting_ref).id if meeting_ref else ""
    names = [" ".join(n.split()) for n in agreed_by if n.strip()]
    if not names:
        me = load_config().config.me.name
        names = [me] if me else []
    result = set_sla(ws, changes, effective=day, meeting_id=meeting_id, agreed_by=names)
    if as_json:
        _echo_json({**_version_dict(result.version), "decision": result.decision.to_dict() if result.decision else None})
        return
    v = result.version
    click.echo(f"SLA v{v.version} recorded, effective {v.effective}" + (f" (made from v{result.before.version})." if result.before else "."))
    if result.decision is not None:
        click.echo(f"Decision in {meeting_id}: {result.decision.text}")


# --- report --------------------------------------------------------------------------------------


def _report_lines(card: Scorecard) -> list[str]:
    from tandem.store.words import count

    head = f"SLA scorecard {card.period} (vs {card.last_period})"
    head += f": SLA v{card.sla.version}, effective {card.sla.effective}" if card.sla else ": no SLA in force (targets blank)"
    lines = [head, f"{count(card.leads, 'MQL')} in {card.period}, {count(card.last_leads, 'MQL')} in {card.last_period}."]
    if card.note:
        lines.append(card.note[0].upper() + card.note[1:] + ".")
    rows = [("Clause", "Target", card.period, card.last_period, "Trend", "Result")]
    for r in card.rows:
        rows.append((r.title, r.target_shown, r.this.shown, r.last.shown, r.arrow, r.verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    for row in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    by = {r.clause: r for r in card.rows}
    acceptance = by["acceptance_floor"].this
    if acceptance.value is not None:
        rate = acceptance.detail["rejection_rate"]
        reasons = ", ".join(f"{x['reason'].replace('_', ' ')} {x['leads']}" for x in acceptance.detail["by_reason"][:5])
        lines.append(f"Rejected: {rate:g}% of decided leads" + (f" — by reason: {reasons}." if reasons else "."))
    decision = by["decision_hours"].this.detail
    if decision:
        notes = []
        if decision["decided_time_unknown"]:
            notes.append(f"{count(decision['decided_time_unknown'], 'lead')} decided in the CRM with no feedback time (left out of the window)")
        if decision["open"]:
            notes.append(f"{count(decision['open'], 'lead')} still inside the window")
        if decision["clock_from_created"]:
            notes.append(f"{count(decision['clock_from_created'], 'lead')} timed from creation (no hand-over time)")
        if notes:
            lines.append("Decisions: " + "; ".join(notes) + ".")
    for t in by["first_touch_hours"].this.detail.get("by_type", []):
        if t["target_hours"] is None:
            continue
        median = "no touch yet" if t["median_hours"] is None else f"median {t['median_hours']:g} h"
        share = "" if t["share_within"] is None else f", {t['share_within']:g}% within {t['target_hours']:g} h"
        lines.append(f"First touch, {t['type']}: {median}{share}.")
    sources = by["mql_to_sql"].this.detail.get("by_source", [])
    if sources:
        lines.append("MQL→SQL by source: " + ", ".join(f"{s['source']} {s['share']:g}% ({s['sql']} of {s['leads']})" for s in sources[:6]) + ".")
    return lines


@sla_group.command("report")
@click.option("--period", metavar="YYYY-MM", help="The month (default: the latest imported).")
@click.option("--json", "as_json", is_flag=True, help="Print the scorecard as JSON.")
@click.pass_obj
def report(env: Env, period: str | None, as_json: bool) -> None:
    """How the teams kept the SLA in a month and the one before: for each clause its target,
    met or missed, and the trend, from the imported leads and the feedback given on them."""
    from tandem.store.config import load_config
    from tandem.store.crm.lead import PERIOD
    from tandem.store.sla.report import scorecard

    if period is not None and not PERIOD.match(period):
        raise click.UsageError(f"--period takes a month as YYYY-MM, not {period!r}")
    funnel = load_config().config.vocabulary.funnel_stages
    card = scorecard(env.workspace(), period, funnel=funnel)
    if as_json:
        _echo_json(card.to_dict())
        return
    click.echo("\n".join(_report_lines(card)))
