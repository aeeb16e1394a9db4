"""Judging the imported leads between meetings: a rep opens the month's leads (``j`` on the
Contribute screen), and gives each its verdict with the keys the meeting uses — g good,
p poor, e too early, the number keys for the legend's reasons — each verdict a lead-feedback
contribution (``store/contrib``) the next lead-quality meeting offers, so the meeting
reviews rather than types.

A verdict is shown at once and written by a :class:`~tandem.store.saver.Saver` from its own
thread once the keys pause (each lead judged in a burst is one write of the rep's file). Judging a lead again while the
verdict waits revises that contribution (same id, so the meeting never sees two); once a
meeting took it in, a new verdict is a new contribution. The keys are the lead table's, as in
the meeting; ``u`` undoes the last verdict given here (a saved one is withdrawn, or put back
as it was), and the Contribute screen's ``w`` withdraws any that waits.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, LoadingIndicator, Static

from tandem.store.config import MeConfig
from tandem.store.contrib import Contributions, make
from tandem.store.contrib.records import Contribution
from tandem.store.contrib.triage import waiting
from tandem.store.crm.importer import leads_for
from tandem.store.crm.lead import Lead
from tandem.store.errors import TandemError, describe_os_error
from tandem.store.records import FUNNEL_STAGES, REASON_CODES, LeadFeedback
from tandem.store.saver import Saver
from tandem.store.sla.report import judged_in_meetings
from tandem.store.workspace import Workspace
from tandem.tui.screen_base import OnTimeFrames, TandemScreen, from_worker
from tandem.tui.screens.live_leads import DISPOSITION, CommentScreen
from tandem.tui.seams import main_app
from tandem.tui.settings import Vocabulary, vocabulary
from tandem.tui.widgets.footer import Footer
from tandem.tui.widgets.lead_table import Judged, LeadRow, LeadTable, judged_of, legend

#: How long the keys must pause before the verdicts are written.
SAVE_DELAY_S = 0.3
#: ``_unsaved`` holds nothing for the lead: what is saved is what shows.
_SAVED: Any = object()


@dataclass(slots=True)
class LeadsRead:
    """What the screen shows, read in a worker."""

    period: str
    leads: list[Lead]
    #: The latest feedback of a meeting by CRM id: (its date, the feedback).
    earlier: dict[str, tuple[str, LeadFeedback]] = field(default_factory=dict)
    #: The open lead contributions by CRM id: the rep's own, and the teammates' (latest).
    mine: dict[str, Contribution] = field(default_factory=dict)
    others: dict[str, Contribution] = field(default_factory=dict)


def read_leads(workspace: Workspace, me: str, month: str) -> LeadsRead:
    """The month's leads (or the latest imported), what meetings said of them, and the lead
    feedback waiting for a meeting."""
    period, leads = leads_for(workspace, month)
    found = LeadsRead(period, leads)
    if not leads:
        return found
    refs = {lead.reference for lead in leads}
    found.earlier = judged_in_meetings(workspace, refs)
    # Oldest first, so the latest contribution on a lead is the one kept.
    for c, _ in reversed(waiting(workspace)):
        reference = str(c.record.get("reference", ""))
        if c.kind == "lead" and reference in refs:
            (found.mine if c.author == me else found.others)[reference] = c
    return found


class JudgeLeadsScreen(OnTimeFrames, TandemScreen[None]):
    """The month's imported leads, judged by a rep for the next meeting."""

    CSS_PATH = "judge_leads.tcss"
    HELP_GROUP = "Judge leads"
    AUTO_FOCUS = "#leads"
    # The verdict, reason and undo keys are the lead table's (tui/widgets/lead_table.py),
    # bound to the screen's lead_verdict, lead_reason and undo: the meeting's keys.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", tooltip="Back to your contributions (verdicts are saved as you give them)", id="judge.back"),
    ]

    def __init__(self, workspace: Workspace, me: MeConfig) -> None:
        super().__init__()
        self.workspace = workspace
        self.me = me
        self.read: LeadsRead | None = None
        #: Reasons ticked on a lead not judged yet, and the comment typed for "other".
        self.pending: dict[str, tuple[str, ...]] = {}
        self.comments: dict[str, str] = {}
        #: Verdicts given or withdrawn here and not written yet, by CRM id (None: withdraw).
        self._unsaved: dict[str, Contribution | None] = {}
        self._lock = threading.Lock()
        #: What each verdict given here replaced (CRM id, the verdict before): u undoes.
        self._undo: list[tuple[str, Contribution | None]] = []
        self.saver = Saver(self._write, on_error=self._save_failed)

    def compose(self) -> ComposeResult:
        yield Header()
        yield LoadingIndicator(id="loading")
        yield Static(id="empty")
        yield LeadTable(id="leads")
        yield Static(id="legend")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Judge leads: for the next lead-quality meeting"  # (the screen's own: Back shows the Contribute screen's again)
        for widget_id in ("#empty", "#leads", "#legend"):
            self.query_one(widget_id).display = False
        self._load(vocabulary(self.app))

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("judge: the highlighted lead is good", "lead_verdict('good')", "Accepted; the cursor moves on (g)"),
            ("judge: the highlighted lead is poor", "lead_verdict('poor')", "Rejected at its stage, with the reasons ticked (p)"),
            ("judge: the highlighted lead came too early", "lead_verdict('too_early')", "Recycled to marketing (e)"),
            ("judge: undo my last verdict", "undo", "The lead as it was before it (u)"),
        ]

    # --- reading ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def _load(self, words: Vocabulary) -> None:
        month = main_app(self).clock().strftime("%Y-%m")
        try:
            found = read_leads(self.workspace, self.me.name, month)
        except TandemError as exc:
            from_worker(self, self._unreadable, str(exc))
            return
        except OSError as exc:
            from_worker(self, self._unreadable, describe_os_error(exc))
            return
        from_worker(self, self._loaded, found, words)

    def _unreadable(self, problem: str) -> None:
        self.query_one("#loading").display = False
        empty = self.query_one("#empty", Static)
        empty.update(Text(f"The imported leads cannot be read: {problem}", style="bold red"))
        empty.display = True

    def _loaded(self, found: LeadsRead, words: Vocabulary) -> None:
        self.read = found
        self.query_one("#loading").display = False
        if not found.leads:
            empty = self.query_one("#empty", Static)
            empty.update(
                Text.assemble(
                    ("No leads imported yet.", "bold"),
                    "\n\nImport the CRM's list of the month first: tandem import leads FILE.csv --preset hubspot|salesforce",
                    "\nThen each lead is judged here with one key, for the next lead-quality meeting.",
                )
            )
            empty.display = True
            return
        table = self.query_one("#leads", LeadTable)
        table.display = True
        table.show([self._row(lead) for lead in found.leads], keep=False)
        self.query_one("#legend").display = True
        self._title()
        self._legend()
        table.focus()

    # --- showing ------------------------------------------------------------------------

    def codes(self) -> tuple[str, ...]:
        return (vocabulary(self.app).reason_codes or REASON_CODES)[:9]

    def _judged(self, lead: Lead) -> Judged | None:
        assert self.read is not None
        reference = lead.reference
        mine = self._mine(reference)
        if mine is not None:
            data = mine.record
            return Judged("here", str(data.get("verdict", "")), tuple(str(r) for r in data.get("reasons", [])))
        other = self.read.others.get(reference)
        if other is not None:
            data = other.record
            return Judged("waiting", str(data.get("verdict", "")), tuple(str(r) for r in data.get("reasons", [])), who=other.author)
        earlier = self.read.earlier.get(reference)
        return judged_of(earlier[1], "earlier", who=earlier[0]) if earlier is not None else None

    def _row(self, lead: Lead) -> LeadRow:
        return LeadRow(lead, self._judged(lead), self.pending.get(lead.id, ()))

    def _title(self) -> None:
        assert self.read is not None
        table = self.query_one("#leads", LeadTable)
        month = main_app(self).clock().strftime("%Y-%m")
        other = "" if self.read.period == month else " (the latest imported)"
        table.border_title = f"Leads of {self.read.period}{other} · {len(table.rows)}"

    def _legend(self, note: Text | None = None) -> None:
        marks = "\n✓ yours, waiting for the meeting · • a teammate's · ↺ a meeting's"
        self.query_one("#legend", Static).update(legend(self.codes(), marks, note))

    def _say(self, words: str) -> None:
        self._legend(Text(words, style="bold red"))

    # --- judging ------------------------------------------------------------------------

    def _current(self) -> tuple[int, Lead] | None:
        if self.read is None or not self.read.leads:
            return None
        table = self.query_one("#leads", LeadTable)
        row = table.current
        return (table.cursor, row.lead) if row is not None else None

    def _mine(self, reference: str) -> Contribution | None:
        """The rep's verdict on the lead as shown: given here and not written yet (None: a
        withdrawal not written yet), else the one saved."""
        assert self.read is not None
        with self._lock:  # the saver's thread takes entries out of _unsaved
            found = self._unsaved.get(reference, _SAVED)
        return self.read.mine.get(reference) if found is _SAVED else found

    def _saved_id(self, reference: str) -> str:
        """The id of the rep's saved contribution on the lead ("" none): a new verdict after
        an undo not written yet revises it (``Contributions.revise`` brings a withdrawn one
        back) rather than adding a second one on the same lead."""
        assert self.read is not None
        saved = self.read.mine.get(reference)
        return saved.id if saved is not None else ""

    def _contribution(self, lead: Lead, verdict: str, reasons: tuple[str, ...], comment: str) -> Contribution:
        words = vocabulary(self.app)
        stages = words.funnel_stages or FUNNEL_STAGES
        stage = lead.stage if lead.stage in stages else stages[0]
        before = self._mine(lead.reference)
        made = make.lead(
            lead.reference,
            verdict,
            author=self.me.name,
            team=self.me.team,
            now=main_app(self).clock(),
            reasons=reasons,
            comment=comment,
            source=lead.source,
            persona=lead.persona or lead.segment,
            stage_reached=stage,
            stage_lost=stage if verdict == "poor" else "",
            disposition=DISPOSITION[verdict],
            reason_codes=words.reason_codes,
            funnel_stages=stages,
            cid=before.id if before is not None else self._saved_id(lead.reference),
        )
        # A revised verdict keeps when the lead was first judged: the SLA's clock stops there.
        first = before or self.read.mine.get(lead.reference) if self.read is not None else before
        return made.replace(created_at=first.created_at) if first is not None else made

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "lead_take":
            return False  # a meeting's key: here every verdict is the rep's own
        if action == "undo":
            return bool(self._undo) or None
        return True

    def action_lead_verdict(self, verdict: str) -> None:
        here = self._current()
        if here is None:
            return
        index, lead = here
        mine = self._mine(lead.reference)
        kept = tuple(str(r) for r in mine.record.get("reasons", [])) if mine is not None and verdict != "good" else ()
        reasons = self.pending.get(lead.id, kept)
        if verdict == "poor" and not reasons:
            self._say(f"A poor lead needs a reason: its number first (1–{len(self.codes())}), then p.")
            return
        comment = self.comments.get(lead.id, str(mine.record.get("comment", "")) if mine is not None else "")
        try:
            contribution = self._contribution(lead, verdict, reasons, comment)
        except TandemError as exc:
            self._say(str(exc))
            return
        self._give(index, lead, contribution)
        self.query_one("#leads", LeadTable).move_to(index + 1)

    def _give(self, index: int, lead: Lead, contribution: Contribution | None, *, undoing: bool = False) -> None:
        if not undoing:
            self._undo.append((lead.reference, self._mine(lead.reference)))
            if len(self._undo) == 1:
                self.refresh_bindings()
        with self._lock:
            self._unsaved[lead.reference] = contribution
        self.pending.pop(lead.id, None)
        self.comments.pop(lead.id, None)
        self.query_one("#leads", LeadTable).set_row(index, self._row(lead))
        self._legend()
        self.saver.request(SAVE_DELAY_S)

    def action_lead_reason(self, number: int) -> None:
        here = self._current()
        if here is None:
            return
        index, lead = here
        codes = self.codes()
        if number > len(codes):
            self._say(f"No reason {number}: the legend has {len(codes)}.")
            return
        code = codes[number - 1]
        mine = self._mine(lead.reference)
        held = tuple(str(r) for r in mine.record.get("reasons", [])) if mine is not None and lead.id not in self.pending else self.pending.get(lead.id, ())
        if code in held:
            self._tick(index, lead, tuple(r for r in held if r != code), None)
        elif code == "other":
            self._ask_comment(lead, (*held, code), str(mine.record.get("comment", "")) if mine is not None else self.comments.get(lead.id, ""))
        else:
            self._tick(index, lead, (*held, code), None)

    def _tick(self, index: int, lead: Lead, reasons: tuple[str, ...], comment: str | None) -> None:
        mine = self._mine(lead.reference)
        if mine is None:
            self.pending[lead.id] = reasons
            if comment is not None:
                self.comments[lead.id] = comment
            self.query_one("#leads", LeadTable).set_row(index, self._row(lead))
            self._legend()
            return
        verdict = str(mine.record.get("verdict", ""))
        if verdict == "poor" and not reasons:
            self._say("A poor lead keeps at least one reason: tick another first.")
            return
        try:
            revised = self._contribution(lead, verdict, reasons, str(mine.record.get("comment", "")) if comment is None else comment)
        except TandemError as exc:
            self._say(str(exc))
            return
        self._give(index, lead, revised)

    @work
    async def _ask_comment(self, lead: Lead, reasons: tuple[str, ...], typed: str) -> None:
        comment = await self.app.push_screen_wait(CommentScreen(lead.reference, typed=typed))
        index = self.query_one("#leads", LeadTable).index_of(lead.id)
        if comment is not None and index is not None:
            self._tick(index, lead, reasons, comment)

    def action_undo(self) -> None:
        """The last verdict given here taken back: the lead as it was before it (none, or
        the verdict it replaced), the cursor on it."""
        if not self._undo or self.read is None:
            return
        reference, before = self._undo.pop()
        table = self.query_one("#leads", LeadTable)
        index = next((n for n, row in enumerate(table.rows) if row.lead.reference == reference), None)
        if index is None:
            return
        self._give(index, table.rows[index].lead, before, undoing=True)
        table.move_to(index)
        if not self._undo:
            self.refresh_bindings()

    def action_focus_agenda(self) -> None:
        """Escape in the lead table (in a meeting: back to the agenda): back."""
        self.action_back()

    # --- saving -------------------------------------------------------------------------

    def _write(self) -> None:
        """The saver's thread: every verdict given or withdrawn since the last write."""
        with self._lock:
            batch = dict(self._unsaved)
        read = self.read
        assert read is not None
        store = Contributions(self.workspace)
        for reference, contribution in batch.items():
            if contribution is None:
                before = read.mine.get(reference)
                if before is not None:
                    store.withdraw(self.me.name, before.id)
                    read.mine.pop(reference, None)
            else:
                read.mine[reference] = store.revise(contribution)
            with self._lock:
                # Kept if a newer verdict came meanwhile: the next write takes it.
                if self._unsaved.get(reference, contribution) is contribution:
                    self._unsaved.pop(reference, None)

    def _save_failed(self, exc: BaseException) -> None:
        words = str(exc) if isinstance(exc, TandemError) else describe_os_error(exc)
        from_worker(self, self.notify, f"Verdicts not saved yet (kept here, tried again): {words}", severity="error", markup=False)

    def action_back(self) -> None:
        if not self.saver.flush():
            self.notify("Could not save the last verdicts; staying here so nothing is lost.", severity="error", markup=False)
            return
        self.dismiss()

    def on_unmount(self) -> None:
        # Leaving by Back flushed already; quitting the app lands here: the last verdicts
        # are written before the saver's thread ends.
        self.saver.close()
