"""Reading exported minutes back: a folder of Markdown files → read-only meeting summaries.

This is how tandem works beyond one machine: a team keeps exported minutes in a git
repository, and anyone can browse them without a workspace (``tandem review --minutes``).
Front matter is the small YAML subset tandem writes; sections come from markdown-it tokens,
and table cells, list items and headings are read as their visible text, so escaped user
text (``\\|``, ``\\*``, ``\\[``) reads back as typed. Labels in tables (``too early``, ``MQL``)
map back to record codes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tandem.store.errors import CorruptFileError
from tandem.store.mdescape import read_yaml_string
from tandem.store.outside import clean_text, read_outside
from tandem.store.records import Attendee
from tandem.store.review.model import code_for


@dataclass(frozen=True, slots=True)
class Task:
    done: bool
    text: str


@dataclass(slots=True)
class MinutesSummary:
    path: Path
    id: str
    title: str
    series: str
    series_title: str
    date: str
    status: str
    facilitator: str
    attendees: list[Attendee] = field(default_factory=list)
    absentees: list[Attendee] = field(default_factory=list)
    #: H2 section titles in document order.
    sections: list[str] = field(default_factory=list)
    #: H3 agenda item titles in order.
    agenda: list[str] = field(default_factory=list)
    actions: list[Task] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    #: Parallel to ``decisions``: ("supersedes" or "reverses", the earlier decision's text,
    #: its date) for a decision that changed an earlier one, else ("", "", "").
    decision_changes: list[tuple[str, str, str]] = field(default_factory=list)
    text: str = ""
    #: The status of each agenda item ("done", "skipped"…), and the agenda's total minutes
    #: planned and taken (None: not shown).
    agenda_statuses: list[str] = field(default_factory=list)
    planned_min: int = 0
    actual_min: int | None = None
    #: The meeting's rating (1-5) and the comment next to it, if any.
    rating: int | None = None
    rating_comment: str = ""
    #: The note lines under each agenda item (parallel to ``agenda``), escapes resolved.
    agenda_notes: list[list[str]] = field(default_factory=list)
    #: The "Action items" task list, each split into text, owner, due date and status.
    action_items: list[MinutesAction] = field(default_factory=list)
    #: The series' earlier action items as this meeting's review left them (same lines).
    reviewed_actions: list[MinutesAction] = field(default_factory=list)
    lead_feedback: list[MinutesFeedback] = field(default_factory=list)
    #: Rows of the "Objectives" table: the check-ins made in this meeting.
    objectives: list[MinutesObjective] = field(default_factory=list)
    shadow_days: list[MinutesShadowDay] = field(default_factory=list)
    parking_lot: list[str] = field(default_factory=list)
    #: Rows that could not be read (``path:line: sentence``); the rest of the file still is.
    issues: list[str] = field(default_factory=list)


class MinutesFormatError(ValueError):
    def __init__(self, path: Path, line: int, message: str) -> None:
        self.path, self.line = path, line
        super().__init__(f"{path}:{line}: {message}")


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
    """The front matter as a dict, the body, and the body's first line number.

    The YAML tandem writes (and a vault's editor writes back): ``key: scalar``, ``key: []``,
    and blocks nested by indentation, of ``key: value`` pairs or ``- item`` lists, whose
    items are scalars or pairs. Scalars are strings (a bare date too)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise MinutesFormatError(path, 1, "no front matter (a '---' line must open the file)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise MinutesFormatError(path, 1, "the front matter is not closed by a '---' line") from None
    rows = [
        (n, len(raw) - len(raw.lstrip(" ")), raw.strip()) for n, raw in enumerate(lines[1:end], start=2) if raw.strip() and not raw.lstrip().startswith("#")
    ]
    data, at = _mapping(rows, 0, 0, path)
    if at < len(rows):
        raise MinutesFormatError(path, rows[at][0], "expected 'key: value'")
    return data, "\n".join(lines[end + 1 :]), end + 2


_Row = tuple[int, int, str]
_PAIR = re.compile(r"[A-Za-z_][\w-]*:(?: |$)")


def _scalar(value: str) -> Any:
    value = value.strip()
    if value == "[]":
        return []
    # Values are cleaned once unescaped: "\u001b" in quotes is an escape sequence only then.
    return clean_text(read_yaml_string(value))


def _mapping(rows: list[_Row], at: int, indent: int, path: Path, into: dict[str, Any] | None = None) -> tuple[dict[str, Any], int]:
    """The ``key: value`` pairs at ``indent`` from ``rows[at]`` on (into ``into``), and
    where they end."""
    data: dict[str, Any] = {} if into is None else into
    while at < len(rows) and rows[at][1] == indent and not rows[at][2].startswith("- "):
        n, _, content = rows[at]
        key, sep, value = content.partition(":")
        if not sep or not key.strip():
            raise MinutesFormatError(path, n, "expected 'key: value'")
        at += 1
        if value.strip():
            data[key.strip()] = _scalar(value)
            continue
        data[key.strip()], at = _nested(rows, at, indent, path)
    return data, at


def _nested(rows: list[_Row], at: int, indent: int, path: Path) -> tuple[Any, int]:
    """The value of a ``key:`` with nothing after it: the block below it (a list may start
    at the key's own indent), or an empty list."""
    if at >= len(rows):
        return [], at
    _, inner, content = rows[at]
    if content.startswith("- ") or content == "-":
        if inner < indent:
            return [], at
        return _sequence(rows, at, inner, path)
    if inner <= indent:
        return [], at
    return _mapping(rows, at, inner, path)


def _sequence(rows: list[_Row], at: int, indent: int, path: Path) -> tuple[list[Any], int]:
    items: list[Any] = []
    while at < len(rows) and rows[at][1] == indent and (rows[at][2].startswith("- ") or rows[at][2] == "-"):
        content = rows[at][2]
        entry = content[2:].strip()
        at += 1
        if not entry:
            value, at = _nested(rows, at, indent, path)
            items.append(value)
        elif _PAIR.match(entry):  # "- name: x", and the item's other pairs below it
            key, _, value = entry.partition(":")
            item: dict[str, Any] = {}
            if value.strip():
                item[key.strip()] = _scalar(value)
            else:
                item[key.strip()], at = _nested(rows, at, indent + 2, path)
            if at < len(rows) and rows[at][1] > indent and not rows[at][2].startswith("- "):
                _, at = _mapping(rows, at, rows[at][1], path, item)
            items.append(item)
        else:
            items.append(_scalar(entry))
    if at < len(rows) and rows[at][1] > indent:
        raise MinutesFormatError(path, rows[at][0], "expected 'key: value' in a list entry")
    return items, at


@functools.cache
def _parser() -> Any:
    """Block structure only: inline content is parsed on demand (:func:`_children`), since
    most of a file (agenda notes, tables of plain words) never needs it."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline")
    # markdown-it's text rule stops at every character a rule of any plugin may start at
    # (":" for linkify, "-" for typographer, "$" for math) and tries each rule there: some
    # 5 µs a character, seconds for a line of dashes and colons. Here it stops only where
    # an enabled rule starts (and at "]", which ends a link's label). markdown-it-py 4.3+;
    # older versions keep their own rule, just slower.
    md.inline.terminator_re = re.compile(r"[\n!&*<\[\\\]_`~]")
    return md


#: What can start inline markup (escapes, code, emphasis, strikethrough, links, images,
#: autolinks, HTML, entities) or a line break. Text without any is its own plain text.
_INLINE_MARKUP = re.compile(r"[\\`*_~\[<\n]|&#?[A-Za-z0-9]+;")
# A backslash escape as Markdown reads it: before any ASCII punctuation mark.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _children(inline: Any) -> list[Any]:
    """The inline tokens of ``inline``, parsed the first time they are asked for."""
    if not inline.children and inline.content:  # the block parser leaves an empty list
        inline.children = []
        md = _parser()
        md.inline.parse(inline.content, md, {}, inline.children)
    return inline.children or []


def _text_parts(children: list[Any]) -> list[str]:
    parts = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "html_inline" and child.content.lower().startswith("<br"):
            parts.append("\n")  # only tandem writes a raw <br>: a line break in a table cell
    return parts


def plain(inline: Any) -> str:
    """The visible text of an inline token (escapes resolved, markup dropped)."""
    content = inline.content
    if not inline.children:
        if not _INLINE_MARKUP.search(content):
            return str(content)
        # Backslash escapes and nothing else that could be markup (how tandem writes user
        # text): resolving them is all markdown-it would do.
        if not _INLINE_MARKUP.search(_ESCAPED.sub("", content)):
            return _ESCAPED.sub(r"\1", content)
    return "".join(_text_parts(_children(inline)))


def _segments(inline: Any) -> list[tuple[str, str]]:
    """The visible text of an inline token in runs, each tagged with the markup around it:
    ``""`` (none), ``"strong"`` or ``"s"`` (strikethrough). User text is escaped, so markup
    can only be tandem's own."""
    runs: list[tuple[str, str]] = []
    stack: list[str] = []
    for child in _children(inline):
        if child.type in ("strong_open", "s_open", "em_open"):
            stack.append(child.type[:-5])
            continue
        if child.type in ("strong_close", "s_close", "em_close"):
            if stack:
                stack.pop()
            continue
        text = "".join(_text_parts([child]))
        if not text:
            continue
        kind = stack[-1] if stack else ""
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1] + text)
        else:
            runs.append((kind, text))
    return runs


def _people(entries: Any) -> list[Attendee]:
    people = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        name = str(entry.get("name", "")).strip()
        team = entry.get("team", "other")
        if name:
            people.append(Attendee(name=name, team=team if team in ("sales", "marketing", "other") else "other"))
    return people


# --- the body: which lines need markdown-it ------------------------------------------------

#: H2 sections whose structure is read (tables, lists, H3 days); the others (attendance,
#: prospect voice, content pipeline, next meeting) are only listed by title.
_STRUCTURED = frozenset({"Objectives", "Lead feedback", "Shadow-day takeaways", "Decisions", "Action items", "Action review", "Parking lot"})
_FENCE_LINE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")


def atx_heading(line: str) -> tuple[int, str] | None:
    """An ATX heading's level and title (closing hashes and the blanks around it dropped),
    or None when ``line`` is not one.

    String scanning, not a regular expression: the obvious pattern (a lazy title before an
    optional run of blanks and hashes) backtracks quadratically over a long run of blanks,
    and a line of a minutes file is anyone's text."""
    start = len(line) - len(line.lstrip(" "))
    if start > 3:
        return None
    after = line[start:].lstrip("#")
    level = len(line) - start - len(after)
    if not 1 <= level <= 6 or after[:1] not in ("", " ", "\t"):
        return None
    title = after.strip(" \t")
    unclosed = title.rstrip("#")
    if len(unclosed) < len(title) and unclosed[-1:] in (" ", "\t"):
        title = unclosed.rstrip(" \t")
    return level, title


def _prepare(lines: list[str]) -> tuple[list[str], dict[int, list[str]]]:
    """The body with every line nobody reads blanked (same line numbers), and the raw note
    lines under each agenda heading, by the heading's line.

    Agenda notes are most of a file and are only searched, never interpreted, so markdown-it
    never sees them. Splitting at ATX headings is safe: escaping guarantees no user text
    starts a heading line (notes have '#' defused, inline text never starts a line); fences,
    which only a hand edit can add, are skipped so a '#' inside one is no heading."""
    out: list[str] = []
    notes: dict[int, list[str]] = {}
    keep, section, current, fence = True, "", None, ""
    for n, line in enumerate(lines):
        if fence:
            m = _FENCE_LINE.match(line)
            if m and m[1][0] == fence[0] and len(m[1]) >= len(fence) and not m[2].strip():
                fence = ""
        elif (heading := atx_heading(line)) is not None and heading[0] <= 3:
            level = heading[0]
            if level <= 2:
                section = heading[1].strip() if level == 2 else ""
                # The agenda's table is read (the series' health); its notes are not.
                keep, current = section in _STRUCTURED or section == "Agenda" or level == 1, None
                out.append(line)
                continue
            if section == "Agenda":
                current, keep = n, False
                notes[n] = []
                out.append(line)
                continue
            if section == "Lead feedback":
                keep = False  # the summary below the table: counts tandem derives again
        elif (m := _FENCE_LINE.match(line)) and not (m[1][0] == "`" and "`" in m[2]):
            fence = m[1]
        if current is not None:
            notes[current].append(line)
        out.append(line if keep else "")
    return out, notes


def _note_lines(raw: list[str]) -> list[str]:
    """An agenda item's note lines as typed: without the planned/actual line, escapes resolved."""
    lines = list(raw)
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and lines[0].startswith("_Planned "):
        lines.pop(0)
    return [_ESCAPED.sub(r"\1", line) for line in lines if line.strip()]


# --- sections ------------------------------------------------------------------------------

_DAY = r"\d{4}-\d{2}-\d{2}"
_ACTION_TAIL = re.compile(rf"(?:, due ({_DAY}))?(?: \(done ({_DAY})\))?$")
_BLANK_OWNER = re.compile(rf" — \*{{4}}(?:, due {_DAY})?(?: \(done {_DAY}\))?$")
_WAS = re.compile(r" \(was [^()]*\)$")
# A measure is read in two anchored steps and plain string methods: one pattern for it
# all (a lazy unit before trailing blanks, optional blanks around a unit in front)
# backtracked quadratically over a long run of blanks. Each step here has one way to match.
_MEASURE_HEAD = re.compile(r"\s*([^\d\s.+-]*)\s*")
_NUMBER = re.compile(r"[-+]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_SHADOW_HEADING = re.compile(rf"(.+) \(([^()]+), ({_DAY})\)$")
_REPORT_BACK = re.compile(rf", report back ({_DAY})$")
#: The date after the earlier decision a decision changed: `` (2026-11-12)`` at the end.
_EARLIER_DATE = re.compile(r" \((\d{4}-\d{2}-\d{2})\)$")
_MINUTES = re.compile(r"\s*(\d+) min\s*$")
#: The Tasks plugin's due and done dates at the end of an action line.
_TASKS_TAIL = re.compile(rf"(?: 📅 ({_DAY}))?(?: ✅ ({_DAY}))?$")
#: A Dataview inline field at the end of an action line; user text has its brackets escaped.
_DATAVIEW_FIELD = re.compile(r" \[(owner|due|completion):: ((?:\\.|[^\\\]])*)\]$")
_RATING = re.compile(r"\s*([1-5])/5(?: — (.*))?$", re.S)


def measure_value(text: str) -> tuple[float, str] | None:
    """``"26.9%"`` → (26.9, "%"), ``"60 SQLs"`` → (60, "SQLs"), ``"1,200"`` → (1200, ""),
    ``"1.03$M"`` → (1.03, "$M"); a unit written before the number (``"$2.4M"``) is kept
    in front of the one after it. None when there is no number."""
    head = _MEASURE_HEAD.match(text)
    number = _NUMBER.match(text, head.end()) if head else None
    if head is None or number is None:
        return None
    unit = text[number.end() :]
    unit = unit[1:].rstrip() if unit[:1].isspace() else unit.rstrip()
    if "\n" in unit:  # a cell of two lines (<br>): not one measure
        return None
    try:
        value = float(number[0].replace(",", ""))
    except ValueError:
        return None
    return value, head[1] + unit


def split_objective(cell: str) -> tuple[str, str]:
    """``"Title (metric)"`` → (title, metric); the metric is the last balanced parenthesis,
    so a metric may hold parentheses of its own: ``"60 SQLs (SQLs per month (sourced))"``."""
    if cell.endswith(")"):
        depth = 0
        for i in range(len(cell) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(cell[i], 0)
            if depth == 0:
                if i >= 1 and cell[i - 1] == " ":
                    return cell[: i - 1], cell[i + 1 : -1]
                break
    return cell, ""


@dataclass(frozen=True, slots=True)
class MinutesAction:
    text: str
    owner: str
    due: str
    #: open, done or dropped.
    status: str
    closed_on: str
    line: int


@dataclass(frozen=True, slots=True)
class MinutesFeedback:
    reference: str
    source: str
    persona: str
    #: Record codes, mapped back from the labels in the table.
    stage_reached: str
    verdict: str
    disposition: str
    reasons: tuple[str, ...]
    stage_lost: str
    comment: str
    reporter: str
    line: int


@dataclass(frozen=True, slots=True)
class MinutesObjective:
    #: The "Title (metric)" cell as it reads: the same objective across meetings.
    key: str
    title: str
    metric: str
    owner_team: str
    target: float
    #: The value checked in at this meeting.
    value: float
    unit: str
    status: str
    comment: str
    line: int


@dataclass(frozen=True, slots=True)
class MinutesTakeaway:
    category: str
    text: str


@dataclass(slots=True)
class MinutesShadowDay:
    shadow: str
    host: str
    direction: str
    date: str
    line: int
    takeaways: list[MinutesTakeaway] = field(default_factory=list)
    experiment: str = ""
    experiment_owner: str = ""
    report_back: str = ""


def _split_pair(who: str, people: list[str]) -> tuple[str, str]:
    """``"Shadow with Host"``; when a name holds " with " itself, the split that gives a
    known person wins, else the first."""
    parts = who.split(" with ")
    if len(parts) < 2:
        return who, ""
    known = {" ".join(p.split()) for p in people}
    # A side is compared only when its length is a known name's: joining every split would
    # be quadratic in a heading of many " with ".
    lengths = {len(name) for name in known}
    at, first = 0, (who, "")
    for n, part in enumerate(parts[:-1]):
        at += len(part)
        left_end, right_start = at, at + len(" with ")
        if (left_end in lengths and who[:left_end] in known) or (len(who) - right_start in lengths and who[right_start:] in known):
            return who[:left_end], who[right_start:]
        if n == 0:
            first = (who[:left_end], who[right_start:])
        at = right_start
    return first


class _Reader:
    """One walk over a body's block tokens, filling a summary section by section."""

    def __init__(self, summary: MinutesSummary, first_line: int, style: str = "plain") -> None:
        self.s = summary
        self.first_line = first_line
        #: How the file writes action items (the front matter's ``tandem: actions:``).
        self.style = style
        self.people = [p.name for p in (*summary.attendees, *summary.absentees)]

    def line(self, token: Any) -> int:
        return self.first_line + (token.map[0] if token.map else 0)

    def issue(self, token: Any, message: str) -> None:
        self.s.issues.append(f"{self.s.path}:{self.line(token)}: {message}.")

    def read(self, tokens: list[Any], notes: dict[int, list[str]]) -> None:
        s = self.s
        section = ""
        in_body = False  # inside a table's body
        row: list[str] | None = None
        row_token: Any = None
        for i, token in enumerate(tokens):
            kind = token.type
            if kind == "inline":
                if row is not None:
                    row.append(plain(token))
                elif tokens[i - 1].type == "paragraph_open":
                    self.paragraph(section, token)
            elif kind == "heading_open":
                title = plain(tokens[i + 1])
                if token.tag == "h2":
                    section = title
                    s.sections.append(title)
                elif token.tag == "h3" and section == "Agenda":
                    s.agenda.append(title.split(". ", 1)[-1])
                    s.agenda_notes.append(_note_lines(notes.get(token.map[0], []) if token.map else []))
                elif token.tag == "h3" and section == "Shadow-day takeaways":
                    self.shadow_heading(token, title)
            elif kind in ("tbody_open", "tbody_close"):
                in_body = kind == "tbody_open"
            elif kind == "tr_open" and in_body:
                row, row_token = [], token
            elif kind == "tr_close" and row is not None:
                if section == "Objectives":
                    self.objective(row_token, row)
                elif section == "Lead feedback":
                    self.feedback(row_token, row)
                elif section == "Agenda":
                    self.agenda_row(row)
                row = None
            elif kind == "list_item_open" and token.level == 1 and tokens[i + 1].type == "list_item_close":
                # "- " alone: an entry whose text was empty (all control characters, say)
                if section == "Decisions":
                    s.decisions.append("")
                    s.decision_changes.append(("", "", ""))
                elif section == "Parking lot":
                    s.parking_lot.append("")

    def paragraph(self, section: str, token: Any) -> None:
        s = self.s
        if token.level == 3:  # the paragraph of a top-level list item
            if section == "Action items":
                token = self.as_plain(token)
                content = plain(token)
                if content[:3] in ("[ ]", "[x]", "[X]"):
                    s.actions.append(Task(done=content[1] != " ", text=content[3:].strip()))
                    self.action(token)
            elif section == "Action review":
                token = self.as_plain(token)
                if plain(token)[:3] in ("[ ]", "[x]", "[X]"):
                    self.action(token, reviewed=True)
            elif section == "Decisions":
                self.decision(token)
            elif section == "Parking lot":
                s.parking_lot.append(plain(token))
            elif section == "Shadow-day takeaways":
                self.takeaway(token)
        elif token.level == 1 and section == "Shadow-day takeaways" and "**Experiment:**" in token.content:
            self.experiment(token)
        elif token.level == 1 and not s.sections and "**Rating:**" in token.content:
            runs = _segments(token)
            for n, (kind, text) in enumerate(runs[:-1]):
                if kind == "strong" and text == "Rating:" and runs[n + 1][0] == "":
                    m = _RATING.match(runs[n + 1][1].split("\n")[0])
                    s.rating = int(m[1]) if m else None
                    s.rating_comment = (m[2] or "") if m else ""

    def as_plain(self, token: Any) -> Any:
        """An action line of the tasks or dataview style as the plain style writes it
        (``- [ ] text — **owner**, due D (done D)``), which :meth:`action` reads. User text
        is escaped, so the emoji fields' dates and the unescaped ``[key:: value]`` at the end
        are tandem's (in the style the front matter names)."""
        content = token.content
        if self.style == "plain" or content[:3] not in ("[ ]", "[x]", "[X]", "[-]"):
            return token
        box = "[x]" if content[1] != " " else "[ ]"
        if self.style == "tasks":
            m = _TASKS_TAIL.search(content)
            assert m is not None  # every part of the pattern is optional: it matches at the end
            head, owner, due, done = content[3 : m.start()], "", m[1] or "", m[2] or ""
        else:
            fields: dict[str, str] = {}
            while (f := _DATAVIEW_FIELD.search(content, 3)) is not None:
                fields.setdefault(f[1], f[2])
                content = content[: f.start()]
            # No owner field: no owner; an empty one is the plain style's blank owner.
            head, due, done = content[3:], fields.get("due", ""), fields.get("completion", "")
            owner = f" — **{fields['owner']}**" if "owner" in fields else ""
        line = f"{box}{head}{owner}{f', due {due}' if due else ''}{f' (done {done})' if done else ''}"
        return token.copy(content=line, children=[])

    def agenda_row(self, cells: list[str]) -> None:
        """``| n | item | 10 min | 12 min | done |``, and the total row at the end."""
        if len(cells) < 5:
            return
        planned, actual = _MINUTES.match(cells[2]), _MINUTES.match(cells[3])
        if cells[1] == "Total":
            self.s.planned_min = int(planned[1]) if planned else 0
            self.s.actual_min = int(actual[1]) if actual else (0 if cells[3] == "—" else None)
        else:
            self.s.agenda_statuses.append(cells[4].strip().casefold())

    def decision(self, token: Any) -> None:
        """``text (by)``, then `` — **supersedes** earlier text (date)`` (or reverses) for a
        decision that changed an earlier one. User text is escaped: the bold word is ours."""
        runs = _segments(token)
        for n, (kind, word) in enumerate(runs):
            if kind == "strong" and word in ("supersedes", "reverses") and n > 0 and runs[n - 1][1].endswith(" — "):
                before = "".join(text for _, text in runs[:n])[: -len(" — ")]
                after = "".join(text for _, text in runs[n + 1 :]).strip()
                m = _EARLIER_DATE.search(after)
                earlier, day = (after[: m.start()], m[1]) if m else (after, "")
                self.s.decisions.append(before)
                self.s.decision_changes.append((word, earlier, day))
                return
        self.s.decisions.append(plain(token))
        self.s.decision_changes.append(("", "", ""))

    def action(self, token: Any, *, reviewed: bool = False) -> None:
        """``[ ] text — **owner**, due D``, ``[x] text (done D)``, ``[x] ~~text~~ (dropped)``.
        User text is escaped, so the only bold and struck-through runs are tandem's."""
        runs = _segments(token)
        head = runs[0][1][3:] if runs and runs[0][0] == "" else ""
        runs = [("", head.removeprefix(" ")), *runs[1:]]
        if not runs[0][1] and len(runs) > 1 and runs[1][0] == "s":
            status, text, rest = "dropped", runs[1][1], runs[2:]
            if rest and rest[0][0] == "":
                rest[0] = ("", rest[0][1].removeprefix(" (dropped)"))
        else:
            status = "open" if token.content[1] == " " else "done"
            split = next((n for n, run in enumerate(runs) if run[0] == "strong"), len(runs))
            text, rest = "".join(value for _, value in runs[:split]), runs[split:]
        before, owner, tail, found = "", "", "", False
        for kind, value in rest:
            if kind == "strong" and not found:
                owner, found = value, True
            elif found:
                tail += value
            else:
                before += value
        # A blank owner is written as an empty bold, which Markdown shows as "****"; the
        # user's own stars are escaped, so only the raw text can tell them apart.
        blank_owner = not found and _BLANK_OWNER.search(token.content) is not None
        if found:
            text = text.removesuffix(" — ")
        elif status == "dropped":
            tail = before.removeprefix(" — ****") if blank_owner else before
        else:  # no owner: the due and closing dates end the text itself
            m = _ACTION_TAIL.search(text)
            assert m is not None  # the line was recognised as an action by this pattern
            text, tail = text[: m.start()], m[0]
            text = text.removesuffix(" — ****") if blank_owner else text
        m = _ACTION_TAIL.fullmatch(tail)
        if m is None:
            self.issue(token, f"the action item {text!r} ends in {tail!r}, not in a due or closing date")
        due, closed_on = (m[1] or "", m[2] or "") if m else ("", "")
        (self.s.reviewed_actions if reviewed else self.s.action_items).append(MinutesAction(text, owner, due, status, closed_on, self.line(token)))

    def feedback(self, token: Any, cells: list[str]) -> None:
        cells = [*cells, *[""] * (10 - len(cells))]
        reference, source, persona, reached, verdict, disposition, reasons, lost, comment, reporter = cells[:10]
        self.s.lead_feedback.append(
            MinutesFeedback(
                reference,
                source,
                persona,
                code_for(reached),
                code_for(verdict),
                code_for(disposition),
                tuple(code_for(r) for r in reasons.split(", ") if r.strip()),
                code_for(lost) if lost else "",
                comment,
                reporter,
                self.line(token),
            )
        )

    def objective(self, token: Any, cells: list[str]) -> None:
        cells = [*cells, *[""] * (6 - len(cells))]
        key, owner, target_text, value_text, status, comment = cells[:6]
        target, value = measure_value(target_text), measure_value(value_text)
        if not key or target is None or value is None:
            bad = target_text if target is None else value_text
            self.issue(token, f"the objective row {key!r} has {bad!r} where a number belongs; it is left out")
            return
        title, metric = split_objective(key)
        self.s.objectives.append(
            MinutesObjective(
                key,
                title,
                metric,
                code_for(owner),
                target[0],
                value[0],
                value[1] or target[1],
                code_for(_WAS.sub("", status)),
                comment,
                self.line(token),
            )
        )

    def shadow_heading(self, token: Any, title: str) -> None:
        m = _SHADOW_HEADING.match(title)
        if not m:
            self.issue(token, f"the shadow day {title!r} is not 'Shadow with Host (direction, YYYY-MM-DD)'; it is left out")
            self.s.shadow_days.append(MinutesShadowDay("", "", "", "", -1))
            return
        shadow, host = _split_pair(m[1], self.people)
        self.s.shadow_days.append(MinutesShadowDay(shadow, host, code_for(m[2]), m[3], self.line(token)))

    def takeaway(self, token: Any) -> None:
        runs = _segments(token)
        if not self.s.shadow_days or len(runs) < 2 or runs[0][0] != "strong" or not runs[0][1].endswith(":"):
            self.issue(token, "a shadow-day takeaway is not '**Category:** text'; it is left out")
            return
        self.s.shadow_days[-1].takeaways.append(MinutesTakeaway(code_for(runs[0][1][:-1]), "".join(t for _, t in runs[1:]).strip()))

    def experiment(self, token: Any) -> None:
        runs = _segments(token)
        if not self.s.shadow_days or len(runs) < 2 or runs[0] != ("strong", "Experiment:"):
            self.issue(token, "an experiment is not '**Experiment:** text — owner'; it is left out")
            return
        day = self.s.shadow_days[-1]
        text = "".join(t for _, t in runs[1:]).strip()
        m = _REPORT_BACK.search(text)
        if m:
            day.report_back, text = m[1], text[: m.start()]
        text, _, owner = text.rpartition(" — ") if " — " in text else ("", "", text)
        day.experiment, day.experiment_owner = (text, owner) if text else (owner, "")


def _key_line(text: str, key: str, end: int) -> int:
    """The line of ``key:`` in the front matter (1 if it is not there)."""
    lines = text.split("\n", end)[:end]
    return next((n for n, line in enumerate(lines, start=1) if line.startswith(f"{key}:")), 1)


def _is_day(value: str) -> bool:
    try:
        return len(value) == 10 and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _front_matter_people(meta: dict[str, Any], detail: dict[str, Any]) -> tuple[list[Attendee], list[Attendee]]:
    """(attendees, absentees) with their teams: from ``tandem:`` (minutes written since the
    front matter is vault-friendly), from the top level (before: ``attendees`` was a list of
    name and team), or from the flat name lists (a note written by hand in a vault)."""
    if "attendees" in detail or "absentees" in detail:
        return _people(detail.get("attendees")), _people(detail.get("absentees"))
    listed = meta.get("attendees")
    if isinstance(listed, list) and all(isinstance(entry, str) for entry in listed):
        teams = {str(name): team for team in ("sales", "marketing") if isinstance(meta.get(team), list) for name in meta[team]}
        return _people([{"name": name, "team": teams.get(name, "other")} for name in listed]), []
    return _people(listed), _people(meta.get("absentees"))


def read_minutes(path: Path, *, within: Path | None = None) -> MinutesSummary:
    """The minutes in ``path``. What is not minutes raises :class:`MinutesFormatError`: a
    named pipe or device (which would hang the reader), a link out of ``within`` (the
    folder being browsed), a file over the size limit, a file without front matter."""
    try:
        raw = read_outside(path, within=within)
    except CorruptFileError as exc:
        raise MinutesFormatError(path, 1, f"cannot be read: {exc.detail}") from None
    try:
        text, bad_line = raw.decode("utf-8"), 0
    except UnicodeDecodeError as exc:  # read anyway, and say so: the rest may be fine
        text, bad_line = raw.decode("utf-8", errors="replace"), raw.count(b"\n", 0, exc.start) + 1
    text = text.removeprefix("\ufeff")  # a byte order mark, as Notepad saves one
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a clone with CRLF line ends (git on Windows)
    # Someone else's file: no escape sequence or bidi override reaches a table or a search.
    text = clean_text(text)
    try:
        meta, body, first_line = split_front_matter(text, path)
    except MinutesFormatError:
        if bad_line:  # UTF-16 (Windows "Unicode"), say: that is what to tell
            raise MinutesFormatError(path, bad_line, "the file is not UTF-8 text") from None
        raise
    detail = meta.get("tandem")
    detail = detail if isinstance(detail, dict) else {}
    people = _front_matter_people(meta, detail)
    # A key written with no value ("title:") reads as an empty list: as good as absent.
    meta = {key: value for key, value in meta.items() if isinstance(value, str)}
    for key in ("id", "date"):
        if not meta.get(key):
            raise MinutesFormatError(path, _key_line(text, key, first_line), f"the front matter has no {key!r}")
    if not _is_day(meta["date"]):
        line = _key_line(text, "date", first_line)
        raise MinutesFormatError(path, line, f"the date {meta['date']!r} is not a date (YYYY-MM-DD)")
    summary = MinutesSummary(
        path=path,
        id=meta["id"],
        title=meta.get("title", meta["id"]),
        series=meta.get("series", ""),
        series_title=meta.get("series_title", meta.get("series", "")),
        date=meta["date"],
        status=meta.get("status", ""),
        facilitator=meta.get("facilitator", ""),
        attendees=people[0],
        absentees=people[1],
        text=body,
    )
    if bad_line:
        summary.issues.append(f"{path}:{bad_line}: the file is not UTF-8 text; what could not be read shows as \ufffd.")
    kept, notes = _prepare(body.split("\n"))
    style = detail.get("actions")
    _Reader(summary, first_line, style if style in ("tasks", "dataview") else "plain").read(_parser().parse("\n".join(kept)), notes)
    summary.shadow_days = [d for d in summary.shadow_days if d.line >= 0]
    return summary


@dataclass
class MinutesFolder:
    summaries: list[MinutesSummary]
    problems: list[str]


def read_folder(folder: Path) -> MinutesFolder:
    """Every ``*.md`` in ``folder`` (not recursive) in date order; unreadable files are
    reported, not fatal."""
    summaries, problems = [], []
    for path in sorted(folder.glob("*.md")):
        try:
            summaries.append(read_minutes(path, within=folder))
        except MinutesFormatError as exc:
            problems.append(str(exc))
        except OSError as exc:
            problems.append(f"{path}:1: cannot be read ({exc.strerror})")
    summaries.sort(key=lambda s: (s.date, s.id))
    return MinutesFolder(summaries, problems)
