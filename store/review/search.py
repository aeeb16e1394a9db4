"""Full-text search over meetings: every word must appear, matches are counted, and the
lines that hold them come back as snippets.

:class:`SearchIndex` holds one folded string per meeting (see :func:`fold`), scanned whole
for each query: the minutes source's (a folder of exported minutes). The workspace source
scans the same text from a file in the cache folder instead (``store/review/scan.py``);
both rank and cut snippets with the functions here, so that they find and show the same.
The lines themselves are needed only for the snippets of the best hits: a source may keep
them elsewhere and hand them over when asked (``fetch``).
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

from tandem.store.review.model import SearchHit, Snippet

#: Snippets kept per meeting, and their length around the first match.
SNIPPETS = 3
SNIPPET_WIDTH = 100


def terms(query: str) -> list[str]:
    """Words of a query, case-folded; a "quoted phrase" is one term. A quote left open runs
    to the end, and quotes never become part of a word: a stray one must not make the
    search find nothing."""
    found = re.findall(r'"([^"]*)(?:"|$)|([^\s"]+)', query)
    return [" ".join(t.casefold().split()) for phrase, word in found if (t := (phrase or word).strip())]


def fold(text: str) -> str:
    """Text as search compares it: case-folded, in one Unicode form (a decomposed "é" from
    macOS, full-width letters), "İ" as "i" (it folds to "i" + a combining dot), and any run
    of white space as one space."""
    if text.isascii():  # most text, and nothing there to normalise
        return " ".join(text.lower().split())
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.replace("i\u0307", "i").split())


@dataclass(slots=True)
class _Doc:
    signature: object
    #: The folded lines joined by line breaks (folding leaves none in a line).
    text: str
    #: (where, text) of each line with text, or None: ask ``fetch`` for them.
    lines: list[tuple[str, str]] | None


#: Gives the lines of the meetings asked for (by id); a meeting it has none of gets no
#: snippets.
Fetch = Callable[[list[str]], dict[str, Sequence[tuple[str, str]]]]


def snippet(text: str, needles: Sequence[str]) -> str:
    """The part of a line around its first match, with an ellipsis where it was cut."""
    text = " ".join(text.split())
    if len(text) <= SNIPPET_WIDTH:
        return text
    folded = fold(text)
    found = min((i for n in needles if (i := folded.find(n)) >= 0), default=0)
    # Folding may change lengths ("ß" → "ss"): then the match starts at the shortest prefix
    # of the line as written whose folded form reaches it.
    start, hi = (found, found) if len(folded) == len(text) else (0, len(text))
    while start < hi:
        mid = (start + hi) // 2
        if len(fold(text[:mid])) < found:
            start = mid + 1
        else:
            hi = mid
    lo = max(0, min(start - SNIPPET_WIDTH // 3, len(text) - SNIPPET_WIDTH))
    piece = text[lo : lo + SNIPPET_WIDTH]
    return ("…" if lo else "") + piece + ("…" if lo + SNIPPET_WIDTH < len(text) else "")


class SearchIndex:
    def __init__(self, fetch: Fetch | None = None) -> None:
        self._docs: dict[str, _Doc] = {}
        self._fetch = fetch

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._docs

    def signature(self, doc_id: str) -> object:
        doc = self._docs.get(doc_id)
        return None if doc is None else doc.signature

    def ids(self) -> list[str]:
        return list(self._docs)

    def put(self, doc_id: str, signature: object, lines: Iterable[tuple[str, str]]) -> None:
        """(Re)index one meeting: ``lines`` are (where, text) pairs, e.g. ("Notes · 2. Pipeline", "…")."""
        kept = [(where, text) for where, text in lines if text and text.strip()]
        self._docs[doc_id] = _Doc(signature, "\n".join(fold(text) for _, text in kept), kept)

    def put_text(self, doc_id: str, signature: object, text: str) -> None:
        """(Re)index one meeting by its folded lines (``text``, joined by line breaks), whose
        lines as written ``fetch`` gives when the meeting is among the hits."""
        self._docs[doc_id] = _Doc(signature, text, None)

    def remove(self, doc_id: str) -> None:
        self._docs.pop(doc_id, None)

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        needles = needles_of(query)
        if not needles:
            return []
        found = [(doc_id, sum(doc.text.count(n) for n in needles)) for doc_id, doc in self._docs.items() if all(n in doc.text for n in needles)]
        found = ranked(found, limit)
        missing = [doc_id for doc_id, _ in found if self._docs[doc_id].lines is None]
        fetched = self._fetch(missing) if missing and self._fetch is not None else {}
        hits = []
        for doc_id, matches in found:
            lines = self._docs[doc_id].lines
            hits.append(SearchHit(doc_id, matches, snippets_of(lines if lines is not None else fetched.get(doc_id, ()), needles)))
        return hits


def needles_of(query: str) -> list[str]:
    """The query's terms as search compares them (:func:`fold`), none empty."""
    return [n for t in terms(query) if (n := fold(t))]


def ranked(found: Iterable[tuple[str, int]], limit: int) -> list[tuple[str, int]]:
    """The ``limit`` best of (meeting id, matches): most matches first; among equals the
    newest (meeting ids start with the date). Thousands may match: picked with a key made
    in C, without sorting them all."""
    return heapq.nlargest(limit, found, key=_MATCHES_THEN_ID)


_MATCHES_THEN_ID = itemgetter(1, 0)


def snippets_of(lines: Iterable[tuple[str, str]], needles: Sequence[str]) -> tuple[Snippet, ...]:
    """The first :data:`SNIPPETS` lines (where, text) holding a match, cut around it."""
    snippets = []
    for where, text in lines:
        if any(n in fold(text) for n in needles):
            snippets.append(Snippet(where, snippet(text, needles)))
            if len(snippets) == SNIPPETS:
                break
    return tuple(snippets)
