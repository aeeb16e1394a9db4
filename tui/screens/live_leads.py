"""Lead triage in the live meeting: in a lead-quality item, the imported leads of the
meeting's month (``store/crm``) are listed one a line, and judged by keyboard — g good,
p poor, e too early, the number keys for the reasons of the legend — each verdict a
``LeadFeedback`` of the meeting, saved as it is given (through ``Capture``, so u undoes it)
while the cursor moves on.

A verdict is made on the UI thread from memory (a row of the meeting's table; the saver
writes the file) and redraws one line of the table: the facilitator types faster than
a worker round trip. What a verdict changes elsewhere — the list of captured records —
is refreshed once the keys pause.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Input, Static

from tandem.store.contrib.records import Contribution
from tandem.store.contrib.triage import take_as
from tandem.store.crm.importer import leads_for
from tandem.store.crm.lead import Lead
from tandem.store.errors import TandemError
from tandem.store.live import NOTES_DEBOUNCE_S
from tandem.store.outside import clean_text
from tandem.store.records import FUNNEL_STAGES, REASON_CODES, LeadFeedback
from tandem.store.sla.report import judged_in_meetings
from tandem.tui.forms import FORMS_TCSS, Field, compact
from tandem.tui.screen_base import TandemModal, from_worker
from tandem.tui.seams import main_app
from tandem.tui.settings import vocabulary
from tandem.tui.widgets.captured import CapturedList
from tandem.tui.widgets.footer import Footer
from tandem.tui.widgets.lead_table import Judged, LeadRow, LeadTable, judged_of, legend

if TYPE_CHECKING:
    from tandem.tui.screens.live import LiveScreen

#: What each verdict makes of the lead in the CRM (``LeadFeedback.disposition``).
DISPOSITION = {"good": "accepted", "poor": "rejected", "too_early": "recycled"}
#: The longest comment the reason ``other`` keeps.
COMMENT_MAX = 2000
#: How long the keys must pause before the list of captured records is read again.
SETTLE_S = 0.4


def feedback_id(meeting_id: str, lead: Lead) -> str:
    """The id of the meeting's feedback on ``lead``: the same for the same lead in the same
    meeting, so judging it again replaces it; another meeting's is another record."""
    return f"{lead.id}-{hashlib.blake2b(meeting_id.encode('utf-8'), digest_size=4).hexdigest()}"


def _said(text: str, width: int = 40) -> str:
    one = " ".join(text[: width * 4].split())
    return one if len(one) <= width else one[: width - 1] + "…"


class CommentScreen(TandemModal[str | None]):
    """What ``other`` was, for one lead: required, as marketing reads it."""

    CSS_PATH = FORMS_TCSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Leave the reason unticked", id="lead_comment.cancel"),
        Binding("ctrl+s", "submit", "Save", tooltip="Tick 'other' with this comment", id="lead_comment.submit"),
    ]

    def __init__(self, reference: str, *, typed: str = "") -> None:
        super().__init__()
        self.reference = reference
        self.typed = typed

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Lead {_said(self.reference)}: what was the other reason?", classes="dialog-title", markup=False)
            yield Field(
                "Comment", compact(Input(self.typed, id="comment", placeholder="e.g. a student, not a buyer")), hint="Marketing reads this.", id="comment-field"
            )
            yield Static("enter  save      esc  leave it unticked", classes="dialog-keys", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#comment", Input).focus()

    @on(Input.Submitted)
    def action_submit(self) -> None:
        comment = clean_text(self.query_one("#comment", Input).value).strip()
        field = self.query_one("#comment-field", Field)
        if not comment:
            field.set_error("Say what it was: the reason 'other' needs a comment.")
        elif len(comment) > COMMENT_MAX:
            field.set_error(f"At most {COMMENT_MAX:,} characters ({len(comment):,} now).")
        else:
            self.dismiss(comment)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LeadTriage:
    """The lead table of a live screen: reading the period's leads, showing what each was
    told, and the verdicts."""

    def __init__(self, screen: LiveScreen) -> None:
        self.screen = screen
        self.session = screen.session
        self.capture = screen.flow.records
        #: The period shown and its leads (None: not read yet).
        self.period = ""
        self.leads: list[Lead] | None = None
        #: The latest feedback of an earlier meeting by CRM id: (its date, the feedback).
        self.earlier: dict[str, tuple[str, LeadFeedback]] = {}
        #: Reasons ticked on a lead not judged yet, by lead id: the verdict takes them.
        self.pending: dict[str, tuple[str, ...]] = {}
        #: The comment typed for ``other`` on a lead not judged yet, by lead id.
        self.comments: dict[str, str] = {}
        #: This meeting's feedback by CRM id, and the teammates' waiting on a lead.
        self.mine: dict[str, LeadFeedback] = {}
        self.waiting: dict[str, Contribution] = {}
        self._settle: Timer | None = None
        #: Whether the legend says something under the codes, and the codes it shows.
        self._noted = False
        self._legend_for: tuple[str, ...] = ()
        self._read_error = ""

    def _moved(self, left: LeadRow, reached: LeadRow) -> None:
        if self._takeable(left) != self._takeable(reached):
            self.screen.refresh_bindings()  # enter takes in only where a teammate said something

    def _takeable(self, row: LeadRow) -> bool:
        return row.lead.reference in self.waiting and row.lead.reference not in self.mine

    @property
    def table(self) -> LeadTable:
        return self.screen.query_one("#leads", LeadTable)

    @property
    def active(self) -> bool:
        """Whether the table is up: a lead-quality item with leads imported."""
        item = self.session.active_item
        return item is not None and item.captures == "lead_feedback" and bool(self.leads)

    def codes(self) -> tuple[str, ...]:
        return (vocabulary(self.screen.app).reason_codes or REASON_CODES)[:9]

    def _stages(self) -> tuple[str, ...]:
        return vocabulary(self.screen.app).funnel_stages or FUNNEL_STAGES

    # --- reading --------------------------------------------------------------------------

    def load(self) -> None:
        self.screen.run_worker(self._read, thread=True, exclusive=True, group="leads")

    def _read(self) -> None:
        ws = self.session.workspace
        meeting = self.session.meeting
        try:
            period, leads = leads_for(ws, meeting.date[:7])
            earlier = judged_in_meetings(ws, {lead.reference for lead in leads}, before=meeting) if leads else {}
        except (TandemError, OSError) as exc:
            from_worker(self.screen, self._unreadable, exc)
            return
        from_worker(self.screen, self._loaded, period, leads, earlier)

    def _unreadable(self, exc: Exception) -> None:
        self.leads = []
        if str(exc) != self._read_error:
            self._read_error = str(exc)
            self.screen.app.notify(f"The imported leads cannot be read: {exc}", title="Cannot read", severity="error", timeout=10, markup=False)
        self.show()

    def _loaded(self, period: str, leads: list[Lead], earlier: dict[str, tuple[str, LeadFeedback]]) -> None:
        self.period, self.leads, self.earlier = period, leads, earlier
        self.show(first=True)

    # --- showing ----------------------------------------------------------------------------

    def _judged(self, lead: Lead) -> Judged | None:
        mine = self.mine.get(lead.reference)
        if mine is not None:
            return judged_of(mine, "here")
        c = self.waiting.get(lead.reference)
        if c is not None:
            data = c.record
            return Judged("waiting", str(data.get("verdict", "")), tuple(str(r) for r in data.get("reasons", [])), who=c.author)
        earlier = self.earlier.get(lead.reference)
        if earlier is not None:
            return judged_of(earlier[1], "earlier", who=earlier[0])
        return None

    def _row(self, lead: Lead) -> LeadRow:
        return LeadRow(lead, self._judged(lead), self.pending.get(lead.id, ()))

    def _gather(self) -> None:
        self.mine = {f.reference: f for f in self.session.record.lead_feedback}
        here = self.screen.triage.here(self.session.active_item)
        self.waiting = {str(c.record.get("reference", "")): c for c, _ in here if c.kind == "lead"}

    def show(self, *, first: bool = False) -> None:
        """The table under the active item (``first``: just made active or read, the cursor
        on its first lead), or the hint when the item has no leads to show."""
        screen = self.screen
        try:
            table = screen.query_one("#leads", LeadTable)
        except NoMatches:
            return
        item = self.session.active_item
        lead_item = item is not None and item.captures == "lead_feedback"
        active = self.active
        hint = screen.query_one("#leads-hint", Static)
        hint.display = lead_item and self.leads == []
        if hint.display:
            month = self.session.meeting.date[:7]
            hint.update(Text(f"No leads imported for {month} — tandem import leads FILE.csv", style="dim"))
        was = table.display
        table.display = active
        screen.query_one("#leads-legend", Static).display = active
        screen.set_class(active, "-leads")
        self.fit()
        if not active:
            if table.has_focus:
                screen.query_one("#agenda").focus()
            if was:
                screen.refresh_bindings()
            return
        self._gather()
        assert self.leads is not None
        table.on_move = self._moved
        table.show([self._row(lead) for lead in self.leads], keep=not first)
        self._title()
        self._legend()
        if not was:
            screen.refresh_bindings()

    def fit(self) -> None:
        """Under 100 columns the table takes the captured list's rows: the table shows
        every verdict given here already (and u undoes the last)."""
        screen = self.screen
        captured = screen.query_one("#captured", CapturedList)
        shown = bool(getattr(captured, "rows", None)) and not (screen.has_class("-leads") and screen.has_class("-narrow"))
        if captured.display != shown:
            if captured.has_focus:
                screen.query_one("#agenda").focus()
            captured.display = shown

    def sync(self) -> None:
        """After a change made elsewhere (undo, a take, a deletion, what waits read again):
        the lines whose feedback changed are drawn again."""
        if not self.active:
            return
        self._gather()
        table = self.table
        for n, row in enumerate(table.rows):
            table.set_row(n, self._row(row.lead))
        self._title()

    def _title(self) -> None:
        # Not the number judged: a new title repaints the whole table, and the summary
        # below counts them anyway.
        table = self.table
        other = "" if self.period == self.session.meeting.date[:7] else " (the latest imported)"
        title = f"Leads of {self.period}{other} · {len(table.rows)} · r"
        if table.border_title != title:
            table.border_title = title

    def _legend(self, note: Text | None = None) -> None:
        if note is None and not self._noted and self._legend_for == self.codes():
            return  # as shown: a Static's update lays the screen out again
        self._noted, self._legend_for = note is not None, self.codes()
        self.screen.query_one("#leads-legend", Static).update(legend(self.codes(), "   g good · p poor · e too early", note))

    def _say(self, words: str) -> None:
        """A verdict refused, and why (the next one accepted clears it)."""
        self._legend(Text(words, style="bold red"))

    # --- judging ----------------------------------------------------------------------------

    def _reporter(self) -> str:
        meeting = self.session.meeting
        return meeting.facilitator or main_app(self.screen).settings.me.name

    def _feedback(self, lead: Lead, verdict: str, reasons: tuple[str, ...], comment: str, *, reporter: str = "") -> LeadFeedback:
        item = self.session.active_item
        assert item is not None
        existing = self.mine.get(lead.reference)
        stage = lead.stage or self._stages()[0]
        return LeadFeedback(
            id=existing.id if existing is not None else feedback_id(self.session.meeting.id, lead),
            reference=lead.reference,
            verdict=verdict,
            meeting_id=self.session.meeting.id,
            agenda_item_id=existing.agenda_item_id if existing is not None else item.id,
            source=lead.source,
            persona=lead.persona or lead.segment,
            stage_reached=stage,
            disposition=DISPOSITION[verdict],
            reasons=list(reasons),
            stage_lost=stage if verdict == "poor" else "",
            comment=comment,
            # Re-judging a teammate's feedback taken in keeps their name on it.
            reporter=existing.reporter if existing is not None and existing.reporter else reporter or self._reporter(),
        )

    def _save(self, index: int, record: LeadFeedback, offered: Contribution | None = None) -> bool:
        """Save the meeting's feedback on the lead at ``index``; ``offered``: a teammate's
        waiting feedback on that lead, which the verdict takes in (it leaves the waiting)."""
        try:
            # In memory now; the saver writes once a burst of verdicts pauses, as it does notes
            # (a whole-file write per key held frames back behind it).
            if offered is None:
                self.capture.save(record, delay=NOTES_DEBOUNCE_S)
            else:
                take_as(self.capture, offered, record, now=self.screen.triage.now(), delay=NOTES_DEBOUNCE_S)
        except TandemError as exc:
            self._say(str(exc))
            return False
        lead = self.table.rows[index].lead
        self.mine[lead.reference] = record
        self.pending.pop(lead.id, None)
        self.comments.pop(lead.id, None)
        self.table.set_row(index, self._row(lead))
        self._legend()  # an earlier complaint goes
        if offered is not None:
            self.screen.triage.show()  # the waiting list and count, and enter no longer offered
        self._after_save()
        return True

    def _after_save(self) -> None:
        screen = self.screen
        screen.flow.show_lead_summary()
        screen.show_save_state()
        if self._settle is not None:
            self._settle.stop()
        # The captured list is read again in a worker: once the keys pause, not per key.
        self._settle = screen.set_timer(SETTLE_S, screen.flow.after_change)

    def verdict(self, verdict: str) -> None:
        table = self.table
        row = table.current
        if row is None or not self.active:
            return
        lead = row.lead
        mine = self.mine.get(lead.reference)
        # A teammate's feedback waiting on the lead is taken in by the verdict, whatever it
        # says: the meeting judged the lead. Theirs it stays (their name, reasons and comment)
        # when the verdict is theirs; otherwise the feedback is the facilitator's.
        offered = self.waiting.get(lead.reference) if mine is None else None
        said = offered.record if offered is not None else {}
        agrees = offered is not None and said.get("verdict") == verdict
        # The reasons ticked before the verdict, else those it had (a good lead drops them).
        if mine is not None:
            kept = tuple(mine.reasons) if verdict != "good" else ()
        else:
            kept = tuple(str(r) for r in said.get("reasons", [])) if agrees and verdict != "good" else ()
        reasons = self.pending.get(lead.id, kept)
        if verdict == "poor" and not reasons:
            self._say(f"A poor lead needs a reason: its number first (1–{len(self.codes())}), then p.")
            return
        theirs = str(said.get("comment", "")) if agrees else ""
        comment = self.comments.get(lead.id, mine.comment if mine is not None else theirs)
        index = table.cursor
        record = self._feedback(lead, verdict, reasons, comment, reporter=offered.author if agrees and offered is not None else "")
        if self._save(index, record, offered):
            table.move_to(index + 1)

    def toggle_reason(self, number: int) -> None:
        table = self.table
        row = table.current
        codes = self.codes()
        if row is None or not self.active:
            return
        if number > len(codes):
            self._say(f"No reason {number}: the legend has {len(codes)}.")
            return
        lead, code = row.lead, codes[number - 1]
        mine = self.mine.get(lead.reference)
        held = tuple(mine.reasons) if mine is not None and lead.id not in self.pending else self.pending.get(lead.id, ())
        if code in held:
            self._tick(table.cursor, lead, tuple(r for r in held if r != code), None)
        elif code == "other":
            self._ask_comment(table.cursor, lead, (*held, code), mine.comment if mine is not None else self.comments.get(lead.id, ""))
        else:
            self._tick(table.cursor, lead, (*held, code), None)

    def _tick(self, index: int, lead: Lead, reasons: tuple[str, ...], comment: str | None) -> None:
        mine = self.mine.get(lead.reference)
        if mine is None:
            self.pending[lead.id] = reasons
            if comment is not None:
                self.comments[lead.id] = comment
            self.table.set_row(index, self._row(lead))
            self._legend()  # an earlier complaint goes
            return
        if mine.verdict == "poor" and not reasons:
            self._say("A poor lead keeps at least one reason: tick another first.")
            return
        self._save(index, mine.replace(reasons=list(reasons), comment=mine.comment if comment is None else comment))

    def _ask_comment(self, index: int, lead: Lead, reasons: tuple[str, ...], typed: str) -> None:
        async def run() -> None:
            comment = await self.screen.app.push_screen_wait(CommentScreen(lead.reference, typed=typed))
            if comment is None:
                return
            now = self.table.index_of(lead.id)  # the table may have been shown again meanwhile
            if now is not None:
                self._tick(now, lead, reasons, comment)

        self.screen.run_worker(run(), exclusive=False)

    def take(self) -> None:
        row = self.table.current
        item = self.session.active_item
        if row is None or item is None:
            return
        c = self.waiting.get(row.lead.reference)
        if c is not None and row.lead.reference not in self.mine:
            self.screen.triage.take_one(c, item)

    def can_take(self) -> bool:
        try:
            row = self.table.current
        except NoMatches:
            return False
        return row is not None and self.active and self._takeable(row)

    def focus(self) -> Any:
        if self.active:
            self.table.focus()
