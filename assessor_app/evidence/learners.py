"""Learners (name, registration number, employer, line manager) and their enrolments on units.

A learner is enrolled on a unit's latest specification version at the time of enrolment; evidence
and judgements then refer to that version's criteria.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from assessor_app.evidence.db import Db, reading
from assessor_app.evidence.edits import FieldEdit
from assessor_app.evidence.errors import InvalidInput
from assessor_app.evidence.learner_list import LearnerSummary as LearnerSummary  # re-exported
from assessor_app.evidence.learner_list import list_learners as list_learners  # re-exported
from assessor_app.evidence.limits import check_short
from assessor_app.evidence.refs import (
    get_learner,
    latest_version,
    learner_by_registration,
    unit_by_reference,
)
from assessor_app.store import Store
from assessor_app.store.models import Enrolment, Learner, Unit, UnitVersion

LEARNER_FIELDS = {"name": "name", "registration": "registration number", "employer": "employer",
                  "line_manager": "line manager's name",
                  "line_manager_email": "line manager's email", "uln": "ULN"}

_ULN = re.compile(r"^\d{10}$")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_learner_field(field_name: str, value: Any) -> str:
    if field_name not in LEARNER_FIELDS:
        raise InvalidInput(f"{field_name!r} is not a learner detail.")
    value = check_short(LEARNER_FIELDS[field_name], value).strip()
    if field_name in ("name", "registration") and not value:
        raise InvalidInput(f"The learner's {LEARNER_FIELDS[field_name]} cannot be empty.")
    if field_name == "line_manager_email" and value and not _EMAIL.match(value):
        raise InvalidInput("The line manager's email does not look like an email address "
                           "(name@example.com).")
    if field_name == "uln":
        value = value.replace(" ", "")
        if value and not _ULN.match(value):
            raise InvalidInput("A ULN (Unique Learner Number) is 10 digits, e.g. 1234567890.")
    return value


def _duplicate_registration(registration: str) -> InvalidInput:
    return InvalidInput(f"Another learner already has registration number {registration!r}.")


def add_learner(store: Store, name: str, registration: str, *, employer: str = "",
                line_manager: str = "", line_manager_email: str = "", uln: str = "") -> Learner:
    fields = {k: _check_learner_field(k, v) for k, v in {
        "name": name, "registration": registration, "employer": employer,
        "line_manager": line_manager, "line_manager_email": line_manager_email,
        "uln": uln}.items()}
    try:
        with store.session() as session:
            learner = Learner(**fields)
            session.add(learner)
            session.flush()
            return learner
    except IntegrityError:
        raise _duplicate_registration(fields["registration"]) from None


@dataclass
class LearnerFieldChange(FieldEdit):
    learner_id: int
    field: str
    old: str
    new: str

    @property
    def record_id(self) -> int:
        return self.learner_id

    @property
    def description(self) -> str:
        return f"Edit {LEARNER_FIELDS.get(self.field, self.field)}"

    def save(self, store: Store, value: str) -> None:
        _set_learner_field(store, self.learner_id, self.field, value)


def _set_learner_field(store: Store, learner_id: int, field_name: str, value: str) -> str:
    value = _check_learner_field(field_name, value)
    try:
        with store.session() as session:
            learner = get_learner(session, learner_id)
            old = getattr(learner, field_name)
            if old != value:
                setattr(learner, field_name, value)
                session.add(learner)
                session.flush()
            return old
    except IntegrityError:
        raise _duplicate_registration(value) from None


def set_learner_field(store: Store, learner_id: int, field_name: str,
                      value: str) -> LearnerFieldChange:
    """Autosave one learner detail (name, registration, employer, line_manager,
    line_manager_email, uln) and return the edit that undoes it."""
    value = _check_learner_field(field_name, value)
    old = _set_learner_field(store, learner_id, field_name, value)
    return LearnerFieldChange(learner_id, field_name, old, value)


def find_learner(db: Db, registration: str) -> Learner:
    """The learner with this registration number (`NotFound` otherwise)."""
    with reading(db) as session:
        return learner_by_registration(session, registration)


@dataclass(frozen=True)
class EnrolmentInfo:
    enrolment_id: int
    unit_id: int
    unit_reference: str
    unit_version_id: int
    version_number: int
    title: str
    created: bool = False  # False when the learner was already enrolled
    qualification_title: str = ""
    qualification_number: str = ""


def _info(session: Session, enrolment: Enrolment, created: bool) -> EnrolmentInfo:
    unit = session.get(Unit, enrolment.unit_id)
    version = session.get(UnitVersion, enrolment.unit_version_id)
    assert unit is not None and version is not None and enrolment.id is not None
    return EnrolmentInfo(enrolment.id, enrolment.unit_id, unit.reference, enrolment.unit_version_id,
                         version.number, version.title, created, enrolment.qualification_title,
                         enrolment.qualification_number)


def _qualification(title: str | None, number: str | None) -> dict[str, str]:
    """The qualification fields given (None = not given), checked and stripped."""
    out = {}
    if title is not None:
        out["qualification_title"] = check_short("qualification title", title).strip()
    if number is not None:
        out["qualification_number"] = check_short("qualification number", number).strip()
    return out


def enrol(store: Store, learner_id: int, unit_reference: str, *,
          qualification_title: str | None = None,
          qualification_number: str | None = None,
          enrolled_on: date | None = None) -> EnrolmentInfo:
    """Enrol the learner on the unit's latest version, with the qualification the unit counts
    towards (printed on the ERS), today or on `enrolled_on` when the enrolment happened before
    it was recorded here. Enrolling again keeps the version and only updates the
    qualification fields that are given."""
    qualification = _qualification(qualification_title, qualification_number)
    with store.session() as session:
        get_learner(session, learner_id)
        unit = unit_by_reference(session, unit_reference)
        existing = session.exec(
            select(Enrolment).where(Enrolment.learner_id == learner_id)
            .where(Enrolment.unit_id == unit.id)
        ).first()
        if existing is not None:
            for key, value in qualification.items():
                setattr(existing, key, value)
            session.add(existing)
            session.flush()
            return _info(session, existing, created=False)
        version = latest_version(session, unit)
        assert unit.id is not None and version.id is not None
        enrolment = Enrolment(learner_id=learner_id, unit_id=unit.id, unit_version_id=version.id,
                              **qualification)
        if enrolled_on is not None:  # no signature may be dated before it (signoff.rules)
            enrolment.enrolled_at = datetime.combine(enrolled_on, time(9), tzinfo=UTC)
        session.add(enrolment)
        session.flush()
        return _info(session, enrolment, created=True)


def list_enrolments(db: Db, learner_id: int) -> list[EnrolmentInfo]:
    with reading(db) as session:
        rows = session.exec(
            select(Enrolment).join(Unit, col(Unit.id) == Enrolment.unit_id)
            .where(Enrolment.learner_id == learner_id).order_by(col(Unit.reference))
        ).all()
        return [_info(session, e, created=False) for e in rows]
