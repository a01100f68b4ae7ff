"""The bytes of a queued file as filed on this computer (decrypted and authenticated when kept
encrypted at rest), or why it cannot be sent: missing, or changed since it was filed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from assessor_app.store import Store
from assessor_app.store.models import OutboxItem
from assessor_app.sync import outbox
from assessor_app.sync.claims import Claimed
from assessor_app.vault.errors import FileTampered
from assessor_app.vault.filecrypt import MAGIC, FileCipher


class LocalFileChanged(Exception):
    """The local file no longer matches what was filed."""


class LocalReader:
    """Reads filed PDFs for one sync run. The folder and the file key are worked out once per
    run (deriving the key and finding the folder cost more than decrypting a 40 KB PDF), and
    each file is opened and read once: decrypted when it is encrypted, then checked against the
    size and SHA-256 it was filed with. Safe to share between worker threads."""

    def __init__(self, store: Store) -> None:
        self.files_dir: Path = store.files_dir
        self.cipher: FileCipher | None = (
            store.key.file_cipher() if store.key is not None else None)

    def read(self, item: OutboxItem | Claimed) -> bytes:
        """The exact bytes that were filed, whole: what the upload sends and nothing else."""
        src = outbox.local_file(self.files_dir, item)
        try:
            raw = src.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise FileNotFoundError(2, "local ERS file missing", str(src)) from None
        if self.cipher is not None and raw.startswith(MAGIC):
            try:
                data = self.cipher.decrypt_bytes(raw, "ERS PDF")
            except FileTampered as exc:
                raise LocalFileChanged("the encrypted local file failed authentication") from exc
        else:
            data = raw
        if len(data) != item.size:
            raise LocalFileChanged(f"size {len(data)} != filed {item.size}")
        # hashlib lets go of the GIL for a buffer this size: the other uploads keep going.
        if hashlib.sha256(data).hexdigest() != item.sha256:
            raise LocalFileChanged("local SHA-256 differs from the filed one")
        return data


def read_local(store: Store, item: OutboxItem | Claimed) -> bytes:
    """One file, for callers outside a run (see `LocalReader`)."""
    return LocalReader(store).read(item)
