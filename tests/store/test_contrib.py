"""Contributions between meetings (store/contrib): each kind built and validated by the
meeting's own record classes, stored in a file per person like the shared files, listed
across people; hostile text cleaned; who-am-I in config.toml; doctor, backup and the sync's
words know the files."""

from __future__ import annotations

import stat
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from tandem.store.config import load_config, save_me
from tandem.store.contrib import Contribution, Contributions, Topic, make, person_slug
from tandem.store.errors import CorruptFileError, NotFoundError, UsageError, ValidationError
from tandem.store.records import CheckIn, ContentItem, LeadFeedback, Objective, ProspectInsight
from tandem.store.sync.describe import is_data_path, summarise
from tandem.store.upkeep import doctor
from tandem.store.upkeep.backup import backup, restore
from tandem.store.workspace import Workspace

NOW = datetime(2026, 12, 3, 9, 30)
ANA = {"author": "Ana Ruiz", "team": "sales", "now": NOW}
HOSTILE = "Budget\x1b[31m?\x07 \x1b]0;pwned\x07" + "x" * 100_000


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    workspace = Workspace(tmp_path / "ws")
    workspace.set_info(name="Team")
    return workspace


def test_every_kind_wraps_the_meetings_own_record(ws: Workspace) -> None:
    goal = Objective(id="obj1", title="MQLs", metric="mql", target=100, status="at_risk")
    made = [
        make.lead("SF-77", "poor", reasons=["no_budget"], stage_reached="sql", source="Webinar", **ANA),
        make.question("Does it work with HubSpot?", heard=3, persona="CFO", **ANA),
        make.topic("Webinar leads", minutes=10, series_id="weekly", **ANA),
        make.content("HubSpot guide", type="ebook", **ANA),
        make.checkin(goal, 42, comment="webinar week", **ANA),
    ]
    store = Contributions(ws)
    for c in made:
        store.add(c)
    inner = [c.inner for c in store.all()]
    assert {type(r) for r in inner} == {LeadFeedback, ProspectInsight, Topic, ContentItem, CheckIn}
    lead = next(r for r in inner if isinstance(r, LeadFeedback))
    assert (lead.reference, lead.reasons, lead.stage_reached, lead.reporter, lead.id) == ("SF-77", ["no_budget"], "sql", "Ana Ruiz", made[0].id)
    question = next(r for r in inner if isinstance(r, ProspectInsight))
    assert (question.times_heard, question.reporter, question.date) == (3, "Ana Ruiz", "2026-12-03")
    content = next(r for r in inner if isinstance(r, ContentItem))
    assert (content.proposed_by, content.status) == ("sales", "idea")
    checkin = next(r for r in inner if isinstance(r, CheckIn))
    assert (checkin.value, checkin.status, checkin.date) == (42, "at_risk", "2026-12-03")
    assert next(c for c in store.all() if c.kind == "checkin").objective_id == "obj1"
    assert all(c.status == "waiting" and c.author == "Ana Ruiz" and c.created_at == "2026-12-03T09:30:00" for c in store.all())


def test_the_file_is_a_schema_5_data_file_of_its_author_only(ws: Workspace) -> None:
    store = Contributions(ws)
    c = store.add(make.topic("Pricing", **ANA))
    path = ws.home / "contributions" / "ana-ruiz.json"
    assert store.files() == [path]
    raw = path.read_bytes()
    data = orjson.loads(raw)
    assert data["_tandem"] == {"kind": "contributions", "schema": 5}
    assert list(data["contributions"]) == [c.id] and data["contributions"][c.id]["_seq"] == 1
    assert raw.startswith(b'{\n  "_tandem"') and raw.endswith(b"}\n")  # pretty, keys sorted
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    store.add(make.topic("Other", author="José Núñez", team="marketing", now=NOW))
    assert sorted(p.name for p in store.files()) == ["ana-ruiz.json", f"{person_slug('José Núñez')}.json"]


@pytest.mark.parametrize(
    ("build", "field", "words"),
    [
        (lambda: make.lead("SF-1", "poor", **ANA), "reason", "needs at least one reason"),
        (lambda: make.lead("SF-1", "poor", reasons=["other"], **ANA), "comment", "'other' needs a comment"),
        (lambda: make.lead("SF-1", "good", reasons=["student"], **ANA), "reason", "'student' is not one of the reason codes"),
        (
            lambda: make.lead("SF-1", "good", reasons=["student"], reason_codes=["student"], funnel_stages=["lead", "won"], stage_reached="sql", **ANA),
            "stage",
            "'sql'",
        ),
        (lambda: make.lead("SF-1", "good", stage_lost="nowhere", **ANA), "stage-lost", "'nowhere'"),
        (lambda: make.lead("  ", "good", **ANA), "lead_feedback.reference", "must not be empty"),
        (lambda: make.lead("SF-1", "great", **ANA), "lead_feedback.verdict", "'great' is not one of"),
        (lambda: make.question("", **ANA), "prospect_insight.text", "must not be empty"),
        (lambda: make.question("Why?", heard=0, **ANA), "prospect_insight.times_heard", "at least 1"),
        (lambda: make.topic("T", minutes=0, **ANA), "topic.minutes", "from 1 to 480"),
        (lambda: make.topic("T" * 301, **ANA), "topic.title", "longer than 300"),
        (lambda: make.content("Guide", type="podcast", **ANA), "content_item.type", "'podcast'"),
        (lambda: make.topic("T", author="", team="sales", now=NOW), "contribution.author", "must not be empty"),
        (lambda: make.topic("T", author="Ana", team="shared", now=NOW), "contribution.team", "'shared'"),
    ],
)
def test_each_invalid_field_is_one_sentence(build, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        build()
    assert err.value.field == field and words in str(err.value)
    assert "\n" not in str(err.value)


def test_a_stored_contribution_is_validated_when_read(ws: Workspace) -> None:
    c = make.topic("Pricing", **ANA)
    bad = {**c.to_dict(), "record": {"title": "Pricing", "minutes": 999, "note": ""}}
    with pytest.raises(ValidationError, match=r"topic\.minutes"):
        Contribution.from_dict(bad)
    with pytest.raises(ValidationError, match="names its objective"):
        Contribution.from_dict({**c.to_dict(), "kind": "checkin", "record": {"date": "2026-12-03", "value": 1, "status": "on_track"}})
    lead = make.lead("SF-1", "good", **ANA)
    with pytest.raises(ValidationError, match="not the contribution's"):
        Contribution.from_dict({**lead.to_dict(), "id": "another"})
    path = Contributions(ws).path_of("Ana Ruiz")
    Contributions(ws).add(c)
    data = orjson.loads(path.read_bytes())
    data["contributions"][c.id]["record"]["minutes"] = 999
    path.write_bytes(orjson.dumps(data))
    with pytest.raises(CorruptFileError, match=r"ana-ruiz\.json"):
        Contributions(ws).all()


def test_hostile_text_is_stored_cleaned(ws: Workspace) -> None:
    store = Contributions(ws)
    store.add(make.question(HOSTILE, **{**ANA, "author": "Ana\x1b[2J Ruiz"}))
    store.add(make.lead("SF-\x1b[31m9", "good", comment=HOSTILE, **ANA))
    raw = b"".join(p.read_bytes() for p in store.files())
    assert b"\x1b" not in raw and b"\x07" not in raw and b"\\u001b" not in raw and b"\\u0007" not in raw
    texts = {c.subject for c in store.all()}
    assert "SF-9" in texts and any(t.startswith("Budget?") and len(t) > 100_000 for t in texts)
    assert {c.author for c in store.all()} == {"Ana Ruiz"}


def test_waiting_lists_everybody_newest_first_and_filters(ws: Workspace) -> None:
    store = Contributions(ws)
    old = store.add(make.topic("Old", series_id="weekly", **{**ANA, "now": datetime(2026, 12, 1, 9)}))
    any_series = store.add(make.topic("Any", author="José", team="marketing", now=datetime(2026, 12, 2, 9)))
    other = store.add(make.topic("Monthly", series_id="monthly", author="José", team="marketing", now=datetime(2026, 12, 3, 9)))
    assert [c.id for c in store.waiting()] == [other.id, any_series.id, old.id]
    assert [c.id for c in store.waiting(series_id="weekly")] == [any_series.id, old.id]
    assert [c.id for c in store.waiting(author="José")] == [other.id, any_series.id]
    assert store.withdraw("José", other.id).status == "withdrawn"
    assert [c.id for c in store.waiting()] == [any_series.id, old.id]
    with pytest.raises(ValidationError, match="contributed by José, not by Ana Ruiz"):
        store.withdraw("Ana Ruiz", other.id)  # nobody withdraws another's


def test_resolve_by_unique_prefix(ws: Workspace) -> None:
    store = Contributions(ws)
    a = store.add(make.topic("A", **ANA).replace(id="abc111111111"))
    store.add(make.topic("B", **ANA).replace(id="abc222222222"))
    assert store.resolve("abc1").id == a.id
    assert store.resolve(a.id).id == a.id
    with pytest.raises(NotFoundError, match="matches 2 contributions"):
        store.resolve("abc")
    with pytest.raises(NotFoundError, match="No contribution 'zz'"):
        store.resolve("zz")


def test_a_file_from_before_the_name_got_a_digest_is_still_the_authors(ws: Workspace) -> None:
    store = Contributions(ws)
    jose = {"author": "José Núñez", "team": "sales", "now": NOW}
    c = store.add(make.topic("Webinar leads", **jose))
    old = store.folder / "jose-nunez.json"  # the name it had before names got a digest
    store.path_of("José Núñez").rename(old)
    assert [x.id for x in store.all()] == [c.id]
    assert store.withdraw("José Núñez", c.id).status == "withdrawn"
    assert [x.status for x in store.all()] == ["withdrawn"] and not store.path_of("José Núñez").exists()


def test_person_slug() -> None:
    assert person_slug("Ana Ruiz") == "ana-ruiz"
    jose = person_slug("José Núñez")
    assert jose.startswith("jose-nunez-") and len(jose) == len("jose-nunez-") + 6
    assert person_slug("José") != person_slug("Jose") == "jose"  # two people, two files
    assert person_slug("李雷").startswith("person-") and person_slug("李雷") != person_slug("韩梅梅")
    assert person_slug("../../etc") == "etc"


def test_me_in_config_is_validated_and_written_keeping_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('facilitator = "Dana"  # keep me\n\n[me]\nname = "Old"\nteam = "pirates"\n\n[sync]\nauto = false\n')
    loaded = load_config(path)
    assert [(p.line, p.key) for p in loaded.problems] == [(5, "me.team")]
    assert loaded.config.me.name == "Old" and loaded.config.me.team == "other"
    save_me("Ana Ruiz", "sales", path)
    text = path.read_text()
    assert text.startswith('facilitator = "Dana"  # keep me\n') and "[sync]\nauto = false\n" in text and "Old" not in text
    loaded = load_config(path)
    assert loaded.ok and (loaded.config.me.name, loaded.config.me.team, loaded.config.sync.auto) == ("Ana Ruiz", "sales", False)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    fresh = tmp_path / "new" / "config.toml"
    save_me('Zoë "Z"', "marketing", fresh)
    assert load_config(fresh).config.me.name == 'Zoë "Z"'
    path.write_text("[me\n")
    with pytest.raises(UsageError, match="not valid TOML"):
        save_me("Ana", "sales", path)


def test_the_sync_carries_and_describes_the_files(ws: Workspace) -> None:
    assert is_data_path("contributions/ana-ruiz.json") and not is_data_path("contributions/x/y.json")
    store = Contributions(ws)
    path = "contributions/ana-ruiz.json"
    store.add(make.lead("SF-1", "good", **ANA))
    before = (ws.home / path).read_bytes()
    store.add(make.lead("SF-2", "good", **ANA))
    store.add(make.lead("SF-3", "poor", reasons=["no_fit"], **ANA))
    topic = store.add(make.topic("Pricing", **ANA))
    after = (ws.home / path).read_bytes()
    assert summarise([(path, None, after)]) == ["3 lead feedback", "1 topic"]
    assert summarise([(path, before, after)]) == ["2 lead feedback", "1 topic"]
    store.withdraw("Ana Ruiz", topic.id)
    assert summarise([(path, after, (ws.home / path).read_bytes())]) == ["1 topic withdrawn"]


def test_doctor_checks_the_files_and_backup_restores_them(ws: Workspace, tmp_path: Path) -> None:
    store = Contributions(ws)
    c = store.add(make.topic("Pricing", **ANA))
    assert not doctor.check(ws.home).problems
    archive = tmp_path / "backup.json"
    backup(ws, archive)
    assert "contributions/ana-ruiz.json" in orjson.loads(archive.read_bytes())["files"]
    copy = Workspace(tmp_path / "copy")
    restore(copy, archive)
    assert [x.id for x in Contributions(copy).all()] == [c.id]
    (ws.home / "contributions" / "jose.json").write_text("{ broken")
    problems = doctor.check(ws.home).problems
    assert [f.path for f in problems] == ["contributions/jose.json"]
    (ws.home / "contributions" / "jose.json").unlink()
    (ws.home / "contributions" / "ana-ruiz.json").chmod(0o644)
    assert any(f.path == "contributions/ana-ruiz.json" and "0644" in f.message for f in doctor.check(ws.home).warnings)
