"""``tandem digest``: one person's open action items (overdue first), the period's meetings
and decisions, their contributions' fates — with a fixed day, as Markdown, HTML and an
e-mail; anyone's text stays text."""

from __future__ import annotations

import os
from email import message_from_bytes, policy
from pathlib import Path

import html5lib
import pytest
from conftest import CliResult, run_cli
from markdown_it import MarkdownIt

from tandem.store.config import save_me
from tandem.store.contrib import Contributions, make
from tandem.store.records import ActionItem, Attendee, Decision, Meeting, Series, Triage
from tandem.store.workspace import Workspace

TODAY = "2026-11-27"


def build(home: Path, t=lambda s: s) -> Path:
    ws = Workspace(home)
    ws.series.add(Series(id="weekly", title=t("Weekly sync")))
    people = [Attendee(name="Ana Ruiz", team="sales"), Attendee(name="Dana Kim", team="marketing")]
    ws.create_meeting(
        Meeting(id="2026-11-10-weekly", series_id="weekly", title=t("Weekly sync"), date="2026-11-10", status="ended", attendees=people),
        actions=[
            ActionItem(id="a1", text=t("Send the deck"), owner="Ana Ruiz", due="2026-11-20"),
            ActionItem(id="a2", text=t("Call Acme"), owner="ana ruiz"),
            ActionItem(id="a3", text="Fix routing", owner="Dana Kim", due="2026-11-01"),
            ActionItem(id="a4", text="Old thing", owner="Ana Ruiz", status="done", closed_on="2026-11-12"),
        ],
    )
    ws.create_meeting(
        Meeting(id="2026-11-26-weekly", series_id="weekly", title=t("Weekly sync"), date="2026-11-26", status="ended", attendees=people[1:]),
        actions=[ActionItem(id="a5", text=t("Price list v2"), owner="Ana Ruiz", due="2026-12-04")],
    )
    ws.create_meeting(Meeting(id="2026-12-03-weekly", series_id="weekly", title="Weekly sync", date="2026-12-03", status="planned"))
    store = Contributions(ws)
    from datetime import datetime

    lead = store.add(make.lead(t("SF-77"), "poor", reasons=["no_budget"], author="Ana Ruiz", team="sales", now=datetime(2026, 11, 24, 9)))
    store.add(make.topic(t("Pricing page"), author="Ana Ruiz", team="sales", now=datetime(2026, 11, 25, 9)))
    store.add(make.topic("Dana's topic", author="Dana Kim", team="marketing", now=datetime(2026, 11, 25, 9)))
    with ws.open_meeting("2026-11-10-weekly") as writer:
        writer.decisions.add(Decision(id="d0", text="Before the period", decided_by="Dana Kim"))
    with ws.open_meeting("2026-11-26-weekly") as writer:
        writer.decisions.add(Decision(id="d1", text=t("Raise the price"), decided_by=t("Dana Kim")))
        writer.decisions.add(Decision(id="d2", text="Weekly demos"))
        writer.triage.add(
            Triage(
                id=lead.id,
                kind="lead",
                fate="declined",
                author="Ana Ruiz",
                created_at=lead.created_at,
                subject=lead.subject,
                at="2026-11-26T10:00:00",
                reason=t("not ours"),
            )
        )
    save_me("Ana Ruiz", "sales")
    return ws.home


def digest(home: Path, *args: str) -> CliResult:
    env = {**os.environ, "TANDEM_TODAY": TODAY}
    return run_cli("--home", str(home), "digest", *args, env=env)


EXPECTED = """\
# Digest for Ana Ruiz — 2026-11-20 to 2026-11-27

## What you owe (3 open, 1 overdue)

- **Overdue** (due 2026-11-20): Send the deck _(from 2026-11-10 Weekly sync)_
- Due 2026-12-04: Price list v2 _(from 2026-11-26 Weekly sync)_
- No due date: Call Acme _(from 2026-11-10 Weekly sync)_

## Meetings held (1)

### 2026-11-26 Weekly sync (you were not listed)

Series: Weekly sync

- Decided: Raise the price _(decided by Dana Kim)_
- Decided: Weekly demos

## Your contributions

- lead feedback “SF-77”: declined in 2026-11-26 Weekly sync: not ours
- topic “Pricing page”: waiting
"""


def test_the_digest_with_a_fixed_day(tmp_path: Path) -> None:
    home = build(tmp_path / "ws")
    result = digest(home)
    assert (result.code, result.err) == (0, ""), result.err
    assert result.out == EXPECTED
    assert digest(home, "--owner", "ANA RUIZ").out == EXPECTED.replace("Digest for Ana Ruiz", "Digest for ANA RUIZ")
    longer = digest(home, "--since", "2026-11-01").out
    assert "### 2026-11-10 Weekly sync\n" in longer and "- Decided: Before the period _(decided by Dana Kim)_" in longer
    dana = digest(home, "--owner", "Dana Kim").out
    assert "- **Overdue** (due 2026-11-01): Fix routing" in dana and "Send the deck" not in dana and "Dana's topic" in dana


def test_html_and_eml(tmp_path: Path) -> None:
    home = build(tmp_path / "ws")
    page = digest(home, "--format", "html")
    assert page.code == 0, page.err
    html5lib.HTMLParser(strict=True).parse(page.out)
    assert "<h2>What you owe (3 open, 1 overdue)</h2>" in page.out
    out = tmp_path / "d.eml"
    mail = digest(home, "--format", "eml", "-o", str(out))
    assert mail.code == 0, mail.err
    assert mail.err.startswith("No e-mail address for Ana Ruiz ([people] in config.toml): the message has no To:.\nWrote ")
    data = out.read_bytes()
    msg = message_from_bytes(data, policy=policy.default)
    assert msg["Subject"] == "Digest for Ana Ruiz: 2026-11-20 to 2026-11-27"
    assert msg["To"] is None and msg["Date"] == "Fri, 27 Nov 2026 00:00:00 -0000"
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content() == EXPECTED
    assert digest(home, "--format", "eml").out.encode("ascii") == data, "the same day gives the same bytes"
    # With the owner's address in [people], the digest is addressed to them.
    config = Path(os.environ["TANDEM_CONFIG_DIR"]) / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[people]\n"ana ruiz" = "ana@example.com"\n', encoding="utf-8")
    addressed = message_from_bytes(digest(home, "--format", "eml").out.encode("ascii"), policy=policy.default)
    assert [(a.display_name, a.addr_spec) for a in addressed["To"].addresses] == [("Ana Ruiz", "ana@example.com")]


def test_usage(tmp_path: Path) -> None:
    home = build(tmp_path / "ws")
    for args, words in [(("--since", "soon"), "--since"), (("--since", "2026-12-01"), "after today")]:
        result = digest(home, *args)
        assert result.code == 2 and words in result.err and "Traceback" not in result.err


def test_nobody_named_as_me(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = build(tmp_path / "ws")
    monkeypatch.setenv("TANDEM_CONFIG_DIR", str(tmp_path / "empty-config"))
    result = digest(home)
    assert result.code == 2 and "tandem me" in result.err and result.err.count("\n") == 1


HOSTILE = ["<script>alert(1)</script>", "# Heading\n## Agenda", "- [ ] fake\n1. ordered", "| a | b |\n|---|---|", "[x](javascript:alert(1))"]


@pytest.mark.parametrize("nasty", HOSTILE)
def test_hostile_text_is_inert(tmp_path: Path, nasty: str) -> None:
    calm = digest(build(tmp_path / "calm"), "--since", "2026-11-01").out
    home = build(tmp_path / "ws", lambda s: f"{s} {nasty}")
    text = digest(home, "--since", "2026-11-01").out

    def outline(md: str) -> list[str]:
        tokens = MarkdownIt("commonmark", {"html": False}).enable(["table"]).parse(md)
        return [tok.type + tok.tag for tok in tokens if tok.type.endswith("_open")]

    assert outline(text) == outline(calm), "the headings, lists and items stay the digest's own"
    page = digest(home, "--since", "2026-11-01", "--format", "html").out
    tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    names = {el.tag for el in tree.iter()}
    assert not names & {"script", "img", "iframe", "input"}
    assert all(not el.get("href") for el in tree.iter("a"))
    if nasty.startswith("<script>"):
        assert "<script>alert(1)</script>" in "".join(tree.find("body").itertext())
