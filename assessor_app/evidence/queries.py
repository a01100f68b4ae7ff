"""Reads the screens need that span several evidence services, each in one read-only snapshot
(`Store.read_session`: no write lock, so a pool thread never waits for an autosave)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from assessor_app.evidence.coverage import LearnerCoverage, learner_coverage
from assessor_app.evidence.items import EvidenceSummary, list_evidence
from assessor_app.evidence.learners import list_enrolments
from assessor_app.evidence.refs import get_learner
from assessor_app.specs.queries import list_units
from assessor_app.store import Store
from assessor_app.store.models import Learner


@dataclass(frozen=True)
class Matrix:
    """The coverage matrix of one learner: who, how far, and every evidence item."""

    learner: Learner
    coverage: LearnerCoverage
    evidence: list[EvidenceSummary]


def coverage_matrix(store: Store, learner_id: int) -> Matrix:
    with store.read_session() as session:
        return Matrix(get_learner(session, learner_id), learner_coverage(session, learner_id),
                      list_evidence(session, learner_id))


def learner_choices(store: Store) -> list[tuple[int, str, str]]:
    """(id, name, registration) of every learner, by name: for pickers."""
    with store.read_session() as session:
        rows = session.exec(select(Learner).order_by(col(Learner.name))).all()
        return [(lr.id, lr.name, lr.registration) for lr in rows if lr.id is not None]


def enrol_choices(store: Store, learner_id: int) -> tuple[list[dict[str, Any]], set[str]]:
    """Every unit in the library and the references of those the learner is on."""
    with store.read_session() as session:
        return (list_units(session),
                {e.unit_reference for e in list_enrolments(session, learner_id)})
