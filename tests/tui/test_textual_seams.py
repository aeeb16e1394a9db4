"""Where tandem does what Textual does, faster: the result must be Textual's own."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.renderables.background_screen import BackgroundScreen
from textual.widgets import Checkbox, Input, OptionList, SelectionList

from tandem.tui.forms import compact
from tandem.tui.screen_base import TintedScreen

colours = st.sampled_from([None, "red", "#102030", "bright_green", "color(200)", "default"])
styles = st.builds(
    lambda fg, bg, bold, link: Style(color=fg, bgcolor=bg, bold=bold, link=link),
    colours,
    colours,
    st.booleans(),
    st.sampled_from([None, "https://example.com"]),
)
segments = st.lists(
    st.one_of(
        st.builds(lambda text, style: Segment(text, style), st.text(max_size=5), st.one_of(st.none(), styles)),
        st.just(Segment.line()),
    ),
    max_size=30,
)
tints = st.builds(Color, st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.floats(0, 1))


@given(segments, tints)
def test_the_remembered_tint_is_textuals_tint(spans: list[Segment], tint: Color) -> None:
    assert list(TintedScreen.process_segments(spans, tint)) == list(BackgroundScreen.process_segments(spans, tint))
    # And again, now that each style's tint is remembered.
    assert list(TintedScreen.process_segments(spans, tint)) == list(BackgroundScreen.process_segments(spans, tint))


def test_compact_is_textuals_compact() -> None:
    for quiet, loud in (
        (compact(Input()), Input(compact=True)),
        (compact(SelectionList[str]()), SelectionList[str](compact=True)),
        (compact(Checkbox()), Checkbox(compact=True)),
        (compact(OptionList()), OptionList(compact=True)),
    ):
        assert quiet.compact is True
        assert quiet.classes == loud.classes
