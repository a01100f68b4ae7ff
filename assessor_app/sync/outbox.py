"""The durable outbox: what must reach the centre, and where each file stands.

Filing a signed ERS calls `enqueue(session, ers_document_id)` inside the filing transaction, so a
filed document is never without its outbox row. Rows leave the "to send" set only when the
remote copy has been confirmed (state "sent"); nothing is ever deleted by the sync.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, or_
from sqlmodel import Session, select

from assessor_app.ers.events import ErsFiled
from assessor_app.store.models import (
    ErsDocument,
    Learner,
    OutboxItem,
    OutboxState,
    SignOff,
    Unit,
    UnitVersion,
)
from assessor_app.store.models._common import utcnow
from assessor_app.sync.status_read import OutboxStatus, snapshot_in

if TYPE_CHECKING:
    from assessor_app.sync.claims import Claimed

ERS_DIR = "ers"


class EnqueueError(ValueError):
    """The document cannot be queued (unknown id, file missing, …)."""


def ers_relative_path(sha256: str) -> str:
    """Where ERS filing keeps a PDF, relative to `store.files_dir` (content-addressed)."""
    return f"{ERS_DIR}/{sha256}.pdf"


def local_file(files_dir: Path, item: OutboxItem | Claimed) -> Path:
    p = Path(item.local_path or ers_relative_path(item.sha256))
    return p if p.is_absolute() else files_dir / p


def enqueue(session: Session, ers_document_id: int) -> OutboxItem:
    """Queue a filed ERS for the centre. Queuing the same document again is a no-op."""
    existing = session.exec(
        select(OutboxItem).where(OutboxItem.ers_document_id == ers_document_id)
    ).first()
    if existing is not None:
        return existing
    doc = session.get(ErsDocument, ers_document_id)
    if doc is None:
        raise EnqueueError(f"no ERS document with id {ers_document_id}")
    row = session.exec(
        select(Learner.registration, Unit.reference)
        .select_from(SignOff)
        .join(Learner, Learner.id == SignOff.learner_id)  # type: ignore[arg-type]
        .join(UnitVersion, UnitVersion.id == SignOff.unit_version_id)  # type: ignore[arg-type]
        .join(Unit, Unit.id == UnitVersion.unit_id)  # type: ignore[arg-type]
        .where(SignOff.id == doc.signoff_id)
    ).first()
    if row is None:
        raise EnqueueError(f"ERS document {ers_document_id} has no sign-off/learner/unit")
    registration, unit_reference = row
    return _add(
        session,
        OutboxItem(
            ers_document_id=doc.id,
            sha256=doc.sha256,
            size=doc.size,
            learner_registration=registration,
            unit_reference=unit_reference,
            filename=doc.filename,
            local_path=ers_relative_path(doc.sha256),
        ),
    )


def on_ers_filed(session: Session, event: ErsFiled) -> None:
    """Listener (installed at start-up): queue an ERS in the transaction that filed it."""
    enqueue(session, event.document_id)


def enqueue_unqueued(session: Session) -> int:
    """Safety net run before each sync: queue the latest filed ERS of every signed sign-off that
    has no outbox row (e.g. the app died between filing and `enqueue`). Returns how many."""
    latest = (
        select(func.max(ErsDocument.id))
        .join(SignOff, SignOff.id == ErsDocument.signoff_id)  # type: ignore[arg-type]
        .where(SignOff.status == "signed")
        .group_by(ErsDocument.signoff_id)
    )
    queued = select(OutboxItem.ers_document_id).where(OutboxItem.ers_document_id.is_not(None))  # type: ignore[union-attr]
    missing = session.exec(
        select(ErsDocument.id).where(
            ErsDocument.id.in_(latest),  # type: ignore[union-attr]
            ErsDocument.id.not_in(queued),  # type: ignore[union-attr]
        )
    ).all()
    for doc_id in missing:
        assert doc_id is not None
        enqueue(session, doc_id)
    return len(missing)


def _add(session: Session, item: OutboxItem) -> OutboxItem:
    # The same bytes for the same learner/unit/name already queued under another document id
    # (a re-filed identical PDF) would land on the same remote name: keep the first row.
    dup = session.exec(
        select(OutboxItem).where(
            OutboxItem.sha256 == item.sha256,
            OutboxItem.learner_registration == item.learner_registration,
            OutboxItem.unit_reference == item.unit_reference,
            OutboxItem.filename == item.filename,
        )
    ).first()
    if dup is not None:
        return dup
    session.add(item)
    session.flush()
    return item


# -- what the GUI shows ------------------------------------------------------------------------


def outbox_status(session: Session) -> OutboxStatus:
    """Where the outbox stands, in the session's transaction (the status bar's own read)."""
    return snapshot_in(session.connection().connection.driver_connection).status


def list_items(session: Session, *, state: str | None = None) -> list[OutboxItem]:
    q = select(OutboxItem).order_by(OutboxItem.id)  # type: ignore[arg-type]
    if state:
        q = q.where(OutboxItem.state == state)
    return list(session.exec(q).all())


def item_as_dict(item: OutboxItem) -> dict[str, object]:
    """JSON-friendly view (for `outbox list --json` and the GUI table)."""
    return {
        "id": item.id,
        "ers_document_id": item.ers_document_id,
        "voids_document_id": item.voids_document_id,
        "state": item.state,
        "filename": item.filename,
        "size": item.size,
        "sha256": item.sha256,
        "unit_reference": item.unit_reference,
        "learner_registration": item.learner_registration,
        "remote_path": item.remote_path,
        "remote_etag": item.remote_etag,
        "confirmed_by": item.confirmed_by,
        "attempts": item.attempts,
        "last_error": item.last_error,
        "failure_reason": item.failure_reason,
        "next_attempt_at": item.next_attempt_at.isoformat() if item.next_attempt_at else None,
        "created_at": item.created_at.isoformat(),
        "sent_at": item.sent_at.isoformat() if item.sent_at else None,
    }


def due_item_ids(
    session: Session, *, now: datetime | None = None, include_failed: bool, respect_backoff: bool
) -> list[int]:
    """Items a run should try, oldest first. "uploading" ones were left by a crash: take them."""
    now = now or utcnow()
    states = [OutboxState.QUEUED.value, OutboxState.UPLOADING.value]
    if include_failed:
        states.append(OutboxState.FAILED.value)
    q = select(OutboxItem.id).where(OutboxItem.state.in_(states))  # type: ignore[attr-defined]
    if respect_backoff:
        q = q.where(
            or_(OutboxItem.next_attempt_at.is_(None), OutboxItem.next_attempt_at <= now)  # type: ignore[union-attr,operator]
        )
    return [i for i in session.exec(q.order_by(OutboxItem.id)).all() if i is not None]  # type: ignore[arg-type]


def retry_failed(session: Session) -> int:
    """After the user fixed settings: put failed items back in the queue, due now."""
    items = session.exec(
        select(OutboxItem).where(OutboxItem.state == OutboxState.FAILED.value)
    ).all()
    for it in items:
        it.state = OutboxState.QUEUED.value
        it.next_attempt_at = None
        it.updated_at = utcnow()
        session.add(it)
    return len(items)
