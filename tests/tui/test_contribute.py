"""The contribute screen: from home by key and palette; what I contributed with its fate;
every kind added through the live meeting's forms into my own file; inline errors that keep
what was typed; withdrawing (asked first, a meeting's decision refused); who am I asked
once; teammates' text inert."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from clock import FakeClock
from conftest import build_sample, rendered_text
from test_sizes import screen_text, settle
from textual.command import CommandPalette
from textual.widgets import Input, OptionList, SelectionList, Static

from tandem.store.config import load_config, save_me
from tandem.store.contrib import Contribution, Contributions, make
from tandem.store.contrib.triage import TopicAnswer, triage_planned
from tandem.store.records import CheckIn, Objective
from tandem.store.workspace import Workspace
from tandem.tui.app import create_app
from tandem.tui.commands import ScreenCommands
from tandem.tui.screens.confirm import ConfirmScreen
from tandem.tui.screens.contribute import (
    NEXT,
    CheckInContribution,
    ContentContribution,
    ContributeScreen,
    LeadContribution,
    QuestionContribution,
    TopicContribution,
    WhoAmIScreen,
)
from tandem.tui.screens.help import HelpScreen, binding_rows
from tandem.tui.screens.home import HomeScreen

NOW = datetime(2026, 12, 3, 9, 30)
SERIES = "weekly-smarketing-sync"
PLANNED = "2026-11-26-weekly-smarketing-sync"
ANA = {"author": "Ana Ruiz", "team": "sales"}


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    workspace = build_sample(tmp_path / "ws")
    workspace.objectives.add(
        Objective(
            id="mqls",
            title="MQLs a month",
            metric="MQLs",
            target=100,
            current=40,
            status="at_risk",
            checkins=[CheckIn(date="2026-11-19", value=40, status="at_risk")],
        )
    )
    return workspace


def mine_on_disk(ws: Workspace, slug: str = "ana-ruiz") -> list[dict]:
    """My contributions as the file holds them, oldest first."""
    data = orjson.loads((ws.home / "contributions" / f"{slug}.json").read_bytes())
    return sorted(data["contributions"].values(), key=lambda d: d["_seq"])


async def until(pilot, condition, what: str) -> None:
    for _ in range(300):
        await pilot.pause(0.01)
        if condition():
            return
    raise AssertionError(f"never: {what}\n{screen_text(pilot.app)}")


async def open_contribute(pilot) -> ContributeScreen:
    await settle(pilot)
    await pilot.press("a")
    await until(pilot, lambda: isinstance(pilot.app.screen, (ContributeScreen, WhoAmIScreen)), "the contribute screen")
    await settle(pilot)
    return pilot.app.screen


def last_notice(app) -> str:
    return str(list(app._notifications)[-1].message)


def listed(screen: ContributeScreen) -> str:
    return screen_text(screen.app)


# --- reaching it ------------------------------------------------------------------------------


async def test_home_opens_it_by_key_palette_and_help_lists_it(ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_contribute(pilot)
        assert isinstance(screen, ContributeScreen)
        assert "Nothing contributed yet — l lead feedback, v prospect question, t topic, c content idea, o objective check-in" in rendered_text(
            screen.query_one("#empty", Static), width=300
        )
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home again")
        home = app.screen
        assert any(row[3] == "home.contribute" for row in binding_rows(app, [home]))
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        assert "Add for the next meeting" in rendered_text(app.screen.query_one("VerticalScroll Static", Static), width=200)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is home, "home again")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"home: contribute")
        await until(pilot, lambda: app.screen.query_one("CommandList", OptionList).option_count > 0, "a command found")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ContributeScreen), "the contribute screen from the palette")
        titles = [title for title, _, _ in ScreenCommands(app.screen)._commands()]
        assert {"contribute: lead feedback", "contribute: a topic for the agenda", "contribute: withdraw the highlighted one", "contribute: back"} <= set(
            titles
        )


# --- adding -----------------------------------------------------------------------------------


async def submit(pilot, form_type: type, fill) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, form_type), form_type.__name__)
    await pilot.pause()
    fill(pilot.app.screen)
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(pilot.app.screen, ContributeScreen), f"{form_type.__name__} saved")
    await settle(pilot)


async def test_each_kind_lands_in_my_file_with_its_fields(ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_contribute(pilot)

        def lead(form) -> None:
            form.query_one("#w-reference", Input).value = "SF-77"
            form.query_one("#w-source", Input).value = "Webinar"
            form.query_one("#w-verdict").value = "poor"
            form.query_one("#w-reasons", SelectionList).select("no_budget")
            form.query_one("#w-series").value = SERIES

        await pilot.press("l")
        await submit(pilot, LeadContribution, lead)
        notices = [str(n.message) for n in app._notifications]
        assert notices[-1] == "Lead feedback on SF-77 recorded for the next Weekly smarketing sync (waiting)."

        def question(form) -> None:
            form.query_one("#w-text", Input).value = "Does it work with HubSpot?"
            form.query_one("#w-times_heard", Input).value = "3"
            form.query_one("#w-journey_stage").value = "decision"
            assert not form.query("#w-promote") and not form.query("#w-reporter")  # the meeting's, and me
            assert form.query_one("#w-series").value == SERIES  # the workspace's only series
            form.query_one("#w-series").value = NEXT

        await pilot.press("v")
        await submit(pilot, QuestionContribution, question)

        def topic(form) -> None:
            form.query_one("#w-title", Input).value = "Webinar leads"
            form.query_one("#w-minutes", Input).value = "10"
            form.query_one("#w-note", Input).value = "Half were students"
            form.query_one("#w-series").value = NEXT

        await pilot.press("t")
        await submit(pilot, TopicContribution, topic)
        assert last_notice(app) == 'Topic "Webinar leads" recorded for the next meeting (waiting).'

        def content(form) -> None:
            form.query_one("#w-title", Input).value = "HubSpot integration guide"
            form.query_one("#w-type").value = "ebook"
            form.query_one("#w-series").value = NEXT
            assert not form.query("#w-owner") and not form.query("#w-status")

        await pilot.press("c")
        await submit(pilot, ContentContribution, content)

        await pilot.press("o")
        await until(pilot, lambda: "Check in on which objective?" in screen_text(app), "the objectives")
        await pilot.press("enter")

        def checkin(form) -> None:
            form.query_one("#w-value", Input).value = "42"
            form.query_one("#w-comment", Input).value = "webinar week"
            form.query_one("#w-series").value = NEXT

        await submit(pilot, CheckInContribution, checkin)
        assert last_notice(app) == "Check-in of 42 on MQLs a month recorded for the next meeting (waiting)."
        await until(pilot, lambda: screen.query_one("#mine", OptionList).option_count == 5, "five listed")
        shown = listed(screen)
        # Newest first (the same minute: by id); each kind with its subject and fate.
        for kind, subject in (
            ("Lead", "SF-77 (poor)"),
            ("Question", "Does it work with HubSpot?"),
            ("Topic", "Webinar leads"),
            ("Check-in", "42 on MQLs a month"),
        ):
            assert re.search(f"{kind} +{re.escape(subject)}", shown)
        assert shown.count("○ waiting") == 5 and "for the next Weekly smarketing sync" in shown

    lead_c, question_c, topic_c, content_c, checkin_c = mine_on_disk(ws)
    assert all((d["author"], d["team"], d["status"], d["created_at"]) == ("Ana Ruiz", "sales", "waiting", "2026-12-03T09:30:00") for d in mine_on_disk(ws))
    assert (lead_c["kind"], lead_c["series_id"]) == ("lead", SERIES)
    assert {k: lead_c["record"][k] for k in ("reference", "verdict", "reasons", "source", "reporter", "stage_reached", "id")} == {
        "reference": "SF-77",
        "verdict": "poor",
        "reasons": ["no_budget"],
        "source": "Webinar",
        "reporter": "Ana Ruiz",
        "stage_reached": "mql",
        "id": lead_c["id"],
    }
    assert (question_c["kind"], question_c["series_id"]) == ("question", "")
    q = question_c["record"]
    assert (q["text"], q["times_heard"], q["journey_stage"], q["reporter"], q["date"]) == (
        "Does it work with HubSpot?",
        3,
        "decision",
        "Ana Ruiz",
        "2026-12-03",
    )
    assert topic_c["kind"] == "topic" and topic_c["record"] == {"title": "Webinar leads", "minutes": 10, "note": "Half were students"}
    c = content_c["record"]
    assert (content_c["kind"], c["title"], c["type"], c["status"], c["proposed_by"]) == ("content", "HubSpot integration guide", "ebook", "idea", "sales")
    assert (checkin_c["kind"], checkin_c["objective_id"]) == ("checkin", "mqls")
    assert (checkin_c["record"]["value"], checkin_c["record"]["status"], checkin_c["record"]["comment"]) == (42, "at_risk", "webinar week")


async def test_an_invalid_form_keeps_what_was_typed_and_says_why_inline(ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 36)) as pilot:
        await open_contribute(pilot)
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LeadContribution), "the lead form")
        form = app.screen
        form.query_one("#w-reference", Input).value = "SF-77"
        form.query_one("#w-verdict").value = "poor"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "A poor lead needs at least one reason" in screen_text(app)
        assert form.query_one("#w-reference", Input).value == "SF-77"
        # The CLI's rule the live form does not have: 'other' needs a comment.
        form.query_one("#w-reasons", SelectionList).select("other")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and "The reason 'other' needs a comment saying what it was." in screen_text(app)
        assert "-field-invalid" in form.query_one("#w-comment").classes
        assert (form.query_one("#w-reference", Input).value, list(form.query_one("#w-reasons", SelectionList).selected)) == ("SF-77", ["other"])
        form.query_one("#w-comment", Input).value = "a student"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ContributeScreen), "saved once valid")
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TopicContribution), "the topic form")
        topic = app.screen
        topic.query_one("#w-title", Input).value = "Webinar leads"
        topic.query_one("#w-minutes", Input).value = "900"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is topic and "Must be a whole number of minutes from 1 to 480." in screen_text(app)
        assert topic.query_one("#w-title", Input).value == "Webinar leads"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ContributeScreen), "cancelled")
        await settle(pilot)
    (lead,) = mine_on_disk(ws)
    assert (lead["record"]["reasons"], lead["record"]["comment"]) == (["other"], "a student")


async def test_a_failed_write_brings_the_form_back_as_typed(ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    (ws.home / "contributions").write_text("not a folder")
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 36)) as pilot:
        await open_contribute(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TopicContribution), "the topic form")
        first = app.screen
        first.query_one("#w-title", Input).value = "Webinar leads"
        first.query_one("#w-minutes", Input).value = "12"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, TopicContribution) and app.screen is not first, "the form again")
        assert any(n.title == "Not saved" for n in app._notifications)
        again = app.screen
        assert (again.query_one("#w-title", Input).value, again.query_one("#w-minutes", Input).value) == ("Webinar leads", "12")
        (ws.home / "contributions").unlink()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ContributeScreen), "saved")
        await settle(pilot)
    assert [d["record"]["minutes"] for d in mine_on_disk(ws)] == [12]


# --- fates and withdrawing ----------------------------------------------------------------------


def contributed(ws: Workspace) -> dict[str, Contribution]:
    """Ana's contributions over a week, and what the planned meeting did with three topics."""
    store = Contributions(ws)
    at = {day: datetime(2026, 11, day, 9, 0) if day > 3 else datetime(2026, 12, day, 9, 0) for day in (1, 2, 3, 24, 25, 27, 28)}
    goal = ws.objectives.get("mqls")
    made = {
        "taken": make.topic("Webinar leads", minutes=10, series_id=SERIES, now=at[24], **ANA),
        "declined": make.topic("Pricing page again", now=at[25], **ANA),
        "deferred": make.topic("Q1 events", now=at[27], **ANA),
        "withdrawn": make.content("HubSpot guide", type="ebook", now=at[28], **ANA),
        "checkin": make.checkin(goal, 42, now=at[1], **ANA),
        "question": make.question("Does it work with HubSpot?", heard=3, now=at[2], **ANA),
        "lead": make.lead("SF-77", "poor", reasons=["no_budget"], series_id=SERIES, now=at[3], **ANA),
    }
    for c in made.values():
        store.add(c)
    store.withdraw("Ana Ruiz", made["withdrawn"].id)
    answers = [
        TopicAnswer(made["taken"], "take", minutes=10),
        TopicAnswer(made["declined"], "decline", reason="covered last week"),
        TopicAnswer(made["deferred"], "defer"),
    ]
    triage_planned(ws, PLANNED, answers, now=datetime(2026, 11, 26, 9, 0))
    # Someone else's, in a file of their own: not mine to list.
    store.add(make.topic("José's topic", author="José Núñez", team="marketing", now=at[2]))
    return made


async def test_each_fate_in_words_and_a_meetings_decision_is_not_withdrawn(ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    made = contributed(ws)
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_contribute(pilot)
        await until(pilot, lambda: screen.query_one("#mine", OptionList).option_count == 7, "seven listed")
        shown = listed(screen)
        assert "José" not in shown
        assert "✓ taken into 2026-11-26 Weekly smarketing sync" in shown
        assert "✗ declined in 2026-11-26 Weekly smarketing sync: covered last week" in shown
        assert "↻ waiting (deferred by 2026-11-26 Weekly smarketing sync)" in shown
        assert "– withdrawn" in shown
        assert "Ana Ruiz (sales): 3 waiting, 1 deferred, 1 taken, 1 declined, 1 withdrawn" in shown
        listing = screen.query_one("#mine", OptionList)
        assert screen.focused is listing and listing.highlighted == 0
        await pilot.press("down")
        assert listing.highlighted == 1
        order = [listing.get_option_at_index(n).id for n in range(7)]
        assert order == [made[k].id for k in ("lead", "question", "checkin", "withdrawn", "deferred", "declined", "taken")]
        listing.highlighted = order.index(made["taken"].id)
        await pilot.press("w")
        await until(pilot, lambda: any("a meeting's decision is not withdrawn" in str(n.message) for n in app._notifications), "refused")
        assert not isinstance(app.screen, ConfirmScreen)
        assert last_notice(app) == "That topic was taken into 2026-11-26 Weekly smarketing sync; a meeting's decision is not withdrawn."
    assert {d["id"]: d["status"] for d in mine_on_disk(ws)}[made["taken"].id] == "waiting"


async def test_withdrawing_asks_first_then_the_fate_says_withdrawn(ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    made = contributed(ws)
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_contribute(pilot)
        await until(pilot, lambda: screen.query_one("#mine", OptionList).option_count == 7, "listed")
        listing = screen.query_one("#mine", OptionList)
        listing.highlighted = next(n for n in range(7) if listing.get_option_at_index(n).id == made["deferred"].id)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "asked")
        assert 'Withdraw your topic "Q1 events"?' in screen_text(app)
        await pilot.pause(0.3)  # a question takes no key typed before it showed
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen, "not withdrawn")
        assert {d["id"]: d["status"] for d in mine_on_disk(ws)}[made["deferred"].id] == "waiting"
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "asked again")
        await pilot.pause(0.3)
        await pilot.press("y")
        await until(pilot, lambda: listed(screen).count("– withdrawn") == 2, "the fate says withdrawn")
        assert 'Topic "Q1 events" withdrawn: the next meeting will not offer it.' in [str(n.message) for n in app._notifications]
    assert {d["id"]: d["status"] for d in mine_on_disk(ws)}[made["deferred"].id] == "withdrawn"


async def test_hostile_text_is_shown_inert(ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    store = Contributions(ws)
    store.add(make.question("[bold red]boom[/] \x1b[31mred\x07 \x1b]0;pwned\x07 [link=file:///etc]x[/link]" + "y" * 100_000, now=NOW, **ANA))
    hostile = make.topic("[b]Pricing[/b]", now=NOW, **ANA)
    store.add(hostile)
    triage_planned(ws, PLANNED, [TopicAnswer(hostile, "decline", reason="[red]no[/red] \x1b[2J")], now=NOW)
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_contribute(pilot)
        await until(pilot, lambda: screen.query_one("#mine", OptionList).option_count == 2, "listed")
        shown = listed(screen)
        assert "[bold red]boom[/] red [link=file:///etc]x[/link]yyy" in shown
        assert re.search(r"Topic +\[b\]Pricing\[/b\]", shown) and "declined in 2026-11-26 Weekly smarketing sync: [red]no[/red]" in shown
        assert "\x1b" not in shown and "pwned" not in shown


# --- who am I ---------------------------------------------------------------------------------


async def test_who_am_i_is_asked_once_offering_the_people(ws: Workspace) -> None:
    assert not load_config().config.me.name
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 36)) as pilot:
        who = await open_contribute(pilot)
        assert isinstance(who, WhoAmIScreen)
        shown = screen_text(app)
        for name in ("Dana Kim", "Luis Ortega", "Priya Raman", "Zoë Ng"):
            assert name in shown
        await pilot.pause(0.3)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is who and "A name is needed to sign what you contribute." in screen_text(app)
        await pilot.press(*"luis ortega")
        await pilot.pause()
        assert who.query_one("#w-team").value == "sales"  # a known person's team
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "back home without a name")
        assert "`tandem me` sets it" in last_notice(app)
        assert not load_config().config.me.name
        # Again: picked from the people.
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, WhoAmIScreen), "asked again")
        await pilot.pause(0.3)
        app.screen.query_one("#who-people", OptionList).focus()
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, ContributeScreen) and "Luis Ortega (sales) signs what you add here" in screen_text(app), "signed")
        assert (load_config().config.me.name, load_config().config.me.team) == ("Luis Ortega", "sales")
        assert app.settings.me.name == "Luis Ortega"
        await pilot.press("t")
        await submit(pilot, TopicContribution, lambda form: setattr(form.query_one("#w-title", Input), "value", "Lead routing"))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ContributeScreen), "not asked twice")
    assert [d["author"] for d in mine_on_disk(ws, "luis-ortega")] == ["Luis Ortega"]


# --- the look ---------------------------------------------------------------------------------


async def test_it_survives_shrinking_to_40x12_and_growing_to_200x50(ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    contributed(ws)
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_contribute(pilot)
        await until(pilot, lambda: screen.query_one("#mine", OptionList).option_count == 7, "listed")
        for size in ((40, 12), (200, 50)):
            await pilot.resize_terminal(*size)
            await pilot.press("down", "down")
            await pilot.pause()
        shown = screen_text(app)
        assert "✗ declined in 2026-11-26 Weekly smarketing sync: covered last week" in shown and "Back" in shown


def test_snapshot_80x24(snap_compare, ws: Workspace) -> None:
    save_me("Ana Ruiz", "sales")
    contributed(ws)
    app = create_app(ws, clock=FakeClock(NOW))

    async def run_before(pilot) -> None:
        screen = await open_contribute(pilot)
        await until(pilot, lambda: screen.query_one("#mine", OptionList).option_count == 7, "listed")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
