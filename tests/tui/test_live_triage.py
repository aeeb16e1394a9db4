"""Triage in the live meeting: the team's waiting contributions appear in the agenda item
that takes them, each taken in with one key (keeping its author), deferred, declined with a
required reason, the decision undone; anyone's text stays inert; the action review shows
what owners closed between meetings."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from clock import FakeClock
from conftest import rendered_text
from textual.widgets import Input

from tandem.store.contrib import Contributions, make
from tandem.store.contrib.triage import waiting
from tandem.store.errors import ValidationError
from tandem.store.records import ActionItem, AgendaItem, Attendee, Meeting, Objective, Series
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.screens import live_triage
from tandem.tui.screens.live import LiveScreen
from tandem.tui.screens.live_triage import ReasonScreen
from tandem.tui.widgets.waiting import WaitingList

MID = "2026-11-26-sync"
EARLIER = "2026-11-19-sync"
JOSE = {"author": "José Núñez", "team": "sales"}
ANA = {"author": "Ana Ruiz", "team": "sales"}
MAYA = {"author": "Maya Chen", "team": "marketing"}
#: Where each kind of contribution is offered: the agenda item's id.
ITEM_OF = {"lead": "lead", "question": "voice", "content": "pipe", "checkin": "obj"}


def workspace(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="sync", title="Weekly sync"))
    ws.create_meeting(Meeting(id=EARLIER, series_id="sync", title="Weekly sync", date="2026-11-19", status="ended"))
    with ws.open_meeting(EARLIER) as w:
        w.actions.add(ActionItem(id="old1", text="Fix EMEA routing", owner="Luis", meeting_id=EARLIER))
        w.actions.add(ActionItem(id="old2", text="Draft ROI one-pager", owner="Dana", meeting_id=EARLIER))
    ws.objectives.add(Objective(id="mqls", title="MQLs a month", metric="MQLs", target=100, status="at_risk"))
    ws.create_meeting(
        Meeting(
            id=MID,
            series_id="sync",
            title="Weekly sync",
            date="2026-11-26",
            facilitator="Dana",
            attendees=[Attendee(name="Dana", team="marketing"), Attendee(name="Luis", team="sales")],
        ),
        [
            AgendaItem(id="obj", title="Objectives", position=0, timebox_min=5, captures="objective"),
            AgendaItem(id="lead", title="Lead quality", position=1, timebox_min=10, captures="lead_feedback"),
            AgendaItem(id="voice", title="Voice of the prospect", position=2, timebox_min=10, captures="prospect_insight"),
            AgendaItem(id="pipe", title="Pipeline", position=3, timebox_min=10, captures="content"),
            AgendaItem(id="act", title="Action review", position=4, timebox_min=5, captures="action_review"),
        ],
    )
    return ws


def contribute(ws: Workspace) -> dict[str, str]:
    """One waiting contribution of each kind the items take; their ids by kind."""
    store = Contributions(ws)
    made = [
        make.lead("SF-77", "poor", reasons=["no_budget"], now=datetime(2026, 11, 24, 16, 5), **JOSE),
        make.question("Does it work with HubSpot?", now=datetime(2026, 11, 25, 9, 0), **ANA),
        make.content("HubSpot integration guide", now=datetime(2026, 11, 25, 10, 0), **MAYA),
        make.checkin(ws.objectives.get("mqls"), 42, comment="webinar week", now=datetime(2026, 11, 26, 8, 0), **ANA),
    ]
    return {c.kind: store.add(c).id for c in made}


async def until(pilot, condition, what: str = "", seconds: float = 5.0) -> None:
    """Pause until ``condition()`` holds (a worker read or wrote what was asked)."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


def shown(screen: LiveScreen) -> list[str]:
    """The ids of the contributions the waiting list shows."""
    waiting = screen.query_one("#waiting", WaitingList)
    return [c.id for c, _ in waiting.rows] if waiting.display else []


async def goto(pilot, screen: LiveScreen, item_id: str) -> None:
    screen.session.activate(item_id)
    screen._after_change()
    await pilot.pause()
    await until(pilot, lambda: screen.triage.pairs is not None, "the contributions read")


async def open_meeting(pilot) -> LiveScreen:
    screen = pilot.app.screen
    assert isinstance(screen, LiveScreen)
    await until(pilot, lambda: screen.triage.pairs is not None, "the contributions read")
    await pilot.press("escape")  # to the agenda
    return screen


def app_for(ws: Workspace, clock: FakeClock | None = None):
    return create_app(ws, clock=clock or FakeClock(), start=StartWith(meeting_id=MID))


async def test_each_contribution_waits_only_in_the_item_that_takes_it(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    ids = contribute(ws)
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen = await open_meeting(pilot)
        for kind, item in ITEM_OF.items():
            await goto(pilot, screen, item)
            assert shown(screen) == [ids[kind]], (kind, item)
            heading = rendered_text(screen.query_one("#item-title"))
            assert "1 waiting" in heading
            waiting = screen.query_one("#waiting", WaitingList)
            assert waiting.border_title.startswith("Waiting from the team · 1")
        await goto(pilot, screen, "act")
        assert shown(screen) == [], "an item that takes none of them offers none"
        assert "waiting" not in rendered_text(screen.query_one("#item-title"))


async def test_one_key_takes_each_in_keeping_its_author(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    ids = contribute(ws)
    before = {p.name: p.read_bytes() for p in Contributions(ws).files()}
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen = await open_meeting(pilot)
        session = screen.session
        for kind, item in ITEM_OF.items():
            await goto(pilot, screen, item)
            await pilot.press("f")  # from the agenda to the list
            assert screen.focused is screen.query_one("#waiting")
            await pilot.press("enter")  # one key
            await until(pilot, lambda kind=kind: any(t.id == ids[kind] and t.fate == "taken" for t in session.record.triage), f"{kind} taken")
            await until(pilot, lambda: shown(screen) == [], "the list emptied")
            assert screen.focused is screen.query_one("#waiting"), "the list stays for u to undo"
            assert "u undoes the last decision" in str(screen.query_one("#waiting", WaitingList).get_option_at_index(0).prompt)
            await pilot.press("escape")
            if kind == "lead":
                await until(pilot, lambda: "lead feedback: 1" in rendered_text(screen.query_one("#lead-summary")), "the lead summary counts it")
                assert "By verdict: poor 1" in rendered_text(screen.query_one("#lead-summary"))
        (lead,) = session.record.lead_feedback
        assert (lead.id, lead.reference, lead.reporter, lead.agenda_item_id) == (ids["lead"], "SF-77", "José Núñez", "lead")
        assert screen.session.saver.flush()
        await pilot.press("q")
        await pilot.pause()
    record = ws.read_meeting(MID)
    assert {t.id: (t.fate, t.author) for t in record.triage} == {
        ids["lead"]: ("taken", "José Núñez"),
        ids["question"]: ("taken", "Ana Ruiz"),
        ids["content"]: ("taken", "Maya Chen"),
        ids["checkin"]: ("taken", "Ana Ruiz"),
    }
    assert record.lead_feedback[0].reporter == "José Núñez"
    insight = ws.insights.get(ids["question"])
    assert (insight.reporter, insight.meeting_id, insight.agenda_item_id) == ("Ana Ruiz", MID, "voice")
    assert ws.content.get(ids["content"]).agenda_item_id == "pipe"
    checkin = ws.objectives.get("mqls").checkins[-1]
    assert (checkin.value, checkin.meeting_id, checkin.agenda_item_id, checkin.comment) == (42, MID, "obj", "webinar week")
    assert {p.name: p.read_bytes() for p in Contributions(ws).files()} == before, "the contributors' files are theirs alone"
    assert waiting(ws) == []


async def test_defer_decline_with_a_required_reason_and_undo(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    ids = contribute(ws)
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen = await open_meeting(pilot)
        session = screen.session
        await goto(pilot, screen, "lead")
        await pilot.press("f", "l")  # later
        await until(pilot, lambda: [t.fate for t in session.record.triage] == ["deferred"], "deferred")
        assert shown(screen) == []
        await pilot.press("u")
        await until(pilot, lambda: session.record.triage == [] and shown(screen) == [ids["lead"]], "undone: waiting again")
        assert screen.focused is screen.query_one("#waiting")
        await pilot.press("escape")
        # Decline: the reason is required, and what was typed stays.
        await pilot.press("f", "x")
        await until(pilot, lambda: isinstance(pilot.app.screen, ReasonScreen), "the reason form")
        form = pilot.app.screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReasonScreen)
        assert "Say why: José Núñez reads it." in rendered_text(form.query_one(".field-error"))
        for ch in "No budget this year":
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("enter")
        await until(pilot, lambda: [(t.fate, t.reason) for t in session.record.triage] == [("declined", "No budget this year")], "declined")
        assert shown(screen) == []
        assert session.record.lead_feedback == [], "a declined lead is never the meeting's"
        await pilot.press("escape")
        await until(pilot, lambda: not screen.query_one("#waiting").display, "nothing to show once left")
        await pilot.press("f")  # a hidden list takes no focus: the keys stay the agenda's
        assert screen.focused is screen.query_one("#agenda")
        screen.action_undo_waiting()  # as the palette does
        await until(pilot, lambda: session.record.triage == [], "undone")
        assert shown(screen) == [ids["lead"]]


async def test_a_refused_reason_comes_back_as_typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = workspace(tmp_path)
    contribute(ws)
    real = live_triage.decide
    calls: list[str] = []

    def refuse_once(capture, c, fate, *, now, reason=""):
        calls.append(reason)
        if len(calls) == 1:
            raise ValidationError("triage.reason", "is refused this once")
        return real(capture, c, fate, now=now, reason=reason)

    monkeypatch.setattr(live_triage, "decide", refuse_once)
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen = await open_meeting(pilot)
        await goto(pilot, screen, "lead")
        await pilot.press("f", "x")
        await until(pilot, lambda: isinstance(pilot.app.screen, ReasonScreen), "the reason form")
        pilot.app.screen.query_one("#reason", Input).value = "Out of territory"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, ReasonScreen) and calls, "the form again")
        form = pilot.app.screen
        assert form.query_one("#reason", Input).value == "Out of territory"
        assert "is refused this once" in rendered_text(form.query_one(".field-error"))
        await pilot.press("enter")
        await until(pilot, lambda: [t.reason for t in screen.session.record.triage] == ["Out of territory"], "declined the second time")


async def test_undoing_a_take_removes_what_it_made_and_deleting_that_reopens_it(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    ids = contribute(ws)
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen = await open_meeting(pilot)
        session = screen.session
        await goto(pilot, screen, "voice")
        await pilot.press("f", "enter")
        await until(pilot, lambda: ws.insights.find(ids["question"]) is not None, "the question taken in")
        screen.action_undo_waiting()
        await until(pilot, lambda: ws.insights.find(ids["question"]) is None and shown(screen) == [ids["question"]], "undone, the insight gone")
        assert session.record.triage == []
        # Taken again, then its record deleted from the captured list: it waits again.
        await pilot.press("f", "enter")
        await until(pilot, lambda: ws.insights.find(ids["question"]) is not None, "taken again")
        await until(pilot, lambda: screen.query_one("#captured").display, "shown under the item")
        screen.query_one("#captured").focus()
        await pilot.press("delete")
        await until(pilot, lambda: pilot.app.screen is not screen, "asked first")
        await pilot.press("y")
        await until(pilot, lambda: session.record.triage == [] and shown(screen) == [ids["question"]], "waiting again")


async def test_a_topic_is_taken_as_an_agenda_item_after_the_active_one(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    topic = Contributions(ws).add(make.topic("Webinar leads follow-up", minutes=10, series_id="sync", now=datetime(2026, 11, 24), **MAYA))
    Contributions(ws).add(make.topic("Another series' topic", series_id="other", now=datetime(2026, 11, 24), **MAYA))
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen = await open_meeting(pilot)
        await goto(pilot, screen, "act")
        assert shown(screen) == [topic.id], "a topic of this series waits in any item"
        assert "take_topic" in [action for _, action, _ in screen.palette_commands()], "and the palette offers it for the agenda"
        await pilot.press("f", "enter")
        await until(pilot, lambda: any(i.id == topic.id for i in screen.session.agenda), "on the agenda")
        titles = [i.title for i in screen.session.agenda]
        assert titles[titles.index("Action review") + 1] == "Webinar leads follow-up"
        item = screen.session.item(topic.id)
        assert (item.timebox_min, item.presenter) == (10, "Maya Chen")
        assert topic.id in [o.id for o in screen.query_one("#agenda").options]
        assert "take_topic" not in [action for _, action, _ in screen.palette_commands()], "none left to take"


async def test_an_ended_meeting_opened_to_put_it_right_offers_nothing(tmp_path: Path) -> None:
    """What waits now is for the next meeting, not for one that has ended."""
    ws = workspace(tmp_path)
    contribute(ws)
    with ws.open_meeting(EARLIER) as w:
        w.agenda.add(AgendaItem(id="old-lead", title="Lead quality", captures="lead_feedback", status="done"))
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        app.open_meeting(EARLIER, amend=True)
        await until(pilot, lambda: isinstance(app.screen, LiveScreen), "the ended meeting open")
        screen = app.screen
        assert screen.session.amending
        await pilot.pause(0.3)
        assert screen.triage.pairs is None and shown(screen) == []
        assert not screen.check_action("take_topic", ())


HOSTILE = "[bold red]pwned[/] [link=https://evil.example]x[/link] \x1b[31m"


async def test_anyones_text_is_shown_as_typed(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    store = Contributions(ws)
    store.add(make.lead(HOSTILE, "poor", reasons=["other"], comment=HOSTILE + "x" * 100_000, now=datetime(2026, 11, 24), author="[b]Eve[/b]", team="sales"))
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen = await open_meeting(pilot)
        await goto(pilot, screen, "lead")
        waiting = screen.query_one("#waiting", WaitingList)
        line = waiting.get_option_at_index(0).prompt.plain
        assert line.startswith("• [bold red]pwned[/] [link=https://evil.example]x[/link] poor: other · [b]Eve[/b], 2 days — [bold red]pwned[/]")
        assert "\x1b" not in line and len(line) < 600, "control characters dropped, a long comment cut"
        await pilot.press("f", "x")
        await until(pilot, lambda: isinstance(pilot.app.screen, ReasonScreen), "the reason form")
        assert pilot.app.screen.query_one(".dialog-detail").render().plain.startswith("[bold red]pwned[/]"), "shown, not obeyed"
        await pilot.press("escape")
        await pilot.press("f", "enter")
        await until(pilot, lambda: len(screen.session.record.lead_feedback) == 1, "taken")
        assert screen.session.record.lead_feedback[0].reporter == "[b]Eve[/b]"


async def test_the_action_review_shows_what_owners_closed_between_meetings(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    ws.set_action_status(EARLIER, "old1", "done", closed_on="2026-11-24")  # tandem done, as Luis
    async with app_for(ws).run_test(size=(120, 40)) as pilot:
        screen = await open_meeting(pilot)
        await goto(pilot, screen, "act")
        review = screen.query_one("#review")
        await until(pilot, lambda: review.option_count == 2, "the review read")
        lines = [review.get_option_at_index(n).prompt.plain for n in range(review.option_count)]
        assert lines[0].startswith("☐ Draft ROI one-pager"), "still open: reviewed as before"
        assert lines[1].startswith("✓ done by Luis on 2026-11-24: Fix EMEA routing")
        review.focus()
        review.highlighted = 1
        await pilot.press("x")  # read-only: the key does nothing to it
        await pilot.pause()
        assert ws.read_meeting(EARLIER).actions[0].status == "done"


def test_lead_quality_snapshot(snap_compare, tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    store = Contributions(ws)
    store.add(make.lead("SF-77", "poor", reasons=["no_budget", "no_fit"], comment="asked for a demo twice", now=datetime(2026, 11, 24, 16, 5), **JOSE))
    store.add(make.lead("SF-81", "good", now=datetime(2026, 11, 25, 9, 0), **ANA))
    store.add(make.lead("HS-1203", "too_early", reasons=["bad_timing"], now=datetime(2026, 11, 26, 8, 10), author="Luis Ortega", team="sales"))
    clock = FakeClock()
    app = app_for(ws, clock)

    async def run_before(pilot) -> None:
        screen = await open_meeting(pilot)
        await goto(pilot, screen, "lead")
        await until(pilot, lambda: len(shown(screen)) == 3, "three leads waiting")
        await pilot.press("f")
        clock.advance(minutes=3)
        screen.tick()
        pilot.app.sub_title = "Weekly sync · 2026-11-26"
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
