"""What the home screen lists, read before Textual is imported.

No Textual here: the command line reads the workspace with this before it imports the app
(see ``tui/cli/main.py``), and the home screen's first layout already holds the meetings.

Measured (benchmarks/start.py, 500 meetings): read in a thread next to Textual's start-up,
the same 30 ms of reading took 100-180 ms — each file read gives up the GIL and waits for
the busy main thread to hand it back — and the first frame came 0.1 s later than reading
first, in the main thread, with nothing else to do yet.
"""

from __future__ import annotations

import os
from concurrent.futures import Future

from tandem.store.records import Series, ShadowDay
from tandem.store.workspace import MeetingRecord, Workspace

HomeData = tuple[list[MeetingRecord], list[Series], list[ShadowDay]]


def read_home(workspace: Workspace) -> HomeData:
    """What the home screen lists: each meeting with its action items (the detail pane
    reads the whole meeting when one is highlighted), the series and the shadow days."""
    records = list(workspace.iter_meeting_records(only=("actions",)))
    return records, workspace.series.all(), workspace.shadow_days.all()


#: Up to this many meeting files the command line reads before starting the app (0.1 s for
#: 1,000); a bigger workspace opens at once on a loading indicator and is read in a thread.
READ_FIRST_LIMIT = 1500


def read_home_first(workspace: Workspace) -> Future[HomeData] | None:
    """The home screen's read, done now (a finished future, its error included), or None
    for a workspace too big to read before the first frame."""
    try:
        with os.scandir(workspace.meetings_dir) as entries:
            if sum(1 for _ in entries) > READ_FIRST_LIMIT:
                return None
    except OSError:
        pass  # no meetings folder yet; the read says what is wrong, if anything
    future: Future[HomeData] = Future()
    try:
        future.set_result(read_home(workspace))
    except Exception as exc:  # noqa: BLE001 - reported by the screen, as when it reads itself
        future.set_exception(exc)
    return future
