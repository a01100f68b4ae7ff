"""The learner page's read: the learner, coverage, visits and where each unit's sign-off
stands, in one read-only snapshot so the parts agree.

Read through a plain SQLCipher connection (`store.raw.read_only`) into plain values, as the
learner list is (`evidence.learner_list`): the page shows before SQLAlchemy, SQLModel and
pydantic load, which then load only when the assessor opens a visit, the coverage, a sign-off
or the settings (tests/gui/test_startup_imports.py checks that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from assessor_app.evidence.coverage import LearnerCoverage, coverage_in
from assessor_app.evidence.errors import NotFound
from assessor_app.evidence.learner_list import LearnerRow
from assessor_app.signoff.summary import SignOffSummary, standing_signoffs
from assessor_app.store.raw import read_only, stored_datetime

if TYPE_CHECKING:
    from assessor_app.store import Store


@dataclass(frozen=True)
class VisitRow:
    """A visit's columns as the page shows them (those of `store.models.Visit`)."""

    id: int
    learner_id: int
    date: date
    place: str = ""
    notes: str = ""
    status: str = "planned"
    feedback: str = ""
    action_plan: str = ""
    started_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class VisitLine:
    """A visit with its planned and target criteria ("K/503/8194:2.1", …), as
    `evidence.visits.VisitSummary` reads them."""

    visit: VisitRow
    planned: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Overview:
    learner: LearnerRow
    coverage: LearnerCoverage
    visits: list[VisitLine]
    signoffs: dict[int, SignOffSummary]  # unit id -> the sign-off that says where it stands


_LEARNER_SQL = ("SELECT id, name, registration, employer, line_manager, line_manager_email, uln"
                " FROM learner WHERE id = ?")
_VISITS_SQL = ("SELECT id, learner_id, date, place, notes, status, feedback, action_plan,"
               " started_at, closed_at FROM visit WHERE learner_id = ? ORDER BY date, id")
_LABELS_SQL = """
SELECT x.visit_id, u.reference || ':' || c.number
FROM {table} AS x
JOIN visit AS v ON v.id = x.visit_id
JOIN criterion AS c ON c.id = x.criterion_id
JOIN unit_version AS uv ON uv.id = c.version_id
JOIN unit AS u ON u.id = uv.unit_id
WHERE v.learner_id = ?
"""


def _labels(cursor: Any, table: str, learner_id: int) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for visit_id, label in cursor.execute(_LABELS_SQL.format(table=table), (learner_id,)):
        out.setdefault(visit_id, []).append(label)
    return {visit_id: sorted(labels) for visit_id, labels in out.items()}


def _visits(cursor: Any, learner_id: int) -> list[VisitLine]:
    planned = _labels(cursor, "visit_planned_criterion", learner_id)
    targets = _labels(cursor, "visit_target_criterion", learner_id)
    lines = []
    for row in cursor.execute(_VISITS_SQL, (learner_id,)).fetchall():
        visit = VisitRow(row[0], row[1], date.fromisoformat(str(row[2])), *row[3:8],
                         stored_datetime(row[8]), stored_datetime(row[9]))
        lines.append(VisitLine(visit, planned.get(visit.id, []), targets.get(visit.id, [])))
    return lines


def learner_overview(store: Store, learner_id: int) -> Overview:
    with read_only(store) as conn:
        cursor = conn.cursor()
        row = cursor.execute(_LEARNER_SQL, (learner_id,)).fetchone()
        if row is None:
            raise NotFound(f"There is no learner with id {learner_id}.")
        # The versions' criteria are kept per open store (`version_criteria`).
        return Overview(LearnerRow(*row), coverage_in(cursor, store, learner_id),
                        _visits(cursor, learner_id), standing_signoffs(cursor, learner_id))
