"""What a sync kept two values of is shown on the record, in the live meeting and in review:
a mark that reads without colour, and a dialog with both values, shown as text.

The conflicts are made by the real merge (``merge_documents``) of two edited copies of a
meeting file, written back as ``tandem sync`` writes a merged file.
"""

from __future__ import annotations

import copy
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from clock import FakeClock
from conftest import rendered_text
from textual.widgets import DataTable, OptionList

from tandem.store.atomic import atomic_write_bytes, decode, encode
from tandem.store.migrate import SCHEMA_VERSION
from tandem.store.records import ActionItem, AgendaItem, Attendee, Decision, Meeting, Objective, ParkedItem, Series
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.sync.merge import HEADER, Merged, merge_documents
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.review_app import create_review_app
from tandem.tui.screens.conflicts import ConflictsScreen
from tandem.tui.screens.live import LiveScreen
from tandem.tui.screens.minutes import MinutesScreen

MID = "2026-11-26-sync"
HOSTILE = "[bold]x[/] \x1b[31mred\x1b[0m\nsecond line"


def workspace(home: Path, *, status: str = "planned") -> Workspace:
    ws = Workspace(home)
    ws.series.add(Series(id="sync", title="Weekly sync"))
    ws.create_meeting(
        Meeting(
            id=MID,
            series_id="sync",
            title="Weekly sync",
            date="2026-11-26",
            facilitator="Dana",
            attendees=[Attendee(name="Dana", team="marketing")],
            status=status,
        ),
        [
            AgendaItem(id="obj", title="Objectives", position=0, timebox_min=5),
            AgendaItem(id="lead", title="Lead quality", position=1, timebox_min=10, notes="Leads from the webinar"),
            AgendaItem(id="pipe", title="Pipeline", position=2, timebox_min=10, status="parked"),
            AgendaItem(id="wrap", title="Wrap-up", position=3, timebox_min=5),
        ],
    )
    with ws.open_meeting(MID) as w:
        w.decisions.add(Decision(id="dec1", text="Ship the pricing page", meeting_id=MID, agenda_item_id="lead"))
        w.decisions.add(Decision(id="dec2", text="Keep the webinar", meeting_id=MID, agenda_item_id="lead"))
        w.actions.add(ActionItem(id="act1", text="Call Acme", owner="Luis", meeting_id=MID, agenda_item_id="obj"))
        w.parking_lot.add(ParkedItem(id="park1", text="Pricing tiers", meeting_id=MID, agenda_item_id="pipe"))
    return ws


def document(path: Path) -> dict[str, Any]:
    """A version of a data file as ``tandem sync`` hands it to the merge."""
    return {HEADER: {"kind": "meeting", "schema": SCHEMA_VERSION}, **decode(path.read_bytes(), path)}


def synced(ws: Workspace, tmp_path: Path, ours: Callable[[Workspace], None], theirs: Callable[[dict[str, Any]], None]) -> Merged:
    """Two machines edit the meeting: ours through the store (a copy of the workspace),
    theirs in the file itself (a teammate's file is whatever it holds); their merge replaces
    the meeting file, as ``tandem sync`` writes it."""
    path = ws.meeting_path(MID)
    base = document(path)
    mine = tmp_path / "ours"
    shutil.copytree(ws.home, mine)
    ours(Workspace(mine))
    their_doc = copy.deepcopy(base)
    theirs(their_doc)
    merged = merge_documents(base, document(mine / "meetings" / f"{MID}.json"), their_doc, source=f"meetings/{MID}.json")
    atomic_write_bytes(path, encode({k: v for k, v in merged.document.items() if k != HEADER}, "meeting"))
    return merged


def ours_edit(ws: Workspace) -> None:
    """Maya's machine, through the store as the app writes."""
    with ws.open_meeting(MID, allow_finalized=True) as w:
        w.decisions.update(w.decisions.get("dec1").replace(text="Ship it on Monday"))
        w.actions.update(w.actions.get("act1").replace(owner="Maya"))
        w.parking_lot.update(w.parking_lot.get("park1").replace(text="Pricing tiers for EMEA"))
        w.save_meeting(w.meeting.replace(rating=4))


def theirs_edit(doc: dict[str, Any]) -> None:
    """José's file, as it arrives: whatever it holds (the store cleans text it builds)."""
    doc["decisions"]["dec1"]["text"] = HOSTILE
    doc["actions"]["act1"]["owner"] = "José"
    doc["parking_lot"]["park1"]["text"] = "Pricing tiers for the US"
    doc["meeting"][MID]["rating"] = 3


def with_conflicts(tmp_path: Path, *, status: str = "planned") -> Workspace:
    ws = workspace(tmp_path / "ws", status=status)
    merged = synced(ws, tmp_path, ours_edit, theirs_edit)
    # The merge decided four fields: the test is about showing them, so it checks it has them.
    assert {(c.table, c.record, c.path) for c in merged.conflicts} == {
        ("decisions", "dec1", ("text",)),
        ("actions", "act1", ("owner",)),
        ("parking_lot", "park1", ("text",)),
        ("meeting", MID, ("rating",)),
    }
    return ws


async def settle(pilot) -> None:
    for _ in range(4):
        await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def live(pilot) -> LiveScreen:
    """The meeting open, the agenda focused."""
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LiveScreen)
    return screen


def agenda_lines(screen: LiveScreen) -> dict[str, str]:
    agenda = screen.query_one("#agenda", OptionList)
    return {agenda.get_option_at_index(n).id: str(agenda.get_option_at_index(n).prompt) for n in range(agenda.option_count)}


def captured_lines(screen: LiveScreen) -> list[str]:
    captured = screen.query_one("#captured", OptionList)
    return [str(captured.get_option_at_index(n).prompt) for n in range(captured.option_count)]


def shown(screen: ConflictsScreen) -> str:
    """What the terminal shows, line by line."""
    return "\n".join("".join(segment.text for segment in strip).rstrip() for strip in screen._compositor.render_strips())


async def open_conflicts(pilot) -> ConflictsScreen:
    await pilot.press("w")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ConflictsScreen)
    return dialog


# --- the live meeting -----------------------------------------------------------------------


async def test_the_records_a_sync_kept_two_values_of_are_marked(tmp_path: Path) -> None:
    ws = with_conflicts(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await live(pilot)
        # The items of the records decided (the action under Objectives, the decision under
        # Lead quality, Pipeline's parking-lot entry) carry the flag; Wrap-up does not.
        lines = agenda_lines(screen)
        assert {item for item, line in lines.items() if "⚑" in line} == {"obj", "lead", "pipe"}
        # In words too, for a monochrome terminal: four values in this meeting.
        note = rendered_text(screen.query_one("#conflicts-note"))
        assert screen.query_one("#conflicts-note").display and "⚑ 4 values from two machines" in note and "w shows both" in note
        assert "⚑ 1 value" in rendered_text(screen.query_one("#item-title"))  # the active item, Objectives
        assert "live.conflicts" in {b.binding.id for b in screen.active_bindings.values() if b.enabled}
        # Under Lead quality: the decision decided is marked, the other one is not.
        screen.session.activate("lead")
        screen._after_change()
        await settle(pilot)
        rows = captured_lines(screen)
        assert len(rows) == 2
        marked = [row for row in rows if "⚑ 1 value" in row]
        assert len(marked) == 1 and "also written on another machine" in marked[0]
        assert "⚑" not in next(row for row in rows if "Keep the webinar" in row)
        # The meeting's own writes (it started, it saved) kept what the sync recorded.
        assert screen.decided.conflicts and len(screen.decided) == 4


async def test_w_shows_both_values_of_the_highlighted_item_as_text(tmp_path: Path) -> None:
    ws = with_conflicts(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await live(pilot)
        screen.query_one("#agenda", OptionList).highlighted = 1  # Lead quality
        dialog = await open_conflicts(pilot)
        text = shown(dialog)
        assert "Agenda item 2 “Lead quality”" in text
        assert "Decision “" in text and "· text" in text
        # The teammate's text as it is, never read as markup nor sent to the terminal: the
        # brackets stay, ESC shows as ␛, the line break stays a line of its own, in the
        # value's column.
        assert "[bold]x[/] ␛[31mred␛[0m" in text
        assert "\x1b" not in text
        lines = text.splitlines()
        first = next(n for n, line in enumerate(lines) if "␛[31m" in line)
        column = lines[first].index("[bold]x[/]")
        assert lines[first + 1][column:].startswith("second line") and not lines[first + 1][:column].strip("▊▌▐▎█│┃ ")
        assert "Ship it on Monday" in text
        assert "Read-only" in text
        # y copies the other value (the one below, Maya's), Esc closes.
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("y")
        assert copied == ["Ship it on Monday"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_an_item_with_none_shows_the_whole_meeting_and_the_rating(tmp_path: Path) -> None:
    ws = with_conflicts(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await live(pilot)
        screen.query_one("#agenda", OptionList).highlighted = 3  # Wrap-up: nothing of its own
        dialog = await open_conflicts(pilot)
        text = shown(dialog)
        assert "⚑ 4 values · This meeting" in text
        assert "The meeting · rating" in text
        rating = text[text.index("The meeting · rating") :]
        kept, other = (re.search(rf"\b{word} +(\S+)", rating) for word in ("kept", "other value"))
        assert kept is not None and other is not None and {kept[1], other[1]} == {"3", "4"}
        assert ws.read_meeting(MID).meeting.rating == int(kept[1])  # "kept" is what the file holds
        assert "Action item “Call Acme”" in text and "· owner" in text
        assert "Parking lot “" in text and "Pricing tiers for EMEA" in text and "Pricing tiers for the US" in text


async def test_the_captured_record_highlighted_shows_its_own(tmp_path: Path) -> None:
    ws = with_conflicts(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await live(pilot)  # Objectives: the action item decided
        captured = screen.query_one("#captured", OptionList)
        assert "⚑ 1 value" in captured_lines(screen)[0]
        captured.focus()
        await pilot.pause()
        dialog = await open_conflicts(pilot)
        text = shown(dialog)
        assert "⚑ 1 value · Action item “[open] Call Acme" in text
        assert "owner" in text and "Maya" in text and "José" in text
        assert "rating" not in text and "Decision" not in text


async def test_a_shared_record_captured_here_is_marked_too(tmp_path: Path) -> None:
    """An objective set in this meeting lives in objectives.json: what a sync decided there
    shows on its row of the captured list, and w reads it."""
    ws = workspace(tmp_path / "ws")
    ws.objectives.add(Objective(id="sqls", title="60 SQLs a month", metric="SQLs", target=60, meeting_id=MID))
    path = ws.home / "objectives.json"
    base = {HEADER: {"kind": "objectives", "schema": SCHEMA_VERSION}, **decode(path.read_bytes(), path)}
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["objectives"]["sqls"]["target"] = 70
    theirs["objectives"]["sqls"]["target"] = 80
    merged = merge_documents(base, ours, theirs, source="objectives.json")
    assert [(c.table, c.record, c.path) for c in merged.conflicts] == [("objectives", "sqls", ("target",))]
    atomic_write_bytes(path, encode({k: v for k, v in merged.document.items() if k != HEADER}, "objectives"))
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await live(pilot)
        row = next(line for line in captured_lines(screen) if "60 SQLs" in line)
        assert "⚑ 1 value" in row
        # Not the meeting's own: no note, no flag on the agenda.
        assert not screen.query_one("#conflicts-note").display
        assert not any("⚑" in line for line in agenda_lines(screen).values())
        captured = screen.query_one("#captured", OptionList)
        captured.focus()
        await pilot.pause()
        # The action item highlighted has none, nor has the meeting: the marked rows' are shown.
        assert "⚑" not in captured_lines(screen)[captured.highlighted or 0]
        text = shown(await open_conflicts(pilot))
        assert "What was captured under this item" in text and "Objective “60 SQLs a month" in text and "· target" in text
        await pilot.press("escape")
        await settle(pilot)
        captured.highlighted = next(n for n, line in enumerate(captured_lines(screen)) if "60 SQLs" in line)
        text = shown(await open_conflicts(pilot))
        assert "⚑ 1 value · Objective “60 SQLs a month" in text
        assert re.search(r"kept +80", text) and re.search(r"other value +70", text)  # 80 sorts last: the fixed rule


async def test_a_meeting_without_conflicts_shows_no_mark_and_no_key(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await live(pilot)
        assert not any("⚑" in line for line in agenda_lines(screen).values())
        assert not screen.query_one("#conflicts-note").display
        assert "⚑" not in rendered_text(screen.query_one("#item-title"))
        assert "live.conflicts" not in {b.binding.id for b in screen.active_bindings.values() if b.enabled}
        await pilot.press("w")
        await settle(pilot)
        assert app.screen is screen


async def test_editing_an_ended_meeting_shows_them_too(tmp_path: Path) -> None:
    ws = with_conflicts(tmp_path, status="ended")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_meeting(MID, amend=True)
        screen = await live(pilot)
        assert screen.session.amending
        assert {item for item, line in agenda_lines(screen).items() if "⚑" in line} == {"obj", "lead", "pipe"}
        dialog = await open_conflicts(pilot)  # the first item, highlighted: its action item
        text = shown(dialog)
        assert "Agenda item 1 “Objectives”" in text and "Action item “Call Acme”" in text and "· owner" in text
        await pilot.press("escape")
        await settle(pilot)
        # The decision decided, deleted: Lead quality has nothing left to show (the clocks
        # stand still here, so nothing else redraws the agenda).
        screen.session.activate("lead")
        screen._after_change()
        await settle(pilot)
        captured = screen.query_one("#captured", OptionList)
        captured.highlighted = next(n for n, line in enumerate(captured_lines(screen)) if "⚑" in line)
        captured.focus()
        await pilot.press("x", "y")  # delete, and yes
        await settle(pilot)
        assert [d.id for d in screen.session.record.decisions] == ["dec2"]
        assert {item for item, line in agenda_lines(screen).items() if "⚑" in line} == {"obj", "pipe"}
        assert "⚑ 4 values" in rendered_text(screen.query_one("#conflicts-note"))  # the file still holds it


def test_the_dialog_at_80_by_24(snap_compare, tmp_path: Path) -> None:
    ws = with_conflicts(tmp_path)
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=MID))

    async def run_before(pilot) -> None:
        screen = await live(pilot)
        screen.query_one("#agenda", OptionList).highlighted = 1
        await open_conflicts(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


# --- review ---------------------------------------------------------------------------------


async def review_ready(pilot) -> None:
    await settle(pilot)
    for _ in range(40):
        if isinstance(pilot.app.focused, DataTable) and pilot.app.focused.row_count:
            return
        await pilot.pause(0.05)
    raise AssertionError("review listed no meeting")


async def test_review_minutes_say_what_was_kept_and_what_lost(tmp_path: Path) -> None:
    ws = with_conflicts(tmp_path)
    app = create_review_app(WorkspaceSource(ws.home), today=date(2026, 11, 27))
    async with app.run_test(size=(120, 36)) as pilot:
        await review_ready(pilot)
        await pilot.press("enter")
        await settle(pilot)
        minutes = app.screen
        assert isinstance(minutes, MinutesScreen)
        markdown = minutes.markdown
        section = markdown[markdown.index("## ⚑ 4 values from two machines") : markdown.index("## Attendance")]
        assert markdown.index("# Weekly sync") < markdown.index("## ⚑ 4 values")  # under the title, before the first section
        assert "**The meeting · rating**: kept 4; the other value: 3." in section or "**The meeting · rating**: kept 3; the other value: 4." in section
        assert "Pricing tiers for EMEA" in section and "Pricing tiers for the US" in section
        assert "Maya" in section and "José" in section
        assert "both are kept in it" in section  # the decision: both texts are in the minutes below
        assert "\x1b" not in markdown and "[bold]" not in section.replace("\\[bold\\]", "")
        # The sections sidebar names it.
        assert "⚑ 4 values from two machines" in screen_text(app)


async def test_review_w_shows_the_highlighted_meetings_values(tmp_path: Path) -> None:
    ws = with_conflicts(tmp_path)
    app = create_review_app(WorkspaceSource(ws.home), today=date(2026, 11, 27))
    async with app.run_test(size=(120, 60)) as pilot:
        await review_ready(pilot)
        dialog = await open_conflicts(pilot)
        text = shown(dialog)
        assert "⚑ 4 values · Weekly sync — 2026-11-26" in text
        assert "The meeting · rating" in text and "[bold]x[/] ␛[31mred␛[0m" in text and "Ship it on Monday" in text


async def test_review_of_a_meeting_without_conflicts_is_as_before(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws")
    source = WorkspaceSource(ws.home)
    app = create_review_app(source, today=date(2026, 11, 27))
    async with app.run_test(size=(120, 36)) as pilot:
        await review_ready(pilot)
        screen = app.screen
        await pilot.press("w")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen)
        assert app.screen.markdown == WorkspaceSource(ws.home).minutes(MID)


def screen_text(app) -> str:
    return "\n".join("".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips())
