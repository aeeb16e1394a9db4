"""Vault-friendly minutes (issue 23, point 3): flat front-matter properties a Markdown vault
(Obsidian…) reads, the detail under ``tandem:``, and action items in the style of a task
plugin (``[minutes] actions`` in config.toml); ``review --minutes`` reads every style back."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
from pathlib import Path

import pytest
import strategies as gen
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from minutes_helpers import front_matter, tasks

from tandem.store import mdescape
from tandem.store import records as r
from tandem.store.config import load_config, render_config
from tandem.store.minutes.export import export_minutes, render_context, select_meetings
from tandem.store.minutes.reader import read_minutes
from tandem.store.minutes.render import Shared, actions_style, render_minutes
from tandem.store.review.from_minutes import MinutesFolderSource
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.review.model import ActionRow, ReviewData
from tandem.store.workspace import MeetingRecord, Workspace

STYLES = ("plain", "tasks", "dataview")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Workspace, ReviewData, dict[str, Path]]:
    """The demo workspace, what it shows, and its minutes exported in each action style."""
    from tandem.store.demo import seed_demo

    root = tmp_path_factory.mktemp("vault-minutes")
    ws = Workspace(root / "ws")
    seed_demo(ws)
    shared = Shared.load(ws)
    folders = {}
    for style in STYLES:
        folders[style] = root / style
        export_minutes(ws, select_meetings(shared), folders[style], shared=shared, render=functools.partial(render_minutes, actions=style))
    return ws, WorkspaceSource(ws.home).load(), folders


def test_the_front_matter_is_flat_properties_on_every_meeting(demo) -> None:
    ws, _, folders = demo
    files = sorted(folders["plain"].glob("*.md"))
    assert len(files) == 40
    for path in files:
        fm = front_matter(path.read_text(encoding="utf-8"))
        meeting = ws.read_meeting(fm["id"]).meeting
        assert fm["type"] == "meeting"
        assert isinstance(fm["date"], datetime.date) and fm["date"].isoformat() == meeting.date
        assert fm["tags"] == ["tandem", "meeting", meeting.series_id]
        assert fm["attendees"] == [a.name for a in meeting.attendees]
        assert fm["sales"] == [a.name for a in meeting.attendees if a.team == "sales"]
        assert fm["marketing"] == [a.name for a in meeting.attendees if a.team == "marketing"]
        for key in ("tags", "attendees", "sales", "marketing"):
            assert all(isinstance(v, str) for v in fm[key]), key
        # Every property but the detail is a scalar or a list of scalars: what a vault shows.
        assert all(isinstance(v, (str, datetime.date)) or (isinstance(v, list) and all(isinstance(x, str) for x in v)) for k, v in fm.items() if k != "tandem")
        detail = fm["tandem"]
        assert detail["actions"] == "plain"
        assert detail["attendees"] == [a.to_dict() for a in meeting.attendees]
        assert detail["absentees"] == [a.to_dict() for a in meeting.absentees]
    assert any(front_matter(p.read_text(encoding="utf-8"))["tandem"]["absentees"] for p in files)


def _comparable(row: ActionRow) -> ActionRow:
    # The minutes show no closing date for a dropped action.
    return dataclasses.replace(row, closed_on="") if row.status == "dropped" else row


def _by_meeting(rows: list) -> list:
    return sorted(rows, key=lambda row: (row.meeting_id, repr(row)))


@pytest.mark.parametrize("style", STYLES)
def test_review_minutes_reads_every_style_as_the_workspace(demo, style: str) -> None:
    _, ws_data, folders = demo
    md_data = MinutesFolderSource(folders[style]).load()
    assert md_data.problems == []
    assert md_data.meetings == ws_data.meetings
    assert {a.status for a in ws_data.actions} == {"open", "done", "dropped"}
    assert _by_meeting(md_data.actions) == _by_meeting([_comparable(a) for a in ws_data.actions])
    assert md_data.feedback and _by_meeting(md_data.feedback) == _by_meeting(ws_data.feedback)


def test_each_style_writes_its_plugins_syntax(demo) -> None:
    _, _, folders = demo
    names = sorted(p.name for p in folders["plain"].glob("*.md"))
    lines = {style: "\n".join(line for name in names for line in tasks((folders[style] / name).read_text(encoding="utf-8"))) for style in STYLES}
    assert re.search(r"^\[ \] .+ — \*\*[^*]+\*\* 📅 \d{4}-\d{2}-\d{2}$", lines["tasks"], re.M)
    assert re.search(r"^\[x\] .+ ✅ \d{4}-\d{2}-\d{2}$", lines["tasks"], re.M)
    assert re.search(r"^\[ \] .+ \[owner:: [^\]]+\] \[due:: \d{4}-\d{2}-\d{2}\]$", lines["dataview"], re.M)
    assert re.search(r"\[completion:: \d{4}-\d{2}-\d{2}\]$", lines["dataview"], re.M)
    assert "📅" not in lines["plain"] and "[due::" not in lines["plain"]
    # A dropped action is the plugins' cancelled task, "- [-]" (Markdown counts it as no task).
    dropped = next(p.name for p in folders["plain"].glob("*.md") if "(dropped)" in p.read_text(encoding="utf-8"))
    for style in ("tasks", "dataview"):
        assert re.search(r"^- \[-\] ~~.+~~ \(dropped\)", (folders[style] / dropped).read_text(encoding="utf-8"), re.M), style


hostile = st.one_of(
    gen.text,
    st.sampled_from(
        [
            "a: b",
            'say "hi"',
            "it's",
            "- dash",
            "# hash",
            "line\nbreak",
            "@at",
            "*star",
            "&anchor",
            "---",
            "!tag",
            "[x]",
            "{y}",
            "%p",
            "`q`",
            "|",
            ">",
            "? k",
            "null",
            "true",
            "2026-12-10",
            "1e3",
        ]
    ),
    st.lists(st.sampled_from(["a: b", "- ", "#", "\n", "@", "*", "&", "---", '"', "'", " "]), min_size=1, max_size=5).map("".join),
)
name = hostile.filter(lambda s: mdescape.clean(s).strip() != "")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sales=name, marketing=name, other=name, absent=name)
def test_hostile_names_stay_inside_their_string(tmp_path: Path, sales: str, marketing: str, other: str, absent: str) -> None:
    attendees = [r.Attendee(name=sales, team="sales"), r.Attendee(name=marketing, team="marketing"), r.Attendee(name=other, team="other")]
    meeting = r.Meeting(
        id="2026-12-10-sync", series_id="sync", title="Sync", date="2026-12-10", attendees=attendees, absentees=[r.Attendee(name=absent, team="sales")]
    )
    text = render_minutes(MeetingRecord(meeting=meeting), Shared(series={"sync": r.Series(id="sync", title="Sync")}, meetings=[meeting]))
    fm = front_matter(text)
    assert fm["date"] == datetime.date(2026, 12, 10)
    # Records drop control characters on entry; the rest, hostile or not, comes back as is.
    stored = [a.name for a in meeting.attendees]
    assert stored == [mdescape.clean(n) for n in (sales, marketing, other)]
    assert (fm["attendees"], fm["sales"], fm["marketing"]) == (stored, stored[:1], stored[1:2])
    assert fm["tandem"]["absentees"] == [{"name": meeting.absentees[0].name, "team": "sales"}]
    path = tmp_path / "m.md"
    path.write_text(text, encoding="utf-8")
    summary = read_minutes(path)
    cleaned = [mdescape.clean(a.name).strip() for a in attendees]
    assert [(a.name, a.team) for a in summary.attendees] == list(zip(cleaned, ["sales", "marketing", "other"], strict=True))
    assert [a.name for a in summary.absentees] == [mdescape.clean(absent).strip()]


def inline_text(value: str) -> str:
    return " ".join(mdescape.clean(value).split())


user_text = st.one_of(
    gen.text,
    st.sampled_from(["[owner:: x]", "x [due:: 2026-01-01]", "📅 2026-01-01", "✅ 2026-01-01", "[-] x", "~~x~~ (dropped)", "x — **y**", "****", "a\\]b", "\\"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    style=st.sampled_from(STYLES),
    action=user_text.filter(lambda s: inline_text(s) != ""),
    owner=user_text,
    status=st.sampled_from(r.ACTION_STATUSES),
    due=gen.maybe_day,
    closed=gen.maybe_day,
)
def test_any_action_reads_back_in_every_style(tmp_path: Path, style: str, action: str, owner: str, status: str, due: str, closed: str) -> None:
    # Without an owner, dates follow the action's own text: text that itself ends like the
    # style's dates cannot be told apart (as in the plain style).
    ending = {"plain": r"(, due \d{4}-\d{2}-\d{2}|\(done \d{4}-\d{2}-\d{2}\))$", "tasks": r"[📅✅] \d{4}-\d{2}-\d{2}$", "dataview": r"$^"}[style]
    assume(inline_text(owner) or not re.search(ending, inline_text(action)))
    mid = "2026-11-26-sync"
    meeting = r.Meeting(id=mid, series_id="sync", title="Sync", date="2026-11-26", status="ended")
    record = MeetingRecord(
        meeting=meeting,
        actions=[
            r.ActionItem(id="a1", text=action, owner=owner, due=due, status=status, closed_on=closed if status != "open" else "", meeting_id=mid),
            r.ActionItem(id="a2", text="second", owner="Dana", due="2026-12-10", meeting_id=mid),
        ],
    )
    path = tmp_path / "m.md"
    path.write_text(render_minutes(record, Shared(meetings=[meeting]), actions=style), encoding="utf-8")
    summary = read_minutes(path)
    assert summary.issues == []
    first, second = summary.action_items
    assert (first.text, first.owner, first.due, first.status) == (inline_text(action), inline_text(owner), due, status)
    assert first.closed_on == (closed if status == "done" else "")
    assert (second.text, second.owner, second.due, second.status) == ("second", "Dana", "2026-12-10", "open")


OLD_LAYOUT = """---
id: "2026-11-26-sync"
title: "Weekly: \\"sync\\""
series: "sync"
series_title: "Sync"
date: "2026-11-26"
status: "ended"
facilitator: "Dana"
attendees:
  - name: "Dana"
    team: "sales"
  - name: "José: #1"
    team: "marketing"
absentees:
  - name: "Kim"
    team: "other"
---

# Weekly: "sync" — 2026-11-26

## Action items

- [ ] Send the deck — **Dana**, due 2026-12-01
- [x] Call back (done 2026-11-27)
"""


def test_minutes_written_by_the_old_layout_still_read(tmp_path: Path) -> None:
    path = tmp_path / "2026-11-26_sync.md"
    path.write_text(OLD_LAYOUT, encoding="utf-8")
    s = read_minutes(path)
    assert (s.id, s.title, s.date, s.facilitator, s.issues) == ("2026-11-26-sync", 'Weekly: "sync"', "2026-11-26", "Dana", [])
    assert [(a.name, a.team) for a in s.attendees] == [("Dana", "sales"), ("José: #1", "marketing")]
    assert [(a.name, a.team) for a in s.absentees] == [("Kim", "other")]
    assert [(a.text, a.owner, a.due, a.status, a.closed_on) for a in s.action_items] == [
        ("Send the deck", "Dana", "2026-12-01", "open", ""),
        ("Call back", "", "", "done", "2026-11-27"),
    ]


def test_a_vault_note_with_flat_names_only_reads_with_teams(tmp_path: Path) -> None:
    # A note written by hand in a vault (or whose detail was removed): teams from the lists.
    path = tmp_path / "note.md"
    path.write_text("---\ntype: meeting\nid: n1\ndate: 2026-12-10\ntags: [tandem]\nattendees:\n- Dana\n- José\nsales:\n- Dana\n---\n\n# N\n", encoding="utf-8")
    s = read_minutes(path)
    assert (s.date, [(a.name, a.team) for a in s.attendees]) == ("2026-12-10", [("Dana", "sales"), ("José", "other")])


def test_the_style_comes_from_config_and_keys_the_export(tmp_path: Path) -> None:
    import os

    config = Path(os.environ["TANDEM_CONFIG_DIR"]) / "config.toml"
    before = render_context()
    assert actions_style() == "plain"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[minutes]\nactions = "dataview"\n', encoding="utf-8")
    assert actions_style() == "dataview"
    assert render_context() != before, "a changed style renders every minutes file again"
    meeting = r.Meeting(id="m", series_id="s", title="T", date="2026-11-26")
    record = MeetingRecord(meeting=meeting, actions=[r.ActionItem(id="a", text="x", owner="Dana", due="2026-12-10", meeting_id="m")])
    assert tasks(render_minutes(record, Shared(meetings=[meeting]))) == ["[ ] x [owner:: Dana] [due:: 2026-12-10]"]
    loaded = load_config(config)
    assert loaded.ok and loaded.config.minutes.actions == "dataview"
    assert '[minutes]\n# from the file\nactions = "dataview"' in render_config(loaded)


def test_a_bad_style_is_reported_with_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('theme = ""\n\n[minutes]\nactions = "kanban"\nstyle = 1\n', encoding="utf-8")
    loaded = load_config(config)
    assert [p.format() for p in loaded.problems] == [
        f"{config}:4: minutes.actions: 'kanban' is not one of: plain, tasks, dataview",
        f"{config}:5: minutes.style: unknown key in [minutes]; known keys: actions",
    ]
    assert loaded.config.minutes.actions == "plain"
