"""``tandem import leads``: one line saying what changed, --json, exit 1 for a bad file and 2
for bad usage, each one sentence with no traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import one_sentence
from conftest import tandem_at as tandem

from tandem.store.crm.lead import LEADS_FILE

HUBSPOT_CSV = """\
Record ID,First Name,Email,Phone Number,Lifecycle Stage,Lead Status,Original Source,Create Date
901,Ana,ana@acme.example,+1 555 0100,Marketing Qualified Lead,New,Paid search,2026-11-03 14:05
902,Bo,bo@globex.example,555-0123,Lead,Attempted to Contact,Referrals,2026-11-04 09:10
903,Chen,chen@initech.example,555-0199,Other,Unqualified,=cmd|' /C calc'!A0,2026-12-01 08:00
"""


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text(HUBSPOT_CSV, encoding="utf-8")
    return path


def test_import_says_what_changed_and_a_reimport_changes_nothing(tmp_path: Path, export: Path) -> None:
    home = tmp_path / "ws"
    first = tandem(home, "import", "leads", str(export), "--preset", "hubspot")
    assert (first.code, first.out) == (0, f"{export}: 3 leads read: 3 new, 0 updated, 0 unchanged.\n")
    assert first.err == "tandem: not in the file, left empty: Original Source Drill-Down 1, Persona, Industry, Became a Marketing Qualified Lead Date.\n"
    stored = (home / LEADS_FILE).read_bytes()
    again = tandem(home, "import", "leads", str(export), "--preset", "hubspot")
    assert (again.code, again.out) == (0, f"{export}: 3 leads read: 0 new, 0 updated, 3 unchanged.\n")
    assert (home / LEADS_FILE).read_bytes() == stored
    text = stored.decode()
    assert not any(word in text for word in ("Ana", "ana@acme.example", "555-0123"))
    assert "\"'=cmd|' /C calc'!A0\"" in text  # inert in any spreadsheet


def test_json_output(tmp_path: Path, export: Path) -> None:
    result = tandem(tmp_path / "ws", "import", "leads", str(export), "--preset", "hubspot", "--period", "2026-11", "--json")
    assert result.code == 0, result
    data = json.loads(result.out)
    assert {k: data[k] for k in ("rows", "new", "updated", "unchanged", "periods")} == {
        "rows": 3,
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "periods": {"2026-11": 3},
    }
    assert data["missing_columns"][0] == "Original Source Drill-Down 1"


def test_the_preset_can_come_from_config_toml(tmp_path: Path, export: Path) -> None:
    (Path(os.environ["TANDEM_CONFIG_DIR"]) / "config.toml").write_text('[crm]\npreset = "hubspot"\n[crm.columns]\npersona = "Email"\n')
    result = tandem(tmp_path / "ws", "import", "leads", str(export), "--json")
    assert result.code == 0 and json.loads(result.out)["new"] == 3
    # Mapping a personal column on purpose is the user's call; it is still stored cleaned.
    assert "ana@acme.example" in (tmp_path / "ws" / LEADS_FILE).read_text()


def test_a_bad_file_is_exit_1_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes("Record ID,Company,Create Date\n1,Acme,2026-11-03\n2,Société,2026-11-04\n".encode("latin-1"))
    one_sentence(tandem(tmp_path / "ws", "import", "leads", str(path), "--preset", "hubspot"), 1, f"{path}:3: not UTF-8 text (byte 0xe9); export it as UTF-8")
    path.write_text("Lead ID,Email\n1,a@b.c\n")
    one_sentence(
        tandem(tmp_path / "ws", "import", "leads", str(path), "--preset", "salesforce"),
        1,
        f"{path}:1: no column 'Created Date'",
        "columns found: Lead ID, Email",
    )
    assert not (tmp_path / "ws" / LEADS_FILE).exists()


def test_bad_usage_is_exit_2(tmp_path: Path, export: Path) -> None:
    home = tmp_path / "ws"
    one_sentence(tandem(home, "import", "leads", str(export)), 2, "No CRM mapping yet: pass --preset hubspot or salesforce")
    one_sentence(tandem(home, "import", "leads", str(export), "--preset", "pipedrive"), 2, "--preset")
    one_sentence(tandem(home, "import", "leads", str(export), "--preset", "hubspot", "--period", "Nov"), 2, "--period 'Nov' is not a month")
    one_sentence(tandem(home, "import", "leads", str(tmp_path / "nope.csv"), "--preset", "hubspot"), 2, "nope.csv")
    config = Path(os.environ["TANDEM_CONFIG_DIR"]) / "config.toml"
    config.write_text('[crm]\npreset = "zoho"\n')
    one_sentence(tandem(home, "import", "leads", str(export)), 2, f"{config}:2: crm.preset: 'zoho' is not one of: hubspot, salesforce")
