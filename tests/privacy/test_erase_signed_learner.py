"""Erasing a learner who was assessed, signed off (ERS filed) and whose evidence was unlocked
with a reason naming them: afterwards nothing of them is in the database pages, the WAL, the
blob store or any file beside the database, including the audit trail, which still verifies
(chain, seals, recorded heads, cross-checks) and detects tampering with what was redacted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import col, select

from assessor_app.backup.restore import verify_backup
from assessor_app.backup.run import backup_run, manifests
from assessor_app.backup.targets import FolderTarget
from assessor_app.cli import main
from assessor_app.cli_common import PASSPHRASE_ENV
from assessor_app.demo.builder import build_demo
from assessor_app.privacy.erase import erase_learner
from assessor_app.signoff.audit_check import verify_audit
from assessor_app.signoff.audit_seal import recorded_heads
from assessor_app.signoff.keys import keys_dir, load_or_create_identity
from assessor_app.store import Store, open_store
from assessor_app.store.audit import ERASURE_ACTION, FORMAT_V2, REDACTED, ChainReport
from assessor_app.store.models import AuditEntry, Signature, SignOff
from tests.privacy.signed_learner import (
    NAME,
    NEEDLES,
    REG,
    SignedLearner,
    add_signed_learner,
    audit_text,
    on_disk,
)
from tests.rawdb import cli_env, raw_connect
from tests.vault.sqlcipher_pages import plaintext_of_db


@pytest.fixture
def signed(store: Store) -> SignedLearner:
    build_demo(store, lambda s: load_or_create_identity(s, passphrase="pw"))
    return add_signed_learner(store, load_or_create_identity(store, passphrase="pw"))


def _check(store: Store) -> ChainReport:
    """`audit verify` as the CLI runs it: heads from the filed (encrypted) ERSs and the heads
    file, the own key trusted."""
    with store.read_session() as s:
        heads = recorded_heads(store.files_dir, store.key.file_cipher().read_file)
        assert heads
        return verify_audit(s, heads=heads, keys_folder=keys_dir(store))


def _erased_store(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture,
                  monkeypatch: pytest.MonkeyPatch, sealed: bool = True) -> None:
    backup_run(store, FolderTarget(tmp_path / "usb"))  # a backup made before the erasure
    if sealed:
        monkeypatch.setenv(PASSPHRASE_ENV, "pw")  # the key opens: the erasure is sealed at once
    assert main(["learner", "erase", REG, "--yes", "--db", str(store.db_path)]) == 0
    out = capsys.readouterr().out
    assert ("and is sealed" in out) is sealed
    assert "entries about the learner were redacted" in out


def test_erasure_leaves_nothing_and_the_trail_verifies(
        store: Store, signed: SignedLearner, tmp_path: Path,
        capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    before = on_disk(store)
    for needle in NEEDLES:
        assert needle.encode() in before, needle  # the search can see each of them
    trail = audit_text(store)
    assert NAME in trail and "Bartholomew" in trail  # printed names and reasons reach the trail
    assert _check(store).ok
    _erased_store(store, tmp_path, capsys, monkeypatch)

    after = on_disk(store)
    for needle in NEEDLES:
        assert needle.encode() not in after, needle
    assert b"Priya Shah" in after  # the demo learner is untouched
    assert main(["audit", "verify", "--db", str(store.db_path)]) == 0
    with store.read_session() as s:
        assert not s.exec(select(SignOff).where(SignOff.id == signed.signoff_id)).all()
        assert s.exec(select(Signature)).all()  # the demo's signatures are still cross-checked
        entries = s.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()
    last = entries[-1]
    assert last.action == ERASURE_ACTION and last.format == FORMAT_V2 and last.signature
    about = [e for e in entries if e.subject in (f"signoff:{signed.signoff_id}",
                                                 f"evidence:{signed.evidence_id}")
             or e.subject.startswith(f"learner:{signed.learner_id}/")]
    assert len(about) > 20  # 17 judgements, start, 3 signatures, completion, filing, void, unlock
    assert all(e.details_json == REDACTED and not e.details_salt and not e.content_hash
               for e in about)
    assert all(e.signature for e in entries)  # the seals of the redacted entries still hold
    # The backup made before the erasure still ends at an entry the trail holds unchanged;
    # the next run replaces it and records the erasure entry as its head.
    usb = FolderTarget(tmp_path / "usb")
    assert verify_backup(usb, store.key, live=store).files > 0
    backup_run(store, usb)
    assert [m["audit_head"]["seq"] for _, m in manifests(usb, store.key)] == [last.seq]
    assert verify_backup(usb, store.key, live=store).files > 0
    backed_up = _backup_plaintext(tmp_path / "usb", store)
    assert b"Priya Shah" in backed_up  # the search sees into the backup
    for needle in NEEDLES:
        assert needle.encode() not in backed_up, needle


def _backup_plaintext(folder: Path, store: Store) -> bytes:
    cipher = store.key.file_cipher()
    return b"\n".join(cipher.read_file(p) if cipher.is_encrypted(p)
                      else plaintext_of_db(p, store.key.raw)
                      for p in sorted((folder / "objects").rglob("*")) if p.is_file())


def _raw(db: Path, sql: str, *params: object) -> None:
    con = raw_connect(db)
    con.execute(sql, params)
    con.commit()
    con.close()


def _row(db: Path, seq: int) -> dict[str, object]:
    con = raw_connect(db)
    cur = con.execute("SELECT * FROM audit_entry WHERE seq = ?", (seq,))
    names = [d[0] for d in cur.description]
    row = dict(zip(names, cur.fetchone(), strict=True))
    con.close()
    return row


def test_tampering_with_redacted_entries_is_detected(
        store: Store, signed: SignedLearner, tmp_path: Path,
        capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    _erased_store(store, tmp_path, capsys, monkeypatch)
    db = store.db_path
    with store.read_session() as s:
        entries = s.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()
        redacted = next(e.seq for e in entries if e.details_json == REDACTED
                        and e.action == "signoff.sign.learner")
        kept = next(e.seq for e in entries if e.details_json != REDACTED
                    and e.action == "signoff.sign.learner")  # the demo learner's
        erasure = entries[-1].seq
    cases = [  # (column, seq, tampered value, what the report says)
        ("details_json", redacted, '{"printed_name":"Someone Else"}', f"entry {redacted}"),
        ("details_digest", redacted, "0" * 64, f"entry {redacted} was altered"),
        ("subject", redacted, "signoff:1", f"entry {redacted}"),
        ("details_salt", redacted, "00" * 16, f"entry {redacted} was altered"),
        ("details_json", kept, REDACTED, f"entry {kept}"),  # still needs its salt removed
        # its listing gone, the first redacted entry is no longer vouched for
        ("details_json", erasure, '{"rows":{}}', "without an erasure recording it"),
        ("details_digest", erasure, "0" * 64, f"entry {erasure} was altered"),
    ]
    for column, seq, value, expected in cases:
        original = _row(db, seq)[column]
        _raw(db, f"UPDATE audit_entry SET {column} = ? WHERE seq = ?", value, seq)
        report = _check(store)
        assert not report.ok and expected in report.problem, (column, seq, report)
        _raw(db, f"UPDATE audit_entry SET {column} = ? WHERE seq = ?", original, seq)
        assert _check(store).ok
    # Hiding an entry the erasure did not list (its details, content hash and salt dropped, as
    # an erasure would) is caught: no erasure vouches for it.
    _raw(db, "UPDATE audit_entry SET details_json = ?, details_salt = '', content_hash = '' "
         "WHERE seq = ?", REDACTED, kept)
    report = _check(store)
    assert not report.ok and "without an erasure recording it" in report.problem


def test_deleting_the_erasure_entry_is_detected(
        store: Store, signed: SignedLearner, tmp_path: Path,
        capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    _erased_store(store, tmp_path, capsys, monkeypatch, sealed=False)
    with store.read_session() as s:
        last = s.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc())).first()
    assert last is not None
    _raw(store.db_path, "DELETE FROM audit_entry WHERE seq = ?", last.seq)
    report = _check(store)
    assert not report.ok
    assert "without an erasure recording it" in report.problem
    assert main(["audit", "verify", "--db", str(store.db_path)]) == 1


def test_ids_reused_after_an_erasure_are_checked_again(
        store: Store, signed: SignedLearner, tmp_path: Path,
        capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite hands the erased rows' ids out again: the erasure excuses only the entries before
    it, so the new records are cross-checked in full, and can be erased in turn."""
    _erased_store(store, tmp_path, capsys, monkeypatch)
    again = add_signed_learner(store, load_or_create_identity(store, passphrase="pw"),
                               unlock=False)
    assert (again.signoff_id, again.learner_id) == (signed.signoff_id, signed.learner_id)
    assert _check(store).ok
    erase_learner(store, REG)  # the same ids erased a second time
    after = on_disk(store)
    for needle in NEEDLES:
        assert needle.encode() not in after, needle
    report = _check(store)
    assert report.ok, report.problem
    again = add_signed_learner(store, load_or_create_identity(store, passphrase="pw"),
                               unlock=False)
    _raw(store.db_path, "DELETE FROM signature WHERE signoff_id = ?", again.signoff_id)
    _raw(store.db_path, "DELETE FROM ers_document WHERE signoff_id = ?", again.signoff_id)
    _raw(store.db_path, "DELETE FROM outbox_item")
    _raw(store.db_path, "DELETE FROM signoff_evidence WHERE signoff_id = ?", again.signoff_id)
    _raw(store.db_path, "DELETE FROM signoff WHERE id = ?", again.signoff_id)
    report = _check(store)  # deleted outside the app: not excused by the earlier erasure
    assert not report.ok
    assert f"signoff {again.signoff_id} is in the audit trail" in report.problem


def test_the_console_script_erases_and_verifies(store: Store, signed: SignedLearner) -> None:
    """The real `assessor-app` in a child process: one passphrase opens the data and the key,
    so the erasure is sealed at once; `audit verify` then passes."""
    env = cli_env(store, passphrase="pw")
    db = store.db_path
    store.close()
    exe = str(Path(sys.executable).with_name("assessor-app"))
    done = subprocess.run([exe, "learner", "erase", REG, "--yes", "--db", str(db)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "and is sealed" in done.stdout
    done = subprocess.run([exe, "audit", "verify", "--db", str(db)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Audit trail OK" in done.stdout and "redacted by learner erasures" in done.stdout
    again = open_store(db)
    try:
        after = on_disk(again)
    finally:
        again.close()
    for needle in NEEDLES:
        assert needle.encode() not in after, needle
