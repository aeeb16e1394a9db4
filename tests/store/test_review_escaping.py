"""Review: holes in the minutes' escaping that let a note add HTML, a table or a task.

Checked the way GitHub reads the minutes: GFM tables, task lists and inline HTML included.
"""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin
from test_minutes import make, plain_text

from tandem.store import mdescape
from tandem.store.minutes.render import render_minutes

_gfm = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(tasklists_plugin)


def gfm_structure(text: str) -> dict[str, object]:
    tokens = _gfm.parse(text.partition("\n---\n")[2])
    inline_html = [
        child.content for token in tokens if token.type == "inline" for child in token.children or [] if child.type == "html_inline" and child.content != "<br>"
    ]
    return {
        "headings": [t.tag for t in tokens if t.type == "heading_open"],
        "rows": sum(t.type == "tr_open" for t in tokens),
        "tasks": sum(t.type == "list_item_open" and "task-list-item" in str(t.attrs.get("class", "")) for t in tokens),
        "html": [t.type for t in tokens if t.type == "html_block"] + inline_html,
        "rules": sum(t.type == "hr" for t in tokens),
        "code": sum(t.type in ("fence", "code_block") for t in tokens),
    }


NOTES = {
    # A backslash typed before '<' cancelled the escape tandem added: raw HTML came through.
    "escaped backslash before a tag": "\\<script>alert(1)</script> and \\<b>bold\\</b>",
    # A pipe made the line a table header (escaped pipes still count) and ':-:' its delimiter row.
    "one-column table": "x|\n:-:\ny|",
    "one-column table, right aligned": "total |\n--:",
    # An empty ordered item ("1.") whose content starts on the next, indented line.
    "task after an empty ordered item": "1.\n   [ ] sneaky task",
    "task after an empty ordered item with ')'": "2)\n   [x] sneaky done",
    # A space then a tab indents four columns: an indented code block.
    "space and tab before text": "para\n\n \t# not code",
    "five spaces after a list marker": "-     not code\n1.      nor this",
    "four spaces after a quote marker": ">     not code either",
}


@pytest.mark.parametrize("case", NOTES)
def test_note_cannot_add_html_tables_or_tasks(case: str) -> None:
    reference = gfm_structure(render_minutes(*make(plain_text)))

    def t(name: str) -> str:
        return NOTES[case] if name in ("notes1", "notes2") else plain_text(name)

    assert gfm_structure(render_minutes(*make(t))) == reference


@pytest.mark.parametrize(
    ("note", "kept"),
    [
        ("1. first\n2. second", "1. first\n2. second"),  # ordered lists still work
        ("a \\<b> literal", "a \\<b> literal"),  # already escaped: left as typed
    ],
)
def test_safe_markdown_is_kept(note: str, kept: str) -> None:
    assert mdescape.block(note) == kept


@pytest.mark.parametrize("escape", ["\\UFFFFFFFF", "\\U00110000", "\\ud800"])
def test_reading_back_survives_any_escape_in_the_front_matter(tmp_path, escape: str) -> None:
    # chr() of an escape beyond U+10FFFF raised OverflowError/ValueError out of read_folder,
    # whose promise is that a bad file is reported, never fatal.
    from tandem.store.minutes.reader import read_folder

    (tmp_path / "a.md").write_text(f'---\nid: "m{escape}"\ndate: "2026-11-26"\n---\n\n# T\n', encoding="utf-8")
    folder = read_folder(tmp_path)
    assert [s.id for s in folder.summaries] == ["m\ufffd"]
    folder.summaries[0].id.encode("utf-8")  # printable: no lone surrogate
