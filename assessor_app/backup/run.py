"""Making a backup: a consistent database snapshot (SQLite's online backup API) and every stored
file not yet in the backup, then a sealed manifest naming them all (written last, so an
interrupted run leaves the previous backup as it was)."""

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
from assessor_app.store import Store
from assessor_app.store.settings import get_setting, set_setting
from assessor_app.vault.dbfile import connect
from assessor_app.vault.errors import VaultError
from assessor_app.vault.keys import DataKey, KeyFile, key_file_path, read_key_file

if TYPE_CHECKING:  # the backup note at start reads the last backup only: no WebDAV client
    from assessor_app.backup.targets import BackupTarget

TREES = ("blobs", "ers", "imported", "void-notices")
LAST_BACKUP_SETTING = "backup.last"
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


def _claim(target: BackupTarget, db_path: Path, key: DataKey) -> None:
    """Put our passphrase-wrapped key in the backup, or refuse someone else's backup. After a
    passphrase change the backup's copy is replaced, so only the current passphrase opens it."""
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


def _local_files(files_dir: Path) -> list[str]:
    out = []
    for tree in TREES:
        root = files_dir / tree
        if root.is_dir():
            out += [p.relative_to(files_dir).as_posix() for p in root.rglob("*")
                    if p.is_file() and not p.name.startswith(".")
                    and p.relative_to(root).parts[0] != "tmp"]
    return sorted(out)


def backup_run(store: Store, target: BackupTarget, *,
               progress: Progress | None = None) -> BackupResult:
    """Back up everything new to `target`. `BackupError` if the target is someone else's."""
    key = store.key
    if key is None:
        raise BackupError("Only an encrypted data folder can be backed up.")
    _claim(target, store.db_path, key)
    previous: dict[str, dict[str, Any]] = {}
    for _name, m in manifests(target, key):
        previous |= {f["path"]: f for f in m["files"]}
    snap, audit_head = _snapshot(store, key)
    snap_sha = hashlib.sha256(snap).hexdigest()
    db_entry = {"object": object_name(key, "db", snap_sha), "sha256": snap_sha, "size": len(snap)}
    target.put(db_entry["object"], snap)
    uploaded, uploaded_bytes = 1, len(snap)
    files = []
    paths = _local_files(store.files_dir)
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
            progress("uploading", i, len(paths))
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
    raw = get_setting(store, LAST_BACKUP_SETTING)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(json.loads(raw)["at"])
    except (ValueError, KeyError, TypeError):
        return None
