"""The store opens a real SQLite file in WAL mode with foreign keys, migrated by Alembic."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from assessor_app.store import open_store
from assessor_app.store.migrations_filter import include_object
from assessor_app.store.models import Learner


def test_new_file_is_wal_with_foreign_keys(db_path: Path) -> None:
    store = open_store(db_path)
    with store.session() as s:
        assert s.exec(text("PRAGMA journal_mode")).one()[0] == "wal"
        assert s.exec(text("PRAGMA foreign_keys")).one()[0] == 1
    store.close()
    raw = sqlite3.connect(db_path)
    assert raw.execute("select version_num from alembic_version").fetchone() is not None


def test_migrations_match_models(store) -> None:
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_session_rolls_back_on_error(store) -> None:
    with pytest.raises(RuntimeError), store.session() as s:
        s.add(Learner(name="Rolled Back", registration="R-X"))
        s.flush()
        raise RuntimeError("boom")
    with store.session() as s:
        assert s.exec(text("select count(*) from learner")).one()[0] == 0


def test_reopen_is_idempotent_and_env_var_honoured(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("ASSESSOR_APP_DB", str(target))
    s1 = open_store()
    with s1.session() as s:
        s.add(Learner(name="A", registration="R1"))
    s1.close()
    s2 = open_store()
    assert s2.db_path == target
    with s2.session() as s:
        assert s.exec(text("select count(*) from learner")).one()[0] == 1
    s2.close()
