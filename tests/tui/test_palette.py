"""The command palette covers every action of the screen in front, with titles that say
where they apply ("meeting: move up"), and running a command does what its key does.

The screens are the size tests' scenarios (tests/tui/test_sizes.py): every screen of tandem,
tandem review and tandem follow, brought to a realistic state.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_sizes import SCENARIOS, demo_home, settle  # noqa: F401 - demo_home is a fixture
from textual.command import CommandPalette
from textual.widgets import DataTable

from tandem.tui.commands import ScreenCommands, _plain

TITLE = re.compile(r"^[a-z][a-z ]*: \S")


async def _commands(app) -> list[tuple[str, str]]:
    provider = ScreenCommands(app.screen)
    return [(title, help_text) for title, _, help_text in provider._commands()]


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_every_bound_action_is_in_the_palette(demo_home: Path, tmp_path: Path, name: str) -> None:
    """Walk the focus over every widget of the screen: each enabled binding with an id
    (the user's keymap can rebind it) has a palette command, titled "context: what"."""
    scenario = SCENARIOS[name](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        screen = app.screen
        named = {_plain(action) for _, action, _ in (screen.palette_commands() if hasattr(screen, "palette_commands") else [])}
        for widget in [None, *screen.focus_chain]:
            if widget is not None:
                widget.focus()
                await pilot.pause()
            commands = await _commands(app)
            titles = [title for title, _ in commands]
            assert len(titles) == len(set(titles)), f"two commands share a title on {name}: {titles}"
            for title in titles:
                assert TITLE.match(title), f"{title!r} does not say where it applies"
            for active in screen.active_bindings.values():
                binding = active.binding
                if binding.id is None or not active.enabled or binding.action == "command_palette":
                    continue
                if _plain(binding.action) in named:
                    continue
                assert any(title.endswith(": " + binding.description[:1].lower() + binding.description[1:]) for title in titles), (
                    f"{binding.id} ({binding.key}) is not in the palette of {name}: {titles}"
                )


async def _run_from_palette(pilot, query: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*query)
    for _ in range(50):  # the palette searches in a worker
        await pilot.pause(0.02)
        if pilot.app.screen.query("CommandList Option") or pilot.app.screen.query_one("CommandList").option_count:
            break
    await pilot.press("enter")
    await pilot.pause()
    await settle(pilot)


async def test_a_binding_command_runs_in_its_widget(demo_home: Path, tmp_path: Path) -> None:
    """ "meeting: move down" comes from the agenda's binding (no palette_commands entry): run
    from the palette, it moves the highlighted agenda item like shift+down does."""
    scenario = SCENARIOS["live"](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        await pilot.press("escape")  # to the agenda
        await pilot.pause()
        before = [item.title for item in app.screen.session.agenda]
        highlighted = app.screen.query_one("AgendaList").highlighted
        await _run_from_palette(pilot, "meeting: move down")
        after = [item.title for item in app.screen.session.agenda]
        assert after[highlighted + 1] == before[highlighted] and after[highlighted] == before[highlighted + 1]


async def test_review_palette_toggles_overdue_and_follow_palette_switches_mode(demo_home: Path, tmp_path: Path) -> None:
    scenario = SCENARIOS["review-2"](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        table = app.screen.query_one("#review-actions", DataTable)
        everything = table.row_count
        await _run_from_palette(pilot, "review: overdue")
        assert 0 < table.row_count < everything

    scenario = SCENARIOS["follow"](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        following = app.screen.following
        await _run_from_palette(pilot, "follow: follow / browse")
        assert app.screen.following is not following


async def test_palette_titles_follow_the_context(demo_home: Path, tmp_path: Path) -> None:
    """Home names the highlighted meeting; the shadow-days tab has no "open meeting"."""
    scenario = SCENARIOS["home-meetings"](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        titles = [t for t, _ in await _commands(app)]
        assert "export: latest minutes" in titles
        assert any(t.startswith("meeting: open ") and "(20" in t for t in titles), titles
        assert "app: help" in titles and "home: quit" in titles
    scenario = SCENARIOS["home-shadow"](demo_home, tmp_path)
    app = scenario.app
    async with app.run_test(size=(120, 36)) as pilot:
        await scenario.run_before(pilot)
        titles = [t for t, _ in await _commands(app)]
        assert not any(t.startswith("meeting: open ") for t in titles), titles
