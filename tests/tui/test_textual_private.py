"""Each private name of Textual tandem uses (tui/textual_private.py), checked against the
installed Textual; and the footer leak tandem's Footer works around, checked upstream."""

from __future__ import annotations

from importlib.metadata import version

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets import Input, Static

from tandem.tui import textual_private as private
from tandem.tui.screens.live import LiveScreen
from tandem.tui.widgets.footer import Footer


class Keys(Widget, can_focus=True):
    BINDINGS = [Binding("x", "app.bell", "Ring", id="keys.ring")]

    def render(self) -> str:
        return "keys"


class Other(Widget, can_focus=True):
    BINDINGS = [Binding("y", "app.bell", "Also ring"), Binding("z", "app.bell", "Ring twice")]

    def render(self) -> str:
        return "other"


class Plain(App[None]):
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, footer: type[TextualFooter] = TextualFooter) -> None:
        super().__init__()
        self.footer_class = footer

    def compose(self) -> ComposeResult:
        yield Keys(id="keys")
        yield Other(id="other")
        yield Input(id="input")
        yield self.footer_class()


def test_the_installed_textual_is_the_one_these_were_checked_with() -> None:
    assert version("textual").startswith(private.CHECKED_WITH + "."), (
        f"Textual {version('textual')}: check every accessor of tui/textual_private.py, then set CHECKED_WITH and the pin in pyproject.toml"
    )


async def test_bindings_keymap_and_chain() -> None:
    app = Plain()
    async with app.run_test() as pilot:
        keys = app.query_one("#keys", Keys)
        assert [b.id for b in private.bindings_of(keys).key_to_bindings["x"]] == ["keys.ring"]
        app.set_keymap({"keys.ring": "r"})
        assert private.keymap_of(app) == {"keys.ring": "r"}
        chain = list(private.binding_chain(app.screen))
        assert any(b.action == "quit" for _node, bindings in chain for b in bindings.key_to_bindings.get("ctrl+q", ()))
        await pilot.pause()


def test_class_bindings_need_no_instance() -> None:
    ids = {b.id for bindings in private.class_bindings(LiveScreen).key_to_bindings.values() for b in bindings}
    assert "live.focus_agenda" in ids


async def test_parent_closing_and_exiting() -> None:
    app = Plain()
    async with app.run_test() as pilot:
        keys = app.query_one("#keys", Keys)
        assert private.parent_of(keys) is app.screen
        assert private.parent_of(app) is None
        assert not private.is_closing(keys)
        await keys.remove()
        assert private.is_closing(keys)
        assert not private.is_exiting(app)
        app.exit()
        assert private.is_exiting(app)
        await pilot.pause()


async def test_the_cursor_can_be_held_still() -> None:
    app = Plain()
    async with app.run_test():
        field = app.query_one("#input", Input)
        assert private.hold_cursor(field, False)
        assert field._cursor_visible is False
        assert private.hold_cursor(field, True) and field._cursor_visible is True
        assert not private.hold_cursor(app.query_one("#keys"), True)
        static = Static("x")
        assert not private.hold_cursor(static, True)


def _dead_watchers(footer: TextualFooter) -> int:
    watchers = private.reactive_watchers(footer) or {}
    return sum(1 for callbacks in watchers.values() for node, _ in callbacks if private.is_closing(node))


async def _dead_after_focus_changes(app: Plain, times: int) -> int:
    async with app.run_test() as pilot:
        for n in range(times):
            app.query_one("#keys" if n % 2 else "#other").focus()
            await pilot.pause()
        footer = app.query_one(TextualFooter)
        await pilot.pause()
        assert private.reactive_watchers(footer) is not None  # where the watchers live
        return _dead_watchers(footer)


async def test_textual_footer_still_leaks_its_keys() -> None:
    """Textualize/textual#6666. When this fails, Textual's footer no longer keeps the keys it
    removed: drop the watcher pruning from tui/widgets/footer.py (keep skipping the
    rebuilds that change nothing) and this test."""
    assert await _dead_after_focus_changes(Plain(), 10) > 10


async def test_tandems_footer_keeps_no_removed_key() -> None:
    assert await _dead_after_focus_changes(Plain(Footer), 10) == 0


async def _second_tick_after_a_late_one(run, monkeypatch) -> float:
    """A timer of 1 s ticks at 1, its tick then held up until 3.4 (the screen's frame timer,
    paused until a key resumes it): when does the next tick come? On a fake clock."""
    from textual import _time, timer

    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    monkeypatch.setattr(_time, "get_time", lambda: now[0])
    monkeypatch.setattr(_time, "sleep", sleep)
    monkeypatch.setattr(timer, "sleep", sleep)
    ticks: list[float] = []

    class Ticks(timer.Timer):
        async def _tick(self, *, next_timer: float, count: int) -> None:
            ticks.append(now[0])
            if len(ticks) == 2:
                raise timer.EventTargetGone()
            now[0] += 2.4

    await run(Ticks(Static(), 1.0))
    return ticks[1]


async def test_textual_timers_still_skip_a_slot_too_many(monkeypatch) -> None:
    # Once Textual's own timer ticks at 4, private.OnTimeTimer and frame_timer can go.
    assert await _second_tick_after_a_late_one(private.textual_timer_run, monkeypatch) == 5.0


async def test_tandems_timers_go_on_to_the_next_slot(monkeypatch) -> None:
    assert await _second_tick_after_a_late_one(private.OnTimeTimer._run, monkeypatch) == 4.0


async def test_screens_judged_by_key_latency_draw_with_the_on_time_timer() -> None:
    """Screen._update_timer, overridden by OnTimeFrames (screen_base), is the on-time timer,
    started paused, and stopped with the screen; other screens keep Textual's."""
    from tandem.tui.screen_base import OnTimeFrames, TandemScreen

    class Keyed(OnTimeFrames, TandemScreen[None]):
        pass

    class Plain(TandemScreen[None]):
        pass

    app = App()
    async with app.run_test() as pilot:
        await app.push_screen(Keyed())
        await pilot.pause()
        timer = app.screen._update_timer
        assert isinstance(timer, private.OnTimeTimer) and timer is app.screen._update_timer
        assert timer in app.screen._timers
        await app.push_screen(Plain())
        await pilot.pause()
        assert type(app.screen._update_timer) is not private.OnTimeTimer
