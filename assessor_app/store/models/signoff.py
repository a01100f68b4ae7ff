"""Sign-off rounds, signatures, rendered Evidence Record Sheets and the audit trail."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from assessor_app.store.models._common import utcnow


class SignOff(SQLModel, table=True):
    """One sign-off of a learner's unit, bound to the canonical content it signs."""

    __tablename__ = "signoff"
    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    unit_version_id: int = Field(foreign_key="unit_version.id")
    content_hash: str
    content_json: str  # canonical snapshot, so a superseded sign-off can still be rendered
    partial: bool = False
    partial_reason: str = ""
    status: str = "in_progress"  # in_progress | signed | void
    void_reason: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    completed_at: datetime | None = None
    voided_at: datetime | None = None


class SignOffEvidence(SQLModel, table=True):
    """Which evidence items (at which revision) a sign-off covered; drives voiding on edit."""

    __tablename__ = "signoff_evidence"
    signoff_id: int = Field(foreign_key="signoff.id", primary_key=True)
    evidence_id: int = Field(foreign_key="evidence_item.id", primary_key=True, index=True)
    evidence_revision: int


class Signature(SQLModel, table=True):
    __tablename__ = "signature"
    id: int | None = Field(default=None, primary_key=True)
    signoff_id: int = Field(foreign_key="signoff.id", index=True)
    role: str  # learner | line_manager | assessor
    printed_name: str
    job_title: str = ""
    signed_on: date
    strokes_json: str
    content_hash: str
    created_at: datetime = Field(default_factory=utcnow)


class ErsDocument(SQLModel, table=True):
    """A rendered, PAdES-signed ERS PDF; bytes in the content store under `sha256`."""

    __tablename__ = "ers_document"
    id: int | None = Field(default=None, primary_key=True)
    signoff_id: int = Field(foreign_key="signoff.id", index=True)
    sha256: str
    filename: str
    size: int
    created_at: datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """Append-only, hash-chained record of judgements and signatures."""

    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str
    action: str
    subject: str
    content_hash: str = ""
    details_json: str = "{}"
    prev_hash: str
    entry_hash: str
    # Ed25519 signature (base64) over `entry_hash` by the assessor's key, added when the trail is
    # sealed (filing an ERS, exporting a bundle); outside the hash, so sealing changes no entry.
    signature: str = ""
    signer_key: str = ""  # base64 raw public key that made `signature`
    # Entry format (see `store.audit`): 1 hashes `details_json` itself; 2 hashes
    # `details_digest`, a salted digest of `content_hash` and `details_json`, so an erasure can
    # drop both (and the salt) and the chain still verifies.
    format: int = 1
    details_digest: str = ""
    details_salt: str = ""  # hex; emptied when the entry is redacted
