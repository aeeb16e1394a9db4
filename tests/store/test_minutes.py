"""Minutes: structure, escaping of any user text, determinism, CSV, reading back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import build_sample, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from minutes_helpers import front_matter, structure, table_rows, tasks

from tandem.store import records as r
from tandem.store.mdescape import clean
from tandem.store.minutes.reader import read_folder
from tandem.store.minutes.render import Shared, closed_by, render_minutes
from tandem.store.workspace import MeetingRecord, Workspace

NASTY = [
    "# Heading?",
    "## Agenda",
    "---",
    "===",
    "a | b | c",
    "| x |\n|---|",
    "```",
    "```python\nprint('x')",
    "~~~",
    "`tick",
    "<script>alert(1)</script>",
    "<!-- unclosed comment",
    "<div>",
    "- [ ] fake task",
    "* [x] fake done",
    "1. ordered",
    "> quote",
    "key: value\nother: [1, 2]",
    "'single' \"double\" \\ back",
    "[link]: http://evil.example",
    "line one\n\n\n\nline two\n---",
    "\x1b[31mred\x1b[0m and \x07bell",
    "emoji 🎉 RTL ‏שלום‎ zero\u200bwidth e\u0301",
    "    indented code",
    "***",
    "&amp; &#x41;",
    "$x^2$",
    "\r\nwindows\r\nlines",
    "\u2028sep\u2029",
]

text_value = st.one_of(st.sampled_from(NASTY), st.text(max_size=60), st.lists(st.sampled_from(NASTY), max_size=4).map("\n".join))
# Records drop control characters, so a value must have more than those to be non-empty.
nonempty = text_value.filter(lambda s: clean(s).strip())


def make(t) -> tuple[MeetingRecord, Shared]:
    """A meeting touching every section, each text field drawn from ``t(name)``."""
    mid = "2026-11-26-sync"
    meeting = r.Meeting(
        id=mid,
        series_id="sync",
        title=t("title"),
        date="2026-11-26",
        facilitator=t("facilitator"),
        attendees=[r.Attendee(name=t("a1"), team="sales"), r.Attendee(name=t("a2"), team="marketing")],
        absentees=[r.Attendee(name=t("a3"), team="other")],
        status="ended",
        rating=4,
        rating_comment=t("rating"),
        next_meeting="2026-12-03",
    )
    agenda = [
        r.AgendaItem(id="i1", title=t("item1"), position=0, timebox_min=10, notes=t("notes1"), status="done", elapsed_s=600),
        r.AgendaItem(id="i2", title=t("item2"), position=1, timebox_min=15, notes=t("notes2"), captures="shadow", carried_from=t("carried")),
    ]
    record = MeetingRecord(
        meeting=meeting,
        agenda=agenda,
        lead_feedback=[
            r.LeadFeedback(
                id="l1",
                reference=t("ref"),
                verdict="poor",
                source=t("source"),
                persona=t("persona"),
                reasons=["no_fit", "other"],
                stage_lost="sql",
                comment=t("comment"),
                reporter=t("reporter"),
                meeting_id=mid,
            ),
            r.LeadFeedback(id="l2", reference=t("ref2"), verdict="good", source=t("source"), meeting_id=mid),
        ],
        decisions=[r.Decision(id="d1", text=t("decision"), decided_by=t("by"), meeting_id=mid)],
        actions=[
            r.ActionItem(id="a1", text=t("action1"), owner=t("owner"), due="2026-12-01", meeting_id=mid),
            r.ActionItem(id="a2", text=t("action2"), status="done", closed_on="2026-11-26", meeting_id=mid),
            r.ActionItem(id="a3", text=t("action3"), status="dropped", meeting_id=mid),
        ],
        parking_lot=[r.ParkedItem(id="p1", text=t("parked"), meeting_id=mid)],
    )
    shared = Shared(
        series={"sync": r.Series(id="sync", title=t("series"))},
        objectives=[
            r.Objective(
                id="o1",
                title=t("objective"),
                metric=t("metric"),
                target=25,
                unit=t("unit")[:40],
                checkins=[
                    r.CheckIn(date="2026-11-19", value=20, status="on_track"),
                    r.CheckIn(date="2026-11-26", value=18.5, status="at_risk", meeting_id=mid, comment=t("checkin")),
                ],
            )
        ],
        insights=[r.ProspectInsight(id="n1", text=t("insight"), persona=t("ipersona"), meeting_id=mid)],
        content=[r.ContentItem(id="c1", title=t("content"), persona=t("cpersona"), owner=t("cowner"), eta="2026-12-10", meeting_id=mid)],
        shadow_days=[
            r.ShadowDay(
                id="s1",
                shadow=t("shadow"),
                host=t("host"),
                direction="marketing_to_sales",
                date="2026-11-20",
                status="done",
                takeaways=[r.Takeaway(id="t1", category="learned", text=t("takeaway"))],
                experiment=r.Experiment(text=t("experiment"), owner=t("eowner"), report_back="2026-12-15"),
            ),
        ],
        meetings=[meeting],
    )
    return record, shared


def plain_text(name: str) -> str:
    return f"plain {name}"


def test_every_section_is_rendered_in_order() -> None:
    record, shared = make(plain_text)
    text = render_minutes(record, shared)
    s = structure(text)
    assert [h for h in s["headings"] if h.startswith("h2:")] == [
        "h2:Attendance",
        "h2:Agenda",
        "h2:Objectives",
        "h2:Lead feedback",
        "h2:Voice of the prospect",
        "h2:Content pipeline",
        "h2:Shadow-day takeaways",
        "h2:Decisions",
        "h2:Action items",
        "h2:Parking lot",
        "h2:Next meeting",
    ]
    assert s["headings"][0] == "h1"
    assert tasks(text) == ["[ ] plain action1 — **plain owner**, due 2026-12-01", "[x] plain action2 (done 2026-11-26)", "[x] ~~plain action3~~ (dropped)"]
    assert table_rows(text, "Lead feedback") == 2
    fm = front_matter(text)
    assert fm["id"] == "2026-11-26-sync" and str(fm["date"]) == "2026-11-26"
    assert fm["tandem"]["attendees"] == [{"name": "plain a1", "team": "sales"}, {"name": "plain a2", "team": "marketing"}]
    assert "at risk (was on track)" in text
    assert "**By reason:** no fit 1 · other 1" in text


def test_status_and_rating_are_separate_paragraphs() -> None:
    """Two lines in one paragraph run together on GitHub: the rating is a paragraph of its own."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(render_minutes(*make(plain_text)))
    paragraphs = [t.content for t in tokens if t.type == "inline"]
    status = next(p for p in paragraphs if "**Status:**" in p)
    rating = next(p for p in paragraphs if "**Rating:**" in p)
    assert status != rating and "\n" not in status


def test_empty_sections_are_left_out() -> None:
    meeting = r.Meeting(id="m", series_id="s", title="Quiet one", date="2026-11-26")
    text = render_minutes(MeetingRecord(meeting=meeting), Shared(meetings=[meeting]))
    assert [h for h in structure(text)["headings"]] == ["h1"]
    assert "## " not in text


def test_notes_keep_their_safe_markdown() -> None:
    def t(name: str) -> str:
        return "- first **bold**\n- second [link](https://example.com)\n  - nested" if name == "notes1" else plain_text(name)

    text = render_minutes(*make(t))
    assert "- first **bold**\n- second [link](https://example.com)\n  - nested" in text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_user_text_keeps_the_structure(data) -> None:
    reference = structure(render_minutes(*make(plain_text)))
    chosen: dict[str, str] = {}

    def t(name: str) -> str:
        if name not in chosen:
            chosen[name] = data.draw(nonempty, label=name)
        return chosen[name]

    record, shared = make(t)
    text = render_minutes(record, shared)
    assert structure(text) == reference
    fm = front_matter(text)
    # Records hold text without control characters (an escape sequence is dropped on entry).
    assert fm["title"] == clean(chosen["title"]) and fm["facilitator"] == clean(chosen["facilitator"])
    assert [a["name"] for a in fm["tandem"]["attendees"]] == fm["attendees"] == [clean(chosen["a1"]), clean(chosen["a2"])]
    assert "\x1b" not in text.partition("\n---\n")[2], "no escape sequence reaches a terminal"


def test_cli_export_all_is_deterministic_and_incremental(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    out = tmp_path / "minutes"
    assert run_cli("--home", str(ws.home), "export", "--all", "--out", str(out)).code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(first) == [
        "2026-11-12_weekly-smarketing-sync.md",
        "2026-11-19_weekly-smarketing-sync.md",
        "2026-11-26_weekly-smarketing-sync.md",
    ]
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    result = run_cli("--home", str(ws.home), "export", "--all", "--out", str(out))
    assert "0 written, 3 unchanged" in result.err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == mtimes
    with ws.open_meeting("2026-11-19-weekly-smarketing-sync") as writer:
        item = writer.read().agenda[0]
        writer.agenda.update(item.replace(notes="Changed note"))
    run_cli("--home", str(ws.home), "export", "--all", "--out", str(out))
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert [name for name in first if first[name] != after[name]] == ["2026-11-19_weekly-smarketing-sync.md"]


def test_same_day_meetings_get_a_suffix(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    ws.create_meeting(r.Meeting(id="2026-11-26-weekly-smarketing-sync-2", series_id="weekly-smarketing-sync", title="Extra", date="2026-11-26"))
    out = tmp_path / "minutes"
    run_cli("--home", str(ws.home), "export", "--all", "--out", str(out), "--since", "2026-11-20")
    assert sorted(p.name for p in out.iterdir()) == ["2026-11-26_weekly-smarketing-sync.md", "2026-11-26_weekly-smarketing-sync_2.md"]


def test_export_single_to_stdout_and_file(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    latest = run_cli("--home", str(ws.home), "export", "latest")
    assert latest.code == 0
    assert front_matter(latest.out)["id"] == "2026-11-19-weekly-smarketing-sync", "latest = newest meeting that took place"
    target = tmp_path / "m.md"
    assert run_cli("--home", str(ws.home), "export", "2026-11-12-weekly-smarketing-sync", "-o", str(target)).code == 0
    assert str(front_matter(target.read_text())["date"]) == "2026-11-12"


def test_export_usage_and_data_errors(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    home = ["--home", str(ws.home)]
    for args in (
        ["export"],
        ["export", "latest", "--all", "--out", "x"],
        ["export", "--all"],
        ["export", "latest", "--format", "csv"],
        ["export", "--all", "--out", "x", "--since", "yesterday"],
    ):
        result = run_cli(*home, *args)
        assert result.code == 2, (args, result)
        assert len(result.err.strip().splitlines()) == 1
    missing = run_cli(*home, "export", "no-such-meeting")
    assert missing.code == 1 and "no-such-meeting" in missing.err
    assert run_cli(*home, "export", "--all", "--out", str(tmp_path / "o"), "--series", "nope").code == 1


def test_csv_export(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    with ws.open_meeting("2026-11-26-weekly-smarketing-sync") as writer:
        writer.actions.add(r.ActionItem(id="formula", text='=HYPERLINK("x")', meeting_id="2026-11-26-weekly-smarketing-sync"))
    out = tmp_path / "csv"
    assert run_cli("--home", str(ws.home), "export", "--all", "--format", "csv", "--out", str(out)).code == 0
    with (out / "action_items.csv").open(newline="") as f:
        actions = list(csv.DictReader(f))
    with (out / "lead_feedback.csv").open(newline="") as f:
        leads = list(csv.DictReader(f))
    assert len(actions) == 4 and len(leads) == 3
    assert actions[-1]["action"].startswith("'="), "formulas are neutralised for spreadsheets"
    assert leads[0]["reasons"] == "no fit" and leads[0]["verdict"] == "poor"


def test_reading_back_exported_minutes(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    out = tmp_path / "minutes"
    run_cli("--home", str(ws.home), "export", "--all", "--out", str(out))
    (out / "notes.md").write_text("not minutes at all\n")
    folder = read_folder(out)
    assert folder.problems == [f"{out / 'notes.md'}:1: no front matter (a '---' line must open the file)"]
    meetings = ws.list_meetings()
    assert [(s.id, s.date, s.facilitator) for s in folder.summaries] == [(m.id, m.date, m.facilitator) for m in meetings]
    for summary, meeting in zip(folder.summaries, meetings, strict=False):
        assert summary.attendees == meeting.attendees and summary.absentees == meeting.absentees
        record = ws.read_meeting(meeting.id)
        assert summary.agenda == [a.title for a in record.agenda]
        assert [t.done for t in summary.actions] == [a.status != "open" for a in record.actions]
        assert summary.decisions == [d.text for d in record.decisions]


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory) -> tuple[Workspace, Path]:
    from tandem.store.demo import seed_demo

    root = tmp_path_factory.mktemp("demo")
    ws = Workspace(root / "ws")
    seed_demo(ws)
    out = root / "minutes"
    result = run_cli("--home", str(ws.home), "export", "--all", "--out", str(out))
    assert result.code == 0, result.err
    return ws, out


def test_demo_minutes_have_the_right_structure(demo_export) -> None:
    ws, out = demo_export
    shared = Shared.load(ws)
    names = {m.id: n for m, n in zip(shared.meetings, sorted(p.name for p in out.iterdir()), strict=False)}
    files = sorted(out.glob("*.md"))
    assert len(files) == len(shared.meetings) == 40
    sections_seen: set[str] = set()
    for path in files:
        text = path.read_text()
        fm = front_matter(text)
        record = ws.read_meeting(fm["id"])
        meeting = record.meeting
        assert path.name == names[meeting.id]
        assert str(fm["date"]) == meeting.date and fm["facilitator"] == meeting.facilitator
        assert fm["tandem"]["attendees"] == [a.to_dict() for a in meeting.attendees]
        s = structure(text)
        assert s["headings"][0] == "h1" and s["headings"].count("h1") == 1
        h2 = [h[3:] for h in s["headings"] if h.startswith("h2:")]
        sections_seen.update(h2)
        order = [
            "Attendance",
            "Agenda",
            "Objectives",
            "SLA scorecard",
            "Lead feedback",
            "Voice of the prospect",
            "Content pipeline",
            "Shadow-day takeaways",
            "Decisions",
            "Action items",
            "Action review",
            "Parking lot",
            "Next meeting",
        ]
        assert h2 == [name for name in order if name in h2], h2
        assert s["headings"].count("h3") >= len(record.agenda)
        assert s["html"] == [] and s["fences"] == 0
        assert table_rows(text, "Lead feedback") == len(record.lead_feedback)
        assert table_rows(text, "SLA scorecard") == len(record.scorecard)
        assert table_rows(text, "Agenda") == len(record.agenda) + (1 if record.agenda else 0)  # plus the total row
        own = tasks(text, "Action items")
        assert len(own) == len(record.actions)
        # A finalized meeting shows its actions as they stood then (closed later: open here).
        known = {m.id: m for m in shared.meetings}
        assert [t.startswith("[x]") for t in own] == [
            a.status != "open" and (record.meeting.status != "finalized" or closed_by(a, record.meeting, known)) for a in record.actions
        ]
    assert {
        "Objectives",
        "SLA scorecard",
        "Lead feedback",
        "Voice of the prospect",
        "Content pipeline",
        "Shadow-day takeaways",
        "Decisions",
        "Action items",
        "Parking lot",
    } <= sections_seen


def test_reading_back_the_demo_folder(demo_export) -> None:
    ws, out = demo_export
    folder = read_folder(out)
    assert folder.problems == []
    meetings = ws.list_meetings()
    assert [(s.id, s.date, s.series) for s in folder.summaries] == [(m.id, m.date, m.series_id) for m in meetings]
    assert [(s.attendees, s.absentees) for s in folder.summaries] == [(m.attendees, m.absentees) for m in meetings]


def test_demo_export_is_byte_identical_twice(demo_export, tmp_path: Path) -> None:
    ws, out = demo_export
    again = tmp_path / "again"
    run_cli("--home", str(ws.home), "export", "--all", "--out", str(again))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {p.name: p.read_bytes() for p in again.iterdir()}
