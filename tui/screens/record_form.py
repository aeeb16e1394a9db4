"""A keyboard-only record form built from field specs: inline errors, typed results.

Each capture form (lead feedback, action item…) is a small subclass that lists its fields
and turns the values into a record. Text fields suggest known values as you type (people,
sources, personas) and accept new ones; fixed lists (stages, verdicts) filter as you type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Generic, Literal, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Checkbox, Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from tandem.store.dates import HELP as DATE_HELP
from tandem.store.dates import parse_due
from tandem.store.errors import ValidationError
from tandem.tui.forms import FORMS_TCSS, FieldGrid, compact
from tandem.tui.screen_base import TandemModal
from tandem.tui.widgets.choice import Choice
from tandem.tui.widgets.footer import Footer
from tandem.tui.widgets.ticks import TickBox, TickList

T = TypeVar("T")
FieldKind = Literal["text", "choice", "multi", "date", "number", "int", "check"]


@dataclass
class Spec:
    name: str
    label: str
    kind: FieldKind = "text"
    required: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    hint: str = ""
    default: Any = None


class RecordForm(TandemModal[T | None], Generic[T]):
    """Subclasses set TITLE-like ``heading`` and ``specs()``, and implement ``build``."""

    CSS_PATH = FORMS_TCSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", tooltip="Save the record", id="form.submit"),
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving", id="form.cancel"),
    ]
    heading = "record"
    #: Focus goes straight to the first field. Textual's default ("*") first focused the
    #: scrolling field list, and moving off it restyled every field twice: a third of the
    #: time to open the form.
    AUTO_FOCUS = FIRST_FIELD = ".form-fields Input, .form-fields Choice, .form-fields SelectionList"

    def __init__(self, *, today: date, initial: T | None = None, draft: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.today = today
        self.initial = initial
        #: Field values typed before tandem had to stop (store/drafts.py), shown again.
        self.draft = draft or {}
        #: The capture kind this form is kept under as a draft if tandem must stop while
        #: it is open ("" for forms that edit a record: the record itself is still there).
        self.draft_kind = ""

    # --- subclass hooks ---------------------------------------------------------------

    def specs(self) -> list[Spec]:
        raise NotImplementedError

    @property
    def form_specs(self) -> list[Spec]:
        """:meth:`specs`, built once: every keystroke in a date field looked them up."""
        cached = self.__dict__.get("_fields")
        if cached is None:
            cached = self.__dict__["_fields"] = self.specs()
        return cached

    def initial_values(self) -> dict[str, Any]:
        return {}

    def build(self, values: dict[str, Any]) -> T:
        """Values → record; raise ValidationError(field name, message) to point at a field."""
        raise NotImplementedError

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        initial = {**self.initial_values(), **self.draft}
        with Vertical(classes="dialog wide record-form"):
            yield Static(("Edit " if self.initial is not None else "New ") + self.heading, classes="dialog-title", markup=False)
            with VerticalScroll(classes="form-fields"), FieldGrid():
                for spec in self.form_specs:
                    value = initial.get(spec.name, spec.default)
                    hint = "" if spec.kind == "text" else spec.hint  # text fields show it as a placeholder
                    yield from FieldGrid.lines(spec.name, spec.label + (" *" if spec.required else ""), self._widget(spec, value), hint=hint)
            yield Static("ctrl+s  save      tab/enter  next field      esc  cancel", classes="dialog-keys")
        yield Footer()

    def _widget(self, spec: Spec, value: Any) -> Widget:
        wid = f"w-{spec.name}"
        if spec.kind == "choice":
            options = [(text, v) for text, v in spec.choices]
            known = {v for _, v in options}
            return Choice(options, value=value if value in known else None, allow_blank=not spec.required, id=wid, prompt="(none)")
        if spec.kind == "multi":
            chosen = set(value or [])
            return compact(TickList[str](*(Selection(text, v, v in chosen) for text, v in spec.choices), id=wid))
        if spec.kind == "check":
            return compact(TickBox("", bool(value), id=wid))
        text = "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
        suggester = SuggestFromList(spec.suggestions, case_sensitive=False) if spec.suggestions else None
        # Not select_on_focus: the first key typed (or typed ahead) would replace a whole
        # value being edited, or a draft brought back.
        return compact(Input(text, id=wid, suggester=suggester, placeholder=spec.hint if spec.kind != "date" else "", select_on_focus=False))

    def on_mount(self) -> None:
        self.query(self.FIRST_FIELD).first().focus()
        for spec in self.form_specs:
            if spec.kind == "date":
                self._show_date(spec)

    # --- interaction ------------------------------------------------------------------

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        spec = next((s for s in self.form_specs if f"w-{s.name}" == event.input.id), None)
        if spec is not None and spec.kind == "date":
            self._show_date(spec)

    def _show_date(self, spec: Spec) -> None:
        text = self.query_one(f"#w-{spec.name}", Input).value
        grid = self.query_one(FieldGrid)
        if not text.strip():
            grid.set_hint(spec.name, f"optional · {DATE_HELP}" if not spec.required else DATE_HELP)
            return
        day = parse_due(text, self.today)
        grid.set_hint(spec.name, f"→ {day:%a %d %b %Y}" if day else f"not a date · {DATE_HELP}")

    def raw_values(self) -> dict[str, Any]:
        """What each field holds now, as typed (for a draft): text, a choice, choices, a tick."""
        raw: dict[str, Any] = {}
        for spec in self.form_specs:
            widget = self.query_one(f"#w-{spec.name}")
            if isinstance(widget, Choice):
                raw[spec.name] = "" if widget.value is None else str(widget.value)
            elif isinstance(widget, SelectionList):
                raw[spec.name] = [str(v) for v in widget.selected]
            elif isinstance(widget, (Checkbox, Input)):
                raw[spec.name] = widget.value
        return raw

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for spec in self.form_specs:
            widget = self.query_one(f"#w-{spec.name}")
            value: Any
            if isinstance(widget, Choice):
                value = "" if widget.value is None else str(widget.value)
            elif isinstance(widget, SelectionList):
                value = list(widget.selected)
            elif isinstance(widget, Checkbox):
                value = widget.value
            elif isinstance(widget, Input):
                value = widget.value.strip()
            else:
                raise TypeError(f"no value for a {type(widget).__name__}")
            if spec.required and value in ("", [], None):
                errors[spec.name] = f"{spec.label} is required."
            elif spec.kind == "date" and value:
                day = parse_due(value, self.today)
                if day is None:
                    errors[spec.name] = f"Not a date: try {DATE_HELP}."
                value = day.isoformat() if day else value
            elif spec.kind in ("number", "int") and value != "":
                try:
                    value = int(value) if spec.kind == "int" else float(value.replace(",", ""))
                except ValueError:
                    errors[spec.name] = "A whole number, please." if spec.kind == "int" else "A number, please (e.g. 27.5)."
            values[spec.name] = value
        return values, errors

    def action_submit(self) -> None:
        values, errors = self.values()
        record = None
        if not errors:
            try:
                record = self.build(values)
            except ValidationError as exc:
                name = exc.field.rsplit(".", 1)[-1]
                errors[name if any(s.name == name for s in self.form_specs) else self.form_specs[0].name] = exc.message
        grid = self.query_one(FieldGrid)
        for spec in self.form_specs:
            grid.set_error(spec.name, errors.get(spec.name))
        if errors:
            first = next(s for s in self.form_specs if s.name in errors)
            self.query_one(f"#w-{first.name}").focus()
            self.query_one(".form-fields", VerticalScroll).scroll_to_widget(self.query_one(f"#f-{first.name}"))
            return
        self.dismiss(record)

    def action_cancel(self) -> None:
        self.dismiss(None)
