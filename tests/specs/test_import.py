"""Importing into SQLite: one unit per reference, publications per body, immutable versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import col, select

from assessor_app.specs.errors import SpecError
from assessor_app.specs.importer import (
    CREATED,
    NEW_VERSION,
    PUBLICATION_UPDATED,
    UNCHANGED,
    import_paths,
)
from assessor_app.specs.queries import latest_unit_version, unit_tree
from assessor_app.store import Store
from assessor_app.store.models import (
    Criterion,
    EvidenceRequirement,
    GuidanceNote,
    Publication,
    UnitVersion,
)
from tests.specs.helpers import row_counts, seed


def test_all_seeds_import_in_one_go(store: Store, seed_paths: list[Path]) -> None:
    results = import_paths(store, seed_paths)
    # 000 creates K/503/8194; 002 (City & Guilds) adds its range as version 2 of the same unit.
    assert [r.action for r in results] == [CREATED, CREATED, NEW_VERSION, CREATED, CREATED]
    counts = row_counts(store)
    assert (counts["unit"], counts["unit_version"], counts["publication"]) == (4, 5, 5)
    assert counts["criterion"] == 17 * 2 + 18 + 14 + 17
    assert counts["evidence_requirement"] == 14


def test_ocr_and_city_and_guilds_make_one_unit_with_two_publications(store: Store) -> None:
    import_paths(store, [seed("000")])
    results = import_paths(store, [seed("002")])
    assert results[0].action == NEW_VERSION  # the range items are new content
    with store.session() as s:
        tree = unit_tree(s, "K/503/8194")
        pubs = s.exec(select(Publication)).all()
    assert tree is not None
    assert tree["publications"] == [
        {"awarding_body": "OCR", "unit_number": "52"},
        {"awarding_body": "City & Guilds", "unit_number": "238"},
    ]
    assert {p.source_name for p in pubs} == {seed("000").name, seed("002").name}
    assert tree["version"] == 2
    # Criteria wording kept from the first publication; C&G range items added and tagged.
    o1 = tree["learning_outcomes"][0]
    assert o1["criteria"][0]["text"] == "Describe the importance of understanding customers’ wants and needs"
    seg = o1["guidance"][0]
    assert (seg["kind"], seg["heading"], seg["awarding_body"], seg["criterion"]) == (
        "range", "Segmentation", "City & Guilds", "1.2")
    assert seg["items"] == ["age", "gender", "religion", "culture", "income", "lifestyle"]
    assert [len(o["criteria"]) for o in tree["learning_outcomes"]] == [4, 8, 5]


def test_reimporting_identical_text_is_a_no_op(store: Store) -> None:
    import_paths(store, [seed("000"), seed("002")])
    before = row_counts(store)
    results = import_paths(store, [seed("002"), seed("000")])
    assert [r.action for r in results] == [UNCHANGED, UNCHANGED]
    assert row_counts(store) == before


def test_changed_text_creates_new_version_and_keeps_old_rows(store: Store, tmp_path: Path) -> None:
    import_paths(store, [seed("001")])
    with store.session() as s:
        v1 = latest_unit_version(s, "L/601/1239")
        assert v1 is not None
        old_rows = [(c.id, c.number, c.text) for c in
                    s.exec(select(Criterion).where(Criterion.version_id == v1.id))]
    changed = tmp_path / "001-changed.txt"
    changed.write_text(seed("001").read_text(encoding="utf-8").replace(
        "2.2 Regularly assess whether", "2.2 Frequently assess whether"), encoding="utf-8")
    results = import_paths(store, [changed])
    assert (results[0].action, results[0].version) == (NEW_VERSION, 2)
    with store.session() as s:
        v2 = latest_unit_version(s, "L/601/1239")
        assert v2 is not None and v2.number == 2 and v2.content_hash != v1.content_hash
        assert [(c.id, c.number, c.text) for c in
                s.exec(select(Criterion).where(Criterion.version_id == v1.id))] == old_rows
        texts = {c.number: c.text for c in s.exec(select(Criterion).where(Criterion.version_id == v2.id))}
        assert texts["2.2"].startswith("Frequently assess whether")
        assert len(s.exec(select(EvidenceRequirement)
                          .where(EvidenceRequirement.version_id == v2.id)).all()) == 14
        pub = s.exec(select(Publication)).one()
        assert pub.source_name == changed.name
    # Changing it back is a new version too (versions are never reused or rewritten).
    results = import_paths(store, [seed("001")])
    assert (results[0].action, results[0].version) == (NEW_VERSION, 3)
    with store.session() as s:
        hashes = [v.content_hash for v in s.exec(select(UnitVersion).order_by(col(UnitVersion.number)))]
    assert hashes[0] == hashes[2] != hashes[1]


def test_changed_text_from_same_body_replaces_its_range_only(store: Store, tmp_path: Path) -> None:
    import_paths(store, [seed("000"), seed("002")])
    changed = tmp_path / "cg.txt"
    changed.write_text(seed("002").read_text(encoding="utf-8").replace(" religion", " faith"),
                       encoding="utf-8")
    import_paths(store, [changed])
    with store.session() as s:
        v = latest_unit_version(s, "K/503/8194")
        assert v is not None and v.number == 3
        notes = s.exec(select(GuidanceNote).where(GuidanceNote.version_id == v.id)).all()
        seg = next(n for n in notes if n.heading == "Segmentation")
        assert json.loads(seg.items_json)[2] == "faith"
        assert len(notes) == 5
        crit = s.exec(select(Criterion).where(Criterion.version_id == v.id,
                                              Criterion.number == "1.1")).one()
        assert crit.text.startswith("Describe")  # OCR wording kept


def test_conflicting_criteria_between_bodies_is_an_error(store: Store, tmp_path: Path) -> None:
    import_paths(store, [seed("000")])
    before = row_counts(store)
    text = seed("002").read_text(encoding="utf-8")
    text = text.replace("3.5 explain how to identify added value", "3.6 explain how to identify added value")
    text = text.replace("3.4 explain the importance of keeping customers informed",
                        "3.4 explain the importance of keeping customers informed\n\n"
                        "3.5 explain how to keep customers happy\n")
    conflicting = tmp_path / "cg-conflict.txt"
    conflicting.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as err:
        import_paths(store, [conflicting])
    msg = str(err.value)
    assert str(conflicting) in msg and seed("000").name in msg and "differ" in msg
    assert row_counts(store) == before


def test_missing_reference_needs_option(store: Store, tmp_path: Path) -> None:
    partial = tmp_path / "no-ref.txt"
    partial.write_text(seed("000").read_text(encoding="utf-8").replace(
        "Unit reference number: K/503/8194", ""), encoding="utf-8")
    with pytest.raises(SpecError, match="--reference"):
        import_paths(store, [partial])
    assert row_counts(store)["unit"] == 0
    with pytest.raises(SpecError, match="not a unit reference"):
        import_paths(store, [partial], reference="nonsense")
    results = import_paths(store, [partial], reference="k/503/8194")
    assert results[0].reference == "K/503/8194"
    # The same unit's real text from the same body with the same content: no new version.
    assert import_paths(store, [seed("000")])[0].action == PUBLICATION_UPDATED
