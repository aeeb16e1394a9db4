"""A realistic demo workspace, generated from a seed.

Everything derives from ``random.Random(seed)`` and the ``today`` argument, never from the
clock, so the same arguments give byte-identical files: demos, screenshots and snapshot tests
stay stable, and a bug report can say "seed 7, 40 meetings".

The data tells the practice article's story so that the review screens have something to
find: mutual goals checked every week (some improving, one slipping, one dropped), sales
telling marketing how good the leads were, with trends a reviewer can discover (LinkedIn ads
send agencies until the targeting is narrowed; a purchased list decays until it is pulled and
re-verified), marketing showing what is coming down the pipeline, prospects' recurring
questions promoted to content, and shadow days in both directions with one experiment each.
The story itself (cast, series, what people say, how each trend moves) is ``demo_story.py``;
this module is the builder that draws a year of meetings from it.

Everything is built in memory first and then written: one atomic write per meeting file and
one per shared collection. A marker file is written before the first and removed after the
last, so a seeding killed halfway is known as such (and built again, not reused); a lock
keeps a second seeding of the same folder out meanwhile.

Generation is linear in the number of meetings (20,000 for a scale test): nothing a meeting
needs is found by walking the whole history; the calendar, the content by ETA and each
series' action items are indexed as they grow.
"""

from __future__ import annotations

import heapq
import os
import random
import shutil
import socket
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

from tandem.store.atomic import AtomicStorage, atomic_write_bytes, ensure_dir
from tandem.store.crm.lead import Lead
from tandem.store.demo_leads import DemoLeads, attach_scorecards, draw_outcome, weighted, write_leads
from tandem.store.demo_story import (
    ACTIONS,
    ACTIVITY_NOTES,
    CAMPAIGN_NAMES,
    CAMPAIGNS,
    CHECKIN_COMMENTS,
    COMPANIES,
    COMPETITORS,
    CONTENT_OWNER,
    CONTENT_PLAN,
    DEBRIEF,
    DECISIONS,
    EVENTS,
    EXPERIMENTS,
    EXTRA_ACTIVITIES,
    FIELDS,
    HANDOFF,
    INSIGHTS,
    ITEMS,
    LI_DECISION,
    LIST_DECISION,
    LIST_WARNING,
    MARKETING,
    MON,
    OBJECTIVE_EXTRAS,
    OBJECTIVES,
    OUTBOUND,
    PARKING,
    PERSON_ORDER,
    PRESENTER,
    RATING_COMMENTS,
    REVIEW,
    SALES,
    SALES_IDEAS,
    SCORING_RULES,
    SERIES,
    SERIES_ORDER,
    SERIES_TEMPLATE,
    SERIES_TITLE,
    SHORT_SOURCE,
    SLA_AGREED_BY,
    SLA_NOTES,
    SLIP_REASONS,
    SOURCE_ACTIONS,
    START_TIME,
    TAKEAWAYS,
    TRADE_SHOW,
    WEBINAR,
    WEEKLY,
    WINS,
    ObjectiveSpec,
    P,
    day_label,
    objective_status,
    source_weights,
    webinar_source,
)
from tandem.store.errors import TandemError, UsageError, WorkspaceNotEmptyError
from tandem.store.ids import meeting_id as make_meeting_id
from tandem.store.ids import new_id
from tandem.store.locks import WriterLock, _holder_sentence
from tandem.store.records import (
    DEFAULT_ACTIVITIES,
    TAKEAWAY_CATEGORIES,
    ActionItem,
    Activity,
    AgendaItem,
    CheckIn,
    ContentItem,
    Decision,
    Experiment,
    LeadFeedback,
    Meeting,
    Objective,
    ParkedItem,
    ProspectInsight,
    ShadowDay,
    Takeaway,
    label,
)
from tandem.store.sla.record import SlaVersion
from tandem.store.workspace import MeetingRecord, Workspace, meeting_tables

T = TypeVar("T")

__all__ = ["DEMO_TODAY", "DemoSummary", "clear_demo", "seed_demo", "seeding_interrupted", "seeding_lock"]

#: In the workspace folder from the first file a seeding writes to its last.
SEEDING_MARKER = ".demo-seeding"
#: Held while a demo folder is inspected, cleared and seeded (its holder file beside it).
SEEDING_LOCK = ".demo-seeding.lock"

DEMO_TODAY = date(2026, 11, 26)

#: Meeting files written at once. Each write waits on its fsyncs, which the file system
#: commits together when several are waiting: one at a time, 20,000 meetings took minutes.
WRITERS = 8


@dataclass(frozen=True, slots=True)
class DemoSummary:
    series: int
    people: int
    meetings: int
    objectives: int
    lead_feedback: int
    insights: int
    content: int
    shadow_days: int
    actions_open: int
    actions_closed: int


def seed_demo(
    workspace: Workspace,
    *,
    meetings: int = 40,
    seed: int = 7,
    today: date = DEMO_TODAY,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill an empty workspace with ``meetings`` meetings of demo data as of ``today``.

    ``progress(done, total)`` is called after each meeting file is written.
    """
    if isinstance(meetings, bool) or not isinstance(meetings, int) or meetings < 0:
        raise UsageError(f"The demo needs a whole number of meetings (0 or more), not {meetings!r}.")
    if not workspace.is_empty():
        # Demo records next to real ones could never be told apart again.
        raise WorkspaceNotEmptyError(f"{workspace.home} is not empty; the demo is only seeded into an empty folder.")
    data = _Builder(meetings=meetings, seed=seed, today=today).build()

    marker = workspace.home / SEEDING_MARKER
    ensure_dir(workspace.home)
    atomic_write_bytes(marker, f"tandem demo, PID {os.getpid()} on {socket.gethostname()}\n".encode())
    workspace.set_info(demo=True, seed=seed)
    # Series first, so a reader that lists meetings while we write can always name their series.
    workspace.series.add_many(list(SERIES))
    _write_meetings(workspace, data.meetings, progress)
    workspace.objectives.add_many(data.objectives)
    workspace.insights.add_many(data.insights)
    workspace.content.add_many(data.content)
    workspace.shadow_days.add_many(data.shadow_days)
    write_leads(workspace, data.leads, data.sla)
    marker.unlink()  # every file above was fsynced first: the marker goes only once they are whole
    return data.summary()


def _write_meetings(workspace: Workspace, records: list[MeetingRecord], progress: Callable[[int, int], None] | None) -> None:
    """One atomic write per meeting file, several at once.

    No writer lock per meeting: the seeding lock keeps the folder to this seeding and each
    file is created once, never rewritten, so a lock (its holder file written and fsynced,
    a ``.lock`` file left behind) only doubled the time of a large demo."""

    def write(record: MeetingRecord) -> None:
        AtomicStorage(workspace.meeting_path(record.meeting.id), kind="meeting", before_write=workspace.before_write).write(meeting_tables(record))

    total = len(records)
    with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="tandem-demo") as pool:
        futures = [pool.submit(write, record) for record in records]
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                future.result()
                if progress is not None:
                    progress(done, total)
        except BaseException:
            # Stopped (an error, Ctrl-C): the writes under way finish, no new one starts, and
            # the marker left behind has the half-built demo built again next time.
            pool.shutdown(wait=True, cancel_futures=True)
            raise


@contextmanager
def seeding_lock(workspace: Workspace) -> Iterator[None]:
    """Hold the demo folder for one ``tandem demo``: two at once in the same folder wrote
    every record twice (41 duplicate ids for a doctor to find). The lock lives in the
    folder, so :func:`clear_demo` keeps it."""
    ensure_dir(workspace.home)
    lock = WriterLock(workspace.home / SEEDING_LOCK, subject=str(workspace.home), meeting=False, now=workspace.now)
    try:
        lock.acquire()
    except TandemError:
        holder = _holder_sentence(lock.holder_path)
        raise TandemError(f"The demo workspace at {workspace.home} is being created by {holder}; try again once it is ready.") from None
    try:
        yield
    finally:
        lock.release()


def seeding_interrupted(workspace: Workspace) -> bool:
    """Whether a demo seeding was killed halfway here (its marker is still there), in a
    folder that holds nothing but that demo."""
    if not (workspace.home / SEEDING_MARKER).is_file():
        return False
    return workspace.is_empty() or bool(workspace.info().get("demo"))


def clear_demo(workspace: Workspace) -> None:
    """Empty a demo folder for a new seeding, under :func:`seeding_lock` (which stays).
    Symlinks are removed, never followed."""
    keep = {SEEDING_LOCK, str(Path(SEEDING_LOCK).with_suffix(".holder"))}
    with os.scandir(workspace.home) as entries:
        for entry in entries:
            if entry.name in keep:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)


# --- the builder ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Slot:
    day: date
    series_id: str
    id: str = ""
    status: str = "finalized"
    t: float = 0.0  # position on the whole timeline
    wt: float = 0.0  # position in the objectives' period
    index: int = 0  # position within its series
    shadow: ShadowDay | None = None


@dataclass(slots=True)
class _Data:
    meetings: list[MeetingRecord]
    objectives: list[Objective]
    insights: list[ProspectInsight]
    content: list[ContentItem]
    shadow_days: list[ShadowDay]
    #: The CRM's lead lists of the last six months and the SLA's versions (``demo_leads``).
    leads: list[Lead] = field(default_factory=list)
    sla: list[SlaVersion] = field(default_factory=list)

    def summary(self) -> DemoSummary:
        actions = [a for r in self.meetings for a in r.actions]
        people = {a.name for r in self.meetings for a in r.meeting.people}
        return DemoSummary(
            series=len(SERIES),
            people=len(people),
            meetings=len(self.meetings),
            objectives=len(self.objectives),
            lead_feedback=sum(len(r.lead_feedback) for r in self.meetings),
            insights=len(self.insights),
            content=len(self.content),
            shadow_days=len(self.shadow_days),
            actions_open=sum(a.status == "open" for a in actions),
            actions_closed=sum(a.status != "open" for a in actions),
        )


@dataclass(slots=True)
class _SeriesActions:
    """One series' action items as its meetings go by, so that a meeting's action review
    counts what is still open without walking the series' whole history. Meetings of a series
    come in date order, so an item once overdue stays overdue and one closed stays closed."""

    #: Every action item of the series, in the order they were given.
    actions: list[ActionItem] = field(default_factory=list)
    #: How many of ``actions`` are filed below (those of earlier meetings).
    filed: int = 0
    #: Items never closed: how many, those not yet due as a heap of (due, order, item), and of
    #: the overdue ones how many, their owners and the one given first.
    open_count: int = 0
    not_due: list[tuple[str, int, ActionItem]] = field(default_factory=list)
    overdue: int = 0
    overdue_owners: set[str] = field(default_factory=set)
    first_stuck: tuple[int, ActionItem] | None = None
    #: Items a later meeting closes, kept until that meeting has passed (at most a year on).
    closing: list[ActionItem] = field(default_factory=list)

    def review(self, meeting_id: str, day: str) -> tuple[int, list[ActionItem], ActionItem | None]:
        """As of the meeting ``meeting_id`` on ``day``: how many items of earlier meetings are
        still open, the overdue ones among those a later meeting closes, and the first given
        of the overdue ones never closed (counted in ``overdue``, named in ``overdue_owners``)."""
        actions = self.actions
        while self.filed < len(actions) and actions[self.filed].meeting_id != meeting_id:
            action, order = actions[self.filed], self.filed
            self.filed += 1
            if action.status == "open":
                self.open_count += 1
                heapq.heappush(self.not_due, (action.due, order, action))
            else:
                self.closing.append(action)
        self.closing = [a for a in self.closing if a.closed_on > day]
        while self.not_due and self.not_due[0][0] < day:
            _, order, action = heapq.heappop(self.not_due)
            self.overdue += 1
            self.overdue_owners.add(action.owner.split()[0])
            if self.first_stuck is None or order < self.first_stuck[0]:
                self.first_stuck = (order, action)
        late = [a for a in self.closing if a.due < day]
        return self.open_count + len(self.closing), late, None if self.first_stuck is None else self.first_stuck[1]


@dataclass(slots=True)
class _Ctx:
    """One meeting while it is being generated."""

    slot: _Slot
    facilitator: str
    present: list[str]
    record: MeetingRecord
    item: AgendaItem | None = None
    checkins: list[tuple[ObjectiveSpec, CheckIn, CheckIn | None]] = field(default_factory=list)

    def here(self, *names: str) -> list[str]:
        return [n for n in names if n in self.present]

    def sales(self) -> list[str]:
        return [n for n in self.present if P[n].team == "sales"]

    def marketing(self) -> list[str]:
        return [n for n in self.present if P[n].team == "marketing"]


class _Builder:
    def __init__(self, *, meetings: int, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.n = meetings
        self.today = today
        self.window_start = today - timedelta(days=182)
        self.records: list[MeetingRecord] = []
        self.series_slots: dict[str, list[_Slot]] = {s.id: [] for s in SERIES}
        self.objectives = {spec.key: self._objective(spec) for spec in OBJECTIVES}
        self.insights: dict[int, ProspectInsight] = {}
        self.content: list[ContentItem] = []
        self.content_by_id: dict[str, ContentItem] = {}
        #: Content with an ETA as (eta, order made, item), sorted. ETAs only change in
        #: finish_content, after the last meeting.
        self.by_eta: list[tuple[str, int, ContentItem]] = []
        self.shadow_days: list[ShadowDay] = []
        #: Shadow days as (date, position in shadow_days), sorted, once they are planned.
        self.shadow_dates: list[tuple[str, int]] = []
        self.titles: set[str] = set()
        #: Per content title, the lowest "(vN)" edition that may be free: all below are taken.
        self.next_edition: dict[str, int] = {}
        self.content_created: dict[str, date] = {}
        self.slips: set[str] = set()  # content that misses its ETA and is still in progress today
        self.plan_used = 0
        self.ideas_used = 0
        # Actions by the meeting that will close them, so that meeting's review can say so.
        self.closing: dict[str, list[ActionItem]] = {}
        self.series_actions: dict[str, _SeriesActions] = {s.id: _SeriesActions() for s in SERIES}
        self.action_texts: set[str] = set()
        self.carry: dict[str, list[ParkedItem]] = {}
        self.events: dict[str, set[str]] = {}
        #: Decisions a later meeting of the story changes, by story key: (decision, date).
        self.story_decisions: dict[str, tuple[Decision, str]] = {}
        # Insights kept back from the weekly voice-of-the-prospect item because a shadow day
        # is where they will first be heard.
        self.reserved: set[int] = set()
        self._recent: dict[str, list[int]] = {}
        #: The first meeting's day and the days to the last held: the timeline ``t`` spans.
        self.first_day = today
        self.span = 1
        #: The lead lists and the SLA, once there are meetings (``demo_leads``).
        self.lists: DemoLeads | None = None

    # --- small random helpers -----------------------------------------------------------

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def weighted(self, weights: dict[str, float]) -> str:
        return weighted(self.rng, weights)

    def fresh(self, bank_name: str, bank: Sequence[str], memory: int = 4) -> str:
        """A template from ``bank`` not used in the last ``memory`` picks: notes must not read canned."""
        recent = self._recent.setdefault(bank_name, [])
        choices = [i for i in range(len(bank)) if i not in recent] or list(range(len(bank)))
        index = self.pick(choices)
        recent.append(index)
        del recent[: max(0, len(recent) - min(memory, len(bank) - 1))]
        return bank[index]

    def fill(self, template: str, ctx: _Ctx | None = None, *, on: date | None = None, **extra: Any) -> str:
        rng = self.rng
        day = on or (ctx.slot.day if ctx else self.today)
        sales = (ctx.sales() if ctx else []) or list(SALES)
        mkt = (ctx.marketing() if ctx else []) or list(MARKETING)
        values = {
            "n": rng.randint(3, 40),
            "m": rng.randint(5, 45),
            "k": rng.randint(2, 5),
            "h": rng.randint(2, 30),
            "q": (day.month - 1) // 3 + 1,
            "yy": rng.randint(18, 25),
            "comp": self.pick(COMPETITORS),
            "company": self.pick(COMPANIES),
            "event": self.pick(EVENTS),
            "source": self.pick(list(SHORT_SOURCE.values())),
            "sales": self.pick(sales),
            "mkt": self.pick(mkt),
            "field": self.pick(FIELDS),
            "rule": self.pick(SCORING_RULES),
            "content": self.content_title_near(day),
            "campaign": self.pick(CAMPAIGN_NAMES),
            "day": day_label(day + timedelta(days=rng.randint(2, 13))),
            "a": 40,
            "w": rng.randint(4, 8),
            "few": rng.randint(6, 25),
            "days": rng.choice((30, 60, 90)),
            "b": rng.choice((50, 55, 60)),
            "short": self.pick(INSIGHTS).text.split(",")[0].rstrip("?"),
        }
        values.update(extra)
        return template.format(**values)

    def id(self) -> str:
        return new_id(self.rng)

    # --- the whole build ----------------------------------------------------------------------

    def build(self) -> _Data:
        slots = self.schedule()
        self.plan_shadow_days(slots)
        self.shadow_dates = sorted((s.date, i) for i, s in enumerate(self.shadow_days))
        self.plan_events(slots)
        if slots:
            leave = next((s.day for s in slots if "sdr_leave" in self.events.get(s.id, ())), None)
            self.lists = DemoLeads(seed=self.seed, today=self.today, timeline=self.timeline, leave=leave)
            self.plan_sla(slots)
        for slot in slots:
            self.records.append(self.meeting(slot))
        self.finish_content()
        objectives = list(self.objectives.values())
        for objective in objectives:
            if objective.checkins:
                last = objective.checkins[-1]
                objective.current = last.value
                objective.status = last.status
        insights = [self.insights[i] for i in sorted(self.insights, key=lambda i: (self.insights[i].date, i))]
        data = _Data(self.records, objectives, insights, self.content, self.shadow_days)
        if self.lists is not None:
            data.leads, data.sla = self.lists.finish([P[n].name for n in SLA_AGREED_BY])
            attach_scorecards(data.meetings, data.leads, data.sla)
        return data

    # --- when meetings happen -----------------------------------------------------------------

    def schedule(self) -> list[_Slot]:
        if self.n == 0:
            return []
        rng, today = self.rng, self.today

        def on_or_before(d: date, weekday: int) -> date:
            return d - timedelta(days=(d.weekday() - weekday) % 7)

        weekly_first = on_or_before(today, 1) + timedelta(days=7)  # next Tuesday: planned
        review_first = on_or_before(today, 3)
        debrief_first = on_or_before(today - timedelta(days=10), 4)
        # Go back a week at a time, as far as it takes to hold n meetings at the usual cadence,
        # walking each series back once (rebuilding the calendar every week was quadratic).
        # Each debrief draws the gap to the one before it when it is reached, as it always
        # has: a seed gives the same calendar.
        weekly: list[tuple[date, str]] = []
        reviews: list[tuple[date, str]] = []
        debriefs: list[tuple[date, str]] = []
        weekly_next, review_next, debrief_next = weekly_first, review_first, debrief_first
        weeks = 26
        while True:
            start = today - timedelta(weeks=weeks)
            while weekly_next >= start:
                weekly.append((weekly_next, WEEKLY))
                weekly_next -= timedelta(days=7)
            while review_next >= start:
                reviews.append((review_next, REVIEW))
                review_next -= timedelta(days=14)
            while debrief_next >= start:
                debriefs.append((debrief_next, DEBRIEF))
                debrief_next -= timedelta(weeks=rng.choice((4, 5, 5, 6)))
            if len(weekly) + len(reviews) + len(debriefs) >= self.n:
                break
            weeks += 1
        found = weekly + reviews + debriefs
        found.sort(key=lambda s: (s[0], SERIES_ORDER[s[1]]))
        excess = len(found) - self.n
        # A few skipped weeks (holidays, a trade show) read truer than a perfect calendar; the
        # rest of the surplus is the oldest meetings.
        skippable = [s for s in found[2:] if s[1] == WEEKLY and s[0] < today - timedelta(days=14)]
        skips = min(excess, len(skippable) // 8)
        for s in rng.sample(skippable, skips):
            found.remove(s)
        found = found[excess - skips :]

        slots = [_Slot(day=d, series_id=s) for d, s in found]
        taken: set[str] = set()
        for slot in slots:
            slot.id = make_meeting_id(slot.day, slot.series_id, taken)
            taken.add(slot.id)
            series = self.series_slots[slot.series_id]
            slot.index = len(series)
            series.append(slot)
        past = [s for s in slots if s.day < today]
        for slot in slots:
            if slot.day >= today:
                slot.status = "planned"
            elif slot in past[-2:]:
                slot.status = "ended"  # minutes not finalized yet
            elif rng.random() < 0.04:
                slot.status = "ended"
        first = slots[0].day
        last = past[-1].day if past else first
        span = max(1, (last - first).days)
        self.first_day, self.span = first, span
        period = max(1, (today - self.window_start).days)
        for slot in slots:
            slot.t = (slot.day - first).days / span
            slot.wt = (slot.day - self.window_start).days / period
        return slots

    def next_in_series(self, slot: _Slot, k: int = 1) -> _Slot | None:
        series = self.series_slots[slot.series_id]
        return series[slot.index + k] if slot.index + k < len(series) else None

    def year_later(self, slot: _Slot) -> _Slot | None:
        """The series' first meeting a year or more after ``slot``."""
        series = self.series_slots[slot.series_id]
        due = slot.day + timedelta(days=365)
        for later in series[slot.index + 1 :]:
            if later.day >= due:
                return later
        return None

    def next_day(self, slot: _Slot) -> date:
        later = self.next_in_series(slot)
        if later is not None:
            return later.day
        return slot.day + timedelta(days={WEEKLY: 7, REVIEW: 14, DEBRIEF: 35}[slot.series_id])

    def plan_events(self, slots: list[_Slot]) -> None:
        """Pin each turn of the story to the first suitable meeting at or after it."""
        held = [s for s in slots if s.status != "planned"]

        def pin(name: str, series_id: str, t: float, *, window: bool = False) -> None:
            for slot in held:
                if slot.series_id == series_id and (slot.wt if window else slot.t) >= t:
                    self.events.setdefault(slot.id, set()).add(name)
                    return

        pin("list_warning", WEEKLY, LIST_WARNING)
        pin("li_decision", WEEKLY, LI_DECISION)
        pin("list_decision", REVIEW, LIST_DECISION)
        pin("routing_decision", WEEKLY, 0.5, window=True)
        pin("sdr_leave", WEEKLY, 0.84, window=True)
        # Decisions do not last for ever: the narrowed LinkedIn audience is widened again
        # once "no fit" is down, and the paused list comes back once it is clean.
        pin("li_widen", WEEKLY, 0.8)
        pin("list_resume", REVIEW, 0.8)

    def timeline(self, day: date) -> float:
        """``day``'s position on the whole timeline, as a slot's ``t``; a lead of the lists
        from before the first meeting is as at the first (the story's trends start there)."""
        return min(1.0, max(0.0, (day - self.first_day).days / self.span))

    def plan_sla(self, slots: list[_Slot]) -> None:
        """The weekly syncs that agree the SLA and tighten it: the first held from each of
        the story's dates (none: that version is recorded outside a meeting)."""
        assert self.lists is not None
        kickoff, tighten = self.lists.sla_dates()
        for name, start, end in (("sla_v1", kickoff, tighten), ("sla_v2", tighten, self.today)):
            slot = next((s for s in slots if s.series_id == WEEKLY and s.status != "planned" and start <= s.day < end), None)
            if slot is not None:
                self.events.setdefault(slot.id, set()).add(name)

    def has_event(self, ctx: _Ctx, name: str) -> bool:
        return name in self.events.get(ctx.slot.id, ())

    # --- shadow days ------------------------------------------------------------------------

    def plan_shadow_days(self, slots: list[_Slot]) -> None:
        rng = self.rng
        debriefs = [s for s in slots if s.series_id == DEBRIEF]
        direction = rng.choice(("marketing_to_sales", "sales_to_marketing"))
        shadows = {"marketing_to_sales": list(MARKETING), "sales_to_marketing": list(SALES)}
        hosts = {"marketing_to_sales": list(SALES), "sales_to_marketing": list(MARKETING)}
        for pool in (*shadows.values(), *hosts.values()):
            rng.shuffle(pool)
        turn = {"marketing_to_sales": 0, "sales_to_marketing": 0}

        def pair(direction: str) -> tuple[str, str]:
            i = turn[direction]
            turn[direction] += 1
            shadow = shadows[direction][i % len(shadows[direction])]
            host = hosts[direction][(i + i // len(hosts[direction])) % len(hosts[direction])]
            return shadow, host

        for slot in debriefs:
            day = slot.day - timedelta(days=rng.randint(3, 8))
            if day.weekday() >= 5:
                day -= timedelta(days=day.weekday() - 4)
            shadow, host = pair(direction)
            slot.shadow = self.shadow_day(day, direction, shadow, host, slot)
            direction = "sales_to_marketing" if direction == "marketing_to_sales" else "marketing_to_sales"
        upcoming = self.today + timedelta(days=rng.randint(5, 12))
        if upcoming.weekday() >= 5:
            upcoming += timedelta(days=7 - upcoming.weekday())
        shadow, host = pair(direction)
        self.shadow_days.append(
            ShadowDay(
                id=self.id(),
                shadow=P[shadow].name,
                host=P[host].name,
                direction=direction,
                date=upcoming.isoformat(),
                activities=[Activity(title=a) for a in DEFAULT_ACTIVITIES[direction]],
                status="planned",
            )
        )

    def shadow_day(self, day: date, direction: str, shadow: str, host: str, debrief: _Slot) -> ShadowDay:
        rng = self.rng
        titles = list(DEFAULT_ACTIVITIES[direction])
        if rng.random() < 0.5:
            titles.append(self.pick(EXTRA_ACTIVITIES[direction]))
        activities = []
        for title in titles:
            notes = ""
            if title in ACTIVITY_NOTES:
                content = self.pick(CONTENT_PLAN)[1].split(": ", 1)[-1]
                notes = self.fill(self.pick(ACTIVITY_NOTES[title]), on=day, host=host, content=content)
            activities.append(Activity(title=title, done=True, notes=notes))
        categories = list(TAKEAWAY_CATEGORIES) + rng.sample(
            ["learned", "surprised_me", "will_use", "suggested_improvement", "hand_off_friction"], rng.randint(1, 3)
        )
        rng.shuffle(categories)
        moments = sorted(rng.sample(range(9 * 60 + 10, 17 * 60 + 30, 5), len(categories)))
        takeaways = []
        used: set[str] = set()
        for category, minute in zip(categories, moments, strict=True):
            if category == "prospect_insight":
                free = [i for i in range(len(INSIGHTS)) if i not in self.reserved]
                index = self.pick(free or range(len(INSIGHTS)))
                self.reserved.add(index)
                spec = INSIGHTS[index]
                where = "on calls" if direction == "marketing_to_sales" else "in the webinar Q&A"
                text = f"Heard {rng.randint(2, 4)}× {where}: “{spec.text}”"
            else:
                options = [o for o in TAKEAWAYS[direction][category] if o not in used] or list(TAKEAWAYS[direction][category])
                template = self.pick(options)
                used.add(template)
                text = self.fill(template, on=day, host=host, n=rng.randint(4, 40))
            at = datetime.combine(day, time(minute // 60, minute % 60))
            takeaways.append(Takeaway(id=self.id(), category=category, text=text, at=at.isoformat()))
        owner = self.pick((shadow, host))
        report_back = debrief.day + timedelta(days=rng.choice((14, 21, 28)))
        shadow_day = ShadowDay(
            id=self.id(),
            shadow=P[shadow].name,
            host=P[host].name,
            direction=direction,
            date=day.isoformat(),
            activities=activities,
            takeaways=takeaways,
            experiment=Experiment(text=self.pick(EXPERIMENTS[direction]), owner=P[owner].name, report_back=report_back.isoformat()),
            status="done",
        )
        self.shadow_days.append(shadow_day)
        return shadow_day

    # --- one meeting ----------------------------------------------------------------------------

    def attendance(self, slot: _Slot) -> tuple[str, list[str], list[str]]:
        rng = self.rng
        if slot.series_id == WEEKLY:
            facilitator = "Zoë" if slot.day.month % 2 else "Maya"
            core = ["Maya", "Zoë", "José", "Priya", "Kenji", "Hannah", "Olu", "Ingrid"]
            extra = ["Tom", "Aisha", "Sofia", "Lukas"]
            must = {facilitator}
        elif slot.series_id == REVIEW:
            facilitator = "Ingrid"
            core = ["Ingrid", "Maya", "Zoë", "Kenji", "Hannah", "Sofia", "Lukas"]
            extra = ["José", "Olu", "Tom", "Priya"]
            must = {facilitator}
        else:
            assert slot.shadow is not None
            shadow, host = slot.shadow.shadow.split()[0], slot.shadow.host.split()[0]
            facilitator = "Hannah" if "Hannah" not in (shadow, host) else "Ingrid"
            core = list(dict.fromkeys([facilitator, shadow, host, "Maya", "Zoë"]))
            extra = [p for p in ("Priya", "Kenji", "Olu", "José", "Sofia") if p not in core]
            must = {facilitator, shadow, host}
        invited = core + [p for p in extra if rng.random() < 0.35]
        absent = [p for p in invited if p not in must and rng.random() < 0.08]
        for team in ("sales", "marketing"):  # a sync with one team missing would not go ahead
            if all(P[p].team != team for p in invited if p not in absent):
                absent.remove(next(p for p in absent if P[p].team == team))
        present = [p for p in invited if p not in absent]
        present.sort(key=PERSON_ORDER.__getitem__)
        absent.sort(key=PERSON_ORDER.__getitem__)
        return facilitator, present, absent

    def agenda_plan(self, slot: _Slot) -> list[str]:
        rng = self.rng
        if slot.series_id == WEEKLY:
            optional = rng.sample(["wins", "sales_ideas", "handoff", "campaigns"], rng.choice((0, 1, 1, 2)))
            if "handoff" not in optional and self.events.get(slot.id, set()) & {"routing_decision", "sdr_leave"}:
                optional = [*optional[:1], "handoff"]  # at most 7 items in all
            return ["objectives", "lead_quality", "pipeline_out", "voice", *optional, "actions"]
        if slot.series_id == REVIEW:
            optional = ["review_decisions"] if rng.random() < 0.4 else []
            return ["review_numbers", "by_source", "content_pipe", "sales_ideas", "voice", *optional, "actions"]
        plan = ["recap", "surprises", "friction", "heard", "experiment"]
        if rng.random() < 0.3:
            plan.remove("surprises")
        if rng.random() < 0.5:
            plan.append("next_pairing")
        return [*plan, "actions"]

    def meeting(self, slot: _Slot) -> MeetingRecord:
        rng = self.rng
        facilitator, present, absent = self.attendance(slot)
        title = SERIES_TITLE[slot.series_id]
        if slot.shadow is not None:
            team = "sales" if slot.shadow.direction == "marketing_to_sales" else "marketing"
            title = f"Shadow-day debrief: {slot.shadow.shadow.split()[0]} in {team}"
        meeting = Meeting(
            id=slot.id,
            series_id=slot.series_id,
            title=title,
            date=slot.day.isoformat(),
            facilitator=P[facilitator].name,
            attendees=[P[n].attendee() for n in present],
            absentees=[P[n].attendee() for n in absent],
            status=slot.status,
            next_meeting=self.next_day(slot).isoformat(),
            # The series' template, adapted week by week as real facilitators do.
            template_id=SERIES_TEMPLATE[slot.series_id],
        )
        record = MeetingRecord(meeting=meeting)
        ctx = _Ctx(slot=slot, facilitator=facilitator, present=present, record=record)
        kinds = self.agenda_plan(slot)
        carried = self.carry.pop(slot.id, [])
        held = slot.status != "planned"
        # Carried-over items go just before the action review.
        sequence: list[str | None] = [*kinds[:-1], *([None] * len(carried)), kinds[-1]]
        for kind in sequence:
            if kind is None:
                parked = carried.pop(0)
                if len(record.agenda) >= 6:
                    parked.carried_to = ""  # no room this time: it stays in the lot
                    continue
                item = AgendaItem(
                    id=self.id(),
                    title=parked.text[:300],
                    position=len(record.agenda),
                    timebox_min=5,
                    prompts=["What do we need to decide today?", "Who owns the follow-up?"],
                    captures="decision",
                    carried_from=parked.meeting_id,
                )
                kind = "carried"
            else:
                item = self.agenda_item(kind, ctx, len(record.agenda))
            record.agenda.append(item)
            ctx.item = item
            if held:
                self.run_item(kind, ctx)
            elif rng.random() < 0.3:
                item.notes = self.prep_note(ctx)
        if held:
            self.close_meeting(ctx)
            self.change_decisions(ctx)
        return record

    def change_decisions(self, ctx: _Ctx) -> None:
        """Supersede or reverse a decision of earlier in the story. Its ids come from their
        own generator: the story's draws, and so the rest of the demo, stay as they were."""
        changes = (
            ("li_widen", "li", "supersedes", "Widen LinkedIn ads to 100–2,000 employees; agencies stay excluded", ("Zoë", "Kenji")),
            ("list_resume", "list", "reverses", "Resume DataNova uploads: the re-verified list bounces under 3%", ("Olu", "Maya")),
        )
        for event, key, how, text, by in changes:
            if not self.has_event(ctx, event) or key not in self.story_decisions:
                continue
            earlier, day = self.story_decisions[key]
            names = [n for n in by if n in ctx.present] or [ctx.facilitator]
            line = f"{earlier.text} ({earlier.decided_by})" if earlier.decided_by else earlier.text
            ctx.record.decisions.append(
                Decision(
                    id=new_id(random.Random(f"{ctx.slot.id}/{event}")),
                    text=text,
                    meeting_id=ctx.slot.id,
                    agenda_item_id=ctx.record.agenda[-1].id if ctx.record.agenda else "",
                    decided_by=" & ".join(P[n].name for n in names),
                    earlier_text=line,
                    earlier_date=day,
                    **{how: earlier.id},
                )
            )

    def agenda_item(self, kind: str, ctx: _Ctx, position: int) -> AgendaItem:
        spec = ITEMS[kind]
        title = spec.title
        presenter = ""
        team = spec.team
        if kind in PRESENTER:
            presenter = next(iter(ctx.here(*PRESENTER[kind])), "")
        shadow = ctx.slot.shadow
        if shadow is not None and kind == "recap":
            other = "sales" if shadow.direction == "marketing_to_sales" else "marketing"
            title = f"Recap: {shadow.shadow.split()[0]}'s day in {other} (host: {shadow.host.split()[0]})"
            presenter = shadow.shadow.split()[0]
            team = P[presenter].team
        count = self.rng.choice((2, 3, 3))
        prompts = [spec.prompts[i] for i in sorted(self.rng.sample(range(len(spec.prompts)), min(count, len(spec.prompts))))]
        return AgendaItem(
            id=self.id(),
            title=title,
            position=position,
            timebox_min=self.pick(spec.timebox),
            prompts=prompts,
            presenter=P[presenter].name if presenter else "",
            presenter_team=team,
            captures=spec.captures,
            standing=spec.standing,
        )

    def prep_note(self, ctx: _Ctx) -> str:
        who = self.pick(ctx.present)
        return self.pick(
            (
                f"- Prep: {who} brings the numbers",
                f"- {who} to pre-read the dashboard before we start",
                f"- Carry over from {day_label(ctx.slot.day - timedelta(days=7))} if not closed",
                f"- Ask {who} for an update",
            )
        )

    def run_item(self, kind: str, ctx: _Ctx) -> None:
        """Decide how the item went, write its notes and capture its records."""
        rng = self.rng
        item = ctx.item
        assert item is not None
        # Items whose records other data points at (check-ins, closures, experiments) always run.
        core = kind in (
            "objectives",
            "lead_quality",
            "review_numbers",
            "by_source",
            "content_pipe",
            "recap",
            "heard",
            "experiment",
            "carried",
            "actions",
        )
        roll = rng.random()
        if not core and roll < 0.05:
            item.status = "skipped"
            item.notes = self.pick(("", "- Out of time → next week", "- Skipped, nothing new", "- Skipped; async in Slack"))
            return
        if not core and roll < 0.09:
            item.status = "parked"
            item.elapsed_s = float(rng.randint(45, 150))
            item.notes = f"- Parked: needs {self.pick(ctx.present)} + data, back next time"
            # Worded as its own topic: the next meeting already has this standing item.
            self.park(ctx, f"Finish from {day_label(ctx.slot.day)}: {item.title[0].lower()}{item.title[1:]}")
            return
        item.status = "done"
        item.elapsed_s = float(round(item.timebox_min * 60 * max(0.45, rng.gauss(1.0, 0.2))))
        handler = getattr(self, f"do_{kind}")
        lines = handler(ctx) or [self.pick(("Nothing new this time", "Quick round, no changes", "Covered in Slack already"))]
        item.notes = "\n".join(line if line.startswith("  ") else f"- {line}" for line in lines if line)

    def close_meeting(self, ctx: _Ctx) -> None:
        rng = self.rng
        meeting = ctx.record.meeting
        start = datetime.combine(ctx.slot.day, START_TIME[ctx.slot.series_id]) + timedelta(minutes=rng.randint(0, 4), seconds=rng.randint(0, 59))
        elapsed = sum(item.elapsed_s for item in ctx.record.agenda)
        meeting.started_at = start.isoformat()
        meeting.ended_at = (start + timedelta(seconds=elapsed + rng.randint(20, 120))).isoformat()
        meeting.clock_elapsed = float(elapsed)
        if meeting.status == "finalized" and rng.random() < 0.6:
            meeting.rating = rng.choices((3, 4, 5), weights=(2, 5, 3))[0]
            if rng.random() < 0.4:
                meeting.rating_comment = self.fresh("rating", RATING_COMMENTS)
        if rng.random() < 0.15:  # raised in passing during one of the items
            ctx.item = self.pick(ctx.record.agenda)
            self.park(ctx, self.fill(self.fresh("parking", PARKING), ctx))

    # --- records captured during a meeting ----------------------------------------------------

    def decide(self, ctx: _Ctx, text: str, by: Sequence[str] = ()) -> Decision:
        names = [n for n in by if n in ctx.present] or [ctx.facilitator]
        decision = Decision(
            id=self.id(),
            text=text,
            meeting_id=ctx.slot.id,
            agenda_item_id=ctx.item.id if ctx.item else "",
            decided_by=" & ".join(P[n].name for n in names),
        )
        ctx.record.decisions.append(decision)
        return decision

    def act(self, ctx: _Ctx, text: str, owner: str, *, due: date | None = None) -> ActionItem:
        rng = self.rng
        self.action_texts.add(text)
        slot = ctx.slot
        if owner not in ctx.present:
            owner = self.pick(ctx.present)
        due = due or (slot.day + timedelta(days=7 * rng.choice((1, 1, 2, 2, 3))))
        action = ActionItem(
            id=self.id(),
            text=text,
            owner=P[owner].name,
            due=due.isoformat(),
            meeting_id=slot.id,
            agenda_item_id=ctx.item.id if ctx.item else "",
        )
        # Decide now how it ends: the later meeting that closes it is already scheduled.
        age = (self.today - slot.day).days
        stays_open = rng.random() < (0.03 if age > 70 else 0.15 if age > 21 else 0.35)
        later: _Slot | None = None
        if not stays_open:
            later = self.next_in_series(slot, rng.choices((1, 2, 3), weights=(60, 28, 12))[0])
            if later is not None and later.status != "planned":
                action.status = "dropped" if rng.random() < 0.09 else "done"
        elif age > 365:
            # Nobody keeps a forgotten to-do for ever: a year on, the series drops it. Without
            # this a long history piles hundreds of open items into every action review, so
            # a large demo would not be a larger version of the same team.
            later = self.year_later(slot)
            if later is not None and later.status != "planned":
                action.status = "dropped"
        if later is not None and action.status != "open":
            action.closed_on = later.day.isoformat()
            action.closed_in = later.id
            self.closing.setdefault(later.id, []).append(action)
        ctx.record.actions.append(action)
        self.series_actions[slot.series_id].actions.append(action)
        return action

    def park(self, ctx: _Ctx, text: str) -> None:
        parked = ParkedItem(id=self.id(), text=text, meeting_id=ctx.slot.id, agenda_item_id=ctx.item.id if ctx.item else "")
        later = self.next_in_series(ctx.slot)
        if later is not None and self.rng.random() < 0.7:
            parked.carried_to = later.id
            self.carry.setdefault(later.id, []).append(parked)
        ctx.record.parking_lot.append(parked)

    def lead(self, ctx: _Ctx, *, batch_ok: bool) -> LeadFeedback:
        rng, t, day = self.rng, ctx.slot.t, ctx.slot.day
        source = self.weighted(source_weights(t))
        outcome = draw_outcome(rng, source, t)
        listed = None
        if batch_ok and source in (TRADE_SHOW, OUTBOUND) and rng.random() < 0.3:
            what = f"{self.pick(EVENTS)} scans" if source == TRADE_SHOW else f"DataNova upload {MON[day.month]}"
            reference = f"Batch: {what} ({rng.randint(12, 60)} leads)"
        else:
            reference = f"SF-{rng.randint(100000, 999999)}"  # drawn all the same: the draws after stay as they were
            if self.lists is not None and self.lists.in_window(day):
                # Once the lists are imported, the lead discussed is one of them, by its CRM id.
                listed = self.lists.claim(source, self.starts(ctx))
                if listed is not None:
                    reference = listed.reference
        reporter = self.pick(ctx.sales() or ctx.present)
        feedback = LeadFeedback(
            id=self.id(),
            reference=reference,
            verdict=outcome.verdict,
            meeting_id=ctx.slot.id,
            agenda_item_id=ctx.item.id if ctx.item else "",
            source=webinar_source(day) if source == WEBINAR else source,
            persona=outcome.persona,
            stage_reached=outcome.stage,
            disposition=outcome.disposition,
            reasons=outcome.reasons,
            stage_lost=outcome.stage_lost,
            comment="" if rng.random() < 0.2 else self.fill(self.pick(outcome.comments), ctx),
            reporter=P[reporter].name,
        )
        ctx.record.lead_feedback.append(feedback)
        if listed is not None and self.lists is not None:
            self.lists.given(listed, feedback, self.starts(ctx))
        return feedback

    @staticmethod
    def starts(ctx: _Ctx) -> datetime:
        """When the meeting is due to start (it starts a few minutes later)."""
        return datetime.combine(ctx.slot.day, START_TIME[ctx.slot.series_id])

    def from_the_lists(self, ctx: _Ctx) -> list[str]:
        """The weekly lead-quality item's part of the lists: the leads triaged from the
        imported list, and the SLA when this is the meeting that agrees or tightens it. Drawn
        from the lists' generator (ids of the SLA's records from their own): the meeting's
        draws stay as they were."""
        lists, item = self.lists, ctx.item
        if lists is None or item is None or not lists.in_window(ctx.slot.day):
            return []
        lines = []
        start = self.starts(ctx)
        triaged = [
            lists.feedback(draft, meeting_id=ctx.slot.id, agenda_item_id=item.id, reporters=[P[n].name for n in ctx.sales() or ctx.present], at=start)
            for draft in lists.triage(start)
        ]
        ctx.record.lead_feedback += triaged
        if triaged:
            counts = Counter(f.disposition for f in triaged)
            said = ", ".join(f"{counts[d]} {d}" for d in ("accepted", "rejected", "recycled") if counts[d])
            lines.append(f"Triaged {len(triaged)} more from the imported list: {said}")
        for number in (1, 2):
            if not self.has_event(ctx, f"sla_v{number}"):
                continue
            ids = random.Random(f"{ctx.slot.id}/sla-v{number}")
            decision_id, version_id = new_id(ids), new_id(ids)
            agreed = [P[n].name for n in SLA_AGREED_BY if n in ctx.present] or [P[ctx.facilitator].name]
            text = lists.agree(
                number=number,
                day=ctx.slot.day,
                meeting_id=ctx.slot.id,
                decision_id=decision_id,
                version_id=version_id,
                agreed_by=agreed,
                at=start + timedelta(minutes=20),
            )
            ctx.record.decisions.append(Decision(id=decision_id, text=text, meeting_id=ctx.slot.id, agenda_item_id=item.id, decided_by=", ".join(agreed)))
            lines.append(SLA_NOTES[number])
        return lines

    def hear(self, ctx: _Ctx, index: int, reporter: str, *, shadow_day_id: str = "") -> ProspectInsight:
        insight = self.insights.get(index)
        if insight is None:
            spec = INSIGHTS[index]
            insight = ProspectInsight(
                id=self.id(),
                text=spec.text,
                kind=spec.kind,
                persona=spec.persona,
                journey_stage=spec.stage,
                reporter=P[reporter].name,
                meeting_id=ctx.slot.id,
                agenda_item_id=ctx.item.id if ctx.item else "",
                shadow_day_id=shadow_day_id,
                date=ctx.slot.day.isoformat(),
            )
            self.insights[index] = insight
        else:
            insight.times_heard += 1
        return insight

    def new_content(
        self,
        ctx: _Ctx,
        kind: str,
        title: str,
        persona: str,
        stage: str,
        *,
        by_sales: bool,
        insight: ProspectInsight | None = None,
        weeks: tuple[int, int] = (2, 8),
    ) -> ContentItem:
        rng = self.rng
        base = title
        if title in self.titles:  # a long-running demo re-runs old ideas as refreshed editions
            title = f"{base} ({ctx.slot.day.year} refresh)"
            if title in self.titles:
                k = self.next_edition.get(base, 3)
                while f"{base} (v{k})" in self.titles:
                    k += 1
                title = f"{base} (v{k})"
                self.next_edition[base] = k + 1
        self.titles.add(title)
        owner = CONTENT_OWNER[kind]
        eta = "" if by_sales else (ctx.slot.day + timedelta(days=7 * rng.randint(*weeks))).isoformat()
        item = ContentItem(
            id=self.id(),
            title=title,
            type=kind,
            persona=persona,
            stage=stage,
            owner="" if by_sales else P[owner].name,
            eta=eta,
            status="idea" if by_sales else "planned",
            proposed_by="sales" if by_sales else "marketing",
            meeting_id=ctx.slot.id,
            insight_id=insight.id if insight else "",
        )
        if insight is not None:
            insight.content_item_id = item.id
        self.content.append(item)
        self.content_by_id[item.id] = item
        if eta:
            insort(self.by_eta, (eta, len(self.content), item))  # (eta, order) is unique: items are never compared
        self.content_created[item.id] = ctx.slot.day
        if rng.random() < 0.08:
            self.slips.add(item.id)
        return item

    def content_title_near(self, day: date) -> str:
        """A piece of content people would be talking about on ``day`` (short title)."""
        first = bisect_left(self.by_eta, (day.isoformat(),))
        near = [item for _, _, item in self.by_eta[first : first + 3]]  # due soonest, the first made first
        title = self.pick(near).title if near else self.pick(CONTENT_PLAN)[1]
        return title.split(": ", 1)[-1]

    def finish_content(self) -> None:
        """Content statuses as of today: what shipped, what is in flight, which ideas were adopted."""
        rng, today = self.rng, self.today
        for item in self.content:
            created = self.content_created[item.id]
            if item.status == "idea":
                adopt = 0.85 if item.insight_id else 0.55
                if (today - created).days < 28 or rng.random() >= adopt:
                    continue
                item.owner = P[CONTENT_OWNER[item.type]].name
                item.eta = (created + timedelta(days=7 * rng.randint(3, 9))).isoformat()
            eta = date.fromisoformat(item.eta)
            if eta <= today - timedelta(days=3):
                item.status = "in_progress" if item.id in self.slips else "shipped"
            elif eta <= today + timedelta(days=21):  # work starts about three weeks out
                item.status = "in_progress"
            else:
                item.status = "planned"

    # --- agenda item handlers: each returns note lines ---------------------------------

    def do_objectives(self, ctx: _Ctx) -> list[str]:
        return self.objective_notes(ctx, WEEKLY)

    def do_review_numbers(self, ctx: _Ctx) -> list[str]:
        return self.objective_notes(ctx, REVIEW)

    def objective_notes(self, ctx: _Ctx, series_id: str) -> list[str]:
        rng, slot = self.rng, ctx.slot
        lines: list[str] = []
        in_period = slot.day >= self.window_start
        for spec in OBJECTIVES:
            objective = self.objectives[spec.key]
            if objective.status == "dropped" or spec.series_id != series_id:
                continue
            if not in_period:
                if rng.random() < 0.5:
                    value = spec.start + spec.progress(0.0) * (spec.target - spec.start) * rng.uniform(0.7, 1.1)
                    lines.append(f"{spec.short} {spec.fmt(value)} (last period's goal, tracking only)")
                continue
            if not objective.meeting_id:
                objective.meeting_id = slot.id
            if spec.dropped_at is not None and slot.wt >= spec.dropped_at:
                checkin = CheckIn(
                    date=slot.day.isoformat(),
                    value=objective.checkins[-1].value if objective.checkins else spec.start,
                    status="dropped",
                    meeting_id=slot.id,
                    comment="Dropped: webinars feed nurture; target folded into SQLs/mo",
                )
                objective.checkins.append(checkin)
                objective.status = "dropped"
                lines.append(f"**{spec.short}: dropped**, webinars now feed nurture, not SDRs")
                continue
            progress = spec.progress(slot.wt) + rng.gauss(0, spec.noise)
            value = round(max(0.0, spec.start + progress * (spec.target - spec.start)), spec.decimals)
            actual = (value - spec.start) / (spec.target - spec.start)
            status = objective_status(actual, min(1.0, slot.wt))
            previous = objective.checkins[-1] if objective.checkins else None
            comment = ""
            if previous is not None and rng.random() < 0.4:
                better = (value - previous.value) * (spec.target - spec.start) > 0
                bank = CHECKIN_COMMENTS["up" if better else "down"]
                comment = self.fill(self.pick(bank), ctx, day=day_label(date.fromisoformat(previous.date)))
            if spec.key == "response" and self.has_event(ctx, "sdr_leave"):
                comment = "Aisha on leave, SDR coverage thin"
            checkin = CheckIn(date=slot.day.isoformat(), value=value, status=status, meeting_id=slot.id, comment=comment)
            objective.checkins.append(checkin)
            ctx.checkins.append((spec, checkin, previous))
            lines.append(self.objective_line(spec, checkin, previous))
        if lines and rng.random() < 0.35:
            lines.append(self.fill(self.fresh("objective_extras", OBJECTIVE_EXTRAS), ctx))
        behind = [(spec, c) for spec, c, _ in ctx.checkins if c.status in ("at_risk", "off_track")]
        if behind and rng.random() < 0.3:
            spec, _ = self.pick(behind)
            owners = {"sales": ("Maya", "Priya"), "marketing": ("Zoë", "Kenji")}.get(spec.owner_team, ("Ingrid", "Maya", "Zoë"))
            text = self.new_text(
                lambda: self.pick(
                    (
                        f"Bring a plan to get {spec.short} back on track",
                        f"{spec.short}: find the 2 biggest levers, bring numbers",
                        f"Break {spec.short} down by source + persona",
                        f"{spec.short}: what would it take to close the gap by {day_label(ctx.slot.day + timedelta(days=28))}?",
                    )
                )
            )
            if text is not None:
                self.act(ctx, text, self.pick(ctx.here(*owners) or ctx.present))
        if self.has_event(ctx, "routing_decision"):
            self.decide(ctx, "Round-robin routing for inbound demo requests; an SDR on call Friday afternoons", ("Maya", "Priya"))
            self.act(ctx, "Set up round-robin routing + Friday on-call rota", "Ingrid")
            lines.append("Speed-to-lead: **round-robin routing** agreed (see decisions)")
        if self.has_event(ctx, "sdr_leave"):
            lines.append("Aisha out on leave until next month → response times slipping")
        return lines

    def objective_line(self, spec: ObjectiveSpec, checkin: CheckIn, previous: CheckIn | None) -> str:
        status = label(checkin.status)
        value, target = spec.fmt(checkin.value), spec.fmt(spec.target, exact=False)
        style = self.rng.randrange(4)
        if previous is not None and style == 0:
            return f"{spec.short}: {spec.fmt(previous.value)} → {value} ({status})"
        if style == 1:
            return f"**{spec.short}** {value} vs {target} target, {status}"
        if style == 2 and checkin.status in ("at_risk", "off_track"):
            why = checkin.comment or self.pick(("owner to bring a plan", "watching", "see actions", "no quick fix"))
            return f"{spec.short} {value} ⚠ {status}: {why}"
        return f"{spec.short} {value} / {target}: {status}"

    def do_lead_quality(self, ctx: _Ctx) -> list[str]:
        lines = self.lead_notes(ctx, [self.lead(ctx, batch_ok=False) for _ in range(self.rng.randint(3, 6))])
        return lines + self.from_the_lists(ctx)

    def do_by_source(self, ctx: _Ctx) -> list[str]:
        feedback = [self.lead(ctx, batch_ok=True) for _ in range(self.rng.randint(2, 4))]
        lines = [self.source_scoreboard(ctx), *self.lead_notes(ctx, feedback)]
        if self.has_event(ctx, "list_decision"):
            paused = self.decide(ctx, "Pause DataNova uploads until the list is re-verified through enrichment", ("Zoë", "Maya"))
            self.story_decisions["list"] = (paused, ctx.slot.day.isoformat())
            self.act(ctx, "Re-verify the DataNova list via enrichment; dedupe against CRM", "Olu")
            lines.insert(1, "**DataNova list paused**: ~1 in 3 records bad (bounces, people who left)")
        return lines

    def source_scoreboard(self, ctx: _Ctx) -> str:
        """Accepted / reviewed per source over the last four weeks, from the records themselves."""
        since = (ctx.slot.day - timedelta(weeks=4)).isoformat()
        reviewed: Counter[str] = Counter()
        accepted: Counter[str] = Counter()
        for record in reversed(self.records):
            if record.meeting.date < since:
                break
            for f in record.lead_feedback:
                key = SHORT_SOURCE.get(f.source, "webinar").split(" (")[0]
                reviewed[key] += 1
                accepted[key] += f.disposition == "accepted"
        if not reviewed:
            return "No lead feedback logged in the last 4 wks"
        board = " · ".join(f"{k} {accepted[k]}/{n}" for k, n in reviewed.most_common())
        return f"Accepted/reviewed, last 4 wks: {board}"

    def lead_notes(self, ctx: _Ctx, feedback: list[LeadFeedback]) -> list[str]:
        rng = self.rng
        counts = Counter(f.disposition for f in feedback)
        n, a, r, c = len(feedback), counts["accepted"], counts["rejected"], counts["recycled"]
        style = rng.randrange(3)
        words = (("accepted", "rejected", "recycled"), ("✓", "✗", "↺"), ("good to go", "sent back", "to nurture"))[style]
        parts = [f"{k} {w}" for k, w in zip((a, r, c), words, strict=True) if k]
        lead = (f"{n} leads reviewed:", f"{n} reviewed ·", f"{n} leads:")[style]
        lines = [f"{lead} {(' · ' if style == 1 else ', ').join(parts)}"]
        reasons = Counter((reason, f.source) for f in feedback if f.verdict == "poor" for reason in f.reasons)
        if reasons:
            (reason, source), k = reasons.most_common(1)[0]
            short = SHORT_SOURCE.get(source, "webinar")
            lines.append(f"**{label(reason)}** ×{k}, from {short}" if k > 1 else f"{label(reason).capitalize()}: 1 from {short}")
        good = [f for f in feedback if f.verdict == "good"]
        if good:
            f = self.pick(good)
            where = SHORT_SOURCE.get(f.source, "webinar")
            if f.stage_reached == "lost":
                outcome = f"lost at {label(f.stage_lost)} ({label(f.reasons[0])})"
            else:
                outcome = {"won": "**won** 🎉", "opportunity": "opp"}.get(f.stage_reached, label(f.stage_reached))
            lines.append(f"{f.reporter.split()[0]}: {f.reference} ({f.persona}, {where}) → {outcome}")
        early = [f for f in feedback if f.verdict == "too_early"]
        if early and rng.random() < 0.5:
            lines.append(f"{len(early)} too early → {rng.choice((8, 10, 12))}-wk nurture, not a no")
        if self.has_event(ctx, "list_warning"):
            lines.append("Outbound list (DataNova): bounces creeping up, **~18%** on the last upload")
            self.act(ctx, "Sample 50 rows of the DataNova list: bounces, stale titles", "Olu")
        if self.has_event(ctx, "li_decision"):
            lines.append("LI ads: agencies + consultancies again, **no fit** is the #1 reason this month")
            narrowed = self.decide(ctx, "Narrow LinkedIn ads to RevOps / Sales Ops titles at 200–2,000 employees; exclude agencies", ("Zoë", "Maya"))
            self.story_decisions["li"] = (narrowed, ctx.slot.day.isoformat())
            self.act(ctx, "Rebuild LinkedIn audiences + agency exclusion list", "Kenji")
        elif reasons and rng.random() < 0.45:
            (reason, source), _ = reasons.most_common(1)[0]
            owner = self.pick(ctx.marketing() or ctx.present)
            where = SHORT_SOURCE.get(source, "webinar")
            text = self.new_text(lambda: self.fill(self.pick(SOURCE_ACTIONS), ctx, source=where))
            if text is not None:
                self.act(ctx, text, owner)
                lines.append(f"→ {owner} to dig into {where}")
        if rng.random() < 0.12:
            lines.append("Full list: [lead-quality report](https://crm.example.com/reports/lead-quality)")
        return lines

    def do_pipeline_out(self, ctx: _Ctx) -> list[str]:
        lines = self.content_status_lines(ctx, weeks=2)
        if self.rng.random() < 0.2:
            lines.append(self.plan_content(ctx))
        if not lines:
            lines.append(
                self.pick(
                    (
                        "Nothing shipping this wk; heads down on next quarter's plan",
                        "Quiet week: drafts in review, nothing live",
                        "No launches until the website refresh is done",
                    )
                )
            )
        self.maybe_act(ctx, 0.35, ("Review the draft of *{content}* and comment", "Brief SDRs on *{content}* (10 min at stand-up)"), ctx.sales())
        return lines

    def do_content_pipe(self, ctx: _Ctx) -> list[str]:
        lines = self.content_status_lines(ctx, weeks=4)
        later = self.next_in_series(ctx.slot)
        latest = later is None or later.status == "planned"  # marketing always has next month planned
        if latest or self.rng.random() < 0.6:
            lines.append(self.plan_content(ctx, weeks=(6, 9) if latest else (2, 8)))
        self.maybe_act(
            ctx,
            0.5,
            (
                "Get sign-off from {company} on the quote for *{content}*",
                "Send {mkt} 3 customer names for the next case study",
                "Write 3 subject lines to launch *{content}*",
            ),
            ctx.marketing() + ctx.sales(),
        )
        return lines

    def maybe_act(self, ctx: _Ctx, chance: float, templates: Sequence[str], owners: Sequence[str], **extra: Any) -> ActionItem | None:
        if self.rng.random() >= chance:
            return None
        text = self.new_text(lambda: self.fill(self.pick(templates), ctx, **extra))
        return None if text is None else self.act(ctx, text, self.pick(list(owners) or ctx.present))

    def new_text(self, make: Callable[[], str]) -> str | None:
        """An action text nobody was given before: a list of identical to-dos reads fake."""
        for _ in range(6):
            text = make()
            if text not in self.action_texts:
                return text
        return None

    def plan_content(self, ctx: _Ctx, weeks: tuple[int, int] = (2, 8)) -> str:
        kind, title, persona, stage = CONTENT_PLAN[self.plan_used % len(CONTENT_PLAN)]
        self.plan_used += 1
        item = self.new_content(ctx, kind, title, persona, stage, by_sales=False, weeks=weeks)
        eta = date.fromisoformat(item.eta)
        return f"New: *{item.title}* ({label(kind)}, {persona}); {item.owner.split()[0]}, ETA {day_label(eta)}"

    def content_status_lines(self, ctx: _Ctx, *, weeks: int) -> list[str]:
        rng, day = self.rng, ctx.slot.day
        lo, hi = (day - timedelta(days=7)).isoformat(), (day + timedelta(weeks=weeks)).isoformat()
        lines = []
        due: list[tuple[int, ContentItem]] = []
        for when, order, item in self.by_eta[bisect_left(self.by_eta, (lo,)) :]:
            if when > hi:
                break
            due.append((order, item))
        for _, item in sorted(due, key=lambda pair: pair[0])[:4]:  # the first four made
            eta = date.fromisoformat(item.eta)
            who = item.owner.split()[0] if item.owner else "tbd"
            if eta < day and item.id in self.slips:
                lines.append(f"*{item.title}* late ({self.pick(SLIP_REASONS)}), new ETA tbd")
            elif eta < day:
                lines.append(f"Shipped ✅ *{item.title}*" + (", sales, please use it" if rng.random() < 0.4 else ""))
            elif rng.random() < 0.15:
                lines.append(f"*{item.title}* slipped ~1 wk ({self.pick(SLIP_REASONS)})")
            else:
                lines.append(f"*{item.title}*: ETA {day_label(eta)}, {who}")
        return lines

    def do_sales_ideas(self, ctx: _Ctx) -> list[str]:
        rng = self.rng
        lines = []
        ripe = [i for i, ins in self.insights.items() if ins.times_heard >= 2 and not ins.content_item_id]
        if ripe and rng.random() < 0.6:
            index = self.pick(ripe)
            spec, insight = INSIGHTS[index], self.insights[index]
            item = self.new_content(ctx, spec.content_type, spec.content_title, spec.persona, spec.stage, by_sales=True, insight=insight)
            lines.append(f"From the prospect list (heard {insight.times_heard}×): *{item.title}*")
            owner = self.pick(ctx.marketing() or ctx.present)
            self.act(ctx, f"Scope *{item.title}*: outline + 2 customer examples", owner)
            lines.append(f"  - {owner} to scope it")
        if not lines and rng.random() < 0.25:
            return ["No new ideas; re-ranked the list, top 3 unchanged"]
        if not lines or rng.random() < 0.2:
            kind, title, persona, stage = SALES_IDEAS[self.ideas_used % len(SALES_IDEAS)]
            self.ideas_used += 1
            item = self.new_content(ctx, kind, title, persona, stage, by_sales=True)
            who = self.pick(ctx.sales() or ctx.present)
            lines.append(f"{who}: *{item.title}* ({label(kind)}) would help with {persona}s")
        return lines

    def do_voice(self, ctx: _Ctx) -> list[str]:
        rng = self.rng
        lines = []
        unheard = [i for i in range(len(INSIGHTS)) if i not in self.insights and i not in self.reserved]
        heard = sorted(self.insights)
        chosen: list[int] = []
        for _ in range(rng.choice((1, 2, 2))):
            # Most weeks the same questions come back; a new one now and then.
            pool = unheard if unheard and (not heard or rng.random() < 0.3) else heard
            options = [i for i in pool if i not in chosen]
            if not options:
                continue
            chosen.append(self.pick(options))
        for index in chosen:
            reporter = self.pick(ctx.sales() or ctx.present)
            insight = self.hear(ctx, index, reporter)
            spec = INSIGHTS[index]
            stage = label(spec.stage)
            if insight.times_heard == 1:
                lines.append(
                    self.pick(
                        (
                            f"New, {reporter}: “{spec.text}” ({spec.persona}, {stage})",
                            f"{reporter} heard a new one: “{spec.text}” ({spec.persona})",
                            f"First time on the list ({spec.persona}, {stage}): {spec.text}",
                        )
                    )
                )
            elif spec.kind == "question":
                lines.append(
                    self.pick(
                        (
                            f"{reporter}: asked again, *{spec.text}* ({insight.times_heard}× now)",
                            f"Again (#{insight.times_heard}): {spec.text} ({spec.persona}, {reporter})",
                            f"{reporter}'s calls: “{spec.text}” keeps coming up, {insight.times_heard}×",
                        )
                    )
                )
            else:
                lines.append(f"Pain ({spec.persona}): {spec.text}; heard {insight.times_heard}×")
            if insight.content_item_id:
                title = self.content_by_id[insight.content_item_id].title
                lines.append(f"  - covered by *{title}*, make sure reps know")
        if chosen:
            short = INSIGHTS[chosen[0]].text.split(",")[0].rstrip("?")
            self.maybe_act(ctx, 0.35, ("Send {mkt} {k} call snippets where '{short}' came up",), ctx.sales(), short=short)
        return lines

    def do_actions(self, ctx: _Ctx) -> list[str]:
        day = ctx.slot.day.isoformat()
        closed = self.closing.get(ctx.slot.id, [])
        series = self.series_actions[ctx.slot.series_id]
        still_open, late, stuck = series.review(ctx.slot.id, day)
        overdue = series.overdue + len(late)
        lines = []
        for action in closed[:4]:
            mark = "✅" if action.status == "done" else "✗ dropped,"
            lines.append(f"{mark} {action.owner.split()[0]}: {action.text[0].lower()}{action.text[1:]}")
        if len(closed) > 4:
            lines.append(f"+{len(closed) - 4} more closed")
        if overdue:
            names = sorted(series.overdue_owners | {a.owner.split()[0] for a in late}, key=PERSON_ORDER.__getitem__)
            lines.append(f"**Overdue** ({overdue}): {', '.join(names)}")
        if not closed and not still_open:
            return [self.pick(("Nothing open", "Clean slate, nothing carried over", "No open items"))]
        if still_open:
            lines.append(f"{still_open} still open" + (f", {overdue} overdue" if overdue else ""))
        else:
            lines.append("Nothing else open")
        if stuck is not None and self.rng.random() < 0.3:
            lines.append(f"{stuck.owner.split()[0]}: “{stuck.text}” slipped again, still worth doing")
        return lines

    def do_wins(self, ctx: _Ctx) -> list[str]:
        return [self.fill(self.fresh("wins", WINS), ctx) for _ in range(self.rng.randint(1, 2))]

    def do_campaigns(self, ctx: _Ctx) -> list[str]:
        lines = [self.fill(self.fresh("campaigns", CAMPAIGNS), ctx) for _ in range(self.rng.randint(2, 3))]
        self.maybe_act(
            ctx,
            0.4,
            ("Time the '{campaign}' SDR sequence to the launch", "Share the launch list with SDRs ({n} accounts)"),
            ctx.here("Priya", "Aisha", "Kenji"),
        )
        return lines

    def do_handoff(self, ctx: _Ctx) -> list[str]:
        lines = [self.fill(self.fresh("handoff", HANDOFF), ctx) for _ in range(self.rng.randint(1, 2))]
        self.maybe_act(ctx, 0.5, ACTIONS, ctx.present)
        if self.rng.random() < 0.5:
            self.decide(ctx, self.fill(self.fresh("decisions", DECISIONS, 6), ctx), (ctx.facilitator,))
            lines.append("Agreed, see decisions")
        return lines

    def do_review_decisions(self, ctx: _Ctx) -> list[str]:
        lines = []
        for _ in range(self.rng.randint(1, 2)):
            decision = self.decide(ctx, self.fill(self.fresh("decisions", DECISIONS, 6), ctx), ("Maya", "Zoë"))
            lines.append(f"Decided: {decision.text}")
        action = self.maybe_act(ctx, 0.6, ACTIONS, ctx.present)
        if action is not None:
            lines.append(f"{action.owner.split()[0]} owns the follow-up")
        return lines

    def do_carried(self, ctx: _Ctx) -> list[str]:
        rng = self.rng
        if rng.random() < 0.5:
            decision = self.decide(ctx, self.fill(self.fresh("decisions", DECISIONS, 6), ctx), (ctx.facilitator,))
            return [f"Settled: {decision.text}"]
        action = self.maybe_act(ctx, 1.0, ACTIONS, ctx.present)
        owner = action.owner.split()[0] if action else ctx.facilitator
        return [f"Not settled; {owner} to bring options", "Back in two weeks if still open"]

    # --- shadow-day debrief handlers ----------------------------------------------------------

    def shadow_of(self, ctx: _Ctx) -> ShadowDay:
        assert ctx.slot.shadow is not None
        ctx.slot.shadow.debriefed_in = ctx.slot.id  # what a debrief created in the app records
        return ctx.slot.shadow

    def do_recap(self, ctx: _Ctx) -> list[str]:
        sd = self.shadow_of(ctx)
        day = date.fromisoformat(sd.date)
        lines = [f"{sd.shadow.split()[0]} w/ {sd.host.split()[0]}, {day_label(day)}: {', '.join(a.title.lower() for a in sd.activities)}"]
        for activity in sd.activities:
            if activity.notes:
                lines.append(f"  - {activity.title}: {activity.notes}")
        learned = [t for t in sd.takeaways if t.category == "learned"]
        if learned:
            lines.append(f"Biggest lesson: {learned[0].text}")
        return lines

    def do_surprises(self, ctx: _Ctx) -> list[str]:
        sd = self.shadow_of(ctx)
        picks = [t for t in sd.takeaways if t.category in ("surprised_me", "will_use")]
        return [f"{label(t.category).capitalize()}: {t.text}" for t in picks]

    def do_friction(self, ctx: _Ctx) -> list[str]:
        sd = self.shadow_of(ctx)
        lines = [t.text for t in sd.takeaways if t.category == "hand_off_friction"]
        suggestions = [t for t in sd.takeaways if t.category == "suggested_improvement"]
        if suggestions:
            decision = self.decide(ctx, f"Adopt: {suggestions[0].text}", (sd.shadow.split()[0], sd.host.split()[0]))
            lines.append(f"**Decided**: {decision.text}")
            owner = self.pick(ctx.here("Olu", "Ingrid", "Priya") or ctx.present)
            self.act(ctx, suggestions[0].text, owner)
        return lines

    def do_heard(self, ctx: _Ctx) -> list[str]:
        sd = self.shadow_of(ctx)
        lines = []
        for takeaway in [t for t in sd.takeaways if t.category == "prospect_insight"]:
            text = takeaway.text.split("“", 1)[-1].rstrip("”")
            index = next(i for i, spec in enumerate(INSIGHTS) if spec.text == text)
            insight = self.hear(ctx, index, sd.shadow.split()[0], shadow_day_id=sd.id)
            tail = "new to the list" if insight.times_heard == 1 else f"now {insight.times_heard}× overall"
            lines.append(f"{takeaway.text} ({tail})")
        return lines

    def do_experiment(self, ctx: _Ctx) -> list[str]:
        sd = self.shadow_of(ctx)
        experiment = sd.experiment
        assert experiment is not None
        owner = experiment.owner.split()[0]
        report = date.fromisoformat(experiment.report_back)
        self.decide(ctx, f"Try for two weeks: {experiment.text}", (sd.shadow.split()[0], sd.host.split()[0]))
        action = self.act(ctx, f"Run the experiment: {experiment.text}", owner, due=report)
        experiment.action_id = action.id
        return [f"**Experiment**: {experiment.text}", f"Owner {owner}, report back {day_label(report)}"]

    def do_next_pairing(self, ctx: _Ctx) -> list[str]:
        after = bisect_right(self.shadow_dates, (ctx.slot.day.isoformat(), len(self.shadow_days)))
        if after == len(self.shadow_dates):
            return ["Next pairing TBD"]
        upcoming = self.shadow_days[self.shadow_dates[after][1]]
        day = date.fromisoformat(upcoming.date)
        return [f"Next: {upcoming.shadow.split()[0]} → {label(upcoming.direction).split(' → ')[1]}, w/ {upcoming.host.split()[0]}, {day_label(day)}"]

    # --- objectives ----------------------------------------------------------------------------

    def _objective(self, spec: ObjectiveSpec) -> Objective:
        start = self.window_start
        end_quarter_month = ((self.today.month - 1) // 3 + 1) * 3
        if start.year == self.today.year:
            period = f"{MON[start.month]}–{MON[end_quarter_month]} {self.today.year}"
        else:
            period = f"{MON[start.month]} {start.year}–{MON[end_quarter_month]} {self.today.year}"
        return Objective(
            id=self.id(),
            title=spec.title,
            metric=spec.metric,
            target=spec.target,
            current=spec.start,
            unit=spec.unit,
            owner_team=spec.owner_team,
            period=period,
            status="on_track",
        )
