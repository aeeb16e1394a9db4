"""The three-way merge of one data file, record by record: what ``tandem sync`` does when two
clones changed the same file, so that nobody edits JSON and nobody loses a word.

A data file is ``{"_tandem": {"kind": …, "schema": …}, "<table>": {"<record key>": {…}}}``.
:func:`merge_documents` takes the version both clones started from (*base*; ``None`` when
both created the file) and the two edited versions, and returns the merged file with the
list of same-field conflicts it decided. The sides are symmetric: swapping them gives the
same file and the same conflicts.

The rules
---------
Records (the entries of a table):

- a record added on either side is kept;
- a record deleted on one side and unchanged on the other is deleted;
- a record deleted on one side and edited on the other keeps the edit, whole.

Inside a record, and the same way inside every object it holds:

- fields changed on one side only take that side's value, so different fields of the
  same record edited on two machines both arrive; a field removed on one side and changed
  on the other keeps the change;
- a list of objects that each carry an ``id`` (a shadow day's takeaways) merges item by
  item, by id, with the rules of records; any other list (attendees, check-ins, prompts,
  reasons) merges as a set: an item removed on either side is removed, an item added on
  either side is added (an item listed twice counts twice; when both sides changed how
  many times it is listed, the larger count wins);
- the order of a merged list follows the side that reordered it; items added by one side
  come after the item they follow there; where neither rule decides, the order of the
  items' ids (or canonical JSON) does.

The same field changed on both sides to different values:

- free text (a field named ``notes``, or any text with several lines) is merged line by
  line (:func:`tandem.store.sync.text.merge_text`); when the same lines were changed both
  texts are kept in the field, the winner (below) first, separated by the line
  "— also written on another machine —", and it is a conflict (a text cleared on one side
  and edited on the other keeps the edit, and the conflict records the clearing);
- otherwise the value of the record edited last wins: the record (or the object of the
  record) whose ``updated_at`` is later, when both versions carry one and they differ;
  else the value whose canonical JSON (keys sorted, UTF-8) sorts last, a rule that is
  arbitrary but the same on every machine. The losing value is a conflict;
- ``updated_at`` itself takes the later time and is never a conflict.
- a meeting's ``claim`` (who runs it, where, ``since`` when) is one value, never merged
  key by key: the later claim wins whole (two take-overs of one meeting), and it is a
  conflict like any other field.

Every conflict (:class:`Conflict`: table, record key, field path, the value kept, the value
that lost, the rule) is returned and also written into the file's ``conflicts`` table under
an id hashed from all of those, so the losing value travels with the file to every clone,
merges like any other table, and merging again never adds it twice (nor overwrites what
was marked on it since). :func:`recorded_conflicts` reads them back, for ``tandem doctor``
and the app to show.

A table whose records all carry an integer ``position`` (a meeting's agenda) keeps distinct
positions: when the merge leaves two records on one position (both sides added an item at
the end), the table is renumbered 0, 1, 2… in (position, record key) order.

The header: both versions must be the same kind of file (else :class:`MergeError`); the
schema is the larger of the two (the caller upgrades both to one schema first).

The result may share unchanged values with the inputs: treat all of them as read-only.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from tandem.store.errors import TandemError
from tandem.store.layout import CONFLICTS_TABLE
from tandem.store.sync.order import merged_order
from tandem.store.sync.text import combine_texts, merge_text

HEADER: Final = "_tandem"
STAMP: Final = "updated_at"
POSITION: Final = "position"
#: Objects that are one fact and never merge key by key: a meeting's claim (who runs it, on
#: which machine, since when) mixed from two take-overs would name a person on a machine
#: that never ran the meeting. The later claim (canonical order on a tie) wins whole.
WHOLE_VALUES: Final = frozenset({"claim"})

# How a conflict was decided (Conflict.rule).
LATER_EDIT: Final = "later_edit"
TIE_BREAK: Final = "tie_break"
BOTH_TEXTS: Final = "both_texts"
RULES: Final = (LATER_EDIT, TIE_BREAK, BOTH_TEXTS)

Document = dict[str, Any]
_Stamps = tuple[datetime | None, datetime | None]
_NO_STAMPS: Final[_Stamps] = (None, None)


class MergeError(TandemError):
    """The three versions are not versions of one kind of file."""


class _Missing:
    """A field, record or table that one version does not have."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


_MISSING: Final = _Missing()


@dataclass(frozen=True)
class Conflict:
    """One field changed on both sides: the value kept in the file and the one that lost.

    ``path`` is the field inside the record (an item of a list merged by id appears as its
    id). With the rule ``both_texts`` nothing lost: ``kept`` is the text on top and
    ``lost`` the one below the separator (or the empty text, when one side cleared it).
    """

    table: str
    record: str
    path: tuple[str, ...]
    kept: Any
    lost: Any
    rule: str

    @property
    def id(self) -> str:
        """The same on every machine for the same conflict: the key in the ``conflicts`` table."""
        return hashlib.sha256(_canonical([self.table, self.record, list(self.path), self.kept, self.lost, self.rule])).hexdigest()[:16]

    def as_record(self) -> dict[str, Any]:
        return {"id": self.id, "table": self.table, "record": self.record, "path": list(self.path), "kept": self.kept, "lost": self.lost, "rule": self.rule}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Conflict | None:
        """The conflict a ``conflicts`` record describes, or ``None`` if it is not one."""
        table, key, path, rule = record.get("table"), record.get("record"), record.get("path"), record.get("rule")
        if not (isinstance(table, str) and isinstance(key, str) and isinstance(path, list) and rule in RULES):
            return None
        if not all(isinstance(part, str) for part in path) or "kept" not in record or "lost" not in record:
            return None
        return cls(table, key, tuple(path), record["kept"], record["lost"], str(rule))


@dataclass(frozen=True)
class Merged:
    """The merged file and the conflicts this merge decided (also in its ``conflicts`` table)."""

    document: Document
    conflicts: tuple[Conflict, ...]


def merge_documents(base: Mapping[str, Any] | None, ours: Mapping[str, Any], theirs: Mapping[str, Any], *, source: str = "") -> Merged:
    """Merge two versions of one data file that both started from ``base``.

    ``source`` (the file's name) is only used to name the file in a :class:`MergeError`.
    """
    name = source or "the file"
    kind_o, schema_o = _header(ours, name)
    kind_t, schema_t = _header(theirs, name)
    if kind_o != kind_t:
        raise MergeError(f"{name}: cannot merge a '{kind_o}' file with a '{kind_t}' file.")
    if base is not None and (kind_b := _header(base, name)[0]) != kind_o:
        raise MergeError(f"{name}: cannot merge two '{kind_o}' files that started from a '{kind_b}' file.")
    if ours == theirs:
        return Merged(dict(ours), ())
    merger = _Merger()
    origin: Mapping[str, Any] = base if base is not None else {}
    schema = max(schema_o, schema_t)
    headers = [_header_at(doc, schema) for doc in (origin, ours, theirs)]
    document: Document = {HEADER: merger.value(headers[0], headers[1], headers[2], (HEADER,), _NO_STAMPS)}
    for table in sorted((ours.keys() | theirs.keys()) - {HEADER}):
        was, mine, yours = origin.get(table, _MISSING), ours.get(table, _MISSING), theirs.get(table, _MISSING)
        merged = merger.value(was, mine, yours, (table,), _NO_STAMPS)
        if merged is _MISSING:
            continue
        if isinstance(merged, dict) and merged is not mine and merged is not yours:
            merged = _distinct_positions(merged)
        document[table] = merged
    conflicts = tuple(sorted(merger.conflicts, key=_conflict_order))
    if conflicts:
        document[CONFLICTS_TABLE] = _with_conflicts(document.get(CONFLICTS_TABLE, _MISSING), conflicts, name)
    return Merged(document, conflicts)


def recorded_conflicts(document: Mapping[str, Any]) -> tuple[Conflict, ...]:
    """The conflicts a file carries in its ``conflicts`` table (what merges decided), in a
    stable order; records that are not conflicts are skipped."""
    table = document.get(CONFLICTS_TABLE)
    if not isinstance(table, dict):
        return ()
    found = (Conflict.from_record(record) for record in table.values() if isinstance(record, dict))
    return tuple(sorted((conflict for conflict in found if conflict is not None), key=_conflict_order))


class _Merger:
    def __init__(self) -> None:
        self.conflicts: list[Conflict] = []

    def value(self, base: Any, ours: Any, theirs: Any, path: tuple[str, ...], stamps: _Stamps) -> Any:
        """The merge of one value (``_MISSING`` when it is gone), any JSON at all."""
        if ours == theirs:
            return ours
        if ours == base:
            return theirs
        if theirs == base:
            return ours
        # Both changed it. A removal against a change keeps the change.
        if ours is _MISSING:
            return theirs
        if theirs is _MISSING:
            return ours
        if isinstance(ours, dict) and isinstance(theirs, dict) and path[-1] not in WHOLE_VALUES:
            return self._object(base if isinstance(base, dict) else {}, ours, theirs, path, stamps)
        if isinstance(ours, list) and isinstance(theirs, list):
            return self._list(base if isinstance(base, list) else [], ours, theirs, path, stamps)
        field = path[-1]
        if field in WHOLE_VALUES and isinstance(ours, dict) and isinstance(theirs, dict):
            stamps = (_when(ours.get("since")), _when(theirs.get("since")))
        if field == STAMP and isinstance(ours, str) and isinstance(theirs, str):
            return _later_stamp(ours, theirs)
        if isinstance(ours, str) and isinstance(theirs, str) and _is_free_text(field, base, ours, theirs):
            text = merge_text(base if isinstance(base, str) else None, ours, theirs)
            if text is not None:
                return text
            first, second, _ = _decide(ours, theirs, stamps)
            if not first.strip():
                first, second = second, first
            self._conflict(path, first, second, BOTH_TEXTS)
            return combine_texts(first, second)
        kept, lost, rule = _decide(ours, theirs, stamps)
        self._conflict(path, kept, lost, rule)
        return kept

    def _object(self, base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any], path: tuple[str, ...], stamps: _Stamps) -> dict[str, Any]:
        stamps = _stamps_of(ours, theirs) or stamps
        merged: dict[str, Any] = {}
        # A key only the base has was removed on both sides.
        for key in sorted(ours.keys() | theirs.keys()):
            value = self.value(base.get(key, _MISSING), ours.get(key, _MISSING), theirs.get(key, _MISSING), (*path, key), stamps)
            if value is not _MISSING:
                merged[key] = value
        return merged

    def _list(self, base: list[Any], ours: list[Any], theirs: list[Any], path: tuple[str, ...], stamps: _Stamps) -> list[Any]:
        by_id = [_by_id(items) for items in (base, ours, theirs)]
        b, o, t = by_id
        if b is None or o is None or t is None:
            return _multiset(base, ours, theirs)
        merged: dict[str, Any] = {}
        for key in o.keys() | t.keys():
            value = self.value(b.get(key, _MISSING), o.get(key, _MISSING), t.get(key, _MISSING), (*path, key), stamps)
            if value is not _MISSING:
                merged[key] = value
        return [merged[key] for key in merged_order(list(b), list(o), list(t), merged.keys())]

    def _conflict(self, path: tuple[str, ...], kept: Any, lost: Any, rule: str) -> None:
        self.conflicts.append(Conflict(path[0], path[1] if len(path) > 1 else "", path[2:], kept, lost, rule))


def _header(document: Mapping[str, Any], name: str) -> tuple[str, int]:
    header = document.get(HEADER)
    if isinstance(header, dict):
        kind, schema = header.get("kind"), header.get("schema")
        if isinstance(kind, str) and isinstance(schema, int) and not isinstance(schema, bool):
            return kind, schema
    raise MergeError(f"{name}: one of the versions to merge is not a tandem data file (no kind and schema in its header).")


def _header_at(document: Mapping[str, Any], schema: int) -> Any:
    # Every version's header at the merged schema: the schema is decided, not a conflict.
    header = document.get(HEADER, _MISSING)
    return {**header, "schema": schema} if isinstance(header, dict) else header


def _by_id(items: list[Any]) -> dict[str, Any] | None:
    """The items by their ``id``, in order, if every item is an object with its own one."""
    found: dict[str, Any] = {}
    for item in items:
        key = item.get("id") if isinstance(item, dict) else None
        if not isinstance(key, str) or key in found:
            return None
        found[key] = item
    return found


def _multiset(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    keyed = [[(_canonical(item), item) for item in items] for items in (base, ours, theirs)]
    counts = [Counter(key for key, _ in items) for items in keyed]
    was, mine, yours = counts
    keep: set[tuple[bytes, int]] = set()
    values: dict[bytes, Any] = {}
    for key in mine.keys() | yours.keys():
        o, t, b = mine[key], yours[key], was[key]
        count = o if o == t else t if o == b else o if t == b else max(o, t)
        keep.update((key, n) for n in range(count))
    for items in keyed[1:]:
        values.update(items)
    was_keys, our_keys, their_keys = (_numbered(key for key, _ in items) for items in keyed)
    return [values[key] for key, _ in merged_order(was_keys, our_keys, their_keys, keep)]


def _numbered(keys: Iterable[bytes]) -> list[tuple[bytes, int]]:
    # The n-th copy of an item on one side is the n-th copy on the other.
    seen: Counter[bytes] = Counter()
    numbered = []
    for key in keys:
        numbered.append((key, seen[key]))
        seen[key] += 1
    return numbered


def _is_free_text(field: str, base: Any, ours: str, theirs: str) -> bool:
    if base is not _MISSING and not isinstance(base, str):
        return False
    return field == "notes" or "\n" in ours or "\n" in theirs or (isinstance(base, str) and "\n" in base)


def _decide(ours: Any, theirs: Any, stamps: _Stamps) -> tuple[Any, Any, str]:
    """(winner, loser, rule) for one field both sides changed."""
    mine, yours = stamps
    if mine is not None and yours is not None and mine != yours:
        return (ours, theirs, LATER_EDIT) if mine > yours else (theirs, ours, LATER_EDIT)
    if _canonical(ours) > _canonical(theirs):
        return ours, theirs, TIE_BREAK
    return theirs, ours, TIE_BREAK


def _stamps_of(ours: dict[str, Any], theirs: dict[str, Any]) -> _Stamps | None:
    mine, yours = _when(ours.get(STAMP)), _when(theirs.get(STAMP))
    return None if mine is None or yours is None else (mine, yours)


def _when(value: Any) -> datetime | None:
    """An ``updated_at`` as a comparable time (UTC when it names its zone), or ``None``."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment


def _later_stamp(ours: str, theirs: str) -> str:
    mine, yours = _when(ours), _when(theirs)
    if mine is not None and yours is not None and mine != yours:
        return ours if mine > yours else theirs
    return max(ours, theirs)


def _distinct_positions(table: dict[str, Any]) -> dict[str, Any]:
    """``table`` renumbered 0, 1, 2… if its records all have a position and two share one."""
    positions = [record.get(POSITION) if isinstance(record, dict) else None for record in table.values()]
    if not positions or not all(type(position) is int for position in positions) or len(set(positions)) == len(positions):
        return table
    ordered = sorted(table, key=lambda key: (table[key][POSITION], key))
    renumbered = dict(table)
    for position, key in enumerate(ordered):
        if table[key][POSITION] != position:
            renumbered[key] = {**table[key], POSITION: position}
    return renumbered


def _with_conflicts(table: Any, conflicts: tuple[Conflict, ...], name: str) -> dict[str, Any]:
    if table is _MISSING:
        table = {}
    if not isinstance(table, dict):
        raise MergeError(f"{name}: its '{CONFLICTS_TABLE}' entry is not a table, so the conflicts of this merge have nowhere to go.")
    merged = dict(table)
    for conflict in conflicts:
        # Already there (an earlier merge of the same edits): leave it as it is, it may
        # have been marked since.
        merged.setdefault(conflict.id, conflict.as_record())
    return dict(sorted(merged.items()))


def _conflict_order(conflict: Conflict) -> tuple[str, str, tuple[str, ...], bytes, bytes]:
    return conflict.table, conflict.record, conflict.path, _canonical(conflict.kept), _canonical(conflict.lost)


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
