"""Migration 0009 on a database whose audit trail was written before it (format 1, the hash
covering the details themselves): the trail keeps verifying, new entries are format 2, and
erasing a learner whose entries are format 1 still removes their personal data, the redacted
entries vouched for by the erasure entry."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from sqlmodel import col, select

from assessor_app.demo.builder import build_demo
from assessor_app.privacy import erase
from assessor_app.privacy.audit_leftovers import Leftovers
from assessor_app.privacy.erase import erase_learner
from assessor_app.signoff.audit_check import verify_audit
from assessor_app.signoff.audit_seal import recorded_heads
from assessor_app.signoff.keys import keys_dir, load_or_create_identity
from assessor_app.store import Store, audit, open_store
from assessor_app.store.audit import FORMAT_V1, FORMAT_V2, REDACTED, ChainReport
from assessor_app.store.engine import alembic_config, make_engine
from assessor_app.store.models import AuditEntry
from assessor_app.vault.unlock import unlock
from tests.privacy.signed_learner import NAME, NEEDLES, REG, add_signed_learner, on_disk
from tests.rawdb import raw_connect

# The schema this revision builds on (re-point when the migration is re-chained).
PREVIOUS_REVISION = "0005"
NEW_COLUMNS = {"format", "details_digest", "details_salt"}


def _check(store: Store) -> ChainReport:
    with store.read_session() as s:
        heads = recorded_heads(store.files_dir, store.key.file_cipher().read_file)
        return verify_audit(s, heads=heads, keys_folder=keys_dir(store))


def _columns(db_path: Path) -> set[str]:
    with closing(raw_connect(db_path)) as raw:
        return {r[1] for r in raw.execute("pragma table_info(audit_entry)")}


def _erase_as_before_0009(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """What erasing did before 0009: rows, files and an erasure entry, nothing redacted."""
    with monkeypatch.context() as m:
        m.setattr(erase, "redact_entries", lambda _session, _entries: [])
        m.setattr(erase, "earlier_leftovers", lambda _session, _trail: Leftovers())
        m.setattr(erase, "_erased_ids", lambda _records: {
            t: [] for t in ("signoff", "judgement", "ers_document", "evidence_item")})
        erase.erase_learner(store, REG)


def _old_database(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                  erased_before: bool = False) -> None:
    """The demo and a signed learner, written as the version before 0009 wrote its trail (the
    format-1 hash is that version's code, unchanged), then the schema taken back to before
    0009, so the upgrade meets exactly what an old version left."""
    monkeypatch.setattr(audit, "CURRENT_FORMAT", FORMAT_V1)
    store = open_store(db_path)
    build_demo(store, lambda s: load_or_create_identity(s, passphrase="pw"))
    add_signed_learner(store, load_or_create_identity(store, passphrase="pw"))
    if erased_before:
        _erase_as_before_0009(store, monkeypatch)
    store.close()
    monkeypatch.setattr(audit, "CURRENT_FORMAT", FORMAT_V2)
    engine = make_engine(db_path, unlock(db_path))
    command.downgrade(alembic_config(engine), PREVIOUS_REVISION)
    engine.dispose()
    assert not NEW_COLUMNS & _columns(db_path)


def test_upgrade_keeps_a_format_1_trail_verifying(db_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _old_database(db_path, monkeypatch)
    store = open_store(db_path)  # migrates to head
    assert _columns(db_path) >= NEW_COLUMNS
    report = _check(store)
    assert report.ok, report.problem
    with store.read_session() as s:
        formats = {e.format for e in s.exec(select(AuditEntry)).all()}
    assert formats == {FORMAT_V1}
    # an old entry altered after the upgrade is still caught
    with closing(raw_connect(db_path)) as raw:
        raw.execute("UPDATE audit_entry SET details_json = '{}' WHERE seq = 3")
        raw.commit()
    assert not _check(store).ok and "entry 3 was altered" in _check(store).problem
    store.close()


def test_erasing_a_learner_with_format_1_entries(db_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _old_database(db_path, monkeypatch)
    store = open_store(db_path)
    assert NAME.encode() in on_disk(store)
    report = erase_learner(store, REG, identity=load_or_create_identity(store, passphrase="pw"))
    assert report.sealed and report.audit_entries_redacted > 20
    after = on_disk(store)
    for needle in NEEDLES:
        assert needle.encode() not in after, needle
    assert _check(store).ok, _check(store).problem
    with store.read_session() as s:
        entries = s.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()
    assert entries[-1].format == FORMAT_V2 and entries[0].format == FORMAT_V1
    redacted = [e for e in entries if e.details_json == REDACTED]
    assert redacted and all(e.format == FORMAT_V1 for e in redacted)
    # What is left of a redacted format-1 entry is pinned by the erasure entry.
    seq = redacted[0].seq
    for column, value in (("at", "2001-01-01 00:00:00.000000"), ("actor", "someone"),
                          ("action", "judgement.undo"), ("format", 2)):
        with closing(raw_connect(db_path)) as raw:
            old = raw.execute(f"SELECT {column} FROM audit_entry WHERE seq = ?",
                              (seq,)).fetchone()[0]
            raw.execute(f"UPDATE audit_entry SET {column} = ? WHERE seq = ?", (value, seq))
            raw.commit()
        problem = _check(store)
        assert not problem.ok and f"entry {seq}" in problem.problem, column
        with closing(raw_connect(db_path)) as raw:
            raw.execute(f"UPDATE audit_entry SET {column} = ? WHERE seq = ?", (old, seq))
            raw.commit()
        assert _check(store).ok
    store.close()


def test_the_next_erasure_sweeps_what_an_erasure_before_0009_left(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _old_database(db_path, monkeypatch, erased_before=True)
    store = open_store(db_path)
    assert NAME.encode() in on_disk(store)  # the old erasure left the names in the trail
    report = _check(store)
    assert not report.ok and "was deleted from the database" in report.problem
    demo = erase_learner(store, "DEMO-0001")  # the next erasure, of someone else
    assert demo.audit_entries_redacted > 40  # the demo learner's and the leftovers
    after = on_disk(store)
    for needle in (*NEEDLES, "Priya Shah"):
        assert needle.encode() not in after, needle
    report = _check(store)
    assert report.ok, report.problem
    store.close()


def test_downgrade_refuses_a_format_2_trail(store: Store, db_path: Path) -> None:
    with store.session() as s:
        audit.append_audit(s, actor="assessor", action="test", subject="x:1")
    store.close()
    engine = make_engine(db_path, unlock(db_path))
    with pytest.raises(Exception, match="format 2"):
        command.downgrade(alembic_config(engine), PREVIOUS_REVISION)
    engine.dispose()
    assert _columns(db_path) >= NEW_COLUMNS  # nothing was dropped
