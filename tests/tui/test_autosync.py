"""The apps' own syncs of a workspace shared through git (config.toml's ``[sync]``,
tui/autosync.py): with the real git, a bare remote and clones in temporary folders.

The start-up sync brings a teammate's meeting onto home and says so in words; an offline
remote is one warning and the app stays usable; ``auto = false`` and a workspace that is not
shared do nothing; a meeting's start and end reach the team; quitting leaves a ``tandem
sync`` running in a session of its own that the app does not wait for; a meeting open here
is never merged under its writer (the sync waits until it closes); one sync at a time; a
sync that hangs is stopped at the time limit; the UI thread never waits."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from clock import FakeClock
from textual.widgets import DataTable

from tandem.store.config import SyncConfig, load_config, render_config
from tandem.store.records import AgendaItem, Meeting
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.workspace import Workspace
from tandem.tui import autosync as autosync_module
from tandem.tui.app import StartWith, create_app
from tandem.tui.autosync import GROUP
from tandem.tui.review_app import create_review_app
from tandem.tui.screens.home import HomeScreen
from tandem.tui.screens.live import LiveScreen
from tandem.tui.typeahead import BACKGROUND_GROUPS
from tests.store.sync_team import FIRST_MEETING, git, new_content, run_sync, set_notes, team

pytestmark = [pytest.mark.skipif(shutil.which("git") is None, reason="needs git"), pytest.mark.serial]

#: The day of the team's first meeting (tests/store/sync_team.py), 9:30.
MEETING_DAY = datetime(2026, 12, 8, 9, 30)
#: A sync is a child process running git several times: generous, for a busy machine.
SYNC_WAIT_S = 60.0


def write_config(text: str) -> None:
    """config.toml in the test's own config folder (tests/conftest.py sets it)."""
    (Path(os.environ["TANDEM_CONFIG_DIR"]) / "config.toml").write_text(text, encoding="utf-8")


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def synced(pilot) -> None:
    """Until the app's syncs are done (they run beside typing: settling does not wait)."""
    app = pilot.app
    deadline = time.monotonic() + SYNC_WAIT_S
    while app.autosync.busy and time.monotonic() < deadline:
        await pilot.pause(0.05)
    assert not app.autosync.busy, "the sync did not finish"
    await app.settled()


def teammate_plans(home: Path, day: str = "2026-12-15") -> str:
    """José plans a meeting on his clone and syncs it; its id."""
    ws = Workspace(home)
    meeting_id = ws.new_meeting_id(day, "weekly")
    ws.create_meeting(
        Meeting(id=meeting_id, series_id="weekly", title="Weekly sync", date=day),
        [AgendaItem(id="agd-jose-0001", title="Pipeline", position=0)],
    )
    run_sync(home)
    return meeting_id


def remote_meeting(root: Path, meeting_id: str) -> dict:
    """The meeting record as the team's repository holds it now."""
    raw = git(root / "team.git", "show", f"main:meetings/{meeting_id}.json")
    return next(iter(orjson.loads(raw)["meeting"].values()))


def remote_subjects(root: Path) -> list[str]:
    return git(root / "team.git", "log", "--format=%s", "main").splitlines()


def wait_for(check, what: str, seconds: float = SYNC_WAIT_S) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def home_ids(app) -> set[str]:
    table = app.screen.query_one("#meetings", DataTable)
    return {str(key.value) for key in table.rows}


# --- the start-up sync -----------------------------------------------------------------------


async def test_start_brings_a_teammates_meeting_onto_home_and_says_so(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    planned = teammate_plans(jose)
    app = create_app(Workspace(maya), clock=FakeClock(MEETING_DAY))
    async with app.run_test(size=(120, 36)) as pilot:
        await synced(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert planned in home_ids(app)
        assert "Synced: 1 new meeting from Jose." in messages(app)
    assert (maya / "meetings" / f"{planned}.json").is_file()


async def test_nothing_new_says_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    team(tmp_path, ["Maya", "Jose"])
    monkeypatch.chdir(tmp_path)
    app = create_app(Workspace(Path("maya")), clock=FakeClock(MEETING_DAY))  # `tandem --home maya`
    async with app.run_test(size=(120, 36)) as pilot:
        await synced(pilot)
        assert app.autosync.last is not None and app.autosync.last.ok and app.autosync.last.quiet
        assert messages(app) == []


async def test_offline_is_one_warning_and_the_app_stays_usable(tmp_path: Path) -> None:
    maya, _ = team(tmp_path, ["Maya", "Jose"])
    (tmp_path / "team.git").rename(tmp_path / "gone.git")
    new_content(Workspace(maya), "Battlecard")
    app = create_app(Workspace(maya), clock=FakeClock(MEETING_DAY))
    async with app.run_test(size=(120, 36)) as pilot:
        await synced(pilot)
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 1, messages(app)
        said = warnings[0].message
        assert "could not be reached" in said and "your work is kept here and goes with the next sync" in said
        assert "\n" not in said and not said.startswith("tandem:")
        await pilot.press("r")  # the app goes on as ever
        assert isinstance(app.screen, HomeScreen) and FIRST_MEETING in home_ids(app)
    # The work is committed here all the same: the next sync sends it.
    assert "Maya: 1 content item" in git(maya, "log", "--format=%s", "-1")


async def test_auto_false_does_nothing(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    planned = teammate_plans(jose)
    write_config("[sync]\nauto = false\n")
    app = create_app(Workspace(maya), clock=FakeClock(MEETING_DAY))
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.settings.sync.auto is False
        assert not app.autosync.busy and not [w for w in app.workers if w.group == GROUP]
        await pilot.pause(0.5)
        assert planned not in home_ids(app) and messages(app) == []
        await pilot.press("q")
    assert app.autosync.left_running is None
    assert not (maya / ".git" / "tandem-last-sync.json").exists()
    assert not (maya / "meetings" / f"{planned}.json").exists()


async def test_a_workspace_not_shared_never_syncs(tmp_path: Path) -> None:
    from conftest import build_sample

    ws = build_sample(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await synced(pilot)
        assert app.autosync.last is None and messages(app) == []
        await pilot.press("q")
    assert app.autosync.left_running is None and not (ws.home / ".git").exists()


async def test_review_takes_the_teams_changes_as_it_opens(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    planned = teammate_plans(jose)
    app = create_review_app(WorkspaceSource(maya), today=MEETING_DAY.date())
    async with app.run_test(size=(120, 36)) as pilot:
        await synced(pilot)
        assert "Synced: 1 new meeting from Jose." in messages(app)
        deadline = time.monotonic() + 20
        table = app.screen.query_one("#review-meetings", DataTable)
        while planned not in {str(row.value) for row in table.rows} and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert planned in {str(row.value) for row in table.rows}


# --- meetings --------------------------------------------------------------------------------


async def test_a_meetings_start_and_end_reach_the_team(tmp_path: Path) -> None:
    maya, _ = team(tmp_path, ["Maya", "Jose"])
    write_config("[sync]\non_start = false\n")  # the meeting's own syncs only
    clock = FakeClock(MEETING_DAY)
    app = create_app(Workspace(maya), clock=clock, start=StartWith(meeting_id=FIRST_MEETING))
    async with app.run_test(size=(120, 40)) as pilot:
        await synced(pilot)
        assert isinstance(app.screen, LiveScreen)
        started = remote_meeting(tmp_path, FIRST_MEETING)
        # The claim travels with the start: a teammate's clone opens it read-only.
        assert started["status"] == "live" and started["claim"]["person"]
        clock.advance(minutes=5)
        await pilot.press("escape", "e")
        await pilot.pause(0.6)  # ending takes only keys pressed after it asked
        await pilot.press("ctrl+s")
        await pilot.pause(0.6)
        await pilot.press("escape")  # the summary: done
        await app.settled()
        assert isinstance(app.screen, HomeScreen) and app.session is None
        await synced(pilot)
        assert any(m.startswith("Synced: sent") for m in messages(app)), messages(app)
    ended = remote_meeting(tmp_path, FIRST_MEETING)
    assert ended["status"] == "ended" and ended.get("claim") is None


async def test_finalize_on_home_syncs(tmp_path: Path) -> None:
    maya, _ = team(tmp_path, ["Maya", "Jose"])
    ws = Workspace(maya)
    held = ws.new_meeting_id("2026-12-01", "weekly")
    ws.create_meeting(Meeting(id=held, series_id="weekly", title="Weekly sync", date="2026-12-01", status="ended"), [])
    run_sync(maya)
    write_config("[sync]\non_start = false\n")
    app = create_app(ws, clock=FakeClock(MEETING_DAY))
    async with app.run_test(size=(120, 36)) as pilot:
        await app.settled()
        table = app.screen.query_one("#meetings", DataTable)
        table.move_cursor(row=table.get_row_index(held))
        await pilot.press("f")
        await app.settled()
        await synced(pilot)
    assert remote_meeting(tmp_path, held)["status"] == "finalized"


async def test_a_meeting_open_here_is_merged_once_it_is_closed(tmp_path: Path) -> None:
    """A teammate changed the meeting being run here: the sync takes nothing of it under the
    live session's writer (whose next save would put its own version back), says so once,
    and syncs again when the meeting is left."""
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    write_config("[sync]\non_start = false\n")
    app = create_app(Workspace(maya), clock=FakeClock(MEETING_DAY), start=StartWith(meeting_id=FIRST_MEETING))
    async with app.run_test(size=(120, 40)) as pilot:
        await synced(pilot)  # the start: Maya's claim is on the remote
        run_sync(jose)
        set_notes(Workspace(jose), FIRST_MEETING, "agd000000002", "José: ask finance about Q1")
        run_sync(jose)
        app.sync_after_meeting()
        await synced(pilot)
        assert isinstance(app.screen, LiveScreen) and app.session is not None
        assert any("changed the meeting open here" in m for m in messages(app)), messages(app)
        assert not any(n.severity == "warning" for n in app._notifications)
        assert "finance" not in (maya / "meetings" / f"{FIRST_MEETING}.json").read_text()
        await pilot.press("escape", "q")  # back home, the clock running: the meeting is given back
        await app.settled()
        assert isinstance(app.screen, HomeScreen)
        await synced(pilot)
    assert "José: ask finance about Q1" in (maya / "meetings" / f"{FIRST_MEETING}.json").read_text()
    assert "José: ask finance about Q1" in git(tmp_path / "team.git", "show", f"main:meetings/{FIRST_MEETING}.json")


# --- quitting --------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


async def test_quit_leaves_a_detached_sync_that_reaches_the_team(tmp_path: Path) -> None:
    maya, _ = team(tmp_path, ["Maya", "Jose"])
    write_config("[sync]\non_start = false\n")
    app = create_app(Workspace(maya), clock=FakeClock(MEETING_DAY))
    async with app.run_test(size=(120, 36)) as pilot:
        await app.settled()
        new_content(Workspace(maya), "Battlecard")
        await pilot.press("q")
    child = app.autosync.left_running
    assert child is not None
    try:
        assert child.args == [sys.executable, "-m", "tandem", "--home", str(maya), "sync"]
        # A session of its own: the terminal's hangup (a closed window) never reaches it.
        assert os.getsid(child.pid) == child.pid != os.getsid(0)
        wait_for(lambda: any(s.startswith("Maya: 1 content item") for s in remote_subjects(tmp_path)), "the quit sync never reached the remote")
    finally:
        child.wait(SYNC_WAIT_S)
    assert child.returncode == 0
    status = subprocess.run([sys.executable, "-m", "tandem", "--home", str(maya), "sync", "status"], capture_output=True, text=True, check=True)
    assert "Last sync:" in status.stdout and "sent 1 content item" in status.stdout


async def test_quit_during_a_sync_does_not_wait_and_the_quit_sync_follows_it(tmp_path: Path) -> None:
    """Quitting while a sync is under way: the app stops waiting at once; the running sync
    finishes by itself, and the quit's sync runs after it, sending what changed since."""
    maya, _ = team(tmp_path, ["Maya", "Jose"])
    hook = maya / ".git" / "hooks" / "pre-push"
    hook.write_text("#!/bin/sh\nsleep 3\n")  # a slow remote
    hook.chmod(0o755)
    new_content(Workspace(maya), "Battlecard")
    commits = len(git(maya, "log", "--format=%H").splitlines())
    app = create_app(Workspace(maya), clock=FakeClock(MEETING_DAY))
    async with app.run_test(size=(120, 36)) as pilot:
        deadline = time.monotonic() + SYNC_WAIT_S
        while len(git(maya, "log", "--format=%H").splitlines()) == commits:  # the start-up sync committed
            assert time.monotonic() < deadline
            await pilot.pause(0.05)
        assert app.autosync.busy
        running = app.autosync.child
        new_content(Workspace(maya), "Case study")  # after that commit: only a later sync sends it
        await pilot.press("q")
        quit_at = time.monotonic()
        while app.autosync.busy and time.monotonic() - quit_at < 2:
            await asyncio.sleep(0.02)
        assert not app.autosync.busy, "the worker kept waiting on the network after quit"
    assert running is not None and running.poll() is None  # it goes on by itself
    child = app.autosync.left_running
    assert child is not None and child.args[1] == "-c"  # waits for the running one
    try:
        wait_for(lambda: len(remote_subjects(tmp_path)) >= 3, "the quit sync never ran")  # shared, start-up sync, quit sync
    finally:
        child.wait(SYNC_WAIT_S)
        running.wait(SYNC_WAIT_S)
    content = git(tmp_path / "team.git", "show", "main:content.json")
    assert "Battlecard" in content and "Case study" in content


# --- one at a time, a time limit, the UI thread free -----------------------------------------


def _fake_sync(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: str) -> Path:
    """``tandem sync`` replaced by ``script`` (it gets a log file as its argument)."""
    log = tmp_path / "runs.log"
    monkeypatch.setattr(autosync_module, "sync_command", lambda home: [sys.executable, "-c", script, str(log)])
    return log


def _shared_sample(tmp_path: Path) -> Workspace:
    from conftest import build_sample

    ws = build_sample(tmp_path / "ws")
    subprocess.run(["git", "init", "-q", str(ws.home)], check=True)
    return ws


async def test_one_sync_at_a_time_requests_meanwhile_make_one_more(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _fake_sync(
        monkeypatch,
        tmp_path,
        "import sys, time\nopen(sys.argv[1], 'a').write('start\\n')\ntime.sleep(0.8)\nopen(sys.argv[1], 'a').write('end\\n')\nprint('Synced: sent things.')",
    )
    app = create_app(_shared_sample(tmp_path), clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.autosync.busy
        for _ in range(3):
            app.sync_after_meeting()
        await synced(pilot)
        # Never two at once, and three requests during the first made one more, not three.
        assert log.read_text().splitlines() == ["start", "end", "start", "end"]
        assert messages(app) == ["Synced: sent things.", "Synced: sent things."]


async def test_the_ui_thread_never_waits_on_a_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_sync(monkeypatch, tmp_path, "import time\ntime.sleep(3)\nprint('Synced: sent things.')")
    app = create_app(_shared_sample(tmp_path), clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await app.settled()
        assert app.autosync.busy
        (worker,) = [w for w in app.workers if w.group == GROUP]
        assert worker._thread_worker and GROUP in BACKGROUND_GROUPS
        table = app.screen.query_one("#meetings", DataTable)
        before = table.cursor_row
        started = time.monotonic()
        await pilot.press("down")
        assert time.monotonic() - started < 1.0 and table.cursor_row == before + 1
        assert app.autosync.busy  # the key did not wait for the sync
        await synced(pilot)


async def test_a_sync_that_hangs_is_stopped_at_the_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pids = tmp_path / "pids"
    _fake_sync(
        monkeypatch,
        tmp_path,
        f"import subprocess, sys\np = subprocess.Popen(['sleep', '60'])\nopen({str(pids)!r}, 'w').write(str(p.pid))\np.wait()",
    )
    app = create_app(_shared_sample(tmp_path), clock=FakeClock())
    app.autosync.timeout_s = 1.0
    async with app.run_test(size=(120, 36)) as pilot:
        await synced(pilot)
        (warning,) = [n for n in app._notifications if n.severity == "warning"]
        assert warning.message == "The sync took longer than 1 s and was stopped; your work is kept here and goes with the next sync."
        assert app.autosync.child is not None and app.autosync.child.poll() is not None
        # The git it ran goes with it (its process group).
        wait_for(lambda: not _alive(int(pids.read_text())), "the sync's own child outlived the time limit", seconds=10)


# --- config.toml's [sync] --------------------------------------------------------------------


def test_sync_settings_are_read_and_checked_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[sync]\nauto = false\ntimeout_s = 90\non_quit = "yes"\n', encoding="utf-8")
    loaded = load_config(path)
    assert loaded.config.sync == SyncConfig(auto=False, timeout_s=90.0)
    assert [p.format() for p in loaded.problems] == [f"{path}:4: sync.on_quit: must be true or false, not a string"]
    assert {"sync.auto", "sync.timeout_s"} <= loaded.from_file
    cases = {
        "[sync]\ntimeout_s = true\n": "2: sync.timeout_s: must be a number of seconds, like 60, not true/false",
        "[sync]\ntimeout_s = 1\n": "2: sync.timeout_s: 1 is out of range: from 5 to 600 seconds",
        "[sync]\ntimeout_s = nan\n": "2: sync.timeout_s: nan is out of range",
        "\n[sync]\npull = true\n": "3: sync.pull: unknown key in [sync]; known keys: auto, on_start, after_meeting, on_quit, timeout_s",
        'sync = "on"\n': "1: sync: must be a table ([sync]), not a string",
        "sync = { after_meeting = 1 }\n": "1: sync.after_meeting: must be true or false, not a number",
    }
    for text, problem in cases.items():
        path.write_text(text, encoding="utf-8")
        loaded = load_config(path)
        assert len(loaded.problems) == 1 and loaded.problems[0].format().startswith(f"{path}:{problem}"), (text, loaded.problems)
        assert loaded.config.sync == SyncConfig()  # a bad value falls back to its default


def test_config_show_prints_the_sync_section_as_valid_toml(tmp_path: Path) -> None:
    import tomllib

    path = tmp_path / "config.toml"
    path.write_text("[sync]\non_quit = false\ntimeout_s = 30\n", encoding="utf-8")
    shown = render_config(load_config(path))
    assert "# from the file\non_quit = false" in shown and "# from the file\ntimeout_s = 30" in shown
    assert "# default: true; only a workspace shared through git syncs\nauto = true" in shown
    assert tomllib.loads(shown)["sync"] == {"auto": True, "on_start": True, "after_meeting": True, "on_quit": False, "timeout_s": 30}
