"""Agenda templates: plain Markdown read through markdown-it-py tokens (see templates/README.md).

The parser never raises on bad input: it returns the template it could build, or None, and a
list of problems located by line, so ``tandem templates check`` can print every one of them.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tandem.store import ids
from tandem.store.errors import CorruptFileError, TandemError
from tandem.store.outside import read_outside
from tandem.store.records import AgendaItem

MAX_BYTES = 256 * 1024
KINDS = ("sync", "review", "debrief", "planning", "kickoff")
META_KEYS = ("kind", "duration")
ITEM_KEYS = ("timebox", "presenter", "captures", "standing", "id")
PRESENTERS = {"sales": "sales", "marketing": "marketing", "other": "other", "shared": "", "both": ""}
CAPTURES = {
    "objective": "objective",
    "objectives": "objective",
    "objective check-in": "objective",
    "objective check-ins": "objective",
    "lead feedback": "lead_feedback",
    "lead_feedback": "lead_feedback",
    "prospect insight": "prospect_insight",
    "prospect insights": "prospect_insight",
    "prospect_insight": "prospect_insight",
    "content": "content",
    "content pipeline": "content",
    "shadow": "shadow",
    "shadow-day takeaways": "shadow",
    "shadow day takeaways": "shadow",
    "takeaways": "shadow",
    "decision": "decision",
    "decisions": "decision",
    "action review": "action_review",
    "action_review": "action_review",
    "actions": "action_review",
}
YES = {"yes": True, "true": True, "y": True, "no": False, "false": False, "n": False}

# A setting's key (the text before the first ':'). Matched on the stripped key alone: one
# pattern over the whole entry backtracked quadratically over long runs of blanks.
_KEY = re.compile(r"[A-Za-z][A-Za-z _-]*")
_DURATION = re.compile(
    r"^(?:(?P<h>\d{1,3})\s*(?:h|hr|hrs|hour|hours))?\s*"
    r"(?:(?P<m>\d{1,4})\s*(?:m|min|mins|minute|minutes)?)?$"
)


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    message: str

    def format(self, source: str | Path) -> str:
        return f"{source}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class TemplateItem:
    id: str
    title: str
    timebox_min: int
    prompts: tuple[str, ...] = ()
    presenter_team: str = ""
    captures: str = ""
    standing: bool = False
    line: int = 0


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    title: str
    items: tuple[TemplateItem, ...]
    kind: str = "sync"
    description: str = ""
    duration_min: int | None = None
    path: Path | None = None
    builtin: bool = False

    @property
    def total_min(self) -> int:
        return sum(item.timebox_min for item in self.items)


class TemplateError(TandemError):
    def __init__(self, source: str | Path, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(problems[0].format(source) if problems else f"{source}: invalid template")


def _key_value(entry: str) -> tuple[str, str] | None:
    """``key: value`` → (key as written, value), both stripped; None for any other entry."""
    key, sep, value = entry.partition(":")
    key = key.strip()
    if not sep or not _KEY.fullmatch(key):
        return None
    return key, value.strip()


def parse_minutes(text: str) -> int | None:
    """``10``, ``10 min``, ``1h``, ``1h 30min`` → minutes; None when it is not a duration."""
    match = _DURATION.match(text.strip().lower())
    if not match or not (match["h"] or match["m"]):
        return None
    return int(match["h"] or 0) * 60 + int(match["m"] or 0)


@dataclass
class _Draft:
    title: str
    line: int
    attrs: dict[str, tuple[str, int]] = field(default_factory=dict)
    prompts: list[str] = field(default_factory=list)


def _list_entries(tokens: list[Any], start: int) -> tuple[list[tuple[str, int]], int]:
    """The text and line of every item of the list opening at ``start`` (nested ones too)."""
    entries: list[tuple[str, int]] = []
    depth, i = 0, start
    while i < len(tokens):
        token = tokens[i]
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                return entries, i
        elif token.type == "inline" and tokens[i - 1].type == "paragraph_open":
            line = (token.map[0] if token.map else 0) + 1
            entries.append((token.content, line))
        i += 1
    return entries, i


def _blocks(tokens: list[Any]) -> Iterator[tuple[str, int, Any, int]]:
    """Top-level blocks as (kind, line, payload, index of the block's last token)."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        line = (token.map[0] if token.map else 0) + 1
        if token.type == "heading_open":
            yield token.tag, line, tokens[i + 1].content, i + 2
            i += 3
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            entries, end = _list_entries(tokens, i)
            yield "list", line, entries, end
            i = end + 1
        elif token.type == "paragraph_open":
            yield "paragraph", line, tokens[i + 1].content, i + 2
            i += 3
        else:
            # fences, code, html, tables, rules, quotes: skip to the matching close
            if token.nesting == 1:
                depth = 1
                j = i + 1
                while j < len(tokens) and depth:
                    depth += tokens[j].nesting
                    j += 1
                yield "other", line, None, j - 1
                i = j
            else:
                yield "other", line, None, i
                i += 1


@functools.cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    # commonmark + tables so a table is one block. Only block structure matters here, and
    # inline text is kept as written, so inline parsing is skipped (a quarter of the time).
    md = MarkdownIt("commonmark").enable("table")
    md.disable(["inline", "text_join"])
    return md


def parse_template(text: str, *, template_id: str) -> tuple[Template | None, list[Problem]]:
    problems: list[Problem] = []
    tokens = _parser().parse(text)
    title: str | None = None
    title_line = 1
    description: list[str] = []
    meta: dict[str, tuple[str, int]] = {}
    drafts: list[_Draft] = []
    warned_before_title = False

    for kind, line, payload, _ in _blocks(tokens):
        if title is None and kind != "h1" and not warned_before_title:
            problems.append(Problem(line, "the template must start with a '# Title' heading"))
            warned_before_title = True
        if kind == "h1":
            if title is not None:
                problems.append(Problem(line, "a second '# ' title; agenda items are '## ' headings"))
                continue
            title, title_line = payload.strip(), line
            if not title:
                problems.append(Problem(line, "the title is empty"))
        elif kind == "h2":
            if not payload.strip():
                problems.append(Problem(line, "an agenda item heading is empty"))
            drafts.append(_Draft(payload.strip(), line))
        elif kind == "list":
            target = drafts[-1] if drafts else None
            for entry, entry_line in payload:
                match = _key_value(entry)
                key = match[0].lower() if match else ""
                if target is None:
                    if key in META_KEYS:
                        if key in meta:
                            problems.append(Problem(entry_line, f"{key!r} is given twice"))
                        meta[key] = (match[1], entry_line)  # type: ignore[index]
                    elif match and " " not in key:
                        problems.append(Problem(entry_line, f"unknown setting {key!r} (expected one of: {', '.join(META_KEYS)})"))
                    else:
                        description.append(f"- {entry}")
                elif key in ITEM_KEYS:
                    if key in target.attrs:
                        problems.append(Problem(entry_line, f"{key!r} is given twice for {target.title!r}"))
                    target.attrs[key] = (match[1], entry_line)  # type: ignore[index]
                elif entry.strip():
                    target.prompts.append(entry.strip())
        elif kind == "paragraph" and not drafts and title is not None:
            description.append(payload.strip())
        # other blocks, h3+ headings and paragraphs inside items are facilitator notes

    if title is None and not problems:
        problems.append(Problem(1, "the template is empty" if not text.strip() else "the template has no '# Title' heading"))
    # On to the settings and items even without a title: every problem of the file is
    # reported at once, not the first kind only.

    kind_value = "sync"
    if "kind" in meta:
        value, meta_line = meta["kind"]
        kind_value = value.strip().lower()
        if kind_value not in KINDS:
            problems.append(Problem(meta_line, f"kind {value!r} is not one of: {', '.join(KINDS)}"))
    duration: int | None = None
    if "duration" in meta:
        value, meta_line = meta["duration"]
        duration = parse_minutes(value)
        if duration is None or not 1 <= duration <= 24 * 60:
            problems.append(Problem(meta_line, f"duration {value!r} is not a number of minutes (try '45 min')"))
            duration = None

    items: list[TemplateItem] = []
    seen: dict[str, int] = {}
    for draft in drafts:
        item = _build_item(draft, problems)
        if item is None:
            continue
        if item.id in seen:
            problems.append(Problem(draft.line, f"duplicate item id {item.id!r} (first at line {seen[item.id]})"))
            continue
        seen[item.id] = draft.line
        items.append(item)

    if not drafts and text.strip():
        problems.append(Problem(title_line, "no agenda items: add a '## Item' section with a timebox"))
    total = sum(item.timebox_min for item in items)
    if duration is not None and items and len(items) == len(drafts) and total != duration:
        problems.append(Problem(meta["duration"][1], f"the timeboxes add up to {total} min but duration says {duration} min"))
    if problems or title is None:
        return None, sorted(problems, key=lambda problem: problem.line)
    return (
        Template(
            id=template_id,
            title=title,
            items=tuple(items),
            kind=kind_value,
            description="\n\n".join(description),
            duration_min=duration,
        ),
        [],
    )


def _build_item(draft: _Draft, problems: list[Problem]) -> TemplateItem | None:
    ok = bool(draft.title)
    timebox = 0
    if "timebox" not in draft.attrs:
        problems.append(Problem(draft.line, f"item {draft.title!r} has no timebox (add '- timebox: 10 min')"))
        ok = False
    else:
        value, line = draft.attrs["timebox"]
        minutes = parse_minutes(value)
        if minutes is None:
            problems.append(Problem(line, f"timebox {value!r} is not a number of minutes (try '10 min')"))
            ok = False
        elif not 1 <= minutes <= 480:
            problems.append(Problem(line, f"timebox {value!r} must be between 1 and 480 minutes"))
            ok = False
        else:
            timebox = minutes
    presenter = ""
    if "presenter" in draft.attrs:
        value, line = draft.attrs["presenter"]
        if value.strip().lower() not in PRESENTERS:
            problems.append(Problem(line, f"presenter {value!r} is not one of: sales, marketing, other, shared"))
            ok = False
        else:
            presenter = PRESENTERS[value.strip().lower()]
    captures = ""
    if "captures" in draft.attrs:
        value, line = draft.attrs["captures"]
        normal = value.strip().lower()
        if normal not in CAPTURES:
            problems.append(
                Problem(
                    line,
                    f"captures {value!r} is not one of: objective check-in, lead feedback, prospect insight, "
                    "content pipeline, shadow-day takeaways, decisions, action review",
                )
            )
            ok = False
        else:
            captures = CAPTURES[normal]
    standing = False
    if "standing" in draft.attrs:
        value, line = draft.attrs["standing"]
        if value.strip().lower() not in YES:
            problems.append(Problem(line, f"standing {value!r} must be yes or no"))
            ok = False
        else:
            standing = YES[value.strip().lower()]
    item_id = ids.slugify(draft.title, max_length=60)
    if "id" in draft.attrs:
        value, line = draft.attrs["id"]
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", value.strip()):
            problems.append(Problem(line, f"id {value!r} must be lowercase letters, digits and dashes"))
            ok = False
        item_id = value.strip()
    if not ok:
        return None
    return TemplateItem(
        id=item_id,
        title=draft.title,
        timebox_min=timebox,
        prompts=tuple(draft.prompts),
        presenter_team=presenter,
        captures=captures,
        standing=standing,
        line=draft.line,
    )


# --- files and the library ------------------------------------------------------------


def builtin_dir() -> Path:
    import tandem

    return Path(tandem.__file__).parent / "templates"


def user_dir() -> Path:
    """Your own templates: the ``templates`` folder of tandem's config folder."""
    from tandem.store.config import config_dir

    return config_dir() / "templates"


def template_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.md") if p.name.lower() != "readme.md" and p.is_file())


def load_template(path: Path, *, builtin: bool = False) -> tuple[Template | None, list[Problem]]:
    try:
        # A template may be a teammate's, or a link into a shared clone: read like any
        # outside file (a named pipe named *.md must not hang `tandem templates check`).
        raw = read_outside(path)
    except FileNotFoundError:
        return None, [Problem(1, "no such file")]
    except CorruptFileError as exc:
        return None, [Problem(1, "this is a folder, not a template file" if exc.detail.startswith("it is a folder") else exc.detail)]
    except OSError as exc:
        return None, [Problem(1, f"cannot be read ({exc.strerror})")]
    if len(raw) > MAX_BYTES:
        return None, [Problem(1, f"the file is {len(raw) // 1024} KB; a template may be at most {MAX_BYTES // 1024} KB")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {column})")]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Problem(line, "the file contains a NUL byte; is it a binary file?")]
    template, problems = parse_template(text, template_id=path.stem)
    if template is not None:
        template = _with_source(template, path, builtin)
    return template, problems


def _with_source(template: Template, path: Path, builtin: bool) -> Template:
    from dataclasses import replace

    return replace(template, path=path, builtin=builtin)


@dataclass
class Library:
    """Built-in templates overridden by the user's; broken files are kept as problems."""

    templates: dict[str, Template]
    problems: dict[Path, list[Problem]]

    def get(self, template_id: str) -> Template:
        if template_id in self.templates:
            return self.templates[template_id]
        for path, problems in self.problems.items():
            if path.stem == template_id:
                raise TemplateError(path, problems)
        known = ", ".join(sorted(self.templates)) or "none"
        raise TandemError(f"No template {template_id!r}; known templates: {known}.")


def load_library(*, builtin: Path | None = None, user: Path | None = None) -> Library:
    templates: dict[str, Template] = {}
    problems: dict[Path, list[Problem]] = {}
    for folder, is_builtin in ((builtin or builtin_dir(), True), (user or user_dir(), False)):
        for path in template_files(folder):
            template, found = load_template(path, builtin=is_builtin)
            if template is not None:
                templates[template.id] = template
            else:
                problems[path] = found
    return Library(templates, problems)


def agenda_from_template(template: Template, *, rng: random.Random | None = None) -> list[AgendaItem]:
    """A fresh copy of the template's agenda, ready to store in a meeting."""
    return [
        AgendaItem(
            id=ids.new_id(rng),
            title=item.title,
            position=position,
            timebox_min=item.timebox_min,
            prompts=list(item.prompts),
            presenter_team=item.presenter_team,
            captures=item.captures,
            standing=item.standing,
        )
        for position, item in enumerate(template.items)
    ]
