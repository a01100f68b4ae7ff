"""The outbox of filed documents waiting for the centre, and bundles imported for IQA."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from assessor_app.store.models._common import utcnow


class OutboxState(StrEnum):
    QUEUED = "queued"
    UPLOADING = "uploading"
    SENT = "sent"
    FAILED = "failed"


class OutboxItem(SQLModel, table=True):
    __tablename__ = "outbox_item"
    id: int | None = Field(default=None, primary_key=True)
    ers_document_id: int | None = Field(default=None, foreign_key="ers_document.id")
    sha256: str = Field(index=True)
    size: int
    learner_registration: str
    unit_reference: str
    filename: str
    remote_path: str = ""
    state: str = OutboxState.QUEUED.value
    attempts: int = 0
    last_error: str = ""
    next_attempt_at: datetime | None = None
    remote_etag: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class ImportedBundle(SQLModel, table=True):
    """A colleague's sync bundle loaded read-only for internal quality assurance."""

    __tablename__ = "imported_bundle"
    id: int | None = Field(default=None, primary_key=True)
    manifest_sha256: str = Field(unique=True)
    assessor: str = ""
    manifest_json: str
    imported_at: datetime = Field(default_factory=utcnow)
