"""HTML minutes: a strict HTML parser finds no error on any meeting of the demo; whatever a
teammate types, no tag, attribute, script or outside request of theirs reaches the page;
the front matter is a header table; re-exporting gives the same bytes."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
from conftest import build_sample, run_cli
from test_minutes import NASTY, make, plain_text

from tandem.store.mdescape import clean
from tandem.store.minutes.html import CSS, ELEMENTS, render_html
from tandem.store.minutes.render import Shared
from tandem.store.workspace import Workspace

NS = "{http://www.w3.org/1999/xhtml}"
#: The attributes the renderer writes, each on the elements it writes them on.
ATTRIBUTES = {
    ("html", "lang"),
    ("meta", "charset"),
    ("meta", "http-equiv"),
    ("meta", "content"),
    ("meta", "name"),
    ("th", "style"),
    ("td", "style"),
    ("a", "href"),
}


def parse(page: str) -> ET.Element:
    """The page as a tree, or the first parse error raised (html5lib's strict mode)."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    tree = parser.parse(page)
    assert parser.errors == []
    return tree


def elements(tree: ET.Element) -> list[ET.Element]:
    return list(tree.iter())


def check_inert(page: str) -> ET.Element:
    """Only the renderer's elements and attributes, nothing fetched, nothing run."""
    assert page.startswith("<!DOCTYPE html>\n")
    tree = parse(page)
    for el in elements(tree):
        assert el.tag.startswith(NS), el.tag
        name = el.tag[len(NS) :]
        assert name in ELEMENTS, f"<{name}> is not the renderer's"
        for attr, value in el.attrib.items():
            assert (name, attr) in ATTRIBUTES, f"<{name} {attr}={value!r}>"
            if attr == "style":
                assert re.fullmatch(r"text-align:(left|right|center)", value), value
            if attr == "href":
                assert value.startswith(("http://", "https://", "mailto:")), value
    styles = [el for el in elements(tree) if el.tag == NS + "style"]
    assert len(styles) == 1 and styles[0].text == "\n" + CSS, "the one style sheet is the renderer's own"
    assert "@import" not in CSS and "url(" not in CSS
    return tree


def text_of(tree: ET.Element) -> str:
    body = next(el for el in tree.iter() if el.tag == NS + "body")
    return "".join(body.itertext())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Shared]:
    from tandem.store.demo import seed_demo

    ws = Workspace(tmp_path_factory.mktemp("demo") / "ws")
    seed_demo(ws)
    return ws, Shared.load(ws)


def test_every_demo_meeting_is_valid_html(demo: tuple[Workspace, Shared]) -> None:
    ws, shared = demo
    assert len(shared.meetings) == 40
    for meeting in shared.meetings:
        page = render_html(ws.read_meeting(meeting.id), shared)
        tree = check_inert(page)
        assert meeting.title in text_of(tree)


def test_the_front_matter_is_a_header_table_not_text() -> None:
    record, shared = make(plain_text)
    tree = check_inert(render_html(record, shared))
    header = next(el for el in tree.iter() if el.tag == NS + "header")
    rows = {"".join(tr[0].itertext()): "".join(tr[1].itertext()) for tr in header.iter(NS + "tr")}
    assert rows == {
        "Series": "plain series",
        "Date": "2026-11-26",
        "Status": "ended",
        "Facilitator": "plain facilitator",
        "Attendees": "plain a1, plain a2",
        "Absent": "plain a3",
    }
    main = next(el for el in tree.iter() if el.tag == NS + "main")
    said = "".join(main.itertext())
    assert "series_title:" not in said and "attendees:" not in said, "no YAML on the page"
    assert next(main.iter(NS + "h1")).text == "plain title — 2026-11-26"
    assert [h.text for h in main.iter(NS + "h2")][:2] == ["Attendance", "Agenda"]
    title = next(el for el in tree.iter() if el.tag == NS + "title")
    assert title.text == "plain title — 2026-11-26"


def test_the_page_is_printable_and_asks_for_nothing() -> None:
    page = render_html(*make(plain_text))
    assert "@media print" in page and "@page" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<script" not in page and "src=" not in page and "<link" not in page


@pytest.mark.parametrize("nasty", NASTY)
def test_hostile_text_never_becomes_a_tag(nasty: str) -> None:
    """Every text field holds the hostile value: the page stays valid and inert, and what
    was typed is there as text."""

    def t(name: str) -> str:
        return nasty if clean(nasty).strip() else f"x{name}"

    record, shared = make(t)
    tree = check_inert(render_html(record, shared))
    names = [el.tag[len(NS) :] for el in elements(tree)]
    assert "script" not in names and "div" not in names and "img" not in names and "input" not in names
    if nasty == "<script>alert(1)</script>":
        title = next(el for el in tree.iter() if el.tag == NS + "title")
        assert title.text == "<script>alert(1)</script> — 2026-11-26"
        assert "<script>alert(1)</script>" in text_of(tree)


def test_links_and_images_in_notes_fetch_and_run_nothing() -> None:
    notes = (
        "- [site](https://example.com/a?b=1)\n"
        "- [bad](javascript:alert(1)) [file](file:///etc/passwd) [data](data:text/html;base64,PHNjcmlwdD4=)\n"
        "- ![tracker](https://evil.example/pixel.png) <img src=x onerror=alert(1)>\n"
        "- <a href='https://evil.example'>raw</a> <style>body{background:url(https://evil.example)}</style>"
    )

    def t(name: str) -> str:
        return notes if name == "notes1" else plain_text(name)

    tree = check_inert(render_html(*make(t)))
    links = [el.attrib["href"] for el in tree.iter(NS + "a")]
    assert links == ["https://example.com/a?b=1"]
    said = text_of(tree)
    assert "tracker" in said, "an image is its words"
    assert "<img src=x onerror=alert(1)>" in said and "<a href='https://evil.example'>raw</a>" in said


def test_control_characters_and_noncharacters_cannot_break_the_page() -> None:
    from tandem.store.minutes.html import page

    weird = "a\x00b\x0bc\x85d\ufdd0e\uffff f\U0010ffff"
    tree = check_inert(page(weird, f"# {weird}\n\n{weird}\n", facts=[("Who", weird)]))
    assert "\ufffd" in text_of(tree)


def test_export_html_is_byte_stable(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    out = tmp_path / "html"
    first = run_cli("--home", str(ws.home), "export", "--all", "--format", "html", "--out", str(out))
    assert first.code == 0, first.err
    assert "3 written, 0 unchanged" in first.err
    files = sorted(out.iterdir())
    assert [p.suffix for p in files] == [".html"] * 3
    before = {p.name: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in files}
    again = run_cli("--home", str(ws.home), "export", "--all", "--format", "html", "--out", str(out))
    assert again.code == 0 and "0 written, 3 unchanged" in again.err, again.err
    assert {p.name: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in sorted(out.iterdir())} == before
    for data, _ in before.values():
        check_inert(data.decode("utf-8"))
    one = run_cli("--home", str(ws.home), "export", "latest", "--format", "html")
    assert one.code == 0 and one.out.encode("utf-8") in [data for data, _ in before.values()]


def test_raw_html_in_the_markdown_stays_text() -> None:
    """The minutes' filters escape anyone's text; a user's own layout may forget one, and
    raw HTML in the Markdown is still text on the page."""
    from tandem.store.minutes.html import page

    raw = "<script>alert(1)</script>\n\n<div onclick='x()'>hi</div>\n\nsay <b onmouseover=y()>bold</b> <iframe src=https://evil.example></iframe>\n"
    tree = check_inert(page("t", raw))
    assert [el.tag[len(NS) :] for el in tree.iter() if el.tag[len(NS) :] not in ("html", "head", "meta", "title", "style", "body", "main")] == ["p"] * 3
    assert "<script>alert(1)</script>" in text_of(tree) and "<b onmouseover=y()>bold</b>" in text_of(tree)
