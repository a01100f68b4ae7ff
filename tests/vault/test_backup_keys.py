"""The signing key travels in the backup: after losing the laptop and restoring on a new one,
the assessor signs with the same key, and a sheet signed before the loss still shows as their
own. The key files enter the backup only encrypted and come back byte for byte, mode 0600; the
passphrase goes into the new computer's keyring (when it has one) so nothing asks for it."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from pypdf import PdfReader

from assessor_app.backup.restore import restore_backup
from assessor_app.backup.run import backup_run, manifests
from assessor_app.backup.targets import FolderTarget
from assessor_app.cli import main
from assessor_app.ers.pdf_signing import verify_pdf
from assessor_app.secrets import SERVICE
from assessor_app.signoff.keys import (
    ED25519_NAME,
    P12_NAME,
    PASSPHRASE_SECRET,
    WrongPassphrase,
    keys_dir,
    load_or_create_identity,
)
from assessor_app.signoff.passphrase import change_passphrase
from assessor_app.store import Store, open_store
from tests.sync.helpers import ASSESSOR, file_ers
from tests.vault.helpers import all_file_bytes
from tests.webdav_server import PASSWORD, DavServer

PASSPHRASE = "the one passphrase I remember"
NEW_PASSPHRASE = "a newer passphrase, also long"
KEY_ENV = "ASSESSOR_APP_KEY_PASSPHRASE"


def _set_up(store: Store, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    """`assessor-app setup` as the assessor runs it: name, key, the chosen passphrase."""
    monkeypatch.setenv("ASSESSOR_APP_NEW_PASSPHRASE", PASSPHRASE)
    assert main(["setup", "--assessor-name", ASSESSOR, "--create-key",
                 "--db", str(store.db_path)]) == 0
    monkeypatch.delenv("ASSESSOR_APP_NEW_PASSPHRASE")
    assert "Passphrase chosen" in capsys.readouterr().out


def _kept_files(files_dir: Path) -> dict[str, bytes]:
    """The signing keys and audit files, as kept on disk (not the work-in-progress ones)."""
    return {p.relative_to(files_dir).as_posix(): p.read_bytes()
            for tree in ("keys", "audit") for p in (files_dir / tree).rglob("*")
            if p.is_file() and not p.name.startswith(".")}


def _verify_says_own(pdf: Path, db: Path, capsys) -> None:  # noqa: ANN001
    capsys.readouterr()
    assert main(["ers", "verify", str(pdf), "--db", str(db)]) == 0
    assert "signer trusted (your own key" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["centre", "folder"])
def test_the_signing_key_survives_losing_the_laptop(  # noqa: PLR0915
        where: str, store: Store, tmp_path: Path, dav_server: DavServer,
        memory_keyring, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    db = str(store.db_path)
    _set_up(store, monkeypatch, capsys)
    before = file_ers(store, "Filed before the loss")
    identity = load_or_create_identity(store)  # the keyring holds the chosen passphrase
    old_pdf = tmp_path / "before.pdf"
    old_pdf.write_bytes(before.pdf)
    _verify_says_own(old_pdf, store.db_path, capsys)
    kept = _kept_files(store.files_dir)
    assert f"keys/{P12_NAME}" in kept and "audit/own-keys.json" in kept

    if where == "centre":
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        assert main(["sync", "configure", "--db", db, "--url", dav_server.url,
                     "--user", dav_server.user, "--password-stdin"]) == 0
        assert main(["backup", "run", "--db", db]) == 0
        assert main(["backup", "run", "--db", db]) == 0
        source: list[str] = ["--url", dav_server.url, "--user", dav_server.user]
        storage = dav_server.root
    else:
        usb = tmp_path / "usb"
        assert main(["backup", "run", "--to", str(usb), "--db", db]) == 0
        assert main(["backup", "run", "--to", str(usb), "--db", db]) == 0
        source, storage = [str(usb)], usb
    assert "(1 objects" in capsys.readouterr().out.splitlines()[-1]  # nothing new: snapshot only
    # in the backup the key files are sealed: not one of them can be found as it is on disk
    backed_up = all_file_bytes(storage)
    for rel, data in kept.items():
        assert all(data[:48] not in blob for _p, blob in backed_up), rel
    assert all(b"PRIVATE KEY" not in blob for _p, blob in backed_up)

    # the laptop is lost; the new one has an empty keyring
    memory_keyring.secrets.clear()
    monkeypatch.setenv("ASSESSOR_APP_SYNC_PASSWORD", PASSWORD)
    monkeypatch.setenv(KEY_ENV, PASSPHRASE)  # typed once, for the restore
    new_db = tmp_path / "new-laptop" / "assessor.sqlite3"
    assert main(["backup", "restore", *source, "--db", str(new_db)]) == 0
    out = capsys.readouterr().out
    assert "signing key came back" in out and "keyring now keeps your passphrase" in out
    monkeypatch.delenv(KEY_ENV)  # from now on nothing is typed: the keyring has it
    assert memory_keyring.get_password(SERVICE, PASSPHRASE_SECRET) == PASSPHRASE

    restored = open_store(new_db)
    assert _kept_files(restored.files_dir) == kept  # byte for byte
    for rel in kept:
        assert stat.S_IMODE(os.stat(restored.files_dir / rel).st_mode) == 0o600, rel
    assert stat.S_IMODE(os.stat(keys_dir(restored)).st_mode) == 0o700
    after = file_ers(restored, "Filed on the new laptop")
    assert load_or_create_identity(restored).certificate_sha256 == identity.certificate_sha256
    new_pdf = tmp_path / "after.pdf"
    new_pdf.write_bytes(after.pdf)
    for pdf in (old_pdf, new_pdf):
        result = verify_pdf(pdf)
        assert result.ok, result.problem
        assert result.certificate_sha256 == identity.certificate_sha256
        assert result.signer == ASSESSOR
        assert len(PdfReader(pdf).pages) >= 1
        _verify_says_own(pdf, new_db, capsys)
    assert main(["audit", "verify", "--db", str(new_db)]) == 0
    restored.close()
    # nothing of the keys lies about in the clear: not the data key, not the passphrase
    for path, data in all_file_bytes(new_db.parent, storage):
        assert restored.key.raw not in data and PASSPHRASE.encode() not in data, path


def test_a_changed_passphrase_reaches_the_keys_in_the_backup(store: Store,
                                                             tmp_path: Path) -> None:
    load_or_create_identity(store, ASSESSOR)
    from assessor_app.signoff.passphrase import current_passphrase

    change_passphrase(store, current_passphrase() or "", PASSPHRASE)
    cert = load_or_create_identity(store).certificate_sha256
    usb = FolderTarget(tmp_path / "usb")
    backup_run(store, usb)
    change_passphrase(store, PASSPHRASE, NEW_PASSPHRASE)
    second = backup_run(store, usb)
    assert second.uploaded > 1  # the re-encrypted key files went again
    runs = manifests(usb, store.key)
    assert len(runs) == 2
    for _name, manifest in runs:  # the first run's objects were not overwritten by the second
        for entry in manifest["files"]:
            assert usb.get(entry["object"]) is not None
    private = (f"keys/{P12_NAME}", f"keys/{ED25519_NAME}")
    first, second = ({f["path"]: f["object"] for f in m["files"]} for _n, m in runs)
    assert all(first[k] != second[k] for k in private)
    assert first["keys/public.json"] == second["keys/public.json"]  # unchanged: not sent again

    keyring.set_keyring(FailKeyring())  # a new laptop without a keyring
    new_db = tmp_path / "new" / "assessor.sqlite3"
    check = restore_backup(usb, new_db, NEW_PASSPHRASE)
    assert check.signing_key and not check.keyring
    restored = open_store(new_db, passphrase=NEW_PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        load_or_create_identity(restored, passphrase=PASSPHRASE)
    assert load_or_create_identity(restored, passphrase=NEW_PASSPHRASE).certificate_sha256 \
        == cert
    restored.close()


def test_a_changed_key_file_in_the_backup_is_refused(store: Store, tmp_path: Path) -> None:
    from assessor_app.backup.run import BackupError

    load_or_create_identity(store, ASSESSOR)
    usb = FolderTarget(tmp_path / "usb")
    backup_run(store, usb)
    [(_name, manifest)] = manifests(usb, store.key)
    entry = next(f for f in manifest["files"] if f["path"] == f"keys/{P12_NAME}")
    path = tmp_path / "usb" / entry["object"]
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))
    new_db = tmp_path / "new" / "assessor.sqlite3"
    from assessor_app.signoff.passphrase import current_passphrase

    with pytest.raises(BackupError, match="changed or damaged"):
        restore_backup(usb, new_db, current_passphrase() or "")
    assert not (new_db.parent / "assessor.files" / "keys").exists()


def test_a_passphrase_change_during_a_backup_run_records_nothing(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The keys read for a run must open with the passphrase that opens the backup: a change
    in between (another window, another process) makes the run stop before its manifest."""
    from assessor_app.backup import run as backup_module
    from assessor_app.backup.run import BackupError
    from assessor_app.signoff.passphrase import current_passphrase

    load_or_create_identity(store, ASSESSOR)
    change_passphrase(store, current_passphrase() or "", PASSPHRASE)
    usb = FolderTarget(tmp_path / "usb")
    backup_run(store, usb)
    real = backup_module._local_files

    def changing_meanwhile(files_dir: Path, trees: tuple[str, ...] = backup_module.TREES):
        if trees == backup_module.SEALED_TREES:
            change_passphrase(store, PASSPHRASE, NEW_PASSPHRASE)
            monkeypatch.setattr(backup_module, "_local_files", real)
        return real(files_dir, trees)

    monkeypatch.setattr(backup_module, "_local_files", changing_meanwhile)
    with pytest.raises(BackupError, match="passphrase was changed while this backup ran"):
        backup_run(store, usb)
    assert len(manifests(usb, store.key)) == 1  # nothing recorded; the first run restores
    new_db = tmp_path / "new" / "assessor.sqlite3"
    assert restore_backup(usb, new_db, PASSPHRASE).signing_key
    restored = open_store(new_db, passphrase=PASSPHRASE)
    assert load_or_create_identity(restored, passphrase=PASSPHRASE).name == ASSESSOR
    restored.close()
    backup_run(store, usb)  # the next run completes, with the new passphrase
    again = tmp_path / "again" / "assessor.sqlite3"
    restore_backup(usb, again, NEW_PASSPHRASE)
    restored = open_store(again, passphrase=NEW_PASSPHRASE)
    assert load_or_create_identity(restored, passphrase=NEW_PASSPHRASE).name == ASSESSOR
    restored.close()
