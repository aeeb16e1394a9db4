"""Review: defects found in the store (templates, records, backup/restore, locks, workspace)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import build_sample, first_doc

from tandem.store import locks
from tandem.store.errors import TandemError, ValidationError
from tandem.store.records import ActionItem, Meeting, Objective, ShadowDay
from tandem.store.templates import parse_template
from tandem.store.upkeep.backup import backup, restore
from tandem.store.workspace import Workspace

# --- templates -------------------------------------------------------------------------


def test_a_long_line_in_a_template_parses_in_linear_time() -> None:
    # The key: value pattern backtracked quadratically over runs of blanks: a 256 KB
    # template (the allowed maximum) kept `tandem templates list` busy for about a minute.
    for entry in ("a" + " " * 100_000 + "x", "note: x" + " " * 100_000 + "y"):
        text = f"# T\n\n## Item\n- timebox: 5\n- {entry}\n"
        start = time.perf_counter()
        template, problems = parse_template(text, template_id="t")
        assert time.perf_counter() - start < 1.0
        assert problems == [] and template is not None
        assert template.items[0].prompts == (entry,)


def test_key_value_entries_still_parse() -> None:
    text = "# T\n- Kind :  review \n\n## Item\n- TimeBox: 1h 30min\n- presenter:sales\n- What: is a prompt with a colon?\n"
    template, problems = parse_template(text, template_id="t")
    assert problems == [] and template is not None
    assert template.kind == "review"
    item = template.items[0]
    assert (item.timebox_min, item.presenter_team) == (90, "sales")
    assert item.prompts == ("What: is a prompt with a colon?",)


# --- records ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2026-W48-4", "20261126"])
def test_dates_must_be_written_yyyy_mm_dd(value: str) -> None:
    # Python's date.fromisoformat also reads week dates ("2026-W48-4", ten characters):
    # they sorted wrongly and named minutes files "2026-W48-4_<series>.md".
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        ActionItem(id="a", text="t", due=value)
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        Meeting(id="m", series_id="s", title="t", date=value)


@pytest.mark.parametrize(
    ("kind", "doc"),
    [
        (Objective, {"id": "o", "title": "t", "metric": "m", "target": 1, "checkins": {"date": "2026-11-26", "value": 1, "status": "met"}}),
        (ShadowDay, {"id": "s", "shadow": "a", "host": "b", "direction": "sales_to_marketing", "date": "2026-11-26", "activities": {"title": "x"}}),
        (Meeting, {"id": "m", "series_id": "s", "title": "t", "date": "2026-11-26", "attendees": {"name": "x"}}),
    ],
)
def test_a_list_of_records_must_be_a_list(kind: type, doc: dict) -> None:
    # One object where a list belongs was accepted; the minutes then failed with
    # "TypeError: 'CheckIn' object is not iterable".
    with pytest.raises(ValidationError):
        kind.from_dict(doc)


# --- backup and restore ------------------------------------------------------------------


def _archive(tmp_path: Path) -> tuple[Path, dict]:
    ws = build_sample(tmp_path / "ws")
    path = tmp_path / "backup.json"
    backup(ws, path)
    return path, json.loads(path.read_text())


def _mutate_first_meeting(data: dict, new_id: str) -> None:
    name = next(n for n in sorted(data["files"]) if n.startswith("meetings/"))
    tables = data["files"].pop(name)
    first_doc(tables["meeting"])["id"] = new_id
    data["files"][f"meetings/{new_id}.json"] = tables


@pytest.mark.parametrize(
    "damage",
    ["backslash in a meeting id", "NUL in a meeting id", "non-ASCII digits as a document id", "checkins not a list"],
)
def test_restore_refuses_what_it_could_not_read_back_and_writes_nothing(tmp_path: Path, damage: str) -> None:
    _path, data = _archive(tmp_path)
    if damage == "backslash in a meeting id":
        _mutate_first_meeting(data, "a\\b")  # restored fine, then every `tandem list` failed
    elif damage == "NUL in a meeting id":
        _mutate_first_meeting(data, "zz\x00")  # crashed half way, after writing other files
    elif damage == "non-ASCII digits as a document id":
        table = data["files"]["series.json"]["series"]
        table["\u00b2"] = table.pop(next(iter(table)))  # a key is a record id: letters and ASCII digits
    else:
        data["files"]["objectives.json"] = {
            "objectives": {
                "1": {
                    "id": "o",
                    "title": "t",
                    "metric": "m",
                    "target": 1,
                    "checkins": {"date": "2026-11-26", "value": 1, "status": "met"},
                }
            }
        }
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    target = Workspace(tmp_path / "target")
    with pytest.raises(TandemError, match=r"bad\.json"):
        restore(target, bad)
    assert not target.home.exists() or not any(target.home.rglob("*.json"))


def test_backup_refuses_a_workspace_that_restore_would_refuse(tmp_path: Path) -> None:
    # Copying a meeting file under another name gave a backup that exited 0 and could
    # never be restored ("does not hold meeting ...").
    ws = build_sample(tmp_path / "ws")
    source = ws.meetings_dir / "2026-11-12-weekly-smarketing-sync.json"
    (ws.meetings_dir / "copy-of-a-meeting.json").write_bytes(source.read_bytes())
    target = tmp_path / "backup.json"
    with pytest.raises(TandemError, match="copy-of-a-meeting"):
        backup(ws, target)
    assert not target.exists()


# --- locks and the workspace ---------------------------------------------------------------


def test_a_failed_holder_write_releases_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Disk full (or a read-only folder) while writing the .holder file left the lock taken.
    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    lock = locks.WriterLock(tmp_path / "m.lock", subject="m")
    monkeypatch.setattr(locks, "atomic_write_bytes", disk_full)
    with pytest.raises(OSError):
        lock.acquire()
    assert not lock.is_locked


def test_create_meeting_never_overwrites_one_created_meanwhile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The "already exists" check ran before taking the lock: a meeting created by another
    # facilitator in between was silently replaced.
    ws = Workspace(tmp_path / "ws")
    theirs = Meeting(id="2026-11-26-sync", series_id="sync", title="Theirs", date="2026-11-26")
    ours = theirs.replace(title="Ours")
    real_open = ws.open_meeting

    def open_after_the_other_one(meeting_id: str, **kwargs: object):  # type: ignore[no-untyped-def]
        Workspace(ws.home).create_meeting(theirs)  # another process wins the race
        return real_open(meeting_id, **kwargs)

    monkeypatch.setattr(ws, "open_meeting", open_after_the_other_one)
    with pytest.raises(ValidationError, match="already exists"):
        ws.create_meeting(ours)
    assert ws.get_meeting(theirs.id).title == "Theirs"


def test_a_failed_write_names_the_file_not_its_temp_file(tmp_path: Path) -> None:
    from tandem.store.atomic import atomic_write_bytes

    target = tmp_path / "no-such-folder" / "minutes.md"
    with pytest.raises(FileNotFoundError) as info:
        atomic_write_bytes(target, b"x")
    assert info.value.filename == str(target)


def test_a_workspace_whose_first_write_is_a_meeting_is_0700(tmp_path: Path) -> None:
    # create_meeting made meetings/ with parents=True: the workspace folder itself got the
    # umask's mode (0755, or 0777 under umask 0), not 0700.
    import os

    old = os.umask(0)
    try:
        ws = Workspace(tmp_path / "new" / "ws")
        ws.create_meeting(Meeting(id="m", series_id="s", title="T", date="2026-11-26"))
    finally:
        os.umask(old)
    for folder in (ws.home, ws.meetings_dir, tmp_path / "new"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
