"""Action items for personal task tools: todo.txt lines and Taskwarrior's import JSON.

todo.txt (github.com/todotxt/todo.txt): ``x <done> <created> <text> +project @context
due:YYYY-MM-DD`` — no priority (tandem has none), the meeting's date as the creation
date, the series as the project, the owner as the context. Taskwarrior (``task import``):
one JSON object per line, its ``uuid`` a UUID5 of the action's id, so importing again
updates the same tasks instead of adding new ones.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from tandem.store.outside import one_line
from tandem.store.records import ActionItem, Meeting

#: The namespace of the UUID5s of tandem's action items (fixed forever: changing it
#: duplicates every task a teammate imported).
NAMESPACE = uuid.UUID("5d0c7f3e-2b1a-5c4e-9f60-7a1e3d9b2c11")
_NOT_A_TAG = re.compile(r"[^\w.-]+")
#: What todo.txt reads as metadata in a word: a key, one colon, a value without colons.
_KEY_VALUE = re.compile(r"^([^\s:]+):([^\s:]+)$")
#: Look-alikes for the signs todo.txt reads as syntax, for the action's own words: a
#: reader sees "+1", "@Ana" and "due:Friday"; no todo.txt tool sees a project, a context
#: or a due date that tandem did not write.
_LOOK_ALIKE = {"+": "\uff0b", "@": "\uff20", ":": "\ua789"}


def _defused(word: str) -> str:
    """One word of an action's text, unable to read as todo.txt's +project, @context or
    key:value (a web address keeps its "://": no tool reads that as a key)."""
    if len(word) > 1 and word[0] in "+@":
        word = _LOOK_ALIKE[word[0]] + word[1:]
    found = _KEY_VALUE.match(word)
    if found is not None and not found[2].startswith("//"):
        word = f"{found[1]}{_LOOK_ALIKE[':']}{found[2]}"
    return word


def tag(name: str) -> str:
    """A name as one todo.txt context or Taskwarrior tag: no blank, no sign ("José Ramírez"
    → "José_Ramírez"); "" when nothing is left."""
    return _NOT_A_TAG.sub("_", one_line(name)).strip("_")


def task_uuid(action: ActionItem) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"tandem:action:{action.id}")


def todotxt(action: ActionItem, meeting: Meeting) -> str:
    """One todo.txt line. The action's text goes in on one line; a word of it that would read
    as a +project, @context or key:value gets a look-alike sign instead (todo.txt has no
    escape): the only metadata on the line is tandem's."""
    created = meeting.date
    text = " ".join(_defused(word) for word in (one_line(action.text) or action.id).split(" "))
    # A line's first word decides whether it is done or has a priority: text never starts it.
    head = f"x {action.closed_on or created} {created}" if action.status != "open" else created
    words = [head, text]
    if project := tag(meeting.series_id):
        words.append(f"+{project}")
    if context := tag(action.owner):
        words.append(f"@{context}")
    if action.due:
        words.append(f"due:{action.due}")
    if action.status == "dropped":
        words.append("dropped:yes")
    return " ".join(words)


def _tw_date(day: str) -> str:
    """A day as Taskwarrior stores it: local midnight in UTC, ``YYYYMMDDTHHMMSSZ``."""
    midnight = datetime.combine(date.fromisoformat(day), datetime.min.time()).astimezone()
    return midnight.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def taskwarrior(action: ActionItem, meeting: Meeting) -> dict[str, Any]:
    """One task as ``task import`` reads it."""
    status = {"open": "pending", "done": "completed", "dropped": "deleted"}[action.status]
    task: dict[str, Any] = {
        "uuid": str(task_uuid(action)),
        "description": one_line(action.text) or action.id,
        "status": status,
        "entry": _tw_date(meeting.date),
    }
    if status != "pending":
        task["end"] = _tw_date(action.closed_on or meeting.date)
    if action.due:
        task["due"] = _tw_date(action.due)
    if project := tag(meeting.series_id):
        task["project"] = project
    task["tags"] = ["tandem", *([t] if (t := tag(action.owner)) else [])]
    task["annotations"] = [{"entry": _tw_date(meeting.date), "description": one_line(f"From {meeting.title}, {meeting.date} ({meeting.id})")}]
    return task
