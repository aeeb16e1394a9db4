"""A shadow day as it happens: checklist, notes, a timestamped takeaway log, one experiment.

Like a live meeting, the day is kept in memory and saved by a background Saver (whole
record, atomic, debounced for typing), under a writer lock so only one person runs it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from tandem.store import ids
from tandem.store.errors import NotFoundError, TandemError
from tandem.store.locks import WriterLock
from tandem.store.records import Activity, Experiment, ShadowDay, Takeaway
from tandem.store.saver import Clock, Saver
from tandem.store.workspace import Workspace

NOTES_DEBOUNCE_S = 0.3


class ShadowSession:
    def __init__(
        self,
        workspace: Workspace,
        day_id: str,
        *,
        clock: Clock = datetime.now,
        on_save_error: Callable[[BaseException], None] | None = None,
        on_saved: Callable[[], None] | None = None,
        on_written: Callable[[], None] | None = None,
    ) -> None:
        self.workspace = workspace
        self.clock = clock
        if not day_id or "/" in day_id or day_id.startswith("."):
            raise NotFoundError(f"No shadow day {day_id!r} in {workspace.home}.")
        self.lock = WriterLock(workspace.home / f".shadow-{day_id}.lock", subject=day_id, what="Shadow day", now=clock, timeout=0)
        workspace.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.lock.acquire()
        try:
            self.day: ShadowDay = workspace.shadow_days.get(day_id)
        except BaseException:
            self.lock.release()
            raise
        self._lock = threading.Lock()
        self.saver = Saver(self._write, on_error=on_save_error, on_saved=on_saved, on_written=on_written)

    def _write(self) -> None:
        with self._lock:
            snapshot = ShadowDay.from_dict(self.day.to_dict())
        # A debrief may have marked the day since we loaded it; never undo that.
        stored = self.workspace.shadow_days.find(snapshot.id)
        if stored is not None and stored.debriefed_in and not snapshot.debriefed_in:
            snapshot = snapshot.replace(debriefed_in=stored.debriefed_in)
            with self._lock:
                self.day.debriefed_in = stored.debriefed_in
        if stored is not None and stored.experiment and stored.experiment.action_id and snapshot.experiment and not snapshot.experiment.action_id:
            snapshot = snapshot.replace(experiment=snapshot.experiment.replace(action_id=stored.experiment.action_id))
            with self._lock:
                self.day.experiment = snapshot.experiment
        self.workspace.shadow_days.upsert(snapshot)

    def _changed(self, delay: float = 0.0) -> None:
        self.saver.request(delay)

    def close(self, *, timeout: float = 10.0, letting_go: bool = False) -> bool:
        """Save, then release the lock; False (and nothing released, the saver still
        retrying) when the save failed, so closing can be tried again — unless
        ``letting_go`` (the process is ending), when the lock is released all the same."""
        if not self.saver.flush(timeout) and not letting_go:
            return False
        ok = self.saver.close(timeout)
        self.lock.release()
        return ok

    # --- the day -----------------------------------------------------------------------

    def start(self) -> None:
        if self.day.status == "planned":
            with self._lock:
                self.day.status = "in_progress"
            self._changed()

    def toggle_activity(self, index: int) -> Activity:
        with self._lock:
            activity = self.day.activities[index]
            activity.done = not activity.done
        self._changed()
        return activity

    def set_activity_notes(self, index: int, notes: str) -> None:
        with self._lock:
            self.day.activities[index].notes = notes
        self._changed(NOTES_DEBOUNCE_S)

    def add_activity(self, title: str) -> Activity:
        activity = Activity(title=title)
        with self._lock:
            self.day.activities.append(activity)
        self._changed()
        return activity

    def add_takeaway(self, category: str, text: str) -> Takeaway:
        takeaway = Takeaway(id=ids.new_id(), category=category, text=text, at=self.clock().isoformat(timespec="seconds"))
        with self._lock:
            self.day.takeaways.append(takeaway)
        self._changed()
        return takeaway

    def delete_takeaway(self, takeaway_id: str) -> Takeaway:
        with self._lock:
            found = next((t for t in self.day.takeaways if t.id == takeaway_id), None)
            if found is None:
                raise TandemError("That takeaway is already gone.")
            self.day.takeaways = [t for t in self.day.takeaways if t.id != takeaway_id]
        self._changed()
        return found

    def restore_takeaway(self, takeaway: Takeaway) -> None:
        with self._lock:
            self.day.takeaways.append(takeaway)
            self.day.takeaways.sort(key=lambda t: t.at)
        self._changed()

    def set_experiment(self, experiment: Experiment) -> None:
        with self._lock:
            action_id = self.day.experiment.action_id if self.day.experiment else ""
            self.day.experiment = experiment.replace(action_id=action_id)
        self._changed()

    def finish(self) -> ShadowDay:
        with self._lock:
            self.day.status = "done"
        self._changed()
        self.saver.flush()
        return self.day
