"""The order of a merged list: both sides' orders kept where they agree, one rule where they
don't, and never a result that depends on which side is "ours".

Items are compared by a key that names them the same on every side (an item's ``id``, or
its canonical JSON with an occurrence number).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TypeVar

# Keys are compared with < to break ties, so each list uses one kind of key.
Key = TypeVar("Key", str, tuple[bytes, int])


def merged_order(base: Sequence[Key], ours: Sequence[Key], theirs: Sequence[Key], keep: Collection[Key]) -> list[Key]:
    """Every key of ``keep`` (each found in ``ours`` or ``theirs``), ordered.

    The items both sides hold keep the order of the side that moved them (judged against
    ``base``); when both or neither moved them and the sides disagree, the order whose keys
    sort last. An item only one side holds follows the item it follows on that side; two
    runs of such items after the same item go in the order of where they stand in their own
    lists, then of their keys.
    """
    o = [key for key in ours if key in keep]
    t = [key for key in theirs if key in keep]
    in_ours, in_theirs = set(o), set(t)
    shared_o = [key for key in o if key in in_theirs]
    shared_t = [key for key in t if key in in_ours]
    skeleton = shared_o
    if shared_o != shared_t:
        shared = in_ours & in_theirs
        before = [key for key in base if key in shared]
        was = set(before)
        o_moved = [key for key in shared_o if key in was] != before
        t_moved = [key for key in shared_t if key in was] != before
        # The side that moved shared items decides their order; if both did, or neither
        # and they still differ, the same choice on every machine.
        skeleton = (shared_o if o_moved else shared_t) if o_moved != t_moved else max(shared_o, shared_t)
    # A run of items only one side holds, after the shared item it follows there: sorted
    # by where it starts in its own list, then by its keys.
    runs: dict[Key | None, list[tuple[int, list[Key]]]] = {}
    for side, whole, other in ((o, ours, in_theirs), (t, theirs, in_ours)):
        index = {key: n for n, key in enumerate(whole)}
        after: Key | None = None
        run: list[Key] = []
        for key in side:
            if key in other:
                if run:
                    runs.setdefault(after, []).append((index[run[0]], run))
                    run = []
                after = key
            else:
                run.append(key)
        if run:
            runs.setdefault(after, []).append((index[run[0]], run))
    result: list[Key] = []
    for _, run in sorted(runs.get(None, [])):
        result += run
    for key in skeleton:
        result.append(key)
        for _, run in sorted(runs.get(key, [])):
            result += run
    return result
