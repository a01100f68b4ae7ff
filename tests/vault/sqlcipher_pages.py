"""Decrypt every page of a SQLCipher 4 file (and its WAL) with the raw key, free pages included,
so a test can byte-search what is really on disk rather than what SQL still returns.

SQLCipher 4 defaults: 4096-byte pages, AES-256-CBC, 80 reserved bytes at the end of each page
(16-byte IV + 64-byte HMAC-SHA512); page 1 starts with the 16-byte salt, left unencrypted.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80


def _page(raw: bytes, key: bytes, first: bool) -> bytes:
    iv = raw[PAGE - RESERVE:PAGE - RESERVE + 16]
    body = raw[16 if first else 0:PAGE - RESERVE]
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return dec.update(body) + dec.finalize()


def plaintext_of_db(path: Path, key: bytes) -> bytes:
    data = path.read_bytes()
    return b"".join(_page(data[o:o + PAGE], key, o == 0)
                    for o in range(0, len(data) - PAGE + 1, PAGE))


def plaintext_of_wal(path: Path, key: bytes) -> bytes:
    if not path.exists():
        return b""
    data = path.read_bytes()
    out = []
    for o in range(32, len(data) - (24 + PAGE) + 1, 24 + PAGE):
        pgno = int.from_bytes(data[o:o + 4], "big")
        out.append(_page(data[o + 24:o + 24 + PAGE], key, pgno == 1))
    return b"".join(out)
