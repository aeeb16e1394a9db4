"""Review's search scans every meeting's text from a file in the cache folder, a chunk at a
time, instead of holding it in memory: it finds what a search of every meeting's lines in
memory finds, whatever state the file is in (missing, damaged, behind the meetings, not
writable), and memory no longer grows with the text. Review's first screen reads the newest
meeting files alone (``WorkspaceSource.preview``)."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import shutil
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from tandem.store.demo import seed_demo
from tandem.store.index import meetings as index_meetings
from tandem.store.layout import CACHE_DIR
from tandem.store.minutes.render import Shared, render_minutes
from tandem.store.records import AgendaItem, Meeting, Series
from tandem.store.review import scan
from tandem.store.review.from_workspace import WorkspaceSource, search_lines, shared_lines
from tandem.store.review.model import SearchHit
from tandem.store.review.search import SearchIndex
from tandem.store.workspace import Workspace

#: Words of the demo's notes, names, series titles (Weekly, sync), the shared files' lines
#: (a takeaway, a check-in comment), characters a fold changes, and words found nowhere.
QUERIES = [
    "pipeline",
    "lead quality",
    "weekly",
    "weekly sync",
    "EMEA",
    "maya",
    "—",
    "·",
    "a",
    "e",
    '"security review"',
    "no such word anywhere",
    "sync zzzzqq",
]


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("scan") / "ws"
    seed_demo(Workspace(home))
    return home


@pytest.fixture
def home(demo_home: Path, tmp_path: Path) -> Path:
    """A copy of the demo to change, without its cache folder."""
    target = tmp_path / "ws"
    shutil.copytree(demo_home, target, ignore=shutil.ignore_patterns(CACHE_DIR))
    return target


@contextlib.contextmanager
def scan_file_at_any_size(chunk: int = scan.CHUNK) -> Iterator[None]:
    """The cache files written for a workspace of any size (the demo's 40 meetings are below
    the size the index persists from), read ``chunk`` bytes at a time."""
    with mock.patch.object(index_meetings, "PERSIST_FROM", 0), mock.patch.object(scan, "CHUNK", chunk):
        yield


def reference(home: Path, queries: list[str]) -> dict[str, list[SearchHit]]:
    """What search finds with every meeting's lines held in memory, as review searched
    before the scan file: the meeting's own lines, its series' title, the shared files'
    lines of it."""
    ws = Workspace(home, read_only=True)
    titles = {s.id: s.title for s in ws.series.all()}
    extra = shared_lines(Shared(objectives=ws.objectives.all(), shadow_days=ws.shadow_days.all()))
    index = SearchIndex()
    for meeting_id in ws.meeting_ids():
        record = ws.read_meeting(meeting_id)
        index.put(meeting_id, None, search_lines(record, titles.get(record.meeting.series_id, record.meeting.series_id), extra.get(meeting_id, ())))
    return {query: index.search(query) for query in queries}


def searched(source: WorkspaceSource, queries: list[str]) -> dict[str, list[SearchHit]]:
    return {query: source.search(query) for query in queries}


def scan_path(home: Path) -> Path:
    return home / CACHE_DIR / scan.SCAN_FILE


def add_note(home: Path, meeting_id: str, note: str) -> None:
    ws = Workspace(home)
    with ws.open_meeting(meeting_id, allow_finalized=True) as writer:
        item = writer.agenda.all()[0]
        writer.agenda.update(item.replace(notes=item.notes + "\n" + note))


# --- what search finds --------------------------------------------------------------------------


@pytest.mark.parametrize("chunk", [1, 700, scan.CHUNK], ids=["a meeting a chunk", "a few a chunk", "all in one"])
def test_the_scan_file_finds_what_a_search_in_memory_finds(home: Path, chunk: int) -> None:
    expected = reference(home, QUERIES)
    assert any(expected.values()) and not expected["no such word anywhere"]
    with scan_file_at_any_size(chunk):
        source = WorkspaceSource(home)
        assert searched(source, QUERIES) == expected
        assert scan_path(home).is_file() and source._scan.writes == 1
        assert not source._scan._held  # nothing of the text is kept in memory
        # Another process reads the file written: the same answers, nothing written.
        again = WorkspaceSource(home)
        assert searched(again, QUERIES) == expected
        assert again._scan.writes == 0


def test_below_the_size_the_index_persists_from_the_text_stays_in_memory(home: Path) -> None:
    source = WorkspaceSource(home)
    assert searched(source, QUERIES) == reference(home, QUERIES)
    assert not scan_path(home).exists()


def test_meetings_changed_since_the_file_was_written_are_searched_as_they_are_now(home: Path) -> None:
    with scan_file_at_any_size(), mock.patch.object(scan, "REWRITE_AFTER", 0):
        source = WorkspaceSource(home)
        source.load()
        assert source.search("zephyrine") == []
        ids = Workspace(home).meeting_ids()
        add_note(home, ids[3], "The zephyrine campaign starts")
        [hit] = source.search("zephyrine")
        assert hit.meeting_id == ids[3] and hit.snippets[0].text.endswith("The zephyrine campaign starts")
        # One meeting behind: searched from memory, the file left as it is.
        assert source._scan.writes == 1 and set(source._scan._held) == {ids[3]}
        # Enough of them (a twentieth of 40 is 2): the file is written again, with them.
        for meeting_id in ids[10:13]:
            add_note(home, meeting_id, "zephyrine again")
        found = source.search("zephyrine")
        assert sorted(h.meeting_id for h in found) == sorted([ids[3], *ids[10:13]])
        assert source._scan.writes == 2 and not source._scan._held
        assert searched(source, [*QUERIES, "zephyrine"]) == reference(home, [*QUERIES, "zephyrine"])
        # A meeting deleted is found no more, though the file still holds it.
        (home / "meetings" / f"{ids[3]}.json").unlink()
        assert ids[3] not in {h.meeting_id for h in source.search("zephyrine")}
        assert searched(source, QUERIES) == reference(home, QUERIES)


def test_a_renamed_series_is_found_by_its_new_title_without_writing_the_file(home: Path) -> None:
    with scan_file_at_any_size():
        source = WorkspaceSource(home)
        assert source.search("quokka") == []
        ws = Workspace(home)
        series = ws.series.all()[0]
        ws.series.update(series.replace(title="Quokka council"))
        found = source.search("quokka council")
        assert found and source._scan.writes == 1
        assert searched(source, ["quokka council", *QUERIES]) == reference(home, ["quokka council", *QUERIES])


def damage_texts(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    at = raw.index(b"pipeline")
    raw[at] = ord("q")  # still valid UTF-8 and JSON: only the checksum tells
    path.write_bytes(bytes(raw))


def damage_lines(path: Path) -> None:
    """A letter of the lines shown as snippets (after a chunk's texts, which are folded)."""
    raw = bytearray(path.read_bytes())
    at = raw.index(b'"Title","') + len(b'"Title","')
    raw[at] = ord("q") if raw[at] != ord("q") else ord("z")
    path.write_bytes(bytes(raw))


def damage_footer(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: -scan.FOOTER] + b"{not json".ljust(scan.FOOTER - 1) + b"\n")


def damage_table(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    at = raw.rindex(b'"stems"')
    raw[at + 1] = ord("x")
    path.write_bytes(bytes(raw))


def cut_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def empty(path: Path) -> None:
    path.write_bytes(b"")


def other_records(path: Path) -> None:
    """A file written by a tandem whose records hold other fields."""
    with mock.patch.object(index_meetings, "records_fingerprint", lambda: "another tandem"):
        scan.write_scan(path, [("2026-01-01-x", "d" * 32, (False, b"pipeline pipeline", b'[["Title","Pipeline pipeline"]]'))])


@pytest.mark.parametrize("damage", [damage_texts, damage_lines, damage_footer, damage_table, cut_short, empty, other_records])
def test_a_damaged_scan_file_is_written_anew_without_a_word(home: Path, damage: Any) -> None:
    expected = reference(home, QUERIES)
    with scan_file_at_any_size(2000):
        running = WorkspaceSource(home)
        assert searched(running, QUERIES) == expected
        damage(scan_path(home))
        fresh = WorkspaceSource(home)
        assert searched(fresh, QUERIES) == expected
        assert fresh._scan.writes == 1
        assert searched(running, QUERIES) == expected  # it sees the file was replaced
        with open(scan_path(home), "rb") as f:
            assert scan.read_table(f.fileno()) is not None


def test_damage_after_the_file_was_read_is_caught_at_the_next_search(home: Path) -> None:
    expected = reference(home, QUERIES)
    with scan_file_at_any_size(2000):
        source = WorkspaceSource(home)
        assert searched(source, QUERIES) == expected
        # Cut short in place: the same inode, so the table read before still stands.
        path = scan_path(home)
        with open(path, "r+b") as f:
            f.truncate(path.stat().st_size // 3)
        assert searched(source, QUERIES) == expected


def test_a_cache_folder_that_cannot_be_written_leaves_the_text_in_memory(home: Path) -> None:
    def refused(path: Path, texts: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(path))

    with scan_file_at_any_size(), mock.patch.object(scan, "write_scan", refused):
        source = WorkspaceSource(home)
        assert searched(source, QUERIES) == reference(home, QUERIES)
        assert not scan_path(home).exists()
        assert len(source._scan._held) == len(Workspace(home).meeting_ids())


def test_search_memory_does_not_grow_with_the_text(tmp_path: Path) -> None:
    """Held in memory, the text of 150 meetings with 8 KB of notes each took two bytes a
    character (a "—" in any line makes a string two bytes wide): over 2 MB. Scanned from
    the file, a search keeps a table of a few bytes a meeting."""
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="s", title="Pipeline sync"))
    note = "\n".join(f"- line {n} — EMEA routing, lead quality and the Q3 pipeline" for n in range(130))
    for k in range(150):
        mid = f"2026-{k // 28 + 1:02d}-{k % 28 + 1:02d}-s"
        ws.create_meeting(
            Meeting(id=mid, series_id="s", title="Pipeline sync", date=mid[:10], facilitator="Dana"),
            [AgendaItem(id="i0", title="Notes", position=0, notes=note)],
        )
    text = 150 * len(note)
    with scan_file_at_any_size():
        source = WorkspaceSource(ws.home)
        source.load()
        source.search("warm up")  # the file written
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            assert len(source.search("routing")) == 150
            gc.collect()
            held = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
    assert held < text // 10, (held, text)


# --- the first screen ---------------------------------------------------------------------------


def test_a_preview_is_the_newest_files_made_as_the_load_makes_them(home: Path) -> None:
    ids = Workspace(home).meeting_ids()
    preview = WorkspaceSource(home).preview(10)
    assert preview is not None and preview.files == len(ids) == 40
    full = {m.id: m for m in WorkspaceSource(home).load().meetings}
    newest = sorted(ids, reverse=True)[:10]
    assert [m.id for m in preview.meetings] == sorted(newest, key=lambda i: (full[i].date, i), reverse=True)
    assert preview.meetings == [full[m.id] for m in preview.meetings]


def test_no_preview_when_the_load_shows_as_much_or_is_done(home: Path) -> None:
    source = WorkspaceSource(home)
    assert source.preview(40) is None  # every file: the load itself
    assert source.preview(39) is not None
    source.load()
    assert source.preview(10) is None


def test_a_preview_leaves_out_what_it_cannot_read_and_reads_no_index(home: Path) -> None:
    full = {m.id: m for m in WorkspaceSource(home).load().meetings}
    ids = sorted(full)
    meetings = home / "meetings"
    (meetings / "9999-12-31-broken.json").write_bytes(b"{not json")
    (meetings / "zzz odd name.json").write_bytes(b"{}")
    (meetings / f"{ids[-1]}.json").rename(meetings / "9999-12-30-copy.json")  # holds another id
    source = WorkspaceSource(home)
    preview = source.preview(5)
    assert source.workspace._index is None  # the files alone: no index loaded, none built
    assert preview is not None and preview.files == 42
    assert [m.id for m in preview.meetings] == sorted(ids[-6:-1], key=lambda i: (full[i].date, i), reverse=True)


def test_the_minutes_show_the_content_items_that_review_keeps_only_for_them(home: Path) -> None:
    """The content items are read and checked with every load but kept only once minutes
    are asked for: the minutes are those an export writes, content pipeline included."""
    ws = Workspace(home, read_only=True)
    shared = Shared.load(ws)
    assert shared.content
    source = WorkspaceSource(home)
    source.load()
    assert source._content is None
    pipelines = 0
    for meeting_id in ws.meeting_ids():
        minutes = source.minutes(meeting_id)
        assert minutes == render_minutes(ws.read_meeting(meeting_id), shared), meeting_id
        pipelines += any(item.title in minutes for item in shared.content)
    assert pipelines  # some minutes show content items
    # A damaged content.json is reported by the load, and the minutes show none of it.
    (home / "content.json").write_text("{not json")
    data = source.load()
    assert any("content.json" in p for p in data.problems)
    meeting_id = ws.meeting_ids()[-1]
    assert source.minutes(meeting_id) == render_minutes(ws.read_meeting(meeting_id), dataclasses.replace(shared, content=[]))
