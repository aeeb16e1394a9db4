"""TinyDB tables keyed by each record's own id, in a kept order (schema 5).

TinyDB numbers the documents of a table "1", "2", …: two clones of a workspace that each
add a record both write document "7", and git cannot merge them. Here a document's key is
its record's random ``id``, so records added anywhere never collide, and each document
carries ``_seq`` (:data:`SEQ`), its place in the table: 1 + the highest in the table when it
was inserted. Records are listed by ``_seq``, then by key — two clones adding at once give
the same number, and the key settles it the same way everywhere. ``_seq`` belongs to the
storage: :func:`ordered` sorts by it, and the record classes never see it
(``Record.from_dict`` drops it).

A document with no ``_seq`` (typed in by hand) counts as 0: it comes first, never an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from tandem.store.errors import CorruptFileError, ValidationError
from tandem.store.outside import shown_name
from tandem.store.records import SEQ

__all__ = ["SEQ", "RecordDB", "RecordTable", "keyed", "ordered", "rekey_counter_ids"]


def _seq(path: Path, table: str, key: str, doc: Any) -> tuple[int, str]:
    if type(doc) is not dict:
        return 0, key  # not a record at all: decoding it says so, naming the file
    seq = doc.get(SEQ, 0)
    if type(seq) is not int:
        raise CorruptFileError(path, f"the {table} record {shown_name(key)} has an order number ({SEQ}) that is not a whole number")
    return seq, key


def ordered(path: Path, docs: dict[str, Any], table: str) -> list[tuple[str, Any]]:
    """The (key, document) pairs of a table in their kept order; ``path`` names the file in
    the error about a bad order number."""
    return sorted(docs.items(), key=lambda kv: _seq(path, table, kv[0], kv[1]))


def _next_seq(docs: Mapping[str, Any]) -> int:
    return 1 + max((d.get(SEQ, 0) for d in docs.values() if type(d) is dict and type(d.get(SEQ, 0)) is int), default=0)


def _key_of(document: Mapping[str, Any]) -> str:
    if isinstance(document, Document):
        return str(document.doc_id)
    key = document.get("id")
    if not isinstance(key, str) or not key:
        raise ValidationError("id", "a record is stored under its id, and this one has none")
    return key


class RecordTable(Table):
    """A TinyDB table whose document ids are the records' own ids (strings) and whose
    inserts number each document (:data:`SEQ`).

    A document to insert is keyed by its ``id`` field, or by its ``doc_id`` if it is a
    :class:`tinydb.table.Document` (a record with no id of its own: the workspace's one
    document). Everything else (update, remove, search, get by ``doc_id``) is TinyDB's own,
    which works on any hashable id; an update keeps the document's ``_seq``, as it merges
    the new fields into the stored document."""

    document_id_class = str  # type: ignore[assignment]

    def insert(self, document: Mapping[str, Any]) -> str:  # type: ignore[override]
        return self.insert_multiple([document])[0]

    def insert_multiple(self, documents: Iterable[Mapping[str, Any]]) -> list[str]:  # type: ignore[override]
        keys: list[str] = []

        def updater(table: dict[str, Any]) -> None:
            seq = _next_seq(table)
            for document in documents:
                if not isinstance(document, Mapping):
                    raise ValueError("Document is not a Mapping")
                key = _key_of(document)
                if key in table:
                    raise ValidationError("id", f"{key!r} already exists")
                table[key] = {**document, SEQ: seq}
                keys.append(key)
                seq += 1

        self._update_table(updater)  # type: ignore[arg-type]
        return keys

    def _get_next_id(self) -> str:
        raise TypeError("a record table keys documents by their id; it has no next id")


class RecordDB(TinyDB):
    """TinyDB with :class:`RecordTable` tables: what tandem opens its data files with."""

    table_class = RecordTable


def keyed(docs: Iterable[dict[str, Any]], *, table: str, stored: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """A table written in one go (a new meeting file, a live meeting's save, seeding): each
    document under its ``id``, numbered in place (pass fresh dicts, as ``to_dict`` gives).
    A document the file held keeps its number (``stored``: that table as the file holds
    it), so a save changes the lines of the records that changed only; the others are
    numbered after the table's highest, in the order given."""
    out: dict[str, dict[str, Any]] = {}
    top: int | None = None
    for doc in docs:
        key = doc.get("id") if type(doc) is dict else None
        if type(key) is not str or not key:
            key = _key_of(doc)
        if key in out:
            raise ValidationError(f"{table}.id", f"{key!r} is used twice")
        old = stored.get(key) if stored else None
        seq = old.get(SEQ) if type(old) is dict else None
        if type(seq) is not int:
            if top is None:  # only a new record needs the highest: a save of known ones never looks
                top = _next_seq(stored or {}) - 1
            top += 1
            seq = top
        doc[SEQ] = seq
        out[key] = doc
    return out


def rekey_counter_ids(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 4 → 5: documents under TinyDB's counter ids ("1", "2", …) move under their
    record's ``id``, and the counter becomes their ``_seq``, so they keep their order.

    Only a table whose keys are all counter ids is changed (a draft's one object is not a
    table of documents). A document with no usable id of its own (the workspace's one
    document), or whose id another document of the table already took, keeps its old key:
    no record is ever dropped."""
    out: dict[str, Any] = {}
    for name, docs in data.items():
        if not isinstance(docs, dict) or not all(type(k) is str and k.isascii() and k.isdigit() for k in docs):
            out[name] = docs
            continue
        table: dict[str, Any] = {}
        for key, doc in sorted(docs.items(), key=lambda kv: int(kv[0])):
            if type(doc) is not dict:
                table[key] = doc  # not a record: reading it says so, as it did before
                continue
            rid = doc.get("id")
            # An id that is also a counter id of this table would take another record's key.
            new = rid if isinstance(rid, str) and rid and rid not in table and rid not in docs else key
            table[new] = {**doc, SEQ: int(key)}
        out[name] = table
    return out
