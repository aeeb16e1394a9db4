"""Schema 5, the git-friendly format: each record stored under its own id with an order
number, files pretty-printed with sorted keys. A schema-4 workspace
(tests/fixtures/workspace_schema4) upgrades keeping every record, in the same order; an
edit of one record changes only its lines; two clones editing different records of one
file merge with plain ``git pull``."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import orjson
import pytest

from tandem.store import atomic
from tandem.store.atomic import SCHEMA_VERSION, decode, encode, read_file
from tandem.store.errors import CorruptFileError, ValidationError
from tandem.store.index.shared import SharedFiles
from tandem.store.layout import CACHE_DIR
from tandem.store.migrate import migrate_workspace, outdated_files, schema_of
from tandem.store.records import ActionItem, AgendaItem, Meeting, Objective, Series
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.tables import SEQ, RecordDB, rekey_counter_ids
from tandem.store.upkeep import doctor
from tandem.store.upkeep.backup import backup, restore
from tandem.store.workspace import Workspace

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "workspace_schema4"
MEETING = "2026-12-03-pipeline-content-review"


@pytest.fixture
def old_home(tmp_path: Path) -> Path:
    home = tmp_path / "schema 4"
    shutil.copytree(FIXTURE, home, ignore=shutil.ignore_patterns("README.md"))
    return home


def data_files(home: Path) -> list[Path]:
    return sorted(p for p in home.rglob("*.json") if "backups" not in p.parts and "snapshots" not in p.parts)


def counter_order(raw: bytes) -> dict[str, list[dict[str, Any]]]:
    """A schema-4 file's records per table in TinyDB counter order, read without tandem."""
    data = orjson.loads(raw)
    return {name: [doc for _, doc in sorted(docs.items(), key=lambda kv: int(kv[0]))] for name, docs in data.items() if name != "_tandem"}


def kept_order(raw: bytes) -> dict[str, list[dict[str, Any]]]:
    """A schema-5 file's records per table by order number then key, the number taken off."""
    data = orjson.loads(raw)
    out = {}
    for name, docs in data.items():
        if name != "_tandem":
            rows = sorted(docs.items(), key=lambda kv: (kv[1][SEQ], kv[0]))
            out[name] = [{k: v for k, v in doc.items() if k != SEQ} for _, doc in rows]
    return out


def everything(ws: Workspace) -> dict[str, Any]:
    """Every record as the API lists them, in its order."""
    return {
        "info": ws.info(),
        "shared": {name: [r.to_dict() for r in getattr(ws, name).all()] for name in ("series", "objectives", "content", "insights", "shadow_days")},
        "meetings": {
            rec.meeting.id: {name: [x.to_dict() for x in getattr(rec, name)] for name in ("agenda", "lead_feedback", "decisions", "actions", "parking_lot")}
            | {"meeting": rec.meeting.to_dict()}
            for rec in ws.iter_meeting_records()
        },
    }


# --- the upgrade 4 → 5 --------------------------------------------------------------------------


def test_the_fixture_is_schema_4_with_counter_ids() -> None:
    files = data_files(FIXTURE)
    assert len(files) == 6 + 8
    for path in files:
        raw = path.read_bytes()
        assert orjson.loads(raw)["_tandem"]["schema"] == 4
        assert b"\n" not in raw  # one line of compact JSON
        tables = {name: docs for name, docs in orjson.loads(raw).items() if name != "_tandem"}
        assert all(key.isdigit() for docs in tables.values() for key in docs)
    assert schema_of(files[0]) == (4, None)  # the fast probe reads the compact header


def test_a_schema_4_workspace_upgrades_keeping_every_record_in_order(old_home: Path) -> None:
    before = {p.relative_to(old_home).as_posix(): p.read_bytes() for p in data_files(old_home)}
    listed = everything(Workspace(old_home, read_only=True))  # migrated in memory, as a reader sees it
    assert sum(len(rows) for tables in listed["meetings"].values() for rows in tables.values()) > 100

    ws = Workspace(old_home)
    assert len(outdated_files(ws)) == len(before)
    result = migrate_workspace(ws)
    assert len(result.upgraded) == len(before) and not result.skipped

    # The backup holds every old file byte for byte.
    assert result.backup is not None and result.backup.name.startswith(f"before-schema-{SCHEMA_VERSION}-from-4-")
    with zipfile.ZipFile(result.backup) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == before

    for name, old in before.items():
        raw = (old_home / name).read_bytes()
        assert schema_of(old_home / name) == (SCHEMA_VERSION, None)  # the fast probe reads the pretty header
        # Every record, field for field, in the order the counter gave it.
        assert kept_order(raw) == counter_order(old), name
        # Each under its own id; the workspace's one document keeps its key.
        for table, docs in orjson.loads(raw).items():
            if table == "workspace":
                assert list(docs) == ["1"]
            elif table != "_tandem":
                assert all(key == doc["id"] for key, doc in docs.items()), (name, table)
        # Written as this tandem writes every file: pretty, sorted, a final newline.
        assert raw == encode(decode(raw, old_home / name), orjson.loads(raw)["_tandem"]["kind"])
        assert raw.endswith(b"}\n") and raw.count(b"\n") > 10

    after = Workspace(old_home)
    assert everything(after) == listed
    assert not [f for f in doctor.check(old_home) if f.level == doctor.PROBLEM]
    data = WorkspaceSource(old_home).load()
    assert len(data.meetings) == 8 and not data.problems
    assert migrate_workspace(after).sentence() == ""


def test_the_first_write_to_a_schema_4_workspace_backs_up_then_upgrades_that_file(old_home: Path) -> None:
    path = old_home / "meetings" / f"{MEETING}.json"
    old = counter_order(path.read_bytes())
    ws = Workspace(old_home)
    with ws.open_meeting(MEETING, allow_finalized=True) as writer:
        writer.actions.add(ActionItem(id="added-after", text="Written by schema 5", meeting_id=MEETING))
    (kept,) = (old_home / "backups").glob("before-schema-5-from-4-*.zip")
    with zipfile.ZipFile(kept) as archive:
        assert archive.read(f"meetings/{MEETING}.json") == (FIXTURE / "meetings" / f"{MEETING}.json").read_bytes()
    now = kept_order(path.read_bytes())
    assert now["actions"][:-1] == old["actions"] and now["actions"][-1]["id"] == "added-after"
    assert {k: v for k, v in now.items() if k != "actions"} == {k: v for k, v in old.items() if k != "actions"}
    assert [a.id for a in ws.read_meeting(MEETING).actions][-1] == "added-after"


def test_a_schema_4_backup_archive_restores(old_home: Path, tmp_path: Path) -> None:
    files = {p.relative_to(old_home).as_posix(): {k: v for k, v in orjson.loads(p.read_bytes()).items() if k != "_tandem"} for p in data_files(old_home)}
    archive = tmp_path / "old-backup.json"
    archive.write_bytes(orjson.dumps({"format": "tandem-backup", "schema": 4, "tandem": "0.4", "files": files}))
    target = Workspace(tmp_path / "restored")
    restore(target, archive)
    assert everything(target) == everything(Workspace(old_home, read_only=True))
    assert {schema_of(p)[0] for p in data_files(target.home)} == {SCHEMA_VERSION}


def test_the_counter_order_survives_the_rekeying() -> None:
    docs = {
        "10": {"id": "kkk", "text": "tenth"},
        "2": {"id": "zzz", "text": "second"},
        "9": {"id": "aaa", "text": "ninth"},
        "11": {"id": "aaa", "text": "same id again"},
        "12": {"text": "no id at all"},
        "13": {"id": "2", "text": "an id that is another document's counter"},
        "14": [1, 2],
    }
    out = rekey_counter_ids({"t": docs, "draft": {"meeting_id": "m", "kind": "notes", "values": {"a": "b"}}, "odd": [1]})
    assert out["draft"] == {"meeting_id": "m", "kind": "notes", "values": {"a": "b"}}  # no table of documents
    assert out["odd"] == [1]
    table = out["t"]
    assert len(table) == len(docs)  # nothing dropped
    assert list(table) == ["zzz", "aaa", "kkk", "11", "12", "13", "14"]
    assert [table[k][SEQ] for k in ("zzz", "aaa", "kkk", "11", "12", "13")] == [2, 9, 10, 11, 12, 13]
    assert table["14"] == [1, 2]


# --- the order number -----------------------------------------------------------------------


def test_records_are_keyed_by_id_and_listed_in_insertion_order(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    for rid in ("zeta", "alpha", "mu"):
        ws.objectives.add(Objective(id=rid, title=rid, metric="SQLs", target=1))
    ws.objectives.delete("mu")
    ws.objectives.add(Objective(id="beta", title="beta", metric="SQLs", target=1))
    ws.objectives.update(ws.objectives.get("zeta").replace(title="Zeta, renamed"))
    ws.objectives.upsert(Objective(id="gamma", title="gamma", metric="SQLs", target=1))
    assert [o.id for o in ws.objectives.all()] == ["zeta", "alpha", "beta", "gamma"]
    docs = orjson.loads((ws.home / "objectives.json").read_bytes())["objectives"]
    assert {k: d[SEQ] for k, d in docs.items()} == {"zeta": 1, "alpha": 2, "beta": 3, "gamma": 4}
    assert all(k == d["id"] for k, d in docs.items())
    assert ws.objectives.get("zeta").title == "Zeta, renamed"
    with pytest.raises(ValidationError, match="already exists"):
        ws.objectives.add(Objective(id="alpha", title="again", metric="SQLs", target=1))


def test_equal_order_numbers_are_settled_by_key_and_a_missing_one_counts_as_zero(tmp_path: Path) -> None:
    # Two clones that each add a record give both the same number.
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="first", title="First"))
    path = ws.home / "series.json"
    tables = read_file(path)
    assert tables is not None
    tables["series"]["zz-theirs"] = {"id": "zz-theirs", "title": "Theirs", SEQ: 2}
    tables["series"]["aa-ours"] = {"id": "aa-ours", "title": "Ours", SEQ: 2}
    tables["series"]["typed-by-hand"] = {"id": "typed-by-hand", "title": "No number"}
    path.write_bytes(encode(tables, "series"))
    assert [s.id for s in ws.series.all()] == ["typed-by-hand", "first", "aa-ours", "zz-theirs"]
    ws.series.add(Series(id="next", title="Next"))
    assert orjson.loads(path.read_bytes())["series"]["next"][SEQ] == 3
    assert [s.id for s in ws.series.all()][-1] == "next"


def test_a_bad_order_number_names_the_file(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="first", title="First"))
    path = ws.home / "series.json"
    tables = read_file(path)
    assert tables is not None
    tables["series"]["first"][SEQ] = "1"
    path.write_bytes(encode(tables, "series"))
    with pytest.raises(CorruptFileError, match="order number") as caught:
        ws.series.all()
    assert caught.value.path == path
    problems = [f for f in doctor.check(ws.home) if f.level == doctor.PROBLEM]
    assert len(problems) == 1 and "series.json" in problems[0].message and "order number" in problems[0].message


def test_the_order_number_never_reaches_a_record() -> None:
    doc = {"id": "s", "title": "T", SEQ: 7}
    assert Series.from_dict(doc).to_dict() == {"id": "s", "title": "T", "cadence": "weekly", "default_template": "", "description": ""}
    assert doc[SEQ] == 7  # the caller's dict is left as it was
    full = Series(id="s", title="T").to_dict()
    assert Series.trusted({**full, SEQ: 3}) == Series(id="s", title="T")
    with pytest.raises(ValidationError, match="unknown field '_other'"):
        Series.from_dict({**doc, "_other": 1})


def test_a_shared_file_validated_once_is_trusted_with_its_order_numbers(old_home: Path) -> None:
    migrate_workspace(Workspace(old_home))
    (old_home / CACHE_DIR).mkdir()
    ws = Workspace(old_home)
    first = SharedFiles(old_home)
    listed = first.all(ws.insights)
    assert first.validated == 1 and len(listed) > 1
    again = SharedFiles(old_home)
    assert again.all(ws.insights) == listed and again.validated == 0


def test_a_record_table_takes_its_keys_from_the_ids(tmp_path: Path) -> None:
    db = RecordDB(tmp_path / "x.json", storage=atomic.AtomicStorage, kind="data")
    table = db.table("rows", cache_size=0)
    assert table.insert_multiple([{"id": "b"}, {"id": "a"}]) == ["b", "a"]
    assert table.insert({"id": "c"}) == "c"
    assert table.get(doc_id="a") == {"id": "a", SEQ: 2}
    with pytest.raises(ValidationError, match="has none"):
        table.insert({"text": "no id"})


# --- git ---------------------------------------------------------------------------------------


def test_an_edit_of_one_record_changes_only_its_lines(old_home: Path) -> None:
    migrate_workspace(Workspace(old_home))
    path = old_home / "meetings" / f"{MEETING}.json"
    before = path.read_text().splitlines()
    ws = Workspace(old_home)
    with ws.open_meeting(MEETING, allow_finalized=True) as writer:
        action = writer.actions.all()[0]
        writer.actions.update(action.replace(owner="Someone Else"))
    after = path.read_text().splitlines()
    changed = [line for line in difflib.unified_diff(before, after, lineterm="", n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == [f'-      "owner": {orjson.dumps(action.owner).decode()},', '+      "owner": "Someone Else",']


def test_a_whole_meeting_save_keeps_the_order_numbers_it_found(old_home: Path) -> None:
    # A live meeting saves the whole file every few seconds: a record it did not change
    # keeps its lines, though numbers are missing (a deleted record) or shared (a merge).
    migrate_workspace(Workspace(old_home))
    ws = Workspace(old_home)
    path = old_home / "meetings" / f"{MEETING}.json"
    with ws.open_meeting(MEETING, allow_finalized=True) as writer:
        # The fixture predates the meeting's claim: its first save adds that one line (as
        # every field added since schema 1 arrived), so the file is settled first.
        writer.write_all(writer.read())
        writer.lead_feedback.delete(writer.lead_feedback.all()[0].id)
        before = path.read_text().splitlines()
        record = writer.read()
        old_notes = record.agenda[-1].notes
        record.agenda[-1] = record.agenda[-1].replace(notes="Said in the live meeting")
        writer.write_all(record)
        after = path.read_text().splitlines()
        changed = [line for line in difflib.unified_diff(before, after, lineterm="", n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")]
        assert changed == [f'-      "notes": {orjson.dumps(old_notes).decode()},', '+      "notes": "Said in the live meeting",']
        # A record added in memory comes after the others, saved once or many times.
        record.actions.append(ActionItem(id="live-1", text="Captured live", meeting_id=MEETING))
        writer.write_all(record)
        writer.actions.add(ActionItem(id="added-between", text="Through the table", meeting_id=MEETING))
        record.actions.append(ActionItem(id="added-between", text="Through the table", meeting_id=MEETING))
        record.actions.append(ActionItem(id="live-2", text="Captured later", meeting_id=MEETING))
        writer.write_all(record)
    ids = [a.id for a in ws.read_meeting(MEETING).actions]
    assert ids[-3:] == ["live-1", "added-between", "live-2"]
    seqs = {k: d[SEQ] for k, d in orjson.loads(path.read_bytes())["actions"].items()}
    assert len(set(seqs.values())) == len(seqs)


def test_a_whole_meeting_save_over_a_file_it_cannot_read_replaces_it_as_before(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="s", title="S"))
    ws.create_meeting(Meeting(id="2026-01-05-s", series_id="s", title="S", date="2026-01-05"), [AgendaItem(id="i0", title="Item", position=0)])
    path = ws.meeting_path("2026-01-05-s")
    with ws.open_meeting("2026-01-05-s") as writer:
        record = writer.read()
        path.write_bytes(b"")  # emptied behind the writer's back
        writer.write_all(record)
    assert ws.read_meeting("2026-01-05-s") == record


GIT = shutil.which("git")


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HOME": str(cwd.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Tester",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "Tester",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "pull.rebase=false", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )


def commit_data(clone: Path, message: str) -> None:
    git(clone, "add", "--", *[p.relative_to(clone).as_posix() for p in data_files(clone)])
    git(clone, "commit", "-q", "-m", message)


@pytest.mark.skipif(GIT is None, reason="needs the git binary")
def test_two_clones_editing_different_records_of_one_file_merge_with_plain_git(tmp_path: Path) -> None:
    remote = tmp_path / "team.git"
    remote.mkdir()
    git(remote, "init", "-q", "--bare")
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    git(tmp_path, "clone", "-q", str(remote), str(ours))
    shutil.copytree(FIXTURE, ours, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
    migrate_workspace(Workspace(ours))
    commit_data(ours, "the workspace")
    git(ours, "push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", str(remote), str(theirs))

    # Each clone changes another agenda item of the same meeting (the first and the last
    # in the file) and adds an action item (their ids sort first and last in the file).
    path = Path("meetings") / f"{MEETING}.json"
    keys = sorted(orjson.loads((ours / path).read_bytes())["agenda"])
    for clone, key, action_id in ((ours, keys[0], "0000ours0000"), (theirs, keys[-1], "zzzztheirszz")):
        ws = Workspace(clone)
        with ws.open_meeting(MEETING, allow_finalized=True) as writer:
            item = writer.agenda.get(key)
            writer.agenda.update(item.replace(notes=f"Notes from {clone.name}"))
            writer.actions.add(ActionItem(id=action_id, text=f"Added in {clone.name}", meeting_id=MEETING))
        commit_data(clone, f"{clone.name}: notes")
    git(theirs, "push", "-q", "origin", "main")

    pulled = git(ours, "pull", "-q", "--no-edit", "origin", "main")  # a plain merge: no rebase, no tandem
    assert "CONFLICT" not in pulled.stdout + pulled.stderr
    raw = (ours / path).read_bytes()
    assert b"<<<<<<<" not in raw and b">>>>>>>" not in raw
    record = Workspace(ours).read_meeting(MEETING)
    notes = {item.id: item.notes for item in record.agenda}
    assert notes[keys[0]] == "Notes from ours" and notes[keys[-1]] == "Notes from theirs"
    # Both added at once got the same order number: the key settles it, on every clone.
    assert [a.id for a in record.actions][-2:] == ["0000ours0000", "zzzztheirszz"]
    git(ours, "push", "-q", "origin", "main")
    git(theirs, "pull", "-q", "--no-edit", "origin", "main")
    assert (theirs / path).read_bytes() == raw
    assert not [f for f in doctor.check(ours) if f.level == doctor.PROBLEM]


def test_a_backup_of_a_schema_5_workspace_round_trips(tmp_path: Path, old_home: Path) -> None:
    migrate_workspace(Workspace(old_home))
    archive = tmp_path / "backup.json"
    backup(Workspace(old_home), archive)
    copy = Workspace(tmp_path / "copy")
    restore(copy, archive)
    assert everything(copy) == everything(Workspace(old_home))
    assert {p.relative_to(copy.home): p.read_bytes() for p in data_files(copy.home)} == {p.relative_to(old_home): p.read_bytes() for p in data_files(old_home)}


def test_a_new_meeting_file_is_keyed_by_ids(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="s", title="S"))
    ws.create_meeting(
        Meeting(id="2026-01-05-s", series_id="s", title="S", date="2026-01-05"), [AgendaItem(id=f"i{n}", title=f"Item {n}", position=n) for n in range(3)]
    )
    tables = orjson.loads(ws.meeting_path("2026-01-05-s").read_bytes())
    assert list(tables["meeting"]) == ["2026-01-05-s"]
    assert {k: d[SEQ] for k, d in tables["agenda"].items()} == {"i0": 1, "i1": 2, "i2": 3}
