"""All SQLModel tables. Importing this package registers every table in `SQLModel.metadata`."""

from assessor_app.store.models.evidence import (
    Attachment,
    EvidenceCriterion,
    EvidenceItem,
    EvidenceKind,
    EvidenceRangeItem,
    EvidenceRequirementTick,
    Judgement,
    JudgementState,
    QuestionAnswer,
)
from assessor_app.store.models.learners import (
    Enrolment,
    Learner,
    Visit,
    VisitPlannedCriterion,
    VisitStatus,
    VisitTargetCriterion,
)
from assessor_app.store.models.meta import Setting
from assessor_app.store.models.signoff import (
    AuditEntry,
    ErsDocument,
    Signature,
    SignOff,
    SignOffEvidence,
)
from assessor_app.store.models.specs import (
    Criterion,
    EvidenceRequirement,
    GuidanceNote,
    LearningOutcome,
    Publication,
    Unit,
    UnitVersion,
)
from assessor_app.store.models.sync import ImportedBundle, OutboxItem, OutboxState
from assessor_app.store.models.trust import TrustedKey

__all__ = [
    "Attachment", "AuditEntry", "Criterion", "Enrolment", "ErsDocument", "EvidenceCriterion",
    "EvidenceItem", "EvidenceKind", "EvidenceRangeItem", "EvidenceRequirement",
    "EvidenceRequirementTick", "GuidanceNote",
    "ImportedBundle", "Judgement", "JudgementState", "Learner", "LearningOutcome", "OutboxItem",
    "OutboxState", "Publication", "QuestionAnswer", "Setting", "SignOff", "SignOffEvidence", "Signature", "TrustedKey", "Unit",
    "UnitVersion", "Visit", "VisitPlannedCriterion", "VisitStatus", "VisitTargetCriterion",
]
