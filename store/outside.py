"""The one rule for input tandem did not write: archives, minutes folders, a teammate's
files after a sync, config and templates (and, later, CRM exports).

Such input is hostile until cleaned. Every reader of it goes through here:

* **text** — :func:`clean_text` removes terminal escape sequences, C0/C1 controls (tab and
  newline kept) and the bidirectional overrides and isolates that make text display
  differently from what it is ("Trojan Source", CVE-2021-42574);
* **names** — :func:`check_name` accepts a meeting id, record id or file name only from one
  safe alphabet and length, so that every id can become a file name on any system and no
  name can carry a path, a control character or a fake row of a listing;
* **files** — :func:`read_outside` opens without blocking, refuses anything but a regular
  file (a named pipe would hang the reader, a device would never end), refuses a symlink
  that leads out of the folder it must stay in, and stops at a size limit.

Parsers of outside text must run in linear time: no regular expression with nested or
adjacent unbounded repeats over the same characters (see ``store/minutes/reader.py``).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from tandem.store.errors import CorruptFileError

# --- text ---------------------------------------------------------------------------------

#: ANSI CSI and OSC sequences and two-character escapes, removed whole (OSC 52 writes the
#: clipboard, OSC 0 the window title).
ANSI_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
#: Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), and the
#: invisible marks (U+200E, U+200F, U+061C) that steer them.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
#: What no stored or shown text keeps: C0 and C1 controls except tab and newline, line and
#: paragraph separators (a line break to some tools, not to others), the byte-order mark,
#: and the bidi controls.
UNSAFE_CHARACTER = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff{BIDI_CONTROLS}]")


def clean_text(text: str) -> str:
    """``text`` without escape sequences, control or bidi characters; line endings as ``\\n``.

    Cheap for the common case: printable text (``str.isprintable`` is False for every
    character removed here, and for tab and newline) is returned as it is."""
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return UNSAFE_CHARACTER.sub("", ANSI_SEQUENCE.sub("", text))


def one_line(text: str, limit: int | None = None) -> str:
    """Someone else's text fit for one line (a phrase, a toast, a line of output): escape
    sequences, controls, bidi marks and line breaks gone, runs of blanks one space, cut at
    ``limit`` characters with an ellipsis."""
    # clean_text takes escape sequences out whole (else "[31m" would stay); what it keeps
    # that is still not printable (tab, newline, format and unassigned characters, lone
    # surrogates of an undecodable file name) becomes a blank, and the blanks collapse.
    text = clean_text(text)
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())
    return text if limit is None or len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_clean(text: str) -> bool:
    """Whether ``text`` holds nothing :func:`clean_text` would remove."""
    return text.isprintable() or (UNSAFE_CHARACTER.search(text) is None and "\r" not in text)


# --- names --------------------------------------------------------------------------------

#: Longest id or file stem accepted: a temp file adds a dot, ".tmp-", a pid and a
#: timestamp (about 35 characters) and ".json", and most file systems stop at 255 bytes.
MAX_NAME_LENGTH = 120
#: Letters, digits, dot, dash and underscore, starting with a letter or digit: no path
#: separator, no hidden file, nothing a terminal or a shell would read as more.
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot be an id or file name here, or None if it can."""
    if not isinstance(name, str) or not name:
        return "it is empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"it is {len(name)} characters long (at most {MAX_NAME_LENGTH})"
    if _SAFE_NAME.fullmatch(name) is None:
        return "only letters a–z, digits, '.', '-' and '_' may be used, starting with a letter or digit"
    if ".." in name:
        return "it holds '..'"
    return None


def shown_name(name: object, limit: int = 60) -> str:
    """``name`` fit to print in a sentence about it, whatever it holds: escapes made
    visible (``repr``), cut to ``limit`` characters."""
    text = repr(name) if not (isinstance(name, str) and name_problem(name) is None) else name
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_name(name: object, what: str, where: Path | str) -> str:
    """``name`` if it is a safe id or file name; else a :class:`CorruptFileError` naming
    ``where`` (the file or archive it came from) and ``what`` it was meant to be."""
    problem = name_problem(name)
    if problem is not None:
        raise CorruptFileError(where, f"{what} {shown_name(name)} cannot be used: {problem}")
    return name  # type: ignore[return-value]


# --- files --------------------------------------------------------------------------------

#: Size limits for what is read whole into memory.
MAX_DATA_FILE_BYTES = 256 * 1024 * 1024
MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024  # a minutes file, a template, config.toml


def cache_usable(home: Path, cache: Path) -> bool:
    """Whether tandem may read and write its derived files in ``cache``, the workspace
    ``home``'s cache folder: the workspace exists, and the folder, if there is one yet, is
    in it (a link out of it would have tandem read and write elsewhere)."""
    return home.is_dir() and (not os.path.lexists(cache) or inside(home, cache))


def inside(folder: Path, path: Path) -> bool:
    """Whether ``path``, with every symlink resolved, is ``folder`` or lies within it."""
    try:
        real_folder = os.path.realpath(folder)
        real_path = os.path.realpath(path)
    except (OSError, ValueError):
        return False
    return os.path.commonpath([real_folder, real_path]) == real_folder


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_outside(path: Path, *, within: Path | None = None, limit: int = MAX_TEXT_FILE_BYTES) -> bytes:
    """The bytes of ``path``, or a :class:`CorruptFileError` saying in words why not: not a
    regular file, a symlink out of ``within``, larger than ``limit``. Never blocks on a
    pipe or device. A missing file raises :class:`FileNotFoundError` as ``open`` would."""
    return read_outside_stat(path, within=within, limit=limit)[0]


def read_outside_stat(path: Path, *, within: Path | None = None, limit: int = MAX_TEXT_FILE_BYTES) -> tuple[bytes, os.stat_result]:
    """:func:`read_outside`, and the status of the file read (from the open file, so that a
    poller's stamp is that of the bytes it got, not of a save landing just after)."""
    if within is not None and not inside(within, path):
        raise CorruptFileError(path, f"it is a link that leads out of {within}")
    fd, info = _open_regular(path)
    with os.fdopen(fd, "rb") as f:
        if info.st_size > limit:
            raise CorruptFileError(path, f"it is {info.st_size // (1024 * 1024)} MB, more than the {limit // (1024 * 1024)} MB tandem reads")
        data = f.read(limit + 1)
    if len(data) > limit:  # grew while being read
        raise CorruptFileError(path, f"it is more than the {limit // (1024 * 1024)} MB tandem reads")
    return data, info


def read_head(path: Path, size: int) -> bytes:
    """The first ``size`` bytes of a regular file (a header), with :func:`read_outside`'s
    refusals: never blocks on a pipe or device."""
    fd, _info = _open_regular(path)
    try:
        return os.read(fd, size)
    finally:
        os.close(fd)


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    """A descriptor open on ``path`` and its status, only if it is a regular file; opened
    without blocking, and checked on the open file (not a name that may change under us)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except IsADirectoryError:
        raise CorruptFileError(path, "it is a folder, not a file") from None
    except PermissionError:
        raise CorruptFileError(path, "permission denied") from None
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise FileNotFoundError(errno.ENOENT, "No such file", str(path)) from None
        if exc.errno == errno.ENXIO:  # a socket, or a pipe nobody writes to (O_NONBLOCK)
            raise CorruptFileError(path, "it is not a regular file") from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = file_kind(info.st_mode)
        raise CorruptFileError(path, "it is a folder, not a file" if kind == "a folder" else f"it is {kind}, not a regular file")
    return fd, info
