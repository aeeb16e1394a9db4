"""The SLA as a versioned record (``store/sla``): every change a new version, the one in force
at a date the latest effective on or before it, a decision in the deciding meeting's minutes,
and ``sla.json`` a shared data file like the others (doctor, backup, sync's words)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.store.errors import CorruptFileError, FinalizedError, TandemError, UsageError
from tandem.store.sla.record import SLA_FILE, FirstTouchRule, SlaVersion
from tandem.store.sla.versions import Change, history, in_force, load, parse_change, set_sla
from tandem.store.sync.describe import is_data_path, summarise
from tandem.store.upkeep.backup import backup, restore
from tandem.store.upkeep.doctor import check
from tandem.store.workspace import Workspace
from tests.conftest import build_sample

NOW = datetime(2026, 11, 20, 10, 0)
ENDED = "2026-11-19-weekly-smarketing-sync"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return build_sample(tmp_path / "ws")


def changes(*pairs: tuple[str, str]) -> list[Change]:
    return [parse_change(name, value) for name, value in pairs]


def first(ws: Workspace) -> SlaVersion:
    return set_sla(
        ws,
        changes(("mqls_per_month", "100"), ("decision_hours", "2d"), ("first_touch_hours", "24h"), ("acceptance_floor", "60%")),
        effective=date(2026, 10, 1),
        agreed_by=["Dana Kim", "Luis Ortega"],
        now=NOW,
    ).version


# --- versions -----------------------------------------------------------------------------------


def test_a_change_is_a_new_version_made_from_the_one_in_force(ws: Workspace) -> None:
    v1 = first(ws)
    assert (v1.version, v1.mqls_per_month, v1.decision_hours, v1.first_touch_hours, v1.acceptance_floor) == (1, 100, 48, 24, 60)
    stored_v1 = orjson.loads((ws.home / SLA_FILE).read_bytes())["sla"][v1.id]
    result = set_sla(ws, changes(("first_touch_hours:source=Demo request", "4"), ("acceptance_floor", "none")), effective=date(2026, 12, 1), now=NOW)
    v2 = result.version
    assert (result.before, v2.version, v2.effective) == (v1, 2, "2026-12-01")
    assert (v2.mqls_per_month, v2.decision_hours, v2.first_touch_hours, v2.acceptance_floor) == (100, 48, 24, None)
    assert v2.first_touch == [FirstTouchRule(field="source", value="Demo request", hours=4)]
    # The first version is kept as it was, byte for byte.
    assert orjson.loads((ws.home / SLA_FILE).read_bytes())["sla"][v1.id] == stored_v1
    assert [v.version for v in history(load(ws))] == [1, 2]
    assert (in_force(load(ws), "2026-11-30"), in_force(load(ws), "2026-12-01"), in_force(load(ws), "2026-09-30")) == (v1, v2, None)


def test_an_override_can_change_and_go(ws: Workspace) -> None:
    first(ws)
    set_sla(ws, changes(("first_touch_hours:source=Demo request", "4")), effective=date(2026, 11, 1), now=NOW)
    v3 = set_sla(ws, changes(("first_touch_hours:source=demo request", "2")), effective=date(2026, 11, 2), now=NOW).version
    assert [(r.value, r.hours) for r in v3.first_touch] == [("demo request", 2)]
    v4 = set_sla(ws, changes(("first_touch_hours:source=DEMO REQUEST", "none")), effective=date(2026, 11, 3), now=NOW).version
    assert v4.first_touch == []


def test_a_backdated_version_takes_effect_from_its_date_only(ws: Workspace) -> None:
    v1 = first(ws)
    later = set_sla(ws, changes(("mqls_per_month", "120")), effective=date(2026, 12, 1), now=NOW).version
    backdated = set_sla(ws, changes(("mqls_per_month", "90")), effective=date(2026, 11, 1), now=NOW).version
    # Made from v1 (in force on 1 November), and in force until v2 takes effect.
    assert (backdated.version, backdated.decision_hours) == (3, v1.decision_hours)
    assert in_force(load(ws), "2026-11-15") == backdated
    assert in_force(load(ws), "2026-12-15") == later


def _version(n: int, effective: date, recorded: int) -> SlaVersion:
    return SlaVersion(id=f"id{n:03d}", version=n, effective=effective.isoformat(), recorded_at=f"2026-01-01T00:00:{recorded:02d}")


@given(
    st.lists(st.tuples(st.dates(date(2026, 1, 1), date(2026, 3, 31)), st.integers(0, 59)), max_size=12),
    st.dates(date(2025, 12, 1), date(2026, 4, 30)),
    st.randoms(use_true_random=False),
)
def test_in_force_is_the_latest_effective_on_or_before_the_date_whatever_the_order(pairs: list[tuple[date, int]], day: date, rng: object) -> None:
    versions = [_version(n + 1, effective, recorded) for n, (effective, recorded) in enumerate(pairs)]
    found = in_force(versions, day)
    eligible = [v for v in versions if v.effective <= day.isoformat()]
    if not eligible:
        assert found is None
        return
    assert found is not None
    latest = max(v.effective for v in eligible)
    # The latest effective date; among versions of that date, the highest number.
    assert found.effective == latest
    assert found.version == max(v.version for v in eligible if v.effective == latest)
    shuffled = list(versions)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert in_force(shuffled, day) is found
    assert history(shuffled) == history(versions)
    # No later date changes the answer until a later version takes effect.
    following = [v.effective for v in versions if v.effective > day.isoformat()]
    if following:
        assert in_force(versions, date.fromisoformat(min(following)) - (date(2026, 1, 2) - date(2026, 1, 1))) is found


# --- the meeting that decided it ------------------------------------------------------------------


def test_a_meeting_gets_the_decision_in_its_minutes(ws: Workspace) -> None:
    first(ws)
    result = set_sla(
        ws, changes(("first_touch_hours:source=Demo request", "4")), effective=date(2026, 12, 1), meeting_id=ENDED, agreed_by=["Dana Kim"], now=NOW
    )
    assert result.decision is not None
    assert result.decision.text == "SLA v2 from 2026-12-01: first touch within 4 h for source Demo request (was 24 h)"
    assert result.version.decision_id == result.decision.id and result.version.meeting_id == ENDED
    decisions = ws.read_meeting(ENDED).decisions
    assert decisions[-1] == result.decision and decisions[-1].decided_by == "Dana Kim"


def test_the_first_version_says_no_was(ws: Workspace) -> None:
    result = set_sla(ws, changes(("decision_hours", "48"), ("coverage_floor", "80")), effective=date(2026, 11, 1), meeting_id=ENDED, now=NOW)
    assert result.decision is not None
    assert result.decision.text == "SLA v1 from 2026-11-01: accept or reject within 48 h; feedback on at least 80% of leads"


def test_a_meeting_open_elsewhere_refuses_and_nothing_is_written(ws: Workspace) -> None:
    before = ws.read_meeting(ENDED).decisions
    with ws.open_meeting(ENDED), pytest.raises(TandemError, match=r"^Meeting .* is open for editing by .*, so the SLA was not changed: .*\.$"):
        set_sla(ws, changes(("decision_hours", "24")), effective=date(2026, 12, 1), meeting_id=ENDED, now=NOW)
    assert not (ws.home / SLA_FILE).exists()
    assert ws.read_meeting(ENDED).decisions == before


def test_a_finalized_meeting_refuses(ws: Workspace) -> None:
    ws.set_finalized(ENDED, True)
    with pytest.raises(FinalizedError):
        set_sla(ws, changes(("decision_hours", "24")), effective=date(2026, 12, 1), meeting_id=ENDED, now=NOW)
    assert not (ws.home / SLA_FILE).exists()


# --- words --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("decison_hours", "4", "No SLA clause 'decison_hours' (did you mean decision_hours?); the clauses are mqls_per_month, decision_hours,"),
        ("speed", "4", "No SLA clause 'speed'; the clauses are"),
        ("decision_hours", "soon", "decision_hours takes a number of hours (4, 1.5, 24h or 2d), not 'soon'"),
        ("acceptance_floor", "120", "acceptance_floor takes a percentage from 0 to 100"),
        ("mqls_per_month", "1.5", "mqls_per_month takes a whole number, not '1.5'"),
        ("decision_hours:source=Webinar", "4", "only first_touch_hours takes a lead type"),
        ("first_touch_hours:persona=CFO", "4", "only first_touch_hours takes a lead type"),
    ],
)
def test_a_bad_clause_is_one_sentence_naming_it(name: str, value: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_change(name, value)
    assert message in str(caught.value) and str(caught.value).endswith(".") and "\n" not in str(caught.value)
    assert caught.value.exit_code == 2


def test_a_clause_named_twice_or_none_is_refused(ws: Workspace) -> None:
    with pytest.raises(UsageError, match="named twice"):
        set_sla(ws, changes(("attempts", "6"), ("attempts", "5")), effective=date(2026, 12, 1))
    with pytest.raises(UsageError, match="at least one clause"):
        set_sla(ws, [], effective=date(2026, 12, 1))


# --- a shared data file ---------------------------------------------------------------------------


def test_sla_json_is_a_shared_data_file_everywhere(ws: Workspace, tmp_path: Path) -> None:
    first(ws)
    assert is_data_path(SLA_FILE) and ws.home / SLA_FILE in ws.data_files()
    report = check(ws.home)
    assert not report.problems and not report.warnings, report
    archive = tmp_path / "backup.zip"
    backup(ws, archive)
    copy = Workspace(tmp_path / "restored")
    restore(copy, archive)
    assert (copy.home / SLA_FILE).read_bytes() == (ws.home / SLA_FILE).read_bytes()
    assert summarise([(SLA_FILE, None, (ws.home / SLA_FILE).read_bytes())]) == ["1 SLA version"]
    (ws.home / SLA_FILE).write_text((ws.home / SLA_FILE).read_text().replace('"acceptance_floor": 60', '"acceptance_floor": 160'))
    assert [(f.path, "at most 100" in f.message) for f in check(ws.home).problems] == [(SLA_FILE, True)]
    with pytest.raises(CorruptFileError, match=r"sla\.json cannot be read"):
        load(ws)


# --- the scorecard of a workspace ----------------------------------------------------------------


def test_the_workspace_scorecard_times_feedback_by_contribution_else_meeting(ws: Workspace) -> None:
    from tandem.store.atomic import atomic_write_bytes, encode
    from tandem.store.crm.lead import LEADS_FILE, Lead, lead_id
    from tandem.store.records import Triage
    from tandem.store.sla.report import feedback_of, scorecard

    handed = {"CRM-100": "2026-11-10T09:00:00", "CRM-101": "2026-11-11T09:00:00", "CRM-999": "2026-11-11T09:00:00"}
    leads = [Lead(id=lead_id(ref), reference=ref, period="2026-11", created_at="2026-11-10T08:00:00", handed_over_at=at) for ref, at in handed.items()]
    atomic_write_bytes(ws.home / LEADS_FILE, encode({"leads": {x.id: x.to_dict() for x in leads}}, "leads"))
    # lf-1 came from a rep's contribution, raised on 12 November at 10:00: 25 h after hand-over.
    with ws.open_meeting(ENDED) as writer:
        writer.triage.add(Triage(id="lf-1", kind="lead", fate="taken", author="Luis Ortega", created_at="2026-11-12T10:00:00", record_id="lf-1"))
    times = {f.reference: f.at for f in feedback_of(ws)}
    # lf-0 was recorded in a meeting that never said when it started: the end of its day.
    assert times == {"CRM-100": "2026-11-12T23:59:59", "CRM-101": "2026-11-12T10:00:00", "CRM-102": "2026-11-26T23:59:59"}
    first(ws)
    card = scorecard(ws, "2026-11", now=datetime(2026, 11, 30, 12, 0))
    rows = {r.clause: r for r in card.rows}
    assert (rows["coverage_floor"].this.n, rows["coverage_floor"].this.of) == (2, 3)
    # Within 48 h: CRM-101 (25 h); late: CRM-100 (62 h 59 min), CRM-999 (never decided).
    assert (rows["decision_hours"].this.n, rows["decision_hours"].this.of) == (1, 3)
    assert card.sla is not None and card.sla.version == 1


def test_overrides_on_one_line_read_back_as_written(ws: Workspace) -> None:
    from tandem.store.sla.versions import overrides_text, parse_overrides

    v1 = set_sla(ws, parse_overrides("source Demo request = 4; segment  Enterprise=2d"), effective=date(2026, 10, 1), now=NOW).version
    assert overrides_text(v1) == "source Demo request = 4; segment Enterprise = 48"
    assert parse_overrides(overrides_text(v1)) == parse_overrides("source Demo request = 4; segment Enterprise = 48")
    for bad, words in (
        ("source Demo request", "is not an override"),
        ("persona CFO = 3", "is not an override"),
        ("source Demo = none", "an override needs hours"),
        ("source A = 1; SOURCE a = 2", "already given"),
        ("source A = soon", "takes a number of hours"),
    ):
        with pytest.raises(UsageError, match=words):
            parse_overrides(bad)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["source", "segment"]),
            st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=30),
            st.integers(1, 500),
        ),
        max_size=4,
    )
)
def test_any_overrides_the_form_shows_read_back_the_same(rules: list[tuple[str, str, int]]) -> None:
    """Whatever a version holds (a value with ';', '=' or quotes, set with the CLI), the
    form's line reads back as the same overrides: the form never refuses its own text."""
    from tandem.store.sla.versions import overrides_text, parse_overrides

    kept: dict[tuple[str, str], FirstTouchRule] = {}
    for field, value, hours in rules:
        value = " ".join(value.split())
        if value and (field, value.casefold()) not in kept:
            kept[field, value.casefold()] = FirstTouchRule(field=field, value=value, hours=hours)
    version = SlaVersion(id="v", version=1, effective="2026-10-01", first_touch=list(kept.values()))
    back = parse_overrides(overrides_text(version))
    assert [(c.lead_type, c.value) for c in back] == [((r.field, r.value), r.hours) for r in version.first_touch]
