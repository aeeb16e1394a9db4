"""config.toml: the typed model and its checks, `tandem config`, and the settings applied in
the apps (keymap, theme, new-meeting defaults, vocabulary, export folder)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from clock import FakeClock
from conftest import build_sample, rendered_text, run_cli
from textual.widgets import Input, Select

from tandem.store import config as config_module
from tandem.store.config import (
    Config,
    Known,
    LoadedConfig,
    SeriesConfig,
    Vocabulary,
    config_path,
    load_config,
)
from tandem.store.records import Series
from tandem.store.workspace import Workspace
from tandem.tui.app import StartWith, create_app
from tandem.tui.screens.help import HelpScreen
from tandem.tui.screens.new_meeting import NEW_SERIES, NewMeetingScreen
from tandem.tui.settings import default_keys, known
from tandem.tui.widgets.choice import Choice

KNOWN = Known(
    themes=["nord", "textual-dark", "textual-light"],
    binding_ids=["home.new_meeting", "live.next", "app.help"],
    key_name=lambda name: name in {"escape", "f2", "pageup", "question_mark"},
    templates=["weekly-smarketing-sync", "lead-quality-review"],
)


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty config folder, used by the apps and `tandem` run from the tests."""
    folder = tmp_path / "config"
    folder.mkdir()
    monkeypatch.setenv("TANDEM_CONFIG_DIR", str(folder))
    return folder


def write(folder: Path, text: str) -> Path:
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def check(tmp_path: Path, text: str, known: Known = KNOWN) -> LoadedConfig:
    return load_config(write(tmp_path, text), known)


# --- the model ---------------------------------------------------------------------------


def test_missing_file_means_defaults(config_dir: Path) -> None:
    loaded = load_config()
    assert loaded.path == config_dir / "config.toml" == config_path()
    assert not loaded.exists and loaded.ok
    assert loaded.config == Config()
    assert loaded.config.facilitator == "" and loaded.config.export_dir is None and loaded.config.keymap == {}


def test_templates_share_the_config_folder(config_dir: Path) -> None:
    from tandem.store.templates import user_dir

    assert user_dir() == config_dir / "templates"


def test_empty_file_means_defaults(tmp_path: Path) -> None:
    loaded = check(tmp_path, "# nothing yet\n")
    assert loaded.exists and loaded.ok and loaded.config == Config()


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    """The example in store/config.py's docstring is checked against the real app."""
    doc = config_module.__doc__ or ""
    block = doc.split("::\n", 1)[1].split("\nA broken file", 1)[0]
    example = "\n".join(line.removeprefix("    ") for line in block.splitlines())
    loaded = load_config(write(tmp_path, example), known())
    assert loaded.problems == ()
    cfg = loaded.config
    assert cfg.facilitator == "Dana Kim"
    assert cfg.export_dir == Path("~/minutes").expanduser()
    assert cfg.theme == "nord"
    assert cfg.series == {"weekly-smarketing-sync": SeriesConfig(template="weekly-smarketing-sync")}
    assert cfg.vocabulary == Vocabulary(
        lead_sources=("LinkedIn ads", "Webinar", "Partner referral"),
        personas=("RevOps lead", "CFO"),
        reason_codes=("not_icp", "no_budget", "student", "competitor_customer", "other"),
        funnel_stages=("lead", "mql", "sql", "discovery", "proposal", "won", "lost"),
        teams={"sales": "Revenue", "marketing": "Growth"},
    )
    assert cfg.keymap == {"home.new_meeting": "ctrl+n", "live.next": "ctrl+j"}
    assert "facilitator" in loaded.from_file and 'keymap."live.next"' in loaded.from_file


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        ('facilitator = "Dana\n', 1, "", "not valid TOML"),
        ('theme = "nord"\n[keymap\n', 2, "", "not valid TOML"),
        ('facilitator = "Dana"\ncolour = "red"\n', 2, "colour", "unknown key at the top level"),
        ("\n\nfacilitator = 3\n", 3, "facilitator", "must be a string"),
        ('theme = "nordd"\n', 1, "theme", "no theme 'nordd'"),
        ("theme = true\n", 1, "theme", "must be a string"),
        ('overrun_alert = "loud"\n', 1, "overrun_alert", "'loud' is not one of: off, bell, flash, both"),
        ('export_dir = "minutes"\n', 1, "export_dir", "is relative"),
        ("export_dir = []\n", 1, "export_dir", "must be a string"),
        ('[series.weekly-smarketing-sync]\ntemplate = "weekly"\n', 2, "series.weekly-smarketing-sync.template", "no template 'weekly'"),
        (
            '[series.weekly-smarketing-sync]\ntemplate = "lead-quality-review"\nowner = "x"\n',
            3,
            "series.weekly-smarketing-sync.owner",
            "unknown key in [series.weekly-smarketing-sync]",
        ),
        ('[series.Weekly_Sync]\ntemplate = "lead-quality-review"\n', 1, "series.Weekly_Sync", "not a series id"),
        ('series = "weekly"\n', 1, "series", "must be a table"),
        ('[vocabulary]\npersonas = "CFO"\n', 2, "vocabulary.personas", "must be a list of strings"),
        ('[vocabulary]\nlead_sources = [\n  "Webinar",\n  3,\n]\n', 2, "vocabulary.lead_sources", "entry 2 must be a string"),
        ("[vocabulary]\nchannels = []\n", 2, "vocabulary.channels", "unknown key in [vocabulary]"),
        ('[vocabulary]\nreason_codes = ["no_budget", "Not ICP"]\n', 2, "vocabulary.reason_codes", "entry 2, 'Not ICP', is not a code"),
        ('[vocabulary]\nfunnel_stages = ["mql", "sql-2"]\n', 2, "vocabulary.funnel_stages", "is not a code"),
        ('[vocabulary]\nteams = ["Revenue"]\n', 2, "vocabulary.teams", "must be a table"),
        ('[vocabulary]\nteams = { sales = "Revenue", ops = "Ops" }\n', 2, "vocabulary.teams.ops", "no team 'ops'"),
        ('[vocabulary.teams]\nsales = "Revenue"\nmarketing = "revenue"\n', 3, "vocabulary.teams.marketing", "already names the team 'sales'"),
        ('[vocabulary.teams]\nsales = "Rev, Ops"\n', 2, "vocabulary.teams.sales", "can't hold a comma"),
        ('[vocabulary.teams]\nsales = "marketing"\n', 2, "vocabulary.teams.sales", "already names the team 'marketing'"),
        ('[keymap]\n"home.new_meting" = "ctrl+n"\n', 2, 'keymap."home.new_meting"', "did you mean home.new_meeting?"),
        ('[keymap]\n"live.next" = "ctl+j"\n', 2, 'keymap."live.next"', "'ctl' is not a modifier"),
        ('[keymap]\n"live.next" = "ctrl+"\n', 2, 'keymap."live.next"', "no key after the last +"),
        ('[keymap]\n"live.next" = "ctrl j"\n', 2, 'keymap."live.next"', "has a space"),
        ('[keymap]\n"live.next" = "f2,,x"\n', 2, 'keymap."live.next"', "has an empty key"),
        ('[keymap]\n"live.next" = "ctrl+pagedwn"\n', 2, 'keymap."live.next"', "no key is called 'pagedwn'"),
        ('[keymap]\n"live.next" = 5\n', 2, 'keymap."live.next"', "must be a string"),
        ('[keymap]\nlive.next = "ctrl+j"\n', 2, "keymap.live", "must be quoted"),
        ('keymap = { "live.next" = "ctrl++" }\n', 1, 'keymap."live.next"', "is not a modifier"),
    ],
)
def test_each_problem_is_reported_at_its_line(tmp_path: Path, text: str, line: int, key: str, message: str) -> None:
    loaded = check(tmp_path, text)
    assert len(loaded.problems) == 1, loaded.problems
    problem = loaded.problems[0]
    path = tmp_path / "config.toml"
    assert (problem.line, problem.key) == (line, key)
    assert message in problem.message
    assert problem.format().startswith(f"{path}:{line}: {key + ': ' if key else ''}")


def test_a_bad_setting_falls_back_to_its_default_and_the_rest_apply(tmp_path: Path) -> None:
    loaded = check(
        tmp_path,
        'facilitator = "Dana Kim"\ntheme = "nope"\n[keymap]\n"live.next" = "ctrl+j"\n"app.help" = "ctl+h"\n',
    )
    assert [(p.line, p.key) for p in loaded.problems] == [(2, "theme"), (5, 'keymap."app.help"')]
    assert loaded.config.facilitator == "Dana Kim"
    assert loaded.config.theme == ""
    assert loaded.config.keymap == {"live.next": "ctrl+j"}


def test_unreadable_files_are_problems_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_bytes(b'facilitator = "Dana"\nfacilitator = "\xff"\n')
    loaded = load_config(tmp_path / "config.toml")
    assert [(p.line, p.message) for p in loaded.problems] == [(2, "not UTF-8 text")]
    folder = tmp_path / "as-folder"
    folder.mkdir()
    assert "folder" in load_config(folder).problems[0].message


def test_every_binding_has_an_id_the_keymap_can_use() -> None:
    keys = default_keys()
    assert keys["home.new_meeting"] == "n"
    assert keys["app.help"] == "question_mark,f1"
    for prefix in ("live.", "review.", "follow.", "minutes.", "shadow.", "form."):
        assert any(i.startswith(prefix) for i in keys), prefix


# --- tandem config -------------------------------------------------------------------------


def env_for(folder: Path, **extra: str) -> dict[str, str]:
    return dict(os.environ, TANDEM_CONFIG_DIR=str(folder), **extra)


def test_config_path(tmp_path: Path) -> None:
    result = run_cli("config", "path", env=env_for(tmp_path))
    assert result.code == 0
    assert result.out == f"{tmp_path / 'config.toml'}\n"
    assert "does not exist yet" in result.err
    write(tmp_path, "")
    result = run_cli("config", "path", env=env_for(tmp_path))
    assert result.out == f"{tmp_path / 'config.toml'}\n" and "exists" in result.err and "not" not in result.err


def test_config_show_marks_defaults_and_file_values(tmp_path: Path) -> None:
    result = run_cli("config", "show", env=env_for(tmp_path))
    assert result.code == 0, result.err
    assert "no such file: every value is a default" in result.out
    assert '# default: none\nfacilitator = ""' in result.out
    assert '# "home.new_meeting" = "n"  # default' in result.out

    write(tmp_path, 'facilitator = "Dana Kim"\ntheme = "nope"\n[vocabulary]\npersonas = ["CFO"]\n[keymap]\n"home.new_meeting" = "ctrl+n"\n')
    result = run_cli("config", "show", env=env_for(tmp_path))
    assert result.code == 0
    assert '# from the file\nfacilitator = "Dana Kim"' in result.out
    assert '# default: Textual\'s own\ntheme = ""' in result.out
    assert '# from the file\npersonas = ["CFO"]' in result.out
    assert '"home.new_meeting" = "ctrl+n"  # from the file (default: n)' in result.out
    assert f"tandem: ignored {tmp_path / 'config.toml'}:2: theme: no theme 'nope'" in result.err
    # What `show` prints is a valid config in turn.
    import tomllib

    shown = tomllib.loads(result.out)
    assert shown["facilitator"] == "Dana Kim" and shown["keymap"] == {"home.new_meeting": "ctrl+n"}


def test_config_check(tmp_path: Path) -> None:
    result = run_cli("config", "check", env=env_for(tmp_path))
    assert result.code == 0 and "every setting is its default" in result.err

    write(tmp_path, 'facilitator = "Dana Kim"\n[keymap]\n"home.new_meeting" = "ctrl+n"\n')
    result = run_cli("config", "check", env=env_for(tmp_path))
    assert (result.code, result.out) == (0, "")
    assert result.err.endswith(": ok\n")

    path = write(tmp_path, 'facilitator = 3\ntheme = "nope"\n\n[keymap]\n"live.nxt" = "ctrl+j"\n')
    result = run_cli("config", "check", env=env_for(tmp_path))
    assert result.code == 1
    lines = result.out.splitlines()
    assert [re.sub(r": .*", "", line.removeprefix(f"{path}:"), count=1) for line in lines] == ["1", "2", "5"]
    assert lines[0] == f"{path}:1: facilitator: must be a string (in quotes), not a number"
    assert lines[2].startswith(f'{path}:5: keymap."live.nxt": no binding with this id; did you mean live.next')
    assert "Traceback" not in result.err

    other = tmp_path / "elsewhere.toml"
    other.write_text("[keymap\n")
    result = run_cli("config", "check", str(other), env=env_for(tmp_path))
    assert result.code == 1 and result.out.startswith(f"{other}:1: not valid TOML")
    result = run_cli("config", "check", str(tmp_path / "missing.toml"), env=env_for(tmp_path))
    assert result.code == 1 and "no such file" in result.err


def test_export_all_uses_export_dir(tmp_path: Path) -> None:
    build_sample(tmp_path / "ws")
    folder = tmp_path / "cfg"
    folder.mkdir()
    env = env_for(folder, TANDEM_HOME=str(tmp_path / "ws"))
    result = run_cli("export", "--all", env=env)
    assert result.code == 2 and "--out" in result.err, "no export_dir: --out is still required"

    write(folder, 'export_dir = "minutes"\n')
    result = run_cli("export", "--all", env=env)
    assert result.code == 2 and "export_dir cannot be used" in result.err and "is relative" in result.err

    target = tmp_path / "minutes"
    write(folder, f"export_dir = {str(target)!r}\n".replace("'", '"'))
    result = run_cli("export", "--all", env=env)
    assert result.code == 0, result.err
    assert sorted(p.name for p in target.glob("*.md")) == [
        "2026-11-12_weekly-smarketing-sync.md",
        "2026-11-19_weekly-smarketing-sync.md",
        "2026-11-26_weekly-smarketing-sync.md",
    ]
    # --out still wins; a single meeting never goes to export_dir.
    result = run_cli("export", "--all", "--out", str(tmp_path / "given"), env=env)
    assert result.code == 0 and len(list((tmp_path / "given").glob("*.md"))) == 3
    result = run_cli("export", "latest", env=env)
    assert result.code == 0 and result.out.startswith("---")


# --- in the apps ---------------------------------------------------------------------------


async def settle(pilot) -> None:
    """Let loading workers and the settings check finish (not the ones waiting on a dialog)."""
    from textual.worker import WorkerState

    for _ in range(300):
        await pilot.pause(0.01)
        busy = [w for w in pilot.app.workers if w.group in ("load", "settings", "captured") and w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if not busy:
            break
    await pilot.pause()


async def test_keymap_rebinds_a_key_and_help_shows_it(tmp_path: Path, config_dir: Path) -> None:
    write(config_dir, '[keymap]\n"home.new_meeting" = "ctrl+n"\n')
    app = create_app(build_sample(tmp_path / "ws"), clock=FakeClock())
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, NewMeetingScreen), "n no longer plans a meeting"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = rendered_text(app.screen.query_one("VerticalScroll Static"))
        row = next(line for line in text.splitlines() if "home.new_meeting" in line)
        assert "ctrl+n" in row.replace("^n", "ctrl+n")
        await pilot.press("escape")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, NewMeetingScreen)
        assert not app._notifications, "a valid config says nothing"


async def test_keymap_applies_in_the_review_and_follow_apps(tmp_path: Path, config_dir: Path) -> None:
    from tandem.store.review.from_workspace import WorkspaceSource
    from tandem.tui.follow_app import create_follow_app
    from tandem.tui.review_app import create_review_app

    write(config_dir, '[keymap]\n"app.help" = "f2"\n')
    ws = build_sample(tmp_path / "ws")
    meeting_id = ws.list_meetings()[0].id
    for app in (create_review_app(WorkspaceSource(ws.home)), create_follow_app(Workspace(ws.home, read_only=True), meeting_id, clock=FakeClock())):
        async with app.run_test(size=(140, 50)) as pilot:
            await settle(pilot)
            await pilot.press("f1")
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)
            await pilot.press("f2")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen), type(app).__name__


async def test_theme_is_applied(tmp_path: Path, config_dir: Path) -> None:
    write(config_dir, 'theme = "nord"\n')
    app = create_app(Workspace(tmp_path / "ws"), clock=FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"


async def test_a_broken_config_opens_the_app_with_a_notification(tmp_path: Path, config_dir: Path) -> None:
    path = write(config_dir, 'theme = "nope"\n[keymap]\n"home.new_meeting" = "ctrl+n"\n"home.nothing" = "x"\n')
    app = create_app(build_sample(tmp_path / "ws"), clock=FakeClock())
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1
        assert f"{path}:1: theme: no theme 'nope'" in messages[0]
        assert f'{path}:4: keymap."home.nothing": no binding with this id' in messages[0]
        await pilot.press("ctrl+n")  # the good part of the file still applies
        await settle(pilot)
        assert isinstance(app.screen, NewMeetingScreen)

    write(config_dir, "this is not toml\n")
    app = create_app(build_sample(tmp_path / "ws2"), clock=FakeClock())
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1 and f"{path}:1: not valid TOML" in messages[0]
        await pilot.press("n")  # defaults
        await settle(pilot)
        assert isinstance(app.screen, NewMeetingScreen)


async def test_new_meeting_form_starts_from_the_settings(tmp_path: Path, config_dir: Path) -> None:
    write(config_dir, 'facilitator = "Priya Raman"\n[series.pipeline-review]\ntemplate = "lead-quality-review"\n')
    ws = build_sample(tmp_path / "ws")
    ws.series.add(Series(id="pipeline-review", title="Pipeline review", default_template="weekly-smarketing-sync"))
    app = create_app(ws, clock=FakeClock(), start=StartWith(new_meeting=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewMeetingScreen)
        # First series shown (alphabetical): Pipeline review, which has no meeting yet.
        assert form.query_one("#series", Select).value == "pipeline-review"
        assert form.query_one("#template", Select).value == "lead-quality-review"
        assert form.query_one("#facilitator", Input).value == "Priya Raman"
        # A series with meetings keeps starting from its last one.
        form.query_one("#series", Select).value = "weekly-smarketing-sync"
        await pilot.pause()
        assert form.query_one("#facilitator", Input).value == "Dana Kim"
        # A new series: the configured facilitator again, if the field is empty.
        form.query_one("#facilitator", Input).value = ""
        form.query_one("#series", Select).value = NEW_SERIES
        await pilot.pause()
        assert form.query_one("#facilitator", Input).value == "Priya Raman"


async def test_vocabulary_joins_the_capture_suggestions(tmp_path: Path, config_dir: Path) -> None:
    from tandem.store.records import AgendaItem, Meeting
    from tandem.tui.screens.live import LiveScreen

    write(config_dir, '[vocabulary]\nlead_sources = ["Partner referral"]\npersonas = ["CFO", "RevOps lead"]\n')
    ws = build_sample(tmp_path / "ws")  # its lead feedback uses the source "LinkedIn ads"
    ws.create_meeting(
        Meeting(id="2026-11-27-weekly-smarketing-sync", series_id="weekly-smarketing-sync", title="Weekly smarketing sync", date="2026-11-27"),
        [AgendaItem(id="lq", title="Lead quality", position=0, timebox_min=10, captures="lead_feedback")],
    )
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id="2026-11-27-weekly-smarketing-sync"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LiveScreen)
        ctx = app.screen.flow.ctx
        assert ctx.sources == ["LinkedIn ads", "Partner referral"]
        assert {"CFO", "RevOps lead"} <= set(ctx.personas)


async def test_vocabulary_puts_the_crm_words_in_the_lead_feedback_form(tmp_path: Path, config_dir: Path) -> None:
    """Reason codes and funnel stages from config.toml replace tandem's own in the form; a
    record already holding an old code keeps it when edited; the minutes read back the same."""
    from textual.widgets import SelectionList

    from tandem.store.records import AgendaItem, LeadFeedback, Meeting
    from tandem.tui.screens.capture_forms import LeadFeedbackForm
    from tandem.tui.screens.live import LiveScreen

    write(config_dir, '[vocabulary]\nreason_codes = ["not_icp", "student"]\nfunnel_stages = ["lead", "mql", "demo_booked"]\n')
    ws = build_sample(tmp_path / "ws")
    meeting_id = "2026-11-27-weekly-smarketing-sync"
    ws.create_meeting(
        Meeting(id=meeting_id, series_id="weekly-smarketing-sync", title="Weekly smarketing sync", date="2026-11-27"),
        [AgendaItem(id="lq", title="Lead quality", position=0, timebox_min=10, captures="lead_feedback")],
    )
    app = create_app(ws, clock=FakeClock(), start=StartWith(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LiveScreen)
        ctx = app.screen.flow.ctx
        assert ctx.reason_codes == ("not_icp", "student")
        assert ctx.funnel_stages == ("lead", "mql", "demo_booked")

        app.push_screen(LeadFeedbackForm(ctx, today=date(2026, 11, 27)))
        await settle(pilot)
        form = app.screen
        assert [p for p, _ in form.query_one("#w-stage_reached", Choice).options] == ["lead", "MQL", "demo booked"]
        assert form.query_one("#w-stage_reached", Choice).value == "lead"
        reasons = form.query_one("#w-reasons", SelectionList)
        assert [reasons.get_option_at_index(i).value for i in range(reasons.option_count)] == ["not_icp", "student"]
        form.dismiss(None)
        await settle(pilot)

        old = LeadFeedback(id="lf-old", reference="ACME-1", verdict="poor", reasons=["no_budget"], stage_reached="sal")
        app.push_screen(LeadFeedbackForm(ctx, today=date(2026, 11, 27), initial=old))
        await settle(pilot)
        form = app.screen
        assert form.query_one("#w-stage_reached", Choice).value == "sal"
        reasons = form.query_one("#w-reasons", SelectionList)
        assert [reasons.get_option_at_index(i).value for i in range(reasons.option_count)] == ["not_icp", "student", "no_budget"]
        assert reasons.selected == ["no_budget"]


def test_a_configured_code_is_stored_and_read_back_from_the_minutes() -> None:
    from tandem.store.errors import ValidationError
    from tandem.store.records import LeadFeedback
    from tandem.store.review.model import code_for

    record = LeadFeedback(id="x", reference="ACME", verdict="poor", reasons=["not_icp", "student"], stage_reached="demo_booked", stage_lost="demo_booked")
    assert LeadFeedback.from_dict(record.to_dict()) == record
    assert code_for("demo booked") == "demo_booked"
    for bad in ("Demo booked", "demo-booked", "", "x" * 41):
        with pytest.raises(ValidationError):
            LeadFeedback(id="x", reference="ACME", verdict="poor", reasons=[bad])


async def test_team_names_show_in_the_forms_and_are_understood_when_typed(tmp_path: Path, config_dir: Path) -> None:
    from tandem.tui.screens.new_meeting import parse_person

    names = {"sales": "Revenue", "marketing": "Growth"}
    person, _ = parse_person("Ana Ruiz, revenue", names)
    assert person is not None and person.team == "sales"
    assert parse_person("Ana Ruiz, marketing", names)[0].team == "marketing"  # the ids still work
    assert "Revenue, Growth or other" in parse_person("Ana Ruiz, ops", names)[1]

    write(config_dir, '[vocabulary.teams]\nsales = "Revenue"\nmarketing = "Growth"\n')
    ws = build_sample(tmp_path / "ws")
    app = create_app(ws, clock=FakeClock(), start=StartWith(new_meeting=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewMeetingScreen)
        assert "Revenue / Growth / other" in form.query_one("#person", Input).placeholder
        from textual.widgets import SelectionList

        people = form.query_one("#people", SelectionList)
        shown = [str(people.get_option_at_index(i).prompt) for i in range(people.option_count)]
        assert shown and all(s.endswith(("(Revenue)", "(Growth)", "(other)")) for s in shown), shown
