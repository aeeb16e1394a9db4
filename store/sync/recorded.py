"""The values a sync decided, read back so that the app shows them on the record they are of.

``tandem sync`` keeps the losing value of every same-field conflict in the data file's
``conflicts`` table (:mod:`tandem.store.sync.merge`). Here they are read again, grouped by
the record they concern (:class:`Decided`), placed on a meeting's agenda
(:func:`by_agenda_item`) and put into words (:func:`explain`) for the live meeting, its
editing after the fact, and review.

The values come from another machine: they are shown with every control character made
visible (:func:`visible_text`), never interpreted.

Nothing here dismisses a conflict: the table is kept by every writer, and a value that lost
stays readable for as long as the file holds it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import orjson

from tandem.store.atomic import decode
from tandem.store.errors import CorruptFileError
from tandem.store.layout import CONFLICTS_TABLE, MEETINGS_DIR
from tandem.store.mdescape import inline
from tandem.store.outside import UNSAFE_CHARACTER, inside, read_outside_stat
from tandem.store.sync.merge import BOTH_TEXTS, LATER_EDIT, Conflict, recorded_conflicts
from tandem.store.workspace import MeetingRecord

#: The shared files whose records a meeting captures (objectives, content, insights).
CAPTURED_SHARED: Final = ("objectives.json", "content.json", "insights.json")

#: What a record of each table is called, in a sentence's subject.
TABLE_TITLES: Final = {
    "meeting": "The meeting",
    "agenda": "Agenda item",
    "lead_feedback": "Lead feedback",
    "decisions": "Decision",
    "actions": "Action item",
    "parking_lot": "Parking lot",
    "triage": "Triage",
    "scorecard": "Scorecard line",
    "objectives": "Objective",
    "content": "Content item",
    "insights": "Prospect insight",
    "series": "Series",
    "shadow_days": "Shadow day",
    "leads": "Imported lead",
    "sla": "SLA version",
}

#: The records of a meeting file captured under an agenda item (they carry its id).
_UNDER_ITEM: Final = ("lead_feedback", "decisions", "actions")

# The byte the file's key starts with, as every writer writes it: no such bytes, no table.
_TABLE_KEY: Final = orjson.dumps(CONFLICTS_TABLE)

# Control characters shown as the symbols Unicode has for them (ESC as ␛); the rest of what
# outside text must not carry (C1 controls, separators, bidi controls) as its code point.
_PICTURES: Final = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}


@dataclass(frozen=True)
class Decided:
    """The recorded conflicts of some data files, by the record they concern."""

    conflicts: tuple[Conflict, ...] = ()
    _by_record: dict[tuple[str, str], tuple[Conflict, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[tuple[str, str], list[Conflict]] = {}
        for conflict in self.conflicts:
            grouped.setdefault((conflict.table, conflict.record), []).append(conflict)
        object.__setattr__(self, "_by_record", {key: tuple(found) for key, found in grouped.items()})

    def of(self, table: str, record: str) -> tuple[Conflict, ...]:
        """The conflicts of one record (``table``: the table it is kept in)."""
        return self._by_record.get((table, record), ())

    def records(self) -> Iterator[tuple[str, str]]:
        """(table, record key) of every record with a conflict, in a stable order."""
        return iter(self._by_record)

    def __len__(self) -> int:
        return len(self.conflicts)

    def __iter__(self) -> Iterator[Conflict]:
        return iter(self.conflicts)


class ConflictReader:
    """Reads the conflicts recorded in a workspace's data files, each file again only when it
    changed (one ``stat`` otherwise): a live meeting asks at every change of item, and the
    shared files can be megabytes."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self._known: dict[Path, tuple[tuple[int, int, int, int], tuple[Conflict, ...]]] = {}

    def file(self, path: Path) -> tuple[Conflict, ...]:
        """The conflicts one data file records; none when it does not exist. Raises
        :class:`~tandem.store.errors.TandemError` (the file is damaged, from a newer
        tandem, or a link out of the workspace) like every other reader of it."""
        if path.is_symlink() and not inside(self.home, path):
            raise CorruptFileError(path, "it is a link that leads out of the workspace")
        try:
            signature = _signature(os.stat(path))
        except FileNotFoundError:
            self._known.pop(path, None)
            return ()
        known = self._known.get(path)
        if known is not None and known[0] == signature:
            return known[1]
        try:
            raw, stat = read_outside_stat(path, limit=1 << 31)
        except FileNotFoundError:
            return ()
        # Nearly every file holds no conflict: its bytes say so without being parsed.
        conflicts = recorded_conflicts(decode(raw, path)) if _TABLE_KEY in raw else ()
        self._known[path] = (_signature(stat), conflicts)
        return conflicts

    def meeting(self, meeting_id: str) -> Decided:
        """The conflicts recorded in a meeting's file."""
        return Decided(self.file(self.home / MEETINGS_DIR / f"{meeting_id}.json"))

    def captured_shared(self) -> Decided:
        """The conflicts recorded in the shared files whose records meetings capture
        (objectives, content, insights): of records of every meeting."""
        return Decided(tuple(conflict for name in CAPTURED_SHARED for conflict in self.file(self.home / name)))


def _signature(stat: os.stat_result) -> tuple[int, int, int, int]:
    return stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino


def by_agenda_item(record: MeetingRecord, decided: Decided) -> tuple[dict[str, tuple[Conflict, ...]], tuple[Conflict, ...]]:
    """Where a meeting's conflicts show on its agenda: each item's (its own, its parking-lot
    entry's and those of the records captured under it), and the rest (the meeting's own,
    and those of records tied to no item on the agenda, or no longer in the file)."""
    items = {item.id for item in record.agenda}
    item_of: dict[tuple[str, str], str] = {("agenda", item_id): item_id for item_id in items}
    item_of.update((("parking_lot", p.id), p.agenda_item_id) for p in record.parking_lot)
    for table in _UNDER_ITEM:
        item_of.update(((table, row.id), row.agenda_item_id) for row in getattr(record, table))
    placed: dict[str, list[Conflict]] = {}
    rest: list[Conflict] = []
    for conflict in decided:
        item_id = item_of.get((conflict.table, conflict.record))
        if item_id in items:
            placed.setdefault(item_id, []).append(conflict)
        else:
            rest.append(conflict)
    return {item_id: tuple(found) for item_id, found in placed.items()}, tuple(rest)


def mark(count: int) -> str:
    """The mark of a record with ``count`` recorded conflicts: a glyph and words, so that it
    reads without colour."""
    return f"⚑ {count} value{'s' if count != 1 else ''}" if count else ""


# --- in words --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explained:
    """One recorded conflict in words, every text made visible (:func:`visible_text`)."""

    conflict: Conflict
    #: The record: "Decision “Ship the pricing page”", "Agenda item 2 “Lead quality”".
    what: str
    #: The field: "notes", "takeaways › 7f3k › category".
    field: str
    #: The value the file holds (with ``both_texts``, the text on top) and the other one.
    kept: str
    other: str
    #: How the value kept was chosen, one sentence.
    how: str

    @property
    def both_kept(self) -> bool:
        """Both texts are in the field, one after the other: nothing was set aside."""
        return self.conflict.rule == BOTH_TEXTS


def explain(conflicts: Iterable[Conflict], record: MeetingRecord | None = None, names: Mapping[tuple[str, str], str] | None = None) -> list[Explained]:
    """The conflicts in words. The records are named from ``record`` (the meeting they are
    in) or ``names`` ((table, record key) → what to call it, for shared records), else by
    the kind and key alone."""
    titles = _record_titles(record) if record is not None else {}
    if names:
        titles.update(names)
    out = []
    for conflict in conflicts:
        key = (conflict.table, conflict.record)
        kind = TABLE_TITLES.get(conflict.table, conflict.table.replace("_", " ").capitalize())
        what = titles.get(key) or (kind if conflict.table == "meeting" else f"{kind} {conflict.record} (no longer in this file)")
        out.append(
            Explained(
                conflict=conflict,
                what=visible_text(what),
                field=" › ".join(visible_text(part.replace("_", " ")) for part in conflict.path) or "the whole record",
                kept=value_text(conflict.kept),
                other=value_text(conflict.lost),
                how=how_decided(conflict),
            )
        )
    return out


def into_minutes(markdown: str, explained: Sequence[Explained]) -> str:
    """A meeting's minutes with a section, before their first, on the values a sync kept
    from two machines: each field with the value kept and the other one (every text
    escaped, :mod:`tandem.store.mdescape`). The minutes as they are when there are none."""
    if not explained:
        return markdown
    lines = [
        f"## {mark(len(explained))} from two machines",
        "",
        "A sync found these fields changed on two machines at once. The other value is kept in the meeting's file; "
        "`tandem doctor` lists them too, and w on review's meeting list shows them side by side.",
        "",
    ]
    for shown in explained:
        head = f"- ⚑ **{inline(shown.what)} · {inline(shown.field)}**: "
        if shown.both_kept:
            lines.append(head + inline(shown.how))
        else:
            lines.append(f"{head}kept {inline(shown.kept)}; the other value: {inline(shown.other)}.")
    section = "\n".join(lines) + "\n\n"
    at = markdown.find("\n## ")
    return markdown + "\n" + section if at < 0 else markdown[: at + 1] + section + markdown[at + 1 :]


def how_decided(conflict: Conflict) -> str:
    if conflict.rule == BOTH_TEXTS:
        if conflict.lost in ("", None):
            return "One machine cleared this text and the other edited it: the edit is kept."
        return "Both machines changed this text: both are kept in it, one after the other."
    if conflict.rule == LATER_EDIT:
        return "Both machines changed this field: the later edit is kept."
    return "Both machines changed this field: tandem kept one value by a fixed rule, the same on every machine."


def value_text(value: Any) -> str:
    """A field's value as text to show: text as it is (controls made visible), nothing and
    empty said in words, an object as its fields, a list as its items."""
    if value is None:
        return "(nothing)"
    if isinstance(value, str):
        return visible_text(value) if value else "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):  # a nested object (a meeting's claim): its fields in words
        return ", ".join(f"{visible_text(str(key)).replace('_', ' ')}: {value_text(item)}" for key, item in value.items()) or "(empty)"
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value) or "(none)"
    return visible_text(str(value))


def visible_text(text: str) -> str:
    """``text`` with every character a terminal would act on shown instead: ESC as ␛, other
    C0 controls as their control pictures, C1, bidi and separator characters as
    ``<U+XXXX>``. Tabs and line breaks stay (``\\r\\n`` and ``\\r`` become ``\\n``)."""
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return UNSAFE_CHARACTER.sub(_shown_character, text)


def _shown_character(match: re.Match[str]) -> str:
    code = ord(match[0])
    return _PICTURES.get(code) or f"<U+{code:04X}>"


def _record_titles(record: MeetingRecord) -> dict[tuple[str, str], str]:
    titles: dict[tuple[str, str], str] = {("meeting", record.meeting.id): "The meeting"}
    for n, item in enumerate(record.agenda, start=1):
        titles["agenda", item.id] = f"Agenda item {n} “{_short(item.title)}”"
    for p in record.parking_lot:
        titles["parking_lot", p.id] = f"Parking lot “{_short(p.text)}”"
    for f in record.lead_feedback:
        titles["lead_feedback", f.id] = f"Lead feedback “{_short(f.reference)}”"
    for d in record.decisions:
        titles["decisions", d.id] = f"Decision “{_short(d.text)}”"
    for a in record.actions:
        titles["actions", a.id] = f"Action item “{_short(a.text)}”"
    for t in record.triage:
        titles["triage", t.id] = f"Triage of “{_short(t.subject)}”"
    for line in record.scorecard:
        titles["scorecard", line.id] = f"Scorecard line “{_short(line.title)}”"
    return titles


def _short(text: str, limit: int = 40) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"
