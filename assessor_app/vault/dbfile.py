"""SQLCipher connections and the file modes of a data folder."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from assessor_app.vault.keys import DataKey

SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_SUFFIXES = ("-wal", "-shm", "-journal", ".keys")


def is_plaintext_sqlite(path: Path) -> bool:
    """True when `path` is an unencrypted SQLite file (SQLCipher files start with random salt)."""
    try:
        with Path(path).open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except FileNotFoundError:
        return False


def connect(path: Path, key: DataKey | None, **kwargs: Any) -> sqlcipher.Connection:
    """A DB-API connection to `path`, keyed with the raw data key (no key derivation per
    connection: the key is already random). `key=None` opens a plaintext file."""
    conn = sqlcipher.connect(str(path), check_same_thread=False, **kwargs)
    # SQLCipher logs a damaged page to stderr itself; the app says it once, in its own words.
    conn.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        conn.execute(key.sqlcipher_pragma)
    return conn


def _ours(db_path: Path, entry: Path) -> bool:
    name = entry.name
    stem = db_path.name
    return (name == stem or name.startswith(stem + "-") or name.startswith(stem + ".")
            or name == db_path.stem + ".files" or name.startswith("." + stem))


def secure_data_folder(db_path: Path) -> None:
    """Files of this database 0600, its files folder 0700, and its parent folder 0700 when it
    holds nothing but this app's files (never tighten a shared folder such as $HOME or /tmp)."""
    if os.name != "posix":
        return
    parent = db_path.parent
    parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not db_path.exists():
        fd = os.open(db_path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    for p in [db_path, *(db_path.with_name(db_path.name + s) for s in SIDE_SUFFIXES)]:
        with contextlib.suppress(FileNotFoundError):
            if stat.S_IMODE(p.stat().st_mode) != 0o600:
                p.chmod(0o600)
    files = parent / (db_path.stem + ".files")
    files.mkdir(exist_ok=True, mode=0o700)
    files.chmod(0o700)
    with contextlib.suppress(OSError):
        if parent.stat().st_uid == os.getuid() and all(_ours(db_path, e)
                                                       for e in parent.iterdir()):
            parent.chmod(0o700)
