"""Three people contribute between meetings on three clones and sync in random orders (the
real git, a bare remote): every contribution arrives everywhere exactly once, the three
clones end with the same files, and no sync ever decides a conflict — each file has one
writer."""

from __future__ import annotations

import random
import shutil
import stat
from datetime import datetime, timedelta
from pathlib import Path

import orjson
import pytest

from tandem.store.contrib import Contributions, make, person_slug
from tandem.store.layout import CONFLICTS_TABLE
from tandem.store.sync.run import Sync
from tandem.store.sync.setup import clone
from tandem.store.workspace import Workspace
from tests.store.sync_team import data_files, team

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

NAMES = ["Maya", "José Núñez", "Zoe"]
TEAMS = ["marketing", "sales", "sales"]


def contribute(rng: random.Random, who: int, home: Path, made: dict[str, str], withdrawn: set[str], clock: datetime) -> None:
    """One to three contributions of random kinds by ``who``; sometimes one of theirs withdrawn."""
    ws = Workspace(home)
    store = Contributions(ws)
    me = {"author": NAMES[who], "team": TEAMS[who], "now": clock}
    for n in range(rng.randint(1, 3)):
        kind = rng.choice(["lead", "question", "topic", "content", "checkin"])
        if kind == "lead":
            c = make.lead(f"SF-{rng.randint(1, 999)}", rng.choice(["good", "too_early"]), **me)
        elif kind == "question":
            c = make.question(f"{NAMES[who]} heard question {n}?", heard=rng.randint(1, 4), **me)
        elif kind == "topic":
            c = make.topic(f"{NAMES[who]}'s topic {n}", minutes=rng.randint(1, 30), series_id="weekly", **me)
        elif kind == "content":
            c = make.content(f"{NAMES[who]}'s idea {n}", **me)
        else:
            c = make.checkin(ws.objectives.get("obj000000001"), rng.randint(0, 120), **me)
        store.add(c)
        made[c.id] = NAMES[who]
    mine = [c for c in store.waiting(author=NAMES[who])]
    if mine and rng.random() < 0.3:
        gone = rng.choice(mine).id
        store.withdraw(NAMES[who], gone)
        withdrawn.add(gone)


def contributions_files(home: Path) -> dict[str, bytes]:
    return {p.relative_to(home).as_posix(): p.read_bytes() for p in sorted((home / "contributions").glob("*.json"))}


@pytest.mark.serial
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_three_clones_converge_without_a_conflict(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    homes = team(tmp_path, ["Maya", "Jose", "Zoe"])
    made: dict[str, str] = {}
    withdrawn: set[str] = set()
    conflicts = 0
    clock = datetime(2026, 12, 1, 9, 0)
    for _ in range(6):
        for who in rng.sample(range(3), 3):  # concurrently: nobody has synced in between
            clock += timedelta(minutes=7)
            contribute(rng, who, homes[who], made, withdrawn, clock)
        for who in rng.sample(range(3), rng.randint(1, 3)):
            conflicts += Sync(homes[who]).run().conflicts
    for home in [*homes, *homes[:2]]:  # everyone once, then the first two again: all caught up
        conflicts += Sync(home).run().conflicts

    # A fourth person joins now: git writes the folder and files, tandem makes them private.
    late = tmp_path / "late"
    clone(str(tmp_path / "team.git"), late)
    homes.append(late)

    assert conflicts == 0
    files = [contributions_files(home) for home in homes]
    assert files[0] == files[1] == files[2] == files[3]
    assert sorted(files[0]) == [f"contributions/{person_slug(n)}.json" for n in sorted(NAMES, key=person_slug)]
    for home in homes:
        everything = Contributions(Workspace(home)).all()
        ids = [c.id for c in everything]
        assert sorted(ids) == sorted(made)  # every one, once
        assert {c.id: c.author for c in everything} == made
        assert {c.id for c in everything if c.status == "withdrawn"} == withdrawn
        # No data file anywhere holds a decided conflict.
        for rel, raw in [*data_files(home).items(), *contributions_files(home).items()]:
            assert not orjson.loads(raw).get(CONFLICTS_TABLE), rel
        # Each file holds only its own author's records: one writer per file; private
        # again after git wrote it (git keeps no modes).
        assert stat.S_IMODE((home / "contributions").stat().st_mode) == 0o700
        for path in (home / "contributions").glob("*.json"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
            authors = {doc["author"] for doc in orjson.loads(path.read_bytes())["contributions"].values()}
            assert len(authors) == 1, path
