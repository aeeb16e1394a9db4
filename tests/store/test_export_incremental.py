"""Incremental ``export --all``: only the minutes whose inputs changed are rendered again, and
the folder always holds what a full render gives, byte for byte."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.store import records as r
from tandem.store import templates
from tandem.store.atomic import TEMP_MARK
from tandem.store.demo import seed_demo
from tandem.store.layout import CACHE_DIR
from tandem.store.minutes import export as ex
from tandem.store.minutes import render
from tandem.store.minutes.export import ExportResult, export_all, file_names, plan_export
from tandem.store.minutes.render import Shared, closed_by, minutes_context, render_minutes
from tandem.store.workspace import MeetingRecord, Workspace

# --- the scans the indices replaced, kept as the reference for what minutes show ----------


def _ref_previous_and_next(shared: Shared, meeting: r.Meeting) -> tuple[r.Meeting | None, r.Meeting | None]:
    same = [m for m in shared.meetings if m.series_id == meeting.series_id]
    ids = [m.id for m in same]
    if meeting.id not in ids:
        return None, None
    i = ids.index(meeting.id)
    return (same[i - 1] if i else None), (same[i + 1] if i + 1 < len(same) else None)


def _ref_objective_rows(meeting: r.Meeting, objectives: list[r.Objective]) -> list[dict[str, Any]]:
    rows = []
    for objective in objectives:
        history = sorted(objective.checkins, key=lambda c: (c.date, c.meeting_id))
        for n, checkin in enumerate(history):
            if checkin.meeting_id == meeting.id:
                rows.append({"objective": objective, "checkin": checkin, "previous": history[n - 1] if n else None})
                break
    return rows


def _ref_shadow_days(record: MeetingRecord, shared: Shared, previous: r.Meeting | None) -> list[r.ShadowDay]:
    if not any(item.captures == "shadow" for item in record.agenda):
        return []
    start = previous.date if previous else ""
    meeting_ids = {m.id for m in shared.meetings}
    return sorted(
        (
            d
            for d in shared.shadow_days
            if d.debriefed_in == record.meeting.id
            or ((not d.debriefed_in or d.debriefed_in not in meeting_ids) and start < d.date <= record.meeting.date and d.status != "planned")
        ),
        key=lambda d: (d.date, d.id),
    )


def _ref_action_review(meeting: r.Meeting, shared: Shared) -> list[dict[str, Any]]:
    meetings = {m.id: m for m in shared.meetings}
    here = (meeting.date, meeting.id)
    rows: list[tuple[int, r.Meeting, r.ActionItem]] = []
    order = {"done": 0, "dropped": 1, "open": 2}
    for action in shared.actions:
        origin = meetings.get(action.meeting_id)
        if origin is None or origin.series_id != meeting.series_id or (origin.date, origin.id) >= here:
            continue
        if action.status != "open" and action.closed_in == meeting.id:
            rows.append((order[action.status], origin, action))
        elif not closed_by(action, meeting, meetings):
            rows.append((order["open"], origin, action.replace(status="open", closed_in="", closed_on="")))
    rows.sort(key=lambda row: (row[0], row[1].date, row[1].id, row[2].id))
    return [{"action": action, "origin": origin} for _, origin, action in rows]


def reference_context(record: MeetingRecord, shared: Shared) -> dict[str, Any]:
    """``minutes_context`` as it was before the indices: every part that comes from them
    (the rest is the meeting's own) found by a scan."""
    meeting = record.meeting
    previous, following = _ref_previous_and_next(shared, meeting)
    known = {m.id: m for m in shared.meetings}
    actions = record.actions
    if meeting.status == "finalized":
        actions = [a if a.status == "open" or closed_by(a, meeting, known) else a.replace(status="open", closed_in="", closed_on="") for a in actions]
    context = minutes_context(record, shared)
    context.update(
        {
            "objectives": _ref_objective_rows(meeting, shared.objectives),
            "insights": [i for i in shared.insights if i.meeting_id == meeting.id],
            "content": [c for c in shared.content if c.meeting_id == meeting.id],
            "shadow_days": _ref_shadow_days(record, shared, previous),
            "actions": actions,
            "action_review": _ref_action_review(meeting, shared),
            "next_meeting": meeting.next_meeting or (following.date if following and meeting.status != "finalized" else ""),
        }
    )
    return context


# --- helpers -------------------------------------------------------------------------------


def manifest_path(ws: Workspace) -> Path:
    [path] = (ws.home / CACHE_DIR).glob("export-*.json")
    return path


def fresh_minutes(ws: Workspace) -> dict[str, bytes]:
    """Every meeting's minutes as a full render gives them now: file name → bytes."""
    shared = Shared.load(ws)
    names = file_names(ws, shared)
    return {names[m.id]: render_minutes(ws.read_meeting(m.id), shared).encode("utf-8") for m in shared.meetings}


def assert_like_a_full_render(ws: Workspace, out: Path, result: ExportResult, story: list[str]) -> None:
    shared = Shared.load(ws)
    names = file_names(ws, shared)
    assert result.total == len(shared.meetings), story
    for m in shared.meetings:
        record = ws.read_meeting(m.id)
        expected = render_minutes(record, shared).encode("utf-8")
        assert (out / names[m.id]).read_bytes() == expected, (m.id, story)
        assert minutes_context(record, shared) == reference_context(record, shared), (m.id, story)


class Renders:
    """Counts the meetings an export renders."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.ids: list[str] = []

        def counted(record: MeetingRecord, shared: Shared) -> str:
            self.ids.append(record.meeting.id)
            return render_minutes(record, shared)

        monkeypatch.setattr(ex, "render_minutes", counted)

    def take(self) -> list[str]:
        ids, self.ids = self.ids, []
        return ids


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo workspace (12 meetings, 3 series, action reviews, content, insights,
    objectives and shadow-day debriefs), copied by each test that changes it."""
    home = tmp_path_factory.mktemp("template") / "ws"
    seed_demo(Workspace(home), meetings=12)
    return home


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Workspace:
    shutil.copytree(template, tmp_path / "ws")
    return Workspace(tmp_path / "ws")


def edit_notes(ws: Workspace, meeting_id: str, text: str) -> None:
    with ws.open_meeting(meeting_id, allow_finalized=True) as writer:
        item = writer.read().agenda[0]
        writer.agenda.update(item.replace(notes=item.notes + text))


def insert_meeting(ws: Workspace, series_id: str, day: str, *, shadow: bool = False, action: str = "open") -> str:
    meeting_id = ws.new_meeting_id(day, series_id)
    captures = "shadow" if shadow else ""
    ws.create_meeting(
        r.Meeting(id=meeting_id, series_id=series_id, title="Inserted", date=day, facilitator="Dana Kim", status="ended"),
        [r.AgendaItem(id=f"{meeting_id}-i", title="Inserted item", position=0, timebox_min=5, captures=captures, status="done")],
        actions=[r.ActionItem(id=f"{meeting_id}-a", text="Inserted action", owner="Luis", meeting_id=meeting_id, status=action)],
    )
    return meeting_id


# --- the demo, in full ---------------------------------------------------------------------


def test_demo_export_is_a_full_render_and_the_scans_agree(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    seed_demo(ws, meetings=120)
    out = tmp_path / "minutes"
    result = export_all(ws, out)
    assert len(result.written) == 120
    assert_like_a_full_render(ws, out, result, ["demo"])
    shared = Shared.load(ws)
    # The layout itself, fed by the scans: the same bytes.
    for m in shared.meetings:
        record = ws.read_meeting(m.id)
        _, template = render.layout()
        expected = render._BLANK_RUNS.sub("\n\n", template.render(reference_context(record, shared))).strip("\n") + "\n"
        assert (out / file_names(ws, shared)[m.id]).read_text(encoding="utf-8") == expected
    # Every part the indices give is there in the demo, so the comparison above says something.
    contexts = [minutes_context(ws.read_meeting(m.id), shared) for m in shared.meetings]
    for part in ("objectives", "insights", "content", "shadow_days", "action_review"):
        assert any(c[part] for c in contexts), part
    assert any(row["action"].status != "open" for c in contexts for row in c["action_review"])


# --- what is rendered again, and what is not -------------------------------------------


def test_an_unchanged_export_renders_nothing_and_touches_nothing(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "minutes"
    renders = Renders(monkeypatch)
    export_all(ws, out)
    assert len(renders.take()) == 12
    stamps = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.iterdir()}
    manifest = manifest_path(ws).stat().st_mtime_ns
    plan = plan_export(ws, out)
    assert plan.settled
    result = plan.run()
    assert (len(result.written), len(result.unchanged)) == (0, 12)
    assert renders.take() == []
    assert {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.iterdir()} == stamps
    assert manifest_path(ws).stat().st_mtime_ns == manifest, "nothing to record: the manifest is not rewritten"


def test_one_edited_meeting_is_the_one_rendered(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "minutes"
    export_all(ws, out)
    renders = Renders(monkeypatch)
    meetings = ws.list_meetings()
    # The latest meeting, and a debrief whose action items the next debrief reviews: its
    # notes are not in that review, which is not rendered again.
    for meeting in (meetings[-1], next(m for m in meetings if m.series_id == "shadow-day-debriefs")):
        edit_notes(ws, meeting.id, " (edited)")
        result = export_all(ws, out)
        assert renders.take() == [meeting.id]
        assert len(result.written) == 1 and len(result.unchanged) == 11
        assert b"(edited)" in result.written[0].read_bytes()


def full_pass_renders(ws: Workspace, out: Path, renders: Renders, monkeypatch: pytest.MonkeyPatch, **options: Any) -> list[str]:
    """The meetings a full pass (the quick path turned off) renders now: none if every key the
    manifest holds is the one a full pass computes."""
    with monkeypatch.context() as m:
        m.setattr(ex, "_quick_plan", lambda *args: None)
        plan = plan_export(ws, out, **options)
        assert plan.patch is None and not plan.settled
        plan.run()
    return renders.take()


def test_a_notes_edit_renders_that_meeting_alone_from_what_it_shows(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every meeting of the demo in turn: finalized ones, debriefs with shadow days, meetings
    # with check-ins, content, insights and long action reviews. The quick path reads only
    # what each shows, and gives the bytes and the key of a full pass.
    out = tmp_path / "minutes"
    meetings = ws.list_meetings()
    # What the demo lacks: shadow days debriefed nowhere or in a meeting that is gone (older
    # data: a debrief shows those held since the previous one), and action items closed
    # outside any meeting (reviewed up to the day they were closed).
    days = sorted(ws.shadow_days.all(), key=lambda d: d.date)
    ws.shadow_days.update(days[1].replace(debriefed_in="", status="done"))
    ws.shadow_days.update(days[-1].replace(debriefed_in="2020-01-01-gone", status="done"))
    weekly = [m for m in meetings if m.series_id == "weekly-smarketing-sync"]
    for action in [a for a in Shared.load(ws).actions if a.meeting_id in (weekly[0].id, weekly[1].id)][:3]:
        ws.set_action_status(action.meeting_id, action.id, "done", closed_on=weekly[3].date)
    export_all(ws, out)
    shared = Shared.load(ws)
    contexts = [minutes_context(ws.read_meeting(m.id), shared) for m in meetings]
    assert any(d.id == days[1].id for c in contexts for d in c["shadow_days"])
    assert any(
        not row["action"].closed_in and row["action"].id in {a.id for a in shared.actions if a.closed_on} for c in contexts for row in c["action_review"]
    )
    renders = Renders(monkeypatch)
    for n, meeting in enumerate(ws.list_meetings()):
        edit_notes(ws, meeting.id, f" (edit {n})")
        plan = plan_export(ws, out)
        assert plan.patch is not None, meeting.id
        result = plan.run()
        assert renders.take() == [meeting.id]
        assert len(result.written) == 1 and b"(edit %d)" % n in result.written[0].read_bytes()
        assert_like_a_full_render(ws, out, result, [f"notes of {meeting.id}"])
        assert plan_export(ws, out).settled
    assert full_pass_renders(ws, out, renders, monkeypatch) == [], "the quick path recorded the keys of a full pass"


def test_the_quick_path_reads_only_what_the_minutes_show(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "minutes"
    export_all(ws, out)
    meetings = ws.list_meetings()
    target = meetings[-1]
    weekly = [m.id for m in meetings if m.series_id == target.series_id]
    edit_notes(ws, target.id, " (edited)")
    read: list[str] = []
    real = ex._read_face
    monkeypatch.setattr(ex, "_read_face", lambda workspace, stem, every: read.append(stem) or real(workspace, stem, every=every))
    monkeypatch.setattr(ex, "_load", lambda *args: pytest.fail("the quick path reads every meeting"))
    plan = plan_export(ws, out)
    assert plan.patch is not None
    plan.run()
    assert read and set(read) < set(weekly), "its series neighbour and the meetings its review lists, nothing else"


def test_the_quick_path_gives_way_to_a_full_pass(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What other minutes show of a meeting file (its header, its action items), a new or a
    # deleted file, a shared file, more changes than QUICK_LIMIT: a full pass.
    out = tmp_path / "minutes"
    export_all(ws, out)
    meetings = ws.list_meetings()

    def quick() -> bool:
        plan = plan_export(ws, out)
        plan.run()
        return plan.patch is not None

    with ws.open_meeting(meetings[3].id, allow_finalized=True) as writer:
        writer.save_meeting(writer.meeting.replace(title="Renamed"))
    assert not quick()
    action = next(a for a in Shared.load(ws).actions if a.status == "open")
    ws.set_action_status(action.meeting_id, action.id, "done", closed_on=meetings[-1].date)
    assert not quick()
    insert_meeting(ws, meetings[0].series_id, meetings[-1].date)
    assert not quick()
    item = next(c for c in ws.content.all() if c.meeting_id)
    ws.content.update(item.replace(title=item.title + "!"))
    assert not quick()
    edit_notes(ws, meetings[0].id, " a")
    edit_notes(ws, meetings[1].id, " b")
    monkeypatch.setattr(ex, "QUICK_LIMIT", 1)
    assert not quick()
    monkeypatch.setattr(ex, "QUICK_LIMIT", 100)
    edit_notes(ws, meetings[2].id, " c")
    assert quick()
    assert_like_a_full_render(ws, out, export_all(ws, out), ["gave way"])


def test_the_quick_path_of_one_series_from_one_day(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "minutes"
    meetings = ws.list_meetings()
    series, since = "weekly-smarketing-sync", meetings[4].date
    export_all(ws, out, series=series, since=since)
    chosen = [m for m in meetings if m.series_id == series and m.date >= since]
    outside = next(m for m in meetings if m.series_id != series)
    renders = Renders(monkeypatch)
    edit_notes(ws, chosen[0].id, " (in)")
    edit_notes(ws, outside.id, " (out)")
    plan = plan_export(ws, out, series=series, since=since)
    assert plan.patch is not None
    result = plan.run()
    assert renders.take() == [chosen[0].id] and len(result.written) == 1
    expected = fresh_minutes(ws)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {p.name: expected[p.name] for p in out.iterdir()}
    assert sorted(p.name for p in out.iterdir()) == sorted(file_names(ws, Shared.load(ws))[m.id] for m in chosen)
    assert plan_export(ws, out, series=series, since=since).settled
    assert full_pass_renders(ws, out, renders, monkeypatch, series=series, since=since) == []


def test_a_meeting_inserted_in_a_series_renders_its_neighbours_and_reviewers(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "minutes"
    export_all(ws, out)
    renders = Renders(monkeypatch)
    weekly = [m for m in ws.list_meetings() if m.series_id == "weekly-smarketing-sync"]
    before, after = weekly[1], weekly[2]
    day = (date.fromisoformat(before.date) + timedelta(days=1)).isoformat()
    new = insert_meeting(ws, "weekly-smarketing-sync", day)
    result = export_all(ws, out)
    rendered = set(renders.take())
    # The new meeting; the one before it (its next meeting); every later weekly meeting
    # (their action reviews show the new action item). Nothing of the other series.
    assert rendered == {new, before.id, *(m.id for m in weekly[2:])}
    assert after.id in rendered
    assert_like_a_full_render(ws, out, result, ["insert"])


def test_a_shared_record_renders_the_meetings_that_show_it(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "minutes"
    export_all(ws, out)
    renders = Renders(monkeypatch)
    item = next(c for c in ws.content.all() if c.meeting_id)
    ws.content.update(item.replace(title=item.title + " (renamed)"))
    result = export_all(ws, out)
    assert renders.take() == [item.meeting_id]
    assert b"(renamed)" in result.written[0].read_bytes()


def _shadow_day_shown(ws: Workspace) -> set[str]:
    day = next(d for d in ws.shadow_days.all() if d.debriefed_in)
    ws.shadow_days.update(day.replace(host=day.host + " Jr."))
    return {day.debriefed_in}


def _check_in_commented(ws: Workspace) -> set[str]:
    objective = next(o for o in ws.objectives.all() if o.checkins)
    first = objective.checkins[0]
    ws.objectives.update(objective.replace(checkins=[first.replace(comment=first.comment + " (revised)"), *objective.checkins[1:]]))
    return {c.meeting_id for c in objective.checkins}  # the objective is shown whole in each


def _insight_reworded(ws: Workspace) -> set[str]:
    insight = next(i for i in ws.insights.all() if i.meeting_id)
    ws.insights.update(insight.replace(text=insight.text + " Really?"))
    return {insight.meeting_id}


def _series_renamed(ws: Workspace) -> set[str]:
    series = ws.series.get("pipeline-content-review")
    ws.series.update(series.replace(title="Pipeline and content"))
    return {m.id for m in ws.list_meetings() if m.series_id == series.id}


def _closing_meeting_moved(ws: Workspace) -> set[str]:
    # A finalized meeting shows its own action items as they stood at the meeting: one
    # closed in a meeting moved to before it is shown done, though its file is the same.
    shared = Shared.load(ws)
    known = shared.meetings_by_id()
    action = next(a for a in shared.actions if a.closed_in in known and known[a.meeting_id].status == "finalized")
    origin, closer = known[action.meeting_id], known[action.closed_in]
    with ws.open_meeting(closer.id, allow_finalized=True) as writer:
        writer.save_meeting(writer.meeting.replace(date=(date.fromisoformat(origin.date) - timedelta(days=1)).isoformat()))
    # The closer's series (the two debriefs): its order, neighbours and reviews change.
    return {m.id for m in shared.meetings if m.series_id == closer.series_id} | {origin.id}


def _action_closed_later(ws: Workspace) -> set[str]:
    shared = Shared.load(ws)
    weekly = [m for m in shared.meetings if m.series_id == "weekly-smarketing-sync"]
    origin, closer = next((m, weekly[n + 1]) for n, m in enumerate(weekly[:-1]) if any(a.status == "open" and a.meeting_id == m.id for a in shared.actions))
    action = next(a for a in shared.actions if a.status == "open" and a.meeting_id == origin.id)
    ws.set_action_status(origin.id, action.id, "done", closed_in=closer.id, closed_on=closer.date)
    # Its own minutes (the file changed), the meeting that closed it, and the later ones
    # that no longer review it.
    return {origin.id, *(m.id for m in weekly[weekly.index(closer) :])}


@pytest.mark.parametrize(
    "change",
    [_shadow_day_shown, _check_in_commented, _insight_reworded, _series_renamed, _closing_meeting_moved, _action_closed_later],
    ids=lambda f: f.__name__.strip("_"),
)
def test_each_input_of_the_minutes_renders_the_meetings_that_show_it(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    out = tmp_path / "minutes"
    export_all(ws, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    renders = Renders(monkeypatch)
    expected = change(ws)
    result = export_all(ws, out)
    assert set(renders.take()) == expected
    assert_like_a_full_render(ws, out, result, [change.__name__])
    assert any(before.get(p.name) != p.read_bytes() for p in result.written), "the change shows in the minutes"


def test_finalized_minutes_follow_the_date_of_the_meeting_that_closed_an_action(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A finalized meeting shows its own action items as they stood at the meeting. One
    # closed in another series' meeting that is moved to before it is shown done, though
    # nothing of its own file or its series changed.
    out = tmp_path / "minutes"
    shared = Shared.load(ws)
    origin = next(m for m in shared.meetings if m.status == "finalized" and m.series_id == "weekly-smarketing-sync")
    action = next(a for a in shared.actions if a.meeting_id == origin.id)
    closer = next(m for m in shared.meetings if m.series_id == "pipeline-content-review" and m.date > origin.date)
    ws.set_action_status(origin.id, action.id, "done", closed_in=closer.id, closed_on=closer.date)
    export_all(ws, out)
    name = file_names(ws, shared)[origin.id]
    assert f"[ ] {action.text}" in (out / name).read_text(encoding="utf-8")
    renders = Renders(monkeypatch)
    with ws.open_meeting(closer.id, allow_finalized=True) as writer:
        writer.save_meeting(writer.meeting.replace(date=(date.fromisoformat(origin.date) - timedelta(days=1)).isoformat()))
    result = export_all(ws, out)
    assert origin.id in renders.take()
    assert f"[x] {action.text}" in (out / name).read_text(encoding="utf-8")
    assert_like_a_full_render(ws, out, result, ["closer moved"])


def test_a_minutes_file_edited_or_deleted_by_hand_is_written_again(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "minutes"
    export_all(ws, out)
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    edited, deleted, same_size = sorted(first)[:3]
    (out / edited).write_bytes(first[edited] + b"\nmy note\n")
    (out / deleted).unlink()
    with (out / same_size).open("r+b") as f:  # in place: the same inode and size
        f.write(b"+++")
    renders = Renders(monkeypatch)
    result = export_all(ws, out)
    assert len(renders.take()) == 3
    assert sorted(p.name for p in result.written) == sorted([edited, deleted, same_size])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first


@pytest.mark.parametrize(
    "damage",
    [
        "missing",
        "garbage",
        "newer",
        "other folder",
        "bad entry",
    ],
)
def test_a_missing_damaged_or_newer_manifest_means_a_full_export(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    out = tmp_path / "minutes"
    export_all(ws, out)
    path = manifest_path(ws)
    data = orjson.loads(path.read_bytes())
    if damage == "missing":
        path.unlink()
    elif damage == "garbage":
        path.write_bytes(b"\x00{not json")
    elif damage == "newer":
        path.write_bytes(orjson.dumps({**data, "format": ex.CACHE_FORMAT + 1}))
    elif damage == "other folder":
        path.write_bytes(orjson.dumps({**data, "folder": str(tmp_path / "elsewhere")}))
    else:
        first = data["minutes"]["ids"][0]
        data["minutes"]["files"][0] = 3
        data["minutes"]["sigs"][0] = "sig"
        path.write_bytes(orjson.dumps(data))
    renders = Renders(monkeypatch)
    result = export_all(ws, out)
    if damage == "bad entry":
        assert renders.take() == [first], "the meeting of the damaged entry is rendered and compared, no other"
    else:
        assert len(renders.take()) == 12, "every meeting rendered and compared, as before there was a manifest"
    assert (len(result.written), len(result.unchanged)) == (0, 12)
    assert orjson.loads(manifest_path(ws).read_bytes())["format"] == ex.CACHE_FORMAT
    assert plan_export(ws, out).settled


def test_another_layout_or_another_tandem_renders_everything(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "minutes"
    export_all(ws, out)
    renders = Renders(monkeypatch)
    layout = render.user_layout_path()
    layout.parent.mkdir(parents=True, exist_ok=True)
    layout.write_text(render.builtin_layout_path().read_text(encoding="utf-8") + "\nCustom footer\n", encoding="utf-8")
    result = export_all(ws, out)
    assert len(renders.take()) == 12 and len(result.written) == 12
    assert all(p.read_text(encoding="utf-8").endswith("Custom footer\n") for p in result.written)
    layout.write_text(layout.read_text(encoding="utf-8").replace("Custom", "Other"), encoding="utf-8")
    export_all(ws, out)
    assert len(renders.take()) == 12
    monkeypatch.setattr(ex, "__version__", "99.0")
    export_all(ws, out)
    assert len(renders.take()) == 12


def test_a_killed_export_keeps_what_it_did(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "minutes"
    monkeypatch.setattr(ex, "CHECKPOINT_EVERY", 3)
    real_save = ex._Manifest.save
    killed = False

    def save(self: Any, workspace: Workspace) -> None:
        if not killed:  # a kill -9 runs no `finally`: only the checkpoints reach the disk
            real_save(self, workspace)

    monkeypatch.setattr(ex._Manifest, "save", save)

    class Killed(BaseException):
        pass

    calls: list[str] = []

    def dying(record: MeetingRecord, shared: Shared) -> str:
        nonlocal killed
        if len(calls) == 7:
            killed = True
            raise Killed
        calls.append(record.meeting.id)
        return render_minutes(record, shared)

    monkeypatch.setattr(ex, "render_minutes", dying)
    with pytest.raises(Killed):
        export_all(ws, out)
    killed = False
    renders = Renders(monkeypatch)
    result = export_all(ws, out)
    assert renders.take() == [m.id for m in ws.list_meetings()][6:], "the six checkpointed meetings are not rendered again"
    assert_like_a_full_render(ws, out, result, ["killed"])


def test_the_manifest_claims_only_files_that_were_written(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "minutes"
    real_write = ex.atomic_write_bytes
    writes: list[Path] = []

    def failing(path: Path, data: bytes) -> None:
        if path.parent == out:
            if len(writes) == 2:
                raise OSError(28, "No space left on device", str(path))
            writes.append(path)
        real_write(path, data)

    monkeypatch.setattr(ex, "atomic_write_bytes", failing)
    with pytest.raises(OSError):
        export_all(ws, out)
    entries = orjson.loads(manifest_path(ws).read_bytes())["minutes"]
    assert sorted(out / name for name in entries["files"]) == sorted(writes)
    expected = fresh_minutes(ws)
    for name, sig in zip(entries["files"], entries["sigs"], strict=True):
        assert ex._sig_text(ex.signature((out / name).stat())) == sig and (out / name).read_bytes() == expected[name]
    monkeypatch.setattr(ex, "atomic_write_bytes", real_write)
    renders = Renders(monkeypatch)
    export_all(ws, out)
    assert len(renders.take()) == 10


def test_a_read_only_workspace_gets_no_cache(ws: Workspace, tmp_path: Path) -> None:
    readonly = Workspace(ws.home, read_only=True)
    result = export_all(readonly, tmp_path / "minutes")
    assert len(result.written) == 12
    assert not (ws.home / CACHE_DIR).exists()


def test_indices_follow_lists_that_are_replaced_or_grow(ws: Workspace) -> None:
    shared = Shared.load(ws)
    meetings = shared.meetings
    target = meetings[-1]
    before = render.action_review(target, shared)
    origin = meetings[0] if meetings[0].series_id == target.series_id else next(m for m in meetings if m.series_id == target.series_id)
    shared.actions.append(r.ActionItem(id="late", text="Appended", meeting_id=origin.id))
    assert len(render.action_review(target, shared)) == len(before) + 1
    shared.actions = [a for a in shared.actions if a.id != "late"]
    assert render.action_review(target, shared) == before
    shared.content = [r.ContentItem(id="c", title="New", meeting_id=target.id)]
    assert [c.id for c in shared.content_of(target.id)] == ["c"]


# --- what an export after one change reads and writes --------------------------------------


def side_file(ws: Workspace, suffix: str) -> Path:
    """The manifest's details (``.details.jsonl``) or patch file (``.patch``)."""
    path = manifest_path(ws)
    return path.with_name(path.stem + suffix)


def test_the_quick_path_takes_what_minutes_show_from_the_details(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The files holding a record or more per meeting are never read for a few meetings: the
    # details hold what each meeting shows of them. Every meeting of the demo in turn:
    # debriefs show shadow days, pipeline reviews content items and insights.
    out = tmp_path / "minutes"
    export_all(ws, out)
    read: list[str] = []
    real = ex.read_file
    monkeypatch.setattr(ex, "read_file", lambda path: read.append(path.name) or real(path))
    shown: set[str] = set()
    for n, meeting in enumerate(ws.list_meetings()):
        edit_notes(ws, meeting.id, f" (again {n})")
        plan = plan_export(ws, out)
        assert plan.patch is not None, meeting.id
        shown.update(part for part in ("insights", "content", "shadow_days") if getattr(plan.patch.keys.shared, part))
        assert_like_a_full_render(ws, out, plan.run(), [meeting.id])
    assert {"insights", "content", "shadow_days"} <= shown, "the demo's minutes show each of them"
    assert not {"insights.json", "content.json", "shadow_days.json"} & set(read)
    assert "series.json" in read and "objectives.json" in read


@pytest.mark.parametrize("damage", ["deleted", "rewritten", "other offsets"])
def test_details_that_cannot_be_trusted_mean_a_full_pass(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    out = tmp_path / "minutes"
    export_all(ws, out)
    details = side_file(ws, ".details.jsonl")
    if damage == "deleted":
        details.unlink()
    elif damage == "rewritten":  # the same bytes, written again: not the file the manifest wrote
        details.write_bytes(details.read_bytes())
    else:
        data = orjson.loads(manifest_path(ws).read_bytes())
        data["details"]["at"] = data["details"]["at"][1:] + data["details"]["at"][:1]
        manifest_path(ws).write_bytes(orjson.dumps(data))
    meeting = ws.list_meetings()[-1]
    edit_notes(ws, meeting.id, " (edited)")
    renders = Renders(monkeypatch)
    plan = plan_export(ws, out)
    assert plan.patch is None and not plan.settled
    assert_like_a_full_render(ws, out, plan.run(), [damage])
    assert renders.take() == [meeting.id]
    edit_notes(ws, meeting.id, " (twice)")
    assert plan_export(ws, out).patch is not None, "the full pass wrote the details again"


def test_a_quick_export_amends_the_manifest_in_a_patch_file(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "minutes"
    export_all(ws, out)
    whole, patch = manifest_path(ws), side_file(ws, ".patch")
    written = whole.stat()
    meetings = ws.list_meetings()
    edit_notes(ws, meetings[0].id, " a")
    export_all(ws, out)
    assert patch.exists() and whole.stat().st_ino == written.st_ino, "a few entries, not the whole manifest"
    assert plan_export(ws, out).settled, "the patch file is read with the manifest"
    monkeypatch.setattr(ex, "PATCH_LIMIT", 4)  # two entries a meeting: its minutes, its file
    edit_notes(ws, meetings[1].id, " b")
    export_all(ws, out)
    assert patch.exists()
    edit_notes(ws, meetings[2].id, " c")
    export_all(ws, out)
    assert whole.stat().st_ino != written.st_ino and not patch.exists(), "past PATCH_LIMIT, written whole again"
    assert plan_export(ws, out).settled


@pytest.mark.parametrize("damage", ["garbage", "another manifest's"])
def test_a_patch_file_that_does_not_amend_the_manifest_is_not_read(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    out = tmp_path / "minutes"
    export_all(ws, out)
    meeting = ws.list_meetings()[-1]
    edit_notes(ws, meeting.id, " (edited)")
    export_all(ws, out)
    patch = side_file(ws, ".patch")
    data = orjson.loads(patch.read_bytes())
    [name] = [entry[1] for entry in data["minutes"].values()]
    # A hand edit of those minutes, which a patch file recording their new signature would hide.
    with (out / name).open("ab") as f:
        f.write(b"hand edit\n")
    [entry] = data["minutes"].values()
    entry[2] = ex._sig_text(ex.signature((out / name).stat()))
    patch.write_bytes(b"[1, 2" if damage == "garbage" else orjson.dumps({**data, "token": "another"}))
    renders = Renders(monkeypatch)
    result = export_all(ws, out)
    assert renders.take() == [meeting.id]
    assert [p.name for p in result.written] == [name]
    assert_like_a_full_render(ws, out, result, [damage])
    assert plan_export(ws, out).settled


def test_a_meeting_file_rewritten_in_place_is_rendered(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Another program's edit: the same inode, the same size, the modification time put back.
    # The folder is as it was, and the inode too: the change time tells.
    out = tmp_path / "minutes"
    meeting = ws.list_meetings()[-1]
    edit_notes(ws, meeting.id, " xxxx")
    export_all(ws, out)
    path = ws.meeting_path(meeting.id)
    before = path.stat()
    raw = path.read_bytes()
    with path.open("r+b") as f:
        f.write(raw.replace(b" xxxx", b" yyyy"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_ino, path.stat().st_size, path.stat().st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    renders = Renders(monkeypatch)
    result = export_all(ws, out)
    assert renders.take() == [meeting.id]
    assert b" yyyy" in result.written[0].read_bytes()


def test_an_export_with_nothing_to_render_removes_a_dead_exports_temp_files(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "minutes"
    export_all(ws, out)
    name = sorted(p.name for p in out.iterdir())[0]
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = out / f".{name}{TEMP_MARK}{dead.pid}-1"
    stale.write_bytes(b"# half a minu")
    theirs = out / f".notes{TEMP_MARK}draft"  # another tool's name, not tandem's pattern
    theirs.write_bytes(b"mine")
    plan = plan_export(ws, out)
    assert plan.settled
    plan.run()
    assert not stale.exists() and theirs.read_bytes() == b"mine"


def test_the_layout_is_found_where_the_templates_module_says(tmp_path: Path) -> None:
    assert render.user_layout_path() == templates.user_dir().parent / render.LAYOUT_NAME
    assert render.builtin_layout_path() == templates.builtin_dir() / render.LAYOUT_NAME


# --- any sequence of changes -------------------------------------------------------------


def _pick(data: st.DataObject, items: list[Any], label: str) -> Any:
    return data.draw(st.sampled_from(items), label=label)


def _change(ws: Workspace, out: Path, data: st.DataObject, kind: str) -> str:
    meetings = ws.list_meetings()
    if kind == "notes":
        m = _pick(data, meetings, "meeting")
        edit_notes(ws, m.id, data.draw(st.sampled_from([" more", " | pipe", "\n- [ ] task"])))
        return f"notes {m.id}"
    if kind == "insert":
        m = _pick(data, meetings, "after")
        day = (date.fromisoformat(m.date) + timedelta(days=data.draw(st.integers(0, 3), label="days"))).isoformat()
        new = insert_meeting(ws, m.series_id, day, shadow=data.draw(st.booleans(), label="shadow"), action=data.draw(st.sampled_from(["open", "done"])))
        return f"insert {new}"
    if kind == "reschedule":
        m = _pick(data, meetings, "meeting")
        day = (date.fromisoformat(m.date) + timedelta(days=data.draw(st.integers(-10, 10), label="days"))).isoformat()
        with ws.open_meeting(m.id, allow_finalized=True) as writer:
            writer.save_meeting(writer.meeting.replace(date=day))
        return f"reschedule {m.id} {day}"
    if kind == "delete":
        m = _pick(data, meetings, "meeting")
        (ws.meetings_dir / f"{m.id}.json").unlink()
        return f"delete {m.id}"
    if kind == "action":
        actions = Shared.load(ws).actions
        if not actions:
            return "no action"
        a = _pick(data, actions, "action")
        status = data.draw(st.sampled_from(["open", "done", "dropped"]), label="status")
        closer = data.draw(st.sampled_from(["", *(m.id for m in meetings)]), label="closed_in")
        ws.set_action_status(a.meeting_id, a.id, status, closed_in=closer, closed_on=data.draw(st.sampled_from(["", "2026-11-01", "2026-11-20"])))
        return f"action {a.id} {status} in {closer}"
    if kind == "finalize":
        m = _pick(data, [m for m in meetings if m.status in ("ended", "finalized")] or meetings, "meeting")
        if m.status in ("ended", "finalized"):
            ws.set_finalized(m.id, m.status == "ended")
        return f"finalize {m.id}"
    if kind == "shared":
        what = data.draw(st.sampled_from(["content", "insight", "shadow", "objective", "series"]), label="shared")
        if what == "content" and (items := ws.content.all()):
            c = _pick(data, items, "content")
            ws.content.update(c.replace(title=c.title + "!", meeting_id=_pick(data, [c.meeting_id, *(m.id for m in meetings)], "moved to")))
        elif what == "insight" and (insights := ws.insights.all()):
            i = _pick(data, insights, "insight")
            ws.insights.update(i.replace(text=i.text + "?"))
        elif what == "shadow" and (days := ws.shadow_days.all()):
            d = _pick(data, days, "day")
            ws.shadow_days.update(d.replace(host=d.host + ".", debriefed_in=_pick(data, ["", d.debriefed_in, *(m.id for m in meetings)], "debriefed_in")))
        elif what == "objective" and (objectives := [o for o in ws.objectives.all() if o.checkins]):
            o = _pick(data, objectives, "objective")
            n = data.draw(st.integers(0, len(o.checkins) - 1), label="checkin")
            moved = o.checkins[n].replace(
                comment=o.checkins[n].comment + "~", meeting_id=_pick(data, [o.checkins[n].meeting_id, *(m.id for m in meetings)], "to")
            )
            ws.objectives.update(o.replace(checkins=[*o.checkins[:n], moved, *o.checkins[n + 1 :]]))
        elif what == "series":
            s = _pick(data, ws.series.all(), "series")
            ws.series.update(s.replace(title=s.title + " II"))
        return f"shared {what}"
    if kind == "minutes file":
        files = sorted(p for p in out.iterdir() if p.is_file())
        path = _pick(data, files, "file")
        how = data.draw(st.sampled_from(["append", "same size", "delete", "replace"]), label="how")
        if how == "append":
            with path.open("ab") as f:
                f.write(b"hand edit\n")
        elif how == "same size":
            with path.open("r+b") as f:
                f.write(b"###")
        elif how == "delete":
            path.unlink()
        else:
            path.write_bytes(b"someone else's file\n")
        return f"minutes file {path.name} {how}"
    if kind == "meeting in place":  # another program's edit: the file's inode stays
        m = _pick(data, meetings, "meeting")
        path, kept = ws.meeting_path(m.id), ws.home / ".kept"
        os.link(path, kept)
        edit_notes(ws, m.id, " (in place)")
        edited = path.read_bytes()
        os.replace(kept, path)
        with path.open("r+b") as f:
            f.write(edited)
            f.truncate()
        return f"meeting in place {m.id}"
    if kind == "patch file":
        for path in (ws.home / CACHE_DIR).glob("export-*.patch"):
            if data.draw(st.booleans(), label="garbage"):
                path.write_bytes(b"[1, 2")
            else:
                path.unlink()
        return "patch file"
    if kind == "manifest":
        how = data.draw(st.sampled_from(["delete", "garbage", "newer"]), label="how")
        for path in (ws.home / CACHE_DIR).glob("export-*.json"):
            if how == "delete":
                path.unlink()
            elif how == "garbage":
                path.write_bytes(b"[1, 2")
            else:
                path.write_bytes(orjson.dumps({"format": ex.CACHE_FORMAT + 1}))
        return f"manifest {how}"
    layout = render.user_layout_path()
    if data.draw(st.booleans(), label="own layout"):
        layout.parent.mkdir(parents=True, exist_ok=True)
        layout.write_text(render.builtin_layout_path().read_text(encoding="utf-8") + f"\n<!-- {len(meetings)} -->\n", encoding="utf-8")
    elif layout.exists():
        layout.unlink()
    return "layout"


#: The changes that touch what other meetings' minutes show come up more often.
CHANGES = [
    "notes",
    "insert",
    "insert",
    "reschedule",
    "reschedule",
    "delete",
    "action",
    "action",
    "finalize",
    "shared",
    "shared",
    "shared",
    "minutes file",
    "meeting in place",
    "patch file",
    "manifest",
    "layout",
]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_after_any_changes_the_folder_is_a_full_render(template: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    root = tmp_path_factory.mktemp("changes")
    shutil.copytree(template, root / "ws")
    ws, out = Workspace(root / "ws"), root / "minutes"
    layout = render.user_layout_path()
    if layout.exists():
        layout.unlink()
    story = ["first export"]
    assert_like_a_full_render(ws, out, export_all(ws, out), story)
    for kind in data.draw(st.lists(st.sampled_from(CHANGES), min_size=1, max_size=5), label="changes"):
        story.append(_change(ws, out, data, kind))
        plan = plan_export(ws, out)
        # A change that leaves what other minutes show alone is rendered alone.
        assert plan.patch is not None or plan.settled or kind not in ("notes", "minutes file", "meeting in place"), story
        result = plan.run()
        assert_like_a_full_render(ws, out, result, story)
        # Whatever happened, nothing stays that an unchanged export would have to redo...
        assert plan_export(ws, out).settled, story
    # ... nor that a full pass would: the quick path recorded the keys a full pass computes.
    with pytest.MonkeyPatch.context() as m:
        m.setattr(ex, "_quick_plan", lambda *args: None)
        renders = Renders(m)
        plan = plan_export(ws, out)
        plan.run()
        assert renders.take() == [], story
