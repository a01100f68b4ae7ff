"""Evidence requirements a unit states beyond its criteria (e.g. "4a: a witness testimony from the
line manager"). The assessor ticks a requirement against the evidence item that satisfies it;
coverage lists each requirement as ticked or not, with the items behind the ticks.

A group heading ("4. … relationships with:") is not a checklist item: ticking it is refused and
only its lettered items (4a … 4d) are ticked."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from assessor_app.evidence.edits import ToggleEdit
from assessor_app.evidence.errors import NotFound, NotTickable
from assessor_app.evidence.locking import UNCHANGED, change_evidence
from assessor_app.evidence.refs import (
    check_on_enrolled_version,
    enrolment_for,
    get_item,
    unit_by_reference,
)
from assessor_app.specs.requirements import group_keys
from assessor_app.store import Store
from assessor_app.store.models import (
    EvidenceItem,
    EvidenceRequirement,
    EvidenceRequirementTick,
)


def _check_requirement(session: Session, learner_id: int, requirement_id: int) -> None:
    req = session.get(EvidenceRequirement, requirement_id)
    if req is None:
        raise NotFound(f"There is no evidence requirement {requirement_id}.")
    unit = check_on_enrolled_version(session, learner_id, req.version_id,
                                     f"Requirement {req.key}")
    if req.is_group:
        items = _items_of(session, req)
        which = f" ({', '.join(items)})" if items else ""
        raise NotTickable(f"Requirement {req.key} of unit {unit.reference} is a heading, not a "
                          f"checklist item: tick its items{which} instead.")


def _items_of(session: Session, group: EvidenceRequirement) -> list[str]:
    rows = session.exec(
        select(EvidenceRequirement.key, EvidenceRequirement.is_group)
        .where(EvidenceRequirement.version_id == group.version_id)
        .order_by(col(EvidenceRequirement.position))
    ).all()
    parents = group_keys((k, g) for k, g in rows)
    return [k for (k, _), parent in zip(rows, parents, strict=True) if parent == group.key]


def requirement_by_key(session: Session, learner_id: int, unit_reference: str, key: str) -> int:
    """The id of requirement `key` ("4a") of the unit version the learner is enrolled on."""
    unit = unit_by_reference(session, unit_reference)
    enrolment = enrolment_for(session, learner_id, unit)
    req = session.exec(
        select(EvidenceRequirement)
        .where(EvidenceRequirement.version_id == enrolment.unit_version_id)
        .where(EvidenceRequirement.key == key.strip())
    ).first()
    if req is None or req.id is None:
        raise NotFound(f"Unit {unit.reference} states no evidence requirement {key.strip()[:20]}.")
    return req.id


@dataclass
class TickChange(ToggleEdit):
    """A requirement ticked (`ticked=True`) or unticked against an evidence item."""

    evidence_id: int
    requirement_id: int
    ticked: bool
    noop: bool = False

    @property
    def description(self) -> str:
        return "Tick requirement" if self.ticked else "Untick requirement"

    @property
    def is_noop(self) -> bool:
        return self.noop

    @property
    def state(self) -> bool:
        return self.ticked

    def set_state(self, store: Store, on: bool) -> None:
        _set_ticked(store, self.evidence_id, self.requirement_id, on)


def _set_ticked(store: Store, evidence_id: int, requirement_id: int, ticked: bool) -> bool:
    def mutate(session: Session, item: EvidenceItem) -> object:
        tick = session.exec(
            select(EvidenceRequirementTick)
            .where(EvidenceRequirementTick.learner_id == item.learner_id)
            .where(EvidenceRequirementTick.requirement_id == requirement_id)
            .where(EvidenceRequirementTick.evidence_id == evidence_id)
        ).first()
        if ticked:
            if tick is not None:
                return UNCHANGED
            _check_requirement(session, item.learner_id, requirement_id)
            session.add(EvidenceRequirementTick(learner_id=item.learner_id,
                                                requirement_id=requirement_id,
                                                evidence_id=evidence_id))
        else:
            if tick is None:
                return UNCHANGED
            session.delete(tick)
        return None

    return change_evidence(store, evidence_id, "requirement ticks changed",
                           mutate) is not UNCHANGED


def tick_requirement(store: Store, evidence_id: int, requirement_id: int) -> TickChange:
    """Tick a requirement of one of the learner's units as met by this evidence item."""
    with store.session() as session:
        get_item(session, evidence_id)
    changed = _set_ticked(store, evidence_id, requirement_id, True)
    return TickChange(evidence_id, requirement_id, True, noop=not changed)


def untick_requirement(store: Store, evidence_id: int, requirement_id: int) -> TickChange:
    changed = _set_ticked(store, evidence_id, requirement_id, False)
    return TickChange(evidence_id, requirement_id, False, noop=not changed)
