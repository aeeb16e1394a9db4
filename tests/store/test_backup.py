"""backup → restore round-trips every record exactly."""

from __future__ import annotations

import tempfile
from pathlib import Path

import strategies as gen
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.store.upkeep.backup import backup, restore
from tandem.store.workspace import MeetingRecord, Workspace


def everything(ws: Workspace) -> dict:
    return {
        "series": [s.to_dict() for s in ws.series.all()],
        "objectives": [o.to_dict() for o in ws.objectives.all()],
        "content": [c.to_dict() for c in ws.content.all()],
        "insights": [i.to_dict() for i in ws.insights.all()],
        "shadow_days": [d.to_dict() for d in ws.shadow_days.all()],
        "meetings": {
            rec.meeting.id: {name: [x.to_dict() for x in getattr(rec, name)] for name in ("agenda", "lead_feedback", "decisions", "actions", "parking_lot")}
            | {"meeting": rec.meeting.to_dict()}
            for rec in ws.iter_meeting_records()
        },
    }


unique = lambda s, n=4: st.lists(s, max_size=n, unique_by=lambda x: x.id)  # noqa: E731


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    series=unique(gen.series),
    objectives=unique(gen.objective),
    content=unique(gen.content),
    insights=unique(gen.insight),
    shadow_days=unique(gen.shadow_day),
    meeting_ids=st.lists(st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True), max_size=3, unique=True),
    data=st.data(),
)
def test_backup_restore_round_trip(series, objectives, content, insights, shadow_days, meeting_ids, data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        for collection, rows in (
            (ws.series, series),
            (ws.objectives, objectives),
            (ws.content, content),
            (ws.insights, insights),
            (ws.shadow_days, shadow_days),
        ):
            if rows:
                collection.add_many(rows)
        for meeting_id in meeting_ids:
            parts = data.draw(gen.meeting_record(meeting_id))
            ws.create_meeting(parts["meeting"])
            with ws.open_meeting(meeting_id, allow_finalized=True) as writer:
                writer.write_all(MeetingRecord(**parts))
        archive = Path(tmp) / "backup.json"
        backup(ws, archive)
        copy = Workspace(Path(tmp) / "copy")
        restore(copy, archive)
        assert everything(copy) == everything(ws)
        originals = {p.relative_to(ws.home): p.read_bytes() for p in ws.data_files()}
        restored = {p.relative_to(copy.home): p.read_bytes() for p in copy.data_files()}
        assert restored == originals
