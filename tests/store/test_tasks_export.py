"""Action items for task tools (store/interop/tasks.py, ``tandem actions --format``):
todo.txt lines against the format's rules, Taskwarrior JSON through ``task import`` when
Taskwarrior is installed (else against the fields ``task import`` requires)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import given
from hypothesis import strategies as st

from tandem.store.interop.tasks import task_uuid, taskwarrior, todotxt
from tandem.store.records import ActionItem, Meeting, Series
from tandem.store.workspace import Workspace

MEETING = Meeting(id="2026-12-01-weekly-sync", series_id="weekly-sync", title="Weekly sync", date="2026-12-01")
ACTIONS = [
    ActionItem(id="a1", text="Fix lead routing\nfor EMEA", owner="José Ramírez", due="2026-12-04"),
    ActionItem(id="a2", text="x marks (A) the +spot", owner="", due=""),
    ActionItem(id="a3", text="Done one", owner="Maya Thompson", due="2026-12-02", status="done", closed_on="2026-12-03"),
    ActionItem(id="a4", text="Dropped one", owner="Maya", status="dropped", closed_on="2026-12-05"),
]

# todo.txt (github.com/todotxt/todo.txt): an optional "x " and completion date, an optional
# "(A) " priority (only on open tasks), a creation date, then text; key:value pairs are
# non-blank words with one colon; contexts and projects have no blank.
DATE = r"\d{4}-\d{2}-\d{2}"
TODO_LINE = re.compile(rf"^(?:x (?P<done>{DATE}) (?P<created_done>{DATE})|(?:\([A-Z]\) )?(?P<created>{DATE})) (?P<text>\S.*)$")


def test_todotxt_lines_follow_the_format() -> None:
    lines = {a.id: todotxt(a, MEETING) for a in ACTIONS}
    for action in ACTIONS:
        line = lines[action.id]
        found = TODO_LINE.match(line)
        assert found, line
        assert "\n" not in line
        assert (found["done"] is not None) == (action.status != "open")
        assert (found["created"] or found["created_done"]) == MEETING.date
        words = line.split()
        assert "+weekly-sync" in words
        assert [w for w in words if w.startswith("due:")] == ([f"due:{action.due}"] if action.due else [])
    assert lines["a1"] == "2026-12-01 Fix lead routing for EMEA +weekly-sync @José_Ramírez due:2026-12-04"
    assert lines["a3"].startswith("x 2026-12-03 2026-12-01 Done one ")
    # text that reads as "done" or a priority never opens the line
    assert lines["a2"].startswith("2026-12-01 x marks")


def test_taskwarrior_objects() -> None:
    tasks = {a.id: taskwarrior(a, MEETING) for a in ACTIONS}
    assert tasks["a1"]["uuid"] == str(uuid.uuid5(uuid.UUID("5d0c7f3e-2b1a-5c4e-9f60-7a1e3d9b2c11"), "tandem:action:a1"))
    assert task_uuid(ACTIONS[0]) == task_uuid(ACTIONS[0].replace(text="changed"))  # the id alone
    assert [tasks[i]["status"] for i in ("a1", "a2", "a3", "a4")] == ["pending", "pending", "completed", "deleted"]
    assert tasks["a1"]["project"] == "weekly-sync"
    assert tasks["a1"]["tags"] == ["tandem", "José_Ramírez"]
    assert tasks["a1"]["description"] == "Fix lead routing for EMEA"
    stamp = re.compile(r"^\d{8}T\d{6}Z$")
    for task in tasks.values():
        # what task import requires of each: a uuid, a description, a status, an entry date
        assert {"uuid", "description", "status", "entry"} <= set(task)
        assert all(stamp.match(task[k]) for k in ("entry", "due", "end") if k in task)
        assert ("end" in task) == (task["status"] != "pending")
    assert "due" not in tasks["a2"]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="weekly-sync", title="Weekly sync"))
    ws.create_meeting(MEETING, actions=[a.replace(meeting_id=MEETING.id) for a in ACTIONS])
    return ws.home


def test_cli_formats_and_due_within(home: Path, tmp_path: Path) -> None:
    env = {**os.environ, "TANDEM_TODAY": "2026-12-02"}
    out = run_cli("--home", str(home), "actions", "--format", "todotxt", env=env)
    assert out.code == 0, out.err
    assert [line.split()[-1] for line in out.out.splitlines() if "due:" in line][:1] == ["due:2026-12-04"]
    assert len(out.out.splitlines()) == len(ACTIONS)
    # within 2 days of 2026-12-02: the open item due on the 4th; done ones never
    soon = run_cli("--home", str(home), "actions", "--due-within", "2d", "--format", "taskwarrior", env=env)
    assert soon.code == 0, soon.err
    assert [json.loads(line)["description"] for line in soon.out.splitlines()] == ["Fix lead routing for EMEA"]
    assert run_cli("--home", str(home), "actions", "--due-within", "1d", "--json", env=env).out.strip() == "[]"
    # --owner me: config.toml's [me]
    config = Path(os.environ["TANDEM_CONFIG_DIR"])
    (config / "config.toml").write_text('[me]\nname = "José Ramírez"\n', encoding="utf-8")
    mine = run_cli("--home", str(home), "actions", "--owner", "me", "--json", env=env)
    assert [r["id"] for r in json.loads(mine.out)] == ["a1"]
    bad = run_cli("--home", str(home), "actions", "--due-within", "soon", env=env)
    assert bad.code == 2 and "soon" in bad.err


@pytest.mark.skipif(shutil.which("task") is None, reason="Taskwarrior is not installed (apt-get install taskwarrior)")
def test_task_import_accepts_it_and_a_second_import_updates(home: Path, tmp_path: Path) -> None:
    out = run_cli("--home", str(home), "actions", "--format", "taskwarrior")
    assert out.code == 0, out.err
    data = tmp_path / "tasks.json"
    data.write_text(out.out, encoding="utf-8")
    env = {**os.environ, "TASKDATA": str(tmp_path / "task"), "TASKRC": os.devnull}
    (tmp_path / "task").mkdir()

    def task(*args: str) -> str:
        done = subprocess.run(["task", "rc.confirmation=off", "rc.hooks=off", *args], capture_output=True, text=True, env=env, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    task("import", str(data))
    task("import", str(data))  # the same uuids: updated, not added again
    exported = {t["uuid"]: t for t in json.loads(task("export"))}
    assert len(exported) == len(ACTIONS)
    first = exported[str(task_uuid(ACTIONS[0]))]
    assert first["description"] == "Fix lead routing for EMEA"
    assert first["project"] == "weekly-sync"
    assert first["status"] == "pending"
    assert sorted(first["tags"]) == ["José_Ramírez", "tandem"]
    assert first["due"] == taskwarrior(ACTIONS[0], MEETING)["due"]
    assert exported[str(task_uuid(ACTIONS[2]))]["status"] == "completed"
    assert exported[str(task_uuid(ACTIONS[3]))]["status"] == "deleted"


def _metadata(line: str) -> tuple[list[str], list[str], list[str]]:
    """The +projects, @contexts and key:value pairs todo.txt's rules read in a line."""
    words = line.split(" ")
    return (
        [w for w in words if len(w) > 1 and w[0] == "+"],
        [w for w in words if len(w) > 1 and w[0] == "@"],
        [w for w in words if re.fullmatch(r"[^\s:]+:[^\s:]+", w) and not w.split(":", 1)[1].startswith("//")],
    )


def test_words_of_the_text_never_read_as_metadata() -> None:
    action = ActionItem(id="a9", text="Ping @ana re +1 due:friday at 10:30, see https://example.com/x", owner="Maya", due="2026-12-04")
    line = todotxt(action, MEETING)
    assert line == "2026-12-01 Ping ＠ana re ＋1 due꞉friday at 10꞉30, see https://example.com/x +weekly-sync @Maya due:2026-12-04"
    assert _metadata(line) == (["+weekly-sync"], ["@Maya"], ["due:2026-12-04"])


PIECES = [*"ab +@:/x\n\t(A)", "due:", "+p", "@c", "t:2026-01-01", "https://e.x/a:b", "x "]


@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join))
def test_any_text_leaves_only_tandems_metadata(text: str) -> None:
    action = ActionItem(id="a9", text=f"{text}.", owner="Maya", due="2026-12-04")
    line = todotxt(action, MEETING)
    assert TODO_LINE.match(line) and "\n" not in line
    assert _metadata(line) == (["+weekly-sync"], ["@Maya"], ["due:2026-12-04"])
