"""Triage in the live meeting: the team's waiting contributions under the agenda item that
takes them (``store/contrib/triage.py``'s ``offered``), each taken in with one key,
deferred, or declined with a reason; the last decision undone.

The contributions are read in a worker when the meeting opens and again after each
decision (every contributions file, and what every meeting decided: a fraction of a second
on 20,000 meetings); moving between items only filters what was read. A decision is shown
at once (the row leaves the list) and made in a worker, as a capture is saved.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import Input, Static

from tandem.store.contrib.records import NOUNS, Contribution
from tandem.store.contrib.triage import Fate, Triaged, decide, offered, reopen, take, triaged_elsewhere, waiting
from tandem.store.errors import TandemError, ValidationError
from tandem.store.outside import clean_text
from tandem.store.records import AgendaItem, Objective
from tandem.tui.forms import FORMS_TCSS, Field, compact
from tandem.tui.screen_base import TandemModal, from_worker
from tandem.tui.seams import main_app
from tandem.tui.widgets.footer import Footer
from tandem.tui.widgets.waiting import WaitingList, subject_text

if TYPE_CHECKING:
    from tandem.tui.screens.live import LiveScreen

#: A contribution kind → the capture kind of the record taking it in made (``store/kinds``),
#: for those that become a record of their own: undoing the take can remove it, and deleting
#: that record puts the contribution back among the waiting.
MADE_AS = {"lead": "lead_feedback", "question": "insight", "content": "content"}
#: The longest reason a decline keeps (``Triage.reason``).
REASON_MAX = 2000


def _said(text: str, width: int = 60) -> str:
    one = " ".join(text[: width * 4].split())
    return one if len(one) <= width else one[: width - 1] + "…"


def named(c: Contribution) -> str:
    """ "lead feedback “SF-77” from Ana Ruiz", for a notification."""
    return f"{c.noun} “{_said(c.subject)}” from {_said(c.author, 40)}"


class ReasonScreen(TandemModal[str | None]):
    """Why a contribution is declined: required, as its author reads it."""

    CSS_PATH = FORMS_TCSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Keep it waiting: nothing is declined", id="reason.cancel"),
        Binding("ctrl+s", "submit", "Decline", tooltip="Decline it with this reason", id="reason.submit"),
    ]

    def __init__(self, contribution: Contribution, *, typed: str = "", error: str | None = None) -> None:
        super().__init__()
        self.contribution = contribution
        self.typed = typed
        self.error = error

    def compose(self) -> ComposeResult:
        c = self.contribution
        with Vertical(classes="dialog"):
            yield Static(f"Decline {_said(c.author, 40)}'s {c.noun}", classes="dialog-title", markup=False)
            yield Static(_said(subject_text(c, {})[0].plain, 200), classes="dialog-detail", markup=False)
            yield Field(
                "Why", compact(Input(self.typed, id="reason", placeholder="e.g. covered by the Q1 plan")), hint="Its author reads this.", id="reason-field"
            )
            yield Static("enter  decline      esc  keep it waiting", classes="dialog-keys", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        if self.error:
            self.query_one("#reason-field", Field).set_error(self.error)
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted)
    def action_submit(self) -> None:
        reason = clean_text(self.query_one("#reason", Input).value).strip()
        field = self.query_one("#reason-field", Field)
        if not reason:
            field.set_error(f"Say why: {_said(self.contribution.author, 40)} reads it.")
        elif len(reason) > REASON_MAX:
            field.set_error(f"At most {REASON_MAX:,} characters ({len(reason):,} now).")
        else:
            self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TriageFlow:
    """The waiting list of a live screen: reading, showing, and the four decisions."""

    def __init__(self, screen: LiveScreen) -> None:
        self.screen = screen
        self.session = screen.session
        #: The meeting's capture, so that what a take makes is undone with the rest (u).
        self.capture = screen.flow.records
        #: What waits for this series, as last read (None: not read yet).
        self.pairs: list[tuple[Contribution, Fate]] | None = None
        self.objectives: dict[str, Objective] = {}
        #: Contributions being decided in a worker: off the list already.
        self._pending: set[str] = set()
        #: What this screen decided, latest last: what undo takes back.
        self._decided: list[Contribution] = []
        self._read_error = ""
        #: Other meetings' triage rows, read with the first list (see ``_read``).
        self._elsewhere: Triaged | None = None

    @property
    def app(self) -> Any:
        return self.screen.app

    def now(self) -> datetime:
        return main_app(self.screen).clock()

    def today(self) -> date:
        return self.now().date()

    # --- reading and showing ---------------------------------------------------------------

    def load(self) -> None:
        # An ended meeting opened to put it right offers nothing: what waits now is for the
        # next one.
        if not self.session.amending:
            self.screen.run_worker(self._read, thread=True, exclusive=True, group="waiting")

    def _read(self) -> None:
        ws = self.session.workspace
        try:
            if self._elsewhere is None:
                # Other meetings' decisions: read once (every meeting of the index: 0.7 s at
                # 20,000), not after each decision here, which changes only this meeting's.
                self._elsewhere = triaged_elsewhere(ws, self.session.meeting.id)
            pairs = waiting(ws, series_id=self.session.meeting.series_id, open_here=self.session.record, elsewhere=self._elsewhere)
            objectives = {o.id: o for o in ws.objectives.all()} if any(c.kind == "checkin" for c, _ in pairs) else {}
        except (TandemError, OSError) as exc:
            from_worker(self.screen, self._unreadable, exc)
            return
        from_worker(self.screen, self._loaded, pairs, objectives)

    def _loaded(self, pairs: list[tuple[Contribution, Fate]], objectives: dict[str, Objective]) -> None:
        self.pairs, self.objectives, self._read_error = pairs, objectives, ""
        self.show()

    def _unreadable(self, exc: Exception) -> None:
        message = str(exc)
        if message != self._read_error:  # once, not after every decision
            self._read_error = message
            self.app.notify(f"The team's contributions cannot be read: {message}", title="Cannot read", severity="error", timeout=10, markup=False)

    def here(self, item: AgendaItem | None) -> list[tuple[Contribution, Fate]]:
        """What ``item`` offers: the contributions of the kind it captures, and topics for
        the agenda, less those this meeting decided or is deciding."""
        if item is None or not self.pairs:
            return []
        decided = {row.id for row in self.session.record.triage} | self._pending
        found = offered(self.pairs, item.captures, series_id=self.session.meeting.series_id)
        found += [(c, f) for c, f in self.pairs if c.kind == "topic"]
        return [(c, f) for c, f in found if c.id not in decided]

    def count_here(self, item: AgendaItem | None, *, kind: str | None = None) -> int:
        """How many contributions ``item`` offers (of ``kind`` only, if given)."""
        return sum(kind in (None, c.kind) for c, _ in self.here(item))

    def show(self, *, first: bool = False) -> None:
        """The list under the active item (``first``: just made active, the highlight on
        its first row)."""
        screen = self.screen
        widget = screen.query_one("#waiting", WaitingList)
        rows = self.here(self.session.active_item)
        if first:
            widget.highlighted = None
        # The last one decided with the list in hand: it stays, saying so, for u to undo it.
        note = "" if first or rows or not widget.has_focus or not (self._decided or self._pending) else "Nothing more waiting here · u undoes the last decision"
        widget.show(rows, self.objectives, self.today(), note=note)
        if widget.has_focus and not widget.display:  # emptied: the focus must not fall into the notes
            screen.query_one("#agenda").focus()
        screen.show_waiting_count()
        screen.leads.sync()  # a lead's line says what a teammate said of it
        screen.refresh_bindings()

    @property
    def current(self) -> tuple[Contribution, Fate] | None:
        try:  # asked by check_action, which may run before the screen is composed
            return self.screen.query_one("#waiting", WaitingList).current
        except NoMatches:
            return None

    @property
    def can_undo(self) -> bool:
        return bool(self._decided)

    # --- deciding ---------------------------------------------------------------------------

    def _start(self, c: Contribution) -> None:
        self._pending.add(c.id)
        self.show()

    def _done(self, c: Contribution, *, decided: bool) -> None:
        self._pending.discard(c.id)
        if decided:
            self._decided = [d for d in self._decided if d.id != c.id] + [c]
        self.after_change()

    def after_change(self) -> None:
        """The list at once (from memory), the captured records, lead summary and agenda,
        then the waiting read again."""
        self.show()
        self.screen.flow.after_change()
        self.load()

    def topics(self) -> list[tuple[Contribution, Fate]]:
        """The waiting topics, whatever the item."""
        return [(c, f) for c, f in self.here(self.session.active_item) if c.kind == "topic"]

    def take_current(self) -> None:
        row, item = self.current, self.session.active_item
        if row is not None and item is not None:
            self.take_one(row[0], item)

    def take_one(self, c: Contribution, item: AgendaItem) -> None:
        """Take ``c`` in under ``item`` (a topic: as an agenda item after the active one)."""
        if c.id in self._pending:
            return
        self._start(c)

        async def run() -> None:
            ok = False
            try:
                await asyncio.to_thread(take, self.capture, c, item.id, now=self.now())
                ok = True
            except (TandemError, OSError) as exc:
                self.screen.flow.notify_error(exc)
            finally:
                self._done(c, decided=ok)
            if ok:
                where = "It is on the agenda after this item" if c.kind == "topic" else "It shows under this item"
                self.app.notify(f"Taken in: {named(c)}. {where}; u in the list undoes.", markup=False)

        self.screen.run_worker(run(), exclusive=False)

    def defer_current(self) -> None:
        row = self.current
        if row is None or row[0].id in self._pending:
            return
        c = row[0]
        self._start(c)

        async def run() -> None:
            ok = False
            try:
                await asyncio.to_thread(decide, self.capture, c, "deferred", now=self.now())
                ok = True
            except (TandemError, OSError) as exc:
                self.screen.flow.notify_error(exc)
            finally:
                self._done(c, decided=ok)
            if ok:
                self.app.notify(f"Deferred: {named(c)} waits for a later meeting; u undoes.", markup=False)

        self.screen.run_worker(run(), exclusive=False)

    def decline_current(self) -> None:
        row = self.current
        if row is None or row[0].id in self._pending:
            return
        c = row[0]

        async def run() -> None:
            typed, error = "", None
            while True:
                reason = await self.app.push_screen_wait(ReasonScreen(c, typed=typed, error=error))
                if reason is None:
                    return
                try:
                    await asyncio.to_thread(decide, self.capture, c, "declined", now=self.now(), reason=reason)
                except ValidationError as exc:
                    # The form opens again with what was typed, and why it was refused.
                    typed, error = reason, exc.message
                    continue
                except (TandemError, OSError) as exc:
                    self.screen.flow.notify_error(exc)
                    return
                break
            self._done(c, decided=True)
            self.app.notify(f"Declined: {named(c)}; they read why in their inbox. u undoes.", markup=False)

        self.screen.run_worker(run(), exclusive=False)

    def undo(self) -> None:
        """Take back this screen's last decision: the contribution waits again. What a take
        made goes too while it is as the take made it (an edited record stays, for the
        facilitator to keep or delete: x on it)."""
        decided = {row.id for row in self.session.record.triage}
        while self._decided and self._decided[-1].id not in decided:
            self._decided.pop()  # undone another way since (its record deleted)
        if not self._decided:
            self.app.notify("Nothing taken in, deferred or declined here yet.", markup=False)
            return
        c = self._decided.pop()

        def work() -> str:
            row = reopen(self.capture, c.id)
            kind = MADE_AS.get(c.kind)
            if row is None or row.fate != "taken":
                return f"{named(c)} waits again."
            if kind is not None:
                made = self.capture.find(kind, c.id)
                if made is not None and made == self.capture.link(c.inner, row.agenda_item_id):
                    self.capture.delete(kind, c.id)
                    return f"{named(c)} waits again; what it became is removed."
                if made is not None:
                    return f"{named(c)} waits again; what it became was edited since, so it stays (x on it deletes it)."
                return f"{named(c)} waits again."
            if c.kind == "topic":
                return f"{named(c)} waits again; its agenda item stays (s skips it)."
            return f"{named(c)} waits again; the check-in stays on the objective."

        async def run() -> None:
            try:
                words = await asyncio.to_thread(work)
            except (TandemError, OSError) as exc:
                self.screen.flow.notify_error(exc)
                return
            finally:
                self.after_change()
            self.app.notify(words[:1].upper() + words[1:], markup=False)

        self.screen.run_worker(run(), exclusive=False)

    def reopen_orphans(self) -> list[str]:
        """After a captured record was deleted or a capture undone (from a worker): the
        contributions whose taken record is gone wait again (else their authors would read
        "taken" of something the meeting threw away). Returns their names."""
        gone = []
        for row in list(self.session.record.triage):
            kind = MADE_AS.get(row.kind)
            if row.fate == "taken" and kind is not None and self.capture.find(kind, row.record_id or row.id) is None:
                reopen(self.capture, row.id)
                gone.append(f"{NOUNS[row.kind]} “{_said(row.subject)}” from {_said(row.author, 40)}")
        return gone
