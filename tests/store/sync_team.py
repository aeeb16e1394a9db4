"""A team in temporary folders for the sync tests: a bare repository (the team's remote) and
clones of one workspace, edited through the store as the app edits them."""

from __future__ import annotations

import subprocess
import time
from dataclasses import replace
from pathlib import Path

import orjson

from tandem.store import ids
from tandem.store.records import AgendaItem, CheckIn, ContentItem, Meeting, Objective, Series
from tandem.store.sync.describe import is_data_path
from tandem.store.sync.run import Sync
from tandem.store.sync.setup import clone, init
from tandem.store.workspace import Workspace

FIRST_MEETING = "2026-12-08-weekly"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def identity(home: Path, name: str) -> None:
    git(home, "config", "user.name", name)
    git(home, "config", "user.email", f"{name.lower()}@example.com")


def seed(home: Path) -> Workspace:
    """A small workspace: a series, a meeting with an agenda, an objective, a content item."""
    ws = Workspace(home)
    ws.set_info(name="Team")
    ws.series.add(Series(id="weekly", title="Weekly sync"))
    ws.objectives.add(Objective(id="obj000000001", title="MQLs", metric="mql", target=100))
    ws.content.add(ContentItem(id="cnt000000001", title="Pricing page"))
    agenda = [AgendaItem(id="agd000000001", title="Lead quality", position=0), AgendaItem(id="agd000000002", title="Actions", position=1)]
    ws.create_meeting(Meeting(id=FIRST_MEETING, series_id="weekly", title="Weekly sync", date="2026-12-08"), agenda)
    return ws


def team(root: Path, names: list[str]) -> list[Path]:
    """A bare remote and one clone per name, the first the facilitator who shared it."""
    remote = root / "team.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    homes = [root / name.lower() for name in names]
    seed(homes[0])
    git(homes[0], "init", "-q", "-b", "main")
    identity(homes[0], names[0])
    init(homes[0], str(remote))
    for name, home in zip(names[1:], homes[1:], strict=True):
        clone(str(remote), home)
        identity(home, name)
    return homes


def run_sync(home: Path) -> str:
    return Sync(home).run().sentence()


def data_files(home: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for path in [*home.glob("*.json"), *home.glob("meetings/*.json")]:
        rel = path.relative_to(home).as_posix()
        if is_data_path(rel):
            found[rel] = path.read_bytes()
    return found


def tables(home: Path) -> dict[str, dict[str, object]]:
    """Every data file's tables, as the files hold them."""
    return {rel: orjson.loads(raw) for rel, raw in data_files(home).items()}


def add_checkin(ws: Workspace, objective_id: str, value: float, day: str) -> None:
    goal = ws.objectives.get(objective_id)
    ws.objectives.update(replace(goal, checkins=[*goal.checkins, CheckIn(date=day, value=value, status="on_track")]))


def set_notes(ws: Workspace, meeting_id: str, item_id: str, notes: str) -> None:
    with ws.open_meeting(meeting_id) as writer:
        item = writer.agenda.get(item_id)
        writer.agenda.update(replace(item, notes=notes))


def new_content(ws: Workspace, title: str) -> str:
    item = ContentItem(id=ids.new_id(), title=title)
    ws.content.add(item)
    return item.id


def cli_sync(home: Path, env: dict[str, str] | None = None) -> str:
    """`tandem sync` on the command line; a sync the app started on its own (on quit, say)
    may still hold the repository for a moment, and then the next one is simply retried."""
    from conftest import run_cli

    for _ in range(40):
        done = run_cli("--home", str(home), "sync", env=env)
        if done.code == 0:
            return done.out
        assert "try again" in done.err, done.err
        time.sleep(0.5)
    raise AssertionError(f"{home}: the repository stayed busy")
