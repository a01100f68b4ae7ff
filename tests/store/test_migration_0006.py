"""Migration 0006 (the range items an evidence item covers) upgrades a database made by the
schema before it, keeping its rows, and downgrades cleanly."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from assessor_app.store import open_store
from assessor_app.store.engine import alembic_config, head_revision, make_engine
from assessor_app.store.models import EvidenceItem, EvidenceRangeItem
from tests.store.test_migration_0007 import _insert_row

PREVIOUS = "0003"  # the head before 0006 was added


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as raw:
        return {r[0] for r in raw.execute("select name from sqlite_master where type='table'")}


def _previous_schema_db(path: Path) -> None:
    """A file as the app before 0006 left it: a learner with one evidence item, and a unit
    version with a range note."""
    engine = make_engine(path)
    config = alembic_config(engine)
    assert ScriptDirectory.from_config(config).get_revision("0006").down_revision == PREVIOUS
    command.upgrade(config, PREVIOUS)
    engine.dispose()
    with sqlite3.connect(path) as raw:
        raw.execute("insert into learner (name, registration, employer, line_manager, "
                    "line_manager_email, created_at) values ('Old Learner', 'R-OLD', '', '', '', "
                    "'2025-01-01 00:00:00')")
        raw.execute("insert into unit (reference, created_at) values ('A/100/0001', "
                    "'2025-01-01 00:00:00')")
        _insert_row(raw, "unit_version", {"unit_id": 1, "number": 1, "title": "T"})
        _insert_row(raw, "guidance_note", {"version_id": 1, "kind": "range",
                                           "heading": "Segmentation",
                                           "items_json": '["age", "religion"]'})
        _insert_row(raw, "evidence_item", {"learner_id": 1, "kind": "observation",
                                           "title": "Old item", "text": "seen",
                                           "date": "2025-01-02"})
    assert "evidence_range_item" not in _tables(path)


def test_upgrade_from_previous_schema_keeps_rows(db_path: Path) -> None:
    _previous_schema_db(db_path)
    store = open_store(db_path, encrypt=False)
    with store.session() as s:
        item = s.get(EvidenceItem, 1)
        assert item is not None and item.title == "Old item"
        s.add(EvidenceRangeItem(evidence_id=1, note_id=1, item_index=1, item_text="religion"))
    store.close()
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("select evidence_id, note_id, item_index, item_text from "
                           "evidence_range_item").fetchall() == [(1, 1, 1, "religion")]
        # at head (0006, or a later revision stacked on it)
        assert raw.execute("select version_num from alembic_version").fetchone() == (
            head_revision(),)


def test_downgrade_drops_the_table(db_path: Path) -> None:
    open_store(db_path, encrypt=False).close()
    assert "evidence_range_item" in _tables(db_path)
    engine = make_engine(db_path)
    command.downgrade(alembic_config(engine), PREVIOUS)
    engine.dispose()
    assert "evidence_range_item" not in _tables(db_path)
