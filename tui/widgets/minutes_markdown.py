"""Minutes as Markdown, made ready to show: cut into sections, parsed into blocks, wrapped
to a width as offset ranges, searched. No Textual here (the widget that draws it is
:mod:`tandem.tui.widgets.minutes_view`), so it can be tested and benchmarked alone.

User text is always shown literally: nothing is read as Rich or Textual markup, and ANSI
sequences and control characters are removed. Conversion never raises: a section
markdown-it cannot handle is shown as plain text.
"""

from __future__ import annotations

import bisect
import re
import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.cells import cell_len, get_character_cell_size
from rich.style import Style
from rich.text import Text

from tandem.store.mdescape import clean

__all__ = ["Block", "Heading", "MinutesDocument", "render_plain"]

_md = MarkdownIt("commonmark").enable(["table", "strikethrough"])

# --- source preparation ---------------------------------------------------------------------

_SURROGATES = re.compile(r"[\ud800-\udfff]")
# What mdescape.clean leaves and a terminal must not get: tabs are expanded where text is
# shown, the rest (C0/C1 controls, line and paragraph separators, BOM) is dropped.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_ATX_LINE = re.compile(r"#{1,6}(?:[ \t]|$)")
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_HTML_START = re.compile(r" {0,3}<")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:", re.MULTILINE)


def prepare(markdown: str) -> tuple[str, str]:
    """Clean the source (ANSI, controls, lone surrogates) and split off YAML front matter.

    Returns ``(front_matter, body)``; front matter only counts when the document opens
    with a ``---`` line and has a closing ``---`` (or ``...``) line."""
    text = _SURROGATES.sub("\ufffd", clean(markdown))
    if text.startswith("---\n"):
        end = _FRONT_MATTER_END.search(text, 4)
        if end is not None:
            return text[4 : end.start()], text[end.end() + 1 :]
    return "", text


def split_sections(body: str) -> list[str]:
    """Cut the body before each top-level ATX heading, where markdown-it starts a new block
    whatever came before. Never inside a fence or an HTML block, nor in a document with
    link reference definitions (those apply document-wide). Parsing the pieces one by one
    gives the same blocks as parsing the whole."""
    if not body:
        return []
    if _LINK_DEFINITION.search(body):
        return [body]
    chunks: list[str] = []
    current: list[str] = []
    fence = ""
    html = ""  # "": none; "soft": ends at a blank line; "hard": may not (script, comment…)
    for line in body.splitlines(keepends=True):  # the source is clean: only \n breaks lines
        if fence:
            stripped = line.strip()
            indent = len(line) - len(line.lstrip(" "))
            if indent <= 3 and stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = ""
        elif not line.strip():
            if html == "soft":
                html = ""
        elif not html and _ATX_LINE.match(line) and current:
            chunks.append("".join(current))
            current = []
        elif m := _FENCE_OPEN.match(line):
            if not (m[1][0] == "`" and "`" in m[2]):
                fence = m[1]
        elif html != "hard" and _HTML_START.match(line):
            hard = line.lstrip().lower().startswith(("<script", "<pre", "<style", "<textarea", "<!--", "<?", "<!"))
            html = "hard" if hard else "soft"
        current.append(line)
    if current:
        chunks.append("".join(current))
    return chunks


def _clean_inline(text: str) -> str:
    if "\t" in text:
        text = text.replace("\t", "    ")
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


# --- blocks ---------------------------------------------------------------------------------

_BULLETS = ("•", "◦", "▪")
_SAFE_URL = re.compile(r"(?:https?|mailto):[^\s\x00-\x1f]*", re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_STRONG, _EM, _STRIKE = Style(bold=True), Style(italic=True), Style(strike=True)


@dataclass(slots=True)
class Block:
    """One thing on the page, not yet wrapped.

    ``kind`` is ``heading``, ``text`` (paragraphs, list items), ``code`` (fences, indented
    code, HTML blocks: shown as they are, folded at the width), ``rule`` or ``table``."""

    kind: str
    text: Text = field(default_factory=Text)
    level: int = 0  # heading level 1-6
    indent: int = 0  # cells before the text on every line (list nesting, marker included)
    marker: Text | None = None  # right-aligned in the indent, first line only
    quote: int = 0  # blockquote depth
    space: int = 1  # blank lines before
    rows: list[list[Text]] | None = None  # tables: the header row first
    aligns: list[str] | None = None


class Heading(NamedTuple):
    """An entry of the heading index: ``line`` is where it is at the current width."""

    level: int
    title: str
    line: int


class _Line(NamedTuple):
    block: int  # -1: a blank line
    start: int  # offsets into the block's text (text/heading/code lines)
    end: int
    text: Text | None  # a line built whole (tables, rules); None: slice the block's text
    first: bool  # the block's first line: draws the list marker


_BLANK = _Line(-1, 0, 0, None, False)


def _inline_text(children: list[Token] | None, style: str | None = None) -> Text:
    """Rich Text of an inline token's children; styles are spans, never markup."""
    text = Text(style=style or "")
    if not children:
        return text
    opened: list[tuple[Any, int]] = []
    append = text.append
    for child in children:
        kind = child.type
        if kind == "text":
            append(_clean_inline(child.content))
        elif kind == "softbreak":
            append(" ")
        elif kind == "hardbreak":
            append("\n")
        elif kind == "code_inline":
            start = len(text)
            append(_clean_inline(child.content))
            text.stylize("md.code", start, len(text))
        elif kind == "strong_open":
            opened.append((_STRONG, len(text)))
        elif kind == "em_open":
            opened.append((_EM, len(text)))
        elif kind == "s_open":
            opened.append((_STRIKE, len(text)))
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            opened.append(("md.link", len(text)))
            if _SAFE_URL.fullmatch(href):
                opened.append((Style(link=href), len(text)))
        elif kind in ("strong_close", "em_close", "s_close"):
            if opened:
                style, start = opened.pop()
                text.stylize(style, start, len(text))
        elif kind == "link_close":
            while opened:
                style, start = opened.pop()
                text.stylize(style, start, len(text))
                if style == "md.link":
                    break
        elif kind == "image":
            alt = _inline_text(child.children).plain or str(child.attrs.get("src", ""))
            append(f"[image: {_clean_inline(alt)}]", "md.dim")
        elif kind == "html_inline":
            if _BR.fullmatch(child.content.strip()):
                append("\n")
            else:
                append(_clean_inline(child.content), "md.dim")
        else:
            append(_clean_inline(child.content))
    while opened:
        style, start = opened.pop()
        text.stylize(style, start, len(text))
    return text


class _List:
    __slots__ = ("bullet", "depth", "first", "next", "number_width", "ordered", "space", "tight")

    def __init__(self, ordered: bool, start: int, number_width: int, tight: bool, depth: int, space: int) -> None:
        self.ordered, self.next, self.number_width = ordered, start, number_width
        self.tight, self.depth, self.space, self.first = tight, depth, space, True
        self.bullet = _BULLETS[depth % len(_BULLETS)]


class _Item:
    __slots__ = ("first_block", "indent", "marker", "parent")

    def __init__(self, parent: _List, marker: Text, indent: int) -> None:
        self.parent, self.marker, self.indent, self.first_block = parent, marker, indent, True


def _scan_list(tokens: list[Token], i: int) -> tuple[int, bool]:
    """Items of the list opening at ``i`` and whether it is tight."""
    level = tokens[i].level
    items, tight, seen_paragraph = 0, True, False
    close = "ordered_list_close" if tokens[i].type == "ordered_list_open" else "bullet_list_close"
    for token in tokens[i + 1 :]:
        if token.level == level and token.type == close:
            break
        if token.level == level + 1 and token.type == "list_item_open":
            items += 1
        elif not seen_paragraph and token.level == level + 2 and token.type == "paragraph_open":
            tight, seen_paragraph = token.hidden, True
    return items, tight


def blocks_from_tokens(tokens: list[Token]) -> list[Block]:
    """Turn markdown-it block tokens into :class:`Block`\\ s (spacing and nesting resolved)."""
    out: list[Block] = []
    lists: list[_List] = []
    items: list[_Item] = []
    quote = 0

    def add(block: Block) -> Block:
        block.quote = quote
        if items:
            item = items[-1]
            block.indent = item.indent
            owner = item.parent
            if item.first_block:
                block.marker = item.marker
                item.first_block = False
                if owner.first:
                    block.space, owner.first = owner.space, False
                else:
                    block.space = 0 if owner.tight else 1
            else:
                block.space = 0 if owner.tight else 1
        out.append(block)
        return block

    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        kind = token.type
        if kind == "paragraph_open" or kind == "heading_open":
            inline = tokens[i + 1] if i + 1 < n and tokens[i + 1].type == "inline" else None
            if kind == "heading_open":
                level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
                text = _inline_text(inline.children if inline else None, f"md.h{min(level, 4)}")
                add(Block("heading", text, level=level))
            else:
                text = _inline_text(inline.children if inline else None)
                item = items[-1] if items else None
                if item is not None and item.first_block and inline is not None:
                    text = _task(text, item)
                add(Block("text", text))
            i += 3 if inline is not None else 2
            continue
        if kind in ("bullet_list_open", "ordered_list_open"):
            count, tight = _scan_list(tokens, i)
            start = int(token.attrs.get("start", 1) or 1) if kind == "ordered_list_open" else 1
            if items:
                space = 0 if items[-1].parent.tight else 1
                if items[-1].first_block:  # a list right at the start of an item: "- - x"
                    space = 0
            else:
                space = 1
            lists.append(_List(kind == "ordered_list_open", start, len(str(start + max(count, 1) - 1)), tight, len(lists), space))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            if lists:
                lists.pop()
        elif kind == "list_item_open":
            owner = lists[-1] if lists else _List(False, 1, 1, True, 0, 1)
            if owner.ordered:
                label = f"{owner.next}.".rjust(owner.number_width + 1)
                owner.next += 1
                marker = Text(label + " ", style="md.marker")
            else:
                marker = Text(owner.bullet + " ", style="md.marker")
            base = items[-1].indent if items else 0
            if items and items[-1].first_block:
                # Nested right away ("- - x"): draw the outer marker now, on its own line.
                add(Block("text", Text("")))
            items.append(_Item(owner, marker, base + marker.cell_len))
        elif kind == "list_item_close":
            if items:
                item = items.pop()
                if item.first_block:  # an empty item still shows its marker
                    add(Block("text", Text("")))
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote = max(0, quote - 1)
        elif kind in ("fence", "code_block", "html_block"):
            content = _CONTROL.sub("", token.content.expandtabs(4).rstrip("\n"))
            add(Block("code", Text(content, style="md.code-block" if kind != "html_block" else "md.dim")))
        elif kind == "hr":
            add(Block("rule"))
        elif kind == "table_open":
            i = _table(tokens, i, add)
        i += 1
    if out:
        out[0].space = 0
    return out


def _task(text: Text, item: _Item) -> Text:
    """``[ ] x`` / ``[x] x`` first in a list item: a ☐ / ☑ box instead of the bullet."""
    plain = text.plain
    if len(plain) < 3 or plain[0] != "[" or plain[2] != "]" or plain[1] not in " xX" or plain[3:4] not in ("", " "):
        return text
    done = plain[1] != " "
    box = Text("☑ " if done else "☐ ", style="md.task-done" if done else "md.task")
    rest = text[4:] if len(plain) > 3 else Text("")
    if item.parent.ordered:
        return Text.assemble(box, rest)
    item.indent += box.cell_len - item.marker.cell_len
    item.marker = box
    return rest


def _table(tokens: list[Token], i: int, add: Any) -> int:
    """Collect the rows of the table opening at ``i``; returns the index of table_close."""
    rows: list[list[Text]] = []
    aligns: list[str] = []
    row: list[Text] | None = None
    n = len(tokens)
    while i < n:
        token = tokens[i]
        kind = token.type
        if kind == "table_close":
            break
        if kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            rows.append(row)
            row = None
        elif kind in ("th_open", "td_open"):
            inline = tokens[i + 1] if i + 1 < n and tokens[i + 1].type == "inline" else None
            cell = _inline_text(inline.children if inline else None)
            if row is not None:
                row.append(cell)
            if kind == "th_open":
                style = str(token.attrs.get("style", ""))
                aligns.append("right" if "right" in style else "center" if "center" in style else "left")
        i += 1
    if rows:
        add(Block("table", rows=rows, aligns=aligns))
    return i


def _plain_blocks(text: str) -> list[Block]:
    """The last resort: a section shown as plain text, one block per paragraph."""
    blocks = [Block("text", Text(_clean_inline(part.strip("\n")))) for part in re.split(r"\n\s*\n", text) if part.strip()]
    return blocks


def parse_section(section: str, env: dict[str, Any] | None = None) -> list[Block]:
    """Blocks of one section; never raises."""
    try:
        return blocks_from_tokens(_md.parse(section, {} if env is None else env))
    except Exception:  # noqa: BLE001 - a viewer shows what it can, whatever the input
        return _plain_blocks(section)


# --- wrapping -------------------------------------------------------------------------------

_WORD = re.compile(r"\S+")


def _fold(plain: str, start: int, end: int, width: int, out: list[tuple[int, int]]) -> int:
    """Cut ``plain[start:end]`` into pieces of ``width`` cells; the last piece's start is
    returned (not appended) so the caller can keep filling that line."""
    cells = 0
    piece = start
    for pos in range(start, end):
        size = get_character_cell_size(plain[pos])
        if cells + size > width and pos > piece:
            out.append((piece, pos))
            piece, cells = pos, 0
        cells += size
    return piece


def wrap_ranges(plain: str, width: int, *, words: bool = True) -> list[tuple[int, int]]:
    """Offsets ``(start, end)`` of each wrapped line of ``plain`` (``\\n`` always breaks).

    ``words``: break between words, dropping the spaces at breaks (a word wider than the
    line is folded); otherwise fold at ``width`` keeping every character (code)."""
    width = max(1, width)
    out: list[tuple[int, int]] = []
    offset = 0
    for line in plain.split("\n"):
        end = offset + len(line)
        if (len(line) <= width and line.isascii()) or cell_len(line) <= width:
            out.append((offset, end))
        elif not words:
            last = _fold(plain, offset, end, width, out)
            out.append((last, end))
        else:
            line_start = -1
            line_end = 0
            line_cells = 0
            for m in _WORD.finditer(plain, offset, end):
                ws, we = m.span()
                word = m.group()
                w = we - ws if word.isascii() else cell_len(word)
                gap = plain[line_end:ws]
                gap_cells = len(gap) if gap.isascii() else cell_len(gap)
                if line_start >= 0 and line_cells + gap_cells + w <= width:
                    line_cells += gap_cells + w
                    line_end = we
                    continue
                if line_start >= 0:
                    out.append((line_start, line_end))
                if w > width:
                    line_start = _fold(plain, ws, we, width, out)
                    line_cells = cell_len(plain[line_start:we])
                else:
                    line_start, line_cells = ws, w
                line_end = we
            if line_start >= 0:
                out.append((line_start, line_end))
            else:
                out.append((offset, offset))
        offset = end + 1
    return out


def _fit_columns(natural: list[int], minimum: list[int], room: int) -> list[int]:
    """Column widths: natural ones if they fit, else the widest are narrowed (water-filling)."""
    if sum(natural) <= room:
        return natural
    lo, hi = 1, max(natural)
    while lo < hi:  # the largest cap that fits
        cap = (lo + hi + 1) // 2
        if sum(max(m, min(w, cap)) for w, m in zip(natural, minimum, strict=True)) <= room:
            lo = cap
        else:
            hi = cap - 1
    return [max(m, min(w, lo)) for w, m in zip(natural, minimum, strict=True)]


def _cell_lines(cell: Text, width: int) -> list[Text]:
    if not cell.plain:
        return [Text("")]
    return [cell[start:end] for start, end in wrap_ranges(cell.plain, width)]


def _align(text: Text, width: int, how: str) -> Text:
    gap = width - text.cell_len
    if gap <= 0:
        return text
    if how == "right":
        return Text.assemble(" " * gap, text)
    if how == "center":
        return Text.assemble(" " * (gap // 2), text, " " * (gap - gap // 2))
    return Text.assemble(text, " " * gap)


def table_lines(block: Block, room: int) -> list[Text]:
    """A table as aligned columns with a rule under the header; when even narrowed columns
    do not fit, one card per row ("Header: value" lines)."""
    rows = block.rows or []
    columns = max(len(row) for row in rows)
    rows = [row + [Text("")] * (columns - len(row)) for row in rows]
    aligns = (block.aligns or []) + ["left"] * columns
    natural = [0] * columns
    minimum = [1] * columns
    for row in rows:
        for c, cell in enumerate(row):
            for part in cell.plain.split("\n"):
                natural[c] = max(natural[c], cell_len(part))
                longest = max((cell_len(w) for w in part.split()), default=0)
                minimum[c] = max(minimum[c], min(longest, 10))
    separator = 3 * (columns - 1)
    if sum(minimum) + separator > room and columns > 1:
        return _table_cards(rows, room)
    widths = _fit_columns(natural, [min(m, n) or 1 for m, n in zip(minimum, natural, strict=True)], room - separator)
    widths = [max(1, w) for w in widths]
    out: list[Text] = []
    for r, row in enumerate(rows):
        cells = [_cell_lines(cell, widths[c]) for c, cell in enumerate(row)]
        height = max(len(lines) for lines in cells)
        for k in range(height):
            line = Text()
            for c, lines in enumerate(cells):
                if c:
                    line.append(" │ ", "md.table-border")
                line.append_text(_align(lines[k] if k < len(lines) else Text(""), widths[c], aligns[c]))
            line.rstrip()
            if r == 0:
                line.stylize("md.table-header")
            out.append(line)
        if r == 0:
            out.append(Text("─┼─".join("─" * w for w in widths), style="md.table-border"))
    return out


def _table_cards(rows: list[list[Text]], room: int) -> list[Text]:
    header, body = rows[0], rows[1:]
    out: list[Text] = []
    for n, row in enumerate(body):
        if n:
            out.append(Text("╌" * max(1, min(room, 40)), style="md.table-border"))
        for title, cell in zip(header, row, strict=False):
            if not cell.plain.strip():
                continue
            line = Text.assemble((title.plain + ": ", "md.table-header"), cell)
            hang = 2 if room > 12 else 0  # continuation lines are indented
            for k, (start, end) in enumerate(wrap_ranges(line.plain, room - hang)):
                out.append(line[start:end] if k == 0 else Text.assemble(" " * hang, line[start:end]))
    return out or [Text("")]


# --- the document ---------------------------------------------------------------------------


@dataclass
class Match:
    """One find hit: parts of ``(line, start, end)`` in line-text offsets (a hit can run
    over a line break)."""

    parts: list[tuple[int, int, int]]

    @property
    def line(self) -> int:
        return self.parts[0][0]


class MinutesDocument:
    """The viewer's model, free of widgets: sections → blocks → wrapped lines.

    Parsing goes section by section (:meth:`parse_next`); wrapping is for one width at a
    time and also incremental (:meth:`wrap_pending`), so a caller can show the first screen
    before the whole document is done."""

    def __init__(self, markdown: str) -> None:
        self.front_matter, body = prepare(markdown)
        self.sections = split_sections(body)
        self.parsed_sections = 0
        self.blocks: list[Block] = []
        self.heading_blocks: list[int] = []
        self.width = 0
        self.lines: list[_Line] = []
        self.block_line: list[int] = []  # index of each wrapped block's first line
        self._env: dict[str, Any] = {}

    # parsing
    @property
    def parsed(self) -> bool:
        return self.parsed_sections >= len(self.sections)

    @property
    def complete(self) -> bool:
        return self.parsed and len(self.block_line) == len(self.blocks)

    def parse_next(self) -> int:
        """Parse one more section; the number of blocks it added."""
        if self.parsed:
            return 0
        section = self.sections[self.parsed_sections]
        self.parsed_sections += 1
        blocks = parse_section(section, self._env)
        if blocks and self.blocks:
            blocks[0].space = 1
        first = len(self.blocks)
        self.blocks.extend(blocks)
        self.heading_blocks.extend(first + n for n, b in enumerate(blocks) if b.kind == "heading")
        return len(blocks)

    def parse_all(self) -> None:
        while not self.parsed:
            self.parse_next()

    # wrapping
    def set_width(self, width: int) -> bool:
        """Start over at a new width; True if it changed."""
        width = max(1, width)
        if width == self.width:
            return False
        self.width = width
        self.lines = []
        self.block_line = []
        return True

    def wrap_pending(self, *, until_lines: int | None = None, deadline: float | None = None) -> None:
        """Wrap parsed blocks not wrapped yet, stopping early at ``until_lines`` lines or
        at the ``deadline`` (``time.perf_counter()``)."""
        if not self.width:
            return
        lines = self.lines
        blocks = self.blocks
        n = len(self.block_line)
        while n < len(blocks):
            if until_lines is not None and len(lines) >= until_lines:
                return
            if deadline is not None and n % 16 == 0 and time.perf_counter() > deadline:
                return
            block = blocks[n]
            if block.space:
                lines.extend([_BLANK] * block.space)
            self.block_line.append(len(lines))
            try:
                lines.extend(self._wrap_block(n, block))
            except Exception:  # noqa: BLE001 - show it unwrapped rather than fail
                lines.append(_Line(n, 0, len(block.text), None, True))
            n += 1

    def _room(self, block: Block) -> int:
        used = 2 * block.quote + block.indent
        return max(self.width - used, min(self.width, 12), 1)

    def _wrap_block(self, index: int, block: Block) -> list[_Line]:
        room = self._room(block)
        kind = block.kind
        if kind == "rule":
            return [_Line(index, 0, 0, Text("─" * room, style="md.rule"), True)]
        if kind == "table":
            return [_Line(index, 0, 0, text, n == 0) for n, text in enumerate(table_lines(block, room))]
        ranges = wrap_ranges(block.text.plain, room, words=kind != "code")
        out = [_Line(index, start, end, None, n == 0) for n, (start, end) in enumerate(ranges)]
        if kind == "heading" and block.level <= 2:
            rule = ("━" if block.level == 1 else "─") * room
            out.append(_Line(index, 0, 0, Text(rule, style=f"md.h{block.level}-rule"), False))
        return out

    # reading
    def headings(self) -> list[Heading]:
        """Every wrapped heading, in order."""
        block_line = self.block_line
        out = []
        for b in self.heading_blocks:
            if b >= len(block_line):
                break
            block = self.blocks[b]
            out.append(Heading(block.level, " ".join(block.text.plain.split()), block_line[b]))
        return out

    def prefix(self, line: _Line) -> Text | None:
        block = self.blocks[line.block]
        if not block.quote and not block.indent:
            return None
        prefix = Text()
        if block.quote:
            prefix.append("▌ " * block.quote, style="md.quote")
        if block.indent:
            marker = block.marker if line.first else None
            if marker is not None:
                prefix.append(" " * max(0, block.indent - marker.cell_len))
                prefix.append_text(marker)
            else:
                prefix.append(" " * block.indent)
        return prefix

    def line_text(self, index: int) -> Text:
        """The line as Rich Text (prefix and content; style names unresolved)."""
        line = self.lines[index]
        if line.block < 0:
            return Text("")
        content = line.text if line.text is not None else self.blocks[line.block].text[line.start : line.end]
        prefix = self.prefix(line)
        if prefix is None:
            return content.copy() if line.text is not None else content
        prefix.append_text(content)
        return prefix

    def plain_lines(self) -> list[str]:
        return [self.line_text(i).plain.rstrip() for i in range(len(self.lines))]

    # finding
    def search(self, query: str) -> list[Match]:
        """Case-insensitive hits of ``query`` in the wrapped part of the document."""
        if not query:
            return []
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        matches: list[Match] = []
        lines = self.lines
        total = len(lines)
        for b, first in enumerate(self.block_line):
            block = self.blocks[b]
            end_line = self.block_line[b + 1] if b + 1 < len(self.block_line) else total
            block_lines = range(first, end_line)
            if block.kind in ("table", "rule"):
                for i in block_lines:
                    line = lines[i]
                    if line.text is None:
                        continue
                    shift = self._shift(line)
                    for m in pattern.finditer(line.text.plain):
                        matches.append(Match([(i, m.start() + shift, m.end() + shift)]))
                continue
            plain = block.text.plain
            if not pattern.search(plain):
                continue
            text_lines = [(i, lines[i]) for i in block_lines if lines[i].text is None and lines[i].block == b]
            for m in pattern.finditer(plain):
                a, z = m.span()
                parts = []
                for i, line in text_lines:
                    if line.end <= a:
                        continue
                    if line.start >= z:
                        break
                    shift = self._shift(line)
                    parts.append((i, max(a, line.start) - line.start + shift, min(z, line.end) - line.start + shift))
                if parts:
                    matches.append(Match(parts))
        return matches

    def _shift(self, line: _Line) -> int:
        prefix = self.prefix(line)
        return len(prefix) if prefix is not None else 0

    def section_at(self, y: int) -> int | None:
        """Index (into :meth:`headings`) of the section line ``y`` is in."""
        starts = [self.block_line[b] for b in self.heading_blocks if b < len(self.block_line)]
        n = bisect.bisect_right(starts, y) - 1
        return n if n >= 0 else (0 if starts else None)


def render_plain(markdown: str, width: int) -> list[str]:
    """The whole document as plain text lines at ``width`` (tests, tools)."""
    document = MinutesDocument(markdown)
    document.parse_all()
    document.set_width(width)
    document.wrap_pending()
    return document.plain_lines()


# --- the widget -----------------------------------------------------------------------------

#: Component classes → the style names used in blocks.
