"""Identifiers: opaque stable record ids and human-friendly meeting ids."""

from __future__ import annotations

import random
import re
import secrets
import unicodedata
from collections.abc import Container
from datetime import date

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
