"""Escaping user text for Markdown minutes, so no typed text can change their structure.

Three contexts:

* ``inline`` — one-line text in headings, list items and labels: every Markdown
  punctuation mark is backslash-escaped and line breaks become spaces.
* ``cell`` — a table cell: like inline, and line breaks become ``<br>``.
* ``block`` — notes, which keep their own safe Markdown (lists, emphasis, links): only what
  could open a structure that escapes the note is neutralised — headings, setext underlines,
  rules, fences, tables, task boxes, HTML, link reference definitions, front-matter fences.

All contexts drop control characters (ANSI escape sequences included) and bidi overrides,
which must never reach a terminal that later shows the minutes.
"""

from __future__ import annotations

import re

from tandem.store.outside import clean_text

# Only what can start markup mid-line: code, emphasis, links, HTML, tables, strikethrough,
# entities, heading closers, math. Kept small so raw minutes stay readable in a git diff.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#$]|&(?=#?[A-Za-z0-9]+;))")
# What would open a block (list, quote, heading, rule) if the text ended up first on a line,
# e.g. right after a list marker: "- 1. x" would nest an ordered list.
_LEADING_BLOCK = re.compile(r"^([-+=:]|\d{1,9}(?=[.)]))")

# Container markers a note may use (quotes, list items); what follows them is checked too,
# since "> # x" or "- ```" would open a heading or a fence inside the container.
_CONTAINERS = re.compile(r"^((?:[ \t]*(?:>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+))*)")
_ATX = re.compile(r"^([ \t]*)(#{1,6})(?=[ \t]|$)")
_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})")
# ':' too: a line like ':-:' under a line holding a pipe makes a one-column table.
_RULE_OR_SETEXT = re.compile(r"^([ \t]*)((?:[-=*_+:][ \t]*)+)$")
# Leading blanks too: "1." alone, then "   [ ] x" on the next line, is a task list item.
_TASK = re.compile(r"^([ \t]*)\[([ xX]?)\]")
# A '<' not already escaped: an even run of backslashes (none included) before it.
_UNESCAPED_LT = re.compile(r"(?<!\\)((?:\\\\)*)<")
_MARKER_GAP = re.compile(r"([-*+>]|\d{1,9}[.)])[ \t]+")
_LINK_DEF = re.compile(r"^([ \t]*)\[([^\]]*)\]:")
_INDENTED = re.compile(r"^(?: {4,}| {0,3}\t)")  # four columns: a tab reaches the next stop


def clean(text: str) -> str:
    """Remove ANSI sequences, control and bidi characters; normalise line endings (the one
    rule for outside text, :func:`tandem.store.outside.clean_text`)."""
    return clean_text(text)


def inline(text: object) -> str:
    """Escape text for one line of Markdown. Safe anywhere a phrase may go."""
    value = clean(str(text))
    value = " ".join(value.split())  # line breaks and runs of spaces become one space
    value = _INLINE_SPECIAL.sub(r"\\\1", value)
    m = _LEADING_BLOCK.match(value)
    if m:
        end = m.end()
        value = value[:end] + "\\" + value[end:] if m[1][0].isdigit() else "\\" + value
    return value


def cell(text: object) -> str:
    """Escape text for a GFM table cell; line breaks become ``<br>``."""
    lines = [inline(line) for line in clean(str(text)).split("\n")]
    return "<br>".join(line for line in lines if line) or " "


def _defuse_rest(rest: str) -> str:
    """Neutralise a block starter at the start of ``rest`` (after any container markers)."""
    for pattern in (_ATX, _FENCE, _LINK_DEF):
        m = pattern.match(rest)
        if m:
            return f"{m[1]}\\{rest[m.end(1) :]}"
    m = _RULE_OR_SETEXT.match(rest)
    if m and rest.strip():
        return f"{m[1]}\\{rest[m.end(1) :]}"
    m = _TASK.match(rest)
    if m:
        return f"{m[1]}\\[{m[2]}\\]{rest[m.end() :]}"
    return rest


def _defuse_line(line: str) -> str:
    # A "\<" the user typed stays as is: one more backslash would escape the backslash instead.
    line = _UNESCAPED_LT.sub(r"\1\\<", line).replace("|", "\\|")
    if _INDENTED.match(line):
        # Four spaces would start a code block after a blank line: a nested list item keeps
        # one level of nesting, anything else becomes a plain line.
        stripped = line.lstrip()
        line = ("  " + stripped) if re.match(r"(?:[-*+]|\d{1,9}[.)])\s", stripped) else stripped
    prefix = _CONTAINERS.match(line)[1]  # type: ignore[index]
    rest = line[len(prefix) :]
    if prefix and not rest.strip():
        # "- " or ">" alone is harmless, but "-" + "--" split oddly: defuse the whole line.
        return _defuse_rest(line)
    if prefix:
        # Five spaces after "-" (or four after "> ") start a code block inside the container.
        prefix, rest = _MARKER_GAP.sub(r"\1 ", prefix), rest.lstrip(" \t")
    return prefix + _defuse_rest(rest)


def block(text: object) -> str:
    """Escape multi-line notes, keeping their lists, emphasis and links."""
    lines = [_defuse_line(line.rstrip()) for line in clean(str(text)).split("\n")]
    # No run of blank lines longer than one, none at the edges.
    out: list[str] = []
    for line in lines:
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def yaml_string(text: object) -> str:
    """A double-quoted YAML scalar that any YAML parser reads back as ``text``."""
    out = []
    for ch in str(text):
        if ch in _YAML_ESCAPES:
            out.append(_YAML_ESCAPES[ch])
        elif ch < " " or "\x7f" <= ch <= "\x9f" or ch in "\u2028\u2029\ufeff\ufffe\uffff" or "\ud800" <= ch <= "\udfff":
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


_YAML_UNESCAPE = re.compile(r'\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\\"ntr0 /])')
_SIMPLE = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "0": "\x00", " ": " ", "/": "/"}


def read_yaml_string(token: str) -> str:
    """Inverse of :func:`yaml_string` (also accepts plain unquoted scalars)."""
    token = token.strip()
    if len(token) >= 2 and token[0] == token[-1] == '"':
        body = token[1:-1]

        def unescape(m: re.Match[str]) -> str:
            code = m[1]
            if code[0] not in "xuU":
                return _SIMPLE[code]
            n = int(code[1:], 16)
            # Beyond Unicode, or half a surrogate pair: not a character anyone can print.
            return "\ufffd" if n > 0x10FFFF or 0xD800 <= n <= 0xDFFF else chr(n)

        return _YAML_UNESCAPE.sub(unescape, body)
    if len(token) >= 2 and token[0] == token[-1] == "'":
        return token[1:-1].replace("''", "'")
    return token
