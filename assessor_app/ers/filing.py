"""File a signed ERS: render it from the sign-off's snapshot, PAdES-sign it, keep the bytes in a
content-addressed folder and record an `ErsDocument`.

    doc = file_ers(store, signoff_id, identity)    # -> ErsDocument (committed, queued)
    doc = file_ers_in(session, store, signoff_id, identity)  # in the caller's transaction

Filing publishes `ErsFiled` in its transaction; sync listens (installed at start-up) and puts the
document in the outbox in that same transaction, so a filed ERS is never without its outbox entry
and nothing queues it twice. Filing never uploads.

Bytes live at `store.files_dir / "ers" / "<sha256>.pdf"`, encrypted with the data folder's file
key (read them with `read_ers_document` / `read_ers_bytes`); `ErsDocument.filename` is the name to
show or upload and holds no learner name or registration number (unit reference, sign-off id and
a short hash only).
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import event
from sqlmodel import Session, col, select

from assessor_app.ers.blocks import ImageLoader
from assessor_app.ers.events import ErsFiled
from assessor_app.ers.layout import render_ers
from assessor_app.ers.pdf_signing import sign_ers_pdf
from assessor_app.ers.view import view_for_signoff
from assessor_app.signoff.audit_seal import HEAD_ATTACHMENT, AuditHead, record_head, seal_audit
from assessor_app.signoff.errors import SignOffStateError
from assessor_app.signoff.keys import AssessorIdentity
from assessor_app.store import Store
from assessor_app.store.audit import append_audit
from assessor_app.store.events import publish
from assessor_app.store.files import atomic_write_bytes, sha256_bytes
from assessor_app.store.models import ErsDocument, SignOff
from assessor_app.vault.errors import FileTampered

ERS_DIR = "ers"


def ers_folder(store: Store) -> Path:
    return store.files_dir / ERS_DIR


def ers_document_path(store: Store, doc: ErsDocument) -> Path:
    return ers_folder(store) / f"{doc.sha256}.pdf"


def public_filename(unit_reference: str, signoff_id: int, sha256: str) -> str:
    unit = re.sub(r"[^A-Za-z0-9]+", "-", unit_reference).strip("-")
    return f"ERS_{unit}_signoff-{signoff_id}_{sha256[:8]}.pdf"


def attachment_images(store: Store) -> ImageLoader:
    """Reads attachments' bytes from this laptop's blob store (None when a file is absent)."""
    from assessor_app.evidence.blobstore import blob_store

    blobs = blob_store(store)

    def load(sha256: str) -> bytes | None:
        try:
            return blobs.read_bytes(sha256) if blobs.has(sha256) else None
        except (OSError, ValueError):
            return None

    return load


def render_signed_pdf(store: Store, signoff_id: int, identity: AssessorIdentity, *,
                      audit_head: AuditHead | None = None) -> bytes:
    """Render any sign-off (signed, void or unfinished) from its snapshot and PAdES-sign it."""
    with store.session() as session:
        return render_signed_pdf_in(session, signoff_id, identity, attachment_images(store),
                                    audit_head=audit_head)


def render_signed_pdf_in(session: Session, signoff_id: int, identity: AssessorIdentity,
                         images: ImageLoader | None = None, *,
                         audit_head: AuditHead | None = None) -> bytes:
    """`render_signed_pdf` from what `session` sees (e.g. a sign-off not yet committed);
    `images` gives photos' bytes for the thumbnails (see `attachment_images`). A filed ERS
    also carries the audit trail's sealed head (see `signoff.audit_seal`)."""
    so = session.get(SignOff, signoff_id)
    if so is None:
        raise SignOffStateError(f"Sign-off {signoff_id} does not exist.")
    view = view_for_signoff(session, signoff_id)
    extra = {HEAD_ATTACHMENT: audit_head.to_json().encode()} if audit_head else None
    return sign_ers_pdf(render_ers(view, images), identity, content_hash=view.content_hash,
                        content_json=so.content_json, attachments=extra)


def _seal(session: Session, store: Store, identity: AssessorIdentity) -> AuditHead | None:
    """Seal the trail with the assessor's key; the head is also written beside the database
    once (and only if) this transaction commits."""
    head = seal_audit(session, identity)
    if head is not None:
        event.listen(session, "after_commit",
                     lambda _s: record_head(store.files_dir, head, "ERS filing"), once=True)
    return head


def _write_blob(store: Store, sha256: str, data: bytes) -> Path:
    folder = ers_folder(store)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{sha256}.pdf"
    if not path.exists():  # a crash never leaves a half-written PDF under its hash
        if store.key is not None:
            store.key.file_cipher().write_file(path, data)
        else:
            atomic_write_bytes(path, data, mode=0o600)
    return path


PENDING_SUFFIX = ".pending"


def _write_pending(session: Session, store: Store, sha256: str, pdf: bytes) -> None:
    """Write the PDF before the transaction commits, with a marker beside it that the commit
    removes. A run killed in between leaves PDF + marker, which start-up recovery deletes
    (`store.recovery`); a PDF without a marker is never deleted, even if its row goes missing:
    it carries the audit head that shows the trail was cut."""
    folder = ers_folder(store)
    if (folder / f"{sha256}.pdf").exists():
        return  # the same bytes were filed before: nothing new to mark
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    marker = folder / f"{sha256}{PENDING_SUFFIX}"
    marker.touch()
    _write_blob(store, sha256, pdf)
    event.listen(session, "after_commit", lambda _s: marker.unlink(missing_ok=True), once=True)


def existing_document(store: Store, signoff_id: int) -> ErsDocument | None:
    with store.read_session() as session:
        return _latest_document(session, signoff_id)


def _latest_document(session: Session, signoff_id: int) -> ErsDocument | None:
    return session.exec(select(ErsDocument).where(ErsDocument.signoff_id == signoff_id)
                        .order_by(col(ErsDocument.id).desc())).first()


def _require_signed(session: Session, signoff_id: int) -> None:
    so = session.get(SignOff, signoff_id)
    if so is None or so.status != "signed":
        state = "missing" if so is None else so.status.replace("_", " ")
        raise SignOffStateError(f"Only a completed sign-off can be filed (sign-off "
                                f"{signoff_id} is {state}).")


def file_ers(store: Store, signoff_id: int, identity: AssessorIdentity, *,
             refile: bool = False) -> ErsDocument:
    """Render, sign and store the ERS of a signed, committed sign-off and queue it in the outbox
    for the centre; returns its `ErsDocument`. Filing twice returns the first document unless
    `refile` is set."""
    if not refile and (doc := existing_document(store, signoff_id)) is not None:
        return doc
    with store.session() as session:
        _require_signed(session, signoff_id)
        head = _seal(session, store, identity)
    pdf = render_signed_pdf(store, signoff_id, identity, audit_head=head)  # slow: on its own
    with store.session() as session:
        # Checked again in the writing transaction: while the PDF was rendered another thread
        # may have voided the sign-off (an evidence edit) or filed it already.
        _require_signed(session, signoff_id)
        if not refile and (doc := _latest_document(session, signoff_id)) is not None:
            return doc
        return _record(session, store, signoff_id, pdf, identity)


def file_ers_in(session: Session, store: Store, signoff_id: int,
                identity: AssessorIdentity) -> ErsDocument:
    """File the ERS of a sign-off signed in `session`'s (uncommitted) transaction: rendered and
    PAdES-signed from what the session sees, recorded, audited and queued, all committed or
    rolled back with the sign-off itself."""
    _require_signed(session, signoff_id)
    pdf = render_signed_pdf_in(session, signoff_id, identity, attachment_images(store),
                               audit_head=_seal(session, store, identity))
    return _record(session, store, signoff_id, pdf, identity)


def _record(session: Session, store: Store, signoff_id: int, pdf: bytes,
            identity: AssessorIdentity) -> ErsDocument:
    """Keep the bytes, add the `ErsDocument`, its audit entry, and announce it (sync queues it)."""
    sha = sha256_bytes(pdf)
    _write_pending(session, store, sha, pdf)
    view_ref = view_for_signoff(session, signoff_id).unit_reference
    doc = ErsDocument(signoff_id=signoff_id, sha256=sha, size=len(pdf),
                      filename=public_filename(view_ref, signoff_id, sha))
    session.add(doc)
    session.flush()
    assert doc.id is not None
    append_audit(session, actor="assessor", action="ers.file",
                 subject=f"signoff:{signoff_id}", content_hash=sha,
                 details={"ers_document_id": doc.id, "size": len(pdf),
                          "certificate_sha256": identity.certificate_sha256})
    publish(session, ErsFiled(doc.id))
    return doc


def read_ers_bytes(store: Store, sha256: str) -> bytes:
    """The plaintext PDF filed under `sha256`: decrypted, authenticated and hash-checked
    (`FileTampered`, a `ValueError`, when it was changed on disk)."""
    path = ers_folder(store) / f"{sha256}.pdf"
    data = (store.key.file_cipher().read_file(path, "ERS PDF") if store.key is not None
            else path.read_bytes())
    if sha256_bytes(data) != sha256:
        raise FileTampered("The stored ERS file does not match its recorded hash.")
    return data


def read_ers_document(store: Store, doc: ErsDocument) -> bytes:
    return read_ers_bytes(store, doc.sha256)
