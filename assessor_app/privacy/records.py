"""Every row that belongs to one learner, gathered once for export and erasure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from assessor_app.store.models import (
    Attachment,
    Enrolment,
    ErsDocument,
    EvidenceCriterion,
    EvidenceItem,
    EvidenceRangeItem,
    EvidenceRequirementTick,
    Judgement,
    Learner,
    OutboxItem,
    QuestionAnswer,
    Signature,
    SignOff,
    SignOffEvidence,
    Visit,
)
from assessor_app.store.models.learners import VisitPlannedCriterion, VisitTargetCriterion


@dataclass
class LearnerRecords:
    """The learner's rows by table, children before parents in `deletion_order`."""

    learner: Learner
    rows: dict[str, list[SQLModel]] = field(default_factory=dict)

    @property
    def attachment_hashes(self) -> set[str]:
        return {a.sha256 for a in self.rows.get("attachment", [])}  # type: ignore[attr-defined]

    @property
    def ers_hashes(self) -> set[str]:
        return {d.sha256 for d in self.rows.get("ers_document", [])}  # type: ignore[attr-defined]

    def as_json(self) -> dict[str, Any]:
        return {"learner": self.learner.model_dump(mode="json"),
                **{table: [r.model_dump(mode="json") for r in rows]
                   for table, rows in self.rows.items()}}

    def deletion_order(self) -> list[SQLModel]:
        order = ["outbox_item", "ers_document", "signature", "signoff_evidence", "signoff",
                 "judgement", "evidence_requirement_tick", "attachment", "evidence_criterion",
                 "evidence_range_item", "question_answer", "evidence_item", "visit_planned_criterion",
                 "visit_target_criterion", "visit", "enrolment"]
        return [r for t in order for r in self.rows.get(t, [])] + [self.learner]


def _all(session: Session, model: type[SQLModel], column: Any, ids: list[int]) -> list[Any]:
    if not ids:
        return []
    return list(session.exec(select(model).where(col(column).in_(ids))).all())


def gather(session: Session, learner: Learner) -> LearnerRecords:
    lid = learner.id
    assert lid is not None
    rec = LearnerRecords(learner)
    by_learner = {"enrolment": Enrolment, "visit": Visit, "evidence_item": EvidenceItem,
                  "judgement": Judgement, "evidence_requirement_tick": EvidenceRequirementTick,
                  "signoff": SignOff}
    for table, model in by_learner.items():
        rec.rows[table] = list(session.exec(
            select(model).where(model.learner_id == lid)).all())  # type: ignore[attr-defined]
    visits = [v.id for v in rec.rows["visit"]]  # type: ignore[attr-defined]
    items = [e.id for e in rec.rows["evidence_item"]]  # type: ignore[attr-defined]
    signoffs = [s.id for s in rec.rows["signoff"]]  # type: ignore[attr-defined]
    rec.rows["visit_planned_criterion"] = _all(session, VisitPlannedCriterion,
                                               VisitPlannedCriterion.visit_id, visits)
    rec.rows["visit_target_criterion"] = _all(session, VisitTargetCriterion,
                                              VisitTargetCriterion.visit_id, visits)
    rec.rows["question_answer"] = _all(session, QuestionAnswer, QuestionAnswer.evidence_id, items)
    rec.rows["evidence_criterion"] = _all(session, EvidenceCriterion,
                                          EvidenceCriterion.evidence_id, items)
    rec.rows["evidence_range_item"] = _all(session, EvidenceRangeItem,
                                           EvidenceRangeItem.evidence_id, items)
    rec.rows["attachment"] = _all(session, Attachment, Attachment.evidence_id, items)
    rec.rows["signoff_evidence"] = _all(session, SignOffEvidence, SignOffEvidence.signoff_id,
                                        signoffs)
    rec.rows["signature"] = _all(session, Signature, Signature.signoff_id, signoffs)
    rec.rows["ers_document"] = _all(session, ErsDocument, ErsDocument.signoff_id, signoffs)
    docs = [d.id for d in rec.rows["ers_document"]]  # type: ignore[attr-defined]
    rec.rows["outbox_item"] = _all(session, OutboxItem, OutboxItem.ers_document_id, docs)
    return rec
