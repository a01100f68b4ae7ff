"""Backups: encrypted and incremental, restored from a real WsgiDAV store (row-by-row and
file-by-file equal, audit trail verifying, nothing synced twice); refused cleanly when the
passphrase is wrong, an object was changed or is missing, or the backup is someone else's."""

from __future__ import annotations

import io
import shutil
from contextlib import closing
from pathlib import Path

import pytest

from assessor_app.backup.restore import restore_backup
from assessor_app.backup.run import BackupError, backup_run, manifests
from assessor_app.backup.targets import FolderTarget
from assessor_app.cli import main
from assessor_app.demo.builder import build_demo
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.store import Store, open_store
from assessor_app.vault.dbfile import connect
from assessor_app.vault.unlock import change_passphrase
from tests.sync.helpers import remote_pdfs
from tests.vault.helpers import NAME, SENTENCE, add_distinctive_learner, all_file_bytes
from tests.webdav_server import PASSWORD, DavServer

PASSPHRASE = "backup test passphrase, long enough"
UNSAVED = "backup.last"  # written after the snapshot is taken, by design


def _full(store: Store, tmp: Path) -> list[bytes]:
    build_demo(store, lambda s: load_or_create_identity(s, passphrase=PASSPHRASE))
    change_passphrase(store.db_path, store.key, PASSPHRASE)
    return add_distinctive_learner(store, tmp, extra_photos=2)


def _rows(db: Path, store_or_key) -> dict[str, list[tuple]]:  # noqa: ANN001
    key = getattr(store_or_key, "key", store_or_key)
    with closing(connect(db, key)) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        out = {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}
    out["setting"] = [r for r in out["setting"] if UNSAVED not in r]
    return out


def _files(store: Store) -> dict[str, bytes]:
    cipher = store.key.file_cipher()
    return {p.relative_to(store.files_dir).as_posix(): cipher.read_file(p)
            for p in store.files_dir.rglob("*") if p.is_file() and cipher.is_encrypted(p)}


def _configure_sync(db: Path, dav: DavServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["sync", "configure", "--db", str(db), "--url", dav.url, "--user", dav.user,
                 "--password-stdin"]) == 0


def test_restore_from_webdav_equals_the_original(store: Store, tmp_path: Path,  # noqa: PLR0915
                                                 dav_server: DavServer, memory_keyring,  # noqa: ANN001
                                                 monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    photos = _full(store, tmp_path)
    db = str(store.db_path)
    _configure_sync(store.db_path, dav_server, monkeypatch)
    assert main(["sync", "run", "--db", db, "--quiet"]) == 0
    assert "Backed up to the centre" in capsys.readouterr().err  # every sync backs up too
    assert main(["backup", "run", "--db", db]) == 0
    first = capsys.readouterr().out
    assert main(["backup", "run", "--db", db]) == 0  # incremental: only a new snapshot goes
    assert "(1 objects" in capsys.readouterr().out, first
    usb = tmp_path / "usb"
    assert main(["backup", "run", "--to", str(usb), "--db", db]) == 0
    capsys.readouterr()
    assert main(["backup", "list", "--db", db]) == 0
    assert capsys.readouterr().out.count(".bin\n") == 3  # after the sync, and two on demand
    assert main(["backup", "verify", "--db", db]) == 0
    original_rows, original_files = _rows(store.db_path, store), _files(store)
    sent_before = remote_pdfs(dav_server.root)

    # a new laptop: no keyring entries at all, the passphrase and sync password typed/in env
    memory_keyring.secrets.clear()
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("ASSESSOR_APP_SYNC_PASSWORD", PASSWORD)
    new_db = tmp_path / "new-laptop" / "assessor.sqlite3"
    assert main(["backup", "restore", "--url", dav_server.url, "--user", dav_server.user,
                 "--db", str(new_db)]) == 0
    restored = open_store(new_db)
    assert _rows(new_db, restored) == original_rows
    assert _files(restored) == original_files
    assert main(["audit", "verify", "--db", str(new_db)]) == 0
    assert main(["sync", "run", "--db", str(new_db), "--quiet"]) == 0
    assert remote_pdfs(dav_server.root) == sent_before  # no ERS sent twice
    restored.close()

    # the grep test: no file anywhere holds the learner, the photo or a secret in the clear
    needles = [NAME.encode(), SENTENCE.encode(), PASSPHRASE.encode(), PASSWORD.encode(),
               *(p[100:164] for p in photos)]
    for path, data in all_file_bytes(store.db_path.parent, new_db.parent, usb, dav_server.root):
        for needle in needles:
            assert needle not in data, path


@pytest.fixture
def backed_up(store: Store, tmp_path: Path) -> tuple[Store, Path]:
    _full(store, tmp_path)
    folder = tmp_path / "usb"
    backup_run(store, FolderTarget(folder))
    return store, folder


def _refused(folder: Path, target_db: Path, passphrase: str, match: str) -> None:
    with pytest.raises(BackupError, match=match):
        restore_backup(FolderTarget(folder), target_db, passphrase)
    assert not target_db.exists() or target_db.stat().st_size == 0
    assert not target_db.with_name(target_db.name + ".keys").exists()


def test_wrong_passphrase(backed_up, tmp_path: Path) -> None:  # noqa: ANN001
    _store, folder = backed_up
    _refused(folder, tmp_path / "n" / "a.sqlite3", "not it", "wrong, or this is another")


def test_tampered_object(backed_up, tmp_path: Path) -> None:  # noqa: ANN001
    _store, folder = backed_up
    objects = sorted((folder / "objects").rglob("*"), key=lambda p: p.stat().st_size
                     if p.is_file() else 0)
    victim = objects[-1]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x40
    victim.write_bytes(bytes(data))
    _refused(folder, tmp_path / "n" / "a.sqlite3", PASSPHRASE, "changed or damaged")


def test_truncated_backup(backed_up, tmp_path: Path) -> None:  # noqa: ANN001
    _store, folder = backed_up
    victim = next(p for p in (folder / "objects").rglob("*") if p.is_file())
    victim.unlink()
    _refused(folder, tmp_path / "n" / "a.sqlite3", PASSPHRASE, "incomplete")
    manifest = next((folder / "manifests").iterdir())
    manifest.write_bytes(manifest.read_bytes()[:-7])
    _refused(folder, tmp_path / "n" / "a.sqlite3", PASSPHRASE, "changed or cut short")


def test_another_assessors_backup(backed_up, tmp_path: Path, memory_keyring) -> None:  # noqa: ANN001
    store, folder = backed_up
    other = open_store(tmp_path / "other" / "assessor.sqlite3", passphrase="someone else's")
    with pytest.raises(BackupError, match="another assessor's backup"):
        backup_run(other, FolderTarget(folder))
    other.close()
    before = sorted(p.name for p in folder.rglob("*"))
    _refused(folder, tmp_path / "n" / "a.sqlite3", "someone else's", "another assessor")
    assert sorted(p.name for p in folder.rglob("*")) == before


def test_restore_refuses_a_folder_in_use(backed_up, tmp_path: Path) -> None:  # noqa: ANN001
    store, folder = backed_up
    before = store.db_path.read_bytes()
    with pytest.raises(BackupError, match="already holds a data folder"):
        restore_backup(FolderTarget(folder), store.db_path, PASSPHRASE)
    assert store.db_path.read_bytes() == before
    shutil.rmtree(tmp_path / "n", ignore_errors=True)


def test_status_warns_after_a_day_of_changes(store: Store, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from assessor_app.backup.status import backup_status
    from assessor_app.evidence import add_learner

    add_learner(store, "Status Person", "ST-1")
    now = datetime.now(UTC)
    assert not backup_status(store, now).overdue  # changed just now: not yet
    assert backup_status(store, now + timedelta(days=2)).overdue
    backup_run(store, FolderTarget(tmp_path / "usb"))
    status = backup_status(store, now + timedelta(days=2))
    assert not status.overdue and status.last is not None
    assert "Last backup" in status.message()


def test_the_manifest_records_the_audit_head_and_catches_a_trail_cut_since(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The backup keeps the audit chain's head outside this computer's database: deleting the
    newest entries here afterwards is caught by `backup verify`."""
    _full(store, tmp_path)
    usb = tmp_path / "usb"
    backup_run(store, FolderTarget(usb))
    [(_name, manifest)] = manifests(FolderTarget(usb), store.key)
    with closing(connect(store.db_path, store.key)) as conn:
        last = conn.execute("SELECT seq, entry_hash FROM audit_entry ORDER BY seq DESC LIMIT 1"
                            ).fetchone()
    assert manifest["audit_head"] == {"seq": last[0], "entry_hash": last[1]}
    assert main(["backup", "verify", str(usb), "--db", str(store.db_path)]) == 0
    with closing(connect(store.db_path, store.key)) as conn, conn:
        conn.execute("DELETE FROM audit_entry WHERE seq = ?", (last[0],))
    capsys.readouterr()
    assert main(["backup", "verify", str(usb), "--db", str(store.db_path)]) != 0
    assert f"no longer holds entry {last[0]}" in capsys.readouterr().err
