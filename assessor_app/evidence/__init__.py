"""Learners, visits, evidence mapped to criteria, judgements, coverage and search (no Qt).

The GUI calls these functions; each write runs in its own short transaction (autosave) and returns
an `Edit` for the undo stack; reads take a `Store` or an open `Session`. Refusals raise an
`EvidenceError` subclass whose message can be shown to the user as is.

The names load on first use (PEP 562): importing one light submodule (`evidence.errors`,
`evidence.edits`) must not import every query module and the ORM with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessor_app.lazy import lazy_exports

if TYPE_CHECKING:
    from assessor_app.evidence.attachments import (
        AttachmentChange,
        attach_file,
        attachment_path,
        list_attachments,
        read_attachment,
        remove_attachment,
    )
    from assessor_app.evidence.coverage import (
        Counts,
        CoverageState,
        CriterionCoverage,
        LearnerCoverage,
        OutcomeCoverage,
        RequirementCoverage,
        UnitCoverage,
        criteria_coverage,
        learner_coverage,
        learner_progress,
    )
    from assessor_app.evidence.edits import CompoundEdit, Edit
    from assessor_app.evidence.errors import (
        AttachmentError,
        EvidenceError,
        InvalidInput,
        JudgementRefused,
        NotEnrolled,
        NotFound,
        NotTickable,
        RecordLocked,
        TooLong,
        VisitStateError,
    )
    from assessor_app.evidence.items import (
        QA,
        DeletionChange,
        EvidenceCreated,
        EvidenceDetail,
        EvidenceSummary,
        FieldChange,
        Witness,
        create_evidence,
        delete_evidence,
        get_evidence,
        list_evidence,
        restore_evidence,
        set_evidence_field,
        update_evidence_text,
    )
    from assessor_app.evidence.judgements import (
        JudgementChange,
        current_judgement,
        judgement_history,
        record_judgement,
    )
    from assessor_app.evidence.learners import (
        EnrolmentInfo,
        LearnerFieldChange,
        LearnerSummary,
        add_learner,
        enrol,
        find_learner,
        list_enrolments,
        list_learners,
        set_learner_field,
    )
    from assessor_app.evidence.mapping import MappingChange, map_criterion, unmap_criterion
    from assessor_app.evidence.questioning import (
        QuestionFieldChange,
        QuestionMove,
        QuestionPresence,
        add_question,
        list_questions,
        move_question,
        remove_question,
        set_question_field,
    )
    from assessor_app.evidence.refs import CriterionRef
    from assessor_app.evidence.requirements import TickChange, tick_requirement, untick_requirement
    from assessor_app.evidence.search import SearchHit, search_evidence
    from assessor_app.evidence.visits import (
        VisitFieldChange,
        VisitSummary,
        close_visit,
        current_visit,
        list_visits,
        plan_visit,
        set_visit_field,
        start_visit,
        visit_summary,
    )

_MODULES = {
    "attachments": (
        "AttachmentChange", "attach_file", "attachment_path", "list_attachments",
        "read_attachment", "remove_attachment",
    ),
    "coverage": (
        "Counts", "CoverageState", "CriterionCoverage", "LearnerCoverage", "OutcomeCoverage",
        "RequirementCoverage", "UnitCoverage", "criteria_coverage", "learner_coverage",
        "learner_progress",
    ),
    "edits": (
        "CompoundEdit", "Edit",
    ),
    "errors": (
        "AttachmentError", "EvidenceError", "InvalidInput", "JudgementRefused", "NotEnrolled",
        "NotFound", "NotTickable", "RecordLocked", "TooLong", "VisitStateError",
    ),
    "items": (
        "QA", "DeletionChange", "EvidenceCreated", "EvidenceDetail", "EvidenceSummary",
        "FieldChange", "Witness", "create_evidence", "delete_evidence", "get_evidence",
        "list_evidence", "restore_evidence", "set_evidence_field", "update_evidence_text",
    ),
    "judgements": (
        "JudgementChange", "current_judgement", "judgement_history", "record_judgement",
    ),
    "learners": (
        "EnrolmentInfo", "LearnerFieldChange", "LearnerSummary", "add_learner", "enrol",
        "find_learner", "list_enrolments", "list_learners", "set_learner_field",
    ),
    "mapping": (
        "MappingChange", "map_criterion", "unmap_criterion",
    ),
    "questioning": (
        "QuestionFieldChange", "QuestionMove", "QuestionPresence", "add_question",
        "list_questions", "move_question", "remove_question", "set_question_field",
    ),
    "refs": (
        "CriterionRef",
    ),
    "requirements": (
        "TickChange", "tick_requirement", "untick_requirement",
    ),
    "search": (
        "SearchHit", "search_evidence",
    ),
    "visits": (
        "VisitFieldChange", "VisitSummary", "close_visit", "current_visit", "list_visits",
        "plan_visit", "set_visit_field", "start_visit", "visit_summary",
    ),
}
__getattr__, __all__ = lazy_exports(__name__, _MODULES)
