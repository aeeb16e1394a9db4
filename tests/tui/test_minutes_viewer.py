"""The minutes reader: MinutesView (virtualised Markdown) inside MinutesScreen."""

from __future__ import annotations

from pathlib import Path

import pytest
from clock import FakeClock
from conftest import rendered_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input, OptionList, Static

from tandem.store.workspace import Workspace
from tandem.tui.app import create_app
from tandem.tui.screens.home import HomeScreen
from tandem.tui.screens.minutes import MinutesScreen
from tandem.tui.widgets.minutes_markdown import render_plain, wrap_ranges
from tandem.tui.widgets.minutes_view import MinutesView

SMALL = """\
---
id: "2026-11-26-weekly-smarketing-sync"
title: "Weekly smarketing sync"
date: "2026-11-26"
---

# Weekly smarketing sync — 2026-11-26

**Series:** Weekly smarketing sync · **Facilitator:** Dana Kim · **Status:** ended

## Attendance

| Team | Present | Absent |
|---|---|---|
| Sales | Luis Ortega, Priya Raman |   |
| Marketing | Dana Kim | Zoë Ng |

## Agenda

| # | Item | Planned | Actual | Status |
|---:|---|---:|---:|---|
| 1 | Objectives check-in | 10 min | 9 min | done |
| 2 | Lead quality from sales | 15 min | 17 min | done |

### 1. Objectives check-in

_Planned 10 min · actual 9 min · done_

- **MQL→SQL** 26.9% vs 30% target, off track
- Speed-to-lead: 10.0h → 10.9h
  - by source: *G2* worst

### 2. Lead quality from sales

_Planned 15 min · actual 17 min · done_

1. Three G2 leads, all poor: `no_fit`
2. See the [lead-quality report](https://crm.example.com/r/1)

## Decisions

- SAL within 24h (Dana Kim)

## Action items

- [ ] Fix lead routing for EMEA — **Luis Ortega**, due 2026-12-01
- [x] Send the G2 list to marketing — **Priya Raman**, due 2026-11-28
- [x] ~~Old dashboard~~ (dropped) — **Dana Kim**

## Next meeting

2026-12-03
"""


def long_minutes(items: int = 40) -> str:
    """Minutes with many sections: enough to scroll and to wrap."""
    parts = ["# A long sync — 2026-11-26\n", "## Agenda\n"]
    for n in range(1, items + 1):
        parts.append(f"### {n}. Topic number {n}\n")
        parts.append(f"_Planned 5 min · actual {n % 7} min · done_\n")
        notes = (f"- note {n}.{k}: lead quality from webinar batch {k} was {'good' if k % 2 else 'poor'}" for k in range(4))
        parts.append("\n".join(notes) + "\n")
    parts.append("## Decisions\n\n- Weekly lead review stays on Tuesdays\n")
    parts.append("## Action items\n\n- [ ] Build the lead dashboard — **Kenji**, due 2026-12-01\n")
    return "\n".join(parts)


def app_with(tmp_path: Path):
    return create_app(Workspace(tmp_path / "ws"), clock=FakeClock())


async def open_minutes(pilot, markdown: str, *, title: str = "Weekly smarketing sync — 2026-11-26") -> MinutesScreen:
    await pilot.app.workers.wait_for_complete()
    screen = MinutesScreen(title, markdown, source="2026-11-26_weekly-smarketing-sync.md")
    await pilot.app.push_screen(screen)
    await screen.view.wait_loaded()
    await pilot.pause()
    return screen


def visible(view: MinutesView) -> list[str]:
    """What the view draws right now, line by line."""
    return [view.render_line(y).text.rstrip() for y in range(view.scrollable_content_region.height)]


async def test_opens_with_title_and_first_section(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_minutes(pilot, SMALL)
        assert screen.title == "Weekly smarketing sync — 2026-11-26"
        assert screen.sub_title == "2026-11-26_weekly-smarketing-sync.md"
        lines = visible(screen.view)
        assert lines[0] == "Weekly smarketing sync — 2026-11-26"
        assert "Attendance" in lines
        assert any("Series: Weekly smarketing sync · Facilitator: Dana Kim" in line for line in lines)
        assert not any("id:" in line for line in lines), "front matter is not shown"
        table = next(line for line in lines if line.startswith("Team"))
        assert "│ Present" in table and "│ Absent" in table
        # The sidebar lists H2 and H3, not the H1.
        sidebar = screen.query_one("#minutes-sections", OptionList)
        entries = [str(sidebar.get_option_at_index(i).prompt).strip() for i in range(sidebar.option_count)]
        assert entries == [
            "Attendance",
            "Agenda",
            "1. Objectives check-in",
            "2. Lead quality from sales",
            "Decisions",
            "Action items",
            "Next meeting",
        ]


async def test_markdown_is_rendered_not_shown_raw(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 60)) as pilot:
        screen = await open_minutes(pilot, SMALL)
        text = "\n".join(screen.view.document.plain_lines())
        assert "• MQL→SQL 26.9% vs 30% target, off track" in text
        assert "  ◦ by source: G2 worst" in text  # nested list, second-level bullet
        assert "1. Three G2 leads, all poor: no_fit" in text
        assert "2. See the lead-quality report" in text
        assert "☐ Fix lead routing for EMEA — Luis Ortega, due 2026-12-01" in text
        assert "☑ Send the G2 list to marketing" in text
        assert "**" not in text and "](" not in text and "[ ]" not in text


async def test_sidebar_and_jump_to_scroll_to_the_section(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_minutes(pilot, long_minutes())
        view = screen.view
        headings = view.headings
        assert [h.level for h in headings[:3]] == [1, 2, 3]
        assert headings[-1].title == "Action items"
        # Through the sidebar: Enter on item 20.
        sidebar = screen.query_one("#minutes-sections", OptionList)
        sidebar.focus()
        index = next(i for i in range(sidebar.option_count) if str(sidebar.get_option_at_index(i).prompt).strip() == "20. Topic number 20")
        sidebar.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        target = next(n for n, h in enumerate(headings) if h.title == "20. Topic number 20")
        assert view.scroll_y == headings[target].line
        assert visible(view)[0] == "20. Topic number 20"
        # Near the end, the last section is shown (it cannot be scrolled to the top).
        view.jump_to(len(headings) - 1)
        await pilot.pause()
        assert "Action items" in visible(view) and view.scroll_y == view.max_scroll_y
        assert view.current_section == len(headings) - 1  # the section asked for, not the top one
        await pilot.pause()
        assert str(sidebar.get_option_at_index(sidebar.highlighted).prompt) == "Action items"
        # Through the API.
        assert view.jump_to(10)
        await pilot.pause()
        assert view.scroll_y == headings[10].line
        assert visible(view)[0] == headings[10].title
        assert view.current_section == 10
        assert not view.jump_to(999)
        # g / G: top and bottom.
        view.focus()
        await pilot.press("g")
        await pilot.pause()
        assert view.scroll_y == 0
        await pilot.press("G")
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y > 0


async def test_find_highlights_and_moves_between_matches(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_minutes(pilot, long_minutes())
        view = screen.view
        await pilot.press("slash")
        find = screen.query_one("#minutes-find", Input)
        assert find.display and find.has_focus
        await pilot.press(*"WEBINAR batch 3")  # case-insensitive
        await pilot.press("enter")
        await pilot.pause()
        assert not find.display and view.has_focus
        assert view.match_count == 40
        assert view.current_match == 0
        status = rendered_text(screen.query_one("#minutes-status", Static))
        assert "1/40" in status and "webinar batch 3" in status.lower()
        # The current match is drawn highlighted.
        line = view.document.search("webinar batch 3")[0].line
        strip = view.render_line(line - round(view.scroll_y))
        lit = [segment for segment in strip if "webinar batch 3" in segment.text.lower()]
        assert lit and lit[0].style.bgcolor is not None
        await pilot.press("n")
        await pilot.pause()
        assert view.current_match == 1
        assert "2/40" in rendered_text(screen.query_one("#minutes-status", Static))
        first_y = view.scroll_y
        for _ in range(20):
            await pilot.press("n")
        await pilot.pause()
        assert view.current_match == 21 and view.scroll_y > first_y
        match_line = view.document.search("webinar batch 3")[21].line
        assert view.scroll_y <= match_line < view.scroll_y + view.scrollable_content_region.height
        await pilot.press("N")
        assert view.current_match == 20
        view.find_previous()
        view.find_previous()
        assert view.current_match == 18
        # Nothing found: the status says so.
        assert view.find("no such words") == 0
        await pilot.pause()
        assert "0 matches" in rendered_text(screen.query_one("#minutes-status", Static))
        view.clear_find()
        await pilot.pause()
        assert view.match_count == 0 and view.current_match is None


async def test_find_across_a_line_break(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(40, 24)) as pilot:
        screen = await open_minutes(pilot, "# T\n\n" + "word " * 30 + "needle haystack " + "word " * 30)
        view = screen.view
        screen.query_one("#minutes-sections").display = False
        await pilot.pause()
        for width in (20, 23, 29):
            document = view.document
            document.set_width(width)
            document.wrap_pending()
            matches = document.search("needle haystack")
            assert len(matches) == 1
            assert "".join(document.line_text(i).plain[a:b] for i, a, b in matches[0].parts).replace(" ", "") == "needlehaystack"


async def test_escape_closes_find_then_goes_back(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_minutes(pilot, SMALL)
        await pilot.press("slash")
        await pilot.press("q")  # typed into the find bar, not "back"
        assert screen.query_one("#minutes-find", Input).value == "q"
        await pilot.press("escape")
        assert not screen.query_one("#minutes-find", Input).display
        assert app.screen is screen
        await pilot.press("t")
        assert not screen.query_one("#minutes-sections").display
        await pilot.press("t")
        assert screen.query_one("#minutes-sections").display
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_every_binding_has_an_id_and_a_description() -> None:
    ids = {binding.id: binding for binding in MinutesScreen.BINDINGS}  # type: ignore[union-attr]
    assert set(ids) == {
        "minutes.find",
        "minutes.next_match",
        "minutes.previous_match",
        "minutes.toggle_sidebar",
        "minutes.top",
        "minutes.bottom",
        "minutes.back",
        "minutes.run_find",
        "minutes.copy",
    }
    assert all(binding.description and binding.tooltip for binding in ids.values())  # type: ignore[union-attr]


async def test_resize_rewraps(tmp_path: Path) -> None:
    paragraph = " ".join(f"word{n}" for n in range(200))
    app = app_with(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        tail = "\n".join(f"- end {n}" for n in range(60))
        screen = await open_minutes(pilot, f"# Wrapping\n\n{paragraph}\n\n## After\n\n{tail}\n")
        view = screen.view
        wide = view.line_count
        width = view.scrollable_content_region.width
        assert all(len(line) <= width for line in view.document.plain_lines())
        view.jump_to(1)
        await pilot.pause()
        assert visible(view)[0] == "After"
        await pilot.resize_terminal(70, 30)
        await view.wait_loaded()
        await pilot.pause()
        narrow_width = view.scrollable_content_region.width
        assert narrow_width < width
        assert view.line_count > wide
        lines = view.document.plain_lines()
        assert all(len(line) <= narrow_width for line in lines)
        ends = [word for n in range(60) for word in ("•", "end", str(n))]
        assert " ".join(lines).split() == ["Wrapping", "━" * narrow_width, *paragraph.split(), "After", "─" * narrow_width, *ends]
        # The section read before the resize stays on top.
        assert visible(view)[0] == "After"


MARKUP = """\
## Notes [bold]not bold[/] and [/]

A paragraph with [b]markup[/b], [link=https://evil.example]a link[/link], [/] and \x1b[31mred\x1b[0m text\x07.

| Cell [i] | Other |
|---|---|
| [red]x[/red] | \\[/\\] |

- [@click=app.quit]quit[/]

```
[bold]code[/bold] \x1b]8;;http://x\x1b\\\\osc\x1b]8;;\x1b\\\\
```
"""


async def test_markup_and_control_characters_are_shown_literally(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_minutes(pilot, MARKUP, title="[b]Title[/b]")
        text = " ".join(visible(screen.view))  # a wrapped line's break was a space
        assert "Notes [bold]not bold[/] and [/]" in text
        assert "[b]markup[/b], [link=https://evil.example]a link[/link], [/] and red text." in text
        assert "[red]x[/red]" in text and "[/]" in text and "Cell [i]" in text
        assert "[@click=app.quit]quit[/]" in text
        assert "[bold]code[/bold]" in text and "osc" in text
        assert "\x1b" not in text and "\x07" not in text
        assert isinstance(app.screen, MinutesScreen), "nothing was run from the text"
        sidebar = screen.query_one("#minutes-sections", OptionList)
        assert str(sidebar.get_option_at_index(0).prompt) == "Notes [bold]not bold[/] and [/]"
        assert screen.title == "[b]Title[/b]"


WORDS = st.lists(st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True), min_size=1, max_size=60)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(), width=st.integers(min_value=1, max_value=120))
def test_any_text_converts_without_error(text: str, width: int) -> None:
    lines = render_plain(text, width)
    assert all("\x1b" not in line for line in lines)


@settings(max_examples=100, deadline=None)
@given(paragraphs=st.lists(WORDS, min_size=1, max_size=5), width=st.integers(min_value=12, max_value=120))
def test_plain_paragraphs_keep_every_word(paragraphs: list[list[str]], width: int) -> None:
    markdown = "\n\n".join(" ".join(words) for words in paragraphs)
    lines = render_plain(markdown, width)
    assert " ".join(lines).split() == [word for words in paragraphs for word in words]
    assert all(len(line) <= width for line in lines)


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200), width=st.integers(min_value=1, max_value=40))
def test_wrapping_keeps_every_character(text: str, width: int) -> None:
    text = text.replace("\n", " ")
    ranges = wrap_ranges(text, width)
    kept = "".join(text[a:b] for a, b in ranges)
    assert "".join(kept.split()) == "".join(text.split())  # only the blanks at breaks go
    ranges = wrap_ranges(text, width, words=False)
    assert "".join(text[a:b] for a, b in ranges) == text


def test_minutes_snapshot(snap_compare, tmp_path: Path) -> None:
    app = app_with(tmp_path)
    app.sub_title = "~/tandem"

    async def run_before(pilot) -> None:
        screen = await open_minutes(pilot, SMALL)
        screen.view.find("lead")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("width", [8, 30, 200])
def test_big_minutes_at_any_width(width: int) -> None:
    from tandem.store import records as r
    from tandem.store.minutes.render import Shared, render_minutes
    from tandem.store.workspace import MeetingRecord

    meeting = r.Meeting(id="m", series_id="s", title="Sync", date="2026-11-26", attendees=[r.Attendee(name="Dana", team="sales")])
    record = MeetingRecord(
        meeting=meeting,
        agenda=[r.AgendaItem(id=f"i{n}", title=f"Item {n} | # [x]", position=n, notes="- a\n- **b** `c`\n\n> quote") for n in range(5)],
        lead_feedback=[r.LeadFeedback(id="l", reference="SF-1", verdict="poor", reasons=["no_fit"], comment="line one\nline two")],
    )
    lines = render_plain(render_minutes(record, Shared(series={"s": r.Series(id="s", title="S")}, meetings=[meeting])), width)
    text = "\n".join(lines)
    assert "Item 4 | # [x]" in text.replace("\n", " ") or width < 20
    assert "SF-1" in text
