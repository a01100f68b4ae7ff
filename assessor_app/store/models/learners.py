"""Learners, their enrolments on unit versions, and workplace visits."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from assessor_app.store.models._common import utcnow


class Learner(SQLModel, table=True):
    __tablename__ = "learner"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    registration: str = Field(unique=True, index=True)
    employer: str = ""
    line_manager: str = ""
    line_manager_email: str = ""
    uln: str = ""  # Unique Learner Number (10 digits), printed on the ERS header
    created_at: datetime = Field(default_factory=utcnow)


class Enrolment(SQLModel, table=True):
    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("learner_id", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    unit_version_id: int = Field(foreign_key="unit_version.id")
    # The qualification this unit counts towards, for the ERS header (entered at enrolment).
    qualification_title: str = ""
    qualification_number: str = ""
    enrolled_at: datetime = Field(default_factory=utcnow)


class VisitStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class Visit(SQLModel, table=True):
    __tablename__ = "visit"
    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    date: date
    place: str = ""
    notes: str = ""
    status: str = VisitStatus.PLANNED.value
    feedback: str = ""  # assessor's feedback to the learner at close
    action_plan: str = ""  # what to do before the next visit
    started_at: datetime | None = None
    closed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class VisitPlannedCriterion(SQLModel, table=True):
    __tablename__ = "visit_planned_criterion"
    visit_id: int = Field(foreign_key="visit.id", primary_key=True)
    criterion_id: int = Field(foreign_key="criterion.id", primary_key=True)


class VisitTargetCriterion(SQLModel, table=True):
    """Criteria the action plan targets; they become the next visit's planned criteria."""

    __tablename__ = "visit_target_criterion"
    visit_id: int = Field(foreign_key="visit.id", primary_key=True)
    criterion_id: int = Field(foreign_key="criterion.id", primary_key=True)
