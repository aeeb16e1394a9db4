"""Review and follow, read-only, against what a real folder can hold: search over any text,
files that change, vanish, are copied or damaged while someone is looking, and folders nobody
may write to."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from datetime import date, datetime
from pathlib import Path

import orjson
import pytest
from clock import FakeClock

from tandem.store.capture import Capture
from tandem.store.errors import NotFoundError
from tandem.store.follow import LinkedRecordsWatcher, MeetingWatcher, pick_followed
from tandem.store.live import LiveSession
from tandem.store.minutes.export import export_minutes, select_meetings
from tandem.store.minutes.reader import read_minutes
from tandem.store.minutes.render import Shared
from tandem.store.records import AgendaItem, Decision, Meeting, Series
from tandem.store.review import from_minutes as review_minutes
from tandem.store.review import from_workspace as review_workspace
from tandem.store.review.from_minutes import MinutesFolderSource
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.review.model import Snippet
from tandem.store.review.search import SearchIndex, terms
from tandem.store.workspace import Workspace

START = datetime(2026, 11, 26, 9, 30)
LIVE = "2026-11-26-sync"


def small_workspace(home: Path) -> Workspace:
    """Two meetings of one series, the second live (clock running, notes typed)."""
    ws = Workspace(home, now=FakeClock(START))
    ws.series.add(Series(id="sync", title="Weekly sync"))
    ws.create_meeting(
        Meeting(id="2026-11-19-sync", series_id="sync", title="Weekly sync", date="2026-11-19", facilitator="Dana", status="ended"),
        [AgendaItem(id="a0", title="Pipeline review", position=0, notes="Straße campaign stalled")],
    )
    ws.create_meeting(
        Meeting(id=LIVE, series_id="sync", title="Weekly sync", date="2026-11-26", facilitator="Dana"),
        [AgendaItem(id="i0", title="Objectives", position=0), AgendaItem(id="i1", title="Lead quality", position=1)],
    )
    clock = FakeClock(START)
    session = LiveSession(ws, LIVE, clock=clock)
    session.start()
    clock.advance(minutes=3)
    session.set_notes("i0", "MQL→SQL at 27%")
    Capture(session).save(Decision(id="d1", text="SAL within 24h", meeting_id=LIVE, agenda_item_id="i0"))
    assert session.saver.flush()
    assert session.close()
    return ws


# --- search ------------------------------------------------------------------------------------


def _index(*lines: str) -> SearchIndex:
    index = SearchIndex()
    index.put("2026-01-01-a", None, [("Notes", line) for line in lines])
    return index


def test_a_snippet_holds_its_match_when_folding_lengthens_the_text_before_it() -> None:
    # "ß" folds to "ss": positions in the folded line run ahead of the line as written.
    line = "Straße " * 40 + "needle " + "x" * 200
    [hit] = _index(line).search("needle")
    assert "needle" in hit.snippets[0].text


@pytest.mark.parametrize(
    "query",
    ['"pipeline review', 'pipeline ""', '"pipeline   review"', '"pipeline" review"'],
)
def test_stray_quotes_and_spacing_in_a_query_do_not_hide_a_match(query: str) -> None:
    assert [h.meeting_id for h in _index("Pipeline review: three stalled deals").search(query)] == ["2026-01-01-a"]


def test_stray_quotes_alone_search_for_nothing() -> None:
    assert terms('""') == [] and terms('"') == [] and terms('" "') == []
    assert _index("anything").search('""') == []


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("İstanbul office", "istanbul"),
        ("Istanbul office", "İstanbul"),
        ("cafe\u0301 meeting", "café"),  # decomposed (macOS) against composed
        ("café meeting", "cafe\u0301"),
        ("ＳＱＬ backlog", "sql"),  # full-width letters
        ("STRASSE", "straße"),
    ],
)
def test_text_that_reads_the_same_is_found(text: str, query: str) -> None:
    assert _index(text).search(query), (text, query)


def test_special_characters_emoji_and_long_queries() -> None:
    index = _index("Budget $5 (approx.) [x]* 🎉 a.b|c \\d+")
    for query in ("$5", "(approx.)", "[x]*", "🎉", "a.b|c", "\\d+", ".*"):
        assert bool(index.search(query)) == (query != ".*"), query
    assert index.search("") == [] and index.search("   \t ") == []
    assert index.search("x" * 100_000) == []


# --- the workspace source: what changes on disk -----------------------------------------------------


def test_search_sees_a_renamed_series_before_the_next_load(tmp_path: Path) -> None:
    ws = small_workspace(tmp_path / "ws")
    source = WorkspaceSource(ws.home)
    source.load()
    ws.series.update(Series(id="sync", title="Zebra crossing"))
    hits = source.search("zebra")
    assert {h.meeting_id for h in hits} == {"2026-11-19-sync", LIVE}
    assert all(h.snippets[0] == Snippet("Series", "Zebra crossing") for h in hits)


def test_a_problem_goes_away_with_its_file(tmp_path: Path) -> None:
    ws = small_workspace(tmp_path / "ws")
    source = WorkspaceSource(ws.home)
    broken = ws.meetings_dir / "2026-10-01-sync.json"
    broken.write_text("{")
    assert len(source.load().problems) == 1
    source.search("anything")
    broken.unlink()
    assert source.load().problems == []


def test_a_meeting_deleted_while_loading_is_no_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tandem.store.index import entry as index_entry

    ws = small_workspace(tmp_path / "ws")
    source = WorkspaceSource(ws.home)
    real = index_entry.read_regular

    def deleted_meanwhile(path: Path) -> bytes:  # after the folder was listed, before the read
        if path.name == "2026-11-19-sync.json":
            path.unlink(missing_ok=True)
        return real(path)

    monkeypatch.setattr(index_entry, "read_regular", deleted_meanwhile)
    data = source.load()
    assert [m.id for m in data.meetings] == [LIVE] and data.problems == []
    assert source.changed()  # the folder changed while it was read
    assert [m.id for m in source.load().meetings] == [LIVE] and not source.changed()


def test_a_file_that_cannot_even_be_opened_is_reported_not_raised(tmp_path: Path) -> None:
    ws = small_workspace(tmp_path / "ws")
    loop = ws.meetings_dir / "2026-10-01-loop.json"
    os.symlink(loop, loop)  # ELOOP: an OSError that is not "not found" or "permission denied"
    (ws.home / "insights.json").unlink(missing_ok=True)
    os.symlink(ws.home / "insights.json", ws.home / "insights.json")
    source = WorkspaceSource(ws.home)
    data = source.load()
    assert {m.id for m in data.meetings} == {"2026-11-19-sync", LIVE}
    assert len(data.problems) == 2
    assert any(str(loop) in p for p in data.problems) and any("insights.json" in p for p in data.problems)
    assert all(p.count(". ") == 0 and p.endswith(".") for p in data.problems), data.problems
    source.search("pipeline")


def test_a_copied_meeting_file_is_one_row(tmp_path: Path) -> None:
    # cp meetings/X.json meetings/X.bak.json: the copy holds meeting X too. Two rows with
    # one id would crash the meetings table (DataTable keys are unique).
    ws = small_workspace(tmp_path / "ws")
    shutil.copy(ws.meeting_path(LIVE), ws.meetings_dir / f"{LIVE}.bak.json")
    source = WorkspaceSource(ws.home)
    data = source.load()
    assert sorted(m.id for m in data.meetings) == ["2026-11-19-sync", LIVE]
    assert len(data.problems) == 1 and f"{LIVE}.bak.json" in data.problems[0] and LIVE in data.problems[0]
    assert {h.meeting_id for h in source.search("sal within")} == {LIVE}
    assert "SAL within 24h" in source.minutes(LIVE)


def test_an_oddly_named_meeting_file_does_not_stop_review_or_follow(tmp_path: Path) -> None:
    ws = small_workspace(tmp_path / "ws")
    shutil.copy(ws.meeting_path("2026-11-19-sync"), ws.meetings_dir / "odd\\name.json")
    source = WorkspaceSource(ws.home)
    data = source.load()
    assert {m.id for m in data.meetings} == {"2026-11-19-sync", LIVE}
    assert len(data.problems) == 1 and "odd\\name" in data.problems[0]
    assert not source.changed()
    source.search("pipeline")
    assert pick_followed(Workspace(ws.home, read_only=True), None) == LIVE


def test_follow_skips_a_meeting_file_from_a_newer_tandem(tmp_path: Path) -> None:
    ws = small_workspace(tmp_path / "ws")
    raw = orjson.loads(ws.meeting_path("2026-11-19-sync").read_bytes())
    raw["_tandem"]["schema"] = 99
    (ws.meetings_dir / "2026-12-01-sync.json").write_bytes(orjson.dumps(raw))
    loop = ws.meetings_dir / "2026-12-02-loop.json"
    os.symlink(loop, loop)
    assert pick_followed(Workspace(ws.home, read_only=True), None) == LIVE


def test_follow_says_why_when_the_only_live_meeting_cannot_be_read(tmp_path: Path) -> None:
    # The facilitator runs a newer tandem: "no meeting is in progress" alone would mislead.
    from conftest import run_cli

    ws = small_workspace(tmp_path / "ws")
    path = ws.meeting_path(LIVE)
    raw = orjson.loads(path.read_bytes())
    raw["_tandem"]["schema"] = 99
    path.write_bytes(orjson.dumps(raw))
    result = run_cli("--home", str(ws.home), "follow")
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert result.code == 1 and len(lines) == 1 and "Traceback" not in result.err, result
    assert "No meeting is in progress" in lines[0] and str(path) in lines[0] and "newer tandem" in lines[0]
    assert "tandem follow MEETING" in lines[0]


# --- the minutes folder source ---------------------------------------------------------------------


@pytest.fixture
def minutes_dir(tmp_path: Path) -> Path:
    ws = small_workspace(tmp_path / "ws")
    shared = Shared.load(ws)
    out = tmp_path / "minutes"
    export_minutes(ws, select_meetings(shared), out, shared=shared)
    return out


def test_minutes_of_a_renamed_file_are_found(minutes_dir: Path) -> None:
    source = MinutesFolderSource(minutes_dir)
    source.load()
    path = next(minutes_dir.glob("2026-11-19_*.md"))
    meeting_id = read_minutes(path).id
    path.rename(minutes_dir / "2026-11-19_renamed-series.md")  # a git pull after a series was renamed
    assert "Straße campaign stalled" in source.minutes(meeting_id)


def test_minutes_are_the_meeting_asked_for_after_a_file_is_replaced(minutes_dir: Path) -> None:
    source = MinutesFolderSource(minutes_dir)
    source.load()
    old, live = sorted(minutes_dir.glob("*.md"))
    old_text = old.read_text(encoding="utf-8")
    # The older file now holds the live meeting, the live file is gone (history rewritten).
    os.replace(live, old)
    with pytest.raises(NotFoundError):
        source.minutes("2026-11-19-sync")
    assert source.minutes(LIVE) == old.read_text(encoding="utf-8") != old_text


def test_a_file_saved_with_a_byte_order_mark_reads(minutes_dir: Path) -> None:
    path = next(minutes_dir.glob("2026-11-19_*.md"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Notepad on Windows
    data = MinutesFolderSource(minutes_dir).load()
    assert data.problems == [] and len(data.meetings) == 2


def test_odd_front_matter_is_reported_or_read_sensibly(minutes_dir: Path) -> None:
    (minutes_dir / "blank-title.md").write_text('---\nid: "2026-12-01-x"\ndate: "2026-12-01"\ntitle:\nfacilitator:\n---\n', encoding="utf-8")
    (minutes_dir / "bad-date.md").write_text('---\nid: "2026-12-02-y"\ndate: "next week"\n---\n', encoding="utf-8")
    (minutes_dir / "list-date.md").write_text('---\nid: "2026-12-03-z"\ndate:\n  - a: b\n---\n', encoding="utf-8")
    (minutes_dir / "latin1.md").write_bytes(b'---\nid: "2026-12-04-w"\ndate: "2026-12-04"\ntitle: "caf\xe9"\n---\n')
    (minutes_dir / "utf16.md").write_bytes(next(minutes_dir.glob("2026-11-19_*.md")).read_text(encoding="utf-8").encode("utf-16"))
    data = MinutesFolderSource(minutes_dir).load()
    rows = {m.id: m for m in data.meetings}
    assert rows["2026-12-01-x"].title == "2026-12-01-x" and rows["2026-12-01-x"].facilitator == ""
    assert "2026-12-02-y" not in rows and "2026-12-03-z" not in rows
    assert "2026-12-04-w" in rows
    problems = "\n".join(data.problems)
    assert f"{minutes_dir / 'bad-date.md'}:3:" in problems and "'next week'" in problems
    assert f"{minutes_dir / 'list-date.md'}:3:" in problems
    assert f"{minutes_dir / 'latin1.md'}:4: the file is not UTF-8 text;" in problems
    assert f"{minutes_dir / 'utf16.md'}:1: the file is not UTF-8 text." in problems
    assert len(data.problems) == 4
    assert all(p.endswith(".") and "\n" not in p for p in data.problems)


def test_a_renamed_series_is_listed_by_its_newest_title(minutes_dir: Path) -> None:
    # Minutes exported before a rename keep the old title; the series filter shows the new one.
    live = next(minutes_dir.glob("2026-11-26_*.md"))
    live.write_text(live.read_text(encoding="utf-8").replace('series_title: "Weekly sync"', 'series_title: "Zebra sync"'), encoding="utf-8")
    data = MinutesFolderSource(minutes_dir).load()
    assert data.series() == [("sync", "Zebra sync")]
    data.meetings.reverse()  # whatever order the rows come in
    assert data.series() == [("sync", "Zebra sync")]


# --- one caller at a time ---------------------------------------------------------------------------


class _Overlap:
    """Counts the most calls ever inside the wrapped callables at once."""

    def __init__(self) -> None:
        self.inside = 0
        self.most = 0
        self._guard = threading.Lock()

    def wrap(self, real):
        def wrapped(*args, **kwargs):
            with self._guard:
                self.inside += 1
                self.most = max(self.most, self.inside)
            try:
                time.sleep(0.002)
                return real(*args, **kwargs)
            finally:
                with self._guard:
                    self.inside -= 1

        return wrapped


def _hammer(*calls) -> None:
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            for _ in range(15):
                call()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_the_minutes_source_serves_one_caller_at_a_time(minutes_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The review screen reads minutes in a worker of its own, next to loads and searches.
    overlap = _Overlap()
    monkeypatch.setattr(review_minutes, "read_minutes", overlap.wrap(review_minutes.read_minutes))
    source = MinutesFolderSource(minutes_dir)
    files = sorted(minutes_dir.glob("*.md"))

    def touch_and_load() -> None:
        for path in files:
            path.write_bytes(path.read_bytes() + b"\n")
        source.load()

    def minutes() -> None:
        with pytest.raises(NotFoundError):
            source.minutes("no-such-meeting")

    _hammer(touch_and_load, minutes, lambda: source.search("sync"))
    assert overlap.most == 1


def test_the_workspace_source_serves_one_caller_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = small_workspace(tmp_path / "ws")
    source = WorkspaceSource(ws.home)
    overlap = _Overlap()
    monkeypatch.setattr(review_workspace, "render_minutes", overlap.wrap(review_workspace.render_minutes))
    monkeypatch.setattr(source, "_load_shared", overlap.wrap(source._load_shared))
    monkeypatch.setattr(source, "_read", overlap.wrap(source._read))
    _hammer(source.load, lambda: source.minutes(LIVE), lambda: source.search("sync"))
    assert overlap.most == 1


RAPID_WRITER = """
import sys, time
from tandem.store.live import LiveSession
from tandem.store.records import ProspectInsight
from tandem.store.workspace import Workspace

home, meeting_id = sys.argv[1], sys.argv[2]
session = LiveSession(Workspace(home), meeting_id)
shared = Workspace(home)
end, n = time.time() + 4.0, 0
while time.time() < end:
    n += 1
    session.set_notes(session.active_item.id, "MQL→SQL at 27%" + " typing" * (n % 40))
    assert session.saver.flush()
    if n % 25 == 0:
        shared.insights.add(ProspectInsight(id=f"pi{n}", text=f"question {n}", meeting_id=meeting_id, agenda_item_id="i0"))
session.close()
print(n, time.time(), flush=True)
"""


@pytest.mark.serial
async def test_follow_keeps_up_with_rapid_saves_without_flicker(tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import rendered_text

    from tandem.tui.follow_app import create_follow_app

    ws = small_workspace(tmp_path / "ws")
    script = tmp_path / "writer.py"
    script.write_text(RAPID_WRITER, encoding="utf-8")
    app = create_follow_app(Workspace(ws.home, read_only=True), LIVE)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        screen = app.screen
        proc = subprocess.Popen([sys.executable, str(script), str(ws.home), LIVE], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seen_versions, glitches = set(), []
        while proc.poll() is None:
            await pilot.pause(0.02)
            notes = rendered_text(screen.query_one("#follow-notes-text"))
            status = rendered_text(screen.query_one("#follow-status"))
            if "MQL→SQL" not in notes or "⚠" in status or "Following Weekly sync" not in status:
                glitches.append((notes[:40], status[:80]))
            seen_versions.add(screen.versions_shown)
        out, err = proc.communicate()
        assert proc.returncode == 0, err.decode()
        saves, finished = out.decode().split()
        # The last save is on screen within a second of it.
        final = " ".join(ws.read_meeting(LIVE).agenda[0].notes.split())
        shown = lambda: final in " ".join(rendered_text(screen.query_one("#follow-notes-text")).split())  # noqa: E731
        await until_true(pilot, shown, 1.0 - (time.time() - float(finished)))
    assert not glitches, glitches[:3]
    # Versions in between the first and the last were shown: it followed, not just caught up
    # (3 seen under two CPU hogs and a parallel suite; 5+ on a quiet machine).
    assert int(saves) > 50 and len(seen_versions) >= 3, (saves, seen_versions)


async def until_true(pilot, condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not shown in time"
        await pilot.pause(0.02)


# --- read-only means read-only ------------------------------------------------------------------------


def _fingerprint(root: Path) -> dict[str, tuple[str, int]]:
    out = {}
    for p in sorted(root.rglob("*")):
        st = p.lstat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink() else "dir"
        out[str(p.relative_to(root))] = (digest, st.st_mode)
    return out


def _with_stale_leftovers(ws: Workspace) -> list[Path]:
    """A temp file of a writer killed mid-save, in each folder (pid 2**22+1: nobody's)."""
    stale = [ws.home / f".series.json.tmp-{2**22 + 1}-1", ws.meetings_dir / f".{LIVE}.json.tmp-{2**22 + 1}-1"]
    for path in stale:
        path.write_bytes(b"half a file")
    return stale


async def _exercise_everything(ws_home: Path, minutes: Path) -> None:
    from tandem.tui.follow_app import create_follow_app
    from tandem.tui.review_app import create_review_app

    source = WorkspaceSource(ws_home)
    data = source.load()
    assert {m.id for m in data.meetings} == {"2026-11-19-sync", LIVE}
    source.search("Straße")
    source.changed()
    source.minutes(LIVE)
    md = MinutesFolderSource(minutes)
    md.load()
    md.search("pipeline")
    md.minutes(LIVE)
    workspace = Workspace(ws_home, read_only=True)
    assert pick_followed(workspace, None) == LIVE
    assert MeetingWatcher(workspace, LIVE).poll() is not None
    LinkedRecordsWatcher(workspace, LIVE).poll()
    for app in (
        create_follow_app(Workspace(ws_home, read_only=True), LIVE, clock=FakeClock(START)),
        create_review_app(WorkspaceSource(ws_home), today=date(2026, 11, 26)),
        create_review_app(MinutesFolderSource(minutes), today=date(2026, 11, 26)),
    ):
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause(0.6)
            for key in ("down", "f", "slash", "s", "y", "n", "c", "enter", "escape", "2", "3"):
                await pilot.press(key)
            await pilot.pause(0.3)


async def test_review_and_follow_change_no_file(tmp_path: Path) -> None:
    ws = small_workspace(tmp_path / "ws")
    shared = Shared.load(ws)
    export_minutes(ws, select_meetings(shared), tmp_path / "minutes", shared=shared)
    stale = _with_stale_leftovers(ws)
    before = _fingerprint(tmp_path)
    await _exercise_everything(ws.home, tmp_path / "minutes")
    assert _fingerprint(tmp_path) == before, "no file created, changed or deleted (no lock, no snapshot)"
    assert all(p.exists() for p in stale)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only folder")
async def test_review_and_follow_work_on_a_read_only_folder(tmp_path: Path) -> None:
    ws = small_workspace(tmp_path / "ws")
    shared = Shared.load(ws)
    export_minutes(ws, select_meetings(shared), tmp_path / "minutes", shared=shared)
    _with_stale_leftovers(ws)
    paths = [*sorted(tmp_path.rglob("*"), reverse=True), tmp_path]
    modes = {p: p.stat().st_mode for p in paths}
    before = _fingerprint(tmp_path)
    try:
        for p in paths:
            os.chmod(p, modes[p] & ~0o222)
        await _exercise_everything(ws.home, tmp_path / "minutes")
        assert _fingerprint(tmp_path) == {k: (d, m & ~0o222) for k, (d, m) in before.items()}
    finally:
        for p in reversed(paths):
            os.chmod(p, modes[p])
