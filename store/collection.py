"""A typed view of one TinyDB table: create / update / delete / get / list.

Reads decode the file directly (no TinyDB query cache, no lock), so a reader always sees the
last completed save. Writes go through TinyDB on the atomic storage, inside a guard that
holds the file's writer lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

from tinydb import Query

from tandem.store.atomic import AtomicStorage, read_file
from tandem.store.errors import CorruptFileError, NotFoundError, ValidationError
from tandem.store.records import Record
from tandem.store.tables import RecordDB, ordered

R = TypeVar("R", bound=Record)

Guard = Callable[[], contextlib.AbstractContextManager[Any]]


def decode_table(
    path: Path,
    tables: dict[str, Any] | None,
    table: str,
    kind: type[R],
    where: Callable[[dict[str, Any]], bool] | None = None,
) -> list[R]:
    """The records of one table in their kept order (``store/tables.py``); a bad record
    names the file.

    ``where`` filters raw documents before they are decoded: a query that wants a few
    records out of thousands does not pay for validating the rest."""
    docs = (tables or {}).get(table, {})
    if not isinstance(docs, dict):
        raise CorruptFileError(path, f"table {table!r} is not an object")
    try:
        return [kind.from_dict(doc) for _, doc in ordered(path, docs, table) if where is None or (isinstance(doc, dict) and where(doc))]
    except ValidationError as exc:
        raise CorruptFileError(path, f"a {table} record is invalid: {exc}") from None


class Collection(Generic[R]):
    def __init__(
        self,
        path: Path,
        table: str,
        kind: type[R],
        *,
        file_kind: str,
        guard: Guard,
        before_write: Callable[[Path], None],
    ) -> None:
        self.path = path
        self.table = table
        self.kind = kind
        self._file_kind = file_kind
        self._guard = guard
        self._before_write = before_write

    # --- reading ---------------------------------------------------------------------

    def all(self) -> list[R]:
        return decode_table(self.path, read_file(self.path), self.table, self.kind)

    def find(self, record_id: str) -> R | None:
        return next((r for r in self.all() if r.id == record_id), None)  # type: ignore[attr-defined]

    def get(self, record_id: str) -> R:
        found = self.find(record_id)
        if found is None:
            raise NotFoundError(f"No {self.table.replace('_', ' ')} record with id {record_id!r} in {self.path}.")
        return found

    # --- writing ---------------------------------------------------------------------

    @contextlib.contextmanager
    def _table(self) -> Iterator[Any]:
        with self._guard():
            # One TinyDB per operation, under the writer lock: the file is read once per
            # operation (hold_reads), never cached from one operation to the next.
            db = RecordDB(
                self.path,
                storage=AtomicStorage,
                kind=self._file_kind,
                before_write=self._before_write,
                hold_reads=True,
            )
            yield db.table(self.table, cache_size=0)

    def add(self, record: R) -> R:
        with self._table() as table:
            if table.contains(Query().id == record.id):  # type: ignore[attr-defined]
                raise ValidationError(f"{self.table}.id", f"{record.id!r} already exists")  # type: ignore[attr-defined]
            table.insert(record.to_dict())
        return record

    def add_many(self, records: list[R]) -> None:
        """One write for many records (seeding, restore)."""
        with self._table() as table:
            table.insert_multiple([r.to_dict() for r in records])

    def update(self, record: R) -> R:
        with self._table() as table:
            if not table.update(record.to_dict(), Query().id == record.id):  # type: ignore[attr-defined]
                raise NotFoundError(f"No {self.table.replace('_', ' ')} record with id {record.id!r} to update.")  # type: ignore[attr-defined]
        return record

    def upsert(self, record: R) -> R:
        with self._table() as table:
            table.upsert(record.to_dict(), Query().id == record.id)  # type: ignore[attr-defined]
        return record

    def delete(self, record_id: str) -> None:
        with self._table() as table:
            if not table.remove(Query().id == record_id):
                raise NotFoundError(f"No {self.table.replace('_', ' ')} record with id {record_id!r} to delete.")
