"""The repository API: CRUD for every record kind and the queries the app needs."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_sample

from tandem.store.errors import NotFoundError, ValidationError
from tandem.store.ids import meeting_id, new_id, slugify
from tandem.store.records import (
    ActionItem,
    CheckIn,
    ContentItem,
    Decision,
    LeadFeedback,
    Meeting,
    Objective,
    ParkedItem,
    ProspectInsight,
    Series,
    ShadowDay,
)
from tandem.store.workspace import Workspace


def test_meeting_ids_are_human_friendly() -> None:
    assert meeting_id("2026-11-26", "Weekly Sync!") == "2026-11-26-weekly-sync"
    assert meeting_id("2026-11-26", "weekly-sync", taken={"2026-11-26-weekly-sync"}) == "2026-11-26-weekly-sync-2"
    assert slugify("Zoë's café ☕") == "zoe-s-cafe"
    assert slugify("☕☕") == "meeting"
    assert len({new_id() for _ in range(1000)}) == 1000


@pytest.mark.parametrize(
    ("collection", "record", "change"),
    [
        ("series", Series(id="s1", title="Sync"), {"title": "Weekly sync"}),
        ("objectives", Objective(id="o1", title="SQLs", metric="SQLs/month", target=60), {"current": 42.0}),
        ("content", ContentItem(id="c1", title="ROI one-pager"), {"status": "shipped"}),
        ("insights", ProspectInsight(id="i1", text="How long is onboarding?"), {"times_heard": 3}),
        ("shadow_days", ShadowDay(id="d1", shadow="Ana", host="Luis", direction="marketing_to_sales", date="2026-11-20"), {"status": "done"}),
    ],
)
def test_shared_collections_crud(workspace: Workspace, collection: str, record, change: dict) -> None:
    coll = getattr(workspace, collection)
    coll.add(record)
    with pytest.raises(ValidationError):
        coll.add(record)
    assert coll.get(record.id) == record
    updated = record.replace(**change)
    coll.update(updated)
    assert coll.all() == [updated]
    coll.delete(record.id)
    assert coll.all() == [] and coll.find(record.id) is None
    with pytest.raises(NotFoundError):
        coll.get(record.id)
    with pytest.raises(NotFoundError):
        coll.delete(record.id)


@pytest.mark.parametrize(
    ("table", "record", "change"),
    [
        ("lead_feedback", LeadFeedback(id="l1", reference="SF-1", verdict="good"), {"verdict": "poor", "reasons": ["no_fit"]}),
        ("decisions", Decision(id="d1", text="SAL in 24h"), {"text": "SAL in 12h"}),
        ("actions", ActionItem(id="a1", text="Fix routing"), {"status": "done"}),
        ("parking_lot", ParkedItem(id="p1", text="Pricing page"), {"carried_to": "next"}),
    ],
)
def test_meeting_tables_crud(sample: Workspace, table: str, record, change: dict) -> None:
    mid = "2026-11-19-weekly-smarketing-sync"
    with sample.open_meeting(mid) as writer:
        coll = getattr(writer, table)
        before = len(coll.all())
        coll.add(record)
        coll.update(record.replace(**change))
        assert coll.get(record.id) == record.replace(**change)
    assert getattr(sample.read_meeting(mid), table)[-1] == record.replace(**change)
    with sample.open_meeting(mid) as writer:
        getattr(writer, table).delete(record.id)
    assert len(getattr(sample.read_meeting(mid), table)) == before


def test_meeting_header_update_and_delete(sample: Workspace) -> None:
    mid = "2026-11-26-weekly-smarketing-sync"
    with sample.open_meeting(mid) as writer:
        writer.save_meeting(writer.meeting.replace(status="live", facilitator="Luis Ortega"))
        with pytest.raises(ValidationError):
            writer.save_meeting(writer.meeting.replace(id="other"))
    assert sample.get_meeting(mid).status == "live"
    sample.delete_meeting(mid)
    with pytest.raises(NotFoundError):
        sample.read_meeting(mid)
    with pytest.raises(ValidationError):
        sample.create_meeting(Meeting(id="2026-11-12-weekly-smarketing-sync", series_id="x", title="Dup", date="2026-11-12"))
    with pytest.raises(ValidationError):
        sample.meeting_path("../escape")


def test_queries(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    ws.series.add(Series(id="review", title="Review"))
    ws.create_meeting(Meeting(id="2026-11-01-review", series_id="review", title="Review", date="2026-11-01"))
    assert [m.date for m in ws.list_meetings("weekly-smarketing-sync")] == ["2026-11-12", "2026-11-19", "2026-11-26"]
    assert next(m.id for m in ws.list_meetings()) == "2026-11-01-review"
    assert ws.latest_meeting("weekly-smarketing-sync").date == "2026-11-26"
    assert ws.latest_meeting("nope") is None
    assert [a.id for a in ws.open_action_items()] == ["act-1", "act-2"]
    assert [a.id for a in ws.action_items(status="done")] == ["act-0"]
    assert ws.action_items(series_id="review") == []
    assert len(ws.lead_feedback()) == 3
    assert [f.id for f in ws.lead_feedback(meeting_id="2026-11-19-weekly-smarketing-sync")] == ["lf-1"]
    assert len(ws.lead_feedback(source="LinkedIn ads", reason="no_fit")) == 3
    assert ws.lead_feedback(reason="no_budget") == [] and ws.lead_feedback(stage_lost="sql") == []
    ws.objectives.add(
        Objective(
            id="o",
            title="SQLs",
            metric="SQLs",
            target=60,
            checkins=[
                CheckIn(date="2026-11-19", value=50, status="at_risk"),
                CheckIn(date="2026-11-12", value=40, status="off_track"),
            ],
        )
    )
    history = ws.objectives_with_history()[0].checkins
    assert [c.date for c in history] == ["2026-11-12", "2026-11-19"]
    assert ws.objectives_with_history()[0].latest.value == 50


def test_records_validate(workspace: Workspace) -> None:
    with pytest.raises(ValidationError, match="verdict"):
        LeadFeedback(id="x", reference="r", verdict="meh")
    with pytest.raises(ValidationError, match="timebox"):
        from tandem.store.records import AgendaItem

        AgendaItem(id="x", title="t", timebox_min=0)
    with pytest.raises(ValidationError, match="date"):
        Meeting(id="m", series_id="s", title="t", date="26/11/2026")
    with pytest.raises(ValidationError, match="reasons"):
        LeadFeedback(id="x", reference="r", verdict="poor", reasons=["Because!"])  # any snake_case code is valid (config.toml vocabulary)
    with pytest.raises(ValidationError, match="unknown field"):
        ActionItem.from_dict({"id": "a", "text": "t", "colour": "red"})
    with pytest.raises(ValidationError):
        ActionItem.from_dict({"text": "no id"})
