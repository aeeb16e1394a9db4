"""Home and review say what is new with contributions (issue 21, point 6): home counts what
waits for the next meeting and what became of the user's own lately; review lists the
reviewer's own with their fate — in the words of ``tandem inbox`` (Fate.words())."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from clock import FakeClock
from conftest import build_sample

from tandem.store.config import save_me
from tandem.store.contrib import Contributions, make
from tandem.store.contrib.records import Contribution
from tandem.store.contrib.triage import TopicAnswer, fate_of, fates, triage_planned
from tandem.store.lifecycle import reschedule_meeting
from tandem.store.records import Meeting
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.workspace import Workspace
from tandem.tui.app import create_app
from tandem.tui.review_app import create_review_app
from tandem.tui.widgets.news import HomeNewsLine, YourContributions, whose

SERIES = "weekly-smarketing-sync"
TUESDAY = date(2026, 12, 1)
DECIDED = datetime(2026, 11, 25, 17, 0)
HOSTILE_REASON = "[red]not now[/red] \x1b[2J\x1b]52;c;cHduZWQ=\x07"


def contribute(ws: Workspace, made: Contribution) -> Contribution:
    return Contributions(ws).add(made)


def on(day: int) -> dict[str, Any]:
    return {"now": datetime(2026, 11, day, 9, 0), "series_id": SERIES}


def news_workspace(tmp_path: Path, *, reason: str = "Covered last week") -> tuple[Workspace, dict[str, Contribution]]:
    """The sample, its planned meeting moved to Tuesday 1 December, which took in one of
    Ana's topics, declined one and deferred one; what else waits for it."""
    ws = build_sample(tmp_path / "ws")
    planned = next(m for m in ws.list_meetings() if m.status == "planned")
    reschedule_meeting(ws, planned.id, TUESDAY)
    ana = {"author": "Ana Ruiz", "team": "sales"}
    luis = {"author": "Luis Ortega", "team": "sales"}
    mine = {
        "taken": contribute(ws, make.topic("Webinar leads", **ana, **on(20))),
        "declined": contribute(ws, make.topic("Pricing", **ana, **on(21))),
        "deferred": contribute(ws, make.topic("Booth at SaaStr", **ana, **on(22))),
        "waiting": contribute(ws, make.question("Does it work with HubSpot?", **ana, **on(23))),
    }
    contribute(ws, make.topic("EMEA routing", **luis, **on(24)))
    contribute(ws, make.topic("Trial length", **luis, **on(24)))
    contribute(ws, make.lead("SF-77", "poor", reasons=["no_budget"], author="Priya Raman", team="sales", now=datetime(2026, 11, 24)))
    contribute(ws, make.topic("Another series' point", **luis, now=datetime(2026, 11, 24), series_id="pipeline-review"))
    triage_planned(
        ws,
        planned.id,
        [
            TopicAnswer(mine["taken"], "take", minutes=10),
            TopicAnswer(mine["declined"], "decline", reason=reason),
            TopicAnswer(mine["deferred"], "defer"),
        ],
        now=DECIDED,
    )
    return ws, mine


async def until(pilot: Any, condition: Any, seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen never got there")


def shown(widget: Any) -> str:
    return str(widget.render().plain)


async def home_news(app: Any) -> tuple[bool, str]:
    """Whether home shows its line of news, and what it says."""
    async with app.run_test(size=(160, 36)) as pilot:
        line = app.screen.query_one(HomeNewsLine)
        await until(pilot, lambda: line._reads > 0)
        await pilot.pause(0.5)  # the first read waits for the frame
        await app.workers.wait_for_complete()
        await pilot.pause()
        return line.display, shown(line)


async def test_home_says_what_waits_for_the_next_meeting_and_what_became_of_yours(tmp_path: Path) -> None:
    ws, _ = news_workspace(tmp_path)
    save_me("Ana Ruiz", "sales")
    displayed, said = await home_news(create_app(ws, clock=FakeClock()))
    assert displayed
    assert said == (
        "5 contributions waiting for Tuesday's Weekly smarketing sync (3 topics for its agenda: t)"
        "   1 of yours taken in, 1 declined, 1 deferred since Thu 19 Nov"
    )


async def test_home_without_me_says_only_what_waits(tmp_path: Path) -> None:
    ws, _ = news_workspace(tmp_path)
    displayed, said = await home_news(create_app(ws, clock=FakeClock(datetime(2026, 12, 1, 9, 0))))
    assert displayed and said == "5 contributions waiting for today's Weekly smarketing sync (3 topics for its agenda: t)"


async def test_home_says_nothing_when_nothing_waits(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    save_me("Ana Ruiz", "sales")
    displayed, said = await home_news(create_app(ws, clock=FakeClock()))
    assert not displayed and said == ""


async def test_home_leaves_out_what_was_decided_more_than_a_week_ago(tmp_path: Path) -> None:
    ws, _ = news_workspace(tmp_path)
    save_me("Ana Ruiz", "sales")
    displayed, said = await home_news(create_app(ws, clock=FakeClock(datetime(2026, 12, 3, 9, 0))))
    # Its meeting is past its date: what waits is for whichever meets next, every series.
    assert displayed and said == "6 contributions waiting for the next meeting"


@pytest.mark.parametrize(
    ("day", "status", "said"),
    [
        ("2026-11-26", "planned", "today's Sync"),
        ("2026-11-27", "planned", "tomorrow's Sync"),
        ("2026-12-01", "planned", "Tuesday's Sync"),
        ("2026-12-03", "planned", "the 2026-12-03 Sync"),
        ("2026-11-20", "live", "the live Sync"),
    ],
)
def test_the_meeting_is_named_by_its_day_within_a_week(day: str, status: str, said: str) -> None:
    meeting = Meeting(id="m", series_id="s", title="Sync", date=day, status=status)
    assert whose(meeting, date(2026, 11, 26)) == said


async def test_review_tells_the_reviewer_the_fate_of_their_own_in_the_inbox_words(tmp_path: Path) -> None:
    ws, mine = news_workspace(tmp_path, reason=HOSTILE_REASON)
    save_me("Ana Ruiz", "sales")
    app = create_review_app(WorkspaceSource(ws.home), today=date(2026, 11, 26))
    async with app.run_test(size=(160, 36)) as pilot:
        panel = app.screen.query_one(YourContributions)
        await until(pilot, lambda: panel.display)
        text = shown(panel)
    meeting = "2026-12-01 Weekly smarketing sync"
    assert text == (
        "Your contributions: 1 waiting · "
        f"1 waiting (deferred by {meeting}) · "
        f"1 declined in {meeting}: [red]not now[/red] (topic Pricing) · "
        f"1 taken into {meeting}"
    )
    # The words `tandem inbox --all` prints (Fate.words()), one for one.
    found = fates(ws)
    for c in mine.values():
        words = fate_of(c, found).words().replace(HOSTILE_REASON, "[red]not now[/red]")
        assert words in text
    assert "\x1b" not in text and "\x07" not in text


async def test_review_says_nothing_of_yours_without_me_or_contributions(tmp_path: Path) -> None:
    ws, _ = news_workspace(tmp_path)
    app = create_review_app(WorkspaceSource(ws.home), today=date(2026, 11, 26))
    async with app.run_test(size=(160, 36)) as pilot:
        await until(pilot, lambda: app.screen.data is not None)
        await pilot.pause(0.3)
        assert not app.screen.query_one(YourContributions).display
    save_me("Zoë Ng", "marketing")  # named, but she contributed nothing
    app = create_review_app(WorkspaceSource(ws.home), today=date(2026, 11, 26))
    async with app.run_test(size=(160, 36)) as pilot:
        await until(pilot, lambda: app.screen.data is not None)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert not app.screen.query_one(YourContributions).display
