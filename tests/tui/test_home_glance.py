"""Home's glance (``cache/home.index``): a big workspace's first frame comes from what the last
full read kept of it, believed only while the meetings folder is as that read found it; the
full read follows and replaces it, waiting while a form is in front of home."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from clock import FakeClock
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tandem.store.demo import DEMO_TODAY, seed_demo
from tandem.store.layout import CACHE_DIR
from tandem.store.records import Meeting
from tandem.store.workspace import Workspace
from tandem.tui import home_data
from tandem.tui.app import create_app
from tandem.tui.screens import home
from tandem.tui.screens.home import HomeScreen, summary_line

MEETINGS = 300


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A workspace home counts as big, its meetings folder last changed long ago."""
    folder = tmp_path / "ws"
    seed_demo(Workspace(folder), meetings=MEETINGS)
    monkeypatch.setattr(home_data, "READ_FIRST_LIMIT", 100)
    monkeypatch.setattr(home_data, "GLANCE_ROWS", 40)
    settle(Workspace(folder))
    return Workspace(folder)


def settle(ws: Workspace) -> None:
    """The meetings folder's modification time set an hour back: as a change leaves it once
    the file system's clock has ticked on."""
    os.utime(ws.meetings_dir, ns=(time.time_ns(), time.time_ns() - 3600 * 10**9))


def glance_path(ws: Workspace) -> Path:
    return ws.home / CACHE_DIR / home_data.GLANCE_FILE


def kept(ws: Workspace) -> home_data.HomeData:
    data, stamp = home_data.read_home_stamped(Workspace(ws.home))
    assert stamp is not None
    assert home_data.keep_glance(ws, data, stamp)
    return data


def test_the_glance_shows_what_the_full_read_does(ws: Workspace) -> None:
    data = kept(ws)
    assert not home_data.keep_glance(ws, data, home_data.read_home_stamped(Workspace(ws.home))[1])  # the same: not written again
    glance = home_data.read_glance(Workspace(ws.home))
    assert glance is not None and not glance.complete and data.complete
    assert glance.rows == home_data.newest_first(data.rows)[:40]
    assert (glance.total, glance.open_actions, glance.open_due) == (MEETINGS, data.open_actions, data.open_due)
    assert glance.pending == data.pending and glance.series == data.series
    for today in (DEMO_TODAY, DEMO_TODAY.replace(year=2027)):
        assert summary_line(glance, today).plain == summary_line(data, today).plain
    early = home_data.read_home_first(Workspace(ws.home))
    assert early is not None and early.result() == glance


def test_a_glance_is_not_believed_once_the_folder_changed(ws: Workspace) -> None:
    kept(ws)
    newest = home_data.newest_first(home_data.read_home(ws).rows)[0]
    ws.delete_meeting(newest.id)
    assert home_data.read_glance(Workspace(ws.home)) is None
    assert home_data.read_home_first(Workspace(ws.home)) is None  # home opens on its loading indicator
    settle(ws)
    data = kept(ws)  # the next full read keeps a new one
    glance = home_data.read_glance(Workspace(ws.home))
    assert glance is not None and newest.id not in {r.id for r in glance.rows} and glance.total == data.total == MEETINGS - 1


def test_a_folder_changed_within_a_clock_tick_keeps_no_glance(ws: Workspace) -> None:
    os.utime(ws.meetings_dir)  # changed just now: a file renamed in within the tick would not move it
    data, stamp = home_data.read_home_stamped(Workspace(ws.home))
    assert stamp is None
    assert not home_data.keep_glance(ws, data, stamp)
    assert not glance_path(ws).exists()


def _rows_of(found: dict[str, Any]) -> None:
    found["rows"][0][6] = "three"


def _pending_of(found: dict[str, Any]) -> None:
    found["pending"][0]["status"] = "nonsense"


def _format_of(found: dict[str, Any]) -> None:
    found["format"] = 99


def _due_of(found: dict[str, Any]) -> None:
    found["open_due"] = [1, 2]


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],
        lambda raw: b"\x00" * 40,
        lambda raw: b"[]",
        *[(lambda change: lambda raw: orjson.dumps(change_of(orjson.loads(raw), change)))(c) for c in (_rows_of, _pending_of, _format_of, _due_of)],
    ],
    ids=["truncated", "binary", "a list", "a row's count", "a pending meeting", "another format", "due dates"],
)
def test_a_damaged_or_foreign_glance_is_ignored_and_written_over(ws: Workspace, damage: Callable[[bytes], bytes]) -> None:
    data = kept(ws)
    assert data.pending  # (the damage to a pending meeting has one to damage)
    path = glance_path(ws)
    path.write_bytes(damage(path.read_bytes()))
    assert home_data.read_glance(Workspace(ws.home)) is None
    assert home_data.keep_glance(ws, data, home_data.read_home_stamped(Workspace(ws.home))[1])
    assert home_data.read_glance(Workspace(ws.home)) is not None


def change_of(found: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    change(found)
    return found


def test_a_cache_folder_leading_out_of_the_workspace_is_not_used(ws: Workspace, tmp_path: Path) -> None:
    kept(ws)
    outside = tmp_path / "elsewhere"
    (ws.home / CACHE_DIR).rename(outside)
    (ws.home / CACHE_DIR).symlink_to(outside)
    assert home_data.read_glance(Workspace(ws.home)) is None


async def until(pilot: Any, condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        await pilot.pause(0.02)


async def test_home_opens_on_the_glance_then_lists_every_meeting(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    kept(ws)
    early = home_data.read_home_first(Workspace(ws.home))
    assert early is not None
    go = threading.Event()
    read = home.read_home_stamped

    def held(workspace: Workspace, **kwargs: Any) -> tuple[home_data.HomeData, home_data.Stamp | None]:
        assert go.wait(30)
        return read(workspace, **kwargs)

    monkeypatch.setattr(home, "read_home_stamped", held)
    app = create_app(Workspace(ws.home), clock=FakeClock(), early=early)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        table = screen.query_one("#meetings", DataTable)
        summary = str(screen.query_one("#summary", Static).content)
        assert "Open action items" in summary and not screen.query_one("#loading").display
        assert not screen.loaded and 0 < table.row_count <= 40
        assert f"· {MEETINGS}" in str(table.border_title)
        await pilot.press("down", "down")
        chosen = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        go.set()
        await until(pilot, lambda: screen.loaded)
        await until(pilot, lambda: table.row_count > 40)
        assert str(screen.query_one("#summary", Static).content) == summary
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == chosen  # the cursor stayed on its meeting
        assert screen.query_one("#shadow-days", DataTable).row_count > 0  # read with every meeting
        await pilot.press("ctrl+q")


async def test_home_reads_every_meeting_only_while_it_is_in_front(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    kept(ws)
    monkeypatch.setattr(home, "FULL_READ_AFTER_S", 0.5)
    monkeypatch.setattr(home_data, "BETWEEN_EVERY", 10)
    app = create_app(Workspace(ws.home), clock=FakeClock(), early=home_data.read_home_first(Workspace(ws.home)))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, HomeScreen) and not screen.loaded
        await app.push_screen(Screen())  # a form, a meeting: in front before the read begins
        await asyncio.sleep(1.5)
        assert not screen.loaded
        app.pop_screen()
        await until(pilot, lambda: screen.loaded)
        assert screen.query_one("#meetings", DataTable).row_count > 40
        await pilot.press("ctrl+q")


def test_the_glance_of_a_meeting_planned_is_read_as_a_record(ws: Workspace) -> None:
    """The pending meetings come back as the records they were (validated: a synced folder
    can plant a cache file)."""
    data = kept(ws)
    raw = orjson.loads(glance_path(ws).read_bytes())
    assert [Meeting.from_dict(m) for m in raw["pending"]] == data.pending
