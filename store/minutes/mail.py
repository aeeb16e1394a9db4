"""Minutes as an e-mail message (``tandem export MEETING --format eml``).

A multipart/alternative message: the Markdown minutes as text/plain, the HTML page
(:mod:`tandem.store.minutes.html`) as text/html, headers RFC 2047-encoded where they are
not ASCII. tandem sends nothing: the user pipes the message to ``sendmail -t`` or
``msmtp -t``, which add the ``From:`` RFC 5322 asks for (tandem knows nobody's address).

Recipients: a meeting's attendees are names; their addresses come from ``[people]`` in
config.toml (``store/addresses.py``). The attendees with an address are the ``To:``, the
absentees with one the ``Cc:`` (the minutes are for them too); a name without an address is
left out — an address made up or left empty would bounce — and the CLI says which. With no
address at all there is no ``To:``, and the user names the addresses to the mailer
(``msmtp -t ana@example.com``). ``--to "Ana Ruiz <ana@example.com>"`` (or a name
``[people]`` knows) makes a message for one person: the ``To:``, with their open action
items of the meeting's series first in both parts.

The message is deterministic: its ``Date:`` is the meeting's start (``-0000``: the meeting's
clock carries no zone), its ``Message-ID`` comes from the meeting id (and the recipient),
its MIME boundary from a digest of its parts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from tandem.store import mdescape
from tandem.store.addresses import address_of, person_key, same_person
from tandem.store.errors import UsageError
from tandem.store.minutes.html import render_html, strip_front_matter
from tandem.store.minutes.render import Shared, render_minutes
from tandem.store.records import ActionItem, Meeting
from tandem.store.workspace import MeetingRecord

#: How messages are written: LF line ends (what a local ``sendmail -t`` reads), headers
#: folded at 78 and RFC 2047-encoded when not ASCII (``utf8=False``), bodies quoted-printable
#: or base64 when not ASCII (``7bit``): the whole message is ASCII, whatever relays it.
POLICY = policy.default.clone(cte_type="7bit")

# What may stand in a Message-ID's left part (RFC 5322 dot-atom-text, less the dots' rules).
_NOT_ATEXT = re.compile(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")


@dataclass(frozen=True, slots=True)
class Recipient:
    """Whom a message is for: a name (its action items are found by it) and, when known,
    an address."""

    name: str
    address: str = ""

    @classmethod
    def parse(cls, text: str) -> Recipient:
        """``Ana Ruiz``, ``Ana Ruiz <ana@example.com>`` or ``ana@example.com``."""
        text = " ".join(mdescape.clean(text).split())
        if "@" not in text:
            if not text:
                raise UsageError("--to needs a name (or 'Name <address>').")
            return cls(text)
        name, address = parseaddr(text)
        if not address or "@" not in address or (not name and not _plain_address(text, address)):
            raise UsageError(f"--to {text!r} is neither a name nor 'Name <address>'.")
        try:
            Address(addr_spec=address)
            valid = address.isascii()
        except (ValueError, IndexError, MessageError):
            valid = False
        if not valid:
            raise UsageError(f"--to {text!r}: {address!r} is not an e-mail address tandem can write.")
        return cls(name or address.partition("@")[0], address)

    def header(self) -> Address:
        return Address(display_name=self.name, addr_spec=self.address)

    def known(self, addresses: Mapping[str, str]) -> Recipient:
        """This recipient, with ``[people]``'s address for the name when none was given."""
        return self if self.address else Recipient(self.name, address_of(addresses, self.name))


def people_of(meeting: Meeting, addresses: Mapping[str, str]) -> tuple[list[Recipient], list[Recipient], list[str]]:
    """The meeting's attendees and absentees who have an address (``To:`` and ``Cc:``, each
    person once), and the names of those who have none."""
    to: list[Recipient] = []
    cc: list[Recipient] = []
    missing: list[str] = []
    for people, into in ((meeting.attendees, to), (meeting.absentees, cc)):
        for person in people:
            if any(same_person(person.name, r.name) for r in (*to, *cc)) or any(same_person(person.name, n) for n in missing):
                continue
            address = address_of(addresses, person.name)
            if address:
                into.append(Recipient(" ".join(person.name.split()), address))
            elif person.name.strip():
                missing.append(" ".join(person.name.split()))
    return to, cc, missing


def _plain_address(text: str, address: str) -> bool:
    return text.strip("<> ") == address


def open_actions_of(name: str, record: MeetingRecord, shared: Shared) -> list[ActionItem]:
    """``name``'s open action items raised in the meeting or earlier in its series: due ones
    first by due date, then those without one, each group oldest meeting first."""
    meeting = record.meeting
    meetings = {**shared.meetings_by_id(), meeting.id: meeting}
    # The record's own items as it holds them; the others as the workspace does.
    own = [a if a.meeting_id else a.replace(meeting_id=meeting.id) for a in record.actions]
    others = [a for a in shared.actions if a.meeting_id != meeting.id]
    found: list[tuple[str, str, int, ActionItem]] = []
    for n, action in enumerate([*others, *own]):
        origin = meetings.get(action.meeting_id)
        if origin is None or origin.series_id != meeting.series_id or origin.date > meeting.date:
            continue
        if action.status == "open" and same_person(action.owner, name):
            found.append((action.due or "9999-99-99", origin.date, n, action))
    found.sort(key=lambda row: row[:3])
    return [row[3] for row in found]


def actions_section(name: str, items: Sequence[ActionItem], meetings: dict[str, Meeting], *, as_of: str, heading: str = "Your actions") -> str:
    """Markdown: ``name``'s action items, overdue ones (due before ``as_of``) marked."""
    lines = [f"## {heading} — {mdescape.inline(name)}", ""]
    if not items:
        lines.append("Nothing open for you.")
    for action in items:
        origin = meetings.get(action.meeting_id)
        where = f"{origin.date} {origin.title}" if origin else action.meeting_id
        due = ""
        if action.due:
            due = f" — **overdue**, was due {action.due}" if action.due < as_of else f" — due {action.due}"
        lines.append(f"- {mdescape.inline(action.text)}{due} _(from {mdescape.inline(where)})_")
    return "\n".join(lines) + "\n"


def your_actions(to: Recipient | None, record: MeetingRecord, shared: Shared) -> str:
    """Markdown for the top of ``to``'s minutes: their open action items ("": nobody named)."""
    if to is None:
        return ""
    meetings = {**shared.meetings_by_id(), record.meeting.id: record.meeting}
    return actions_section(to.name, open_actions_of(to.name, record, shared), meetings, as_of=record.meeting.date)


def message_id(*parts: str) -> str:
    """``<part.part@tandem>``: the same for the same parts, every time."""
    left = ".".join(p for p in (_NOT_ATEXT.sub("-", part).strip("-") for part in parts) if p)
    return f"<{left or 'tandem'}@tandem>"


def person_tag(name: str) -> str:
    """A person in a Message-ID: their name's key (:func:`person_key`), hashed."""
    return hashlib.sha256(person_key(name).encode("utf-8")).hexdigest()[:12]


def build_message(
    *,
    subject: str,
    text: str,
    html: str,
    when: datetime,
    ident: str,
    to: Sequence[Recipient] = (),
    cc: Sequence[Recipient] = (),
    headers: Sequence[tuple[str, str]] = (),
) -> EmailMessage:
    """A multipart/alternative message of ``text`` and ``html``, with a boundary that is a
    digest of both (deterministic, and found in neither); recipients without an address are
    left out."""
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = " ".join(subject.split())
    msg["Date"] = format_datetime(when.replace(tzinfo=None))
    msg["Message-ID"] = ident
    for name, people in (("To", to), ("Cc", cc)):
        if any(r.address for r in people):
            msg[name] = [r.header() for r in people if r.address]
    for name, value in headers:
        msg[name] = value
    msg.set_content(text if text.endswith("\n") else text + "\n", subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    digest = hashlib.sha256(text.encode("utf-8") + b"\0" + html.encode("utf-8")).hexdigest()[:32]
    msg.set_boundary(f"tandem-{digest}")
    return msg


def meeting_when(meeting: Meeting) -> datetime:
    """When the meeting started (else its day, at midnight)."""
    if meeting.started_at:
        try:
            return datetime.fromisoformat(meeting.started_at).replace(tzinfo=None, microsecond=0)
        except ValueError:
            pass
    return datetime.fromisoformat(meeting.date)


def minutes_message(record: MeetingRecord, shared: Shared, *, to: Recipient | None = None, addresses: Mapping[str, str] | None = None) -> EmailMessage:
    """The meeting's minutes as a message to the attendees whose address ``addresses``
    (``[people]``) knows, absentees as Cc; for ``to`` only: their open action items first."""
    meeting = record.meeting
    # Whoever reads a page or a message has no task plugin: action items in the plain style.
    markdown = strip_front_matter(render_minutes(record, shared, actions="plain"))
    preface = your_actions(to, record, shared)
    text = f"{preface}\n{markdown}" if preface else markdown
    page = render_html(record, shared, markdown=markdown, preface=preface)
    ident = message_id(meeting.id, person_tag(to.name)) if to is not None else message_id(meeting.id)
    subject = f"Minutes: {shared.series_title(meeting.series_id)} {meeting.date}"
    known = addresses or {}
    copies: list[Recipient] = []
    if to is not None:
        recipients = [to.known(known)]
    else:
        recipients, copies, _ = people_of(meeting, known)
    return build_message(subject=subject, text=text, html=page, when=meeting_when(meeting), ident=ident, to=recipients, cc=copies)


def as_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=POLICY)
