"""The learner page's read: the learner, coverage, visits and where each unit's sign-off
stands, in one read-only snapshot so the parts agree."""

from __future__ import annotations

from dataclasses import dataclass

from assessor_app.evidence.coverage import LearnerCoverage, learner_coverage
from assessor_app.evidence.refs import get_learner
from assessor_app.evidence.visits import VisitSummary, list_visits
from assessor_app.signoff.service import SignOffSummary, unit_signoff_states
from assessor_app.store import Store
from assessor_app.store.models import Learner


@dataclass(frozen=True)
class Overview:
    learner: Learner
    coverage: LearnerCoverage
    visits: list[VisitSummary]
    signoffs: dict[int, SignOffSummary]  # unit id -> the sign-off that says where it stands


def learner_overview(store: Store, learner_id: int) -> Overview:
    with store.read_session() as session:
        return Overview(get_learner(session, learner_id), learner_coverage(session, learner_id),
                        list_visits(session, learner_id), unit_signoff_states(session, learner_id))
