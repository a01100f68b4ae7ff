"""The store opens a real SQLite file in WAL mode with foreign keys, migrated by Alembic."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import SQLModel, select

from assessor_app.store import open_store
from assessor_app.store.migrations_filter import include_object
from assessor_app.store.models import Learner
from tests.rawdb import raw_connect


def test_new_file_is_wal_with_foreign_keys(db_path: Path) -> None:
    store = open_store(db_path)
    with store.session() as s:
        assert s.exec(text("PRAGMA journal_mode")).one()[0] == "wal"
        assert s.exec(text("PRAGMA foreign_keys")).one()[0] == 1
    store.close()
    raw = raw_connect(db_path)
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


def test_concurrent_writers_never_lose_a_save(store) -> None:
    """The GUI thread and a worker append to the audit chain at once: every append lands and the
    chain stays whole (the read of the last entry and the insert are one transaction)."""
    from assessor_app.store.audit import append_audit, verify_chain

    failures: list[BaseException] = []

    def append_many(worker: int) -> None:
        for i in range(25):
            try:
                with store.session() as s:
                    append_audit(s, actor="assessor", action="test", subject=f"{worker}:{i}")
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                failures.append(exc)

    threads = [threading.Thread(target=append_many, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with store.read_session() as s:
        report = verify_chain(s)
    assert report.ok and report.entries == 100


def test_read_session_sees_a_snapshot_and_never_writes(store) -> None:
    with pytest.raises(OperationalError, match="readonly"), store.read_session() as s:
        s.add(Learner(name="Not Saved", registration="R-RO"))
        s.flush()  # PRAGMA query_only: a write through a read session fails at once
    with store.read_session() as s:
        assert s.exec(select(Learner).where(Learner.registration == "R-RO")).first() is None
    with store.session() as s:  # the pooled connection is writable again for the writer
        s.add(Learner(name="Saved", registration="R-RW"))
    with store.read_session() as s:
        assert s.exec(select(Learner).where(Learner.registration == "R-RW")).one().name == "Saved"


def test_read_session_does_not_wait_for_the_writer(store) -> None:
    """A background read runs while another thread holds the write lock (BEGIN IMMEDIATE) and
    sees the last committed state, not the writer's pending row."""
    with store.session() as s:
        s.add(Learner(name="Committed", registration="R-C"))
    seen: list[list[str]] = []
    with store.session() as writer:
        writer.add(Learner(name="Pending", registration="R-P"))
        writer.flush()  # the write lock is held from here until the block ends

        def read() -> None:
            with store.read_session() as s:
                seen.append(sorted(lr.registration for lr in s.exec(select(Learner)).all()))

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=30)
        assert not reader.is_alive()
    assert seen == [["R-C"]]


def test_database_errors_do_not_quote_personal_data(store) -> None:
    with store.session() as s:
        s.add(Learner(name="Alice Example", registration="R-DUP"))
    with pytest.raises(IntegrityError) as info, store.session() as s:
        s.add(Learner(name="Bob Example", registration="R-DUP"))
    assert "Bob Example" not in str(info.value)


def test_backup_before_migration_holds_commits_still_in_the_wal(db_path: Path) -> None:
    """Another connection (a second app window) keeps recent commits in the -wal file; the copy
    taken before a migration must still contain them."""
    from alembic import command

    from assessor_app.store.engine import alembic_config, make_engine
    from assessor_app.vault.dbfile import connect
    from assessor_app.vault.unlock import unlock

    engine = make_engine(db_path, unlock(db_path))
    command.upgrade(alembic_config(engine), "0001")
    engine.dispose()
    other = raw_connect(db_path)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("PRAGMA wal_autocheckpoint=0")
    other.execute("INSERT INTO setting (key, value) VALUES ('centre_name', 'Kept')")
    other.commit()  # committed, but only in the WAL while this connection stays open
    try:
        open_store(db_path).close()
    finally:
        other.close()
    backups = list(db_path.parent.glob(f"{db_path.name}.before-*.bak"))
    assert len(backups) == 1
    copy = connect(backups[0], unlock(db_path))
    assert copy.execute("select value from setting").fetchall() == [("Kept",)]
    copy.close()
