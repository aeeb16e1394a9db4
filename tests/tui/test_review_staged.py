"""`tandem review` on a large workspace opens on its newest meetings, listed and usable at
once, while every meeting is read behind them: the other tabs say they are reading (never a
figure made from the newest few), a search or the minutes asked for meanwhile come once
every meeting is read, and then every tab shows its figures."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static, TabbedContent

from tandem.store.demo import seed_demo
from tandem.store.errors import TandemError
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.review.model import ReviewData, SearchHit
from tandem.store.workspace import Workspace
from tandem.tui.review_app import create_review_app
from tandem.tui.screens import review as review_screen
from tandem.tui.screens.minutes import MinutesScreen
from tandem.tui.screens.review import ReviewScreen
from tandem.tui.widgets.review.base import ReadingNotice
from tests.conftest import rendered_text

TODAY = date(2026, 11, 27)
NEWEST = 10


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("staged") / "ws"
    seed_demo(Workspace(home))
    return home


@pytest.fixture(autouse=True)
def few_newest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's 40 meetings read in stages, as 20,000 are: the newest 10 first."""
    monkeypatch.setattr(review_screen, "PREVIEW_ROWS", NEWEST)


class HeldSource(WorkspaceSource):
    """A workspace source whose full load waits until the test lets it go (or fails then)."""

    def __init__(self, home: Path, *, fails: bool = False) -> None:
        super().__init__(home)
        self.go = threading.Event()
        self.fails = fails
        self.searches: list[str] = []

    def load(self) -> ReviewData:
        assert self.go.wait(30), "the test never let the load go"
        if self.fails:
            raise TandemError(f"The meetings folder in {self.label} cannot be read (gone).")
        return super().load()

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        self.searches.append(query)
        return super().search(query, limit)


async def listed(pilot) -> DataTable:
    """The meetings table once it has rows."""
    for _ in range(500):
        tables = pilot.app.screen.query("#review-meetings")
        if tables and tables.first(DataTable).row_count:
            return tables.first(DataTable)
        await pilot.pause(0.01)
    raise AssertionError("no meetings listed")


def review(app) -> ReviewScreen:
    return next(screen for screen in app.screen_stack if isinstance(screen, ReviewScreen))


async def everything_read(pilot) -> None:
    for _ in range(500):
        if review(pilot.app).data is not None:
            break
        await pilot.pause(0.01)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)


def status(app, selector: str = "#meetings-status") -> str:
    return rendered_text(app.screen.query_one(selector, Static))


def ids(table: DataTable) -> list[str]:
    return [str(row.value) for row in table.rows]


async def test_the_newest_meetings_are_listed_and_usable_before_every_meeting_is_read(home: Path) -> None:
    source = HeldSource(home)
    preview = WorkspaceSource(home).preview(NEWEST)
    assert preview is not None
    app = create_review_app(source, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        table = await listed(pilot)
        await pilot.pause(0.1)
        assert app.screen.data is None  # still reading
        assert ids(table) == [m.id for m in preview.meetings]
        assert "10 newest of 40 meeting files · reading the others" in status(app)
        # Keys work: the cursor moves, Enter asks for the minutes (which need every meeting).
        assert app.focused is table
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        chosen = ids(table)[2]
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, MinutesScreen)
        assert any("once every meeting is read" in str(n.message) for n in app._notifications)
        # The other tabs say they are reading, and show no figure.
        await pilot.press("2")
        await pilot.pause(0.1)
        assert app.screen.query_one(TabbedContent).active == "tab-actions"
        notice = app.screen.query_one("#tab-actions").query_one(ReadingNotice)
        assert notice.display and app.focused is notice
        assert "Reading all 40 meeting files" in rendered_text(notice)
        assert not app.screen.query_one("#actions-pane").display
        # A filter among the newest says what it filters.
        await pilot.press("1")
        app.screen.query_one("#person", Input).value = "zzzz nobody"
        await pilot.pause(0.1)
        assert "0 of the 10 newest meetings" in status(app)
        app.screen.query_one("#person", Input).value = ""
        await pilot.pause(0.1)
        table.move_cursor(row=2)
        await pilot.press("2")
        await pilot.pause(0.1)

        source.go.set()
        await everything_read(pilot)
        # The minutes asked for meanwhile open now.
        assert isinstance(app.screen, MinutesScreen)
        app.pop_screen()
        await pilot.pause(0.2)
        # Every tab shows its figures; the focus went from the notice to the table in front.
        assert not notice.display and app.screen.query_one("#actions-pane").display
        assert app.focused is app.screen.query_one("#review-actions", DataTable)
        assert "open" in status(app, "#actions-status")
        await pilot.press("1")
        await pilot.pause(0.2)
        assert "40 of 40 meetings" in status(app)
        assert len(table.rows) == 40
        # The meeting highlighted among the newest is highlighted among them all.
        assert str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value) == chosen


async def test_a_search_typed_while_reading_runs_once_every_meeting_is_read(home: Path) -> None:
    source = HeldSource(home)
    app = create_review_app(source, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await listed(pilot)
        await pilot.press("slash", *"pipeline")
        await pilot.pause(0.2)
        assert app.screen.query_one("#search", Input).value == "pipeline"
        assert "searching “pipeline” once every meeting is read" in status(app)
        assert source.searches == []  # not among the newest only: the count would be wrong
        source.go.set()
        await everything_read(pilot)
        assert source.searches[-1] == "pipeline"
        expected = WorkspaceSource(home).search("pipeline")
        assert expected
        assert f"{len(expected)} meeting{'s' if len(expected) != 1 else ''} match “pipeline”" in status(app)
        assert ids(app.screen.query_one("#review-meetings", DataTable))[: len(expected)] == [h.meeting_id for h in expected]


async def test_when_the_others_cannot_be_read_every_tab_says_so(home: Path) -> None:
    source = HeldSource(home, fails=True)
    app = create_review_app(source, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await listed(pilot)
        source.go.set()
        for _ in range(200):
            await pilot.pause(0.02)
            if app.screen.query_one("#review-problems").display:
                break
        assert "cannot be read (gone)" in rendered_text(app.screen.query_one("#review-problems", Static))
        assert "the others could not be read" in status(app)
        assert "could not all be read" in rendered_text(app.screen.query_one("#tab-health").query_one(ReadingNotice))
        assert len(app.screen.query_one("#review-meetings", DataTable).rows) == NEWEST  # the newest stay


async def test_a_workspace_no_larger_than_the_first_screen_is_read_whole_at_once(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_screen, "PREVIEW_ROWS", 40)
    source = HeldSource(home)
    source.go.set()
    app = create_review_app(source, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        table = await listed(pilot)
        assert app.screen.data is not None and len(table.rows) == 40
        assert "40 of 40 meetings" in status(app)
        assert not app.screen.query_one("#tab-actions").query_one(ReadingNotice).display


QUIT_WHILE_READING = """
import sys, threading
from datetime import date
from pathlib import Path

from tandem.store.review.from_workspace import WorkspaceSource
from tandem.tui.review_app import create_review_app
from tandem.tui.screens import review

review.PREVIEW_ROWS = 10


class Slow(WorkspaceSource):
    def load(self):
        threading.Event().wait(120)  # every file of a large workspace, read with no index
        return super().load()


async def quit_once_listed(pilot):
    for _ in range(1000):
        tables = pilot.app.screen.query("#review-meetings")
        if tables and tables.first().row_count:
            break
        await pilot.pause(0.01)
    await pilot.press("q")


create_review_app(Slow(Path(sys.argv[1])), today=date(2026, 11, 27)).run(headless=True, auto_pilot=quit_once_listed)
print("quit")
"""


def test_quitting_while_every_meeting_is_read_does_not_wait_for_the_read(home: Path) -> None:
    """The newest meetings are usable, so q may come long before the rest is read (12 s for
    20,000 files with the index gone): the command returns at once all the same."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", QUIT_WHILE_READING, str(home)], capture_output=True, text=True, timeout=100)
    assert done.returncode == 0 and done.stdout.strip().endswith("quit"), done.stderr[-2000:]
    assert time.monotonic() - started < 60
