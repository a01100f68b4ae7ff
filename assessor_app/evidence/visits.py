"""Workplace visits: planned → in progress → completed.

A visit closes with the assessor's feedback to the learner and an action plan: what to do before
the next visit and which criteria it will target. Those target criteria become the planned
criteria of the next visit when it is planned or started.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from assessor_app.evidence.db import Db, reading
from assessor_app.evidence.edits import FieldEdit
from assessor_app.evidence.errors import InvalidInput, VisitStateError
from assessor_app.evidence.limits import check_short, check_text, parse_date
from assessor_app.evidence.refs import (
    CriterionRef,
    check_criterion_for_learner,
    criterion_label,
    get_learner,
    get_visit,
    resolve_criteria,
)
from assessor_app.store import Store
from assessor_app.store.models import (
    Visit,
    VisitPlannedCriterion,
    VisitStatus,
    VisitTargetCriterion,
)
from assessor_app.store.models._common import utcnow

VISIT_FIELDS = {"notes": "notes", "place": "place", "date": "date", "feedback": "feedback",
                "action_plan": "action plan"}


def _check_visit_field(field_name: str, value: Any) -> Any:
    if field_name not in VISIT_FIELDS:
        raise InvalidInput(f"{field_name!r} is not a visit detail.")
    if field_name == "date":
        parsed = parse_date("date", value)
        if parsed is None:
            raise InvalidInput("A visit needs a date.")
        return parsed
    if field_name == "place":
        return check_short("place", value)
    return check_text(VISIT_FIELDS[field_name], value)


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


def current_visit(db: Db, learner_id: int) -> Visit | None:
    """The learner's visit in progress, if any."""
    with reading(db) as session:
        return session.exec(
            select(Visit).where(Visit.learner_id == learner_id)
            .where(Visit.status == VisitStatus.IN_PROGRESS.value)
            .order_by(col(Visit.id).desc())
        ).first()


def _last_completed(session: Session, learner_id: int) -> Visit | None:
    return session.exec(
        select(Visit).where(Visit.learner_id == learner_id)
        .where(Visit.status == VisitStatus.COMPLETED.value)
        .order_by(col(Visit.date).desc(), col(Visit.id).desc())
    ).first()


def _carry_targets(session: Session, visit: Visit) -> None:
    """Give `visit` the last completed visit's action-plan criteria, unless it has some already."""
    has_planned = session.exec(
        select(VisitPlannedCriterion).where(VisitPlannedCriterion.visit_id == visit.id)
    ).first()
    previous = _last_completed(session, visit.learner_id)
    if has_planned is not None or previous is None:
        return
    targets = session.exec(
        select(VisitTargetCriterion.criterion_id)
        .where(VisitTargetCriterion.visit_id == previous.id)
    ).all()
    assert visit.id is not None
    for cid in targets:
        session.add(VisitPlannedCriterion(visit_id=visit.id, criterion_id=cid))


def _default_place(session: Session, learner_id: int) -> str:
    last = session.exec(
        select(Visit).where(Visit.learner_id == learner_id).where(Visit.place != "")
        .order_by(col(Visit.date).desc(), col(Visit.id).desc())
    ).first()
    return last.place if last else get_learner(session, learner_id).employer


def plan_visit(store: Store, learner_id: int, on: date | str, place: str | None = None) -> Visit:
    """A future visit, its planned criteria taken from the last visit's action plan."""
    when = _check_visit_field("date", on)
    with store.session() as session:
        get_learner(session, learner_id)
        visit = Visit(learner_id=learner_id, date=when,
                      place=_check_visit_field("place", place) if place is not None
                      else _default_place(session, learner_id))
        session.add(visit)
        session.flush()
        _carry_targets(session, visit)
        return visit


def resume_or_start_visit(store: Store, learner_id: int) -> tuple[Visit, bool]:
    """The learner's visit in progress (and False), else today's visit started (and True): what
    "Start visit" does, in one call a screen can run off its UI thread."""
    running = current_visit(store, learner_id)
    if running is not None:
        return running, False
    return start_visit(store, learner_id), True


def start_visit(store: Store, learner_id: int, on: date | str | None = None,
                place: str | None = None) -> Visit:
    """Start today's visit (or the one on `on`): the earliest planned visit if there is one, else
    a new one. Place defaults to the last visit's place, else the learner's employer. The planned
    criteria come from the last completed visit's action plan.

    Raises `VisitStateError` if a visit is already in progress for this learner.
    """
    when = parse_date("date", on)
    with store.session() as session:
        get_learner(session, learner_id)
        running = current_visit(session, learner_id)
        if running is not None:
            raise VisitStateError(
                f"Visit {running.id} of {running.date:%d %b %Y} is still in progress; close it "
                "(feedback and action plan) before starting another."
            )
        visit = session.exec(
            select(Visit).where(Visit.learner_id == learner_id)
            .where(Visit.status == VisitStatus.PLANNED.value)
            .order_by(col(Visit.date), col(Visit.id))
        ).first()
        if visit is None:
            visit = Visit(learner_id=learner_id, date=when or date.today(),
                          place=_default_place(session, learner_id))
        else:
            # A planned visit takes place when it is started, whatever date it was planned for.
            visit.date = when or date.today()
        if place is not None:
            visit.place = _check_visit_field("place", place)
        visit.status = VisitStatus.IN_PROGRESS.value
        visit.started_at = utcnow()
        visit.updated_at = utcnow()
        session.add(visit)
        session.flush()
        _carry_targets(session, visit)
        return visit


def close_visit(store: Store, visit_id: int, *, feedback: str, action_plan: str,
                targets: Iterable[int | str | CriterionRef] = ()) -> Visit:
    """Complete a visit with feedback, action plan and the criteria the next visit targets.
    Everything is checked first; a bad target (unknown, or a unit the learner is not enrolled on)
    raises and the visit stays open with nothing changed."""
    feedback = _check_visit_field("feedback", feedback)
    action_plan = _check_visit_field("action_plan", action_plan)
    with store.session() as session:
        visit = get_visit(session, visit_id)
        if visit.status == VisitStatus.COMPLETED.value:
            raise VisitStateError(f"Visit {visit_id} is already closed.")
        target_ids = _criterion_ids(session, visit.learner_id, targets)
        visit.feedback = feedback
        visit.action_plan = action_plan
        visit.status = VisitStatus.COMPLETED.value
        visit.closed_at = utcnow()
        visit.updated_at = utcnow()
        session.add(visit)
        session.execute(delete(VisitTargetCriterion)
                        .where(col(VisitTargetCriterion.visit_id) == visit_id))
        for cid in target_ids:
            session.add(VisitTargetCriterion(visit_id=visit_id, criterion_id=cid))
        session.flush()
        return visit


@dataclass
class VisitFieldChange(FieldEdit):
    visit_id: int
    field: str
    old: Any
    new: Any

    @property
    def record_id(self) -> int:
        return self.visit_id

    @property
    def description(self) -> str:
        return f"Edit visit {VISIT_FIELDS.get(self.field, self.field)}"

    def save(self, store: Store, value: Any) -> None:
        _set_visit_field(store, self.visit_id, self.field, value)


def _set_visit_field(store: Store, visit_id: int, field_name: str, value: Any) -> Any:
    value = _check_visit_field(field_name, value)
    with store.session() as session:
        visit = get_visit(session, visit_id)
        old = getattr(visit, field_name)
        if old != value:
            setattr(visit, field_name, value)
            visit.updated_at = utcnow()
            session.add(visit)
        return old


def set_visit_field(store: Store, visit_id: int, field_name: str, value: Any) -> VisitFieldChange:
    """Autosave a visit detail: notes, place, date, feedback or action_plan."""
    value = _check_visit_field(field_name, value)
    old = _set_visit_field(store, visit_id, field_name, value)
    return VisitFieldChange(visit_id, field_name, old, value)


@dataclass(frozen=True)
class VisitSummary:
    visit: Visit
    planned: list[str] = field(default_factory=list)  # "K/503/8194:2.1", …
    targets: list[str] = field(default_factory=list)  # the action plan's criteria for next time


def _labels(session: Session, ids: Iterable[int]) -> list[str]:
    return sorted(criterion_label(session, cid) for cid in ids)


def visit_summary(db: Db, visit_id: int) -> VisitSummary:
    with reading(db) as session:
        visit = get_visit(session, visit_id)
        planned = session.exec(select(VisitPlannedCriterion.criterion_id)
                               .where(VisitPlannedCriterion.visit_id == visit_id)).all()
        targets = session.exec(select(VisitTargetCriterion.criterion_id)
                               .where(VisitTargetCriterion.visit_id == visit_id)).all()
        return VisitSummary(visit, _labels(session, planned), _labels(session, targets))


def planned_criterion_ids(db: Db, visit_id: int) -> list[int]:
    with reading(db) as session:
        return sorted(session.exec(select(VisitPlannedCriterion.criterion_id)
                                   .where(VisitPlannedCriterion.visit_id == visit_id)).all())


def visit_for_closing(db: Db, visit_id: int) -> tuple[Visit, list[int]]:
    """The visit and the criteria its action plan already targets: what the close-visit dialog
    opens with, in one snapshot."""
    with reading(db) as session:
        return get_visit(session, visit_id), target_criterion_ids(session, visit_id)


def target_criterion_ids(db: Db, visit_id: int) -> list[int]:
    """The criteria the visit's action plan targets for next time (ticked when it reopens)."""
    with reading(db) as session:
        return sorted(session.exec(select(VisitTargetCriterion.criterion_id)
                                   .where(VisitTargetCriterion.visit_id == visit_id)).all())


def list_visits(db: Db, learner_id: int) -> list[VisitSummary]:
    """The learner's visits, oldest first, with planned and target criteria."""
    with reading(db) as session:
        ids = session.exec(select(Visit.id).where(Visit.learner_id == learner_id)
                           .order_by(col(Visit.date), col(Visit.id))).all()
        return [visit_summary(session, vid) for vid in ids if vid is not None]
