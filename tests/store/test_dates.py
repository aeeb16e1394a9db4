from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.store.dates import parse_due

THU = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("today", THU),
        ("tomorrow", date(2026, 11, 27)),
        ("+3d", date(2026, 11, 29)),
        ("+1w", date(2026, 12, 3)),
        ("+ 2 w", date(2026, 12, 10)),
        ("+1m", date(2026, 12, 26)),
        ("fri", date(2026, 11, 27)),
        ("Friday", date(2026, 11, 27)),
        ("thu", date(2026, 12, 3)),
        ("mon", date(2026, 11, 30)),
        ("eow", date(2026, 11, 27)),
        ("eom", date(2026, 11, 30)),
        ("", None),
        ("soon", None),
        ("fr", None),
        ("2026-13-01", None),
    ],
)
def test_parse_due(text: str, expected: date | None) -> None:
    assert parse_due(text, THU) == expected


def test_month_end_clamps() -> None:
    assert parse_due("+1m", date(2027, 1, 31)) == date(2027, 2, 28)
    assert parse_due("eom", date(2028, 2, 3)) == date(2028, 2, 29)


@given(st.text(max_size=20), st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_never_raises_and_never_goes_back(text: str, today: date) -> None:
    result = parse_due(text, today)
    if result is not None and not text.strip()[:1].isdigit():
        assert result >= today
        assert result - today <= timedelta(days=999 * 31)
