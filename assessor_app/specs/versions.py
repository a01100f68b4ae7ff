"""The newest version of a unit, on its own so that readers (coverage, the learner list) need not
import the spec importer, which brings the PDF and YAML readers with it."""

from __future__ import annotations

from sqlmodel import Session, col, select

from assessor_app.store.models import UnitVersion


def latest_version(session: Session, unit_id: int) -> UnitVersion | None:
    return session.exec(
        select(UnitVersion).where(UnitVersion.unit_id == unit_id)
        .order_by(col(UnitVersion.number).desc()).limit(1)
    ).first()
