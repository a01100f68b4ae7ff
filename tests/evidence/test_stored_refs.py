"""Migration 0003: stored reference numbers, the sign-off flag and the learner column of the search
index, on a database made by the previous schema and on new items."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from assessor_app.evidence import (
    create_evidence,
    get_evidence,
    list_evidence,
    search_evidence,
    set_evidence_field,
    update_evidence_text,
)
from assessor_app.evidence.errors import RecordLocked
from assessor_app.evidence.unlock import unlocking
from assessor_app.signoff.content import evidence_references
from assessor_app.store import open_store
from assessor_app.store.engine import alembic_config, make_engine
from assessor_app.store.models import EvidenceItem, SignOff, SignOffEvidence

KINDS = ["observation", "questioning", "observation", "witness", "observation", "questioning"]


def _previous(engine) -> str:  # noqa: ANN001
    """The revision before 0003 (wherever 0003 sits in the chain)."""
    from alembic.script import ScriptDirectory

    down = ScriptDirectory.from_config(alembic_config(engine)).get_revision("0003").down_revision
    assert isinstance(down, str)
    return down


def _old_schema_db(path: Path) -> None:
    """A file at the revision before 0003 holding two learners' items, one covered by a signed
    sign-off."""
    engine = make_engine(path)
    command.upgrade(alembic_config(engine), _previous(engine))
    engine.dispose()
    con = sqlite3.connect(path)
    with con:
        for lid, reg in ((1, "R1"), (2, "R2")):
            con.execute("INSERT INTO learner (id, name, registration, employer, line_manager, "
                        "line_manager_email, created_at) VALUES "
                        "(?, 'x', ?, '', '', '', '2025-01-01')", (lid, reg))
        for i, kind in enumerate(KINDS * 2):
            con.execute(
                "INSERT INTO evidence_item (learner_id, kind, date, title, text, witness_name, "
                "witness_role, witness_relationship, witness_contact, revision, deleted, "
                "created_at, updated_at) VALUES (?, ?, '2025-01-02', ?, ?, '', '', '', '', 1, ?, "
                "'2025-01-02', '2025-01-02')",
                (1 + i // len(KINDS), kind, f"item {i}", f"stock rotation note {i}", int(i == 4)))
        con.execute("INSERT INTO unit (id, reference, created_at) "
                    "VALUES (1, 'K/503/8194', '2025-01-01')")
        con.execute("INSERT INTO unit_version (id, unit_id, number, content_hash, title, aim, "
                    "assessment, evidence_requirements_text, structured_json, created_at) "
                    "VALUES (1, 1, 1, 'h', 'U', '', '', '', '{}', '2025-01-01')")
        con.execute("INSERT INTO signoff (id, learner_id, unit_version_id, content_hash, "
                    "content_json, partial, partial_reason, status, void_reason, created_at) "
                    "VALUES (1, 1, 1, 'c', '{}', 0, '', 'signed', '', '2025-01-03')")
        con.execute("INSERT INTO signoff_evidence VALUES (1, 1, 1)")
        con.execute("INSERT INTO learning_outcome VALUES (1, 1, '1', 'o', 0)")
        con.execute("INSERT INTO criterion VALUES (1, 1, 1, '1.1', 'c', 0)")
        con.executemany("INSERT INTO evidence_criterion VALUES (?, 1)", [(1,), (5,), (8,)])
    con.close()


def test_upgrade_from_the_previous_schema_numbers_flags_and_indexes_existing_items(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _old_schema_db(path)
    store = open_store(path)  # migrates to head
    try:
        with store.read_session() as s:
            items = s.exec(select(EvidenceItem).order_by(EvidenceItem.id)).all()
            # The rule the app applied at query time before: creation order per learner and kind.
            for learner_id in (1, 2):
                expected = evidence_references(s, learner_id)
                got = {i.id: f"{i.kind[:1]}{i.ref_number}" for i in items
                       if i.learner_id == learner_id}
                assert {k: v.split("-")[1] for k, v in expected.items()} == {
                    k: v[1:] for k, v in got.items()}
            assert [i.id for i in items if i.signoff_live] == [1]
            maps = s.exec(text("SELECT evidence_id, learner_id, live FROM evidence_criterion "
                               "ORDER BY evidence_id")).all()
            assert [tuple(m) for m in maps] == [(1, 1, 1), (5, 1, 0), (8, 2, 1)]
        # Item 5 (OBS-3) is deleted: it keeps its number, the others keep theirs.
        assert [r.ref for r in list_evidence(store, 1)] == ["OBS-1", "QA-1", "OBS-2", "WT-1",
                                                            "QA-2"]
        # Search for one learner only returns that learner's items; deleted item 5 stays out.
        hits = search_evidence(store, 1, "rotation")
        assert sorted(h.evidence_id for h in hits) == [1, 2, 3, 4, 6]
        assert {h.learner_id for h in search_evidence(store, None, "rotation")} == {1, 2}
        assert len(search_evidence(store, None, "rotation")) == 11
        assert list(path.parent.glob("old.sqlite3.before-*.bak"))  # a copy kept before upgrading
    finally:
        store.close()


def test_downgrade_to_the_previous_schema_and_back(tmp_path: Path) -> None:
    path = tmp_path / "round.sqlite3"
    _old_schema_db(path)
    store = open_store(path)
    cfg = alembic_config(store.engine)
    command.downgrade(cfg, _previous(store.engine))
    with store.engine.connect() as conn:
        cols = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(evidence_item)")]
    assert "ref_number" not in cols and "signoff_live" not in cols
    command.upgrade(cfg, "head")
    assert [h.evidence_id for h in search_evidence(store, 2, "rotation note 11")] == [12]
    store.close()


def test_new_items_are_numbered_and_a_kind_change_renumbers_like_the_old_rule(store,
                                                                             world) -> None:
    lid = world.learner.id
    ids = [create_evidence(store, lid, k, title=f"t{i}").evidence_id for i, k in enumerate(KINDS)]
    assert get_evidence(store, ids[4]).ref == "OBS-3"
    set_evidence_field(store, ids[2], "kind", "questioning")  # OBS-2 becomes a questioning item
    with store.read_session() as s:
        expected = evidence_references(s, lid)
    assert {r.id: r.ref for r in list_evidence(store, lid)} == expected
    assert get_evidence(store, ids[2]).ref == "QA-2"
    assert get_evidence(store, ids[4]).ref == "OBS-2"
    assert get_evidence(store, ids[5]).ref == "QA-3"


def test_signoff_flag_follows_live_signoffs_and_keystroke_edits_still_void(store,
                                                                          world) -> None:
    lid = world.learner.id
    item = create_evidence(store, lid, "observation", text="Greeted the customer").evidence_id
    with store.session() as s:
        so = SignOff(learner_id=lid, unit_version_id=world.k.version_id, content_hash="c" * 64,
                     content_json="{}", status="signed")
        s.add(so)
        s.flush()
        s.add(SignOffEvidence(signoff_id=so.id, evidence_id=item, evidence_revision=1))
        so_id = so.id
    assert get_evidence(store, item).item.signoff_live is True
    with pytest.raises(RecordLocked):  # signed: a keystroke cannot slip past the lock
        update_evidence_text(store, item, "Greeted the customer warmly")
    assert get_evidence(store, item).item.text == "Greeted the customer"
    with unlocking("learner asked for a correction"):
        update_evidence_text(store, item, "Greeted the customer warmly")
    detail = get_evidence(store, item)
    assert detail.item.revision == 2 and detail.item.signoff_live is False
    with store.read_session() as s:
        assert s.get(SignOff, so_id).status == "void"
    # Not covered any more: the next keystroke takes the quick path and is searchable at once.
    edit = update_evidence_text(store, item, "Explained the refund policy")
    assert edit.old == "Greeted the customer warmly"
    assert [h.evidence_id for h in search_evidence(store, lid, "refund")] == [item]
    assert search_evidence(store, lid, "warmly") == []
    assert get_evidence(store, item).item.updated_at > detail.item.updated_at
    # A no-op edit writes nothing.
    assert update_evidence_text(store, item, "Explained the refund policy").is_noop


def test_flag_clears_when_the_signoff_is_voided_elsewhere(store, world) -> None:
    lid = world.learner.id
    item = create_evidence(store, lid, "product", on=date(2025, 1, 1)).evidence_id
    with store.session() as s:
        so = SignOff(learner_id=lid, unit_version_id=world.k.version_id, content_hash="c" * 64,
                     content_json="{}", status="in_progress")
        s.add(so)
        s.flush()
        s.add(SignOffEvidence(signoff_id=so.id, evidence_id=item, evidence_revision=1))
    assert get_evidence(store, item).item.signoff_live is True
    with store.session() as s:
        row = s.exec(select(SignOff)).one()
        row.status = "void"
        s.add(row)
    assert get_evidence(store, item).item.signoff_live is False


def test_mappings_carry_learner_and_liveness_for_coverage(store, world) -> None:
    from assessor_app.evidence import delete_evidence, learner_coverage, restore_evidence
    from assessor_app.store.models import EvidenceCriterion

    lid = world.learner.id
    item = create_evidence(store, lid, "observation", criteria=["K/503/8194:1.1",
                                                                "K/503/8194:1.2"]).evidence_id

    def mapped() -> set[tuple[int, bool]]:
        with store.read_session() as s:
            return {(m.learner_id, m.live) for m in s.exec(select(EvidenceCriterion))}

    assert mapped() == {(lid, True)}
    assert learner_coverage(store, lid).unit("K/503/8194").criteria[0].evidence_ids == (item,)
    delete_evidence(store, item)
    assert mapped() == {(lid, False)}
    assert learner_coverage(store, lid).unit("K/503/8194").criteria[0].evidence_ids == ()
    restore_evidence(store, item)
    assert mapped() == {(lid, True)}


def test_quick_path_steps_aside_for_a_listener_that_wants_every_change(store, world) -> None:
    from assessor_app.evidence.events import EvidenceChanging
    from assessor_app.store import events

    item = create_evidence(store, world.learner.id, "observation", text="first").evidence_id
    heard: list[int] = []

    def every_change(_session, event) -> None:  # noqa: ANN001
        heard.append(event.evidence_id)

    events.listen(EvidenceChanging, every_change)
    try:
        update_evidence_text(store, item, "second")
    finally:
        events._listeners[EvidenceChanging].remove(every_change)
    assert heard == [item]
    assert get_evidence(store, item).item.text == "second"
