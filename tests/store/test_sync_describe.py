"""What a sync says changed (store/sync/describe.py): the phrases of a commit message and of
"Synced: …", from the bytes the store really writes before and after a change."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.store.lifecycle import cancel_meeting, change_people, reschedule_meeting, uncancel_meeting
from tandem.store.live import LiveSession
from tandem.store.records import Attendee, Claim, ContentItem, Meeting, Takeaway
from tandem.store.shadow_days import plan_shadow_day
from tandem.store.sync.describe import NAME_LIMIT, summarise
from tandem.store.workspace import Workspace
from tests.store.sync_team import FIRST_MEETING, seed, set_notes

NAME = "2026-12-08 Weekly sync"  # FIRST_MEETING by its date and title
MEETING_FILE = f"meetings/{FIRST_MEETING}.json"
NOON = datetime(2026, 12, 8, 12, 0)

Change = tuple[str, bytes | None, bytes | None]


def changed(ws: Workspace, rel: str, act: Callable[[], object]) -> Change:
    """(path, bytes before, bytes after) of one file around ``act``, as a sync reads them."""
    path = ws.home / rel
    old = path.read_bytes() if path.exists() else None
    act()
    return rel, old, path.read_bytes() if path.exists() else None


def said(ws: Workspace, act: Callable[[], object], rel: str = MEETING_FILE) -> list[str]:
    return summarise([changed(ws, rel, act)])


def save_header(ws: Workspace, meeting_id: str = FIRST_MEETING, **fields: Any) -> None:
    with ws.open_meeting(meeting_id, allow_finalized=True) as writer:
        writer.save_meeting(writer.meeting.replace(**fields))


def start(ws: Workspace, meeting_id: str = FIRST_MEETING, *, take_over: bool = False) -> None:
    session = LiveSession(ws, meeting_id, clock=lambda: NOON, take_over=take_over)
    session.start()
    assert session.saver.flush()
    session.close()


def end(ws: Workspace, meeting_id: str = FIRST_MEETING, *, rating: int | None = None) -> None:
    session = LiveSession(ws, meeting_id, clock=lambda: NOON)
    session.end(rating=rating, comment="good pace" if rating else "")
    assert session.saver.flush()
    session.close()


def another_meeting(ws: Workspace, day: str) -> str:
    meeting_id = f"{day}-weekly"
    ws.create_meeting(Meeting(id=meeting_id, series_id="weekly", title="Weekly sync", date=day))
    return meeting_id


# --- a meeting's header ------------------------------------------------------------------


def test_a_meeting_that_starts_ends_and_is_finalized_says_so_by_its_date_and_title(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    assert said(ws, lambda: start(ws)) == [f"{NAME} started"]
    assert ws.get_meeting(FIRST_MEETING).claim is not None  # the claim a start makes says nothing more
    # The rating given as it ends is part of ending it.
    assert said(ws, lambda: end(ws, rating=4)) == [f"{NAME} ended"]
    assert said(ws, lambda: ws.set_finalized(FIRST_MEETING, True)) == [f"{NAME} finalized"]
    assert said(ws, lambda: ws.set_finalized(FIRST_MEETING, False)) == [f"{NAME} reopened"]
    assert said(ws, lambda: save_header(ws, rating=5)) == [f"{NAME} rated 5/5"]


def test_a_rescheduled_meeting_is_moved_and_named_by_the_day_it_had(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    assert said(ws, lambda: reschedule_meeting(ws, FIRST_MEETING, date(2026, 12, 9))) == [f"{NAME} moved to 2026-12-09"]
    # Its id keeps the first day; the phrase names the day the team knew it by.
    assert said(ws, lambda: reschedule_meeting(ws, FIRST_MEETING, date(2026, 12, 10))) == ["2026-12-09 Weekly sync moved to 2026-12-10"]


def test_a_cancelled_meeting_and_one_planned_again(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    assert said(ws, lambda: cancel_meeting(ws, FIRST_MEETING)) == [f"{NAME} cancelled"]
    assert said(ws, lambda: uncancel_meeting(ws, FIRST_MEETING)) == [f"{NAME} planned again"]


def test_who_attends_facilitates_and_what_the_meeting_is_called(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    people = [Attendee(name="Maya", team="sales")]
    assert said(ws, lambda: change_people(ws, FIRST_MEETING, attendees=people)) == [f"attendees of {NAME}"]
    assert said(ws, lambda: change_people(ws, FIRST_MEETING, absentees=[Attendee(name="José", team="marketing")])) == [f"attendees of {NAME}"]
    assert said(ws, lambda: change_people(ws, FIRST_MEETING, facilitator="Maya")) == [f"facilitator of {NAME}"]
    assert said(ws, lambda: save_header(ws, title="Pipeline review")) == [f"{NAME} renamed Pipeline review"]


def test_a_live_meeting_taken_over_from_another_laptop_names_who_took_it(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    start(ws)
    theirs = Claim(person="José", host="jose-laptop", since="2026-12-08T11:00:00", clone="jose00000001")
    save_header(ws, claim=theirs)
    phrases = said(ws, lambda: start(ws, take_over=True))
    mine = ws.get_meeting(FIRST_MEETING).claim
    assert mine is not None and mine.clone != theirs.clone
    assert phrases == [f"{NAME} taken over by {mine.person}"]
    # The same clone claiming again (a restart on the same laptop) is no take-over.
    assert not any("taken over" in p for p in said(ws, lambda: save_header(ws, claim=mine.replace(since="2026-12-08T12:30:00"))))


def test_a_takeover_seen_by_a_teammate_names_the_new_holder(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    save_header(ws, status="live", claim=Claim(person="Maya", host="maya-laptop", since="2026-12-08T10:00:00"))
    took = Claim(person="Maya", host="maya-desktop", since="2026-12-08T10:40:00")
    assert said(ws, lambda: save_header(ws, claim=took)) == [f"{NAME} taken over by Maya"]


def test_several_meetings_with_the_same_change_are_counted_in_the_order_seen(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    others = [another_meeting(ws, "2026-12-15"), another_meeting(ws, "2026-12-22")]
    ids = [FIRST_MEETING, *others]
    for meeting_id in ids:
        start(ws, meeting_id)
    changes = [changed(ws, f"meetings/{m}.json", lambda m=m: end(ws, m)) for m in ids]
    assert summarise(changes) == ["3 meetings ended"]

    moved = [changed(ws, f"meetings/{m}.json", lambda m=m: save_header(ws, m, date="2027-01-05")) for m in others]
    cancelled = changed(ws, MEETING_FILE, lambda: save_header(ws, status="cancelled"))
    assert summarise([moved[0], cancelled, moved[1]]) == ["2 meetings moved", f"{NAME} cancelled"]


def test_notes_name_the_meeting_as_its_other_changes_do_and_the_old_phrases_stay(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    start(ws)
    notes = changed(ws, MEETING_FILE, lambda: set_notes(ws, FIRST_MEETING, "agd000000001", "- three poor leads"))
    new = changed(ws, "meetings/2026-12-15-weekly.json", lambda: another_meeting(ws, "2026-12-15"))
    content = changed(ws, "content.json", lambda: ws.content.add(ContentItem(id="cnt000000002", title="Webinar recap")))
    assert summarise([notes, new, content]) == [f"notes in {NAME}", "1 new meeting", "1 content item"]


def test_a_header_without_a_title_falls_back_to_the_id(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    path, old, new = changed(ws, MEETING_FILE, lambda: reschedule_meeting(ws, FIRST_MEETING, date(2026, 12, 9)))
    assert old is not None and new is not None
    docs = [orjson.loads(raw) for raw in (old, new)]
    for doc in docs:
        for header in doc["meeting"].values():
            header["title"] = ""
    assert summarise([(path, *(orjson.dumps(d) for d in docs))]) == [f"{FIRST_MEETING} moved to 2026-12-09"]


# --- the workspace's shared files ------------------------------------------------------------


def test_an_objectives_target_and_other_edits(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    goal = ws.objectives.get("obj000000001")
    assert said(ws, lambda: ws.objectives.update(goal.replace(target=120, unit="MQLs")), "objectives.json") == ["target of MQLs now 120 MQLs"]
    goal = ws.objectives.get("obj000000001")
    assert said(ws, lambda: ws.objectives.update(goal.replace(title="MQLs from events")), "objectives.json") == ["1 objective edited"]


def test_content_moving_through_the_pipeline(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    ws.content.add(ContentItem(id="cnt000000002", title="Webinar recap"))
    item = ws.content.get("cnt000000001")
    assert said(ws, lambda: ws.content.update(item.replace(status="shipped")), "content.json") == ["Pricing page shipped"]

    def both_in_progress() -> None:
        for key in ("cnt000000001", "cnt000000002"):
            ws.content.update(ws.content.get(key).replace(status="in_progress"))

    assert said(ws, both_in_progress, "content.json") == ["2 content items in progress"]
    assert said(ws, lambda: ws.content.delete("cnt000000002"), "content.json") == ["1 content item removed"]


def test_a_shadow_day_planned_held_moved_and_debriefed(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    rel = "shadow_days.json"
    days: list[Any] = []
    planned = said(ws, lambda: days.append(plan_shadow_day(ws, shadow="Sofia Rossi", host="Tom", direction="marketing_to_sales", date="2026-12-10")), rel)
    assert planned == ["1 shadow day"]
    day = days[0]
    assert said(ws, lambda: ws.shadow_days.update(day.replace(date="2026-12-11")), rel) == ["shadow day of Sofia Rossi moved to 2026-12-11"]
    day = ws.shadow_days.get(day.id)
    assert said(ws, lambda: ws.shadow_days.update(day.replace(status="in_progress")), rel) == ["shadow day of Sofia Rossi started"]
    notes = [Takeaway(id=f"tk000000000{n}", category="learned", text=f"takeaway {n}") for n in range(2)]
    done = ws.shadow_days.get(day.id).replace(status="done", takeaways=notes)
    assert said(ws, lambda: ws.shadow_days.update(done), rel) == ["shadow day of Sofia Rossi done", "2 takeaways"]
    assert said(ws, lambda: ws.shadow_days.update(done.replace(debriefed_in=FIRST_MEETING)), rel) == ["1 shadow day debriefed"]


def test_what_has_no_name_is_still_another_change(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    assert said(ws, lambda: save_header(ws, next_meeting="2026-12-15")) == ["1 other change"]


# --- teammates' text ------------------------------------------------------------------------


def test_a_hostile_title_is_one_short_clean_line(tmp_path: Path) -> None:
    ws = seed(tmp_path)
    path, old, new = changed(ws, MEETING_FILE, lambda: cancel_meeting(ws, FIRST_MEETING))
    assert old is not None and new is not None
    docs = [orjson.loads(raw) for raw in (old, new)]
    for doc in docs:  # as a teammate's file could hold it: the store itself cleans titles
        for header in doc["meeting"].values():
            header["title"] = "\x1b]0;pwned\x07Weekly\nsync\u202e\x85 " + "x" * 300
    [phrase] = summarise([(path, *(orjson.dumps(d) for d in docs))])
    assert phrase.startswith("2026-12-08 Weekly sync xxx") and phrase.endswith("… cancelled")
    assert phrase.isprintable() and len(phrase) <= 10 + 1 + NAME_LIMIT + len(" cancelled")


@functools.cache
def _base_files() -> dict[str, bytes]:
    """Real files of a workspace with a meeting held, for the property test to deface."""
    with tempfile.TemporaryDirectory() as folder:
        ws = seed(Path(folder))
        plan_shadow_day(ws, shadow="Sofia", host="Tom", direction="marketing_to_sales", date="2026-12-10")
        start(ws)
        set_notes(ws, FIRST_MEETING, "agd000000001", "notes")
        return {rel: (ws.home / rel).read_bytes() for rel in (MEETING_FILE, "objectives.json", "content.json", "shadow_days.json")}


# Names the describer looks at, so that random edits hit what it reads.
FIELDS = ["status", "date", "title", "claim", "person", "host", "clone", "attendees", "rating", "target", "unit", "checkins"]
FIELDS += ["takeaways", "shadow", "debriefed_in", "carried_to", "notes", "id", "meeting", "agenda", "_seq", "_tandem", "schema"]
hostile_text = st.one_of(st.text(max_size=12), st.sampled_from(["\x1b[31m", "a\nb", "\u202e", "\x00", "\x85", "\u2028", ""]))
json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False) | hostile_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS) | hostile_text, inner, max_size=3),
    max_leaves=10,
)
PATHS = [MEETING_FILE, "objectives.json", "content.json", "shadow_days.json", "meetings/\x1b]0;x\x07\n.json", "meetings/a\u202eb.json"]


def _places(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document: the path of keys and indexes to each value in it."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    return [place for key, child in items for place in ((*at, key), *_places(child, (*at, key)))]


def _deface(data: st.DataObject, raw: bytes) -> bytes:
    """``raw`` with random values put at random places, each place of the file as likely as
    another (the notes of an agenda item as the file's header), or under a name the
    describer reads."""
    doc = orjson.loads(raw)
    for _ in range(data.draw(st.integers(1, 4))):
        places = _places(doc)
        if not places:
            break
        *parents, last = data.draw(st.sampled_from(places))
        parent: Any = doc
        for key in parents:
            parent = parent[key]
        if isinstance(parent, dict) and data.draw(st.booleans()):
            last = data.draw(st.sampled_from(FIELDS))
        parent[last] = data.draw(json_value)
    return orjson.dumps(doc)


def _version(data: st.DataObject, raw: bytes) -> bytes | None:
    """Another version of a file: the same, defaced, garbage, or none at all."""
    kind = data.draw(st.sampled_from(["same", "edited", "edited", "edited", "garbage", "none"]))
    if kind == "none":
        return None
    if kind == "garbage":
        return data.draw(st.binary(max_size=40) | json_value.map(orjson.dumps))
    return _deface(data, raw) if kind == "edited" else raw


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_files_at_all_are_described_without_an_error_in_clean_short_phrases(data: st.DataObject) -> None:
    base = _base_files()
    changes: list[Change] = []
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(PATHS))
        # Both versions from one defaced file, as a teammate's edit of a broken file would be:
        # what is broken is then in the records the two versions share.
        shared = base.get(path, base[MEETING_FILE])
        if data.draw(st.booleans()):
            shared = _deface(data, shared)
        changes.append((path, _version(data, shared), _version(data, shared)))
    for phrase in summarise(changes):
        assert phrase and phrase.isprintable(), phrase
        assert len(phrase) <= 160, phrase
