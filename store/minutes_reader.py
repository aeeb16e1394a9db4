"""Reading exported minutes back: a folder of Markdown files → read-only meeting summaries.

This is how tandem works beyond one machine: a team keeps exported minutes in a git
repository, and anyone can browse them without a workspace (``tandem review --minutes``).
Front matter is the small YAML subset tandem writes; sections come from markdown-it tokens.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tandem.store.mdescape import read_yaml_string
from tandem.store.records import Attendee


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
    text: str = ""


class MinutesFormatError(ValueError):
    def __init__(self, path: Path, line: int, message: str) -> None:
        self.path, self.line = path, line
        super().__init__(f"{path}:{line}: {message}")


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
    """The front matter as a dict, the body, and the body's first line number."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise MinutesFormatError(path, 1, "no front matter (a '---' line must open the file)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise MinutesFormatError(path, 1, "the front matter is not closed by a '---' line") from None
    data: dict[str, Any] = {}
    current_list: list[dict[str, str]] | None = None
    for n, raw in enumerate(lines[1:end], start=2):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        stripped = raw.strip()
        if raw.startswith(" ") and current_list is not None:
            entry = stripped[2:] if stripped.startswith("- ") else stripped
            if stripped.startswith("- "):
                current_list.append({})
            if not current_list or ":" not in entry:
                raise MinutesFormatError(path, n, "expected 'key: value' in a list entry")
            key, _, value = entry.partition(":")
            current_list[-1][key.strip()] = read_yaml_string(value)
            continue
        key, sep, value = raw.partition(":")
        if not sep or raw.startswith(" "):
            raise MinutesFormatError(path, n, "expected 'key: value'")
        value = value.strip()
        if value in ("", "[]"):
            current_list = []
            data[key.strip()] = current_list
        else:
            current_list = None
            data[key.strip()] = read_yaml_string(value)
    return data, "\n".join(lines[end + 1 :]), end + 2


@functools.cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def plain(inline: Any) -> str:
    """The visible text of an inline token (escapes resolved, markup dropped)."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _people(entries: Any) -> list[Attendee]:
    people = []
    for entry in entries if isinstance(entries, list) else []:
        name = entry.get("name", "").strip()
        team = entry.get("team", "other")
        if name:
            people.append(Attendee(name=name, team=team if team in ("sales", "marketing", "other") else "other"))
    return people


def read_minutes(path: Path) -> MinutesSummary:
    text = path.read_bytes().decode("utf-8", errors="replace")
    meta, body, _ = split_front_matter(text, path)
    for key in ("id", "date"):
        if not meta.get(key):
            raise MinutesFormatError(path, 1, f"the front matter has no {key!r}")
    summary = MinutesSummary(
        path=path,
        id=str(meta["id"]),
        title=str(meta.get("title", meta["id"])),
        series=str(meta.get("series", "")),
        series_title=str(meta.get("series_title", meta.get("series", ""))),
        date=str(meta["date"]),
        status=str(meta.get("status", "")),
        facilitator=str(meta.get("facilitator", "")),
        attendees=_people(meta.get("attendees")),
        absentees=_people(meta.get("absentees")),
        text=body,
    )
    tokens = _parser().parse(body)
    section = ""
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            title = plain(tokens[i + 1])
            if token.tag == "h2":
                section = title
                summary.sections.append(title)
            elif token.tag == "h3" and section == "Agenda":
                summary.agenda.append(title.split(". ", 1)[-1])
        elif token.type == "inline" and tokens[i - 1].type == "paragraph_open" and token.level == 3:
            # level 3: the paragraph of a top-level list item
            content = plain(token)
            if section == "Action items" and content[:3] in ("[ ]", "[x]", "[X]"):
                summary.actions.append(Task(done=content[1] != " ", text=content[3:].strip()))
            elif section == "Decisions":
                summary.decisions.append(content)
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
            summaries.append(read_minutes(path))
        except MinutesFormatError as exc:
            problems.append(str(exc))
        except OSError as exc:
            problems.append(f"{path}:1: cannot be read ({exc.strerror})")
    summaries.sort(key=lambda s: (s.date, s.id))
    return MinutesFolder(summaries, problems)
