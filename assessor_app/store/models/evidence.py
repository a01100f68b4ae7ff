"""Evidence items, their mapping to criteria, attachments and the assessor's judgements."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from assessor_app.store.models._common import utcnow


class EvidenceKind(StrEnum):
    OBSERVATION = "observation"
    QUESTIONING = "questioning"
    WITNESS = "witness"
    PRODUCT = "product"
    DISCUSSION = "discussion"
    STATEMENT = "statement"

    @property
    def label(self) -> str:
        """What the kind is called on screen and on the ERS ("Witness testimony")."""
        return _KIND_LABELS[self]

    @property
    def prefix(self) -> str:
        """The short prefix of its references (OBS-3, QA-2, …) and of its icon."""
        return _KIND_PREFIXES[self]

    @classmethod
    def label_of(cls, kind: str) -> str:
        """`label` of a stored kind string; an unknown one is shown as it is."""
        return cls(kind).label if kind in cls._value2member_map_ else kind

    @classmethod
    def prefix_of(cls, kind: str) -> str:
        """`prefix` of a stored kind string; an unknown one gets its first three letters."""
        return cls(kind).prefix if kind in cls._value2member_map_ else kind[:3].upper()


# The one definition of each kind's words (the enum's members cannot hold them as attributes).
_KIND_LABELS = {
    EvidenceKind.OBSERVATION: "Observation",
    EvidenceKind.QUESTIONING: "Questioning",
    EvidenceKind.WITNESS: "Witness testimony",
    EvidenceKind.PRODUCT: "Product evidence",
    EvidenceKind.DISCUSSION: "Professional discussion",
    EvidenceKind.STATEMENT: "Learner statement",
}
_KIND_PREFIXES = {
    EvidenceKind.OBSERVATION: "OBS",
    EvidenceKind.QUESTIONING: "QA",
    EvidenceKind.WITNESS: "WT",
    EvidenceKind.PRODUCT: "PE",
    EvidenceKind.DISCUSSION: "PD",
    EvidenceKind.STATEMENT: "LS",
}


class EvidenceItem(SQLModel, table=True):
    __tablename__ = "evidence_item"
    # The next reference number of a learner and kind is one probe of this index (migration 0003).
    # A visit's list reads its live items a page at a time, newest first, resuming after the
    # (date, id) of the last row shown: one range scan of the visit index (migration 0010).
    __table_args__ = (Index("ix_evidence_item_ref", "learner_id", "kind", "ref_number"),
                      Index("ix_evidence_item_visit_page", "visit_id", "deleted", "date", "id"))
    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    visit_id: int | None = Field(default=None, foreign_key="visit.id", index=True)
    kind: str
    date: date
    title: str = ""
    text: str = ""
    start_time: str | None = None  # "HH:MM", observations
    end_time: str | None = None
    witness_name: str = ""
    witness_role: str = ""
    witness_relationship: str = ""
    witness_contact: str = ""
    revision: int = 1  # bumped when edited after a sign-off covered it
    #: the "3" of OBS-3: its number among the learner's items of its kind, in creation order;
    #: filled in by a trigger when left None (migration 0003 keeps it right on a change of kind)
    ref_number: int | None = None
    #: True while a live sign-off covers this revision; kept by triggers (migration 0003), so an
    #: edit knows from the row itself whether anything needs voiding
    signoff_live: bool = False
    deleted: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class QuestionAnswer(SQLModel, table=True):
    __tablename__ = "question_answer"
    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence_item.id", index=True)
    position: int
    question: str = ""
    answer: str = ""
    satisfied: bool | None = None


class EvidenceCriterion(SQLModel, table=True):
    __tablename__ = "evidence_criterion"
    # Coverage reads a learner's live mappings as one range of this index (migration 0003).
    __table_args__ = (Index("ix_evidence_criterion_learner_live", "learner_id", "live",
                            "criterion_id", "evidence_id"),)
    evidence_id: int = Field(foreign_key="evidence_item.id", primary_key=True)
    criterion_id: int = Field(foreign_key="criterion.id", primary_key=True, index=True)
    #: copies of the item's learner and "not deleted", kept by triggers whatever writes the row
    learner_id: int | None = None
    live: bool = True


class EvidenceRangeItem(SQLModel, table=True):
    """An optional record that an evidence item covers one item of a unit's range ("religion"
    under 1.2's Segmentation range): the range note and the item's place in its list, with the
    item's wording kept for the ERS."""

    __tablename__ = "evidence_range_item"
    evidence_id: int = Field(foreign_key="evidence_item.id", primary_key=True)
    note_id: int = Field(foreign_key="guidance_note.id", primary_key=True, index=True)
    item_index: int = Field(primary_key=True)  # 0-based place in the note's items
    item_text: str


class Attachment(SQLModel, table=True):
    """A file attached to evidence; the bytes live in the content-addressed store under `sha256`."""

    __tablename__ = "attachment"
    __table_args__ = (UniqueConstraint("evidence_id", "sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence_item.id", index=True)
    sha256: str = Field(index=True)
    filename: str
    mime: str = "application/octet-stream"
    size: int
    added_at: datetime = Field(default_factory=utcnow)


class EvidenceRequirementTick(SQLModel, table=True):
    __tablename__ = "evidence_requirement_tick"
    __table_args__ = (UniqueConstraint("learner_id", "requirement_id", "evidence_id"),)
    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    requirement_id: int = Field(foreign_key="evidence_requirement.id")
    evidence_id: int = Field(foreign_key="evidence_item.id", index=True)
    ticked_at: datetime = Field(default_factory=utcnow)


class JudgementState(StrEnum):
    NOT_YET = "not_yet"
    MET = "met"


class Judgement(SQLModel, table=True):
    """Append-only history of decisions; the latest row per learner × criterion is current."""

    __tablename__ = "judgement"
    # Coverage picks the latest row per criterion with a window over this index.
    __table_args__ = (Index("ix_judgement_learner_criterion_id", "learner_id", "criterion_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    criterion_id: int = Field(foreign_key="criterion.id", index=True)
    state: str
    reason: str = ""
    evidence_ids_json: str = "[]"
    decided_by: str = ""
    decided_at: datetime = Field(default_factory=utcnow)
