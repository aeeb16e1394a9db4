"""Setting the sales–marketing SLA from the app: ``tandem sla set`` as a form (issue 22).

The clauses of the version in force are filled in; the ones changed become the next version
(``store/sla/versions.set_sla``), made from the version in force on its effective date. The
first-touch overrides by lead type are one line ("source Demo request = 4; segment
Enterprise = 2", ``versions.parse_overrides``): one added, changed or left out is a change,
as ``tandem sla set first_touch_hours:source=VALUE`` makes it. Values read as the command line reads them (``4``,
``24h``, ``2d``, ``80%``, ``none``). The form saves in a worker and stays open on an error,
shown on its field with what was typed kept; it returns what was saved.

It lives in home's Goals screen, not in review: review opens the workspace read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from textual import work
from textual.containers import VerticalScroll
from textual.widgets import Static

from tandem.store.errors import TandemError, UsageError, ValidationError
from tandem.store.records import Meeting, number
from tandem.store.sla.record import CLAUSES, SlaVersion
from tandem.store.sla.versions import Change, SetResult, changes_words, overrides_text, parse_change, parse_overrides, set_sla, value_of
from tandem.store.workspace import Workspace
from tandem.tui.forms import FieldGrid
from tandem.tui.screen_base import from_worker
from tandem.tui.screens.record_form import RecordForm, Spec

#: The meetings that can record the decision: one not yet finalized (a finalized meeting's
#: minutes refuse a new decision).
OPEN_STATUSES = ("planned", "live", "ended")
#: How many of them the form offers, newest first: a year of weekly meetings.
MEETINGS_OFFERED = 60

#: The field of the first-touch overrides by lead type, on one line.
OVERRIDES = "first_touch_overrides"

#: The clause fields: label and what the field takes.
LABELS = {
    "mqls_per_month": "MQLs per month",
    "decision_hours": "Decision window (h)",
    "first_touch_hours": "First touch (h)",
    "attempts": "Attempts",
    "acceptance_floor": "Acceptance floor %",
    "coverage_floor": "Coverage floor %",
}


@dataclass(frozen=True, slots=True)
class SlaChange:
    """What the form asks for: the clauses changed, from when, agreed by whom, decided in
    which meeting ("" none); ``result`` is set once saved."""

    changes: list[Change]
    effective: date
    agreed_by: list[str]
    meeting_id: str = ""
    result: SetResult | None = None

    @property
    def words(self) -> str:
        """The toast: "SLA v3 from 2026-12-04: first touch within 4 h (was 24 h)."."""
        if self.result is None:
            return ""
        v = self.result.version
        return changes_words(f"SLA v{v.version} from {v.effective}", self.result.before, self.changes) + "."


@dataclass(frozen=True, slots=True)
class SlaFormData:
    """What the form is filled from, read off the UI thread: the version in force today, the
    meetings it can name, who "I" am."""

    current: SlaVersion | None
    meetings: list[Meeting]
    me: str = ""


def read_form_data(ws: Workspace, today: date, me: str) -> SlaFormData:
    from tandem.store.sla.versions import in_force, load

    meetings = [m for m in reversed(ws.list_meetings()) if m.status in OPEN_STATUSES][:MEETINGS_OFFERED]
    return SlaFormData(current=in_force(load(ws), today), meetings=meetings, me=me)


def _in_form(clause: str, exc: UsageError) -> str:
    """The command line's message with the field's label for the clause's name."""
    return str(exc).replace(clause, LABELS[clause], 1)


def shown(value: float | None) -> str:
    """A clause's value as the field shows it: "24", "80", "none"."""
    return "none" if value is None else number(value)


class SlaForm(RecordForm[SlaChange]):
    heading = "SLA version"

    def __init__(self, workspace: Workspace, data: SlaFormData, *, today: date, now: datetime) -> None:
        super().__init__(today=today)
        self.workspace = workspace
        self.data = data
        self.now = now
        self._saving = False

    def on_mount(self) -> None:
        super().on_mount()
        current = self.data.current
        title = f"Next SLA version (v{current.version} in force since {current.effective})" if current else "First SLA version"
        self.query_one(".dialog-title", Static).update(title)

    def specs(self) -> list[Spec]:
        meetings = [(f"{m.date} {m.title} ({m.status})", m.id) for m in self.data.meetings]
        clauses = [Spec(name, label, hint="none: not part of the SLA") for name, label in LABELS.items()]
        at = list(LABELS).index("first_touch_hours") + 1
        clauses.insert(at, Spec(OVERRIDES, "First touch by type", hint="source Demo request = 4; segment Enterprise = 2"))
        return [
            *clauses,
            Spec("effective", "Effective", kind="date", required=True, default=self.today.isoformat()),
            Spec("agreed_by", "Agreed by", hint="names, separated by commas"),
            Spec("meeting", "Decided in", kind="choice", choices=meetings, hint="its minutes get the decision (optional)"),
        ]

    def initial_values(self) -> dict[str, Any]:
        current = self.data.current
        values: dict[str, Any] = {name: shown(getattr(current, name) if current else None) for name in CLAUSES}
        values[OVERRIDES] = overrides_text(current)
        values["agreed_by"] = self.data.me
        return values

    def build(self, values: dict[str, Any]) -> SlaChange:
        current = self.data.current
        changes = []
        for name in CLAUSES:
            try:
                change = parse_change(name, values[name] or "none")
            except UsageError as exc:
                raise ValidationError(name, _in_form(name, exc)) from None
            if change.value != (getattr(current, name) if current is not None else None):
                changes.append(change)
        try:
            wanted = parse_overrides(str(values[OVERRIDES] or ""))
        except UsageError as exc:
            raise ValidationError(OVERRIDES, str(exc)) from None
        changes += [c for c in wanted if value_of(current, c) != c.value]
        kept = {(c.lead_type[0], c.lead_type[1].casefold()) for c in wanted if c.lead_type is not None}
        gone = [r for r in (current.first_touch if current is not None else []) if (r.field, r.value.casefold()) not in kept]
        changes += [Change("first_touch_hours", None, (r.field, r.value)) for r in gone]
        if not changes:
            raise ValidationError(next(iter(CLAUSES)), "Nothing changed: change a clause's value to record a new version.")
        agreed_by = [" ".join(n.split()) for n in str(values["agreed_by"]).split(",") if n.strip()]
        return SlaChange(changes=changes, effective=date.fromisoformat(values["effective"]), agreed_by=agreed_by, meeting_id=values["meeting"])

    # --- saving -------------------------------------------------------------------------

    def _show_errors(self, errors: dict[str, str]) -> bool:
        grid = self.query_one(FieldGrid)
        for spec in self.form_specs:
            grid.set_error(spec.name, errors.get(spec.name))
        if not errors:
            return False
        first = next(s for s in self.form_specs if s.name in errors)
        self.query_one(f"#w-{first.name}").focus()
        self.query_one(".form-fields", VerticalScroll).scroll_to_widget(self.query_one(f"#f-{first.name}"))
        return True

    def action_submit(self) -> None:
        if self._saving:  # ctrl+s twice while saving would record two versions
            return
        values, errors = self.values()
        for name in CLAUSES:  # every bad value at once, not the first only (build stops there)
            try:
                parse_change(name, values[name] or "none")
            except UsageError as exc:
                errors[name] = _in_form(name, exc)
        change = None
        if not errors:
            try:
                change = self.build(values)
            except ValidationError as exc:
                errors[exc.field] = exc.message
        if self._show_errors(errors) or change is None:
            return
        self._saving = True
        self._save(change)

    @work(thread=True, exclusive=True, group="sla-save")
    def _save(self, change: SlaChange) -> None:
        try:
            result = set_sla(self.workspace, change.changes, effective=change.effective, meeting_id=change.meeting_id, agreed_by=change.agreed_by, now=self.now)
        except ValidationError as exc:
            name = exc.field.rsplit(".", 1)[-1]
            from_worker(self, self._failed, name if name in LABELS else "effective", exc.message)
        except (TandemError, OSError) as exc:
            # Not a clause's fault: the meeting named (open elsewhere, gone) or the file.
            from_worker(self, self._failed, "meeting" if change.meeting_id else "effective", str(exc))
        else:
            from_worker(self, self.dismiss, replace(change, result=result))

    def _failed(self, name: str, message: str) -> None:
        self._saving = False
        self._show_errors({name: message})
