"""Capturing records from the live screen: which form to open, saving off the UI thread,
and the review lists (open actions, objectives, content pipeline) under the active item."""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from tandem.store.capture import Capture
from tandem.store.errors import TandemError, describe_os_error
from tandem.store.kinds import MEETING_TABLES, SHARED, TITLES
from tandem.store.minutes.render import lead_summary
from tandem.store.records import ActionItem, CheckIn, ContentItem, Meeting, Objective, label, measure
from tandem.store.sync.recorded import ConflictReader, Decided, mark
from tandem.tui.screen_base import from_worker
from tandem.tui.screens.capture_forms import (
    ActionForm,
    CheckInForm,
    ContentForm,
    DecisionForm,
    EarlierDecision,
    FormContext,
    InsightForm,
    LeadFeedbackForm,
    ObjectiveForm,
)
from tandem.tui.screens.choose import NEW, CaptureMenu, ChooseScreen
from tandem.tui.screens.confirm import ConfirmScreen
from tandem.tui.screens.record_form import RecordForm
from tandem.tui.settings import vocabulary
from tandem.tui.widgets.captured import CapturedList, ReviewList

if TYPE_CHECKING:
    from collections.abc import Callable

    from tandem.tui.screens.live import LiveScreen

FORMS: dict[str, Callable[..., RecordForm[Any]]] = {
    "decision": DecisionForm,
    "action": ActionForm,
    "lead_feedback": LeadFeedbackForm,
    "insight": InsightForm,
    "content": ContentForm,
}
REVIEW_TITLES = {
    "action_review": "Open action items of the series — d done · o still open · x dropped",
    "objective": "Objectives — enter: check in",
    "content": "Content pipeline (not shipped yet) — enter: change its status",
    "shadow": "Shadow days since the series' last meeting: takeaways and experiments",
}


class CaptureFlow:
    def __init__(self, screen: LiveScreen) -> None:
        self.screen = screen
        self.session = screen.session
        self.records = Capture(screen.session)
        meeting = self.session.meeting
        self.ctx = FormContext(people=[a.name for a in meeting.people])
        self.reviewed: dict[str, str] = {}  # action id → status chosen in this session
        self.reviewed_text: dict[str, Text] = {}
        #: Whether the lead-quality summary is shown (the active item captures lead feedback).
        self._summary_shown = False
        self._summary_lines = -1
        #: The series' action items closed between meetings (see ``_closed_between``).
        self._between: list[ActionItem] | None = None
        self._words_loaded = False
        #: What syncs decided in this meeting's file and the shared ones (read in ``_load``).
        self.conflicts = ConflictReader(self.session.workspace.home)
        #: Whether a record of the captured list is marked.
        self.captured_flagged = False

    @property
    def app(self) -> Any:
        return self.screen.app

    def today(self) -> Any:
        return self.app.clock().date()

    def notify_error(self, exc: Exception) -> None:
        message = f"Could not save: {describe_os_error(exc)}." if isinstance(exc, OSError) else str(exc)
        self.app.notify(message, title="Not saved", severity="error", timeout=8, markup=False)

    # --- the lists under the active item ----------------------------------------------

    def refresh(self) -> None:
        self.screen.run_worker(self._load, thread=True, exclusive=True, group="captured")

    def _load(self) -> None:
        item = self.session.active_item
        if not self._words_loaded:
            self._load_words()
        decided = self._decided()
        if item is None:
            from_worker(self.screen, self._show, None, [], "", [], decided)
            return
        try:
            rows = self.records.under(item.id)
            review = self._review_rows(item.captures)
        except TandemError as exc:
            from_worker(self.screen, self.notify_error, exc)
            return
        from_worker(self.screen, self._show, item, rows, item.captures, review, decided)

    def _decided(self) -> tuple[Decided, Decided] | None:
        """The conflicts recorded in the meeting's file and in the shared files, or None when
        one cannot be read: what reads it for the meeting says why."""
        try:
            return self.conflicts.meeting(self.session.meeting.id), self.conflicts.captured_shared()
        except (TandemError, OSError):
            return None

    def _load_words(self) -> None:
        """Sources and personas already in use, for the forms' suggestions."""
        ws = self.session.workspace
        try:
            feedback = ws.lead_feedback()
            insights = ws.insights.all()
            content = ws.content.all()
        except TandemError:
            return
        # config.toml's [vocabulary] joins the words already in use.
        words = vocabulary(self.app)
        self.ctx.sources = sorted({f.source for f in feedback if f.source} | set(words.lead_sources))
        used = {f.persona for f in feedback} | {i.persona for i in insights} | {c.persona for c in content}
        self.ctx.personas = sorted({p for p in used if p} | set(words.personas))
        try:
            self.ctx.earlier_decisions = self._earlier_decisions()
        except (TandemError, OSError):
            self.ctx.earlier_decisions = []  # a broken file elsewhere: nothing to offer
        self.ctx.reason_codes = words.reason_codes or self.ctx.reason_codes
        self.ctx.funnel_stages = words.funnel_stages or self.ctx.funnel_stages
        self._words_loaded = True

    def _earlier_decisions(self) -> list[EarlierDecision]:
        """Decisions of earlier meetings still in force, newest first: what a decision
        taken now may supersede or reverse."""
        meeting = self.session.meeting
        found: list[EarlierDecision] = []
        changed: set[str] = set()
        for held, decisions in self.session.workspace.iter_decisions():
            for d in decisions:
                changed.update(x for x in (d.supersedes, d.reverses) if x)
                if held.id != meeting.id and held.date <= meeting.date:
                    found.append(EarlierDecision(d, held.date))
        return sorted((e for e in found if e.decision.id not in changed), key=lambda e: e.date, reverse=True)

    def _review_rows(self, mode: str) -> list[tuple[str, Text]]:
        ws = self.session.workspace
        meeting = self.session.meeting
        rows: list[tuple[str, Text]] = []
        if mode == "action_review":
            for action in ws.series_open_actions(meeting.series_id, before=meeting.date):
                key = f"{action.meeting_id}|{action.id}"
                self.reviewed_text.setdefault(key, Text())
                rows.append((key, self._action_text(action.text, action.owner, action.due, action.meeting_id, self.reviewed.get(action.id))))
            # Reviewed and closed ones stay where they were, so the cursor does not jump.
            open_keys = {k for k, _ in rows}
            order = list(self.reviewed_text)
            closed = [
                (f"|{k}", self.reviewed_text[k]) for k in order if k not in open_keys and "|" in k and self.reviewed.get(k.split("|", 1)[1], "open") != "open"
            ]
            rows = sorted(rows + closed, key=lambda row: order.index(row[0].lstrip("|")) if row[0].lstrip("|") in order else len(order))
            rows += [(f"|between|{action.id}", self._between_text(action)) for action in self._closed_between()]
        elif mode == "objective":
            for objective in ws.objectives.all():
                if objective.status in ("met", "dropped"):
                    continue
                done = any(c.meeting_id == meeting.id for c in objective.checkins)
                latest = objective.latest
                text = Text("✓ " if done else "☐ ", style="green" if done else "yellow")
                text.append(objective.title)
                if latest is not None:
                    text.append(
                        f"  {measure(latest.value, objective.unit)} of {measure(objective.target, objective.unit)}, {label(latest.status)} ({latest.date})",
                        style="dim",
                    )
                rows.append((objective.id, text))
        elif mode == "shadow":
            previous = [m for m in ws.list_meetings(meeting.series_id) if m.date < meeting.date]
            since = previous[-1].date if previous else ""
            for day in sorted(ws.shadow_days.all(), key=lambda d: (d.date, d.id)):
                if not (since < day.date <= meeting.date) or day.status == "planned":
                    continue
                head = Text(f"{day.shadow} with {day.host}", style="bold")
                head.append(f"  {label(day.direction)}, {day.date}", style="dim")
                rows.append((f"day|{day.id}", head))
                for takeaway in day.takeaways:
                    line = Text(f"  {label(takeaway.category)}: ", style="bold")
                    line.append(takeaway.text)
                    rows.append((f"t|{takeaway.id}", line))
                if day.experiment is not None:
                    e = day.experiment
                    line = Text("  experiment: ", style="bold green")
                    line.append(f"{e.text} — {e.owner}, report back {e.report_back}")
                    rows.append((f"x|{day.id}", line))
        elif mode == "content":
            for item in ws.content_in_pipeline():
                text = Text(f"{item.title}")
                text.append(
                    f"  {label(item.type)} · {label(item.status)}" + (f" · ETA {item.eta}" if item.eta else "") + (f" · {item.owner}" if item.owner else ""),
                    style="dim",
                )
                rows.append((item.id, text))
        return rows

    def _closed_between(self) -> list[ActionItem]:
        """The series' action items their owners closed since its last meeting (``tandem
        done``/``drop``: a closing date, no meeting), read once: only a sync changes them."""
        if self._between is None:
            meeting = self.session.meeting
            here = (meeting.date, meeting.id)
            earlier: Meeting | None = None
            closed: list[ActionItem] = []
            for held, actions in self.session.workspace.iter_actions(
                lambda d: d.get("status") != "open" and not d.get("closed_in") and bool(d.get("closed_on"))
            ):
                if held.series_id != meeting.series_id or (held.date, held.id) >= here:
                    continue
                if held.held and (earlier is None or (held.date, held.id) > (earlier.date, earlier.id)):
                    earlier = held
                closed += actions
            # Closed on the day of the meeting that raised it, outside it: the minutes count
            # it as closed there (render.closed_by), no news now.
            since = earlier.date if earlier is not None else ""
            self._between = sorted(
                (a for a in closed if since <= a.closed_on and not (a.closed_on == since and earlier is not None and a.meeting_id == earlier.id)),
                key=lambda a: (a.closed_on, a.meeting_id, a.id),
            )
        return self._between

    @staticmethod
    def _between_text(action: ActionItem) -> Text:
        done = action.status == "done"
        out = Text("✓ " if done else "✗ ", style="green" if done else "dim")
        out.append(f"{'done' if done else 'dropped'}{f' by {action.owner}' if action.owner else ''} on {action.closed_on}: ", style="bold")
        out.append(action.text)
        out.append(f"  (from {action.meeting_id[:10]})", style="dim")
        return out

    @staticmethod
    def _action_text(text: str, owner: str, due: str, meeting_id: str, reviewed: str | None) -> Text:
        mark = {"done": "✓ done", "dropped": "✗ dropped", "open": "↻ still open"}.get(reviewed or "", "☐")
        out = Text(f"{mark} ", style="bold" if reviewed else "yellow")
        out.append(text)
        details = ", ".join(x for x in (owner, f"due {due}" if due else "", f"from {meeting_id[:10]}") if x)
        out.append(f"  ({details})", style="dim")
        return out

    def _show(self, item: Any, rows: list[Any], mode: str, review: list[tuple[str, Text]], decided: tuple[Decided, Decided] | None = None) -> None:
        screen = self.screen
        if decided is not None:
            screen.show_conflicts_found(*decided)
        captured = screen.query_one("#captured", CapturedList)
        review_list = screen.query_one("#review", ReviewList)
        focused_list = next((w for w in (captured, review_list) if w.has_focus), None)
        marks = [mark(len(self.conflicts_of(row))) for row in rows]
        captured.show(rows, marks)
        if any(marks) != self.captured_flagged:
            self.captured_flagged = any(marks)
            screen.refresh_bindings()  # w, for a captured record of a shared file
        captured.border_title = f"Captured under this item ({len(rows)})" if rows else ""
        review_list.show(mode if mode in REVIEW_TITLES else "", review if mode in REVIEW_TITLES else [])
        if focused_list is not None and not focused_list.display:
            # The list just emptied (its last record deleted) and hides: without this the
            # focus falls into the notes, and the "u" the notification offers is typed there.
            screen.query_one("#agenda").focus()
        title = screen.query_one("#review-title", Static)
        title.update(Text(REVIEW_TITLES[mode], style="bold") if mode in REVIEW_TITLES and review else "")
        title.display = mode in REVIEW_TITLES and bool(review)
        self.show_lead_summary(mode)
        screen.leads.fit()
        screen.leads.sync()  # an undo, a deletion or a take changed a lead's feedback

    def show_lead_summary(self, mode: str | None = None) -> None:
        """The lead-quality item's summary (``mode``: what the item captures; None: the one
        shown, the summary redrawn after a take or with what waits)."""
        if mode is not None:
            self._summary_shown = mode == "lead_feedback"
            self.screen.query_one("#lead-summary", Static).display = self._summary_shown
        if self._summary_shown:
            text = self._lead_summary()
            # A lead judged changes a figure, seldom the number of lines: the pane is laid
            # out again only then (a layout per key cost the lead table most of a frame).
            lines = text.plain.count("\n")
            self.screen.query_one("#lead-summary", Static).update(text, layout=lines != self._summary_lines or mode is not None)
            self._summary_lines = lines

    def conflicts_of(self, row: Any) -> tuple[Any, ...]:
        """The recorded conflicts of a captured record (a ``Captured``)."""
        if row.kind in MEETING_TABLES:
            return self.screen.decided.of(MEETING_TABLES[row.kind], row.record.id)
        return self.screen.shared_decided.of(SHARED[row.kind], row.record.id)

    def _lead_summary(self) -> Text:
        record = self.session.record
        text = Text(f"This meeting's lead feedback: {len(record.lead_feedback)}", style="bold")
        # The team's waiting leads are not counted until taken in: a lead declined here
        # must never have been in the meeting's figures.
        waiting = self.screen.triage.count_here(self.session.active_item, kind="lead")
        if waiting:
            text.append(f" · {waiting} waiting", style="bold yellow")
        for title, counts in lead_summary(record):
            if counts:
                text.append(f"\n{title}: ", style="bold")
                text.append(" · ".join(f"{name} {n}" for name, n in counts))
        if not record.lead_feedback and not waiting:
            hint = "r, then g good · p poor · e too early" if self.screen.leads.active else "press l on the agenda, or ctrl+r l"
            text.append(f"  ({hint}, to add some)", style="dim")
        return text

    # --- capturing --------------------------------------------------------------------

    def menu(self) -> None:
        async def run() -> None:
            kind = await self.app.push_screen_wait(CaptureMenu())
            if kind:
                await self._capture(kind)

        self.screen.run_worker(run(), exclusive=False)

    def capture(self, kind: str) -> None:
        self.screen.run_worker(self._capture(kind), exclusive=False)

    def recover_draft(self) -> None:
        """A form that was half typed when tandem had to stop opens again, as it was."""

        async def run() -> None:
            ws = self.session.workspace
            draft = await asyncio.to_thread(ws.drafts.get, self.session.meeting.id)
            if draft is None or draft.kind not in FORMS:
                return
            self.app.notify(
                f"The {TITLES[draft.kind].lower()} you were typing when tandem closed is back: save it, or Esc to drop it.", timeout=10, markup=False
            )
            await self._capture(draft.kind, draft=draft.values)

        self.screen.run_worker(run(), exclusive=False)

    async def _save(self, fn: Any, *args: Any) -> Any:
        """Shared files are written off the UI thread; errors become a notification."""
        try:
            return await asyncio.to_thread(fn, *args)
        except (TandemError, OSError) as exc:
            self.notify_error(exc)
            return None

    async def _read(self, fn: Any, *args: Any) -> Any:
        """Shared files are read off the UI thread; an unreadable one (corrupt, from a newer
        tandem) is a notification, not a crash of the meeting."""
        try:
            return await asyncio.to_thread(fn, *args)
        except (TandemError, OSError) as exc:
            self.app.notify(str(exc), title="Cannot read", severity="error", timeout=8, markup=False)
            return None

    async def _capture(self, kind: str, *, draft: dict[str, Any] | None = None) -> None:
        try:
            await self._capture_one(kind, draft)
        finally:
            if draft is not None:
                await asyncio.to_thread(self.session.workspace.drafts.discard, self.session.meeting.id)

    async def _capture_one(self, kind: str, draft: dict[str, Any] | None) -> None:
        item = self.session.active_item
        if item is None:
            self.app.notify("Go to an agenda item first: records are captured under the active item.", severity="warning", markup=False)
            return
        today = self.today()
        if kind == "objective":
            await self._objective(item.id, today)
            return
        initial = None
        if kind == "content" and draft is None:
            pipeline = await self._read(self.session.workspace.content_in_pipeline)
            if pipeline is None:
                return
            choice = await self.app.push_screen_wait(
                ChooseScreen(
                    "Content: a new item, or a status change?", [(f"{c.title} ({label(c.status)})", c.id) for c in pipeline], new_label="New content item…"
                )
            )
            if choice is None:
                return
            initial = None if choice == NEW else next(c for c in pipeline if c.id == choice)
        retry = None  # what was typed, when saving it failed: the form opens again with it
        while True:
            form = FORMS[kind](self.ctx, today=today, initial=retry or initial, draft=None if retry else draft)
            if initial is None and retry is None:
                form.draft_kind = kind
            record = await self.app.push_screen_wait(form)
            if record is None:
                return
            if initial is None and retry is None:
                record = self.records.link(record, item.id)
            if await self._save_captured(kind, form, record, item.id):
                break
            retry = record
            self.app.notify("What you typed is back in the form: save again, or Esc to drop it.", timeout=8, markup=False)
        self.app.notify(f"{TITLES[kind]} saved. It shows under this item; u undoes.", markup=False)
        self.after_change()

    async def _save_captured(self, kind: str, form: Any, record: Any, item_id: str) -> bool:
        if kind == "insight" and getattr(form, "promote", False):
            idea = ContentItem(
                id=f"{record.id}-c",
                title=record.text[:300],
                type="other",
                persona=record.persona,
                stage=record.journey_stage,
                status="idea",
                proposed_by="sales",
                meeting_id=self.session.meeting.id,
                insight_id=record.id,
                agenda_item_id=item_id,
            )
            record = record.replace(content_item_id=idea.id)
            if await self._save(self.records.save, idea) is None:
                return False
        return await self._save(self.records.save, record) is not None

    async def _objective(self, item_id: str, today: Any) -> None:
        stored = await self._read(self.session.workspace.objectives.all)
        if stored is None:
            return
        objectives = [o for o in stored if o.status not in ("met", "dropped")]
        choice = await self.app.push_screen_wait(
            ChooseScreen("Objective: check in on one, or a new mutual goal?", [(o.title, o.id) for o in objectives], new_label="New objective…")
        )
        if choice is None:
            return
        meeting_id = self.session.meeting.id
        if choice == NEW:
            objective = await self.app.push_screen_wait(ObjectiveForm(today=today))
            if objective is None:
                return
            first = CheckIn(
                date=today.isoformat(), value=objective.current, status=objective.status, meeting_id=meeting_id, agenda_item_id=item_id, comment="Set as a goal"
            )
            objective = objective.replace(meeting_id=meeting_id, checkins=[first])
            if await self._save(self.records.save, objective) is not None:
                self.app.notify("Objective saved, with its first check-in.", markup=False)
        else:
            await self._check_in(next(o for o in objectives if o.id == choice), item_id, today)
        self.after_change()

    async def _check_in(self, objective: Objective, item_id: str, today: Any, initial: CheckIn | None = None) -> None:
        checkin = await self.app.push_screen_wait(CheckInForm(objective, today=today, initial=initial))
        if checkin is None:
            return
        checkin = checkin.replace(meeting_id=self.session.meeting.id, agenda_item_id=item_id)
        if await self._save(self.records.check_in, objective, checkin) is not None:
            self.app.notify(f"Checked in: {objective.title} at {measure(checkin.value, objective.unit)} ({label(checkin.status)}).", markup=False)

    def after_change(self) -> None:
        self.refresh()
        self.screen.refresh_agenda()

    async def _reopen_orphans(self) -> None:
        """A record a contribution became, deleted or its capture undone: it waits again."""
        gone = await self._save(self.screen.triage.reopen_orphans)
        if gone:
            self.app.notify(f"Waiting again: {'; '.join(gone)}.", markup=False)
            self.screen.triage.after_change()

    # --- editing what was captured ------------------------------------------------------

    def edit_current(self) -> None:
        current = self.screen.query_one("#captured", CapturedList).current
        if current is None:
            return

        async def run() -> None:
            item = self.session.active_item
            today = self.today()
            if current.kind == "objective":
                mine = next((c for c in current.record.checkins if c.meeting_id == self.session.meeting.id), None)
                if mine is None:
                    edited = await self.app.push_screen_wait(ObjectiveForm(today=today, initial=current.record))
                    if edited is not None:
                        await self._save(self.records.save, edited)
                else:
                    await self._check_in(current.record, item.id if item else "", today, initial=mine)
            else:
                edited = await self.app.push_screen_wait(FORMS[current.kind](self.ctx, today=today, initial=current.record))
                if edited is not None and await self._save(self.records.save, edited) is not None:
                    self.app.notify(f"{TITLES[current.kind]} updated; u undoes.", markup=False)
            self.after_change()

        self.screen.run_worker(run(), exclusive=False)

    def delete_current(self) -> None:
        current = self.screen.query_one("#captured", CapturedList).current
        if current is None:
            return

        async def run() -> None:
            sure = await self.app.push_screen_wait(
                ConfirmScreen(f"Delete this {TITLES[current.kind].lower()}?", f"{current.text}\n\nu undoes it during this meeting.")
            )
            if sure:
                await self._save(self.records.delete, current.kind, current.record.id)
                self.app.notify(f"{TITLES[current.kind]} deleted. Press u to undo.", markup=False)
                await self._reopen_orphans()
                self.after_change()

        self.screen.run_worker(run(), exclusive=False)

    def undo(self) -> None:
        if not self.records.can_undo:  # not an error: nothing failed to save
            self.app.notify("Nothing to undo yet in this meeting.", markup=False)
            return

        async def run() -> None:
            message = await self._save(self.records.undo)
            if message:
                self.app.notify(message, markup=False)
            await self._reopen_orphans()
            self.after_change()

        self.screen.run_worker(run(), exclusive=False)

    # --- the review list ----------------------------------------------------------------

    def review_open(self) -> None:
        review = self.screen.query_one("#review", ReviewList)
        key = review.current_id
        item = self.session.active_item
        if key is None or item is None:
            return

        async def run() -> None:
            ws = self.session.workspace
            if review.mode == "objective":
                objective = await self._read(ws.objectives.get, key)
                if objective is None:
                    return
                mine = next((c for c in objective.checkins if c.meeting_id == self.session.meeting.id), None)
                await self._check_in(objective, item.id, self.today(), initial=mine)
            elif review.mode == "content":
                content = await self._read(ws.content.get, key)
                if content is None:
                    return
                edited = await self.app.push_screen_wait(ContentForm(self.ctx, today=self.today(), initial=content))
                if edited is not None and await self._save(self.records.save, edited) is not None:
                    self.app.notify(f"{edited.title}: {label(edited.status)}", markup=False)
            elif review.mode == "action_review":
                self.app.notify("d: done · o: still open · x: dropped", markup=False)
            self.after_change()

        self.screen.run_worker(run(), exclusive=False)

    def review_action(self, status: str) -> None:
        review = self.screen.query_one("#review", ReviewList)
        key = review.current_id
        if review.mode != "action_review" or not key or key.startswith("|"):
            return
        meeting_id, action_id = key.split("|", 1)

        async def run() -> None:
            if status != "open":
                change = functools.partial(
                    self.session.workspace.set_action_status,
                    meeting_id,
                    action_id,
                    status,
                    closed_in=self.session.meeting.id,
                    closed_on=self.today().isoformat(),
                )
                action = await self._save(change)
                if action is None:
                    return
                self.reviewed_text[key] = self._action_text(action.text, action.owner, action.due, action.meeting_id, status)
            self.reviewed[action_id] = status
            self.app.notify({"done": "Marked done.", "dropped": "Dropped.", "open": "Stays open."}[status], markup=False)
            self.refresh()

        self.screen.run_worker(run(), exclusive=False)
