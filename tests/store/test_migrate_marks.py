"""The upgrade check at start-up reads only the data files that changed since they were last
found in the current schema (``store/migrate.py``: ``SchemaMarks``); a file made old or too
new afterwards, however it was written, is still found, and a too-new one still refused."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import orjson
import pytest

from tandem.store import migrate
from tandem.store.atomic import SCHEMA_VERSION
from tandem.store.errors import NewerSchemaError
from tandem.store.index import entry as index_entry
from tandem.store.index import meetings as index_meetings
from tandem.store.layout import CACHE_DIR
from tandem.store.migrate import MARKS_FILE, migrate_workspace, outdated_files
from tandem.store.workspace import Workspace
from tandem.tui.home_data import read_home

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "workspace_schema1"
MEETING = "2026-11-24-weekly-smarketing-sync"
FILES = len(list(FIXTURE.rglob("*.json")))


@contextlib.contextmanager
def marked_at_once() -> Iterator[None]:
    """Marks kept whatever the workspace's size, for files however recently changed (the
    tests change each file's change time, see ``changed``)."""
    with mock.patch.object(index_meetings, "PERSIST_FROM", 0), mock.patch.object(index_entry, "RACY_NS", -(10**12)):
        yield


@contextlib.contextmanager
def headers_read() -> Iterator[list[str]]:
    """The data files whose header the check reads (by name)."""
    seen: list[str] = []
    real = migrate.schema_of

    def counted(path: Path) -> tuple[int | None, dict | None]:
        seen.append(path.name)
        return real(path)

    with mock.patch.object(migrate, "schema_of", counted):
        yield seen


def changed(path: Path, before: os.stat_result) -> None:
    """Wait until ``path``'s change time differs from ``before``'s (a clock that ticks
    coarsely can give two writes the same)."""
    while os.stat(path).st_ctime_ns == before.st_ctime_ns:
        time.sleep(0.002)
        st = os.stat(path)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def in_place(path: Path, raw: bytes, *, keep_mtime: bool = False) -> None:
    """Another program writing the file itself (``cp`` over it, an editor): same inode."""
    before = os.stat(path)
    with open(path, "r+b") as f:
        f.truncate(0)
        f.write(raw)
    if keep_mtime:  # cp -p, touch -r
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    changed(path, before)


@pytest.fixture
def upgraded(tmp_path: Path) -> Path:
    """A workspace upgraded from the old fixture, every file in the current schema, marked."""
    home = tmp_path / "ws"
    shutil.copytree(FIXTURE, home, ignore=shutil.ignore_patterns("README.md"))
    with marked_at_once():
        assert len(migrate_workspace(Workspace(home)).upgraded) == FILES
        assert outdated_files(Workspace(home)) == []
    return home


def test_unchanged_files_are_not_read_again(upgraded: Path) -> None:
    marks = orjson.loads((upgraded / CACHE_DIR / MARKS_FILE).read_bytes())
    assert marks["schema"] == SCHEMA_VERSION
    assert set(marks["files"]) == {p.relative_to(upgraded).as_posix() for p in Workspace(upgraded).data_files()}
    with marked_at_once(), headers_read() as seen:
        assert outdated_files(Workspace(upgraded)) == []
    assert seen == []


@pytest.mark.parametrize("how", ["in place", "in place, old mtime", "renamed over", "shared file"])
def test_a_file_made_old_after_it_was_marked_is_upgraded(upgraded: Path, how: str) -> None:
    name = "content.json" if how == "shared file" else f"meetings/{MEETING}.json"
    path, old = upgraded / name, (FIXTURE / name).read_bytes()
    if how == "renamed over":  # a git checkout, a sync tool
        incoming = path.with_name("incoming.tmp")
        incoming.write_bytes(old)
        os.replace(incoming, path)
    else:
        in_place(path, old, keep_mtime=how.endswith("mtime"))
    with marked_at_once(), headers_read() as seen:
        assert outdated_files(Workspace(upgraded)) == [(path, 1, "content" if how == "shared file" else "meeting")]
        result = migrate_workspace(Workspace(upgraded))
    assert seen == [path.name, path.name]  # the one changed file, nothing else
    assert result.upgraded == [path]
    assert orjson.loads(path.read_bytes())["_tandem"]["schema"] == SCHEMA_VERSION


def test_a_file_made_too_new_after_it_was_marked_is_refused_as_before(upgraded: Path) -> None:
    path = upgraded / "meetings" / f"{MEETING}.json"
    data = orjson.loads(path.read_bytes())
    data["_tandem"]["schema"] = SCHEMA_VERSION + 1
    in_place(path, orjson.dumps(data), keep_mtime=True)
    raw = path.read_bytes()
    with marked_at_once():
        assert outdated_files(Workspace(upgraded)) == []
        assert migrate_workspace(Workspace(upgraded)).sentence() == ""
    assert path.read_bytes() == raw  # never overwritten
    with pytest.raises(NewerSchemaError) as marked:
        read_home(Workspace(upgraded))
    shutil.rmtree(upgraded / CACHE_DIR)
    with pytest.raises(NewerSchemaError) as unmarked:
        read_home(Workspace(upgraded))
    # Home says the same one sentence naming the file, with the marks or without them.
    assert str(marked.value) == str(unmarked.value) and str(path) in str(marked.value)


@pytest.mark.parametrize(
    "damage",
    [b"{", b"", b"[]", b'{"format": 1, "schema": 999, "files": {}}', b'{"format": 2, "files": {}}', b'{"format": 1, "schema": 4, "files": []}'],
)
def test_damaged_or_foreign_marks_are_ignored_and_rewritten(upgraded: Path, damage: bytes) -> None:
    marks = upgraded / CACHE_DIR / MARKS_FILE
    marks.write_bytes(damage)
    path = upgraded / "series.json"
    in_place(path, (FIXTURE / "series.json").read_bytes())
    with marked_at_once(), headers_read() as seen:
        assert [p for p, _, _ in outdated_files(Workspace(upgraded))] == [path]
    assert len(seen) == len(Workspace(upgraded).data_files())  # every header read, no error
    assert orjson.loads(marks.read_bytes())["schema"] == SCHEMA_VERSION


def test_marks_of_other_signatures_are_not_believed(upgraded: Path) -> None:
    """Marks planted by a synced folder or another machine name the files, but not their
    inodes and change times."""
    marks = upgraded / CACHE_DIR / MARKS_FILE
    planted = orjson.loads(marks.read_bytes())
    for name in planted["files"]:
        shutil.copy2(FIXTURE / name, upgraded / name)  # old files, their times copied too
        planted["files"][name][0] = os.stat(upgraded / name).st_mtime_ns
    marks.write_bytes(orjson.dumps(planted))
    with marked_at_once():
        assert len(outdated_files(Workspace(upgraded))) == FILES


def test_a_small_workspace_gets_no_cache_folder(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    shutil.copytree(FIXTURE, home, ignore=shutil.ignore_patterns("README.md"))
    with mock.patch.object(index_entry, "RACY_NS", -(10**12)):
        migrate_workspace(Workspace(home))
        assert outdated_files(Workspace(home)) == []
    assert not (home / CACHE_DIR).exists()


def test_a_cache_folder_leading_out_of_the_workspace_is_left_alone(upgraded: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(upgraded / CACHE_DIR, elsewhere)
    (upgraded / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    before = {p.name: p.read_bytes() for p in elsewhere.iterdir()}
    in_place(upgraded / "series.json", (FIXTURE / "series.json").read_bytes())
    with marked_at_once(), headers_read() as seen:
        assert len(outdated_files(Workspace(upgraded))) == 1
    assert len(seen) == len(Workspace(upgraded).data_files())  # the marks there not believed
    assert {p.name: p.read_bytes() for p in elsewhere.iterdir()} == before  # nor written


def test_files_changed_in_the_last_seconds_are_not_marked(tmp_path: Path) -> None:
    """Within a tick of the file system's clock a rewrite can keep a file's times."""
    home = tmp_path / "ws"
    shutil.copytree(FIXTURE, home, ignore=shutil.ignore_patterns("README.md"))
    with mock.patch.object(index_meetings, "PERSIST_FROM", 0):
        migrate_workspace(Workspace(home))
        assert outdated_files(Workspace(home)) == []
        with headers_read() as seen:
            outdated_files(Workspace(home))
    assert len(seen) == len(Workspace(home).data_files())


def test_a_same_size_rewrite_with_its_old_modification_time_is_found(upgraded: Path) -> None:
    """Only the change time (and the inode, for a file renamed over) tells this one apart."""
    path = upgraded / "meetings" / f"{MEETING}.json"
    raw = path.read_bytes()
    older = raw.replace(b'"schema": %d' % SCHEMA_VERSION, b'"schema": %d' % (SCHEMA_VERSION - 1), 1)
    assert len(older) == len(raw) and older != raw
    in_place(path, older, keep_mtime=True)
    with marked_at_once():
        assert outdated_files(Workspace(upgraded)) == [(path, SCHEMA_VERSION - 1, "meeting")]
