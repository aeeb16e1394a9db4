"""Three laptops, one team repository, the real git: concurrent edits of every kind and syncs
in random orders, many rounds. Afterwards the three workspaces are identical, every record
created anywhere is there, every value that lost a same-field race is recorded, no file holds
a conflict marker and every file loads."""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from tandem.store import ids
from tandem.store.records import LeadFeedback, Meeting, ShadowDay
from tandem.store.sync.merge import recorded_conflicts
from tandem.store.workspace import Workspace
from tests.store.sync_team import FIRST_MEETING, add_checkin, data_files, new_content, run_sync, set_notes, team

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

NAMES = ["Maya", "Jose", "Zoe"]


class Ledger:
    """What the three did, to check the end state against."""

    def __init__(self) -> None:
        self.content: set[str] = set()
        self.deleted: set[str] = set()
        self.feedback: set[str] = set()
        self.meetings: set[str] = set()
        self.shadow_days: set[str] = set()
        self.checkins: set[float] = set()
        self.notes: list[str] = []
        self.titles: set[str] = {"Pricing page"}


def act(rng: random.Random, who: int, home: Path, ledger: Ledger, step: int) -> None:
    ws = Workspace(home)
    name = NAMES[who]
    kind = rng.choice(["content", "content", "delete", "feedback", "meeting", "checkin", "notes", "title", "shadow"])
    if kind == "content":
        ledger.content.add(new_content(ws, f"{name}'s idea {step}"))
    elif kind == "delete":
        mine = [c for c in ws.content.all() if c.id in ledger.content and c.title.startswith(name)]
        if mine:
            gone = rng.choice(mine).id
            ws.content.delete(gone)
            ledger.deleted.add(gone)
    elif kind == "feedback":
        lead = LeadFeedback(id=ids.new_id(), reference=f"CRM-{step}", verdict=rng.choice(["good", "poor"]))
        with ws.open_meeting(FIRST_MEETING) as writer:
            writer.lead_feedback.add(lead)
        ledger.feedback.add(lead.id)
    elif kind == "meeting":
        day = f"2027-01-{rng.randint(1, 3):02d}"  # the same few days: same-day plans on two laptops
        meeting_id = ws.new_meeting_id(day, "weekly")
        ws.create_meeting(Meeting(id=meeting_id, series_id="weekly", title="Weekly sync", date=day))
        ledger.meetings.add(meeting_id)
    elif kind == "checkin":
        value = float(step) + who / 10
        add_checkin(ws, "obj000000001", value, "2026-12-08")
        ledger.checkins.add(value)
    elif kind == "notes":
        line = f"- {name} at step {step}"
        item = ws.read_meeting(FIRST_MEETING).agenda[0]
        set_notes(ws, FIRST_MEETING, item.id, f"{item.notes}\n{line}".strip())
        ledger.notes.append(line)
    elif kind == "title":
        title = f"Pricing page by {name} {step}"
        item = ws.content.get("cnt000000001")
        ws.content.update(replace(item, title=title))
        ledger.titles.add(title)
    else:
        day = ShadowDay(id=ids.new_id(), shadow=name, host="Ana", direction="marketing_to_sales", date="2026-12-09")
        ws.shadow_days.add(day)
        ledger.shadow_days.add(day.id)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_three_laptops_converge_and_lose_nothing(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    homes = team(tmp_path, NAMES)
    ledger = Ledger()
    step = 0
    for _ in range(8):  # rounds: everyone edits a little, then some of them sync, in any order
        for who, home in enumerate(homes):
            for _ in range(rng.randint(0, 3)):
                step += 1
                act(rng, who, home, ledger, step)
        for who in rng.sample(range(3), rng.randint(1, 3)):
            run_sync(homes[who])
    for _ in range(2):  # then everyone syncs twice: all that was sent is everywhere
        for home in homes:
            run_sync(home)

    files = [data_files(home) for home in homes]
    assert files[0] == files[1] == files[2]
    assert not any(b"<<<<<<<" in raw or b">>>>>>>" in raw for raw in files[0].values())

    ws = Workspace(homes[0])
    for meeting_id in ws.meeting_ids():
        ws.read_meeting(meeting_id)  # every file loads
    content = {c.id: c for c in ws.content.all()}
    assert ledger.content - ledger.deleted <= content.keys()
    assert not (ledger.deleted & content.keys())
    record = ws.read_meeting(FIRST_MEETING)
    assert ledger.feedback == {f.id for f in record.lead_feedback}
    assert ledger.meetings <= set(ws.meeting_ids())
    assert ledger.shadow_days == {d.id for d in ws.shadow_days.all()}
    assert ledger.checkins <= {c.value for c in ws.objectives.get("obj000000001").checkins}
    notes = record.agenda[0].notes
    conflicts = recorded_conflicts(orjson.loads((homes[0] / "meetings" / f"{FIRST_MEETING}.json").read_bytes()))
    lost_text = "\n".join(str(c.lost) for c in conflicts)
    for line in ledger.notes:
        assert line in notes or line in lost_text, line
    # Every title ever set is the one kept or a recorded losing value (or was overwritten
    # on its own laptop before any sync: then it was never anyone else's to keep).
    titles = {content["cnt000000001"].title} | {str(c.lost) for c in recorded_conflicts(orjson.loads((homes[0] / "content.json").read_bytes()))}
    assert titles <= ledger.titles
