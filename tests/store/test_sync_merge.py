"""The three-way record merge `tandem sync` uses, one rule at a time, on readable data.

Each test merges both ways round (``both_ways``): a rule that held only when one side is
"ours" would be a rule about which machine synced first.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tandem.store.sync import CONFLICTS_TABLE, SEPARATOR, Conflict, Merged, MergeError, merge_documents, merge_text, recorded_conflicts

MEETING = "2026-07-21-weekly-smarketing-sync"


def header(kind: str = "meeting", schema: int = 5) -> dict[str, Any]:
    return {"kind": kind, "schema": schema}


def both_ways(base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any]) -> Merged:
    """The merge, checked to be the same whichever side is "ours" and to leave its inputs alone."""
    before = copy.deepcopy((base, ours, theirs))
    merged = merge_documents(base, ours, theirs)
    assert merge_documents(base, theirs, ours) == merged
    assert (base, ours, theirs) == before
    return merged


def agenda_item(notes: str, **fields: Any) -> dict[str, Any]:
    return {"id": "d8sfrpywwadg", "title": "Lead generation by source", "position": 0, "status": "done", "notes": notes, **fields}


def meeting_with(**tables: dict[str, Any]) -> dict[str, Any]:
    return {"_tandem": header(), **tables}


def action(text: str = "Send José the webinar list", **fields: Any) -> dict[str, Any]:
    return {"id": "w5ymsdh00j3b", "meeting_id": MEETING, "owner": "Maya Thompson", "status": "open", "due": "2026-07-28", "text": text, **fields}


# --- notes: two people typing in the same agenda item ---------------------------------

NOTES = "- LI ads 2/7\n- trade show 1/4\n- G2 4/4"


def test_notes_edited_on_different_lines_of_one_agenda_item_merge_line_by_line() -> None:
    base = meeting_with(agenda={"d8sfrpywwadg": agenda_item(NOTES)})
    maya = meeting_with(agenda={"d8sfrpywwadg": agenda_item("- LI ads 2/7, all SMB\n- trade show 1/4\n- G2 4/4")})
    jose = meeting_with(agenda={"d8sfrpywwadg": agenda_item("- LI ads 2/7\n- trade show 1/4\n- G2 4/4\n- webinar 2/2")})
    merged = both_ways(base, maya, jose)
    assert merged.document["agenda"]["d8sfrpywwadg"]["notes"] == "- LI ads 2/7, all SMB\n- trade show 1/4\n- G2 4/4\n- webinar 2/2"
    assert merged.conflicts == ()
    assert CONFLICTS_TABLE not in merged.document


def test_a_bullet_added_at_the_end_on_both_machines_keeps_both_bullets() -> None:
    base = meeting_with(agenda={"d8sfrpywwadg": agenda_item(NOTES)})
    maya = meeting_with(agenda={"d8sfrpywwadg": agenda_item(NOTES + "\n- webinar 2/2")})
    jose = meeting_with(agenda={"d8sfrpywwadg": agenda_item(NOTES + "\n- outbound list 2/2")})
    notes = both_ways(base, maya, jose).document["agenda"]["d8sfrpywwadg"]["notes"]
    assert notes == NOTES + "\n- outbound list 2/2\n- webinar 2/2"  # the insertion that sorts first, first


def test_the_same_line_rewritten_on_both_machines_keeps_both_texts_and_is_a_conflict() -> None:
    base = meeting_with(agenda={"d8sfrpywwadg": agenda_item(NOTES, updated_at="2026-07-21T10:00:00")})
    maya = meeting_with(agenda={"d8sfrpywwadg": agenda_item("- LI ads 3/7 (one came back)\n- trade show 1/4\n- G2 4/4", updated_at="2026-07-21T10:05:00")})
    jose = meeting_with(agenda={"d8sfrpywwadg": agenda_item("- LinkedIn ads 2/7\n- trade show 1/4\n- G2 4/4", updated_at="2026-07-21T10:02:00")})
    merged = both_ways(base, maya, jose)
    item = merged.document["agenda"]["d8sfrpywwadg"]
    maya_notes, jose_notes = maya["agenda"]["d8sfrpywwadg"]["notes"], jose["agenda"]["d8sfrpywwadg"]["notes"]
    # Maya wrote last: her text on top, José's below the separator, every word of both.
    assert item["notes"] == f"{maya_notes}\n\n{SEPARATOR}\n\n{jose_notes}"
    assert item["updated_at"] == "2026-07-21T10:05:00"
    assert merged.conflicts == (Conflict("agenda", "d8sfrpywwadg", ("notes",), maya_notes, jose_notes, "both_texts"),)


def test_notes_cleared_on_one_machine_and_edited_on_the_other_keep_the_edit() -> None:
    base = meeting_with(agenda={"d8sfrpywwadg": agenda_item(NOTES)})
    cleared = meeting_with(agenda={"d8sfrpywwadg": agenda_item("")})
    edited = meeting_with(agenda={"d8sfrpywwadg": agenda_item("- LinkedIn ads 2/7\n- trade show 1/4\n- G2 4/4")})
    merged = both_ways(base, cleared, edited)
    edit = "- LinkedIn ads 2/7\n- trade show 1/4\n- G2 4/4"
    assert merged.document["agenda"]["d8sfrpywwadg"]["notes"] == edit
    assert merged.conflicts == (Conflict("agenda", "d8sfrpywwadg", ("notes",), edit, "", "both_texts"),)


# --- records ----------------------------------------------------------------------------


def test_an_action_item_deleted_on_one_machine_and_edited_on_the_other_keeps_the_edit() -> None:
    base = meeting_with(actions={"w5ymsdh00j3b": action()})
    deleted = meeting_with(actions={})
    edited = meeting_with(actions={"w5ymsdh00j3b": action(status="done", closed_on="2026-07-25")})
    merged = both_ways(base, deleted, edited)
    assert merged.document["actions"] == edited["actions"]
    assert merged.conflicts == ()


def test_a_record_deleted_on_one_machine_and_untouched_on_the_other_is_deleted() -> None:
    other = action("Share the G2 review list", id="05fn7hv9dpmp")
    base = meeting_with(actions={"w5ymsdh00j3b": action(), "05fn7hv9dpmp": other})
    deleted = meeting_with(actions={"05fn7hv9dpmp": other})
    merged = both_ways(base, deleted, copy.deepcopy(base))
    assert merged.document["actions"] == {"05fn7hv9dpmp": other}


def test_records_added_on_both_machines_are_all_kept() -> None:
    base = meeting_with(actions={"w5ymsdh00j3b": action()})
    maya = meeting_with(actions={"w5ymsdh00j3b": action(), "p2jbvjpt94dt": action("Book the Oakfield call", id="p2jbvjpt94dt")})
    jose = meeting_with(actions={"w5ymsdh00j3b": action(), "942bk4djxs2m": action("Draft the nurture email", id="942bk4djxs2m")})
    merged = both_ways(base, maya, jose)
    assert set(merged.document["actions"]) == {"w5ymsdh00j3b", "p2jbvjpt94dt", "942bk4djxs2m"}


def test_different_fields_of_one_record_edited_on_two_machines_both_arrive() -> None:
    base = meeting_with(actions={"w5ymsdh00j3b": action()})
    maya = meeting_with(actions={"w5ymsdh00j3b": action(owner="Hannah Cohen")})
    jose = meeting_with(actions={"w5ymsdh00j3b": action(due="2026-08-04")})
    merged = both_ways(base, maya, jose)
    assert merged.document["actions"]["w5ymsdh00j3b"] == action(owner="Hannah Cohen", due="2026-08-04")
    assert merged.conflicts == ()


def test_the_same_field_changed_on_both_machines_goes_to_the_later_edit_and_keeps_the_other() -> None:
    base = meeting_with(actions={"w5ymsdh00j3b": action(updated_at="2026-07-21T10:00:00+00:00")})
    maya = meeting_with(actions={"w5ymsdh00j3b": action(status="done", updated_at="2026-07-22T09:00:00+00:00")})
    # An hour later than Maya's edit, written in another time zone.
    jose = meeting_with(actions={"w5ymsdh00j3b": action(status="dropped", updated_at="2026-07-22T11:00:00+01:00")})
    merged = both_ways(base, maya, jose)
    record = merged.document["actions"]["w5ymsdh00j3b"]
    assert record["status"] == "dropped"
    assert record["updated_at"] == "2026-07-22T11:00:00+01:00"
    conflict = Conflict("actions", "w5ymsdh00j3b", ("status",), "dropped", "done", "later_edit")
    assert merged.conflicts == (conflict,)
    assert merged.document[CONFLICTS_TABLE] == {conflict.id: conflict.as_record()}
    assert recorded_conflicts(merged.document) == (conflict,)


def test_the_same_field_changed_without_times_is_decided_by_the_canonical_json_tie_break() -> None:
    base = meeting_with(actions={"w5ymsdh00j3b": action()})
    maya = meeting_with(actions={"w5ymsdh00j3b": action(status="done")})
    jose = meeting_with(actions={"w5ymsdh00j3b": action(status="dropped")})
    merged = both_ways(base, maya, jose)
    # '"dropped"' sorts after '"done"'.
    assert merged.document["actions"]["w5ymsdh00j3b"]["status"] == "dropped"
    assert merged.conflicts == (Conflict("actions", "w5ymsdh00j3b", ("status",), "dropped", "done", "tie_break"),)


def test_updated_at_edited_on_both_sides_takes_the_later_time_and_is_no_conflict() -> None:
    base = meeting_with(actions={"w5ymsdh00j3b": action(updated_at="2026-07-21T10:00:00")})
    maya = meeting_with(actions={"w5ymsdh00j3b": action(owner="Hannah Cohen", updated_at="2026-07-21T12:00:00")})
    jose = meeting_with(actions={"w5ymsdh00j3b": action(due="2026-08-04", updated_at="2026-07-21T11:00:00")})
    merged = both_ways(base, maya, jose)
    assert merged.document["actions"]["w5ymsdh00j3b"]["updated_at"] == "2026-07-21T12:00:00"
    assert merged.conflicts == ()


# --- inside a record: objects and lists -------------------------------------------------


def shadow_day(**fields: Any) -> dict[str, Any]:
    day = {
        "id": "aydp1hq2sqxh",
        "host": "Zoë Lindqvist",
        "shadow": "Maya Thompson",
        "experiment": {"text": "Sales drops 2 call snippets a week into #voice-of-prospect", "owner": "Zoë Lindqvist", "report_back": "2026-08-07"},
        "takeaways": [
            {"id": "yd3bx75k8yq2", "category": "hand_off_friction", "text": "Lead score ignores persona"},
            {"id": "p8evs2b4f447", "category": "will_use", "text": "Time outbound sequences to the campaign calendar"},
        ],
    }
    return {**day, **fields}


def shadow_file(day: dict[str, Any]) -> dict[str, Any]:
    return {"_tandem": header("shadow_days"), "shadow_days": {day["id"]: day}}


def test_a_nested_object_merges_field_by_field() -> None:
    base = shadow_day()
    maya = shadow_day(experiment={**base["experiment"], "owner": "Maya Thompson"})
    zoe = shadow_day(experiment={**base["experiment"], "report_back": "2026-08-14"})
    merged = both_ways(shadow_file(base), shadow_file(maya), shadow_file(zoe))
    assert merged.document["shadow_days"]["aydp1hq2sqxh"]["experiment"] == {**base["experiment"], "owner": "Maya Thompson", "report_back": "2026-08-14"}


def test_takeaways_merge_by_id_an_edit_an_addition_and_a_removal() -> None:
    base = shadow_day()
    first, second = base["takeaways"]
    new = {"id": "0190q331cr2g", "category": "prospect_insight", "text": "Heard 4× in the webinar Q&A"}
    maya = shadow_day(takeaways=[{**first, "text": "Lead score ignores persona, so interns score like VPs"}, second])
    zoe = shadow_day(takeaways=[first, new])  # removed the second, added one
    merged = both_ways(shadow_file(base), shadow_file(maya), shadow_file(zoe))
    assert merged.document["shadow_days"]["aydp1hq2sqxh"]["takeaways"] == [maya["takeaways"][0], new]


def test_the_same_takeaway_edited_on_both_machines_is_a_conflict_at_its_id() -> None:
    base = shadow_day()
    first, second = base["takeaways"]
    maya = shadow_day(takeaways=[{**first, "category": "learned"}, second])
    zoe = shadow_day(takeaways=[{**first, "category": "will_use"}, second])
    merged = both_ways(shadow_file(base), shadow_file(maya), shadow_file(zoe))
    assert merged.conflicts == (Conflict("shadow_days", "aydp1hq2sqxh", ("takeaways", "yd3bx75k8yq2", "category"), "will_use", "learned", "tie_break"),)


def objective(*checkins: dict[str, Any]) -> dict[str, Any]:
    record = {"id": "k3vq0j2m7d1x", "title": "Marketing-sourced pipeline", "checkins": list(checkins)}
    return {"_tandem": header("objectives"), "objectives": {record["id"]: record}}


def checkin(date: str, value: float, comment: str = "") -> dict[str, Any]:
    return {"date": date, "value": value, "status": "on_track", "meeting_id": "", "agenda_item_id": "", "comment": comment}


def test_a_check_in_added_on_both_machines_keeps_both() -> None:
    july = checkin("2026-07-14", 18.0)
    base = objective(july)
    maya = objective(july, checkin("2026-07-21", 18.6, "Maya's team pushed hard this week"))
    kenji = objective(july, checkin("2026-07-22", 18.7, "CRM export, Wednesday"))
    merged = both_ways(base, maya, kenji)
    checkins = merged.document["objectives"]["k3vq0j2m7d1x"]["checkins"]
    assert checkins[0] == july
    assert sorted(c["date"] for c in checkins) == ["2026-07-14", "2026-07-21", "2026-07-22"]
    assert merged.conflicts == ()


def test_a_check_in_corrected_on_one_machine_while_the_other_adds_one() -> None:
    july = checkin("2026-07-14", 18.0)
    later = checkin("2026-07-21", 18.6)
    merged = both_ways(objective(july), objective(checkin("2026-07-14", 18.2, "corrected from the CRM")), objective(july, later))
    assert merged.document["objectives"]["k3vq0j2m7d1x"]["checkins"] == [checkin("2026-07-14", 18.2, "corrected from the CRM"), later]


def meeting_record(attendees: list[tuple[str, str]], **fields: Any) -> dict[str, Any]:
    record = {"id": MEETING, "title": "Weekly smarketing sync", "attendees": [{"name": n, "team": t} for n, t in attendees], "rating": 0}
    return meeting_with(meeting={MEETING: {**record, **fields}})


def test_attendees_merge_as_a_set_a_removal_and_an_addition() -> None:
    base = meeting_record([("Maya Thompson", "sales"), ("Lukas Schneider", "sales"), ("Zoë Lindqvist", "marketing")])
    without_lukas = meeting_record([("Maya Thompson", "sales"), ("Zoë Lindqvist", "marketing")])
    with_ingrid = meeting_record([("Maya Thompson", "sales"), ("Lukas Schneider", "sales"), ("Zoë Lindqvist", "marketing"), ("Ingrid Halvorsen", "other")])
    expected = meeting_record([("Maya Thompson", "sales"), ("Zoë Lindqvist", "marketing"), ("Ingrid Halvorsen", "other")])
    assert both_ways(base, without_lukas, with_ingrid) == Merged(expected, ())


def test_a_list_reordered_on_one_machine_keeps_that_order_and_the_other_machines_addition() -> None:
    def item(prompts: list[str]) -> dict[str, Any]:
        return meeting_with(agenda={"d8sfrpywwadg": agenda_item("", prompts=prompts)})

    base = item(["Which source converts best?", "Where are leads lost?"])
    reordered = item(["Where are leads lost?", "Which source converts best?"])
    added = item(["Which source converts best?", "Where are leads lost?", "What should we stop paying for?"])
    merged = both_ways(base, reordered, added)
    assert merged.document["agenda"]["d8sfrpywwadg"]["prompts"] == ["Where are leads lost?", "What should we stop paying for?", "Which source converts best?"]


def test_both_machines_created_the_file() -> None:
    maya = meeting_record([("Maya Thompson", "sales"), ("Zoë Lindqvist", "marketing")], rating=4)
    jose = meeting_record([("Maya Thompson", "sales"), ("José Ramírez", "sales")], rating=3)
    merged = both_ways(None, maya, jose)
    record = merged.document["meeting"][MEETING]
    assert {a["name"] for a in record["attendees"]} == {"Maya Thompson", "Zoë Lindqvist", "José Ramírez"}
    assert record["rating"] == 4
    assert merged.conflicts == (Conflict("meeting", MEETING, ("rating",), 4, 3, "tie_break"),)


def test_agenda_items_added_at_the_end_on_both_machines_get_distinct_positions() -> None:
    first = agenda_item("", position=0)
    base = meeting_with(agenda={first["id"]: first})
    maya = meeting_with(agenda={first["id"]: first, "zpkydxgr5qj5": agenda_item("", id="zpkydxgr5qj5", title="Content ideas", position=1)})
    jose = meeting_with(agenda={first["id"]: first, "9nk6mc210taz": agenda_item("", id="9nk6mc210taz", title="Voice of the prospect", position=1)})
    agenda = both_ways(base, maya, jose).document["agenda"]
    assert {key: record["position"] for key, record in agenda.items()} == {first["id"]: 0, "9nk6mc210taz": 1, "zpkydxgr5qj5": 2}


# --- the conflicts table ----------------------------------------------------------------


def test_conflicts_travel_in_the_file_and_merging_again_adds_nothing() -> None:
    base = meeting_with(actions={"w5ymsdh00j3b": action()})
    maya = meeting_with(actions={"w5ymsdh00j3b": action(status="done")})
    jose = meeting_with(actions={"w5ymsdh00j3b": action(status="dropped")})
    result = both_ways(base, maya, jose).document
    (conflict,) = recorded_conflicts(result)
    # The same two edits merged on a second machine give the same record under the same id…
    assert merge_documents(base, jose, maya).document[CONFLICTS_TABLE] == result[CONFLICTS_TABLE]
    # …and someone who marked it seen keeps the mark when the merge is repeated.
    seen = copy.deepcopy(result)
    seen[CONFLICTS_TABLE][conflict.id]["seen"] = True
    again = merge_documents(base, seen, jose)
    assert again.document[CONFLICTS_TABLE][conflict.id]["seen"] is True
    assert list(again.document[CONFLICTS_TABLE]) == [conflict.id]
    # A later merge with another clone's edits carries the table along.
    later = meeting_with(actions={"w5ymsdh00j3b": action(status="dropped", owner="Hannah Cohen")})
    assert merge_documents(jose, result, later).document[CONFLICTS_TABLE] == result[CONFLICTS_TABLE]


def test_the_conflict_id_depends_on_what_was_decided() -> None:
    one = Conflict("actions", "w5ymsdh00j3b", ("status",), "dropped", "done", "tie_break")
    assert one.id == Conflict("actions", "w5ymsdh00j3b", ("status",), "dropped", "done", "tie_break").id
    other_loser = Conflict("actions", "w5ymsdh00j3b", ("status",), "dropped", "open", "tie_break")
    other_record = Conflict("actions", "05fn7hv9dpmp", ("status",), "dropped", "done", "tie_break")
    assert len({one.id, other_loser.id, other_record.id}) == 3
    assert Conflict.from_record(one.as_record()) == one
    assert Conflict.from_record({"id": "x", "table": "actions"}) is None


# --- headers ----------------------------------------------------------------------------


def test_two_different_kinds_of_file_do_not_merge() -> None:
    with pytest.raises(MergeError, match=r"meetings/x\.json: cannot merge a 'meeting' file with a 'series' file"):
        merge_documents(None, meeting_with(), {"_tandem": header("series")}, source="meetings/x.json")
    with pytest.raises(MergeError, match="not a tandem data file"):
        merge_documents(None, meeting_with(), {"agenda": {}})


def test_the_merged_schema_is_the_larger_one() -> None:
    base = {"_tandem": header(schema=4), "actions": {}}
    newer = {"_tandem": header(schema=5), "actions": {"w5ymsdh00j3b": action()}}
    older = {"_tandem": header(schema=4), "actions": {"05fn7hv9dpmp": action(id="05fn7hv9dpmp")}}
    merged = both_ways(base, newer, older)
    assert merged.document["_tandem"] == header(schema=5)
    assert merged.conflicts == ()


# --- merge_text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "expected"),
    [
        ("a\nb\nc", "A\nb\nc", "a\nb\nC", "A\nb\nC"),  # lines apart
        ("a\nb\nc", "a\nb\nc\nd", "A\nb\nc", "A\nb\nc\nd"),  # an appended line, no final newline
        ("a\nb\nc\n", "a\nb\nc\nd\n", "x\na\nb\nc\n", "x\na\nb\nc\nd\n"),
        ("a\nb", "a\nB", "a\nB", "a\nB"),  # the same change on both sides
        ("a\nb", "a\nb\nx", "a\nb\nx\ny", "a\nb\nx\ny"),  # one insertion holds the other
        (None, "x", "y", "x\ny"),  # both wrote from nothing: both insertions
        ("a\nb\nc", "a\nB\nc", "a\nb2\nc", None),  # the same line, two ways
        ("a\nb\nc", "a\nc", "a\nB\nc", None),  # removed on one side, changed on the other
    ],
)
def test_merge_text(base: str | None, ours: str, theirs: str, expected: str | None) -> None:
    assert merge_text(base, ours, theirs) == expected
    assert merge_text(base, theirs, ours) == expected
