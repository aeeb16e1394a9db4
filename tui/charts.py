"""Small text charts (bars, stacked bars, sparklines) as Rich Text.

Every chart also differs by glyph, not only by colour, so it reads under NO_COLOR and in a
16-colour terminal; every bar ends with its number.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], *, lo: float | None = None, hi: float | None = None) -> str:
    """One character per value, scaled between ``lo`` and ``hi`` (default: min and max)."""
    if not values:
        return ""
    lo = min(values) if lo is None else lo
    hi = max(values) if hi is None else hi
    span = hi - lo
    if span <= 0:
        return SPARKS[len(SPARKS) // 2] * len(values)
    top = len(SPARKS) - 1
    return "".join(SPARKS[max(0, min(top, round((v - lo) / span * top)))] for v in values)


def bar_rows(
    rows: Sequence[tuple[str, float, str]],
    *,
    width: int,
    style: str = "cyan",
    label_width: int | None = None,
) -> Text:
    """Horizontal bars: (label, value, note) → ``label  █████▌  note``. Values ≥ 0."""
    text = Text()
    if not rows:
        return text
    label_width = label_width or min(28, max(len(label) for label, _, _ in rows))
    note_width = max(len(note) for _, _, note in rows)
    room = max(4, width - label_width - note_width - 4)
    top = max(value for _, value, _ in rows) or 1
    for i, (label, value, note) in enumerate(rows):
        if i:
            text.append("\n")
        name = label if len(label) <= label_width else label[: label_width - 1] + "…"
        text.append(f"{name:<{label_width}}  ", style="bold")
        eighths = round(value / top * room * 8)
        full, part = divmod(eighths, 8)
        bar = "█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")
        text.append(bar, style=style)
        text.append(" " * (room - len(bar) + 1))
        text.append(note, style="dim")
    return text


#: Verdict segments: glyph and colour both differ.
SEGMENTS = {"good": ("█", "green"), "too_early": ("▒", "yellow"), "poor": ("░", "red")}


def stacked_bar(counts: dict[str, int], *, width: int, total: int) -> Text:
    """One bar split into good / too early / poor, scaled to ``total`` (the largest row)."""
    text = Text()
    used = 0
    for key, (glyph, colour) in SEGMENTS.items():
        n = counts.get(key, 0)
        cells = round(n / total * width) if total else 0
        cells = min(cells, width - used)
        used += cells
        text.append(glyph * cells, style=colour)
    text.append(" " * (width - used))
    return text


def legend() -> Text:
    text = Text()
    for key, (glyph, colour) in SEGMENTS.items():
        text.append(glyph * 2, style=colour)
        text.append(f" {key.replace('_', ' ')}   ")
    return text
