"""The calendar export (store/interop/ics.py), read back by a real iCalendar parser
(``icalendar``) and checked against the records it was made from."""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.store.interop import ics
from tandem.store.records import ActionItem, Activity, AgendaItem, Attendee, Meeting, Series, ShadowDay
from tandem.store.workspace import Workspace

icalendar = pytest.importorskip("icalendar")

WEEKLY, MONTHLY, ADHOC = "weekly-sync", "monthly-review", "debriefs"
PEOPLE = [Attendee(name="Maya Thompson", team="sales"), Attendee(name="Zoë Lindqvist", team="marketing")]


def build(home: Path) -> Workspace:
    ws = Workspace(home)
    ws.series.add(Series(id=WEEKLY, title="Weekly sync", cadence="weekly"))
    ws.series.add(Series(id=MONTHLY, title="Monthly review", cadence="monthly"))
    ws.series.add(Series(id=ADHOC, title="Debriefs", cadence="ad hoc"))
    agenda = [AgendaItem(id="i1", title="Leads", position=0, timebox_min=10), AgendaItem(id="i2", title="Content", position=1, timebox_min=25)]
    ws.create_meeting(
        Meeting(
            id="2026-12-01-weekly-sync",
            series_id=WEEKLY,
            title="Weekly sync",
            date="2026-12-01",
            status="ended",
            attendees=PEOPLE[:1],
            absentees=PEOPLE[1:],
            started_at="2026-12-01T09:32:00",
            ended_at="2026-12-01T10:21:00",
        ),
        agenda,
        actions=[
            ActionItem(id="a-open", text="Fix routing, EMEA; now", owner="Maya Thompson", due="2026-12-04", meeting_id="2026-12-01-weekly-sync"),
            ActionItem(id="a-done", text="Done one", owner="Maya Thompson", due="2026-12-02", status="done", closed_on="2026-12-02"),
            ActionItem(id="a-nodue", text="No due date", owner="Zoë Lindqvist"),
            ActionItem(id="a-old", text="Done long ago", owner="Maya Thompson", due="2026-11-19", status="done", closed_on="2026-11-20"),
        ],
    )
    # The series' meeting before: items closed since it are written closed (a-old was not).
    ws.create_meeting(Meeting(id="2026-11-24-weekly-sync", series_id=WEEKLY, title="Weekly sync", date="2026-11-24", status="finalized"))
    ws.create_meeting(Meeting(id="2026-12-08-weekly-sync", series_id=WEEKLY, title="Weekly sync", date="2026-12-08", attendees=PEOPLE), agenda)
    ws.create_meeting(Meeting(id="2026-12-15-weekly-sync", series_id=WEEKLY, title="Weekly sync", date="2026-12-15", attendees=PEOPLE[:1]), agenda[:1])
    ws.create_meeting(Meeting(id="2026-12-10-monthly-review", series_id=MONTHLY, title="Monthly review", date="2026-12-10", planned_min=45))
    ws.create_meeting(Meeting(id="2026-12-20-debriefs", series_id=ADHOC, title="Debrief", date="2026-12-20"))
    ws.create_meeting(Meeting(id="2026-11-20-debriefs", series_id=ADHOC, title="Old debrief", date="2026-11-20", status="cancelled"))
    ws.shadow_days.add(
        ShadowDay(
            id="sd1", shadow="Zoë Lindqvist", host="Maya Thompson", direction="marketing_to_sales", date="2026-12-03", activities=[Activity(title="Calls")]
        )
    )
    return ws


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return build(tmp_path / "ws")


def parse(data: bytes) -> dict[str, object]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(c["UID"]): c for c in cal.walk() if c.name in ("VEVENT", "VTODO")}


def test_every_event_matches_its_record(ws: Workspace) -> None:
    events = parse(ics.calendar_bytes(ws))
    # Expected from the records above, by hand: (start, duration, summary, rrule, status).
    expected = {
        # held: the times it ran; the latest held one of its series carries no rule
        "2026-12-01-weekly-sync@tandem": (datetime(2026, 12, 1, 9, 32), timedelta(minutes=49), "Weekly sync", None, "CONFIRMED"),
        # planned, not the series' last: no rule; the agenda's 35 minutes from 10:00
        "2026-12-08-weekly-sync@tandem": (datetime(2026, 12, 8, 10), timedelta(minutes=35), "Weekly sync", None, "CONFIRMED"),
        "2026-12-15-weekly-sync@tandem": (datetime(2026, 12, 15, 10), timedelta(minutes=10), "Weekly sync", {"FREQ": ["WEEKLY"]}, "CONFIRMED"),
        # planned minutes win; monthly keeps "second Thursday"
        "2026-12-10-monthly-review@tandem": (
            datetime(2026, 12, 10, 10),
            timedelta(minutes=45),
            "Monthly review",
            {"FREQ": ["MONTHLY"], "BYDAY": ["2TH"]},
            "CONFIRMED",
        ),
        "2026-12-20-debriefs@tandem": (datetime(2026, 12, 20, 10), timedelta(minutes=ics.DEFAULT_MINUTES), "Debrief", None, "CONFIRMED"),
        "2026-11-20-debriefs@tandem": (datetime(2026, 11, 20, 10), timedelta(minutes=ics.DEFAULT_MINUTES), "Old debrief", None, "CANCELLED"),
    }
    for uid, (start, duration, summary, rule, status) in expected.items():
        event = events[uid]
        assert event.decoded("DTSTART") == start, uid
        assert event.decoded("DURATION") == duration, uid
        assert str(event["SUMMARY"]) == summary, uid
        assert str(event["STATUS"]) == status, uid
        if rule is None:
            assert "RRULE" not in event, uid
        else:
            assert {k: [str(v) for v in vs] for k, vs in event["RRULE"].items()} == rule, uid
    held = events["2026-12-01-weekly-sync@tandem"]
    people = {str(a.params["CN"]): str(a.params["PARTSTAT"]) for a in held["ATTENDEE"]} if isinstance(held["ATTENDEE"], list) else {}
    assert people == {"Maya Thompson": "ACCEPTED", "Zoë Lindqvist": "DECLINED"}
    planned = events["2026-12-08-weekly-sync@tandem"]
    assert "Leads (10 min)" in str(planned["DESCRIPTION"])
    # the shadow day and the open action with a due date: all-day events
    shadow = events["sd1@tandem"]
    assert shadow.decoded("DTSTART") == date(2026, 12, 3)
    assert shadow.decoded("DTEND") == date(2026, 12, 4)
    assert str(shadow["SUMMARY"]) == "Shadow day: Zoë Lindqvist with Maya Thompson (marketing → sales)"
    action = events["a-open@tandem"]
    assert action.name == "VEVENT"
    assert action.decoded("DTSTART") == date(2026, 12, 4)
    assert str(action["SUMMARY"]) == "Due: Fix routing, EMEA; now (Maya Thompson)"
    # An item closed since the series' last meeting but one is the same event, cancelled,
    # one sequence later: re-importing takes it off. One closed before that was in the
    # import made at that meeting, and undated ones never had an event.
    done = events["a-done@tandem"]
    assert (str(done["STATUS"]), int(done["SEQUENCE"]), done.decoded("DTSTART")) == ("CANCELLED", 1, date(2026, 12, 2))
    assert done.decoded("DTSTAMP") == datetime(2026, 12, 2, tzinfo=done.decoded("DTSTAMP").tzinfo)
    assert "SEQUENCE" not in action and "STATUS" not in action
    assert set(events) == {*expected, "sd1@tandem", "a-open@tandem", "a-done@tandem"}
    for event in events.values():
        assert event.decoded("DTSTAMP").tzinfo is not None  # UTC, as RFC 5545 requires


def test_a_task_closed_at_the_next_meeting_is_closed_in_the_task_app(ws: Workspace) -> None:
    """Due between two meetings and closed at the next one (the usual case): with --todo
    it is written COMPLETED, so the task exported while it was open does not stay open."""
    with ws.open_meeting("2026-12-01-weekly-sync") as writer:
        item = writer.actions.get("a-open")
        writer.actions.update(item.replace(status="done", closed_on="2026-12-08", closed_in="2026-12-08-weekly-sync"))
    with ws.open_meeting("2026-12-08-weekly-sync") as writer:
        record = writer.read()
        record.meeting = record.meeting.replace(status="ended", started_at="2026-12-08T09:30:00", ended_at="2026-12-08T10:00:00")
        writer.write_all(record)
    todo = parse(ics.calendar_bytes(ws, todo=True))["a-open@tandem"]
    assert (todo.name, str(todo["STATUS"]), int(todo["SEQUENCE"])) == ("VTODO", "COMPLETED", 1)


def test_todo_option_writes_vtodos(ws: Workspace) -> None:
    events = parse(ics.calendar_bytes(ws, todo=True))
    todo = events["a-open@tandem"]
    assert todo.name == "VTODO"
    assert todo.decoded("DUE") == date(2026, 12, 4)
    assert str(todo["STATUS"]) == "NEEDS-ACTION"
    assert (events["a-done@tandem"].name, str(events["a-done@tandem"]["STATUS"])) == ("VTODO", "COMPLETED")


def test_series_and_owner_filters(ws: Workspace) -> None:
    assert set(parse(ics.calendar_bytes(ws, series=MONTHLY))) == {"2026-12-10-monthly-review@tandem"}
    mine = set(parse(ics.calendar_bytes(ws, owner="zoë lindqvist")))
    # her meetings (absent from the first: still on it), her shadow day; the action is Maya's
    assert mine == {"2026-12-01-weekly-sync@tandem", "2026-12-08-weekly-sync@tandem", "sd1@tandem"}


def test_re_export_is_byte_stable_and_lines_follow_rfc5545(ws: Workspace, tmp_path: Path) -> None:
    first = ics.calendar_bytes(ws)
    assert ics.calendar_bytes(Workspace(ws.home)) == first
    assert first.endswith(b"\r\n") and b"\n" not in first.replace(b"\r\n", b"")
    for line in first.split(b"\r\n")[:-1]:
        assert len(line) <= 75
        line.decode("utf-8")  # no character split across a fold
    # export --all writes it beside the minutes, and only when it changes
    out = tmp_path / "out"

    def export_all() -> None:
        done = run_cli("--home", str(ws.home), "export", "--all", "--out", str(out))
        assert done.code == 0, done.err

    export_all()
    path = out / ics.FILE_NAME
    assert not path.exists()  # a folder of minutes only, until a calendar is put there
    started = run_cli("--home", str(ws.home), "export", "ics", "-o", str(path))
    assert started.code == 0, started.err
    assert path.read_bytes() == first
    path.write_bytes(b"stale")
    export_all()
    assert path.read_bytes() == first
    assert (out / "2026-12-01_weekly-sync.md").is_file()
    mtime = path.stat().st_mtime_ns
    export_all()
    assert path.stat().st_mtime_ns == mtime
    with ws.open_meeting("2026-12-08-weekly-sync") as writer:
        writer.save_meeting(writer.meeting.replace(title="Weekly sync (moved)"))
    export_all()
    assert "Weekly sync (moved)" in [str(e["SUMMARY"]) for e in parse(path.read_bytes()).values()]


STARTS = '[calendar]\nstart = "08:45"\n\n[calendar.series]\nweekly-sync = "09:30"\n'


def config_file() -> Path:
    return Path(os.environ["TANDEM_CONFIG_DIR"], "config.toml")


def test_configured_starts_reach_the_calendar(ws: Workspace, tmp_path: Path) -> None:
    """config.toml's [calendar] start and a series' own start, read back by the parser
    through `tandem export ics` and the calendar.ics that `export --all` keeps."""
    config_file().write_text(STARTS, encoding="utf-8")
    path = tmp_path / "out" / ics.FILE_NAME
    path.parent.mkdir()
    done = run_cli("--home", str(ws.home), "export", "ics", "-o", str(path))
    assert done.code == 0, done.err
    starts = {uid: event["DTSTART"].dt for uid, event in parse(path.read_bytes()).items() if isinstance(event["DTSTART"].dt, datetime)}
    assert starts == {
        "2026-12-01-weekly-sync@tandem": datetime(2026, 12, 1, 9, 32),  # held: when it started
        "2026-12-08-weekly-sync@tandem": datetime(2026, 12, 8, 9, 30),  # the series' own
        "2026-12-15-weekly-sync@tandem": datetime(2026, 12, 15, 9, 30),
        "2026-12-10-monthly-review@tandem": datetime(2026, 12, 10, 8, 45),  # [calendar] start
        "2026-12-20-debriefs@tandem": datetime(2026, 12, 20, 8, 45),
        "2026-11-20-debriefs@tandem": datetime(2026, 11, 20, 8, 45),
    }
    path.write_bytes(b"stale")
    assert ics.write_calendar(ws, path.parent) == (path, True)  # what `export --all` calls
    assert parse(path.read_bytes())["2026-12-10-monthly-review@tandem"]["DTSTART"].dt == datetime(2026, 12, 10, 8, 45)
    shown = run_cli("config", "show")
    assert '[calendar]\n# from the file\nstart = "08:45"\n[calendar.series]\nweekly-sync = "09:30"  # from the file\n' in shown.out
    assert tomllib.loads(shown.out)["calendar"] == {"start": "08:45", "series": {"weekly-sync": "09:30"}}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[calendar]\nstart = "25:00"\n', 2, "calendar.start: '25:00' is not a time of day; write it as HH:MM in quotes, like \"09:30\""),
        ("[calendar]\nstart = 10\n", 2, 'calendar.start: a number is not a time of day; write it as HH:MM in quotes, like "09:30"'),
        (
            '[calendar.series]\nweekly-sync = "9h30"\n',
            2,
            "calendar.series.weekly-sync: '9h30' is not a time of day; write it as HH:MM in quotes, like \"09:30\"",
        ),
        ('[calendar]\nbegin = "10:00"\n', 2, "calendar.begin: unknown key in [calendar]; known keys: start, series"),
    ],
)
def test_a_bad_start_is_one_line_naming_the_file(ws: Workspace, text: str, line: int, message: str) -> None:
    config_file().write_text(text, encoding="utf-8")
    done = run_cli("config", "check")
    assert done.code == 1
    assert done.out == f"{config_file()}:{line}: {message}\n"
    # the rest of tandem goes on with the default start
    events = parse(ics.calendar_bytes(ws))
    assert events["2026-12-08-weekly-sync@tandem"]["DTSTART"].dt == datetime(2026, 12, 8, 10)


def test_toml_local_times_are_starts_too(ws: Workspace) -> None:
    config_file().write_text("[calendar]\nstart = 07:15:00\n", encoding="utf-8")
    assert run_cli("config", "check").code == 0
    assert parse(ics.calendar_bytes(ws))["2026-12-10-monthly-review@tandem"]["DTSTART"].dt == datetime(2026, 12, 10, 7, 15)


HOSTILE = 'Line one\nline two, with commas; semicolons \\ backslash "quotes" 🎉 emoji\r\nand CRLF'


def _action_calendar(text: str, owner: str = "Ana") -> bytes:
    meeting = Meeting(id="2026-12-01-x", series_id="x", title="X", date="2026-12-01")
    action = ActionItem(id="a1", text=text, owner=owner, due="2026-12-05")
    return ics.render(ics.CalendarData(actions=((action, meeting),)))


def test_hostile_text_is_escaped_and_folded() -> None:
    big = ("Überlänge ✓ 🎉, ; \\ " * 600)[:10_240]
    data = _action_calendar(HOSTILE + big, owner='Ana "the, boss"; Q\nR')
    for line in data.split(b"\r\n")[:-1]:
        assert len(line) <= 75
        line.decode("utf-8")
    event = parse(data)["a1@tandem"]
    summary = str(event["SUMMARY"])
    assert summary.startswith("Due: " + HOSTILE.replace("\r\n", "\n"))
    assert big in summary
    # TEXT escaping, as written (a lenient parser would take a bare comma or semicolon)
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    for name in ("SUMMARY", "DESCRIPTION"):
        value = re.search(rf"^{name}:(.*)$", unfolded, re.M)
        assert value is not None
        assert re.fullmatch(r"(?:[^\\,;\r\n]|\\[\\;,n])*", value.group(1).rstrip("\r")), name
    # a raw newline in user text would have started a property of its own
    assert not re.search(rb"\r\n(?!BEGIN|END|UID|DTSTAMP|DTSTART|DTEND|SUMMARY|DESCRIPTION|TRANSP|X-WR|VERSION|PRODID|CALSCALE|METHOD| |\Z)", data)


def test_an_id_from_a_synced_file_never_starts_a_line_of_its_own() -> None:
    """Ids are checked only as short strings: one with a line break, from a teammate's
    file, would have written a forged event."""
    meeting = Meeting(id="2026-12-01-x", series_id="x", title="X", date="2026-12-01")
    forged = "x\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil"
    action = ActionItem(id=forged, text="Send the deck", owner="Ana", due="2026-12-05")
    data = ics.render(ics.CalendarData(actions=((action, meeting),)))
    assert data.count(b"BEGIN:VEVENT") == 1 and b"UID:evil" not in data
    assert list(parse(data)) == ["x%0AEND%3AVEVENT%0ABEGIN%3AVEVENT%0AUID%3Aevil@tandem"]


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=400).filter(lambda t: ics.plain(t).strip()))
def test_any_text_round_trips_through_a_parser(text: str) -> None:
    event = parse(_action_calendar(text))["a1@tandem"]
    assert str(event["SUMMARY"]) == "Due: " + ics.plain(text) + " (Ana)"


@pytest.mark.parametrize(
    ("cadence", "day", "rule"),
    [
        ("weekly", date(2026, 12, 8), "FREQ=WEEKLY"),
        ("biweekly", date(2026, 12, 8), "FREQ=WEEKLY;INTERVAL=2"),
        ("monthly", date(2026, 12, 29), "FREQ=MONTHLY;BYDAY=-1TU"),  # the fifth Tuesday: the last
        ("quarterly", date(2026, 12, 1), "FREQ=MONTHLY;INTERVAL=3;BYDAY=1TU"),
        ("ad hoc", date(2026, 12, 1), ""),
    ],
)
def test_cadence_rules(cadence: str, day: date, rule: str) -> None:
    assert ics.rrule(cadence, day) == rule


def test_people_with_an_address_are_mailto_attendees(ws: Workspace) -> None:
    """config.toml's [people] reaches the calendar through `tandem export ics`: a known
    person is a mailto: attendee (what calendars match invitees on), the others keep a urn."""
    config_file().write_text('[people]\n"maya  THOMPSON" = "maya@example.com"\n', encoding="utf-8")
    done = run_cli("--home", str(ws.home), "export", "ics")
    assert done.code == 0, done.err
    events = parse(done.out.encode("utf-8"))
    held = events["2026-12-01-weekly-sync@tandem"]["ATTENDEE"]
    found = {str(a.params["CN"]): str(a) for a in held}
    assert found == {"Maya Thompson": "mailto:maya@example.com", "Zoë Lindqvist": "urn:x-tandem:person:Zo%C3%AB%20Lindqvist"}
    shadow = {str(a.params["CN"]): str(a) for a in events["sd1@tandem"]["ATTENDEE"]}
    assert shadow["Maya Thompson"] == "mailto:maya@example.com"
