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

A large workspace's first frame comes from a glance (``cache/home.index``, :func:`read_glance`):
what the first screen shows (the newest rows, the summary's counts, the meetings not held
yet), kept by the last full read, believed only while the meetings folder is as that read
found it (every save renames a file into it; a git pull or a sync adds and removes files).
The full read follows the first frame and replaces it: a file rewritten in place (which
leaves the folder as it was) is seen then. At 20,000 meetings the full read took 1 s, the
glance 2 ms.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter
from typing import Any

import orjson

from tandem.store.atomic import SCHEMA_VERSION, atomic_write_bytes, ensure_dir, read_regular
from tandem.store.errors import TandemError
from tandem.store.index.entry import RACY_NS
from tandem.store.index.shared import SharedFiles
from tandem.store.layout import CACHE_DIR
from tandem.store.outside import cache_usable
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
    the summary says is next or missed), the series and the shadow days; and what the
    summary counts over every meeting.

    Not ``complete``: a glance (:func:`read_glance`), whose ``rows`` are only the newest
    ones and whose shadow days are not read yet; the counts are of every meeting."""

    rows: list[HomeRow]
    pending: list[Meeting]
    series: list[Series]
    shadow_days: list[ShadowDay]
    #: How many meetings there are, their open action items, and those items' due dates
    #: (a date → how many are due on it).
    total: int
    open_actions: int
    open_due: dict[str, int]
    complete: bool = True


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


#: ``read_home``'s ``between`` is called each time this many more meetings are read.
BETWEEN_EVERY = 100

#: The meetings folder's modification and change times and inode number, as a read found it.
Stamp = tuple[int, int, int]


def read_home(workspace: Workspace, *, between: Callable[[], None] | None = None) -> HomeData:
    """What the home screen lists, from the meeting index (``Workspace.iter_listed_data``).
    ``between``: called now and then while meetings are read, holding no lock of the index
    (home's read waits there while a form is in front of it, and stops if it raises)."""
    return read_home_stamped(workspace, between=between)[0]


def read_home_stamped(workspace: Workspace, *, between: Callable[[], None] | None = None) -> tuple[HomeData, Stamp | None]:
    """:func:`read_home`, with the meetings folder's stamp from before the read began, if
    it is old enough to move with any change made since (see :func:`keep_glance`)."""
    with collector_paused():
        stamp = _settled_stamp(workspace)
        return _read_home(workspace, between), stamp


def _read_home(workspace: Workspace, between: Callable[[], None] | None) -> HomeData:
    rows: list[HomeRow] = []
    pending: list[Meeting] = []
    due_on: dict[str, int] = {}
    all_open = 0
    for n, (meeting, actions, _) in enumerate(workspace.iter_listed_data(), 1):
        open_due = []
        open_actions = 0
        for action in actions:
            if action["status"] == "open":
                open_actions += 1
                if action["due"]:
                    open_due.append(action["due"])
                    due_on[action["due"]] = due_on.get(action["due"], 0) + 1
        all_open += open_actions
        status = meeting["status"]
        rows.append(
            HomeRow(meeting["id"], meeting["date"], meeting["series_id"], meeting["title"], meeting["facilitator"], status, open_actions, tuple(open_due))
        )
        if status in PENDING_STATUSES:
            pending.append(Meeting.trusted(meeting))
        if between is not None and n % BETWEEN_EVERY == 0:
            between()
    # The shared files as review reads them, each version validated once: the shadow days of
    # a large workspace are thousands of records, and validating them took a fifth of the read.
    shared = SharedFiles(workspace.home)
    return HomeData(rows, pending, shared.all(workspace.series), shared.all(workspace.shadow_days), len(rows), all_open, due_on)


def newest_first(rows: list[HomeRow]) -> list[HomeRow]:
    """The rows as the table lists them: newest first, by date then id (two stable sorts
    make no key tuple per row: at 20,000 rows the collector walked those tuples for a fifth
    of a second)."""
    ordered = sorted(rows, key=attrgetter("id"), reverse=True)
    ordered.sort(key=attrgetter("date"), reverse=True)
    return ordered


#: Up to this many meeting files the command line reads before starting the app (0.1 s for
#: 1,000); a bigger workspace opens on its glance, if it has one (:func:`read_glance`), else
#: at once on a loading indicator, and is read in a thread.
READ_FIRST_LIMIT = 1500


def read_home_first(workspace: Workspace) -> Future[HomeData] | None:
    """The home screen's read, done now (a finished future, its error included): every
    meeting of a small workspace, the glance of a big one; None for a big workspace
    without a glance that can be believed."""
    try:
        with os.scandir(workspace.meetings_dir) as entries:
            # Listed only as far as the limit: 20,000 names took 10-20 ms to count.
            big = next(islice(entries, READ_FIRST_LIMIT, None), None) is not None
    except OSError:
        big = False  # no meetings folder yet; the read says what is wrong, if anything
    future: Future[HomeData] = Future()
    if big:
        glance = read_glance(workspace)
        if glance is None:
            return None
        future.set_result(glance)
        return future
    try:
        future.set_result(read_home(workspace))
    except Exception as exc:  # noqa: BLE001 - reported by the screen, as when it reads itself
        future.set_exception(exc)
    return future


# --- the glance ---------------------------------------------------------------------------

GLANCE_FILE = "home.index"
GLANCE_FORMAT = 1
#: The newest rows a glance keeps: more than the tallest screen shows before the full read.
GLANCE_ROWS = 200
#: A glance file larger than this is not one this tandem wrote.
GLANCE_MAX_BYTES = 4 * 1024 * 1024


def _stamp(workspace: Workspace) -> Stamp | None:
    try:
        st = os.stat(workspace.meetings_dir)
    except OSError:
        return None
    # The change time too: a copy or a restore can set the modification time back, never it.
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _settled_stamp(workspace: Workspace) -> Stamp | None:
    """The meetings folder's stamp, if older than a tick of the file system's clock: a file
    renamed in within the tick the stamp was read in would leave it as it was."""
    stamp = _stamp(workspace)
    return stamp if stamp is not None and time.time_ns() - stamp[0] > RACY_NS else None


def _cache_usable(workspace: Workspace) -> bool:
    """The cache folder is in the workspace (a link out of it would have tandem read and
    write elsewhere), and the workspace exists."""
    return cache_usable(workspace.home, workspace.home / CACHE_DIR)


def _glance_bytes(data: HomeData, stamp: Stamp) -> bytes:
    rows = [[r.id, r.date, r.series_id, r.title, r.facilitator, r.status, r.open_actions, list(r.open_due)] for r in newest_first(data.rows)[:GLANCE_ROWS]]
    return orjson.dumps(
        {
            "format": GLANCE_FORMAT,
            "schema": SCHEMA_VERSION,
            "folder": list(stamp),
            "total": data.total,
            "open_actions": data.open_actions,
            "open_due": data.open_due,
            "rows": rows,
            "pending": [m.to_dict() for m in data.pending],
        }
    )


def keep_glance(workspace: Workspace, data: HomeData, stamp: Stamp | None) -> bool:
    """Write the glance of a full read of a big workspace (``stamp``: see
    :func:`read_home_stamped`; None: the read cannot vouch for the folder), unless the file
    holds it already. True if it was written; a cache folder that cannot be written is
    left as it is, without a word (the glance only saves time)."""
    if stamp is None or not data.complete or data.total <= READ_FIRST_LIMIT or not _cache_usable(workspace):
        return False
    path = workspace.home / CACHE_DIR / GLANCE_FILE
    raw = _glance_bytes(data, stamp)
    try:
        if read_regular(path) == raw:
            return False
    except (OSError, TandemError):
        pass  # none yet, or not a file this tandem wrote: written over
    try:
        ensure_dir(path.parent)
        atomic_write_bytes(path, raw)
    except OSError:
        return False
    return True


def read_glance(workspace: Workspace) -> HomeData | None:
    """The glance (see the module's text), if there is one this tandem wrote for the
    meetings folder as it is now; None otherwise (a damaged, foreign or stale file is
    ignored: the full read writes a new one)."""
    if not _cache_usable(workspace):
        return None
    try:
        found = orjson.loads(read_regular(workspace.home / CACHE_DIR / GLANCE_FILE))
    except (OSError, TandemError, orjson.JSONDecodeError):
        return None
    stamp = _stamp(workspace)
    if type(found) is not dict or found.get("format") != GLANCE_FORMAT or found.get("schema") != SCHEMA_VERSION:
        return None
    if stamp is None or found.get("folder") != list(stamp):
        return None
    try:
        return _glance_data(workspace, found)
    except (TandemError, TypeError, ValueError, KeyError):
        return None


def _glance_data(workspace: Workspace, found: dict[str, Any]) -> HomeData:
    """The glance's data, checked as a data file is (a synced folder can plant a file)."""
    total, open_actions, open_due = found["total"], found["open_actions"], found["open_due"]
    if type(total) is not int or type(open_actions) is not int or type(open_due) is not dict:
        raise TypeError("not a glance of this format")
    if not all(type(day) is str and type(n) is int for day, n in open_due.items()):
        raise TypeError("not a glance of this format")
    rows = []
    for row in found["rows"]:
        meeting_id, day, series_id, title, facilitator, status, open_count, dues = row
        if not all(type(s) is str for s in (meeting_id, day, series_id, title, facilitator, status)) or type(open_count) is not int:
            raise TypeError("not a glance of this format")
        if type(dues) is not list or not all(type(d) is str for d in dues):
            raise TypeError("not a glance of this format")
        rows.append(HomeRow(meeting_id, day, series_id, title, facilitator, status, open_count, tuple(dues)))
    if type(found["pending"]) is not list:
        raise TypeError("not a glance of this format")
    pending = [Meeting.from_dict(m) for m in found["pending"]]
    series = SharedFiles(workspace.home).all(workspace.series)
    return HomeData(rows, pending, series, [], total, open_actions, dict(open_due), complete=False)
