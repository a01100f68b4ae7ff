"""Encryption at rest: the database, attachments and filed ERS PDFs are unreadable without the
data key; the key file holds only wrapped keys; a changed byte is refused; private file modes."""

from __future__ import annotations

import base64
import sqlite3
import stat
from pathlib import Path

import pytest

from assessor_app.evidence import read_attachment
from assessor_app.evidence.blobstore import blob_store
from assessor_app.store import open_store
from assessor_app.store.engine import StoreError, StoreLocked
from assessor_app.store.models import Attachment
from assessor_app.vault.errors import FileTampered
from assessor_app.vault.keys import key_file_path
from assessor_app.vault.unlock import change_passphrase
from tests.vault.helpers import NAME, SENTENCE, add_distinctive_learner, all_file_bytes


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_database_and_files_are_ciphertext(db_path: Path, tmp_path: Path) -> None:
    store = open_store(db_path)
    photos = add_distinctive_learner(store, tmp_path)
    raw_key = store.key.raw
    store.close()
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(db_path).execute("SELECT * FROM learner").fetchall()
    files = all_file_bytes(db_path.parent)
    assert len(files) >= 3  # db, key file, the photo blob at least
    for path, data in files:
        for secret in (NAME.encode(), SENTENCE.encode(), photos[0][:64], raw_key,
                       raw_key.hex().encode(), base64.b64encode(raw_key)):
            assert secret not in data, path


def test_private_modes(db_path: Path, tmp_path: Path) -> None:
    store = open_store(db_path)
    add_distinctive_learner(store, tmp_path)
    store.close()
    for p in (db_path, key_file_path(db_path)):
        assert _mode(p) == 0o600
    assert _mode(store.files_dir) == 0o700
    for p in store.files_dir.rglob("*"):
        if p.is_file():
            assert _mode(p) & 0o077 == 0, p


def test_keyring_or_passphrase_opens_it(db_path: Path, tmp_path: Path, memory_keyring,  # noqa: ANN001
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(db_path)
    add_distinctive_learner(store, tmp_path)
    change_passphrase(db_path, store.key, "my own passphrase")
    store.close()
    memory_keyring.secrets.clear()  # a new laptop account, or the keyring was reset
    with pytest.raises(StoreLocked, match="passphrase"):
        open_store(db_path)
    with pytest.raises(StoreError, match="passphrase does not open"):
        open_store(db_path, passphrase="a guess")
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", "my own passphrase")
    again = open_store(db_path)
    with again.read_session() as s:
        assert s.get(Attachment, 1) is not None
    again.close()
    monkeypatch.delenv("ASSESSOR_APP_KEY_PASSPHRASE")
    # opened by passphrase once, the keyring holds a fresh wrap again: no passphrase needed
    open_store(db_path).close()


def test_a_changed_byte_is_refused(store, tmp_path: Path) -> None:  # noqa: ANN001
    photos = add_distinctive_learner(store, tmp_path)
    with store.read_session() as s:
        att = s.get(Attachment, 1)
    assert read_attachment(store, att) == photos[0]
    path = blob_store(store).path_for(att.sha256)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(FileTampered, match="changed or damaged"):
        read_attachment(store, att)
    path.write_bytes(bytes(data[: len(data) - 10]))
    with pytest.raises(FileTampered):
        read_attachment(store, att)


def test_not_a_database_is_refused_without_creating_a_key(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"not a database at all" * 10)
    with pytest.raises(StoreError, match="not a database of this app"):
        open_store(bogus)
    assert not key_file_path(bogus).exists()
