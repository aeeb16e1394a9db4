"""Free text edited on two machines: a line-based three-way merge (diff3), and how two
texts that cannot merge are both kept.

:func:`merge_text` aligns each side with the common ancestor line by line (the lines of
a text are what ``str.split("\\n")`` gives, so a note without a final newline that gains
a line is an insertion, not an edit of its last line). Between the lines neither side
touched, each stretch is decided on its own:

- changed on one side only: that side's lines;
- changed the same way on both sides: those lines, once;
- lines *inserted* at the same place on both sides (two people adding a bullet under the
  same note): all of them, the insertion that sorts first (by its lines) first, or only
  the longer one when it already holds every line of the other in order;
- anything else (the same lines changed differently, or changed on one side and
  replaced on the other): no merge, ``None``.

The result never depends on which side is called "ours". When there is no merge,
:func:`combine_texts` keeps both texts in one, separated by :data:`SEPARATOR`, so nobody
loses a word.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Final

#: The line between two versions of one text that could not be merged.
SEPARATOR: Final = "— also written on another machine —"

# (base start, base end, ours start, ours end, theirs start, theirs end) of lines that
# neither side changed.
_Region = tuple[int, int, int, int, int, int]


def merge_text(base: str | None, ours: str, theirs: str) -> str | None:
    """The two edits of ``base`` merged line by line, or ``None`` when they touch the same
    lines differently. ``base=None`` (both sides wrote the text from nothing) is the empty
    text."""
    if ours == theirs:
        return ours
    origin = base or ""
    if ours == origin:
        return theirs
    if theirs == origin:
        return ours
    # An empty text has no lines (not one empty line): writing into it only inserts.
    b, o, t = (text.split("\n") if text else [] for text in (origin, ours, theirs))
    merged: list[str] = []
    ib = io = it = 0
    for bs, be, os_, oe, ts, te in _unchanged_regions(b, o, t):
        chunk = _merge_chunk(b[ib:bs], o[io:os_], t[it:ts])
        if chunk is None:
            return None
        merged += chunk
        merged += b[bs:be]
        ib, io, it = be, oe, te
    return "\n".join(merged)


def combine_texts(first: str, second: str) -> str:
    """Both texts, ``first`` on top, separated by :data:`SEPARATOR`; an empty one adds nothing."""
    if not second.strip():
        return first
    if not first.strip():
        return second
    return f"{first.rstrip(chr(10))}\n\n{SEPARATOR}\n\n{second}"


def _merge_chunk(base: list[str], ours: list[str], theirs: list[str]) -> list[str] | None:
    if ours == theirs:
        return ours
    if ours == base:
        return theirs
    if theirs == base:
        return ours
    if base:
        return None
    # Both inserted lines at the same place and removed nothing: keep every line.
    if _is_subsequence(ours, theirs):
        return theirs
    if _is_subsequence(theirs, ours):
        return ours
    first, second = sorted((ours, theirs))
    return first + second


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    rest = iter(long)
    return all(any(line == other for other in rest) for line in short)


def _unchanged_regions(base: list[str], ours: list[str], theirs: list[str]) -> list[_Region]:
    """Stretches of ``base`` that both sides kept, with where they sit in each side, in
    order; the last one is empty and sits at the end of all three."""
    # autojunk off: in a long note a frequent line ("- ") must still anchor the alignment.
    in_ours = SequenceMatcher(None, base, ours, autojunk=False).get_matching_blocks()
    in_theirs = SequenceMatcher(None, base, theirs, autojunk=False).get_matching_blocks()
    regions: list[_Region] = []
    io = it = 0
    while io < len(in_ours) and it < len(in_theirs):
        ob, oo, on = in_ours[io]
        tb, tt, tn = in_theirs[it]
        start, end = max(ob, tb), min(ob + on, tb + tn)
        if start < end:
            regions.append((start, end, oo + start - ob, oo + end - ob, tt + start - tb, tt + end - tb))
        if ob + on < tb + tn:
            io += 1
        else:
            it += 1
    regions.append((len(base), len(base), len(ours), len(ours), len(theirs), len(theirs)))
    return regions
