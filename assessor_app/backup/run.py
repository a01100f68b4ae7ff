"""Making a backup: a consistent database snapshot (SQLite's online backup API) and every stored
file not yet in the backup, then a sealed manifest naming them all (written last, so an
interrupted run leaves the previous backup as it was).

Two kinds of stored file: those kept encrypted on disk (`TREES`: attachments, filed ERSs...)
go into the backup exactly as they are; those kept as they are (`SEALED_TREES`: the signing
keys, already passphrase-encrypted, and the audit heads and own public keys) are sealed with the
file key first, so nothing enters a backup unencrypted, and restored byte for byte. Without the
signing keys a new laptop would sign with a new key, and sheets signed before the loss would
no longer show as the assessor's own."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor_app.backup.format import (
    FORMAT,
    KEYS,
    MANIFESTS,
    object_name,
    open_manifest,
    seal_manifest,
)
from assessor_app.backup.status import LAST_BACKUP_SETTING, parse_last_backup
from assessor_app.store import Store
from assessor_app.store.settings import get_setting, set_setting
from assessor_app.vault.dbfile import connect
from assessor_app.vault.errors import VaultError
from assessor_app.vault.keys import DataKey, KeyFile, key_file_path, read_key_file

if TYPE_CHECKING:  # the backup note at start reads the last backup only: no WebDAV client
    from assessor_app.backup.targets import BackupTarget

TREES = ("blobs", "ers", "imported", "void-notices")
SEALED_TREES = ("keys", "audit")
PRUNE_SETTING = "backup.prune"  # set by erasing a learner: older backup runs must go
Progress = Callable[[str, int, int], None]


class BackupError(VaultError):
    """The backup cannot be made, read or restored; the message says why. Nothing local changed."""


@dataclass(frozen=True)
class BackupResult:
    manifest: str
    files: int
    uploaded: int
    uploaded_bytes: int
    created_at: str


def _claim(target: BackupTarget, db_path: Path, key: DataKey) -> dict[str, Any]:
    """Put our passphrase-wrapped key in the backup, or refuse someone else's backup. After a
    passphrase change the backup's copy is replaced, so only the current passphrase opens it.
    Returns the passphrase wrap put there (see `_same_passphrase`)."""
    theirs = target.get(KEYS)
    if theirs is not None and KeyFile.from_bytes(theirs).key_id != key.key_id:
        raise BackupError(f"{target.label} holds another assessor's backup (or one of other "
                          "data); choose another folder. Nothing was written.")
    local = read_key_file(key_file_path(db_path))
    if local is None:
        raise BackupError("This data folder has no key file to back up.")
    ours = KeyFile(local.key_id, local.passphrase, None, local.chosen).to_bytes()
    if theirs != ours:
        target.put(KEYS, ours)
    return local.passphrase


def _same_passphrase(db_path: Path, claimed: dict[str, Any]) -> None:
    """The signing keys read for this run must be encrypted with the passphrase that opens the
    backup: a passphrase change between the two reads would leave keys the restore's passphrase
    cannot open. Then nothing is recorded, and the next run starts afresh."""
    local = read_key_file(key_file_path(db_path))
    if local is None or local.passphrase != claimed:
        raise BackupError("Your passphrase was changed while this backup ran, so it was not "
                          "completed; back up again.")


def manifests(target: BackupTarget, key: DataKey) -> list[tuple[str, dict[str, Any]]]:
    """Every readable manifest, oldest first (a damaged one raises `FileTampered`)."""
    return [(n, open_manifest(key, target.get(f"{MANIFESTS}/{n}") or b""))
            for n in target.list(MANIFESTS) if n.endswith(".bin")]


def _snapshot(store: Store, key: DataKey) -> tuple[bytes, dict[str, Any] | None]:
    """A consistent encrypted copy of the live database, through the online backup API, and
    the audit chain's head inside that copy (recorded in the manifest, outside the database)."""
    tmp_dir = store.files_dir / ".backup-tmp"
    tmp_dir.mkdir(exist_ok=True, mode=0o700)
    fd, name = tempfile.mkstemp(dir=tmp_dir, suffix=".db")
    os.close(fd)
    target = Path(name)
    try:
        with closing(connect(store.db_path, key)) as src, closing(connect(target, key)) as dst:
            src.backup(dst)
            head = audit_head_of(dst)
        return target.read_bytes(), head
    finally:
        target.unlink(missing_ok=True)


def audit_head_of(conn: Any) -> dict[str, Any] | None:  # noqa: ANN401 - a DB-API connection
    """The newest audit entry's number and hash: a backup that ends the chain elsewhere, or a
    live trail whose newest entries were deleted or recomputed, no longer matches it."""
    row = conn.execute("SELECT seq, entry_hash FROM audit_entry ORDER BY seq DESC LIMIT 1"
                       ).fetchone()
    return None if row is None else {"seq": int(row[0]), "entry_hash": str(row[1])}


def _local_files(files_dir: Path, trees: tuple[str, ...] = TREES) -> list[str]:
    """Stored files under `trees`, leaving out work in progress: hidden names at any depth
    (temporary files, a passphrase change's `.pending` keys) and `tmp` folders."""
    out = []
    for tree in trees:
        root = files_dir / tree
        if root.is_dir():
            for p in root.rglob("*"):
                parts = p.relative_to(root).parts
                if p.is_file() and parts[0] != "tmp" \
                        and not any(part.startswith(".") for part in parts):
                    out.append(p.relative_to(files_dir).as_posix())
    return sorted(out)


def _sealed_entry(target: BackupTarget, key: DataKey, rel: str, plain: bytes,
                  known: dict[tuple[str, str], dict[str, Any]]) -> tuple[dict[str, Any], int]:
    """The manifest entry of a file kept as it is on disk, sealed with the file key; uploaded
    only when this content is not in the backup yet. Returns (entry, bytes sent). The object's
    name depends on the content, so a changed key file never overwrites what an older run
    lists."""
    plain_sha = hashlib.sha256(plain).hexdigest()
    entry = known.get((rel, plain_sha))
    if entry is not None and target.has(entry["object"]):
        return entry, 0
    data = key.file_cipher().encrypt_bytes(plain)
    entry = {"path": rel, "object": object_name(key, "sealed file", f"{rel}:{plain_sha}"),
             "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
             "plain_sha256": plain_sha, "sealed": True}
    target.put(entry["object"], data)
    return entry, len(data)


def backup_run(store: Store, target: BackupTarget, *,
               progress: Progress | None = None) -> BackupResult:
    """Back up everything new to `target`. `BackupError` if the target is someone else's."""
    key = store.key
    if key is None:
        raise BackupError("Only an encrypted data folder can be backed up.")
    claimed = _claim(target, store.db_path, key)
    previous: dict[str, dict[str, Any]] = {}
    sealed_known: dict[tuple[str, str], dict[str, Any]] = {}
    for _name, m in manifests(target, key):
        previous |= {f["path"]: f for f in m["files"] if not f.get("sealed")}
        sealed_known |= {(f["path"], f["plain_sha256"]): f for f in m["files"] if f.get("sealed")}
    # read before the snapshot: an audit head recorded here is then never ahead of the database
    sealed = {rel: (store.files_dir / rel).read_bytes()
              for rel in _local_files(store.files_dir, SEALED_TREES)}
    _same_passphrase(store.db_path, claimed)
    snap, audit_head = _snapshot(store, key)
    snap_sha = hashlib.sha256(snap).hexdigest()
    db_entry = {"object": object_name(key, "db", snap_sha), "sha256": snap_sha, "size": len(snap)}
    target.put(db_entry["object"], snap)
    uploaded, uploaded_bytes = 1, len(snap)
    files = []
    paths = _local_files(store.files_dir)
    total = len(paths) + len(sealed)
    for i, rel in enumerate(paths, 1):
        entry = previous.get(rel)
        if entry is None or not target.has(entry["object"]):
            data = (store.files_dir / rel).read_bytes()
            entry = {"path": rel, "object": object_name(key, "file", rel),
                     "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            target.put(entry["object"], data)
            uploaded += 1
            uploaded_bytes += len(data)
        files.append(entry)
        if progress:
            progress("uploading", i, total)
    for i, (rel, plain) in enumerate(sealed.items(), len(paths) + 1):
        entry, sent = _sealed_entry(target, key, rel, plain, sealed_known)
        uploaded, uploaded_bytes = uploaded + bool(sent), uploaded_bytes + sent
        files.append(entry)
        if progress:
            progress("uploading", i, total)
    created = datetime.now(UTC).isoformat()
    manifest = {"format": FORMAT, "version": 1, "key_id": key.key_id, "created_at": created,
                "database": db_entry, "files": files, "audit_head": audit_head}
    name = f"{created.replace(':', '').replace('+', 'Z')[:21]}-{secrets.token_hex(4)}.bin"
    target.put(f"{MANIFESTS}/{name}", seal_manifest(key, manifest))
    if get_setting(store, PRUNE_SETTING):
        _prune(target, name, manifest)
        set_setting(store, PRUNE_SETTING, "")
    set_setting(store, LAST_BACKUP_SETTING, json.dumps({"at": created, "manifest": name,
                                                        "files": len(files)}))
    return BackupResult(name, len(files), uploaded, uploaded_bytes, created)


def _prune(target: BackupTarget, keep: str, manifest: dict[str, Any]) -> None:
    """Drop every other backup run and every object the kept run does not use (after an
    erasure: an erased learner must not live on in older runs). The new run is complete
    before anything is deleted."""
    for other in target.list(MANIFESTS):
        if other != keep:
            target.delete(f"{MANIFESTS}/{other}")
    used = {manifest["database"]["object"], *(f["object"] for f in manifest["files"])}
    for obj in target.objects():
        if obj not in used:
            target.delete(obj)


def last_backup(store: Store) -> datetime | None:
    return parse_last_backup(get_setting(store, LAST_BACKUP_SETTING))
