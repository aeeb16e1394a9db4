"""tandem doctor: every kind of damage reported in one sentence naming the file, and
--repair restoring unreadable files from the daily snapshots without ever touching a
newer-schema file or a meeting someone has open."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import CliResult, build_sample, run_cli

from tandem.store.atomic import SCHEMA_VERSION, encode, read_file
from tandem.store.records import CheckIn, ContentItem, Experiment, Objective, ProspectInsight, ShadowDay
from tandem.store.upkeep import doctor
from tandem.store.workspace import Workspace

SERIES = "weekly-smarketing-sync"
CURRENT = b'"schema": %d' % SCHEMA_VERSION
M0, M1, M2 = (f"2026-11-{d}-{SERIES}" for d in (12, 19, 26))
NOPE = "2026-01-01-no-such-meeting"


def rel(meeting_id: str) -> str:
    return f"meetings/{meeting_id}.json"


def build_linked(home: Path) -> Workspace:
    """The sample's three meetings plus an objective checked in, a shadow day debriefed with
    its experiment's action item, an insight and the content item it became: one record of
    every kind that links to another."""
    ws = build_sample(home)
    ws.objectives.add(
        Objective(
            id="obj-1",
            title="60 SQLs a month",
            metric="SQLs",
            target=60,
            meeting_id=M0,
            checkins=[CheckIn(date="2026-11-12", value=31, status="on_track", meeting_id=M0, agenda_item_id="item-0-0")],
        )
    )
    ws.shadow_days.add(
        ShadowDay(
            id="sd-1",
            shadow="Dana Kim",
            host="Luis Ortega",
            direction="marketing_to_sales",
            date="2026-11-16",
            status="done",
            debriefed_in=M1,
            experiment=Experiment(text="Call inbound demo requests within an hour", action_id="act-1"),
        )
    )
    ws.insights.add(
        ProspectInsight(
            id="ins-1",
            text="Does it sync with HubSpot?",
            meeting_id=M1,
            agenda_item_id="item-1-1",
            shadow_day_id="sd-1",
            content_item_id="cnt-1",
        )
    )
    ws.content.add(ContentItem(id="cnt-1", title="HubSpot sync guide", meeting_id=M1, insight_id="ins-1", agenda_item_id="item-1-2"))
    return ws


def edit(path: Path, kind: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Change a data file's tables by hand, as a text editor or a bad merge would."""
    tables = read_file(path)
    assert tables is not None
    change(tables)
    path.write_bytes(encode(tables, kind))


def first(tables: dict[str, Any], table: str) -> dict[str, Any]:
    """The first record of a table, in the order tandem lists them."""
    return min(tables[table].values(), key=lambda doc: doc["_seq"])


def not_ok(report: doctor.Report) -> list[doctor.Finding]:
    return [f for f in report if f.level != doctor.OK]


def tree(home: Path) -> dict[str, bytes | str]:
    """Every file of the workspace and its bytes (special files by kind), to prove nothing changed."""
    out: dict[str, bytes | str] = {}
    for path in sorted(home.rglob("*")):
        if path.is_fifo():
            out[path.relative_to(home).as_posix()] = "fifo"
        elif path.is_file():
            out[path.relative_to(home).as_posix()] = path.read_bytes()
    return out


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def doctor_cli(home: Path, *args: str, timeout: float = 60) -> CliResult:
    """``tandem doctor`` as run_cli runs it, but with a non-interactive stdin (run_cli's
    child inherits the test runner's stdin, which may be a terminal)."""
    proc = subprocess.run(
        [sys.executable, "-m", "tandem", "--home", str(home), "doctor", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def take_snapshot(ws: Workspace, day: str = "2026-11-26") -> Path:
    return ws.snapshots.take(ws.snapshots.path_for(day))


# --- healthy workspaces ----------------------------------------------------------------------


def test_healthy_demo_workspace(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    assert run_cli("--home", str(home), "demo", "--no-open", "--meetings", "12").code == 0
    result = run_cli("--home", str(home), "doctor")
    assert result.code == 0, result.out + result.err
    assert result.err == ""
    lines = result.out.splitlines()
    assert lines[0].startswith(f"Workspace {home}: ") and lines[0].endswith(" files checked.")
    assert lines[-1] == "No problems found."
    assert "Problems" not in result.out and "Warnings" not in result.out
    assert "20 data files load and their records validate" in result.out  # 12 meetings + 8 shared files (leads and SLA too)


def test_linked_sample_is_clean(tmp_path: Path) -> None:
    report = doctor.check(build_linked(tmp_path / "ws").home)
    assert not_ok(report) == [], report
    assert report.summary() == "No problems found."
    assert any("Every link between records resolves" in f.message for f in report)


def test_missing_workspace_is_one_sentence(tmp_path: Path) -> None:
    result = run_cli("--home", str(tmp_path / "nowhere"), "doctor")
    assert result.code == 1
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert str(tmp_path / "nowhere") in result.err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    build_sample(tmp_path / "ws")
    for args in (["--yes"], ["--json", "--repair"]):
        result = run_cli("--home", str(tmp_path / "ws"), "doctor", *args)
        assert result.code == 2, (args, result)
        assert result.err.count("\n") == 1 and "Traceback" not in result.err


# --- unreadable files ----------------------------------------------------------------------------

UNREADABLE = {
    "truncated meeting": (rel(M1), lambda raw: raw[: len(raw) // 2], "is not valid JSON"),
    "empty meeting": (rel(M1), lambda raw: b"", "is empty"),
    "garbage shared file": ("objectives.json", lambda raw: b"\x00\xff not json \x89PNG", "is not valid JSON"),
    "no header": ("series.json", lambda raw: b'{"series": {}}', "no tandem header"),
    "newer schema": (rel(M1), lambda raw: raw.replace(CURRENT, b'"schema": 99'), "newer tandem (schema 99"),
    "series data in a meeting file": (rel(M1), lambda raw: encode({"series": {}}, "series"), "holds series data"),
}


@pytest.mark.parametrize("case", UNREADABLE)
def test_unreadable_file_is_one_problem_naming_it(tmp_path: Path, case: str) -> None:
    ws = build_linked(tmp_path / "ws")
    name, damage, needle = UNREADABLE[case]
    path = ws.home / name
    path.write_bytes(damage(path.read_bytes()))
    bad = path.read_bytes()
    result = doctor_cli(ws.home)
    assert result.code == 1, result.out
    problems = [f for f in doctor.check(ws.home) if f.level == doctor.PROBLEM]
    assert len(problems) == 1, problems
    assert problems[0].path == name and problems[0].message.startswith(name) and needle in problems[0].message
    assert problems[0].message in result.out
    assert result.out.rstrip().endswith("1 problem.")
    assert path.read_bytes() == bad  # checking never changes a file


def test_invalid_record_is_named_by_file_table_and_id(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    edit(ws.meeting_path(M1), "meeting", lambda t: first(t, "actions").update(status="maybe"))
    problems = [f for f in doctor.check(ws.home) if f.level == doctor.PROBLEM]
    assert len(problems) == 1
    message = problems[0].message
    assert rel(M1) in message and "actions record act-1" in message and "'maybe'" in message


def test_newer_schema_is_never_repaired(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    take_snapshot(ws)  # a readable older copy exists, and still must not be used
    path = ws.meeting_path(M1)
    path.write_bytes(path.read_bytes().replace(CURRENT, b'"schema": %d' % (SCHEMA_VERSION + 1)))
    before = tree(ws.home)
    report = doctor.check(ws.home)
    assert report.repairs == []
    assert "upgrade tandem" in report.problems[0].message
    result = doctor_cli(ws.home, "--repair", "--yes")
    assert result.code == 1
    assert "Nothing for --repair to do." in result.out
    assert tree(ws.home) == before


def test_older_schema_is_reported_as_upgraded_on_next_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = build_linked(tmp_path / "ws")
    monkeypatch.setattr(doctor, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(doctor.MIGRATIONS, SCHEMA_VERSION, lambda data: data)
    report = doctor.check(ws.home)
    assert not report.problems
    older = [f for f in report if "upgrades to schema" in f.message]
    assert older and all(f.level == doctor.OK for f in older)


# --- links between records -----------------------------------------------------------------------


def _set(table: str, **values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda t: first(t, table).update(values)


def _add_duplicate_action(t: dict[str, Any]) -> None:
    t["actions"]["act-1-copy"] = {**first(t, "actions"), "text": "The same id again"}


def _add_parked(t: dict[str, Any]) -> None:
    t["parking_lot"] = {"park-1": {"id": "park-1", "text": "Pricing page", "meeting_id": M1, "carried_to": NOPE, "_seq": 1}}


def _checkin(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda t: first(t, "objectives")["checkins"][0].update(values)


def _experiment(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda t: first(t, "shadow_days")["experiment"].update(values)


# name → (file, file kind, change, level, words the sentence must hold)
BROKEN_LINKS: dict[str, tuple[str, str, Callable[[dict[str, Any]], None], str, tuple[str, ...]]] = {
    "action → agenda item": (
        rel(M1),
        "meeting",
        _set("actions", agenda_item_id="item-gone"),
        "warning",
        ("Action item act-1", rel(M1), "agenda item item-gone", "not in that meeting"),
    ),
    "action → origin meeting": (
        rel(M1),
        "meeting",
        _set("actions", meeting_id=M0),
        "problem",
        ("Action item act-1", rel(M1), f"names meeting {M0} as its origin"),
    ),
    "action → closed in": (
        rel(M1),
        "meeting",
        _set("actions", closed_in=NOPE),
        "warning",
        ("Action item act-1", rel(M1), f"closed in meeting {NOPE}, which does not exist"),
    ),
    "lead feedback → agenda item": (
        rel(M1),
        "meeting",
        _set("lead_feedback", agenda_item_id="item-gone"),
        "warning",
        ("Lead feedback lf-1", rel(M1), "agenda item item-gone"),
    ),
    "decision → meeting": (
        rel(M1),
        "meeting",
        _set("decisions", meeting_id=M2),
        "warning",
        ("Decision dec-1", rel(M1), f"names meeting {M2}"),
    ),
    "agenda item → carried from": (
        rel(M1),
        "meeting",
        _set("agenda", carried_from=NOPE),
        "warning",
        ("Agenda item", rel(M1), f"carried over from meeting {NOPE}, which does not exist"),
    ),
    "parking lot → carried to": (
        rel(M1),
        "meeting",
        _add_parked,
        "warning",
        ("Parking-lot item park-1", rel(M1), f"carried to meeting {NOPE}"),
    ),
    "meeting → active item": (
        rel(M1),
        "meeting",
        _set("meeting", active_item_id="item-gone"),
        "warning",
        (f"Meeting {M1}", rel(M1), "agenda item item-gone"),
    ),
    "meeting → series": (
        rel(M1),
        "meeting",
        _set("meeting", series_id="no-such-series"),
        "problem",
        ("Series no-such-series", rel(M1), "missing from series.json"),
    ),
    "duplicate ids": (
        rel(M1),
        "meeting",
        _add_duplicate_action,
        "problem",
        (rel(M1), "2 actions records with the id act-1"),
    ),
    "objective → meeting": (
        "objectives.json",
        "objectives",
        _set("objectives", meeting_id=NOPE),
        "warning",
        ("Objective obj-1", "objectives.json", f"meeting {NOPE}, which does not exist"),
    ),
    "check-in → meeting": (
        "objectives.json",
        "objectives",
        _checkin(meeting_id=NOPE),
        "warning",
        ("Check-in of objective obj-1", "objectives.json", f"names meeting {NOPE}, which does not exist"),
    ),
    "check-in → agenda item": (
        "objectives.json",
        "objectives",
        _checkin(agenda_item_id="item-gone"),
        "warning",
        ("Check-in of objective obj-1", "agenda item item-gone", f"not in meeting {M0}"),
    ),
    "shadow day → debriefed in": (
        "shadow_days.json",
        "shadow_days",
        _set("shadow_days", debriefed_in=NOPE),
        "warning",
        ("Shadow day sd-1", "shadow_days.json", f"debriefed in meeting {NOPE}, which does not exist"),
    ),
    "experiment → action item": (
        "shadow_days.json",
        "shadow_days",
        _experiment(action_id="act-gone"),
        "warning",
        ("shadow day sd-1", "shadow_days.json", "action item act-gone", f"not in meeting {M1}"),
    ),
    "insight → meeting": (
        "insights.json",
        "insights",
        _set("insights", meeting_id=NOPE),
        "warning",
        ("Prospect insight ins-1", "insights.json", f"meeting {NOPE}, which does not exist"),
    ),
    "insight → shadow day": (
        "insights.json",
        "insights",
        _set("insights", shadow_day_id="sd-gone"),
        "warning",
        ("Prospect insight ins-1", "insights.json", "shadow day sd-gone"),
    ),
    "insight → content item": (
        "insights.json",
        "insights",
        _set("insights", content_item_id="cnt-gone"),
        "warning",
        ("Prospect insight ins-1", "insights.json", "content item cnt-gone"),
    ),
    "content → insight": (
        "content.json",
        "content",
        _set("content", insight_id="ins-gone"),
        "warning",
        ("Content item cnt-1", "content.json", "prospect insight ins-gone"),
    ),
    "content → agenda item": (
        "content.json",
        "content",
        _set("content", agenda_item_id="item-gone"),
        "warning",
        ("Content item cnt-1", "content.json", "agenda item item-gone", f"not in meeting {M1}"),
    ),
}


@pytest.mark.parametrize("case", BROKEN_LINKS)
def test_broken_link_is_one_sentence_naming_the_file(tmp_path: Path, case: str) -> None:
    ws = build_linked(tmp_path / "ws")
    name, kind, change, level, needles = BROKEN_LINKS[case]
    edit(ws.home / name, kind, change)
    findings = not_ok(doctor.check(ws.home))
    assert len(findings) == 1, findings
    finding = findings[0]
    assert finding.level == level
    for needle in needles:
        assert needle in finding.message, (needle, finding.message)
    result = doctor_cli(ws.home)
    assert result.code == (1 if level == "problem" else 0), result.out
    assert f"  {finding.message}" in result.out.splitlines()
    assert "Traceback" not in result.out + result.err


def test_copied_meeting_file(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    shutil.copy(ws.meeting_path(M1), ws.meetings_dir / f"{M1}.bak.json")
    findings = not_ok(doctor.check(ws.home))
    assert len(findings) == 1, findings
    assert findings[0].level == doctor.PROBLEM
    assert findings[0].message.startswith(f"meetings/{M1}.bak.json holds meeting {M1}")
    assert f"a copy of {rel(M1)}" in findings[0].message
    assert doctor_cli(ws.home).code == 1


def test_many_similar_findings_are_capped_but_counted(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")

    def many(t: dict[str, Any]) -> None:
        action = first(t, "actions")
        t["actions"] = {f"act-{n}": {**action, "id": f"act-{n}", "closed_in": NOPE, "_seq": n} for n in range(1, 26)}

    edit(ws.meeting_path(M1), "meeting", many)
    report = doctor.check(ws.home)
    shown = report.warnings
    assert len(shown) == doctor.MAX_SIMILAR + 1
    assert "…and 15 more warnings like these" in shown[-1].message
    assert report.summary() == "No problems found (25 warnings)."


# --- locks, temp files, odd files ----------------------------------------------------------------


def test_orphan_lock_and_stale_temp_file_are_warnings_and_repaired(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    pid = dead_pid()
    holder = ws.meetings_dir / f"{M1}.holder"
    holder.write_bytes(json.dumps({"pid": pid, "host": socket.gethostname(), "since": "2026-11-26T09:14:00"}).encode())
    temp = ws.meetings_dir / f".{M1}.json.tmp-{pid}-123456"
    temp.write_bytes(b"half a meeting")
    home_temp = ws.home / f".series.json.tmp-{pid}-99"
    home_temp.write_bytes(b"{")
    findings = {f.path: f for f in not_ok(doctor.check(ws.home))}
    assert set(findings) == {f"meetings/{M1}.holder", f"meetings/{temp.name}", home_temp.name}
    orphan = findings[f"meetings/{M1}.holder"]
    assert orphan.level == doctor.WARNING
    assert f"meeting {M1}" in orphan.message and f"PID {pid} on {socket.gethostname()} since 2026-11-26 09:14" in orphan.message
    assert "process is gone" in orphan.message
    assert findings[f"meetings/{temp.name}"].level == doctor.WARNING
    assert "stale temp file" in findings[f"meetings/{temp.name}"].message

    result = doctor_cli(ws.home)
    assert result.code == 0 and "3 warnings" in result.out
    result = doctor_cli(ws.home, "--repair", "--yes")
    assert result.code == 0, result.out + result.err
    assert not holder.exists() and not temp.exists() and not home_temp.exists()
    assert ws.meeting_path(M1).exists() and (ws.meetings_dir / f"{M1}.lock").exists()
    assert doctor.check(ws.home).summary() == "No problems found."


def test_leftover_lock_of_a_deleted_meeting(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    ws.delete_meeting(M2)
    assert (ws.meetings_dir / f"{M2}.lock").exists()
    findings = not_ok(doctor.check(ws.home))
    assert [(f.level, f.path) for f in findings] == [("warning", f"meetings/{M2}.lock")]
    assert "no longer exists" in findings[0].message
    assert doctor_cli(ws.home, "--repair", "--yes").code == 0
    assert not (ws.meetings_dir / f"{M2}.lock").exists()


def test_fifo_is_reported_not_read(tmp_path: Path) -> None:
    """A named pipe named like a meeting makes tandem list fail (in one sentence): doctor
    calls it a problem and exits 1 too. One named like a lock holder is only a warning."""
    ws = build_linked(tmp_path / "ws")
    os.mkfifo(ws.meetings_dir / "x.json")
    os.mkfifo(ws.meetings_dir / f"{M0}.holder")
    started = time.monotonic()
    result = doctor_cli(ws.home, timeout=30)
    assert time.monotonic() - started < 30
    assert result.code == 1, result.out
    findings = {f.path: f for f in not_ok(doctor.check(ws.home))}
    assert set(findings) == {"meetings/x.json", f"meetings/{M0}.holder"}
    assert findings["meetings/x.json"].level == doctor.PROBLEM
    assert findings[f"meetings/{M0}.holder"].level == doctor.WARNING
    assert all("named pipe" in f.message for f in findings.values())
    assert "meetings/x.json is a named pipe" in result.out


def test_folder_and_links_named_like_data_files(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    (ws.meetings_dir / "z.json").mkdir()
    (ws.meetings_dir / "y.json").symlink_to(tmp_path / "nowhere.json")
    (ws.meetings_dir / "w.json").symlink_to(ws.home / "nowhere.json")
    findings = {f.path: f for f in not_ok(doctor.check(ws.home))}
    assert set(findings) == {"meetings/z.json", "meetings/y.json", "meetings/w.json"}
    assert "meetings/z.json is a folder" in findings["meetings/z.json"].message
    assert "outside the workspace" in findings["meetings/y.json"].message
    assert "symbolic link to a file that does not exist" in findings["meetings/w.json"].message
    # tandem list refuses the first two and passes over a link to nothing in the workspace.
    assert [findings[name].level for name in ("meetings/z.json", "meetings/y.json", "meetings/w.json")] == ["problem", "problem", "warning"]


def test_files_and_folders_other_users_can_read(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    ws.meeting_path(M1).chmod(0o644)
    (ws.home / "series.json").chmod(0o640)
    ws.meetings_dir.chmod(0o755)
    findings = not_ok(doctor.check(ws.home))
    assert len(findings) == 2, findings
    files = next(f for f in findings if f.path)
    assert "series.json (and 1 other data file) can be read by other users (mode 0640)" in files.message
    assert "chmod 600 them" in files.message
    folders = next(f for f in findings if not f.path)
    assert f"{ws.meetings_dir} (mode 0755)" in folders.message and "chmod 700 it" in folders.message
    assert all(f.level == doctor.WARNING for f in findings)


def test_damaged_latest_snapshot_is_a_warning(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    take_snapshot(ws, "2026-11-25")
    good = [f for f in doctor.check(ws.home) if f.path == "snapshots/2026-11-25.zip"]
    assert good[0].level == doctor.OK and "from 2026-11-25" in good[0].message and "all readable" in good[0].message
    (ws.snapshots.folder / "2026-11-26.zip").write_bytes(b"PK\x03\x04 not really")
    findings = not_ok(doctor.check(ws.home))
    assert [(f.level, f.path) for f in findings] == [("warning", "snapshots/2026-11-26.zip")]
    assert "cannot be read" in findings[0].message


# --- repair ---------------------------------------------------------------------------------------


def test_repair_restores_a_truncated_meeting_from_the_snapshot(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    take_snapshot(ws)
    path = ws.meeting_path(M1)
    good = ws.read_meeting(M1)
    path.write_bytes(path.read_bytes()[:150])
    truncated = path.read_bytes()

    report = doctor.check(ws.home)
    [problem] = report.problems
    assert problem.repair is not None and problem.repair.startswith("restore it from the snapshot of 2026-11-26 (saved ")
    result = doctor_cli(ws.home, "--repair", "--yes")
    assert result.code == 0, result.out + result.err
    assert f"{rel(M1)} is unreadable; restore it from the snapshot of 2026-11-26 (saved " in result.out
    assert "Checked again: No problems found." in result.out
    assert ws.read_meeting(M1) == good
    [kept] = ws.meetings_dir.glob(f"{M1}.json.broken-*")
    assert kept.read_bytes() == truncated
    assert f"kept as meetings/{kept.name}" in result.out
    # The kept copy is reported as information, not as a problem.
    assert doctor.check(ws.home).summary() == "No problems found."


def test_repair_without_yes_on_a_pipe_refuses_and_changes_nothing(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    take_snapshot(ws)
    path = ws.meeting_path(M1)
    path.write_bytes(path.read_bytes()[:150])
    (ws.meetings_dir / f".{M0}.json.tmp-{dead_pid()}-1").write_bytes(b"x")
    before = tree(ws.home)
    result = doctor_cli(ws.home, "--repair")
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "--yes" in lines[0] and "not a terminal" in lines[0], result.err
    assert tree(ws.home) == before


def test_repair_without_a_snapshot_copy_leaves_the_file(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    path = ws.meeting_path(M1)
    path.write_bytes(b"{")
    [problem] = doctor.check(ws.home).problems
    assert problem.repair is None and "no daily snapshot yet" in problem.message
    result = doctor_cli(ws.home, "--repair", "--yes")
    assert result.code == 1 and "Nothing for --repair to do." in result.out
    assert path.read_bytes() == b"{"


def test_snapshot_copy_must_be_readable_and_the_newest_such_is_used(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    take_snapshot(ws, "2026-11-24")
    path = ws.meeting_path(M1)
    path.write_bytes(path.read_bytes()[:100])
    take_snapshot(ws, "2026-11-25")  # holds the damaged copy: no use
    [problem] = doctor.check(ws.home).problems
    assert isinstance(problem.action, doctor.Restore) and problem.action.day == "2026-11-24"


def test_repair_never_touches_a_meeting_open_in_a_live_process(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    take_snapshot(ws)
    code = (
        "import sys\n"
        "from tandem.store.workspace import Workspace\n"
        f"writer = Workspace({str(ws.home)!r}).open_meeting({M1!r})\n"
        "print('ready', flush=True)\n"
        "sys.stdin.read()\n"
        "writer.close()\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        locked = ws.meeting_path(M1)
        locked.write_bytes(locked.read_bytes()[:120])  # damaged while open: still hands off
        newer = ws.meeting_path(M0)
        newer.write_bytes(newer.read_bytes().replace(CURRENT, b'"schema": 99'))
        (ws.home / "series.json").write_bytes(b"garbage")  # something doctor may repair
        holder = ws.meetings_dir / f"{M1}.holder"
        untouchable = {p: p.read_bytes() for p in (locked, newer, holder, ws.meetings_dir / f"{M1}.lock")}

        report = doctor.check(ws.home)
        open_line = [f for f in report if f.path == f"meetings/{M1}.holder"]
        assert open_line[0].level == doctor.OK
        assert f"Meeting {M1} is open for editing by PID {child.pid}" in open_line[0].message
        [damaged] = [f for f in report.problems if f.path == rel(M1)]
        assert damaged.action is None and "doctor repairs nothing while it is open" in damaged.message

        result = doctor_cli(ws.home, "--repair", "--yes")
        assert "Restored series.json" in result.out, result.out + result.err
        assert result.code == 1  # the open meeting and the newer file are still problems
        for path, data in untouchable.items():
            assert path.read_bytes() == data, path
        assert not list(ws.meetings_dir.glob("*.broken-*"))
        assert read_file(ws.home / "series.json") is not None
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=30)


def test_repair_api_asks_and_respects_no(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    take_snapshot(ws)
    path = ws.meeting_path(M2)
    path.write_bytes(b"")
    asked: list[str] = []

    def no(question: str) -> bool:
        asked.append(question)
        return False

    results = doctor.repair(doctor.check(ws.home), confirm=no)
    assert len(asked) == 1
    assert re.fullmatch(rf"{rel(M2)} is unreadable; restore it from the snapshot of 2026-11-26 \(saved [-0-9 :]+\)\?", asked[0])
    assert [(f.level, f.message) for f in results] == [("warning", f"Left {rel(M2)} as it is.")]
    assert path.read_bytes() == b""

    results = doctor.repair(doctor.check(ws.home), confirm=lambda q: True)
    assert results[0].level == doctor.OK and results[0].message.startswith(f"Restored {rel(M2)}")
    assert ws.read_meeting(M2).meeting.id == M2


def test_interactive_repair_asks_on_the_terminal(tmp_path: Path) -> None:
    pty = pytest.importorskip("pty")
    ws = build_linked(tmp_path / "ws")
    take_snapshot(ws)
    path = ws.meeting_path(M1)
    path.write_bytes(path.read_bytes()[:150])
    damaged = path.read_bytes()

    def run(answer: bytes) -> tuple[int, str]:
        primary, secondary = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "tandem", "--home", str(ws.home), "doctor", "--repair"],
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            close_fds=True,
        )
        os.close(secondary)
        seen = b""
        deadline = time.monotonic() + 60
        answered = False
        while time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(primary, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            if not answered and b"[y/N]" in seen:
                os.write(primary, answer + b"\n")
                answered = True
            if proc.poll() is not None and not ready:
                break
        proc.wait(timeout=30)
        os.close(primary)
        return proc.returncode, seen.decode(errors="replace")

    code, out = run(b"n")
    assert code == 1, out
    assert f"{rel(M1)} is unreadable; restore it from the snapshot of 2026-11-26" in out
    assert f"Left {rel(M1)} as it is." in out
    assert path.read_bytes() == damaged
    code, out = run(b"y")
    assert code == 0, out
    assert ws.read_meeting(M1).meeting.id == M1


# --- output --------------------------------------------------------------------------------------


def test_json_output_parses(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    path = ws.meeting_path(M1)
    path.write_bytes(path.read_bytes()[:100])
    (ws.meetings_dir / f".{M0}.json.tmp-{dead_pid()}-1").write_bytes(b"x")
    result = doctor_cli(ws.home, "--json")
    assert result.code == 1
    rows = json.loads(result.out)
    assert all(set(row) == {"level", "file", "message"} for row in rows)
    assert all(row["level"] in doctor.LEVELS for row in rows)
    levels = [row["level"] for row in rows]
    assert levels == sorted(levels, key=doctor.LEVELS.index)
    assert {"level": "problem", "file": rel(M1)} in [{k: r[k] for k in ("level", "file")} for r in rows]
    healthy = build_linked(tmp_path / "healthy")
    result = doctor_cli(healthy.home, "--json")
    assert result.code == 0 and all(row["level"] == "ok" for row in json.loads(result.out))


def test_report_groups_and_summary(tmp_path: Path) -> None:
    ws = build_linked(tmp_path / "ws")
    (ws.home / "content.json").write_bytes(b"[1, 2")
    (ws.home / f".content.json.tmp-{dead_pid()}-5").write_bytes(b"")
    result = doctor_cli(ws.home)
    assert result.code == 1
    out = result.out.splitlines()
    assert out.index("Problems") < out.index("Warnings") < out.index("Fine")
    assert out[-1] == "1 problem, 1 warning."
