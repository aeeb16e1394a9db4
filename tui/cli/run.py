"""``tandem run``: which meeting to open, checked before the app starts."""

from __future__ import annotations

from datetime import date

from tandem.store.errors import TandemError
from tandem.store.lifecycle import next_meeting, resolve_meeting_ref
from tandem.store.sync.claim import refuse_if_claimed
from tandem.store.workspace import Workspace


def pick_meeting(workspace: Workspace, requested: str | None, *, today: date | None = None, take_over: bool = False) -> str | None:
    """The meeting to run; None means: offer to create one. Refusals are one sentence: a
    meeting run on a teammate's clone is refused naming the holder, unless ``take_over``."""
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
    # Refuse now, in one sentence, if someone else is running it: here, or on another clone.
    workspace.open_meeting(meeting.id).close()
    if not take_over:
        refuse_if_claimed(meeting, workspace.home)
    return meeting.id
