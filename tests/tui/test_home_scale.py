"""Home with a few thousand meetings: its first frame does not wait for the meetings, they are
read from the index without a record per meeting, the summary says what the files say, and
the table is given the meetings beyond its first few thousand as the cursor nears its end."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from clock import FakeClock
from textual.widgets import DataTable, Static

from tandem.store.demo import DEMO_TODAY, seed_demo
from tandem.store.index import entry as index_entry
from tandem.store.lifecycle import missed_meetings, next_meeting
from tandem.store.records import ActionItem, Meeting
from tandem.store.workspace import Workspace
from tandem.tui import home_data
from tandem.tui.app import create_app
from tandem.tui.screens import home
from tandem.tui.screens.home import HomeScreen, summary_line

MEETINGS = 1200


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    folder = tmp_path_factory.mktemp("home") / "ws"
    seed_demo(Workspace(folder), meetings=MEETINGS)
    return Workspace(folder)


@pytest.fixture
def settled_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """The files were written a moment ago: believed unchanged by the index at once, not
    only once older than a tick of the file system's clock."""
    monkeypatch.setattr(index_entry, "RACY_NS", 0)


async def until(pilot: Any, condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        await pilot.pause(0.02)


def test_home_reads_no_record_per_meeting(ws: Workspace, settled_files: None, monkeypatch: pytest.MonkeyPatch) -> None:
    home_data.read_home(Workspace(ws.home))  # the index, warm
    built: list[str] = []
    for kind in (Meeting, ActionItem):
        original = kind.trusted.__func__  # type: ignore[attr-defined]

        def counted(cls: Any, data: dict[str, Any], original: Any = original) -> Any:
            built.append(cls.__name__)
            return original(cls, data)

        monkeypatch.setattr(kind, "trusted", classmethod(counted))
    data = home_data.read_home(Workspace(ws.home))
    assert len(data.rows) == MEETINGS
    # Only the meetings not held yet are built whole: what the summary says is next or missed.
    assert built == ["Meeting"] * len(data.pending)
    assert {m.status for m in data.pending} <= {"live", "planned"} and len(data.pending) < 10


@pytest.mark.parametrize("today", [DEMO_TODAY, date(2027, 3, 1)])
def test_the_summary_says_what_the_files_say(ws: Workspace, today: date) -> None:
    records = [ws.read_meeting(stem) for stem in ws.meeting_ids()]
    meetings = [r.meeting for r in records]
    actions = [a for r in records for a in r.actions if a.status == "open"]
    overdue = sum(a.is_overdue(today) for a in actions)
    assert actions and (overdue or today == DEMO_TODAY)
    text = summary_line(home_data.read_home(Workspace(ws.home)), today).plain
    assert f"Open action items: {len(actions)}" in text
    assert (f"({overdue} overdue)" in text) == bool(overdue)
    upcoming = next_meeting(meetings, today)
    assert (f"{upcoming.title} on {upcoming.date}" in text) if upcoming else ("Nothing planned" in text)
    missed = missed_meetings(meetings, today)
    assert (f"{len(missed)} meeting" in text and "past its date" in text) == bool(missed)


async def test_the_first_frame_does_not_wait_for_the_meetings(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    assert home_data.read_home_first(ws) is None or MEETINGS <= home_data.READ_FIRST_LIMIT
    monkeypatch.setattr(home_data, "READ_FIRST_LIMIT", MEETINGS // 2)
    assert home_data.read_home_first(ws) is None
    go = threading.Event()
    read = home.read_home_stamped

    def slow(workspace: Workspace, **kwargs: Any) -> tuple[home_data.HomeData, home_data.Stamp | None]:
        assert go.wait(30)
        return read(workspace, **kwargs)

    monkeypatch.setattr(home, "read_home_stamped", slow)
    app = create_app(Workspace(ws.home), clock=FakeClock(), early=None)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(500):  # (not pilot.pause: it waits for the screen to settle, which the held read keeps from happening)
            if isinstance(app.screen, HomeScreen) and app.screen.is_mounted:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#loading").display  # drawn, the meetings still being read
        go.set()
        await until(pilot, lambda: app.screen.query_one("#meetings", DataTable).row_count > 0)
        assert "Open action items" in str(app.screen.query_one("#summary", Static).content)


async def test_a_long_list_is_given_to_the_table_as_the_cursor_nears_its_end(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(home, "TABLE_ROWS", 300)
    newest_first = sorted(ws.list_meetings(), key=lambda m: (m.date, m.id), reverse=True)
    app = create_app(Workspace(ws.home), clock=FakeClock(), early=None)
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.screen.query_one("#meetings", DataTable)
        await until(pilot, lambda: table.row_count >= 300)
        await pilot.pause(1.0)  # the rows of the first screens came after the first frame; no more
        assert table.row_count == 300
        assert f"· {MEETINGS}" in str(table.border_title)
        for _ in range(20):  # the cursor to the end, again and again: more each time
            if table.row_count == MEETINGS and table.cursor_row == MEETINGS - 1:
                break
            await pilot.press("ctrl+end")
            await pilot.pause(0.05)
        assert table.row_count == MEETINGS
        assert [table.coordinate_to_cell_key((n, 0)).row_key.value for n in range(MEETINGS)] == [m.id for m in newest_first]
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == newest_first[-1].id
        await pilot.press("ctrl+q")
