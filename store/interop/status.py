"""The facts behind ``tandem status``: the open action items' due dates and owners, the
planned meetings and how many contributions wait, read from the meeting index and kept in
``cache/status.json`` so a shell prompt answers without loading the workspace.

The cache is derived: ``tui/cli/status.py`` reads it when its key (a digest of the names,
sizes and modification times of the workspace's files, tandem's version and config.toml) is
the one it computes; anything else — no file, a damaged or too-new one, a key written while
files were still changing within the clock's resolution — means it is built again here.
The counts depend on the day, so the cache keeps dates, never counts.
"""

from __future__ import annotations

import time
from typing import Any

import orjson

from tandem.store.atomic import atomic_write_bytes, ensure_dir
from tandem.store.config import CalendarConfig
from tandem.store.layout import CACHE_DIR, MEETINGS_DIR, SHARED_FILES, WORKSPACE_FILE
from tandem.store.workspace import Workspace

#: The cache file's format; a file of another one is rebuilt.
FORMAT = 2
FILE_NAME = "status.json"
#: A key whose newest file is younger than this when the facts are read is not trusted
#: later: a second write within one tick of a coarse clock would leave the key unchanged.
RACY_NS = 2_000_000_000


def facts(workspace: Workspace, *, me: str = "", starts: CalendarConfig | None = None) -> dict[str, Any]:
    """What the status line is made of, in JSON types: open actions with a due date as
    ``[due, owner]``, planned meetings as ``[date, start, title, id]`` in date order (the
    start from config.toml's ``[calendar]``: ``starts``), meetings running now as
    ``[date, title, id]``, the number of contributions waiting, and who ``me`` is
    (config.toml's ``[me]``)."""
    from tandem.store.contrib.triage import waiting

    actions: list[list[str]] = []
    planned: list[list[str]] = []
    live: list[list[str]] = []
    starts = starts or CalendarConfig()
    for meeting, rows, _ in workspace.iter_listed_data():
        if meeting.get("status") == "live":
            live.append([str(meeting["date"]), str(meeting["title"]), str(meeting["id"])])
        if meeting.get("status") == "planned":
            start = starts.start_of(str(meeting.get("series_id", ""))).strftime("%H:%M")
            planned.append([str(meeting["date"]), start, str(meeting["title"]), str(meeting["id"])])
        actions.extend([str(a["due"]), str(a.get("owner", ""))] for a in rows if a.get("status") == "open" and a.get("due"))
    planned.sort()
    live.sort()
    actions.sort()
    return {"actions": actions, "meetings": planned, "live": live, "waiting": len(waiting(workspace)), "me": me}


def rebuild(workspace: Workspace, key: str, newest_ns: int, *, me: str = "", starts: CalendarConfig | None = None) -> dict[str, Any]:
    """:func:`facts`, saved under ``key`` in the cache folder unless the workspace is
    read-only; ``newest_ns``: the newest modification time the key was made of."""
    found = facts(workspace, me=me, starts=starts)
    racy = time.time_ns() - newest_ns < RACY_NS
    # Only in a workspace: a prompt runs this in whatever folder TANDEM_HOME names, and a
    # folder that is no workspace must not get a cache/ of its own.
    if not workspace.read_only and any((workspace.home / name).exists() for name in (WORKSPACE_FILE, MEETINGS_DIR, *SHARED_FILES)):
        folder = workspace.home / CACHE_DIR
        try:
            ensure_dir(folder)
            atomic_write_bytes(folder / FILE_NAME, orjson.dumps({"format": FORMAT, "key": "" if racy else key, "facts": found}))
        except OSError:
            pass  # a cache that cannot be written is only slower next time
    return found
