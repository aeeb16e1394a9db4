"""The one rule for outside input (store/outside.py): text, names and files."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.store.errors import CorruptFileError
from tandem.store.ids import meeting_id, new_id
from tandem.store.outside import MAX_NAME_LENGTH, check_name, clean_text, inside, is_clean, name_problem, read_outside, shown_name

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
#: What no cleaned text may hold: C0/C1 controls except tab and newline, ESC, bidi controls.
FORBIDDEN = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff{BIDI}]")

#: Text with escape sequences, controls and bidi characters mixed into anything.
hostile = st.lists(
    st.one_of(st.characters(), st.sampled_from([*BIDI, "\x1b", "\x07", "\x9b", "\r", "\n", "\t", "]52;c;", "[2J", "\\"])),
    max_size=40,
).map("".join)


@given(hostile)
def test_cleaned_text_holds_no_control_or_bidi_character(text: str) -> None:
    cleaned = clean_text(text)
    assert FORBIDDEN.search(cleaned) is None
    assert is_clean(cleaned)
    assert clean_text(cleaned) == cleaned  # cleaning twice changes nothing


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cf", "Zl", "Zp", "Cs")), max_size=80))
def test_printable_text_is_kept_as_it_is(text: str) -> None:
    assert clean_text(text) == text
    assert is_clean(text)


def test_the_trojan_source_trick_is_undone() -> None:
    # Displays as: access level "user" — is: "user‮ ⁦// Check if admin⁩ ⁦"
    text = 'if access_level != "user\u202e \u2066// Check if admin\u2069 \u2066":'
    assert clean_text(text) == 'if access_level != "user // Check if admin ":'
    assert not is_clean(text)


def test_escape_sequences_go_whole() -> None:
    assert clean_text("a\x1b]52;c;aGk=\x07b\x1b[2Jc\x1b]0;title\x1b\\d") == "abcd"
    assert clean_text("one\r\ntwo\rthree") == "one\ntwo\nthree"


@given(st.text(max_size=200))
def test_a_name_is_accepted_only_from_the_safe_alphabet(name: str) -> None:
    problem = name_problem(name)
    if problem is None:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name)
        assert len(name) <= MAX_NAME_LENGTH and ".." not in name
    else:
        with pytest.raises(CorruptFileError) as caught:
            check_name(name, "meeting id", "archive.zip")
        sentence = str(caught.value)
        assert sentence.startswith("archive.zip cannot be read (meeting id ")
        assert "\n" not in sentence and FORBIDDEN.search(sentence) is None
        assert len(shown_name(name)) <= 60


def test_every_id_tandem_makes_is_a_safe_name() -> None:
    assert name_problem(new_id()) is None
    assert name_problem(meeting_id("2026-12-03", "Weekly sync: sales × marketing " * 5, taken={"2026-12-03-weekly"})) is None


@pytest.mark.parametrize(
    "name",
    ["", "../x", ".hidden", "a/b", "2026-12-03-sync\n2026-12-04-fake", "\x1b]0;owned\x07", "会議" * 50, "x" * (MAX_NAME_LENGTH + 1), "a..b", "a\u202eb"],
)
def test_unsafe_names_are_refused(name: str) -> None:
    assert name_problem(name) is not None


def test_read_outside_reads_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"# minutes\n")
    assert read_outside(path, within=tmp_path) == b"# minutes\n"


def test_read_outside_refuses_a_pipe_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "minutes.md"
    os.mkfifo(pipe)
    with pytest.raises(CorruptFileError, match="not a regular file"):
        read_outside(pipe)


def test_read_outside_refuses_a_folder_and_a_device(tmp_path: Path) -> None:
    with pytest.raises(CorruptFileError, match="it is a folder"):
        read_outside(tmp_path)
    with pytest.raises(CorruptFileError, match="a device"):
        read_outside(Path("/dev/zero"))


def test_read_outside_refuses_a_link_out_of_its_folder(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("x")
    folder = tmp_path / "minutes"
    folder.mkdir()
    (folder / "a.md").symlink_to(tmp_path / "secret")
    (folder / "b.md").write_text("y")
    (folder / "c.md").symlink_to(folder / "b.md")
    with pytest.raises(CorruptFileError, match="leads out of"):
        read_outside(folder / "a.md", within=folder)
    assert read_outside(folder / "c.md", within=folder) == b"y"  # a link inside is fine
    assert inside(folder, folder / "c.md") and not inside(folder, folder / "a.md")


def test_read_outside_stops_at_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    with pytest.raises(CorruptFileError, match="3 MB, more than the 2 MB tandem reads"):
        read_outside(path, limit=2 * 1024 * 1024)


def test_read_outside_says_missing_as_open_would(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_outside(tmp_path / "nope.md")


def test_no_unicode_category_of_control_slips_through() -> None:
    # Every Cc and bidi-class control in the Basic Multilingual Plane, one by one.
    for code in range(0x10000):
        ch = chr(code)
        if (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r") or unicodedata.bidirectional(ch) in (
            "LRE",
            "RLE",
            "LRO",
            "RLO",
            "PDF",
            "LRI",
            "RLI",
            "FSI",
            "PDI",
        ):
            assert clean_text(f"a{ch}b") == "ab", hex(code)
    assert clean_text("a\rb") == "a\nb"  # a line ending, kept as one
