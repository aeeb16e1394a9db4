"""Contribute: what I add for the next meeting between meetings (lead feedback, a prospect
question, a topic, a content idea, a check-in) and what the meetings did with each.

The forms are the live meeting's own (``capture_forms``), less the fields a contribution has
no use for (its author is the reporter; a content idea is an idea), plus the series it is
for. What they build is wrapped by ``store/contrib/make.py``, with the rules ``tandem add``
keeps, and written to my own contributions file (``config.toml``'s ``[me]`` names me: asked
once, here, when it is not set).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Header, Input, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from tandem.store.config import ME_TEAMS, MeConfig, Vocabulary, load_config, save_me
from tandem.store.contrib import Contribution, Contributions, Topic, make
from tandem.store.contrib.triage import DecidedError, Fate, refusal, with_fates, withdraw
from tandem.store.contrib.words import people_of, recorded
from tandem.store.errors import TandemError, ValidationError
from tandem.store.outside import one_line
from tandem.store.records import CheckIn, ContentItem, LeadFeedback, Meeting, Objective, ProspectInsight, Record, label, measure
from tandem.store.workspace import Workspace
from tandem.tui.forms import FORMS_TCSS, FieldGrid, compact
from tandem.tui.home_data import PENDING_STATUSES, collector_paused
from tandem.tui.screen_base import TandemModal, TandemScreen, from_worker
from tandem.tui.screens.capture_forms import CheckInForm, ContentForm, FormContext, InsightForm, LeadFeedbackForm
from tandem.tui.screens.record_form import RecordForm, Spec
from tandem.tui.seams import any_app, main_app
from tandem.tui.settings import team_names, vocabulary
from tandem.tui.widgets.choice import Choice
from tandem.tui.widgets.footer import Footer

R = TypeVar("R", bound=Record)
T = TypeVar("T")

#: The series choice "whichever meets next": no series id starts with "~" (ids are file names).
NEXT = "~next"
#: Newest contributions listed; older ones are counted (each is a few lines to lay out).
SHOWN = 500
#: How a fate looks in the list: a mark that reads without colour, and a colour.
FATE_LOOK = {
    "waiting": ("○", "bold"),
    "deferred": ("↻", "bold yellow"),
    "taken": ("✓", "bold green"),
    "declined": ("✗", "bold red"),
    "withdrawn": ("–", ""),
}
#: How the list names each kind, in a column of its own.
KIND_WORDS = {"lead": "Lead", "question": "Question", "topic": "Topic", "content": "Content idea", "checkin": "Check-in"}
#: A ValidationError's field from ``make`` or a record → the form field it is about.
FORM_FIELDS = {"reason": "reasons", "stage": "stage_reached", "stage-lost": "stage_lost"}


def age(created_at: str, now: datetime) -> str:
    try:
        days = (now.date() - datetime.fromisoformat(created_at).date()).days
    except ValueError:
        return ""
    return "today" if days <= 0 else "yesterday" if days == 1 else f"{days} days ago"


# --- what the screen reads ------------------------------------------------------------------


@dataclass
class Setting:
    """What the forms offer: the series (and when each meets next), the objectives and the
    team's words (``ctx``: its suggestions filled in later, from every meeting)."""

    series: list[tuple[str, str]] = field(default_factory=list)
    #: The series a contribution is for unless changed: the only one, else whichever meets next.
    default_series: str = NEXT
    titles: dict[str, str] = field(default_factory=dict)
    objectives: list[Objective] = field(default_factory=list)
    ctx: FormContext = field(default_factory=FormContext)


def read_setting(workspace: Workspace, words: Vocabulary, pending: list[Meeting]) -> Setting:
    """The shared files and config.toml's words; ``pending``: the planned and live meetings."""
    series = sorted(workspace.series.all(), key=lambda s: s.title.casefold())
    upcoming: dict[str, str] = {}
    for meeting in sorted(pending, key=lambda m: m.date):
        upcoming.setdefault(meeting.series_id, meeting.date)
    soonest = min(upcoming.items(), key=lambda kv: kv[1], default=None)
    titles = {s.id: s.title for s in series}
    choices = [(f"whichever meets next ({one_line(titles.get(soonest[0], soonest[0]), 40)}, {soonest[1]})" if soonest else "whichever meets next", NEXT)]
    for s in series:
        when = f"next on {upcoming[s.id]}" if s.id in upcoming else "none planned yet"
        choices.append((f"{one_line(s.title, 50)} ({when})", s.id))
    objectives = sorted(workspace.objectives.all(), key=lambda o: (o.status in ("met", "dropped"), o.title.casefold()))
    ctx = FormContext(sources=sorted(words.lead_sources), personas=sorted(words.personas))
    ctx.reason_codes = words.reason_codes or ctx.reason_codes
    ctx.funnel_stages = words.funnel_stages or ctx.funnel_stages
    return Setting(series=choices, default_series=series[0].id if len(series) == 1 else NEXT, titles=titles, objectives=objectives, ctx=ctx)


def words_in_use(workspace: Workspace, words: Vocabulary) -> tuple[list[str], list[str]]:
    """Lead sources and personas to suggest: config.toml's and those already in use (every
    meeting's lead feedback: the slow part at 20,000 meetings, read after the rest)."""
    feedback = workspace.lead_feedback()
    personas = {f.persona for f in feedback} | {i.persona for i in workspace.insights.all()} | {c.persona for c in workspace.content.all()}
    return sorted({f.source for f in feedback if f.source} | set(words.lead_sources)), sorted({p for p in personas if p} | set(words.personas))


def read_mine(workspace: Workspace, name: str) -> list[tuple[Contribution, Fate]]:
    """``name``'s contributions, newest first, each with its fate."""
    # Every file, not only the author's: one written before their file's name changed counts.
    with collector_paused():  # every meeting's triage rows, from the index
        return with_fates(workspace, lambda c: c.author == name)


# --- the forms ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Signing:
    """Who signs a contribution, when, and the series it may be for."""

    me: MeConfig
    clock: Callable[[], datetime]
    series: list[tuple[str, str]]
    default_series: str


def _sentence(message: str) -> str:
    message = message.strip()
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "?", "!")) else ".")


class _Signed(RecordForm[Any]):
    """A live meeting's form asked from the contribute screen: what it builds is wrapped
    as a contribution (:attr:`contribution`, read once the form is dismissed with its record)."""

    #: Fields of the live form a contribution leaves out.
    LEFT_OUT: ClassVar[frozenset[str]] = frozenset({"reporter"})

    def __init__(self, *args: Any, signing: Signing, **kwargs: Any) -> None:
        self.signing = signing
        self.contribution: Contribution | None = None
        #: What the fields held when it was saved: the form again, should the write fail.
        self.typed: dict[str, Any] = {}
        super().__init__(*args, **kwargs)

    def specs(self) -> list[Spec]:
        kept = [s for s in super().specs() if s.name not in self.LEFT_OUT]
        return [*kept, Spec("series", "For", kind="choice", required=True, choices=self.signing.series, hint="the meeting that will see it")]

    def initial_values(self) -> dict[str, Any]:
        return {**super().initial_values(), "series": self.signing.default_series}

    def sign(self, values: dict[str, Any], build: Callable[..., Contribution], *args: Any, **kwargs: Any) -> Contribution:
        """``build`` (one of ``make``'s) with the author, team, time and series; its errors
        pointed at the form's fields."""
        me = self.signing.me
        series = values.get("series") or NEXT
        made = self.checked(build, *args, **kwargs, author=me.name, team=me.team, now=self.signing.clock(), series_id="" if series == NEXT else series)
        self.typed = self.raw_values()
        self.contribution = made
        return made

    @staticmethod
    def checked(build: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``build(...)``, its ValidationError pointed at the form's field, as a sentence."""
        try:
            return build(*args, **kwargs)
        except ValidationError as exc:
            name = exc.field.rsplit(".", 1)[-1]
            raise ValidationError(FORM_FIELDS.get(name, name), _sentence(exc.message)) from None

    @staticmethod
    def inner(c: Contribution, kind: type[R]) -> R:
        record = c.inner
        assert isinstance(record, kind)
        return record


class LeadContribution(_Signed, LeadFeedbackForm):
    def build(self, values: dict[str, Any]) -> LeadFeedback:
        self.checked(super().build, {**values, "reporter": self.signing.me.name})  # the live form's own rules
        made = self.sign(
            values,
            make.lead,
            values["reference"],
            values["verdict"],
            reasons=values["reasons"],
            comment=values["comment"],
            source=values["source"],
            persona=values["persona"],
            stage_reached=values["stage_reached"],
            stage_lost=values["stage_lost"],
            disposition=values["disposition"],
            reason_codes=self.ctx.reason_codes,
            funnel_stages=self.ctx.funnel_stages,
        )
        return self.inner(made, LeadFeedback)


class QuestionContribution(_Signed, InsightForm):
    LEFT_OUT = frozenset({"reporter", "promote"})  # promoting it is the meeting's to do
    heading = "prospect question"

    def build(self, values: dict[str, Any]) -> ProspectInsight:
        self.checked(super().build, {**values, "reporter": self.signing.me.name})
        made = self.sign(
            values,
            make.question,
            values["text"],
            kind=values["kind"],
            persona=values["persona"],
            stage=values["journey_stage"],
            heard=values["times_heard"],
        )
        return self.inner(made, ProspectInsight)


class ContentContribution(_Signed, ContentForm):
    # An idea, proposed by the author's team; its owner and date come when it is taken in.
    LEFT_OUT = frozenset({"status", "owner", "eta", "proposed_by"})
    heading = "content idea"

    def build(self, values: dict[str, Any]) -> ContentItem:
        self.checked(super().build, {**values, "status": "idea", "owner": "", "eta": "", "proposed_by": self.signing.me.team})
        made = self.sign(values, make.content, values["title"], type=values["type"], persona=values["persona"], stage=values["stage"])
        return self.inner(made, ContentItem)


class CheckInContribution(_Signed, CheckInForm):
    def build(self, values: dict[str, Any]) -> CheckIn:
        self.checked(super().build, values)
        made = self.sign(values, make.checkin, self.objective, values["value"], status=values["status"], comment=values["comment"])
        return self.inner(made, CheckIn)


class TopicForm(RecordForm[Topic]):
    """A talking point for the next meeting's agenda."""

    heading = "topic"

    def specs(self) -> list[Spec]:
        return [
            Spec("title", "Topic", required=True, hint="what to talk about, as an agenda item says it"),
            Spec("minutes", "Minutes", kind="int", required=True, default=5, hint="the time it needs, 1 to 480"),
            Spec("note", "Note", hint="background for the agenda (optional)"),
        ]

    def initial_values(self) -> dict[str, Any]:
        return {"minutes": 5}

    def build(self, values: dict[str, Any]) -> Topic:
        return Topic(title=values["title"], minutes=values["minutes"], note=values["note"])


class TopicContribution(_Signed, TopicForm):
    def build(self, values: dict[str, Any]) -> Topic:
        self.checked(super().build, values)
        made = self.sign(values, make.topic, values["title"], minutes=values["minutes"], note=values["note"])
        return self.inner(made, Topic)


# --- who am I ---------------------------------------------------------------------------


class WhoAmIScreen(TandemModal[MeConfig | None]):
    """Asked once, when ``[me]`` is not set: my name and team, the people of the
    workspace's meetings offered."""

    #: A name typed ahead for the screen behind must not become mine.
    ACCEPTS_TYPEAHEAD = False
    CSS_PATH = FORMS_TCSS
    HELP_GROUP = "Who are you?"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", tooltip="Sign my contributions with this name and team", id="who.save"),
        Binding("escape", "cancel", "Cancel", tooltip="Back, without a name (nothing can be contributed)", id="who.cancel"),
    ]
    DEFAULT_CSS = """
    WhoAmIScreen #who-pick {
        margin: 1 0 0 0;
        color: $text-muted;
    }
    WhoAmIScreen #who-people {
        height: auto;
        max-height: 8;
    }
    """

    def __init__(self, people: dict[str, str]) -> None:
        super().__init__()
        self.people = people

    def compose(self) -> ComposeResult:
        names = sorted(self.people, key=str.casefold)
        with Vertical(classes="dialog wide"):
            yield Static("Who are you?", classes="dialog-title")
            with VerticalScroll():
                yield Static(
                    "Your name and team sign what you contribute. Kept in config.toml's [me]; `tandem me` changes it.",
                    classes="dialog-detail",
                    markup=False,
                )
                with FieldGrid():
                    suggester = SuggestFromList(names, case_sensitive=False) if names else None
                    name = compact(Input(id="w-name", suggester=suggester, placeholder="as the team knows you", select_on_focus=False))
                    yield from FieldGrid.lines("name", "Name *", name)
                    options = [(team_names(self).get(t) or label(t), t) for t in ME_TEAMS]
                    yield from FieldGrid.lines("team", "Team *", Choice(options, value="other", allow_blank=False, id="w-team"))
                if names:
                    yield Static("Or pick yourself among the people of this workspace's meetings:", id="who-pick", markup=False)
                    people = [Option(Text.assemble(one_line(n, 60) + "  ", (label(self.people[n]), "dim")), id=f"p{k}") for k, n in enumerate(names)]
                    yield compact(OptionList(*people, id="who-people", markup=False))
            yield Static("ctrl+s  save      tab  next field      esc  cancel", classes="dialog-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#w-name", Input).focus()

    @on(Input.Changed, "#w-name")
    def _known_team(self, event: Input.Changed) -> None:
        # A known person's team, as `tandem add` offers it on a terminal.
        typed = " ".join(event.value.split()).casefold()
        team = next((t for n, t in self.people.items() if n.casefold() == typed), None)
        if team is not None:
            self.query_one("#w-team", Choice).value = team if team in ME_TEAMS else "other"

    @on(Input.Submitted, "#w-name")
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(OptionList.OptionSelected, "#who-people")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        name = sorted(self.people, key=str.casefold)[event.option_index]
        self.query_one("#w-name", Input).value = name
        team = self.people[name]
        self.query_one("#w-team", Choice).value = team if team in ME_TEAMS else "other"
        self.action_save()

    def action_save(self) -> None:
        name = " ".join(self.query_one("#w-name", Input).value.split())
        team = str(self.query_one("#w-team", Choice).value or "other")
        problem = None
        if not name:
            problem = "A name is needed to sign what you contribute."
        elif any(not ch.isprintable() for ch in name) or len(name) > 200:
            problem = "A name is one line of at most 200 printable characters."
        self.query_one(FieldGrid).set_error("name", problem)
        if problem:
            self.query_one("#w-name", Input).focus()
            return
        self.dismiss(MeConfig(name=name, team=team))

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- the screen ---------------------------------------------------------------------------


class ContributeScreen(TandemScreen[None]):
    """What I contributed for the meetings, newest first, and what became of it; a key per
    kind adds one."""

    CSS_PATH = "contribute.tcss"
    HELP_GROUP = "Contribute"
    AUTO_FOCUS = "#mine"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "add('lead')", "Lead", tooltip="Lead feedback: your verdict on a lead, with reasons", id="contribute.lead"),
        Binding("j", "judge", "Judge", show=False, tooltip="The month's imported leads: a verdict on each with one key", id="contribute.judge"),
        Binding("v", "add('question')", "Question", tooltip="A question or pain point prospects bring up (voice of the prospect)", id="contribute.question"),
        Binding("t", "add('topic')", "Topic", tooltip="A talking point for the next meeting's agenda", id="contribute.topic"),
        Binding("c", "add('content')", "Idea", tooltip="An idea for the content pipeline", id="contribute.content"),
        Binding("o", "add('checkin')", "Check-in", tooltip="Where an objective stands now", id="contribute.checkin"),
        # Said on the list's border (and j in the empty list's words): in 80 columns the
        # footer is full.
        Binding(
            "w", "withdraw", "Withdraw", show=False, tooltip="Take back the highlighted contribution while it waits (asks first)", id="contribute.withdraw"
        ),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Read the contributions and the meetings' decisions again", id="contribute.refresh"),
        Binding("escape,q", "back", "Back", tooltip="Back to the meetings", id="contribute.back"),
    ]
    #: The kinds in the order the keys and the empty list name them.
    KINDS = ("lead", "question", "topic", "content", "checkin")

    def __init__(self, workspace: Workspace, *, pending: list[Meeting] | None = None) -> None:
        """``pending``: the planned and live meetings, if the screen that opens this one
        has them (None: read here)."""
        super().__init__()
        self.workspace = workspace
        self.pending = pending
        self.me: MeConfig | None = None
        self.rows: list[tuple[Contribution, Fate]] = []
        self.setting: Setting | None = None
        self._setting_read = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="who")
        yield LoadingIndicator(id="loading")
        yield Static(id="problem", classes="banner")
        yield Static(id="empty")
        yield OptionList(id="mine", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Contribute: for the next meeting"
        for widget_id in ("#problem", "#empty", "#mine", "#who"):
            self.query_one(widget_id).display = False
        self.action_refresh()

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("contribute: lead feedback", "add('lead')", "Your verdict on a lead, with reasons, for the next meeting"),
            ("contribute: judge the imported leads", "judge", "The month's leads from the CRM, one key a verdict, for the next meeting"),
            ("contribute: a prospect question", "add('question')", "What prospects ask, for the voice of the prospect"),
            ("contribute: a topic for the agenda", "add('topic')", "A talking point for the next meeting"),
            ("contribute: a content idea", "add('content')", "An idea for the content pipeline"),
            ("contribute: a check-in on an objective", "add('checkin')", "Where an objective stands now"),
            ("contribute: withdraw the highlighted one", "withdraw", "While it waits; asks first"),
        ]

    def action_back(self) -> None:
        self.dismiss()  # not a pop: home, told, reads what changed

    # --- reading ------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self._load(vocabulary(self.app), with_setting=self.setting is None)

    @work(thread=True, exclusive=True, group="load")
    def _load(self, words: Vocabulary, *, with_setting: bool) -> None:
        try:
            if with_setting:
                pending = self.pending
                if pending is None:
                    with collector_paused():
                        pending = [m for m in self.workspace.list_meetings() if m.status in PENDING_STATUSES]
                from_worker(self, self._have_setting, read_setting(self.workspace, words, pending))
            me = load_config().config.me
            if me.name:
                from_worker(self, self._show, me, read_mine(self.workspace, me.name))
            else:
                with collector_paused():
                    people = people_of(self.workspace)
                from_worker(self, self._ask_who, people)
        except (TandemError, OSError) as exc:
            from_worker(self, self._show_problem, str(exc))
            return
        if with_setting:
            try:
                from_worker(self, self._have_words, *words_in_use(self.workspace, words))
            except (TandemError, OSError):
                pass  # a file that cannot be read: the forms suggest config.toml's words only

    def _have_setting(self, setting: Setting) -> None:
        self.setting = setting
        self._setting_read.set()

    def _have_words(self, sources: list[str], personas: list[str]) -> None:
        if self.setting is not None:
            # Forms opened from now on suggest them (one open now keeps what it had).
            self.setting.ctx.sources, self.setting.ctx.personas = sources, personas

    def _show_problem(self, message: str) -> None:
        self._setting_read.set()  # the keys that wait for it do nothing, rather than wait on
        self.query_one("#loading").display = False
        problem = self.query_one("#problem", Static)
        problem.update(Text.assemble(("Cannot read the contributions. ", "bold"), message))
        problem.display = True

    def _show(self, me: MeConfig, rows: list[tuple[Contribution, Fate]]) -> None:
        self.me = me
        self.rows = rows
        self.query_one("#loading").display = False
        self.query_one("#problem").display = False
        who = Text.assemble((one_line(me.name, 60) + " ", "bold"), f"({label(me.team)})")
        if rows:
            states = [fate.state for _, fate in rows]
            who.append(": " + ", ".join(f"{states.count(s)} {s}" for s in FATE_LOOK if s in states))
        else:
            who.append(" signs what you add here; `tandem me` changes it.")
        self.query_one("#who", Static).update(who)
        self.query_one("#who").display = True
        empty = self.query_one("#empty", Static)
        empty.update(Text(self._empty_text()))
        empty.display = not rows
        listing = self.query_one("#mine", OptionList)
        listing.display = bool(rows)
        self._fill()
        if rows and self.focused is None:
            listing.focus()  # hidden while loading, so not focused as the screen mounted

    def _empty_text(self) -> str:
        keys: dict[str, str] = {}
        judge = ""
        for active in self.active_bindings.values():
            binding = active.binding
            if binding.action.startswith("add("):
                keys.setdefault(binding.action[5:-2], self.app.get_key_display(binding))
            elif binding.action == "judge":
                judge = judge or self.app.get_key_display(binding)
        what = {"lead": "lead feedback", "question": "prospect question", "topic": "topic", "content": "content idea", "checkin": "objective check-in"}
        offered = ", ".join(f"{keys[k]} {what[k]}" for k in self.KINDS if k in keys)
        leads = f"\n{judge} judges the month's imported leads, one key a verdict." if judge else ""
        return (
            f"Nothing contributed yet — {offered}.{leads}\n\n"
            "What you add waits for the next meeting; `tandem sync` takes it to the team, and the meeting's decision shows here."
        )

    def _fill(self) -> None:
        listing = self.query_one("#mine", OptionList)
        highlighted = listing.highlighted_option.id if listing.highlighted_option is not None else None
        now = main_app(self).clock()
        titles = self.setting.titles if self.setting else {}
        objectives = {o.id: o for o in self.setting.objectives} if self.setting else {}
        listing.clear_options()
        listing.add_options(Option(self._entry(c, fate, now, titles, objectives), id=c.id) for c, fate in self.rows[:SHOWN])
        if len(self.rows) > SHOWN:
            listing.add_option(Option(Text(f"…and {len(self.rows) - SHOWN} older ones", style="dim"), disabled=True))
        ids = [c.id for c, _ in self.rows[:SHOWN]]
        if ids:
            listing.highlighted = ids.index(highlighted) if highlighted in ids else 0
        listing.border_title = f"What you contributed · {len(self.rows)}"
        keys = {a.binding.action: self.app.get_key_display(a.binding) for a in reversed(self.active_bindings.values())}
        listing.border_subtitle = f"{keys.get('judge', 'j')} judge imported leads · {keys.get('withdraw', 'w')} withdraw the highlighted one while it waits"

    @staticmethod
    def _entry(c: Contribution, fate: Fate, now: datetime, titles: dict[str, str], objectives: dict[str, Objective]) -> Table:
        """Kind, subject and age; under the subject, its fate."""
        subject = one_line(c.subject, 200)
        if c.kind == "lead":
            subject += f" ({label(str(c.record.get('verdict', '')))})"
        elif c.kind == "checkin" and c.objective_id in objectives:
            objective = objectives[c.objective_id]
            subject = f"{measure(float(c.record.get('value', 0)), objective.unit)} on {one_line(objective.title, 120)}"
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=max(map(len, KIND_WORDS.values())), no_wrap=True, style="bold")
        grid.add_column(ratio=1, overflow="fold")
        grid.add_column(justify="right", no_wrap=True, style="dim")
        grid.add_row(KIND_WORDS[c.kind], Text(subject, no_wrap=True, overflow="ellipsis"), age(c.created_at, now))
        mark, style = FATE_LOOK.get(fate.state, ("?", ""))
        # The mark and the first word in colour, the rest plain: a reason stays readable
        # in any theme, and with NO_COLOR.
        first, _, rest = one_line(fate.words(), 400).partition(" ")
        line = Text.assemble((f"{mark} {first} ", style), f"{rest} " if rest else "", style="dim" if fate.state == "withdrawn" else "")
        if fate.open and c.series_id:
            line.append(f"· for the next {one_line(titles.get(c.series_id, c.series_id), 60)}", style="dim")
        line.rstrip()
        grid.add_row("", line, "")
        return grid

    def _highlighted(self) -> tuple[Contribution, Fate] | None:
        option = self.query_one("#mine", OptionList).highlighted_option
        if option is None or not self.query_one("#mine").display:
            return None
        return next(((c, f) for c, f in self.rows if c.id == option.id), None)

    # --- who am I -------------------------------------------------------------------------

    @work
    async def _ask_who(self, people: dict[str, str]) -> None:
        answer = await self.app.push_screen_wait(WhoAmIScreen(people))
        if answer is None:
            self.notify("A name is needed to sign what you contribute; `tandem me` sets it.", severity="warning", markup=False)
            self.dismiss()
            return
        try:
            path = await asyncio.to_thread(save_me, answer.name, answer.team)
        except (TandemError, OSError) as exc:
            self.notify(str(exc), title="Not saved", severity="error", markup=False)
            self.dismiss()
            return
        app = any_app(self)
        app.settings = dataclasses.replace(app.settings, me=answer)
        self.notify(f"Saved as [me] in {path}; `tandem me` changes it.", markup=False)
        self.action_refresh()

    # --- adding -------------------------------------------------------------------------

    @work
    async def action_add(self, kind: str) -> None:
        await self._setting_read.wait()
        setting, me = self.setting, self.me
        if setting is None or me is None:
            return  # who am I is being asked, or the contributions could not be read
        objective = None
        if kind == "checkin":
            objective = await self._objective(setting)
            if objective is None:
                return
        signing = Signing(me, main_app(self).clock, setting.series, setting.default_series)
        typed: dict[str, Any] | None = None
        while True:
            form = self._form(kind, setting, signing, objective, typed)
            if await self.app.push_screen_wait(form) is None or form.contribution is None:
                return
            try:
                await asyncio.to_thread(Contributions(self.workspace).add, form.contribution)
            except (TandemError, OSError) as exc:
                self.notify(str(exc), title="Not saved", severity="error", markup=False)
                typed = form.typed  # the form again, as it was typed
                continue
            c = form.contribution
            self.notify(recorded(c, setting.titles.get(c.series_id, c.series_id) if c.series_id else None, objective), markup=False)
            self.action_refresh()
            return

    def _form(self, kind: str, setting: Setting, signing: Signing, objective: Objective | None, typed: dict[str, Any] | None) -> _Signed:
        today = signing.clock().date()
        if kind == "lead":
            return LeadContribution(setting.ctx, signing=signing, today=today, draft=typed)
        if kind == "question":
            return QuestionContribution(setting.ctx, signing=signing, today=today, draft=typed)
        if kind == "content":
            return ContentContribution(setting.ctx, signing=signing, today=today, draft=typed)
        if kind == "checkin" and objective is not None:
            return CheckInContribution(objective, signing=signing, today=today, draft=typed)
        return TopicContribution(signing=signing, today=today, draft=typed)

    async def _objective(self, setting: Setting) -> Objective | None:
        from tandem.tui.screens.choose import ChooseScreen

        if not setting.objectives:
            self.notify("No objectives to check in on yet: g on the home screen adds one.", severity="warning", markup=False)
            return None
        options = [(f"{one_line(o.title, 70)} · {label(o.status)}", o.id) for o in setting.objectives]
        chosen = await self.app.push_screen_wait(ChooseScreen("Check in on which objective?", options))
        return next((o for o in setting.objectives if o.id == chosen), None)

    # --- judging the imported leads ------------------------------------------------------

    @work
    async def action_judge(self) -> None:
        from tandem.tui.screens.judge_leads import JudgeLeadsScreen

        await self._setting_read.wait()
        if self.me is None:
            return  # who am I is being asked, or the contributions could not be read
        await self.app.push_screen_wait(JudgeLeadsScreen(self.workspace, self.me))
        self.action_refresh()

    # --- withdrawing ----------------------------------------------------------------------

    @work
    async def action_withdraw(self) -> None:
        from tandem.tui.screens.confirm import ConfirmScreen

        chosen, me = self._highlighted(), self.me
        if chosen is None or me is None:
            return
        c, fate = chosen
        if fate.state == "withdrawn":
            self.notify(f"That {c.noun} is withdrawn already.", markup=False)
            return
        if not fate.open:
            self.notify(refusal(c, fate), severity="warning", markup=False)
            return
        question = f'Withdraw your {c.noun} "{one_line(c.subject, 60)}"?'
        if not await self.app.push_screen_wait(ConfirmScreen(question, "The next meeting will not offer it. To bring it back, add it again.")):
            return
        try:
            # A meeting may have decided on it meanwhile (a sync brought that in): refused.
            await asyncio.to_thread(withdraw, self.workspace, me.name, c)
        except DecidedError as exc:
            self.notify(str(exc), severity="warning", markup=False)
        except (TandemError, OSError) as exc:
            self.notify(str(exc), title="Not withdrawn", severity="error", markup=False)
            return
        else:
            self.notify(f'{c.noun.capitalize()} "{one_line(c.subject, 60)}" withdrawn: the next meeting will not offer it.', markup=False)
        self.action_refresh()
