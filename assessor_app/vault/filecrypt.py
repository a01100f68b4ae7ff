"""AES-256-GCM for files, in chunks so a large photo is never held whole in memory.

Format: ``MAGIC (5 bytes) | nonce prefix (7 bytes)`` then chunks of up to `CHUNK` plaintext bytes,
each sealed with the nonce ``prefix | chunk counter (4 bytes) | last-chunk flag (1 byte)`` and the
12-byte header as associated data. Reordering, dropping, truncating or changing any byte makes a
chunk fail to authenticate; an empty file is one empty final chunk. The key is derived from the
data key with HKDF for this purpose only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from assessor_app.vault.errors import FileTampered

MAGIC = b"AAEF1"
HEADER = len(MAGIC) + 7
CHUNK = 256 * 1024
TAG = 16


class FileCipher:
    """Encrypts and decrypts files with one 256-bit key (see `DataKey.file_key`)."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def _nonce(self, prefix: bytes, counter: int, last: bool) -> bytes:
        return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")

    def encrypt_stream(self, src: BinaryIO, dst: BinaryIO) -> int:
        """Encrypt what is left in `src` into `dst`; returns the plaintext size."""
        prefix = secrets.token_bytes(7)
        header = MAGIC + prefix
        dst.write(header)
        counter = size = 0
        chunk = src.read(CHUNK)
        while True:
            nxt = src.read(CHUNK) if len(chunk) == CHUNK else b""
            last = not nxt
            dst.write(self._aead.encrypt(self._nonce(prefix, counter, last), chunk, header))
            size += len(chunk)
            if last:
                return size
            counter += 1
            chunk = nxt

    def decrypt_chunks(self, src: BinaryIO, what: str = "file") -> Iterator[bytes]:
        """Plaintext chunks of an encrypted stream; `FileTampered` at the first bad chunk."""
        header = src.read(HEADER)
        if len(header) != HEADER or not header.startswith(MAGIC):
            raise FileTampered(_tampered(what))
        prefix = header[len(MAGIC):]
        counter = 0
        sealed = src.read(CHUNK + TAG)
        while True:
            nxt = src.read(CHUNK + TAG)
            last = not nxt
            try:
                yield self._aead.decrypt(self._nonce(prefix, counter, last), sealed, header)
            except InvalidTag as exc:
                raise FileTampered(_tampered(what)) from exc
            if last:
                return
            counter += 1
            sealed = nxt

    def encrypt_bytes(self, data: bytes) -> bytes:
        import io

        out = io.BytesIO()
        self.encrypt_stream(io.BytesIO(data), out)
        return out.getvalue()

    def decrypt_bytes(self, data: bytes, what: str = "file") -> bytes:
        import io

        return b"".join(self.decrypt_chunks(io.BytesIO(data), what))

    def read_file(self, path: Path, what: str = "file") -> bytes:
        """The plaintext of an encrypted file (authenticated)."""
        with Path(path).open("rb") as fh:
            return b"".join(self.decrypt_chunks(fh, what))

    def write_file(self, path: Path, data: bytes) -> None:
        """Encrypt `data` into `path` crash-safely (temp file, fsync, rename), mode 0600."""
        import io

        with private_atomic_writer(path) as fh:
            self.encrypt_stream(io.BytesIO(data), fh)

    def is_encrypted(self, path: Path) -> bool:
        with Path(path).open("rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC


def _tampered(what: str) -> str:
    return (f"The stored {what} was changed or damaged on disk (it failed its integrity check), "
            "so it was not used. Restore it from a backup.")


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable where the platform allows it (not on Windows). The one
    copy: the vault sits lowest, and `store.files` re-exports it."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class HashingReader:
    """Reads a source in chunks, hashing (SHA-256) and counting what passes through."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def store_stream(reader: HashingReader, dst: BinaryIO, cipher: FileCipher | None) -> None:
    """Write what `reader` gives to `dst`: encrypted when there is a cipher, else as it is."""
    if cipher is not None:
        cipher.encrypt_stream(reader, dst)
        return
    while chunk := reader.read(CHUNK):
        dst.write(chunk)


@contextlib.contextmanager
def private_atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Like `store.files.atomic_writer`, but the folder is 0700 and the file 0600 from birth."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".incoming-", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
