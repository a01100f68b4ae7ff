"""Looking things up by the names assessors use: registration numbers, unit references and
criterion references such as ``K/503/8194:1.1``. Lookups raise `NotFound` / `NotEnrolled` with a
message that says what to do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from assessor_app.evidence.errors import InvalidInput, NotEnrolled, NotFound
from assessor_app.specs.versions import latest_version as specs_latest_version
from assessor_app.store.models import (
    Criterion,
    Enrolment,
    EvidenceItem,
    Learner,
    Unit,
    UnitVersion,
    Visit,
)


@dataclass(frozen=True)
class CriterionRef:
    """A criterion named as "unit reference:criterion number", e.g. K/503/8194:2.3."""

    unit: str
    number: str

    @classmethod
    def parse(cls, text: str) -> CriterionRef:
        unit, sep, number = text.strip().rpartition(":")
        if not sep or not unit.strip() or not number.strip():
            raise InvalidInput(
                f"{text.strip()[:40]!r} is not a criterion reference; write it as unit:criterion, "
                "for example K/503/8194:1.1."
            )
        return cls(normalise_unit_reference(unit), number.strip())

    def __str__(self) -> str:
        return f"{self.unit}:{self.number}"


def parse_criterion_refs(text: str | Iterable[str]) -> list[CriterionRef]:
    """Comma-separated text or a list of references → references, in order, without duplicates."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    refs: list[CriterionRef] = []
    for part in parts:
        if part.strip():
            ref = CriterionRef.parse(part)
            if ref not in refs:
                refs.append(ref)
    return refs


def normalise_unit_reference(reference: str) -> str:
    return "".join(reference.split()).upper()


def get_learner(session: Session, learner_id: int) -> Learner:
    learner = session.get(Learner, learner_id)
    if learner is None:
        raise NotFound(f"There is no learner with id {learner_id}.")
    return learner


def learner_by_registration(session: Session, registration: str) -> Learner:
    learner = session.exec(
        select(Learner).where(Learner.registration == registration.strip())
    ).first()
    if learner is None:
        raise NotFound(
            f"No learner has registration number {registration.strip()[:40]!r}. "
            "Check the number, or add the learner first."
        )
    return learner


def unit_by_reference(session: Session, reference: str) -> Unit:
    ref = normalise_unit_reference(reference)
    unit = session.exec(select(Unit).where(Unit.reference == ref)).first()
    if unit is None:
        raise NotFound(
            f"Unit {ref[:40]} is not in the library. Check the reference, or import its "
            "specification first."
        )
    return unit


def latest_version(session: Session, unit: Unit) -> UnitVersion:
    assert unit.id is not None
    version = specs_latest_version(session, unit.id)
    if version is None:
        raise NotFound(f"Unit {unit.reference} has no specification version to enrol on.")
    return version


def enrolment_for(session: Session, learner_id: int, unit: Unit) -> Enrolment:
    enrolment = session.exec(
        select(Enrolment)
        .where(Enrolment.learner_id == learner_id)
        .where(Enrolment.unit_id == unit.id)
    ).first()
    if enrolment is None:
        raise NotEnrolled(
            f"This learner is not enrolled on unit {unit.reference}, so its criteria cannot be "
            "used. Enrol the learner on the unit first."
        )
    return enrolment


def resolve_criterion(session: Session, learner_id: int, ref: CriterionRef) -> Criterion:
    """The criterion `ref` names in the unit version the learner is enrolled on."""
    unit = unit_by_reference(session, ref.unit)
    enrolment = enrolment_for(session, learner_id, unit)
    criterion = session.exec(
        select(Criterion)
        .where(Criterion.version_id == enrolment.unit_version_id)
        .where(Criterion.number == ref.number)
    ).first()
    if criterion is None:
        raise NotFound(f"Unit {unit.reference} has no criterion {ref.number[:20]}.")
    return criterion


def resolve_criteria(
    session: Session, learner_id: int, refs: str | Iterable[str | CriterionRef]
) -> list[int]:
    """Criterion ids for references, all checked before the caller writes anything."""
    if isinstance(refs, str):
        parsed = parse_criterion_refs(refs)
    else:
        parsed = [r if isinstance(r, CriterionRef) else CriterionRef.parse(r) for r in refs]
    ids: list[int] = []
    for ref in parsed:
        cid = resolve_criterion(session, learner_id, ref).id
        assert cid is not None
        if cid not in ids:
            ids.append(cid)
    return ids


def check_on_enrolled_version(session: Session, learner_id: int, version_id: int,
                              what: str) -> Unit:
    """The unit of spec version `version_id`, refusing it unless it is the version this learner
    is enrolled on. `what` names the spec row for the message ("Criterion 1.2")."""
    version = session.get(UnitVersion, version_id)
    unit = session.get(Unit, version.unit_id) if version else None
    if unit is None:
        raise NotFound(f"{what} belongs to no unit.")
    if enrolment_for(session, learner_id, unit).unit_version_id != version_id:
        raise NotEnrolled(
            f"{what} comes from another version of unit {unit.reference} than the one this "
            "learner is enrolled on; pick it again from the current list."
        )
    return unit


def check_criterion_for_learner(session: Session, learner_id: int, criterion_id: int) -> Criterion:
    """Refuse a criterion that is not in the unit version this learner is enrolled on."""
    criterion = session.get(Criterion, criterion_id)
    if criterion is None:
        raise NotFound(f"There is no criterion with id {criterion_id}.")
    check_on_enrolled_version(session, learner_id, criterion.version_id,
                              f"Criterion {criterion.number}")
    return criterion


def criterion_label(session: Session, criterion_id: int) -> str:
    """"K/503/8194:1.1" for a criterion id."""
    row = session.exec(
        select(Unit.reference, Criterion.number)
        .join(UnitVersion, col(UnitVersion.unit_id) == Unit.id)
        .join(Criterion, col(Criterion.version_id) == UnitVersion.id)
        .where(Criterion.id == criterion_id)
    ).first()
    if row is None:
        raise NotFound(f"There is no criterion with id {criterion_id}.")
    return f"{row[0]}:{row[1]}"


def get_item(session: Session, evidence_id: int) -> EvidenceItem:
    item = session.get(EvidenceItem, evidence_id)
    if item is None:
        raise NotFound(f"There is no evidence item {evidence_id}.")
    return item


def get_visit(session: Session, visit_id: int) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(f"There is no visit {visit_id}.")
    return visit
