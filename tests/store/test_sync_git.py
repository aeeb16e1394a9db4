"""`tandem sync` against the real git binary: a bare repository in a temporary folder as the
team's remote, clones as teammates' laptops."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import orjson
import pytest

from tandem.store.errors import TandemError, UsageError
from tandem.store.records import LeadFeedback
from tandem.store.sync.git import OfflineError
from tandem.store.sync.merge import recorded_conflicts
from tandem.store.sync.run import Sync
from tandem.store.sync.setup import clone, init
from tandem.store.upkeep import doctor
from tandem.store.workspace import Workspace
from tests.store.sync_team import FIRST_MEETING, add_checkin, data_files, git, new_content, run_sync, seed, set_notes, team

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def test_a_change_on_one_laptop_reaches_the_other_with_a_message_that_says_what(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    ws = Workspace(jose)
    with ws.open_meeting(FIRST_MEETING) as writer:
        for n in range(3):
            writer.lead_feedback.add(LeadFeedback(id=f"lead0000000{n}", reference=f"CRM-{n}", verdict="poor", reasons=["no_budget"]))
    set_notes(ws, FIRST_MEETING, "agd000000001", "- three poor leads from the webinar")

    sent = run_sync(jose)
    assert "sent" in sent and "3 lead feedback" in sent
    message = git(jose, "log", "-1", "--format=%s")
    # The meeting by its date and title, as the team says it (store/sync/describe.py).
    assert message.startswith("Jose: ") and "3 lead feedback" in message and "notes in 2026-12-08 Weekly sync" in message

    got = run_sync(maya)
    assert "3 lead feedback" in got and "from Jose" in got
    record = Workspace(maya).read_meeting(FIRST_MEETING)
    assert [f.reference for f in record.lead_feedback] == ["CRM-0", "CRM-1", "CRM-2"]
    assert record.agenda[0].notes == "- three poor leads from the webinar"
    assert data_files(maya) == data_files(jose)


def test_nothing_new_is_said_so_and_makes_no_commit(tmp_path: Path) -> None:
    maya, _ = team(tmp_path, ["Maya", "Jose"])
    before = git(maya, "rev-parse", "HEAD")
    assert run_sync(maya) == "Synced: nothing new here or from the team."
    assert git(maya, "rev-parse", "HEAD") == before


def test_edits_of_one_file_on_two_laptops_both_arrive_and_notes_keep_both_texts(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    set_notes(Workspace(maya), FIRST_MEETING, "agd000000001", "Maya: leads were late")
    set_notes(Workspace(jose), FIRST_MEETING, "agd000000001", "José: the webinar list was poor")
    with Workspace(jose).open_meeting(FIRST_MEETING) as writer:
        writer.lead_feedback.add(LeadFeedback(id="leadjose0001", reference="CRM-9", verdict="good"))
    run_sync(maya)
    run_sync(jose)
    run_sync(maya)
    assert data_files(maya) == data_files(jose)
    record = Workspace(maya).read_meeting(FIRST_MEETING)
    notes = record.agenda[0].notes
    assert "Maya: leads were late" in notes and "José: the webinar list was poor" in notes
    assert [f.id for f in record.lead_feedback] == ["leadjose0001"]
    assert b"<<<<<<<" not in b"".join(data_files(maya).values())


def test_the_same_field_changed_on_two_laptops_keeps_the_losing_value(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    for home, title in ((maya, "Pricing page v2"), (jose, "Pricing page, new")):
        ws = Workspace(home)
        item = ws.content.get("cnt000000001")
        ws.content.update(type(item)(**{**item.to_dict(), "title": title}))
    run_sync(maya)
    said = run_sync(jose)
    assert "decided" in said
    run_sync(maya)
    assert data_files(maya) == data_files(jose)
    doc = orjson.loads((maya / "content.json").read_bytes())
    lost = recorded_conflicts(doc)
    kept = Workspace(maya).content.get("cnt000000001").title
    assert {kept, *(c.lost for c in lost)} == {"Pricing page v2", "Pricing page, new"}
    said = [f.message for f in doctor.check(maya) if f.level == doctor.WARNING]
    assert any("content.json: content cnt000000001 title was changed on two machines at once" in m and lost[0].lost in m for m in said), said
    # A later save of the file through the store keeps what the sync decided.
    item = Workspace(maya).content.get("cnt000000001")
    Workspace(maya).content.update(type(item)(**{**item.to_dict(), "owner": "Maya"}))
    assert recorded_conflicts(orjson.loads((maya / "content.json").read_bytes())) == lost


def test_a_live_save_of_a_meeting_keeps_what_a_sync_decided(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    for home, title in ((maya, "Leads (Maya)"), (jose, "Leads (José)")):
        with Workspace(home).open_meeting(FIRST_MEETING) as writer:
            item = writer.agenda.get("agd000000001")
            writer.agenda.update(type(item)(**{**item.to_dict(), "title": title}))
    run_sync(maya)
    run_sync(jose)
    path = jose / "meetings" / f"{FIRST_MEETING}.json"
    decided = recorded_conflicts(orjson.loads(path.read_bytes()))
    assert len(decided) == 1
    with Workspace(jose).open_meeting(FIRST_MEETING) as writer:
        writer.write_all(writer.read())  # the whole-file save a live meeting makes
    assert recorded_conflicts(orjson.loads(path.read_bytes())) == decided


def test_a_meeting_planned_on_two_laptops_for_the_same_day_stays_two_meetings(tmp_path: Path) -> None:
    from tandem.store.records import Meeting

    maya, jose = team(tmp_path, ["Maya", "Jose"])
    made = []
    for home in (maya, jose):
        ws = Workspace(home)
        meeting_id = ws.new_meeting_id("2026-12-15", "weekly")
        assert meeting_id.startswith("2026-12-15-weekly-")
        ws.create_meeting(Meeting(id=meeting_id, series_id="weekly", title="Weekly sync", date="2026-12-15"))
        made.append(meeting_id)
    assert made[0] != made[1]
    run_sync(maya)
    run_sync(jose)
    run_sync(maya)
    assert set(made) <= set(Workspace(maya).meeting_ids()) and set(made) <= set(Workspace(jose).meeting_ids())


def test_offline_the_work_is_committed_and_goes_with_the_next_sync(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    remote = tmp_path / "team.git"
    made = new_content(Workspace(maya), "Case study")
    remote.rename(tmp_path / "away.git")
    with pytest.raises(OfflineError) as caught:
        Sync(maya).run()
    assert "could not be reached" in str(caught.value) and "\n" not in str(caught.value)
    assert git(maya, "status", "--porcelain") == ""  # committed here
    assert any("To send: 1 commit" in line for line in Sync(maya).status())
    (tmp_path / "away.git").rename(remote)
    run_sync(maya)
    run_sync(jose)
    assert Workspace(jose).content.get(made).title == "Case study"


def test_a_pull_restores_private_modes(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    new_content(Workspace(maya), "Battlecard")
    run_sync(maya)
    run_sync(jose)
    assert stat.S_IMODE(os.stat(jose / "content.json").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(jose / "meetings").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(jose / ".git").st_mode) == 0o700


def test_volatile_files_never_travel(tmp_path: Path) -> None:
    maya, _ = team(tmp_path, ["Maya", "Jose"])
    with Workspace(maya).open_meeting(FIRST_MEETING):
        run_sync(maya)  # a writer's lock and holder files exist now
    tracked = git(maya, "ls-files").split()
    assert not [name for name in tracked if name.endswith((".lock", ".holder")) or name.startswith(("cache/", "snapshots/", "backups/"))]


def test_a_plain_git_pull_that_stopped_on_conflicts_is_finished_by_sync(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    set_notes(Workspace(maya), FIRST_MEETING, "agd000000001", "from Maya")
    set_notes(Workspace(jose), FIRST_MEETING, "agd000000001", "from José")
    run_sync(maya)
    git(jose, "add", "-A")
    git(jose, "commit", "-qm", "by hand")
    pulled = subprocess.run(["git", "pull", "-q", "--no-rebase", "origin", "main"], cwd=jose, capture_output=True, text=True)
    assert pulled.returncode != 0, pulled.stderr  # conflict markers in the meeting file now
    assert b"<<<<<<<" in (jose / "meetings" / f"{FIRST_MEETING}.json").read_bytes()
    told = [f.message for f in doctor.check(jose) if f.level == doctor.PROBLEM]
    assert any("conflict markers" in m and "tandem sync" in m for m in told), told
    run_sync(jose)
    notes = Workspace(jose).read_meeting(FIRST_MEETING).agenda[0].notes
    assert "from Maya" in notes and "from José" in notes
    run_sync(maya)
    assert data_files(maya) == data_files(jose)


def test_a_meeting_open_for_editing_here_is_not_rewritten_under_its_writer(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    set_notes(Workspace(jose), FIRST_MEETING, "agd000000002", "from José")
    run_sync(jose)
    with Workspace(maya).open_meeting(FIRST_MEETING), pytest.raises(TandemError, match="open for editing here"):
        Sync(maya).run()
    assert Workspace(maya).read_meeting(FIRST_MEETING).agenda[1].notes == ""
    run_sync(maya)  # closed now: it comes in
    assert Workspace(maya).read_meeting(FIRST_MEETING).agenda[1].notes == "from José"


def test_init_and_clone_refuse_what_they_cannot_do(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a tandem workspace"):
        init(tmp_path / "nothing")
    home = tmp_path / "ws"
    seed(home)
    init(home)
    with pytest.raises(UsageError, match="already shared"):
        init(home)
    with pytest.raises(UsageError, match="not empty"):
        clone(str(tmp_path / "x.git"), home)
    alone = tmp_path / "alone"
    seed(alone)
    with pytest.raises(TandemError, match="not shared yet"):
        Sync(alone)
    with pytest.raises(TandemError, match="no workspace at"):
        Sync(tmp_path / "missing")


def test_a_sync_killed_right_after_git_records_the_merge_leaves_files_that_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Both retitle one content item: git's own line merge of content.json conflicts, and
    # writes markers into the file when it is asked to merge files.
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    for home, title in ((jose, "Pricing page (José)"), (maya, "Pricing page (Maya)")):
        ws = Workspace(home)
        ws.content.update(ws.content.get("cnt000000001").replace(title=title))
    new_content(Workspace(jose), "José's battlecard")
    run_sync(jose)
    mine = new_content(Workspace(maya), "Maya's case study")

    class Killed(BaseException):
        pass

    def killed(*_: object) -> int:
        raise Killed  # as a kill -9 between git's merge and tandem's record merge

    with monkeypatch.context() as patch:
        patch.setattr(Sync, "_resolve", killed)
        with pytest.raises(Killed):
            Sync(maya).run()
    assert (maya / ".git" / "MERGE_HEAD").exists()
    for raw in data_files(maya).values():
        assert b"<<<<<<<" not in raw
    assert [c.id for c in Workspace(maya).content.all() if c.id == mine] == [mine]  # it loads
    run_sync(maya)  # and the next sync finishes the merge
    titles = {c.title for c in Workspace(maya).content.all()}
    assert {"José's battlecard", "Maya's case study"} <= titles
    assert not (maya / ".git" / "MERGE_HEAD").exists()


def test_files_only_the_team_changed_arrive_added_changed_or_deleted(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    minutes = maya / "minutes"
    minutes.mkdir()
    (minutes / "old.md").write_text("# Old minutes\n")
    (minutes / "kept.md").write_text("# Kept\n")
    (minutes / "both.md").write_text("# Both\n")
    git(maya, "add", "-A")
    git(maya, "commit", "-q", "-m", "minutes")
    run_sync(maya)
    run_sync(jose)
    # Maya: minutes added, changed, deleted, and one both change; José: data and that one.
    (minutes / "new.md").write_text("# New minutes\n")
    (minutes / "kept.md").write_text("# Kept, corrected\n")
    (minutes / "old.md").unlink()
    (minutes / "both.md").write_text("# Both, Maya's\n")
    new_content(Workspace(maya), "Maya's case study")
    run_sync(maya)
    (jose / "minutes" / "both.md").write_text("# Both, José's\n")
    new_content(Workspace(jose), "José's battlecard")
    run_sync(jose)
    got = jose / "minutes"
    assert (got / "new.md").read_text() == "# New minutes\n"
    assert (got / "kept.md").read_text() == "# Kept, corrected\n"
    assert not (got / "old.md").exists()
    assert (got / "both.md").read_text() == "# Both, José's\n"  # minutes are written again by the next export
    assert {c.title for c in Workspace(jose).content.all()} >= {"José's battlecard", "Maya's case study"}
    assert git(jose, "status", "--porcelain").strip() == ""


def test_work_saved_after_a_killed_sync_is_merged_by_the_next_not_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    add_checkin(Workspace(jose), "obj000000001", 10, "2026-12-01")  # only José changes objectives.json
    new_content(Workspace(jose), "José's battlecard")
    run_sync(jose)
    new_content(Workspace(maya), "Maya's case study")  # a real merge, not a fast-forward

    class Killed(BaseException):
        pass

    def killed(*_: object) -> int:
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(Sync, "_resolve", killed)
        with pytest.raises(Killed):
            Sync(maya).run()
    # Maya keeps working on the folder as the killed sync left it.
    add_checkin(Workspace(maya), "obj000000001", 42, "2026-12-02")
    run_sync(maya)
    run_sync(jose)
    for home in (maya, jose):
        assert sorted(c.value for c in Workspace(home).objectives.get("obj000000001").checkins) == [10, 42]


def test_a_text_file_both_sides_changed_keeps_both_sides_lines(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    (maya / "README.md").write_text("line1\nline2\nline3\nline4\nline5\n")
    run_sync(maya)
    run_sync(jose)
    (maya / "README.md").write_text("line1 MAYA\nline2\nline3\nline4\nline5\n")
    (jose / "README.md").write_text("line1\nline2\nline3\nline4\nline5 JOSE\n")
    new_content(Workspace(maya), "Maya's case study")
    new_content(Workspace(jose), "José's battlecard")
    for home in (maya, jose, maya):
        run_sync(home)
    for home in (maya, jose):
        assert (home / "README.md").read_text() == "line1 MAYA\nline2\nline3\nline4\nline5 JOSE\n"
