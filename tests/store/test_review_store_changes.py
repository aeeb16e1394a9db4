"""Review's loads after a change cost what changed: the meetings saved are read, decoded and
made into rows again, nothing else; what a load says changed is exact; the shared files
are validated once per version; the index's memory grows with the meetings, no faster."""

from __future__ import annotations

import contextlib
import gc
import tracemalloc
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from tandem.store.atomic import atomic_write_bytes, decode, encode
from tandem.store.index import entry as index_entry
from tandem.store.index import meetings as index_meetings
from tandem.store.index.shared import SHARED_FILE
from tandem.store.layout import CACHE_DIR
from tandem.store.records import DIRECTIONS, ActionItem, AgendaItem, Attendee, Decision, LeadFeedback, Meeting, Series, ShadowDay
from tandem.store.review import from_workspace as review_workspace
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.review.model import ActionRow, DecisionRow, FeedbackRow, MeetingRow, ReviewChanges, ReviewData
from tandem.store.workspace import MeetingRecord, Workspace, meeting_tables

DIRECTION = DIRECTIONS[0]


def meeting_id(k: int) -> str:
    return f"2026-{k // 28 % 12 + 1:02d}-{k % 28 + 1:02d}-s{k // 336}"


def seeded(home: Path, n: int) -> Workspace:
    """``n`` held meetings of one series, each with an action item, a decision and lead
    feedback; written as the store encodes them (without a save's locks and fsyncs)."""
    ws = Workspace(home)
    ws.series.add(Series(id="s", title="Pipeline sync"))
    ws.meetings_dir.mkdir(exist_ok=True)
    for k in range(n):
        mid = meeting_id(k)
        people = [Attendee(name="Luis", team="sales"), Attendee(name="Mia", team="marketing")]
        record = MeetingRecord(
            meeting=Meeting(id=mid, series_id="s", title="Pipeline sync", date=mid[:10], facilitator="Dana Ruiz", status="ended", attendees=people),
            agenda=[AgendaItem(id="i0", title="Pipeline", position=0, notes=f"Notes of meeting {k}: the Q3 pipeline", status="done", elapsed_s=600)],
            actions=[ActionItem(id=f"a{k}", text=f"Follow up on lead {k}", owner="Luis", status="open", meeting_id=mid)],
            decisions=[Decision(id=f"d{k}", text=f"Decision {k}", meeting_id=mid)],
            lead_feedback=[LeadFeedback(id=f"f{k}", reference=f"L-{k}", source="webinar", verdict="poor", reasons=["no_fit"], meeting_id=mid)],
        )
        ws.meeting_path(mid).write_bytes(encode(meeting_tables(record), "meeting"))
    return ws


def edit(ws: Workspace, mid: str, *, notes: str = "", action: str = "") -> None:
    with ws.open_meeting(mid, allow_finalized=True) as writer:
        if notes:
            item = writer.agenda.all()[0]
            writer.agenda.update(item.replace(notes=item.notes + notes))
        if action:
            writer.actions.add(ActionItem(id=f"new-{action}", text=action, owner="Mia", status="open", meeting_id=mid))


@contextlib.contextmanager
def settled_at_once() -> Iterator[None]:
    """Files count as settled as soon as they are read (each change here moves the change time)."""
    with mock.patch.object(index_entry, "RACY_NS", -(10**12)):
        yield


@contextlib.contextmanager
def counted(target: Any, name: str) -> Iterator[list[Any]]:
    """The first argument of each call of ``target.name`` (after ``self`` for a method)."""
    seen: list[Any] = []
    real = getattr(target, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(args[1] if isinstance(target, type) else args[0] if args else None)
        return real(*args, **kwargs)

    with mock.patch.object(target, name, spy):
        yield seen


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = seeded(tmp_path / "ws", 120)
    yield ws
    ws.snapshots.wait()


def test_a_load_after_one_save_reads_and_makes_only_that_meeting(workspace: Workspace) -> None:
    with settled_at_once():
        source = WorkspaceSource(workspace.home)
        first = source.load()
        mid = meeting_id(60)
        edit(workspace, mid, action="Send the deck")
        with (
            counted(index_entry, "read_regular") as reads,
            counted(review_workspace, "_rows") as made,
            counted(WorkspaceSource, "_problem") as looked_at,
        ):
            assert source.changed()
            data = source.load()
    assert reads == [workspace.meetings_dir / f"{mid}.json"]
    assert len(made) == 1 and looked_at == [mid]  # the other 119 meetings: not even looked at
    assert data.changes == ReviewChanges(frozenset({mid}), frozenset({"meetings", "actions"}))
    assert len(data.actions) == len(first.actions) + 1 and "Send the deck" in [a.text for a in data.actions]
    assert data == WorkspaceSource(workspace.home).load()


def test_a_save_that_changes_no_row_changes_nothing_shown(workspace: Workspace) -> None:
    with settled_at_once():
        source = WorkspaceSource(workspace.home)
        first = source.load()
        assert first.changes is None  # a first load: everything is new
        edit(workspace, meeting_id(7), notes=" and more notes")
        assert source.changed()
        data = source.load()
    assert data.changes == ReviewChanges()
    assert data == first
    # Lists of their own: a screen may sort what it was given without changing the next load.
    assert data.meetings is not first.meetings and data.actions is not first.actions


def test_a_deleted_meeting_and_a_broken_file_are_named(workspace: Workspace) -> None:
    with settled_at_once():
        source = WorkspaceSource(workspace.home)
        source.load()
        gone, broken = meeting_id(3), meeting_id(4)
        (workspace.meetings_dir / f"{gone}.json").unlink()
        atomic_write_bytes(workspace.meetings_dir / f"{broken}.json", b"{")  # renamed in, as a sync would
        data = source.load()
    assert data.changes is not None and data.changes.meetings == {gone, broken}
    assert data.changes.pieces == {"meetings", "actions", "decisions", "feedback", "problems"}
    assert len(data.problems) == 1 and broken in data.problems[0]
    assert data == WorkspaceSource(workspace.home).load()


def test_a_source_too_far_behind_looks_at_every_meeting(workspace: Workspace) -> None:
    with settled_at_once():
        source = WorkspaceSource(workspace.home)
        source.load()
        index = source.workspace.index
        for n in range(index_meetings.CHANGES_KEPT + 1):  # generations the source did not see
            index._changed((f"other-{n}",))
        assert index.changed_since(index.generation - index_meetings.CHANGES_KEPT - 1) is None
        assert index.changed_since(index.generation - index_meetings.CHANGES_KEPT) is not None
        edit(workspace, meeting_id(9), action="Call back")
        with counted(WorkspaceSource, "_problem") as looked_at:
            data = source.load()
    assert len(looked_at) == 120 and data.changes is not None and data.changes.meetings == {meeting_id(9)}
    assert data == WorkspaceSource(workspace.home).load()


def test_rows_made_by_setting_their_slots_equal_those_made_by_their_class() -> None:
    for kind in (MeetingRow, ActionRow, DecisionRow, FeedbackRow):
        values = [f"{f.name}-value" for f in fields(kind)]
        assert review_workspace._builder(kind)(*values) == kind(*values)


# --- the shared files ------------------------------------------------------------------------------


def test_a_shared_file_is_validated_once_per_version(workspace: Workspace) -> None:
    from tandem.store.index import shared as index_shared

    (workspace.home / CACHE_DIR).mkdir(exist_ok=True)
    workspace.shadow_days.add(ShadowDay(id="sd1", date="2026-03-02", shadow="Mia", host="Luis", direction=DIRECTION))
    with counted(index_shared, "decode_table") as validated:
        first = WorkspaceSource(workspace.home).load()
    assert workspace.home / "shadow_days.json" in validated and workspace.home / "series.json" in validated
    assert (workspace.home / CACHE_DIR / SHARED_FILE).exists()
    with counted(index_shared, "decode_table") as validated:
        again = WorkspaceSource(workspace.home).load()
    assert validated == []  # the same bytes: built as trusted, none validated
    assert again == first and again.shadow_days[0].shadow == "Mia"
    workspace.series.add(Series(id="t", title="Content review"))
    with counted(index_shared, "decode_table") as validated:
        data = WorkspaceSource(workspace.home).load()
    assert validated == [workspace.home / "series.json"]
    assert data.shadow_days == first.shadow_days


def test_shared_bytes_that_validation_would_clean_are_never_trusted(workspace: Workspace) -> None:
    from tandem.store.index import shared as index_shared

    (workspace.home / CACHE_DIR).mkdir(exist_ok=True)
    path = workspace.home / "series.json"
    tables = decode(path.read_bytes(), path)
    written = "Pipeline\x1b[31m sync"  # by another program
    (doc,) = tables["series"].values()
    doc["title"] = written
    path.write_bytes(encode(tables, kind="series"))
    for _ in range(2):
        with counted(index_shared, "decode_table") as validated:
            data = WorkspaceSource(workspace.home).load()
        assert path in validated  # each time: these bytes are not what validation gives
        assert {m.series_title for m in data.meetings} == {Series.from_dict({**doc, "title": written}).title} != {written}


# --- memory --------------------------------------------------------------------------------------


def memory_per_meeting(home: Path) -> float:
    """What a loaded review source holds per meeting (bytes), in a source of its own."""
    WorkspaceSource(home).load()  # the index files written
    gc.collect()
    tracemalloc.start()
    try:
        source = WorkspaceSource(home)
        data: ReviewData | None = source.load()
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert data is not None
    return held / len(data.meetings)


def test_a_source_from_the_index_file_holds_no_meeting_data_in_memory(workspace: Workspace) -> None:
    with settled_at_once():
        WorkspaceSource(workspace.home).load()  # the index file written
        source = WorkspaceSource(workspace.home)
        data = source.load()
        entries = [entry for _, entry in source.workspace.index.entries() if entry is not None]
        assert len(entries) == 120 and all(entry.data == b"" and entry.at > 0 for entry in entries)
        # What the other queries decode is read from the file when asked.
        assert sorted(a.text for _, actions in source.workspace.iter_actions() for a in actions) == sorted(a.text for a in data.actions)


def test_memory_per_meeting_does_not_grow_with_the_workspace(tmp_path: Path) -> None:
    small = memory_per_meeting(seeded(tmp_path / "small", 150).home)
    large = memory_per_meeting(seeded(tmp_path / "large", 1000).home)
    assert large <= small * 1.25, (small, large)
