#!/usr/bin/env python
"""Capture forms: how long from the key to a form ready for typing, against a bare Textual
``ModalScreen`` with the same number of inputs, opened the same way in the same run.

"Ready" is what a facilitator's next key needs: the form is the screen in front, mounted,
its first field focused, and the frame drawn (one refresh after that). Each form is opened
``--opens`` times (open, Esc, again) in a live meeting of the demo workspace; the first
opening of the session is reported on its own (styles, imports and suggestions are loaded
then). Forms reached through a picker (content, objective) are timed from the Enter that
picks "New…".

Targets (issue 15): p95 ≤ 50 ms on a quiet machine, and within 1.5× of the bare modal.

    python benchmarks/forms.py [--opens 20] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from _report import finish, p95
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from tandem.store.demo import seed_demo
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "forms.json"

#: key on the agenda, whether a picker comes first, the form's class name
FORMS = {
    "decision": ("d", False, "DecisionForm"),
    "action": ("t", False, "ActionForm"),
    "lead_feedback": ("l", False, "LeadFeedbackForm"),
    "insight": ("v", False, "InsightForm"),
    "content": ("c", True, "ContentForm"),
    "objective": ("o", True, "ObjectiveForm"),
}


class BareForm(ModalScreen[None]):
    """The baseline: a label and an input per field, a title, a footer."""

    DEFAULT_CSS = "BareForm { align: center middle; } BareForm > Vertical { width: 80; height: auto; border: thick $primary; }"
    BINDINGS = [Binding("escape", "app.pop_screen", "Cancel")]

    def __init__(self, fields: int) -> None:
        super().__init__()
        self.fields = fields

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("New record")
            for n in range(self.fields):
                yield Label(f"Field {n}")
                yield Input(id=f"f{n}")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#f0", Input).focus()


class BareApp(App[None]):
    BINDINGS = [Binding("d", "open", "Open")]

    def __init__(self, fields: int) -> None:
        super().__init__()
        self.fields = fields

    def compose(self) -> ComposeResult:
        yield Static("Agenda")
        yield Footer()

    def action_open(self) -> None:
        self.push_screen(BareForm(self.fields))


async def _ready(app: App[Any], form_class: str, started: float) -> float:
    """Seconds from ``started`` until a ``form_class`` screen is in front, mounted, its
    first field focused, and drawn."""
    while True:
        screen = app.screen
        focused = app.focused
        if type(screen).__name__ == form_class and screen.is_mounted and focused is not None and focused.screen is screen:
            break
        await asyncio.sleep(0.001)  # not sleep(0): a spinning loop would slow what it times
    drawn = asyncio.Event()
    screen.call_after_refresh(drawn.set)
    await drawn.wait()
    return time.perf_counter() - started


def _press(app: App[Any], key: str) -> float:
    started = time.perf_counter()
    app.post_message(events.Key(key, key if len(key) == 1 else None))
    return started


async def tandem_forms(ws: Workspace, meeting_id: str, opens: int) -> tuple[dict[str, list[float]], dict[str, int], dict[str, list[float]]]:
    """Each form's opening times, its number of fields, and the opening times of a bare
    modal with as many inputs pushed over the same live meeting (the cost of the form
    itself, apart from the screen it is drawn over)."""
    app = create_app(ws, start=StartWith(meeting_id=meeting_id))
    times: dict[str, list[float]] = {kind: [] for kind in FORMS}
    over: dict[str, list[float]] = {kind: [] for kind in FORMS}
    fields: dict[str, int] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("escape")  # the agenda: one key per record
        for round_ in range(opens):
            for kind, (key, picker, form_class) in FORMS.items():
                if picker:
                    await pilot.press(key)
                    started = _press(app, "enter")
                else:
                    started = _press(app, key)
                times[kind].append(await _ready(app, form_class, started))
                if round_ == 0:
                    fields[kind] = len(app.screen.specs())  # type: ignore[attr-defined]
                await pilot.press("escape")
                await pilot.pause(0.05)
                started = time.perf_counter()
                app.push_screen(BareForm(fields[kind]))
                over[kind].append(await _ready(app, "BareForm", started))
                await pilot.press("escape")
                await pilot.pause(0.05)
        await pilot.press("ctrl+q")
    return times, fields, over


async def bare_forms(fields: int, opens: int) -> list[float]:
    app = BareApp(fields)
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        for _ in range(opens):
            started = _press(app, "d")
            times.append(await _ready(app, "BareForm", started))
            await pilot.press("escape")
            await pilot.pause()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", type=int, default=20)
    parser.add_argument("--meetings", type=int, default=40)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        seed_demo(ws, meetings=args.meetings)
        meeting_id = next(m.id for m in ws.list_meetings() if m.status == "planned")
        times, fields, over = asyncio.run(tandem_forms(ws, meeting_id, args.opens))
    bare = {n: asyncio.run(bare_forms(n, args.opens)) for n in sorted(set(fields.values()))}

    rows = []
    ok = True
    print(f"{'form (fields)':<22}{'first ms':>10}{'median ms':>11}{'p95 ms':>9}{'bare median':>13}{'bare p95':>10}{'ratio':>8}{'over meeting':>14}{'ratio':>8}")
    for kind, samples in times.items():
        warm = samples[1:] or samples
        base = bare[fields[kind]][1:] or bare[fields[kind]]
        ratio = statistics.median(warm) / statistics.median(base)
        same_screen = over[kind][1:] or over[kind]
        ratio_over = statistics.median(warm) / statistics.median(same_screen)
        row = {
            "form": kind,
            "fields": fields[kind],
            "first_ms": samples[0] * 1000,
            "median_ms": statistics.median(warm) * 1000,
            "p95_ms": p95(warm) * 1000,
            "bare_median_ms": statistics.median(base) * 1000,
            "bare_p95_ms": p95(base) * 1000,
            "ratio": ratio,
            "over_meeting_median_ms": statistics.median(same_screen) * 1000,
            "ratio_over_meeting": ratio_over,
        }
        ok = ok and row["p95_ms"] <= 50 and ratio <= 1.5
        rows.append(row)
        print(
            f"{kind + f' ({fields[kind]})':<22}{row['first_ms']:>10.1f}{row['median_ms']:>11.1f}{row['p95_ms']:>9.1f}{row['bare_median_ms']:>13.1f}{row['bare_p95_ms']:>10.1f}{ratio:>7.2f}x{row['over_meeting_median_ms']:>14.1f}{ratio_over:>7.2f}x"
        )
    print("baseline: a bare ModalScreen with as many Label+Input pairs, pushed by a key binding")
    print("over meeting: the same bare modal pushed over tandem's live meeting, in the same run")
    print("targets: p95 ≤ 50 ms; median within 1.5× of the bare modal")
    finish({"opens": args.opens, "forms": rows, "targets": {"p95_ms": 50, "ratio": 1.5}, "pass": ok}, args.json)


if __name__ == "__main__":
    main()
