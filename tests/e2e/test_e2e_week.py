"""A facilitator's week in the real terminal: plan, cancel, plan again, run, end, put the
minutes right afterwards, finalize — the minutes exported on the way say the final word."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

from conftest import build_sample
from minutes_helpers import body, front_matter
from tmux import TANDEM, Tmux, needs_tmux

from tandem.store.workspace import Workspace


@needs_tmux
def test_plan_cancel_plan_again_run_end_fix_and_finalize(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    day = date.today() + timedelta(days=7)  # the real clock: tandem runs as a user runs it
    when = f"{day:%a %d %b}"
    term = Tmux([str(TANDEM), "--home", str(ws.home)], width=120, height=36)
    try:
        term.wait_for("Meetings · all series · 3")
        # Plan: the series' people and facilitator come with it; pick a template, a week on.
        term.type("n")
        term.wait_for("New meeting")
        term.type("<Tab>", "<Enter>", gap=0.3)
        term.type("<Down>", "<Enter>", "<Tab>", gap=0.3)
        term.type(*["<BSpace>"] * 10, "+1w", "<C-s>", gap=0.05)
        term.wait_for(f"{day.isoformat()} · Weekly smarketing sync · planned")
        # Cancel (asked first), then plan it again.
        term.type("c")
        term.wait_for(f"Cancel Weekly smarketing sync of {when}?")
        time.sleep(0.6)  # a question takes only keys pressed after it appeared
        term.type("y")
        term.wait_for(f"{day.isoformat()} · Weekly smarketing sync · cancelled")
        term.type("c")
        term.wait_for(f"{day.isoformat()} · Weekly smarketing sync · planned")
        # Run it, take a note with a typo, end it and export the minutes at once.
        term.type("<Enter>")
        term.wait_for("● LIVE")
        term.type("Agreed teh lead score", gap=0.03)
        term.wait_for("All changes saved")
        term.type("<Escape>")
        time.sleep(0.5)  # a lone Escape, not the start of alt+e
        term.type("e")
        term.wait_for("End the meeting?")
        time.sleep(0.6)
        term.type("4")
        term.wait_for("4/5")
        time.sleep(0.8)  # only ctrl+s after a pause ends the meeting
        term.type("<C-s>")
        term.wait_for("Meeting ended")
        time.sleep(0.6)
        term.type("x")
        term.wait_for("Minutes written to")
        time.sleep(0.6)
        term.type("<Enter>")
        term.wait_for(f"{day.isoformat()} · Weekly smarketing sync · ended")
        (minutes,) = [p for p in (ws.home / "minutes").glob("*.md") if day.isoformat() in p.name]
        assert front_matter(minutes.read_text())["status"] == "ended"
        # Afterwards: fix the typo, add the forgotten action; the clocks do not move.
        meeting_id = front_matter(minutes.read_text())["id"]
        ended = Workspace(ws.home).read_meeting(meeting_id).meeting
        term.type("e")
        term.wait_for("Ended · editing")
        term.type(*["<BSpace>"] * len("teh lead score"), "the lead score", gap=0.03)
        term.type("<C-r>")
        term.wait_for("Action item")
        term.type("t")
        term.wait_for("New action item")
        term.type("Send the scoring sheet to sales", "<Tab>", "Dana Kim", gap=0.03)
        term.type("<C-s>")
        term.wait_for("All changes saved")
        term.type("<Escape>")
        time.sleep(0.5)
        term.type("q")
        term.wait_for("Open action items")
        # Finalize: the minutes exported before are written again, saying so.
        term.type("f")
        term.wait_for("is finalized")
        term.type("q")
        term.wait_for("__EXIT_0__")
    finally:
        term.close()

    text = minutes.read_text()
    head = front_matter(text)
    assert head["status"] == "finalized"
    assert "Agreed the lead score" in body(text) and "teh" not in body(text)
    assert "Send the scoring sheet to sales" in body(text)
    after = Workspace(ws.home).read_meeting(meeting_id).meeting
    assert (after.ended_at, after.clock_elapsed, after.rating) == (ended.ended_at, ended.clock_elapsed, 4)
