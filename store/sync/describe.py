"""What changed between two versions of a workspace, in the words of the practice: a commit
message that says what ("Maya: notes in 2026-12-08 Weekly sync; 3 lead feedback; 1 action
done") and the app's "Synced: 2 new meetings, 5 lead feedback from José".

Every phrase is one short line of plain text: titles and names come from teammates' files,
so each is cleaned of escape sequences and control characters and cut to a length before it
goes into a git commit subject or a toast."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tandem.store.atomic import decode
from tandem.store.errors import CorruptFileError, NewerSchemaError
from tandem.store.layout import CONTRIBUTIONS_DIR, CONTRIBUTIONS_TABLE, MEETINGS_DIR
from tandem.store.outside import one_line
from tandem.store.records import SEQ, measure
from tandem.store.words import count

#: The record tables whose new records are counted, with the noun for one of them.
_ADDED_NOUNS = {
    "lead_feedback": "lead feedback",
    "decisions": "decision",
    "actions": "action item",
    "parking_lot": "parked item",
    "triage": "triaged contribution",
    "objectives": "objective",
    "content": "content item",
    "insights": "prospect question",
    "shadow_days": "shadow day",
    "series": "series",
    "leads": "imported lead",
    "sla": "SLA version",
}

#: A contribution between meetings (``store/contrib``), by its kind: the noun for one. Lead
#: feedback and questions count with those captured in meetings ("5 lead feedback").
_CONTRIBUTED_NOUNS = {"lead": "lead feedback", "question": "prospect question", "topic": "topic", "content": "content idea", "checkin": "check-in"}

#: Longest title or name inside a phrase: a phrase names one thing and goes into a one-line
#: commit subject beside others ("Weekly smarketing sync" is 22).
NAME_LIMIT = 40

#: A meeting's status as it became, in the facilitator's word: "2026-12-08 Weekly sync ended".
#: A status left for "planned" is a cancel or a start taken back: either way it is planned again.
_STATUS_WORDS = {"live": "started", "ended": "ended", "finalized": "finalized", "cancelled": "cancelled", "planned": "planned again"}
#: A content item's pipeline stage as it became: "Pricing page shipped".
_CONTENT_WORDS = {"idea": "back to idea", "planned": "planned", "in_progress": "in progress", "shipped": "shipped"}
#: A shadow day's status as it became.
_SHADOW_WORDS = {"in_progress": "started", "done": "done", "planned": "planned again"}

#: A kind of change that names its one subject ("2026-12-08 Weekly sync ended") and is counted
#: once several share it ("3 meetings ended"): the phrase for several, by kind.
_GROUPED: dict[str, str] = {
    **{f"meeting {word}": f"{{n}} meetings {word}" for word in _STATUS_WORDS.values()},
    "meeting reopened": "{n} meetings reopened",
    "meeting moved": "{n} meetings moved",
    "meeting renamed": "{n} meetings renamed",
    "meeting attendees": "attendees of {n} meetings",
    "meeting facilitator": "facilitator of {n} meetings",
    "meeting rated": "{n} meetings rated",
    "meeting taken over": "{n} meetings taken over",
    "objective target": "targets of {n} objectives",
    **{f"content {word}": f"{{n}} content items {word}" for word in _CONTENT_WORDS.values()},
    **{f"shadow day {word}": f"{{n}} shadow days {word}" for word in (*_SHADOW_WORDS.values(), "moved")},
}


def said(value: object, limit: int = NAME_LIMIT) -> str:
    """Teammate's text fit for a phrase (:func:`~tandem.store.outside.one_line`), at most
    ``limit`` characters. Anything but text is nothing."""
    return one_line(value, limit) if isinstance(value, str) else ""


def is_data_path(path: str) -> bool:
    """A tandem data file, by its path in the repository (``meetings/<id>.json`` or a file at
    the top, or a person's ``contributions/<name>.json``); minutes, a README or anything a
    team keeps beside them is not."""
    parts = path.split("/")
    if len(parts) == 1:
        return parts[0].endswith(".json") and not parts[0].startswith(".")
    return len(parts) == 2 and parts[0] in (MEETINGS_DIR, CONTRIBUTIONS_DIR) and parts[1].endswith(".json") and not parts[1].startswith(".")


def _tables(raw: bytes | None, path: str) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        return decode(raw, Path(path))
    except (CorruptFileError, NewerSchemaError, ValueError, TypeError, KeyError, RecursionError):
        # A version that cannot be read (a teammate's broken file, the migration of an old
        # schema choking on it) is not described: describing must never stop a sync.
        return None


def _records(tables: Mapping[str, Any] | None, name: str) -> dict[str, Any]:
    table = (tables or {}).get(name)
    if not isinstance(table, dict):
        return {}
    # Keyed by the record's own id where it has one, so that the old layout (counter keys)
    # and the new compare record for record.
    return {str(doc.get("id") or key) if isinstance(doc, dict) else key: doc for key, doc in table.items()}


def _header(tables: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The one meeting record of a meeting file's tables, if it has exactly one."""
    table = (tables or {}).get("meeting")
    if isinstance(table, dict) and len(table) == 1:
        doc = next(iter(table.values()))
        if isinstance(doc, dict):
            return doc
    return None


def _meeting_name(header: Mapping[str, Any] | None, path: str) -> str:
    """How a phrase names a meeting: "2026-12-08 Weekly sync", its date and title.

    Not its id, though the id is what the file is called: in a workspace shared through git
    every new id ends in four random characters ("2026-12-08-weekly-sync-k3x9"), and a
    rescheduled meeting keeps the id of its first date, so the id can name the wrong day.
    The date comes first, as in the id, so that meetings of one series differ up front and
    read in calendar order. The id is the fallback for a header without both."""
    header = header or {}
    day, title = said(header.get("date"), 10), said(header.get("title"))
    if day and title:
        return f"{day} {title}"
    return said(path.removeprefix(f"{MEETINGS_DIR}/").removesuffix(".json"), 60)


def _length(value: object) -> int:
    return len(value) if isinstance(value, list) else 0


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _differs(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether two versions of a record differ in what a person wrote: the order number is
    the storage's, and a field that appears empty (a newer tandem writing a new field's
    default) is no edit."""
    for key in old.keys() | new.keys():
        if key == SEQ:
            continue
        if key not in old:
            if new[key] not in (None, "", [], {}, 0, False):
                return True
        elif key not in new:
            if old[key] not in (None, "", [], {}, 0, False):
                return True
        elif old[key] != new[key]:
            return True
    return False


def _amount(value: object, unit: object) -> str:
    """An objective's target as its check-ins show it ("120 SQLs"), or "" if it is no number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return ""
    return said(measure(value, said(unit, 12)), 24)


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}" if noun in ("lead feedback", "series") else count(n, noun)


class Changes:
    """Counts of what changed, summed over files, in the order they are told."""

    def __init__(self) -> None:
        self.tally: Counter[str] = Counter()
        self.noted: list[str] = []  # meetings whose notes changed
        #: The phrase of a grouped kind of change (see ``_GROUPED``) while only one thing had it.
        self.single: dict[str, str] = {}
        #: Kinds of change counted as "<n> <noun> <verb>" ("2 content items edited").
        self.verbs: dict[str, tuple[str, str]] = {}

    def _event(self, kind: str, phrase: str) -> None:
        self.tally[kind] += 1
        self.single.setdefault(kind, phrase)

    def _count(self, noun: str, verb: str, n: int = 1) -> None:
        kind = f"{noun} {verb}"
        self.verbs[kind] = (noun, verb)
        self.tally[kind] += n

    def add_file(self, path: str, old: bytes | None, new: bytes | None) -> None:
        if not is_data_path(path):
            return
        meeting = path.startswith(f"{MEETINGS_DIR}/")
        before, after = _tables(old, path), _tables(new, path)
        told = sum(self.tally.values()) + len(self.noted)
        if meeting and old is None and new is not None:
            self.tally["new meeting"] += 1
        elif meeting and new is None and old is not None:
            self.tally["meeting deleted"] += 1
            return
        if after is None:
            return
        if path.startswith(f"{CONTRIBUTIONS_DIR}/"):
            self._contributed(before, after)
            if sum(self.tally.values()) + len(self.noted) == told and before != after:
                self.tally["other change"] += 1
            return
        was_header, now_header = _header(before), _header(after)
        name = _meeting_name(was_header or now_header, path)
        if meeting and was_header is not None and now_header is not None:
            self._meeting_changed(name, was_header, now_header)
        for table, noun in _ADDED_NOUNS.items():
            was, now = _records(before, table), _records(after, table)
            added = len(now.keys() - was.keys())
            if added:
                self.tally[noun] += added
            if before is None:
                continue
            removed = len(was.keys() - now.keys())
            if removed:
                self._count(noun, "removed", removed)
            # In the file's order, never a set's: the first of a kind is the one a phrase names.
            for key, record in now.items():
                earlier = was.get(key)
                if isinstance(record, dict) and isinstance(earlier, dict) and _differs(earlier, record):
                    self._record_changed(table, noun, earlier, record)
        if meeting and before is not None:
            was_items, now_items = _records(before, "agenda"), _records(after, "agenda")
            if any(
                isinstance(item, dict) and isinstance(was_items.get(key), dict) and item.get("notes") != was_items[key].get("notes")
                for key, item in now_items.items()
            ):
                self.noted.append(name)
        if sum(self.tally.values()) + len(self.noted) == told and before != after:
            self.tally["other change"] += 1

    def _contributed(self, before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> None:
        """A person's contributions file: what they added ("3 lead feedback", "1 topic"),
        and what they withdrew."""
        was, now = _records(before, CONTRIBUTIONS_TABLE), _records(after, CONTRIBUTIONS_TABLE)
        # In the order they were made (the files keep keys sorted, and the keys are random).
        for key, record in sorted(now.items(), key=lambda kv: kv[1].get(SEQ, 0) if isinstance(kv[1], dict) and type(kv[1].get(SEQ)) is int else 0):
            if not isinstance(record, dict):
                continue
            noun = _CONTRIBUTED_NOUNS.get(_text(record.get("kind")), "contribution")
            earlier = was.get(key)
            if earlier is None:
                self.tally[noun] += 1
            elif isinstance(earlier, dict) and earlier.get("status") != "withdrawn" and record.get("status") == "withdrawn":
                self._count(noun, "withdrawn")

    def _meeting_changed(self, name: str, was: Mapping[str, Any], now: Mapping[str, Any]) -> None:
        """What happened to a meeting, from its header before and after."""
        old_status, status = _text(was.get("status")), _text(now.get("status"))
        if status != old_status and status in _STATUS_WORDS:
            word = "reopened" if (old_status, status) == ("finalized", "ended") else _STATUS_WORDS[status]
            self._event(f"meeting {word}", f"{name} {word}")
        if was.get("date") != now.get("date") and said(now.get("date"), 10):
            self._event("meeting moved", f"{name} moved to {said(now.get('date'), 10)}")
        if was.get("title") != now.get("title") and said(now.get("title")):
            self._event("meeting renamed", f"{name} renamed {said(now.get('title'))}")
        if was.get("attendees") != now.get("attendees") or was.get("absentees") != now.get("absentees"):
            self._event("meeting attendees", f"attendees of {name}")
        if was.get("facilitator") != now.get("facilitator"):
            self._event("meeting facilitator", f"facilitator of {name}")
        # The rating is asked for as a meeting ends: "ended" says enough then.
        rated = was.get("rating") != now.get("rating") or was.get("rating_comment") != now.get("rating_comment")
        ending = status != old_status and status in ("ended", "finalized")
        if rated and not ending:
            rating = now.get("rating")
            if type(rating) is int and 1 <= rating <= 5:
                self._event("meeting rated", f"{name} rated {rating}/5")
            else:
                self._event("meeting rated", f"rating of {name}")
        self._claim_changed(name, was, now, old_status, status)

    def _claim_changed(self, name: str, was: Mapping[str, Any], now: Mapping[str, Any], old_status: str, status: str) -> None:
        """A live meeting whose claim passed from one clone to another: someone took over the
        running of it (the laptop that died mid-meeting). Claimed as it starts and let go as
        it ends, a claim says nothing that "started" and "ended" do not."""
        old, claim = was.get("claim"), now.get("claim")
        if not (old_status == status == "live" and isinstance(old, dict) and isinstance(claim, dict)):
            return
        holder = ("person", "host", "clone")
        if [old.get(k) for k in holder] == [claim.get(k) for k in holder]:
            return
        who = said(claim.get("person")) or said(claim.get("host"))
        self._event("meeting taken over", f"{name} taken over by {who}" if who else f"{name} taken over")

    def _record_changed(self, table: str, noun: str, was: Mapping[str, Any], now: Mapping[str, Any]) -> None:
        """A record of ``table`` that changed: named where the change is a step of the
        practice, else counted as edited."""
        total = sum(self.tally.values())
        if table == "actions":
            status = now.get("status")
            if was.get("status") == "open" and status in ("done", "dropped"):
                self.tally[f"action {status}"] += 1
        elif table == "objectives":
            grown = _length(now.get("checkins")) - _length(was.get("checkins"))
            if grown > 0:
                self.tally["check-in"] += grown
            elif was.get("target") != now.get("target"):
                title, amount = said(now.get("title")) or "an objective", _amount(now.get("target"), now.get("unit"))
                self._event("objective target", f"target of {title} now {amount}" if amount else f"target of {title}")
        elif table == "content":
            status = _text(now.get("status"))
            if status != was.get("status") and status in _CONTENT_WORDS:
                word = _CONTENT_WORDS[status]
                self._event(f"content {word}", f"{said(now.get('title')) or 'a content item'} {word}")
        elif table == "shadow_days":
            self._shadow_day_changed(was, now)
        elif table == "parking_lot" and not _text(was.get("carried_to")) and _text(now.get("carried_to")):
            self._count("parked item", "carried over")
        if sum(self.tally.values()) == total:
            self._count(noun, "edited")

    def _shadow_day_changed(self, was: Mapping[str, Any], now: Mapping[str, Any]) -> None:
        shadow = said(now.get("shadow"))
        day = f"shadow day of {shadow}" if shadow else "a shadow day"
        status = _text(now.get("status"))
        if status != was.get("status") and status in _SHADOW_WORDS:
            word = _SHADOW_WORDS[status]
            self._event(f"shadow day {word}", f"{day} {word}")
        if was.get("date") != now.get("date") and said(now.get("date"), 10):
            self._event("shadow day moved", f"{day} moved to {said(now.get('date'), 10)}")
        grown = _length(now.get("takeaways")) - _length(was.get("takeaways"))
        if grown > 0:
            self.tally["takeaway"] += grown
        if not _text(was.get("debriefed_in")) and _text(now.get("debriefed_in")):
            self._count("shadow day", "debriefed")

    def phrases(self) -> list[str]:
        out: list[str] = []
        if self.noted:
            shown = ", ".join(self.noted[:2]) + (f" and {len(self.noted) - 2} more" if len(self.noted) > 2 else "")
            out.append(f"notes in {shown}")
        for noun, n in self.tally.items():
            if noun in _GROUPED:
                out.append(self.single[noun] if n == 1 else _GROUPED[noun].format(n=n))
            elif noun in self.verbs:
                thing, verb = self.verbs[noun]
                out.append(f"{_counted(n, thing)} {verb}")
            elif noun == "action done":
                out.append(f"{n} action{'s' if n != 1 else ''} done")
            elif noun == "action dropped":
                out.append(f"{n} action{'s' if n != 1 else ''} dropped")
            elif noun == "meeting deleted":
                out.append(f"{count(n, 'meeting')} deleted")
            else:
                out.append(_counted(n, noun))
        return out


def summarise(files: Iterable[tuple[str, bytes | None, bytes | None]]) -> list[str]:
    """Phrases for the changes of (path, old bytes, new bytes); empty when nothing a person
    would name changed."""
    changes = Changes()
    for path, old, new in files:
        changes.add_file(path, old, new)
    return changes.phrases()
