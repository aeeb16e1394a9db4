"""The team's calendar as an iCalendar file (RFC 5545): ``tandem export ics`` and the
``calendar.ics`` that ``export --all`` keeps beside the minutes.

What goes in: each series' planned meetings (the last one carrying an ``RRULE`` from the
series' cadence, so the series' slot repeats in the calendar) and its latest meeting that
is no longer planned (held, or cancelled: ``STATUS:CANCELLED``) — re-importing that one
replaces the event that carried the rule before, so a calendar that updates by ``UID`` never
shows the series twice; shadow days and the open action items' due dates as all-day events
(or ``VTODO``\\s on request: phone calendars ignore those).

Output is deterministic, like the minutes: a ``UID`` from each record's id, a ``DTSTAMP``
from the record (never the clock), a fixed order; re-exporting unchanged records gives the
same bytes. Meetings carry no time of day, so a planned one starts at config.toml's
``[calendar]`` start (its series' own, else ``start``, 10:00 by default; floating local time:
each reader's own clock) and lasts its planned minutes, else its agenda's timeboxes, else
``DEFAULT_MINUTES``; a held one keeps the times it ran. People are ``mailto:`` attendees when
config.toml's ``[people]`` gives their address, else a ``urn:x-tandem:person:`` of their name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from tandem.store.addresses import address_of, person_key
from tandem.store.config import CalendarConfig, load_config
from tandem.store.outside import clean_text
from tandem.store.records import ActionItem, Attendee, Meeting, Series, ShadowDay, label
from tandem.store.workspace import Workspace

#: When a planned meeting starts without a ``[calendar]`` in config.toml: meetings and
#: templates record a day, not a time.
DEFAULT_START = CalendarConfig().start
#: How long a planned meeting with neither planned minutes nor an agenda lasts.
DEFAULT_MINUTES = 60
#: The file ``export --all`` keeps up to date beside the minutes, once one is there.
FILE_NAME = "calendar.ics"
#: No addresses known: every attendee a urn.
NOBODY: Mapping[str, str] = MappingProxyType({})
#: The longest line RFC 5545 allows, in octets, without its CRLF.
LINE_OCTETS = 75
PRODID = "-//tandem//calendar export//EN"


# --- text ------------------------------------------------------------------------------


def plain(text: str) -> str:
    """``text`` as a calendar keeps it: escape sequences, controls and characters UTF-8
    cannot carry gone (RFC 5545 TEXT allows no control but tab), line breaks kept."""
    text = clean_text(text)
    if text.isprintable():
        return text
    return "".join(ch for ch in text if ch in "\n\t" or (ch.isprintable() and not "\ud800" <= ch <= "\udfff"))


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline escaped."""
    return plain(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def param(text: str) -> str:
    """A quoted parameter value (§3.2): a DQUOTE or line break has no escape there."""
    return '"' + " ".join(plain(text).replace('"', "'").split()) + '"'


def uid(record_id: str) -> str:
    """A UID value from a record id: ids come from synced files, so anything but the id
    alphabet is percent-encoded (a line break in an id would start a forged event)."""
    return quote(record_id, safe="-_.~") + "@tandem"


def fold(line: str) -> bytes:
    """One content line, folded at 75 octets (§3.1) without splitting a UTF-8 character;
    continuation lines start with a space, which counts towards their 75. A line break in
    it (no value may hold one unescaped) becomes a space: one line in, one line out."""
    data = line.replace("\r", " ").replace("\n", " ").encode("utf-8")
    if len(data) <= LINE_OCTETS:
        return data + b"\r\n"
    parts: list[bytes] = []
    start, limit = 0, LINE_OCTETS
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # a continuation byte: back off
            end -= 1
        parts.append(data[start:end])
        start, limit = end, LINE_OCTETS - 1
    return b"\r\n ".join(parts) + b"\r\n"


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _moment(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def stamp(*candidates: str | None) -> str:
    """A ``DTSTAMP`` from the first timestamp or date a record has: deterministic, so an
    unchanged record exports the same bytes. A naive time is taken as written."""
    for value in candidates:
        if not value:
            continue
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            continue
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return _moment(moment) + "Z"
    return "19700101T000000Z"


# --- records → events --------------------------------------------------------------------


def rrule(cadence: str, day: date) -> str:
    """The recurrence of a series' cadence from ``day``; "" for "ad hoc". A monthly meeting
    keeps its weekday in the month ("second Tuesday"; the fifth one as the last)."""
    nth = (day.day - 1) // 7 + 1
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday()]
    by_day = f"BYDAY={-1 if nth == 5 else nth}{weekday}"
    return {
        "weekly": "FREQ=WEEKLY",
        "biweekly": "FREQ=WEEKLY;INTERVAL=2",
        "monthly": f"FREQ=MONTHLY;{by_day}",
        "quarterly": f"FREQ=MONTHLY;INTERVAL=3;{by_day}",
    }.get(cadence, "")


def _attendee(person: Attendee, status: str, addresses: Mapping[str, str]) -> str:
    # A person with an address in [people] is a mailto: (what calendars match invitees on);
    # one without keeps a urn, so the value stays the URI ATTENDEE requires.
    known = address_of(addresses, person.name)
    address = f"mailto:{known}" if known else "urn:x-tandem:person:" + quote(plain(person.name).strip(), safe="")
    return f"ATTENDEE;CN={param(person.name)};ROLE=REQ-PARTICIPANT;PARTSTAT={status}:{address}"


@dataclass(frozen=True, slots=True)
class Planned:
    """A meeting with what its event needs beyond the meeting record."""

    meeting: Meeting
    minutes: int  # planned minutes or the agenda's timeboxes; 0: not known
    agenda: tuple[tuple[str, int], ...] = ()  # (title, timebox) in order
    repeats: str = ""  # the RRULE value, or ""


def meeting_start(meeting: Meeting, start: time = DEFAULT_START) -> datetime:
    """When a meeting's event starts: when it started, if it did; else its day at ``start``."""
    if meeting.held and meeting.started_at:
        try:
            return datetime.fromisoformat(meeting.started_at).replace(tzinfo=None, microsecond=0)
        except ValueError:
            pass
    return datetime.combine(date.fromisoformat(meeting.date), start)


def meeting_minutes(planned: Planned) -> int:
    """How long a meeting's event lasts: the time it ran, if it ended; else its plan."""
    m = planned.meeting
    if m.held and m.started_at and m.ended_at:
        try:
            ran = datetime.fromisoformat(m.ended_at) - datetime.fromisoformat(m.started_at)
        except ValueError:
            pass
        else:
            if ran > timedelta(0):
                return max(1, round(ran.total_seconds() / 60))
    return planned.minutes or DEFAULT_MINUTES


def meeting_event(planned: Planned, start: time = DEFAULT_START, addresses: Mapping[str, str] = NOBODY) -> Iterator[str]:
    m = planned.meeting
    minutes = meeting_minutes(planned)
    yield "BEGIN:VEVENT"
    yield f"UID:{uid(m.id)}"
    yield f"DTSTAMP:{stamp(m.saved_at, m.ended_at, m.started_at, m.date)}"
    yield f"DTSTART:{_moment(meeting_start(m, start))}"
    yield f"DURATION:PT{minutes // 60}H{minutes % 60}M" if minutes >= 60 else f"DURATION:PT{minutes}M"
    if planned.repeats:
        yield f"RRULE:{planned.repeats}"
    yield f"SUMMARY:{escape(m.title)}"
    lines = [f"- {title} ({mins} min)" for title, mins in planned.agenda]
    about = [*(["Agenda:", *lines] if lines else []), *([f"Facilitator: {m.facilitator}"] if m.facilitator else [])]
    if about:
        yield f"DESCRIPTION:{escape(chr(10).join(about))}"
    yield "STATUS:CANCELLED" if m.status == "cancelled" else "STATUS:CONFIRMED"
    for person in m.attendees:
        yield _attendee(person, "ACCEPTED" if m.held else "NEEDS-ACTION", addresses)
    for person in m.absentees:
        yield _attendee(person, "DECLINED", addresses)
    yield "END:VEVENT"


def shadow_event(day: ShadowDay, addresses: Mapping[str, str] = NOBODY) -> Iterator[str]:
    when = date.fromisoformat(day.date)
    yield "BEGIN:VEVENT"
    yield f"UID:{uid(day.id)}"
    yield f"DTSTAMP:{stamp(day.date)}"
    yield f"DTSTART;VALUE=DATE:{_day(when)}"
    yield f"DTEND;VALUE=DATE:{_day(when + timedelta(days=1))}"
    yield f"SUMMARY:{escape(f'Shadow day: {day.shadow} with {day.host} ({label(day.direction)})')}"
    if day.activities:
        yield f"DESCRIPTION:{escape(chr(10).join(f'- {a.title}' for a in day.activities))}"
    yield "TRANSP:TRANSPARENT"
    yield _attendee(Attendee(name=day.shadow), "ACCEPTED", addresses)
    yield _attendee(Attendee(name=day.host), "ACCEPTED", addresses)
    yield "END:VEVENT"


def action_entry(action: ActionItem, meeting: Meeting, *, todo: bool = False) -> Iterator[str]:
    """An action item's due date: an all-day event, or a ``VTODO`` with ``todo``. A closed
    one is the same entry, cancelled (a ``VTODO``: completed or cancelled), one ``SEQUENCE``
    later and stamped when it was closed: re-importing takes it off the calendar."""
    due = date.fromisoformat(action.due)
    summary = f"Due: {action.text}" + (f" ({action.owner})" if action.owner else "")
    about = f"From {meeting.title}, {meeting.date}." + (f"\nOwner: {action.owner}" if action.owner else "")
    closed = action.status != "open"
    yield "BEGIN:VTODO" if todo else "BEGIN:VEVENT"
    yield f"UID:{uid(action.id)}"
    yield f"DTSTAMP:{stamp(action.closed_on, meeting.date) if closed else stamp(meeting.date)}"
    if closed:
        yield "SEQUENCE:1"
    if todo:
        yield f"DUE;VALUE=DATE:{_day(due)}"
        yield f"STATUS:{'COMPLETED' if action.status == 'done' else 'CANCELLED'}" if closed else "STATUS:NEEDS-ACTION"
    else:
        if closed:
            yield "STATUS:CANCELLED"
        yield f"DTSTART;VALUE=DATE:{_day(due)}"
        yield f"DTEND;VALUE=DATE:{_day(due + timedelta(days=1))}"
        yield "TRANSP:TRANSPARENT"
    yield f"SUMMARY:{escape(summary)}"
    yield f"DESCRIPTION:{escape(about)}"
    yield "END:VTODO" if todo else "END:VEVENT"


@dataclass(frozen=True, slots=True)
class CalendarData:
    """What a calendar holds, gathered from a workspace (:func:`gather`)."""

    meetings: tuple[Planned, ...] = ()
    shadow_days: tuple[ShadowDay, ...] = ()
    actions: tuple[tuple[ActionItem, Meeting], ...] = ()
    name: str = "tandem"


def render(data: CalendarData, *, todo: bool = False, starts: CalendarConfig | None = None, addresses: Mapping[str, str] = NOBODY) -> bytes:
    """The ``.ics`` file's bytes: CRLF line ends, folded lines, escaped text; planned
    meetings start at ``starts``' time for their series (default: 10:00); people with an
    address in ``addresses`` (``[people]``) are ``mailto:`` attendees."""
    starts = starts or CalendarConfig()
    lines: list[str] = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    lines.append(f"X-WR-CALNAME:{escape(data.name)}")
    for planned in data.meetings:
        lines.extend(meeting_event(planned, starts.start_of(planned.meeting.series_id), addresses))
    for day in data.shadow_days:
        lines.extend(shadow_event(day, addresses))
    for action, meeting in data.actions:
        lines.extend(action_entry(action, meeting, todo=todo))
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)


# --- workspace → calendar ----------------------------------------------------------------


def _named(owner: str | None) -> str | None:
    return person_key(owner) if owner is not None else None


def pick_meetings(meetings: Iterable[Meeting], series: Iterable[Series]) -> list[tuple[Meeting, str]]:
    """Which meetings become events, with the RRULE each carries: per series every planned
    meeting (the last one repeating at the series' cadence) and the latest one that is not
    planned any more."""
    cadence = {s.id: s.cadence for s in series}
    by_series: dict[str, list[Meeting]] = {}
    for m in meetings:
        by_series.setdefault(m.series_id, []).append(m)
    picked: list[tuple[Meeting, str]] = []
    for rows in by_series.values():
        rows.sort(key=lambda m: (m.date, m.id))
        planned = [m for m in rows if m.status == "planned"]
        gone = [m for m in rows if m.status != "planned"]
        if gone:
            picked.append((gone[-1], ""))
        for m in planned:
            repeats = rrule(cadence.get(m.series_id, ""), date.fromisoformat(m.date)) if m is planned[-1] else ""
            picked.append((m, repeats))
    picked.sort(key=lambda row: (row[0].date, row[0].id))
    return picked


def closed_since(meetings: Iterable[Meeting]) -> dict[str, str]:
    """Per series, the day of its last held meeting but one ("" with fewer than two): the
    items closed on or after it are in the calendar, closed."""
    days: dict[str, list[str]] = {}
    for m in meetings:
        if m.held:
            days.setdefault(m.series_id, []).append(m.date)
    return {series_id: sorted(found)[-2] for series_id, found in days.items() if len(found) >= 2}


def gather(workspace: Workspace, *, series: str | None = None, owner: str | None = None) -> CalendarData:
    """The calendar of ``workspace`` (of one series, of one person: an attendee, the shadow
    or host, an action's owner), reading the meeting index and only the picked meetings' files."""
    who = _named(owner)
    known = workspace.series.all()
    meetings = [Meeting.trusted(data) for data, _, _ in workspace.iter_listed_data()]
    if series is not None:
        meetings = [m for m in meetings if m.series_id == series]
    planned: list[Planned] = []
    for meeting, repeats in pick_meetings(meetings, known):
        if who is not None and who not in {person_key(p.name) for p in meeting.people}:
            continue
        agenda = workspace.read_meeting(meeting.id).agenda
        rows = tuple((item.title, item.timebox_min) for item in sorted(agenda, key=lambda a: a.position))
        planned.append(Planned(meeting, meeting.planned_min or sum(t for _, t in rows), rows, repeats))
    days: list[ShadowDay] = []
    if series is None:
        days = [d for d in workspace.shadow_days.all() if who is None or who in (person_key(d.shadow), person_key(d.host))]
        days.sort(key=lambda d: (d.date, d.id))
    # Items closed since their series' last meeting but one are written again, cancelled
    # (a task: completed or cancelled), so that re-importing takes off the event or closes
    # the task exported while they were open; closed longer ago, the last import of anyone
    # who imports at each meeting already has them so, and leaving them out keeps the file
    # small. An item closed with no date is left out: nobody can say when.
    since = closed_since(meetings)
    series_of = {m.id: m.series_id for m in meetings}

    def shown(row: dict[str, Any]) -> bool:
        # (Only the rows wanted are decoded: a workspace's closed items are most of its items.)
        due, status = row.get("due"), row.get("status")
        if not due or not isinstance(due, str):
            return False
        if status == "open":
            return True
        closed, origin = row.get("closed_on"), row.get("meeting_id")
        cutoff = since.get(series_of.get(origin, ""), "") if isinstance(origin, str) else ""
        return status in ("done", "dropped") and isinstance(closed, str) and bool(closed) and closed >= cutoff

    actions = [
        (a, m)
        for m, items in workspace.iter_actions(shown)
        if series is None or m.series_id == series
        for a in items
        if (who is None or person_key(a.owner) == who) and (a.status == "open" or (bool(a.closed_on) and a.closed_on >= since.get(m.series_id, "")))
    ]
    actions.sort(key=lambda row: (row[0].due, row[0].id))
    title = next((s.title for s in known if s.id == series), series) if series else "tandem"
    return CalendarData(tuple(planned), tuple(days), tuple(actions), name=title if owner is None else f"{title}: {owner.strip()}")


def calendar_bytes(
    workspace: Workspace,
    *,
    series: str | None = None,
    owner: str | None = None,
    todo: bool = False,
    starts: CalendarConfig | None = None,
    addresses: Mapping[str, str] | None = None,
) -> bytes:
    """The calendar's bytes; ``starts`` and ``addresses`` None: config.toml's ``[calendar]``
    and ``[people]`` (a broken value there falls back to its default, as every setting does;
    `tandem config check` says so)."""
    if starts is None or addresses is None:
        config = load_config().config
        starts = starts if starts is not None else config.calendar
        addresses = addresses if addresses is not None else config.people
    return render(gather(workspace, series=series, owner=owner), todo=todo, starts=starts, addresses=addresses)


def write_calendar(workspace: Workspace, out: Path, *, series: str | None = None, starts: CalendarConfig | None = None) -> tuple[Path, bool]:
    """``export --all``'s ``calendar.ics`` in ``out``, rewritten only when its bytes change
    (same bytes, same mtime: friendly to git and rsync). Returns the path and whether written."""
    # Imported here: the minutes' export imports this module for its --all hook.
    from tandem.store.minutes.export import prepare_folder, write_if_changed

    path = out / FILE_NAME
    prepare_folder(out, [path])
    return path, write_if_changed(path, calendar_bytes(workspace, series=series, starts=starts))
