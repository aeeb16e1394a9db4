"""The values a sync decided, read back for the app: by record, on a meeting's agenda, in
words and in the minutes review shows; every value from another machine made visible,
never acted on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tandem.store.atomic import atomic_write_bytes, encode
from tandem.store.errors import CorruptFileError
from tandem.store.records import ActionItem, AgendaItem, Decision, Meeting, ParkedItem
from tandem.store.sync.merge import Conflict
from tandem.store.sync.recorded import ConflictReader, Decided, by_agenda_item, explain, into_minutes, mark, value_text, visible_text
from tandem.store.workspace import MeetingRecord

MID = "2026-12-08-weekly"


def conflict(table: str, record: str, *path: str, kept: object = "a", lost: object = "b", rule: str = "tie_break") -> Conflict:
    return Conflict(table, record, path, kept, lost, rule)


def meeting_file(path: Path, *conflicts: Conflict, extra: dict[str, object] | None = None) -> None:
    tables: dict[str, object] = {"meeting": {MID: {"id": MID, "series_id": "weekly", "title": "Weekly", "date": "2026-12-08"}}, **(extra or {})}
    if conflicts:
        tables["conflicts"] = {c.id: c.as_record() for c in conflicts}
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, encode(tables, "meeting"))


def record() -> MeetingRecord:
    return MeetingRecord(
        meeting=Meeting(id=MID, series_id="weekly", title="Weekly", date="2026-12-08"),
        agenda=[AgendaItem(id="a1", title="Lead quality", position=0), AgendaItem(id="a2", title="Pipeline", position=1, status="parked")],
        decisions=[Decision(id="d1", text="Ship the pricing page", agenda_item_id="a1")],
        actions=[ActionItem(id="t1", text="Call Acme", agenda_item_id="")],
        parking_lot=[ParkedItem(id="p1", text="Pricing tiers", agenda_item_id="a2")],
    )


# --- reading ----------------------------------------------------------------------------------


def test_the_reader_reads_a_file_again_only_when_it_changed(tmp_path: Path) -> None:
    path = tmp_path / "meetings" / f"{MID}.json"
    first = conflict("decisions", "d1", "text")
    meeting_file(path, first)
    reader = ConflictReader(tmp_path)
    found = reader.meeting(MID)
    assert found.conflicts == (first,) and found.of("decisions", "d1") == (first,) and not found.of("decisions", "d2")
    assert reader.file(path) is reader.file(path)  # unchanged: the same answer, not read again
    second = conflict("meeting", MID, "rating", kept=4, lost=3)
    meeting_file(path, first, second)
    assert set(reader.meeting(MID).conflicts) == {first, second}
    path.unlink()
    assert reader.meeting(MID).conflicts == ()


def test_a_file_without_the_table_is_not_parsed(tmp_path: Path) -> None:
    """Most files hold no conflict: their bytes say so (a damaged file would be parsed and fail)."""
    (tmp_path / "content.json").write_bytes(b'{"_tandem": {"kind": "content", "schema": 5}, "content": {"x": {"title": "not JSON after this" ')
    assert ConflictReader(tmp_path).captured_shared().conflicts == ()
    (tmp_path / "content.json").write_bytes(b'{"_tandem": {"kind": "content", "schema": 5}, "conflicts": {')
    with pytest.raises(CorruptFileError):
        ConflictReader(tmp_path).captured_shared()


def test_a_link_out_of_the_workspace_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.json"
    meeting_file(outside, conflict("decisions", "d1", "text"))
    home = tmp_path / "ws"
    (home / "meetings").mkdir(parents=True)
    os.symlink(outside, home / "meetings" / f"{MID}.json")
    with pytest.raises(CorruptFileError, match="leads out of the workspace"):
        ConflictReader(home).meeting(MID)


# --- where they show ----------------------------------------------------------------------------


def test_each_conflict_shows_on_the_agenda_item_it_belongs_to() -> None:
    decided = Decided(
        (
            conflict("agenda", "a1", "notes", rule="both_texts"),
            conflict("decisions", "d1", "text"),
            conflict("parking_lot", "p1", "text"),
            conflict("actions", "t1", "owner"),  # captured under no item
            conflict("decisions", "gone", "text"),  # no longer in the file
            conflict("meeting", MID, "rating", kept=4, lost=3),
        )
    )
    placed, rest = by_agenda_item(record(), decided)
    assert {item: [(c.table, c.record) for c in found] for item, found in placed.items()} == {
        "a1": [("agenda", "a1"), ("decisions", "d1")],
        "a2": [("parking_lot", "p1")],
    }
    assert [(c.table, c.record) for c in rest] == [("actions", "t1"), ("decisions", "gone"), ("meeting", MID)]


def test_the_mark_says_how_many_in_words() -> None:
    assert mark(0) == "" and mark(1) == "⚑ 1 value" and mark(3) == "⚑ 3 values"


# --- in words -----------------------------------------------------------------------------------


def test_values_from_another_machine_are_made_visible_never_acted_on() -> None:
    assert visible_text("plain [bold]x[/]") == "plain [bold]x[/]"
    assert visible_text("\x1b[31mred\x1b]52;c;aGk=\x07") == "␛[31mred␛]52;c;aGk=␇"
    assert visible_text("a\u202eb\x9bc\u2028d") == "a<U+202E>b<U+009B>c<U+2028>d"
    assert visible_text("one\r\ntwo\rthree\tfour\nfive") == "one\ntwo\nthree\tfour\nfive"
    assert visible_text("\x00\x7f") == "␀␡"


def test_values_of_every_kind_read_as_text() -> None:
    assert value_text(None) == "(nothing)" and value_text("") == "(empty)" and value_text([]) == "(none)"
    assert value_text(True) == "yes" and value_text(4) == "4" and value_text(2.5) == "2.5"
    assert value_text(["a", "b\x1b"]) == "a, b␛"
    assert value_text({"person": "Maya", "host": "maya-laptop", "since": None}) == "person: Maya, host: maya-laptop, since: (nothing)"


def test_explained_names_the_record_and_says_how_it_was_decided() -> None:
    found = [
        conflict("decisions", "d1", "text", kept="Ship Monday", lost="Ship Friday"),
        conflict("agenda", "a1", "notes", kept="Maya's", lost="José's", rule="both_texts"),
        conflict("agenda", "a1", "notes", kept="edited", lost="", rule="both_texts"),
        conflict("decisions", "gone", "text"),
        conflict("meeting", MID, "claim", kept={"person": "Maya"}, lost={"person": "José"}, rule="later_edit"),
        conflict("shadow_days", "s1", "takeaways", "k1", "category"),
    ]
    shown = explain(found, record())
    assert [(s.what, s.field) for s in shown] == [
        ("Decision “Ship the pricing page”", "text"),
        ("Agenda item 1 “Lead quality”", "notes"),
        ("Agenda item 1 “Lead quality”", "notes"),
        ("Decision gone (no longer in this file)", "text"),
        ("The meeting", "claim"),
        ("Shadow day s1 (no longer in this file)", "takeaways › k1 › category"),
    ]
    assert (shown[0].kept, shown[0].other, shown[0].both_kept) == ("Ship Monday", "Ship Friday", False)
    assert shown[1].both_kept and "both are kept" in shown[1].how
    assert "cleared" in shown[2].how and shown[2].other == "(empty)"
    assert "later edit" in shown[4].how and shown[4].kept == "person: Maya"
    assert "fixed rule" in shown[0].how
    assert explain(found[:1], None, {("decisions", "d1"): "Decision “named here”"})[0].what == "Decision “named here”"


def test_the_minutes_get_a_section_before_their_first() -> None:
    minutes = "---\nid: x\n---\n\n# Weekly — 2026-12-08\n\n**Rating:** 4/5\n\n## Attendance\n\nDana\n"
    hostile = conflict("decisions", "d1", "text", kept="# [x](javascript:alert(1)) <b>", lost="\x1b[2J| cell |")
    shown = explain([hostile], record())
    out = into_minutes(minutes, shown)
    assert out.index("# Weekly") < out.index("## ⚑ 1 value from two machines") < out.index("## Attendance")
    assert out.replace(out[out.index("## ⚑") : out.index("## Attendance")], "") == minutes
    line = next(line for line in out.splitlines() if line.startswith("- ⚑"))
    # Escaped as the minutes escape every text: no heading, link, HTML or table cell can open.
    assert "\\# \\[x\\](javascript:alert(1)) \\<b\\>" in line and "␛\\[2J\\| cell \\|" in line
    assert "\x1b" not in out
    assert into_minutes(minutes, []) == minutes
    assert into_minutes("# Title only\n", shown).startswith("# Title only\n\n## ⚑ 1 value")
