"""Markdown minutes: gather what a meeting produced and render it through a Jinja2 layout.

The layout is ``templates/minutes.md.j2`` unless the user puts their own ``minutes.md.j2`` in
the config folder. It runs in Jinja2's sandbox (a layout cannot reach the filesystem or
call arbitrary code), and every piece of user text passes an escaping filter
(:mod:`tandem.store.mdescape`). Nothing in the output depends on when it was rendered, so
re-exporting an unchanged meeting gives byte-identical minutes.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from tandem.store import mdescape
from tandem.store.contrib.records import NOUNS
from tandem.store.contrib.triage import credit
from tandem.store.errors import CorruptFileError, TandemError
from tandem.store.outside import read_outside
from tandem.store.records import (
    TAKEAWAY_CATEGORIES,
    ActionItem,
    AgendaItem,
    CheckIn,
    ContentItem,
    Meeting,
    Objective,
    ProspectInsight,
    Series,
    ShadowDay,
    label,
    measure,
    number,
)
from tandem.store.workspace import MeetingRecord, Workspace

LAYOUT_NAME = "minutes.md.j2"
#: The layout of a shadow day's own minutes (``tandem export shadow ID``).
SHADOW_LAYOUT_NAME = "shadow.md.j2"


class MinutesLayoutError(TandemError):
    pass


T = TypeVar("T")

#: An action review row as :meth:`Shared.review_rows` gives it: the action's index in
#: ``Shared.actions`` times two, plus one when it was closed in the meeting itself.
ReviewRow = int


@dataclass
class Shared:
    """Workspace-wide records, loaded once per export run.

    What a meeting's minutes take from them (its series neighbours, the records it shows,
    its action review) is looked up in indices built once, on first use, so that rendering
    every meeting costs what the meetings hold, not their number squared. An index is built
    again when a list it was built from is replaced or grows; a list changed in place at
    the same length is not noticed, so assign a new list to change one."""

    series: dict[str, Series] = field(default_factory=dict)
    objectives: list[Objective] = field(default_factory=list)
    insights: list[ProspectInsight] = field(default_factory=list)
    content: list[ContentItem] = field(default_factory=list)
    shadow_days: list[ShadowDay] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    #: Every action item with its origin meeting filled in: a meeting's action review.
    actions: list[ActionItem] = field(default_factory=list)
    _indices: dict[str, tuple[tuple[int, ...], tuple[Sized, ...], Any]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, workspace: Workspace) -> Shared:
        meetings: list[Meeting] = []
        actions: list[ActionItem] = []
        for meeting, raised in workspace.iter_actions():
            meetings.append(meeting)
            actions.extend(raised)
        return cls.assemble(workspace, meetings, actions)

    @classmethod
    def assemble(cls, workspace: Workspace, meetings: list[Meeting], actions: list[ActionItem]) -> Shared:
        """The shared files of ``workspace`` with meetings and action items read elsewhere
        (in meeting-file order, origins filled in, as :meth:`Workspace.iter_actions` gives them)."""
        return cls(
            series={s.id: s for s in workspace.series.all()},
            objectives=workspace.objectives.all(),
            insights=workspace.insights.all(),
            content=workspace.content.all(),
            shadow_days=workspace.shadow_days.all(),
            meetings=sorted(meetings, key=lambda m: (m.date, m.id)),
            actions=actions,
        )

    def _index(self, name: str, sources: tuple[Sized, ...], build: Callable[[], T]) -> T:
        # The sources are kept with the index: while they are, no other list can take one's
        # id(), so a list replaced by another of the same length is never taken for it.
        stamp = (*map(id, sources), *map(len, sources))
        held = self._indices.get(name)
        if held is not None and held[0] == stamp:
            found: T = held[2]
            return found
        value = build()
        self._indices[name] = (stamp, sources, value)
        return value

    def series_title(self, series_id: str) -> str:
        series = self.series.get(series_id)
        return series.title if series else series_id

    def meetings_by_id(self) -> dict[str, Meeting]:
        """Meeting id → meeting (of two with one id, the later in ``meetings``)."""
        return self._index("by_id", (self.meetings,), lambda: {m.id: m for m in self.meetings})

    def _series_positions(self) -> dict[str, tuple[list[Meeting], dict[str, int]]]:
        def build() -> dict[str, tuple[list[Meeting], dict[str, int]]]:
            found: dict[str, tuple[list[Meeting], dict[str, int]]] = {}
            for m in self.meetings:
                same, positions = found.setdefault(m.series_id, ([], {}))
                positions.setdefault(m.id, len(same))
                same.append(m)
            return found

        return self._index("series", (self.meetings,), build)

    def previous_and_next(self, meeting: Meeting) -> tuple[Meeting | None, Meeting | None]:
        """The meetings before and after ``meeting`` in its series (in ``meetings`` order)."""
        same, positions = self._series_positions().get(meeting.series_id, ([], {}))
        i = positions.get(meeting.id)
        if i is None:
            return None, None
        return (same[i - 1] if i else None), (same[i + 1] if i + 1 < len(same) else None)

    def insights_of(self, meeting_id: str) -> list[ProspectInsight]:
        """The prospect insights heard in the meeting, in stored order."""
        return list(self._index("insights", (self.insights,), lambda: _group(self.insights, lambda i: i.meeting_id)).get(meeting_id, ()))

    def content_of(self, meeting_id: str) -> list[ContentItem]:
        """The content items that came from the meeting, in stored order."""
        return list(self._index("content", (self.content,), lambda: _group(self.content, lambda c: c.meeting_id)).get(meeting_id, ()))

    def objective_checkins(self, meeting_id: str) -> list[tuple[int, int]]:
        """The objectives checked in on in the meeting, as (index in ``objectives``, index of
        its check-in in the objective's history by date): its first check-in there."""

        def build() -> dict[str, list[tuple[int, int]]]:
            found: dict[str, list[tuple[int, int]]] = {}
            for o, objective in enumerate(self.objectives):
                seen: set[str] = set()
                for n, checkin in enumerate(_history(objective)):
                    if checkin.meeting_id not in seen:
                        seen.add(checkin.meeting_id)
                        found.setdefault(checkin.meeting_id, []).append((o, n))
            return found

        return list(self._index("objectives", (self.objectives,), build).get(meeting_id, ()))

    def objective_rows(self, meeting: Meeting) -> list[dict[str, Any]]:
        rows = []
        for o, n in self.objective_checkins(meeting.id):
            objective = self.objectives[o]
            history = _history(objective)
            rows.append({"objective": objective, "checkin": history[n], "previous": history[n - 1] if n else None})
        return rows

    def shadow_days_of(self, meeting: Meeting, previous: Meeting | None) -> list[ShadowDay]:
        """The shadow days a debrief in ``meeting`` shows (:func:`_shadow_days`), whether or
        not its agenda has a debrief item."""

        def build() -> tuple[dict[str, list[int]], list[str], list[int]]:
            meeting_ids = {m.id for m in self.meetings}
            debriefed: dict[str, list[int]] = {}
            floating: list[tuple[str, int]] = []
            for i, d in enumerate(self.shadow_days):
                if d.debriefed_in:
                    debriefed.setdefault(d.debriefed_in, []).append(i)
                if (not d.debriefed_in or d.debriefed_in not in meeting_ids) and d.status != "planned":
                    floating.append((d.date, i))
            floating.sort()
            return debriefed, [date for date, _ in floating], [i for _, i in floating]

        debriefed, dates, where = self._index("shadow_days", (self.shadow_days, self.meetings), build)
        start = previous.date if previous else ""
        found = set(debriefed.get(meeting.id, ()))
        found.update(where[bisect_right(dates, start) : bisect_right(dates, meeting.date)])
        days = self.shadow_days
        # By date and id; the stored order decides between equals, as the stable sort of a scan did.
        return [days[i] for i in sorted(found, key=lambda i: (days[i].date, days[i].id, i))]

    def review_rows(self, meeting: Meeting) -> list[ReviewRow] | None:
        """The rows of ``meeting``'s action review (see :data:`ReviewRow`), in ``actions``
        order; None when the index cannot say (two meetings share an id, or ``meeting`` is
        not the one of that id in ``meetings``): :func:`action_review` then scans."""
        rows = self._index("review", (self.actions, self.meetings), self._review_index)
        known = self.meetings_by_id().get(meeting.id)
        if rows is None or known is None or (known.date, known.series_id) != (meeting.date, meeting.series_id):
            return None
        return rows.get(meeting.id, [])

    def _review_index(self) -> dict[str, list[ReviewRow]] | None:
        """Each meeting's action review, in one pass over the action items.

        An action item is in the review of the meetings of its origin's series after its
        origin, up to the meeting that closed it (there as done or dropped) or the first
        one dated after it was closed: :func:`closed_by` turns true once along the series
        (dates and ids only grow along it) and stays true, so where it does is found by
        bisection, and the item is in the review of the meetings in between."""
        meetings = self.meetings_by_id()
        if len(meetings) != len(self.meetings):
            return None  # with two meetings of one id, "closed in X" has no single date
        lines: dict[str, list[Meeting]] = {}
        for m in self.meetings:
            lines.setdefault(m.series_id, []).append(m)
        keys: dict[str, list[tuple[str, str]]] = {}
        dates: dict[str, list[str]] = {}
        found: dict[str, list[list[ReviewRow]]] = {}
        for series_id, line in lines.items():
            line.sort(key=lambda m: (m.date, m.id))
            keys[series_id] = [(m.date, m.id) for m in line]
            dates[series_id] = [m.date for m in line]
            found[series_id] = [[] for _ in line]
        for k, action in enumerate(self.actions):
            origin = meetings.get(action.meeting_id)
            if origin is None:
                continue
            line, rows = lines[origin.series_id], found[origin.series_id]
            start = stop = bisect_right(keys[origin.series_id], (origin.date, origin.id))
            here = None
            if action.status == "open":
                stop = len(line)  # open: in every later review
            elif action.closed_in:
                closer = meetings.get(action.closed_in)
                if closer is None:
                    stop = len(line)  # closed in a meeting that is gone: nobody can say when
                else:
                    stop = max(start, bisect_left(keys[origin.series_id], (closer.date, closer.id)))
                    if stop < len(line) and line[stop].id == action.closed_in:
                        here = stop
            elif action.closed_on:
                stop = max(start, bisect_right(dates[origin.series_id], action.closed_on))
            for j in range(start, stop):
                rows[j].append(2 * k)
            if here is not None:
                rows[here].append(2 * k + 1)
        index: dict[str, list[ReviewRow]] = {}
        for series_id, line in lines.items():
            index.update(zip((m.id for m in line), found[series_id], strict=True))
        return index


def _group(items: list[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    found: dict[str, list[T]] = {}
    for item in items:
        found.setdefault(key(item), []).append(item)
    return found


def _history(objective: Objective) -> list[CheckIn]:
    return sorted(objective.checkins, key=lambda c: (c.date, c.meeting_id))


def planned_minutes(meeting: Meeting, agenda: list[AgendaItem]) -> int:
    """The agenda's planned minutes: once the meeting was held, of the items taken up only
    (a skipped or parked item's timebox was never spent, and made the meeting look early)."""
    held = [i for i in agenda if i.status in ("done", "active")] if meeting.held else agenda
    return sum(i.timebox_min for i in held)


def _minutes_text(seconds: float) -> str:
    return f"{round(seconds / 60)} min" if seconds else "—"


def _counts(values: Iterable[str]) -> list[tuple[str, int]]:
    counter = Counter(v for v in values if v)
    return sorted(((label(k), n) for k, n in counter.items()), key=lambda kv: (-kv[1], kv[0]))


def lead_summary(record: MeetingRecord) -> list[tuple[str, list[tuple[str, int]]]]:
    feedback = record.lead_feedback
    return [
        ("By verdict", _counts(f.verdict for f in feedback)),
        ("By reason", _counts(r for f in feedback for r in f.reasons)),
        ("By source", _counts(f.source for f in feedback)),
        ("By stage lost", _counts(f.stage_lost for f in feedback)),
    ]


def _shadow_days(record: MeetingRecord, shared: Shared, previous: Meeting | None) -> list[ShadowDay]:
    """Shadow days debriefed here, in a meeting whose agenda has a shadow-day item: those
    its debrief pulled in, and those not recorded as debriefed anywhere (older data) that
    were held since the series' previous meeting."""
    if not any(item.captures == "shadow" for item in record.agenda):
        return []
    return shared.shadow_days_of(record.meeting, previous)


def _when(meetings: dict[str, Meeting], meeting_id: str) -> tuple[str, str] | None:
    meeting = meetings.get(meeting_id)
    return (meeting.date, meeting.id) if meeting is not None else None


def closed_by(action: ActionItem, meeting: Meeting, meetings: dict[str, Meeting]) -> bool:
    """Whether the action was closed before ``meeting`` or in it: the state the meeting's
    minutes show. A closing later on changes nothing in them, so finalized minutes stay
    byte for byte what they were. (:meth:`Shared._review_index` finds by bisection where
    this turns true along a series: a change here is a change there.)"""
    if action.status == "open":
        return False
    if action.closed_in:
        when = _when(meetings, action.closed_in)
        return action.closed_in == meeting.id or (when is not None and when < (meeting.date, meeting.id))
    # Closed outside any meeting: by its date (on the day of the meeting that raised it,
    # it was closed there: the action form closes it without naming the meeting). With no
    # date either, nobody can say when: before.
    if not action.closed_on:
        return True
    return action.closed_on < meeting.date or (action.closed_on == meeting.date and action.meeting_id == meeting.id)


def _actions(record: MeetingRecord, meetings: dict[str, Meeting]) -> list[ActionItem]:
    """The meeting's own action items. Once it is finalized, as they stood at the meeting:
    one closed later (in a later meeting, whose action review says so) is open here, so the
    finalized file never changes. Before that, as they are now."""
    meeting = record.meeting
    if meeting.status != "finalized":
        return record.actions
    return [a if a.status == "open" or closed_by(a, meeting, meetings) else a.replace(status="open", closed_in="", closed_on="") for a in record.actions]


def action_review(meeting: Meeting, shared: Shared) -> list[dict[str, Any]]:
    """The series' action items raised before ``meeting``, as its action review left them:
    done or dropped in it, or still open (not closed before it, nor in it)."""
    found = shared.review_rows(meeting)
    if found is None:
        return _scan_action_review(meeting, shared)
    meetings = shared.meetings_by_id()
    order = {"done": 0, "dropped": 1}
    rows: list[tuple[int, Meeting, ActionItem]] = []
    for row in found:
        action = shared.actions[row // 2]
        origin = meetings[action.meeting_id]
        if row % 2:
            rows.append((order[action.status], origin, action))
        else:
            rows.append((2, origin, action.replace(status="open", closed_in="", closed_on="")))
    rows.sort(key=lambda row: (row[0], row[1].date, row[1].id, row[2].id))
    return [{"action": action, "origin": origin} for _, origin, action in rows]


def _scan_action_review(meeting: Meeting, shared: Shared) -> list[dict[str, Any]]:
    """:func:`action_review` by scanning every action item of the workspace."""
    meetings = {m.id: m for m in shared.meetings}
    here = (meeting.date, meeting.id)
    rows: list[tuple[int, Meeting, ActionItem]] = []
    order = {"done": 0, "dropped": 1, "open": 2}
    for action in shared.actions:
        origin = meetings.get(action.meeting_id)
        if origin is None or origin.series_id != meeting.series_id or (origin.date, origin.id) >= here:
            continue
        if action.status != "open" and action.closed_in == meeting.id:
            rows.append((order[action.status], origin, action))
        elif not closed_by(action, meeting, meetings):
            rows.append((order["open"], origin, action.replace(status="open", closed_in="", closed_on="")))
    rows.sort(key=lambda row: (row[0], row[1].date, row[1].id, row[2].id))
    return [{"action": action, "origin": origin} for _, origin, action in rows]


def _credits(record: MeetingRecord, insights: list[ProspectInsight], content: list[ContentItem], objectives: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Who raised what the meeting took in from a contribution ("raised by José,
    2026-12-03"), by kind ("lead", "question", "content", "checkin", "topic") and the id of
    what it became: only what the minutes show (a taken lead deleted since credits nobody)."""
    shown = {
        "lead": {f.id for f in record.lead_feedback},
        "question": {i.id for i in insights},
        "content": {c.id for c in content},
        "checkin": {row["objective"].id for row in objectives},
        "topic": {item.id for item in record.agenda},
    }
    found: dict[str, dict[str, str]] = {kind: {} for kind in shown}
    for row in record.triage:
        made = row.record_id or row.id
        if row.fate == "taken" and made in shown[row.kind]:
            found[row.kind][made] = credit(row)
    return found


def _contributions(record: MeetingRecord) -> list[dict[str, Any]]:
    """What the meeting deferred or declined, as stored (the same order on every clone),
    with who raised it."""
    return [{"row": row, "noun": NOUNS[row.kind], "credit": credit(row)} for row in record.triage if row.fate in ("deferred", "declined")]


def yaml_date(value: object) -> str:
    """A day as a bare YAML date (``2026-12-10``), which vaults show as a date property; any
    other text stays a quoted string, so a hand-edited record cannot break the front matter."""
    text = str(value)
    try:
        return text if len(text) == 10 and date.fromisoformat(text).isoformat() == text else mdescape.yaml_string(text)
    except ValueError:
        return mdescape.yaml_string(text)


def actions_style() -> str:
    """config.toml's ``[minutes] actions`` (plain, tasks or dataview): read again only when
    the file changes, as every rendered meeting asks."""
    from tandem.store.config import config_path

    path = config_path()
    try:
        info = path.stat()
    except OSError:
        return "plain"
    return _configured_style(str(path), info.st_mtime_ns, info.st_size, info.st_ino)


@functools.lru_cache(maxsize=8)
def _configured_style(path: str, mtime_ns: int, size: int, inode: int) -> str:
    from tandem.store.config import load_config

    return load_config(Path(path)).config.minutes.actions


def minutes_context(record: MeetingRecord, shared: Shared, *, actions: str = "plain") -> dict[str, Any]:
    """What the minutes layout sees. ``actions`` is the action-item style (plain, tasks or
    dataview; see :func:`actions_style`)."""
    meeting = record.meeting
    previous, following = shared.previous_and_next(meeting)
    attendance = []
    for team in ("sales", "marketing", "other"):
        present = [a.name for a in meeting.attendees if a.team == team]
        absent = [a.name for a in meeting.absentees if a.team == team]
        if present or absent:
            attendance.append({"team": team, "present": present, "absent": absent})
    insights, content, objectives = shared.insights_of(meeting.id), shared.content_of(meeting.id), shared.objective_rows(meeting)
    credits = _credits(record, insights, content, objectives)
    agenda = [{"item": item, "actual": _minutes_text(item.elapsed_s), "credit": credits["topic"].get(item.id, "")} for item in record.agenda]
    return {
        "meeting": meeting,
        "series_title": shared.series_title(meeting.series_id),
        # Flat front-matter properties for Markdown vaults: tags, and who came by team.
        "tags": ["tandem", "meeting", _series_slug(meeting.series_id)],
        "team_names": {team: [a.name for a in meeting.attendees if a.team == team] for team in ("sales", "marketing")},
        "actions_style": actions,
        "attendance": attendance,
        "agenda": agenda,
        "planned_total": planned_minutes(meeting, record.agenda),
        "actual_total": _minutes_text(sum(item.elapsed_s for item in record.agenda)),
        "objectives": objectives,
        "lead_feedback": record.lead_feedback,
        "lead_summary": lead_summary(record),
        # The SLA scorecard as the meeting saw it when it ended (store/sla/snapshot.py).
        "scorecard": record.scorecard,
        "insights": insights,
        "content": content,
        # A contribution taken in: who raised it, by kind and the id of what it became.
        "credits": credits,
        # Those deferred or declined, with the reason.
        "contributions": _contributions(record),
        "shadow_days": _shadow_days(record, shared, previous),
        "decisions": record.decisions,
        "actions": _actions(record, shared.meetings_by_id()),
        "action_review": action_review(meeting, shared),
        "parking_lot": record.parking_lot,
        # Finalized minutes say only what was said at the meeting: planning the next one
        # later must not change a finalized file.
        "next_meeting": meeting.next_meeting or (following.date if following and meeting.status != "finalized" else ""),
    }


# Found without importing the agenda templates' module (its user_dir and builtin_dir name
# the same folders, as test_export_incremental checks): every export looks for the layout,
# and needs nothing else of that module.
def user_layout_path(name: str = LAYOUT_NAME) -> Path:
    from tandem.store.config import config_dir

    return config_dir() / name


def builtin_layout_path(name: str = LAYOUT_NAME) -> Path:
    import tandem

    return Path(tandem.__file__).parent / "templates" / name


#: The most items a layout may make by multiplying a text or a list, and the largest
#: exponent of a power of a number: beyond them, a one-line layout fills the memory or
#: computes for hours (Jinja's sandbox already stops ranges of more than 100,000).
MAX_REPEAT = 1_000_000
MAX_EXPONENT = 4096


@functools.cache
def _environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Sandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int) and right > MAX_EXPONENT and isinstance(left, (int, float)) and abs(left) > 1:
                raise SecurityError(f"a power of {right} is more than the {MAX_EXPONENT} a layout may raise a number to")
            if operator == "*":
                count, seq = (right, left) if isinstance(right, int) else (left, right)
                if isinstance(count, int) and isinstance(seq, (str, list, tuple)) and len(seq) * count > MAX_REPEAT:
                    raise SecurityError(f"{len(seq):,} characters or items repeated {count:,} times make more than the {MAX_REPEAT:,} a layout may make")
            return super().call_binop(context, operator, left, right)

    env = Sandbox(
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        undefined=StrictUndefined,
    )
    env.filters.update(
        inline=mdescape.inline,
        cell=mdescape.cell,
        block=mdescape.block,
        yaml=mdescape.yaml_string,
        yaml_date=yaml_date,
        label=lambda value: label(str(value)),
        num=number,
        measure=lambda value, unit: mdescape.cell(measure(value, unit)),
    )
    return env


def _sentence(text: object) -> str:
    """An error's words as one clause: one line, no full stop inside or at the end."""
    return " ".join(str(text).split()).rstrip(".").replace(". ", "; ")


@functools.cache
def _compiled(path: Path, mtime_ns: int) -> Any:
    from jinja2 import TemplateSyntaxError, nodes

    try:
        raw = read_outside(path)
    except CorruptFileError as exc:
        raise MinutesLayoutError(f"{path}:1: the minutes layout cannot be read ({exc.detail}).") from None
    except OSError as exc:
        raise MinutesLayoutError(f"{path}:1: the minutes layout cannot be read ({exc.strerror or exc}).") from None
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MinutesLayoutError(f"{path}:{line}: the minutes layout is not UTF-8 text.") from None
    env = _environment()
    cache = _code_cache()
    bucket = _bucket(cache, env, path, source) if cache is not None else None
    if bucket is not None and bucket.code is not None:
        # Compiled from these very bytes (the bucket checks their checksum) once they had
        # passed the checks below, by an environment compiling as this one does.
        try:
            return env.template_class.from_code(env, bucket.code, env.make_globals(None))
        except Exception:  # noqa: BLE001 - an entry that loads but is no template's code: compiled again, replaced
            bucket.reset()
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise MinutesLayoutError(f"{path}:{exc.lineno}: {_sentence(exc.message)}.") from None
    except RecursionError:
        raise MinutesLayoutError(f"{path}:1: the minutes layout nests brackets or blocks too deeply to read.") from None
    # The sandbox has no loader, so these would only fail when rendered, as a TypeError.
    node = next(tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)), None)
    if node is not None:
        raise MinutesLayoutError(f"{path}:{node.lineno}: a layout cannot include, import or extend another file; put it all in {path.name}.")
    try:
        code = env.compile(tree)
    except TemplateSyntaxError as exc:  # what only compiling finds: a filter or test tandem has not
        raise MinutesLayoutError(f"{path}:{exc.lineno}: {_sentence(exc.message)}.") from None
    except RecursionError:
        raise MinutesLayoutError(f"{path}:1: the minutes layout nests brackets or blocks too deeply to read.") from None
    if cache is not None and bucket is not None:
        bucket.code = code
        try:
            cache.set_bucket(bucket)
        except OSError:
            pass  # a full or read-only temp folder: compiled again next time
    return env.template_class.from_code(env, code, env.make_globals(None))


def _bucket(cache: Any, env: Any, path: Path, source: str) -> Any:
    """The layout's entry in the cache of compiled layouts, holding its code if the cache
    has these very bytes compiled (a damaged entry: none, and it is replaced once they are);
    None when the cache folder cannot be read. One entry per layout name, the user's and
    the built-in one apart: a user's edit replaces its entry. None as well when nothing can
    tell how the code was compiled (see :func:`_code_name`)."""
    from jinja2.bccache import Bucket

    name = _code_name(env)
    if name is None:
        return None
    where = "builtin" if path == builtin_layout_path(path.name) else "user"
    bucket = Bucket(env, cache.get_cache_key(name, f"{where}:{path.name}"), cache.get_source_checksum(source))
    try:
        cache.load_bytecode(bucket)
    except OSError:
        return None  # nor, then, written
    except Exception:  # noqa: BLE001 - pickle's and marshal's errors on a damaged file
        bucket.reset()
    return bucket


#: What an environment compiles a layout by (besides its filters, tests and extensions).
_COMPILE_OPTIONS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "autoescape",
    "optimized",
)


@functools.cache
def _own_digest() -> str | None:
    try:
        return hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()
    except OSError:
        return None


#: Jinja's own bytecode cache files for layouts, in its per-user temp folder.
CODE_CACHE_PATTERN = "tandem-layout-%s.cache"


@functools.cache
def _code_cache() -> Any:
    """Compiled layouts kept between runs: parsing and compiling the layout took 50-60 ms of
    every command that renders minutes (``tandem export`` of one changed meeting among
    20,000: a seventh of it), more than rendering one. Jinja's own bytecode cache, in the
    folder it makes for it in the temp directory (private to the user; it refuses one that
    is not). None where there is no such folder: every run compiles."""
    from jinja2 import FileSystemBytecodeCache

    try:
        return FileSystemBytecodeCache(pattern=CODE_CACHE_PATTERN)
    except (OSError, RuntimeError):  # RuntimeError: the folder is not safe (another owner, open to others)
        return None


def _code_name(env: Any) -> str | None:
    """A layout's name in the cache: the bucket checks the layout's bytes and the Python
    version, not how the environment compiles them — its options, the operators its sandbox
    intercepts, how each filter and test is called, and the checks made before compiling
    (this module's own bytes: a later tandem may add one) — which go into the name. None
    when this module cannot be read: nothing is cached."""
    import jinja2

    import tandem

    def calls(named: dict[str, Any]) -> list[tuple[str, str]]:
        return sorted((name, str(getattr(f, "jinja_pass_arg", ""))) for name, f in named.items())

    own = _own_digest()
    if own is None:
        return None
    how = (
        jinja2.__version__,
        tandem.__version__,
        own,
        [c.__qualname__ for c in type(env).__mro__],
        [getattr(env, name) for name in _COMPILE_OPTIONS],
        env.finalize is not None,
        sorted(env.extensions),
        sorted(env.intercepted_binops),
        sorted(env.intercepted_unops),
        calls(env.filters),
        calls(env.tests),
    )
    return "tandem-layout-" + hashlib.blake2b(repr(how).encode(), digest_size=8).hexdigest()


def layout(name: str = LAYOUT_NAME) -> tuple[Path, Any]:
    """The layout ``name``: the user's copy in the config folder if there is one (whatever
    it is: a pipe or a folder there is reported, not passed over), else the built-in one."""
    path = user_layout_path(name)
    if not os.path.lexists(path):
        path = builtin_layout_path(name)
    try:
        mtime_ns = path.stat().st_mtime_ns
    except OSError as exc:
        raise MinutesLayoutError(f"{path}:1: the minutes layout cannot be read ({exc.strerror or exc}).") from None
    return path, _compiled(path, mtime_ns)


_BLANK_RUNS = re.compile(r"\n{3,}")


def _render(name: str, context: dict[str, Any]) -> str:
    path, template = layout(name)
    try:
        text = template.render(context)
    except Exception as exc:  # noqa: BLE001 - whatever a layout does wrong is the layout's: FILE:LINE, not a crash
        raise MinutesLayoutError(f"{path}:{_template_line(exc)}: {_layout_problem(exc)}.") from None
    return _BLANK_RUNS.sub("\n\n", text).strip("\n") + "\n"


def render_minutes(record: MeetingRecord, shared: Shared, *, actions: str | None = None) -> str:
    """The meeting's minutes; action items in the ``actions`` style (None: config.toml's)."""
    return _render(LAYOUT_NAME, minutes_context(record, shared, actions=actions or actions_style()))


def _clock(at: str) -> str:
    """``HH:MM`` of a takeaway's timestamp; empty when it has none."""
    if not at:
        return ""
    try:
        return datetime.fromisoformat(at).strftime("%H:%M")
    except ValueError:
        return ""


def shadow_context(day: ShadowDay) -> dict[str, Any]:
    """What the shadow-day layout sees: the day, its takeaways grouped by category (in the
    glossary's order; within a category by time, untimed ones last, then as captured)."""
    groups = []
    for category in TAKEAWAY_CATEGORIES:
        found = [(not t.at, t.at, n, t) for n, t in enumerate(day.takeaways) if t.category == category]
        found.sort(key=lambda row: row[:3])
        if found:
            groups.append({"category": category, "takeaways": [{"takeaway": t, "time": _clock(t.at)} for *_, t in found]})
    return {
        "day": day,
        "activities": day.activities,
        "takeaway_groups": groups,
        "experiment": day.experiment,
    }


def render_shadow_day(day: ShadowDay) -> str:
    """A shadow day on its own as Markdown (layout ``shadow.md.j2``): the same escaping and
    determinism as meeting minutes."""
    return _render(SHADOW_LAYOUT_NAME, shadow_context(day))


def _layout_problem(exc: BaseException) -> str:
    from jinja2 import TemplateError
    from jinja2.sandbox import MAX_RANGE

    if isinstance(exc, RecursionError):
        return "the layout calls itself without end (a macro that calls itself?)"
    if isinstance(exc, MemoryError):
        return "the layout makes more text than fits in memory"
    if isinstance(exc, OverflowError) and str(exc).startswith("Range too big"):
        return f"a range of more than {MAX_RANGE:,} numbers is more than a layout may loop over"
    if isinstance(exc, TemplateError):
        return _sentence(exc)
    return f"the layout failed ({_sentence(exc) or type(exc).__name__})"


def _template_line(exc: BaseException) -> int:
    tb = exc.__traceback__
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def file_name(meeting: Meeting, taken: set[str]) -> str:
    """``YYYY-MM-DD_<series-slug>.md``; ``_2``, ``_3``… when two share a day."""
    base = f"{meeting.date}_{_series_slug(meeting.series_id)}"
    name, n = f"{base}.md", 1
    while name in taken:
        n += 1
        name = f"{base}_{n}.md"
    taken.add(name)
    return name


@functools.lru_cache(maxsize=256)
def _series_slug(series_id: str) -> str:
    # Every meeting of a series has the same: named once, not for each of thousands.
    from tandem.store.ids import slugify

    return slugify(series_id)
