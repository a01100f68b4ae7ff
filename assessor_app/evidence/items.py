"""Evidence items: create, edit fields (autosave), soft-delete and restore, list and read.

Kinds: observation (narrative, start/end time), questioning (ordered question / answer /
satisfied rows, see `questioning`), witness testimony (witness name, role, relationship, contact),
product evidence, professional discussion and learner statement. Every item has a date, an optional
visit, a title, free text, attachments and a mapping to criteria (see `mapping`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from assessor_app.evidence.attachments import guess_mime, store_file
from assessor_app.evidence.blobstore import Blob
from assessor_app.evidence.db import Db, reading
from assessor_app.evidence.edits import FieldEdit, ToggleEdit
from assessor_app.evidence.errors import InvalidInput
from assessor_app.evidence.hot_edit import NOT_HANDLED, SAME, set_hot_field
from assessor_app.evidence.limits import check_short, check_text, check_time, parse_date
from assessor_app.evidence.locking import UNCHANGED, change_evidence
from assessor_app.evidence.refs import (
    CriterionRef,
    check_criterion_for_learner,
    get_item,
    get_learner,
    get_visit,
    resolve_criteria,
)
from assessor_app.store import Store
from assessor_app.store.models import (
    Attachment,
    Criterion,
    EvidenceCriterion,
    EvidenceItem,
    EvidenceKind,
    EvidenceRequirement,
    EvidenceRequirementTick,
    QuestionAnswer,
    Unit,
    UnitVersion,
)

LONG_FIELDS = frozenset({"text"})
SHORT_FIELDS = frozenset({"title", "witness_name", "witness_role", "witness_relationship",
                          "witness_contact"})
TIME_FIELDS = frozenset({"start_time", "end_time"})
EDITABLE_FIELDS = LONG_FIELDS | SHORT_FIELDS | TIME_FIELDS | {"date", "kind", "visit_id"}

_FIELD_LABELS = {"text": "text", "title": "title", "witness_name": "witness's name",
                 "witness_role": "witness's role",
                 "witness_relationship": "witness's relationship to the learner",
                 "witness_contact": "witness's contact details", "start_time": "start time",
                 "end_time": "end time", "date": "date", "kind": "kind", "visit_id": "visit"}


def parse_kind(value: str | EvidenceKind) -> EvidenceKind:
    try:
        return EvidenceKind(str(value).strip().lower())
    except ValueError:
        names = ", ".join(k.value for k in EvidenceKind)
        raise InvalidInput(f"{str(value)[:30]!r} is not a kind of evidence; use one of {names}.") \
            from None


def evidence_ref(kind: str, ordinal: int) -> str:
    """The reference shown on screen and on the ERS: the kind's prefix and the ordinal (OBS-3)."""
    return f"{EvidenceKind.prefix_of(kind)}-{ordinal}"


@dataclass(frozen=True)
class Witness:
    name: str = ""
    role: str = ""
    relationship: str = ""
    contact: str = ""


@dataclass(frozen=True)
class QA:
    """One questioning row as entered: the question, the learner's answer, and whether the
    assessor was satisfied (None = not decided yet)."""

    question: str
    answer: str = ""
    satisfied: bool | None = None


def validate_field(field_name: str, value: Any) -> Any:
    """Check and normalise a value for an editable field; raise `InvalidInput` / `TooLong`."""
    label = _FIELD_LABELS.get(field_name, field_name)
    if field_name in LONG_FIELDS:
        return check_text(label, value)
    if field_name in SHORT_FIELDS:
        return check_short(label, value)
    if field_name in TIME_FIELDS:
        return check_time(label, value)
    if field_name == "date":
        parsed = parse_date(label, value)
        if parsed is None:
            raise InvalidInput("Every evidence item needs a date.")
        return parsed
    if field_name == "kind":
        return parse_kind(value).value
    if field_name == "visit_id":
        return None if value is None else int(value)
    raise InvalidInput(f"{field_name!r} cannot be edited.")


# --- edits -------------------------------------------------------------------------------------


@dataclass
class FieldChange(FieldEdit):
    """One field of an evidence item set from `old` to `new` (text, title, date, witness…)."""

    evidence_id: int
    field: str
    old: Any
    new: Any

    @property
    def record_id(self) -> int:
        return self.evidence_id

    @property
    def description(self) -> str:
        return f"Edit {_FIELD_LABELS.get(self.field, self.field)}"

    def save(self, store: Store, value: Any) -> None:
        _set_field(store, self.evidence_id, self.field, value)


def _set_field(store: Store, evidence_id: int, field_name: str, value: Any) -> Any:
    value = validate_field(field_name, value)
    old = set_hot_field(store, evidence_id, field_name, value)
    if old is SAME:
        return UNCHANGED
    if old is not NOT_HANDLED:
        return old

    def mutate(session: Session, item: EvidenceItem) -> Any:
        old = getattr(item, field_name)
        if old == value:
            return UNCHANGED
        if field_name == "visit_id" and value is not None:
            visit = get_visit(session, value)
            if visit.learner_id != item.learner_id:
                raise InvalidInput("That visit belongs to another learner.")
        setattr(item, field_name, value)
        return old

    return change_evidence(store, evidence_id, f"{field_name} edited", mutate)


def set_evidence_field(store: Store, evidence_id: int, field_name: str, value: Any) -> FieldChange:
    """Save one field now (its own transaction) and return the edit that undoes it.

    Too-long text, a bad date/time or an unknown field raise without changing anything. If the
    value is unchanged nothing is written and the returned edit has `is_noop` True.
    """
    if field_name not in EDITABLE_FIELDS:
        raise InvalidInput(f"{field_name!r} cannot be edited.")
    new = validate_field(field_name, value)
    old = _set_field(store, evidence_id, field_name, new)
    return FieldChange(evidence_id, field_name, new if old is UNCHANGED else old, new)


def update_evidence_text(store: Store, evidence_id: int, text_value: str) -> FieldChange:
    """The autosave call for the narrative editor (debounced by the GUI)."""
    return set_evidence_field(store, evidence_id, "text", text_value)


@dataclass
class DeletionChange(ToggleEdit):
    """An item soft-deleted (`deleted=True`) or brought back; also the edit for "Add evidence",
    whose undo is a soft delete and whose redo restores the same item."""

    evidence_id: int
    deleted: bool
    label: str = ""

    @property
    def description(self) -> str:
        return self.label or ("Delete evidence" if self.deleted else "Restore evidence")

    @property
    def state(self) -> bool:
        return self.deleted

    def set_state(self, store: Store, on: bool) -> None:
        _set_deleted(store, self.evidence_id, on)


def _set_deleted(store: Store, evidence_id: int, deleted: bool) -> None:
    def mutate(_session: Session, item: EvidenceItem) -> object:
        if item.deleted == deleted:
            return UNCHANGED
        item.deleted = deleted
        return None

    change_evidence(store, evidence_id, "evidence deleted" if deleted else "evidence restored",
                    mutate)


def delete_evidence(store: Store, evidence_id: int) -> DeletionChange:
    """Soft delete: the item leaves lists, coverage and search but stays in the file."""
    _set_deleted(store, evidence_id, True)
    return DeletionChange(evidence_id, True)


def restore_evidence(store: Store, evidence_id: int) -> DeletionChange:
    _set_deleted(store, evidence_id, False)
    return DeletionChange(evidence_id, False)


# --- creating ----------------------------------------------------------------------------------


@dataclass
class EvidenceCreated(DeletionChange):
    """Returned by `create_evidence`: `evidence_id` is the new item; undo deletes it (soft)."""

    deleted: bool = False
    label: str = "Add evidence"


def create_evidence(
    store: Store,
    learner_id: int,
    kind: str | EvidenceKind,
    *,
    text: str = "",
    title: str = "",
    on: date | str | None = None,
    visit_id: int | None = None,
    criteria: Iterable[int | str | CriterionRef] = (),
    questions: Sequence[QA] = (),
    witness: Witness | None = None,
    start_time: str | None = None,
    end_time: str | None = None,
    attachments: Iterable[str | Path] = (),
) -> EvidenceCreated:
    """Create an item with its criteria, questioning rows and attachments in one transaction.

    Everything is checked first (kind, limits, learner, visit, every criterion against the
    learner's enrolments, every file readable); on any problem an `EvidenceError` is raised and
    nothing is written to the database. The date defaults to the visit's date, else today.
    """
    kind_value = parse_kind(kind).value
    text = check_text("text", text)
    title = check_short("title", title)
    witness = witness or Witness()
    for name in ("name", "role", "relationship", "contact"):
        validate_field(f"witness_{name}", getattr(witness, name))
    start_time = check_time("start time", start_time)
    end_time = check_time("end time", end_time)
    when = parse_date("date", on)
    for qa in questions:
        check_text("question", qa.question)
        check_text("answer", qa.answer)

    with store.session() as session:
        learner = get_learner(session, learner_id)
        if visit_id is not None:
            visit = get_visit(session, visit_id)
            if visit.learner_id != learner.id:
                raise InvalidInput("That visit belongs to another learner.")
            when = when or visit.date
        criterion_ids = _criterion_ids(session, learner_id, criteria)
    # Files are read before the item is written: a vanished or unreadable file stops everything.
    blobs: list[tuple[Blob, str]] = [(store_file(store, p), Path(p).name) for p in attachments]

    with store.session() as session:
        item = EvidenceItem(
            learner_id=learner_id, visit_id=visit_id, kind=kind_value, date=when or date.today(),
            title=title, text=text, start_time=start_time, end_time=end_time,
            witness_name=witness.name, witness_role=witness.role,
            witness_relationship=witness.relationship, witness_contact=witness.contact,
        )
        session.add(item)
        session.flush()
        assert item.id is not None
        for cid in criterion_ids:
            session.add(EvidenceCriterion(evidence_id=item.id, criterion_id=cid))
        for position, qa in enumerate(questions):
            session.add(QuestionAnswer(evidence_id=item.id, position=position,
                                       question=qa.question, answer=qa.answer,
                                       satisfied=qa.satisfied))
        seen: set[str] = set()
        for blob, filename in blobs:
            if blob.sha256 in seen:
                continue
            seen.add(blob.sha256)
            session.add(Attachment(evidence_id=item.id, sha256=blob.sha256, filename=filename,
                                   mime=guess_mime(filename), size=blob.size))
        session.flush()
        return EvidenceCreated(item.id)


def _criterion_ids(session: Session, learner_id: int,
                   criteria: Iterable[int | str | CriterionRef]) -> list[int]:
    ids: list[int] = []
    for c in criteria:
        if isinstance(c, int):
            check_criterion_for_learner(session, learner_id, c)
            cid = c
        else:
            cid = resolve_criteria(session, learner_id, [c])[0]
        if cid not in ids:
            ids.append(cid)
    return ids


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceSummary:
    """A row of the evidence list: enough to draw it without loading the item."""

    id: int
    ref: str  # OBS-3: kind prefix + the item's number among the learner's items of that kind
    kind: str
    date: date
    title: str
    first_line: str
    visit_id: int | None
    criteria: tuple[str, ...]  # "K/503/8194:1.1", …
    attachments: int
    deleted: bool
    revision: int


#: One summary row per item (the columns `summary_from_row` reads); the subqueries run only for
#: the rows a query returns.
SUMMARY_COLUMNS = """
    e.id, e.kind, e.date, e.title, substr(e.text, 1, 300) AS head, e.visit_id, e.deleted,
    e.revision, e.ref_number AS ordinal,
    (SELECT group_concat(label, ',') FROM (
         SELECT u.reference || ':' || c.number AS label
         FROM evidence_criterion AS ec
         JOIN criterion AS c ON c.id = ec.criterion_id
         JOIN unit_version AS v ON v.id = c.version_id
         JOIN unit AS u ON u.id = v.unit_id
         WHERE ec.evidence_id = e.id
         ORDER BY u.reference, c.position)) AS criteria,
    (SELECT count(*) FROM attachment AS a WHERE a.evidence_id = e.id) AS attachments,
    (SELECT count(*) FROM question_answer AS q WHERE q.evidence_id = e.id) AS questions,
    (SELECT substr(q.question, 1, 200) FROM question_answer AS q
     WHERE q.evidence_id = e.id AND trim(q.question) != ''
     ORDER BY q.position LIMIT 1) AS first_question
"""

_LIST_SQL = text(f"""
SELECT {SUMMARY_COLUMNS}
FROM evidence_item AS e
WHERE e.learner_id = :learner_id AND (e.deleted = 0 OR :include_deleted)
ORDER BY e.date, e.id
""")


def _questions_head(count: int, first_question: str | None) -> str:
    """What a questioning record with no narrative shows in lists: its first question."""
    if not count:
        return ""
    first = (first_question or "").strip()
    first = first.splitlines()[0] if first else ""
    plural = "question" if count == 1 else "questions"
    return f"{count} {plural}" + (f": {first}" if first else "")


def summary_from_row(r: Any) -> EvidenceSummary:
    """An `EvidenceSummary` from a row of `SUMMARY_COLUMNS`."""
    head = (r.head or "").strip() or _questions_head(r.questions, r.first_question)
    return EvidenceSummary(
        id=r.id, ref=evidence_ref(r.kind, r.ordinal or 0), kind=r.kind,
        date=date.fromisoformat(r.date), title=r.title,
        first_line=head.splitlines()[0] if head else "", visit_id=r.visit_id,
        criteria=tuple(r.criteria.split(",")) if r.criteria else (),
        attachments=r.attachments, deleted=bool(r.deleted), revision=r.revision)


def list_evidence(db: Db, learner_id: int, *, include_deleted: bool = False,
                  visit_id: int | None = None) -> list[EvidenceSummary]:
    """The learner's items, oldest first (optionally only one visit's)."""
    with reading(db) as session:
        rows = session.execute(_LIST_SQL, {"learner_id": learner_id,
                                           "include_deleted": include_deleted}).all()
    return [summary_from_row(r) for r in rows if visit_id is None or r.visit_id == visit_id]


@dataclass(frozen=True)
class MappedCriterion:
    criterion_id: int
    label: str  # "K/503/8194:1.1"
    text: str


@dataclass(frozen=True)
class RequirementTick:
    requirement_id: int
    unit_reference: str
    key: str
    text: str


@dataclass(frozen=True)
class EvidenceDetail:
    """Everything the editor shows for one item."""

    item: EvidenceItem
    ref: str
    questions: list[QuestionAnswer] = field(default_factory=list)
    criteria: list[MappedCriterion] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    requirement_ticks: list[RequirementTick] = field(default_factory=list)


def get_evidence(db: Db, evidence_id: int) -> EvidenceDetail:
    with reading(db) as session:
        item = get_item(session, evidence_id)
        questions = session.exec(
            select(QuestionAnswer).where(QuestionAnswer.evidence_id == evidence_id)
            .order_by(col(QuestionAnswer.position), col(QuestionAnswer.id))
        ).all()
        crit_rows = session.exec(
            select(Criterion.id, Unit.reference, Criterion.number, Criterion.text)
            .join(EvidenceCriterion, col(EvidenceCriterion.criterion_id) == Criterion.id)
            .join(UnitVersion, col(UnitVersion.id) == Criterion.version_id)
            .join(Unit, col(Unit.id) == UnitVersion.unit_id)
            .where(EvidenceCriterion.evidence_id == evidence_id)
            .order_by(col(Unit.reference), col(Criterion.position))
        ).all()
        attachments = session.exec(
            select(Attachment).where(Attachment.evidence_id == evidence_id)
            .order_by(col(Attachment.added_at), col(Attachment.id))
        ).all()
        tick_rows = session.exec(
            select(EvidenceRequirement.id, Unit.reference, EvidenceRequirement.key,
                   EvidenceRequirement.text)
            .join(EvidenceRequirementTick,
                  col(EvidenceRequirementTick.requirement_id) == EvidenceRequirement.id)
            .join(UnitVersion, col(UnitVersion.id) == EvidenceRequirement.version_id)
            .join(Unit, col(Unit.id) == UnitVersion.unit_id)
            .where(EvidenceRequirementTick.evidence_id == evidence_id)
            .order_by(col(Unit.reference), col(EvidenceRequirement.position))
        ).all()
        return EvidenceDetail(
            item=item, ref=evidence_ref(item.kind, item.ref_number or 0), questions=list(questions),
            criteria=[MappedCriterion(cid, f"{ref}:{num}", txt)
                      for cid, ref, num, txt in crit_rows],
            attachments=list(attachments),
            requirement_ticks=[RequirementTick(rid, ref, key, txt)
                               for rid, ref, key, txt in tick_rows],
        )


__all__ = [
    "QA", "DeletionChange", "EvidenceCreated", "EvidenceDetail", "EvidenceSummary", "FieldChange",
    "MappedCriterion", "RequirementTick", "Witness", "create_evidence",
    "delete_evidence", "evidence_ref", "get_evidence", "list_evidence", "parse_kind",
    "restore_evidence", "set_evidence_field", "update_evidence_text",
]
