"""Photos and documents attached to evidence items. Bytes go to the content-addressed blob store
(once per content); the `attachment` row names the blob by hash and keeps the original file name."""

from __future__ import annotations

import contextlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from assessor_app.evidence.blobstore import Blob, blob_store
from assessor_app.evidence.db import Db, reading
from assessor_app.evidence.edits import ToggleEdit
from assessor_app.evidence.errors import NotFound
from assessor_app.evidence.limits import check_short
from assessor_app.evidence.locking import UNCHANGED, change_evidence
from assessor_app.store import Store
from assessor_app.store.models import Attachment, EvidenceItem


@dataclass
class AttachmentChange(ToggleEdit):
    """An attachment added to (`added=True`) or removed from an item. The blob stays either way,
    so undo and redo never need the original file again."""

    evidence_id: int
    sha256: str
    filename: str
    mime: str
    size: int
    added: bool
    attachment_id: int | None = None
    noop: bool = False

    @property
    def description(self) -> str:
        return "Attach file" if self.added else "Remove attachment"

    @property
    def is_noop(self) -> bool:
        return self.noop

    @property
    def state(self) -> bool:
        return self.added

    def set_state(self, store: Store, on: bool) -> None:
        if on:
            row = _add_row(store, self.evidence_id, self.sha256, self.filename, self.mime,
                           self.size)
            if row is not None:
                self.attachment_id = row.id
        else:
            _remove_row(store, self.evidence_id, self.sha256)


def _existing(session: Session, evidence_id: int, sha256: str) -> Attachment | None:
    return session.exec(
        select(Attachment)
        .where(Attachment.evidence_id == evidence_id)
        .where(Attachment.sha256 == sha256)
    ).first()


def _add_row(store: Store, evidence_id: int, sha256: str, filename: str, mime: str,
             size: int) -> Attachment | None:
    def mutate(session: Session, _item: EvidenceItem) -> Attachment | object:
        if _existing(session, evidence_id, sha256) is not None:
            return UNCHANGED
        row = Attachment(evidence_id=evidence_id, sha256=sha256, filename=filename, mime=mime,
                         size=size)
        session.add(row)
        session.flush()
        return row

    result = change_evidence(store, evidence_id, "attachment added", mutate)
    return result if isinstance(result, Attachment) else None


def _remove_row(store: Store, evidence_id: int, sha256: str) -> None:
    def mutate(session: Session, _item: EvidenceItem) -> object:
        row = _existing(session, evidence_id, sha256)
        if row is None:
            return UNCHANGED
        session.delete(row)
        return None

    change_evidence(store, evidence_id, "attachment removed", mutate)


def store_file(store: Store, path: str | Path) -> Blob:
    """Copy a file into the blob store (no database change). `AttachmentError` if unreadable."""
    return blob_store(store).put_file(Path(path))


def guess_mime(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def attach_blob(store: Store, evidence_id: int, blob: Blob, filename: str) -> AttachmentChange:
    """Attach an already stored blob. Attaching the same content twice to one item is a no-op."""
    filename = check_short("file name", Path(filename).name or "attachment")
    mime = guess_mime(filename)
    row = _add_row(store, evidence_id, blob.sha256, filename, mime, blob.size)
    return AttachmentChange(evidence_id, blob.sha256, filename, mime, blob.size, added=True,
                            attachment_id=row.id if row else None, noop=row is None)


def attach_file(store: Store, evidence_id: int, path: str | Path,
                filename: str | None = None) -> AttachmentChange:
    """Copy `path` into the blob store and attach it to the item.

    Raises `AttachmentError` (naming the file) if it is missing or unreadable; nothing is written.
    """
    with store.session() as session:
        if session.get(EvidenceItem, evidence_id) is None:
            raise NotFound(f"There is no evidence item {evidence_id}.")
    blob = store_file(store, path)
    return attach_blob(store, evidence_id, blob, filename or Path(path).name)


def remove_attachment(store: Store, attachment_id: int) -> AttachmentChange:
    with store.session() as session:
        row = session.get(Attachment, attachment_id)
        if row is None:
            raise NotFound(f"There is no attachment {attachment_id}.")
    _remove_row(store, row.evidence_id, row.sha256)
    return AttachmentChange(row.evidence_id, row.sha256, row.filename, row.mime, row.size,
                            added=False, attachment_id=attachment_id)


def list_attachments(db: Db, evidence_id: int) -> list[Attachment]:
    with reading(db) as session:
        return list(session.exec(
            select(Attachment).where(Attachment.evidence_id == evidence_id)
            .order_by(col(Attachment.added_at), col(Attachment.id))
        ).all())


def attachment_path(store: Store, attachment: Attachment) -> Path:
    """Where the attachment's (encrypted) bytes are kept; read them with `read_attachment`."""
    return blob_store(store).path_for(attachment.sha256)


def read_attachment(store: Store, attachment: Attachment) -> bytes:
    """The attachment's content, decrypted and checked (`FileTampered` if changed on disk)."""
    return blob_store(store).read_bytes(attachment.sha256)


_VIEWING: list[Path] = []


def viewing_copy(store: Store, attachment: Attachment) -> Path:
    """A plaintext copy to open in another program (a photo viewer cannot read the encrypted
    blob): in a private (0700) folder of this run, in the per-user runtime folder (memory-backed
    on Linux) when there is one, overwritten and deleted when the app exits."""
    import atexit
    import os
    import re
    import tempfile

    base = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir())
    folder = base / f"assessor-app-view-{os.getpid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    if not _VIEWING:
        atexit.register(clear_viewing_copies)
    safe = re.sub(r"[^A-Za-z0-9._ -]+", "_", attachment.filename) or "attachment"
    path = folder / f"{attachment.id}-{safe}"
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(read_attachment(store, attachment))
        _VIEWING.append(path)
    return path


def clear_viewing_copies() -> None:
    from assessor_app.vault.encrypt_existing import shred

    for path in _VIEWING:
        shred(path)
    if _VIEWING:
        with contextlib.suppress(OSError):
            _VIEWING[0].parent.rmdir()
    _VIEWING.clear()
