"""The outbox of filed documents waiting for the centre, and bundles imported for IQA."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from assessor_app.store.models._common import utcnow


class OutboxState(StrEnum):
    QUEUED = "queued"  # waiting (maybe until next_attempt_at after a transient error)
    UPLOADING = "uploading"  # claimed by a sync run; left here by a crash, picked up again
    SENT = "sent"  # the remote copy is confirmed; terminal
    FAILED = "failed"  # needs the user (password, storage full, …); retried on "Sync now"
    WITHHELD = "withheld"  # an ERS whose sign-off was voided before it was sent; terminal


class OutboxItem(SQLModel, table=True):
    """One file that must reach the centre's store exactly once, intact."""

    __tablename__ = "outbox_item"
    __table_args__ = (
        UniqueConstraint("ers_document_id"),
        UniqueConstraint("sha256", "learner_registration", "unit_reference", "filename"),
    )
    id: int | None = Field(default=None, primary_key=True)
    ers_document_id: int | None = Field(default=None, foreign_key="ers_document.id")
    # Set on a void notice: the filed ERS it declares void (the notice is synced beside it).
    voids_document_id: int | None = Field(default=None, foreign_key="ers_document.id",
                                          index=True)
    sha256: str = Field(index=True)
    size: int
    learner_registration: str
    unit_reference: str
    filename: str
    # Where the bytes are on this laptop: relative to the store's files dir, or absolute.
    local_path: str = ""
    # Fixed at the first attempt so a later layout change never sends the same file twice.
    remote_path: str = ""
    # Temporary upload name in flight; a leftover is deleted on the next attempt.
    part_path: str = ""
    state: str = Field(default=OutboxState.QUEUED.value, index=True)
    attempts: int = 0
    last_error: str = ""  # technical detail, for the log/support
    failure_reason: str = ""  # what the user is told, with what to do
    next_attempt_at: datetime | None = None
    remote_etag: str = ""
    confirmed_by: str = ""  # how the remote copy was checked: size, size+etag, sha256, checksum
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    last_attempt_at: datetime | None = None
    sent_at: datetime | None = None


class ImportedBundle(SQLModel, table=True):
    """A colleague's sync bundle loaded read-only for internal quality assurance."""

    __tablename__ = "imported_bundle"
    id: int | None = Field(default=None, primary_key=True)
    manifest_sha256: str = Field(unique=True)
    assessor: str = ""
    public_key_fingerprint: str = ""
    file_count: int = 0
    total_bytes: int = 0
    manifest_json: str
    imported_at: datetime = Field(default_factory=utcnow)
