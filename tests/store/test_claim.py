"""One facilitator per meeting across machines: the claim a live meeting carries travels
with ``tandem sync`` (real git, a bare remote, two clones) and another clone refuses to run
the meeting, naming the holder, unless it takes it over."""

from __future__ import annotations

import shutil
import socket
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from tandem.store.errors import MeetingClaimedError, MeetingLockedError
from tandem.store.layout import CONFLICTS_TABLE
from tandem.store.lifecycle import unstart_meeting
from tandem.store.live import AmendSession, LiveSession
from tandem.store.records import Claim, Meeting
from tandem.store.sync import merge_documents
from tandem.store.sync.claim import CLONE_ID_FILE, clone_id, is_ours
from tandem.store.workspace import Workspace
from tests.store.sync_team import FIRST_MEETING, run_sync, seed, team

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

NOON = datetime(2026, 12, 8, 12, 0)


def _clock() -> datetime:
    return NOON


def _start(home: Path, *, take_over: bool = False) -> LiveSession:
    session = LiveSession(Workspace(home), FIRST_MEETING, clock=_clock, take_over=take_over)
    session.start()
    assert session.saver.flush()
    return session


def _meeting(home: Path) -> Meeting:
    return Workspace(home).get_meeting(FIRST_MEETING)


def test_a_start_records_the_claim_and_an_end_or_take_back_clears_it(tmp_path: Path) -> None:
    seed(tmp_path)
    session = _start(tmp_path)
    claim = _meeting(tmp_path).claim
    assert claim is not None
    assert claim.host == socket.gethostname() and claim.since == "2026-12-08T12:00:00" and claim.person
    assert claim.clone == ""  # not a git clone: hosts are compared
    session.end()
    session.close()
    assert _meeting(tmp_path).status == "ended" and _meeting(tmp_path).claim is None

    seed(tmp_path / "again")
    _start(tmp_path / "again").close()
    assert unstart_meeting(Workspace(tmp_path / "again"), FIRST_MEETING).claim is None
    assert _meeting(tmp_path / "again").claim is None


def test_a_live_meeting_from_before_claims_gets_one_when_resumed(tmp_path: Path) -> None:
    seed(tmp_path)
    _start(tmp_path).close()
    path = Workspace(tmp_path).meeting_path(FIRST_MEETING)
    document = orjson.loads(path.read_bytes())
    (header,) = document["meeting"].values()
    del header["claim"]  # as a file written before claims existed
    path.write_bytes(orjson.dumps(document))
    assert _meeting(tmp_path).claim is None
    _start(tmp_path).close()
    assert _meeting(tmp_path).claim is not None


def test_a_claim_from_another_host_is_refused_naming_the_holder(tmp_path: Path) -> None:
    seed(tmp_path)
    _start(tmp_path).close()
    ws = Workspace(tmp_path)
    with ws.open_meeting(FIRST_MEETING) as writer:
        writer.save_meeting(writer.meeting.replace(claim=Claim(person="Maya", host="maya-laptop", since="2026-12-08T10:02:00")))
    with pytest.raises(MeetingClaimedError) as refused:
        LiveSession(ws, FIRST_MEETING, clock=_clock)
    sentence = str(refused.value)
    assert "Maya on maya-laptop since 2026-12-08 10:02" in sentence and "--take-over" in sentence
    assert isinstance(refused.value, MeetingLockedError)  # every "someone else has it" handler applies
    # The refusal released the writer lock: taking it over works at once.
    session = _start(tmp_path, take_over=True)
    session.close()
    claim = _meeting(tmp_path).claim
    assert claim is not None and claim.person != "Maya" and claim.host == socket.gethostname()


def test_an_ended_meeting_is_amended_whatever_its_last_claim(tmp_path: Path) -> None:
    seed(tmp_path)
    session = _start(tmp_path)
    session.end()
    session.close()
    ws = Workspace(tmp_path)
    with ws.open_meeting(FIRST_MEETING) as writer:
        writer.save_meeting(writer.meeting.replace(claim=Claim(person="Maya", host="maya-laptop", since="2026-12-08T10:02:00")))
    AmendSession(ws, FIRST_MEETING, clock=_clock).close()


@needs_git
def test_the_claim_travels_with_sync_and_refuses_the_other_clone(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    run_sync(jose)
    session = _start(maya)
    claim = _meeting(maya).claim
    assert claim is not None and claim.person == "Maya" and claim.clone == clone_id(maya) != ""
    run_sync(maya)  # the start (and its claim) reaches the team while the meeting runs
    run_sync(jose)
    # Both clones are on this one host: the clone ids tell them apart.
    with pytest.raises(MeetingClaimedError, match="being run by Maya on "):
        LiveSession(Workspace(jose), FIRST_MEETING, clock=_clock)
    # Maya's own clone resumes it (after her tandem closed, say) without a word.
    session.close()
    _start(maya).close()

    # Maya's laptop dies; José takes over. Both claims meet in the next syncs: his is later.
    later = datetime(2026, 12, 8, 12, 30)
    taken = LiveSession(Workspace(jose), FIRST_MEETING, clock=lambda: later, take_over=True)
    taken.start()
    assert taken.saver.flush()
    taken.close()
    run_sync(jose)
    run_sync(maya)
    for home in (maya, jose):
        run_sync(home)
        claim = _meeting(home).claim
        assert claim is not None and claim.person == "Jose" and claim.clone == clone_id(jose)
    with pytest.raises(MeetingClaimedError, match="being run by Jose on "):
        LiveSession(Workspace(maya), FIRST_MEETING, clock=_clock)


@needs_git
def test_clone_ids_are_kept_in_git_and_never_committed(tmp_path: Path) -> None:
    maya, jose = team(tmp_path, ["Maya", "Jose"])
    assert clone_id(maya) != clone_id(jose)
    assert clone_id(maya) == clone_id(maya) == (maya / ".git" / CLONE_ID_FILE).read_text().strip()
    (maya / ".git" / CLONE_ID_FILE).write_text("\x1b[31m; not an id\n")
    renewed = clone_id(maya)
    assert renewed.isalnum() and renewed == clone_id(maya)
    ours = Claim(person="Maya", host="elsewhere", since="2026-12-08T10:00:00", clone=renewed)
    assert is_ours(ours, maya) and not is_ours(ours, jose)
    assert not is_ours(ours.replace(clone=""), maya)  # no clone id: the host decides


def _document(claim: dict[str, str] | None) -> dict[str, object]:
    header = {"id": FIRST_MEETING, "status": "live", "claim": claim}
    return {"_tandem": {"kind": "meeting", "schema": 5}, "meeting": {FIRST_MEETING: header}}


def test_two_take_overs_merge_to_the_later_claim_whole() -> None:
    maya = {"person": "Maya", "host": "maya-laptop", "since": "2026-12-08T10:00:00", "clone": "aaaa"}
    jose = {"person": "Jose", "host": "zz-desktop", "since": "2026-12-08T10:30:00", "clone": "bbbb"}
    zoe = {"person": "Zoe", "host": "aa-tablet", "since": "2026-12-08T10:20:00", "clone": "zzzz"}
    base = _document(maya)
    for ours, theirs in ((jose, zoe), (zoe, jose)):
        merged = merge_documents(base, _document(ours), _document(theirs), source="m.json")
        (header,) = merged.document["meeting"].values()
        # Key by key, the tie-break would have taken Zoe's person, Jose's host and clone.
        assert header["claim"] == jose
        (conflict,) = merged.conflicts
        assert conflict.kept == jose and conflict.lost == zoe
        assert merged.document[CONFLICTS_TABLE]
