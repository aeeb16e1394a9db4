"""A clock the tests move by hand."""

from __future__ import annotations

from datetime import datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime = datetime(2026, 11, 26, 9, 30)) -> None:
        self.now = start
        #: What a monotonic clock says: time passing moves it, setting the wall clock does not.
        self.seconds = 1000.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.seconds

    def advance(self, seconds: float = 0, *, minutes: float = 0) -> None:
        self.now += timedelta(seconds=seconds + 60 * minutes)
        self.seconds += seconds + 60 * minutes

    def jump(self, seconds: float = 0, *, minutes: float = 0) -> None:
        """The wall clock is set (by hand, by NTP): no time passes."""
        self.now += timedelta(seconds=seconds + 60 * minutes)
