"""The one door every change to an evidence item goes through.

Signed records are locked: a sign-off covers items at a given revision, and changing such an item
voids the sign-off (the signed snapshot stays with it) and moves the item to a new revision. Text,
fields, criteria, questioning rows, attachments, requirement ticks and deletion all call
`change_evidence`, so no edit path can forget the voiding, and a change that turns out to be a
no-op rolls back without voiding anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from assessor_app.evidence.refs import get_item
from assessor_app.signoff.voiding import void_signoffs_covering
from assessor_app.store import Store
from assessor_app.store.models import EvidenceItem
from assessor_app.store.models._common import utcnow

log = logging.getLogger(__name__)

T = TypeVar("T")

#: What `mutate` returns when it found nothing to change.
UNCHANGED = object()


def change_evidence_in(
    session: Session,
    evidence_id: int,
    reason: str,
    mutate: Callable[[Session, EvidenceItem], T],
    *,
    actor: str = "assessor",
) -> T:
    """Void covering sign-offs, then apply `mutate` to the item, in the caller's transaction.

    `mutate` returns `UNCHANGED` when there is nothing to do; the caller (`change_evidence`) then
    rolls the transaction back so the voiding is undone too.
    """
    item = get_item(session, evidence_id)
    # The change first: one that turns out to be a no-op must not be refused as a change to a
    # signed record (nor void anything); the caller rolls back whatever `mutate` did when the
    # voiding refuses (`RecordLocked`).
    result = mutate(session, item)
    if result is UNCHANGED:
        return result
    voided = void_signoffs_covering(session, evidence_id, reason, actor=actor, guarded=True)
    if voided:
        # Ids only: reasons and text may name the learner.
        log.info("evidence %s edited after sign-off; voided %s", evidence_id,
                 [s.id for s in voided])
    item.updated_at = utcnow()
    session.add(item)
    session.flush()
    return result


def change_evidence(
    store: Store,
    evidence_id: int,
    reason: str,
    mutate: Callable[[Session, EvidenceItem], T],
    *,
    actor: str = "assessor",
) -> T:
    """One autosaved change: its own short transaction, committed on return.

    Raises whatever `mutate` raises (an `EvidenceError` for refused input); the transaction is then
    rolled back and nothing is written.
    """
    with store.session() as session:
        result = change_evidence_in(session, evidence_id, reason, mutate, actor=actor)
        if result is UNCHANGED:
            session.rollback()
        return result
