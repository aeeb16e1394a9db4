"""``tandem demo`` killed halfway is built again, never reused half-built; two at once in the
same folder are one too many; ``crash.log`` is private whatever the umask."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli import assert_one_sentence

from tandem.store.demo import seed_demo
from tandem.store.workspace import Workspace


def tandem(*args: str) -> list[str]:
    return [sys.executable, "-m", "tandem", *args]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(tandem(*args), capture_output=True, text=True, timeout=120)


def doctor_problems(home: Path) -> list[str]:
    result = run("--home", str(home), "doctor", "--json")
    return [f["message"] for f in json.loads(result.stdout) if f["level"] in ("problem", "warning")]


def meeting_files(home: Path) -> int:
    folder = home / "meetings"
    return len([p for p in folder.glob("*.json") if not p.name.startswith(".")]) if folder.is_dir() else 0


def test_a_demo_killed_halfway_is_built_again_with_a_note(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    # 600: meeting files are written several at once, so a short demo is done before the kill lands.
    proc = subprocess.Popen(tandem("--home", str(home), "demo", "--no-open", "--meetings", "600"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 60
        while meeting_files(home) < 3 and proc.poll() is None and time.monotonic() < end:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert 3 <= meeting_files(home) < 600, "the kill did not land halfway"

    result = run("--home", str(home), "demo", "--no-open", "--meetings", "12")
    assert result.returncode == 0, result.stderr
    assert "half-built" in result.stderr and str(home) in result.stderr
    assert "Using the demo workspace" not in result.stderr
    assert meeting_files(home) == 12
    assert doctor_problems(home) == []

    again = run("--home", str(home), "demo", "--no-open", "--meetings", "12")
    assert "Using the demo workspace" in again.stderr and "half-built" not in again.stderr


def test_a_seeding_stopped_by_an_error_is_not_reused(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "demo")

    def stop(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        seed_demo(ws, meetings=8, progress=stop)
    result = run("--home", str(ws.home), "demo", "--no-open", "--meetings", "8")
    assert result.returncode == 0, result.stderr
    assert "half-built" in result.stderr
    assert meeting_files(ws.home) == 8


def test_a_demo_of_more_than_20000_meetings_is_refused_saying_the_limit(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    result = run("--home", str(home), "demo", "--no-open", "--meetings", "20001")
    assert result.returncode == 2
    assert_one_sentence(result.stderr, "--meetings", "20001", "20000")
    assert not home.exists()
    assert "at most 20,000" in run("demo", "--help").stdout


HOLD = """
import sys, time
from pathlib import Path
from tandem.store.demo import seeding_lock
from tandem.store.workspace import Workspace
with seeding_lock(Workspace(Path(sys.argv[1]))):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_second_demo_in_the_same_folder_is_refused_naming_the_first(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(home)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = run("--home", str(home), "demo", "--no-open", "--meetings", "4")
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert_one_sentence(result.stderr, str(home), f"PID {holder.pid}", "being created")
    assert meeting_files(home) == 0


def test_two_demos_at_once_leave_one_whole_demo(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    procs = [subprocess.Popen(tandem("--home", str(home), "demo", "--no-open", "--meetings", "12"), stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    for code, err in outcomes:
        assert code == 0 or (code == 1 and "being created" in err), err
        assert "Traceback" not in err
    assert meeting_files(home) == 12
    assert doctor_problems(home) == []


CRASH = """
import os, sys
os.umask(0)
from tandem.tui.cli.crashlog import write_crash_log
print(write_crash_log(RuntimeError("boom")))
"""


@pytest.mark.parametrize("existing", [False, True])
def test_crash_log_is_private_under_umask_000(tmp_path: Path, existing: bool) -> None:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    log = tmp_path / "state" / "tandem" / "log" / "crash.log"
    if existing:  # from an older tandem, created with the umask's mode
        log.parent.mkdir(parents=True)
        log.write_text("--- earlier\n")
        log.chmod(0o644)
    result = subprocess.run([sys.executable, "-c", CRASH], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == log
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "RuntimeError: boom" in log.read_text()
    assert log.read_text().startswith("--- earlier") == existing
