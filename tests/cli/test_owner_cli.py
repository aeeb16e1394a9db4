"""``--owner``, read one way by every command that takes it: ``me`` is config.toml's
``[me]`` name, the same sentence (exit 2) when none is set, a blank name refused."""

from __future__ import annotations

import json
import os
from pathlib import Path

import icalendar
import pytest
from conftest import run_cli

from tandem.store.records import ActionItem, Attendee, Meeting, Series, ShadowDay
from tandem.store.workspace import Workspace

#: Each command that takes --owner, as the tests below run it (after --home HOME).
COMMANDS = {
    "actions": ("actions", "--json"),
    "export ics": ("export", "ics", "--todo"),
    "digest": ("digest",),
    "status": ("status", "--json"),
}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="sync", title="Weekly sync"))
    ws.create_meeting(
        Meeting(id="2026-12-01-sync", series_id="sync", title="Weekly sync", date="2026-12-01", status="ended"),
        actions=[
            ActionItem(id="ana1", text="Send the lead list", owner="Ana Ruiz", due="2026-12-03"),
            ActionItem(id="ben1", text="Fix routing", owner="Ben Okafor", due="2026-12-04"),
            ActionItem(id="ana2", text="Book the room", owner="ana  RUIZ", due="2026-12-20"),  # Ana, typed another way
        ],
    )
    # Ana's next meeting and shadow day, her name typed with a double space there
    ana = Attendee(name="Ana  Ruiz", team="sales")
    ws.create_meeting(Meeting(id="2026-12-14-sync", series_id="sync", title="Weekly sync", date="2026-12-14", attendees=[ana]))
    ws.create_meeting(
        Meeting(id="2026-12-15-sync", series_id="sync", title="Ben's sync", date="2026-12-15", attendees=[Attendee(name="Ben Okafor", team="sales")])
    )
    ws.shadow_days.add(ShadowDay(id="sd1", shadow="ana ruiz", host="Ben Okafor", direction="marketing_to_sales", date="2026-12-16"))
    return ws.home


def cli(home: Path, command: str, *owner: str):
    env = {**os.environ, "TANDEM_TODAY": "2026-12-07"}
    return run_cli("--home", str(home), *COMMANDS[command], *owner, env=env)


@pytest.mark.parametrize("command", COMMANDS)
def test_owner_me_without_a_name_is_one_usage_error(home: Path, command: str) -> None:
    out = cli(home, command, "--owner", "ME")
    config = Path(os.environ["TANDEM_CONFIG_DIR"]) / "config.toml"
    assert out.code == 2, (out.out, out.err)
    assert f'--owner me needs your name in {config}: run `tandem me "Your Name" --team sales`, or give --owner NAME' in out.err
    assert "Traceback" not in out.err
    blank = cli(home, command, "--owner", "  ")
    assert blank.code == 2 and "give a name, or 'me' for yours" in blank.err, blank.err


def test_owner_me_is_the_name_in_config_for_every_command(home: Path) -> None:
    (Path(os.environ["TANDEM_CONFIG_DIR"]) / "config.toml").write_text('[me]\nname = "Ana  Ruiz"\n', encoding="utf-8")
    actions = cli(home, "actions", "--owner", "me")
    assert actions.code == 0, actions.err
    assert sorted(a["id"] for a in json.loads(actions.out)) == ["ana1", "ana2"]
    calendar = cli(home, "export ics", "--owner", " me ")
    assert calendar.code == 0, calendar.err
    parsed = icalendar.Calendar.from_ical(calendar.out)
    events = sorted(str(e["DTSTART"].dt)[:10] for e in parsed.walk("VEVENT"))
    assert events == ["2026-12-14", "2026-12-16"]  # her meeting and her shadow day, not Ben's sync
    todos = parsed.walk("VTODO")
    assert sorted(str(t["SUMMARY"]) for t in todos) == ["Due: Book the room (ana  RUIZ)", "Due: Send the lead list (Ana Ruiz)"]
    digest = cli(home, "digest", "--owner", "me")
    assert digest.code == 0, digest.err
    assert "Ana Ruiz" in digest.out and "Send the lead list" in digest.out and "Book the room" in digest.out and "Fix routing" not in digest.out
    status = cli(home, "status", "--owner", "me")
    assert status.code == 0, status.err
    assert json.loads(status.out)["overdue"] == 1  # Ana's, not Ben's
    # the same person by another spacing of the name
    spaced = cli(home, "actions", "--owner", "  Ana   Ruiz ")
    assert sorted(a["id"] for a in json.loads(spaced.out)) == ["ana1", "ana2"]
