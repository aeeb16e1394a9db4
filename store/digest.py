"""A personal digest (``tandem digest``): what one person owes and what happened lately.

For one owner, as of a day: their open action items (overdue ones first, then by due date),
the meetings held in the period with their decisions, and what the meetings did with the
owner's contributions (decided in the period, or still waiting). Rendered as Markdown, as
an HTML page (:mod:`tandem.store.minutes.html`) or as an e-mail message
(:mod:`tandem.store.minutes.mail`); every piece of anyone's text is escaped, and nothing
depends on the clock but the ``today``/``now`` given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage

from tandem.store import mdescape
from tandem.store.addresses import same_person
from tandem.store.contrib import Contribution
from tandem.store.contrib.triage import Fate, with_fates
from tandem.store.minutes.html import page
from tandem.store.minutes.mail import Recipient, build_message, message_id, person_tag
from tandem.store.records import ActionItem, Decision, Meeting
from tandem.store.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Owed:
    action: ActionItem
    #: The meeting that raised it.
    meeting: Meeting
    overdue: bool


@dataclass(frozen=True, slots=True)
class Held:
    meeting: Meeting
    series_title: str
    decisions: tuple[Decision, ...]
    #: Whether the owner was among its attendees.
    attended: bool


@dataclass(frozen=True, slots=True)
class Digest:
    owner: str
    since: date
    today: date
    owed: tuple[Owed, ...]
    held: tuple[Held, ...]
    contributions: tuple[tuple[Contribution, Fate], ...]

    @property
    def period(self) -> str:
        return f"{self.since.isoformat()} to {self.today.isoformat()}"


def build_digest(workspace: Workspace, owner: str, *, today: date, since: date) -> Digest:
    """``owner``'s digest for the days from ``since`` through ``today``."""
    first, last = since.isoformat(), today.isoformat()
    owed: list[tuple[tuple[int, str, str, str, int], Owed]] = []
    for meeting, actions in workspace.iter_actions(lambda d: d.get("status") == "open"):
        for n, action in enumerate(actions):
            if action.status != "open" or not same_person(action.owner, owner):
                continue
            late = action.is_overdue(today)
            # Overdue first, then due ones, then those without a date; each by date.
            rank = 0 if late else 1 if action.due else 2
            owed.append(((rank, action.due, meeting.date, meeting.id, n), Owed(action, meeting, late)))
    owed.sort(key=lambda row: row[0])

    titles = {s.id: s.title for s in workspace.series.all()}
    held = [
        Held(meeting, titles.get(meeting.series_id, meeting.series_id), tuple(decisions), any(same_person(a.name, owner) for a in meeting.attendees))
        for meeting, decisions in workspace.iter_decisions()
        if meeting.held and first <= meeting.date <= last
    ]
    held.sort(key=lambda h: (h.meeting.date, h.meeting.id))

    mine: list[tuple[Contribution, Fate]] = []
    for contribution, fate in with_fates(workspace, lambda c: same_person(c.author, owner)):
        decided_lately = fate.at[:10] >= first or fate.meeting_date >= first
        if fate.state == "waiting" or (fate.state != "withdrawn" and decided_lately):
            mine.append((contribution, fate))
    mine.sort(key=lambda pair: (pair[0].created_at, pair[0].id))
    return Digest(owner, since, today, tuple(row[1] for row in owed), tuple(held), tuple(mine))


def _where(meeting: Meeting) -> str:
    return mdescape.inline(f"{meeting.date} {meeting.title}")


def render_markdown(digest: Digest) -> str:
    """The digest as Markdown (the text of its e-mail, the source of its page)."""
    out = [f"# Digest for {mdescape.inline(digest.owner)} — {digest.period}", ""]

    late = sum(1 for o in digest.owed if o.overdue)
    counted = f"{len(digest.owed)} open" + (f", {late} overdue" if late else "")
    out += [f"## What you owe ({counted})", ""]
    if not digest.owed:
        out.append("Nothing open in your name.")
    for o in digest.owed:
        a = o.action
        when = f"**Overdue** (due {a.due})" if o.overdue else f"Due {a.due}" if a.due else "No due date"
        out.append(f"- {when}: {mdescape.inline(a.text)} _(from {_where(o.meeting)})_")
    out.append("")

    out += [f"## Meetings held ({len(digest.held)})", ""]
    if not digest.held:
        out += ["No meeting was held in these days.", ""]
    for h in digest.held:
        there = "" if h.attended else " (you were not listed)"
        out += [f"### {h.meeting.date} {mdescape.inline(h.meeting.title)}{there}", ""]
        series = f"Series: {mdescape.inline(h.series_title)}"
        out += [series, ""]
        if not h.decisions:
            out += ["No decisions.", ""]
        for d in h.decisions:
            by = f" _(decided by {mdescape.inline(d.decided_by)})_" if d.decided_by.strip() else ""
            out.append(f"- Decided: {mdescape.inline(d.text)}{by}")
        if h.decisions:
            out.append("")

    out += ["## Your contributions", ""]
    if not digest.contributions:
        out.append("Nothing of yours was waiting or decided in these days.")
    for c, fate in digest.contributions:
        out.append(f"- {mdescape.inline(c.noun)} “{mdescape.inline(c.subject)}”: {mdescape.inline(fate.words())}")
    return "\n".join(out).rstrip("\n") + "\n"


def render_page(digest: Digest) -> str:
    facts = [("Owner", digest.owner), ("Period", digest.period), ("Open", str(len(digest.owed)))]
    return page(f"Digest for {digest.owner} — {digest.period}", render_markdown(digest), facts=facts)


def digest_message(digest: Digest, *, now: datetime, address: str = "") -> EmailMessage:
    """The digest as a text + HTML message dated ``now``, to the owner at ``address``
    (``[people]``'s; without one no ``To:``: the mailer is given it, ``msmtp -t ana@example.com``)."""
    ident = message_id("digest", digest.today.isoformat(), person_tag(digest.owner))
    return build_message(
        subject=f"Digest for {digest.owner}: {digest.period}",
        text=render_markdown(digest),
        html=render_page(digest),
        when=now,
        ident=ident,
        to=[Recipient(" ".join(digest.owner.split()), address)],
    )
