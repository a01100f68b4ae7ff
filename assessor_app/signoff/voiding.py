"""Signed records are locked: editing evidence a sign-off covered, or changing a judgement on
its unit, voids that sign-off (it is kept and can still be rendered).

Evidence does not call in here: it publishes `EvidenceChanging` / `JudgementChanged`, and the
listeners at the bottom of this module (installed at start-up by `assessor_app.workflow.wiring`)
do the voiding in the same transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlmodel import Session, select

from assessor_app.evidence.events import EvidenceChanging, JudgementChanged
from assessor_app.evidence.unlock import Unlock, current_unlock
from assessor_app.signoff.locks import guard
from assessor_app.store.audit import append_audit
from assessor_app.store.models import Criterion, EvidenceItem, SignOff, SignOffEvidence
from assessor_app.store.models._common import utcnow

log = logging.getLogger(__name__)

LIVE_STATES = ("in_progress", "signed")


def void_signoffs_covering(session: Session, evidence_id: int, reason: str,
                           actor: str = "assessor", *, guarded: bool = False) -> list[SignOff]:
    """Call when changing an evidence item. If any live sign-off covers the item's current
    revision, the item moves to a new revision (the signed snapshot stays in the sign-off) and
    those sign-offs become void, each with an audit entry. Returns the voided sign-offs.

    `guarded` (every edit path): a signed sign-off among them is voided only inside
    `evidence.unlock.unlocking(reason)`; otherwise `RecordLocked` is raised and nothing changes."""
    item = session.get(EvidenceItem, evidence_id)
    if item is None:
        return []
    rows = session.exec(
        select(SignOff)
        .join(SignOffEvidence, SignOffEvidence.signoff_id == SignOff.id)
        .where(SignOffEvidence.evidence_id == evidence_id)
        .where(SignOffEvidence.evidence_revision == item.revision)
        .where(SignOff.status.in_(LIVE_STATES))  # type: ignore[attr-defined]
    ).all()
    if not rows:
        return []
    grant = current_unlock() if guarded else None
    if guarded:
        grant = guard(session, rows, f"evidence {evidence_id}")
    item.revision += 1
    session.add(item)
    _void_all(session, rows, reason, actor, {"evidence_id": evidence_id}, grant)
    return list(rows)


def void_signoffs_for_judgement(session: Session, learner_id: int, criterion_id: int,
                                reason: str, actor: str = "assessor", *,
                                guarded: bool = False) -> list[SignOff]:
    """Call when a judgement on a criterion changes: the live sign-offs of that learner's unit
    version no longer describe the record, so they become void (kept, and audited)."""
    criterion = session.get(Criterion, criterion_id)
    if criterion is None:
        return []
    rows = session.exec(
        select(SignOff)
        .where(SignOff.learner_id == learner_id)
        .where(SignOff.unit_version_id == criterion.version_id)
        .where(SignOff.status.in_(LIVE_STATES))  # type: ignore[attr-defined]
    ).all()
    grant = (guard(session, rows, f"the judgement on criterion {criterion.number}") if guarded
             else current_unlock())
    _void_all(session, rows, reason, actor, {"criterion_id": criterion_id}, grant)
    return list(rows)


def void_signoffs(session: Session, rows: Sequence[SignOff], reason: str, actor: str,
                  details: dict[str, object]) -> None:
    """Void `rows` (guarded: a signed one needs an unlock grant), each with an audit entry."""
    _void_all(session, rows, reason, actor, details, guard(session, rows, "this unit"))


def _void_all(session: Session, rows: Sequence[SignOff], reason: str, actor: str,
              details: dict[str, object], grant: Unlock | None = None) -> None:
    if grant is not None:
        # An explicit unlock: the sign-off says why and by whom, and the audit shows it.
        reason = f"{grant.reason} (unlocked by {grant.actor}; {reason})"
        actor = grant.actor
    now = utcnow()
    for so in rows:
        so.status = "void"
        so.voided_at = now
        so.void_reason = reason
        session.add(so)
        append_audit(session, actor=actor, action="signoff.void", subject=f"signoff:{so.id}",
                     content_hash=so.content_hash,
                     details={**details, "reason": reason, "unlocked": grant is not None})
    session.flush()


def on_evidence_changing(session: Session, event: EvidenceChanging) -> None:
    """Listener: an evidence item is changing; void the sign-offs covering it (a signed one
    only under an explicit unlock, else `RecordLocked` refuses the change)."""
    voided = void_signoffs_covering(session, event.evidence_id, event.reason, actor=event.actor,
                                    guarded=True)
    if voided:
        # Ids only: reasons and text may name the learner.
        log.info("evidence %s edited after sign-off; voided %s", event.evidence_id,
                 [s.id for s in voided])


#: It does nothing for an item no live sign-off covers, which `evidence_item.signoff_live` (kept by
#: triggers) tells the autosave fast path without a query (see `evidence.hot_edit`).
on_evidence_changing.only_for_signed_items = True  # type: ignore[attr-defined]


def on_judgement_changed(session: Session, event: JudgementChanged) -> None:
    """Listener: a judgement changed; void the live sign-offs of that learner's unit version
    (a signed one only under an explicit unlock, else `RecordLocked` refuses the change)."""
    void_signoffs_for_judgement(session, event.learner_id, event.criterion_id, event.reason,
                                actor=event.actor, guarded=True)
