"""The one door every change to an evidence item goes through.

Signed records are locked: a sign-off covers items at a given revision, and changing such an item
voids the sign-off (the signed snapshot stays with it) and moves the item to a new revision. Text,
fields, criteria, questioning rows, attachments, requirement ticks and deletion all call
`change_evidence`, which announces `EvidenceChanging` before the change; sign-off listens and does
the voiding. So no edit path can forget it, and a change that turns out to be a no-op rolls back
without voiding anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from assessor_app.evidence.events import EvidenceChanging
from assessor_app.evidence.refs import get_item
from assessor_app.evidence.search_index import schedule_indexing
from assessor_app.store import Store
from assessor_app.store.events import publish
from assessor_app.store.models import EvidenceItem
from assessor_app.store.models._common import utcnow

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
    """Announce the change (sign-off voids what covered the item), then apply `mutate` to the item, in the caller's transaction.

    `mutate` returns `UNCHANGED` when there is nothing to do; the caller (`change_evidence`) then
    rolls the transaction back so the voiding is undone too.
    """
    item = get_item(session, evidence_id)
    # The change first: one that turns out to be a no-op must not be refused as a change to a
    # signed record (nor void anything). Then the announcement, in the same transaction: the
    # sign-off area voids what covered the item, or refuses (`RecordLocked`) when a signed
    # sign-off covers it and no unlock was granted; the caller then rolls everything back.
    result = mutate(session, item)
    if result is UNCHANGED:
        return result
    publish(session, EvidenceChanging(evidence_id, reason, actor))
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
    if result is not UNCHANGED:
        schedule_indexing(store)  # typed text is indexed once saving pauses (search_index)
    return result
