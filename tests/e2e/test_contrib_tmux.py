"""End to end, contributions between meetings in real terminals: a participant adds a lead
verdict, a question and a topic from the command line on one clone; the facilitator on
another clone syncs, plans the next meeting (the topic offered and taken into the agenda),
runs it (the lead feedback and the question offered where they belong, each taken with one
key) and ends it; the minutes credit the participant, who syncs and reads each fate."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import run_cli
from tmux import TANDEM, Tmux, end_meeting_and_quit, needs_tmux

from tandem.store.records import Attendee, Meeting
from tandem.store.workspace import Workspace
from tests.store.sync_team import FIRST_MEETING, cli_sync, team

pytestmark = [needs_tmux, pytest.mark.skipif(shutil.which("git") is None, reason="needs git")]


def _as(config: Path) -> dict[str, str]:
    """Each person's own config folder: their own `[me]`."""
    return {**os.environ, "TANDEM_CONFIG_DIR": str(config)}


def _tandem(home: Path, config: Path, *args: str) -> str:
    done = run_cli("--home", str(home), *args, env=_as(config))
    assert done.code == 0, done
    return done.out


def _sync(home: Path, config: Path) -> str:
    return cli_sync(home, env=_as(config))


def test_a_participant_contributes_and_the_facilitator_triages_across_clones(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    maya_cfg, jose_cfg = tmp_path / "cfg-maya", tmp_path / "cfg-jose"
    maya_cfg.mkdir()
    jose_cfg.mkdir()
    # The series' people, so that planning its next meeting brings them along.
    people = [Attendee(name="Maya", team="marketing"), Attendee(name="Jose", team="sales")]
    ws = Workspace(maya)
    with ws.open_meeting(FIRST_MEETING) as writer:
        record = writer.read()
        record.meeting.facilitator, record.meeting.attendees = "Maya", people
        writer.write_all(record)
    ws.create_meeting(
        Meeting(id="2026-11-27-weekly", series_id="weekly", title="Weekly sync", date="2026-11-27", status="ended", facilitator="Maya", attendees=people)
    )
    _sync(maya, maya_cfg)

    # José, between meetings, from his terminal.
    _tandem(jose, jose_cfg, "me", "Jose", "--team", "sales")
    _tandem(jose, jose_cfg, "add", "lead", "SF-77", "--verdict", "poor", "--reason", "no_budget", "--comment", "10 seats max")
    _tandem(jose, jose_cfg, "add", "question", "Does it work with HubSpot?", "--heard", "3")
    _tandem(jose, jose_cfg, "add", "topic", "Webinar leads are too early", "--minutes", "10")
    assert "1 lead feedback, 1 prospect question, 1 topic" in _sync(jose, jose_cfg)
    assert "from Jose" in _sync(maya, maya_cfg)

    facilitator = Tmux([str(TANDEM), "--home", str(maya)], width=80, height=24, env={"TANDEM_CONFIG_DIR": str(maya_cfg)})
    try:
        facilitator.wait_for("3 contributions waiting for")
        # Plan the series' next meeting a week on, from the weekly smarketing sync template.
        facilitator.type("n")
        facilitator.wait_for("New meeting")
        facilitator.type("<Tab>", "<Enter>", gap=0.3)
        facilitator.wait_for("Weekly smarketing sync (7 items")
        facilitator.type(*["<Down>"] * 6, "<Enter>", "<Tab>", gap=0.15)
        facilitator.type(*["<BSpace>"] * 10, "+1w", "<C-s>", gap=0.05)
        # The topic waiting for the series is offered; t takes it with its 10 minutes.
        facilitator.wait_for("1 topic waiting for Weekly sync")
        facilitator.wait_for("raised by Jose")
        time.sleep(0.5)
        facilitator.type("t")
        time.sleep(0.3)
        facilitator.type("<C-s>")
        facilitator.wait_for("1 topic added to the agenda")
        # The new meeting is highlighted: run it.
        facilitator.type("<Enter>")
        facilitator.wait_for("● LIVE")
        facilitator.wait_for("6. Webinar leads ar")  # the topic, on the agenda
        facilitator.type("<C-n>")
        facilitator.wait_for("2. Current lead generation  ")
        facilitator.type("<C-n>")  # 3. Lead quality from sales
        facilitator.wait_for("• SF-77 poor: no budget · Jose")
        facilitator.type("<Escape>")  # from the notes to the agenda, where f reaches the list
        time.sleep(0.5)
        facilitator.type("f")
        time.sleep(0.4)
        facilitator.type("<Enter>")
        facilitator.wait_for("Taken in: lead feedback “SF-77”")
        facilitator.wait_for("This meeting's lead feedback: 1")
        facilitator.type("<Escape>")
        time.sleep(0.5)
        facilitator.type("n")  # 4. Voice of the prospect
        facilitator.wait_for("Does it work with HubSpot?")
        facilitator.type("f")
        time.sleep(0.4)
        facilitator.type("<Enter>")
        facilitator.wait_for("Taken in: prospect question")
        facilitator.type("<Escape>")
        time.sleep(0.5)
        end_meeting_and_quit(facilitator)
    finally:
        facilitator.close()

    held = [m for m in Workspace(maya).list_meetings() if m.status == "ended" and m.date > "2026-12-01"]
    assert len(held) == 1
    minutes = _tandem(maya, maya_cfg, "export", held[0].id)
    assert minutes.count("raised by Jose, ") >= 3, minutes  # the lead, the question, the topic
    _sync(maya, maya_cfg)
    _sync(jose, jose_cfg)

    fates = {c["kind"]: c["fate_words"] for c in json.loads(_tandem(jose, jose_cfg, "inbox", "--mine", "--all", "--json"))}
    taken = f"taken into {held[0].date} Weekly sync"
    assert fates == {"lead": taken, "question": taken, "topic": taken}, fates
    assert "Nothing of yours waits" in _tandem(jose, jose_cfg, "inbox", "--mine")
