"""A live meeting: the agenda stepped through against the clock, saved as it happens.

:class:`LiveSession` holds the meeting's writer lock and the authoritative in-memory record.
Every change applies in memory at once (the UI never waits for the disk) and asks the
:class:`Saver` to write the whole meeting file — one atomic write of one small file —
from its own thread, coalescing bursts of keystrokes into one save.

Timers survive crashes because they are stored as a banked total plus the wall-clock time
the clock started running: ``elapsed = banked + (now - running_since)``. Every state change
banks the running time first.

The wall clock is not to be trusted while the meeting runs: it is set by hand, corrected by
NTP, or was wrong on the machine that wrote the file. Each reading is checked against a
monotonic clock (:meth:`LiveSession._now`); a jump back or forward moves
``running_since`` by the jump, so the clocks count the time that really passed, and a start
time in the future is brought back to the last save. Each correction leaves a one-line note
in :attr:`LiveSession.clock_notes` for the live screen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Concatenate, ParamSpec, TypeVar

from tandem.store import ids
from tandem.store.errors import TandemError
from tandem.store.pacing import Forecast, forecast
from tandem.store.records import AgendaItem, Attendee, Meeting, ParkedItem
from tandem.store.saver import Clock, Saver
from tandem.store.sla.record import ScorecardLine
from tandem.store.workspace import MeetingRecord, MeetingWriter, Workspace

NOTES_DEBOUNCE_S = 0.3
#: A wall clock that moved this much more (or less) than the monotonic one has jumped; below
#: it, the difference is a busy machine or NTP slewing, not worth a note.
JUMP_TOLERANCE_S = 2.0


def _default_monotonic() -> float:
    """Seconds of a clock nobody sets. CLOCK_BOOTTIME where there is one: a laptop closed
    during the meeting slept through real minutes of it, which are no jump."""
    return time.clock_gettime(time.CLOCK_BOOTTIME) if hasattr(time, "CLOCK_BOOTTIME") else time.monotonic()


def _duration(seconds: float) -> str:
    minutes = round(abs(seconds) / 60)
    if minutes >= 120:
        return f"{minutes // 60} h {minutes % 60} min" if minutes % 60 else f"{minutes // 60} h"
    return f"{minutes} min" if minutes else f"{round(abs(seconds))} s"


def _ts(moment: datetime) -> str:
    return moment.isoformat()


def _parse(ts: str | None) -> datetime | None:
    return datetime.fromisoformat(ts) if ts else None


S = TypeVar("S", bound="LiveSession")
P = ParamSpec("P")
R = TypeVar("R")


def _facilitation(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """A change to the agenda or the clocks: refused once the meeting has ended."""

    def guarded(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if self.amending:
            raise TandemError(f"Meeting {self.meeting.id} has ended: its agenda and clocks stay as they were.")
        return method(self, *args, **kwargs)

    return guarded


class LiveSession:
    """The facilitator's side of a live meeting. Not thread-safe except for the saver."""

    #: The statuses of a meeting this session opens, and why it refuses the others.
    OPENS: tuple[str, ...] = ("planned", "live")
    #: True for :class:`AmendSession`: the meeting has ended and its clocks stay stopped.
    amending = False

    def __init__(
        self,
        workspace: Workspace,
        meeting_id: str,
        *,
        clock: Clock = datetime.now,
        on_save_error: Callable[[BaseException], None] | None = None,
        on_saved: Callable[[], None] | None = None,
        on_written: Callable[[], None] | None = None,
        left_running: bool = False,
        monotonic: Callable[[], float] | None = None,
        take_over: bool = False,
    ) -> None:
        """``left_running``: this same tandem left the meeting for another screen with
        its clock running, and comes back to it; tandem was open meanwhile, so the time
        since the last save is no gap to ask about.

        ``monotonic``: seconds of a clock that never jumps, to check ``clock`` against; by
        default the system's when ``clock`` is the system's. With a clock of the caller's
        and none given, only jumps back are seen (a jump forward looks like time passing).

        ``take_over``: run it even though another clone of the team's workspace claims it
        (the laptop that died mid-meeting); without it such a meeting is refused with
        :class:`~tandem.store.errors.MeetingClaimedError` naming the holder."""
        self.workspace = workspace
        self.left_running = left_running
        self.clock = clock
        if monotonic is None and clock == datetime.now:
            monotonic = _default_monotonic
        self._monotonic = monotonic
        #: The last reading of both clocks, to tell a jump of the wall clock from time passing.
        self._seen: tuple[datetime, float | None] | None = None
        #: Corrections of the clocks not yet shown, one sentence each (see ``_now``).
        self.clock_notes: list[str] = []
        self.writer: MeetingWriter = workspace.open_meeting(meeting_id)
        try:
            self.record = self.writer.read()
            self._refuse(self.record.meeting)
            if not self.amending and not take_over:
                from tandem.store.sync.claim import refuse_if_claimed

                refuse_if_claimed(self.record.meeting, workspace.home)
        except BaseException:
            self.writer.close()
            raise
        self._lock = threading.Lock()
        #: How long tandem was closed while the clock kept running (set by ``start``).
        self.gap_s = 0.0
        #: Items gone back to (previous, or a jump to a covered one) → their status before.
        self._revisited: dict[str, str] = {}
        self.saver = Saver(self._write, on_error=on_save_error, on_saved=on_saved, on_written=on_written)

    def _refuse(self, meeting: Meeting) -> None:
        if meeting.status not in self.OPENS:
            raise TandemError(f"Meeting {meeting.id} has {meeting.status}; it cannot be run again.")

    # --- persistence --------------------------------------------------------------------

    def _write(self) -> None:
        with self._lock:
            self.record.meeting.saved_at = _ts(self.clock())
            snapshot = MeetingRecord(
                meeting=self.record.meeting.replace(),
                agenda=[i.replace(prompts=list(i.prompts)) for i in self.record.agenda],
                lead_feedback=list(self.record.lead_feedback),
                decisions=list(self.record.decisions),
                actions=list(self.record.actions),
                parking_lot=list(self.record.parking_lot),
                triage=list(self.record.triage),
                scorecard=list(self.record.scorecard),
            )
        self.writer.write_all(snapshot)

    def _changed(self, delay: float = 0.0) -> None:
        self.saver.request(delay)

    @contextmanager
    def editing(self, delay: float = 0.0) -> Iterator[MeetingRecord]:
        """Change the meeting's rows in place (records captured under it): the saver does
        not copy them halfway through a change, and saves them once it is done (``delay``:
        within that many seconds, for changes that come a key at a time, as notes do)."""
        with self._lock:
            yield self.record
        self._changed(delay)

    HEARTBEAT_S = 30.0

    def heartbeat(self) -> None:
        """While the clock runs, save now and then: after a crash, the time tandem was
        closed is then known to within this interval."""
        now = self._now()
        saved = _parse(self.meeting.saved_at)
        # Not only ">= HEARTBEAT_S": a last save in the future (the clock went back) would
        # stop the heartbeat until the clock caught up with it.
        if self.running and (saved is None or not 0 <= (now - saved).total_seconds() < self.HEARTBEAT_S):
            self._changed()

    def close(self, *, timeout: float = 10.0, letting_go: bool = False) -> bool:
        """Save (so ``saved_at`` says when tandem stopped), then release the writer lock.

        False when the save failed (a full disk, say): then nothing is released, so the
        saver keeps retrying, the meeting stays ours, and closing can be tried again —
        unless ``letting_go`` (the process is ending: its terminal is gone), when the
        lock is released all the same."""
        if self.meeting.status == "live":
            self._changed()
        if not self.saver.flush(timeout) and not letting_go:
            return False
        ok = self.saver.close(timeout)
        self.writer.close()
        return ok

    def next_pending(self) -> AgendaItem | None:
        """The item :meth:`next` would move to (None: the active item is the last)."""
        return self._next_pending_after(self.active_item)

    # --- the clock ------------------------------------------------------------------------

    @property
    def meeting(self) -> Meeting:
        return self.record.meeting

    @property
    def running(self) -> bool:
        return self.meeting.clock_running_since is not None

    def _running_s(self, now: datetime) -> float:
        since = _parse(self.meeting.clock_running_since)
        return max(0.0, (now - since).total_seconds()) if since else 0.0

    def _now(self) -> datetime:
        """The wall clock's time, with the running clock kept honest against it: a jump of
        the wall clock since the last reading (measured by the monotonic clock; without one,
        only a jump back) moves ``running_since`` by as much, and a ``running_since`` still
        in the future is brought back to now. Every clock reading goes through here."""
        now = self.clock()
        mono = self._monotonic() if self._monotonic is not None else None
        seen, self._seen = self._seen, (now, mono)
        since = _parse(self.meeting.clock_running_since)
        if since is None or self.amending:
            return now
        jump = 0.0
        if seen is not None:
            wall_s = (now - seen[0]).total_seconds()
            jump = wall_s - (mono - seen[1]) if mono is not None and seen[1] is not None else min(0.0, wall_s)
            if abs(jump) > JUMP_TOLERANCE_S:
                way = "went back" if jump < 0 else "jumped ahead"
                self.clock_notes.append(f"The computer's clock {way} {_duration(jump)}; the meeting clocks count only the time that really passed.")
        else:
            saved = _parse(self.meeting.saved_at)
            if saved is not None and since <= saved and (saved - now).total_seconds() > JUMP_TOLERANCE_S:
                # Saved later than now: the clock went back while tandem was closed. What the
                # clocks had run by that save is known; they go on from there.
                jump = (now - saved).total_seconds()
                self.clock_notes.append(f"The computer's clock is {_duration(jump)} behind the meeting's last save; the meeting clocks go on from that save.")
        if abs(jump) > JUMP_TOLERANCE_S:
            since += timedelta(seconds=jump)
        if since > now + timedelta(seconds=JUMP_TOLERANCE_S):
            self.clock_notes.append(
                f"The meeting's clock was started {_duration((since - now).total_seconds())} in the future by this computer's clock; it runs from now on."
            )
            since = now
        elif abs(jump) <= JUMP_TOLERANCE_S:
            return now
        with self._lock:
            self.meeting.clock_running_since = _ts(since)
            # The last save's time is on the old clock: followers would take it for the present.
            self.meeting.saved_at = None
        self._changed()
        return now

    def meeting_elapsed(self) -> float:
        return self.meeting.clock_elapsed + self._running_s(self._now())

    def item_elapsed(self, item: AgendaItem) -> float:
        extra = self._running_s(self._now()) if item.status == "active" else 0.0
        return item.elapsed_s + extra

    def _bank(self, now: datetime, *, keep_running: bool) -> None:
        """Move the running time into the totals (meeting and active item)."""
        delta = self._running_s(now)
        with self._lock:
            self.meeting.clock_elapsed += delta
            item = self.active_item
            if item is not None:
                item.elapsed_s += delta
            if self.meeting.clock_running_since is not None or keep_running:
                self.meeting.clock_running_since = _ts(now) if keep_running else None

    # --- agenda access ----------------------------------------------------------------

    @property
    def agenda(self) -> list[AgendaItem]:
        return self.record.agenda

    @property
    def active_item(self) -> AgendaItem | None:
        return next((i for i in self.agenda if i.status == "active"), None)

    def item(self, item_id: str) -> AgendaItem:
        for item in self.agenda:
            if item.id == item_id:
                return item
        raise TandemError(f"No agenda item {item_id!r} in meeting {self.meeting.id}.")

    def forecast(self) -> Forecast:
        return forecast(self.record, self._now())

    def _renumber(self) -> None:
        for position, item in enumerate(self.agenda):
            item.position = position

    # --- starting and resuming ------------------------------------------------------------

    def start(self) -> None:
        """Start a planned meeting, or resume a live one exactly where it was."""
        meeting = self.meeting
        saved = _parse(meeting.saved_at)  # before _now(), which forgets one it finds in the future
        now = self._now()
        if meeting.status == "planned" or not self._claimed_here():
            # Saved with the meeting: the team's other clones see who runs it once it syncs.
            from tandem.store.sync.claim import this_claim

            claim = this_claim(self.workspace.home, now)
            with self._lock:
                meeting.claim = claim
        if meeting.status == "planned":
            with self._lock:
                meeting.status = "live"
                meeting.started_at = _ts(now)
                meeting.planned_min = meeting.planned_min or sum(i.timebox_min for i in self.agenda)
                meeting.clock_running_since = _ts(now)
            first = next((i for i in self.agenda if i.status == "pending"), None)
            if first is not None:
                self._activate(first, now)
            self._changed()
            self._pull_shadow_days()
            return
        if self.running and saved is not None and not self.left_running:
            self.gap_s = max(0.0, (now - saved).total_seconds())
        if self.active_item is None:
            first = next((i for i in self.agenda if i.status == "pending"), None)
            if first is not None:
                self._activate(first, now)
        self._changed()

    def _claimed_here(self) -> bool:
        from tandem.store.sync.claim import is_ours

        claim = self.meeting.claim
        return claim is not None and is_ours(claim, self.workspace.home)

    def _pull_shadow_days(self) -> None:
        """A debrief planned before its shadow days were held pulls them in when it starts:
        their experiments become action items here, and the days are marked debriefed."""
        from tandem.store.shadow_days import apply_debrief, plan_debrief

        debrief = plan_debrief(self.workspace, self.meeting, self.agenda)
        if not debrief.days:
            return
        with self._lock:
            known = {a.id for a in self.record.actions}
            self.record.actions.extend(a for _, a in debrief.actions if a.id not in known)
        self._changed()
        if self.saver.flush():
            apply_debrief(self.workspace, self.meeting.id, debrief)

    @_facilitation
    def discount_gap(self) -> None:
        """Do not count the time tandem was closed (after a crash) on the clocks."""
        if self.gap_s <= 0 or not self.running:
            return
        now = self._now()
        since = _parse(self.meeting.clock_running_since)
        assert since is not None
        with self._lock:
            shifted = min(now, since + timedelta(seconds=self.gap_s))
            self.meeting.clock_running_since = _ts(shifted)
        self.gap_s = 0.0
        self._changed()

    # --- facilitation -----------------------------------------------------------------------

    def _left_status(self, item: AgendaItem) -> str:
        """The status of an item the facilitator moves on from with next (or a jump): done,
        unless it was gone back to after being skipped, parked or done — then it keeps that
        status (a revisit is no verdict of its own)."""
        before = self._revisited.pop(item.id, "pending")
        return "done" if before in ("pending", "active") else before

    def _activate(self, item: AgendaItem, now: datetime, *, revisit: bool = False) -> None:
        self._bank(now, keep_running=self.running)
        with self._lock:
            current = self.active_item
            if current is not None and current is not item:
                current.status = self._left_status(current)
            if revisit and item.status != "active":
                self._revisited[item.id] = item.status
            item.status = "active"
            self.meeting.active_item_id = item.id

    def activate(self, item_id: str) -> AgendaItem:
        """Jump to an item (any status): the current one is marked done."""
        item = self.item(item_id)
        if item.status != "active":
            self._activate(item, self._now(), revisit=item.status != "pending")
            self._changed()
        return item

    def _next_pending_after(self, item: AgendaItem | None) -> AgendaItem | None:
        start = self.agenda.index(item) + 1 if item is not None else 0
        after = [i for i in self.agenda[start:] if i.status == "pending"]
        before = [i for i in self.agenda[:start] if i.status == "pending"]
        pending = after or before
        return pending[0] if pending else None

    def next(self) -> AgendaItem | None:
        """Done with the active item; on to the next pending one (None: nothing left)."""
        now = self._now()
        current = self.active_item
        following = self._next_pending_after(current)
        if following is not None:
            self._activate(following, now)
        elif current is not None:
            self._bank(now, keep_running=self.running)
            with self._lock:
                current.status = self._left_status(current)
                self.meeting.active_item_id = None
        self._changed()
        return following

    def previous(self) -> AgendaItem | None:
        """Back to the item before the active one (its timer continues). The item left
        is not finished: it goes back to what it was before (pending, unless it too was a
        revisit), whatever time was spent on it; the time stays on its clock."""
        current = self.active_item
        if current is None:
            candidates = [i for i in self.agenda if i.status == "done"]
            target = candidates[-1] if candidates else None
        else:
            index = self.agenda.index(current)
            target = self.agenda[index - 1] if index > 0 else None
        if target is None:
            return None
        now = self._now()
        self._bank(now, keep_running=self.running)
        with self._lock:
            if current is not None:
                current.status = self._revisited.pop(current.id, "pending")
            if target.status != "active":
                self._revisited[target.id] = target.status
            target.status = "active"
            self.meeting.active_item_id = target.id
        self._changed()
        return target

    def _set_aside(self, item_id: str, status: str) -> AgendaItem:
        item = self.item(item_id)
        self._revisited.pop(item.id, None)  # skipped or parked now: a verdict of its own
        now = self._now()
        was_active = item.status == "active"
        if was_active:
            following = self._next_pending_after(item)
            self._bank(now, keep_running=self.running)
            with self._lock:
                item.status = status
                self.meeting.active_item_id = None
            if following is not None:
                self._activate(following, now)
        else:
            with self._lock:
                item.status = status
        return item

    @_facilitation
    def skip(self, item_id: str) -> AgendaItem:
        item = self._set_aside(item_id, "skipped")
        self._changed()
        return item

    @_facilitation
    def park(self, item_id: str) -> ParkedItem:
        """Defer an item to the parking lot; the series' next meeting carries it over."""
        item = self._set_aside(item_id, "parked")
        with self._lock:
            existing = next((p for p in self.record.parking_lot if p.agenda_item_id == item.id), None)
            if existing is None:
                existing = ParkedItem(id=ids.new_id(), text=item.title, meeting_id=self.meeting.id, agenda_item_id=item.id)
                self.record.parking_lot.append(existing)
        self._changed()
        return existing

    @_facilitation
    def unpark(self, item_id: str) -> None:
        item = self.item(item_id)
        with self._lock:
            self.record.parking_lot = [p for p in self.record.parking_lot if p.agenda_item_id != item.id]
            if item.status in ("parked", "skipped"):
                item.status = "pending"
        self._changed()

    @_facilitation
    def add_item(self, title: str, timebox_min: int = 5) -> AgendaItem:
        """A new item right after the active one (or at the end)."""
        item = AgendaItem(id=ids.new_id(), title=title, timebox_min=timebox_min)
        active = self.active_item
        with self._lock:
            index = self.agenda.index(active) + 1 if active is not None else len(self.agenda)
            self.agenda.insert(index, item)
            self._renumber()
        self._changed()
        return item

    @_facilitation
    def move(self, item_id: str, offset: int) -> int:
        """Reorder: move an item up (-1) or down (+1); returns its new index."""
        item = self.item(item_id)
        with self._lock:
            index = self.agenda.index(item)
            target = max(0, min(len(self.agenda) - 1, index + offset))
            if target != index:
                self.agenda.insert(target, self.agenda.pop(index))
                self._renumber()
        self._changed()
        return target

    @_facilitation
    def extend(self, item_id: str, minutes: int = 5) -> AgendaItem:
        item = self.item(item_id)
        with self._lock:
            item.timebox_min = min(480, item.timebox_min + minutes)
        self._changed()
        return item

    @_facilitation
    def pause(self) -> None:
        self._bank(self._now(), keep_running=False)
        self._changed()

    @_facilitation
    def resume(self) -> None:
        if not self.running:
            with self._lock:
                self.meeting.clock_running_since = _ts(self._now())
            self._changed()

    @_facilitation
    def toggle_pause(self) -> bool:
        """Pause or resume; returns True when the clock now runs."""
        if self.running:
            self.pause()
        else:
            self.resume()
        return self.running

    def set_notes(self, item_id: str, notes: str) -> None:
        """Called on every keystroke: memory now, disk within ~300 ms."""
        item = self.item(item_id)
        with self._lock:
            item.notes = notes
        self._changed(NOTES_DEBOUNCE_S)

    @_facilitation
    def end(self, *, rating: int | None = None, comment: str = "", scorecard: list[ScorecardLine] | None = None) -> Meeting:
        """End the meeting; ``scorecard``: the SLA scorecard it saw (``store/sla/snapshot.take``,
        computed off the UI thread while the facilitator rates the meeting), kept in its file."""
        now = self._now()
        self._bank(now, keep_running=False)
        with self._lock:
            active = self.active_item
            if active is not None:
                active.status = "done"
            meeting = self.meeting
            meeting.status = "ended"
            meeting.ended_at = _ts(now)
            meeting.claim = None
            meeting.active_item_id = None
            meeting.rating = rating
            meeting.rating_comment = comment
            if scorecard is not None:
                self.record.scorecard = list(scorecard)
        self._changed()
        self.saver.flush()
        return self.meeting


class AmendSession(LiveSession):
    """An ended meeting opened again to put things right: notes, records, attendance and
    rating change; its clocks, item statuses and agenda stay as the meeting left them.
    Stepping through the agenda only changes which item is shown."""

    OPENS = ("ended",)
    amending = True

    #: The agenda item on screen (no item is "active" in an ended meeting).
    _viewing: str | None = None

    def _refuse(self, meeting: Meeting) -> None:
        if meeting.status not in self.OPENS:  # (a finalized one is refused on opening)
            raise TandemError(f"Meeting {meeting.id} is {meeting.status}; only an ended meeting is edited this way (run it instead).")

    @property
    def active_item(self) -> AgendaItem | None:
        return next((i for i in self.agenda if i.id == self._viewing), None)

    def item_elapsed(self, item: AgendaItem) -> float:
        return item.elapsed_s

    def start(self) -> None:
        if self.agenda and self._viewing is None:
            self._viewing = self.agenda[0].id

    def activate(self, item_id: str) -> AgendaItem:
        item = self.item(item_id)
        self._viewing = item.id
        return item

    def next_pending(self) -> AgendaItem | None:
        index = self._index()
        return self.agenda[index + 1] if index + 1 < len(self.agenda) else None

    def next(self) -> AgendaItem | None:
        following = self.next_pending()
        if following is not None:
            self._viewing = following.id
        return following

    def previous(self) -> AgendaItem | None:
        index = self._index()
        if index <= 0:
            return None
        self._viewing = self.agenda[index - 1].id
        return self.agenda[index - 1]

    def _index(self) -> int:
        item = self.active_item
        return self.agenda.index(item) if item is not None else -1

    def set_outcome(self, *, rating: int | None, comment: str) -> None:
        with self._lock:
            self.meeting.rating = rating
            self.meeting.rating_comment = comment
        self._changed()

    def set_people(self, *, facilitator: str, attendees: list[Attendee], absentees: list[Attendee]) -> None:
        """Who was there: a name is in one list only (present wins)."""
        present = {a.name.casefold() for a in attendees}
        with self._lock:
            self.meeting.facilitator = facilitator
            self.meeting.attendees = list(attendees)
            self.meeting.absentees = [a for a in absentees if a.name.casefold() not in present]
        self._changed()


@dataclass(frozen=True, slots=True)
class ItemReport:
    item: AgendaItem
    actual_min: int
    over_min: int


@dataclass(frozen=True, slots=True)
class EndSummary:
    items: tuple[ItemReport, ...]
    not_covered: tuple[AgendaItem, ...]
    elapsed_min: int
    planned_min: int
    counts: dict[str, int]


def end_summary(session: LiveSession) -> EndSummary:
    reports = []
    for item in session.agenda:
        actual = round(session.item_elapsed(item) / 60)
        reports.append(ItemReport(item, actual, actual - item.timebox_min))
    record = session.record
    return EndSummary(
        items=tuple(reports),
        not_covered=tuple(i for i in session.agenda if i.status in ("pending", "skipped", "parked")),
        elapsed_min=round(session.meeting_elapsed() / 60),
        planned_min=session.meeting.planned_min or sum(i.timebox_min for i in session.agenda),
        counts={
            "lead feedback": len(record.lead_feedback),
            "decisions": len(record.decisions),
            "action items": len(record.actions),
            "parked": len(record.parking_lot),
        },
    )
