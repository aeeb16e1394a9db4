"""One facilitator per meeting across machines: the claim a live meeting carries.

The writer lock (:mod:`tandem.store.locks`) keeps two tandems on one machine from running
the same meeting; it means nothing on a teammate's clone. So a meeting that starts records
who runs it, on which machine and clone, and since when (:class:`~tandem.store.records.Claim`)
in its own file, and the claim travels with ``tandem sync``. A clone that finds a live
meeting claimed by another clone refuses to run it and names the holder; taking it over
(the laptop that died mid-meeting) replaces the claim with this clone's.

A clone is told apart by a random id kept in its ``.git`` folder (never committed, never
synced): two checkouts on one laptop are two clones, and moving a folder keeps its id. A
workspace not shared through git has no such id, and claims compare hosts only.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tandem.store import ids
from tandem.store.atomic import atomic_write_bytes
from tandem.store.errors import MeetingClaimedError
from tandem.store.records import Claim, Meeting
from tandem.store.sync.setup import host_name, login_name

#: In ``.git``: this clone's id (a few random characters, one line).
CLONE_ID_FILE = "tandem-clone-id"


def clone_id(home: Path) -> str:
    """This clone's id, made on first use; "" for a workspace that is not a git clone."""
    dot_git = home / ".git"
    if not dot_git.is_dir():
        return ""
    path = dot_git / CLONE_ID_FILE
    try:
        found = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        found = ""
    if found.isalnum() and len(found) <= 64:
        return found
    made = ids.new_id()
    try:
        atomic_write_bytes(path, made.encode("ascii") + b"\n")
    except OSError:
        return ""  # a read-only .git: compare hosts, as an unshared workspace does
    return made


def person(home: Path) -> str:
    """The name a claim gives: git's user.name in a shared workspace (the name its commits
    carry), else the login name."""
    if (home / ".git").exists():
        from tandem.store.sync.git import Git

        try:
            name = Git(home).value("config", "user.name")
        except Exception:  # noqa: BLE001 - no git, a broken config: the login name will do
            name = ""
        if name:
            return name
    return login_name()


def this_claim(home: Path, now: datetime) -> Claim:
    return Claim(person=person(home), host=host_name(), since=now.isoformat(timespec="seconds"), clone=clone_id(home))


def is_ours(claim: Claim, home: Path) -> bool:
    """Whether ``claim`` was made here: by this clone, or (where either side has no clone
    id) on this host."""
    mine = clone_id(home) if claim.clone else ""
    if claim.clone and mine:
        return claim.clone == mine
    return claim.host == host_name()


def claimed_elsewhere(meeting: Meeting, home: Path) -> Claim | None:
    """The claim of ``meeting`` if it is live and run by another clone, else None."""
    claim = meeting.claim
    if meeting.status != "live" or claim is None or is_ours(claim, home):
        return None
    return claim


def refuse_if_claimed(meeting: Meeting, home: Path) -> None:
    """Refuse to run ``meeting`` when it is live and claimed by another clone."""
    claim = claimed_elsewhere(meeting, home)
    if claim is not None:
        raise MeetingClaimedError(meeting.id, claim.holder)
