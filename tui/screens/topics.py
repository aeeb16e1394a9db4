"""Planning triage: the talking points teammates added for a series (``tandem add topic``),
offered when its next meeting is planned — each taken into the agenda with a timebox,
deferred to a later meeting, or declined with a reason its author will read.

The answers are given one key each and recorded together once confirmed, in one write of
the meeting file (:func:`tandem.store.contrib.triage.triage_planned`); a topic left
unanswered keeps waiting. A failed write keeps every answer and reason on screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from tandem.store.contrib.records import TOPIC_MINUTES, Contribution, Topic
from tandem.store.contrib.triage import Fate, TopicAnswer, triage_planned, waiting
from tandem.store.contrib.words import waited
from tandem.store.errors import TandemError
from tandem.store.outside import one_line
from tandem.store.records import Meeting
from tandem.store.words import count
from tandem.store.workspace import Workspace
from tandem.tui.forms import FORMS_TCSS, Field, compact
from tandem.tui.screen_base import TandemModal, from_worker
from tandem.tui.widgets.footer import Footer

Clock = Callable[[], datetime]

#: The table's columns other than the topic's title, and their widths.
ANSWER_W, FROM_W, AGE_W, MIN_W = 13, 14, 7, 3
#: What the table's cell padding and border take of the dialog's width, and the dialog's own
#: border and padding; the rows the table shows before it scrolls (max-height below).
CELLS_W, DIALOG_W, ROWS_SHOWN = 2 * 5 + 2, 4, 7
KEYS_LINE = "t  take   l  defer   x  decline   u  undo   ctrl+s  confirm   esc  not now"


def waiting_topics(workspace: Workspace, series_id: str) -> list[tuple[Contribution, Fate]]:
    """The talking points waiting for the series' next meeting (and those for whichever
    meeting comes next), newest first, as ``tandem inbox`` lists them. Reads every
    contributions file and every meeting's triage: run off the UI thread."""
    return [(c, f) for c, f in waiting(workspace, series_id=series_id) if c.kind == "topic"]


@dataclass(frozen=True, slots=True)
class TopicsAnswered:
    """What the planner decided, once recorded."""

    taken: int
    deferred: int
    declined: int

    def words(self) -> str:
        """ "2 topics added to the agenda, 1 deferred, 1 declined" (the first part names them)."""
        parts = [(self.taken, "added to the agenda"), (self.deferred, "deferred"), (self.declined, "declined")]
        said = [f"{count(n, 'topic') if not n_said else n} {what}" for n_said, (n, what) in enumerate(p for p in parts if p[0])]
        return ", ".join(said) + "."


class TopicsScreen(TandemModal[TopicsAnswered | None]):
    """Each waiting topic with who raised it, how long ago and the minutes they suggest."""

    CSS_PATH = FORMS_TCSS
    HELP_GROUP = "Waiting topics"
    DEFAULT_CSS = """
    TopicsScreen #topic-list {
        height: auto;
        max-height: 10;
        border: round $primary 60%;
    }
    TopicsScreen #topic-list:focus {
        border: round $primary;
    }
    TopicsScreen #topic-detail {
        height: auto;
        max-height: 4;
        margin: 0 0 1 0;
    }
    TopicsScreen #topics-error {
        color: $error;
        text-style: bold;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "answer('take')", "Take", tooltip="Take the highlighted topic into the agenda, with the minutes shown", id="topics.take"),
        # l as in the live meeting's waiting list (d is a decision there): one key for one act.
        Binding("l", "answer('defer')", "Defer", tooltip="Leave the highlighted topic for a later meeting", id="topics.defer"),
        Binding("x", "answer('decline')", "Decline", tooltip="Decline the highlighted topic with the reason typed: its author reads it", id="topics.decline"),
        Binding("u", "undo", "Undo", show=False, tooltip="Take back the answer to the highlighted topic", id="topics.undo"),
        Binding("ctrl+s", "confirm", "Confirm", tooltip="Record the answers in the meeting; unanswered topics keep waiting", id="topics.confirm"),
        Binding("escape", "later", "Later", tooltip="Close without recording anything: every topic keeps waiting", id="topics.later"),
    ]

    def __init__(self, workspace: Workspace, meeting: Meeting, topics: list[tuple[Contribution, Fate]], clock: Clock) -> None:
        super().__init__()
        self.workspace = workspace
        self.meeting = meeting
        self.topics = [c for c, _ in topics]
        self.fates = {c.id: f for c, f in topics}
        self.clock = clock
        #: The answer given to each topic, by contribution id (none: it keeps waiting).
        self.answers: dict[str, TopicAnswer] = {}
        #: What was typed for each topic (minutes, reason), kept while moving between rows.
        self._minutes: dict[str, str] = {}
        self._reasons: dict[str, str] = {}
        self._shown: str | None = None
        self._saving = False

    def compose(self) -> ComposeResult:
        day = f"{date.fromisoformat(self.meeting.date):%a %d %b %Y}"
        with Vertical(classes="dialog wide", id="topics"):
            yield Static(Text(f"{count(len(self.topics), 'topic')} waiting for {self.meeting.title} · {day}"), classes="dialog-title")
            yield DataTable(id="topic-list", cursor_type="row", zebra_stripes=True)
            yield Static(id="topic-detail")
            yield Field("Minutes", compact(Input(id="minutes", restrict=r"\d{0,3}")), id="minutes-field")
            yield Field("Reason to decline", compact(Input(id="reason", placeholder="the author reads it")), id="reason-field")
            yield Static("", id="topics-error")
            yield Static(KEYS_LINE, classes="dialog-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#topics-error").display = False
        self._fill()
        self.query_one("#topic-list", DataTable).focus()

    def on_resize(self) -> None:
        self._fill()

    # --- the list -------------------------------------------------------------------------

    def _title_width(self) -> int:
        """What the title column can have of the dialog (its width in forms.tcss until it is laid out)."""
        inside = self.query_one("#topics").size.width or min(100, self.app.size.width * 95 // 100) - DIALOG_W
        scrollbar = 2 if len(self.topics) > ROWS_SHOWN else 0
        return max(12, inside - CELLS_W - scrollbar - ANSWER_W - FROM_W - AGE_W - MIN_W)

    def _fill(self) -> None:
        table = self.query_one("#topic-list", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_column("Answer", width=ANSWER_W, key="answer")
        table.add_column("Topic", width=self._title_width(), key="title")
        table.add_column("From", width=FROM_W, key="from")
        table.add_column("Age", width=AGE_W, key="age")
        table.add_column(Text("Min", justify="right"), width=MIN_W, key="min")
        now = self.clock()
        for c in self.topics:
            topic = self._topic(c)
            table.add_row(
                self._answer_cell(c.id),
                Text(one_line(topic.title), no_wrap=True, overflow="ellipsis"),
                Text(one_line(c.author), no_wrap=True, overflow="ellipsis"),
                waited(c.created_at, now.date()),
                Text(str(topic.minutes), justify="right"),
                key=c.id,
            )
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        self._show(self.highlighted)

    @staticmethod
    def _topic(c: Contribution) -> Topic:
        topic = c.inner
        assert isinstance(topic, Topic)  # waiting_topics keeps topics only
        return topic

    def _answer_cell(self, cid: str) -> Text:
        answer = self.answers.get(cid)
        if answer is None:
            return Text("—", style="dim")
        if answer.answer == "take":
            return Text(f"take · {answer.minutes} min", style="bold green")
        if answer.answer == "defer":
            return Text("defer", style="bold yellow")
        return Text("decline", style="bold red")

    @property
    def highlighted(self) -> Contribution | None:
        table = self.query_one("#topic-list", DataTable)
        if not table.row_count:
            return None
        return self.topics[table.cursor_row]

    @on(DataTable.RowHighlighted, "#topic-list")
    def _highlight(self, event: DataTable.RowHighlighted) -> None:
        self._show(self.highlighted)

    def _show(self, c: Contribution | None) -> None:
        """The highlighted topic whole, and its minutes and reason in the fields."""
        detail = self.query_one("#topic-detail", Static)
        if c is None:
            detail.update("")
            return
        topic = self._topic(c)
        text = Text(one_line(topic.title), style="bold")
        text.append(f"\nraised by {one_line(c.author, 60)}, {c.created_at[:10]} · suggests {count(topic.minutes, 'minute')}", style="dim")
        fate = self.fates.get(c.id)
        if fate is not None and fate.state == "deferred":
            text.append(f" · {one_line(fate.words(), 80)}", style="dim")
        if topic.note:
            text.append("\n" + one_line(topic.note, 300))
        detail.update(text)
        if self._shown != c.id:
            self._shown = c.id
            answer = self.answers.get(c.id)
            minutes = self._minutes.get(c.id, str(answer.minutes if answer is not None and answer.answer == "take" else topic.minutes))
            self.query_one("#minutes", Input).value = minutes
            self.query_one("#reason", Input).value = self._reasons.get(c.id, "")
            self.query_one("#minutes-field", Field).set_error(None)
            self.query_one("#reason-field", Field).set_error(None)

    @on(Input.Changed, "#minutes")
    def _minutes_typed(self, event: Input.Changed) -> None:
        if self._shown is not None:
            self._minutes[self._shown] = event.value

    @on(Input.Changed, "#reason")
    def _reason_typed(self, event: Input.Changed) -> None:
        if self._shown is not None:
            self._reasons[self._shown] = event.value

    @on(Input.Submitted, "#minutes")
    def _take_typed(self) -> None:
        self.action_answer("take")

    @on(Input.Submitted, "#reason")
    def _decline_typed(self) -> None:
        self.action_answer("decline")

    # --- answering ------------------------------------------------------------------------

    def action_answer(self, answer: str) -> None:
        c = self.highlighted
        if c is None or self._saving:
            return
        minutes_field = self.query_one("#minutes-field", Field)
        reason_field = self.query_one("#reason-field", Field)
        minutes_field.set_error(None)
        reason_field.set_error(None)
        minutes = self._topic(c).minutes
        reason = ""
        if answer == "take":
            low, high = TOPIC_MINUTES
            typed = self.query_one("#minutes", Input).value.strip()
            if not typed.isdigit() or not low <= int(typed) <= high:
                minutes_field.set_error(f"A timebox is a whole number of minutes from {low} to {high}.")
                self.query_one("#minutes", Input).focus()
                return
            minutes = int(typed)
        elif answer == "decline":
            reason = " ".join(self.query_one("#reason", Input).value.split())
            if not reason:
                reason_field.set_error(f"Say why it is declined: {one_line(c.author, 60)} reads it.")
                self.query_one("#reason", Input).focus()
                return
        self.answers[c.id] = TopicAnswer(c, answer, minutes=minutes, reason=reason)
        self._answered(c.id)

    def action_undo(self) -> None:
        c = self.highlighted
        if c is not None and not self._saving and self.answers.pop(c.id, None) is not None:
            self._answered(c.id)

    def _answered(self, cid: str) -> None:
        """The answer on its row; on to the next row, the list focused again."""
        table = self.query_one("#topic-list", DataTable)
        table.update_cell(cid, "answer", self._answer_cell(cid))
        self.query_one("#topics-error").display = False
        table.focus()
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_confirm(self) -> None:
        if self._saving:
            return
        if not self.answers:
            self._say("Nothing answered yet: t takes a topic in, l defers it, x declines it (esc leaves them all waiting).")
            return
        self._saving = True
        answers = [self.answers[c.id] for c in self.topics if c.id in self.answers]
        self._record(answers)

    @work(thread=True, exclusive=True, group="triage")
    def _record(self, answers: list[TopicAnswer]) -> None:
        try:
            triage_planned(self.workspace, self.meeting.id, answers, now=self.clock())
        except (TandemError, OSError) as exc:
            from_worker(self, self._failed, str(exc))
            return
        by = [a.answer for a in answers]
        from_worker(self, self.dismiss, TopicsAnswered(by.count("take"), by.count("defer"), by.count("decline")))

    def _failed(self, message: str) -> None:
        self._saving = False
        self._say(f"Not recorded: {one_line(message, 300)} Your answers are kept.")

    def _say(self, message: str) -> None:
        error = self.query_one("#topics-error", Static)
        error.update(Text(message))
        error.display = True

    def action_later(self) -> None:
        if not self._saving:
            self.dismiss(None)


async def offer_topics(app: App[Any], workspace: Workspace, meeting: Meeting, clock: Clock, *, say_none: bool = False) -> TopicsAnswered | None:
    """Offer the series' waiting topics for ``meeting`` (planned), from a worker; say what
    was recorded. None waiting: nothing shown (or, with ``say_none``, a word saying so)."""
    try:
        topics = await asyncio.to_thread(waiting_topics, workspace, meeting.series_id)
    except (TandemError, OSError) as exc:
        app.notify(f"The waiting topics could not be read: {one_line(str(exc), 300)}", severity="error", markup=False)
        return None
    if not topics:
        if say_none:
            app.notify(f"No topic waits for {one_line(meeting.title, 80)}.", markup=False)
        return None
    answered = await app.push_screen_wait(TopicsScreen(workspace, meeting, topics, clock))
    if answered is not None:
        app.notify(answered.words(), title="Topics", markup=False)
    return answered
