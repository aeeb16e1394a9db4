"""Review rows and search from a folder of exported minutes (``tandem review --minutes DIR``).

The twin of :mod:`tandem.store.review.from_workspace` for teams that keep the output of
``tandem export --all --out DIR`` in a git repository: no workspace, only the Markdown files.
Every ``*.md`` directly in the folder is read (hidden files and subfolders are not); a file
is parsed again only when its signature (mtime, size, inode) changes, so a reload after a
``git pull`` re-reads just what the pull touched. Calls from several threads (the review
screen's loads, polls, searches and minutes) take turns on one lock.

What the minutes do not carry cannot be shown (see the notes on each row kind below): the
objectives' check-ins outside meetings, the closing date of a dropped action, a shadow day's
status, planned shadow days.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tandem.store.errors import CorruptFileError, NotFoundError, TandemError
from tandem.store.minutes.reader import MinutesFormatError, MinutesObjective, MinutesSummary, read_minutes
from tandem.store.outside import clean_text, read_outside
from tandem.store.records import HELD_STATUSES, label
from tandem.store.review.model import (
    ActionRow,
    CheckInPoint,
    DecisionRow,
    FeedbackRow,
    MeetingRow,
    ObjectiveRow,
    ReviewData,
    SearchHit,
    ShadowRow,
    TakeawayRow,
    with_statuses,
)
from tandem.store.review.search import SearchIndex

Signature = tuple[int, int, int]


def search_lines(s: MinutesSummary) -> Iterator[tuple[str, str]]:
    """What a participant might search for, as (where, text): the same lines the workspace
    source indexes, so both find the same meetings for the same words."""
    yield "Title", s.title
    yield "Series", s.series_title
    yield "Facilitator", s.facilitator
    yield "Attendees", ", ".join(a.name for a in (*s.attendees, *s.absentees))
    if s.rating_comment:
        yield "Feedback on the meeting", s.rating_comment
    for n, title in enumerate(s.agenda, start=1):
        where = f"{n}. {title}"
        yield "Agenda", where
        for line in s.agenda_notes[n - 1] if n <= len(s.agenda_notes) else ():
            yield f"Notes · {where}", line
    for decision in s.decisions:
        yield "Decision", decision
    for a in s.action_items:
        yield "Action item", f"{a.text} — {a.owner}" if a.owner else a.text
    for f in s.lead_feedback:
        reasons = ", ".join(label(r) for r in f.reasons)
        parts = (f.reference, f.source, f.persona, label(f.verdict), reasons, f.comment, f.reporter)
        yield "Lead feedback", " · ".join(p for p in parts if p)
    for text in s.parking_lot:
        yield "Parking lot", text
    for d in s.shadow_days:
        yield from ((f"Shadow day · {d.shadow}", t.text) for t in d.takeaways)
        if d.experiment:
            yield f"Experiment · {d.shadow}", d.experiment
    for o in s.objectives:
        if o.comment:
            yield f"Check-in · {o.title}", o.comment


@dataclass(slots=True)
class _File:
    signature: Signature
    summary: MinutesSummary | None
    #: Why the file is left out (one sentence), or None.
    problem: str | None


def _meeting_row(s: MinutesSummary) -> MeetingRow:
    return MeetingRow(
        id=s.id,
        title=s.title,
        series=s.series,
        series_title=s.series_title,
        date=s.date,
        facilitator=s.facilitator,
        status=s.status,
        attendees=tuple(a.name for a in s.attendees),
        agenda_items=len(s.agenda),
        decisions=len(s.decisions),
        actions=len(s.action_items),
        feedback=len(s.lead_feedback),
        rating=s.rating,
        planned_min=s.planned_min,
        actual_min=s.actual_min if s.status in HELD_STATUSES else None,
        items_done=s.agenda_statuses.count("done"),
        items_skipped=s.agenda_statuses.count("skipped"),
        items_parked=s.agenda_statuses.count("parked"),
        teams_present=tuple(a.team for a in s.attendees),
    )


def _decisions(summaries: list[MinutesSummary]) -> list[DecisionRow]:
    """Every decision (minutes hold no ids: one is "<meeting id>#<n>"), a change of an
    earlier one linked to the decision of that date with that text."""
    rows: list[DecisionRow] = []
    by_day_text: dict[tuple[str, str], str] = {}
    for s in summaries:  # oldest first
        for n, (text, (how, earlier, day)) in enumerate(zip(s.decisions, s.decision_changes, strict=False), start=1):
            key = f"{s.id}#{n}"
            target = by_day_text.get((day, earlier.casefold()), "") if how else ""
            rows.append(DecisionRow(key, text, "", s.id, s.series, s.date, target if how == "supersedes" else "", target if how == "reverses" else ""))
            by_day_text[(s.date, text.casefold())] = key
    return with_statuses(rows)


def _objectives(summaries: list[MinutesSummary]) -> list[ObjectiveRow]:
    """One row per objective, keyed by its "Title (metric)" cell, with a check-in point per
    meeting that showed it. Minutes only carry a check-in made in a meeting, dated by that
    meeting; target, unit, owner and status come from the latest table."""
    latest: dict[str, MinutesObjective] = {}
    history: dict[str, list[CheckInPoint]] = {}
    for s in summaries:  # oldest first
        for o in s.objectives:
            latest[o.key] = o
            history.setdefault(o.key, []).append(CheckInPoint(s.date, o.value, o.status, o.comment))
    rows = []
    for key, o in latest.items():
        points = sorted(history[key], key=lambda p: p.date)
        rows.append(ObjectiveRow(o.title, o.metric, o.unit, o.target, o.owner_team, o.status, tuple(points)))
    return rows


def _shadow_days(summaries: list[MinutesSummary]) -> list[ShadowRow]:
    """Debriefed shadow days, newest first; a day shown in several minutes is kept once, from
    the first meeting that debriefed it. Minutes show no status: a debriefed day reads as done."""
    days: dict[tuple[str, str, str, str], ShadowRow] = {}
    for s in summaries:  # oldest first
        for d in s.shadow_days:
            key = (d.date, d.shadow, d.host, d.direction)
            if key not in days:
                days[key] = ShadowRow(
                    d.date,
                    d.shadow,
                    d.host,
                    d.direction,
                    "done",
                    tuple(TakeawayRow(t.category, t.text) for t in d.takeaways),
                    d.experiment,
                    d.experiment_owner,
                    s.id,
                )
    return sorted(days.values(), key=lambda d: (d.date, d.meeting_id), reverse=True)


class MinutesFolderSource:
    """A :class:`~tandem.store.review.model.ReviewSource` over a folder of minutes. Only reads."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder).expanduser()
        self.label = str(self.folder)
        self._files: dict[str, _File] = {}
        self._index = SearchIndex()
        #: Meeting id → file name, for the files that made it into the index.
        self._paths: dict[str, str] = {}
        self._seen: dict[str, Signature] = {}
        self._lock = threading.RLock()
        self._signatures()  # a missing folder is reported now, not at the first load

    # --- change tracking -------------------------------------------------------------

    def _signatures(self) -> dict[str, Signature]:
        sigs: dict[str, Signature] = {}
        try:
            with os.scandir(self.folder) as entries:
                for entry in entries:
                    if not entry.name.endswith(".md") or entry.name.startswith("."):
                        continue
                    try:
                        # A named pipe or a device is listed, and read_minutes says what it
                        # is: skipped in silence, it would look like a meeting gone missing.
                        if entry.is_dir():
                            continue
                        st = entry.stat()
                    except OSError:
                        continue  # gone between listing and stat
                    sigs[entry.name] = (st.st_mtime_ns, st.st_size, st.st_ino)
        except (FileNotFoundError, NotADirectoryError):
            raise NotFoundError(f"No folder of minutes at {self.folder}.") from None
        except OSError as exc:
            raise TandemError(f"The folder of minutes {self.folder} cannot be read ({exc.strerror or exc}).") from None
        return sigs

    def changed(self) -> bool:
        with self._lock:
            return self._signatures() != self._seen

    def _refresh(self) -> dict[str, Signature]:
        """Re-read the files whose signature changed, forget deleted ones, and bring the
        search index in step."""
        sigs = self._signatures()
        dirty = False
        for name in set(self._files) - set(sigs):
            del self._files[name]
            dirty = True
        for name, sig in sigs.items():
            known = self._files.get(name)
            if known is not None and known.signature == sig:
                continue
            dirty = True
            path = self.folder / name
            try:
                self._files[name] = _File(sig, read_minutes(path, within=self.folder), None)
            except MinutesFormatError as exc:
                self._files[name] = _File(sig, None, f"{exc}.")
            except OSError as exc:
                self._files[name] = _File(sig, None, f"{path}:1: cannot be read ({exc.strerror or exc}).")
        if dirty:
            self._reindex()
        return sigs

    def _reindex(self) -> None:
        paths: dict[str, str] = {}
        for name in sorted(self._files):
            entry = self._files[name]
            summary = entry.summary
            if summary is None:
                continue
            if summary.id in paths and paths[summary.id] != name:
                # Two files, one meeting (a copy left behind): the first by name is shown.
                entry.problem = f"{self.folder / name}:1: meeting {summary.id} is already read from {paths[summary.id]}; this copy is left out."
                continue
            entry.problem = None
            paths[summary.id] = name
            if self._index.signature(summary.id) != (name, entry.signature):
                self._index.put(summary.id, (name, entry.signature), search_lines(summary))
        for gone in set(self._index.ids()) - set(paths):
            self._index.remove(gone)
        self._paths = paths

    # --- loading ---------------------------------------------------------------------

    def load(self) -> ReviewData:
        with self._lock:
            return self._load()

    def _load(self) -> ReviewData:
        sigs = self._refresh()
        summaries = sorted(
            (summary for name in self._paths.values() if (summary := self._files[name].summary) is not None),
            key=lambda s: (s.date, s.id),
        )
        data = ReviewData()
        for s in summaries:
            data.meetings.append(_meeting_row(s))
            data.actions.extend(ActionRow(a.text, a.owner, a.due, a.status, s.id, s.series, s.date, a.closed_on) for a in s.action_items)
            _apply_review(data.actions, s)
            data.feedback.extend(
                FeedbackRow(
                    s.id,
                    s.date,
                    s.series,
                    f.reference,
                    f.source,
                    f.persona,
                    f.stage_reached,
                    f.verdict,
                    f.reasons,
                    f.stage_lost,
                )
                for f in s.lead_feedback
            )
        data.meetings.reverse()  # newest first, like the workspace source
        data.objectives = _objectives(summaries)
        data.shadow_days = _shadow_days(summaries)
        data.decisions = _decisions(summaries)
        problems = [entry.problem for entry in self._files.values() if entry.problem]
        problems += [issue for s in summaries for issue in s.issues]
        data.problems = sorted(problems)
        self._seen = sigs
        return data

    # --- minutes and search ----------------------------------------------------------

    def minutes(self, meeting_id: str) -> str:
        """The file's text as it is on disk, less what must never reach a terminal
        (:func:`~tandem.store.outside.clean_text`)."""
        with self._lock:
            # Files are renamed and replaced under us (a git pull): which file holds the
            # meeting now, not at the last load.
            self._refresh()
            name = self._paths.get(meeting_id)
        if name is None:
            raise NotFoundError(f"No minutes of meeting {meeting_id!r} in {self.folder}.")
        path = self.folder / name
        try:
            return clean_text(read_outside(path, within=self.folder).decode("utf-8", errors="replace"))
        except CorruptFileError as exc:
            raise NotFoundError(f"The minutes of meeting {meeting_id} cannot be read ({path}: {exc.detail}).") from None
        except OSError as exc:
            raise NotFoundError(f"The minutes of meeting {meeting_id} cannot be read ({path}: {exc.strerror or exc}).") from None

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        with self._lock:
            self._refresh()
            return self._index.search(query, limit)


def _apply_review(rows: list[ActionRow], summary: MinutesSummary) -> None:
    """A meeting's minutes show its own action items as they stood then; the actions it
    closed from earlier meetings are in its "Action review". Each closes the latest open
    row of the series, raised before it, with the same text and owner."""
    for reviewed in summary.reviewed_actions:
        if reviewed.status == "open":
            continue
        for n in range(len(rows) - 1, -1, -1):
            row = rows[n]
            if row.series == summary.series and row.raised < summary.date and row.status == "open" and (row.text, row.owner) == (reviewed.text, reviewed.owner):
                rows[n] = dataclasses.replace(row, status=reviewed.status, closed_on=reviewed.closed_on)
                break
