"""Drive the real ``tandem`` command in a tmux session (end-to-end tests)."""

from __future__ import annotations

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


class Tmux:
    def __init__(self, command: list[str], *, width: int = 120, height: int = 36, env: dict[str, str] | None = None) -> None:
        self.name = f"tandem-test-{uuid.uuid4().hex[:8]}"
        self.socket = ["-L", self.name]
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
        shell = f"{exports} {shlex.join(command)}; echo __EXIT_$?__; sleep 30"
        subprocess.run(
            ["tmux", *self.socket, "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), shell],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", *self.socket, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True, check=True
        ).stdout

    def set_option(self, name: str, value: str) -> None:
        subprocess.run(["tmux", *self.socket, "set-option", "-g", name, value], check=True)

    def buffer(self) -> str:
        """tmux's newest paste buffer: where an OSC 52 copy lands with set-clipboard on."""
        result = subprocess.run(["tmux", *self.socket, "show-buffer"], capture_output=True, text=True)
        return result.stdout if result.returncode == 0 else ""

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", *self.socket, "send-keys", "-t", self.name, *keys], check=True)

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear on screen:\n{screen}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(["tmux", *self.socket, "kill-server"], capture_output=True)
