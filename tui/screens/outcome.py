"""After the meeting: who was there, who facilitated, and how it went (rating, comment)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from tandem.store.records import TEAMS, Attendee, Meeting
from tandem.tui.forms import FORMS_TCSS, FieldGrid, compact
from tandem.tui.screen_base import TandemModal
from tandem.tui.screens.new_meeting import parse_person
from tandem.tui.settings import team_names
from tandem.tui.widgets.choice import Choice
from tandem.tui.widgets.footer import Footer
from tandem.tui.widgets.people import PeopleTicks

RATINGS: list[tuple[str, int]] = [(f"{'★' * n}{'☆' * (5 - n)}  {n}/5", n) for n in range(1, 6)]


@dataclass(frozen=True)
class Outcome:
    facilitator: str
    attendees: list[Attendee]
    absentees: list[Attendee]
    rating: int | None
    comment: str


class MeetingOutcomeScreen(TandemModal[Outcome | None]):
    """The parts of an ended meeting that are not on its agenda, put right afterwards."""

    CSS_PATH = FORMS_TCSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save changes", id="form.submit"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, meeting: Meeting) -> None:
        super().__init__()
        self.meeting = meeting

    def compose(self) -> ComposeResult:
        m = self.meeting
        teams = " / ".join(team_names(self).get(t, t) for t in TEAMS)
        with Vertical(classes="dialog wide record-form"):
            yield Static(f"People and rating of {m.title}, {m.date}", classes="dialog-title", markup=False)
            with VerticalScroll(classes="form-fields"), FieldGrid():
                yield from FieldGrid.lines("facilitator", "Facilitator", compact(Input(m.facilitator, id="facilitator")))
                yield from FieldGrid.lines("people", "People", PeopleTicks(id="people"), hint="space: present / absent")
                yield from FieldGrid.lines(
                    "person", "Add a person", compact(Input(id="person", placeholder=f"Name, team ({teams})")), hint="enter adds them as present"
                )
                yield from FieldGrid.lines("rating", "Rating", Choice(RATINGS, value=m.rating, prompt="(no rating)", id="rating"))
                yield from FieldGrid.lines("comment", "Comment", compact(Input(m.rating_comment, id="comment", placeholder="One line on how it went")))
            yield Static("ctrl+s  save      tab  next field      esc  cancel", classes="dialog-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#people", PeopleTicks).set_people(self.meeting.attendees, self.meeting.absentees)
        self.query_one("#people", PeopleTicks).focus()

    @on(Input.Submitted, "#person")
    def _add_person(self, event: Input.Submitted) -> None:
        grid = self.query_one(FieldGrid)
        person, error = parse_person(event.value, team_names(self))
        if person is not None:
            error = self.query_one("#people", PeopleTicks).add(person) or ""
        grid.set_error("person", error or None)
        if not error:
            event.input.value = ""

    @on(Input.Submitted, "#facilitator, #comment")
    def _next_field(self) -> None:
        self.focus_next()

    def action_submit(self) -> None:
        grid = self.query_one(FieldGrid)
        people = self.query_one("#people", PeopleTicks)
        facilitator = self.query_one("#facilitator", Input).value.strip()
        errors = {
            "facilitator": None if facilitator else "Who facilitated?",
            "people": None if people.present else "Mark at least one person present (space).",
        }
        for name, message in errors.items():
            grid.set_error(name, message)
        first = next((name for name, message in errors.items() if message), None)
        if first is not None:
            self.query_one(f"#{first}").focus()
            return
        rating = self.query_one("#rating", Choice).value
        self.dismiss(
            Outcome(
                facilitator=facilitator[:200],
                attendees=people.present,
                absentees=people.absent,
                rating=rating if isinstance(rating, int) else None,
                comment=self.query_one("#comment", Input).value.strip()[:500],
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
