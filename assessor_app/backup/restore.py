"""Checking and restoring a backup with the passphrase alone (e.g. on a new laptop).

Everything is fetched into a staging folder and checked first (each object's hash, every file's
authentication, the snapshot's integrity_check); only then is it moved into the empty data
folder, the key file last. A wrong passphrase, a changed or missing object, or another
assessor's backup is a `BackupError` and leaves the data folder as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assessor_app.backup.format import KEYS
from assessor_app.backup.run import BackupError, audit_head_of, manifests
from assessor_app.backup.status import readable_time
from assessor_app.backup.targets import BackupTarget
from assessor_app.signoff.keys import P12_NAME
from assessor_app.store import Store
from assessor_app.store.files import fsync_dir
from assessor_app.vault.dbfile import connect
from assessor_app.vault.errors import FileTampered, VaultError, WrongPassphrase
from assessor_app.vault.keys import (
    DataKey,
    KeyFile,
    key_file_path,
    unwrap_with_passphrase,
    write_key_file,
)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BackupCheck:
    manifest: str
    created_at: str
    files: int
    bytes: int
    signing_key: bool = False  # the backup holds the assessor's signing key
    keyring: bool = False  # (restore) this computer's keyring now keeps the passphrase


def open_backup(target: BackupTarget, passphrase: str) -> tuple[DataKey, KeyFile]:
    raw = target.get(KEYS)
    if raw is None:
        raise BackupError(f"There is no backup at {target.label}.")
    try:
        kf = KeyFile.from_bytes(raw)
        return unwrap_with_passphrase(kf.key_id, kf.passphrase, passphrase), kf
    except WrongPassphrase as exc:
        raise BackupError(f"The passphrase does not open the backup at {target.label}: it is "
                          "wrong, or this is another assessor's backup (a backup made after a "
                          "passphrase change opens only with the new passphrase). Nothing was "
                          "changed.") \
            from exc


def latest(target: BackupTarget, key: DataKey) -> tuple[str, dict[str, Any]]:
    try:
        found = manifests(target, key)
    except FileTampered as exc:
        raise BackupError(f"{exc} ({target.label})") from exc
    if not found:
        raise BackupError(f"The backup at {target.label} holds no complete backup run.")
    return found[-1]


def _fetch(target: BackupTarget, entry: dict[str, Any], what: str) -> bytes:
    data = target.get(entry["object"])
    if data is None:
        raise BackupError(f"The backup is incomplete: a {what} is missing (cut short or "
                          "deleted). Nothing was changed.")
    if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise BackupError(f"A {what} in the backup was changed or damaged (it does not match "
                          "the manifest). Nothing was changed.")
    return data


def _check_file(key: DataKey, entry: dict[str, Any], data: bytes) -> bytes:
    """Authenticate a fetched file; returns what goes on disk: the file as it was stored for an
    encrypted one, the plaintext for one the backup sealed (a signing key, an audit head)."""
    rel = entry["path"]
    try:
        plain = key.file_cipher().decrypt_bytes(data, "backed-up file")
    except FileTampered as exc:
        raise BackupError(f"{exc} Nothing was changed.") from exc
    name = Path(rel).name
    if rel.startswith("blobs/") and hashlib.sha256(plain).hexdigest() != name:
        raise BackupError("A backed-up attachment does not match its name. Nothing was changed.")
    if not entry.get("sealed"):
        return data
    if hashlib.sha256(plain).hexdigest() != entry.get("plain_sha256"):
        raise BackupError("A backed-up key or audit file does not match the manifest. Nothing "
                          "was changed.")
    return plain


def _write_private(path: Path, data: bytes) -> None:
    """A restored file: 0600 from birth, in 0700 folders (umask or not)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, 0o600)


def _check_db(path: Path, key: DataKey, audit_head: dict[str, Any] | None = None) -> None:
    try:
        with closing(connect(path, key)) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            head = audit_head_of(conn) if ok else None
    except Exception as exc:  # noqa: BLE001 - any failure to read it means the same
        raise BackupError("The backed-up database cannot be read. Nothing was changed.") from exc
    if not ok:
        raise BackupError("The backed-up database failed its integrity check. Nothing changed.")
    if audit_head is not None and head != audit_head:
        raise BackupError("The backed-up database does not end its audit trail where the backup "
                          "recorded it (entries removed or rewritten). Nothing was changed.")


def _fetch_all(target: BackupTarget, key: DataKey, manifest: dict[str, Any], into: Path,
               progress: Progress | None) -> int:
    """Fetch and check every object into `into` (db + files/); returns the byte count."""
    into.mkdir(parents=True, exist_ok=True, mode=0o700)
    snap = _fetch(target, manifest["database"], "database snapshot")
    _write_private(into / "db", snap)
    _check_db(into / "db", key, manifest.get("audit_head"))
    total = len(snap)
    files = manifest["files"]
    for i, entry in enumerate(files, 1):
        data = _fetch(target, entry, "stored file")
        on_disk = _check_file(key, entry, data)
        rel = Path(entry["path"])
        if rel.is_absolute() or ".." in rel.parts:
            raise BackupError("The backup names a file outside the data folder.")
        _write_private(into / "files" / rel, on_disk)
        total += len(data)
        if progress:
            progress("checking", i, len(files))
    return total


def verify_backup(target: BackupTarget, key: DataKey, progress: Progress | None = None,
                  live: Store | None = None) -> BackupCheck:
    """Fetch and check the latest backup run completely (in a temporary folder); with `live`,
    also that this computer's audit trail still holds the head the backup recorded."""
    import tempfile

    name, manifest = latest(target, key)
    with tempfile.TemporaryDirectory(prefix="assessor-verify-") as tmp:
        size = _fetch_all(target, key, manifest, Path(tmp), progress)
    if live is not None:
        _check_live_trail(live, manifest)
    return BackupCheck(name, manifest["created_at"], len(manifest["files"]), size)


def _check_live_trail(store: Store, manifest: dict[str, Any]) -> None:
    head = manifest.get("audit_head")
    if not head:
        return
    with store.read_session() as s:
        row = s.connection().exec_driver_sql(
            "SELECT entry_hash FROM audit_entry WHERE seq = ?", (head["seq"],)).first()
    if row is None or row[0] != head["entry_hash"]:
        raise BackupError(f"This computer's audit trail no longer holds entry {head['seq']} as "
                          f"the backup of {readable_time(manifest['created_at'])} recorded it: entries "
                          "were deleted or rewritten since. Run 'audit verify' and tell the "
                          "centre.")


def _staging(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.restoring")


def _require_empty(db_path: Path) -> None:
    interrupted = _staging(db_path).exists()
    has_db = db_path.exists() and db_path.stat().st_size > 0
    if key_file_path(db_path).exists() or (has_db and not interrupted):
        raise BackupError(f"{db_path.parent} already holds a data folder; restore only into an "
                          "empty one (choose another place with --db). Nothing was changed.")


def restore_backup(target: BackupTarget, db_path: Path, passphrase: str,
                   progress: Progress | None = None) -> BackupCheck:
    """Restore the latest backup run into the empty data folder of `db_path`."""
    _require_empty(db_path)
    key, kf = open_backup(target, passphrase)
    name, manifest = latest(target, key)
    staging = _staging(db_path)
    shutil.rmtree(staging, ignore_errors=True)
    db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    size = _fetch_all(target, key, manifest, staging, progress)
    files_dir = db_path.parent / (db_path.stem + ".files")
    files_dir.mkdir(exist_ok=True, mode=0o700)
    for tree in sorted((staging / "files").glob("*")) if (staging / "files").exists() else []:
        shutil.rmtree(files_dir / tree.name, ignore_errors=True)
        os.replace(tree, files_dir / tree.name)
        _private_folders(files_dir / tree.name)
    for side in ("-wal", "-shm"):
        db_path.with_name(db_path.name + side).unlink(missing_ok=True)
    os.replace(staging / "db", db_path)
    os.chmod(db_path, 0o600)
    fsync_dir(db_path.parent)
    write_key_file(key_file_path(db_path), KeyFile(kf.key_id, kf.passphrase, None, True))
    shutil.rmtree(staging, ignore_errors=True)
    return BackupCheck(name, manifest["created_at"], len(manifest["files"]), size,
                       _has_signing_key(manifest), _remember(db_path, passphrase))


def _has_signing_key(manifest: dict[str, Any]) -> bool:
    return any(f["path"] == f"keys/{P12_NAME}" for f in manifest["files"])


def _private_folders(root: Path) -> None:
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        os.chmod(folder, 0o700)


def _remember(db_path: Path, passphrase: str) -> bool:
    """On a computer with a keyring, keep the passphrase and a keyring copy of the data key
    there, so the next start and the next signature need no typing. False without one."""
    from assessor_app.vault.unlock import remember_passphrase, unlock

    try:
        unlock(db_path, passphrase)
    except VaultError:
        return False
    return remember_passphrase(passphrase)
