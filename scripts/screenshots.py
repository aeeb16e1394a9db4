#!/usr/bin/env python
"""Regenerate the README's screenshots (SVG) from the demo workspace, so they never go stale.

    python scripts/screenshots.py            # writes docs/screenshots/*.svg

Each picture is the real app driven by Textual's pilot on the deterministic demo data, at
120×36, with a fixed clock and the workspace path shown as ~/tandem.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path

from tandem.store.demo import DEMO_TODAY, seed_demo
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.follow_app import create_follow_app
from tandem.tui.review_app import create_review_app

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZE = (120, 36)
NOW = datetime.combine(DEMO_TODAY, datetime.min.time()).replace(hour=10, minute=5)


def clock() -> datetime:
    return NOW


async def shoot(app, name: str, steps: Callable[[object], Awaitable[None]]) -> None:  # noqa: ANN001
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await steps(pilot)
        await pilot.pause(0.5)
        path = OUT / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(path.parent))
        print(f"wrote {path}")


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "ws"
        ws = Workspace(home, now=clock)
        seed_demo(ws)
        planned = next(m for m in ws.list_meetings() if m.status == "planned")

        async def nothing(pilot) -> None:  # noqa: ANN001
            pass

        app = create_app(ws, clock=clock)
        app.sub_title = "~/tandem"
        await shoot(app, "home", nothing)

        async def notes(pilot) -> None:  # noqa: ANN001
            await pilot.press(*"Webinar SQLs 4 vs 10 target: at risk. Maya to check routing.")

        app = create_app(ws, clock=clock, start=StartWith(meeting_id=planned.id))
        await shoot(app, "live", notes)

        review = create_review_app(WorkspaceSource(home), today=date(2026, 11, 27))
        review.sub_title = "~/tandem · read-only"

        async def search(pilot) -> None:  # noqa: ANN001
            await pilot.press("slash", *"procurement", "enter")
            await pilot.pause(0.3)

        await shoot(review, "review-search", search)

        for key, name in (("2", "review-actions"), ("4", "review-lead-quality")):
            review = create_review_app(WorkspaceSource(home), today=date(2026, 11, 27))
            review.sub_title = "~/tandem · read-only"

            async def tab(pilot, key: str = key) -> None:  # noqa: ANN001
                await pilot.press(key)
                await pilot.pause(0.3)

            await shoot(review, name, tab)

        review = create_review_app(WorkspaceSource(home), today=date(2026, 11, 27))
        review.sub_title = "~/tandem · read-only"

        async def minutes(pilot) -> None:  # noqa: ANN001
            await pilot.press("down", "down", "enter")
            await pilot.pause(0.8)

        await shoot(review, "minutes", minutes)

        live = next((m for m in Workspace(home).list_meetings() if m.status == "live"), None)
        if live is not None:
            follow = create_follow_app(Workspace(home, read_only=True), live.id, clock=clock)
            await shoot(follow, "follow", nothing)


if __name__ == "__main__":
    asyncio.run(main())
