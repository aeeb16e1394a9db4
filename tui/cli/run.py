"""``tandem run``: which meeting to open, checked before the app starts."""

from __future__ import annotations

from datetime import date

from tandem.store.errors import TandemError
from tandem.store.lifecycle import next_meeting, resolve_meeting_ref
from tandem.store.workspace import Workspace


def pick_meeting(workspace: Workspace, requested: str | None, *, today: date | None = None) -> str | None:
    """The meeting to run; None means: offer to create one. Refusals are one sentence."""
    if requested is not None:
        meeting = resolve_meeting_ref(workspace, requested)
    else:
        found = next_meeting(workspace.list_meetings(), today or date.today())
        if found is None:
            return None
        meeting = found
    if meeting.status in ("ended", "finalized"):
        raise TandemError(f"Meeting {meeting.id} has {meeting.status}; export its minutes with 'tandem export {meeting.id}'.")
    if meeting.status == "cancelled":
        raise TandemError(f"Meeting {meeting.id} is cancelled; 'tandem meeting uncancel {meeting.id}' plans it again.")
    # Refuse now, in one sentence, if someone else is running it.
    workspace.open_meeting(meeting.id).close()
    return meeting.id
