"""Encrypting a plaintext database (and its files) from an older version, crash-safely.

Steps, each safe to interrupt (a later open starts again or finishes what is left):

1. Checkpoint the plaintext database and count its rows (per table).
2. `sqlcipher_export` it into ``<db>.encrypting`` with the data key; encrypt every attachment
   and filed ERS into sibling folders ``blobs.enc`` / ``ers.enc``.
3. Verify: `PRAGMA integrity_check`, the same row counts, and every file decrypts to the SHA-256
   of its plaintext original.
4. Commit: hard-link the plaintext file to ``<db>.plain`` and rename the encrypted copy over the
   database (one atomic rename: before it the plaintext database is in place, after it the
   encrypted one).
5. Finish: overwrite and delete the plaintext copies (``<db>.plain``, the plaintext files and any
   pre-migration ``.bak`` copies), and rename the encrypted folders into place.

While the database file is still plaintext, leftovers of an interrupted attempt are discarded and
the work is redone; once it is encrypted, only step 5 remains and is resumed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from assessor_app.vault.dbfile import connect, is_plaintext_sqlite
from assessor_app.vault.errors import VaultError
from assessor_app.vault.filecrypt import (
    CHUNK,
    FileCipher,
    HashingReader,
    fsync_dir,
    private_atomic_writer,
)
from assessor_app.vault.keys import DataKey

Progress = Callable[[str, int, int], None]
TREES = ("blobs", "ers", "imported", "void-notices")


@dataclass
class EncryptionReport:
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0


def _files_dir(db_path: Path) -> Path:
    return db_path.parent / (db_path.stem + ".files")


def _side(db_path: Path, suffix: str) -> Path:
    return db_path.with_name(db_path.name + suffix)


def needs_encryption(db_path: Path) -> bool:
    """A plaintext database, or an encryption that was interrupted before it was finished."""
    files = _files_dir(db_path)
    return (is_plaintext_sqlite(db_path) or _side(db_path, ".plain").exists()
            or any((files / f"{t}.enc").exists() for t in TREES))


def shred(path: Path) -> None:
    """Overwrite a file with zeros, flush it and delete it. (On flash storage the old blocks may
    survive in the drive's spare area; the disk being encrypted as a whole is what covers that.)"""
    with contextlib.suppress(FileNotFoundError):
        size = path.stat().st_size
        with path.open("r+b") as fh:
            zeros = bytes(min(size, CHUNK))
            left = size
            while left > 0:
                left -= fh.write(zeros[:min(left, len(zeros))])
            fh.flush()
            os.fsync(fh.fileno())
        path.unlink()


def _shred_tree(root: Path) -> None:
    if not root.exists():
        return
    for p in sorted(root.rglob("*"), reverse=True):
        if p.is_file() and not p.is_symlink():
            shred(p)
    shutil.rmtree(root, ignore_errors=True)


def _tables(conn: object) -> list[str]:
    rows = conn.execute(  # type: ignore[attr-defined]
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name").fetchall()
    return [r[0] for r in rows]


def _counts(conn: object) -> dict[str, int]:
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # type: ignore[attr-defined]
            for t in _tables(conn)}


def _export(db_path: Path, target: Path, key: DataKey) -> dict[str, int]:
    """Checkpoint the plaintext file, copy it encrypted into `target`; its row counts."""
    target.unlink(missing_ok=True)
    fd = os.open(target, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    with closing(connect(db_path, None)) as plain:
        plain.isolation_level = None
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = _counts(plain)
        plain.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.raw.hex()}'\"",
                      (str(target),))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        version = plain.execute("PRAGMA user_version").fetchone()[0]
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
    with target.open("rb+") as fh:
        os.fsync(fh.fileno())
    return counts


def _plain_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")
                  and "tmp" not in p.relative_to(root).parts[:1])


def _encrypt_tree(src: Path, dst: Path, cipher: FileCipher, report: EncryptionReport,
                  progress: Progress | None, done: list[int], total: int) -> dict[Path, str]:
    """Encrypt every file of `src` to the same place under `dst`; their plaintext hashes."""
    hashes: dict[Path, str] = {}
    for p in _plain_files(src):
        rel = p.relative_to(src)
        with p.open("rb") as fh, private_atomic_writer(dst / rel) as out:
            reader = HashingReader(fh)
            report.bytes += cipher.encrypt_stream(reader, out)
        hashes[rel] = reader.digest.hexdigest()
        report.files += 1
        done[0] += 1
        if progress:
            progress("encrypting files", done[0], total)
    return hashes


def _verify(target: Path, key: DataKey, counts: dict[str, int], cipher: FileCipher,
            trees: dict[Path, dict[Path, str]], progress: Progress | None) -> None:
    with closing(connect(target, key)) as enc:
        check = enc.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            raise VaultError(f"The encrypted copy failed its integrity check ({check[:3]}); "
                             "the plaintext database was kept.")
        if _counts(enc) != counts:
            raise VaultError("The encrypted copy does not hold the same rows as the original; "
                             "the plaintext database was kept.")
    total = sum(len(h) for h in trees.values())
    done = 0
    for root, hashes in trees.items():
        for rel, digest in hashes.items():
            h = hashlib.sha256()
            with (root / rel).open("rb") as fh:
                for chunk in cipher.decrypt_chunks(fh):
                    h.update(chunk)
            if h.hexdigest() != digest:
                raise VaultError("An encrypted file does not match its original; the plaintext "
                                 "files were kept.")
            done += 1
            if progress:
                progress("verifying", done, total)


def _discard_stale(db_path: Path) -> None:
    # `.plain` is then a second name of the live plaintext database: unlink, never overwrite.
    _side(db_path, ".plain").unlink(missing_ok=True)
    _side(db_path, ".encrypting").unlink(missing_ok=True)
    _side(db_path, ".encrypting-journal").unlink(missing_ok=True)
    for t in TREES:
        shutil.rmtree(_files_dir(db_path) / f"{t}.enc", ignore_errors=True)


def _commit(db_path: Path, target: Path) -> None:
    wal = _side(db_path, "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise VaultError("The database is open in another program; close it and try again.")
    wal.unlink(missing_ok=True)
    _side(db_path, "-shm").unlink(missing_ok=True)
    os.link(db_path, _side(db_path, ".plain"))
    fsync_dir(db_path.parent)
    os.replace(target, db_path)
    fsync_dir(db_path.parent)


def _finish(db_path: Path, progress: Progress | None) -> None:
    plain = _side(db_path, ".plain")
    if plain.exists() and plain.stat().st_ino != db_path.stat().st_ino:
        shred(plain)
    for bak in db_path.parent.glob(db_path.name + ".before-*.bak"):
        if is_plaintext_sqlite(bak):
            shred(bak)
    files = _files_dir(db_path)
    for t in TREES:
        enc = files / f"{t}.enc"
        if enc.exists():
            if progress:
                progress("removing plaintext", TREES.index(t), len(TREES))
            _shred_tree(files / t)
            os.replace(enc, files / t)
            fsync_dir(files)
    fsync_dir(db_path.parent)


def encrypt_existing(db_path: Path, key: DataKey, *,
                     progress: Progress | None = None) -> EncryptionReport:
    """Encrypt the plaintext database at `db_path` and its files with `key`, verified before
    the plaintext is removed; or finish an interrupted run. `progress(stage, done, total)`."""
    report = EncryptionReport()
    if is_plaintext_sqlite(db_path):
        _discard_stale(db_path)
        files = _files_dir(db_path)
        target = _side(db_path, ".encrypting")
        if progress:
            progress("copying database", 0, 1)
        try:
            report.tables = _export(db_path, target, key)
        except (sqlcipher.Error, ValueError) as exc:  # a damaged file, read half-way
            target.unlink(missing_ok=True)
            raise VaultError("it looks like an unencrypted database of an older version, but it "
                             "is damaged and cannot be read, so it was left as it is. Restore it "
                             "from a backup") from exc
        cipher = key.file_cipher()
        total = sum(len(_plain_files(files / t)) for t in TREES)
        done = [0]
        trees = {files / f"{t}.enc": _encrypt_tree(files / t, files / f"{t}.enc", cipher,
                                                   report, progress, done, total)
                 for t in TREES}
        _verify(target, key, report.tables, cipher, trees, progress)
        _commit(db_path, target)
    _finish(db_path, progress)
    return report
