"""Identifiers: opaque stable record ids and human-friendly meeting ids."""

from __future__ import annotations

import random
import re
import secrets
import unicodedata
from collections.abc import Callable, Container, Sequence
from datetime import date
from typing import TypeVar

T = TypeVar("T")

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford-ish: no i, l, o, u


def new_id(rng: random.Random | None = None) -> str:
    """A 12-character random id; pass a seeded ``rng`` for reproducible demo data."""
    bits = rng.getrandbits(60) if rng is not None else secrets.randbits(60)
    return "".join(_ALPHABET[(bits >> (5 * i)) & 31] for i in range(12))


def slugify(text: str, *, max_length: int = 48) -> str:
    """ASCII, lowercase, dash-separated; never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or "meeting"


def meeting_id(day: date | str, series_slug: str, taken: Container[str] = ()) -> str:
    """``2026-11-26-weekly-sync``; ``-2``, ``-3``… when a series meets twice a day."""
    base = f"{day}-{slugify(series_slug)}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def by_ref(
    items: Sequence[T],
    ref: str,
    *,
    id_of: Callable[[T], str],
    title_of: Callable[[T], str] | None = None,
    many: Callable[[int], str],
    none: str,
) -> T:
    """The one item ``ref`` names: by its id, else (with ``title_of``) its title in any case,
    else a unique start of its id — as a person types one from a listing. Otherwise a
    NotFoundError saying ``many(count)`` (several start so) or ``none``."""
    from tandem.store.errors import NotFoundError

    ref = ref.strip()
    exact = next((i for i in items if id_of(i) == ref), None)
    if exact is not None:
        return exact
    titled = [i for i in items if title_of(i).casefold() == ref.casefold()] if title_of is not None else []
    matches = titled or [i for i in items if ref and id_of(i).startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    raise NotFoundError(many(len(matches)) if matches else none)
