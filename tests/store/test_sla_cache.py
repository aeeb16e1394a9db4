"""The leads a scorecard reads, kept validated in the cache folder (``store/sla/report.py``):
the same scorecard with or without it, never believed once ``leads.json`` changed, a damaged
or planted file ignored and made again, and a bad lead still named at the boundary."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pytest

from tandem.store.atomic import atomic_write_bytes, encode
from tandem.store.crm.lead import LEADS_FILE, LEADS_TABLE, Lead, lead_id
from tandem.store.errors import CorruptFileError
from tandem.store.layout import CACHE_DIR
from tandem.store.sla import report
from tandem.store.sla.report import LEADS_CACHE, imported_periods, leads_of, scorecard
from tandem.store.workspace import Workspace

NOW = datetime(2026, 12, 2, 9, 0)


def write(home: Path, statuses: dict[str, str]) -> None:
    leads = [
        Lead(id=lead_id(ref), reference=ref, period=ref[:7], created_at=f"{ref[:7]}-05T09:00:00", status=status, stage="mql")
        for ref, status in statuses.items()
    ]
    atomic_write_bytes(home / LEADS_FILE, encode({LEADS_TABLE: {x.id: x.to_dict() for x in leads}}, "leads"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(report, "CACHE_FROM", 0)  # every list cached, however small
    home = tmp_path / "ws"
    home.mkdir()
    write(home, {"2026-10-a": "accepted", "2026-11-a": "accepted", "2026-11-b": "rejected", "2026-12-a": "new"})
    return home


def folder(home: Path) -> Path:
    return home / CACHE_DIR / LEADS_CACHE


def test_the_cached_scorecard_is_the_one_read_from_leads_json(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = scorecard(Workspace(home), now=NOW).to_dict()
    assert sorted(p.name for p in folder(home).iterdir()) == ["2026-11.json", "2026-12.json", "periods.json"]
    # Read again from the cache alone: leads.json is not decoded at all.
    monkeypatch.setattr(report, "decode", lambda *a: pytest.fail("leads.json decoded"))
    assert scorecard(Workspace(home), now=NOW).to_dict() == first
    assert imported_periods(Workspace(home)) == {"2026-10", "2026-11", "2026-12"}


def test_a_changed_leads_json_is_read_again(home: Path) -> None:
    scorecard(Workspace(home), "2026-11", now=NOW)
    write(home, {"2026-11-a": "rejected", "2026-11-b": "rejected", "2027-01-a": "new"})
    assert {x.status for x in leads_of(Workspace(home), {"2026-11"})} == {"rejected"}
    assert imported_periods(Workspace(home)) == {"2026-11", "2027-01"}


@pytest.mark.parametrize("content", [b"{damaged", b"[]", b'{"format": 99}', b'{"format": 1, "kind": "x", "source": [1, 2, 3, 4], "data": []}'])
def test_a_damaged_or_planted_cache_file_is_ignored_and_made_again(home: Path, content: bytes) -> None:
    leads_of(Workspace(home), {"2026-11"})
    (folder(home) / "2026-11.json").write_bytes(content)
    assert {x.reference for x in leads_of(Workspace(home), {"2026-11"})} == {"2026-11-a", "2026-11-b"}
    assert orjson.loads((folder(home) / "2026-11.json").read_bytes())["data"] != []


def test_a_bad_lead_is_named_at_the_boundary_and_never_cached(home: Path) -> None:
    data = orjson.loads((home / LEADS_FILE).read_bytes())
    bad = next(d for d in data[LEADS_TABLE].values() if d["reference"] == "2026-11-b")
    bad["status"] = "lost in space"
    (home / LEADS_FILE).write_bytes(orjson.dumps(data))
    with pytest.raises(CorruptFileError, match=r"leads\.json"):
        scorecard(Workspace(home), "2026-11", now=NOW)
    assert not (folder(home) / "2026-11.json").exists()


def test_a_small_list_leaves_no_cache(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "CACHE_FROM", 1024 * 1024)
    scorecard(Workspace(home), now=NOW)
    assert not (home / CACHE_DIR).exists()
