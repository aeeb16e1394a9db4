"""Markdown minutes: gather what a meeting produced and render it through a Jinja2 layout.

The layout is ``templates/minutes.md.j2`` unless the user puts their own ``minutes.md.j2`` in
the config folder. It runs in Jinja2's sandbox (a layout cannot reach the filesystem or
call arbitrary code), and every piece of user text passes an escaping filter
(:mod:`tandem.store.mdescape`). Nothing in the output depends on when it was rendered, so
re-exporting an unchanged meeting gives byte-identical minutes.
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tandem.store import mdescape
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


@dataclass
class Shared:
    """Workspace-wide records, loaded once per export run."""

    series: dict[str, Series] = field(default_factory=dict)
    objectives: list[Objective] = field(default_factory=list)
    insights: list[ProspectInsight] = field(default_factory=list)
    content: list[ContentItem] = field(default_factory=list)
    shadow_days: list[ShadowDay] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    #: Every action item with its origin meeting filled in: a meeting's action review.
    actions: list[ActionItem] = field(default_factory=list)

    @classmethod
    def load(cls, workspace: Workspace) -> Shared:
        meetings: list[Meeting] = []
        actions: list[ActionItem] = []
        for meeting, raised in workspace.iter_actions():
            meetings.append(meeting)
            actions.extend(raised)
        meetings.sort(key=lambda m: (m.date, m.id))
        return cls(
            series={s.id: s for s in workspace.series.all()},
            objectives=workspace.objectives.all(),
            insights=workspace.insights.all(),
            content=workspace.content.all(),
            shadow_days=workspace.shadow_days.all(),
            meetings=meetings,
            actions=actions,
        )

    def series_title(self, series_id: str) -> str:
        series = self.series.get(series_id)
        return series.title if series else series_id

    def previous_and_next(self, meeting: Meeting) -> tuple[Meeting | None, Meeting | None]:
        same = [m for m in self.meetings if m.series_id == meeting.series_id]
        ids = [m.id for m in same]
        if meeting.id not in ids:
            return None, None
        i = ids.index(meeting.id)
        return (same[i - 1] if i else None), (same[i + 1] if i + 1 < len(same) else None)


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


def _objective_rows(meeting: Meeting, objectives: list[Objective]) -> list[dict[str, Any]]:
    rows = []
    for objective in objectives:
        history = sorted(objective.checkins, key=lambda c: (c.date, c.meeting_id))
        for n, checkin in enumerate(history):
            if checkin.meeting_id == meeting.id:
                previous: CheckIn | None = history[n - 1] if n else None
                rows.append({"objective": objective, "checkin": checkin, "previous": previous})
                break
    return rows


def _shadow_days(record: MeetingRecord, shared: Shared, previous: Meeting | None) -> list[ShadowDay]:
    """Shadow days debriefed here, in a meeting whose agenda has a shadow-day item: those
    its debrief pulled in, and those not recorded as debriefed anywhere (older data) that
    were held since the series' previous meeting."""
    if not any(item.captures == "shadow" for item in record.agenda):
        return []
    start = previous.date if previous else ""
    meeting_ids = {m.id for m in shared.meetings}
    return sorted(
        (
            d
            for d in shared.shadow_days
            if d.debriefed_in == record.meeting.id
            or ((not d.debriefed_in or d.debriefed_in not in meeting_ids) and start < d.date <= record.meeting.date and d.status != "planned")
        ),
        key=lambda d: (d.date, d.id),
    )


def _when(meetings: dict[str, Meeting], meeting_id: str) -> tuple[str, str] | None:
    meeting = meetings.get(meeting_id)
    return (meeting.date, meeting.id) if meeting is not None else None


def closed_by(action: ActionItem, meeting: Meeting, meetings: dict[str, Meeting]) -> bool:
    """Whether the action was closed before ``meeting`` or in it: the state the meeting's
    minutes show. A closing later on changes nothing in them, so finalized minutes stay
    byte for byte what they were."""
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


def minutes_context(record: MeetingRecord, shared: Shared) -> dict[str, Any]:
    meeting = record.meeting
    previous, following = shared.previous_and_next(meeting)
    attendance = []
    for team in ("sales", "marketing", "other"):
        present = [a.name for a in meeting.attendees if a.team == team]
        absent = [a.name for a in meeting.absentees if a.team == team]
        if present or absent:
            attendance.append({"team": team, "present": present, "absent": absent})
    agenda = [{"item": item, "actual": _minutes_text(item.elapsed_s)} for item in record.agenda]
    known = {m.id: m for m in shared.meetings}
    return {
        "meeting": meeting,
        "series_title": shared.series_title(meeting.series_id),
        "attendance": attendance,
        "agenda": agenda,
        "planned_total": planned_minutes(meeting, record.agenda),
        "actual_total": _minutes_text(sum(item.elapsed_s for item in record.agenda)),
        "objectives": _objective_rows(meeting, shared.objectives),
        "lead_feedback": record.lead_feedback,
        "lead_summary": lead_summary(record),
        "insights": [i for i in shared.insights if i.meeting_id == meeting.id],
        "content": [c for c in shared.content if c.meeting_id == meeting.id],
        "shadow_days": _shadow_days(record, shared, previous),
        "decisions": record.decisions,
        "actions": _actions(record, known),
        "action_review": action_review(meeting, shared),
        "parking_lot": record.parking_lot,
        # Finalized minutes say only what was said at the meeting: planning the next one
        # later must not change a finalized file.
        "next_meeting": meeting.next_meeting or (following.date if following and meeting.status != "finalized" else ""),
    }


def user_layout_path(name: str = LAYOUT_NAME) -> Path:
    from tandem.store.templates import user_dir

    return user_dir().parent / name


def builtin_layout_path(name: str = LAYOUT_NAME) -> Path:
    from tandem.store.templates import builtin_dir

    return builtin_dir() / name


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
        return env.from_string(tree)
    except RecursionError:
        raise MinutesLayoutError(f"{path}:1: the minutes layout nests brackets or blocks too deeply to read.") from None


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


def render_minutes(record: MeetingRecord, shared: Shared) -> str:
    return _render(LAYOUT_NAME, minutes_context(record, shared))


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
    from tandem.store.ids import slugify

    base = f"{meeting.date}_{slugify(meeting.series_id)}"
    name, n = f"{base}.md", 1
    while name in taken:
        n += 1
        name = f"{base}_{n}.md"
    taken.add(name)
    return name
