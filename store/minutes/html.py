"""HTML minutes: the Markdown minutes as one self-contained, printable page.

The page is made from the Markdown that ``render_minutes`` writes (so a user's own layout
shows here too), through markdown-it with raw HTML off: anything in a teammate's text that
looks like a tag reaches the page as text. Links keep only web and mail addresses, an
image becomes its words (the page fetches nothing), and a Content-Security-Policy says the
same to the browser. The front matter becomes a small table at the top. Nothing in the page
depends on when it was rendered: an unchanged meeting gives the same bytes.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from tandem.store.minutes.render import Shared, render_minutes
from tandem.store.records import Meeting, label
from tandem.store.workspace import MeetingRecord

#: Every element a page holds: the renderer's own and what markdown-it makes of the
#: Markdown minutes (tests check that nothing else ever appears, whatever the text).
ELEMENTS = frozenset(
    {
        "html", "head", "meta", "title", "style", "body", "header", "main",
        "table", "thead", "tbody", "tr", "th", "td",
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "blockquote", "hr", "pre", "code",
        "em", "strong", "s", "a", "br",
    }
)  # fmt: skip

#: Link targets a page keeps; any other becomes plain text (no ``javascript:``, no files).
LINK_SCHEMES = ("http://", "https://", "mailto:")

CSS = """\
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #1b1b1b; background: #fff; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 1.2rem 0 .4rem; }
h2 { font-size: 1.25rem; margin: 1.6rem 0 .4rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
table { border-collapse: collapse; margin: .6rem 0; width: 100%; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; vertical-align: top; text-align: left; }
th { background: #f3f3f3; }
header table { width: auto; font-size: .9rem; }
header th { background: none; border: none; padding: 0 1rem 0 0; color: #555; font-weight: normal; }
header td { border: none; padding: 0; }
blockquote { margin: .5rem 0; padding: 0 1rem; border-left: 3px solid #ccc; color: #444; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: .5rem; }
a { color: #0645ad; }
@media print {
  body { font-size: 11pt; max-width: none; margin: 0; padding: 0; color: #000; }
  h2, h3 { break-after: avoid; }
  tr, li, blockquote, pre { break-inside: avoid; }
  th { background: none; }
  a { color: inherit; text-decoration: none; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .85em; }
}
@page { margin: 18mm 15mm; }
"""

# The browser is told what the page already keeps to: nothing is fetched, nothing runs.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

# Code points an HTML page may not hold (controls, noncharacters, lone surrogates): records
# drop most controls, a user's own layout or an old file may still carry one.
_INVALID = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ud800-\udfff"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)


def scrub(text: str) -> str:
    return _INVALID.sub("\ufffd", text)


def _image_as_text(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    # An image would be a request to someone else's server when the mail is opened.
    return html.escape(self.renderInlineAsText(tokens[idx].children or [], options, env), quote=False)


@functools.cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(["table", "strikethrough"])
    md.validateLink = lambda url: url.strip().lower().startswith(LINK_SCHEMES)  # type: ignore[method-assign]
    md.add_render_rule("image", _image_as_text)
    return md


def strip_front_matter(markdown: str) -> str:
    """The Markdown after its YAML front matter (all of it when it has none)."""
    if markdown.startswith("---\n"):
        _, sep, rest = markdown[4:].partition("\n---\n")
        if sep:
            return rest.lstrip("\n")
    return markdown


def markdown_to_html(markdown: str) -> str:
    """Markdown to an HTML fragment; raw HTML in it stays text."""
    rendered: str = _markdown().render(scrub(markdown))
    return rendered


def _names(people: Sequence[Any]) -> str:
    return ", ".join(p.name for p in people) or "—"


def meeting_facts(meeting: Meeting, shared: Shared) -> list[tuple[str, str]]:
    """The front matter, as the header table shows it."""
    facts = [
        ("Series", shared.series_title(meeting.series_id)),
        ("Date", meeting.date),
        ("Status", label(meeting.status)),
        ("Facilitator", meeting.facilitator or "—"),
        ("Attendees", _names(meeting.attendees)),
    ]
    if meeting.absentees:
        facts.append(("Absent", _names(meeting.absentees)))
    return facts


def page(title: str, body_markdown: str, *, facts: Sequence[tuple[str, str]] = (), lang: str = "en") -> str:
    """A whole page: ``facts`` as the header table, then ``body_markdown`` rendered."""

    def text(value: str) -> str:
        return html.escape(scrub(value), quote=True)

    rows = "".join(f"<tr><th>{text(name)}</th><td>{text(value)}</td></tr>\n" for name, value in facts)
    header = f"<header>\n<table>\n<tbody>\n{rows}</tbody>\n</table>\n</header>\n" if rows else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{text(lang)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="tandem">\n'
        f"<title>{text(' '.join(title.split()))}</title>\n"
        f"<style>\n{CSS}</style>\n"
        "</head>\n"
        "<body>\n"
        f"{header}"
        f"<main>\n{markdown_to_html(body_markdown)}</main>\n"
        "</body>\n"
        "</html>\n"
    )


def render_html(record: MeetingRecord, shared: Shared, *, markdown: str | None = None, preface: str = "") -> str:
    """A meeting's minutes as a page; ``markdown``: its Markdown minutes if already rendered,
    ``preface``: Markdown put first (a recipient's own action items)."""
    meeting = record.meeting
    # Whoever reads a page or a message has no task plugin: action items in the plain style.
    body = strip_front_matter(render_minutes(record, shared, actions="plain") if markdown is None else markdown)
    if preface:
        body = f"{preface.rstrip()}\n\n{body}"
    return page(f"{meeting.title} — {meeting.date}", body, facts=meeting_facts(meeting, shared))
