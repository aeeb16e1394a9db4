"""A shadow day's own minutes (`tandem export shadow ID`): layout, escaping, determinism."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from minutes_helpers import front_matter, structure, tasks

from tandem.store import records as r
from tandem.store.mdescape import clean
from tandem.store.minutes.render import MinutesLayoutError, render_shadow_day

NASTY = [
    "# Heading?",
    "## Takeaways",
    "---",
    "===",
    "a | b | c",
    "| x |\n|---|",
    "```",
    "```python\nprint('x')",
    "~~~",
    "`tick",
    "<script>alert(1)</script>",
    "<!-- unclosed comment",
    "<div>",
    "- [ ] fake task",
    "* [x] fake done",
    "[x] bare box",
    "1. ordered",
    "1) ordered",
    "> quote",
    "> - [ ] quoted task",
    "  - nested",
    "    - deep nested",
    "\t- tabbed",
    "key: value\nother: [1, 2]",
    "'single' \"double\" \\ back",
    "[link]: http://evil.example",
    "line one\n\n\n\nline two\n---",
    "\x1b[31mred\x1b[0m and \x07bell",
    "emoji 🎉 RTL ‏שלום‎ zero\u200bwidth e\u0301",
    "    indented code",
    "***",
    "&amp; &#x41;",
    "$x^2$",
    "\r\nwindows\r\nlines",
    "\u2028sep\u2029",
    "- ",
    "-",
]

text_value = st.one_of(st.sampled_from(NASTY), st.text(max_size=60), st.lists(st.sampled_from(NASTY), max_size=4).map("\n".join))
# Records drop control characters, so a value must have more than those to be non-empty.
nonempty = text_value.filter(lambda s: clean(s).strip())


def make(t, *, activities: int = 3, takeaways: tuple[str, ...] = r.TAKEAWAY_CATEGORIES) -> r.ShadowDay:
    """A done shadow day touching every part of the layout, each text from ``t(name)``."""
    return r.ShadowDay(
        id="sd1",
        shadow=t("shadow")[:200],
        host=t("host")[:200],
        direction="marketing_to_sales",
        date="2026-11-20",
        status="done",
        activities=[r.Activity(title=t(f"activity{n}")[:300], done=n % 2 == 0, notes=t(f"notes{n}")) for n in range(activities)],
        takeaways=[
            r.Takeaway(id=f"t{n}", category=category, text=t(f"takeaway{n}"), at=f"2026-11-20T{9 + n:02d}:{5 * n:02d}:00")
            for n, category in enumerate(takeaways)
        ],
        experiment=r.Experiment(text=t("experiment"), owner=t("owner")[:200], report_back="2026-12-18", action_id="a1"),
        debriefed_in="2026-11-26-shadow-day-debriefs",
    )


def plain(name: str) -> str:
    return f"plain {name}"


def test_the_layout() -> None:
    text = render_shadow_day(make(plain, takeaways=("learned", "prospect_insight", "learned")))
    fm = front_matter(text)
    assert fm == {
        "id": "sd1",
        "shadow": "plain shadow",
        "host": "plain host",
        "direction": "marketing_to_sales",
        "date": "2026-11-20",
        "status": "done",
    }
    s = structure(text)
    assert s["headings"] == ["h1", "h2:Planned activities", "h2:Takeaways", "h3", "h3", "h2:Experiment"]
    assert "# Shadow day: plain shadow with plain host\n" in text
    assert "**Direction:** marketing → sales · **Date:** 2026-11-20 · **Status:** done" in text
    assert tasks(text) == ["[x] plain activity0", "[ ] plain activity1", "[x] plain activity2"]
    assert "- [x] plain activity0\n\n  plain notes0\n" in text, "notes stay inside their task item"
    # Grouped by category in the glossary's order, each with its time.
    assert "### Learned\n\n- **09:00** plain takeaway0\n- **11:10** plain takeaway2\n\n### Prospect insight\n\n- **10:05** plain takeaway1\n" in text
    assert "## Experiment\n\nplain experiment\n\n**Owner:** plain owner · **Report back:** 2026-12-18" in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_a_planned_day_has_no_empty_sections() -> None:
    day = r.ShadowDay(id="sd2", shadow="Dana", host="Luis", direction="sales_to_marketing", date="2026-12-04")
    text = render_shadow_day(day)
    assert structure(text)["headings"] == ["h1"]
    day = day.replace(activities=[r.Activity(title=a) for a in r.DEFAULT_ACTIVITIES["sales_to_marketing"]])
    text = render_shadow_day(day)
    assert structure(text)["headings"] == ["h1", "h2:Planned activities"]
    assert "- [ ] Reporting\n- [ ] Content creation\n- [ ] Marketing strategy session\n" in text, "a tight list without notes"


def test_notes_keep_their_safe_markdown_inside_the_item() -> None:
    def t(name: str) -> str:
        return "- first **bold**\n- second [link](https://example.com)\n  - nested" if name == "notes0" else plain(name)

    text = render_shadow_day(make(t, activities=1))
    assert "- [x] plain activity0\n\n  - first **bold**\n  - second [link](https://example.com)\n    - nested\n" in text


def test_rendering_is_deterministic() -> None:
    day = make(plain)
    assert render_shadow_day(day).encode() == render_shadow_day(r.ShadowDay.from_dict(day.to_dict())).encode()


def test_a_user_layout_overrides_the_builtin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_CONFIG_DIR", str(tmp_path / "config"))
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "shadow.md.j2").write_text("{{ day.shadow | inline }} shadowed {{ day.host | inline }}\n", encoding="utf-8")
    assert render_shadow_day(make(plain)) == "plain shadow shadowed plain host\n"
    (folder / "shadow.md.j2").write_text("{{ day.nope.deeper }}\n", encoding="utf-8")
    with pytest.raises(MinutesLayoutError, match=r"shadow\.md\.j2"):
        render_shadow_day(make(plain))
    (folder / "shadow.md.j2").write_text("{% for %}\n", encoding="utf-8")
    with pytest.raises(MinutesLayoutError, match=r"shadow\.md\.j2:1"):
        render_shadow_day(make(plain))


def test_the_layout_is_sandboxed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_CONFIG_DIR", str(tmp_path / "config"))
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "shadow.md.j2").write_text("{{ day.__class__.__mro__ }}\n", encoding="utf-8")
    with pytest.raises(MinutesLayoutError):
        render_shadow_day(make(plain))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_user_text_keeps_the_structure(data) -> None:
    reference = structure(render_shadow_day(make(plain)))
    chosen: dict[str, str] = {}

    def t(name: str) -> str:
        if name not in chosen:
            chosen[name] = data.draw(nonempty, label=name)
        return chosen[name]

    day = make(t)
    text = render_shadow_day(day)
    s = structure(text)
    assert s == reference
    assert s["headings"].count("h1") == 1
    assert s["tasks"] == len(day.activities)
    assert len(tasks(text)) == len(day.activities)
    fm = front_matter(text)
    assert (fm["shadow"], fm["host"]) == (day.shadow, day.host)
    assert "\x1b" not in text.partition("\n---\n")[2], "no escape sequence reaches a terminal"
