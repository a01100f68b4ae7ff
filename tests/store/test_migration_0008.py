"""Migration 0008 (coverage kept per learner × criterion; typed text indexed after the autosave)
upgrades a database made at the previous head, filling the coverage table from its rows and
keeping its full-text index valid, and downgrades cleanly with the pending text indexed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from assessor_app.evidence import learner_coverage, search_evidence
from assessor_app.evidence.coverage import CoverageState
from assessor_app.store import open_store
from assessor_app.store.engine import alembic_config, make_engine
from tests.evidence.test_coverage_table import TABLE_RECOUNT_SQL
from tests.store.test_migration_0007 import _insert_row

PREVIOUS = "0009"  # the head before 0008 was added
STAMP = "2025-01-01 00:00:00"


def _fts_ok(raw: sqlite3.Connection) -> None:
    # rank 1: also check the index against its content (the source view), row by row.
    raw.execute("INSERT INTO evidence_fts(evidence_fts, rank) VALUES ('integrity-check', 1)")


def _previous_schema_db(path: Path) -> None:
    """A file as the app at the previous head left it: two learners on one unit of four criteria, items
    mapped (one deleted) and a history of judgements."""
    engine = make_engine(path)
    config = alembic_config(engine)
    assert ScriptDirectory.from_config(config).get_revision("0008").down_revision == PREVIOUS
    command.upgrade(config, PREVIOUS)
    engine.dispose()
    with sqlite3.connect(path) as raw:
        for n in (1, 2):
            raw.execute("insert into learner (name, registration, employer, line_manager, "
                        "line_manager_email, created_at) values (?, ?, '', '', '', ?)",
                        (f"Old Learner {n}", f"R-OLD{n}", STAMP))
        raw.execute("insert into unit (reference, created_at) values ('A/100/0001', ?)", (STAMP,))
        _insert_row(raw, "unit_version", {"unit_id": 1, "number": 1, "title": "T"})
        _insert_row(raw, "learning_outcome", {"version_id": 1, "number": "1", "text": "LO",
                                              "position": 0})
        for c in range(1, 5):
            _insert_row(raw, "criterion", {"version_id": 1, "outcome_id": 1, "number": f"1.{c}",
                                           "text": f"C{c}", "position": c})
        for learner in (1, 2):
            raw.execute("insert into enrolment (learner_id, unit_id, unit_version_id, "
                        "enrolled_at) values (?, 1, 1, ?)", (learner, STAMP))
        items = [(1, "Greeted the customer", 0), (1, "Counted the till", 0),
                 (1, "Deleted note", 1), (2, "Stacked shelves", 0)]
        for learner, body, deleted in items:
            _insert_row(raw, "evidence_item", {"learner_id": learner, "kind": "observation",
                                               "title": "", "text": body, "date": "2025-01-02",
                                               "deleted": deleted, "revision": 1})
        # As the ORM writes them: learner and liveness filled in by 0003's trigger.
        for evidence, criterion in [(1, 1), (1, 2), (2, 2), (3, 3), (4, 1)]:
            raw.execute("insert into evidence_criterion (evidence_id, criterion_id) "
                        "values (?, ?)", (evidence, criterion))
        for learner, criterion, state in [(1, 1, "met"), (1, 2, "met"), (1, 2, "not_yet"),
                                          (2, 4, "not_yet")]:
            _insert_row(raw, "judgement", {"learner_id": learner, "criterion_id": criterion,
                                           "state": state, "decided_by": "A. Assessor",
                                           "decided_at": STAMP})


def test_upgrade_fills_coverage_and_keeps_search(db_path: Path) -> None:
    _previous_schema_db(db_path)
    store = open_store(db_path, encrypt=False)
    with store.read_session() as s:
        table = s.execute(TABLE_RECOUNT_SQL).all()
        kept = s.execute(text(
            "SELECT learner_id, criterion_id, evidence_count, judgement_id, evidence_ids "
            "FROM evidence_coverage ORDER BY 1, 2")).all()
    assert [tuple(r[:4]) for r in kept] == [tuple(r) for r in table]
    assert [(r[0], r[1], r[2], r[3], sorted(r[4].split(","))) for r in kept] == [
        (1, 1, 1, 1, ["1"]), (1, 2, 2, 3, ["1", "2"]), (2, 1, 1, None, ["4"]),
        (2, 4, 0, 4, [""])]
    cov = learner_coverage(store, 1)
    assert [(c.number, c.state, c.evidence_ids) for c in cov.units[0].criteria] == [
        ("1.1", CoverageState.MET, (1,)), ("1.2", CoverageState.EVIDENCED, (1, 2)),
        ("1.3", CoverageState.UNEVIDENCED, ()), ("1.4", CoverageState.UNEVIDENCED, ())]
    assert [h.evidence_id for h in search_evidence(store, 1, "till")] == [2]
    store.close()
    with sqlite3.connect(db_path) as raw:
        _fts_ok(raw)


def test_downgrade_indexes_pending_text(db_path: Path) -> None:
    _previous_schema_db(db_path)
    open_store(db_path, encrypt=False).close()
    with sqlite3.connect(db_path) as raw:  # an edit left for the background to index
        raw.execute("UPDATE evidence_item SET text = 'Balanced the float' WHERE id = 2")
        assert raw.execute("SELECT id FROM evidence_fts_pending").fetchall() == [(2,)]
        _fts_ok(raw)
    engine = make_engine(db_path)
    command.downgrade(alembic_config(engine), PREVIOUS)
    engine.dispose()
    with sqlite3.connect(db_path) as raw:
        tables = {r[0] for r in raw.execute("select name from sqlite_master")}
        assert "evidence_coverage" not in tables and "evidence_fts_pending" not in tables
        _fts_ok(raw)
        assert raw.execute("SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH 'float'"
                           ).fetchall() == [(2,)]
        assert raw.execute("SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH 'till'"
                           ).fetchall() == []
