"""Timing a program's first frame in a real terminal (tmux), and the baseline app to time
it against: a minimal Textual app with a Header, a ListView and a Footer."""

from __future__ import annotations

import subprocess
import time

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Footer, Header, ListItem, ListView, Label
class Minimal(App):
    def compose(self):
        yield Header()
        yield ListView(*[ListItem(Label(f"Meeting {n}")) for n in range(40)])
        yield Footer()
    def on_ready(self):
        self.sub_title = "READY-MARK"
Minimal().run()
"""


def first_frame(command: list[str], mark: str, *, timeout: float = 30) -> float:
    name = f"bench-{time.monotonic_ns()}"
    t = time.perf_counter()
    subprocess.run(["tmux", "-L", name, "new-session", "-d", "-x", "120", "-y", "36", *command], check=True)
    try:
        while time.perf_counter() - t < timeout:
            screen = subprocess.run(["tmux", "-L", name, "capture-pane", "-p"], capture_output=True, text=True).stdout
            if mark in screen:
                return time.perf_counter() - t
            time.sleep(0.005)
        raise RuntimeError(f"{mark!r} never appeared")
    finally:
        subprocess.run(["tmux", "-L", name, "kill-server"], capture_output=True)
