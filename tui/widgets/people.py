"""Who is at a meeting: a ticked list of people (ticked present, unticked absent)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets.selection_list import Selection

from tandem.store.records import Attendee
from tandem.tui.settings import team_names
from tandem.tui.widgets.ticks import TickList


class PeopleTicks(TickList[int]):
    """The people of a meeting, one line each; space marks them present or absent."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(compact=True, id=id)
        self.people: list[Attendee] = []

    def set_people(self, attendees: list[Attendee], absentees: list[Attendee]) -> None:
        self._show([(a, True) for a in attendees] + [(a, False) for a in absentees])

    def _show(self, entries: list[tuple[Attendee, bool]]) -> None:
        self.clear_options()
        self.people = [a for a, _ in entries]
        names = team_names(self)
        self.add_options(Selection(Text(f"{a.name} ({names.get(a.team, a.team)})"), n, present) for n, (a, present) in enumerate(entries))

    def add(self, person: Attendee) -> str | None:
        """Add someone as present; the reason when they cannot be."""
        if any(p.name.casefold() == person.name.casefold() for p in self.people):
            return f"{person.name} is already in the list."
        selected = set(self.selected)
        self._show([(p, n in selected) for n, p in enumerate(self.people)] + [(person, True)])
        return None

    @property
    def present(self) -> list[Attendee]:
        selected = set(self.selected)
        return [p for n, p in enumerate(self.people) if n in selected]

    @property
    def absent(self) -> list[Attendee]:
        selected = set(self.selected)
        return [p for n, p in enumerate(self.people) if n not in selected]
