"""What the home screen lists, read before Textual is imported.

No Textual here: the command line reads the workspace with this before it imports the app
(see ``tui/cli/main.py``), and the home screen's first layout already holds the meetings.

Measured (benchmarks/start.py, 500 meetings): read in a thread next to Textual's start-up,
the same 30 ms of reading took 100-180 ms — each file read gives up the GIL and waits for
the busy main thread to hand it back — and the first frame came 0.1 s later than reading
first, in the main thread, with nothing else to do yet.

A meeting is kept as a row of what the list shows (:class:`HomeRow`), not as records: at
20,000 meetings the records, and the collector walking them, cost four times the index's
decoding. The screen reads the whole meeting when one is highlighted.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from tandem.store.index.shared import SharedFiles
from tandem.store.records import Meeting, Series, ShadowDay
from tandem.store.workspace import Workspace

#: Statuses of a meeting not held yet (or being held): what is next, what was missed.
PENDING_STATUSES = ("live", "planned")


@dataclass(frozen=True, slots=True)
class HomeRow:
    """One meeting as home lists it."""

    id: str
    date: str
    series_id: str
    title: str
    facilitator: str
    status: str
    open_actions: int
    #: The due dates of its open action items that have one (for what is overdue today).
    open_due: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HomeData:
    """Every meeting as a row (in id order), the live and planned ones whole (a few: what
    the summary says is next or missed), the series and the shadow days."""

    rows: list[HomeRow]
    pending: list[Meeting]
    series: list[Series]
    shadow_days: list[ShadowDay]


@contextmanager
def collector_paused() -> Iterator[None]:
    """The garbage collector paused while a read builds what it keeps: it would walk the
    index's 20,000 entries again and again as they are made, for no cycle (a fifth to a third
    of the read). Left as it was found: paused by the start-up (``tui/startup.py``), it
    stays paused."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def read_home(workspace: Workspace) -> HomeData:
    """What the home screen lists, from the meeting index (``Workspace.iter_listed_data``)."""
    with collector_paused():
        return _read_home(workspace)


def _read_home(workspace: Workspace) -> HomeData:
    rows: list[HomeRow] = []
    pending: list[Meeting] = []
    for meeting, actions, _ in workspace.iter_listed_data():
        open_due = []
        open_actions = 0
        for action in actions:
            if action["status"] == "open":
                open_actions += 1
                if action["due"]:
                    open_due.append(action["due"])
        status = meeting["status"]
        rows.append(
            HomeRow(meeting["id"], meeting["date"], meeting["series_id"], meeting["title"], meeting["facilitator"], status, open_actions, tuple(open_due))
        )
        if status in PENDING_STATUSES:
            pending.append(Meeting.trusted(meeting))
    # The shared files as review reads them, each version validated once: the shadow days of
    # a large workspace are thousands of records, and validating them took a fifth of the read.
    shared = SharedFiles(workspace.home)
    return HomeData(rows, pending, shared.all(workspace.series), shared.all(workspace.shadow_days))


#: Up to this many meeting files the command line reads before starting the app (0.1 s for
#: 1,000); a bigger workspace opens at once on a loading indicator and is read in a thread.
READ_FIRST_LIMIT = 1500


def read_home_first(workspace: Workspace) -> Future[HomeData] | None:
    """The home screen's read, done now (a finished future, its error included), or None
    for a workspace too big to read before the first frame."""
    try:
        with os.scandir(workspace.meetings_dir) as entries:
            # Listed only as far as the limit: 20,000 names took 10-20 ms to count.
            if next(islice(entries, READ_FIRST_LIMIT, None), None) is not None:
                return None
    except OSError:
        pass  # no meetings folder yet; the read says what is wrong, if anything
    future: Future[HomeData] = Future()
    try:
        future.set_result(read_home(workspace))
    except Exception as exc:  # noqa: BLE001 - reported by the screen, as when it reads itself
        future.set_exception(exc)
    return future
