"""What the evidence core announces to the packages above it (see `assessor_app.store.events`).

Sign-off listens to both: a change to an item a sign-off covered, or to a judgement on its unit,
voids that sign-off. Evidence publishes them without knowing who listens.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EvidenceChanging:
    """Published in the editing transaction just before an evidence item changes."""

    evidence_id: int
    reason: str
    actor: str = "assessor"


@dataclass(frozen=True)
class JudgementChanged:
    """Published in the judging transaction when a criterion's judgement changes."""

    learner_id: int
    criterion_id: int
    reason: str
    actor: str = "assessor"
