from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tandem.store.ids import new_id
from tandem.store.records import ActionItem, AgendaItem, Attendee, Decision, LeadFeedback, Meeting, Series
from tandem.store.workspace import Workspace


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str, env: dict[str, str] | None = None) -> CliResult:
    """Run the real ``tandem`` entry point in a child process."""
    proc = subprocess.run(
        [sys.executable, "-m", "tandem", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def tandem_at(home: Path, *args: str) -> CliResult:
    """``tandem --home HOME ARGS…`` in a child process."""
    return run_cli("--home", str(home), *args)


def one_sentence(result: CliResult, code: int, *words: str) -> None:
    """The CLI's contract for a refusal: exit ``code``, one line on stderr starting
    "tandem: ", no traceback, and each of ``words`` in it."""
    assert result.code == code, result
    assert result.err.startswith("tandem: ") and result.err.count("\n") == 1 and "Traceback" not in result.err, result.err
    for word in words:
        assert word in result.err, result.err


def first_doc(docs: dict[str, Any]) -> dict[str, Any]:
    """The first document of a table as stored (keyed by record id), in tandem's order."""
    return min(docs.values(), key=lambda doc: doc.get("_seq", 0))


def without_hanging(fifo: Path, call: Callable[[], Any], seconds: float = 10) -> Any:
    """``call()``'s result; fails (and unblocks the reader) if it waits on the named pipe
    ``fifo``: a reader that opens it blocking would otherwise hang the test run."""
    result: list[Any] = []
    worker = threading.Thread(target=lambda: result.append(call()), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # a writer that hangs up: EOF
        worker.join(seconds)
        pytest.fail(f"the reader waited on the named pipe {fifo}")
    assert result, "the call raised (see the thread's exception above)"
    return result[0]


def rendered_text(widget, width: int = 200) -> str:
    """What a Static shows, as plain text (markup and Rich renderables alike)."""
    import io

    from rich.console import Console
    from rich.text import Text

    console = Console(width=width, record=True, file=io.StringIO())
    content = widget.content
    console.print(Text.from_markup(content) if isinstance(content, str) else content)
    return console.export_text()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``serial`` run one after another on one xdist worker (--dist loadgroup)."""
    for item in items:
        if item.get_closest_marker("serial") is not None:
            item.add_marker(pytest.mark.xdist_group("serial"))


@pytest.fixture(autouse=True)
def _own_config_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets an empty config folder: a developer's own config.toml (keymap, theme)
    or templates must never change what a test sees."""
    monkeypatch.setenv("TANDEM_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def cli():
    return run_cli


def build_sample(home: Path) -> Workspace:
    """Three small meetings of one series: enough to see every part of the home screen."""
    ws = Workspace(home)
    ws.series.add(Series(id="weekly-smarketing-sync", title="Weekly smarketing sync"))
    people = [
        Attendee(name="Dana Kim", team="marketing"),
        Attendee(name="Luis Ortega", team="sales"),
        Attendee(name="Priya Raman", team="sales"),
    ]
    for n, day in enumerate(["2026-11-12", "2026-11-19", "2026-11-26"]):
        meeting_id = ws.new_meeting_id(day, "weekly-smarketing-sync")
        meeting = Meeting(
            id=meeting_id,
            series_id="weekly-smarketing-sync",
            title="Weekly smarketing sync",
            date=day,
            facilitator="Dana Kim",
            attendees=people,
            absentees=[Attendee(name="Zoë Ng", team="marketing")],
            status="planned" if n == 2 else "ended",
        )
        agenda = [
            AgendaItem(
                id=f"item-{n}-{i}", title=title, position=i, timebox_min=box, status="pending" if n == 2 else "done", elapsed_s=0 if n == 2 else box * 55
            )
            for i, (title, box) in enumerate([("Objectives check-in", 10), ("Lead quality from sales", 15), ("Coming down the pipeline", 10)])
        ]
        ws.create_meeting(meeting, agenda)
        with ws.open_meeting(meeting_id) as writer:
            writer.actions.add(
                ActionItem(id=f"act-{n}", text="Fix lead routing for EMEA", owner="Luis Ortega", meeting_id=meeting_id, status="open" if n else "done")
            )
            writer.decisions.add(Decision(id=f"dec-{n}", text="SAL within 24h", meeting_id=meeting_id))
            writer.lead_feedback.add(
                LeadFeedback(id=f"lf-{n}", reference=f"CRM-10{n}", verdict="poor", reasons=["no_fit"], source="LinkedIn ads", meeting_id=meeting_id)
            )
    return ws


def meeting_today(home: Path, *items: tuple[str, int]) -> tuple[Workspace, str]:
    """A planned meeting dated today (``tandem run`` with no argument starts it), with Dana
    and Luis and the given (title, minutes) agenda items; returns the workspace and its id."""
    import time

    ws = Workspace(home)
    ws.series.add(Series(id="sync", title="Weekly sync"))
    today = time.strftime("%Y-%m-%d")
    meeting_id = f"{today}-sync"
    ws.create_meeting(
        Meeting(
            id=meeting_id,
            series_id="sync",
            title="Weekly sync",
            date=today,
            facilitator="Dana",
            attendees=[Attendee(name="Dana", team="marketing"), Attendee(name="Luis", team="sales")],
        ),
        [AgendaItem(id=f"i{n + 1}", title=title, position=n, timebox_min=minutes) for n, (title, minutes) in enumerate(items)],
    )
    return ws, meeting_id


@pytest.fixture
def sample(tmp_path: Path) -> Workspace:
    return build_sample(tmp_path / "ws")


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "ws")


__all__ = ["CliResult", "build_sample", "meeting_today", "new_id", "one_sentence", "rendered_text", "run_cli", "tandem_at"]
