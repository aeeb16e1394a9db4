"""`tandem meeting cancel|uncancel|reschedule|edit|unstart|delete` and `tandem run`'s
question about a meeting that is not today's, through the real entry point."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from conftest import CliResult, run_cli

from tandem.store.records import ActionItem, AgendaItem, Attendee, Meeting, Series
from tandem.store.workspace import Workspace

TODAY = "2026-12-03"  # a Thursday
PLANNED = "2026-12-04-sync"
HELD = "2026-11-26-sync"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="sync", title="Weekly sync"))
    people = [Attendee(name="Dana Kim", team="marketing"), Attendee(name="Luis Ortega", team="sales")]
    ws.create_meeting(
        Meeting(id=HELD, series_id="sync", title="Weekly sync", date="2026-11-26", status="ended", facilitator="Dana Kim", attendees=people),
        [AgendaItem(id="i1", title="Lead quality", notes="Three good leads from G2")],
        actions=[ActionItem(id="a1", text="Send the deck", owner="Luis Ortega", meeting_id=HELD)],
    )
    ws.create_meeting(
        Meeting(id=PLANNED, series_id="sync", title="Weekly sync", date="2026-12-04", facilitator="Dana Kim", attendees=people),
        [AgendaItem(id="i2", title="Lead quality")],
    )
    return ws.home


def tandem(home: Path, *args: str) -> CliResult:
    env = {**os.environ, "TANDEM_TODAY": TODAY, "TANDEM_CONFIG_DIR": str(home.parent / "config")}
    env.pop("TANDEM_HOME", None)
    return run_cli("--home", str(home), *args, env=env)


def refused(result: CliResult, code: int) -> str:
    assert result.code == code, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tandem: ") and "Traceback" not in result.err, result.err
    return lines[0]


def test_cancel_reschedule_and_plan_again(home: Path) -> None:
    done = tandem(home, "meeting", "cancel", "2026-12-04")
    assert done.code == 0 and "Cancelled Weekly sync of Fri 04 Dec 2026" in done.out
    assert Workspace(home).get_meeting(PLANNED).status == "cancelled"
    assert "only a planned meeting can be cancelled" in refused(tandem(home, "meeting", "cancel", PLANNED), 1)
    moved = tandem(home, "meeting", "reschedule", PLANNED, "+1w")
    assert moved.code == 0 and "Thu 10 Dec 2026" in moved.out
    assert tandem(home, "meeting", "uncancel", PLANNED).code == 0
    meeting = Workspace(home).get_meeting(PLANNED)
    assert (meeting.id, meeting.date, meeting.status) == (PLANNED, "2026-12-10", "planned")
    assert "not a date" in refused(tandem(home, "meeting", "reschedule", PLANNED, "someday"), 2)
    assert "matches 2 meetings" in refused(tandem(home, "meeting", "cancel", "2026-"), 1)


def test_edit_moves_people_between_attending_and_absent(home: Path) -> None:
    result = tandem(home, "meeting", "edit", PLANNED, "--facilitator", "Luis Ortega", "--absent", "dana kim", "--attend", "Sam Lee=sales")
    assert result.code == 0, result.err
    meeting = Workspace(home).get_meeting(PLANNED)
    assert meeting.facilitator == "Luis Ortega"
    assert [(p.name, p.team) for p in meeting.attendees] == [("Luis Ortega", "sales"), ("Sam Lee", "sales")]
    assert [(p.name, p.team) for p in meeting.absentees] == [("Dana Kim", "marketing")], "a known name keeps its spelling and team"
    assert "nothing to change" in refused(tandem(home, "meeting", "edit", PLANNED), 2)
    assert "the team is one of" in refused(tandem(home, "meeting", "edit", PLANNED, "--attend", "Ann=finance"), 2)
    assert "only a planned meeting" in refused(tandem(home, "meeting", "edit", HELD, "--facilitator", "X"), 1)


def test_delete_asks_first_and_keeps_a_copy(home: Path) -> None:
    before = Workspace(home).meeting_path(HELD).read_bytes()
    assert "add --yes" in refused(tandem(home, "meeting", "delete", HELD), 2)
    assert Workspace(home).meeting_path(HELD).exists()
    result = tandem(home, "meeting", "delete", HELD, "--yes")
    assert result.code == 0, result.err
    assert "notes on 1 item, 1 action item" in result.out
    assert not Workspace(home).meeting_path(HELD).exists()
    (kept,) = (home / "backups").glob(f"deleted-{HELD}-*.zip")
    with zipfile.ZipFile(kept) as archive:
        assert archive.read(f"meetings/{HELD}.json") == before


def test_run_asks_before_starting_a_meeting_that_is_not_today(home: Path) -> None:
    message = refused(tandem(home, "run"), 1)
    assert "planned for Fri 04 Dec, not today" in message and f"tandem run {PLANNED}" in message
    assert Workspace(home).get_meeting(PLANNED).status == "planned", "nothing started"
