"""What the visit screen reads: plain functions the GUI runs on a pool thread.

Each runs on a pool thread in one short read and returns plain objects; none touches a widget.
Their cost grows with the learner's units and evidence, which is why they are not run inline.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from assessor_app.evidence.coverage import UnitCoverage, learner_coverage
from assessor_app.evidence.items import EvidenceSummary, list_evidence
from assessor_app.evidence.refs import get_learner
from assessor_app.evidence.visits import VisitSummary, planned_criterion_ids, visit_summary
from assessor_app.store import Store
from assessor_app.store.models import Visit


@dataclass(frozen=True)
class CoverageData:
    units: list[UnitCoverage]
    refs: dict[int, str]  # evidence id -> its reference (OBS-2), for the requirements panel


@dataclass(frozen=True)
class VisitData:
    learner_id: int
    visit_id: int
    learner_name: str
    visit: Visit
    planned: set[int]
    coverage: CoverageData
    evidence: list[EvidenceSummary]  # this visit's items, oldest first


def load_coverage(db: Store | Session, learner_id: int) -> CoverageData:
    units = learner_coverage(db, learner_id).units
    refs = ({s.id: s.ref for s in list_evidence(db, learner_id)}
            if any(u.requirements for u in units) else {})
    return CoverageData(units, refs)


def load_visit(store: Store, learner_id: int, visit_id: int) -> VisitData:
    with store.read_session() as session:  # one snapshot: title, picker and list agree
        name = get_learner(session, learner_id).name
        summary: VisitSummary = visit_summary(session, visit_id)
        return VisitData(learner_id, visit_id, name, summary.visit,
                         set(planned_criterion_ids(session, visit_id)),
                         load_coverage(session, learner_id),
                         list_evidence(session, learner_id, visit_id=visit_id))
