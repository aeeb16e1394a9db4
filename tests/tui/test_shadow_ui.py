"""Shadow days in the app: plan from home, run the day, resume after quitting."""

from __future__ import annotations

from pathlib import Path

import pytest
from clock import FakeClock
from conftest import build_sample, rendered_text
from textual.widgets import Input, TextArea

from tandem.store.records import Activity, ShadowDay
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.screens.shadow import ShadowScreen


def with_day(tmp_path: Path) -> Workspace:
    ws = build_sample(tmp_path / "ws")
    ws.shadow_days.add(
        ShadowDay(
            id="sd1",
            shadow="Dana Kim",
            host="Luis Ortega",
            direction="marketing_to_sales",
            date="2026-11-26",
            activities=[Activity(title="Prospecting research"), Activity(title="Prospect calls"), Activity(title="Meetings")],
        )
    )
    return ws


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause(0.05)


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press({" ": "space", ",": "comma", ".": "full_stop", "-": "minus"}.get(ch, ch))


async def test_plan_a_shadow_day_from_home(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one("#home-tabs").active = "tab-shadow"
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#w-activities", Input).value == "Prospecting research; Prospect calls; Meetings"
        form.query_one("#w-direction").value = "sales_to_marketing"
        await settle(pilot)
        assert form.query_one("#w-activities", Input).value == "Reporting; Content creation; Marketing strategy session"
        form.query_one("#w-shadow", Input).value = "Luis Ortega"
        form.query_one("#w-host", Input).value = "luis ortega"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "not the shadow" in rendered_text(form.query_one("#e-host"))
        form.query_one("#w-host", Input).value = "Dana Kim"
        form.query_one("#w-date", Input).value = "+1w"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        table = app.screen.query_one("#shadow-days")
        assert table.row_count == 1
    (day,) = ws.shadow_days.all()
    assert (day.shadow, day.host, day.direction, day.date, day.status) == ("Luis Ortega", "Dana Kim", "sales_to_marketing", "2026-12-03", "planned")
    assert [a.title for a in day.activities] == ["Reporting", "Content creation", "Marketing strategy session"]


async def test_run_the_day_and_resume(tmp_path: Path) -> None:
    ws = with_day(tmp_path)
    clock = FakeClock()
    app = create_app(ws, clock=clock, start=StartWith(shadow_day_id="sd1"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ShadowScreen)
        await pilot.press("space")  # tick the first activity
        await pilot.press("enter")
        await type_text(pilot, "Used LinkedIn Sales Nav, 12 accounts")
        await pilot.press("escape")
        clock.advance(minutes=45)
        await pilot.press("l")
        await settle(pilot)
        await type_text(pilot, "SDRs research 20 min per account")
        await pilot.press("enter")
        await settle(pilot)
        clock.advance(minutes=30)
        await pilot.press("p")
        await settle(pilot)
        await type_text(pilot, "Prospects ask about SSO first")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("escape")  # cancel a takeaway: nothing logged
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        form = app.screen
        form.query_one("#w-text", Input).value = "Share one call recording a week with marketing"
        form.query_one("#w-owner", Input).value = "Luis Ortega"
        await pilot.press("ctrl+s")
        await settle(pilot)
        log = rendered_text(screen.query_one("#experiment"))
        assert "Share one call recording" in log and "2026-12-10" in log
        await pilot.press("ctrl+q")
    day = ws.shadow_days.get("sd1")
    assert day.status == "in_progress"
    assert [a.done for a in day.activities] == [True, False, False]
    assert day.activities[0].notes == "Used LinkedIn Sales Nav, 12 accounts"
    assert [(t.category, t.at[11:16]) for t in day.takeaways] == [("learned", "10:15"), ("prospect_insight", "10:45")]
    # Resume: the same state comes back; delete + undo a takeaway; finish.
    again = create_app(ws, clock=clock, start=StartWith(shadow_day_id="sd1"))
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = again.screen
        assert "☑ Prospecting research" in str(screen.query_one("#activities").get_option_at_index(0).prompt)
        assert screen.query_one("#activity-notes", TextArea).text == "Used LinkedIn Sales Nav, 12 accounts"
        screen.query_one("#takeaways").focus()
        await pilot.press("delete")
        await settle(pilot)
        assert len(screen.session.day.takeaways) == 1
        await pilot.press("u")
        await settle(pilot)
        assert len(screen.session.day.takeaways) == 2
        screen.query_one("#activities").focus()
        await pilot.press("F")
        await settle(pilot)
        await pilot.pause(0.6)  # a question takes keys pressed after it appeared
        await pilot.press("y")
        for _ in range(100):  # `tandem shadow run ID`: the day finished, back to the shell
            if not again.is_running:
                break
            await pilot.pause(0.05)
        assert not again.is_running
    assert again.return_code == 0
    assert ws.shadow_days.get("sd1").status == "done"


async def test_a_second_runner_is_refused(tmp_path: Path) -> None:
    from tandem.store.errors import MeetingLockedError
    from tandem.store.shadow_session import ShadowSession

    ws = with_day(tmp_path)
    first = ShadowSession(ws, "sd1")
    try:
        with pytest.raises(MeetingLockedError, match="Shadow day sd1 is open for editing by PID"):
            ShadowSession(ws, "sd1")
    finally:
        first.close()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_shadow_snapshot(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    ws = with_day(tmp_path)
    clock = FakeClock()
    app = create_app(ws, clock=clock, start=StartWith(shadow_day_id="sd1"))

    async def run_before(pilot) -> None:
        await settle(pilot)
        screen = app.screen
        screen.session.toggle_activity(0)
        screen.session.set_activity_notes(0, "- Sales Nav: 12 accounts\n- **20 min** per account")
        screen.session.add_takeaway("learned", "SDRs research 20 min per account")
        clock.advance(minutes=40)
        screen.session.add_takeaway("hand_off_friction", "MQLs arrive without the webinar they attended")
        screen._shown = None
        screen.refresh_all()
        assert screen.session.saver.flush()
        screen._show_save_state()
        app.sub_title = "Shadow day · Dana Kim with Luis Ortega"
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_debrief_item_shows_the_shadow_days_takeaways(tmp_path: Path) -> None:
    from tandem.store.records import AgendaItem, Experiment, Meeting, Takeaway

    ws = with_day(tmp_path)
    day = ws.shadow_days.get("sd1")
    ws.shadow_days.update(
        day.replace(
            status="done",
            date="2026-11-27",
            takeaways=[Takeaway(id="t1", category="surprised_me", text="Reps never see the webinar questions", at="2026-11-20T10:00:00")],
            experiment=Experiment(text="Forward webinar Q&A to reps", owner="Dana Kim", report_back="2026-12-10"),
        )
    )
    ws.create_meeting(
        Meeting(id="2026-11-27-weekly-smarketing-sync", series_id="weekly-smarketing-sync", title="Debrief", date="2026-11-27"),
        [AgendaItem(id="d1", title="Shadow-day takeaways", timebox_min=15, captures="shadow")],
    )
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id="2026-11-27-weekly-smarketing-sync"))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(5):
            await pilot.pause(0.05)
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "captured"])
        await pilot.pause()
        review = app.screen.query_one("#review")
        lines = [str(review.get_option_at_index(i).prompt) for i in range(review.option_count)]
        assert lines[0].startswith("Dana Kim with Luis Ortega")
        assert any("surprised me: Reps never see the webinar questions" in line for line in lines)
        assert any("experiment: Forward webinar Q&A to reps — Dana Kim, report back 2026-12-10" in line for line in lines)


def test_an_open_shadow_session_never_undoes_a_debrief(tmp_path: Path) -> None:
    from tandem.store.records import Experiment
    from tandem.store.shadow_session import ShadowSession

    ws = with_day(tmp_path)
    session = ShadowSession(ws, "sd1")
    session.set_experiment(Experiment(text="Try it", owner="Dana Kim", report_back="2026-12-10"))
    assert session.saver.flush()
    # Meanwhile a debrief marks the day and links the experiment's action item.
    day = ws.shadow_days.get("sd1")
    ws.shadow_days.update(day.replace(debriefed_in="2026-12-01-debrief", experiment=day.experiment.replace(action_id="act9")))
    session.add_takeaway("learned", "Still typing")
    assert session.close()
    after = ws.shadow_days.get("sd1")
    assert after.debriefed_in == "2026-12-01-debrief" and after.experiment.action_id == "act9"
    assert after.takeaways[-1].text == "Still typing"
