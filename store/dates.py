"""Due dates the way people say them: ``+1w``, ``fri``, ``eom``, ``tomorrow``, ISO dates."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_RELATIVE = re.compile(r"^\+\s*(\d{1,3})\s*([dwm])$")

HELP = "YYYY-MM-DD, today, tomorrow, +3d, +1w, +1m, mon…sun (the next one), eow (Friday), eom"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_due(text: str, today: date) -> date | None:
    """The date ``text`` means, seen from ``today``; None when it means nothing."""
    value = text.strip().lower()
    if not value:
        return None
    if value in ("today", "tod"):
        return today
    if value in ("tomorrow", "tom", "tmr"):
        return today + timedelta(days=1)
    if value == "eom":
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if value == "eow":
        return today + timedelta(days=(4 - today.weekday()) % 7)
    m = _RELATIVE.match(value)
    if m:
        amount, unit = int(m[1]), m[2]
        if unit == "d":
            return today + timedelta(days=amount)
        if unit == "w":
            return today + timedelta(weeks=amount)
        return _add_months(today, amount)
    for n in range(7):
        if len(value) >= 3 and calendar.day_name[n].lower().startswith(value):
            ahead = (n - today.weekday()) % 7 or 7  # "fri" on a Friday means next Friday
            return today + timedelta(days=ahead)
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
