"""Per-learner rights: export everything about one learner; erase one learner so that a byte
search of the decrypted database pages, the WAL and the blob store finds nothing of them."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import select

from assessor_app.cli import main
from assessor_app.demo.builder import build_demo
from assessor_app.evidence import search_evidence
from assessor_app.privacy.erase import erase_learner
from assessor_app.privacy.retention import RETENTION_SETTING
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.store import Store
from assessor_app.store.models import AuditEntry, Learner
from assessor_app.store.settings import set_setting
from assessor_app.vault.filecrypt import FileCipher
from tests.vault.helpers import NAME, REG, SENTENCE, add_distinctive_learner
from tests.vault.sqlcipher_pages import plaintext_of_db, plaintext_of_wal

DEMO_NAME = b"Priya Shah"


@pytest.fixture
def demo_store(store: Store, tmp_path: Path) -> tuple[Store, list[bytes]]:
    build_demo(store, lambda s: load_or_create_identity(s, passphrase="pw"))
    return store, add_distinctive_learner(store, tmp_path, extra_photos=1)


def _on_disk(store: Store) -> bytes:
    """What the data folder holds, decrypted: every DB page (free ones too), the WAL, every
    blob and filed document."""
    key = store.key.raw
    db = store.db_path
    parts = [plaintext_of_db(db, key), plaintext_of_wal(db.with_name(db.name + "-wal"), key)]
    cipher: FileCipher = store.key.file_cipher()
    for p in sorted(store.files_dir.rglob("*")):
        if p.is_file() and cipher.is_encrypted(p):
            parts.append(cipher.read_file(p))
    return b"\n".join(parts)


def test_export_is_a_readable_zip(demo_store, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    store, photos = demo_store
    demo_reg = store_reg(store, DEMO_NAME.decode())
    out = tmp_path / "sar.zip"
    assert main(["learner", "export", demo_reg, "-o", str(out), "--db", str(store.db_path)]) == 0
    with zipfile.ZipFile(out) as zf:
        data = json.loads(zf.read("learner.json"))
        assert data["learner"]["registration"] == demo_reg
        assert data["evidence_item"] and data["signoff"] and data["signature"]
        pdfs = [n for n in zf.namelist() if n.startswith("ers/")]
        assert pdfs
        text = PdfReader(io.BytesIO(zf.read(pdfs[0]))).pages[0].extract_text()
        assert "Priya Shah" in text
    out2 = tmp_path / "zq.zip"
    assert main(["learner", "export", REG, "-o", str(out2), "--db", str(store.db_path)]) == 0
    with zipfile.ZipFile(out2) as zf:
        files = [zf.read(n) for n in zf.namelist() if n.startswith("attachments/")]
        assert sorted(files) == sorted(photos)
        assert SENTENCE in zf.read("learner.json").decode()
        assert "Priya" not in zf.read("learner.json").decode()  # nobody else's data


def store_reg(store: Store, name_part: str) -> str:
    with store.read_session() as s:
        return next(lr.registration for lr in s.exec(select(Learner)) if name_part in lr.name)


def test_erase_leaves_nothing_on_disk(demo_store) -> None:  # noqa: ANN001
    store, photos = demo_store
    before = _on_disk(store)
    assert NAME.encode() in before and SENTENCE.encode() in before  # the search can see it
    assert photos[0][:200] in before
    report = erase_learner(store, REG)
    assert report.files_removed == 2 and not report.retention.past
    after = _on_disk(store)
    for needle in (NAME.encode(), SENTENCE.encode(), REG.encode(), b"narrating the fire drill",
                   photos[0][:200], photos[1][:200]):
        assert needle not in after
    assert DEMO_NAME in after  # other learners intact
    assert search_evidence(store, None, "narrating") == []
    assert search_evidence(store, None, "kettle")  # the demo learner's evidence is still found
    # The whole audit check (chain, signatures, recorded heads, sign-offs) as `audit verify` runs it.
    assert main(["audit", "verify", "--db", str(store.db_path)]) == 0
    with store.read_session() as s:
        last = s.exec(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert last.action == "learner.erase"
        assert NAME not in last.details_json and REG not in last.details_json


def test_erase_cli_shows_retention_and_asks(demo_store, monkeypatch, capsys) -> None:  # noqa: ANN001
    store, _photos = demo_store
    demo_reg = store_reg(store, DEMO_NAME.decode())
    db = ["--db", str(store.db_path)]
    assert main(["learner", "erase", demo_reg, *db]) == 2  # not a terminal and no --yes
    out = capsys.readouterr()
    assert "at least 3 years after achievement" in out.out and "WITHIN" in out.out
    assert "--yes" in out.err
    set_setting(store, RETENTION_SETTING, "0")
    assert main(["learner", "erase", demo_reg, "--yes", *db]) == 0
    out = capsys.readouterr().out
    assert "PAST the retention period" in out and "Erased" in out
    assert main(["learner", "export", demo_reg, "-o", "x.zip", *db]) == 2
    # The demo learner was signed off and filed: their names were in the audit trail's
    # signature entries; now redacted there too, and the trail still verifies.
    after = _on_disk(store)
    for needle in (DEMO_NAME, demo_reg.encode(), b"returning a kettle"):
        assert needle not in after
    assert main(["audit", "verify", *db]) == 0


def test_erasure_reaches_the_backups(demo_store, tmp_path: Path) -> None:  # noqa: ANN001
    from assessor_app.backup.restore import verify_backup
    from assessor_app.backup.run import backup_run, manifests
    from assessor_app.backup.targets import FolderTarget

    store, photos = demo_store
    usb = FolderTarget(tmp_path / "usb")
    backup_run(store, usb)

    def backed_up_plaintext() -> bytes:
        cipher = store.key.file_cipher()
        parts = []
        for p in sorted((tmp_path / "usb" / "objects").rglob("*")):
            if p.is_file():
                parts.append(cipher.read_file(p) if cipher.is_encrypted(p)
                             else plaintext_of_db(p, store.key.raw))
        return b"\n".join(parts)

    assert NAME.encode() in backed_up_plaintext()  # the search sees into the backup
    erase_learner(store, REG)
    backup_run(store, usb)
    assert len(manifests(usb, store.key)) == 1  # older runs, which held the learner, are gone
    after = backed_up_plaintext()
    for needle in (NAME.encode(), SENTENCE.encode(), photos[0][:200], photos[1][:200]):
        assert needle not in after
    assert DEMO_NAME in after
    assert verify_backup(usb, store.key).files > 0
