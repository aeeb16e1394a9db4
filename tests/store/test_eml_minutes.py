"""E-mail minutes: a multipart/alternative message the standard library reads back — both
parts, headers RFC 2047-encoded and decoded equal to the names, a stable Message-ID and
Date, the recipient's own action items first — and the same bytes every time."""

from __future__ import annotations

from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import html5lib
import pytest
from conftest import build_sample, run_cli
from test_minutes import make, plain_text

from tandem.store.errors import UsageError
from tandem.store.minutes.mail import Recipient, as_bytes, minutes_message
from tandem.store.minutes.render import render_minutes

SERIES = "Ventes & Marketing — été"
OWNER = "José Núñez"


def t(name: str) -> str:
    return {"owner": OWNER, "series": SERIES, "a1": OWNER}.get(name, plain_text(name))


def read_back(data: bytes) -> EmailMessage:
    msg = message_from_bytes(data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def parts(msg: EmailMessage) -> tuple[str, str]:
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def test_both_parts_and_the_headers_read_back() -> None:
    record, shared = make(t)
    data = as_bytes(minutes_message(record, shared))
    assert data.isascii(), "headers are RFC 2047-encoded, bodies quoted-printable or base64"
    assert b"=?utf-8?" in data.split(b"\n\n", 1)[0], "the non-ASCII subject is encoded"
    msg = read_back(data)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["Subject"] == f"Minutes: {SERIES} 2026-11-26"
    assert msg["Message-ID"] == "<2026-11-26-sync@tandem>"
    assert parsedate_to_datetime(msg["Date"]) == datetime(2026, 11, 26), "the meeting's day (no start recorded), no zone"
    assert msg["To"] is None and msg["From"] is None, "tandem knows no address: the mailer adds them"
    text, html = parts(msg)
    body = render_minutes(record, shared).partition("\n---\n")[2].lstrip("\n")
    assert text == body, "the text part is the Markdown minutes, without their front matter"
    assert "Your actions" not in text
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(html)
    assert f"<td>{OWNER}, plain a2</td>" in html


def test_a_recipient_gets_their_open_actions_first_and_a_to_header() -> None:
    record, shared = make(t)
    to = Recipient.parse(f"{OWNER} <jose@example.com>")
    msg = read_back(as_bytes(minutes_message(record, shared, to=to)))
    address = msg["To"].addresses[0]
    assert (address.display_name, address.addr_spec) == (OWNER, "jose@example.com")
    assert msg["Message-ID"].startswith("<2026-11-26-sync.") and msg["Message-ID"] != "<2026-11-26-sync@tandem>"
    text, html = parts(msg)
    assert text.startswith(f"## Your actions — {OWNER}\n\n- plain action1 — due 2026-12-01 _(from 2026-11-26 plain title)_\n\n# plain title")
    main = html[html.index("<main>") :]
    assert main.index("Your actions") < main.index("<h1>"), "first in the HTML part too"
    assert "plain action2" not in text.split("# plain title")[0], "done and dropped items are not owed"


def test_a_name_without_address_has_no_to_header_and_nothing_open_says_so() -> None:
    record, shared = make(t)
    msg = read_back(as_bytes(minutes_message(record, shared, to=Recipient.parse("plain a2"))))
    assert msg["To"] is None
    text, _ = parts(msg)
    assert text.startswith("## Your actions — plain a2\n\nNothing open for you.\n")


def test_the_same_meeting_gives_the_same_bytes() -> None:
    record, shared = make(t)
    first = as_bytes(minutes_message(record, shared, to=Recipient.parse(OWNER)))
    again = as_bytes(minutes_message(*make(t), to=Recipient.parse(OWNER)))
    assert first == again
    assert b'boundary="tandem-' in first


@pytest.mark.parametrize("bad", ["foo @ bar", "Ana, Bob <b@x.com>", "Ana <ana@>", "Ana <jo sé@x.com>", "Zoë <zoë@example.com>", "  "])
def test_a_bad_recipient_is_refused(bad: str) -> None:
    with pytest.raises(UsageError):
        Recipient.parse(bad)


def test_header_injection_is_impossible() -> None:
    """A newline in a title cannot start a header: names are one line before they are set."""
    record, shared = make(lambda name: "x\nBcc: victim@example.com" if name == "series" else plain_text(name))
    msg = read_back(as_bytes(minutes_message(record, shared)))
    assert msg["Bcc"] is None and msg["Subject"] == "Minutes: x Bcc: victim@example.com 2026-11-26"


def test_cli_eml_to_stdout_and_file(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    result = run_cli("--home", str(ws.home), "export", "latest", "--format", "eml", "--to", "Luis Ortega <luis@example.com>")
    assert result.code == 0, result.err
    msg = read_back(result.out.encode("ascii"))
    assert msg["Subject"] == "Minutes: Weekly smarketing sync 2026-11-19"
    text, _ = parts(msg)
    assert text.startswith("## Your actions — Luis Ortega\n\n- Fix lead routing for EMEA _(from 2026-11-19 Weekly smarketing sync)_\n")
    out = tmp_path / "m.eml"
    written = run_cli("--home", str(ws.home), "export", "latest", "--format", "eml", "--to", "Luis Ortega <luis@example.com>", "-o", str(out))
    assert written.code == 0 and out.read_bytes() == result.out.encode("ascii")
    refused = run_cli("--home", str(ws.home), "export", "--all", "--format", "eml", "--out", str(tmp_path / "x"))
    assert refused.code == 2 and "one meeting" in refused.err


def test_attendees_with_an_address_are_to_and_absentees_cc() -> None:
    """[people] in config.toml gives addresses by name (matched without case or extra
    blanks); the attendees are the To:, the absentees the Cc:, the rest left out."""
    record, shared = make(t)
    addresses = {" josé  NÚÑEZ ": "jose@example.com", "plain a3": "a3@example.com", "Nobody": "nobody@example.com"}
    msg = read_back(as_bytes(minutes_message(record, shared, addresses=addresses)))
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [(OWNER, "jose@example.com")]
    assert [(a.display_name, a.addr_spec) for a in msg["Cc"].addresses] == [("plain a3", "a3@example.com")]
    # For one person named by --to, [people] gives the address the name lacks.
    one = read_back(as_bytes(minutes_message(record, shared, to=Recipient.parse(OWNER), addresses=addresses)))
    assert [a.addr_spec for a in one["To"].addresses] == ["jose@example.com"] and one["Cc"] is None


def test_cli_eml_addresses_from_config_and_names_the_ones_it_lacks(tmp_path: Path) -> None:
    import os

    ws = build_sample(tmp_path / "ws")
    config = Path(os.environ["TANDEM_CONFIG_DIR"]) / "config.toml"
    config.write_text('[people]\n"Luis Ortega" = "luis@example.com"\n"Zoë Ng" = "zoe@example.com"\n', encoding="utf-8")
    result = run_cli("--home", str(ws.home), "export", "latest", "--format", "eml")
    assert result.code == 0, result.err
    msg = read_back(result.out.encode("ascii"))
    assert [a.addr_spec for a in msg["To"].addresses] == ["luis@example.com"]
    assert [a.addr_spec for a in msg["Cc"].addresses] == ["zoe@example.com"]
    assert result.err == "No e-mail address for Dana Kim, Priya Raman ([people] in config.toml): not among the recipients.\n"


@pytest.mark.parametrize(
    "value",
    ["jose@example.com\nBcc: victim@example.com", "a@b.com, c@d.com", "Ana <ana@example.com>", "zoë@example.com", "ana@localhost", "@example.com"],
)
def test_an_address_that_could_smuggle_a_header_is_refused_by_config(tmp_path: Path, value: str) -> None:
    from tandem.store.config import load_config

    path = tmp_path / "config.toml"
    path.write_text(f'[people]\n"Ana" = {value!r}\n'.replace("'", '"'), encoding="utf-8")
    loaded = load_config(path)
    assert loaded.config.people == {}
    assert [(p.line, "e-mail address" in p.message or "control characters" in p.message) for p in loaded.problems] == [(2, True)]
