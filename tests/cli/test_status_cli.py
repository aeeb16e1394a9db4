"""``tandem status``: the one line for prompts, its JSON, and the cache that keeps it fast."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from conftest import run_cli

from tandem.store import layout
from tandem.store.config import config_path
from tandem.store.interop import status as store_status
from tandem.store.records import ActionItem, Meeting, Series
from tandem.store.workspace import Workspace, default_home
from tandem.tui.cli import status

TODAY = "2026-12-07"  # a Monday


def build(home: Path) -> Workspace:
    ws = Workspace(home)
    ws.series.add(Series(id="sync", title="Weekly sync"))
    ws.create_meeting(
        Meeting(id="2026-12-01-sync", series_id="sync", title="Weekly sync", date="2026-12-01", status="ended"),
        actions=[
            ActionItem(id="o1", text="late", owner="Ana", due="2026-12-03"),
            ActionItem(id="o2", text="late too", owner="Ben", due="2026-12-06"),
            ActionItem(id="t1", text="tomorrow", owner="Ana", due="2026-12-08"),
            ActionItem(id="d1", text="done", owner="Ana", due="2026-12-01", status="done", closed_on="2026-12-02"),
            ActionItem(id="n1", text="no date", owner="Ana"),
        ],
    )
    ws.create_meeting(Meeting(id="2026-12-08-sync", series_id="sync", title="Weekly sync", date="2026-12-08"))
    return ws


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "TANDEM_TODAY": TODAY, **extra}


def test_line_and_json_with_a_fixed_day(tmp_path: Path) -> None:
    home = build(tmp_path / "ws").home
    out = run_cli("--home", str(home), "status", env=env())
    assert out.code == 0, out.err
    assert out.out == "2 overdue · 1 due tomorrow · next meeting tomorrow 10:00\n"
    found = json.loads(run_cli("--home", str(home), "status", "--json", env=env()).out)
    assert found == {
        "overdue": 2,
        "due_today": 0,
        "due_tomorrow": 1,
        "next_meeting": {"id": "2026-12-08-sync", "title": "Weekly sync", "date": "2026-12-08", "start": "10:00"},
        "live": [],
        "contributions_waiting": 0,
        "line": "2 overdue · 1 due tomorrow · next meeting tomorrow 10:00",
    }
    # only one person's, and a later day: what was due tomorrow is overdue, the meeting past
    late = run_cli("--home", str(home), "status", "--owner", "ana", env=env(TANDEM_TODAY="2026-12-09"))
    assert late.out == "2 overdue\n"
    Path(os.environ["TANDEM_CONFIG_DIR"], "config.toml").write_text('[me]\nname = "Ben"\n', encoding="utf-8")
    assert run_cli("--home", str(home), "status", "--owner", "me", env=env()).out == "1 overdue · next meeting tomorrow 10:00\n"


def test_the_next_meeting_starts_when_config_says(tmp_path: Path) -> None:
    """config.toml's [calendar] start (a series' own first) reaches the line, and editing
    config.toml changes the cache's key: a warm cache never keeps the old time."""
    home = build(tmp_path / "ws").home
    old = 1_600_000_000_000_000_000
    for path in [home, *home.iterdir(), *(home / layout.MEETINGS_DIR).iterdir()]:
        os.utime(path, ns=(old, old))
    config = Path(os.environ["TANDEM_CONFIG_DIR"], "config.toml")
    config.write_text('[calendar]\nstart = "08:15"\n', encoding="utf-8")
    os.utime(config, ns=(old, old))
    assert run_cli("--home", str(home), "status", env=env()).out == "2 overdue · 1 due tomorrow · next meeting tomorrow 08:15\n"
    key, _ = status.fingerprint(home)
    assert json.loads((home / layout.CACHE_DIR / status.STATUS_FILE).read_bytes())["key"] == key  # cached, warm from now on
    config.write_text('[calendar]\nstart = "08:15"\n[calendar.series]\nsync = "09:30"\n', encoding="utf-8")
    assert status.fingerprint(home)[0] != key
    assert run_cli("--home", str(home), "status", env=env(TANDEM_TODAY="2026-12-03")).out == "1 due today · next meeting Tue 09:30\n"
    found = json.loads(run_cli("--home", str(home), "status", "--json", env=env()).out)
    assert found["next_meeting"]["start"] == "09:30"


def test_nothing_due(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "empty")
    ws.series.add(Series(id="sync", title="Weekly sync"))
    assert run_cli("--home", str(ws.home), "status", env=env()).out == "nothing due\n"
    assert run_cli("--home", str(tmp_path / "missing"), "status", env=env()).out == "nothing due\n"
    # A folder that is no workspace (a wrong TANDEM_HOME in a prompt) gets no cache of its own.
    plain = tmp_path / "plain"
    plain.mkdir()
    assert run_cli("--home", str(plain), "status", env=env()).out == "nothing due\n"
    assert list(plain.iterdir()) == []


def test_a_meeting_running_today_leads_the_line(tmp_path: Path) -> None:
    ws = build(tmp_path / "ws")
    ws.create_meeting(Meeting(id="2026-12-07-sync", series_id="sync", title="Weekly sync\x1b[31m", date=TODAY, status="live"))
    ws.create_meeting(Meeting(id="2026-11-30-sync", series_id="sync", title="Left running", date="2026-11-30", status="live"))
    out = run_cli("--home", str(ws.home), "status", env=env())
    # No teammate's text on the line (a title could carry a terminal escape): words only.
    assert out.out == "meeting live now · 2 overdue · 1 due tomorrow · next meeting tomorrow 10:00\n"
    found = json.loads(run_cli("--home", str(ws.home), "status", "--json", env=env()).out)
    assert [m["id"] for m in found["live"]] == ["2026-12-07-sync"]


def test_summary_words() -> None:
    facts = {"actions": [["2026-12-07", "Ana"]], "meetings": [["2026-12-10", "10:00", "T", "m"]], "waiting": 3}
    assert status.summary(facts, date(2026, 12, 7))["line"] == "1 due today · next meeting Thu 10:00 · 3 contributions waiting"
    facts["meetings"] = [["2026-12-30", "10:00", "T", "m"]]
    assert status.summary(facts, date(2026, 12, 7), owner="Ben")["line"] == "next meeting 2026-12-30 10:00 · 3 contributions waiting"


def test_cache_is_used_and_rebuilt_when_a_file_changes(tmp_path: Path) -> None:
    ws = build(tmp_path / "ws")
    cache = ws.home / layout.CACHE_DIR / status.STATUS_FILE
    first = status.load_facts(ws.home)
    key, _ = status.fingerprint(ws.home)
    # a cache written while files were this fresh is not trusted (a coarse clock): built again
    stored = json.loads(cache.read_bytes())
    assert stored["format"] == status.FORMAT and stored["key"] == ""
    # an old enough workspace: the key is kept, and a planted answer under it is what is read
    old = 1_600_000_000_000_000_000
    for path in [ws.home, *ws.home.iterdir(), *(ws.home / layout.MEETINGS_DIR).iterdir()]:
        os.utime(path, ns=(old, old))
    key, newest = status.fingerprint(ws.home)
    store_status.rebuild(ws, key, newest)
    assert json.loads(cache.read_bytes())["key"] == key
    planted = {**first, "waiting": 41}
    cache.write_bytes(json.dumps({"format": status.FORMAT, "key": key, "facts": planted}).encode())
    assert status.load_facts(ws.home)["waiting"] == 41
    # a changed meeting file changes the key: the plant is ignored and the facts read again
    with ws.open_meeting("2026-12-01-sync") as writer:
        writer.actions.add(ActionItem(id="x1", text="new", owner="Ana", due="2026-12-01", meeting_id="2026-12-01-sync"))
    again = status.load_facts(ws.home)
    assert again["waiting"] == 0
    assert ["2026-12-01", "Ana"] in again["actions"]
    # damaged or too new: rebuilt, never an error
    for junk in (b"{not json", json.dumps({"format": 99, "key": key, "facts": planted}).encode()):
        cache.write_bytes(junk)
        assert status.load_facts(ws.home)["waiting"] == 0


def test_fast_path_names_match_the_store() -> None:
    assert (status.CACHE_DIR, status.MEETINGS_DIR, status.CONTRIBUTIONS_DIR) == (layout.CACHE_DIR, layout.MEETINGS_DIR, layout.CONTRIBUTIONS_DIR)
    assert (status.STATUS_FILE, status.FORMAT) == (store_status.FILE_NAME, store_status.FORMAT)
    assert status.default_home() == default_home()
    assert status.config_file() == config_path()


def test_a_warm_status_builds_nothing(tmp_path: Path) -> None:
    """With the cache current, neither the facts' builder, the contributions nor the config
    parser load (tandem's entry point itself loads the workspace layer, for its errors)."""
    home = build(tmp_path / "ws").home
    old = 1_600_000_000_000_000_000
    for path in [home, *home.iterdir(), *(home / layout.MEETINGS_DIR).iterdir()]:
        os.utime(path, ns=(old, old))
    run_cli("--home", str(home), "status", env=env())  # builds the cache
    code = (
        "import sys\n"
        "from tandem.tui.cli.main import main\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('tandem.store.interop', 'tandem.store.contrib', 'tandem.store.config'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, "--home", str(home), "status"], capture_output=True, text=True, env=env(), timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["2 overdue · 1 due tomorrow · next meeting tomorrow 10:00", "[]"]
