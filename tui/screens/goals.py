"""Objectives and the content pipeline, between meetings: they outlive any one meeting."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, TabbedContent, TabPane

from tandem.store.errors import TandemError
from tandem.store.records import ContentItem, Objective, label, measure
from tandem.store.workspace import Workspace
from tandem.tui.screen_base import TandemScreen, from_worker
from tandem.tui.screens.capture_forms import (
    CheckInForm,
    ContentForm,
    FormContext,
    ObjectiveForm,
)
from tandem.tui.seams import main_app
from tandem.tui.widgets.footer import Footer
from tandem.tui.widgets.lazy import Lazy

STATUS_STYLE = {"on_track": "green", "met": "bold green", "at_risk": "yellow", "off_track": "bold red", "dropped": "dim"}


class GoalsScreen(TandemScreen[None]):
    HELP_GROUP = "Objectives & content"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", tooltip="A new objective or content item (on the tab you are on)", id="goals.new"),
        # priority: the focused table's own (hidden) enter would hide this one from the footer.
        Binding("enter", "edit", "Edit", priority=True, tooltip="Edit the highlighted objective or content item", id="goals.edit"),
        Binding("c", "check_in", "Check in", tooltip="Record a check-in on the highlighted objective", id="goals.check_in"),
        Binding("s", "set_sla", "SLA", tooltip="Record the next version of the sales–marketing SLA", id="goals.sla"),
        Binding("escape,q", "app.pop_screen", "Back", tooltip="Back to the meetings", id="goals.back"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.objectives: list[Objective] = []
        self.content: list[ContentItem] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="goal-tabs"):
            with TabPane("Objectives", id="tab-objectives"):
                yield DataTable(id="objectives", cursor_type="row", zebra_stripes=True)
            with TabPane("Content pipeline", id="tab-content"):
                yield Lazy(DataTable(id="content", cursor_type="row", zebra_stripes=True))
        yield Footer()

    def on_mount(self) -> None:
        self.app.sub_title = "Objectives & content pipeline"
        self.load()

    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        try:
            objectives = self.workspace.objectives_with_history()
            content = self.workspace.content.all()
        except TandemError as exc:
            from_worker(self, self.notify, str(exc), severity="error", markup=False)
            return
        from_worker(self, self._show, objectives, content)

    def _show(self, objectives: list[Objective], content: list[ContentItem]) -> None:
        self.objectives = sorted(objectives, key=lambda o: (o.status in ("met", "dropped"), o.title))
        self.content = sorted(content, key=lambda c: (c.status == "shipped", c.eta or "9999", c.title))
        table = self.query_one("#objectives", DataTable)
        if not table.columns:
            # Status next to the title: in 80 columns the columns after Target are cut.
            for name in ("Objective", "Status", "Latest", "Target", "Owner", "Check-ins", "Last"):
                table.add_column(name, key=name.lower())
        table.clear()
        for o in self.objectives:
            latest = o.latest
            table.add_row(
                Text(o.title),
                Text(label(o.status), style=STATUS_STYLE.get(o.status, "")),
                Text(measure(latest.value if latest else o.current, o.unit)),
                Text(measure(o.target, o.unit)),
                label(o.owner_team),
                str(len(o.checkins)),
                latest.date if latest else "—",
                key=o.id,
            )
        table.border_title = "Mutual goals: n new · c check in · enter edit"
        if not isinstance(self.focused, DataTable) and self._on_objectives_tab():
            table.focus()  # not the tab bar: arrows move through the objectives at once
        self._fill_content()

    def _fill_content(self) -> None:
        tables = self.query("#content").results(DataTable)
        table = next(tables, None)
        if table is None:  # still lazy: filled when its tab is first shown
            self.call_after_refresh(self._fill_content)
            return
        if not table.columns:
            for name in ("Title", "Type", "Status", "ETA", "Owner", "Persona", "Stage"):
                table.add_column(name, key=name.lower())
        table.clear()
        for c in self.content:
            table.add_row(Text(c.title), label(c.type), label(c.status), c.eta or "—", Text(c.owner), Text(c.persona), label(c.stage), key=c.id)
        table.border_title = "What marketing has coming, and sales' ideas: n new · enter edit"

    def on_data_table_row_selected(self, _: DataTable.RowSelected) -> None:
        # Enter on a focused table selects its row; that means "edit" here.
        self.action_edit()

    def _on_objectives_tab(self) -> bool:
        return self.query_one("#goal-tabs", TabbedContent).active == "tab-objectives"

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        self.call_after_refresh(self._focus_table, event.pane)

    def _focus_table(self, pane: TabPane) -> None:
        table = next(pane.query(DataTable).results(), None)
        if table is not None and not self.query_one(TabbedContent).query("ContentTabs:focus"):
            table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "check_in" and self.is_mounted and not self._on_objectives_tab():
            return False  # content items have no check-ins: the key would do nothing
        return True

    def _selected(self, table_id: str) -> str | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _ctx(self) -> FormContext:
        people = sorted({p for c in self.content for p in [c.owner] if p})
        personas = sorted({c.persona for c in self.content if c.persona})
        return FormContext(people=people, personas=personas)

    async def _write(self, fn: Callable[..., object], *args: object) -> bool:
        try:
            await asyncio.to_thread(fn, *args)
        except (TandemError, OSError) as exc:
            self.notify(str(exc), title="Not saved", severity="error", markup=False)
            return False
        self.load()
        return True

    @work
    async def action_new(self) -> None:
        today = main_app(self).clock().date()
        if self._on_objectives_tab():
            objective = await self.app.push_screen_wait(ObjectiveForm(today=today))
            if objective is not None:
                from tandem.store.records import CheckIn

                first = CheckIn(date=today.isoformat(), value=objective.current, status=objective.status, comment="Set as a goal")
                await self._write(self.workspace.objectives.add, objective.replace(checkins=[first]))
        else:
            item = await self.app.push_screen_wait(ContentForm(self._ctx(), today=today))
            if item is not None:
                await self._write(self.workspace.content.add, item)

    @work
    async def action_edit(self) -> None:
        today = main_app(self).clock().date()
        if self._on_objectives_tab():
            selected = self._selected("objectives")
            objective = next((o for o in self.objectives if o.id == selected), None)
            if objective is not None:
                edited = await self.app.push_screen_wait(ObjectiveForm(today=today, initial=objective))
                if edited is not None:
                    await self._write(self.workspace.objectives.update, edited)
        else:
            selected = self._selected("content")
            item = next((c for c in self.content if c.id == selected), None)
            if item is not None:
                edited_item = await self.app.push_screen_wait(ContentForm(self._ctx(), today=today, initial=item))
                if edited_item is not None:
                    await self._write(self.workspace.content.update, edited_item)

    @work
    async def action_check_in(self) -> None:
        if not self._on_objectives_tab():
            return
        selected = self._selected("objectives")
        objective = next((o for o in self.objectives if o.id == selected), None)
        if objective is None:
            return
        today = main_app(self).clock().date()
        checkin = await self.app.push_screen_wait(CheckInForm(objective, today=today))
        if checkin is not None:
            updated = objective.replace(checkins=[*objective.checkins, checkin], current=checkin.value, status=checkin.status)
            await self._write(self.workspace.objectives.update, updated)

    @work
    async def action_set_sla(self) -> None:
        from tandem.tui.screens.sla_form import SlaForm, read_form_data

        app = main_app(self)
        now = app.clock()
        try:
            data = await asyncio.to_thread(read_form_data, self.workspace, now.date(), app.settings.me.name)
        except (TandemError, OSError) as exc:
            self.notify(str(exc), title="SLA", severity="error", markup=False)
            return
        saved = await self.app.push_screen_wait(SlaForm(self.workspace, data, today=now.date(), now=now))
        if saved is not None:
            self.notify(saved.words, title="SLA recorded", markup=False)

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("goals: new objective or content item", "new", "On the tab you are on"),
            ("goals: edit the highlighted entry", "edit", "Objective or content item"),
            ("goals: check in on the highlighted objective", "check_in", "Value, status, comment"),
            ("goals: set the SLA", "set_sla", "The next version of the sales–marketing SLA"),
        ]
