"""The CRM-ready export (``store/crm/export``): a round trip from each preset's export layout
through an import and the meetings' lead feedback back to a file the CRM's import matches
on its ids, with the CRM's own values; no formula reaches a cell; byte-stable re-exports.
Also the import's comparison against the stored leads' digests (``store/crm/importer``)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.store.crm import importer
from tandem.store.crm.export import LEADS_CSV, TASKS_CSV, export_crm, safe_cell
from tandem.store.crm.importer import _digest, _walk, import_leads
from tandem.store.crm.lead import LEADS_FILE
from tandem.store.crm.settings import PRESETS, CrmConfig
from tandem.store.errors import UsageError
from tandem.store.records import ActionItem, AgendaItem, LeadFeedback, Meeting
from tandem.store.workspace import Workspace

NOW = datetime(2026, 12, 1, 9, 30)
HUBSPOT, SALESFORCE = PRESETS["hubspot"], PRESETS["salesforce"]

# Laid out as HubSpot's contact export and a Salesforce lead report write them (invented data).
HUBSPOT_CSV = """\
Record ID,First Name,Last Name,Email,Phone Number,Lifecycle Stage,Lead Status,Original Source,Persona,Industry,Create Date,Contact owner
51234501,Ana,Ruiz,ana@acme.example,+1 555 0100,Marketing Qualified Lead,New,Paid search,RevOps lead,Software,2026-11-03 14:05,Dana Kim
51234502,Bo,Lind,bo@globex.example,555-0123,Sales Qualified Lead,Attempted to Contact,Organic search,CFO,Manufacturing,2026-11-05 08:30,Dana Kim
51234503,Chen,Wu,chen@initech.example,555-0199,Lead,Open,Offline sources,,Retail,2026-11-07 16:45,José Silva
"""
SALESFORCE_CSV = """\
Lead ID,Lead Owner,First Name,Last Name,Company,Email,Lead Source,Industry,Lead Status,Created Date
00Q5g00000AbCdE,Dana Kim,Ana,Ruiz,Acme,ana@acme.example,Web,Software,Open - Not Contacted,11/3/2026 2:05 PM
00Q5g00000abcde,Dana Kim,Bo,Lind,Globex,bo@globex.example,Partner Referral,Manufacturing,Working - Contacted,11/03/2026 9:15 AM
00Q5g00000XyZ12,José Silva,Chen,Wu,Initech,chen@initech.example,Purchased List,Retail,Open - Not Contacted,11/30/2026 12:00 AM
"""
FIXTURES = {"hubspot": (HUBSPOT_CSV, "Record ID"), "salesforce": (SALESFORCE_CSV, "Lead ID")}


def fixture_ids(text: str, column: str) -> list[str]:
    return [row[column] for row in csv.DictReader(io.StringIO(text))]


def meeting(ws: Workspace, day: str, item: str = "leads") -> str:
    meeting_id = f"{day}-lead-review"
    ws.create_meeting(Meeting(id=meeting_id, series_id="lead-review", title="Lead review", date=day), [AgendaItem(id=item, title="Lead quality")])
    return meeting_id


def give(ws: Workspace, meeting_id: str, *rows: LeadFeedback, actions: tuple[ActionItem, ...] = ()) -> None:
    with ws.open_meeting(meeting_id) as writer:
        for row in rows:
            writer.lead_feedback.add(row.replace(meeting_id=meeting_id))
        for action in actions:
            writer.actions.add(action.replace(meeting_id=meeting_id))


def read(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM: see the module's docstring
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "ws", now=lambda: NOW)


# --- the round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize("preset", ["hubspot", "salesforce"])
def test_import_feedback_export_maps_back_onto_the_fixture_ids(ws: Workspace, tmp_path: Path, preset: str) -> None:
    text, id_column = FIXTURES[preset]
    mapping = PRESETS[preset]
    source = tmp_path / f"{preset}.csv"
    source.write_text(text, encoding="utf-8")
    import_leads(ws, source, mapping, now=NOW)
    first, second, third = fixture_ids(text, id_column)
    early, late = meeting(ws, "2026-12-01"), meeting(ws, "2026-12-08")
    give(ws, early, LeadFeedback(id="f1", reference=second, verdict="good", disposition="accepted", agenda_item_id="leads"))
    give(
        ws,
        late,
        LeadFeedback(id="f2", reference=first, verdict="poor", disposition="rejected", reasons=["no_budget", "no_fit"], agenda_item_id="leads"),
        # Reviewed again a week later: the later meeting's word is the one exported.
        LeadFeedback(id="f3", reference=second, verdict="too_early", disposition="recycled", reasons=["bad_timing"], agenda_item_id="leads"),
        actions=(ActionItem(id="a1", text="Call back in Q2", owner="Dana Kim", due="2027-04-01", agenda_item_id="leads"),),
    )
    give(ws, early, actions=(ActionItem(id="a2", text="Fix the form's industry field", owner="José Silva", agenda_item_id="leads"),))

    out = tmp_path / "out"
    result = export_crm(ws, mapping, out)
    assert (result.leads, result.tasks, result.unknown) == (2, 2, [])
    rows = read(out / LEADS_CSV)
    status, reason = mapping.column("status"), mapping.column("reason")
    assert list(rows[0]) == [id_column, status, reason]
    got = {row[id_column]: (row[status], row[reason]) for row in rows}
    assert set(got) <= set(fixture_ids(text, id_column)) and third not in got
    expected = {
        "hubspot": {first: ("UNQUALIFIED", "No budget;No fit"), second: ("BAD_TIMING", "Bad timing")},
        "salesforce": {first: ("Closed - Not Converted", "No budget;No fit"), second: ("Closed - Not Converted", "Bad timing")},
    }[preset]
    assert got == expected
    # Each value is one the import reads back (Salesforce's default picklist has no value of
    # its own for a recycled lead: it closes it, as a rejected one).
    lookup = mapping.lookup("status")
    back = {ref: lookup[" ".join(v[0].replace("_", " ").casefold().split())] for ref, v in got.items()}
    assert back == {first: "rejected", second: "recycled" if preset == "hubspot" else "rejected"}

    tasks = read(out / TASKS_CSV)
    subject = "Task Title" if preset == "hubspot" else "Subject"
    related = "Contact Record ID" if preset == "hubspot" else "Lead ID"
    done = "NOT_STARTED" if preset == "hubspot" else "Not Started"
    by_subject = {t[subject]: t for t in tasks}
    # The later meeting's item reviewed two leads: no single lead to relate its task to; the
    # earlier one reviewed one, so its task is about that lead.
    assert by_subject["Call back in Q2"]["Due Date"] == "2027-04-01" and by_subject["Call back in Q2"][related] == ""
    assert by_subject["Fix the form's industry field"][related] == second
    assert {t["Assigned To"] for t in tasks} == {"Dana Kim", "José Silva"} and {t["Task Status" if preset == "hubspot" else "Status"] for t in tasks} == {done}


def test_a_reexport_is_byte_stable_and_not_rewritten(ws: Workspace, tmp_path: Path) -> None:
    m = meeting(ws, "2026-12-01")
    give(ws, m, LeadFeedback(id="f1", reference="51234501", verdict="poor", disposition="rejected", reasons=["other"], comment="=evil"))
    out = tmp_path / "out"
    first = export_crm(ws, HUBSPOT, out)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in first.written}
    again = export_crm(ws, HUBSPOT, out)
    assert again.written == [] and sorted(again.unchanged) == sorted(before)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in again.unchanged} == before
    assert first.unknown == ["51234501"]  # no list imported: said, and written all the same


def test_feedback_that_names_no_crm_id_is_left_out(ws: Workspace, tmp_path: Path) -> None:
    m = meeting(ws, "2026-12-01")
    give(ws, m, LeadFeedback(id="f1", reference="51234501", verdict="good"))
    give(ws, m, LeadFeedback(id="f2", reference="Batch: webinar upload (55 leads)", verdict="poor", disposition="rejected", reasons=["no_fit"]))
    result = export_crm(ws, HUBSPOT, tmp_path / "out")
    # No list imported: an id-like reference is written (the CRM's import says if it is wrong),
    # words are not: a wizard would make a new record of them.
    assert (result.unknown, result.left_out, result.leads) == (["51234501"], ["Batch: webinar upload (55 leads)"], 1)


def test_an_empty_export_writes_nothing_and_says_so(ws: Workspace, tmp_path: Path) -> None:
    meeting(ws, "2026-12-01")
    result = export_crm(ws, SALESFORCE, tmp_path / "out")
    assert result.empty and not (tmp_path / "out").exists()


def test_an_unmapped_value_is_one_sentence_naming_the_setting(ws: Workspace, tmp_path: Path) -> None:
    m = meeting(ws, "2026-12-01")
    give(ws, m, LeadFeedback(id="f1", reference="X-1", verdict="poor", disposition="rejected", reasons=["wrong_region"]))
    with pytest.raises(UsageError, match=r"'wrong_region' under \[crm.reason_export\]"):
        export_crm(ws, HUBSPOT, tmp_path / "out")
    mapping = CrmConfig(preset="hubspot", reason_export={"wrong_region": "Out of territory"}, columns={"reason": "Lead Reject Code"}).mapping()
    assert mapping is not None
    export_crm(ws, mapping, tmp_path / "out")
    assert read(tmp_path / "out" / LEADS_CSV) == [{"Record ID": "X-1", "Lead Status": "UNQUALIFIED", "Lead Reject Code": "Out of territory"}]


# --- hostile cells ------------------------------------------------------------------------------

FORMULA = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = st.text(alphabet=st.sampled_from("=+-@\t\r\n \"',;aZ1é\x1b[]|!"), max_size=12).map(lambda t: t + "z")  # never empty, whatever it starts with


def inert(cell: str) -> bool:
    return cell.startswith("'") or (cell.lstrip(" ")[:1] not in FORMULA and cell[:1] not in FORMULA)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(reference=HOSTILE, text=HOSTILE, owner=HOSTILE, value=HOSTILE)
def test_no_formula_reaches_a_cell(tmp_path_factory: pytest.TempPathFactory, reference: str, text: str, owner: str, value: str) -> None:
    root = tmp_path_factory.mktemp("hostile")
    ws = Workspace(root / "ws", now=lambda: NOW)
    m = meeting(ws, "2026-12-01")
    give(
        ws,
        m,
        LeadFeedback(id="f1", reference=reference, verdict="poor", disposition="rejected", reasons=["no_fit"], agenda_item_id="leads"),
        actions=(ActionItem(id="a1", text=text, owner=owner, agenda_item_id="leads"),),
    )
    mapping = CrmConfig(preset="hubspot", status_export={"rejected": value}, reason_export={"no_fit": value}).mapping()
    assert mapping is not None
    export_crm(ws, mapping, root / "out")
    for name in (LEADS_CSV, TASKS_CSV):
        cells = [c for row in csv.reader(io.StringIO((root / "out" / name).read_text(encoding="utf-8"), newline="")) for c in row]
        assert all(inert(c) for c in cells), cells
        assert all("\x1b" not in c for c in cells)


@pytest.mark.parametrize("cell", ["=1+1", " =1+1", "+A1", "-2", "@SUM(A1)", "\t=1", "\r=1", "a=1", "'=1"])
def test_safe_cell(cell: str) -> None:
    assert inert(safe_cell(cell))
    assert safe_cell("a=1") == "a=1" and safe_cell("'=1") == "'=1"


# --- the re-import's comparison ----------------------------------------------------------------


def test_the_stored_leads_are_compared_one_at_a_time(ws: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "h.csv"
    source.write_text(HUBSPOT_CSV, encoding="utf-8")
    import_leads(ws, source, HUBSPOT, now=NOW)
    raw = (ws.home / LEADS_FILE).read_bytes()
    assert _walk(raw) == {key: _digest(doc) for key, doc in orjson.loads(raw)["leads"].items()}
    # Anything but this schema's tables: the whole file is decoded instead (which migrates an
    # older schema and names what is wrong with a broken one).
    for bad in (raw.replace(b'"schema": 5', b'"schema": 4'), raw[:-3], raw + b"x", raw.replace(b'"leads": {', b'"leads": {"x": NaN,'), b"{}"):
        assert _walk(bad) is None


def test_a_write_between_reading_and_locking_is_compared_again(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another import writes after this one compared: under the lock it compares again, so
    its lead is neither lost nor counted as this import's."""
    source, other = tmp_path / "h.csv", tmp_path / "other.csv"
    source.write_text(HUBSPOT_CSV, encoding="utf-8")
    other.write_text("\n".join(HUBSPOT_CSV.splitlines()[:2]) + "\n", encoding="utf-8")
    real = importer._changes
    calls = []

    def racing(*args: object, **kwargs: object) -> object:
        changed = real(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(len(changed))
        if len(calls) == 1:
            monkeypatch.setattr(importer, "_changes", real)
            import_leads(ws, other, HUBSPOT, now=NOW)  # lands between the comparison and the lock
            monkeypatch.setattr(importer, "_changes", racing)
        return changed

    monkeypatch.setattr(importer, "_changes", racing)
    result = import_leads(ws, source, HUBSPOT, now=NOW)
    assert calls == [3, 2] and (result.new, result.unchanged) == (2, 1)
    assert len(orjson.loads((ws.home / LEADS_FILE).read_bytes())["leads"]) == 3
