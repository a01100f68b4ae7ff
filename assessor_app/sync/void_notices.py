"""Void notices: the centre learns that an ERS it holds (or was about to receive) no longer stands.

When a sign-off whose ERS is in the outbox (queued, sent or anything between) is voided:

- an ERS not yet sent is *withheld*: it never reaches the centre looking valid
  (`withhold_void_ers`, run before every sync and again when an item is claimed);
- a signed void notice is queued beside it (`queue_void_notices`): which ERS (file name and
  SHA-256), which sign-off and content hash, when, why and by whom it was voided, and whether
  the ERS had been sent. Its name is the ERS's name with `_VOID-NOTICE.json`, in the same
  folder, so a listing shows each voided sheet next to its notice.

A notice is JSON: ``{"notice": {...}, "signature": b64, "public_key": b64, "algorithm":
"Ed25519"}``, the signature over the canonical bytes of "notice" (see `notice_bytes`), made with
the assessor's sync key, the one that signs bundles. `read_notice` checks it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from assessor_app.store import Store
from assessor_app.store.files import atomic_write_bytes, sha256_bytes
from assessor_app.store.models import AuditEntry, ErsDocument, OutboxItem, OutboxState, SignOff
from assessor_app.store.models._common import utcnow
from assessor_app.store.settings import get_setting

if TYPE_CHECKING:
    from assessor_app.sync.bundle_signing import BundleSigner

SCHEMA = "ers-void-notice/1"
NOTICE_DIR = "void-notices"
SUFFIX = "_VOID-NOTICE.json"
# "uploading" is left alone here: a running sync owns it, and checks the sign-off again itself
# when it claims the item (`claims.claim`).
UNSENT = (OutboxState.QUEUED.value, OutboxState.FAILED.value)
WITHHELD_REASON = ("Not sent: its sign-off was voided before it reached the centre. A void "
                   "notice goes in its place.")


class BadNotice(ValueError):
    """A void notice whose signature or form does not check out."""


def notice_filename(ers_filename: str) -> str:
    return f"{PurePosixPath(ers_filename).stem}{SUFFIX}"


def notice_bytes(notice: dict[str, Any]) -> bytes:
    return json.dumps(notice, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def _void_ers_rows(session: Session, states: tuple[str, ...] | None = None) -> list[OutboxItem]:
    q = (select(OutboxItem)
         .join(ErsDocument, col(ErsDocument.id) == OutboxItem.ers_document_id)
         .join(SignOff, col(SignOff.id) == ErsDocument.signoff_id)
         .where(SignOff.status == "void"))
    if states is not None:
        q = q.where(col(OutboxItem.state).in_(states))
    return list(session.exec(q.order_by(col(OutboxItem.id))).all())


def withhold_void_ers(session: Session) -> int:
    """Take every unsent ERS of a void sign-off out of the queue (state "withheld")."""
    rows = _void_ers_rows(session, UNSENT)
    for item in rows:
        item.state = OutboxState.WITHHELD.value
        item.failure_reason = WITHHELD_REASON
        item.next_attempt_at = None
        item.updated_at = utcnow()
        session.add(item)
    session.flush()
    return len(rows)


def pending_notice_documents(session: Session) -> list[OutboxItem]:
    """ERS outbox rows of void sign-offs that have no void notice queued yet."""
    noticed = select(OutboxItem.voids_document_id).where(
        col(OutboxItem.voids_document_id).is_not(None))
    return [r for r in _void_ers_rows(session)
            if r.ers_document_id not in set(session.exec(noticed).all())]


def notices_waiting(store: Store) -> int:
    """How many voided ERSs still need their notice signed and queued."""
    with store.read_session() as session:
        return len(pending_notice_documents(session))


def _voided_by(session: Session, signoff_id: int) -> str:
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "signoff.void",
                                                  AuditEntry.subject == f"signoff:{signoff_id}")
                         .order_by(col(AuditEntry.seq).desc())).first()
    return entry.actor if entry else ""


def build_notice(session: Session, ers_item: OutboxItem) -> dict[str, Any]:
    doc = session.get(ErsDocument, ers_item.ers_document_id)
    assert doc is not None
    so = session.get(SignOff, doc.signoff_id)
    assert so is not None and so.status == "void"
    return {
        "schema": SCHEMA,
        "statement": (f"The Evidence Record Sheet {doc.filename} is VOID and must not be relied "
                      "on. A later sign-off of this unit, if any, replaces it."),
        "ers_filename": doc.filename,
        "ers_sha256": doc.sha256,
        "ers_was_sent": ers_item.state == OutboxState.SENT.value,
        "ers_remote_path": ers_item.remote_path if ers_item.state == OutboxState.SENT.value
        else "",
        "signoff_id": so.id,
        "unit_reference": ers_item.unit_reference,
        "content_hash": so.content_hash,
        "voided_at": so.voided_at.isoformat() if so.voided_at else "",
        "reason": so.void_reason,
        "voided_by": _voided_by(session, so.id or 0),
        "assessor": get_setting(session, "assessor_name"),
        "assessor_id": get_setting(session, "assessor_id"),
        "centre_number": get_setting(session, "centre_number"),
    }


def signed_notice(notice: dict[str, Any], signer: BundleSigner) -> bytes:
    body = notice_bytes(notice)
    doc = {"notice": notice, "algorithm": "Ed25519",
           "public_key": base64.b64encode(signer.public_key).decode(),
           "signature": base64.b64encode(signer.sign(body)).decode()}
    return (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()


def read_notice(data: bytes) -> dict[str, Any]:
    """The notice, after checking its signature; `BadNotice` otherwise."""
    from assessor_app.signoff.keys import verify_detached  # cryptography only when checking

    try:
        doc = json.loads(data)
        notice = doc["notice"]
        key = base64.b64decode(doc["public_key"])
        signature = base64.b64decode(doc["signature"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BadNotice("Not a void notice.") from exc
    if notice.get("schema") != SCHEMA or not verify_detached(key, notice_bytes(notice),
                                                             signature):
        raise BadNotice("The void notice's signature does not match its content.")
    return notice


@dataclass(frozen=True)
class QueuedNotice:
    outbox_item_id: int
    ers_document_id: int
    filename: str


def queue_void_notices(store: Store, signer: BundleSigner) -> list[QueuedNotice]:
    """Withhold unsent ERSs of void sign-offs and queue a signed notice for each one that was in
    the outbox. Safe to call often: each ERS gets one notice."""
    out: list[QueuedNotice] = []
    with store.session() as session:
        withhold_void_ers(session)
        for ers_item in pending_notice_documents(session):
            data = signed_notice(build_notice(session, ers_item), signer)
            sha = sha256_bytes(data)
            relative = f"{NOTICE_DIR}/{sha}.json"
            path = store.files_dir / relative
            if not path.exists():  # kept encrypted at rest like every stored file
                if store.key is not None:
                    store.key.file_cipher().write_file(path, data)
                else:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    atomic_write_bytes(path, data, mode=0o600)
            name = notice_filename(ers_item.filename)
            beside = (str(PurePosixPath(ers_item.remote_path).with_name(
                f"{PurePosixPath(ers_item.remote_path).stem}{SUFFIX}"))
                if ers_item.remote_path else "")
            row = OutboxItem(voids_document_id=ers_item.ers_document_id, sha256=sha,
                             size=len(data), learner_registration=ers_item.learner_registration,
                             unit_reference=ers_item.unit_reference, filename=name,
                             local_path=relative, remote_path=beside)
            session.add(row)
            session.flush()
            out.append(QueuedNotice(row.id or 0, ers_item.ers_document_id or 0, name))
    return out
