"""``tandem me``, ``tandem add …``, ``tandem done`` / ``drop`` and ``tandem inbox``: one line
saying what was recorded, --json, exit 1 for bad data and 2 for bad usage in one sentence,
ids by unique prefix, hostile text stored cleaned and printed inert."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from conftest import CliResult, one_sentence
from conftest import tandem_at as tandem

from tandem.store.config import save_me
from tandem.store.contrib import Contributions, make
from tandem.store.records import ActionItem, Attendee, Claim, Meeting, Objective, Series
from tandem.store.workspace import Workspace

MEETING = "2026-11-26-weekly"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="weekly", title="Weekly sync"))
    ws.objectives.add(Objective(id="obj1aaaaaaaa", title="MQLs", metric="mql", target=100, unit="MQLs"))
    ws.objectives.add(Objective(id="obj2aaaaaaaa", title="SQLs", metric="sql", target=40))
    people = [Attendee(name="Ana Ruiz", team="sales"), Attendee(name="Dana Kim", team="marketing")]
    ws.create_meeting(
        Meeting(id=MEETING, series_id="weekly", title="Weekly sync", date="2026-11-26", status="ended", attendees=people),
        actions=[
            ActionItem(id="act1aaaaaaaa", text="Send the deck", owner="Ana Ruiz"),
            ActionItem(id="act2aaaaaaaa", text="Call Acme", owner="ana ruiz"),
            ActionItem(id="dana11111111", text="Fix routing", owner="Dana Kim"),
        ],
    )
    save_me("Ana Ruiz", "sales")
    return ws.home


def test_add_lead_says_what_it_recorded_and_stores_it_in_your_file(home: Path) -> None:
    result = tandem(home, "add", "lead", "SF-77", "--verdict", "poor", "--reason", "no_budget", "--reason", "other", "--comment", "tiny team", "--stage", "sql")
    assert (result.code, result.out, result.err) == (0, "Lead feedback on SF-77 recorded for the next Weekly sync (waiting).\n", "")
    [c] = Contributions(Workspace(home)).all()
    assert (c.author, c.team, c.series_id, c.status) == ("Ana Ruiz", "sales", "weekly", "waiting")
    assert c.record["reasons"] == ["no_budget", "other"] and c.record["stage_reached"] == "sql" and c.record["comment"] == "tiny team"
    assert (home / "contributions" / "ana-ruiz.json").is_file()


@pytest.mark.parametrize(
    ("args", "kind", "check"),
    [
        (["question", "Does it work with HubSpot?", "--heard", "3", "--persona", "CFO"], "question", {"times_heard": 3, "persona": "CFO"}),
        (["topic", "Webinar leads", "--series", "Weekly sync", "--minutes", "10"], "topic", {"title": "Webinar leads", "minutes": 10}),
        (["content", "HubSpot guide", "--type", "ebook"], "content", {"type": "ebook", "proposed_by": "sales"}),
        (["checkin", "mqls", "42", "--comment", "webinar"], "checkin", {"value": 42.0, "status": "on_track", "comment": "webinar"}),
    ],
)
def test_add_each_kind_as_json(home: Path, args: list[str], kind: str, check: dict[str, object]) -> None:
    result = tandem(home, "add", *args, "--json")
    assert result.code == 0, result
    printed = json.loads(result.out)
    assert printed["kind"] == kind and printed["author"] == "Ana Ruiz" and printed["status"] == "waiting"
    assert {k: printed["record"][k] for k in check} == check
    assert [c.to_dict() for c in Contributions(Workspace(home)).all()] == [printed]
    if kind == "checkin":
        assert printed["objective_id"] == "obj1aaaaaaaa"


def test_a_checkin_by_id_prefix_says_the_value_with_its_unit(home: Path) -> None:
    result = tandem(home, "add", "checkin", "obj1", "42")
    assert result.out == "Check-in of 42 MQLs on MQLs recorded for the next Weekly sync (waiting).\n", result


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["lead", "SF-1", "--verdict", "great"], 2, ["'--verdict'", "'great'"]),
        (["lead", "SF-1", "--verdict", "poor"], 2, ["'--reason'", "needs at least one reason"]),
        (["lead", "SF-1", "--verdict", "poor", "--reason", "other"], 2, ["'--comment'", "'other' needs a comment"]),
        (["lead", "SF-1", "--verdict", "good", "--reason", "student"], 2, ["'--reason'", "'student' is not one of the reason codes"]),
        (["lead", " ", "--verdict", "good"], 2, ["'REF': must not be empty"]),
        (["topic", "T", "--series", "nope"], 1, ["No series 'nope'", "known series: weekly"]),
        (["checkin", "obj", "3"], 1, ["'obj' matches 2 objectives"]),
        (["checkin", "MQLs", "nan"], 2, ["not a finite number"]),
    ],
)
def test_each_invalid_field_is_one_sentence_and_nothing_is_stored(home: Path, args: list[str], code: int, words: list[str]) -> None:
    one_sentence(tandem(home, "add", *args), code, *words)
    assert not (home / "contributions").exists()


def test_hostile_text_is_stored_cleaned_and_printed_inert(home: Path) -> None:
    hostile = "Budget?\x1b[2J\x1b]0;pwned\x07\r\nnext line " + "x" * 100_000
    added = tandem(home, "add", "question", hostile)
    assert added.code == 0 and "\x1b" not in added.out and "\x07" not in added.out and added.out.count("\n") == 1, added
    raw = (home / "contributions" / "ana-ruiz.json").read_bytes()
    assert b"\x1b" not in raw and b"\\u001b" not in raw and b"\\u0007" not in raw and b"pwned" not in raw
    listed = tandem(home, "inbox")
    assert listed.code == 0 and "\x1b" not in listed.out and "\r" not in listed.out and listed.out.count("\n") == 1, listed
    assert "Budget? next line xxx" in listed.out and len(listed.out) < 200


def test_nobody_named_without_a_terminal_is_a_usage_error(home: Path) -> None:
    (Path(os.environ["TANDEM_CONFIG_DIR"]) / "config.toml").unlink()
    proc = subprocess.run(
        [sys.executable, "-m", "tandem", "--home", str(home), "add", "topic", "Pricing"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    one_sentence(CliResult(proc.returncode, proc.stdout, proc.stderr), 2, 'tandem me "Your Name" --team sales')
    assert not (home / "contributions").exists()


def test_me_sets_and_shows_who_you_are(home: Path) -> None:
    assert tandem(home, "me", "José Núñez", "--team", "marketing").code == 0
    assert tandem(home, "me").out == "José Núñez (marketing)\n"


def test_inbox_lists_every_persons_waiting_contributions_newest_first(home: Path) -> None:
    store = Contributions(Workspace(home))
    ana = {"author": "Ana Ruiz", "team": "sales"}
    old = store.add(make.lead("SF-1", "good", now=datetime(2026, 11, 30, 9), **ana))
    dana = store.add(make.topic("Pricing", author="Dana Kim", team="marketing", now=datetime(2026, 12, 1, 9), series_id="weekly"))
    gone = store.add(make.topic("Gone", now=datetime(2026, 12, 2, 9), **ana))
    store.withdraw("Ana Ruiz", gone.id)
    listed = tandem(home, "inbox")
    lines = listed.out.splitlines()
    assert listed.code == 0 and len(lines) == 2, listed
    assert lines[0].startswith(dana.id[:6]) and "Dana Kim: topic Pricing — for Weekly sync" in lines[0]
    assert lines[1].startswith(old.id[:6]) and "Ana Ruiz: lead feedback SF-1 (good)" in lines[1]
    mine = json.loads(tandem(home, "inbox", "--mine", "--json").out)
    assert [c["id"] for c in mine] == [old.id]


def _plan_next(home: Path) -> str:
    ws = Workspace(home)
    ws.create_meeting(Meeting(id="2026-12-08-weekly", series_id="weekly", title="Weekly sync", date="2026-12-08"))
    return "2026-12-08-weekly"


def test_inbox_leaves_out_what_a_meeting_took_in_or_declined_and_marks_a_deferral(home: Path) -> None:
    from tandem.store.contrib.triage import TopicAnswer, triage_planned

    store = Contributions(Workspace(home))
    ana = {"author": "Ana Ruiz", "team": "sales", "now": datetime(2026, 12, 1, 9)}
    taken, deferred, declined = (store.add(make.topic(t, **ana)) for t in ("Taken", "Deferred", "Declined"))
    answers = [TopicAnswer(taken, "take"), TopicAnswer(deferred, "defer"), TopicAnswer(declined, "decline", reason="Covered")]
    triage_planned(Workspace(home), _plan_next(home), answers, now=datetime(2026, 12, 2, 9))
    listed = tandem(home, "inbox")
    assert listed.code == 0 and len(listed.out.splitlines()) == 1, listed
    assert "topic Deferred" in listed.out and "[waiting (deferred by 2026-12-08 Weekly sync)]" in listed.out
    assert [(c["id"], c["fate"]) for c in json.loads(tandem(home, "inbox", "--json").out)] == [(deferred.id, "deferred")]
    every = tandem(home, "inbox", "--mine", "--all").out.splitlines()
    assert sorted(line.split("[", 1)[1] for line in every) == sorted(
        ["taken into 2026-12-08 Weekly sync]", "waiting (deferred by 2026-12-08 Weekly sync)]", "declined in 2026-12-08 Weekly sync: Covered]"]
    )
    assert tandem(home, "inbox", "--all", "--series", "weekly", "--json").code == 0


def test_withdraw_your_own_waiting_contribution_by_unique_prefix(home: Path) -> None:
    from tandem.store.contrib.triage import TopicAnswer, triage_planned

    store = Contributions(Workspace(home))
    mine = store.add(make.question("Is there an SLA?", author="Ana Ruiz", team="sales", now=datetime(2026, 12, 1, 9)))
    dana = store.add(make.topic("Pricing", author="Dana Kim", team="marketing", now=datetime(2026, 12, 1, 9)))
    result = tandem(home, "withdraw", mine.id[:5])
    assert (result.code, result.out) == (0, 'Prospect question "Is there an SLA?" withdrawn: the next meeting will not offer it.\n'), result
    assert store.resolve(mine.id).status == "withdrawn" and tandem(home, "inbox", "--mine").out.startswith("Nothing of yours")
    one_sentence(tandem(home, "withdraw", dana.id), 1, "No contribution")  # only your own
    taken = store.add(make.topic("Taken", author="Ana Ruiz", team="sales", now=datetime(2026, 12, 1, 9)))
    triage_planned(Workspace(home), _plan_next(home), [TopicAnswer(taken, "take")], now=datetime(2026, 12, 2, 9))
    one_sentence(tandem(home, "withdraw", taken.id), 1, "taken into 2026-12-08 Weekly sync", "not withdrawn")
    assert store.resolve(taken.id).status == "waiting"
    one_sentence(tandem(home, "withdraw"), 2, "CONTRIBUTION")
    one_sentence(tandem(home, "withdraw", " "), 2, "CONTRIBUTION", "must not be empty")


def test_done_and_drop_your_own_action_by_unique_prefix(home: Path) -> None:
    one_sentence(tandem(home, "done", "act"), 1, "'act' matches 2 of your open action items")
    done = tandem(home, "done", "act1")
    assert done.out == 'Action "Send the deck" done (from 2026-11-26 Weekly sync).\n', done
    dropped = json.loads(tandem(home, "drop", "act2", "--json").out)
    assert (dropped["id"], dropped["status"]) == ("act2aaaaaaaa", "dropped")
    statuses = {a.id: a.status for a in Workspace(home).action_items()}
    assert statuses == {"act1aaaaaaaa": "done", "act2aaaaaaaa": "dropped", "dana11111111": "open"}
    one_sentence(tandem(home, "done", "dana"), 1, "owned by Dana Kim, not by you")


def test_done_is_refused_while_the_meeting_is_run_on_another_clone(home: Path) -> None:
    ws = Workspace(home)
    with ws.open_meeting(MEETING) as writer:
        claim = Claim(person="Maya", host="maya-laptop", since="2026-12-08T10:02:00", clone="elsewhere")
        writer.save_meeting(writer.meeting.replace(status="live", claim=claim))
    one_sentence(tandem(home, "done", "act1"), 1, "being run by Maya on maya-laptop since 2026-12-08 10:02")
    assert {a.id: a.status for a in ws.action_items()}["act1aaaaaaaa"] == "open"


def test_nobody_named_on_a_terminal_is_asked_once_with_the_people_offered(home: Path) -> None:
    import pty

    config = Path(os.environ["TANDEM_CONFIG_DIR"]) / "config.toml"
    config.write_text('facilitator = "Dana Kim"\n')
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tandem", "--home", str(home), "add", "topic", "Pricing"],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(slave)
    os.write(master, b"Dana Kim\n\n")  # her name; the team offered is hers in the meetings
    out, err = proc.communicate(timeout=120)
    os.close(master)
    assert proc.returncode == 0, err
    assert "People of this workspace: Ana Ruiz, Dana Kim" in err and "Who are you?" in err
    assert out == 'Topic "Pricing" recorded for the next Weekly sync (waiting).\n'
    assert config.read_text() == 'facilitator = "Dana Kim"\n\n[me]\nname = "Dana Kim"\nteam = "marketing"\n'
    [c] = Contributions(Workspace(home)).all()
    assert (c.author, c.team) == ("Dana Kim", "marketing")
