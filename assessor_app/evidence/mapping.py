"""Which criteria an evidence item covers. One item may cover criteria of several units
(holistic assessment), but only of units the learner is enrolled on: anything else is refused
with `NotEnrolled` and nothing changes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from assessor_app.evidence.edits import ToggleEdit
from assessor_app.evidence.locking import UNCHANGED, change_evidence
from assessor_app.evidence.refs import (
    CriterionRef,
    check_criterion_for_learner,
    get_item,
    resolve_criteria,
)
from assessor_app.store import Store
from assessor_app.store.models import EvidenceCriterion, EvidenceItem


@dataclass
class MappingChange(ToggleEdit):
    """A criterion mapped to (`mapped=True`) or unmapped from an item."""

    evidence_id: int
    criterion_id: int
    mapped: bool
    noop: bool = False

    @property
    def description(self) -> str:
        return "Map criterion" if self.mapped else "Unmap criterion"

    @property
    def is_noop(self) -> bool:
        return self.noop

    @property
    def state(self) -> bool:
        return self.mapped

    def set_state(self, store: Store, on: bool) -> None:
        _set_mapped(store, self.evidence_id, self.criterion_id, on)


def _set_mapped(store: Store, evidence_id: int, criterion_id: int, mapped: bool) -> bool:
    """Returns True if something changed."""

    def mutate(session: Session, item: EvidenceItem) -> object:
        link = session.get(EvidenceCriterion, (evidence_id, criterion_id))
        if mapped:
            if link is not None:
                return UNCHANGED
            check_criterion_for_learner(session, item.learner_id, criterion_id)
            session.add(EvidenceCriterion(evidence_id=evidence_id, criterion_id=criterion_id))
        else:
            if link is None:
                return UNCHANGED
            session.delete(link)
        return None

    return change_evidence(store, evidence_id, "criteria changed", mutate) is not UNCHANGED


def _criterion_id(store: Store, evidence_id: int, criterion: int | str | CriterionRef) -> int:
    if isinstance(criterion, int):
        return criterion
    with store.session() as session:
        item = get_item(session, evidence_id)
        return resolve_criteria(session, item.learner_id, [criterion])[0]


def map_criterion(store: Store, evidence_id: int,
                  criterion: int | str | CriterionRef) -> MappingChange:
    """Map a criterion (id, or "K/503/8194:1.1") to the item.

    Raises `NotEnrolled` if the criterion's unit (version) is not one the learner is enrolled on.
    """
    cid = _criterion_id(store, evidence_id, criterion)
    changed = _set_mapped(store, evidence_id, cid, True)
    return MappingChange(evidence_id, cid, True, noop=not changed)


def unmap_criterion(store: Store, evidence_id: int,
                    criterion: int | str | CriterionRef) -> MappingChange:
    cid = _criterion_id(store, evidence_id, criterion)
    changed = _set_mapped(store, evidence_id, cid, False)
    return MappingChange(evidence_id, cid, False, noop=not changed)
