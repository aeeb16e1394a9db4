"""Following a meeting read-only: what the facilitator's live screen shows, for everyone else.

Polls the meeting file (and the shared files holding insights, content items and objective
check-ins) four times a second in a thread worker, re-reading only what changed; the clocks
tick locally every second from the stored banked totals plus the running time, exactly as
the live screen computes them. Nothing here can change the meeting: there are no edit keys,
and the workspace is opened read-only (no lock is taken, no file written).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, OptionList, Static
from textual.worker import Worker, WorkerState

from tandem.store.errors import NotFoundError, TandemError
from tandem.store.follow import (
    CapturedRow,
    LinkedRecords,
    LinkedRecordsWatcher,
    MeetingWatcher,
    active_item,
    captured_rows,
    has_ended,
    item_elapsed,
    meeting_elapsed,
    parse_time,
    saved_at,
    writer_gone,
)
from tandem.store.pacing import WARN_AT, forecast
from tandem.store.records import AgendaItem, label
from tandem.store.workspace import MeetingRecord, Workspace
from tandem.tui.screen_base import TandemScreen
from tandem.tui.timefmt import clock_text, minutes_text
from tandem.tui.widgets.clock_bar import append_clock
from tandem.tui.widgets.follow_agenda import KIND_LABEL, CapturedLines, FollowAgenda
from tandem.tui.widgets.footer import Footer

Clock = Callable[[], datetime]

#: With the clock running, no save for this long means the facilitator's tandem may be
#: closed (a running live screen saves at least every 30 s).
STALE_AFTER_S = 90.0

#: The screen's styles. Absolute, so that an app listing it in its own CSS_PATH (Textual
#: does not load the CSS_PATH of an app's default screen) loads it once, not twice.
FOLLOW_TCSS = Path(__file__).resolve().parent / "follow.tcss"

STATUS_WORD = {"pending": "not started", "done": "done", "skipped": "skipped", "parked": "parked"}


def _file_name(problem: TandemError) -> str:
    path = getattr(problem, "path", None)
    return path.name if path is not None else "a shared file"


@dataclass(frozen=True)
class _Polled:
    """What one poll found (read off the UI thread, applied on it)."""

    record: MeetingRecord | None
    linked: LinkedRecords | None
    problem: TandemError | None
    file_time: datetime | None
    #: A shared file (insights, content, objectives) that cannot be read right now.
    linked_problem: TandemError | None = None
    #: No save for a while, and the facilitator's tandem is gone (closed or crashed).
    disconnected: bool = False


class FollowScreen(TandemScreen[None]):
    CSS_PATH = FOLLOW_TCSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit", tooltip="Stop following (the meeting goes on)", id="follow.quit"),
        Binding(
            "f",
            "toggle_follow",
            "Follow / browse",
            tooltip="Follow the current item, or browse the agenda (the arrow keys browse too)",
            id="follow.toggle_follow",
        ),
    ]

    POLL_S = 0.25
    TICK_S = 1.0

    def __init__(self, workspace: Workspace, meeting_id: str, *, clock: Clock = datetime.now) -> None:
        super().__init__()
        self.workspace = workspace
        self.meeting_id = meeting_id
        self.clock = clock
        self.watcher = MeetingWatcher(workspace, meeting_id)
        self.linked_watcher = LinkedRecordsWatcher(workspace, meeting_id)
        self.record: MeetingRecord | None = None
        self.linked = LinkedRecords()
        self.problem: TandemError | None = None
        self.linked_problem: TandemError | None = None
        self.file_time: datetime | None = None
        #: True: the item pane shows the current item; False: the one highlighted in the agenda.
        self.following = True
        #: The agenda item whose notes are on screen (None: no item).
        self.shown_item_id: str | None = None
        self._shown_notes: tuple[str | None, str] | None = None
        self._shown_rows: tuple[list[CapturedRow], str | None] | None = None
        self._polling = False
        self._ended_seen = False
        #: The facilitator's tandem is gone while the meeting's clock was running.
        self.disconnected = False
        #: How many new versions were shown (the first read included).
        self.versions_shown = 0

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="follow-status", markup=False)
        yield Static(id="follow-clockbar", markup=False)
        with Horizontal(id="follow-main"):
            yield FollowAgenda(id="follow-agenda")
            with Vertical(id="follow-item-pane"):
                with Horizontal(id="follow-item-head"):
                    yield Static(id="follow-item-title", markup=False)
                    yield Static(id="follow-item-timer", markup=False)
                yield Static(id="follow-prompts", markup=False)
                with VerticalScroll(id="follow-notes"):
                    yield Static(id="follow-notes-text", markup=False)
                with VerticalScroll(id="follow-captured"):
                    yield Static(id="follow-captured-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        agenda = self.query_one("#follow-agenda", FollowAgenda)
        agenda.border_title = "Agenda"
        self.query_one("#follow-notes").border_title = "Notes"
        self.query_one("#follow-captured").border_title = "Captured so far"
        # The first read happens now, so the first paint already shows the meeting.
        self._apply(self._read())
        agenda.focus()
        self.set_interval(self.POLL_S, self._poll)
        self._schedule_tick()

    def _schedule_tick(self) -> None:
        """Tick every second, just after the meeting clock turns a whole second, so the
        clocks here turn together with the facilitator's."""
        delay = self.TICK_S
        record = self.record
        if record is not None and record.meeting.clock_running_since is not None:
            fraction = meeting_elapsed(record.meeting, self.clock()) % 1.0
            delay = min(self.TICK_S, max(0.05, 1.0 - fraction + 0.01))
        self.set_timer(delay, self._tick_timer)

    def _tick_timer(self) -> None:
        try:
            self.tick()
        finally:
            self._schedule_tick()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "-narrow")
        self.set_class(self.size.width < 70, "-tiny")
        self.set_class(self.size.height < 30, "-short")
        self.set_class(self.size.height < 20, "-tight")

    # --- polling (off the UI thread) ---------------------------------------------------

    def _read(self) -> _Polled:
        try:
            record = self.watcher.poll()
            linked = self.linked_watcher.poll()
        except Exception as exc:  # noqa: BLE001 - never crash on a file; say so and retry
            return _Polled(None, None, TandemError(f"{type(exc).__name__}: {exc}"), self.watcher.file_time)
        return _Polled(record, linked, self.watcher.problem, self.watcher.file_time, self.linked_watcher.problem, self._disconnected(record or self.record))

    def _disconnected(self, record: MeetingRecord | None) -> bool:
        """A live meeting with its clock running, no save for a while, and the process that
        held it gone: the clocks here stop at its last save instead of ticking on."""
        if record is None or record.meeting.status != "live" or record.meeting.clock_running_since is None:
            return False
        saved = saved_at(record.meeting) or self.watcher.file_time
        try:
            quiet = (self.clock() - saved).total_seconds() if saved is not None else 0.0
        except TypeError:
            quiet = 0.0
        return quiet >= STALE_AFTER_S and writer_gone(self.workspace, self.meeting_id)

    def _poll(self) -> None:
        if self._polling:  # a slow disk: never pile up reads
            return
        self._polling = True
        self._poll_worker()

    @work(thread=True, group="follow-poll", exit_on_error=False)
    def _poll_worker(self) -> _Polled:
        return self._read()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "follow-poll":
            return
        if event.state == WorkerState.SUCCESS and isinstance(event.worker.result, _Polled):
            self._apply(event.worker.result)
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self._polling = False

    def _apply(self, polled: _Polled) -> None:
        if polled.disconnected != self.disconnected:
            self.disconnected = polled.disconnected
            if polled.disconnected:
                self.notify("The facilitator's tandem has closed; the clocks stop at its last save.", title="Facilitator disconnected", markup=False)
        self.problem = polled.problem
        self.linked_problem = polled.linked_problem
        self.file_time = polled.file_time
        changed = False
        if polled.record is not None:
            self.record = polled.record
            changed = True
        if polled.linked is not None:
            self.linked = polled.linked
            changed = True
        if changed and self.record is not None:
            self.versions_shown += 1
            self.sub_title = f"{self.record.meeting.title} · {self.record.meeting.date}"
            ended = has_ended(self.record.meeting)
            if ended and not self._ended_seen and self.versions_shown > 1:
                self.notify("The facilitator ended the meeting; this is its final state.", title="Meeting ended", markup=False)
            self._ended_seen = ended
            self.refresh_all()
        else:
            self._show_status()

    # --- rendering ------------------------------------------------------------------

    def refresh_all(self) -> None:
        self._render_agenda()
        self._render_item()
        self.tick()

    def _elapsed(self) -> dict[str, float]:
        assert self.record is not None
        now = self.clock()
        return {item.id: item_elapsed(self.record.meeting, item, now) for item in self.record.agenda}

    def _render_agenda(self) -> None:
        if self.record is None:
            return
        agenda = self.query_one("#follow-agenda", FollowAgenda)
        agenda.show(self.record.agenda, self._elapsed(), set(forecast(self.record, self.clock()).will_not_fit))
        if self.following:
            active = active_item(self.record)
            if active is not None:
                agenda.highlight_item(active.id)
        agenda.border_subtitle = "following · f: browse" if self.following else "browsing · f: follow"

    def _target_item(self) -> AgendaItem | None:
        """The item the pane shows: the current one while following, else the highlighted one."""
        if self.record is None:
            return None
        if self.following:
            return active_item(self.record)
        item_id = self.query_one("#follow-agenda", FollowAgenda).highlighted_item_id
        return next((i for i in self.record.agenda if i.id == item_id), None)

    def _render_item(self) -> None:
        record = self.record
        title = self.query_one("#follow-item-title", Static)
        prompts = self.query_one("#follow-prompts", Static)
        if record is None:
            title.update(Text("Reading the meeting…", style="dim"))
            prompts.display = False
            self._show_notes(None, "")
            self._show_captured()
            return
        item = self._target_item()
        self.shown_item_id = item.id if item is not None else None
        if item is None:
            title.update(Text(self._no_item_sentence(record), style="bold"))
            prompts.display = False
            self._show_notes(None, "")
            self._show_captured()
            return
        number = record.agenda.index(item) + 1
        heading = Text(f"{number}. {item.title}", style="bold")
        if item.status != "active":
            heading.append(f"  ({STATUS_WORD.get(item.status, item.status)})", style="dim italic")
        if item.presenter or item.presenter_team:
            heading.append(f"  · {item.presenter or item.presenter_team}", style="dim")
        if item.captures:
            heading.append(f"  · captures {label(item.captures)}", style="dim")
        if item.carried_from:
            heading.append(f"  · carried over from {item.carried_from}", style="dim italic")
        title.update(heading)
        if item.prompts:
            prompts.update(Text("\n".join(f"• {p}" for p in item.prompts)))
            prompts.display = True
        else:
            prompts.display = False
        self._show_notes(item.id, item.notes)
        self._show_captured()

    @staticmethod
    def _no_item_sentence(record: MeetingRecord) -> str:
        status = record.meeting.status
        if status == "planned":
            return "Not started yet: the current item shows here once the facilitator starts the meeting."
        if has_ended(record.meeting):
            return "The meeting has ended. Browse the agenda (↑/↓) to read any item's notes."
        if not record.agenda:
            return "The agenda is empty."
        return "All items covered; the facilitator may end the meeting or go back to an item."

    def _show_notes(self, item_id: str | None, notes: str) -> None:
        if self._shown_notes == (item_id, notes):
            return
        moved = self._shown_notes is None or self._shown_notes[0] != item_id
        self._shown_notes = (item_id, notes)
        widget = self.query_one("#follow-notes-text", Static)
        if item_id is None:
            widget.update(Text("No item is being discussed.", style="dim"))
        elif notes.strip():
            widget.update(Text(notes))  # literal: a note's [brackets] are never markup
        else:
            widget.update(Text("No notes yet for this item.", style="dim"))
        scroll = self.query_one("#follow-notes", VerticalScroll)
        if self.following:
            # The facilitator types at the end: keep the newest lines in view.
            self.call_after_refresh(scroll.scroll_end, animate=False)
        elif moved:
            self.call_after_refresh(scroll.scroll_home, animate=False)

    def _show_captured(self) -> None:
        rows = captured_rows(self.record, self.linked) if self.record is not None else []
        key = (rows, self.shown_item_id)
        if self._shown_rows == key:
            return
        self._shown_rows = key
        box = self.query_one("#follow-captured", VerticalScroll)
        widget = self.query_one("#follow-captured-text", Static)
        box.border_title = f"Captured so far ({len(rows)})" if rows else "Captured so far"
        if not rows:
            widget.update(Text("Nothing captured yet: decisions, action items and lead feedback show here as they are recorded.", style="dim"))
            return
        record = self.record
        assert record is not None
        number = {item.id: n for n, item in enumerate(record.agenda, start=1)}
        widget.update(
            CapturedLines(
                [
                    (
                        str(number.get(row.agenda_item_id, "")),
                        KIND_LABEL.get(row.kind, row.title),
                        row.text,
                        bool(row.agenda_item_id) and row.agenda_item_id == self.shown_item_id,
                    )
                    for row in rows
                ]
            )
        )
        if self.following:
            self.call_after_refresh(box.scroll_end, animate=False)

    def tick(self) -> None:
        """The clocks, every second, from the last version read (no disk access)."""
        record = self.record
        self._show_status()
        if record is None:
            return
        meeting = record.meeting
        last = saved_at(meeting) or self.file_time
        # Disconnected: nobody is running the meeting, so its clocks stand where it was saved.
        now = last if self.disconnected and last is not None else self.clock()
        f = forecast(record, now)
        bar = Text(no_wrap=True, overflow="ellipsis")
        running = meeting.clock_running_since is not None and not self.disconnected
        if has_ended(meeting):
            bar.append(" ■ ENDED ", style="bold reverse")
            bar.append(f"  Took {clock_text(f.elapsed_s)} of {clock_text(f.planned_s)} planned")
        elif meeting.status == "planned":
            bar.append(" PLANNED ", style="bold reverse")
            bar.append(f"  {clock_text(f.planned_s)} planned")
        elif self.disconnected:
            bar.append(" ⚠ DISCONNECTED ", style="bold reverse yellow")
            bar.append(f"  Elapsed {clock_text(f.elapsed_s)} of {clock_text(f.planned_s)} when last saved")
        else:
            append_clock(bar, f, running=running)
        self.query_one("#follow-clockbar", Static).update(bar)

        timer = self.query_one("#follow-item-timer", Static)
        item = next((i for i in record.agenda if i.id == self.shown_item_id), None)
        if item is not None:
            elapsed = item_elapsed(meeting, item, now)
            box = item.timebox_min * 60
            timer.update(Text(f"{clock_text(elapsed)} / {clock_text(box)}"))
            timer.display = True
            live = item.status == "active"
            timer.set_class(live and WARN_AT * box <= elapsed <= box, "-warn")
            timer.set_class(elapsed > box, "-over")
            timer.set_class(not live, "-idle")
        else:
            timer.display = False
        # The active item's line in the agenda moves every second.
        active = active_item(record)
        if active is not None and running:
            agenda = self.query_one("#follow-agenda", FollowAgenda)
            agenda.update_item(record.agenda.index(active) + 1, active, item_elapsed(meeting, active, now), will_not_fit=active.id in f.will_not_fit)

    def _show_status(self) -> None:
        widget = self.query_one("#follow-status", Static)
        record = self.record
        text = Text(no_wrap=True, overflow="ellipsis")
        problem = self.problem
        widget.set_class(problem is not None, "-problem")
        widget.set_class(record is not None and has_ended(record.meeting) and problem is None, "-ended")
        if problem is not None:
            missing = isinstance(problem, NotFoundError)
            text.append("⚠ Meeting file is missing — retrying" if missing else "⚠ Meeting file is unreadable — retrying", style="bold")
            if record is not None:
                text.append(" (showing the last version read)")
            if not missing:
                text.append(f": {problem}", style="dim")
            widget.update(text)
            return
        if record is None:
            widget.update(Text("Reading the meeting…", style="dim"))
            return
        meeting = record.meeting
        saved = saved_at(meeting) or self.file_time
        saved_text = saved.strftime("%H:%M:%S") if saved is not None else "never"
        rest = Text()
        if has_ended(meeting):
            lead = "Meeting ended"
            ended = parse_time(meeting.ended_at)
            rest.append(f" at {ended:%H:%M}" if ended is not None else "")
            rest.append(" — this is its final state")
        elif meeting.status == "planned":
            lead = f"Following {meeting.title}"
            rest.append(" — not started yet; waiting for the facilitator")
        else:
            lead = f"Following {meeting.title}"
            rest.append(f" — last saved {saved_text}")
            if meeting.clock_running_since is not None and saved is not None:
                try:
                    quiet = (self.clock() - saved).total_seconds()
                except TypeError:
                    quiet = 0.0
                if self.disconnected:
                    rest = Text(f" — facilitator disconnected since {saved:%H:%M}", style="bold yellow")
                elif quiet >= STALE_AFTER_S:
                    rest.append(f"  (no save for {minutes_text(quiet)}: is the facilitator's tandem still open?)", style="bold yellow")
        if self.linked_problem is not None:
            rest.append(f"  ⚠ {_file_name(self.linked_problem)} cannot be read; retrying", style="bold yellow")
        if not self.following:
            rest.append("  · browsing (f: follow)", style="dim")
        # A long title gives way, so that when it was saved stays in view.
        room = (widget.content_region.width or widget.size.width or 80) - rest.cell_len
        if len(lead) > room:
            lead = lead[: max(12, room) - 1] + "…"
        text.append(lead, style="bold")
        text.append_text(rest)
        widget.update(text)

    # --- following vs browsing ------------------------------------------------------------

    def action_toggle_follow(self) -> None:
        self.set_following(not self.following)

    def set_following(self, following: bool) -> None:
        self.following = following
        agenda = self.query_one("#follow-agenda", FollowAgenda)
        if following and self.record is not None:
            active = active_item(self.record)
            if active is not None:
                agenda.highlight_item(active.id)
        agenda.border_subtitle = "following · f: browse" if following else "browsing · f: follow"
        self._render_item()
        self.tick()

    @on(FollowAgenda.Browsed)
    def _browsed(self) -> None:
        if self.following:
            self.set_following(False)
        else:
            self._render_item()
            self.tick()

    @on(OptionList.OptionSelected, "#follow-agenda")
    def _picked(self) -> None:
        self._browsed()

    @on(OptionList.OptionHighlighted, "#follow-agenda")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # While browsing, a click (or a refresh) shows the highlighted item; while
        # following, highlights come from refreshes and change nothing.
        if not self.following and event.option.id != self.shown_item_id:
            self._render_item()
            self.tick()
