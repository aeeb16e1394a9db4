"""Reading minutes: a sections sidebar next to the fast Markdown viewer, with find.

``MinutesScreen(title, markdown, source=...)`` shows any Markdown minutes (one meeting's
export, a file from a git clone). The document is drawn by :class:`MinutesView`, which
shows the first screen before the rest is parsed; the sidebar lists the H2/H3 sections
once the whole document is in.
"""

from __future__ import annotations

import bisect
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from tandem.store.mdescape import clean
from tandem.tui.screen_base import TandemScreen
from tandem.tui.seams import any_app
from tandem.tui.widgets.footer import Footer
from tandem.tui.widgets.minutes_markdown import Heading
from tandem.tui.widgets.minutes_view import MinutesView


def section_prompt(heading: Heading) -> Text:
    """A sidebar entry: H2 in bold, H3 indented; one line, cut with an ellipsis."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if heading.level <= 2:
        text.append(heading.title, style="bold")
    else:
        text.append("\u00a0\u00a0" + heading.title)  # no-break: leading spaces would be trimmed
    return text


class MinutesScreen(TandemScreen[None]):
    """Minutes of one meeting (or any Markdown), read-only."""

    CSS_PATH = "minutes.tcss"
    HELP_GROUP = "Minutes"
    AUTO_FOCUS = "#minutes-view"
    # Pairs share one footer label ("nN Match"), so every key fits in 80 columns.
    _MATCH = Binding.Group("Match", compact=True)
    _ENDS = Binding.Group("Top/end", compact=True)
    BINDINGS: ClassVar[list[BindingType]] = [
        # "/" and Enter in the find box are priority keys: they move the focus before the
        # keys typed right after them are handed out. Otherwise "/lead" typed fast (over SSH
        # the keys arrive together) sent "lead" to the view, and the n of "/lead⏎n" went
        # into the closed find box.
        Binding("slash", "find", "Find", tooltip="Find text in the minutes (Enter searches, Esc closes)", id="minutes.find", priority=True),
        Binding("enter", "run_find", "Find", show=False, priority=True, tooltip="Run the find typed in the find box", id="minutes.run_find"),
        Binding("n", "next_match", "Next match", tooltip="Go to the next match", id="minutes.next_match", group=_MATCH),
        Binding("N", "previous_match", "Previous match", tooltip="Go to the previous match", id="minutes.previous_match", group=_MATCH),
        Binding("y", "copy", "Copy", show=False, tooltip="Copy the minutes (Markdown) to the clipboard, over SSH too", id="minutes.copy"),
        Binding("t", "toggle_sidebar", "Sections", tooltip="Show or hide the sections sidebar", id="minutes.toggle_sidebar"),
        Binding("g", "top", "Top", tooltip="Go to the top of the minutes", id="minutes.top", group=_ENDS),
        Binding("G", "bottom", "End", tooltip="Go to the end of the minutes", id="minutes.bottom", group=_ENDS),
        Binding("escape,q", "back", "Back", tooltip="Close the find bar, or go back to the previous screen", id="minutes.back"),
    ]

    def __init__(self, title: str, markdown: str, *, source: str = "", find: str = "") -> None:
        super().__init__()
        #: Found once the document is loaded: what the user searched for to get here.
        self._initial_find = find.strip()
        self.title = " ".join(clean(title).split())  # a title is one line, with no escape codes
        self.sub_title = " ".join(clean(source).split())
        self.markdown = markdown
        self.source = source
        self._sections: list[int] = []  # sidebar option → index into the view's headings
        self._find_pending = False  # Enter was pressed; the find runs once the box has its keys

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="minutes-body"):
            yield OptionList(id="minutes-sections")
            yield MinutesView(self.markdown, id="minutes-view")
        yield Static(id="minutes-status")
        yield Input(placeholder="Find in the minutes: Enter searches, Esc closes", id="minutes-find", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        sidebar = self.query_one("#minutes-sections", OptionList)
        sidebar.border_title = "Sections"
        self.query_one("#minutes-find").display = False
        self._show_status()

    @property
    def view(self) -> MinutesView:
        return self.query_one("#minutes-view", MinutesView)

    # --- sidebar --------------------------------------------------------------------------

    @on(MinutesView.Loaded, "#minutes-view")
    def _fill_sidebar(self, event: MinutesView.Loaded) -> None:
        sidebar = self.query_one("#minutes-sections", OptionList)
        self._sections = [n for n, heading in enumerate(event.headings) if heading.level in (2, 3)]
        sidebar.clear_options()
        sidebar.add_options(Option(section_prompt(event.headings[n]), id=f"h{n}") for n in self._sections)
        self._sync_sidebar(self.view.current_section)
        self._show_status()
        if self._initial_find:
            query, self._initial_find = self._initial_find, ""
            self.query_one("#minutes-find", Input).value = query
            self.view.find(query)

    @on(OptionList.OptionSelected, "#minutes-sections")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        if event.option_id and event.option_id[1:].isdigit():
            self.view.jump_to(int(event.option_id[1:]))

    @on(MinutesView.SectionChanged, "#minutes-view")
    def _section_changed(self, event: MinutesView.SectionChanged) -> None:
        self._sync_sidebar(event.heading)

    def _sync_sidebar(self, heading: int | None) -> None:
        """Highlight the section being read (the last H2/H3 at or above it)."""
        if heading is None or not self._sections:
            return
        n = bisect.bisect_right(self._sections, heading) - 1
        sidebar = self.query_one("#minutes-sections", OptionList)
        # Above the first section (the title): no entry, rather than the last one left lit.
        wanted = n if n >= 0 else None
        if sidebar.highlighted != wanted:
            sidebar.highlighted = wanted

    # --- find -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "/" typed in the find box is text; Enter runs the find only from there.
        finding = self.focused is not None and self.focused.id == "minutes-find"
        if action == "find":
            return not finding
        if action == "run_find":
            return finding
        return True

    def action_find(self) -> None:
        find = self.query_one("#minutes-find", Input)
        find.display = True
        self.set_focus(find)  # now, not a message later: see BINDINGS

    def action_run_find(self) -> None:
        find = self.query_one("#minutes-find", Input)
        self._close_find()
        # Keys typed just before Enter may still wait in the box's own queue: the find runs
        # behind them, in that queue (and n / N typed meanwhile wait behind the find).
        self._find_pending = True
        find.call_later(self._find_typed)

    def _find_typed(self) -> None:
        self._find_pending = False
        query = self.query_one("#minutes-find", Input).value
        if query.strip():
            self.view.find(query)
        else:
            self.view.clear_find()

    def _close_find(self) -> None:
        find = self.query_one("#minutes-find", Input)
        find.display = False
        self.set_focus(self.view)

    @on(MinutesView.FindResult, "#minutes-view")
    def _find_result(self, event: MinutesView.FindResult) -> None:
        self._show_status()

    def action_next_match(self) -> None:
        if self._find_pending:
            self.query_one("#minutes-find", Input).call_later(self.action_next_match)
        elif self.view.find_query:
            self.view.find_next()
        else:
            self.action_find()

    def action_previous_match(self) -> None:
        if self._find_pending:
            self.query_one("#minutes-find", Input).call_later(self.action_previous_match)
        elif self.view.find_query:
            self.view.find_previous()
        else:
            self.action_find()

    def _show_status(self) -> None:
        view = self.view
        status = Text(no_wrap=True, overflow="ellipsis")
        if view.find_query:
            count, current = view.match_count, view.current_match
            if count:
                status.append(f" {current + 1 if current is not None else 0}/{count} ", style="bold reverse")
                status.append(f" matches for “{view.find_query}”   n next · N previous", style="")
            else:
                status.append(" 0 matches ", style="bold reverse")
                status.append(f" for “{view.find_query}”")
        else:
            status.append("Enter on a section jumps to it · Tab switches panes · / finds text", style="dim")
        self.query_one("#minutes-status", Static).update(status)

    # --- moving around --------------------------------------------------------------------

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#minutes-sections", OptionList)
        sidebar.display = not sidebar.display
        if not sidebar.display and self.focused is sidebar:
            self.view.focus()

    def action_top(self) -> None:
        self.view.scroll_to(y=0, animate=False)

    def action_bottom(self) -> None:
        self.view.scroll_to_end()

    def action_copy(self) -> None:
        any_app(self).copy_with_notice(self.markdown, "The minutes")

    def action_back(self) -> None:
        if self.query_one("#minutes-find", Input).display:
            self._close_find()
            return
        if len(self.app.screen_stack) > 1:
            self.dismiss()
        else:
            self.app.exit()

    def palette_commands(self) -> list[tuple[str, str, str]]:
        """Entries of the command palette while the minutes are shown."""
        return [
            ("minutes: find", "find", "Find text in the minutes"),
            ("minutes: toggle sections", "toggle_sidebar", "Show or hide the sections sidebar"),
            ("minutes: copy to the clipboard", "copy", "The whole minutes as Markdown (works over SSH: OSC 52)"),
            ("minutes: top", "top", "Go to the top"),
            ("minutes: bottom", "bottom", "Go to the end"),
            ("minutes: back", "back", "Go back to the previous screen"),
        ]
