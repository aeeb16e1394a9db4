"""The day the command line takes as today: the real one, or TANDEM_TODAY for tests and scripts."""

from __future__ import annotations

import os
from datetime import date


def today() -> date:
    """Today's date, or the one in TANDEM_TODAY=YYYY-MM-DD (for tests and scripts)."""
    value = os.environ.get("TANDEM_TODAY", "").strip()
    if not value:
        return date.today()
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        from tandem.store.errors import UsageError

        raise UsageError(f"TANDEM_TODAY={value!r} is not a date (YYYY-MM-DD).") from None
