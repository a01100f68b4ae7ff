"""Assessors' public keys the centre trusts (or that were pinned on first contact)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from assessor_app.store.models._common import utcnow


class TrustedKey(SQLModel, table=True):
    """One assessor's Ed25519 key (bundles, audit trail) and, when known, the fingerprint of the
    certificate that PAdES-signs their ERS PDFs. `status` is trusted or revoked."""

    __tablename__ = "trusted_key"
    id: int | None = Field(default=None, primary_key=True)
    public_key: str = Field(unique=True)  # base64 of the 32 raw Ed25519 bytes
    name: str
    certificate_sha256: str = Field(default="", index=True)
    status: str = "trusted"  # trusted | revoked
    source: str = "centre"  # centre (the published list) | pinned (accepted on first contact)
    added_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
