"""What is new with the contributions teammates make between meetings: home's line ("4
contributions waiting for Tuesday's Weekly sync · 2 of yours taken in, 1 declined since …")
and review's line of the reviewer's own contributions and their fate, in the words
``tandem inbox`` and the minutes use (:meth:`~tandem.store.contrib.triage.Fate.words`:
waiting, taken into, declined in, deferred by).

Both read every contributions file and every meeting's triage (from the meeting index:
half a second at 20,000 meetings), in a worker of a background group (typing goes on
meanwhile), never before the screen's first frame; each is hidden while it has nothing
to say, and for someone config.toml's ``[me]`` does not name, what is theirs is not said.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static
from textual.worker import get_current_worker

from tandem.store.errors import TandemError
from tandem.store.lifecycle import next_meeting
from tandem.store.outside import one_line
from tandem.store.records import Meeting
from tandem.store.words import count
from tandem.tui.screen_base import from_worker

if TYPE_CHECKING:  # read in the worker: no part of start-up
    from tandem.store.contrib.records import Contribution
    from tandem.store.contrib.triage import Fate
    from tandem.store.workspace import Workspace

#: Home tells what became of the user's contributions over this many days.
RECENT_DAYS = 7
#: The worker group: in typeahead.BACKGROUND_GROUPS, so that keys are never held for it.
GROUP = "poll"
#: Home's first read waits this long after the screen is drawn (its first frame is written
#: by the driver's thread, which a busy interpreter starves; home's later rows wait alike).
FIRST_READ_AFTER_S = 0.3


def _everything(workspace: Workspace) -> list[tuple[Contribution, Fate]]:
    """Every contribution with its fate: the meetings' triage read once for all of them."""
    from tandem.store.contrib.triage import with_fates

    return with_fates(workspace)


@dataclass(frozen=True, slots=True)
class HomeNews:
    """What home says is new."""

    #: Contributions waiting for ``meeting`` (for any meeting when none is planned).
    waiting: int = 0
    meeting: Meeting | None = None
    #: Waiting topics by the series they are for ("": whichever meets next).
    topics: dict[str, int] = field(default_factory=dict)
    #: The user's own, decided (taken, declined, deferred) since ``since``, by fate.
    decided: dict[str, int] = field(default_factory=dict)
    since: date | None = None

    def topics_for(self, series_id: str) -> int:
        """The topics a planned meeting of the series is offered."""
        return self.topics.get("", 0) + (self.topics.get(series_id, 0) if series_id else 0)


def read_home_news(workspace: Workspace, pending: list[Meeting], today: date, me: str) -> HomeNews:
    """From every contribution and the meetings still to come (``HomeData.pending``)."""
    meeting = next_meeting(pending, today)
    everything = _everything(workspace)
    open_ = [c for c, fate in everything if c.status == "waiting" and fate.open]
    for_next = [c for c in open_ if meeting is None or c.series_id in ("", meeting.series_id)]
    topics = Counter(c.series_id for c in open_ if c.kind == "topic")
    since = today - timedelta(days=RECENT_DAYS)
    decided: Counter[str] = Counter()
    if me:
        for c, fate in everything:
            if c.author == me and fate.state in ("taken", "declined", "deferred") and fate.at[:10] >= since.isoformat():
                decided[fate.state] += 1
    return HomeNews(len(for_next), meeting, dict(topics), dict(decided), since)


def whose(meeting: Meeting, today: date) -> str:
    """ "Tuesday's Weekly sync": the day's name within a week, else its date."""
    title = one_line(meeting.title, 80)
    try:
        days = (date.fromisoformat(meeting.date) - today).days
    except ValueError:
        days = -1
    if days == 0:
        return f"today's {title}"
    if days == 1:
        return f"tomorrow's {title}"
    if 1 < days < 7:
        return f"{date.fromisoformat(meeting.date):%A}'s {title}"
    if meeting.status == "live":
        return f"the live {title}"
    return f"the {meeting.date} {title}"


def home_words(news: HomeNews, today: date) -> Text:
    """Home's line, or an empty text when nothing waits and nothing of the user's was decided."""
    text = Text()
    if news.waiting:
        m = news.meeting
        text.append(count(news.waiting, "contribution"), style="bold")
        text.append(f" waiting for {whose(m, today) if m is not None else 'the next meeting'}")
        topics = news.topics_for(m.series_id) if m is not None and m.status == "planned" else 0
        if topics:
            text.append(f" ({count(topics, 'topic')} for its agenda: t)")
    said = [(news.decided.get(state, 0), state) for state in ("taken", "declined", "deferred")]
    said = [(n, state) for n, state in said if n]
    if said and news.since is not None:
        if text:
            text.append("   ")
        parts = [f"{n} of yours {'taken in' if state == 'taken' else state}" if not k else f"{n} {state}" for k, (n, state) in enumerate(said)]
        text.append(", ".join(parts) + f" since {news.since:%a %d %b}")
    return text


class HomeNewsLine(Static):
    """Home's line of what is new, under the summary; hidden while it has nothing to say."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.news = HomeNews()
        self._reads = 0

    def on_mount(self) -> None:
        self.display = False

    def read(self, workspace: Workspace, pending: list[Meeting], today: date, me: str) -> None:
        """Read again (after home's own read); the first time, once the screen is drawn."""
        self._reads += 1

        def start() -> None:
            self.run_worker(lambda: self._read(workspace, pending, today, me), thread=True, exclusive=True, group=GROUP)

        if self._reads == 1:
            self.set_timer(FIRST_READ_AFTER_S, start)
        else:
            start()

    def _read(self, workspace: Workspace, pending: list[Meeting], today: date, me: str) -> None:
        try:
            news = read_home_news(workspace, pending, today, me)
        except (TandemError, OSError):
            return  # the files are the inbox's and doctor's to complain about, not home's line
        if not get_current_worker().is_cancelled:
            from_worker(self, self._show, news, today)

    def _show(self, news: HomeNews, today: date) -> None:
        self.news = news
        text = home_words(news, today)
        self.update(text)
        self.display = bool(text)
        self.screen.refresh_bindings()  # the topics key follows what waits


# --- review: the reviewer's own --------------------------------------------------------------

#: Review's line names at most this many fates; the rest are counted.
SHOWN_FATES = 4


def mine_words(mine: list[tuple[Contribution, Fate]]) -> Text:
    """ "Your contributions: 2 waiting · 1 taken into 2026-12-08 Weekly sync · 1 declined in
    2026-12-08 Weekly sync: not our ICP (lead feedback SF-77)": the same fate told once with
    its count; the open ones first, then the latest decisions. Empty when there are none."""
    groups: dict[str, list[tuple[Contribution, Fate]]] = {}
    withdrawn = 0
    for c, fate in mine:
        if fate.state == "withdrawn":
            withdrawn += 1
            continue
        words = one_line(fate.words(), 160)
        if fate.state == "declined":
            words += f" ({c.noun} {one_line(c.subject, 40)})"  # which one: the reason is for it
        groups.setdefault(words, []).append((c, fate))
    if not groups and not withdrawn:
        return Text()

    # Open first (newest contribution first), then the decisions, the latest first.
    ranked = [g for g in groups.items() if g[1][0][1].open]
    ranked += sorted((g for g in groups.items() if not g[1][0][1].open), key=lambda g: max(f.at for _, f in g[1]), reverse=True)
    text = Text()
    text.append("Your contributions: ", style="bold")
    parts = [f"{len(rows)} {words}" for words, rows in ranked[:SHOWN_FATES]]
    rest = sum(len(rows) for _, rows in ranked[SHOWN_FATES:])
    if rest:
        parts.append(f"{rest} more (tandem inbox --mine --all)")
    if withdrawn:
        parts.append(f"{withdrawn} withdrawn")
    text.append(" · ".join(parts))
    return text


class YourContributions(Static):
    """Review's line of the reviewer's own contributions and what the meetings did with them."""

    DEFAULT_CSS = """
    YourContributions {
        height: auto;
        max-height: 2;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.display = False

    def reload(self, workspace: Workspace | None, me: str) -> None:
        """Read again (in a worker), for ``me`` (config.toml's ``[me]``); hidden without one
        or without a workspace (a folder of minutes)."""
        if workspace is None or not me:
            self.display = False
            return
        self.run_worker(lambda: self._read(workspace, me), thread=True, exclusive=True, group=GROUP)

    def _read(self, workspace: Workspace, me: str) -> None:
        try:
            mine = [(c, fate) for c, fate in _everything(workspace) if c.author == me]
        except (TandemError, OSError):
            return
        if not get_current_worker().is_cancelled:
            from_worker(self, self._show, mine_words(mine))

    def _show(self, text: Text) -> None:
        self.update(text)
        self.tooltip = text if text else None  # whole, where two lines cut it
        self.display = bool(text)
