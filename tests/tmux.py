"""Drive the real ``tandem`` command in a tmux session (end-to-end tests)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

TANDEM = Path(sys.executable).parent / "tandem"

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def fold_trace(trace: str) -> str:
    """One line per run of the gate's same decision on the same screen: ``0.123–0.456
    refuse ×12 'abc…' front=… focus=…``, so a whole journey's trace fits in a CI log."""
    runs: list[tuple[str, str, str, list[str], str]] = []  # first, last, what, keys, where
    for line in trace.splitlines():
        match = re.match(r"\s*(\S+) (.*?)\s+(front=.*?)(?: held=\d+)?$", line)
        if match is None:
            continue
        at, middle, where = match.groups()
        what, _, key = middle.strip().partition(" ")
        if what not in KEYED_STEPS:
            what, key = middle.strip(), ""
        key = key.strip()
        if what == "settled" and runs and runs[-1][4] == where:
            continue  # a key settled where it was delivered: the usual case, not news
        if runs and key and runs[-1][2] == what and runs[-1][4] == where:
            first, _last, _what, keys, _where = runs[-1]
            runs[-1] = (first, at, what, [*keys, key], where)
        else:
            runs.append((at, at, what, [key] if key else [], where))
    out = []
    for first, last, what, keys, where in runs:
        when = first if first == last else f"{first}–{last}"
        typed = " " + repr("".join(k if len(k) == 1 else f"<{k}>" for k in keys)) if keys else ""
        count = f" ×{len(keys)}" if len(keys) > 1 else ""
        out.append(f"{when} {what}{count}{typed} {where}")
    return "\n".join(out)


#: Steps of the key trace that name a key (tui/typeahead.py).
KEYED_STEPS = frozenset({"deliver", "hold", "refuse"})


class CpuHog:
    """Keeps every core busy (a laptop in a video call, a build running): a busy loop per
    core, in processes of their own, for as long as the ``with`` block lasts."""

    def __init__(self, processes: int | None = None) -> None:
        self.count = processes or os.cpu_count() or 2
        self.procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> CpuHog:
        self.procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(self.count)]
        return self

    def __exit__(self, *_: object) -> None:
        for proc in self.procs:
            proc.kill()
        for proc in self.procs:
            proc.wait()


class Tmux:
    def __init__(self, command: list[str], *, width: int = 120, height: int = 36, env: dict[str, str] | None = None, keytrace: Path | None = None) -> None:
        self.name = f"tandem-test-{uuid.uuid4().hex[:8]}"
        self.socket = ["-L", self.name]
        self.keytrace = keytrace
        if keytrace is not None:
            env = {**(env or {}), "TANDEM_KEYTRACE": str(keytrace)}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
        shell = f"{exports} {shlex.join(command)}; echo __EXIT_$?__; sleep 30"
        subprocess.run(
            ["tmux", *self.socket, "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), shell],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(["tmux", *self.socket, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True, check=True).stdout

    def set_option(self, name: str, value: str) -> None:
        subprocess.run(["tmux", *self.socket, "set-option", "-g", name, value], check=True)

    def buffer(self) -> str:
        """tmux's newest paste buffer: where an OSC 52 copy lands with set-clipboard on."""
        result = subprocess.run(["tmux", *self.socket, "show-buffer"], capture_output=True, text=True)
        return result.stdout if result.returncode == 0 else ""

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", *self.socket, "send-keys", "-t", self.name, *keys], check=True)

    def type(self, *steps: str, gap: float = 0.02) -> None:
        """Type as a person does, one key at a time ``gap`` apart: text is split into its
        characters (sent literally); a step in angle brackets is a key name ("<C-s>")."""
        for step in steps:
            # A lone ";" is tmux's command separator: escaped, it is typed.
            keys = [["-l", "\\;" if ch == ";" else ch] for ch in step] if not (step.startswith("<") and step.endswith(">")) else [[step[1:-1]]]
            for key in keys:
                self.send(*key)
                time.sleep(gap)

    def pid(self) -> int | None:
        """The pid of the program running in the pane (the shell's child), if any."""
        shell = subprocess.run(["tmux", *self.socket, "display-message", "-p", "-t", self.name, "#{pane_pid}"], capture_output=True, text=True)
        if shell.returncode != 0 or not shell.stdout.strip():
            return None
        children = subprocess.run(["pgrep", "-P", shell.stdout.strip()], capture_output=True, text=True).stdout.split()
        return int(children[0]) if children else None

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                trace = self.keytrace.read_text() if self.keytrace is not None and self.keytrace.exists() else ""
                shown = "\n".join(line.rstrip() for line in screen.rstrip().splitlines())
                # The trace first and folded: a CI log keeps the head and tail of a long message.
                raise AssertionError(f"{text!r} did not appear on screen" + (f"\nkey trace:\n{fold_trace(trace)}" if trace else "") + f"\nscreen:\n{shown}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(["tmux", *self.socket, "kill-server"], capture_output=True)


def end_meeting_and_quit(term: Tmux, rating: str = "4") -> None:
    """From a live meeting's agenda: end it with a rating, leave its summary for home and
    quit tandem, each key pressed once the screen that takes it is up."""
    term.type("e")
    term.wait_for("End the meeting?")
    time.sleep(0.6)  # a question takes only keys pressed after it appeared
    term.type(rating)
    time.sleep(0.8)  # only ctrl+s after a pause ends the meeting
    term.type("<C-s>")
    term.wait_for("Meeting ended")
    time.sleep(0.6)
    term.type("<Enter>")
    term.wait_for("Open action items")
    time.sleep(0.6)
    term.type("q")
    term.wait_for("__EXIT_0__")
