"""The live meeting: agenda sidebar, the active item with its timer, prompts and notes."""

from __future__ import annotations

from pathlib import PurePath
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Static, TextArea

from tandem.store.errors import TandemError, describe_os_error
from tandem.store.kinds import TITLES, Captured
from tandem.store.live import LiveSession, end_summary
from tandem.store.pacing import WARN_AT
from tandem.store.records import AgendaItem, label
from tandem.store.sla.record import ScorecardLine
from tandem.store.sync.merge import Conflict
from tandem.store.sync.recorded import Decided, by_agenda_item, explain, mark
from tandem.tui.forms import FORMS_TCSS
from tandem.tui.screen_base import OnTimeFrames, TandemScreen
from tandem.tui.screens.live_capture import CaptureFlow
from tandem.tui.screens.live_leads import LeadTriage
from tandem.tui.screens.live_triage import TriageFlow
from tandem.tui.seams import main_app
from tandem.tui.settings import vocabulary
from tandem.tui.timefmt import clock_text, minutes_text
from tandem.tui.widgets.agenda import AgendaList
from tandem.tui.widgets.captured import CapturedList, ReviewList
from tandem.tui.widgets.clock_bar import append_clock
from tandem.tui.widgets.footer import Footer
from tandem.tui.widgets.lead_table import LeadTable
from tandem.tui.widgets.waiting import WaitingList

#: How long the item's heading flashes when its timebox runs out.
FLASH_S = 1.5


class LiveScreen(OnTimeFrames, TandemScreen[None]):
    # Loaded when a meeting is first opened, not at start-up (benchmarks/start.py) — the
    # forms' styles with it: loading them on the first capture form restyled the whole app
    # while the facilitator was typing (the first lead form took 1.6 s on a busy laptop).
    CSS_PATH: ClassVar[list[str | PurePath]] = ["live.tcss", FORMS_TCSS]
    BINDINGS: ClassVar[list[BindingType]] = [
        # These work while typing notes: the letters on the agenda would be typed instead.
        # "screen.": the same action as the agenda's n and space, so that with the agenda
        # focused the footer shows one key for each, not two (80 columns hold no more).
        Binding("ctrl+n", "screen.next_item", "Next", priority=True, tooltip="Next item, while typing notes", id="live.next_typing"),
        Binding("ctrl+t", "screen.toggle_pause", "Pause", priority=True, tooltip="Pause or resume the clock, while typing notes", id="live.pause_typing"),
        Binding(
            "ctrl+r",
            "capture_menu",
            "Record",
            priority=True,
            tooltip="Capture a record (objective, lead, insight, content, decision, action)",
            id="live.capture_typing",
        ),
        Binding("escape", "focus_agenda", "Agenda", tooltip="Leave the notes for the agenda and its one-letter keys", id="live.focus_agenda"),
        # Only there when a sync kept two values of a field here (check_action); not a key
        # of the agenda, so that it also reads the highlighted captured record's.
        Binding(
            "w",
            "show_conflicts",
            "⚑ Both",
            tooltip="Both values of a field changed on two machines at once",
            id="live.conflicts",
        ),
        # Not in the footer (80 columns hold no more): the list's title says it, help lists it.
        Binding(
            "f",
            "focus_waiting",
            "Waiting",
            show=False,
            tooltip="Go to the team's contributions waiting under this item",
            id="live.focus_waiting",
        ),
        # Likewise: the table's title says it.
        Binding("r", "focus_leads", "Leads", show=False, tooltip="Go to the imported leads of a lead-quality item, to judge them", id="live.focus_leads"),
    ]

    def __init__(self, session: LiveSession) -> None:
        super().__init__()
        self.session = session
        self._shown_item: str | None = None
        self._heading_shown: Text | None = None
        #: Items whose timebox running out was announced (config.toml's overrun_alert).
        self._alerted: set[str] = set()
        #: The conflicts syncs recorded in this meeting's file, and in the shared files
        #: (loaded by the flow with the captured records, see ``show_conflicts_found``).
        self.decided = Decided()
        self.shared_decided = Decided()
        #: The meeting's conflicts by agenda item: its own and those of its records.
        self._item_conflicts: dict[str, tuple[Conflict, ...]] = {}
        self.flow = CaptureFlow(self)
        self.triage = TriageFlow(self)
        self.leads = LeadTriage(self)

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="clockbar")
        with Horizontal(id="live-main"):
            yield AgendaList(id="agenda")
            with Vertical(id="item-pane"):
                with Horizontal(id="item-head"):
                    yield Static(id="item-title")
                    yield Static(id="item-timer")
                yield Static(id="conflicts-note")
                yield Static(id="prompts")
                yield Static(id="leads-hint")
                yield LeadTable(id="leads")
                yield Static(id="leads-legend")
                yield TextArea(id="notes", soft_wrap=True, tab_behavior="focus")
                yield Static(id="review-title", classes="pane-title")
                yield Static(id="lead-summary")
                yield ReviewList(id="review", compact=True)
                yield WaitingList(id="waiting", compact=True)
                yield CapturedList(id="captured", compact=True)
                yield Static(id="forecast")
                yield Static(id="save-state")
        yield Footer()

    def on_mount(self) -> None:
        agenda = self.query_one("#agenda", AgendaList)
        agenda.border_title = "Agenda"
        agenda.border_subtitle = "esc: here · i: notes"
        self.app.sub_title = f"{self.session.meeting.title} · {self.session.meeting.date}"
        self.query_one("#conflicts-note").display = False
        if self.session.amending:
            self.app.sub_title += " · editing after the meeting"
        before = (self.session.meeting.status, self.session.meeting.claim)
        self.session.start()
        after = (self.session.meeting.status, self.session.meeting.claim)
        if after[0] == "live" and after != before:
            # Started here (or taken over): the team learns who runs it at the next sync.
            main_app(self).sync_after_meeting()
        self.refresh_all()
        self.query_one("#notes", TextArea).focus()
        self.set_interval(0.5, self.tick)
        if self.session.gap_s >= 60:
            self._ask_about_gap()
        self.flow.recover_draft()
        # After the first frame: the contributions are read in a worker, and a worker
        # started now would share the interpreter with drawing it.
        self.call_after_refresh(self.triage.load)
        self.call_after_refresh(self.leads.load)

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.tick()  # the clocks catch up; the rest did not change under the dialog

    def on_resize(self) -> None:
        narrow = self.has_class("-narrow")
        self.set_class(self.size.width < 100, "-narrow")
        self.set_class(self.size.width < 70, "-tiny")
        self.set_class(self.size.height < 20, "-short")
        if narrow != self.has_class("-narrow"):
            self.show_waiting_count()  # the heading says it from 100 columns up
            self.leads.fit()

    @work
    async def _ask_about_gap(self) -> None:
        from tandem.tui.screens.confirm import ChoiceQuestion

        gap = minutes_text(self.session.gap_s)
        keep = await self.app.push_screen_wait(
            ChoiceQuestion(
                f"tandem was closed for {gap} while the meeting clock was running.",
                "Did the meeting go on meanwhile? Count that time on the clocks, or leave it out.",
            )
        )
        if not keep:
            self.session.discount_gap()
            self.refresh_all()

    # --- rendering ------------------------------------------------------------------

    def refresh_all(self) -> None:
        self.refresh_agenda()
        self.refresh_item()
        if self.session.amending:
            self._show_ended()
        self.tick()

    def refresh_agenda(self) -> None:
        session = self.session
        elapsed = {item.id: session.item_elapsed(item) for item in session.agenda}
        self.query_one("#agenda", AgendaList).show(session.agenda, elapsed, set(session.forecast().will_not_fit), frozenset(self._item_conflicts))

    def refresh_item(self) -> None:
        session = self.session
        item = session.active_item
        notes = self.query_one("#notes", TextArea)
        title = self.query_one("#item-title", Static)
        prompts = self.query_one("#prompts", Static)
        if self._shown_item != (item.id if item else None):
            self.sync_notes()
        if item is None:
            self._shown_item = None
            self.flow.refresh()
            self.triage.show()
            self.leads.show()
            title.update(Text("All items covered", style="bold"))
            self._heading_shown = None
            prompts.update("Press e to end the meeting, or pick an item in the agenda and press Enter to go back to it.")
            if notes.has_focus:  # a disabled editor drops the focus, and then no key would work
                self.query_one("#agenda", AgendaList).focus()
            notes.load_text("")
            notes.disabled = True
            notes.display = False  # an editor on screen takes the letters typed; none does here
            return
        notes.disabled = False
        notes.display = True
        self._show_heading(item)
        if item.prompts:
            prompts.update(Text("\n".join(f"• {p}" for p in item.prompts)))
        else:
            prompts.update(Text("No prompts for this item.", style="dim"))
        prompts.display = True
        if self._shown_item != item.id:
            self._shown_item = item.id
            notes.load_text(item.notes)
            notes.move_cursor(notes.document.end)
            self.flow.refresh()
            self.triage.show(first=True)
            self.leads.show(first=True)

    def _heading(self, item: AgendaItem) -> Text:
        number = self.session.agenda.index(item) + 1
        heading = Text(f"{number}. {item.title}", style="bold")
        if item.presenter or item.presenter_team:
            heading.append(f"  · {item.presenter or item.presenter_team}", style="dim")
        if item.captures:
            heading.append(f"  · captures {label(item.captures)}", style="dim")
        if item.carried_from:
            heading.append(f"  · carried over from {item.carried_from}", style="dim italic")
        # Under 100 columns the list's own title says it: here it took the notes a line.
        waiting = 0 if self.has_class("-narrow") else self.triage.count_here(item)
        if waiting:
            heading.append(f"  · {waiting} waiting", style="bold yellow")
        if item.id in self._item_conflicts:
            heading.append(f"  {mark(len(self._item_conflicts[item.id]))} (w)", style="bold magenta")
        return heading

    def show_waiting_count(self) -> None:
        """The active item's heading and lead summary, once what waits under it changed."""
        item = self.session.active_item
        if item is not None and item.id == self._shown_item:
            self._show_heading(item)
        self.flow.show_lead_summary()

    def _show_heading(self, item: AgendaItem) -> None:
        heading = self._heading(item)
        # Only when it changed: redrawing it lays the pane out again, and a layout pass
        # between loading the notes and scrolling them to their end left them at the top.
        if heading != self._heading_shown:
            self._heading_shown = heading
            self.query_one("#item-title", Static).update(heading)

    def tick(self) -> None:
        """Clocks, forecast and save state; cheap enough to run twice a second."""
        session = self.session
        if not self.is_active:
            # Under a dialog the clocks would redraw the dialog's whole tinted background
            # twice a second (most of a core at 100×30): they catch up when it closes.
            session.heartbeat()
            return
        if session.amending:  # nothing moves: the clocks were drawn by refresh_all
            self._show_save_state()
            return
        f = session.forecast()
        # One line whatever it says (live.tcss): twice a second, no layout of the screen.
        self.query_one("#clockbar", Static).update(append_clock(Text(), f, running=session.running), layout=False)
        while session.clock_notes:  # the computer's clock jumped: say how the clocks took it
            self.notify(session.clock_notes.pop(0), title="Clock", severity="warning", timeout=12, markup=False)

        item = session.active_item
        timer = self.query_one("#item-timer", Static)
        if item is not None:
            elapsed = session.item_elapsed(item)
            box = item.timebox_min * 60
            timer.update(f"{clock_text(elapsed)} / {clock_text(box)}")
            timer.set_class(WARN_AT * box <= elapsed <= box, "-warn")
            timer.set_class(elapsed > box, "-over")
            if elapsed > box and session.running and item.id not in self._alerted:
                self._alerted.add(item.id)
                self._alert_overrun()
        else:
            timer.update("")
            timer.set_class(False, "-warn")
            timer.set_class(False, "-over")
        self._show_forecast(f)
        self._show_save_state()
        session.heartbeat()
        # The active item's elapsed time in the sidebar moves every second.
        if item is not None and session.running:
            self.refresh_agenda()

    def _alert_overrun(self) -> None:
        """Once per item, as its timebox runs out: the bell, a flash of its heading, or both."""
        alert = main_app(self).settings.overrun_alert
        if alert in ("bell", "both"):
            self.app.bell()
        if alert in ("flash", "both"):
            head = self.query_one("#item-head")
            head.add_class("-flash")
            self.set_timer(FLASH_S, lambda: head.remove_class("-flash"))

    def _show_ended(self) -> None:
        """An ended meeting's clocks, as they stopped: nothing here moves."""
        session = self.session
        meeting = session.meeting
        planned = meeting.planned_min or sum(i.timebox_min for i in session.agenda)
        bar = Text("Ended · editing", style="bold")
        bar.append(f" · took {minutes_text(meeting.clock_elapsed)} of {planned} min planned · the clocks stay stopped", style="dim")
        self.query_one("#clockbar", Static).update(bar)
        item = session.active_item
        timer = self.query_one("#item-timer", Static)
        timer.update(f"{clock_text(item.elapsed_s)} / {clock_text(item.timebox_min * 60)}" if item is not None else "")
        self.query_one("#forecast", Static).display = False

    def _show_forecast(self, f) -> None:  # noqa: ANN001 - Forecast
        widget = self.query_one("#forecast", Static)
        if not f.will_not_fit:
            widget.update(Text("Pacing: the rest of the agenda fits in the time left.", style="green"))
            return
        names = [self.session.item(i).title for i in f.will_not_fit]
        text = Text("Won't fit if we end on time: ", style="bold yellow")
        text.append(", ".join(names))
        text.append(f"  (over by {minutes_text(f.overrun_s)}; skip, park or shorten something)", style="dim")
        widget.update(text)

    def show_save_state(self) -> None:
        """Called on every edit and after every write, not only by the clock: "All changes
        saved" must never stand next to words that are not on disk yet."""
        self._show_save_state()

    def _on_disk(self) -> bool:
        if self.session.saver.pending:
            return False
        item = self.session.active_item
        if item is None or item.id != self._shown_item:
            return True
        return self.query_one("#notes", TextArea).text == item.notes

    def _show_save_state(self) -> None:
        widget = self.query_one("#save-state", Static)
        error = self.session.saver.last_error
        if error is not None:
            widget.update(Text(f"⚠ Not saved: {_reason(error)}. Your notes are safe on screen; tandem keeps retrying.", style="bold red"))
            widget.add_class("-error")
        else:
            widget.remove_class("-error")
            # One line, docked: nothing to lay out again (it changes with every verdict).
            words = "All changes saved" if self._on_disk() else "Saving…"
            shown = widget.content
            # The same words again (each verdict, each note key): no repaint, or a lead's
            # frame spans down to this line, redrawing every pane between.
            if not (isinstance(shown, Text) and shown.plain == words):
                widget.update(Text(words, style="dim"), layout=False)

    # --- notes ----------------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id == "notes":
            self._notes_changed(event)
            self._show_save_state()

    def _notes_changed(self, event: TextArea.Changed) -> None:
        item = self.session.active_item
        if item is None or item.id != self._shown_item or event.text_area.text == item.notes:
            return
        self.session.set_notes(item.id, event.text_area.text)

    def sync_notes(self) -> None:
        """Store what the editor shows for the item it was loaded for, now: its Changed
        messages may still be on their way when the item changes or tandem quits."""
        if self._shown_item is None or not self.session.writer.is_open:
            return
        text = self.query_one("#notes", TextArea).text
        try:
            item = self.session.item(self._shown_item)
        except TandemError:
            return
        if text != item.notes:
            self.session.set_notes(item.id, text)

    # --- facilitation actions ----------------------------------------------------------

    def _highlighted(self) -> AgendaItem | None:
        item_id = self.query_one("#agenda", AgendaList).highlighted_item_id
        return self.session.item(item_id) if item_id else self.session.active_item

    def _after_change(self, *, follow_active: bool = True) -> None:
        self.refresh_all()
        active = self.session.active_item
        if active is not None and follow_active:
            self.query_one("#agenda", AgendaList).highlight_item(active.id)

    async def action_next_item(self) -> None:
        await main_app(self).take_typed_keys()
        if self.session.amending:  # only which item is shown changes
            if self.session.next() is None:
                self.notify("That is the last item.", markup=False)
            self._after_change()
            return
        notes = self.query_one("#notes", TextArea)
        if notes.has_focus and self.session.active_item is not None and self.session.next_pending() is None:
            # ctrl+n while typing, on the last item: stay in the notes. Closing the agenda
            # here left the editor on screen while letters became agenda commands — and
            # "…see you next week" ended the meeting through its "e".
            self.notify("This is the last item: keep typing. To finish it, esc then n; to end the meeting, esc then e.", title="Last item", markup=False)
            return
        following = self.session.next()
        if following is None:
            self.notify("That was the last item. Press e to end the meeting.", title="Agenda done", markup=False)
        self._after_change()

    def action_previous_item(self) -> None:
        if self.session.previous() is None:
            self.notify("Already at the first item.", severity="warning", markup=False)
        self._after_change()

    def action_jump(self) -> None:
        item = self._highlighted()
        if item is not None:
            # The focus stays on the agenda, as after n: a letter typed next is a command
            # there, never a word in the notes of an item just jumped to (i goes to them).
            self.session.activate(item.id)
            self._after_change()

    def action_skip(self) -> None:
        item = self._highlighted()
        if item is not None and item.status in ("pending", "active"):
            was_active = item.status == "active"
            self.session.skip(item.id)
            self.notify(f"Skipped: {item.title}", markup=False)
            self._after_change(follow_active=was_active)

    def action_park(self) -> None:
        item = self._highlighted()
        if item is None:
            return
        was_active = item.status == "active"
        if item.status == "parked":
            self.session.unpark(item.id)
            self.notify(f"Back on the agenda: {item.title}", markup=False)
        elif item.status in ("pending", "active"):
            self.session.park(item.id)
            self.notify(f"Parked for the next meeting: {item.title}", markup=False)
        self._after_change(follow_active=was_active)

    @work
    async def action_add_item(self) -> None:
        from tandem.tui.screens.add_item import AddItemScreen

        result = await self.app.push_screen_wait(AddItemScreen())
        if result is not None:
            item = self.session.add_item(result.title, result.timebox_min)
            self.refresh_all()
            self.query_one("#agenda", AgendaList).highlight_item(item.id)
            self.notify(f"Added after the current item: {item.title} ({item.timebox_min} min)", markup=False)

    def action_move(self, offset: int) -> None:
        item = self._highlighted()
        if item is not None:
            self.session.move(item.id, offset)
            self.refresh_all()
            self.query_one("#agenda", AgendaList).highlight_item(item.id)

    def action_extend(self) -> None:
        item = self.session.active_item or self._highlighted()
        if item is not None:
            self.session.extend(item.id, 5)
            self.notify(f"{item.title}: timebox now {item.timebox_min} min", markup=False)
            self.refresh_all()

    def action_toggle_pause(self) -> None:
        running = self.session.toggle_pause()
        self.notify("Clock running" if running else "Clock paused: press space (or ctrl+t) to resume", markup=False)
        self.refresh_all()

    def action_edit_notes(self) -> None:
        if self.session.active_item is not None:
            self.query_one("#notes", TextArea).focus()

    #: What changes the agenda or its clocks: not in an ended meeting opened for editing.
    FACILITATION = frozenset({"skip", "park", "add_item", "move", "extend", "toggle_pause", "end_meeting"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_agenda" and isinstance(self.focused, AgendaList):
            return False  # already there: no "esc Agenda" in the footer
        if action in self.FACILITATION:
            return not self.session.amending
        if action == "amend_outcome":
            return self.session.amending
        if action == "show_conflicts":
            return bool(self.decided) or self.flow.captured_flagged
        if action in ("take_waiting", "defer_waiting", "decline_waiting", "focus_waiting"):
            return self.triage.current is not None
        if action == "undo_waiting":
            return self.triage.can_undo
        if action == "take_topic":
            return bool(self.triage.topics())
        if action in ("lead_verdict", "lead_reason", "focus_leads"):
            return self.leads.active
        if action == "lead_take":
            return self.leads.can_take()
        return True

    def action_focus_agenda(self) -> None:
        self.query_one("#agenda", AgendaList).focus()

    @work
    async def action_end_meeting(self) -> None:
        from tandem.tui.screens.end_meeting import EndMeetingScreen, MeetingEndedScreen

        self.sync_notes()
        # The SLA scorecard the meeting saw is read (leads, every meeting's feedback) while
        # the facilitator rates the meeting, never on the UI thread.
        funnel = vocabulary(self.app).funnel_stages
        scorecard = self.run_worker(lambda: self._take_scorecard(funnel), thread=True, group="scorecard")
        choice = await self.app.push_screen_wait(EndMeetingScreen(end_summary(self.session)))
        if choice is None:
            scorecard.cancel()
            return
        lines, problem = await scorecard.wait()
        if problem:
            self.notify(f"The minutes will have no SLA scorecard: {problem}", severity="warning", markup=False)
        meeting = self.session.end(rating=choice.rating, comment=choice.comment, scorecard=lines)
        if not self.close_session():
            self.notify("Could not save the end of the meeting; staying here so nothing is lost.", severity="error", markup=False)
            return
        await self.app.push_screen_wait(MeetingEndedScreen(self.session.workspace, meeting.id))
        self.dismiss()

    def _take_scorecard(self, funnel: tuple[str, ...]) -> tuple[list[ScorecardLine] | None, str]:
        """The scorecard lines to keep with the meeting, or None and why not (a damaged
        leads.json must not stop the meeting from ending)."""
        from tandem.store.sla.snapshot import take

        session = self.session
        try:
            return take(session.workspace, session.record, now=session.workspace.now(), funnel=funnel), ""
        except TandemError as exc:
            return None, str(exc)
        except OSError as exc:
            return None, describe_os_error(exc)

    @work
    async def action_amend_outcome(self) -> None:
        from tandem.store.live import AmendSession
        from tandem.tui.screens.outcome import MeetingOutcomeScreen

        session = self.session
        if not isinstance(session, AmendSession):
            return
        outcome = await self.app.push_screen_wait(MeetingOutcomeScreen(session.meeting.replace()))
        if outcome is None:
            return
        session.set_people(facilitator=outcome.facilitator, attendees=outcome.attendees, absentees=outcome.absentees)
        session.set_outcome(rating=outcome.rating, comment=outcome.comment)
        present = len(outcome.attendees)
        rated = f"rated {outcome.rating}/5" if outcome.rating else "no rating"
        self.notify(f"Saved: {present} present, {len(outcome.absentees)} absent, {rated}.", markup=False)

    def action_leave(self) -> None:
        """Back to home: everything is flushed and the meeting is given back."""
        if not self.close_session():
            self.notify("Could not save the last changes; staying here so nothing is lost.", severity="error", markup=False)
            return
        self.dismiss()

    def close_session(self) -> bool:
        if not self.session.writer.is_open:
            return True
        self.sync_notes()
        try:
            return self.session.close()
        except TandemError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return False

    # --- values a sync decided --------------------------------------------------------------

    def show_conflicts_found(self, meeting: Decided, shared: Decided) -> None:
        """Mark what a sync kept two values of: the agenda items (⚑), the active item's
        heading and a line saying where; the captured records are marked by the flow."""
        # A record captured, moved or deleted moves its conflicts too: compared as placed.
        placed, _ = by_agenda_item(self.session.record, meeting)
        changed = meeting.conflicts != self.decided.conflicts or shared.conflicts != self.shared_decided.conflicts or placed != self._item_conflicts
        self.decided, self.shared_decided, self._item_conflicts = meeting, shared, placed
        if not changed:
            return
        self._show_conflicts_note()
        self.refresh_agenda()
        active = self.session.active_item
        if self._shown_item == (active.id if active else None):  # else the item's own refresh is on its way
            self.refresh_item()
        self.refresh_bindings()

    def _show_conflicts_note(self) -> None:
        note = self.query_one("#conflicts-note", Static)
        note.display = bool(self.decided)
        if not self.decided:
            return
        # One line whatever the width: the notes keep the rows (live.tcss).
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{mark(len(self.decided))} from two machines", style="bold magenta")
        text.append(" · w shows both")
        note.update(text)

    def _conflicts_at_cursor(self) -> tuple[str, list[Conflict], dict[tuple[str, str], str], bool]:
        """What w shows: the highlighted captured record's conflicts when the captured list
        has the focus, else the highlighted agenda item's (its own and its records'), else
        the whole meeting's, else the marked records of the captured list. (title,
        conflicts, names of shared records, whether the title names their one record)."""
        captured = self.query_one("#captured", CapturedList)
        row = captured.current if captured.has_focus else None
        if row is not None and (found := self.flow.conflicts_of(row)):
            name = self._captured_name(row)
            return name, list(found), {(found[0].table, found[0].record): name}, True
        item = self._highlighted()
        if item is not None and item.id in self._item_conflicts:
            number = self.session.agenda.index(item) + 1
            return f"Agenda item {number} “{item.title}” and what was captured under it", list(self._item_conflicts[item.id]), {}, False
        if self.decided:
            return "This meeting", list(self.decided), {}, False
        # Only records of the shared files are marked (an objective set here, say).
        rows = [(row, found) for row in getattr(captured, "rows", []) if (found := self.flow.conflicts_of(row))]
        names = {(found[0].table, found[0].record): self._captured_name(row) for row, found in rows}
        return "What was captured under this item", [c for _, found in rows for c in found], names, False

    @staticmethod
    def _captured_name(row: Captured) -> str:
        shown = " ".join(row.text.split())
        return f"{TITLES[row.kind]} “{shown if len(shown) <= 40 else shown[:39] + '…'}”"

    def action_show_conflicts(self) -> None:
        from tandem.tui.screens.conflicts import ConflictsScreen

        title, found, names, one_record = self._conflicts_at_cursor()
        if not found:
            self.notify("No field of this meeting was changed on two machines at once.", markup=False)
            return
        self.app.push_screen(ConflictsScreen(title, explain(found, self.session.record, names), one_record=one_record))

    # --- capturing records (the logic lives in CaptureFlow) --------------------------------

    def action_capture(self, kind: str) -> None:
        self.flow.capture(kind)

    def action_capture_menu(self) -> None:
        self.flow.menu()

    def action_edit_record(self) -> None:
        self.flow.edit_current()

    def action_delete_record(self) -> None:
        self.flow.delete_current()

    def action_undo(self) -> None:
        self.flow.undo()

    def action_review_open(self) -> None:
        self.flow.review_open()

    def action_review_action(self, status: str) -> None:
        self.flow.review_action(status)

    # --- the team's waiting contributions (the logic lives in TriageFlow) -------------------

    def action_take_waiting(self) -> None:
        self.triage.take_current()

    def action_defer_waiting(self) -> None:
        self.triage.defer_current()

    def action_decline_waiting(self) -> None:
        self.triage.decline_current()

    def action_undo_waiting(self) -> None:
        self.triage.undo()

    def action_focus_waiting(self) -> None:
        waiting = self.query_one("#waiting", WaitingList)
        if waiting.display:
            waiting.focus()

    # --- the imported leads of a lead-quality item (the logic lives in LeadTriage) -------------

    def action_lead_verdict(self, verdict: str) -> None:
        self.leads.verdict(verdict)

    def action_lead_reason(self, number: int) -> None:
        self.leads.toggle_reason(number)

    def action_lead_take(self) -> None:
        self.leads.take()

    def action_focus_leads(self) -> None:
        self.leads.focus()

    @work
    async def action_take_topic(self) -> None:
        from tandem.tui.screens.choose import ChooseScreen

        topics = self.triage.topics()
        item = self.session.active_item
        if not topics or item is None:
            return
        options = [(f"{c.subject} — {c.author}", c.id) for c, _ in topics]
        chosen = await self.app.push_screen_wait(ChooseScreen("Take a waiting topic as an agenda item, after this one", options))
        found = next((c for c, _ in topics if c.id == chosen), None)
        if found is not None:
            self.triage.take_one(found, item)

    def palette_commands(self) -> list[tuple[str, str, str]]:
        """(title, action, help) for the command palette, in this context."""
        commands = self._palette_commands()
        return [c for c in commands if self.check_action(c[1].partition("(")[0], ())]

    def _palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("capture: objective or check-in", "capture('objective')", "A mutual goal, or this meeting's check-in on one"),
            ("capture: lead feedback", "capture('lead_feedback')", "Sales' verdict on a lead or batch"),
            ("capture: prospect insight", "capture('insight')", "A question or pain point prospects raise"),
            ("capture: content item", "capture('content')", "Something for the pipeline, or a status change"),
            ("capture: decision", "capture('decision')", "What was decided"),
            ("capture: action item", "capture('action')", "Who does what by when"),
            ("capture: undo the last change", "undo", "Undo the last capture, edit or delete"),
            ("meeting: next item", "next_item", "Mark the current item done and move on"),
            ("meeting: previous item", "previous_item", "Go back to the item before"),
            ("meeting: skip item", "skip", "Skip the highlighted item"),
            ("meeting: park item", "park", "Defer the highlighted item to the next meeting"),
            ("meeting: add item", "add_item", "Add an item after the current one"),
            ("meeting: extend timebox by 5 minutes", "extend", "More time for the current item"),
            ("meeting: pause or resume the clock", "toggle_pause", "Stop or restart the timers"),
            ("meeting: end", "end_meeting", "Summary, rating, then export"),
            ("meeting: people and rating", "amend_outcome", "Who was there, who facilitated, and the rating (after the meeting)"),
            ("team: take in the highlighted contribution", "take_waiting", "Into this item, keeping its author (enter in the waiting list)"),
            ("team: defer the highlighted contribution", "defer_waiting", "It waits for a later meeting (l in the waiting list)"),
            ("team: decline the highlighted contribution", "decline_waiting", "With a reason its author reads (x in the waiting list)"),
            ("team: undo the last take, deferral or decline", "undo_waiting", "It waits again (u in the waiting list)"),
            ("team: take a waiting topic as an agenda item", "take_topic", "Added after the active item, its author presenting"),
            ("leads: the highlighted lead is good", "lead_verdict('good')", "Accepted; the cursor moves on (g in the lead table)"),
            ("leads: the highlighted lead is poor", "lead_verdict('poor')", "Rejected at its stage, with the reasons ticked (p in the lead table)"),
            ("leads: the highlighted lead came too early", "lead_verdict('too_early')", "Recycled to marketing (e in the lead table)"),
            ("leads: take in a teammate's feedback on the highlighted lead", "lead_take", "Their verdict becomes the meeting's (enter in the lead table)"),
            ("meeting: values kept from two machines", "show_conflicts", "Both values of each field a sync found changed on two machines at once"),
            ("meeting: back to home", "leave", "Save and leave the meeting"),
        ]


def _reason(error: BaseException) -> str:
    return describe_os_error(error)
