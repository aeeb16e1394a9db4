"""A shadow day on the day: the activity checklist with notes, a timestamped takeaway log
(one key per category), and the one experiment to try."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tandem.store import words
from tandem.store.records import label
from tandem.store.shadow_session import ShadowSession
from tandem.tui.screen_base import TandemScreen
from tandem.tui.seams import main_app
from tandem.tui.widgets.click_again import ClickAgainToOpen
from tandem.tui.widgets.footer import Footer

#: One key per takeaway category, in the order the practice talks about them.
TAKEAWAY_KEYS = (
    ("l", "learned"),
    ("s", "surprised_me"),
    ("w", "will_use"),
    ("i", "suggested_improvement"),
    ("p", "prospect_insight"),
    ("f", "hand_off_friction"),
)
CATEGORY_STYLE = {
    "learned": "cyan",
    "surprised_me": "magenta",
    "will_use": "green",
    "suggested_improvement": "yellow",
    "prospect_insight": "bold blue",
    "hand_off_friction": "bold red",
}


def _takeaway_bindings() -> list[BindingType]:
    return [
        Binding(
            key,
            f"screen.takeaway('{category}')",
            label(category).capitalize(),
            show=False,
            tooltip=f"Log a takeaway: {label(category)}",
            id=f"shadow.takeaway_{category}",
        )
        for key, category in TAKEAWAY_KEYS
    ]


class ActivityList(ClickAgainToOpen, OptionList):
    HELP_GROUP = "Activities"
    CLICK_ACTION = "screen.edit_notes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "screen.toggle_activity", "Done", tooltip="Tick the highlighted activity done (or not)", id="shadow.toggle"),
        Binding("enter", "screen.edit_notes", "Notes", tooltip="Write notes for the highlighted activity", id="shadow.notes"),
        Binding("a", "screen.add_activity", "Add", show=False, tooltip="Add an activity to the plan", id="shadow.add_activity"),
        *_takeaway_bindings(),
        Binding("x", "screen.experiment", "Experiment", tooltip="The one experiment to try (owner, report-back date)", id="shadow.experiment"),
        Binding("F", "screen.finish", "Finish", tooltip="Finish the day (ready for the debrief)", id="shadow.finish"),
        Binding("q", "screen.leave", "Home", tooltip="Save and go back", id="shadow.leave"),
    ]


class TakeawayLog(OptionList):
    HELP_GROUP = "Takeaways"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete,backspace", "screen.delete_takeaway", "Delete", tooltip="Delete the highlighted takeaway (u undoes)", id="shadow.delete_takeaway"),
        Binding("u", "screen.undo", "Undo", tooltip="Bring back the last deleted takeaway", id="shadow.undo"),
        *_takeaway_bindings(),
        Binding("q", "screen.leave", "Home", show=False, id="shadow.leave_log"),
    ]


class ShadowScreen(TandemScreen[None]):
    # Loaded when a shadow day is first opened, not at start-up (benchmarks/start.py).
    CSS_PATH = "shadow.tcss"
    HELP_GROUP = "Shadow day"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Six one-letter takeaway keys do not fit an 80-column footer next to the rest:
        # ctrl+r lists them with their letters (and works while typing, too).
        Binding(
            "ctrl+r", "takeaway_menu", "Takeaway", priority=True, tooltip="Log a takeaway (also while typing notes): pick its kind", id="shadow.takeaway_typing"
        ),
        Binding("escape", "focus_activities", "Checklist", tooltip="Back to the checklist and its one-letter keys", id="shadow.focus_list"),
    ]

    def __init__(self, session: ShadowSession) -> None:
        super().__init__()
        self.session = session
        self._shown: int | None = None
        self._deleted: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="shadow-head")
        with Horizontal(id="shadow-main"):
            with Vertical(id="shadow-left"):
                yield ActivityList(id="activities")
                yield TakeawayLog(id="takeaways")
            with Vertical(id="shadow-right"):
                yield Static(id="activity-title")
                yield TextArea(id="activity-notes", soft_wrap=True, tab_behavior="focus")
                yield Static(id="experiment")
                yield Static(id="shadow-save")
        yield Footer()

    def on_mount(self) -> None:
        day = self.session.day
        self.app.sub_title = f"Shadow day · {day.shadow} with {day.host}"
        self.session.start()
        self.query_one("#activities").border_title = "Planned activities"
        self.query_one("#takeaways").border_title = "Takeaways"
        self.refresh_all()
        self.query_one("#activities", ActivityList).focus()
        self.set_interval(0.5, self._show_save_state)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_activities" and isinstance(self.focused, ActivityList):
            return False  # already there: no "esc Checklist" in the footer
        return True

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "-narrow")
        self.set_class(self.size.width < 70, "-tiny")
        self.set_class(self.size.height < 20, "-short")

    # --- rendering --------------------------------------------------------------------

    def refresh_all(self) -> None:
        day = self.session.day
        head = Text()
        head.append(f" {label(day.status).upper()} ", style="bold reverse " + ("green" if day.status == "in_progress" else "blue"))
        head.append(f"  {day.shadow} spends the day with {day.host} ({label(day.direction)}) · {day.date}")
        head.append(
            f"  ·  {sum(a.done for a in day.activities)}/{words.count(len(day.activities), 'activity')} · {words.count(len(day.takeaways), 'takeaway')}",
            style="dim",
        )
        self.query_one("#shadow-head", Static).update(head)

        activities = self.query_one("#activities", ActivityList)
        highlighted = activities.highlighted
        activities.clear_options()
        for n, activity in enumerate(day.activities):
            text = Text("☑ " if activity.done else "☐ ", style="green" if activity.done else "")
            text.append(activity.title, style="dim" if activity.done else "")
            if activity.notes.strip():
                text.append("  ✎", style="dim")
            activities.add_option(Option(text, id=str(n)))
        if day.activities:
            activities.highlighted = min(highlighted or 0, len(day.activities) - 1)

        log = self.query_one("#takeaways", TakeawayLog)
        log.clear_options()
        for takeaway in day.takeaways:
            text = Text(f"{_time(takeaway.at)} ", style="dim")
            text.append(f"{label(takeaway.category)}: ", style=CATEGORY_STYLE.get(takeaway.category, ""))
            text.append(takeaway.text)
            log.add_option(Option(text, id=takeaway.id))
        if not day.takeaways:
            log.add_option(
                Option(
                    Text("No takeaways yet: l learned · s surprised me · w will use · i improvement · p prospect insight · f hand-off friction", style="dim"),
                    disabled=True,
                )
            )
        else:
            log.highlighted = len(day.takeaways) - 1

        experiment = self.query_one("#experiment", Static)
        if day.experiment is None:
            experiment.update(Text("Experiment: none yet — press x when the day suggests one thing to try.", style="dim"))
        else:
            e = day.experiment
            experiment.update(Text.assemble(("Experiment: ", "bold"), e.text, (f"  — {e.owner}, report back by {e.report_back}", "dim")))
        self._show_activity()

    def _show_activity(self) -> None:
        activities = self.query_one("#activities", ActivityList)
        index = activities.highlighted
        notes = self.query_one("#activity-notes", TextArea)
        title = self.query_one("#activity-title", Static)
        if index is None or not self.session.day.activities:
            title.update("No activities planned: press a to add one.")
            notes.disabled = True
            return
        activity = self.session.day.activities[index]
        title.update(Text.assemble(("Notes: ", "bold"), activity.title))
        notes.disabled = False
        if self._shown != index:
            self.sync_notes()
            self._shown = index
            notes.load_text(activity.notes)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "activities":
            self._show_activity()

    def show_save_state(self) -> None:
        """On every edit and after every write: "All changes saved" only once it is true."""
        self._show_save_state()

    def _on_disk(self) -> bool:
        if self.session.saver.pending:
            return False
        if self._shown is None:
            return True
        return self.query_one("#activity-notes", TextArea).text == self.session.day.activities[self._shown].notes

    def _show_save_state(self) -> None:
        error = self.session.saver.last_error
        widget = self.query_one("#shadow-save", Static)
        if error is not None:
            widget.update(Text(f"⚠ Not saved ({error}). Everything stays on screen; tandem keeps retrying.", style="bold red"))
        else:
            widget.update(Text("All changes saved" if self._on_disk() else "Saving…", style="dim"))

    # --- notes ------------------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id != "activity-notes" or self._shown is None:
            return
        activity = self.session.day.activities[self._shown]
        if event.text_area.text != activity.notes:
            self.session.set_activity_notes(self._shown, event.text_area.text)
        self._show_save_state()

    def sync_notes(self) -> None:
        """Store what the editor shows for the activity it was loaded for, now (its Changed
        messages may still be on their way when the activity changes or tandem quits)."""
        if self._shown is None or not self.session.lock.is_locked:
            return
        text = self.query_one("#activity-notes", TextArea).text
        if text != self.session.day.activities[self._shown].notes:
            self.session.set_activity_notes(self._shown, text)

    # --- actions ------------------------------------------------------------------------

    def action_toggle_activity(self) -> None:
        index = self.query_one("#activities", ActivityList).highlighted
        if index is not None and self.session.day.activities:
            self.session.toggle_activity(index)
            self.refresh_all()

    def action_edit_notes(self) -> None:
        if self.session.day.activities:
            self.query_one("#activity-notes", TextArea).focus()

    def action_focus_activities(self) -> None:
        self.query_one("#activities", ActivityList).focus()

    @work
    async def action_add_activity(self) -> None:
        from tandem.tui.screens.add_item import AddItemScreen

        result = await self.app.push_screen_wait(AddItemScreen())
        if result is not None:
            self.session.add_activity(result.title)
            self.refresh_all()

    @work
    async def action_takeaway(self, category: str) -> None:
        from tandem.tui.screens.shadow_forms import TakeawayPrompt

        text = await self.app.push_screen_wait(TakeawayPrompt(category))
        if text:
            self.session.add_takeaway(category, text)
            self.refresh_all()

    @work
    async def action_takeaway_menu(self) -> None:
        from tandem.tui.screens.choose import ChooseScreen

        options = [(f"{key}  {label(category)}", category) for key, category in TAKEAWAY_KEYS]
        category = await self.app.push_screen_wait(ChooseScreen("Which kind of takeaway?", options))
        if category:
            self.action_takeaway(category)

    def action_delete_takeaway(self) -> None:
        log = self.query_one("#takeaways", TakeawayLog)
        if log.highlighted is None or not self.session.day.takeaways:
            return
        takeaway_id = log.get_option_at_index(log.highlighted).id
        if takeaway_id:
            self._deleted.append(self.session.delete_takeaway(takeaway_id))
            self.notify("Takeaway deleted. u brings it back.", markup=False)
            self.refresh_all()

    def action_undo(self) -> None:
        if self._deleted:
            self.session.restore_takeaway(self._deleted.pop())
            self.refresh_all()

    @work
    async def action_experiment(self) -> None:
        from tandem.tui.screens.shadow_forms import ExperimentForm

        day = self.session.day
        form = ExperimentForm([day.shadow, day.host], today=main_app(self).clock().date(), initial=day.experiment)
        experiment = await self.app.push_screen_wait(form)
        if experiment is not None:
            self.session.set_experiment(experiment)
            self.refresh_all()

    @work
    async def action_finish(self) -> None:
        from tandem.tui.screens.confirm import ConfirmScreen

        day = self.session.day
        missing = "" if day.experiment else " There is no experiment yet (x adds one)."
        if not await self.app.push_screen_wait(ConfirmScreen("Finish the shadow day?", f"It goes to the next debrief.{missing}")):
            return
        self.session.finish()
        self.notify("Shadow day finished: its takeaways and experiment go to the next debrief.", markup=False)
        self.action_leave()

    def action_leave(self) -> None:
        self.sync_notes()
        if not self.session.close():
            self.notify("Could not save the last changes; staying here so nothing is lost.", severity="error", markup=False)
            return
        self.dismiss()

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            *((f"shadow day: takeaway — {label(c)}", f"takeaway('{c}')", f"key {k}") for k, c in TAKEAWAY_KEYS),
            ("shadow day: experiment to try", "experiment", "Owner and report-back date"),
            ("shadow day: tick the highlighted activity", "toggle_activity", "Done or not"),
            ("shadow day: finish", "finish", "Ready for the debrief"),
            ("shadow day: back to home", "leave", "Save and go back"),
        ]


def _time(at: str) -> str:
    try:
        return datetime.fromisoformat(at).strftime("%H:%M")
    except ValueError:
        return "--:--"
