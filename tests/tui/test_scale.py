"""Huge and odd input: far more data than a team makes in a year, and nothing is lost.

* a 200 KB note pasted into a live meeting, typed on, quit: saved whole, the meeting file
  loads, the minutes hold it;
* one series of 5,000 meetings: home lists them all, ``tandem list --json`` prints them all,
  review loads them and finds one by a search;
* 1,000 people across meetings, all of them on the series' last meeting: the new-meeting
  form lists them, the action form suggests the owner from them.

Behaviour, not timing: the figures come from ``benchmarks/scale.py``. A bound here is only
a generous "it still answers" (a hang fails instead of blocking the run).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import rendered_text, run_cli
from textual import events
from textual.widgets import DataTable, Input, SelectionList, TextArea

from tandem.store.minutes.render import Shared, render_minutes
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.review_app import create_review_app
from tandem.tui.screens.review import ReviewScreen
from tandem.tui.widgets.review.base import PagedTable

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from scale import big_note, person, seed_series

MEETINGS = 5000
PEOPLE = 1000
NOTE_KB = 200
#: "Still answers": far above any figure measured (see benchmarks/scale.py).
ANSWERS_WITHIN_S = 60


def clock() -> datetime:
    return datetime(2026, 11, 26, 9, 30)


async def until(pilot, condition: Callable[[], bool], timeout: float = ANSWERS_WITHIN_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the app did not answer in time"
        await pilot.pause(0.02)


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """One series of 5,000 daily meetings (the newest planned for today)."""
    return seed_series(tmp_path_factory.mktemp("many") / "ws", meetings=MEETINGS)


@pytest.fixture(scope="module")
def crowd(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """1,000 people across 200 meetings; the newest, live, has them all (600 present)."""
    return seed_series(tmp_path_factory.mktemp("crowd") / "ws", meetings=200, people=PEOPLE, last_planned=False)


def newest(ws: Workspace) -> str:
    return ws.list_meetings()[-1].id


# --- a 200 KB note ------------------------------------------------------------------------------


async def test_a_200_kb_note_is_kept_whole(tmp_path: Path) -> None:
    ws = seed_series(tmp_path / "ws", meetings=3, last_planned=False)
    meeting_id = newest(ws)
    note = big_note(NOTE_KB)
    assert len(note.encode()) >= NOTE_KB * 1024
    typed = "and then we decided"
    app = create_app(ws, clock=clock, start=StartWith(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "LiveScreen")
        notes = app.screen.query_one("#notes", TextArea)
        await until(pilot, lambda: app.focused is notes)
        paste = events.Paste(note)
        paste.set_sender(app)
        app.post_message(paste)
        await until(pilot, lambda: notes.text == note)
        for ch in typed:  # the editor keeps answering with 200 KB in it
            started = time.monotonic()
            await pilot.press("space" if ch == " " else ch)
            assert time.monotonic() - started < ANSWERS_WITHIN_S
        assert notes.text == note + typed
        await pilot.press("ctrl+q")
    assert not app.is_running
    record = Workspace(ws.home, read_only=True).read_meeting(meeting_id)  # the file loads
    assert record.agenda[0].notes == note + typed
    minutes = render_minutes(record, Shared.load(ws))
    lines = (note + typed).splitlines()
    assert all(line in minutes for line in lines), "every line of the note is in the minutes"
    out = tmp_path / "minutes.md"
    result = run_cli("--home", str(ws.home), "export", meeting_id, "-o", str(out))
    assert result.code == 0, result.err
    assert out.read_text(encoding="utf-8") == minutes


# --- 5,000 meetings -----------------------------------------------------------------------------


async def test_home_lists_5000_meetings(many: Workspace) -> None:
    app = create_app(Workspace(many.home), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.screen.query("#meetings")) and app.screen.query_one("#meetings", DataTable).row_count > 0)
        table = app.screen.query_one("#meetings", DataTable)
        assert f"· {MEETINGS}" in str(table.border_title)
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == newest(many)
        oldest = many.list_meetings()[0]
        await pilot.press("down")
        # The table is given more rows as the cursor nears its end: the last is the oldest
        # meeting, with its details.
        for _ in range(MEETINGS // 100):
            if table.row_count == MEETINGS and table.cursor_row == MEETINGS - 1:
                break
            await pilot.press("ctrl+end")
            await pilot.pause(0.02)
        assert table.row_count == MEETINGS
        await until(pilot, lambda: f"{oldest.date} · Weekly smarketing sync" in rendered_text(app.screen.query_one("#detail")))
        await pilot.press("ctrl+q")


def test_list_json_prints_5000_meetings(many: Workspace) -> None:
    result = run_cli("--home", str(many.home), "list", "--json")
    assert result.code == 0, result.err
    listed = json.loads(result.out)
    assert len(listed) == MEETINGS
    assert [m["id"] for m in listed] == [m.id for m in many.list_meetings()]


async def test_review_loads_5000_meetings_and_finds_one(many: Workspace) -> None:
    app = create_review_app(WorkspaceSource(many.home), today=date(2026, 11, 26))
    async with app.run_test(size=(120, 36)) as pilot:
        # A long list is held as a window of rows around the cursor (PagedTable): all of
        # them are its items.
        table = lambda: app.screen.query_one("#review-meetings", PagedTable)  # noqa: E731
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.data is not None and len(table().items) == MEETINGS)
        assert f"{MEETINGS} of {MEETINGS} meetings" in rendered_text(app.screen.query_one("#meetings-status"))
        target = many.list_meetings()[-2].id  # the last one with records: "Follow up on batch 4998"
        await pilot.press("slash", *"batch", "space", *"4998", "enter")
        await until(pilot, lambda: [str(row.value) for row in table().rows] == [target])
        await pilot.press("ctrl+q")


# --- 1,000 people -------------------------------------------------------------------------------


async def test_the_new_meeting_form_lists_1000_people(crowd: Workspace, tmp_path: Path) -> None:
    import shutil

    home = tmp_path / "ws"
    shutil.copytree(crowd.home, home)
    ws = Workspace(home)
    with ws.open_meeting(newest(ws)) as writer:  # the live one ends: a new one is planned next
        writer.save_meeting(writer.meeting.replace(status="ended"))
    app = create_app(ws, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.screen.query("#meetings")) and app.screen.query_one("#meetings", DataTable).row_count > 0)
        await pilot.press("n")
        await until(pilot, lambda: type(app.screen).__name__ == "NewMeetingScreen")
        people = app.screen.query_one("#people", SelectionList)
        await until(pilot, lambda: people.option_count == PEOPLE)
        assert len(people.selected) == PEOPLE * 6 // 10
        app.screen.query_one("#person", Input).focus()
        await pilot.press(*"Zed", "comma", "space", *"sales", "enter")
        await until(pilot, lambda: people.option_count == PEOPLE + 1)
        await pilot.press("escape")
        await pilot.press("ctrl+q")


async def test_the_action_form_suggests_owners_among_1000_people(crowd: Workspace, tmp_path: Path) -> None:
    import shutil

    home = tmp_path / "ws"
    shutil.copytree(crowd.home, home)
    ws = Workspace(home)
    app = create_app(ws, clock=clock, start=StartWith(meeting_id=newest(ws)))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "LiveScreen")
        await pilot.press("escape", "t")
        await until(pilot, lambda: type(app.screen).__name__ == "ActionForm")
        owner = app.screen.query_one("#w-owner", Input)
        owner.focus()
        typed = person(PEOPLE - 1).name[:-1]  # "Person 099"
        await pilot.press(*("space" if c == " " else c for c in typed))
        await until(pilot, lambda: owner._suggestion == person(PEOPLE - 10).name)  # "Person 0990", first match
        await pilot.press("escape")
        await pilot.press("ctrl+q")


async def test_the_new_meeting_form_reads_the_series_once(many: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The defaults of a series (its last meeting's people) come from reading every meeting's
    header: 0.2-0.5 s with 5,000 meetings. The form read them twice on opening (on mount,
    then again for the series selector's first Changed), on the UI thread."""
    from tandem.tui.screens import new_meeting

    calls: list[str] = []
    original = new_meeting.series_defaults

    def counted(workspace: Workspace, series_id: str, *args, **kwargs):
        calls.append(series_id)
        return original(workspace, series_id, *args, **kwargs)

    monkeypatch.setattr(new_meeting, "series_defaults", counted)
    app = create_app(Workspace(many.home), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.screen.query("#meetings")) and app.screen.query_one("#meetings", DataTable).row_count > 0)
        await pilot.press("n")
        await until(pilot, lambda: type(app.screen).__name__ == "NewMeetingScreen")
        people = app.screen.query_one("#people", SelectionList)
        await until(pilot, lambda: people.option_count == 12)
        await pilot.pause(0.3)
        assert calls == ["weekly-smarketing-sync"]
        await pilot.press("escape", "ctrl+q")
