"""The new-meeting form: series, template, date, facilitator, who is there and who is not;
and the same form changing a planned meeting's date and people."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Select, Static

from tandem.store import words
from tandem.store.dates import parse_due
from tandem.store.planning import MeetingPlan, series_defaults
from tandem.store.records import TEAMS, Attendee, Meeting, Series
from tandem.store.templates import Library
from tandem.store.workspace import Workspace
from tandem.tui.forms import FORMS_TCSS, Field
from tandem.tui.screen_base import TandemModal
from tandem.tui.settings import team_names
from tandem.tui.widgets.footer import Footer
from tandem.tui.widgets.people import PeopleTicks

NEW_SERIES = "__new__"


def parse_day(text: str, today: date) -> date | None:
    """A meeting date the way every date field takes it (``fri``, ``+1w``…); empty is today."""
    return today if not text.strip() else parse_due(text, today)


def date_hint(today: date) -> str:
    return f"e.g. {today + timedelta(days=7)}, today, tomorrow, fri, +1w"


def parse_person(text: str, names: dict[str, str] | None = None) -> tuple[Attendee | None, str]:
    """``Ana Ruiz, sales`` or ``Ana Ruiz (sales)`` → an attendee, or an error message.
    ``names``: the teams' names from config.toml ("sales" → "Revenue"), accepted as well."""
    names = names or {}
    value = text.strip()
    if not value:
        return None, "Type a name and a team, e.g. Ana Ruiz, sales"
    name, team = value, ""
    if value.endswith(")") and "(" in value:
        name, _, team = value[:-1].rpartition("(")
    elif "," in value:
        name, _, team = value.rpartition(",")
    name, team = name.strip(), team.strip().casefold()
    team = next((t for t, n in names.items() if n.casefold() == team), team)
    if not name:
        return None, "The name is missing."
    if team not in TEAMS:
        return None, f"Add the team after a comma: {_team_words(names)} (got {team or 'none'!r})."
    return Attendee(name=name[:200], team=team), ""


def _team_words(names: dict[str, str]) -> str:
    words = [names.get(t, t) for t in TEAMS]
    return ", ".join(words[:-1]) + " or " + words[-1]


class NewMeetingScreen(TandemModal[MeetingPlan | None]):
    CSS_PATH = FORMS_TCSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Create meeting", id="form.submit"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, workspace: Workspace, library: Library, today: date, *, series_id: str | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.library = library
        self.today = today
        self.series: list[Series] = sorted(workspace.series.all(), key=lambda s: s.title)
        self._initial_series = series_id or (self.series[0].id if self.series else NEW_SERIES)
        self._applied_series: str | None = None

    def compose(self) -> ComposeResult:
        series_options = [(Text(s.title), s.id) for s in self.series] + [("New series…", NEW_SERIES)]
        templates = sorted(self.library.templates.values(), key=lambda t: t.title)
        template_options = [(Text(f"{t.title} ({words.count(len(t.items), 'item')}, {t.total_min} min)"), t.id) for t in templates]
        with Vertical(classes="dialog wide", id="new-meeting"):
            yield Static(self.heading(), classes="dialog-title", markup=False)
            with VerticalScroll(id="new-meeting-fields"):
                yield Field("Series", Select(series_options, value=self._initial_series, allow_blank=False, compact=True, id="series"), id="series-field")
                yield Field("New series name", Input(compact=True, id="series-title", placeholder="e.g. Weekly smarketing sync"), id="series-title-field")
                yield Field(
                    "Template",
                    Select(template_options, allow_blank=True, prompt="Pick an agenda template", compact=True, id="template"),
                    id="template-field",
                )
                yield Field("Date", Input(self.today.isoformat(), compact=True, id="date"), hint=date_hint(self.today), id="date-field")
                yield Field("Facilitator", Input(compact=True, id="facilitator"), id="facilitator-field")
                yield Field(
                    "People",
                    PeopleTicks(id="people"),
                    hint="space: present / absent",
                    id="people-field",
                )
                yield Field(
                    "Add a person",
                    Input(compact=True, id="person", placeholder=f"Name, team ({' / '.join(team_names(self).get(t, t) for t in TEAMS)})"),
                    hint="enter adds them as present",
                    id="person-field",
                )
            yield Static(f"ctrl+s  {self.SUBMIT_WORD}      tab  next field      esc  cancel", classes="dialog-keys")
        yield Footer()

    #: The word for ctrl+s in the key line.
    SUBMIT_WORD = "create"

    def heading(self) -> str:
        return "New meeting"

    def on_mount(self) -> None:
        self.fill()

    def fill(self) -> None:
        """The fields' first values (an ``on_mount`` of a subclass would run as well as this
        one's, as Textual calls each class's handler)."""
        self._apply_series(self._initial_series)
        self.query_one("#series", Select).focus()

    # --- defaults from the series -----------------------------------------------------

    @on(Select.Changed, "#series")
    def _series_changed(self, event: Select.Changed) -> None:
        # The selector's first Changed repeats the series on_mount applied: reading every
        # meeting header again cost 0.2-0.5 s with 5,000 meetings (and kept nothing typed).
        if str(event.value) != self._applied_series:
            self._apply_series(str(event.value))

    def _apply_series(self, series_id: str) -> None:
        self._applied_series = series_id
        new = series_id == NEW_SERIES
        self.query_one("#series-title-field").display = new
        settings = getattr(self.app, "settings", None)  # config.toml: facilitator, series template
        if new:
            facilitator = self.query_one("#facilitator", Input)
            if settings is not None and settings.facilitator and not facilitator.value:
                facilitator.value = settings.facilitator
            return
        defaults = series_defaults(self.workspace, series_id, settings)
        if defaults.template_id in self.library.templates:
            self.query_one("#template", Select).value = defaults.template_id
        if defaults.facilitator:
            self.query_one("#facilitator", Input).value = defaults.facilitator
        self.query_one("#people", PeopleTicks).set_people(defaults.attendees, defaults.absentees)

    @on(Input.Submitted, "#person")
    def _add_person(self, event: Input.Submitted) -> None:
        person, error = parse_person(event.value, team_names(self))
        field = self.query_one("#person-field", Field)
        field.set_error(error or None)
        if person is None:
            return
        refused = self.query_one("#people", PeopleTicks).add(person)
        field.set_error(refused)
        if refused is None:
            event.input.value = ""

    @on(Input.Submitted, "#date, #facilitator, #series-title")
    def _next_field(self) -> None:
        self.focus_next()

    # --- submit -----------------------------------------------------------------------

    def action_submit(self) -> None:
        series_id = str(self.query_one("#series", Select).value)
        series_title = self.query_one("#series-title", Input).value.strip()
        template = self.query_one("#template", Select).value
        day = parse_day(self.query_one("#date", Input).value, self.today)
        facilitator = self.query_one("#facilitator", Input).value.strip()
        people = self.query_one("#people", PeopleTicks)
        attendees, absentees = people.present, people.absent

        errors = {
            "series-title-field": "Name the new series." if series_id == NEW_SERIES and not series_title else None,
            "template-field": self.template_error(),
            "date-field": f"Not a date: {date_hint(self.today)}." if day is None else None,
            "facilitator-field": "Who facilitates?" if not facilitator else None,
            "people-field": "Mark at least one person present (space), or add people below." if not attendees else None,
        }
        first_invalid = None
        for field_id, message in errors.items():
            self.query_one(f"#{field_id}", Field).set_error(message)
            if message and first_invalid is None:
                first_invalid = field_id
        if first_invalid is not None:
            field = self.query_one(f"#{first_invalid}", Field)
            target = field.query("Input, Select, SelectionList").first()
            target.focus()
            self.query_one("#new-meeting-fields", VerticalScroll).scroll_to_widget(field)
            return
        assert day is not None
        self.dismiss(
            MeetingPlan(
                series_id="" if series_id == NEW_SERIES else series_id,
                series_title=series_title,
                template_id=str(template),
                date=day.isoformat(),
                facilitator=facilitator[:200],
                attendees=attendees,
                absentees=absentees,
            )
        )

    def template_error(self) -> str | None:
        template = self.query_one("#template", Select).value
        return "Pick a template." if template is Select.NULL or template not in self.library.templates else None

    def action_cancel(self) -> None:
        self.dismiss(None)


class EditMeetingScreen(NewMeetingScreen):
    """A planned meeting's date, facilitator and people, changed before it takes place.
    Its series and agenda stay: they are what was planned."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save changes", id="form.submit"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]
    SUBMIT_WORD = "save"

    def __init__(self, workspace: Workspace, library: Library, today: date, meeting: Meeting) -> None:
        super().__init__(workspace, library, today, series_id=meeting.series_id)
        self.meeting = meeting

    def heading(self) -> str:
        return f"Change {self.meeting.title} of {date.fromisoformat(self.meeting.date):%a %d %b %Y}"

    def fill(self) -> None:
        for field_id in ("#series-field", "#series-title-field", "#template-field"):
            self.query_one(field_id).display = False
        self._applied_series = self.meeting.series_id
        self.query_one("#date", Input).value = self.meeting.date
        self.query_one("#facilitator", Input).value = self.meeting.facilitator
        self.query_one("#people", PeopleTicks).set_people(self.meeting.attendees, self.meeting.absentees)
        self.query_one("#date", Input).focus()

    def template_error(self) -> str | None:
        return None  # the agenda is not changed here
