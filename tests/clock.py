"""A clock the tests move by hand."""

from __future__ import annotations

from datetime import datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime = datetime(2026, 11, 26, 9, 30)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float = 0, *, minutes: float = 0) -> None:
        self.now += timedelta(seconds=seconds + 60 * minutes)
