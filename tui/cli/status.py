"""``tandem status``: one short line for a shell prompt, tmux's status bar or cron.

Run on every prompt, so it loads as little as ``tandem --version``: it reads
``cache/status.json`` (``store/interop/status.py``) with orjson when the cache's key matches
the workspace's files, and only otherwise loads the store to build it again. Nothing of
``tandem.store`` is imported on that path: its package imports the whole workspace layer.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
import orjson

from tandem import __version__
from tandem.tui.cli.owner import owner_name

# As tandem.store.layout and tandem.store.interop.status (tests check they agree): this
# module must not import the store to know them.
CACHE_DIR = "cache"
MEETINGS_DIR = "meetings"
CONTRIBUTIONS_DIR = "contributions"
STATUS_FILE = "status.json"
FORMAT = 2


def default_home() -> Path:
    """``tandem.store.workspace.default_home``, without importing the store."""
    env = os.environ.get("TANDEM_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("tandem", appauthor=False)


def config_file() -> Path:
    """``tandem.store.config.config_path``, without importing the store."""
    override = os.environ.get("TANDEM_CONFIG_DIR")
    if override:
        return Path(override).expanduser() / "config.toml"
    from platformdirs import user_config_path

    return user_config_path("tandem", appauthor=False) / "config.toml"


def fingerprint(home: Path) -> tuple[str, int]:
    """A key of everything the status is read from — the names, sizes and modification
    times of the workspace's data files, its meetings and contributions, config.toml and
    tandem's version — and the newest of those times (ns)."""
    parts: list[str] = [__version__]
    newest = 0
    for folder in (home, home / MEETINGS_DIR, home / CONTRIBUTIONS_DIR):
        try:
            entries = os.scandir(folder)
        except OSError:
            parts.append(f"{folder.name}\0absent")
            continue
        with entries:
            for entry in entries:
                # Locks hold no data and change when a command merely reads.
                if entry.name.endswith(".lock"):
                    continue
                try:
                    if not entry.is_file(follow_symlinks=False):
                        continue
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                parts.append(f"{folder.name}/{entry.name}\0{info.st_size}\0{info.st_mtime_ns}")
                newest = max(newest, info.st_mtime_ns)
    try:
        info = os.stat(config_file())
    except OSError:
        parts.append("config\0absent")
    else:
        parts.append(f"config\0{info.st_size}\0{info.st_mtime_ns}")
        newest = max(newest, info.st_mtime_ns)
    parts.sort()
    return hashlib.blake2b("\n".join(parts).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest(), newest


def _cached(home: Path, key: str) -> dict[str, Any] | None:
    try:
        with open(home / CACHE_DIR / STATUS_FILE, "rb") as f:
            stored = orjson.loads(f.read())
    except (OSError, orjson.JSONDecodeError):
        return None
    if type(stored) is not dict or stored.get("format") != FORMAT or not key or stored.get("key") != key:
        return None
    found = stored.get("facts")
    return found if type(found) is dict else None


def load_facts(home: Path) -> dict[str, Any]:
    """The status facts of ``home``: from the cache when it is current, else built."""
    if not home.is_dir():
        return {"actions": [], "meetings": [], "live": [], "waiting": 0, "me": ""}
    key, newest = fingerprint(home)
    found = _cached(home, key)
    if found is not None:
        return found
    from tandem.store.config import load_config
    from tandem.store.interop.status import rebuild
    from tandem.store.workspace import Workspace

    config = load_config().config
    return rebuild(Workspace(home), key, newest, me=config.me.name.strip(), starts=config.calendar)


def _when(day: date, start: str, today: date) -> str:
    if day == today:
        return f"today {start}"
    if day == today + timedelta(days=1):
        return f"tomorrow {start}"
    if today < day < today + timedelta(days=7):
        return f"{day:%a} {start}"
    return f"{day.isoformat()} {start}"


def summary(facts: dict[str, Any], today: date, *, owner: str | None = None) -> dict[str, Any]:
    """The counts and the next meeting of ``facts`` on ``today`` (of ``owner``'s actions,
    when given), with the line they make."""
    # store.addresses.person_key's rule, written out: the store is not imported here.
    who = " ".join(owner.split()).casefold() if owner is not None else None
    overdue = due_today = due_tomorrow = 0
    today_s, tomorrow_s = today.isoformat(), (today + timedelta(days=1)).isoformat()
    for due, person in facts.get("actions", ()):
        if who is not None and " ".join(str(person).split()).casefold() != who:
            continue
        if due < today_s:
            overdue += 1
        elif due == today_s:
            due_today += 1
        elif due == tomorrow_s:
            due_tomorrow += 1
    upcoming = next((row for row in facts.get("meetings", ()) if row[0] >= today_s), None)
    waiting = int(facts.get("waiting", 0))
    # A meeting left live on an earlier day was abandoned, not running: only today's count.
    live = [{"id": meeting_id, "title": title, "date": day} for day, title, meeting_id in facts.get("live", ()) if day == today_s]
    words = []
    if live:
        words.append("meeting live now" if len(live) == 1 else f"{len(live)} meetings live now")
    if overdue:
        words.append(f"{overdue} overdue")
    if due_today:
        words.append(f"{due_today} due today")
    if due_tomorrow:
        words.append(f"{due_tomorrow} due tomorrow")
    next_meeting = None
    if upcoming is not None:
        day, start, title, meeting_id = upcoming
        next_meeting = {"id": meeting_id, "title": title, "date": day, "start": start}
        words.append(f"next meeting {_when(date.fromisoformat(day), start, today)}")
    if waiting:
        words.append(f"{waiting} contribution{'s' if waiting != 1 else ''} waiting")
    return {
        "overdue": overdue,
        "due_today": due_today,
        "due_tomorrow": due_tomorrow,
        "next_meeting": next_meeting,
        "live": live,
        "contributions_waiting": waiting,
        "line": " · ".join(words) or "nothing due",
    }


def run_status(home: Path | None, *, owner: str | None, as_json: bool, today: date) -> None:
    facts = load_facts(home or default_home())
    owner = owner_name(owner, my_name=lambda: str(facts.get("me") or ""), config=config_file)
    found = summary(facts, today, owner=owner)
    if as_json:
        click.echo(orjson.dumps(found).decode())
    else:
        click.echo(found["line"])  # counts and dates only: no teammate's text reaches the line
