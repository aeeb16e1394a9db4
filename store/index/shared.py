"""The shared files (series, objectives, insights, content, shadow days) as a long-running
reader reads them: each version of a file validated once.

A shared file of a large workspace holds thousands of records (content, shadow days), and
validating them took most of review's first load. ``cache/shared.index`` keeps the digest
of the bytes of each shared file whose records validated and came back exactly as written
(``to_dict`` of each equals the document: nothing was cleaned or filled in), so the next
reader of the same bytes builds the records with :meth:`Record.trusted`. The digest binds
the mark to the bytes themselves: a changed file, whoever changed it, is validated again.
Derived data like the meeting index: deleting it loses nothing, a damaged one is ignored.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import threading
from pathlib import Path
from typing import Any, TypeVar

import orjson

from tandem import __version__
from tandem.store.atomic import SCHEMA_VERSION, atomic_write_bytes, decode, read_regular
from tandem.store.collection import Collection, decode_table
from tandem.store.errors import TandemError
from tandem.store.index.entry import digest_of
from tandem.store.layout import CACHE_DIR
from tandem.store.outside import cache_usable, read_outside
from tandem.store.records import SEQ, Record
from tandem.store.tables import ordered

R = TypeVar("R", bound=Record)

SHARED_FILE = "shared.index"
FORMAT = 1
#: An index file larger than this is not one this tandem wrote (it holds a digest per file).
MAX_BYTES = 64 * 1024


@functools.cache
def _fields_of(kind: type) -> tuple[Any, ...]:
    """The fields of a record kind (as ``type``: mypy judges a record class by its
    instances' ``__hash__``) and of the kinds nested in it."""
    record: type[Record] = kind
    nested = tuple((name, _fields_of(inner.__mro__[0])) for name, inner in sorted(record.NESTED.items()))
    return (kind.__name__, tuple(f.name for f in dataclasses.fields(kind)), nested)


def fingerprint(kind: type) -> str:
    """Changes with the format, the schema, tandem's version (its validation rules) and the
    fields of the kind: a mark left by another tandem is not believed."""
    text = repr((FORMAT, SCHEMA_VERSION, __version__, _fields_of(kind)))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class SharedFiles:
    """Thread-safe; one per reader of a workspace."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.cache = home / CACHE_DIR
        self._lock = threading.Lock()
        #: The validated digest of each shared file, by name (with its kind's fingerprint);
        #: None until the index file was read.
        self._trusted: dict[str, str] | None = None
        #: How many files were validated (the others were built from trusted bytes).
        self.validated = 0

    def all(self, collection: Collection[R]) -> list[R]:
        """The records of ``collection``'s file, as :meth:`Collection.all` gives them (the
        same errors for a damaged file), validated only if these bytes were not before."""
        path, kind = collection.path, collection.kind
        try:
            raw = read_regular(path)
        except FileNotFoundError:
            return []
        key = f"{path.name}:{collection.table}:{fingerprint(kind)}"
        digest = digest_of(raw)
        tables = decode(raw, path)
        with self._lock:
            trusted = self._read().get(key) == digest
        if trusted:
            docs = tables.get(collection.table, {})
            try:
                return [kind.trusted(doc) for _, doc in ordered(path, docs, collection.table)]
            except (TypeError, ValueError, AttributeError, KeyError, TandemError):
                pass  # not what was validated after all: validated below, as any file
        records = decode_table(path, tables, collection.table, kind)
        self.validated += 1
        docs = tables.get(collection.table, {})
        ordered_docs = [doc for _, doc in ordered(path, docs, collection.table)]
        for doc in ordered_docs:
            doc.pop(SEQ, None)  # the storage's, never the record's (these docs are ours alone)
        if [r.to_dict() for r in records] == ordered_docs:
            self._mark(key, digest)
        return records

    def _read(self) -> dict[str, str]:
        if self._trusted is None:
            self._trusted = {}
            if self._usable():
                try:
                    found = orjson.loads(read_outside(self.cache / SHARED_FILE, limit=MAX_BYTES))
                except (OSError, TandemError, orjson.JSONDecodeError):
                    found = None
                if type(found) is dict and found.get("format") == FORMAT and type(files := found.get("files")) is dict:
                    self._trusted = {k: v for k, v in files.items() if type(k) is str and type(v) is str}
        return self._trusted

    def _mark(self, key: str, digest: str) -> None:
        """Remember that these bytes validated; written only where the meeting index keeps
        its files (a small workspace gets no cache folder)."""
        with self._lock:
            trusted = self._read()
            if trusted.get(key) == digest:
                return
            trusted[key] = digest
            if not (self._usable() and self.cache.is_dir()):
                return
            try:
                atomic_write_bytes(self.cache / SHARED_FILE, orjson.dumps({"format": FORMAT, "files": trusted}))
            except OSError:  # a read-only folder, a full disk: validated again next time
                pass

    def _usable(self) -> bool:
        """The cache folder may be read and written: in the workspace (see ``MeetingIndex``)."""
        return cache_usable(self.home, self.cache)
