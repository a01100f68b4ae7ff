"""Where a sign-off stands, as plain values (`SignOffSummary`), and the learner page's read of it
through a plain DB-API cursor (`standing_signoffs`), so the page shows without the ORM."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from assessor_app.store.raw import stored_datetime

IN_PROGRESS, SIGNED, VOID = "in_progress", "signed", "void"
ROLES: tuple[str, ...] = ("learner", "line_manager", "assessor")


def next_role(signed_roles: Sequence[str]) -> str | None:
    """The role that signs next, or None when all three have signed."""
    for role in ROLES:
        if role not in signed_roles:
            return role
    return None


@dataclass(frozen=True)
class SignatureInfo:
    role: str
    printed_name: str
    job_title: str
    signed_on: date


@dataclass(frozen=True)
class SignOffSummary:
    id: int
    learner_id: int
    unit_version_id: int
    unit_reference: str
    unit_title: str
    status: str  # in_progress | signed | void
    partial: bool
    partial_reason: str
    content_hash: str
    created_at: datetime
    completed_at: datetime | None
    voided_at: datetime | None
    void_reason: str
    signatures: tuple[SignatureInfo, ...]
    next_role: str | None  # who signs next while in progress


_SIGNOFFS_SQL = """
SELECT so.id, so.learner_id, so.unit_version_id, u.reference, uv.title, so.status, so.partial,
       so.partial_reason, so.content_hash, so.created_at, so.completed_at, so.voided_at,
       so.void_reason, uv.unit_id
FROM signoff AS so
JOIN unit_version AS uv ON uv.id = so.unit_version_id
JOIN unit AS u ON u.id = uv.unit_id
WHERE so.learner_id = ?
ORDER BY so.id DESC
"""
_SIGNATURES_SQL = ("SELECT role, printed_name, job_title, signed_on FROM signature"
                   " WHERE signoff_id = ? ORDER BY id")


def standing(rows: Sequence[tuple[Any, int, str, Any]]) -> dict[int, Any]:
    """(sign-off, unit id, status, completed at) newest first -> the sign-off that says where each
    unit stands, by unit id: the newest completed (signed, or signed and later voided) or still
    being signed; one voided before it was completed never stood. A standing signed sign-off
    outranks a newer unfinished one: until that is completed the old signatures still hold."""
    chosen: dict[int, tuple[Any, str]] = {}
    for so, unit_id, status, completed_at in rows:
        if status == VOID and completed_at is None:
            continue
        current = chosen.get(unit_id)
        if current is None or (current[1] == IN_PROGRESS and status == SIGNED):
            chosen[unit_id] = (so, status)
    return {unit_id: so for unit_id, (so, _status) in chosen.items()}


def standing_signoffs(cursor: Any, learner_id: int) -> dict[int, SignOffSummary]:
    """`service.unit_signoff_states` read through a DB-API cursor (the caller's snapshot)."""
    rows = cursor.execute(_SIGNOFFS_SQL, (learner_id,)).fetchall()
    chosen = standing([(row, row[13], row[5], row[10]) for row in rows])
    out = {}
    for unit_id, row in chosen.items():
        sigs = [SignatureInfo(role, name, title, date.fromisoformat(str(signed_on)))
                for role, name, title, signed_on in cursor.execute(_SIGNATURES_SQL, (row[0],))]
        sigs.sort(key=lambda s: ROLES.index(s.role) if s.role in ROLES else 99)
        out[unit_id] = SignOffSummary(
            id=row[0], learner_id=row[1], unit_version_id=row[2], unit_reference=row[3],
            unit_title=row[4], status=row[5], partial=bool(row[6]), partial_reason=row[7],
            content_hash=row[8], created_at=stored_datetime(row[9]),  # type: ignore[arg-type]
            completed_at=stored_datetime(row[10]), voided_at=stored_datetime(row[11]),
            void_reason=row[12], signatures=tuple(sigs),
            next_role=next_role([s.role for s in sigs]) if row[5] == IN_PROGRESS else None)
    return out
