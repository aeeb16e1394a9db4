"""Counts in words, singular or plural as the number says: "1 lead", "2 leads"."""

from __future__ import annotations

#: Nouns whose plural is not the singular plus "s".
_IRREGULAR = {"feedback": "feedback", "lead feedback": "lead feedback", "person": "people", "entry": "entries", "day": "days"}


def plural_of(noun: str) -> str:
    """The plural of ``noun``; for a phrase, of its last word ("action item" → "action items")."""
    head, _, last = noun.rpartition(" ")
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if last in _IRREGULAR:
        return f"{head} {_IRREGULAR[last]}".strip()
    if last.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    return noun + "s"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1: ``count(3, "decision")``."""
    return f"{n} {noun if n == 1 else (plural or plural_of(noun))}"
