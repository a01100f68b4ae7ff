"""The assessor's decision per learner × criterion: "not yet" or "met".

History is append-only: every decision (and every undo of one) adds a `judgement` row naming who
decided and when, and an entry in the hash-chained audit trail in the same transaction. The
current judgement is the latest row. "Met" must rest on evidence: it is refused when no live
evidence item of the learner is mapped to the criterion.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from assessor_app.evidence.db import Db, reading
from assessor_app.evidence.edits import Edit
from assessor_app.evidence.errors import InvalidInput, JudgementRefused
from assessor_app.evidence.events import JudgementChanged
from assessor_app.evidence.limits import check_text
from assessor_app.evidence.refs import (
    CriterionRef,
    check_criterion_for_learner,
    criterion_label,
    get_learner,
    resolve_criteria,
)
from assessor_app.store import Store
from assessor_app.store.audit import append_audit
from assessor_app.store.events import publish
from assessor_app.store.models import EvidenceCriterion, EvidenceItem, Judgement, JudgementState


def parse_state(value: str | JudgementState) -> JudgementState:
    normal = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return JudgementState(normal)
    except ValueError:
        raise InvalidInput(f"{str(value)[:20]!r} is not a judgement; use met or not-yet.") from None


def current_judgement(db: Db, learner_id: int, criterion_id: int) -> Judgement | None:
    with reading(db) as session:
        return session.exec(
            select(Judgement).where(Judgement.learner_id == learner_id)
            .where(Judgement.criterion_id == criterion_id)
            .order_by(col(Judgement.id).desc()).limit(1)
        ).first()


def judgement_history(db: Db, learner_id: int, criterion_id: int) -> list[Judgement]:
    """Every decision on the criterion for this learner, newest first."""
    with reading(db) as session:
        return list(session.exec(
            select(Judgement).where(Judgement.learner_id == learner_id)
            .where(Judgement.criterion_id == criterion_id)
            .order_by(col(Judgement.id).desc())
        ).all())


def live_evidence_for(session: Session, learner_id: int, criterion_id: int) -> list[int]:
    """Ids of the learner's non-deleted items mapped to the criterion."""
    return list(session.exec(
        select(EvidenceItem.id)
        .join(EvidenceCriterion, col(EvidenceCriterion.evidence_id) == EvidenceItem.id)
        .where(EvidenceCriterion.criterion_id == criterion_id)
        .where(EvidenceItem.learner_id == learner_id)
        .where(col(EvidenceItem.deleted).is_(False))
        .order_by(col(EvidenceItem.id))
    ).all())


def _append(session: Session, learner_id: int, criterion_id: int, state: JudgementState, *,
            actor: str, reason: str, evidence_ids: Sequence[int] | None) -> Judgement:
    get_learner(session, learner_id)
    check_criterion_for_learner(session, learner_id, criterion_id)
    live = live_evidence_for(session, learner_id, criterion_id)
    label = criterion_label(session, criterion_id)
    if evidence_ids is None:
        chosen = live if state is JudgementState.MET else []
    else:
        chosen = sorted(set(evidence_ids))
        stray = [e for e in chosen if e not in live]
        if stray:
            raise JudgementRefused(
                f"Evidence {', '.join(map(str, stray))} is not mapped to {label} for this learner "
                "(or was deleted); map it first or leave it out."
            )
    if state is JudgementState.MET and not chosen:
        raise JudgementRefused(
            f"{label} cannot be judged met: no evidence is mapped to it. Record or map the "
            "evidence first, then judge it."
        )
    previous = current_judgement(session, learner_id, criterion_id)
    if previous is None or (previous.state, json.loads(previous.evidence_ids_json)) != (
            state.value, chosen):
        publish(session, JudgementChanged(learner_id, criterion_id,
                                          f"judgement on {label} changed to {state.value}", actor))
    row = Judgement(learner_id=learner_id, criterion_id=criterion_id, state=state.value,
                    reason=reason, evidence_ids_json=json.dumps(chosen), decided_by=actor)
    session.add(row)
    session.flush()
    record = {"learner_id": learner_id, "criterion_id": criterion_id, "criterion": label,
              "state": row.state, "evidence_ids": chosen, "reason": reason,
              "decided_by": actor, "decided_at": row.decided_at.isoformat()}
    content_hash = hashlib.sha256(
        json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        .encode("utf-8")).hexdigest()
    # The subject names ids, not people; the details repeat the decision for the IQA.
    append_audit(session, actor=actor, action="judgement",
                 subject=f"learner:{learner_id}/criterion:{criterion_id}",
                 content_hash=content_hash,
                 details={"judgement_id": row.id, "criterion": label, "state": row.state,
                          "evidence_ids": chosen})
    return row


@dataclass
class JudgementChange(Edit):
    """A decision recorded. Undo appends the previous state again (history is never erased);
    when there was no earlier decision, undo records "not yet"."""

    learner_id: int
    criterion_id: int
    state: str
    actor: str
    reason: str = ""
    evidence_ids: list[int] | None = None
    previous_state: str | None = None
    previous_evidence_ids: list[int] = field(default_factory=list)
    judgement_id: int | None = None

    @property
    def description(self) -> str:
        return "Judge met" if self.state == JudgementState.MET.value else "Judge not yet"

    def apply(self, store: Store) -> None:
        self._ensure(store, self.state, self.reason, self.evidence_ids)

    def revert(self, store: Store) -> None:
        target = self.previous_state or JudgementState.NOT_YET.value
        self._ensure(store, target, "undone", self.previous_evidence_ids or None)

    def _ensure(self, store: Store, state: str, reason: str,
                evidence_ids: Sequence[int] | None) -> None:
        with store.session() as session:
            current = current_judgement(session, self.learner_id, self.criterion_id)
            current_state = current.state if current else JudgementState.NOT_YET.value
            if current_state == state:
                return
            _append(session, self.learner_id, self.criterion_id, JudgementState(state),
                    actor=self.actor, reason=reason,
                    evidence_ids=evidence_ids if state == JudgementState.MET.value else None)


def record_judgement(
    store: Store,
    learner_id: int,
    criterion: int | str | CriterionRef,
    state: str | JudgementState,
    *,
    actor: str,
    reason: str = "",
    evidence_ids: Sequence[int] | None = None,
) -> JudgementChange:
    """Record a decision on a criterion (id, or "K/503/8194:1.1") and audit it.

    For "met", `evidence_ids` defaults to every live item mapped to the criterion; naming items
    that are not mapped, or having none at all, raises `JudgementRefused`. `actor` is who decides
    (the assessor's name as it should appear in the audit trail).
    """
    st = parse_state(state)
    reason = check_text("reason", reason)
    if not actor.strip():
        raise InvalidInput("Say who is making the judgement.")
    with store.session() as session:
        if isinstance(criterion, int):
            cid = criterion
        else:
            cid = resolve_criteria(session, learner_id, [criterion])[0]
        previous = current_judgement(session, learner_id, cid)
        row = _append(session, learner_id, cid, st, actor=actor, reason=reason,
                      evidence_ids=evidence_ids)
        return JudgementChange(
            learner_id, cid, st.value, actor, reason,
            None if evidence_ids is None else list(evidence_ids),
            previous.state if previous else None,
            json.loads(previous.evidence_ids_json) if previous else [],
            row.id,
        )
