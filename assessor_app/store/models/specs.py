"""Qualification unit specifications: unit → version → outcomes → criteria, plus guidance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from assessor_app.store.models._common import utcnow


class Unit(SQLModel, table=True):
    """A unit keyed by its regulator reference (e.g. K/503/8194), whoever publishes it."""

    __tablename__ = "unit"
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class UnitVersion(SQLModel, table=True):
    """One immutable content version of a unit. Evidence and sign-offs point at a version."""

    __tablename__ = "unit_version"
    # content_hash is deliberately not unique per unit: a text changed and then changed back gives
    # a new version equal in content to an older one (versions are never reused or rewritten).
    __table_args__ = (UniqueConstraint("unit_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    number: int
    content_hash: str = Field(index=True)
    title: str
    level: int | None = None
    credit_value: int | None = None
    glh: int | None = None
    aim: str = ""
    assessment: str = ""
    evidence_requirements_text: str = ""
    structured_json: str = ""  # the whole structured spec this version was built from
    created_at: datetime = Field(default_factory=utcnow)


class Publication(SQLModel, table=True):
    """An awarding body's publication of a unit under its own unit number."""

    __tablename__ = "publication"
    __table_args__ = (UniqueConstraint("unit_id", "awarding_body"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    awarding_body: str
    unit_number: str | None = None
    source_name: str = ""
    source_hash: str = ""  # SHA-256 of the imported text, to make re-imports no-ops
    updated_at: datetime = Field(default_factory=utcnow)


class LearningOutcome(SQLModel, table=True):
    __tablename__ = "learning_outcome"
    __table_args__ = (UniqueConstraint("version_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="unit_version.id", index=True)
    number: str
    text: str
    position: int


class Criterion(SQLModel, table=True):
    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("version_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="unit_version.id", index=True)
    outcome_id: int = Field(foreign_key="learning_outcome.id", index=True)
    number: str
    text: str
    position: int


class GuidanceNote(SQLModel, table=True):
    """Range, teaching content or additional guidance, attached to an outcome or a criterion."""

    __tablename__ = "guidance_note"
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="unit_version.id", index=True)
    outcome_id: int | None = Field(default=None, foreign_key="learning_outcome.id")
    criterion_id: int | None = Field(default=None, foreign_key="criterion.id")
    kind: str  # "range" | "teaching_content" | "additional_guidance"
    heading: str = ""
    body: str = ""
    items_json: str = "[]"  # list of bullet items
    awarding_body: str = ""
    position: int = 0


class EvidenceRequirement(SQLModel, table=True):
    """A stated evidence requirement beyond the criteria, ticked by the assessor against evidence.

    A group ("4. … build relationships with:") only introduces its lettered items (4a, 4b …, the
    rows right after it); it is a heading, never ticked and never counted as a gap.
    """

    __tablename__ = "evidence_requirement"
    __table_args__ = (UniqueConstraint("version_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="unit_version.id", index=True)
    key: str  # e.g. "1", "4a", "6b"
    text: str
    position: int
    is_group: bool = False
