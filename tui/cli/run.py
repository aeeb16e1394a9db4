"""``tandem run``: which meeting to open, checked before the app starts."""

from __future__ import annotations

from datetime import date

from tandem.store.errors import TandemError
from tandem.store.workspace import Workspace


def pick_meeting(workspace: Workspace, requested: str | None, *, today: date | None = None) -> str | None:
    """The meeting to run; None means: offer to create one. Refusals are one sentence."""
    if requested is not None:
        meeting = workspace.get_meeting(requested)
    else:
        meetings = workspace.list_meetings()
        live = [m for m in meetings if m.status == "live"]
        planned = [m for m in meetings if m.status == "planned"]
        day = (today or date.today()).isoformat()
        upcoming = [m for m in planned if m.date >= day]
        candidates = live or upcoming or planned[-1:]
        if not candidates:
            return None
        meeting = candidates[0]
    if meeting.status in ("ended", "finalized"):
        raise TandemError(f"Meeting {meeting.id} has {meeting.status}; export its minutes with 'tandem export {meeting.id}'.")
    # Refuse now, in one sentence, if someone else is running it.
    workspace.open_meeting(meeting.id).close()
    return meeting.id
