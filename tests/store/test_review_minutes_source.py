"""`tandem review --minutes DIR`: a folder of exported minutes reads back as the workspace did.

The demo workspace is exported once; every comparison is against ``WorkspaceSource`` on the
same workspace. Where the minutes cannot carry something, the test says so next to it.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest
import strategies as gen
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tandem.store import mdescape
from tandem.store import records as r
from tandem.store.errors import NotFoundError
from tandem.store.minutes.export import export_minutes, select_meetings
from tandem.store.minutes.reader import _split_pair, measure_value, read_minutes, split_objective
from tandem.store.minutes.render import Shared, render_minutes
from tandem.store.review.from_minutes import MinutesFolderSource
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.review.model import ActionRow, ReviewData
from tandem.store.workspace import MeetingRecord, Workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, Path, ReviewData, ReviewData]:
    """(workspace home, minutes folder, what the workspace shows, what the minutes show)."""
    from tandem.store.demo import seed_demo

    root = tmp_path_factory.mktemp("review-minutes")
    ws = Workspace(root / "ws")
    seed_demo(ws)
    shared = Shared.load(ws)
    out = root / "minutes"
    export_minutes(ws, select_meetings(shared), out, shared=shared)
    return ws.home, out, WorkspaceSource(ws.home).load(), MinutesFolderSource(out).load()


@pytest.fixture
def folder(demo, tmp_path: Path) -> Path:
    """A private copy of the exported minutes, for tests that change files."""
    return Path(shutil.copytree(demo[1], tmp_path / "minutes"))


def _by_meeting(rows: list) -> list:
    return sorted(rows, key=lambda row: (row.meeting_id, repr(row)))


# --- the same rows as the workspace ------------------------------------------------------------


def test_nothing_is_reported_and_the_label_is_the_folder(demo) -> None:
    _, out, ws_data, md_data = demo
    assert ws_data.problems == [] and md_data.problems == []
    assert MinutesFolderSource(out).label == str(out)


def test_meetings_are_the_same_newest_first(demo) -> None:
    _, _, ws_data, md_data = demo
    assert len(md_data.meetings) == 40
    # ids, dates, titles, series (id and title), facilitator, status, attendees and counts
    assert md_data.meetings == ws_data.meetings
    assert [m.date for m in md_data.meetings] == sorted((m.date for m in md_data.meetings), reverse=True)
    assert md_data.series() == ws_data.series()


def test_action_items_are_the_same(demo) -> None:
    _, _, ws_data, md_data = demo

    # The minutes show no closing date for a dropped action ("~~text~~ (dropped)"), so that
    # one field is compared for open and done actions only.
    def comparable(row: ActionRow) -> ActionRow:
        return dataclasses.replace(row, closed_on="") if row.status == "dropped" else row

    assert {a.status for a in ws_data.actions} == {"open", "done", "dropped"}
    assert _by_meeting(md_data.actions) == _by_meeting([comparable(a) for a in ws_data.actions])


def test_lead_feedback_is_the_same(demo) -> None:
    _, _, ws_data, md_data = demo
    assert ws_data.feedback and _by_meeting(md_data.feedback) == _by_meeting(ws_data.feedback)
    assert {f.verdict for f in md_data.feedback} >= {"good", "poor", "too_early"}
    assert any(f.reasons for f in md_data.feedback) and any(f.stage_lost for f in md_data.feedback)


def test_objectives_have_the_same_check_ins(demo) -> None:
    home, _, ws_data, md_data = demo
    # An objective appears in the minutes of the meetings that checked in on it, as one row of
    # that meeting's table: the value, status and comment of that check-in, dated by the
    # meeting (a check-in made outside a meeting, or an objective never checked in on, is in
    # no minutes). Values are printed with at most two decimals; target, unit and owner are
    # those of the objective, and its status is the latest check-in's.
    ws = Workspace(home, read_only=True)
    dates = {m.id: m.date for m in ws.list_meetings()}
    by_title = {o.title: o for o in md_data.objectives}
    derivable = 0
    for objective in ws.objectives.all():
        shown = sorted((c for c in objective.checkins if c.meeting_id in dates), key=lambda c: dates[c.meeting_id])
        if not shown:
            assert objective.title not in by_title
            continue
        derivable += 1
        row = by_title[objective.title]
        assert (row.metric, row.unit, row.target, row.owner_team) == (objective.metric, objective.unit, objective.target, objective.owner_team)
        assert row.status == shown[-1].status
        assert [(p.date, p.value, p.status, p.comment) for p in row.history] == [(dates[c.meeting_id], round(c.value, 2), c.status, c.comment) for c in shown]
    assert derivable == len(md_data.objectives) >= 5
    # In the demo every check-in is made in a meeting on its day, so the whole trend matches.
    ws_rows = {o.title: o for o in ws_data.objectives}
    for row in md_data.objectives:
        assert row.history == ws_rows[row.title].history and row.status == ws_rows[row.title].status


def test_shadow_days_of_debriefs_are_the_same(demo) -> None:
    _, _, ws_data, md_data = demo
    # Only debriefed days are in minutes (a planned day is in none), and minutes show no
    # status: a day whose takeaways were debriefed reads as done.
    debriefed = [d for d in ws_data.shadow_days if d.meeting_id]
    assert len(debriefed) >= 4 and len(debriefed) < len(ws_data.shadow_days)
    assert all(d.status == "done" for d in debriefed)
    assert md_data.shadow_days == debriefed


def test_search_finds_the_same_meetings(demo) -> None:
    home, out, _, _ = demo
    ws_source, md_source = WorkspaceSource(home), MinutesFolderSource(out)
    ws_source.load()  # the workspace source learns series titles from its first load
    ws = Workspace(home, read_only=True)
    record = next(rec for rec in ws.iter_meeting_records() if any(item.notes.strip() for item in rec.agenda))
    note = next(item.notes for item in record.agenda if item.notes.strip())
    word = max(note.replace("*", " ").split(), key=len)
    hits = md_source.search(word)
    assert record.meeting.id in [h.meeting_id for h in hits]
    assert any(s.where.startswith("Notes · ") for h in hits if h.meeting_id == record.meeting.id for s in h.snippets)
    # The same lines are indexed, so the answers match to the snippet.
    for query in (word, "pipeline", '"call snippets"', "SF-", "webinar budget", "Zoë", "#voice"):
        assert md_source.search(query) == ws_source.search(query), query


# --- files changing on disk -------------------------------------------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edited_file_is_found_by_the_next_search(folder: Path) -> None:
    source = MinutesFolderSource(folder)
    source.load()
    path = sorted(folder.glob("*_weekly-smarketing-sync.md"))[-1]
    meeting_id = read_minutes(path).id
    assert source.search("zanzibar") == []
    assert not source.changed()
    text = path.read_text(encoding="utf-8")
    first_item = text.index("\n### 1. ")
    line_end = text.index("\n", text.index("_Planned ", first_item))
    path.write_text(text[: line_end + 1] + "\n- zanzibar follow-up with legal\n" + text[line_end + 1 :], encoding="utf-8")
    assert source.changed()
    hits = source.search("zanzibar")
    assert [h.meeting_id for h in hits] == [meeting_id]
    assert any(s.where.startswith("Notes · 1. ") and "zanzibar follow-up" in s.text for s in hits[0].snippets)
    # Edited again (a different size: a rewrite of the same size within the file system's
    # timestamp granularity keeps the signature): the old words are gone, the new ones found.
    _edit(path, "zanzibar follow-up", "timbuktu follow-ups")
    assert [h.meeting_id for h in source.search("timbuktu")] == [meeting_id]
    assert all("zanzibar follow-up" not in s.text for h in source.search("zanzibar") for s in h.snippets)


def test_a_deleted_file_disappears(folder: Path) -> None:
    source = MinutesFolderSource(folder)
    before = source.load()
    path = sorted(folder.glob("*.md"))[0]
    meeting_id = read_minutes(path).id
    assert meeting_id in [h.meeting_id for h in source.search("a")]
    path.unlink()
    assert source.changed()
    assert meeting_id not in [h.meeting_id for h in source.search("a")]
    after = source.load()
    assert [m.id for m in after.meetings] == [m.id for m in before.meetings if m.id != meeting_id]
    assert all(a.meeting_id != meeting_id for a in after.actions)
    assert not source.changed()
    with pytest.raises(NotFoundError, match=meeting_id):
        source.minutes(meeting_id)


def test_a_new_file_is_picked_up(folder: Path) -> None:
    source = MinutesFolderSource(folder)
    count = len(source.load().meetings)
    (folder / "2027-01-05_extra.md").write_text(
        '---\nid: "2027-01-05-extra"\ntitle: "Extra sync"\ndate: "2027-01-05"\n---\n\n'
        "## Agenda\n\n### 1. Quokka census\n\n_Planned 5 min · actual — · pending_\n\n- count the quokkas\n",
        encoding="utf-8",
    )
    assert [h.meeting_id for h in source.search("quokkas")] == ["2027-01-05-extra"]
    data = source.load()
    assert len(data.meetings) == count + 1 and data.meetings[0].id == "2027-01-05-extra"
    assert data.meetings[0].agenda_items == 1


def test_a_broken_file_is_reported_and_the_rest_load(folder: Path) -> None:
    (folder / "notes.md").write_text("just some notes, not minutes\n", encoding="utf-8")
    data = MinutesFolderSource(folder).load()
    assert data.problems == [f"{folder / 'notes.md'}:1: no front matter (a '---' line must open the file)."]
    assert len(data.meetings) == 40


def test_a_bad_row_is_reported_and_the_meeting_still_loads(folder: Path) -> None:
    path = next(p for p in sorted(folder.glob("*.md")) if "## Objectives" in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| Lift MQL"))
    cells = row.split(" | ")
    cells[3] = "lots"
    path.write_text(text.replace(row, " | ".join(cells)), encoding="utf-8")
    line = text.splitlines().index(row) + 1
    data = MinutesFolderSource(folder).load()
    assert len(data.problems) == 1
    assert data.problems[0].startswith(f"{path}:{line}: the objective row 'Lift MQL")
    assert "'lots'" in data.problems[0]
    assert len(data.meetings) == 40


def test_a_copied_file_is_one_meeting_and_one_shadow_day(folder: Path) -> None:
    source = MinutesFolderSource(folder)
    before = source.load()
    debrief = next(p for p in sorted(folder.glob("*.md")) if "## Shadow-day takeaways" in p.read_text(encoding="utf-8"))
    shutil.copy(debrief, folder / "copy-of-a-debrief.md")
    data = source.load()
    assert [m.id for m in data.meetings] == [m.id for m in before.meetings]
    assert len(data.problems) == 1 and "copy-of-a-debrief.md:1:" in data.problems[0]
    # The same day debriefed again in a later meeting is still one day, from the first debrief.
    text = debrief.read_text(encoding="utf-8")
    original = read_minutes(debrief)
    (folder / "copy-of-a-debrief.md").write_text(
        text.replace(f'id: "{original.id}"', 'id: "2027-02-01-again"').replace(f'date: "{original.date}"', 'date: "2027-02-01"'),
        encoding="utf-8",
    )
    data = source.load()
    assert data.problems == [] and len(data.meetings) == len(before.meetings) + 1
    assert data.shadow_days == before.shadow_days


def test_windows_line_ends_read_the_same(demo, folder: Path) -> None:
    # A clone made by git on Windows (core.autocrlf) has CRLF line ends.
    for path in folder.glob("*.md"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    data = MinutesFolderSource(folder).load()
    expected = demo[3]
    assert data.problems == []
    assert (data.meetings, data.actions, data.feedback) == (expected.meetings, expected.actions, expected.feedback)
    assert (data.objectives, data.shadow_days) == (expected.objectives, expected.shadow_days)


def test_minutes_are_the_file_as_it_is(folder: Path) -> None:
    source = MinutesFolderSource(folder)
    data = source.load()
    path = sorted(folder.glob("*.md"))[3]
    meeting_id = read_minutes(path).id
    assert source.minutes(meeting_id) == path.read_text(encoding="utf-8")
    assert meeting_id in {m.id for m in data.meetings}
    with pytest.raises(NotFoundError, match="no-such-meeting"):
        source.minutes("no-such-meeting")


def test_an_empty_folder_and_a_missing_one(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "sub").mkdir()
    (empty / "README.txt").write_text("not minutes")
    source = MinutesFolderSource(empty)
    assert source.load() == ReviewData()
    assert source.search("anything") == [] and not source.changed()
    with pytest.raises(NotFoundError) as missing:
        MinutesFolderSource(tmp_path / "nope")
    assert str(missing.value) == f"No folder of minutes at {tmp_path / 'nope'}."
    empty.rename(tmp_path / "moved")
    with pytest.raises(NotFoundError, match="No folder of minutes at"):
        source.load()


# --- user text reads back as typed ------------------------------------------------------------

NASTY = [
    "# Heading?",
    "---",
    "a | b | c",
    "| x |\n|---|",
    "```",
    "`tick",
    "<script>alert(1)</script>",
    "- [ ] fake task",
    "* [x] fake done",
    "1. ordered",
    "> quote",
    "**bold** _em_ ~~strike~~",
    "'single' \"double\" \\ back\\",
    "\\|",
    "\\*",
    "\\[x]",
    "[link](http://evil.example)",
    "&amp; &#x41; &copy",
    "— owner",
    ", due 2026-01-01",
    " (done 2026-01-01)",
    "~~x~~ (dropped)",
    "****",
    "x — **y**",
    "\x1b[31mred\x1b[0m",
    "emoji 🎉 e\u0301 zero\u200bwidth",
    "    indented",
    "line one\nline two",
    "\r\nwin\r\n",
]
user_text = st.one_of(gen.text, st.sampled_from(NASTY), st.lists(st.sampled_from(NASTY), min_size=1, max_size=3).map(" ".join))


def inline_text(value: str) -> str:
    """What the minutes can keep of one-line text: no control characters, spaces collapsed."""
    return " ".join(mdescape.clean(value).split())


def cell_text(value: str) -> str:
    """Table cells keep line breaks (as <br>); blank lines are dropped."""
    return "\n".join(t for line in mdescape.clean(value).split("\n") if (t := inline_text(line)))


visible = user_text.filter(lambda s: inline_text(s) != "")
AMBIGUOUS_ENDING = re.compile(r"(, due \d{4}-\d{2}-\d{2}|\(done \d{4}-\d{2}-\d{2}\))$")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    action=visible,
    owner=user_text,
    status=st.sampled_from(r.ACTION_STATUSES),
    due=gen.maybe_day,
    closed=gen.maybe_day,
    comment=user_text,
    source=user_text,
    reference=visible,
    decision=visible,
    decided_by=user_text,
)
def test_user_text_round_trips(tmp_path: Path, action, owner, status, due, closed, comment, source, reference, decision, decided_by) -> None:
    # The one ambiguity of the format: without an owner, the due and closing dates follow the
    # action's own text, so text that itself ends like ", due 2026-01-01" cannot be told apart.
    assume(inline_text(owner) or not AMBIGUOUS_ENDING.search(inline_text(action)))
    mid = "2026-11-26-sync"
    meeting = r.Meeting(id=mid, series_id="sync", title="Sync", date="2026-11-26", status="ended")
    record = MeetingRecord(
        meeting=meeting,
        actions=[
            r.ActionItem(id="a1", text=action, owner=owner, due=due, status=status, closed_on=closed if status != "open" else "", meeting_id=mid),
            r.ActionItem(id="a2", text="second", owner="Dana", meeting_id=mid),
        ],
        lead_feedback=[
            r.LeadFeedback(
                id="l1",
                reference=reference,
                verdict="too_early",
                source=source,
                comment=comment,
                reasons=["no_authority", "no_fit"],
                stage_reached="sql",
                stage_lost="mql",
                meeting_id=mid,
            ),
        ],
        decisions=[r.Decision(id="d1", text=decision, decided_by=decided_by, meeting_id=mid)],
    )
    path = tmp_path / "m.md"
    path.write_text(render_minutes(record, Shared(series={"sync": r.Series(id="sync", title="Sync")}, meetings=[meeting])), encoding="utf-8")
    summary = read_minutes(path)

    assert summary.issues == []
    first, second = summary.action_items
    assert (first.text, first.owner, first.due, first.status) == (inline_text(action), inline_text(owner), due, status)
    assert first.closed_on == (closed if status == "done" else "")  # a dropped action shows no date
    assert (second.text, second.owner, second.status) == ("second", "Dana", "open")
    (lead,) = summary.lead_feedback
    assert (lead.reference, lead.source, lead.comment) == (cell_text(reference), cell_text(source), cell_text(comment))
    assert (lead.verdict, lead.reasons, lead.stage_reached, lead.stage_lost) == ("too_early", ("no_authority", "no_fit"), "sql", "mql")
    assert summary.decisions == [inline_text(decision) + (f" ({inline_text(decided_by)})" if mdescape.clean(decided_by) else "")]


# --- the small readers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30%", (30.0, "%")),
        ("26.9%", (26.9, "%")),
        ("61 SQLs", (61.0, "SQLs")),
        ("1,200", (1200.0, "")),
        ("4h", (4.0, "h")),
        ("1.03$M", (1.03, "$M")),
        ("$2.4M", (2.4, "$M")),
        ("-3 pts", (-3.0, "pts")),
        ("lots", None),
        ("", None),
    ],
)
def test_measures_read_back(text: str, expected) -> None:
    assert measure_value(text) == expected


@settings(max_examples=200)
@given(value=st.one_of(st.integers(-(10**9), 10**9), st.floats(-1e9, 1e9)), unit=st.sampled_from(["", "%", "h", "SQLs", "$M", "k€", "pts", "SQLs/mo"]))
def test_any_measure_reads_back_to_two_decimals(value: float, unit: str) -> None:
    assert measure_value(r.measure(value, unit)) == (round(value, 2), unit)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Lift MQL→SQL to 30% (MQL→SQL conversion)", ("Lift MQL→SQL to 30%", "MQL→SQL conversion")),
        ("60 SQLs a month (SQLs per month (marketing-sourced))", ("60 SQLs a month", "SQLs per month (marketing-sourced)")),
        ("No metric", ("No metric", "")),
    ],
)
def test_objective_cells_split_into_title_and_metric(cell: str, expected) -> None:
    assert split_objective(cell) == expected


def test_a_name_with_with_in_it_is_split_at_a_known_person() -> None:
    assert _split_pair("Ana with Bo", []) == ("Ana", "Bo")
    assert _split_pair("Tom with Jerry with Kim", ["Tom with Jerry"]) == ("Tom with Jerry", "Kim")
    assert _split_pair("Tom with Jerry with Kim", ["Jerry with Kim"]) == ("Tom", "Jerry with Kim")
