"""End to end: the installed ``tandem`` command in a real terminal (tmux)."""

from __future__ import annotations

from pathlib import Path

from conftest import build_sample
from tmux import TANDEM, Tmux, needs_tmux


@needs_tmux
def test_home_screen_in_a_real_terminal(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    term = Tmux([str(TANDEM), "--home", str(ws.home)], width=100, height=30)
    try:
        screen = term.wait_for("Meetings · all series · 3")
        assert "2026-11-26" in screen and "Weekly smarketing sync" in screen
        term.send("Down")
        term.wait_for("2026-11-19 · Weekly smarketing sync · ended")
        term.send("s")
        term.wait_for("Meetings · Weekly smarketing sync · 3")
        term.send("q")
        term.wait_for("__EXIT_0__")
    finally:
        term.close()


@needs_tmux
def test_demo_command_seeds_and_opens_the_app(tmp_path: Path) -> None:
    home = tmp_path / "demo home"  # a space in the path on purpose
    term = Tmux([str(TANDEM), "--home", str(home), "demo"], width=120, height=36)
    try:
        term.wait_for("Meetings · all series · 40")
        # The list can be mid-draw when the title is: wait for its rows too.
        term.wait_for("Weekly smarketing sync")
        term.wait_for("Shadow-day debriefs")
        term.send("q")
        term.wait_for("__EXIT_0__")
    finally:
        term.close()
    assert (home / "workspace.json").is_file()
    assert len(list((home / "meetings").glob("*.json"))) == 40


@needs_tmux
def test_live_meeting_survives_kill_9(tmp_path: Path) -> None:
    """Create a meeting by keyboard, take notes on three items, kill -9, resume."""
    import os
    import re
    import signal
    import subprocess
    import time

    from tandem.store.workspace import Workspace

    home = tmp_path / "ws"
    command = [str(TANDEM), "--home", str(home), "run"]
    term = Tmux(command, width=120, height=40)
    try:
        term.wait_for("New meeting")
        steps = [
            ("Tab",),
            ("-l", "Weekly sync"),
            ("Tab",),
            ("Enter",),
            ("Down",),
            ("Enter",),  # template
            ("Tab",),
            ("Tab",),
            ("-l", "Dana"),
            ("Tab",),
            ("Tab",),  # date stays today
            ("-l", "Ana Ruiz, sales"),
            ("Enter",),
            ("-l", "Luis Ortega, marketing"),
            ("Enter",),
            ("C-s",),
        ]
        for keys in steps:
            term.send(*keys)
            time.sleep(0.25)  # a person's pace: let each dialog settle
        term.wait_for("● LIVE")
        notes = ["first item: goals on track", "second item: 4 leads, 1 poor", "third item: webinar slipped"]
        for n, text in enumerate(notes):
            term.send("-l", text)
            time.sleep(0.2)
            if n < 2:
                term.send("C-n")
                time.sleep(0.3)
        term.wait_for(notes[2])
        time.sleep(1.2)  # past the 300 ms debounce
        before = term.screen()
        title = re.search(r"^\s*(3\. .+?)(?:\s{2}|·|$)", before.split("\n", 3)[2], re.M)
        # The Python process itself, not the shell tmux started it from.
        found = subprocess.run(["pgrep", "-f", f"python[^ ]* {TANDEM} --home {home} run"], capture_output=True, text=True)
        pid = int(found.stdout.split()[0])
        os.kill(pid, signal.SIGKILL)
        term.wait_for("__EXIT_137__")
    finally:
        term.close()

    ws = Workspace(home)
    (meeting,) = ws.list_meetings()
    record = ws.read_meeting(meeting.id)
    assert meeting.status == "live"
    assert [i.notes for i in record.agenda[:3]] == notes
    assert [i.status for i in record.agenda[:3]] == ["done", "done", "active"]
    saved_elapsed = [i.elapsed_s for i in record.agenda[:2]]
    assert all(e > 0 for e in saved_elapsed)

    term = Tmux([str(TANDEM), "--home", str(home), "run"], width=120, height=40)
    try:
        term.wait_for(notes[2])
        screen = term.wait_for("● LIVE")
        if title:
            assert title.group(1)[:20] in screen
        assert term.wait_for("All changes saved")
        term.send("Escape")
        time.sleep(0.5)  # a lone Escape, not the start of alt+q
        term.send("q")  # back home, saved
        term.wait_for("Open action items")
        term.send("q")
        term.wait_for("__EXIT_0__")
    finally:
        term.close()
    after = ws.read_meeting(meeting.id)
    assert [i.notes for i in after.agenda[:3]] == notes
    assert [i.elapsed_s for i in after.agenda[:2]] == saved_elapsed, "finished items keep their times"
    assert after.agenda[2].status == "active"


@needs_tmux
def test_capture_every_kind_by_keyboard(tmp_path: Path) -> None:
    """One record of each kind, keyboard only; then find them from the command line."""
    import json
    import time

    from conftest import run_cli

    from tandem.store.records import AgendaItem, Attendee, Meeting, Series
    from tandem.store.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="sync", title="Weekly sync"))
    today = time.strftime("%Y-%m-%d")
    ws.create_meeting(
        Meeting(
            id=f"{today}-sync",
            series_id="sync",
            title="Weekly sync",
            date=today,
            facilitator="Dana",
            attendees=[Attendee(name="Dana", team="marketing"), Attendee(name="Luis", team="sales")],
        ),
        [AgendaItem(id="i1", title="Everything", timebox_min=30)],
    )
    term = Tmux([str(TANDEM), "--home", str(ws.home), "run"], width=120, height=40)

    def keys(*steps: tuple[str, ...]) -> None:
        for step in steps:
            term.send(*step)
            time.sleep(0.3)

    try:
        term.wait_for("● LIVE")
        keys(("Escape",))
        time.sleep(0.3)
        keys(("d",), ("-l", "Ship the ROI page"), ("C-s",))
        keys(("t",), ("-l", "Send the webinar list"), ("Tab",), ("-l", "Luis"), ("C-s",))
        keys(("l",), ("-l", "SF-77"), ("C-s",))
        keys(("v",), ("-l", "How long is onboarding?"), ("C-s",))
        keys(("c",), ("Enter",), ("-l", "Onboarding FAQ"), ("C-s",))
        keys(("o",), ("Enter",), ("-l", "Lift SQLs to 60"), ("Tab",), ("-l", "SQLs per month"), ("Tab",), ("-l", "60"), ("C-s",))
        screen = term.wait_for("Captured under this item (6)")
        assert "Ship the ROI page" in screen
        term.wait_for("All changes saved")
        keys(("q",))
        term.wait_for("Open action items")
        keys(("q",))
        term.wait_for("__EXIT_0__")
    finally:
        term.close()

    home = ["--home", str(ws.home)]
    (row,) = json.loads(run_cli(*home, "list", "--json").out)
    assert (row["lead_feedback"], row["decisions"], row["actions_open"]) == (1, 1, 1)
    actions = json.loads(run_cli(*home, "actions", "--open", "--json").out)
    assert [(a["text"], a["owner"]) for a in actions] == [("Send the webinar list", "Luis")]
    minutes = run_cli(*home, "export", "latest").out
    for text in ("Ship the ROI page", "Send the webinar list", "SF-77", "How long is onboarding?", "Onboarding FAQ", "Lift SQLs to 60"):
        assert text in minutes, text


@needs_tmux
def test_whole_shadow_day_by_keyboard(tmp_path: Path) -> None:
    """Plan a shadow day from the command line, run it by keyboard, then export it."""
    import time

    from conftest import run_cli

    from tandem.store.workspace import Workspace

    home = ["--home", str(tmp_path / "ws")]
    created = run_cli(*home, "shadow", "new", "--shadow", "Dana Kim", "--host", "Luis Ortega", "--direction", "marketing-to-sales", "--date", "today")
    assert created.code == 0, created.err
    day_id = created.out.strip()
    term = Tmux([str(TANDEM), *home, "shadow", "run", day_id], width=120, height=36)

    def keys(*steps: tuple[str, ...]) -> None:
        for step in steps:
            term.send(*step)
            time.sleep(0.3)

    try:
        term.wait_for("Planned activities")
        keys(("Space",), ("Enter",), ("-l", "12 accounts researched"), ("Escape",))
        time.sleep(0.3)
        keys(("Down",), ("Space",))
        keys(("l",), ("-l", "Research takes 20 min per account"), ("Enter",))
        keys(("p",), ("-l", "Prospects ask about SSO first?"), ("Enter",))
        keys(("f",), ("-l", "MQLs arrive without context"), ("Enter",))
        keys(("x",), ("-l", "Attach webinar Q&A to MQLs"), ("Tab",), ("-l", "Dana Kim"), ("C-s",))
        term.wait_for("Experiment: Attach webinar Q&A to MQLs")
        term.wait_for("All changes saved")
        keys(("F",))
        time.sleep(0.5)  # a question takes answers once it can have been read
        keys(("y",))
        # Finished: `tandem shadow run ID` returns to the shell, saying so.
        screen = term.wait_for("__EXIT_0__")
        assert f"Shadow day {day_id} finished" in screen
    finally:
        term.close()

    day = Workspace(tmp_path / "ws").shadow_days.get(day_id)
    assert day.status == "done"
    assert [a.done for a in day.activities] == [True, True, False]
    assert day.activities[0].notes == "12 accounts researched"
    assert [t.category for t in day.takeaways] == ["learned", "prospect_insight", "hand_off_friction"]
    assert day.experiment is not None and day.experiment.owner == "Dana Kim"
    exported = run_cli(*home, "export", "shadow", day_id)
    assert exported.code == 0, exported.err
    for text in ("12 accounts researched", "Research takes 20 min per account", "Attach webinar Q&A to MQLs"):
        assert text in exported.out


@needs_tmux
def test_copy_reaches_the_terminal_clipboard_through_osc_52(tmp_path: Path) -> None:
    """y copies a review row and the minutes; the terminal (tmux, set-clipboard on: as a
    terminal over SSH would) receives them as OSC 52 and fills its clipboard."""
    import time

    ws = build_sample(tmp_path / "ws")
    term = Tmux([str(TANDEM), "--home", str(ws.home), "review"], width=120, height=36)
    term.set_option("set-clipboard", "on")
    try:
        term.wait_for("2026-11-19")
        term.send("y")
        deadline = time.monotonic() + 10
        while "Date" not in term.buffer() and time.monotonic() < deadline:
            time.sleep(0.1)
        copied = term.buffer()
        assert copied.startswith("Date\t") and "Weekly smarketing sync" in copied, copied
        term.send("Down", "Enter")
        term.wait_for("Sections")
        term.send("y")
        while "## Agenda" not in term.buffer() and time.monotonic() < deadline + 10:
            time.sleep(0.1)
        assert "## Agenda" in term.buffer()
        term.send("q", "q")
        term.wait_for("__EXIT_0__")
    finally:
        term.close()


@needs_tmux
def test_type_ahead_on_a_busy_machine_lands_in_each_form(tmp_path: Path) -> None:
    """Both cores kept busy; each capture key followed at once by its text, 20 ms a key,
    with no pause anywhere: every record is saved exactly as typed, no letter reaches the
    agenda as a command (no item added, skipped, parked), and the meeting is still live."""
    import time

    from conftest import meeting_today
    from tmux import CpuHog

    ws, mid = meeting_today(tmp_path / "ws", ("Everything", 30), ("Wrap-up", 5))
    term = Tmux([str(TANDEM), "--home", str(ws.home), "run"], width=120, height=40, keytrace=tmp_path / "keys.log")
    try:
        with CpuHog():
            term.wait_for("● LIVE", timeout=60)
            term.wait_for("All changes saved", timeout=30)
            # Esc then a letter within the terminal's escape delay reads as alt+letter: a
            # person lets go of Esc first (the agenda's keys show in the footer).
            # Under load tmux can hand the Esc over mangled (a CI trace showed "^" arrive and the
            # notes keep the focus): press it again, as a person would, until tandem saw it.
            deadline = time.monotonic() + 30
            while True:
                term.type("<Escape>")
                time.sleep(1.0)
                trace = tmp_path / "keys.log"
                if (trace.exists() and "deliver   escape" in trace.read_text()) or time.monotonic() > deadline:
                    break
            term.wait_for("s Skip", timeout=30)
            term.type(
                "d",
                "Ship the ROI page now",
                "<C-s>",
                "t",
                "Send the webinar list",
                "<Tab>",
                "Luis",
                "<C-s>",
                "l",
                "SF-77",
                "<C-s>",
                "v",
                "How long is onboarding?",
                "<C-s>",
                "c",
                "<Enter>",
                "Onboarding FAQ",
                "<C-s>",
                "o",
                "<Enter>",
                "Lift SQLs to 60",
                "<Tab>",
                "SQLs per month",
                "<Tab>",
                "60",
                "<C-s>",
                "d",
                "Park nothing; skip nothing; end nothing",
                "<C-s>",
            )
            term.wait_for("Captured under this item (7)", timeout=60)
            term.wait_for("All changes saved", timeout=30)
        term.type("q", gap=0.3)
        term.wait_for("Open action items", timeout=30)
        term.type("q")
        term.wait_for("__EXIT_0__", timeout=30)
    finally:
        term.close()

    record = ws.read_meeting(mid)
    assert record.meeting.status == "live"
    assert [(i.title, i.status) for i in record.agenda] == [("Everything", "active"), ("Wrap-up", "pending")]
    assert [d.text for d in record.decisions] == ["Ship the ROI page now", "Park nothing; skip nothing; end nothing"]
    assert [(a.text, a.owner) for a in record.actions] == [("Send the webinar list", "Luis")]
    assert [f.reference for f in record.lead_feedback] == ["SF-77"]
    assert [i.text for i in ws.insights.all()] == ["How long is onboarding?"]
    assert [c.title for c in ws.content.all()] == ["Onboarding FAQ"]
    (objective,) = ws.objectives.all()
    assert (objective.title, objective.metric, objective.target) == ("Lift SQLs to 60", "SQLs per month", 60)
