"""What an ERS shows: a sign-off's stored snapshot and signatures, or a draft of current content.

Rendering always starts from an `ErsView`, so a superseded sign-off renders from its own snapshot
(`SignOff.content_json`), never from today's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from assessor_app.signoff.canonical import content_hash
from assessor_app.signoff.content import build_ers_content
from assessor_app.signoff.service import signatures_of, signoff_content
from assessor_app.store.models import SignOff

DRAFT = "draft"


@dataclass(frozen=True)
class SignatureView:
    role: str
    printed_name: str
    job_title: str
    signed_on: date
    strokes_json: str


@dataclass(frozen=True)
class ErsView:
    content: dict[str, Any]
    content_hash: str
    status: str  # draft | in_progress | signed | void
    signatures: tuple[SignatureView, ...] = ()
    signoff_id: int | None = None
    void_reason: str = ""
    voided_at: datetime | None = None
    completed_at: datetime | None = None

    @property
    def unit_reference(self) -> str:
        return str(self.content["unit"]["reference"])

    @property
    def partial(self) -> dict[str, Any] | None:
        return self.content.get("partial")


def view_for_signoff(session: Session, signoff_id: int) -> ErsView:
    so = session.get(SignOff, signoff_id)
    if so is None:
        raise LookupError(f"Sign-off {signoff_id} does not exist.")
    sigs = tuple(SignatureView(s.role, s.printed_name, s.job_title, s.signed_on, s.strokes_json)
                 for s in signatures_of(session, signoff_id))
    return ErsView(content=signoff_content(so), content_hash=so.content_hash, status=so.status,
                   signatures=sigs, signoff_id=so.id, void_reason=so.void_reason,
                   voided_at=so.voided_at, completed_at=so.completed_at)


def draft_view(session: Session, learner_id: int, unit_version_id: int) -> ErsView:
    content = build_ers_content(session, learner_id, unit_version_id)
    return ErsView(content=content, content_hash=content_hash(content), status=DRAFT)
