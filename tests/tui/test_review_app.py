"""`tandem review`: every view and filter, search that never goes stale, and no file changed."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Checkbox, DataTable, Input, Select, Sparkline, Static, TabbedContent

from tandem.store.demo import seed_demo
from tandem.store.records import ActionItem
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.workspace import Workspace
from tandem.tui.review_app import create_review_app
from tests.conftest import rendered_text

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("review") / "ws"
    seed_demo(Workspace(home))
    return home


@pytest.fixture
def writable_home(tmp_path: Path) -> Path:
    home = tmp_path / "ws"
    seed_demo(Workspace(home), meetings=12)
    return home


def fingerprint(home: Path) -> dict[str, str]:
    """Every file under ``home`` with its checksum: what review must leave as it was."""
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(home.rglob("*")) if p.is_file()}


def app_for(home: Path):
    app = create_review_app(WorkspaceSource(home), today=TODAY)
    app.sub_title = "~/tandem · read-only"  # the tmp path differs per run
    return app


async def settle(pilot, seconds: float = 0.3) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(seconds)
    await pilot.app.workers.wait_for_complete()


def table_ids(app, selector: str = "#review-meetings") -> list[str]:
    table = app.screen.query_one(selector, DataTable)
    return [str(row.value) for row in table.rows]


def status(app, selector: str) -> str:
    return rendered_text(app.screen.query_one(selector, Static))


# --- meetings -----------------------------------------------------------------------------


async def test_first_screen_lists_every_meeting_newest_first(demo_home: Path) -> None:
    expected = WorkspaceSource(demo_home).load().meetings
    async with app_for(demo_home).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        ids = table_ids(pilot.app)
        assert ids == [m.id for m in expected]
        assert ids[0] > ids[-1]
        assert "40 of 40 meetings" in status(pilot.app, "#meetings-status")
        assert pilot.app.focused.id == "review-meetings"


async def test_filters_by_series_person_and_dates(demo_home: Path) -> None:
    meetings = WorkspaceSource(demo_home).load().meetings
    async with app_for(demo_home).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#series", Select).value = "shadow-day-debriefs"
        await settle(pilot)
        assert table_ids(pilot.app) == [m.id for m in meetings if m.series == "shadow-day-debriefs"]

        screen.query_one("#series", Select).clear()
        screen.query_one("#person", Input).value = "hannah"
        await settle(pilot)
        assert table_ids(pilot.app) == [m.id for m in meetings if m.involves("Hannah")]
        assert all("Hannah Cohen" in (m.facilitator, *m.attendees) for m in meetings if m.id in table_ids(pilot.app))

        screen.query_one("#person", Input).value = ""
        screen.query_one("#since", Input).value = "2026-10"
        screen.query_one("#until", Input).value = "2026-11-10"
        await settle(pilot)
        assert table_ids(pilot.app) == [m.id for m in meetings if "2026-10-01" <= m.date <= "2026-11-10"]


async def test_a_bad_date_is_named_and_kept(demo_home: Path) -> None:
    async with app_for(demo_home).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        since = pilot.app.screen.query_one("#since", Input)
        since.focus()
        await pilot.press(*"2026-1x")
        await settle(pilot)
        assert since.value == "2026-1x"
        assert since.has_class("-invalid")
        assert "dates look like" in status(pilot.app, "#meetings-status")
        # An invalid bound filters nothing out.
        assert len(table_ids(pilot.app)) == 40


async def test_search_lists_matching_meetings_with_highlighted_snippets(demo_home: Path) -> None:
    hits = WorkspaceSource(demo_home).search("procurement")
    assert hits, "the demo should mention procurement somewhere"
    async with app_for(demo_home).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert pilot.app.focused.id == "search"
        await pilot.press(*"procurement")
        await settle(pilot)
        assert table_ids(pilot.app) == [h.meeting_id for h in hits]
        assert f"{len(hits)} meeting" in status(pilot.app, "#meetings-status")
        snippets = pilot.app.screen.query_one("#snippets", Static)
        assert snippets.display
        text = snippets.content
        assert "procurement" in text.plain.casefold()
        highlighted = {text.plain[span.start : span.end].casefold() for span in text.spans if "reverse" in str(span.style)}
        assert highlighted == {"procurement"}
        await pilot.press("escape")
        await settle(pilot)
        assert len(table_ids(pilot.app)) == 40
        assert not pilot.app.screen.query_one("#snippets").display


async def test_search_with_no_match_says_how_to_get_back(demo_home: Path) -> None:
    async with app_for(demo_home).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzqx-nothing")
        await settle(pilot)
        assert table_ids(pilot.app) == []
        assert "Esc clears" in status(pilot.app, "#meetings-status")


async def test_a_new_save_never_leaves_stale_results(writable_home: Path) -> None:
    ws = Workspace(writable_home)
    target = ws.list_meetings()[0].id
    async with app_for(writable_home).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"quokka")
        await settle(pilot)
        assert table_ids(pilot.app) == []
        # Another process (the facilitator) saves a note mentioning it.
        with ws.open_meeting(target, allow_finalized=True) as writer:
            item = writer.agenda.all()[0]
            writer.agenda.update(item.replace(notes=item.notes + "\nThe quokka campaign is back"))
        await settle(pilot, 1.5)  # one poll
        assert table_ids(pilot.app) == [target]
        # ...and a search typed after the save finds it at once, without waiting for a poll.
        with ws.open_meeting(target, allow_finalized=True) as writer:
            writer.actions.add(ActionItem(id="act-wombat", text="Ask about the wombat list", owner="Maya Thompson"))
        search = pilot.app.screen.query_one("#search", Input)
        search.value = "wombat"
        await settle(pilot, 0.1)
        assert table_ids(pilot.app) == [target]


async def test_enter_opens_the_minutes_with_the_search_found(demo_home: Path) -> None:
    from tandem.tui.screens.minutes import MinutesScreen

    async with app_for(demo_home).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"procurement", "enter")
        await settle(pilot)
        assert pilot.app.focused.id == "review-meetings"
        first = table_ids(pilot.app)[0]
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MinutesScreen)
        assert screen.source == first
        await screen.view.wait_loaded()
        await settle(pilot)
        assert screen.view.find_query == "procurement"
        # The minutes also hold shared records (content, insights), so at least as many.
        assert screen.view.match_count >= WorkspaceSource(demo_home).search("procurement")[0].matches > 0
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, MinutesScreen)


# --- action items -------------------------------------------------------------------------


async def test_action_tracker_filters_by_owner_status_and_overdue(demo_home: Path) -> None:
    actions = WorkspaceSource(demo_home).load().actions
    open_actions = [a for a in actions if a.status == "open"]
    async with app_for(demo_home).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.query_one(TabbedContent).active == "tab-actions"
        table = screen.query_one("#review-actions", DataTable)
        assert table.row_count == len(open_actions)
        # Overdue rows come first, with their age in days.
        overdue = [a for a in open_actions if a.overdue(TODAY)]
        assert overdue
        first_due = str(next(iter(table.get_column("due"))))
        assert first_due == sorted(a.due for a in overdue)[0] + " ⚠"  # marked, not only red
        assert f"{len(overdue)} overdue" in status(pilot.app, "#actions-status")
        await pilot.press("o")
        await settle(pilot)
        assert screen.query_one("#overdue", Checkbox).value
        assert table.row_count == len(overdue)
        await pilot.press("o")

        owner = Counter(a.owner for a in open_actions).most_common(1)[0][0]
        screen.query_one("#owner", Input).value = owner.split()[0].lower()
        await settle(pilot)
        assert table.row_count == sum(a.owner == owner for a in open_actions)
        assert owner in rendered_text(screen.query_one("#owners", Static))

        screen.query_one("#owner", Input).value = ""
        screen.query_one("#action-status", Select).value = "done"
        await settle(pilot)
        assert table.row_count == sum(a.status == "done" for a in actions)
        screen.query_one("#action-status", Select).clear()
        await settle(pilot)
        assert table.row_count == len(actions)


def test_action_age_counts_days_open_or_taken() -> None:
    from tandem.store.review.model import ActionRow

    row = ActionRow("x", "", "2026-11-01", "open", "m", "s", "2026-10-01")
    assert row.age_days(date(2026, 10, 31)) == 30
    assert row.overdue(date(2026, 11, 2)) and not row.overdue(date(2026, 11, 1))
    closed = ActionRow("x", "", "", "done", "m", "s", "2026-10-01", closed_on="2026-10-08")
    assert closed.age_days(date(2027, 1, 1)) == 7 and not closed.overdue(date(2027, 1, 1))


# --- objectives, lead quality, shadow days ------------------------------------------------


async def test_objectives_board_charts_the_check_ins(demo_home: Path) -> None:
    objectives = WorkspaceSource(demo_home).load().objectives
    async with app_for(demo_home).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#review-objectives", DataTable)
        assert table.row_count == len(objectives)
        await pilot.press("down")
        await settle(pilot)
        chosen = objectives[1]
        assert screen.query_one("#objective-chart", Sparkline).data == [p.value for p in chosen.history]
        head = rendered_text(screen.query_one("#objective-head", Static))
        assert chosen.title in head and "target" in head
        history = rendered_text(screen.query_one("#objective-history", Static))
        assert chosen.history[-1].date in history.splitlines()[0]


async def test_lead_quality_dashboard_counts_and_filters_by_series(demo_home: Path) -> None:
    feedback = WorkspaceSource(demo_home).load().feedback
    async with app_for(demo_home).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        screen = pilot.app.screen
        poor = sum(f.verdict == "poor" for f in feedback)
        line = status(pilot.app, "#leads-status")
        assert f"{len(feedback)} leads reviewed" in line
        assert f"{poor / len(feedback):.0%} judged poor" in line
        reasons = rendered_text(screen.query_one("#lead-reasons", Static))
        top_code = Counter(r for f in feedback for r in f.reasons).most_common(1)[0]
        from tandem.store.records import label

        assert any(label(top_code[0]) in row and str(top_code[1]) in row for row in reasons.splitlines())
        sources = rendered_text(screen.query_one("#lead-sources", Static))
        assert "poor" in sources and any(f.source in sources for f in feedback if f.source)
        assert "▁" in rendered_text(screen.query_one("#lead-meetings", Static)) or "█" in rendered_text(screen.query_one("#lead-meetings", Static))
        series = Counter(f.series for f in feedback).most_common(1)[0]
        screen.query_one("#lead-series", Select).value = series[0]
        await settle(pilot)
        assert f"{series[1]} leads reviewed" in status(pilot.app, "#leads-status")


async def test_shadow_days_show_takeaways_and_open_their_debrief(demo_home: Path) -> None:
    from tandem.tui.screens.minutes import MinutesScreen

    days = WorkspaceSource(demo_home).load().shadow_days
    async with app_for(demo_home).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.query_one("#review-shadow", DataTable).row_count == len(days)
        await pilot.press("down")
        await settle(pilot)
        detail = rendered_text(screen.query_one("#shadow-text", Static))
        day = days[1]
        assert day.takeaways and day.takeaways[0].text[:40] in detail.replace("\n", " ")
        if day.experiment:
            assert "Experiment:" in detail
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MinutesScreen)
        assert pilot.app.screen.source == day.meeting_id


# --- safety -------------------------------------------------------------------------------


async def test_review_changes_no_file(demo_home: Path) -> None:
    before = fingerprint(demo_home)
    async with app_for(demo_home).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"webinar", "enter", "enter")
        await settle(pilot)
        await pilot.press("escape")
        for key in "23451":
            await pilot.press(key, "down", "enter")
            await settle(pilot)
            if pilot.app.screen.id != "_default" and type(pilot.app.screen).__name__ == "MinutesScreen":
                await pilot.press("escape")
        await pilot.press("r")
        await settle(pilot, 1.2)
    assert fingerprint(demo_home) == before


async def test_an_unreadable_file_is_reported_and_the_rest_shown(writable_home: Path) -> None:
    broken = sorted((writable_home / "meetings").glob("*.json"))[0]
    broken.write_bytes(b'{"_tandem": {"schema": 1, "kind": "meeting"}, "meeting": {"1": ')
    before = fingerprint(writable_home)
    async with app_for(writable_home).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        banner = pilot.app.screen.query_one("#review-problems", Static)
        assert banner.display
        assert broken.name in rendered_text(banner)
        assert len(table_ids(pilot.app)) == 11
    assert fingerprint(writable_home) == before


async def test_an_empty_workspace_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    async with app_for(tmp_path / "empty").run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "no meetings here yet" in status(pilot.app, "#meetings-status")
        await pilot.press("2")
        await settle(pilot)
        assert "no action items" in status(pilot.app, "#actions-status")
        await pilot.press("4")
        await settle(pilot)
        assert "no lead feedback yet" in status(pilot.app, "#leads-status")


async def test_help_lists_the_review_keys(demo_home: Path) -> None:
    async with app_for(demo_home).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = " ".join(rendered_text(s) for s in pilot.app.screen.query(Static))
        for binding_id in ("review.search", "review.tab_actions", "review.meetings.clear", "review.quit"):
            assert binding_id in text


def test_cli_refuses_a_missing_workspace_or_folder(tmp_path: Path, cli) -> None:
    result = cli("--home", str(tmp_path / "nowhere"), "review")
    assert result.code == 1
    assert result.err.count("\n") == 1 and "No workspace at" in result.err and "Traceback" not in result.err
    result = cli("review", "--minutes", str(tmp_path / "none"))
    assert result.code == 1 and "No folder of minutes" in result.err
    result = cli("review", "--bogus")
    assert result.code == 2


# --- how it looks -------------------------------------------------------------------------


@pytest.mark.parametrize("tab", ["1", "2", "3", "4", "5"])
def test_review_snapshot(snap_compare, demo_home: Path, tab: str) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(tab)
        await settle(pilot)

    assert snap_compare(app_for(demo_home), terminal_size=(80, 24), run_before=run_before)


def test_review_search_snapshot_wide(snap_compare, demo_home: Path) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *"procurement", "enter")
        await settle(pilot)

    assert snap_compare(app_for(demo_home), terminal_size=(160, 48), run_before=run_before)


# --- over a folder of exported minutes ----------------------------------------------------


async def test_review_over_a_folder_of_minutes(demo_home: Path, tmp_path: Path) -> None:
    from tandem.store.minutes.export import export_minutes
    from tandem.store.review.from_minutes import MinutesFolderSource
    from tandem.tui.screens.minutes import MinutesScreen

    out = tmp_path / "minutes"
    ws = Workspace(demo_home, read_only=True)
    export_minutes(ws, ws.meeting_ids(), out)
    before = fingerprint(out)
    expected = WorkspaceSource(demo_home).load()
    app = create_review_app(MinutesFolderSource(out), today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert table_ids(app) == [m.id for m in expected.meetings]
        assert str(out) in app.sub_title
        await pilot.press("slash", *"procurement", "enter")
        await settle(pilot)
        assert set(table_ids(app)) == {h.meeting_id for h in WorkspaceSource(demo_home).search("procurement")}
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen)
        await pilot.press("escape", "2")
        await settle(pilot)
        table = app.screen.query_one("#review-actions", DataTable)
        assert table.row_count == sum(a.status == "open" for a in expected.actions)
    assert fingerprint(out) == before
