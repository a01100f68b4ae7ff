"""Small file helpers every area shares: SHA-256 of bytes or a file, and crash-safe writes.

A crash-safe write goes to a uniquely named temporary file in the destination's folder, is
flushed to disk (fsync), renamed over the destination with `os.replace` and the folder is synced,
so after a crash or power cut the destination holds either the old or the new bytes, never half.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from assessor_app.vault.filecrypt import fsync_dir

CHUNK = 1024 * 1024


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_stream(fh: BinaryIO) -> str:
    """SHA-256 of what is left to read in `fh`, read in chunks (never whole)."""
    h = hashlib.sha256()
    while chunk := fh.read(CHUNK):
        h.update(chunk)
    return h.hexdigest()


def sha256_file(path: Path) -> str:
    with Path(path).open("rb") as fh:
        return sha256_stream(fh)


@contextlib.contextmanager
def atomic_writer(path: Path, *, mode: int = 0o644) -> Iterator[BinaryIO]:
    """Write `path` through the yielded binary file; it appears (whole) only if the block ends
    without an exception. `mode` is set before any byte is written (0o600 for secrets)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            if os.name == "posix":  # mkstemp made it 0o600; others may read a public file
                os.fchmod(fh.fileno(), mode)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def atomic_write_bytes(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    with atomic_writer(path, mode=mode) as fh:
        fh.write(data)
