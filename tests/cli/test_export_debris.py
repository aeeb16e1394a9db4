"""An export killed halfway leaves no debris the next export does not clear, and no file in
the output folder is ever half written; a named pipe there is refused, never waited on."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli import assert_one_sentence

from tandem.store.atomic import TEMP_MARK
from tandem.store.demo import seed_demo
from tandem.store.minutes.export import export_minutes, select_meetings
from tandem.store.minutes.render import Shared
from tandem.store.workspace import Workspace

TRIALS = 32


def tandem(*args: str) -> list[str]:
    return [sys.executable, "-m", "tandem", *args]


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP_MARK in p.name)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A small demo workspace, seeded once, and what ``export --all`` writes from it."""
    base = tmp_path_factory.mktemp("seeded")
    ws = Workspace(base / "ws")
    seed_demo(ws, meetings=12)
    shared = Shared.load(ws)
    export_minutes(ws, select_meetings(shared), base / "new", shared=shared)
    new = {p.name: p.read_bytes() for p in (base / "new").iterdir()}
    return ws.home, new


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_next_export_removes_a_killed_exports_temp_files_and_nothing_else(seeded: tuple[Path, dict[str, bytes]], tmp_path: Path) -> None:
    home, new = seeded
    out = tmp_path / "out"
    out.mkdir()
    name = sorted(new)[0]
    dead, live = dead_pid(), os.getppid()
    stale = out / f".{name}{TEMP_MARK}{dead}-123456789"
    stale.write_bytes(b"# half a minu")
    alive = out / f".{name}{TEMP_MARK}{live}-123456789"
    alive.write_bytes(b"# being written")
    theirs = out / f".notes{TEMP_MARK}draft"  # another tool's name, not tandem's pattern
    theirs.write_bytes(b"mine")
    outside = tmp_path / "precious.md"
    outside.write_bytes(b"keep me")
    link = out / f".{name}{TEMP_MARK}{dead}-1"
    link.symlink_to(outside)
    folder = out / f".{name}{TEMP_MARK}{dead}-2"
    folder.mkdir()
    (folder / "inside.md").write_bytes(b"x")
    nested = out / "sub"
    nested.mkdir()
    elsewhere = nested / f".{name}{TEMP_MARK}{dead}-3"
    elsewhere.write_bytes(b"not this folder")

    ws = Workspace(home)
    export_minutes(ws, [ws.list_meetings()[0].id], out)

    assert not stale.exists(), "a dead export's temp file was kept"
    assert alive.exists() and theirs.read_bytes() == b"mine"
    assert link.is_symlink() and outside.read_bytes() == b"keep me"
    assert (folder / "inside.md").exists() and elsewhere.exists()


def test_the_cli_export_cleans_its_output_folder(seeded: tuple[Path, dict[str, bytes]], tmp_path: Path) -> None:
    home, new = seeded
    out = tmp_path / "out"
    out.mkdir()
    stale = out / f".{sorted(new)[0]}{TEMP_MARK}{dead_pid()}-42"
    stale.write_bytes(b"half")
    result = subprocess.run(tandem("--home", str(home), "export", "--all", "--out", str(out)), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert temp_files(out) == []


@pytest.mark.parametrize("how", ["all", "one"])
def test_a_named_pipe_in_the_output_folder_is_refused_not_waited_on(seeded: tuple[Path, dict[str, bytes]], tmp_path: Path, how: str) -> None:
    home, new = seeded
    out = tmp_path / "out"
    out.mkdir()
    name = sorted(new)[-1]
    os.mkfifo(out / name)
    if how == "all":
        args = tandem("--home", str(home), "export", "--all", "--out", str(out))
    else:
        args = tandem("--home", str(home), "export", "latest", "-o", str(out / name))
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("the export waited on a named pipe")
    assert result.returncode == 1, result.stderr
    assert_one_sentence(result.stderr, str(out / name), "named pipe")
    assert (out / name).is_fifo(), "the pipe was replaced"
    assert [p.name for p in out.iterdir() if p.name != name] == [], "files were written before the refusal"


def wait_for_change(out: Path, before: set[str], old: dict[str, bytes], proc: subprocess.Popen[bytes], limit: float = 20.0) -> bool:
    """Until the export starts writing into ``out`` (a temp file, or a file changed)."""
    end = time.monotonic() + limit
    while time.monotonic() < end and proc.poll() is None:
        names = set(os.listdir(out))
        if names != before:
            return True
        for name in names:
            try:
                if (out / name).read_bytes() != old[name]:
                    return True
            except (FileNotFoundError, KeyError):
                return True
        time.sleep(0.002)
    return False


@pytest.mark.serial
def test_kill_9_trials_leave_whole_files_and_the_next_export_leaves_no_temp_file(seeded: tuple[Path, dict[str, bytes]], tmp_path: Path) -> None:
    """Each trial: the output folder holds an older export of every meeting; ``export --all``
    runs as its own process and is killed at a random moment while it writes. Every file is
    then the old one or the new one, whole (or absent, had it not been written before); the
    next export leaves the folder exactly the new export, with no temp file."""
    home, new = seeded
    rng = random.Random(18)
    figures = {"killed mid-write": 0, "temp files left by the kill": 0, "files old": 0, "files new": 0, "files absent": 0, "finished first": 0}
    for trial in range(TRIALS):
        ws_home = tmp_path / f"ws{trial}"
        shutil.copytree(home, ws_home, symlinks=True)
        out = tmp_path / f"out{trial}"
        out.mkdir()
        # Some meetings never exported before: their file must be absent or whole.
        old = {name: f"# old minutes of {name}\n".encode() * 40 for name in sorted(new) if rng.random() < 0.8}
        for name, data in old.items():
            (out / name).write_bytes(data)
        proc = subprocess.Popen(tandem("--home", str(ws_home), "export", "--all", "--out", str(out)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            started = wait_for_change(out, set(old), old, proc)
            time.sleep(rng.uniform(0, 0.05))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                figures["killed mid-write"] += started
            else:
                figures["finished first"] += 1
        finally:
            proc.wait(timeout=30)
        leftovers = temp_files(out)
        figures["temp files left by the kill"] += len(leftovers)
        for name, data in new.items():
            path = out / name
            if not path.exists():
                assert name not in old, f"trial {trial}: {name} disappeared"
                figures["files absent"] += 1
                continue
            now = path.read_bytes()
            assert now in (old.get(name), data), f"trial {trial}: {name} is neither the old file nor the new one"
            figures["files " + ("new" if now == data else "old")] += 1
        assert set(os.listdir(out)) <= set(new) | set(leftovers), f"trial {trial}: unexpected files"

        ws = Workspace(ws_home)
        export_minutes(ws, select_meetings(Shared.load(ws)), out)
        assert temp_files(out) == [], f"trial {trial}: the next export left temp files"
        assert {p.name: p.read_bytes() for p in out.iterdir()} == new
        shutil.rmtree(ws_home)
        shutil.rmtree(out)
    print(f"kill -9 trials: {TRIALS}; " + ", ".join(f"{k}: {v}" for k, v in figures.items()))
    assert figures["killed mid-write"] >= TRIALS // 2, figures
