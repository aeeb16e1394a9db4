"""The meeting clock in one line, as the facilitator's live screen and the follow view both
show it: LIVE or PAUSED, elapsed of planned, time left (or over), the expected end, and
whether the rest of the agenda fits."""

from __future__ import annotations

from rich.text import Text

from tandem.store.pacing import Forecast
from tandem.tui.timefmt import clock_text, minutes_text, time_of_day


def append_clock(bar: Text, f: Forecast, *, running: bool) -> Text:
    """``bar`` with the clock of a meeting in progress appended (returned for chaining)."""
    if running:
        bar.append(" ● LIVE ", style="bold reverse green")
    else:
        bar.append(" ⏸ PAUSED ", style="bold reverse yellow")
    bar.append(f"  Elapsed {clock_text(f.elapsed_s)} of {clock_text(f.planned_s)}")
    left = f.left_s
    bar.append(f"  ·  {'Left' if left >= 0 else 'Over'} {clock_text(abs(left))}", style="" if left >= 0 else "bold red")
    if f.expected_end is not None:
        bar.append(f"  ·  Ends ~{time_of_day(f.expected_end)}")
    if f.overrun_s >= 60:
        bar.append(f" ({minutes_text(f.overrun_s)} late)", style="bold red")
    elif f.needed_s > 0:
        bar.append(" (on time)", style="green")
    return bar
