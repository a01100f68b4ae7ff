"""Migration 0010 (the index of a visit's page read) upgrades a database made by the schema
before it: its items stay, and the visit list's page read is answered by the new index."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command

from assessor_app.evidence.queries import summary_key, visit_evidence_page
from assessor_app.store import open_store
from assessor_app.store.engine import alembic_config, head_revision, make_engine
from assessor_app.vault.unlock import unlock
from tests.rawdb import raw_connect

#: The head before 0010 (the lead may re-chain it at merge: change it here only).
PREVIOUS = "0008"
INDEX = "ix_evidence_item_visit_page"
#: The part of the page read that picks the page's ids (`evidence.queries._VISIT_PAGE_SQL`).
PAGE_IDS_SQL = ("SELECT id FROM evidence_item WHERE visit_id = 1 AND learner_id = 1 "
                "AND deleted = 0 AND (date, id) < ('9999-12-31', 0) "
                "ORDER BY date DESC, id DESC LIMIT 50")


def _insert(raw: sqlite3.Connection, table: str, given: dict[str, object]) -> int:
    """Insert with `given` values and a plain value for every other NOT NULL column."""
    values = dict(given)
    for _cid, name, kind, notnull, default, pk in raw.execute(f"pragma table_info({table})"):
        if name in values or pk or not notnull or default is not None:
            continue
        values[name] = 0 if "INT" in kind.upper() or "BOOL" in kind.upper() else (
            "2025-01-01 00:00:00" if "DATE" in kind.upper() else "x")
    cur = raw.execute(f"insert into {table} ({', '.join(values)}) values "
                      f"({', '.join('?' * len(values))})", list(values.values()))
    return int(cur.lastrowid)


def _previous_schema_db(path: Path) -> list[int]:
    """A file as the app before 0010 left it: one visit of 7 items over three days, one deleted,
    and an item of another visit. Returns the live ids of the visit, newest first."""
    engine = make_engine(path)
    command.upgrade(alembic_config(engine), PREVIOUS)
    engine.dispose()
    with sqlite3.connect(path) as raw:
        learner = _insert(raw, "learner", {"name": "Old Learner", "registration": "R-OLD"})
        visits = [_insert(raw, "visit", {"learner_id": learner, "date": f"2025-03-0{n}",
                                         "status": "in_progress"}) for n in (1, 2)]
        items = []
        for n, day in enumerate(("2025-03-03", "2025-03-01", "2025-03-02", "2025-03-01",
                                 "2025-03-03", "2025-03-02", "2025-03-01")):
            items.append((day, _insert(raw, "evidence_item", {
                "learner_id": learner, "visit_id": visits[0], "kind": "observation",
                "date": day, "title": f"Item {n}", "text": "Served a customer.",
                "deleted": int(n == 4), "ref_number": n + 1})))
        _insert(raw, "evidence_item", {"learner_id": learner, "visit_id": visits[1],
                                       "kind": "observation", "date": "2025-03-04",
                                       "deleted": 0, "ref_number": 8})
        assert INDEX not in {r[1] for r in raw.execute("pragma index_list(evidence_item)")}
    live = [(day, i) for n, (day, i) in enumerate(items) if n != 4]
    return [i for _day, i in sorted(live, reverse=True)]


def test_upgrade_keeps_items_and_pages_read_through_the_index(db_path: Path) -> None:
    newest_first = _previous_schema_db(db_path)
    store = open_store(db_path)
    try:
        first = visit_evidence_page(store, 1, 1, limit=4)
        rest = visit_evidence_page(store, 1, 1, after=summary_key(first[-1]), limit=4)
        assert [s.id for s in first + rest] == newest_first
        with store.engine.connect() as conn:
            plan = " | ".join(str(r[-1]) for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + PAGE_IDS_SQL))
        assert f"USING INDEX {INDEX}" in plan and "TEMP B-TREE" not in plan, plan
    finally:
        store.close()
    with closing(raw_connect(db_path)) as raw:
        assert raw.execute("select version_num from alembic_version").fetchone() == (
            head_revision(),)


def test_downgrade_drops_the_index(db_path: Path) -> None:
    open_store(db_path).close()
    engine = make_engine(db_path, unlock(db_path))
    command.downgrade(alembic_config(engine), PREVIOUS)
    engine.dispose()
    with closing(raw_connect(db_path)) as raw:
        assert INDEX not in {r[1] for r in raw.execute("pragma index_list(evidence_item)")}
