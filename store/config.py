"""Your settings: ``config.toml`` in tandem's config folder, read into a typed model.

The file lives next to your own agenda templates: ``<config dir>/tandem/config.toml``, where
the config dir is the platform's (``~/.config`` on Linux, ``~/Library/Application Support`` on
macOS, ``%APPDATA%`` on Windows), or the folder in ``TANDEM_CONFIG_DIR``. ``tandem config
path`` prints it, ``tandem config show`` prints the settings in effect, ``tandem config check``
validates the file. Every key is optional; a missing file means every default::

    # Who facilitates a new meeting, when its series has no previous meeting to copy.
    facilitator = "Dana Kim"

    # Where `tandem export --all` writes when --out is not given (absolute, or ~/...).
    export_dir = "~/minutes"

    # A Textual theme: textual-dark, textual-light, nord, gruvbox, dracula, tokyo-night,
    # monokai, flexoki, catppuccin-mocha, solarized-light, ... (empty: Textual's default).
    theme = "nord"

    # When the active item's timebox runs out, besides its timer turning red: "bell" (the
    # terminal's), "flash" (the item's heading), "both", or "off".
    overrun_alert = "flash"

    # The agenda template a series' first meeting starts from (its id: `tandem templates list`).
    [series.weekly-smarketing-sync]
    template = "weekly-smarketing-sync"

    # Your CRM's words. Sources and personas are extra suggestions in the capture forms,
    # besides the words already in use. Reason codes and funnel stages replace the lists
    # the lead-feedback form offers (in this order; snake_case codes, shown with spaces);
    # codes already stored stay valid. Teams: what the forms call the teams.
    [vocabulary]
    lead_sources = ["LinkedIn ads", "Webinar", "Partner referral"]
    personas = ["RevOps lead", "CFO"]
    reason_codes = ["not_icp", "no_budget", "student", "competitor_customer", "other"]
    funnel_stages = ["lead", "mql", "sql", "discovery", "proposal", "won", "lost"]
    teams = { sales = "Revenue", marketing = "Growth" }

    # A workspace shared through git (`tandem sync init` / `clone`): when the app syncs it
    # on its own, in the background. "On start" is a full sync (it commits what changed
    # here first, which is what makes taking the team's changes safe), when the app or
    # review opens. "After meeting": when a meeting starts (the facilitator's claim travels),
    # ends or is finalized. "On quit": a `tandem sync` left running after the app closes.
    # auto = false turns all of it off; a workspace that is not shared never syncs.
    [sync]
    auto = true
    on_start = true
    after_meeting = true
    on_quit = true
    timeout_s = 60

    # Who you are, on the contributions you add between meetings (`tandem add …`); asked
    # once, or set with `tandem me "Ana Ruiz" --team sales`. Team: sales, marketing or other.
    [me]
    name = "Ana Ruiz"
    team = "sales"

    # How your CRM's lead exports read (`tandem import leads FILE.csv`): a preset, hubspot or
    # salesforce, and any column or value of yours on top (store/crm/settings.py has them all).
    [crm]
    preset = "hubspot"
    [crm.columns]
    persona = "Buyer Persona"
    [crm.status]
    "Nurture" = "recycled"

    # When planned meetings start (HH:MM): meetings record a day, not a time, so the
    # calendar export and `tandem status` take the time from here; a series may have its own.
    [calendar]
    start = "10:00"
    [calendar.series]
    weekly-smarketing-sync = "09:30"

    # How exported minutes write action items, for a vault's task plugin: "plain" (tandem's
    # own), "tasks" (Obsidian Tasks: - [ ] text 📅 2026-12-10) or "dataview" ([due:: …]).
    [minutes]
    actions = "tasks"

    # E-mail addresses by name, as the team writes names: e-mail minutes are addressed to
    # the attendees (absentees as Cc), digests to their owner, and calendar events name them.
    [people]
    "Maya Thompson" = "maya@example.com"

    # Your keys, by binding id (the help screen, ? or F1, lists every id). Several keys: "a,b".
    [keymap]
    "home.new_meeting" = "ctrl+n"
    "live.next" = "ctrl+j"

A broken file never stops tandem: what is wrong is reported as ``FILE:LINE: key: message``
(by ``tandem config check``, and as a notification when an app opens), and each setting that
is wrong falls back to its default while the others still apply. A TOML syntax error makes
the whole file unreadable, so then everything is a default.

No Textual here: what only the terminal side knows — the theme names, the binding ids, the
key names, the template ids — is passed in by the caller (see :class:`Known`).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from tandem.store.crm.settings import CrmConfig, read_crm, render_crm
from tandem.store.errors import CorruptFileError
from tandem.store.outside import read_outside

FILE_NAME = "config.toml"
MAX_BYTES = 256 * 1024

#: The top-level keys, in the order `tandem config show` prints them.
TOP_KEYS = ("facilitator", "export_dir", "theme", "overrun_alert", "series", "vocabulary", "sync", "me", "crm", "calendar", "minutes", "people", "keymap")
#: How the live screen tells that the item's timebox has run out, beyond its timer's colour.
OVERRUN_ALERTS = ("off", "bell", "flash", "both")
SERIES_KEYS = ("template",)
VOCABULARY_KEYS = ("lead_sources", "personas", "reason_codes", "funnel_stages", "teams")
ME_KEYS = ("name", "team")
MINUTES_KEYS = ("actions",)
#: How exported minutes write action items (``[minutes] actions``).
ACTION_STYLES = ("plain", "tasks", "dataview")
#: The teams a person belongs to (``[me] team``): an attendee's.
ME_TEAMS = ("sales", "marketing", "other")
SYNC_KEYS = ("auto", "on_start", "after_meeting", "on_quit", "timeout_s")
#: The bounds of ``[sync] timeout_s``: one fetch and one push over a slow link fit in the
#: lower; past the upper, a sync that hangs is better told than waited for.
SYNC_TIMEOUT_S = (5, 600)
CALENDAR_KEYS = ("start", "series")
#: A time of day as ``[calendar]`` writes it: HH:MM, 24-hour.
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
#: The teams a config may name (``[vocabulary] teams``): the attendees' and the owners'.
TEAM_IDS = ("sales", "marketing", "other", "shared")
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")

_SERIES_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: A reason code or a funnel stage: what records accept (see :data:`tandem.store.records.CODE`).
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def config_dir() -> Path:
    """tandem's config folder: ``TANDEM_CONFIG_DIR``, else the platform's user config dir.
    Your agenda templates live in its ``templates`` folder, your settings in ``config.toml``."""
    override = os.environ.get("TANDEM_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path("tandem", appauthor=False)


def config_path() -> Path:
    """Where ``config.toml`` is (whether or not it exists)."""
    return config_dir() / FILE_NAME


# --- the model -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeriesConfig:
    """Settings of one series, ``[series.<series-id>]``."""

    #: The agenda template (its id) a new meeting of the series starts from when the series
    #: has no previous meeting; empty: the series' own default.
    template: str = ""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """``[vocabulary]``: the team's own words in the capture forms."""

    #: Lead sources / campaigns, suggested in the lead-feedback form.
    lead_sources: tuple[str, ...] = ()
    #: Personas / segments, suggested in the lead-feedback, insight and content forms.
    personas: tuple[str, ...] = ()
    #: The reasons a lead can be ticked with, in order (empty: tandem's own list).
    reason_codes: tuple[str, ...] = ()
    #: The funnel stages, first to last (empty: tandem's own: mql, sal, sql, ...).
    funnel_stages: tuple[str, ...] = ()
    #: Team id (sales, marketing, other, shared) → the name the forms show for it.
    teams: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SyncConfig:
    """``[sync]``: when the app syncs a workspace shared through git on its own (in the
    background, never a commit per keystroke). Nothing happens in a workspace that is not
    shared."""

    #: The master switch: False, the app never syncs by itself (``tandem sync`` still does).
    auto: bool = True
    #: Sync when the app or ``tandem review`` opens: the team's changes come in (a full
    #: sync: what changed here is committed first, which is what makes the merge safe).
    on_start: bool = True
    #: Sync when a meeting starts (so the facilitator's claim reaches the team), ends or
    #: is finalized.
    after_meeting: bool = True
    #: On quit, leave a ``tandem sync`` running; the app does not wait for it.
    on_quit: bool = True
    #: How long a sync may take before it is stopped (and said so); seconds.
    timeout_s: float = 60.0


@dataclass(frozen=True, slots=True)
class MeConfig:
    """``[me]``: who you are, on what you contribute between meetings."""

    #: Your name as the team knows it ("": not said yet; a contributing command asks).
    name: str = ""
    #: Your team: sales, marketing or other.
    team: str = "other"


@dataclass(frozen=True, slots=True)
class CalendarConfig:
    """``[calendar]``: when planned meetings start. Meetings and templates record a day,
    not a time, so the calendar export and ``tandem status`` take the time from here."""

    #: When a planned meeting starts, unless its series has its own.
    start: time = time(10, 0)
    #: Series id → its own start.
    series: dict[str, time] = field(default_factory=dict)

    def start_of(self, series_id: str) -> time:
        return self.series.get(series_id, self.start)


@dataclass(frozen=True, slots=True)
class MinutesConfig:
    """``[minutes]``: how exported minutes write action items, for a vault's task plugin."""

    #: One of ACTION_STYLES: tandem's own lines, Obsidian Tasks' emoji, or Dataview fields.
    actions: str = "plain"


@dataclass(frozen=True, slots=True)
class Config:
    """The settings in effect: each one from the file, or its default."""

    #: Facilitator of a new meeting whose series has no previous meeting ("": none).
    facilitator: str = ""
    #: Folder for ``tandem export --all`` without ``--out`` (None: --out is required).
    export_dir: Path | None = None
    #: A Textual theme name ("": Textual's default).
    theme: str = ""
    #: When the active item's timebox runs out: the terminal bell, a flash of the item's
    #: heading, both, or nothing but the timer turning red (one of OVERRUN_ALERTS).
    overrun_alert: str = "off"
    #: Per-series settings, by series id.
    series: dict[str, SeriesConfig] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    sync: SyncConfig = field(default_factory=SyncConfig)
    me: MeConfig = field(default_factory=MeConfig)
    #: ``[crm]``: how a CRM's lead exports read (``store/crm/settings.py``).
    crm: CrmConfig = field(default_factory=CrmConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    minutes: MinutesConfig = field(default_factory=MinutesConfig)
    #: ``[people]``: name → e-mail address (``store/addresses.py``).
    people: dict[str, str] = field(default_factory=dict)
    #: Binding id → keys (Textual's syntax: "ctrl+n", several as "f2,ctrl+e").
    keymap: dict[str, str] = field(default_factory=dict)

    def series_template(self, series_id: str) -> str:
        entry = self.series.get(series_id)
        return entry.template if entry else ""


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One thing wrong with the file, located by line (1-based)."""

    path: Path
    line: int
    key: str  # dotted, as written in TOML ("keymap.\"live.next\""); "" for syntax errors
    message: str

    def format(self) -> str:
        where = f"{self.path}:{self.line}: "
        return f"{where}{self.key}: {self.message}" if self.key else f"{where}{self.message}"

    def __str__(self) -> str:
        return self.format()


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    """What :func:`load_config` found: the config in effect, where each value came from,
    and the problems (empty when the file is fine or missing)."""

    config: Config
    path: Path
    exists: bool
    #: Dotted keys (as in :attr:`ConfigProblem.key`) whose value came from the file.
    from_file: frozenset[str] = frozenset()
    problems: tuple[ConfigProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def origin(self, key: str) -> str:
        return "file" if key in self.from_file else "default"


@dataclass(frozen=True, slots=True)
class Known:
    """What the caller knows and store/ does not; ``None`` skips that check.

    The terminal side passes Textual's theme names, the ids of every binding of the apps,
    a test for key names and the agenda templates' ids."""

    themes: Iterable[str] | None = None
    binding_ids: Iterable[str] | None = None
    key_name: Callable[[str], bool] | None = None
    templates: Iterable[str] | None = None


# --- reading ---------------------------------------------------------------------------


def load_config(path: Path | None = None, known: Known | None = None) -> LoadedConfig:
    """Read and validate ``path`` (default: :func:`config_path`). Never raises for a bad or
    unreadable file: the problems come back with the defaults in their place."""
    path = path if path is not None else config_path()
    known = known or Known()
    try:
        # Not limited to the config folder: a config.toml linked from a dotfiles clone is
        # common. read_outside's own limit stops a huge file before it is read whole.
        raw = read_outside(path)
    except FileNotFoundError:
        return LoadedConfig(Config(), path, exists=False)
    except CorruptFileError as exc:
        detail = "this is a folder, not a config file" if exc.detail.startswith("it is a folder") else exc.detail
        return _broken(path, 1, detail)
    except OSError as exc:
        return _broken(path, 1, f"cannot be read ({exc.strerror or exc})")
    if len(raw) > MAX_BYTES:
        return _broken(path, 1, f"the file is {len(raw) // 1024} KB; a config file may be at most {MAX_BYTES // 1024} KB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return _broken(path, line, "not UTF-8 text")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column (\d+)\)$", message)
        line = int(found.group(1)) if found else 1
        if found:
            message = f"{message[: found.start()].rstrip()} (column {found.group(2)})"
        elif message.endswith("(at end of document)"):
            line = text.count("\n") + 1
            message = message.removesuffix("(at end of document)").rstrip() + " (at the end of the file)"
        return _broken(path, line, f"not valid TOML: {message[:1].lower()}{message[1:]}")
    except RecursionError:
        # tomllib recurses once per level of [ or {: a few hundred levels exhaust the stack.
        line = _deep_nesting_line(text)
        return _broken(path, line, "lists or tables are nested too deeply to read (hundreds of [ or { inside each other)")
    return _Validator(path, text, known).run(data)


#: Deeper than any setting needs (three: [vocabulary] teams = { … }): past it, a nesting
#: that broke the TOML reader is reported.
MAX_NESTING = 32


def _deep_nesting_line(text: str) -> int:
    """The line where ``[`` and ``{`` first nest deeper than :data:`MAX_NESTING`, outside
    strings and comments (1 if they never do). Only locates the problem for the message."""
    depth, quote = 0, ""
    for number, line in enumerate(text.split("\n"), 1):
        escaped = False
        for ch in line:
            if quote:
                if escaped:
                    escaped = False
                elif ch == "\\" and quote == '"':
                    escaped = True
                elif ch == quote:
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch == "#":
                break
            elif ch in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    return number
            elif ch in "]}":
                depth = max(depth - 1, 0)
        quote = ""  # a one-line string ends with its line (multi-line ones are rare here)
    return 1


def _broken(path: Path, line: int, message: str) -> LoadedConfig:
    return LoadedConfig(Config(), path, exists=True, problems=(ConfigProblem(path, line, "", message),))


def toml_key(part: str) -> str:
    """One key as TOML writes it: bare when it can be, else quoted."""
    return part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else json.dumps(part, ensure_ascii=False)


def dotted(*parts: str) -> str:
    return ".".join(toml_key(p) for p in parts)


def _type_name(value: object) -> str:
    names = {str: "a string", bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


class _Validator:
    def __init__(self, path: Path, text: str, known: Known) -> None:
        self.path = path
        self.lines = _KeyLines(text)
        self.known = known
        self.problems: list[ConfigProblem] = []
        self.from_file: set[str] = set()

    def problem(self, parts: tuple[str, ...], message: str) -> None:
        self.problems.append(ConfigProblem(self.path, self.lines.line_of(parts), dotted(*parts), message))

    def string(self, parts: tuple[str, ...], value: object, *, empty_ok: bool = True) -> str | None:
        if not isinstance(value, str):
            self.problem(parts, f"must be a string (in quotes), not {_type_name(value)}")
            return None
        value = value.strip()
        if not value and not empty_ok:
            self.problem(parts, "must not be empty")
            return None
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            self.problem(parts, "must not contain control characters")
            return None
        return value

    def table(self, parts: tuple[str, ...], value: object) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(parts, f"must be a table ([{dotted(*parts)}]), not {_type_name(value)}")
            return None
        return value

    def unknown(self, parts: tuple[str, ...], allowed: tuple[str, ...]) -> None:
        where = f"in [{dotted(*parts[:-1])}]" if len(parts) > 1 else "at the top level"
        self.problem(parts, f"unknown key {where}; known keys: {', '.join(allowed)}")

    def run(self, data: dict[str, Any]) -> LoadedConfig:
        values: dict[str, Any] = {}
        for key, value in data.items():
            parts = (key,)
            if key not in TOP_KEYS:
                self.unknown(parts, TOP_KEYS)
            elif key == "facilitator":
                name = self.string(parts, value)
                if name is not None:
                    values[key] = name[:200]
                    self.from_file.add(key)
            elif key == "export_dir":
                folder = self.export_dir(parts, value)
                if folder is not None:
                    values[key] = folder
                    self.from_file.add(key)
            elif key == "theme":
                theme = self.theme(parts, value)
                if theme is not None:
                    values[key] = theme
                    self.from_file.add(key)
            elif key == "overrun_alert":
                alert = self.string(parts, value, empty_ok=False)
                if alert is not None and alert not in OVERRUN_ALERTS:
                    self.problem(parts, f"{alert!r} is not one of: {', '.join(OVERRUN_ALERTS)}")
                elif alert is not None:
                    values[key] = alert
                    self.from_file.add(key)
            elif key == "series":
                values[key] = self.series(parts, value)
            elif key == "vocabulary":
                values[key] = self.vocabulary(parts, value)
            elif key == "sync":
                values[key] = self.sync(parts, value)
            elif key == "me":
                values[key] = self.me(parts, value)
            elif key == "crm":
                values[key] = read_crm(self, parts, value)
            elif key == "calendar":
                values[key] = self.calendar(parts, value)
            elif key == "minutes":
                values[key] = self.minutes(parts, value)
            elif key == "people":
                values[key] = self.people(parts, value)
            elif key == "keymap":
                values[key] = self.keymap(parts, value)
        config = Config(**values)
        problems = tuple(sorted(self.problems, key=lambda p: p.line))
        return LoadedConfig(config, self.path, exists=True, from_file=frozenset(self.from_file), problems=problems)

    def export_dir(self, parts: tuple[str, ...], value: object) -> Path | None:
        text = self.string(parts, value, empty_ok=False)
        if text is None:
            return None
        folder = Path(text).expanduser()
        if not folder.is_absolute():
            self.problem(parts, f"{text!r} is relative; give an absolute folder or one starting with ~/")
            return None
        if folder.exists() and not folder.is_dir():
            self.problem(parts, f"{folder} is a file, not a folder")
            return None
        return folder

    def theme(self, parts: tuple[str, ...], value: object) -> str | None:
        name = self.string(parts, value)
        if name is None or not name:
            return name
        if self.known.themes is not None:
            themes = sorted(self.known.themes)
            if name not in themes:
                self.problem(parts, f"no theme {name!r}; themes: {', '.join(themes)}")
                return None
        return name

    def series(self, parts: tuple[str, ...], value: object) -> dict[str, SeriesConfig]:
        table = self.table(parts, value)
        result: dict[str, SeriesConfig] = {}
        templates = set(self.known.templates) if self.known.templates is not None else None
        for series_id, entry in (table or {}).items():
            here = (*parts, series_id)
            if not _SERIES_ID.match(series_id):
                self.problem(here, "not a series id: lower-case letters, digits and dashes, like weekly-smarketing-sync (`tandem list` shows them)")
                continue
            settings = self.table(here, entry)
            if settings is None:
                continue
            fields: dict[str, str] = {}
            for key, item in settings.items():
                at = (*here, key)
                if key not in SERIES_KEYS:
                    self.unknown(at, SERIES_KEYS)
                    continue
                template = self.string(at, item, empty_ok=False)
                if template is None:
                    continue
                if templates is not None and template not in templates:
                    self.problem(at, f"no template {template!r}; templates: {', '.join(sorted(templates)) or 'none'}")
                    continue
                fields[key] = template
                self.from_file.add(dotted(*at))
            if fields:
                result[series_id] = SeriesConfig(**fields)
        return result

    def vocabulary(self, parts: tuple[str, ...], value: object) -> Vocabulary:
        table = self.table(parts, value)
        fields: dict[str, Any] = {}
        for key, item in (table or {}).items():
            at = (*parts, key)
            if key not in VOCABULARY_KEYS:
                self.unknown(at, VOCABULARY_KEYS)
                continue
            if key == "teams":
                teams = self.teams(at, item)
                if teams is not None:
                    fields[key] = teams
                    self.from_file.add(dotted(*at))
                continue
            if not isinstance(item, list):
                self.problem(at, f'must be a list of strings, like ["Webinar", "Paid search"], not {_type_name(item)}')
                continue
            words: list[str] = []
            for n, word in enumerate(item, 1):
                if not isinstance(word, str):
                    self.problem(at, f"entry {n} must be a string (in quotes), not {_type_name(word)}")
                    break
                if not word.strip():
                    self.problem(at, f"entry {n} is empty")
                    break
                if key in ("reason_codes", "funnel_stages") and not (_CODE.match(word.strip()) and len(word.strip()) <= 40):
                    self.problem(at, f"entry {n}, {word!r}, is not a code: lower-case letters and digits joined by _, like no_budget (at most 40)")
                    break
                words.append(word.strip()[:200])
            else:
                fields[key] = tuple(dict.fromkeys(words))
                self.from_file.add(dotted(*at))
        return Vocabulary(**fields)

    def sync(self, parts: tuple[str, ...], value: object) -> SyncConfig:
        table = self.table(parts, value)
        fields: dict[str, Any] = {}
        low, high = SYNC_TIMEOUT_S
        for key, item in (table or {}).items():
            at = (*parts, key)
            if key not in SYNC_KEYS:
                self.unknown(at, SYNC_KEYS)
                continue
            if key == "timeout_s":
                # TOML's true is a Python int: not a number of seconds.
                if isinstance(item, bool) or not isinstance(item, (int, float)):
                    self.problem(at, f"must be a number of seconds, like 60, not {_type_name(item)}")
                    continue
                if not low <= item <= high:  # NaN fails both
                    self.problem(at, f"{item} is out of range: from {low} to {high} seconds")
                    continue
                fields[key] = float(item)
            elif not isinstance(item, bool):
                self.problem(at, f"must be true or false, not {_type_name(item)}")
                continue
            else:
                fields[key] = item
            self.from_file.add(dotted(*at))
        return SyncConfig(**fields)

    def me(self, parts: tuple[str, ...], value: object) -> MeConfig:
        table = self.table(parts, value)
        fields: dict[str, str] = {}
        for key, item in (table or {}).items():
            at = (*parts, key)
            if key not in ME_KEYS:
                self.unknown(at, ME_KEYS)
                continue
            text = self.string(at, item, empty_ok=False)
            if text is None:
                continue
            if key == "name" and len(text) > 200:
                self.problem(at, f"is {len(text)} characters long; a name may have at most 200")
                continue
            if key == "team" and text not in ME_TEAMS:
                self.problem(at, f"{text!r} is not one of: {', '.join(ME_TEAMS)}")
                continue
            fields[key] = text
            self.from_file.add(dotted(*at))
        return MeConfig(**fields)

    def calendar(self, parts: tuple[str, ...], value: object) -> CalendarConfig:
        table = self.table(parts, value)
        fields: dict[str, Any] = {}
        for key, item in (table or {}).items():
            at = (*parts, key)
            if key not in CALENDAR_KEYS:
                self.unknown(at, CALENDAR_KEYS)
            elif key == "start":
                start = self.clock(at, item)
                if start is not None:
                    fields[key] = start
                    self.from_file.add(dotted(*at))
            else:
                starts: dict[str, time] = {}
                for series_id, text in (self.table(at, item) or {}).items():
                    here = (*at, series_id)
                    if not _SERIES_ID.match(series_id):
                        self.problem(here, "not a series id: lower-case letters, digits and dashes, like weekly-smarketing-sync (`tandem list` shows them)")
                        continue
                    start = self.clock(here, text)
                    if start is not None:
                        starts[series_id] = start
                        self.from_file.add(dotted(*here))
                fields[key] = starts
        return CalendarConfig(**fields)

    def clock(self, parts: tuple[str, ...], value: object) -> time | None:
        """A time of day: "09:30", or TOML's own local time (09:30:00)."""
        if isinstance(value, time) and value.tzinfo is None and not value.second and not value.microsecond:
            return value
        found = _CLOCK.match(value.strip()) if isinstance(value, str) else None
        if found is None or int(found.group(1)) > 23 or int(found.group(2)) > 59:
            shown = repr(value) if isinstance(value, str) else _type_name(value)
            self.problem(parts, f'{shown} is not a time of day; write it as HH:MM in quotes, like "09:30"')
            return None
        return time(int(found.group(1)), int(found.group(2)))

    def people(self, parts: tuple[str, ...], value: object) -> dict[str, str]:
        from tandem.store.addresses import address_problem, same_person

        found: dict[str, str] = {}
        for name, item in (self.table(parts, value) or {}).items():
            at = (*parts, name)
            if not name.strip() or len(name) > 200 or not name.isprintable():
                self.problem(at, "is not a name: up to 200 printable characters, as the team writes it")
                continue
            if any(same_person(name, seen) for seen in found):
                self.problem(at, "names the same person as another line")
                continue
            text = self.string(at, item, empty_ok=False)
            if text is None:
                continue
            problem = address_problem(text.strip())
            if problem is not None:
                self.problem(at, problem)
                continue
            found[name] = text.strip()
            self.from_file.add(dotted(*at))
        return found

    def minutes(self, parts: tuple[str, ...], value: object) -> MinutesConfig:
        table = self.table(parts, value)
        fields: dict[str, str] = {}
        for key, item in (table or {}).items():
            at = (*parts, key)
            if key not in MINUTES_KEYS:
                self.unknown(at, MINUTES_KEYS)
                continue
            text = self.string(at, item, empty_ok=False)
            if text is not None and text not in ACTION_STYLES:
                self.problem(at, f"{text!r} is not one of: {', '.join(ACTION_STYLES)}")
            elif text is not None:
                fields[key] = text
                self.from_file.add(dotted(*at))
        return MinutesConfig(**fields)

    def teams(self, parts: tuple[str, ...], value: object) -> dict[str, str] | None:
        table = self.table(parts, value)
        if table is None:
            return None
        names: dict[str, str] = {}
        for team, name in table.items():
            at = (*parts, team)
            if team not in TEAM_IDS:
                self.problem(at, f"no team {team!r}; teams: {', '.join(TEAM_IDS)}")
                continue
            text = self.string(at, name, empty_ok=False)
            if text is None:
                continue
            text = text.strip()[:40]
            if "," in text or "(" in text:
                self.problem(at, "a team name can't hold a comma or a bracket (they separate a person's name from the team)")
                continue
            clash = next((t for t, n in names.items() if n.casefold() == text.casefold()), None)
            if clash or text.casefold() in (t for t in TEAM_IDS if t != team):
                self.problem(at, f"{text!r} already names the team {clash or text.casefold()!r}")
                continue
            names[team] = text
        return names

    def keymap(self, parts: tuple[str, ...], value: object) -> dict[str, str]:
        table = self.table(parts, value)
        ids = set(self.known.binding_ids) if self.known.binding_ids is not None else None
        result: dict[str, str] = {}
        for binding_id, keys in (table or {}).items():
            at = (*parts, binding_id)
            if isinstance(keys, dict):  # "live.next" written bare: TOML made it a table
                self.problem(at, 'a binding id with dots must be quoted: "live.next" = "ctrl+j"')
                continue
            if ids is not None and binding_id not in ids:
                import difflib  # only for a mistyped id

                close = difflib.get_close_matches(binding_id, sorted(ids), n=3, cutoff=0.6)
                hint = f"; did you mean {' or '.join(close)}?" if close else ""
                hint += " (`tandem config show` lists every id)"
                self.problem(at, f"no binding with this id{hint}")
                continue
            text = self.string(at, keys, empty_ok=False)
            if text is None:
                continue
            error = key_list_problem(text, self.known.key_name)
            if error:
                self.problem(at, error)
                continue
            result[binding_id] = text
            self.from_file.add(dotted(*at))
        return result


def key_list_problem(text: str, key_name: Callable[[str], bool] | None = None) -> str:
    """Why ``text`` is not a list of keys in Textual's syntax ("ctrl+n", "f2,ctrl+e"), or ""."""
    for key in (k.strip() for k in text.split(",")):
        if not key:
            return f'{text!r} has an empty key; separate keys with single commas (write a comma key as "comma")'
        if " " in key:
            return f"{key!r} has a space; join modifiers with +, like ctrl+shift+n"
        *mods, name = key.split("+") if len(key) > 1 else [key]
        for mod in mods:
            if mod not in MODIFIERS:
                return f"{key!r}: {mod or 'an empty part'!r} is not a modifier ({', '.join(MODIFIERS)})"
        if len(set(mods)) != len(mods):
            return f"{key!r} repeats a modifier"
        if not name:
            return f"{key!r} has no key after the last +"
        if len(name) > 1 and not _KEY_NAME.match(name):
            return f"{key!r}: {name!r} is not a key name (lower case, like f2, escape, pageup, question_mark)"
        if len(name) > 1 and key_name is not None and not key_name(name):
            return f"{key!r}: no key is called {name!r} (e.g. a, f2, escape, enter, tab, space, pageup, question_mark)"
    return ""


class _KeyLines:
    """Finds the line of a key in TOML text: under which table header, or by dotted key,
    or inside an inline table (then the line of the outermost key written)."""

    #: The longest key whose prefixes are indexed; settings are at most four keys deep.
    _PREFIX_DEPTH = 8

    def __init__(self, text: str) -> None:
        self.entries: list[tuple[tuple[str, ...], int]] = []
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.splitlines(), 1):
            key = _header_key(line)
            if key is not None:
                parsed = _parse_key(key)
                if parsed is not None and parsed[1] == len(key):
                    table = parsed[0]
                    self.entries.append((table, number))
                    continue
            parsed = _parse_key(line.lstrip())
            if parsed is not None:
                rest = line.lstrip()[parsed[1] :].lstrip()
                if rest.startswith("=") and not rest.startswith("=="):
                    self.entries.append(((*table, *parsed[0]), number))
        # Looked up by key, not by a scan of every entry per problem: a file of thousands
        # of wrong keys is reported in linear time.
        self.first: dict[tuple[str, ...], int] = {}
        self.first_under: dict[tuple[str, ...], int] = {}
        for parts, number in self.entries:
            self.first.setdefault(parts, number)
            for end in range(1, min(len(parts), self._PREFIX_DEPTH) + 1):
                self.first_under.setdefault(parts[:end], number)

    def line_of(self, parts: tuple[str, ...]) -> int:
        if parts in self.first:
            return self.first[parts]
        # A dotted key that makes the table: live.next = …
        if len(parts) <= self._PREFIX_DEPTH:
            if parts in self.first_under:
                return self.first_under[parts]
        else:
            found = next((number for key, number in self.entries if key[: len(parts)] == parts), None)
            if found is not None:
                return found
        # Else the nearest table or key above it.
        for end in range(len(parts) - 1, 0, -1):
            if parts[:end] in self.first:
                return self.first[parts[:end]]
        return 1


def _header_key(line: str) -> str | None:
    """The key of a table header line (``[a.b]``, ``[[a]]``, a comment may follow), blanks
    around it dropped; None for any other line. Scanned, not matched: a pattern with a lazy
    key between runs of blanks backtracked cubically over a long run of them."""
    text = line.lstrip()
    if not text.startswith("["):
        return None
    inner = text[2:] if text.startswith("[[") else text[1:]
    close = inner.find("]")
    if close < 0:
        return None
    rest = inner[close + 1 :]
    rest = (rest[1:] if rest.startswith("]") else rest).lstrip()
    if rest and not rest.startswith("#"):
        return None
    return inner[:close].strip()


def _parse_key(text: str) -> tuple[tuple[str, ...], int] | None:
    """A TOML key (bare, quoted or dotted) at the start of ``text``: its parts and where it
    ends; None if ``text`` does not start with one."""
    parts: list[str] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == '"':
            match = re.compile(r'"((?:[^"\\]|\\.)*)"').match(text, pos)
            if not match:
                return None
            try:
                parts.append(json.loads(match.group(0)))
            except ValueError:
                parts.append(match.group(1))
            pos = match.end()
        elif pos < len(text) and text[pos] == "'":
            end = text.find("'", pos + 1)
            if end < 0:
                return None
            parts.append(text[pos + 1 : end])
            pos = end + 1
        else:
            match = re.compile(r"[A-Za-z0-9_-]+").match(text, pos)
            if not match:
                return None
            parts.append(match.group(0))
            pos = match.end()
        after = pos
        while after < len(text) and text[after] in " \t":
            after += 1
        if after < len(text) and text[after] == ".":
            pos = after + 1
            continue
        return tuple(parts), pos


# --- writing ---------------------------------------------------------------------------


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(value)
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }" if value else "{}"
    raise TypeError(value)


def render_config(loaded: LoadedConfig, default_keys: dict[str, str] | None = None) -> str:
    """The config in effect as TOML, each value commented with where it came from.

    ``default_keys`` (binding id → its default keys) lists every binding in ``[keymap]``:
    the ones the file changes as settings, the others as comments."""
    config = loaded.config
    state = "" if loaded.exists else " (no such file: every value is a default)"
    out = [
        "# tandem settings in effect",
        f"# file: {loaded.path}{state}",
    ]
    if loaded.problems:
        out.append(f"# {len(loaded.problems)} problem(s) in the file; those settings use their defaults ('tandem config check')")
    out.append("")

    def origin(key: str, default_note: str = "") -> str:
        if loaded.origin(key) == "file":
            return "# from the file"
        return f"# default{': ' + default_note if default_note else ''}"

    out += [origin("facilitator", "none"), f"facilitator = {_toml_value(config.facilitator)}", ""]
    out.append(origin("export_dir", "none; `tandem export --all` needs --out"))
    out += [f"export_dir = {_toml_value(config.export_dir)}" if config.export_dir else '# export_dir = "~/minutes"', ""]
    out += [origin("theme", "Textual's own"), f"theme = {_toml_value(config.theme)}", ""]
    out += [origin("overrun_alert", f"off; one of {', '.join(OVERRUN_ALERTS)}"), f"overrun_alert = {_toml_value(config.overrun_alert)}", ""]
    for series_id, entry in sorted(config.series.items()):
        key = dotted("series", series_id, "template")
        out.append(f"[{dotted('series', series_id)}]")
        out += [origin(key, "the series' own"), f"template = {_toml_value(entry.template)}", ""]
    if not config.series:
        out += ["# [series.<series-id>]", '# template = "<template id>"   # default: the series\' own', ""]
    out.append("[vocabulary]")
    for key in VOCABULARY_KEYS:
        note = {"reason_codes": "tandem's own", "funnel_stages": "tandem's own", "teams": "sales, marketing, other, shared"}.get(key, "none")
        out += [origin(dotted("vocabulary", key), note), f"{key} = {_toml_value(getattr(config.vocabulary, key))}"]
    out += ["", "[sync]"]
    low, high = SYNC_TIMEOUT_S
    notes = {"auto": "true; only a workspace shared through git syncs", "timeout_s": f"60; from {low} to {high}"}
    for key in SYNC_KEYS:
        out += [origin(dotted("sync", key), notes.get(key, "true")), f"{key} = {_toml_value(getattr(config.sync, key))}"]
    out += ["", "[me]"]
    out += [origin(dotted("me", "name"), "not said yet; `tandem me NAME` sets it"), f"name = {_toml_value(config.me.name)}"]
    out += [origin(dotted("me", "team"), f"other; one of {', '.join(ME_TEAMS)}"), f"team = {_toml_value(config.me.team)}"]
    out += ["", *render_crm(config.crm, origin)]
    out += ["", "[calendar]", origin(dotted("calendar", "start"), "10:00; when a planned meeting starts (HH:MM)")]
    out.append(f'start = "{config.calendar.start:%H:%M}"')
    out.append("[calendar.series]")
    for series_id, start in sorted(config.calendar.series.items()):
        out.append(f'{toml_key(series_id)} = "{start:%H:%M}"  # from the file')
    if not config.calendar.series:
        out.append('# <series-id> = "09:30"   # default: start')
    out += ["", "[minutes]", origin(dotted("minutes", "actions"), f"plain; one of {', '.join(ACTION_STYLES)}")]
    out.append(f"actions = {_toml_value(config.minutes.actions)}")
    out += ["", "[people]"]
    for name, address in sorted(config.people.items()):
        out.append(f"{toml_key(name)} = {_toml_value(address)}  # from the file")
    if not config.people:
        out.append('# "Ana Ruiz" = "ana@example.com"   # default: nobody; e-mail minutes then have no To:')
    out += ["", "[keymap]"]
    ids = sorted(set(default_keys or {}) | set(config.keymap))
    for binding_id in ids:
        if binding_id in config.keymap:
            default = (default_keys or {}).get(binding_id)
            note = f"  # from the file (default: {default})" if default else "  # from the file"
            out.append(f"{toml_key(binding_id)} = {_toml_value(config.keymap[binding_id])}{note}")
        else:
            out.append(f"# {toml_key(binding_id)} = {_toml_value((default_keys or {})[binding_id])}  # default")
    if not ids:
        out.append('# "binding.id" = "ctrl+n"   # the help screen (? or F1) lists every id')
    return "\n".join(out) + "\n"


def save_me(name: str, team: str, path: Path | None = None) -> Path:
    """Write ``[me]`` (name and team) into config.toml, keeping every other line as it is:
    an earlier ``[me]`` table is replaced where it stands, else the table is added at the
    end. Refused (:class:`~tandem.store.errors.UsageError`, naming the file) when the file
    is not valid TOML now, as the edit could not be checked."""
    from tandem.store.atomic import atomic_write_bytes, ensure_dir
    from tandem.store.errors import UsageError

    path = path if path is not None else config_path()
    try:
        text = read_outside(path).decode("utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError, CorruptFileError) as exc:
        raise UsageError(f"{path} cannot be read ({getattr(exc, 'strerror', None) or exc}); fix it, then run `tandem me` again.") from None
    try:
        tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        raise UsageError(f"{path} is not valid TOML (`tandem config check` says where); fix it, then run `tandem me` again.") from None
    table = f"[me]\nname = {_toml_value(name)}\nteam = {_toml_value(team)}\n"
    lines = text.splitlines(keepends=True)
    start = next((n for n, line in enumerate(lines) if _header_key(line) == "me"), None)
    if start is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        out = "".join(lines) + ("\n" if lines else "") + table
    else:
        end = next((n for n in range(start + 1, len(lines)) if _header_key(lines[n]) is not None), len(lines))
        kept_blank = "\n" if end < len(lines) else ""
        out = "".join(lines[:start]) + table + kept_blank + "".join(lines[end:])
    try:
        tomllib.loads(out)
    except tomllib.TOMLDecodeError:
        # [me] was written with dotted keys elsewhere too (me.name = …): not ours to untangle.
        raise UsageError(f"{path} names [me] in a way tandem cannot edit; set name and team under [me] by hand.") from None
    ensure_dir(path.parent)
    atomic_write_bytes(path, out.encode("utf-8"))
    return path
