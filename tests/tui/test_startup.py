"""What makes the first frame quick keeps its promises (the timing is benchmarks/start.py):

* the home screen read before the app starts is shown in its first layout, a read that
  failed is reported as when the screen reads itself, and a huge workspace is left to the
  screen's worker;
* the footer is not rebuilt when its keys would not change, and is when they would;
* the garbage collector paused by the command line resumes once the app is up, and an app
  built by a test leaves the collector alone.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from clock import FakeClock
from conftest import build_sample
from textual.widgets import DataTable, Footer, Static

from tandem.store.errors import TandemError
from tandem.tui import home_data, startup
from tandem.tui.app import create_app
from tandem.tui.home_data import read_home_first


async def test_a_read_done_first_is_in_the_first_layout(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    early = read_home_first(ws)
    assert early is not None and early.done()
    app = create_app(ws, clock=FakeClock(), early=early)
    async with app.run_test(size=(120, 36)) as pilot:
        # No pause for a worker: the rows are there as soon as the screen is.
        table = app.screen.query_one("#meetings", DataTable)
        assert table.row_count == 3
        assert not app.screen.query_one("#loading").display
        await pilot.pause()
        assert "Open action items" in str(app.screen.query_one("#summary", Static).content)


async def test_a_failed_first_read_is_reported_by_the_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = build_sample(tmp_path / "ws")

    def broken(_ws: object) -> object:
        raise TandemError("meetings/x.json is not valid JSON")

    monkeypatch.setattr(home_data, "read_home", broken)
    early = read_home_first(ws)
    assert early is not None and isinstance(early.exception(), TandemError)
    monkeypatch.undo()
    app = create_app(ws, clock=FakeClock(), early=early)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(50):
            await pilot.pause(0.02)
            if app.screen.query_one("#problem").display:
                break
        problem = str(app.screen.query_one("#problem", Static).content)
        assert "Cannot open this workspace" in problem and "not valid JSON" in problem


def test_a_huge_workspace_is_read_by_the_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = build_sample(tmp_path / "ws")
    monkeypatch.setattr(home_data, "READ_FIRST_LIMIT", 2)
    assert read_home_first(ws) is None


async def test_the_footer_is_rebuilt_only_when_its_keys_change(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(20):
            await pilot.pause(0.02)
        footer = app.screen.query_one(Footer)
        keys = list(footer.children)
        assert keys
        app.screen.refresh_bindings()  # nothing changed: the same key widgets stay
        await pilot.pause()
        await pilot.pause()
        assert list(footer.children) == keys
        await pilot.press("ctrl+p")  # another screen, and back: its keys are drawn again
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert [k.key for k in app.screen.query_one(Footer).query("FooterKey")] == [k.key for k in keys if hasattr(k, "key")]


def test_the_collector_resumes_only_if_the_command_line_paused_it() -> None:
    assert gc.isenabled()
    # Another test in this worker may have opened review, which freezes its rows.
    frozen = gc.get_freeze_count()
    startup.resume_gc()  # not paused: nothing happens (no freeze of a test's objects)
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    code = (
        "import gc; from tandem.tui import startup; startup.pause_gc(); a = gc.isenabled(); "
        "startup.resume_gc(); print(a, gc.isenabled(), gc.get_freeze_count() > 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True", "True"]


def test_the_command_line_resumes_the_collector_once_the_app_is_up(tmp_path: Path) -> None:
    """The real path: `tandem` pauses collection, the app resumes it after mounting."""
    ws = build_sample(tmp_path / "ws")
    code = f"""
import gc
import textual.app
from tandem.tui import app as app_module
from tandem.tui.cli import main as cli
seen = []
real_mount = app_module.TandemApp.on_mount
def on_mount(self):
    seen.append(gc.isenabled())
    real_mount(self)
    self.set_timer(app_module.STARTUP_GC_PAUSE_S + 0.3, lambda: (seen.append(gc.isenabled()), self.exit()))
app_module.TandemApp.on_mount = on_mount
real_run = textual.app.App.run
textual.app.App.run = lambda self, *a, **k: real_run(self, headless=True)
try:
    cli.main(["--home", {str(ws.home)!r}])
except SystemExit:
    pass
print(seen)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "[False, True]", out.stderr[-2000:]
