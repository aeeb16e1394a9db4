"""Review: past meetings, action items, objectives, lead quality and shadow days — read-only.

Rows are loaded off the UI thread; a poll re-reads them (and re-runs the search) whenever a
file changes, so nothing stale stays on screen while a meeting is being saved elsewhere.

A large workspace opens on its newest meetings (``StagedSource.preview``: a few hundred
files, read whatever the state of the index), listed and usable at once, while every
meeting is read behind them; the other tabs say they are reading until then (their
figures come from every meeting), and a search waits for the whole list.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import (
    DataTable,
    Header,
    Input,
    LoadingIndicator,
    Static,
    TabbedContent,
    TabPane,
)

from tandem.store.errors import TandemError
from tandem.store.review.from_workspace import WorkspaceSource
from tandem.store.review.model import Preview, ReviewData, ReviewSource, SearchHit, StagedSource
from tandem.store.review.search import terms
from tandem.store.sync.recorded import ConflictReader, Explained, explain, into_minutes
from tandem.tui.screen_base import TandemScreen, from_worker
from tandem.tui.seams import any_app
from tandem.tui.widgets.footer import Footer
from tandem.tui.widgets.lazy import Lazy
from tandem.tui.widgets.news import YourContributions
from tandem.tui.widgets.review.actions import ActionsPane
from tandem.tui.widgets.review.base import (
    OpenMinutes,
    ReadingNotice,
    ReviewPane,
    reading_text,
    safe,
    safe_data,
    safe_rows,
    safe_text,
)
from tandem.tui.widgets.review.decisions import DecisionsPane
from tandem.tui.widgets.review.health import HealthPane
from tandem.tui.widgets.review.leads import LeadQualityPane
from tandem.tui.widgets.review.meetings import MeetingsPane
from tandem.tui.widgets.review.objectives import ObjectivesPane
from tandem.tui.widgets.review.shadow import ShadowPane


def longest_term(query: str) -> str:
    """The minutes viewer finds one phrase: of a multi-word search, the most telling word."""
    return max(terms(query), key=len, default="")


TABS = (
    ("meetings", "Meetings"),
    ("actions", "Action items"),
    ("objectives", "Objectives"),
    ("leads", "Lead quality"),
    ("shadow", "Shadow days"),
    ("decisions", "Decisions"),
    ("health", "Health"),
)
#: Tab titles in a terminal under 100 columns.
SHORT_TITLES = {"actions": "Actions", "leads": "Leads", "shadow": "Shadow"}
#: How often the files are checked for changes (a stat per file: ~3 ms for 500 meetings).
POLL_SECONDS = 1.0
#: How many of the newest meetings the first screen lists while every meeting is read (a
#: window of the meetings table).
PREVIEW_ROWS = 300
#: How long the load waits for the first screen to be drawn before it takes the interpreter
#: (a bound: the screen may have gone meanwhile).
PREVIEW_DRAWN_WAIT_S = 2.0


class ReviewScreen(TandemScreen[None]):
    HELP_GROUP = "Review"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"tab('{key}')", title, show=False, tooltip=f"Show {title.lower()}", id=f"review.tab_{key}")
            for n, (key, title) in enumerate(TABS, start=1)
        ),
        # "/" and Enter in a filter box are priority keys: they move the focus before the keys
        # typed right after them are handed out. Otherwise "/quota" typed fast (over SSH the
        # keys arrive together) went to the table, where q quit review.
        Binding("slash", "search", "Search", tooltip="Search every meeting's notes, records and titles", id="review.search", priority=True),
        Binding("enter", "to_table", "Results", show=False, priority=True, tooltip="From a filter box, on to the table", id="review.to_table"),
        # Enter on a row was only handled by DataTable (a hidden binding), so neither the
        # footer nor help said how to read the minutes. Same key: the one enabled runs.
        Binding(
            "enter",
            "open_row",
            "Minutes",
            priority=True,
            id="review.open_minutes",
            tooltip="Read the minutes of the highlighted meeting, action item or shadow day",
        ),
        Binding("y", "copy_row", "Copy", show=False, tooltip="Copy the highlighted row to the clipboard, over SSH too", id="review.copy_row"),
        Binding(
            "w",
            "show_conflicts",
            "⚑ Both",
            show=False,
            tooltip="Both values of a field of the highlighted meeting changed on two machines at once",
            id="review.conflicts",
        ),
        Binding("r", "reload", "Reload", show=False, tooltip="Read the files again now", id="review.reload"),
        Binding("q", "app.quit", "Quit", tooltip="Quit review", id="review.quit"),
    ]

    def __init__(self, source: ReviewSource, *, today: date) -> None:
        super().__init__()
        self.source = source
        self.today = today
        self.data: ReviewData | None = None
        self._lock = threading.Lock()
        #: Set once the newest meetings are on screen (see ``_preview``).
        self._preview_drawn = threading.Event()
        #: Whether every meeting is being read behind the newest, listed meanwhile.
        self._reading = False
        #: Minutes asked for before every meeting was read: (meeting id, text to find).
        self._minutes_wanted: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="review-problems", classes="banner")
        yield YourContributions(id="review-mine")
        yield LoadingIndicator(id="loading")
        with TabbedContent(id="review-tabs"):
            with TabPane("1 Meetings", id="tab-meetings"):
                yield MeetingsPane(self._search, id="meetings-pane")
            with TabPane("2 Action items", id="tab-actions"):
                yield ReadingNotice(classes="reading")
                yield Lazy(ActionsPane(id="actions-pane"))
            with TabPane("3 Objectives", id="tab-objectives"):
                yield ReadingNotice(classes="reading")
                yield Lazy(ObjectivesPane(id="objectives-pane"))
            with TabPane("4 Lead quality", id="tab-leads"):
                yield ReadingNotice(classes="reading")
                yield Lazy(LeadQualityPane(id="leads-pane"))
            with TabPane("5 Shadow days", id="tab-shadow"):
                yield ReadingNotice(classes="reading")
                yield Lazy(ShadowPane(id="shadow-pane"))
            with TabPane("6 Decisions", id="tab-decisions"):
                yield ReadingNotice(classes="reading")
                yield Lazy(DecisionsPane(id="decisions-pane"))
            with TabPane("7 Health", id="tab-health"):
                yield ReadingNotice(classes="reading")
                yield Lazy(HealthPane(id="health-pane"))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#review-problems").display = False
        # Until every meeting is read, the tabs other than the meetings say so (review.tcss).
        self.add_class("-reading")
        # The first frame (tabs, filters, the loading indicator) is drawn before the load
        # starts: a load started at once held the interpreter while the screen was laid
        # out, and the first frame waited for it (13 s with 20,000 meetings).
        self.call_after_refresh(self._first_load)
        self.set_interval(POLL_SECONDS, self._poll)

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "-narrow")
        self.set_class(self.size.width < 60, "-tiny")
        # Seven tabs in full take 95 columns: narrower, the long titles shorten so that
        # every tab stays in view (their number keys work either way).
        tabs = self.query_one("#review-tabs", TabbedContent)
        for n, (key, title) in enumerate(TABS, start=1):
            shown = SHORT_TITLES.get(key, title) if self.size.width < 100 else title
            tabs.get_tab(f"tab-{key}").label = f"{n} {shown}"

    # --- loading ----------------------------------------------------------------------

    def _search(self, query: str) -> list[SearchHit]:
        with self._lock:
            return [safe(hit) for hit in self.source.search(query)]

    def _first_load(self) -> None:
        self._refresh(force=True, first=True)

    def _load(self) -> None:
        self._refresh(force=True)

    def _poll(self) -> None:
        if self.data is not None:
            self._refresh(force=False)

    @work(thread=True, group="load")
    def _refresh(self, *, force: bool, first: bool = False) -> None:
        # Sources are not thread-safe: load, poll and search take turns, and a poll that
        # finds the source busy simply skips this round.
        if not self._lock.acquire(blocking=force):
            return
        try:
            if first and self._preview():
                return  # the rest is read by _read_rest, which typed keys do not wait for
            if not force and not self.source.changed():
                return
            data = self.source.load()
        except TandemError as exc:
            from_worker(self, self._problem, [safe_text(str(exc))])
            return
        finally:
            self._lock.release()
        # Rows already made safe for the screen's last load are not checked again.
        from_worker(self, self._show, safe_data(data, self.data))

    def _preview(self) -> bool:
        """The newest meetings on screen before every meeting is read (in the load's
        worker); whether there were any to show that way."""
        source = self.source
        if not isinstance(source, StagedSource):
            return False
        try:
            preview = source.preview(PREVIEW_ROWS)
        except (TandemError, OSError):
            return False  # the load says what is wrong
        if preview is None:
            return False
        self._preview_drawn.clear()
        from_worker(self, self._show_preview, Preview(safe_rows(preview.meetings), preview.files))
        return True

    def _in_background(self, target: Callable[[], None], name: str) -> None:
        """Run ``target`` in a thread of its own, neither a worker nor waited for: the keys
        typed meanwhile go to the meetings listed (a worker of the screen holds them, see
        tui/typeahead.py), and quitting does not wait for it (the executor's threads are
        joined at exit: 12 s for every file of 20,000 read with the index gone). It only
        reads; the cache files it may write are replaced whole (store/atomic.py)."""
        threading.Thread(target=target, name=name, daemon=True).start()

    def _read_rest(self) -> None:
        # The load (seconds of work in this thread) starts once the newest meetings are
        # drawn: started at once, it took the interpreter from the first frame half the time.
        self._preview_drawn.wait(PREVIEW_DRAWN_WAIT_S)
        if not self.is_attached:
            return  # closed meanwhile (quit during the first frame)
        with self._lock:
            try:
                data = self.source.load()
            except TandemError as exc:
                from_worker(self, self._reading_failed, safe_text(str(exc)))
                return
            except Exception as exc:  # noqa: BLE001 - outside a worker, nothing else would tell
                # A thread's own traceback would be printed over the screen: said here instead.
                from_worker(self, self._reading_failed, safe_text(f"Reading the meetings in {self.source.label} failed: {type(exc).__name__}: {exc}"))
                return
        from_worker(self, self._show, safe_data(data, self.data))

    def _reading_failed(self, problem: str) -> None:
        self._reading = False
        self._problem([problem])
        self.query_one(MeetingsPane).reading_failed()
        for notice in self.query(ReadingNotice):
            notice.update(Text("The meetings could not all be read (see above); r reads them again.", style="bold"))

    def _show_preview(self, preview: Preview) -> None:
        if self.data is not None:
            return
        self.query_one("#loading").display = False
        self.query_one(MeetingsPane).show_preview(preview.meetings, preview.files)
        for notice in self.query(ReadingNotice):
            notice.update(reading_text(preview.files))
        if not self.focused:
            self.query_one("#review-meetings").focus()
        self.call_after_refresh(self._preview_drawn.set)
        self._reading = True
        self._in_background(self._read_rest, "review: every meeting")

    def _show(self, data: ReviewData) -> None:
        first = self.data is None
        self.data = data
        self._reading = False
        self.query_one("#loading").display = False
        if first:
            self.remove_class("-reading")
            if isinstance(self.focused, ReadingNotice):  # on to what the tab now shows
                active = self.query_one(TabbedContent).active.removeprefix("tab-")
                self.call_after_refresh(self._focus_tab, active)
            if self._minutes_wanted is not None:
                self._read_minutes(*self._minutes_wanted)
                self._minutes_wanted = None
        for pane in self.query(ReviewPane):
            # A lazy pane still on its way pulls ``self.data`` itself when it mounts; a
            # hidden one draws the rows when its tab is shown.
            if pane.is_mounted:
                pane.show(data, self.today)
        self._problem(data.problems)
        # The reviewer's own contributions, read after every meeting is (a triage changes a meeting).
        self.query_one(YourContributions).reload(getattr(self.source, "workspace", None), any_app(self).settings.me.name)
        if not self.focused:
            self.query_one("#review-meetings").focus()
        if first:
            # The rows stay for as long as review is open: the collector need not walk
            # them again. Each full collection walked every row (0.2-0.3 s with 20,000
            # meetings, 0 s once frozen); frozen objects are still freed by their counts.
            gc.freeze()
            if isinstance(self.source, StagedSource):
                self._in_background(self._prepare_search, "review: search")

    def _prepare_search(self) -> None:
        source = self.source
        if isinstance(source, StagedSource):
            with self._lock:
                try:
                    source.prepare_search()
                except Exception:  # noqa: BLE001 - the first search (a worker) meets it again and says what is wrong
                    pass

    def _problem(self, problems: list[str]) -> None:
        self.query_one("#loading").display = False
        banner = self.query_one("#review-problems", Static)
        banner.display = bool(problems)
        if problems:
            # The count comes first: the banner is kept short (review.tcss) so that it never
            # pushes the meetings off the screen, and a long list is cut at the bottom.
            n = len(problems)
            text = Text(f"{n} file{'s' if n != 1 else ''} could not be read and {'are' if n != 1 else 'is'} left out:\n", style="bold")
            text.append("\n".join(safe_text(p) for p in problems[:5]))
            if len(problems) > 5:
                text.append(f"\n… and {len(problems) - 5} more")
            banner.update(text)

    # --- actions ----------------------------------------------------------------------

    def action_tab(self, key: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{key}"
        # Focus moves into the new tab at once: focus left behind in a hidden tab would
        # drift to another widget there, and TabbedContent follows focus back.
        if not self._focus_tab(key):
            self.call_after_refresh(self._focus_tab, key)

    def _focus_tab(self, key: str) -> bool:
        pane = self.query_one(f"#tab-{key}", TabPane)
        targets = pane.query(ReadingNotice if self.data is None and key != "meetings" else "DataTable, #lead-charts, #health-scroll")
        if targets:
            self.set_focus(targets.first())  # now, not a message later: see BINDINGS
        return bool(targets)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # Tab keys typed ahead leave stale TabActivated messages behind: acting on one would
        # focus a hidden tab, TabbedContent would follow the focus back, post another, and
        # two tabs would chase each other forever.
        if event.pane.id != self.query_one(TabbedContent).active:
            return
        key = (event.pane.id or "").removeprefix("tab-")
        for pane in event.pane.query(ReviewPane):
            pane.catch_up()  # the rows it was handed while hidden
        if self.focused is None or event.pane not in self.focused.ancestors:
            self._focus_tab(key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "/" and Enter belong to a filter box being typed in.
        typing = isinstance(self.focused, Input)
        if action == "search":
            return not typing
        if action == "to_table":
            return typing
        if action == "copy_row":
            return isinstance(self.focused, DataTable) and self.focused.row_count > 0
        if action == "open_row":  # not on the objectives: they have no minutes of their own
            return isinstance(self.focused, DataTable) and self.focused.id != "review-objectives"
        if action == "show_conflicts":  # a folder of minutes holds no file a sync merged
            return isinstance(self.source, WorkspaceSource) and isinstance(self.focused, DataTable) and self.focused.id == "review-meetings"
        return True

    def action_search(self) -> None:
        self.query_one(TabbedContent).active = "tab-meetings"
        self.query_one(MeetingsPane).focus_search()

    def action_to_table(self) -> None:
        """Enter in a filter box: on to the pane's table."""
        pane = next((a for a in self.focused.ancestors if isinstance(a, ReviewPane)), None) if self.focused else None
        table = pane.table() if pane is not None else None
        if table is not None:
            self.set_focus(table)

    def action_open_row(self) -> None:
        """Enter on a row: the pane's own handler of the selected row opens the minutes."""
        if isinstance(self.focused, DataTable):
            if self.focused.id == "review-meetings":
                self.query_one(MeetingsPane).open_highlighted()
            else:
                self.focused.action_select_cursor()

    def action_copy_row(self) -> None:
        """The row as a line of text: its cells, tab-separated (a spreadsheet pastes them
        into columns), headed by the column names."""
        table = self.focused
        if not isinstance(table, DataTable) or not table.row_count:
            return
        cells = table.get_row_at(table.cursor_row)
        plain = [" ".join((cell.plain if isinstance(cell, Text) else str(cell)).split()) for cell in cells]
        header = [" ".join(str(column.label).split()) for column in table.ordered_columns]
        any_app(self).copy_with_notice("\t".join(header) + "\n" + "\t".join(plain), "The row")

    def reload_changed(self) -> None:
        """Read again what changed on disk, now rather than at the next poll (a sync
        brought the team's changes)."""
        if self.data is not None:
            self._refresh(force=False)

    def action_reload(self) -> None:
        if self._reading:
            self.notify("Every meeting is being read already.", timeout=2)
            return
        self._load()
        self.notify("Reloaded.", timeout=2)

    def action_open_minutes(self) -> None:
        meeting_id = self.query_one(MeetingsPane).highlighted()
        if meeting_id:
            self.post_message(OpenMinutes(meeting_id))

    @on(OpenMinutes)
    def _open_minutes(self, message: OpenMinutes) -> None:
        if self.data is None:
            # The minutes name the meetings before and after in the series and the action
            # items carried over: they are made once every meeting is read. Asked for
            # meanwhile, they open then; the keys typed until then are not held.
            self._minutes_wanted = (message.meeting_id, message.find)
            self.notify("These minutes open once every meeting is read.", timeout=4)
            return
        self._read_minutes(message.meeting_id, message.find)

    @work(thread=True, exclusive=True, group="minutes")
    def _read_minutes(self, meeting_id: str, find: str) -> None:
        try:
            markdown = self.source.minutes(meeting_id)
        except (TandemError, OSError) as exc:
            from_worker(self, self.notify, safe_text(f"Cannot show the minutes: {exc}"), severity="error", markup=False)
            return
        from_worker(self, self._push_minutes, meeting_id, into_minutes(markdown, self._decided(meeting_id)), find)

    def _decided(self, meeting_id: str) -> list[Explained]:
        """What syncs kept two values of in a meeting's file, in words (in a worker); none
        for a folder of minutes, or a file that cannot be read (its minutes say why)."""
        source = self.source
        if not isinstance(source, WorkspaceSource):
            return []
        workspace = source.workspace
        try:
            found = ConflictReader(workspace.home).meeting(meeting_id)
            return explain(found, workspace.read_meeting(meeting_id)) if found else []
        except (TandemError, OSError):
            return []

    def action_show_conflicts(self) -> None:
        meeting_id = self.query_one(MeetingsPane).highlighted()
        if meeting_id:
            self._read_conflicts(meeting_id)

    @work(thread=True, exclusive=True, group="conflicts")
    def _read_conflicts(self, meeting_id: str) -> None:
        from_worker(self, self._push_conflicts, meeting_id, self._decided(meeting_id))

    def _push_conflicts(self, meeting_id: str, explained: list[Explained]) -> None:
        from tandem.tui.screens.conflicts import ConflictsScreen

        if not explained:
            self.notify("No field of this meeting was changed on two machines at once.", markup=False)
            return
        title = next((f"{m.title} — {m.date}" for m in (self.data.meetings if self.data else []) if m.id == meeting_id), meeting_id)
        self.app.push_screen(ConflictsScreen(safe_text(title), explained))

    def _push_minutes(self, meeting_id: str, markdown: str, find: str) -> None:
        from tandem.tui.screens.minutes import MinutesScreen

        title = next((m.title + " — " + m.date for m in (self.data.meetings if self.data else []) if m.id == meeting_id), meeting_id)
        self.app.push_screen(MinutesScreen(title, markdown, source=meeting_id, find=longest_term(find)))

    def palette_commands(self) -> list[tuple[str, str, str]]:
        commands = [(f"review: show {title.lower()}", f"tab('{key}')", f"Switch to the {title} tab") for key, title in TABS]
        commands += [
            ("review: search all meetings", "search", "Full-text search across notes, records and titles"),
            ("review: open minutes of the highlighted meeting", "open_minutes", "Read the minutes"),
            ("review: values kept from two machines", "show_conflicts", "Both values of each field two machines changed at once"),
            ("review: reload from disk", "reload", "Read every file again now"),
        ]
        return commands
