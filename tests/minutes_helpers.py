"""Structure of rendered minutes, as markdown-it sees it (shared by the minutes tests)."""

from __future__ import annotations

from typing import Any

import yaml
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def front_matter(text: str) -> dict[str, Any]:
    assert text.startswith("---\n")
    head, _, _ = text[4:].partition("\n---\n")
    data = yaml.safe_load(head)
    assert isinstance(data, dict)
    return data


def body(text: str) -> str:
    return text[4:].partition("\n---\n")[2]


def structure(text: str) -> dict[str, Any]:
    """What user text must never change: outline, table rows, tasks, front matter keys."""
    tokens = _md.parse(body(text))
    headings, tables, tasks, rows = [], [], 0, 0
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            title = tokens[i + 1].content
            # Section names are tandem's own words; H1/H3 carry user text, so only levels count.
            headings.append(f"{token.tag}:{title}" if token.tag == "h2" else token.tag)
        elif token.type == "table_open":
            rows = 0
        elif token.type == "tr_open":
            rows += 1
        elif token.type == "table_close":
            tables.append(rows)
        elif token.type == "inline" and tokens[i - 1].type == "paragraph_open" and token.content[:3] in ("[ ]", "[x]"):
            tasks += 1
    return {
        "headings": headings,
        "tables": tables,
        "tasks": tasks,
        "front_matter_keys": sorted(front_matter(text)),
        "html": [t.type for t in tokens if t.type.startswith("html")],
        "fences": sum(t.type in ("fence", "code_block") for t in tokens),
    }


def tasks(text: str, section: str | None = None) -> list[str]:
    """The task-list lines, of the whole file or of the H2 ``section`` only."""
    tokens = _md.parse(body(text))
    found, current = [], None
    for i, t in enumerate(tokens):
        if t.type == "heading_open" and t.tag == "h2":
            current = tokens[i + 1].content
        elif t.type == "inline" and tokens[i - 1].type == "paragraph_open" and t.content[:3] in ("[ ]", "[x]") and section in (None, current):
            found.append(t.content)
    return found


def table_rows(text: str, section: str) -> int:
    """Data rows of the first table under the H2 ``section``."""
    tokens = _md.parse(body(text))
    inside, rows = False, 0
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            inside = tokens[i + 1].content == section
        elif inside and token.type == "tr_open":
            rows += 1
        elif inside and token.type == "table_close":
            return rows - 1  # minus the header row
    return 0
