"""Properties of the three-way record merge, on random files and random edits.

A random meeting file (agenda items and action items with notes, nested objects, lists of
check-ins, takeaways merged by id, prompts, optional ``updated_at``) is edited by two
random scripts, as two clones would: records added and deleted, fields set and removed,
lines of notes inserted, rewritten and removed, list items added, edited and removed. Ids
come from small pools, so both sides often touch, add or delete the same records.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.store.sync import CONFLICTS_TABLE, Merged, merge_documents, recorded_conflicts

HEADER = {"kind": "meeting", "schema": 5}
TABLES = ("agenda", "actions")
IDS = ("aaf6ezy96qz0", "d8sfrpywwadg", "cpnc88y7kkvt", "262psnafnbef")
TAKEAWAY_IDS = ("yd3bx75k8yq2", "p8evs2b4f447", "0190q331cr2g", "xytn7tk0xw5z")
LINES = ("- LI ads 2/7", "- G2 4/4", "- webinar 2/2", "", "Maya owns the follow-up", "- 1 too early → 10-wk nurture", "- Zoë: “why now” ✓")
WORDS = ("Pipeline numbers", "Lead generation", "Content ideas", "Decisions & asks", "Action review", "Voice of the prospect")
NAMES = ("Maya Thompson", "Lukas Schneider", "Zoë Lindqvist", "José Ramírez")
STAMPS = ("2026-07-21T10:00:00", "2026-07-21T10:05:00", "2026-07-21T09:30:00+01:00", "2026-07-22T09:00:00")
DAYS = ("2026-07-14", "2026-07-21", "2026-07-28")
FIELDS = ("title", "status", "notes", "position", "checkins", "takeaways", "prompts", "owner", "due", "updated_at")
EXEMPT = {"updated_at", "position"}  # decided by their own documented rules, never a conflict

notes = st.lists(st.sampled_from(LINES), max_size=4).map("\n".join)
checkin = st.fixed_dictionaries({"date": st.sampled_from(DAYS), "value": st.integers(0, 30), "comment": st.sampled_from(("", "pushed hard", "data lag"))})
takeaway = st.fixed_dictionaries({"id": st.sampled_from(TAKEAWAY_IDS), "text": st.sampled_from(WORDS), "category": st.sampled_from(("learned", "will_use"))})
record = st.fixed_dictionaries(
    {
        "title": st.sampled_from(WORDS),
        "status": st.sampled_from(("open", "done", "dropped")),
        "notes": notes,
        "position": st.integers(0, 4),
        "checkins": st.lists(checkin, max_size=3),
        "takeaways": st.lists(takeaway, max_size=3, unique_by=lambda t: t["id"]),
        "prompts": st.lists(st.sampled_from(WORDS), max_size=3),
        "owner": st.fixed_dictionaries({"name": st.sampled_from(NAMES), "team": st.sampled_from(("sales", "marketing"))}),
    },
    optional={"due": st.sampled_from(DAYS), "updated_at": st.sampled_from(STAMPS)},
)
table = st.dictionaries(st.sampled_from(IDS), record, min_size=1, max_size=3).map(lambda records: {key: {**value, "id": key} for key, value in records.items()})
document = st.fixed_dictionaries({"_tandem": st.just(HEADER), "agenda": table, "actions": table})

where = st.tuples(st.sampled_from(TABLES), st.integers(0, 9))
stamp = st.one_of(st.none(), st.sampled_from(STAMPS))
EDITS = {
    "add": st.tuples(st.just("add"), st.sampled_from(TABLES), st.sampled_from(IDS), record),
    "delete": st.tuples(st.just("delete"), where),
    "set": st.tuples(st.just("set"), where, st.sampled_from(FIELDS), record, stamp),
    "line": st.tuples(st.just("line"), where, st.integers(0, 5), st.sampled_from(("insert", "replace", "remove")), st.sampled_from(LINES), stamp),
    "checkin": st.tuples(st.just("checkin"), where, st.integers(0, 3), st.one_of(st.none(), checkin), stamp),
    "takeaway": st.tuples(st.just("takeaway"), where, st.integers(0, 3), st.one_of(st.none(), takeaway, st.sampled_from(WORDS)), stamp),
    "prompt": st.tuples(st.just("prompt"), where, st.integers(0, 3), st.one_of(st.none(), st.sampled_from(WORDS)), stamp),
    "owner": st.tuples(st.just("owner"), where, st.sampled_from(("name", "team")), st.sampled_from((*NAMES, "marketing", "other")), stamp),
}
edit = st.one_of(*EDITS.values())
script = st.lists(edit, min_size=1, max_size=8)


@st.composite
def two_scripts(draw: st.DrawFn) -> tuple[list[Any], list[Any]]:
    """Two clones' edits: unrelated, or (half the time) at the same places with other
    values, which is where same-field conflicts come from."""
    ours = draw(script)
    if draw(st.booleans()):
        return ours, draw(script)
    # The same op at the same record and field (or line, or item), a fresh value.
    theirs = [(op[0], *op[1:3], *draw(EDITS[op[0]])[3:]) for op in ours]
    return ours, theirs + draw(st.lists(edit, max_size=2))


def apply(doc: dict[str, Any], edits: list[tuple[Any, ...]]) -> dict[str, Any]:
    """``doc`` after ``edits``, as one clone would save it (``doc`` is left alone)."""
    doc = copy.deepcopy(doc)
    for op, *args in edits:
        if op == "add":
            name, key, new = args
            doc[name].setdefault(key, {**copy.deepcopy(new), "id": key})
            continue
        (name, pick), *args = args
        records = doc[name]
        if not records:
            continue
        key = sorted(records)[pick % len(records)]
        rec = records[key]
        if op == "delete":
            del records[key]
            continue
        *args, when = args
        if op == "set":
            field, donor = args
            if field in donor:
                rec[field] = copy.deepcopy(donor[field])
            else:
                rec.pop(field, None)
        elif op == "line":
            at, how, line = args
            lines = rec["notes"].split("\n") if rec["notes"] else []
            at = at % (len(lines) + 1)
            if how == "insert" or at == len(lines):
                lines.insert(at, line)
            elif how == "replace":
                lines[at] = line
            else:
                del lines[at]
            rec["notes"] = "\n".join(lines)
        elif op == "checkin":
            at, new = args
            if new is not None:
                rec["checkins"].append(dict(new))
            elif rec["checkins"]:
                del rec["checkins"][at % len(rec["checkins"])]
        elif op == "takeaway":
            at, change = args
            items = rec["takeaways"]
            if isinstance(change, dict):
                if all(item["id"] != change["id"] for item in items):
                    items.insert(at % (len(items) + 1), dict(change))
            elif items and change is None:
                del items[at % len(items)]
            elif items:
                items[at % len(items)]["text"] = change
        elif op == "prompt":
            at, new = args
            if new is not None:
                rec["prompts"].insert(at % (len(rec["prompts"]) + 1), new)
            elif rec["prompts"]:
                del rec["prompts"][at % len(rec["prompts"])]
        elif op == "owner":
            field, value = args
            rec["owner"][field] = value
        if when is not None:
            rec["updated_at"] = when
    return doc


def canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def by_id(value: Any) -> bool:
    if not isinstance(value, list) or not value:
        return False
    ids = [item.get("id") for item in value if isinstance(item, dict)]
    return len(ids) == len(value) and all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids)


def leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], bytes, Any]]:
    """Every value a file holds, with the path that names it on every machine: fields by
    name, list items merged by id by their id, other list items as members of their list."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif by_id(value):
        for item in value:
            yield from leaves(item, (*path, item["id"]))
    elif isinstance(value, list):
        for item in value:
            yield (*path, "[]"), canonical(item), item
    else:
        yield path, canonical(value), value


def tables(doc: dict[str, Any]) -> dict[str, Any]:
    return {name: records for name, records in doc.items() if name != "_tandem"}


def at(doc: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if isinstance(doc, dict) and key in doc:
            doc = doc[key]
        elif by_id(doc) and key in {item["id"] for item in doc}:
            doc = next(item for item in doc if item["id"] == key)
        else:
            return None
    return doc


def both_ways(base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any]) -> Merged:
    merged = merge_documents(base, ours, theirs)
    swapped = merge_documents(base, theirs, ours)
    assert canonical(swapped.document) == canonical(merged.document)
    assert swapped.conflicts == merged.conflicts
    return merged


def assert_keeps_everything(base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any], merged: Merged) -> None:
    """Every record added on either side is there; every value a side set is in the file or
    in a conflict; a record edited on one side only arrives whole; a record deleted on one
    side and left alone on the other is gone."""
    origin = tables(base) if base is not None else {}
    result = tables(merged.document)
    for side, other in ((ours, theirs), (theirs, ours)):
        for name, records in tables(side).items():
            before, after, elsewhere = origin.get(name, {}), result.get(name, {}), other.get(name, {})
            for key in records.keys() - before.keys():
                assert key in after, f"{name}/{key} was added and is gone"
            for key in before.keys() - records.keys():
                if elsewhere.get(key) == before[key]:
                    assert key not in after, f"{name}/{key} was deleted, untouched elsewhere, and is back"
            for key, rec in records.items():
                if key in before and elsewhere.get(key) == before[key] and rec != before[key]:
                    assert without_position(after[key]) == without_position(rec), f"{name}/{key} was edited on one side only"
    found = {(path, value) for path, value, _ in leaves(result)}
    lost = {}
    for side in (ours, theirs):
        was = {(path, value) for path, value, _ in leaves(origin)}
        for path, value, raw in leaves(tables(side)):
            if path[-1] in EXEMPT or (path, value) in was or (path, value) in found:
                continue
            if in_conflicts(merged, path, value) or text_arrived(raw, at(origin, path), at(result, path)):
                continue
            lost[path] = raw
    assert not lost, f"lost without a conflict: {lost}"
    if merged.conflicts:
        assert set(recorded_conflicts(merged.document)) >= set(merged.conflicts)
        for conflict in merged.conflicts:
            assert merged.document[CONFLICTS_TABLE][conflict.id]["lost"] == conflict.lost
            if conflict.rule == "both_texts":  # nobody loses a word: both texts are in the field
                field = at(result, (conflict.table, conflict.record, *conflict.path))
                assert text_arrived(conflict.kept, None, field) and text_arrived(conflict.lost, None, field)


def without_position(rec: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in rec.items() if key != "position"}


def in_conflicts(merged: Merged, path: tuple[str, ...], value: bytes) -> bool:
    for conflict in merged.conflicts:
        where = (conflict.table, conflict.record, *conflict.path)
        if path[: len(where)] == where:
            rest = path[len(where) :]
            if any((rest, value) in {(p, v) for p, v, _ in leaves(side)} for side in (conflict.kept, conflict.lost)):
                return True
    return False


def text_arrived(text: Any, before: Any, after: Any) -> bool:
    """A text merged line by line: every line this side wrote is in the merged text (blank
    lines are no words)."""
    if not (isinstance(text, str) and isinstance(after, str)):
        return False
    old = set(before.split("\n")) if isinstance(before, str) else set()
    return {line for line in text.split("\n") if line.strip() and line not in old} <= set(after.split("\n"))


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(document, two_scripts())
def test_records_added_anywhere_are_kept_and_no_value_is_lost(base: dict[str, Any], edits: tuple[list[Any], list[Any]]) -> None:
    ours, theirs = apply(base, edits[0]), apply(base, edits[1])
    assert_keeps_everything(base, ours, theirs, merge_documents(base, ours, theirs))


@SETTINGS
@given(document, two_scripts())
def test_the_merge_is_deterministic_and_the_same_whichever_side_is_ours(base: dict[str, Any], edits: tuple[list[Any], list[Any]]) -> None:
    ours, theirs = apply(base, edits[0]), apply(base, edits[1])
    inputs = copy.deepcopy((base, ours, theirs))
    merged = both_ways(base, ours, theirs)
    again = merge_documents(*copy.deepcopy(inputs))
    assert canonical(again.document) == canonical(merged.document)
    assert again.conflicts == merged.conflicts
    assert (base, ours, theirs) == inputs, "the merge changed its inputs"


@SETTINGS
@given(document, two_scripts())
def test_merging_a_file_with_itself_changes_nothing(base: dict[str, Any], edits: tuple[list[Any], list[Any]]) -> None:
    ours, theirs = apply(base, edits[0]), apply(base, edits[1])
    assert merge_documents(base, ours, ours) == Merged(ours, ())
    result = merge_documents(base, ours, theirs).document
    assert merge_documents(result, result, result) == Merged(result, ())
    # The clone whose side was merged in pulls the result: nothing moves.
    assert merge_documents(ours, ours, result) == Merged(result, ())


@SETTINGS
@given(document, document, script)
def test_both_clones_created_the_file(ours_start: dict[str, Any], theirs_start: dict[str, Any], theirs_edits: list[Any]) -> None:
    ours, theirs = ours_start, apply(theirs_start, theirs_edits)
    merged = both_ways(None, ours, theirs)
    assert_keeps_everything(None, ours, theirs, merged)
    assert merge_documents(None, ours, ours) == Merged(ours, ())


@SETTINGS
@given(document, two_scripts(), two_scripts())
def test_a_second_round_of_edits_on_a_merged_file(base: dict[str, Any], first: tuple[list[Any], list[Any]], second: tuple[list[Any], list[Any]]) -> None:
    result = merge_documents(base, apply(base, first[0]), apply(base, first[1])).document
    ours, theirs = apply(result, second[0]), apply(result, second[1])
    merged = both_ways(result, ours, theirs)
    assert_keeps_everything(result, ours, theirs, merged)
    # Conflicts of the first round travel on: nobody deleted them, so they are all there.
    assert set(result.get(CONFLICTS_TABLE, {})) <= set(merged.document.get(CONFLICTS_TABLE, {}))
    assert merge_documents(merged.document, merged.document, merged.document).document == merged.document
