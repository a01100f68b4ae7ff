"""The bytes of a queued file as filed on this computer (decrypted and authenticated when kept
encrypted at rest), or why it cannot be sent: missing, or changed since it was filed."""

from __future__ import annotations

from assessor_app.store import Store
from assessor_app.store.models import OutboxItem
from assessor_app.sync import outbox
from assessor_app.vault.errors import FileTampered


class LocalFileChanged(Exception):
    """The local file no longer matches what was filed."""


def read_local(store: Store, item: OutboxItem) -> bytes:
    src = outbox.local_file(store.files_dir, item)
    if not src.is_file():
        raise FileNotFoundError(2, "local ERS file missing", str(src))
    cipher = store.key.file_cipher() if store.key is not None else None
    if cipher is None or not cipher.is_encrypted(src):
        data = src.read_bytes()
    else:
        try:
            data = cipher.read_file(src, "ERS PDF")
        except FileTampered as exc:
            raise LocalFileChanged("the encrypted local file failed authentication") from exc
    if len(data) != item.size:
        raise LocalFileChanged(f"size {len(data)} != filed {item.size}")
    return data
