"""`tandem review` driven like a demanding participant would: each test here failed before its fix
(the workspace variant of the escape-sequence test since passes thanks to the store too).

A poll refresh or a resize never moves the cursor or the view; a new search starts at its best
match; user text (markup, escape sequences, very long names) is shown literally and legibly,
from a workspace or a folder of minutes; every width shows the action text and the meeting
status; keys typed right after ``/`` land in the search or find box; footer and help say
how to read the minutes; a screenful of unreadable files still leaves the meetings in view;
in the minutes, a resize keeps the current match on screen and the top lights no section.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from textual import events
from textual.widgets import DataTable, Input, Static
from textual.worker import WorkerCancelled

from tandem.store.demo import seed_demo
from tandem.store.records import (
    ActionItem,
    AgendaItem,
    Attendee,
    CheckIn,
    Decision,
    Experiment,
    LeadFeedback,
    Meeting,
    Objective,
    Series,
    ShadowDay,
    Takeaway,
)
from tandem.store.review.from_minutes import MinutesFolderSource
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.workspace import Workspace
from tandem.tui.review_app import create_review_app
from tandem.tui.screens.minutes import MinutesScreen
from tests.conftest import rendered_text

TODAY = date(2026, 11, 27)
#: Markup that would style ("[b]…[/b]") or crash ("[/]") if read as markup, then escape
#: sequences that would recolour the terminal, ring it, or set its clipboard (OSC 52).
BAD = "[b]EMEA[/b] [/] \x1b[31mRED\x1b[0m \x07bell \x1b]52;c;SGVsbG8=\x07 \x9b31m"


@pytest.fixture(scope="module")
def demo_copy_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("pass") / "ws"
    seed_demo(Workspace(home))
    return home


@pytest.fixture
def demo(demo_copy_source: Path, tmp_path: Path) -> Path:
    """A demo workspace of 40 meetings this test may change."""
    home = tmp_path / "ws"
    shutil.copytree(demo_copy_source, home)
    return home


async def workers_done(pilot) -> None:
    for _ in range(20):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # a search superseded by the next keystroke's
            await pilot.pause(0.05)
        else:
            return


async def settle(pilot, seconds: float = 0.3) -> None:
    await workers_done(pilot)
    await pilot.pause(seconds)
    await workers_done(pilot)


def screen_text(app) -> str:
    return "\n".join("".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips())


def control_characters(app) -> set[str]:
    """Control characters in what would be written to the terminal."""
    return {repr(ch) for strip in app.screen._compositor.render_strips() for segment in strip for ch in segment.text if ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0}


async def until(pilot, condition, seconds: float = 10.0) -> None:
    """Until ``condition()`` holds: keys typed ahead take a few message hops, slow on a busy machine."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)


def burst(app, keys: list[str]) -> None:
    """Keys that arrive together (typed ahead over SSH, tmux send-keys): no pause between them."""
    for key in keys:
        char = {"slash": "/", "enter": "\r"}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


# --- the cursor stays where the user put it ------------------------------------------------


@pytest.mark.parametrize(
    ("tab", "table"),
    [("1", "#review-meetings"), ("2", "#review-actions"), ("3", "#review-objectives"), ("5", "#review-shadow")],
)
async def test_a_poll_refresh_keeps_the_cursor_and_the_view(demo: Path, tab: str, table: str) -> None:
    """Another process saving a meeting made every table but the meetings jump to its first
    row once a second, and the meetings table scroll back to the top."""
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(100, 22)) as pilot:
        await settle(pilot)
        await pilot.press(tab)
        await settle(pilot)
        grid = app.screen.query_one(table, DataTable)
        steps = min(grid.row_count - 1, 20)
        await pilot.press(*["down"] * steps, *["up"] * (steps // 3))
        await settle(pilot)
        before = (grid.cursor_row, grid.scroll_y)
        assert before[0] > 0
        # Someone saves a meeting elsewhere: the file is rewritten, its rows stay the same.
        os.utime(sorted((demo / "meetings").glob("*.json"))[-1])
        await settle(pilot, 1.5)
        assert (grid.cursor_row, grid.scroll_y) == before


async def test_a_new_row_keeps_the_same_item_highlighted_at_the_same_height(demo: Path) -> None:
    """A meeting planned elsewhere (a new first row) and an action item added: the same
    meeting and action stay highlighted, where they were on the screen."""
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(100, 22)) as pilot:
        await settle(pilot)
        meetings = app.screen.query_one("#review-meetings", DataTable)
        await pilot.press(*["down"] * 20, *["up"] * 5)
        await settle(pilot)
        chosen = meetings.coordinate_to_cell_key(meetings.cursor_coordinate).row_key
        on_screen = meetings.cursor_row - meetings.scroll_y
        ws = Workspace(demo)
        ws.create_meeting(Meeting(id="2026-12-24-xmas", series_id="weekly-smarketing-sync", title="Xmas", date="2026-12-24"), [])
        await settle(pilot, 1.5)
        assert str(next(iter(meetings.rows)).value) == "2026-12-24-xmas"
        assert meetings.coordinate_to_cell_key(meetings.cursor_coordinate).row_key == chosen
        assert meetings.cursor_row - meetings.scroll_y == on_screen

        await pilot.press("2", *["down"] * 6)
        await settle(pilot)
        actions = app.screen.query_one("#review-actions", DataTable)
        text = str(actions.get_row_at(actions.cursor_row)[-1])
        with ws.open_meeting("2026-12-24-xmas") as writer:
            writer.actions.add(ActionItem(id="act-xmas", text="Order the cake", owner="Maya Thompson", due="2026-01-02"))
        await settle(pilot, 1.5)
        assert any("Order the cake" in str(row[-1]) for row in map(actions.get_row_at, range(actions.row_count)))
        assert str(actions.get_row_at(actions.cursor_row)[-1]) == text


async def test_a_vanished_row_leaves_the_cursor_in_place_not_at_the_top(demo: Path) -> None:
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*["down"] * 6)
        await settle(pilot)
        grid = app.screen.query_one("#review-meetings", DataTable)
        gone = str(grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key.value)
        (demo / "meetings" / f"{gone}.json").write_bytes(b'{"_tandem": {"schema": 1, "kind": "meeting"}, "meeting": {"1": ')
        await settle(pilot, 1.5)
        assert gone not in [str(row.value) for row in grid.rows]
        assert grid.cursor_row == 6


async def test_resizing_keeps_the_highlighted_meeting_and_action(demo: Path) -> None:
    """Crossing the narrow width rebuilt the columns, which dropped the cursor to row 0."""
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"webinar", "enter", "down", "down", "down")
        await settle(pilot)
        meetings = app.screen.query_one("#review-meetings", DataTable)
        chosen = meetings.coordinate_to_cell_key(meetings.cursor_coordinate).row_key
        shown = meetings.row_count
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert meetings.row_count == shown and app.screen.query_one("#search", Input).value == "webinar"
        assert meetings.coordinate_to_cell_key(meetings.cursor_coordinate).row_key == chosen
        await pilot.press("2", "down", "down")
        await settle(pilot)
        actions = app.screen.query_one("#review-actions", DataTable)
        chosen = actions.coordinate_to_cell_key(actions.cursor_coordinate).row_key
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        assert actions.coordinate_to_cell_key(actions.cursor_coordinate).row_key == chosen


async def test_a_new_search_starts_at_its_best_match(demo: Path) -> None:
    """The cursor stayed on the meeting highlighted before the search, wherever it ranked:
    a word every meeting mentions scrolled the best matches out of view."""
    hits = WorkspaceSource(demo).search("lead")
    assert len(hits) > 20
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        for key in "lead":
            await pilot.press(key)
            await settle(pilot, 0.1)
        grid = app.screen.query_one("#review-meetings", DataTable)
        assert grid.cursor_row == 0 and grid.scroll_y == 0
        assert grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key.value == hits[0].meeting_id


# --- user text, shown as typed and never sent to the terminal raw ----------------------------


def nasty_workspace(home: Path, *, long: bool = False) -> Workspace:
    """Markup and escape sequences in every name and text review shows; ``long``: long ones."""
    ws = Workspace(home)
    tail = " and then some more words" * 5 if long else ""
    ws.series.add(Series(id="sync", title=f"Sync {BAD}{tail}"))
    for n, day in enumerate(["2026-11-12", "2026-11-19", "2026-11-26"]):
        meeting_id = ws.new_meeting_id(day, "sync")
        ws.create_meeting(
            Meeting(
                id=meeting_id,
                series_id="sync",
                title=f"Weekly {BAD}",
                date=day,
                facilitator=f"Dana {BAD}{tail}",
                attendees=[Attendee(name=f"Ana {BAD}", team="sales")],
                status="ended",
            ),
            [AgendaItem(id=f"i{n}", title=f"Pricing {BAD}", position=0, timebox_min=10, notes=f"note {BAD}")],
        )
        with ws.open_meeting(meeting_id) as writer:
            writer.actions.add(ActionItem(id=f"a{n}", text=f"Act {BAD}", owner=f"Luis {BAD}{tail}", meeting_id=meeting_id, due="2026-11-20"))
            writer.decisions.add(Decision(id=f"d{n}", text=f"Decided {BAD}", meeting_id=meeting_id))
            writer.lead_feedback.add(
                LeadFeedback(
                    id=f"lf{n}",
                    reference=f"CRM {BAD}",
                    verdict="poor",
                    reasons=["no_fit"],
                    source=f"Src {BAD}",
                    persona=f"Persona {BAD}",
                    stage_lost="sql",
                    comment=f"c {BAD}",
                    meeting_id=meeting_id,
                )
            )
    ws.objectives.add(
        Objective(
            id="o1",
            title=f"Goal {BAD}{tail}",
            metric=f"SQLs {BAD}",
            target=60,
            unit=" [b]x[/]",
            checkins=[
                CheckIn(date="2026-11-19", value=41, status="at_risk", comment=f"slow {BAD}"),
                CheckIn(date="2026-11-26", value=45, status="at_risk", comment=f"better {BAD}"),
            ],
        )
    )
    ws.shadow_days.add(
        ShadowDay(
            id="s1",
            shadow=f"Sofia {BAD}{tail}",
            host=f"Maya {BAD}",
            direction="marketing_to_sales",
            date="2026-11-20",
            takeaways=[Takeaway(id="t1", category="learned", text=f"learned {BAD}")],
            experiment=Experiment(text=f"Try {BAD}", owner=f"Olu {BAD}"),
        )
    )
    return ws


def escaped_minutes(workspace: Path, out: Path) -> Path:
    """The demo's minutes, one of them hand-edited: escape sequences in the front matter (YAML
    "\\x1b" is ESC) and raw ones in an action item."""
    from tandem.store.minutes.export import export_minutes

    ws = Workspace(workspace, read_only=True)
    export_minutes(ws, ws.meeting_ids(), out)
    # An open item of the meeting's own action items (the action review below repeats
    # earlier meetings' items, and search finds each where it was raised).
    path = next(p for p in sorted(out.glob("*.md"), reverse=True) if "\n- [ ] " in p.read_text().partition("## Action items")[2].partition("\n## ")[0])
    text = path.read_text()
    facilitator = text.split('\nfacilitator: "', 1)[1].split('"', 1)[0]
    text = text.replace(f'facilitator: "{facilitator}"', 'facilitator: "Dana \\x1b[31mRED\\x1b]52;c;SGVsbG8=\\x07 \\x9b31m"', 1)
    head, mark, tail = text.partition("## Action items")
    text = head + mark + tail.replace("\n- [ ] ", "\n- [ ] \x1b[41mRAW\x1b[0m \x07", 1)
    path.write_text(text)
    return out


@pytest.mark.parametrize("where", ["workspace", "minutes"])
async def test_escape_sequences_in_user_text_never_reach_the_terminal(demo_copy_source: Path, tmp_path: Path, where: str) -> None:
    """Rich keeps ESC: a name could recolour the screen, or set the clipboard with OSC 52
    (whose swallowed terminator also tore the table's borders apart). The workspace now
    drops control characters on entry; a folder of minutes (a git clone) still has them."""
    if where == "workspace":
        nasty_workspace(tmp_path / "ws")
        source, shown, query = WorkspaceSource(tmp_path / "ws"), "Sofia [b]EMEA[/b] [/] RED bell", "EMEA"
    else:
        source, shown, query = MinutesFolderSource(escaped_minutes(demo_copy_source, tmp_path / "m")), "Dana RED", "RAW"
    app = create_review_app(source, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        seen = ""
        for tab in "12345":
            await pilot.press(tab)
            await settle(pilot)
            assert control_characters(app) == set(), f"tab {tab}"
            seen += screen_text(app)
        assert shown in seen
        await pilot.press("1", "slash", *query, "enter")
        await settle(pilot)
        assert control_characters(app) == set()
        assert query in app.screen.query_one("#snippets", Static).content.plain


async def test_markup_in_a_folder_of_minutes_is_shown_not_read(demo_copy_source: Path, tmp_path: Path) -> None:
    """A shadow day's direction in hand-edited minutes went into a table cell as a plain
    string, which DataTable reads as markup: ``[/]`` ended review with a traceback."""
    from tandem.store.minutes.export import export_minutes

    out = tmp_path / "minutes"
    ws = Workspace(demo_copy_source, read_only=True)
    export_minutes(ws, ws.meeting_ids(), out)
    debrief = next(p for p in sorted(out.glob("*.md")) if "\n## Shadow-day takeaways\n" in p.read_text())
    text = debrief.read_text()
    heading = next(line for line in text.splitlines() if line.startswith("### ") and " → " in line)
    direction = heading.rsplit("(", 1)[1].split(",", 1)[0]
    debrief.write_text(text.replace(heading, heading.replace(direction, "[/] [b]x")))
    app = create_review_app(MinutesFolderSource(out), today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for tab in "12345":
            await pilot.press(tab)
            await settle(pilot)
        assert app.is_running
        assert "[/] [b]x" in screen_text(app)


async def test_long_names_leave_the_other_columns_in_view(tmp_path: Path) -> None:
    """A 150-character series title or owner pushed status, facilitator and the action text
    off an 80-column terminal."""
    nasty_workspace(tmp_path / "ws", long=True)
    app = create_review_app(WorkspaceSource(tmp_path / "ws"), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Dana [b]" in text and "ended" in text
        await pilot.press("2")
        await settle(pilot)
        assert "Act [b]EMEA" in screen_text(app)
        await pilot.press("3")
        await settle(pilot)
        assert "at risk" in screen_text(app)
        await pilot.press("5")
        await settle(pilot)
        assert "Maya [b]" in screen_text(app)


@pytest.mark.parametrize("width", [100, 110, 125])
async def test_every_width_shows_the_action_text_and_the_meeting_status(demo: Path, width: int) -> None:
    """From 100 columns up the owners chart and the wide columns left the action items
    table no room for the action text itself, and the meeting counts pushed Status and
    Matches off the screen."""
    actions = WorkspaceSource(demo).load().actions
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Status" in text and "Matches" in text and "planned" in text
        await pilot.press("2")
        await settle(pilot)
        grid = app.screen.query_one("#review-actions", DataTable)
        first = str(grid.get_row_at(0)[-1]).removeprefix("☐ ")
        assert any(a.text == first for a in actions)
        assert first[:15] in screen_text(app)


# --- keys typed ahead ----------------------------------------------------------------------


async def test_text_typed_right_after_slash_lands_in_the_search_box(demo: Path) -> None:
    """Focus moved a message later than the keys already queued: "/quota" typed fast sent q to
    the table (quit!), and "/report" r (reload)."""
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        search = app.screen.query_one("#search", Input)
        burst(app, ["slash", *"quota"])
        await until(pilot, lambda: search.value == "quota" or not app.is_running)
        await settle(pilot)
        assert app.is_running
        assert search.value == "quota"
        await pilot.press("slash", "q", "4")  # in a filter box "/" is text ("Q3/Q4"), not Search
        await settle(pilot)
        assert search.value == "quota/q4"
        await pilot.press(*["backspace"] * 3)
        burst(app, ["enter", "2"])
        await until(pilot, lambda: app.screen.query_one("TabbedContent").active == "tab-actions")
        await settle(pilot)
        assert search.value == "quota"
        assert app.screen.query_one("TabbedContent").active == "tab-actions"


async def test_a_search_typed_ahead_of_two_enters_opens_its_top_result(demo: Path) -> None:
    """ "/procurement⏎⏎" typed fast: the second Enter opened the meeting highlighted before
    the search (its results were not in yet), not the best match."""
    hits = WorkspaceSource(demo).search("procurement")
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#review-meetings", DataTable).cursor_row == 0
        burst(app, ["slash", *"procurement", "enter", "enter"])
        await until(pilot, lambda: isinstance(app.screen, MinutesScreen))
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen)
        assert app.screen.source == hits[0].meeting_id != WorkspaceSource(demo).load().meetings[0].id


async def test_the_palette_search_command_focuses_the_search_box(demo: Path) -> None:
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"review: search all meetings")
        await settle(pilot, 0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#search", Input)


async def test_text_typed_right_after_slash_lands_in_the_minutes_find(demo: Path) -> None:
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MinutesScreen)
        await screen.view.wait_loaded()
        burst(app, ["slash", *"lead", "enter", "n"])
        await until(pilot, lambda: screen.view.current_match == 1)
        await settle(pilot)
        assert screen.view.find_query == "lead"
        assert screen.view.match_count > 2 and screen.view.current_match == 1
        assert app.focused is screen.view
        assert screen.query_one("#minutes-find", Input).value == "lead"


# --- unreadable files ----------------------------------------------------------------------


async def test_many_unreadable_files_still_leave_the_meetings_in_view(demo: Path) -> None:
    """Seven corrupt files made the banner fill an 80x24 terminal: no tab, no table."""
    for path in sorted((demo / "meetings").glob("*.json"))[:7]:
        path.write_bytes(b'{"x')
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        banner = app.screen.query_one("#review-problems", Static)
        assert banner.display and "7 files could not be read" in rendered_text(banner)
        grid = app.screen.query_one("#review-meetings", DataTable)
        assert grid.region.height >= 8
        assert "1 Meetings" in screen_text(app)


# --- what the screen tells --------------------------------------------------------------------


async def test_the_footer_and_help_say_how_to_read_the_minutes(demo: Path) -> None:
    """Enter on a row was DataTable's hidden binding: neither the footer nor ? said how to
    read a meeting's minutes, the point of the whole browser."""
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = {}
        for tab in "12345":
            await pilot.press(tab)
            await settle(pilot)
            footer[tab] = screen_text(app).splitlines()[-1]
        assert ["⏎ Minutes" in footer[tab] for tab in "12345"] == [True, True, False, False, True]
        await pilot.press("1", "question_mark")
        await settle(pilot)
        assert "review.open_minutes" in " ".join(rendered_text(s) for s in app.screen.query(Static))
        await pilot.press("escape", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen)


async def test_the_owner_filter_keeps_its_box_at_40_columns(demo: Path) -> None:
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.query_one("#owner", Input).region.width >= 12
        assert app.screen.query_one("#review-actions", DataTable).region.height >= 4


# --- the minutes viewer -------------------------------------------------------------------------


async def open_third_minutes(pilot) -> MinutesScreen:
    await settle(pilot)
    await pilot.press("down", "down", "enter")  # 2026-11-24: tables, task lists, lead feedback
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MinutesScreen)
    await screen.view.wait_loaded()
    await settle(pilot)
    return screen


async def test_back_at_the_top_the_sidebar_lights_no_section(demo: Path) -> None:
    """g went back to the title, and the sidebar still said "Next meeting"."""
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_third_minutes(pilot)
        sidebar = screen.query_one("#minutes-sections")
        await pilot.press("G")
        await settle(pilot)
        assert sidebar.highlighted == sidebar.option_count - 1
        await pilot.press("g")
        await settle(pilot)
        assert screen.view.scroll_y == 0 and sidebar.highlighted is None


async def test_a_resize_keeps_the_current_match_on_screen(demo: Path) -> None:
    """Narrowing turned the lead-feedback table into cards: the top line stayed, the match
    being read went off the screen, and n then wrapped to the first match."""
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_third_minutes(pilot)
        view = screen.view
        await pilot.press("slash", *"poor", "enter", "n", "n")
        await settle(pilot)
        assert view.match_count >= 3 and view.current_match == 2

        def on_screen() -> bool:
            line = view.document.search("poor")[view.current_match].line
            return view.scroll_y <= line < view.scroll_y + view.scrollable_content_region.height

        assert on_screen()
        for size in ((60, 20), (140, 40), (44, 14)):
            await pilot.resize_terminal(*size)
            await view.wait_loaded()
            await settle(pilot)
            assert view.current_match == 2 and on_screen(), size


async def test_after_a_resize_the_rows_are_drawn_at_their_full_width(demo: Path) -> None:
    """Rebuilding the columns on a resize left the rows drawn at the headers' widths
    (Date "2026", Series "Weekl…") until the next key press: DataTable kept rows it drew
    before measuring them."""
    app = create_review_app(WorkspaceSource(demo), today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for size in ((40, 12), (250, 70), (80, 24)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
        text = screen_text(app)
        assert "2026-12-01  Weekly smarketing sync" in text
        await pilot.press("2")
        await settle(pilot)
        await pilot.resize_terminal(150, 30)  # the table gets 110 columns: status and "raised" too
        await settle(pilot)
        assert "☐ open  2026-10-15" in screen_text(app)
