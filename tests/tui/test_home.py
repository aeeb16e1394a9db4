"""The home screen: meetings from the store, details, series filter, empty and error states."""

from __future__ import annotations

from pathlib import Path

import pytest
from clock import FakeClock
from conftest import build_sample
from rich.text import Text
from textual.widgets import DataTable, Static

from tandem.store.workspace import Workspace
from tandem.tui.app import create_app
from tandem.tui.widgets.meeting_detail import MeetingDetail


async def wait_loaded(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def plain(widget: Static) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    content = widget.content
    console.print(content if not isinstance(content, str) else Text.from_markup(content))
    return console.export_text()


def detail_text(app) -> str:
    return plain(app.screen.query_one("#detail", MeetingDetail))


async def test_lists_meetings_newest_first(sample: Workspace) -> None:
    app = create_app(sample)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one("#meetings", DataTable)
        assert table.row_count == 3
        assert [table.get_row_at(i)[0] for i in range(3)] == ["2026-11-26", "2026-11-19", "2026-11-12"]
        assert str(table.get_row_at(0)[1]) == "Weekly smarketing sync"
        assert str(table.get_row_at(0)[3]) == "planned"
        assert "2026-11-26" in detail_text(app)
        await pilot.press("down")
        assert "2026-11-19" in detail_text(app)
        assert "Zoë Ng" in detail_text(app)
        assert "1/1 actions open" in detail_text(app)


async def test_empty_workspace_says_how_to_begin(tmp_path: Path) -> None:
    app = create_app(Workspace(tmp_path / "empty"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        empty = app.screen.query_one("#empty", Static)
        assert empty.display
        assert "tandem demo" in plain(empty)
        assert not app.screen.query_one("#home-tabs").display
    assert not (tmp_path / "empty").exists(), "opening the app must not create files"


async def test_series_filter_cycles(tmp_path: Path) -> None:
    from tandem.store.records import Meeting, Series

    ws = build_sample(tmp_path / "ws")
    ws.series.add(Series(id="pipeline-review", title="Pipeline review"))
    ws.create_meeting(Meeting(id="2026-11-20-pipeline-review", series_id="pipeline-review", title="Pipeline review", date="2026-11-20"))
    app = create_app(ws)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one("#meetings", DataTable)
        assert table.row_count == 4
        await pilot.press("s")
        assert table.row_count == 1 and "Pipeline review" in table.border_title
        await pilot.press("s")
        assert table.row_count == 3
        await pilot.press("s")
        assert table.row_count == 4 and "all series" in table.border_title


async def test_refresh_picks_up_new_meetings(sample: Workspace) -> None:
    from tandem.store.records import Meeting

    app = create_app(sample)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        sample.create_meeting(
            Meeting(id="2026-12-03-weekly-smarketing-sync", series_id="weekly-smarketing-sync", title="Weekly smarketing sync", date="2026-12-03")
        )
        await pilot.press("r")
        await wait_loaded(pilot)
        assert app.screen.query_one("#meetings", DataTable).row_count == 4


async def test_corrupt_file_shows_one_sentence_and_keeps_file(sample: Workspace) -> None:
    path = sample.meeting_path("2026-11-19-weekly-smarketing-sync")
    path.write_bytes(b"{oops")
    app = create_app(sample)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        banner = app.screen.query_one("#problem", Static)
        assert banner.display
        assert str(path) in plain(banner)
    assert path.read_bytes() == b"{oops"


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_home_snapshot(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    app = create_app(build_sample(tmp_path / "ws"), clock=FakeClock())
    app.sub_title = "~/tandem"  # the tmp path differs per run

    async def settle(pilot) -> None:
        await wait_loaded(pilot)

    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_empty_snapshot(snap_compare, tmp_path: Path) -> None:
    app = create_app(Workspace(tmp_path / "empty"), clock=FakeClock())
    app.sub_title = "~/tandem"

    async def settle(pilot) -> None:
        await wait_loaded(pilot)
        empty = app.screen.query_one("#empty", Static)
        empty.update(str(empty.content).replace(str(tmp_path / "empty"), "~/tandem"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)
