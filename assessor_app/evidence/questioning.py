"""Questioning transcripts: an ordered list of question / learner's answer / assessor satisfied.

Positions are kept dense (0, 1, 2, …) per item. Every change goes through `change_evidence`, so a
signed transcript cannot change silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from assessor_app.evidence.db import Db, reading
from assessor_app.evidence.edits import Edit, FieldEdit, ToggleEdit
from assessor_app.evidence.errors import InvalidInput, NotFound
from assessor_app.evidence.limits import check_text
from assessor_app.evidence.locking import UNCHANGED, change_evidence
from assessor_app.store import Store
from assessor_app.store.models import EvidenceItem, QuestionAnswer

QA_FIELDS = ("question", "answer", "satisfied")


def _check_value(field_name: str, value: Any) -> Any:
    if field_name in ("question", "answer"):
        return check_text(field_name, value)
    if field_name == "satisfied":
        if value is not None and not isinstance(value, bool):
            raise InvalidInput("Satisfied must be yes, no or not decided.")
        return value
    raise InvalidInput(f"{field_name!r} is not a questioning field.")


def _row(session: Session, row_id: int) -> QuestionAnswer:
    row = session.get(QuestionAnswer, row_id)
    if row is None:
        raise NotFound(f"There is no questioning row {row_id}.")
    return row


def _count(session: Session, evidence_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(QuestionAnswer)
        .where(QuestionAnswer.evidence_id == evidence_id)
    ).one()


def _shift(session: Session, evidence_id: int, start: int, stop: int | None, by: int) -> None:
    """Move the rows at positions start..stop (inclusive; stop None = to the end) by `by`."""
    stmt = (update(QuestionAnswer)
            .where(col(QuestionAnswer.evidence_id) == evidence_id)
            .where(col(QuestionAnswer.position) >= start))
    if stop is not None:
        stmt = stmt.where(col(QuestionAnswer.position) <= stop)
    session.execute(stmt.values(position=QuestionAnswer.position + by)
                    .execution_options(synchronize_session="fetch"))


def list_questions(db: Db, evidence_id: int) -> list[QuestionAnswer]:
    with reading(db) as session:
        return list(session.exec(
            select(QuestionAnswer).where(QuestionAnswer.evidence_id == evidence_id)
            .order_by(col(QuestionAnswer.position), col(QuestionAnswer.id))
        ).all())


@dataclass
class QuestionPresence(ToggleEdit):
    """A row inserted (`added=True`) or removed at `position`; undo removes / re-inserts it."""

    evidence_id: int
    position: int
    question: str
    answer: str
    satisfied: bool | None
    added: bool
    row_id: int | None = None

    @property
    def description(self) -> str:
        return "Add question" if self.added else "Remove question"

    @property
    def state(self) -> bool:
        return self.added

    def set_state(self, store: Store, on: bool) -> None:
        if on:
            self.row_id = _insert(store, self.evidence_id, self.position, self.question,
                                  self.answer, self.satisfied, self.row_id)
        elif self.row_id is not None:
            _delete(store, self.evidence_id, self.row_id)


def _insert(store: Store, evidence_id: int, position: int | None, question: str, answer: str,
            satisfied: bool | None, row_id: int | None = None) -> int:
    def mutate(session: Session, _item: EvidenceItem) -> int | object:
        if row_id is not None:
            existing = session.get(QuestionAnswer, row_id)
            if existing is not None and existing.evidence_id == evidence_id:
                return UNCHANGED  # already there (redo straight after the original call)
        count = _count(session, evidence_id)
        pos = count if position is None else max(0, min(position, count))
        _shift(session, evidence_id, pos, None, +1)
        # Re-use the old id when it is free so later edits that name the row still find it.
        free = row_id is not None and session.get(QuestionAnswer, row_id) is None
        row = QuestionAnswer(id=row_id if free else None, evidence_id=evidence_id, position=pos,
                             question=question, answer=answer, satisfied=satisfied)
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id

    result = change_evidence(store, evidence_id, "question added", mutate)
    return row_id if result is UNCHANGED else result  # type: ignore[return-value]


def _delete(store: Store, evidence_id: int, row_id: int) -> None:
    def mutate(session: Session, _item: EvidenceItem) -> object:
        row = session.get(QuestionAnswer, row_id)
        if row is None or row.evidence_id != evidence_id:
            return UNCHANGED
        pos = row.position
        session.delete(row)
        session.flush()
        _shift(session, evidence_id, pos + 1, None, -1)
        return None

    change_evidence(store, evidence_id, "question removed", mutate)


def add_question(store: Store, evidence_id: int, question: str = "", answer: str = "",
                 satisfied: bool | None = None, position: int | None = None) -> QuestionPresence:
    """Insert a row at `position` (default: at the end). The edit's `row_id` is the new row."""
    question = _check_value("question", question)
    answer = _check_value("answer", answer)
    satisfied = _check_value("satisfied", satisfied)
    row_id = _insert(store, evidence_id, position, question, answer, satisfied)
    with store.session() as session:
        pos = _row(session, row_id).position
    return QuestionPresence(evidence_id, pos, question, answer, satisfied, added=True,
                            row_id=row_id)


def remove_question(store: Store, row_id: int) -> QuestionPresence:
    with store.session() as session:
        row = _row(session, row_id)
    _delete(store, row.evidence_id, row_id)
    return QuestionPresence(row.evidence_id, row.position, row.question, row.answer,
                            row.satisfied, added=False, row_id=row_id)


@dataclass
class QuestionFieldChange(FieldEdit):
    """The question, answer or satisfied flag of one row set from `old` to `new`."""

    row_id: int
    field: str
    old: Any
    new: Any

    @property
    def merges(self) -> bool:  # type: ignore[override]
        return self.field != "satisfied"  # each tick is its own undo step

    @property
    def record_id(self) -> int:
        return self.row_id

    @property
    def description(self) -> str:
        return {"question": "Edit question", "answer": "Edit answer"}.get(
            self.field, "Mark satisfied")

    def save(self, store: Store, value: Any) -> None:
        _set_qa_field(store, self.row_id, self.field, value)


def _set_qa_field(store: Store, row_id: int, field_name: str, value: Any) -> Any:
    value = _check_value(field_name, value)
    with store.session() as session:
        evidence_id = _row(session, row_id).evidence_id

    def mutate(session: Session, _item: EvidenceItem) -> Any:
        row = _row(session, row_id)
        old = getattr(row, field_name)
        if old == value:
            return UNCHANGED
        setattr(row, field_name, value)
        session.add(row)
        return old

    return change_evidence(store, evidence_id, f"{field_name} edited", mutate)


def set_question_field(store: Store, row_id: int, field_name: str,
                       value: str | bool | None) -> QuestionFieldChange:
    """Autosave one cell of the Q/A table: "question", "answer" or "satisfied" (True/False/None)."""
    if field_name not in QA_FIELDS:
        raise InvalidInput(f"{field_name!r} is not a questioning field.")
    value = _check_value(field_name, value)
    old = _set_qa_field(store, row_id, field_name, value)
    return QuestionFieldChange(row_id, field_name, value if old is UNCHANGED else old, value)


@dataclass
class QuestionMove(Edit):
    row_id: int
    old_position: int
    new_position: int

    @property
    def description(self) -> str:
        return "Move question"

    @property
    def is_noop(self) -> bool:
        return self.old_position == self.new_position

    def apply(self, store: Store) -> None:
        _move(store, self.row_id, self.new_position)

    def revert(self, store: Store) -> None:
        _move(store, self.row_id, self.old_position)


def _move(store: Store, row_id: int, position: int) -> int:
    with store.session() as session:
        evidence_id = _row(session, row_id).evidence_id

    def mutate(session: Session, _item: EvidenceItem) -> int | object:
        row = _row(session, row_id)
        target = max(0, min(position, _count(session, evidence_id) - 1))
        old = row.position
        if target == old:
            return UNCHANGED
        if target < old:
            _shift(session, evidence_id, target, old - 1, +1)
        else:
            _shift(session, evidence_id, old + 1, target, -1)
        row.position = target
        session.add(row)
        return old

    result = change_evidence(store, evidence_id, "question moved", mutate)
    return position if result is UNCHANGED else result  # type: ignore[return-value]


def move_question(store: Store, row_id: int, position: int) -> QuestionMove:
    """Move a row to `position` (0-based), shifting the rows in between."""
    old = _move(store, row_id, position)
    with store.session() as session:
        new = _row(session, row_id).position
    return QuestionMove(row_id, old, new)
