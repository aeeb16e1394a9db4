"""The decisions register (store/review): a decision is active until a later one supersedes
or reverses it; the workspace and a folder of its exported minutes say the same."""

from __future__ import annotations

from pathlib import Path

from conftest import build_sample
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_review_minutes_source import inline_text, visible

from tandem.store.minutes.export import export_minutes
from tandem.store.minutes.reader import read_minutes
from tandem.store.records import Decision
from tandem.store.review.from_minutes import MinutesFolderSource
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.review.model import DecisionRow, balance, series_health, with_statuses
from tandem.store.workspace import Workspace

FIRST, SECOND = "2026-11-12-weekly-smarketing-sync", "2026-11-19-weekly-smarketing-sync"


def row(key: str, day: str, **links: str) -> DecisionRow:
    return DecisionRow(key, f"decision {key}", "", f"m-{day}", "s", day, **links)


def test_a_later_decision_decides_the_status_and_the_latest_wins() -> None:
    rows = with_statuses(
        [row("a", "2026-01-01"), row("b", "2026-02-01", supersedes="a"), row("c", "2026-03-01", reverses="b"), row("d", "2026-04-01", reverses="a")]
    )
    by_key = {r.key: r for r in rows}
    assert [r.key for r in rows] == ["d", "c", "b", "a"]  # newest first
    assert (by_key["a"].status, by_key["a"].changed_by, by_key["a"].changed_on) == ("reversed", "decision d", "2026-04-01")
    assert (by_key["b"].status, by_key["b"].changed_on) == ("reversed", "2026-03-01")
    assert by_key["c"].status == by_key["d"].status == "active"
    assert by_key["b"].matches("DECISION b") and not by_key["b"].matches("decision x")


def change(ws: Workspace, meeting_id: str, decision: Decision) -> None:
    with ws.open_meeting(meeting_id) as writer:
        writer.decisions.add(decision)


def test_workspace_and_exported_minutes_give_the_same_register(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")  # dec-0, dec-1, dec-2: "SAL within 24h" each
    change(ws, FIRST, Decision(id="by-dana", text="Ship the ROI page", decided_by="Dana Kim", meeting_id=FIRST))
    change(
        ws,
        SECOND,
        Decision(
            id="later", text="Hold the ROI page", meeting_id=SECOND, reverses="by-dana", earlier_text="Ship the ROI page (Dana Kim)", earlier_date="2026-11-12"
        ),
    )
    change(
        ws, SECOND, Decision(id="sal", text="SAL within 12h", meeting_id=SECOND, supersedes="dec-0", earlier_text="SAL within 24h", earlier_date="2026-11-12")
    )
    export_minutes(ws, ws.meeting_ids(), tmp_path / "out")
    from_ws = WorkspaceSource(ws.home).load().decisions
    from_minutes = MinutesFolderSource(tmp_path / "out").load().decisions
    # (Not the text: minutes show who decided in brackets after it, and keep them.)
    shown = lambda rows: sorted((r.date, r.status, r.changed_by, r.changed_on) for r in rows)  # noqa: E731
    assert shown(from_ws) == shown(from_minutes)
    assert {(r.text, r.status) for r in from_ws if r.status != "active"} == {("Ship the ROI page", "reversed"), ("SAL within 24h", "superseded")}
    summary = read_minutes(next((tmp_path / "out").glob("2026-11-19*.md")))
    assert ("reverses", "Ship the ROI page (Dana Kim)", "2026-11-12") in summary.decision_changes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=visible, earlier=visible, how=st.sampled_from(["supersedes", "reverses"]))
def test_a_changed_decision_reads_back_from_the_minutes_whatever_its_words(tmp_path_factory, text: str, earlier: str, how: str) -> None:
    tmp = tmp_path_factory.mktemp("m")
    ws = build_sample(tmp / "ws")
    change(ws, SECOND, Decision(id="x", text=text, meeting_id=SECOND, earlier_text=earlier, earlier_date="2026-11-12", **{how: "dec-0"}))
    path = tmp / "m.md"
    path.write_text(WorkspaceSource(ws.home).minutes(SECOND))
    summary = read_minutes(path)
    assert summary.decisions[-1] == inline_text(text)
    assert summary.decision_changes[-1] == (how, inline_text(earlier), "2026-11-12")
    assert summary.decision_changes[0] == ("", "", "")


def test_series_health_counts_held_meetings_time_coverage_and_both_teams(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    with ws.open_meeting(SECOND) as writer:
        m = writer.meeting
        writer.save_meeting(m.replace(rating=4, attendees=[a for a in m.attendees if a.team != "marketing"]))
    (health,) = series_health(WorkspaceSource(ws.home).load().meetings)
    assert [m.date for m in health.meetings] == ["2026-11-12", "2026-11-19"]  # the planned one is not held
    assert health.ratings == [4]
    assert health.coverage == 1.0
    assert [balance(m) for m in health.meetings] == [(2, 1), (2, 0)]
    assert [m.date for m in health.one_sided] == ["2026-11-19"]
    assert health.on_time_share == 1.0  # 55 s a minute of each timebox: under time


def test_the_agenda_total_counts_the_items_held_only(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    with ws.open_meeting(SECOND) as writer:
        record = writer.read()
        record.agenda[2] = record.agenda[2].replace(status="skipped")
        writer.write_all(record)
    source = WorkspaceSource(ws.home)
    assert "| | **Total** | **25 min** |" in source.minutes(SECOND)  # 10 + 15: the skipped 10 never ran
    assert "| | **Total** | **35 min** |" in source.minutes("2026-11-26-weekly-smarketing-sync")  # planned: all of it
    row = next(m for m in source.load().meetings if m.id == SECOND)
    assert (row.planned_min, row.items_skipped, row.items_done) == (25, 1, 2)


def test_search_finds_shadow_day_takeaways_experiments_and_check_in_comments(tmp_path: Path) -> None:
    from tandem.store.records import CheckIn, Experiment, Objective, ShadowDay, Takeaway

    ws = build_sample(tmp_path / "ws")
    ws.shadow_days.add(
        ShadowDay(
            id="sd1",
            shadow="Dana Kim",
            host="Luis Ortega",
            direction="marketing_to_sales",
            date="2026-11-10",
            status="done",
            takeaways=[Takeaway(id="t1", category="surprised_me", text="Prospects ask about zebrafish integrations")],
            experiment=Experiment(text="Trial a quokka-shaped onboarding call"),
            debriefed_in=FIRST,
        )
    )
    ws.objectives.add(
        Objective(
            id="o1",
            title="Pipeline",
            metric="SQLs",
            target=10,
            checkins=[CheckIn(date="2026-11-19", value=4, status="at_risk", meeting_id=SECOND, comment="Narwhal campaign slipped")],
        )
    )
    with ws.open_meeting(FIRST) as writer:  # the debrief: an agenda item for shadow days
        record = writer.read()
        record.agenda[0] = record.agenda[0].replace(captures="shadow")
        writer.write_all(record)
    export_minutes(ws, ws.meeting_ids(), tmp_path / "out")
    for source in (WorkspaceSource(ws.home), MinutesFolderSource(tmp_path / "out")):
        assert [h.meeting_id for h in source.search("zebrafish")] == [FIRST], type(source).__name__
        assert [h.meeting_id for h in source.search("quokka")] == [FIRST], type(source).__name__
        assert [h.meeting_id for h in source.search("narwhal")] == [SECOND], type(source).__name__
    # A check-in comment changed later is found at once (the shared file changed).
    source = WorkspaceSource(ws.home)
    source.load()
    objective = ws.objectives.all()[0]
    ws.objectives.update(objective.replace(checkins=[objective.checkins[0].replace(comment="Walrus campaign slipped")]))
    assert [h.meeting_id for h in source.search("walrus")] == [SECOND]
