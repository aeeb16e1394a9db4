"""Planning triage (issue 21, point 5): planning a series' next meeting offers the talking
points teammates added for it; each is taken into the agenda with a timebox, deferred or
declined with a reason, one key each, and recorded in the meeting file once confirmed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from clock import FakeClock
from conftest import build_sample, rendered_text
from rich.text import Text
from textual.widgets import DataTable, Input, Select, Static

from tandem.store.contrib import Contributions, make
from tandem.store.contrib.records import Contribution
from tandem.store.lifecycle import cancel_meeting, uncancel_meeting
from tandem.store.workspace import Workspace
from tandem.tui.app import create_app
from tandem.tui.screens.home import HomeScreen
from tandem.tui.screens.new_meeting import NewMeetingScreen
from tandem.tui.screens.topics import TopicsAnswered, TopicsScreen, waiting_topics
from tandem.tui.widgets.news import HomeNewsLine

SERIES = "weekly-smarketing-sync"
TEMPLATE = "weekly-smarketing-sync"
HOSTILE = "[bold red]boom[/] \x1b[31mred\x1b]8;;http://x\x07link\x1b]8;;\x07 \x07"


def add_topic(ws: Workspace, title: str, author: str, day: int, *, minutes: int = 5, series_id: str = SERIES, note: str = "") -> Contribution:
    now = datetime(2026, 11, day, 8, 0)
    return Contributions(ws).add(make.topic(title, author=author, team="sales", now=now, series_id=series_id, minutes=minutes, note=note))


def three_topics(ws: Workspace) -> dict[str, Contribution]:
    """Three waiting topics of the series (newest first: Priya's, Luis's, Ana's), and what
    is not offered: another series' topic, a lead verdict, a withdrawn topic."""
    found = {
        "ana": add_topic(ws, "Webinar leads", "Ana Ruiz", 23, minutes=10),
        "luis": add_topic(ws, "Pricing page questions", "Luis Ortega", 24),
        "priya": add_topic(ws, "EMEA routing", "Priya Raman", 25, minutes=15, note="Leads from DACH land in the US queue."),
    }
    add_topic(ws, "Another series' point", "Luis Ortega", 25, series_id="pipeline-review")
    Contributions(ws).add(make.lead("SF-77", "poor", reasons=["no_budget"], author="Luis Ortega", team="sales", now=datetime(2026, 11, 25)))
    gone = add_topic(ws, "Taken back", "Ana Ruiz", 25)
    Contributions(ws).withdraw("Ana Ruiz", gone.id)
    return found


async def until(pilot: Any, condition: Callable[[], bool], seconds: float = 10) -> None:
    """Pause until ``condition`` holds (the app's workers may be waiting on a dialog)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen never got there")


async def until_topics(pilot: Any) -> TopicsScreen:
    """The topics step, on screen with its list filled."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, TopicsScreen) and bool(app.screen.query("#topic-list")) and app.screen.query_one(DataTable).row_count > 0)
    await pilot.pause()
    return app.screen


def shown(widget: Any) -> str:
    """What a Static shows, as the screen draws it (its markup setting respected)."""
    return str(widget.render().plain)


def table_rows(screen: TopicsScreen) -> list[list[str]]:
    table = screen.query_one("#topic-list", DataTable)
    return [[c.plain if isinstance(c, Text) else str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


def meeting_file(ws: Workspace, meeting_id: str) -> dict[str, Any]:
    return orjson.loads(ws.meeting_path(meeting_id).read_bytes())


def notices(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def plan_meeting(pilot: Any, day: str) -> None:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.query_one("#meetings", DataTable).row_count > 0)
    await pilot.press("n")
    await until(pilot, lambda: isinstance(app.screen, NewMeetingScreen))
    form = app.screen
    form.query_one("#template", Select).value = TEMPLATE
    form.query_one("#date", Input).value = day
    await pilot.press("ctrl+s")


async def test_planning_offers_the_series_waiting_topics_and_records_each_answer_in_the_meeting(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    topics = three_topics(ws)
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(100, 36)) as pilot:
        await plan_meeting(pilot, "2026-12-08")
        screen = await until_topics(pilot)
        meeting_id = screen.meeting.id
        assert screen.meeting.date == "2026-12-08" and screen.meeting.status == "planned"
        assert "3 topics waiting for Weekly smarketing sync · Tue 08 Dec 2026" in rendered_text(screen.query_one(".dialog-title", Static))
        # Author, age, title, suggested minutes; newest first, as tandem inbox lists them.
        assert table_rows(screen) == [
            ["—", "EMEA routing", "Priya Raman", "1 day", "15"],
            ["—", "Pricing page questions", "Luis Ortega", "2 days", "5"],
            ["—", "Webinar leads", "Ana Ruiz", "3 days", "10"],
        ]
        assert "Leads from DACH land in the US queue." in rendered_text(screen.query_one("#topic-detail", Static))
        minutes = screen.query_one("#minutes", Input)
        assert minutes.value == "15"

        # Take Priya's with a longer timebox: typed in the minutes, Enter takes it.
        minutes.focus()
        minutes.value = ""
        await pilot.press("2", "0", "enter")
        await pilot.pause()
        assert table_rows(screen)[0][0] == "take · 20 min"
        # Luis's is deferred (one key); the cursor moved on to it.
        assert screen.focused is screen.query_one("#topic-list")
        await pilot.press("l")
        assert table_rows(screen)[1][0] == "defer"
        # Ana's: declined needs a reason, said on the field, which gets the focus.
        await pilot.press("x")
        await pilot.pause()
        assert topics["ana"].id not in screen.answers
        assert "Say why it is declined: Ana Ruiz reads it." in rendered_text(screen.query_one("#reason-field .field-error", Static))
        assert screen.focused is screen.query_one("#reason", Input)
        for key in "Covered by the webinar review":
            await pilot.press(key if key != " " else "space")
        await pilot.press("enter")
        await pilot.pause()
        assert table_rows(screen)[2][0] == "decline"

        # The write fails (the meeting was cancelled behind the dialog): every answer kept.
        cancel_meeting(ws, meeting_id)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.query_one("#topics-error").display)
        assert isinstance(app.screen, TopicsScreen)
        assert "Not recorded: " in rendered_text(screen.query_one("#topics-error", Static))
        assert [a.answer for a in screen.answers.values()] == ["take", "defer", "decline"]
        assert screen.answers[topics["ana"].id].reason == "Covered by the webinar review"
        assert "triage" not in meeting_file(ws, meeting_id) or not meeting_file(ws, meeting_id)["triage"]

        uncancel_meeting(ws, meeting_id)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert "1 topic added to the agenda, 1 deferred, 1 declined." in notices(app)

    data = meeting_file(ws, meeting_id)
    fates = {doc["id"]: (doc["fate"], doc["reason"], doc["author"]) for doc in data["triage"].values()}
    assert fates == {
        topics["priya"].id: ("taken", "", "Priya Raman"),
        topics["luis"].id: ("deferred", "", "Luis Ortega"),
        topics["ana"].id: ("declined", "Covered by the webinar review", "Ana Ruiz"),
    }
    agenda = sorted(data["agenda"].values(), key=lambda doc: doc["position"])
    titles = [doc["title"] for doc in agenda]
    # Before the closing items (the action review and wrap-up), with its timebox and author.
    assert titles[-3:] == ["EMEA routing", "Action review", "Wrap-up and decisions"]
    taken = agenda[-3]
    assert (taken["id"], taken["timebox_min"], taken["presenter"]) == (topics["priya"].id, 20, "Priya Raman")
    # Deferred waits on; declined and taken do not.
    assert [c.subject for c, _ in waiting_topics(ws, SERIES)] == ["Pricing page questions"]


async def test_no_waiting_topic_no_step(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    add_topic(ws, "Another series' point", "Luis Ortega", 25, series_id="pipeline-review")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(100, 36)) as pilot:
        await plan_meeting(pilot, "2026-12-08")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and any("Planned for 2026-12-08" in n for n in notices(app)))
        await pilot.pause(0.2)
        assert not any(isinstance(s, TopicsScreen) for s in app.screen_stack)
        assert not any("topic" in n for n in notices(app))
    planned = [m for m in ws.list_meetings() if m.date == "2026-12-08"]
    assert len(planned) == 1 and not meeting_file(ws, planned[0].id).get("triage")


async def test_a_planned_meeting_offers_its_topics_from_home(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    topics = three_topics(ws)
    planned = next(m for m in ws.list_meetings() if m.status == "planned")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        home = app.screen
        await until(pilot, lambda: home.query_one(HomeNewsLine).news.topics_for(SERIES) == 3)
        await pilot.pause()
        assert home.selected_id == planned.id
        # The footer has no room for it at 80 columns: the line of news names the key.
        enabled = {b.action for (_, b, on, _) in home.active_bindings.values() if on}
        assert "topics" in enabled and "(3 topics for its agenda: t)" in str(home.query_one(HomeNewsLine).render())
        await pilot.press("t")
        await until_topics(pilot)
        await pilot.press("t", "l", "l", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and any("topic" in n for n in notices(app)))
        assert "1 topic added to the agenda, 2 deferred." in notices(app)
        await until(pilot, lambda: home.query_one(HomeNewsLine).news.topics_for(SERIES) == 2)
        # Ended meetings offer nothing: the key does nothing on them.
        await pilot.press("down")
        await pilot.pause()
        enabled = {b.action for (_, b, on, _) in home.active_bindings.values() if on}
        assert "topics" not in enabled
    taken = ws.read_meeting(planned.id)
    assert topics["priya"].id in [i.id for i in taken.agenda]


async def test_teammates_text_is_inert_in_the_topics_step(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    add_topic(ws, HOSTILE, "[b]Mallory[/b]", 25, note=HOSTILE + "x" * 99_000)
    planned = next(m for m in ws.list_meetings() if m.status == "planned")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        app.push_screen(TopicsScreen(ws, planned, waiting_topics(ws, SERIES), FakeClock()))
        screen = await until_topics(pilot)
        row = table_rows(screen)[0]
        assert row[1].startswith("[bold red]boom[/]") and row[2] == "[b]Mallory[/b]"
        detail = shown(screen.query_one("#topic-detail", Static))
        assert "[bold red]boom[/]" in detail and "\x1b" not in detail and "\x07" not in detail
        await pilot.press("x")
        await pilot.pause()
        assert "Say why it is declined: [b]Mallory[/b] reads it." in shown(screen.query_one("#reason-field .field-error", Static))


@pytest.mark.parametrize(
    ("taken", "deferred", "declined", "said"),
    [
        (2, 1, 1, "2 topics added to the agenda, 1 deferred, 1 declined."),
        (0, 1, 1, "1 topic deferred, 1 declined."),
        (0, 0, 3, "3 topics declined."),
    ],
)
def test_what_the_toast_says(taken: int, deferred: int, declined: int, said: str) -> None:
    assert TopicsAnswered(taken, deferred, declined).words() == said


def test_topics_step_snapshot(snap_compare, tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    three_topics(ws)
    planned = next(m for m in ws.list_meetings() if m.status == "planned")
    app = create_app(ws, clock=FakeClock())

    async def run_before(pilot: Any) -> None:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.query_one(HomeNewsLine).display)
        app.push_screen(TopicsScreen(ws, planned, waiting_topics(ws, SERIES), FakeClock()))
        await until_topics(pilot)
        await pilot.press("t")  # Priya's taken with the minutes she suggests
        await pilot.press("x")  # Luis's: declined needs a reason
        await pilot.pause()
        app.sub_title = "ws"

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
