from __future__ import annotations

from pathlib import Path

import pytest

from assessor_app.cli import main
from assessor_app.store import Store
from assessor_app.store.audit import append_audit, verify_chain
from tests.rawdb import raw_connect


def _five(store: Store) -> None:
    with store.session() as s:
        for i in range(5):
            append_audit(s, actor="assessor", action="judgement.met", subject=f"criterion:{i}",
                         content_hash=f"{i:064x}", details={"i": i})


def _raw(db: Path, sql: str) -> None:
    con = raw_connect(db)
    con.execute(sql)
    con.commit()
    con.close()


def test_intact_chain_verifies(store: Store, db_path: Path, capsys: pytest.CaptureFixture) -> None:
    _five(store)
    with store.session() as s:
        assert verify_chain(s).ok
    assert main(["audit", "verify", "--db", str(db_path)]) == 0
    assert "5 entries" in capsys.readouterr().out


def test_deleted_entry_is_detected(store: Store, db_path: Path,
                                   capsys: pytest.CaptureFixture) -> None:
    _five(store)
    _raw(db_path, "DELETE FROM audit_entry WHERE seq = 3")
    with store.session() as s:
        report = verify_chain(s)
    assert not report.ok and "3" in report.problem
    assert main(["audit", "verify", "--db", str(db_path)]) == 1
    assert "BROKEN" in capsys.readouterr().err


def test_altered_entry_is_detected(store: Store, db_path: Path) -> None:
    _five(store)
    _raw(db_path, "UPDATE audit_entry SET details_json = '{\"i\":99}' WHERE seq = 2")
    with store.session() as s:
        report = verify_chain(s)
    assert not report.ok and report.problem == "entry 2 was altered"


def test_rehashed_entry_still_breaks_the_link(store: Store, db_path: Path) -> None:
    """Recomputing an altered entry's own hash does not help: the next entry no longer follows."""
    from assessor_app.store import audit

    _five(store)
    with store.session() as s:
        from sqlmodel import select

        from assessor_app.store.models import AuditEntry

        e = s.exec(select(AuditEntry).where(AuditEntry.seq == 2)).one()
        e.actor = "someone else"
        e.entry_hash = audit.hash_of(e)
        s.add(e)
    with store.session() as s:
        report = verify_chain(s)
    assert not report.ok and report.problem == "entry 3 does not follow entry 2"


def test_cut_off_tail_is_caught_by_the_signature_cross_check(store: Store, db_path: Path) -> None:
    from assessor_app.signoff.audit_check import verify_audit
    from assessor_app.signoff.service import start_signoff
    from tests.signoff.factory import seed_scenario, sign_all

    with store.session() as s:
        sc = seed_scenario(s)
        so = start_signoff(s, sc.learner_id, sc.unit_version_id)
        sign_all(s, so.id)
        assert verify_audit(s).ok
    # removing the last two entries (assessor signature, completion) leaves a valid chain…
    _raw(db_path, "DELETE FROM audit_entry WHERE seq >= (SELECT max(seq) - 1 FROM audit_entry)")
    with store.session() as s:
        assert verify_chain(s).ok
        report = verify_audit(s)
    # …but not a valid trail
    assert not report.ok and "has no audit entry" in report.problem
    assert main(["audit", "verify", "--db", str(db_path)]) == 1
