"""`tandem review` with thousands of meetings: the meetings table holds a window of rows yet
reaches every meeting, a reload after one meeting changed redraws only what shows it, and
search still finds and jumps to a meeting deep in the list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from textual.widgets import Input, TabbedContent

from tandem.store.review.model import ActionRow, MeetingRow, ReviewData, SearchHit, Snippet
from tandem.tui.review_app import create_review_app
from tandem.tui.widgets.review.base import PagedTable, ReviewPane
from tests.conftest import rendered_text

TODAY = date(2026, 11, 27)
MEETINGS = 3000


def meeting(n: int) -> MeetingRow:
    day = (TODAY - timedelta(days=n)).isoformat()
    return MeetingRow(id=f"m{n:05d}", title="Sync", series="sync", series_title="Weekly sync", date=day, facilitator=f"Person {n:04d}", status="ended")


class ManyMeetings:
    """A review source of :data:`MEETINGS` meetings (newest first) that the test changes."""

    label = "many"

    def __init__(self) -> None:
        self.data = ReviewData(
            meetings=[meeting(n) for n in range(MEETINGS)],
            actions=[ActionRow("Send the deck", "Dana", "2026-12-01", "open", "m00001", "sync", "2026-11-26")],
        )
        self.pending = False
        self.loads = 0

    def load(self) -> ReviewData:
        self.loads += 1
        self.pending = False
        # A new list each load, the rows of what did not change the same objects (as the store does).
        return ReviewData(**{name: list(getattr(self.data, name)) for name in ("meetings", "actions", "objectives", "feedback", "shadow_days", "decisions")})

    def change_meeting(self, n: int, **changes: object) -> None:
        self.data.meetings[n] = replace(self.data.meetings[n], **changes)  # type: ignore[arg-type]
        self.pending = True

    def changed(self) -> bool:
        return self.pending

    def minutes(self, meeting_id: str) -> str:
        return f"# {meeting_id}\n"

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        deep = self.data.meetings[2500]
        return [SearchHit(deep.id, 3, (Snippet("Notes", f"the {query} plan"),))] if query == "procurement" else []


async def loaded(pilot, source: ManyMeetings) -> PagedTable:
    for _ in range(400):
        await pilot.pause(0.02)
        if pilot.app.screen.data is not None and source.loads:
            break
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)
    return pilot.app.screen.query_one("#review-meetings", PagedTable)


def on_screen(table: PagedTable) -> str:
    """The lines the table draws now (scrolled as it is)."""
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


def highlighted(app) -> str | None:
    return app.screen.query_one("#review-meetings", PagedTable).item_at_cursor().id


async def test_the_meetings_table_holds_a_window_yet_reaches_every_meeting() -> None:
    source = ManyMeetings()
    app = create_review_app(source, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        table = await loaded(pilot, source)
        assert table.row_count <= PagedTable.WINDOW < MEETINGS  # O(visible), not 3,000 rows
        assert f"{MEETINGS} of {MEETINGS} meetings" in rendered_text(app.screen.query_one("#meetings-status"))
        await pilot.press("ctrl+end")
        await pilot.pause(0.2)
        assert highlighted(app) == f"m{MEETINGS - 1:05d}"
        assert f"Person {MEETINGS - 1:04d}" in on_screen(table)  # on screen, not only the cursor
        await pilot.press("ctrl+home")
        await pilot.pause(0.2)
        assert highlighted(app) == "m00000" and "Person 0000" in on_screen(table)
        # Page down past the window's edge: the cursor moves on through the whole list.
        for _ in range(12):
            await pilot.press("pagedown")
        await pilot.pause(0.2)
        page_rows = int(highlighted(app)[1:])
        assert page_rows > PagedTable.WINDOW and table.window_start > 0
        assert f"Person {page_rows:04d}" in on_screen(table)
        await pilot.press("down")
        assert highlighted(app) == f"m{page_rows + 1:05d}"
        await pilot.press("up")
        for _ in range(12):  # as many pages back up: where it started
            await pilot.press("pageup")
        await pilot.pause(0.2)
        assert highlighted(app) == "m00000" and table.window_start == 0
        # Cursor keys one row at a time across the edge of the window.
        await pilot.press("ctrl+end")
        await pilot.pause(0.1)
        for _ in range(PagedTable.WINDOW + 5):
            await pilot.press("up")
        await pilot.pause(0.1)
        assert highlighted(app) == f"m{MEETINGS - 1 - PagedTable.WINDOW - 5:05d}"


async def test_the_wheel_moves_the_window_on() -> None:
    source = ManyMeetings()
    app = create_review_app(source, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        table = await loaded(pilot, source)
        table.scroll_to(y=table.max_scroll_y, animate=False, immediate=True)
        await pilot.pause(0.3)
        assert table.window_start > 0  # more rows came in below
        assert table.scroll_y < table.max_scroll_y


async def test_a_reload_after_one_meeting_changed_redraws_only_what_shows_it() -> None:
    source = ManyMeetings()
    app = create_review_app(source, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        table = await loaded(pilot, source)
        await pilot.pause(0.5)  # every lazy pane mounted
        panes = {pane.id: pane for pane in app.screen.query(ReviewPane)}
        assert len(panes) == 7
        # Hidden tabs draw nothing until shown.
        assert {name: pane.draws for name, pane in panes.items()} == {name: int(name == "meetings-pane") for name in panes}
        await pilot.press("2")
        await pilot.pause(0.2)
        assert panes["actions-pane"].draws == 1
        await pilot.press("1")
        await pilot.pause(0.2)
        keys_before = list(table.rows)
        source.change_meeting(2, status="finalized")
        for _ in range(100):
            await pilot.pause(0.05)
            if source.loads >= 2:
                break
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert source.loads == 2
        draws = {name: pane.draws for name, pane in panes.items()}
        # The meetings tab (in front) redrew; the actions tab (hidden, its rows unchanged) did not.
        assert draws["meetings-pane"] == 2 and draws["actions-pane"] == 1
        assert all(draws[name] == 0 for name in panes if name not in ("meetings-pane", "actions-pane"))
        assert list(table.rows) == keys_before  # the rows were kept, the changed cell written
        assert "finalized" in "".join(str(cell) for cell in table.get_row("m00002"))
        # Shown later, a hidden tab catches up once; one with the same rows does not redraw.
        await pilot.press("7")
        await pilot.pause(0.2)
        await pilot.press("2")
        await pilot.pause(0.2)
        assert panes["health-pane"].draws == 1 and panes["actions-pane"].draws == 1


async def test_search_finds_and_jumps_to_a_meeting_deep_in_the_list() -> None:
    source = ManyMeetings()
    app = create_review_app(source, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, source)
        await pilot.press("slash", *"procurement")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert app.screen.query_one("#search", Input).value == "procurement"
        assert highlighted(app) == "m02500"
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert app.screen.query_one(TabbedContent).active == "tab-meetings"
        assert app.screen.query_one("#review-meetings", PagedTable).row_count <= PagedTable.WINDOW
