"""Migration 0007 (ULN, qualification at enrolment, void notices) upgrades a database made by
the schema before it, keeping its rows."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command

from assessor_app.store import open_store
from assessor_app.store.engine import alembic_config, head_revision, make_engine
from assessor_app.store.models import Enrolment, Learner, OutboxItem
from assessor_app.vault.unlock import unlock
from tests.rawdb import raw_connect


def _insert_row(raw: sqlite3.Connection, table: str, given: dict[str, object]) -> None:
    """Insert with `given` values and a plain value for every other NOT NULL column."""
    values = dict(given)
    for _cid, name, kind, notnull, default, pk in raw.execute(f"pragma table_info({table})"):
        if name in values or pk or not notnull or default is not None:
            continue
        values[name] = 0 if "INT" in kind.upper() or "BOOL" in kind.upper() else (
            "2025-01-01 00:00:00" if "DATE" in kind.upper() else "x")
    raw.execute(f"insert into {table} ({', '.join(values)}) values "
                f"({', '.join('?' * len(values))})", list(values.values()))


def _previous_schema_db(path: Path) -> None:
    """A file as the app before 0007 left it, holding one learner enrolled on one unit."""
    engine = make_engine(path)
    command.upgrade(alembic_config(engine), "0002")
    engine.dispose()
    with sqlite3.connect(path) as raw:
        raw.execute("insert into learner (name, registration, employer, line_manager, "
                    "line_manager_email, created_at) values ('Old Learner', 'R-OLD', '', '', "
                    "'', '2025-01-01 00:00:00')")
        raw.execute("insert into unit (reference, created_at) values ('A/100/0001', "
                    "'2025-01-01 00:00:00')")
        _insert_row(raw, "unit_version", {"unit_id": 1, "number": 1, "title": "T"})
        raw.execute("insert into enrolment (learner_id, unit_id, unit_version_id, enrolled_at) "
                    "values (1, 1, 1, '2025-01-01 00:00:00')")
        assert "uln" not in {r[1] for r in raw.execute("pragma table_info(learner)")}


def test_upgrade_from_previous_schema_keeps_rows(db_path: Path) -> None:
    _previous_schema_db(db_path)
    store = open_store(db_path)
    with store.session() as s:
        learner = s.get(Learner, 1)
        enrolment = s.get(Enrolment, 1)
        assert learner is not None and learner.name == "Old Learner" and learner.uln == ""
        assert enrolment is not None and enrolment.qualification_title == ""
        assert enrolment.qualification_number == ""
        learner.uln = "1234567890"
        s.add(learner)
        s.add(OutboxItem(sha256="x", size=1, learner_registration="R-OLD",
                         unit_reference="A/100/0001", filename="n.json", voids_document_id=None))
    store.close()
    backups = list(db_path.parent.glob(f"{db_path.name}.before-*.bak"))
    assert backups, "the file was copied before migrating"
    with closing(raw_connect(db_path)) as raw:  # (first encrypted: it was a plaintext file)
        assert raw.execute("select uln from learner").fetchone() == ("1234567890",)
        # at head (0007, or a later revision stacked on it)
        assert raw.execute("select version_num from alembic_version").fetchone() == (
            head_revision(),)


def test_downgrade_removes_the_columns(db_path: Path) -> None:
    open_store(db_path).close()
    engine = make_engine(db_path, unlock(db_path))
    command.downgrade(alembic_config(engine), "0002")
    engine.dispose()
    with closing(raw_connect(db_path)) as raw:
        assert "uln" not in {r[1] for r in raw.execute("pragma table_info(learner)")}
        assert "voids_document_id" not in {
            r[1] for r in raw.execute("pragma table_info(outbox_item)")}
