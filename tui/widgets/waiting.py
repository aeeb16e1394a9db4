"""The team's contributions waiting under the active agenda item: lead feedback in the
lead-quality item, questions in the voice of the prospect, ideas in the pipeline, check-ins
in the objectives, topics in any item. The keys act on the highlighted one; the screen
does the work (``tui/screens/live_triage.py``)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tandem.store.contrib.records import Contribution
from tandem.store.contrib.triage import Fate
from tandem.store.contrib.words import waited
from tandem.store.records import Objective, label, measure

#: What a teammate typed is cut to this many characters on a line (the line is cut to the
#: width anyway: this keeps a 100 KB question from being laid out only to be cut).
SHOWN_CHARS = 200


def _short(text: str) -> str:
    one = " ".join(text[: SHOWN_CHARS * 2].split())
    return one if len(one) <= SHOWN_CHARS else one[: SHOWN_CHARS - 1] + "…"


def subject_text(c: Contribution, objectives: dict[str, Objective]) -> tuple[Text, str]:
    """What the contribution says, on one line — a lead's reference, verdict and reasons, a
    question, an idea's title, a check-in's value, a topic's title and timebox — and its
    comment, if any (shown last: the line may be cut there)."""
    data = c.record
    out = Text()
    comment = str(data.get("comment", "")) if c.kind in ("lead", "checkin") else ""
    if c.kind == "lead":
        out.append(_short(str(data.get("reference", ""))), style="bold")
        verdict = str(data.get("verdict", ""))
        out.append(f" {label(verdict)}")  # a word, not a colour: read in NO_COLOR too
        reasons = [label(str(r)) for r in data.get("reasons", [])]
        if reasons:
            out.append(": " + ", ".join(reasons))
    elif c.kind == "question":
        out.append(f"“{_short(str(data.get('text', '')))}”")
        if data.get("persona"):
            out.append(f" ({_short(str(data['persona']))})", style="dim")
    elif c.kind == "content":
        out.append(_short(str(data.get("title", ""))))
        out.append(f" ({label(str(data.get('type', '')))})", style="dim")
    elif c.kind == "checkin":
        objective = objectives.get(c.objective_id)
        out.append(f"{_short(objective.title)}: " if objective else "(an objective gone since): ", style="bold")
        out.append(measure(data.get("value", 0), objective.unit if objective else ""))
        out.append(f" ({label(str(data.get('status', '')))})", style="dim")
    else:
        out.append("Topic: ", style="bold")
        out.append(_short(str(data.get("title", ""))))
        out.append(f" ({data.get('minutes', 5)} min)", style="dim")
    return out, _short(comment)


def waiting_line(c: Contribution, fate: Fate, objectives: dict[str, Objective], today: date) -> Text:
    """One row: what it says first (a narrow list cuts the end), then who and how long ago,
    then its comment (↻: deferred by an earlier meeting)."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append("↻ " if fate.state == "deferred" else "• ", style="yellow" if fate.state == "deferred" else "dim")
    subject, comment = subject_text(c, objectives)
    line.append_text(subject)
    line.append(" · ", style="dim")
    line.append(_short(c.author), style="italic")
    line.append(f", {waited(c.created_at, today)}", style="dim")
    if comment:
        line.append(f" — {comment}", style="dim")
    return line


class WaitingList(OptionList):
    """The contributions the active item offers. Every key here is the screen's action, so
    that the command palette and help find them."""

    HELP_GROUP = "Waiting list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.take_waiting", "Take in", tooltip="Take the highlighted contribution into this item, keeping its author", id="waiting.take"),
        Binding("l", "screen.defer_waiting", "Defer", tooltip="Defer the highlighted contribution: it waits for a later meeting", id="waiting.defer"),
        Binding("x", "screen.decline_waiting", "Decline", tooltip="Decline the highlighted contribution, with a reason its author reads", id="waiting.decline"),
        Binding("u", "screen.undo_waiting", "Undo", tooltip="Undo this meeting's last take, deferral or decline: it waits again", id="waiting.undo"),
        Binding("escape", "screen.focus_agenda", "Agenda", show=False, id="waiting.leave"),
    ]

    rows: list[tuple[Contribution, Fate]]

    def __init__(self, *, id: str | None = None, compact: bool = False) -> None:
        super().__init__(id=id, compact=compact)
        self.rows = []
        self.display = False  # until there is something to show

    def show(self, rows: list[tuple[Contribution, Fate]], objectives: dict[str, Objective], today: date, *, note: str = "") -> None:
        """Rebuild the rows, the highlight kept on the same contribution (else at the same
        place: the next one, once the highlighted one was decided). With no rows the list
        hides, unless there is a ``note`` to show instead (the last one just decided: the
        list keeps the focus, and u its meaning)."""
        current = self.current
        at = self.highlighted or 0  # None: from the top
        self.clear_options()
        self.add_options(Option(waiting_line(c, fate, objectives, today), id=c.id) for c, fate in rows)
        ids = [c.id for c, _ in rows]
        self.rows = rows
        if rows:
            self.highlighted = ids.index(current[0].id) if current is not None and current[0].id in ids else min(at, len(rows) - 1)
        elif note:
            self.add_option(Option(Text(note, style="dim italic"), disabled=True))
        self.border_title = f"Waiting from the team · {len(rows)} · f" if rows or note else ""
        self.display = bool(rows) or bool(note)

    def on_blur(self) -> None:
        if not self.rows:  # only the note was left: it was for while the list had the focus
            self.display = False

    @property
    def current(self) -> tuple[Contribution, Fate] | None:
        if self.highlighted is None or not self.rows or self.highlighted >= len(self.rows):
            return None
        return self.rows[self.highlighted]
