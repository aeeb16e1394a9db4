"""Half-typed capture forms, kept when tandem had to stop with a form open (its terminal
closed, a SIGTERM), so that resuming the meeting opens the form again with what was typed.

One file per meeting, ``drafts/<meeting id>.json``, written atomically like every data file
and private to this machine: a draft is what one person was typing, not a record yet.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tandem.store.atomic import _clean_text, atomic_write_bytes, encode, ensure_dir, read_file
from tandem.store.errors import TandemError

DRAFT_KIND = "draft"

#: What a form field holds: text, a choice, several choices, or a tick.
FieldValue = str | list[str] | bool


@dataclass(frozen=True)
class Draft:
    meeting_id: str
    kind: str  # the capture kind: "decision", "action", "lead_feedback"…
    values: dict[str, FieldValue]


class Drafts:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, meeting_id: str) -> Path:
        return self.folder / f"{meeting_id}.json"

    def keep(self, meeting_id: str, kind: str, values: dict[str, Any]) -> Path:
        fields = {str(k): _clean_text(v) for k, v in values.items() if isinstance(v, (str, bool, list))}
        ensure_dir(self.folder)
        path = self.path(meeting_id)
        atomic_write_bytes(path, encode({"draft": {"meeting_id": meeting_id, "kind": kind, "values": fields}}, DRAFT_KIND))
        return path

    def get(self, meeting_id: str) -> Draft | None:
        """The meeting's draft; None when there is none, or it cannot be read (a draft is a
        courtesy: a damaged one must never stop a meeting from opening)."""
        try:
            tables = read_file(self.path(meeting_id))
        except (TandemError, OSError):
            return None
        if not tables:
            return None
        draft = tables.get("draft")
        if not isinstance(draft, dict) or not isinstance(draft.get("values"), dict) or not isinstance(draft.get("kind"), str):
            return None
        values = {k: v for k, v in draft["values"].items() if isinstance(v, (str, bool)) or (isinstance(v, list) and all(isinstance(x, str) for x in v))}
        return Draft(meeting_id=meeting_id, kind=draft["kind"], values=values)

    def discard(self, meeting_id: str) -> None:
        with contextlib.suppress(OSError):
            self.path(meeting_id).unlink(missing_ok=True)
