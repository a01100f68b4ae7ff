"""An audit trail that stands alone: entries signed with the assessor's key, the head recorded
outside the database, and every sign-off, judgement and void cross-checked. Each forgery an
attacker with the database file could try is detected by `audit verify`."""

from __future__ import annotations

import io
import json
from contextlib import closing
from pathlib import Path

import pytest
from sqlmodel import select

from assessor_app.cli import main
from assessor_app.evidence.judgements import record_judgement
from assessor_app.evidence.refs import CriterionRef
from assessor_app.evidence.unlock import unlocking
from assessor_app.signoff.audit_seal import recorded_heads
from assessor_app.store import audit, open_store
from assessor_app.store.models import SignOff
from tests.rawdb import raw_connect

PASSPHRASE = "audit forgery"


@pytest.fixture
def sealed_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo (judgements, a signed sign-off, a filed ERS), one sign-off voided by a changed
    judgement, then sealed by a bundle export."""
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", PASSPHRASE)
    db = tmp_path / "audit.sqlite3"
    assert main(["demo", "--db", str(db)]) == 0
    store = open_store(db)
    with store.read_session() as s:
        learner_id = s.exec(select(SignOff)).one().learner_id
    with unlocking("re-check the witness statement"):  # a signed record: unlocked first
        record_judgement(store, learner_id, CriterionRef("H/601/1232", "3.4"), "not_yet",
                         actor="Alex Morgan", reason="re-check the witness statement")
    store.close()
    assert main(["bundle", "export", "-o", str(tmp_path / "b.zip"), "--db", str(db)]) == 0
    assert main(["audit", "verify", "--db", str(db)]) == 0
    return db


def _sql(db: Path, *statements: str) -> None:
    with closing(raw_connect(db, PASSPHRASE)) as conn:
        for stmt in statements:
            conn.execute(stmt)
        conn.commit()


def _broken(db: Path, capsys: pytest.CaptureFixture) -> str:
    capsys.readouterr()
    assert main(["audit", "verify", "--db", str(db)]) == 1
    return capsys.readouterr().err


def test_the_seal_is_recorded_outside_the_database(sealed_db: Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    store = open_store(sealed_db)
    heads = recorded_heads(store.files_dir)
    with closing(raw_connect(sealed_db, PASSPHRASE)) as conn:
        newest, unsigned = conn.execute(
            "SELECT max(seq), sum(signature = '') FROM audit_entry").fetchone()
    store.close()
    assert unsigned == 0
    assert any(h.seq == newest and h.signature_ok() for _, h in heads)
    assert main(["audit", "verify", "--db", str(sealed_db)]) == 0
    assert "signed by the assessor's key" in capsys.readouterr().out


def test_deleting_the_newest_entry_is_detected(sealed_db: Path,
                                               capsys: pytest.CaptureFixture) -> None:
    _sql(sealed_db, "DELETE FROM audit_entry WHERE seq = (SELECT max(seq) FROM audit_entry)")
    assert "deleted from the end" in _broken(sealed_db, capsys)


def _recompute_from(db: Path, seq: int, *, strip_signatures: bool) -> None:
    """What a forger with the file does: rewrite every hash from `seq` on so the chain is
    internally consistent again."""
    store = open_store(db)
    from assessor_app.store.models import AuditEntry

    with store.session() as s:
        rows = s.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
        prev = next(r.entry_hash for r in rows if r.seq == seq - 1) if seq > 1 else audit.GENESIS
        for e in rows:
            if e.seq < seq:
                continue
            e.prev_hash = prev
            if e.format == audit.FORMAT_V2:  # the salt is in the row: the digest can be redone
                e.details_digest = audit.details_digest(e.details_salt, e.content_hash,
                                                        e.details_json)
            e.entry_hash = audit.hash_of(e)
            if strip_signatures:
                e.signature = e.signer_key = ""
            prev = e.entry_hash
            s.add(e)
    store.close()


def _forge_a_judgement(db: Path) -> int:
    """Change the state of the first 'met' judgement both in its row and in its entry."""
    with closing(raw_connect(db, PASSPHRASE)) as conn:
        seq, details, jid = next(
            (seq, d, json.loads(d)["judgement_id"]) for seq, d in conn.execute(
                "SELECT seq, details_json FROM audit_entry WHERE action = 'judgement' "
                "ORDER BY seq") if json.loads(d)["state"] == "met")
        forged = json.loads(details) | {"state": "not_yet"}
        conn.execute("UPDATE audit_entry SET details_json = ? WHERE seq = ?",
                     (json.dumps(forged, sort_keys=True), seq))
        conn.execute("UPDATE judgement SET state = 'not_yet' WHERE id = ?", (jid,))
        conn.commit()
    return seq


def test_a_recomputed_chain_is_detected_by_the_signatures(sealed_db: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    seq = _forge_a_judgement(sealed_db)
    _recompute_from(sealed_db, seq, strip_signatures=False)
    assert f"entry {seq} does not match its signature" in _broken(sealed_db, capsys)


def test_a_recomputed_unsigned_chain_is_detected_by_the_recorded_head(
        sealed_db: Path, capsys: pytest.CaptureFixture) -> None:
    seq = _forge_a_judgement(sealed_db)
    _recompute_from(sealed_db, 1, strip_signatures=True)
    err = _broken(sealed_db, capsys)
    assert "chain was recomputed" in err and "recorded in" in err
    assert seq >= 1


def test_flipping_a_void_signoff_back_to_signed_is_detected(sealed_db: Path,
                                                            capsys: pytest.CaptureFixture) -> None:
    with closing(raw_connect(sealed_db, PASSPHRASE)) as conn:
        [(so_id, status)] = conn.execute("SELECT id, status FROM signoff").fetchall()
    assert status == "void"  # the changed judgement voided it (and that is audited)
    _sql(sealed_db, f"UPDATE signoff SET status = 'signed', voided_at = NULL, void_reason = '' "
                    f"WHERE id = {so_id}")
    assert f"sign-off {so_id} is 'signed' in the database but 'void'" in _broken(sealed_db, capsys)


@pytest.mark.parametrize(("forgery", "said"), [
    ("DELETE FROM judgement WHERE id = (SELECT max(id) FROM judgement)", "deleted"),
    ("INSERT INTO judgement (learner_id, criterion_id, state, reason, evidence_ids_json, "
     "decided_by, decided_at) SELECT learner_id, criterion_id, 'met', '', '[]', 'x', decided_at "
     "FROM judgement LIMIT 1", "has no audit entry"),
    ("UPDATE signature SET printed_name = 'Someone Else' WHERE role = 'assessor'",
     "differs from its audit entry"),
    ("UPDATE signature SET signed_on = '2020-01-01' WHERE role = 'learner'",
     "differs from its audit entry"),
    ("DELETE FROM signoff", "deleted from the database"),
    ("DELETE FROM ers_document", "deleted from the database"),
])
def test_edits_to_the_records_behind_the_trail(forgery: str, said: str, sealed_db: Path,
                                               capsys: pytest.CaptureFixture) -> None:
    _sql(sealed_db, "PRAGMA foreign_keys=OFF", forgery)
    assert said in _broken(sealed_db, capsys)


def test_a_filed_ers_carries_the_sealed_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture) -> None:
    """Filing alone seals: the PDF (read back with pypdf) holds the head, so cutting the trail
    is caught even with the heads file beside the database deleted too."""
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", PASSPHRASE)
    db = tmp_path / "filed.sqlite3"
    assert main(["demo", "--db", str(db)]) == 0
    store = open_store(db)
    files = store.files_dir
    store.close()
    [pdf] = list(files.glob("ers/*.pdf"))
    from pypdf import PdfReader

    store = open_store(db)
    plain = store.key.file_cipher().read_file(pdf) if store.key is not None else pdf.read_bytes()
    store.close()
    head = json.loads(PdfReader(io.BytesIO(plain)).attachments["audit-head.json"][0])
    with closing(raw_connect(db, PASSPHRASE)) as conn:
        sealed = conn.execute("SELECT entry_hash FROM audit_entry WHERE seq = ?",
                              (head["seq"],)).fetchone()
    assert sealed == (head["entry_hash"],)
    exported = tmp_path / "filed.pdf"
    exported.write_bytes(plain)
    assert main(["ers", "verify", str(exported), "--db", str(db)]) == 0  # still valid PAdES
    (files / "audit" / "heads.jsonl").unlink()
    _sql(db, f"DELETE FROM audit_entry WHERE seq >= {head['seq']}",
         "DELETE FROM ers_document")  # and hide the filing that came after the head
    err = _broken(db, capsys)
    assert "deleted" in err
