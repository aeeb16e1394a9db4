"""A read-only summary of one meeting: who came, the agenda, what was captured."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tandem.store import words
from tandem.store.records import label
from tandem.store.workspace import MeetingRecord

ITEM_MARK = {"done": "✓", "skipped": "–", "parked": "P", "active": "▶", "pending": "·"}


def _people(record: MeetingRecord) -> Text:
    text = Text()
    for team in ("sales", "marketing", "other"):
        names = [a.name for a in record.meeting.attendees if a.team == team]
        if names:
            text.append(f"{team.capitalize():<10}", style="bold")
            text.append(", ".join(names) + "\n")
    if record.meeting.absentees:
        text.append(f"{'Absent':<10}", style="bold")
        text.append(", ".join(a.name for a in record.meeting.absentees) + "\n", style="dim")
    return text


def _agenda(record: MeetingRecord) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False, expand=True)
    table.add_column(width=1)
    table.add_column(ratio=1, overflow="fold")
    table.add_column(justify="right", no_wrap=True)
    for item in record.agenda:
        actual = round(item.elapsed_s / 60)
        timing = f"{actual}/{item.timebox_min} min" if item.elapsed_s else f"{item.timebox_min} min"
        table.add_row(ITEM_MARK.get(item.status, " "), Text(item.title), Text(timing, style="dim"))
    return table


def _counts(record: MeetingRecord) -> Text:
    open_actions = sum(a.status == "open" for a in record.actions)
    parts = [
        f"{len(record.lead_feedback)} lead feedback",
        words.count(len(record.decisions), "decision"),
        f"{open_actions}/{len(record.actions)} actions open",
    ]
    if record.parking_lot:
        parts.append(f"{len(record.parking_lot)} parked")
    return Text(" · ".join(parts))


class MeetingDetail(Static):
    def show(self, record: MeetingRecord | None, series_title: str) -> None:
        self.update(self._render_record(record, series_title))

    @staticmethod
    def _render_record(record: MeetingRecord | None, series_title: str) -> RenderableType:
        if record is None:
            return Text("No meeting selected.", style="dim")
        m = record.meeting
        heading = Text()
        heading.append(m.title, style="bold")
        heading.append(f"\n{m.date} · {series_title} · {label(m.status)}", style="dim")
        if m.facilitator:
            heading.append(f"\nFacilitator: {m.facilitator}")
        if m.status == "live" and m.claim is not None:
            # Who runs it: on a team's clone, perhaps someone else on another machine.
            heading.append(f"\nRun by {m.claim.holder}")
        return Group(
            heading,
            Text(),
            _people(record),
            Text("Agenda", style="bold underline"),
            _agenda(record),
            Text(),
            _counts(record),
        )
