"""Which signed sign-offs lock a record, the refusal that names them, and the explicit unlock.

A sign-off that has been completed ("signed") locks what it covers: the evidence items at the
revisions it signed (their text, fields, questioning rows, attachments, criteria and requirement
ticks) and the judgements on its unit for that learner. A change to one is refused with
`RecordLocked` unless it runs inside `evidence.unlock.unlocking(reason)`; then the sign-offs are
voided with that reason and the change makes a new revision (the signed snapshot stays in the
sign-off, so the old version still renders). An unfinished sign-off locks nothing: a change just
makes it void, as before, since nobody's signature on it stands yet. New evidence is never locked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from assessor_app.evidence.errors import RecordLocked
from assessor_app.evidence.unlock import Unlock, check_reason, current_unlock, unlocking
from assessor_app.store import Store
from assessor_app.store.audit import append_audit
from assessor_app.store.models import (
    EvidenceItem,
    SignOff,
    SignOffEvidence,
    Unit,
    UnitVersion,
    Visit,
)

SIGNED = "signed"
UNLOCK_HINT = ('Unlock it first: in the app choose "Unlock…"; on the command line add '
               '--unlock "REASON".')


@dataclass(frozen=True)
class LockingSignOff:
    signoff_id: int
    unit_reference: str
    completed_on: date | None

    @property
    def label(self) -> str:
        when = f", signed {self.completed_on.day} {self.completed_on:%b %Y}" \
            if self.completed_on else ""
        return f"sign-off {self.signoff_id} ({self.unit_reference}{when})"


@dataclass(frozen=True)
class EvidenceLock:
    """Why an evidence item is read-only: signed sign-offs covering it, a completed visit."""

    signoffs: tuple[LockingSignOff, ...] = ()
    visit_completed_on: date | None = None

    @property
    def locked(self) -> bool:
        return bool(self.signoffs) or self.visit_completed_on is not None


def signed_covering(session: Session, evidence_id: int) -> list[SignOff]:
    item = session.get(EvidenceItem, evidence_id)
    if item is None:
        return []
    return list(session.exec(
        select(SignOff).join(SignOffEvidence, col(SignOffEvidence.signoff_id) == SignOff.id)
        .where(SignOffEvidence.evidence_id == evidence_id,
               SignOffEvidence.evidence_revision == item.revision, SignOff.status == SIGNED)
        .order_by(col(SignOff.id))).all())


def signed_for_unit_version(session: Session, learner_id: int,
                            unit_version_id: int) -> list[SignOff]:
    return list(session.exec(
        select(SignOff).where(SignOff.learner_id == learner_id,
                              SignOff.unit_version_id == unit_version_id,
                              SignOff.status == SIGNED).order_by(col(SignOff.id))).all())


def describe(session: Session, signoffs: Sequence[SignOff]) -> tuple[LockingSignOff, ...]:
    out = []
    for so in signoffs:
        uv = session.get(UnitVersion, so.unit_version_id)
        unit = session.get(Unit, uv.unit_id) if uv else None
        done = so.completed_at.astimezone().date() if so.completed_at else None
        out.append(LockingSignOff(so.id or 0, unit.reference if unit else "?", done))
    return tuple(out)


def evidence_lock(session: Session, evidence_id: int) -> EvidenceLock:
    item = session.get(EvidenceItem, evidence_id)
    if item is None:
        return EvidenceLock()
    visit = session.get(Visit, item.visit_id) if item.visit_id else None
    completed = visit.date if visit is not None and visit.status == "completed" else None
    return EvidenceLock(describe(session, signed_covering(session, evidence_id)), completed)


def refusal(session: Session, signoffs: Sequence[SignOff], what: str) -> RecordLocked:
    """The error for changing `what` ("evidence 12", "the judgement on H/601/1232:1.1")."""
    described = describe(session, signoffs)
    names = ", ".join(s.label for s in described)
    verb = "voids it" if len(described) == 1 else "voids them"
    return RecordLocked(f"{what[:1].upper()}{what[1:]} is covered by {names}; changing it "
                        f"{verb}. {UNLOCK_HINT}", tuple(s.signoff_id for s in described))


def guard(session: Session, signoffs: Sequence[SignOff], what: str) -> Unlock | None:
    """Refuse unless unlocked: raises `RecordLocked` when a signed sign-off is among
    `signoffs` and no unlock is granted; returns the grant (None when nothing signed)."""
    if not any(so.status == SIGNED for so in signoffs):
        return None
    grant = current_unlock()
    if grant is None:
        raise refusal(session, [so for so in signoffs if so.status == SIGNED], what)
    return grant


def unlock_evidence(session: Session, evidence_id: int, reason: str,
                    actor: str = "assessor") -> list[SignOff]:
    """The GUI's "Unlock…": void the signed sign-offs covering the item now (the item moves to
    a new revision; their snapshots keep the signed one). Returns the voided sign-offs."""
    from assessor_app.signoff.voiding import void_signoffs_covering

    reason = check_reason(reason)
    with unlocking(reason, actor):
        voided = void_signoffs_covering(session, evidence_id, "unlocked to change the evidence",
                                        actor=actor, guarded=True)
    append_audit(session, actor=actor, action="evidence.unlock", subject=f"evidence:{evidence_id}",
                 details={"reason": reason, "voided_signoffs": [so.id for so in voided]})
    return voided


def unlock_unit(session: Session, learner_id: int, unit_version_id: int, reason: str,
                actor: str = "assessor") -> list[SignOff]:
    """Unlock a signed unit's judgements: void its signed sign-offs now, with the reason."""
    from assessor_app.signoff.voiding import void_signoffs

    rows = signed_for_unit_version(session, learner_id, unit_version_id)
    with unlocking(check_reason(reason), actor):
        void_signoffs(session, rows, "unlocked to change judgements", actor,
                      {"unit_version_id": unit_version_id})
    return rows


# -- for screens (a store, never a session, on the GUI side) ----------------------------------


def read_evidence_lock(store: Store, evidence_id: int) -> EvidenceLock:
    """Why the item is read-only, if it is (no sign-off and an open visit: not locked)."""
    with store.read_session() as session:
        return evidence_lock(session, evidence_id)


def read_unit_lock(store: Store, learner_id: int,
                   unit_version_id: int) -> tuple[LockingSignOff, ...]:
    """The signed sign-offs that lock this learner's judgements on the unit version."""
    with store.read_session() as session:
        return describe(session, signed_for_unit_version(session, learner_id, unit_version_id))


def read_signoff_locks(store: Store, signoff_ids: Sequence[int]) -> tuple[LockingSignOff, ...]:
    """The sign-offs a `RecordLocked` named, described for the Unlock dialog."""
    with store.read_session() as session:
        rows = [so for i in signoff_ids if (so := session.get(SignOff, i)) is not None]
        return describe(session, rows)


def unlock_evidence_record(store: Store, evidence_id: int, reason: str,
                           actor: str = "assessor") -> tuple[int, ...]:
    """"Unlock…" on an evidence item: voids what covers it; returns the voided sign-off ids."""
    with store.session() as session:
        return tuple(so.id or 0 for so in unlock_evidence(session, evidence_id, reason, actor))


def unlock_unit_record(store: Store, learner_id: int, unit_version_id: int, reason: str,
                       actor: str = "assessor") -> tuple[int, ...]:
    """"Unlock…" on a unit's judgements: voids its signed sign-offs; returns their ids."""
    with store.session() as session:
        return tuple(so.id or 0 for so in unlock_unit(session, learner_id, unit_version_id,
                                                       reason, actor))
