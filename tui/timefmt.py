"""How durations and times read on screen."""

from __future__ import annotations

from datetime import datetime


def clock_text(seconds: float) -> str:
    """``4:07``, ``12:00``, ``1:02:09``; negative values get a minus sign."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}" if hours else f"{sign}{minutes}:{secs:02d}"


def minutes_text(seconds: float) -> str:
    minutes = round(abs(seconds) / 60)
    return f"{minutes} min"


def time_of_day(moment: datetime) -> str:
    return moment.strftime("%H:%M")
