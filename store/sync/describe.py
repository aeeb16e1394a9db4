"""What changed between two versions of a workspace, in the words of the practice: a commit
message that says what ("Maya: notes in 2026-12-08-weekly-sync; 3 lead feedback; 1 action
done") and the app's "Synced: 2 new meetings, 5 lead feedback from José"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tandem.store.atomic import decode
from tandem.store.errors import CorruptFileError, NewerSchemaError
from tandem.store.layout import MEETINGS_DIR
from tandem.store.words import count

#: The record tables whose new records are counted, with the noun for one of them.
_ADDED_NOUNS = {
    "lead_feedback": "lead feedback",
    "decisions": "decision",
    "actions": "action item",
    "parking_lot": "parked item",
    "objectives": "objective",
    "content": "content item",
    "insights": "prospect question",
    "shadow_days": "shadow day",
    "series": "series",
}


def is_data_path(path: str) -> bool:
    """A tandem data file, by its path in the repository (``meetings/<id>.json`` or a file at
    the top); minutes, a README or anything a team keeps beside them is not."""
    parts = path.split("/")
    if len(parts) == 1:
        return parts[0].endswith(".json") and not parts[0].startswith(".")
    return len(parts) == 2 and parts[0] == MEETINGS_DIR and parts[1].endswith(".json") and not parts[1].startswith(".")


def _tables(raw: bytes | None, path: str) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        return decode(raw, Path(path))
    except (CorruptFileError, NewerSchemaError):
        return None


def _records(tables: Mapping[str, Any] | None, name: str) -> dict[str, Any]:
    table = (tables or {}).get(name)
    if not isinstance(table, dict):
        return {}
    # Keyed by the record's own id where it has one, so that the old layout (counter keys)
    # and the new compare record for record.
    return {str(doc.get("id") or key) if isinstance(doc, dict) else key: doc for key, doc in table.items()}


class Changes:
    """Counts of what changed, summed over files, in the order they are told."""

    def __init__(self) -> None:
        self.tally: Counter[str] = Counter()
        self.noted: list[str] = []  # meetings whose notes changed

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
        for table, noun in _ADDED_NOUNS.items():
            was, now = _records(before, table), _records(after, table)
            added = len(now.keys() - was.keys())
            if added:
                self.tally[noun] += added
        was_actions, now_actions = _records(before, "actions"), _records(after, "actions")
        for key, action in now_actions.items():
            old_action = was_actions.get(key)
            if isinstance(action, dict) and isinstance(old_action, dict) and old_action.get("status") == "open" and action.get("status") in ("done", "dropped"):
                self.tally[f"action {action['status']}"] += 1
        was_goals, now_goals = _records(before, "objectives"), _records(after, "objectives")
        for key, goal in now_goals.items():
            old_goal = was_goals.get(key)
            if isinstance(goal, dict) and isinstance(old_goal, dict):
                grown = len(goal.get("checkins") or []) - len(old_goal.get("checkins") or [])
                if grown > 0:
                    self.tally["check-in"] += grown
        if meeting and before is not None:
            was_items, now_items = _records(before, "agenda"), _records(after, "agenda")
            if any(
                isinstance(item, dict) and isinstance(was_items.get(key), dict) and item.get("notes") != was_items[key].get("notes")
                for key, item in now_items.items()
            ):
                self.noted.append(path.removeprefix(f"{MEETINGS_DIR}/").removesuffix(".json"))
        if sum(self.tally.values()) + len(self.noted) == told and before != after:
            self.tally["other change"] += 1

    def phrases(self) -> list[str]:
        said: list[str] = []
        if self.noted:
            shown = ", ".join(self.noted[:2]) + (f" and {len(self.noted) - 2} more" if len(self.noted) > 2 else "")
            said.append(f"notes in {shown}")
        for noun, n in self.tally.items():
            if noun == "action done":
                said.append(f"{n} action{'s' if n != 1 else ''} done")
            elif noun == "action dropped":
                said.append(f"{n} action{'s' if n != 1 else ''} dropped")
            elif noun == "meeting deleted":
                said.append(f"{count(n, 'meeting')} deleted")
            elif noun in ("lead feedback", "series"):
                said.append(f"{n} {noun}")
            else:
                said.append(count(n, noun))
        return said


def summarise(files: Iterable[tuple[str, bytes | None, bytes | None]]) -> list[str]:
    """Phrases for the changes of (path, old bytes, new bytes); empty when nothing a person
    would name changed."""
    changes = Changes()
    for path, old, new in files:
        changes.add_file(path, old, new)
    return changes.phrases()
