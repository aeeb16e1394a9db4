"""Kill trial: `tandem restore --force` killed with SIGKILL at random moments.

A child forked from the test process runs the real entry point (``main``) to restore one of
two archives over the workspace holding the other; the parent kills it after a random delay
within the time a whole restore takes. After each kill:

* every data file loads, and the data files are exactly those of the old workspace or
  exactly those of the new one, never a mix;
* at most one staging folder is left beside the workspace (the next restore cleans it
  before it makes its own).

After the trials one restore runs to its end: no staging folder, temp file or holder file is
left, and what is not data (drafts, a user's own folder) went along every swap. The seed is
printed; ``TANDEM_RESTORE_KILL_SEED`` replays a run, ``TANDEM_RESTORE_KILL_TRIALS`` sets the
number of trials.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import sys
import time
from pathlib import Path

import pytest
from conftest import build_sample

from tandem.store.atomic import TEMP_MARK
from tandem.store.records import AgendaItem, Meeting, Objective
from tandem.store.upkeep.backup import backup
from tandem.store.workspace import Workspace
from tandem.tui.cli.main import main  # imported before the forks: the window is the restore's

pytestmark = [
    pytest.mark.serial,
    pytest.mark.skipif(not sys.platform.startswith("linux") or not hasattr(os, "fork"), reason="needs os.fork (Linux)"),
]

TRIALS = int(os.environ.get("TANDEM_RESTORE_KILL_TRIALS", "40"))
STAGING = ".ws.tandem-restore-"


def _restore_in_child(home: Path, archive: Path) -> int:
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 70
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            main(["--home", str(home), "restore", "--force", str(archive)])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            os._exit(code)
    return pid


def _data(home: Path) -> dict[str, bytes]:
    ws = Workspace(home)
    return {p.relative_to(home).as_posix(): p.read_bytes() for p in ws.data_files()}


def _loads(home: Path) -> None:
    ws = Workspace(home)
    for collection in (ws.series, ws.objectives, ws.content, ws.insights, ws.shadow_days):
        collection.all()
    assert list(ws.iter_meeting_records())
    ws.info()


def _archives(tmp_path: Path) -> tuple[Path, Path]:
    """Two archives whose workspaces differ in every way: files, meetings, shared files."""
    big = build_sample(tmp_path / "a")
    for n in range(24):
        meeting_id = f"2026-10-{n + 1:02d}-extra"
        big.create_meeting(
            Meeting(id=meeting_id, series_id="weekly-smarketing-sync", title=f"Extra {n}", date=f"2026-10-{n + 1:02d}"),
            [AgendaItem(id=f"x{n}-{i}", title=f"Item {i}", position=i, timebox_min=5, notes="- a point\n" * 40) for i in range(4)],
        )
    small = build_sample(tmp_path / "b")
    small.delete_meeting("2026-11-26-weekly-smarketing-sync")
    small.objectives.add(Objective(id="o1", title="More SQLs", metric="SQLs", target=60))
    small.set_info(label="the other one")
    backup(big, tmp_path / "a.json")
    backup(small, tmp_path / "b.json")
    return tmp_path / "a.json", tmp_path / "b.json"


def test_sigkill_during_restore_leaves_the_old_or_the_new_workspace_whole(tmp_path: Path) -> None:
    seed = int(os.environ.get("TANDEM_RESTORE_KILL_SEED", str(random.SystemRandom().randrange(1 << 32))))
    print(f"restore kill seed: {seed} (replay with TANDEM_RESTORE_KILL_SEED={seed})")
    rng = random.Random(seed)
    archive_a, archive_b = _archives(tmp_path / "sources")
    root = tmp_path / "root"
    root.mkdir()
    home = root / "ws"

    # What each archive gives, and how long a whole restore takes in a child.
    durations = []
    expected = {}
    for archive in (archive_a, archive_b, archive_a, archive_b):
        started = time.monotonic()
        _, status = os.waitpid(_restore_in_child(home, archive), 0)
        durations.append(time.monotonic() - started)
        assert os.waitstatus_to_exitcode(status) == 0
        expected[archive] = _data(home)
    (home / "drafts").mkdir(exist_ok=True)
    (home / "drafts" / "keep.json").write_bytes(b'{"half": "typed"}')
    (home / "my notes").mkdir()
    (home / "my notes" / "keep.txt").write_text("mine")
    window = statistics.median(durations) * 1.2

    outcomes = {"old": 0, "new": 0, "finished": 0}
    current = archive_b
    for trial in range(TRIALS):
        other = archive_a if current == archive_b else archive_b
        pid = _restore_in_child(home, other)
        time.sleep(rng.uniform(0, window))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            outcomes["finished"] += 1
        context = f"trial {trial} (seed {seed})"
        state = _data(home)
        assert state in (expected[current], expected[other]), context
        _loads(home)
        outcomes["new" if state == expected[other] else "old"] += 1
        current = other if state == expected[other] else current
        debris = [p.name for p in root.iterdir() if p.name.startswith(STAGING)]
        assert len(debris) <= 1, (context, debris)

    print(f"restore kill trials: {TRIALS} in a {window * 1000:.0f} ms window; {outcomes}")
    assert outcomes["old"] and outcomes["new"], outcomes  # the kills landed on both sides of the swap

    other = archive_a if current == archive_b else archive_b
    _, status = os.waitpid(_restore_in_child(home, other), 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert _data(home) == expected[other]
    assert sorted(p.name for p in root.iterdir()) == ["ws"]
    leftovers = [p for p in home.rglob("*") if TEMP_MARK in p.name or p.suffix == ".holder"]
    assert not leftovers
    assert (home / "drafts" / "keep.json").read_bytes() == b'{"half": "typed"}'
    assert (home / "my notes" / "keep.txt").read_text() == "mine"
    assert len(list((home / "backups").glob("before-restore-*.zip"))) >= outcomes["new"] + 4
