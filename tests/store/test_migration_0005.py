"""Migration 0005 (trusted keys; signed audit entries) upgrades a database made by the schema
before it: its audit trail keeps verifying, old entries are simply not sealed yet, and the next
seal signs them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command
from sqlmodel import select

from assessor_app.signoff.audit_check import verify_audit
from assessor_app.signoff.audit_seal import seal_with
from assessor_app.store import open_store
from assessor_app.store.audit import append_audit
from assessor_app.store.engine import alembic_config, make_engine
from assessor_app.store.models import AuditEntry, TrustedKey
from assessor_app.vault.unlock import unlock
from tests.rawdb import raw_connect


def test_upgrade_from_0006_keeps_the_trail(db_path: Path) -> None:
    engine = make_engine(db_path)
    command.upgrade(alembic_config(engine), "0006")  # the schema before this revision (0006)
    engine.dispose()
    with sqlite3.connect(db_path) as raw:  # still plaintext: made as by an older version
        cols = [r[1] for r in raw.execute("pragma table_info(audit_entry)")]
        assert "signature" not in cols
    store = open_store(db_path)  # migrates to head
    with store.session() as s:
        for i in range(3):
            append_audit(s, actor="assessor", action="test", subject=f"old:{i}")
    with closing(raw_connect(db_path)) as raw:  # what an old version would have written
        raw.execute("update audit_entry set signature = '', signer_key = ''")
        raw.commit()
    with store.session() as s:
        assert verify_audit(s).ok
        assert s.exec(select(TrustedKey)).all() == []

        class Key:
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
            key = Ed25519PrivateKey.generate()

        head = seal_with(s, Key.key.public_key().public_bytes_raw(), Key.key.sign)
        assert head is not None and head.seq == 3 and head.signature_ok()
        assert all(e.signature for e in s.exec(select(AuditEntry)).all())
    store.close()


def test_downgrade_to_0006(db_path: Path) -> None:
    open_store(db_path).close()
    engine = make_engine(db_path, unlock(db_path))
    command.downgrade(alembic_config(engine), "0006")
    engine.dispose()
    with closing(raw_connect(db_path)) as raw:
        tables = {r[0] for r in raw.execute("select name from sqlite_master where type='table'")}
        cols = [r[1] for r in raw.execute("pragma table_info(audit_entry)")]
    assert "trusted_key" not in tables and "signature" not in cols
