"""Setting the SLA from home's Goals screen (issue 22, point 3): the form is filled from the
version in force, saves the clauses changed as the next version (and the decision in the
meeting named), keeps what was typed on an error, and writes nothing when cancelled."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from clock import FakeClock
from textual.widgets import Input

from tandem.store.records import Meeting, Series
from tandem.store.sla.record import SLA_FILE
from tandem.store.sla.versions import history, in_force, load, parse_change, set_sla
from tandem.store.workspace import Workspace
from tandem.tui.app import create_app
from tandem.tui.screens.goals import GoalsScreen
from tandem.tui.screens.sla_form import SlaForm
from tandem.tui.widgets.review.sla import read_scorecard, scorecard_text

NOW = datetime(2026, 12, 4, 9, 30)
MID = "2026-12-04-sync"


def workspace(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "ws")
    ws.series.add(Series(id="sync", title="Weekly sync"))
    ws.create_meeting(Meeting(id=MID, series_id="sync", title="Weekly sync", date="2026-12-04", status="planned"))
    changes = [parse_change(name, value) for name, value in (("mqls_per_month", "40"), ("decision_hours", "48"), ("first_touch_hours", "24"))]
    changes.append(parse_change("first_touch_hours:source=Demo request", "2"))
    set_sla(ws, changes, effective=date(2026, 10, 1), agreed_by=["Dana Kim"], now=datetime(2026, 9, 30, 9, 0))
    return ws


async def open_form(pilot) -> SlaForm:
    await pilot.pause()
    await pilot.press("g")
    await pilot.pause(0.3)
    assert isinstance(pilot.app.screen, GoalsScreen)
    await pilot.press("s")
    for _ in range(20):
        await pilot.pause(0.05)
        if isinstance(pilot.app.screen, SlaForm):
            break
    form = pilot.app.screen
    assert isinstance(form, SlaForm)
    return form


async def saved(pilot) -> None:
    for _ in range(40):
        await pilot.pause(0.05)
        if not isinstance(pilot.app.screen, SlaForm):
            return


async def test_a_changed_clause_becomes_the_next_version_and_the_decision(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    app = create_app(ws, clock=FakeClock(NOW))
    toasts: list[str] = []
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot)
        # Filled from the version in force: a clause out of the SLA reads "none".
        assert form.query_one("#w-first_touch_hours", Input).value == "24"
        assert form.query_one("#w-attempts", Input).value == "none"
        assert form.query_one("#w-effective", Input).value == "2026-12-04"
        form.query_one("#w-first_touch_hours", Input).value = "4h"
        form.query_one("#w-agreed_by", Input).value = "Dana Kim, Luis Ortega"
        form.query_one("#w-meeting").value = MID
        original = app.notify

        def capture(message: str, **kwargs: object) -> None:
            toasts.append(message)
            original(message, **kwargs)  # type: ignore[arg-type]

        app.notify = capture  # type: ignore[method-assign]
        await pilot.press("ctrl+s")
        await saved(pilot)
        assert isinstance(app.screen, GoalsScreen)
    versions = history(load(Workspace(ws.home)))
    assert [v.version for v in versions] == [1, 2]
    v2 = versions[-1]
    assert (v2.effective, v2.first_touch_hours, v2.mqls_per_month, v2.decision_hours) == ("2026-12-04", 4.0, 40, 48.0)
    assert v2.agreed_by == ["Dana Kim", "Luis Ortega"] and v2.meeting_id == MID
    # The override by lead type carries over, as the form showed it.
    assert [(r.value, r.hours) for r in v2.first_touch] == [("Demo request", 2.0)]
    assert "SLA v2 from 2026-12-04: first touch within 4 h (was 24 h)." in toasts
    decisions = ws.read_meeting(MID).decisions
    assert [d.text for d in decisions] == ["SLA v2 from 2026-12-04: first touch within 4 h (was 24 h)"]
    # The scorecard review shows reads the new target.
    card = read_scorecard(Workspace(ws.home, read_only=True), date(2026, 12, 4), ("mql", "sql"))
    assert card is not None
    assert "≤ 4 h" in scorecard_text(card).plain


async def test_an_invalid_value_is_shown_on_its_field_and_kept(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    before = (ws.home / SLA_FILE).read_bytes()
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot)
        form.query_one("#w-decision_hours", Input).value = "two days"
        form.query_one("#w-acceptance_floor", Input).value = "120"
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert app.screen is form
        error = form.query_one("#e-decision_hours")
        assert error.display and "Decision window (h) takes a number of hours (4, 1.5, 24h or 2d), not 'two days'" in str(error.render())
        assert "a percentage from 0 to 100" in str(form.query_one("#e-acceptance_floor").render())
        assert form.query_one("#w-decision_hours", Input).value == "two days"
        assert app.focused is form.query_one("#w-decision_hours")
        # Corrected, it saves; the error goes.
        form.query_one("#w-decision_hours", Input).value = "2d"
        form.query_one("#w-acceptance_floor", Input).value = "60%"
        await pilot.press("ctrl+s")
        await saved(pilot)
        assert isinstance(app.screen, GoalsScreen)
    assert (ws.home / SLA_FILE).read_bytes() != before
    v2 = in_force(load(ws), NOW.date())
    assert v2 is not None and (v2.version, v2.decision_hours, v2.acceptance_floor) == (2, 48.0, 60.0)


async def test_overrides_by_lead_type_are_one_line(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot)
        field = form.query_one("#w-first_touch_overrides", Input)
        assert field.value == "source Demo request = 2"
        field.value = "source Demo request = 2; sauce G2 = 3"
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert app.screen is form and field.value == "source Demo request = 2; sauce G2 = 3"
        assert "'sauce G2 = 3' is not an override" in str(form.query_one("#e-first_touch_overrides").render())
        # One changed, one added; the rest of the SLA as it was.
        field.value = "source demo request = 1; segment Enterprise = 8h"
        await pilot.press("ctrl+s")
        await saved(pilot)
        assert isinstance(app.screen, GoalsScreen)
    v2 = history(load(Workspace(ws.home)))[-1]
    assert (v2.version, v2.first_touch_hours) == (2, 24.0)
    assert sorted((r.field, r.value.casefold(), r.hours) for r in v2.first_touch) == [("segment", "enterprise", 8.0), ("source", "demo request", 1.0)]
    # Left out of the line: taken out of the SLA.
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot)
        form.query_one("#w-first_touch_overrides", Input).value = "segment Enterprise = 8"
        await pilot.press("ctrl+s")
        await saved(pilot)
    v3 = history(load(Workspace(ws.home)))[-1]
    assert [(r.field, r.hours) for r in v3.first_touch] == [("segment", 8.0)] and v3.version == 3


async def test_nothing_changed_is_said_and_nothing_written(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    before = (ws.home / SLA_FILE).read_bytes()
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert app.screen is form
        assert "Nothing changed" in str(form.query_one("#e-mqls_per_month").render())
    assert (ws.home / SLA_FILE).read_bytes() == before


async def test_cancel_writes_nothing(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    before = (ws.home / SLA_FILE).read_bytes()
    app = create_app(ws, clock=FakeClock(NOW))
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot)
        form.query_one("#w-mqls_per_month", Input).value = "60"
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert isinstance(app.screen, GoalsScreen)
    assert (ws.home / SLA_FILE).read_bytes() == before
    assert not ws.read_meeting(MID).decisions


async def test_a_meeting_open_elsewhere_is_said_on_the_meeting_field(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    before = (ws.home / SLA_FILE).read_bytes()
    app = create_app(ws, clock=FakeClock(NOW))
    with Workspace(ws.home).open_meeting(MID):
        async with app.run_test(size=(100, 40)) as pilot:
            form = await open_form(pilot)
            form.query_one("#w-attempts", Input).value = "6"
            form.query_one("#w-meeting").value = MID
            await pilot.press("ctrl+s")
            await pilot.pause(0.5)
            assert app.screen is form
            assert "so the SLA was not changed" in str(form.query_one("#e-meeting").render())
            assert form.query_one("#w-attempts", Input).value == "6"
    assert (ws.home / SLA_FILE).read_bytes() == before


def test_sla_form_snapshot(snap_compare, tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    app = create_app(ws, clock=FakeClock(NOW))

    async def run_before(pilot) -> None:
        form = await open_form(pilot)
        form.query_one("#w-first_touch_hours", Input).value = "soon"
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        app.sub_title = "Objectives & content pipeline"

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
