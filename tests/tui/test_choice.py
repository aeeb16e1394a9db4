"""The one-line choice of the capture forms: picked by keyboard and mouse, letters jump,
Esc keeps what was chosen, keys typed ahead of its list reach the list."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.widgets import Input, OptionList

from tandem.store.records import ActionItem
from tandem.tui.base_app import BaseApp
from tandem.tui.widgets.choice import Choice, ChoiceList, find

OPTIONS = [("good", "good"), ("too early", "too_early"), ("poor", "poor"), ("duplicate", "duplicate")]


class ChoiceApp(BaseApp):
    def __init__(self, *, allow_blank: bool = True, value: str | None = None) -> None:
        super().__init__()
        self.allow_blank = allow_blank
        self.value = value
        self.changes: list[object] = []

    def compose(self) -> ComposeResult:
        yield Choice(OPTIONS, value=self.value, allow_blank=self.allow_blank, id="verdict")
        yield Input(id="after")

    def on_choice_changed(self, event: Choice.Changed) -> None:
        self.changes.append(event.value)


def choice(app: App[None]) -> Choice[str]:
    return app.query_one("#verdict", Choice)


async def test_enter_opens_the_list_and_enter_picks() -> None:
    app = ChoiceApp()
    async with app.run_test(size=(60, 20)) as pilot:
        await app.settled()
        assert choice(app).value is None and choice(app).has_focus
        await pilot.press("enter")
        await app.settled()
        assert isinstance(app.screen, ChoiceList)
        await pilot.press("down", "down", "enter")  # (none) → good → too early
        await app.settled()
        assert not isinstance(app.screen, ChoiceList)
        assert choice(app).value == "too_early" and choice(app).has_focus
        assert app.changes == ["too_early"]


async def test_escape_closes_the_list_and_keeps_the_choice() -> None:
    app = ChoiceApp(value="poor")
    async with app.run_test(size=(60, 20)) as pilot:
        await app.settled()
        await pilot.press("space")
        await app.settled()
        listing = app.screen.query_one(OptionList)
        assert listing.highlighted == 3  # the current option, under (none) and two others
        await pilot.press("down", "escape")
        await app.settled()
        assert not isinstance(app.screen, ChoiceList)
        assert choice(app).value == "poor" and app.changes == []


async def test_letters_pick_the_next_option_that_starts_with_them() -> None:
    app = ChoiceApp(allow_blank=False)
    async with app.run_test(size=(60, 20)) as pilot:
        await app.settled()
        assert choice(app).value == "good"  # required: the first option, not blank
        await pilot.press("p")
        assert choice(app).value == "poor"
        await pilot.press("d")  # "pd" matches nothing: the choice stays
        assert choice(app).value == "poor"
        choice(app)._search.at = 0  # as after a pause of a second
        await pilot.press("d")
        assert choice(app).value == "duplicate"
        choice(app)._search.at = 0
        await pilot.press("t", "o")  # "to": too early, not the "t" of "duplicate"
        assert choice(app).value == "too_early"
        choice(app)._search.at = 0
        await pilot.press("g", "g")  # the same letter again goes on to the next "g", here itself
        assert choice(app).value == "good"


async def test_a_letter_typed_ahead_of_the_list_reaches_the_list() -> None:
    """Enter and "d" in one tick: the gate holds the "d" until the list is up."""
    app = ChoiceApp()
    async with app.run_test(size=(60, 20)) as pilot:
        await app.settled()
        await pilot.press("enter", "d", "enter")
        await app.settled()
        assert choice(app).value == "duplicate"


async def test_a_click_opens_the_list_and_a_click_picks() -> None:
    app = ChoiceApp()
    async with app.run_test(size=(60, 20)) as pilot:
        await app.settled()
        await pilot.click("#verdict")
        await app.settled()
        assert isinstance(app.screen, ChoiceList)
        listing = app.screen.query_one(OptionList)
        # Under the choice: its first row is the choice's row + 1, inside the border.
        assert listing.region.y == choice(app).region.y + 1
        await pilot.click(OptionList, offset=(3, 3))  # border, (none), good, too early
        await app.settled()
        assert choice(app).value == "too_early"


async def test_the_list_opens_above_a_choice_near_the_bottom() -> None:
    class Low(ChoiceApp):
        CSS = "#verdict { margin-top: 16; }"

    app = Low()
    async with app.run_test(size=(60, 20)) as pilot:
        await app.settled()
        await pilot.press("enter")
        await app.settled()
        listing = app.screen.query_one(OptionList)
        assert listing.region.bottom <= choice(app).region.y
        assert listing.region.y >= 0


async def test_the_choice_draws_the_option_and_an_arrow() -> None:
    app = ChoiceApp(value="too_early")
    async with app.run_test(size=(30, 5)) as pilot:
        await app.settled()
        line = "".join(segment.text for segment in choice(app).render_line(0))
        assert line.startswith("too early") and line.rstrip().endswith("▼")
        assert len(line) == choice(app).size.width and choice(app).outer_size.width == 30  # and a space after the arrow
        choice(app).value = None
        await pilot.pause()
        assert "".join(segment.text for segment in choice(app).render_line(0)).startswith("(none)")


def test_a_value_that_is_not_an_option_is_refused() -> None:
    with pytest.raises(ValueError, match="not one of the options"):
        Choice(OPTIONS, value="excellent")
    with pytest.raises(ValueError, match="not one of the options"):
        Choice(OPTIONS, allow_blank=True).validate_value("excellent")
    with pytest.raises(ValueError, match="needs an option"):
        Choice([], allow_blank=False)


async def test_an_action_form_status_is_chosen_by_keyboard() -> None:
    """The form reads the choice back as the record's value."""
    from tandem.tui.screens.capture_forms import ActionForm, FormContext

    ctx = FormContext(people=["Dana"])
    existing = ActionItem(id="a1", text="Send the list", owner="Dana", meeting_id="m")
    saved: list[ActionItem | None] = []

    class FormApp(BaseApp):
        def on_mount(self) -> None:
            self.push_screen(ActionForm(ctx, today=date(2026, 12, 3), initial=existing), saved.append)

    app = FormApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.settled()
        app.screen.query_one("#w-status", Choice).focus()
        await pilot.press("enter")
        await app.settled()
        await pilot.press("d", "o", "enter")  # "done"
        await app.settled()
        await pilot.press("ctrl+s")
        await app.settled()
    (action,) = saved
    assert action is not None and action.status == "done"


@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=8), st.text(max_size=3), st.integers(0, 20))
def test_find_returns_a_matching_option_from_start_on(prompts: list[str], query: str, start: int) -> None:
    index = find(prompts, query, start)
    folded = query.casefold()
    if not folded:
        assert index is None
        return
    matching = [n for n, p in enumerate(prompts) if folded in p.casefold()]
    if not matching:
        assert index is None
        return
    assert index is not None and folded in prompts[index].casefold()
    starting = [n for n, p in enumerate(prompts) if p.casefold().startswith(folded)]
    if starting:
        # The first one that starts with it, counting on from start and wrapping.
        order = [(start + n) % len(prompts) for n in range(len(prompts))]
        assert index == next(n for n in order if n in starting)
