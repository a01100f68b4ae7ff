"""Which criteria of a learner's units are unevidenced, evidenced or met, computed in SQL.

State of a criterion for a learner:
- met: the latest judgement on it is "met";
- evidenced: otherwise, at least one non-deleted evidence item of the learner is mapped to it;
- unevidenced: otherwise.

Nothing is counted here: `evidence_coverage` (migration 0008, kept by triggers on the mapping,
judgement and learner tables) holds per learner × criterion the live items mapped to it and the
latest judgement. A call reads the learner's rows of that table (one primary-key range) and
takes each enrolled version's criteria in display order from `version_criteria` (read once per
database: a version never changes); the counts per outcome and unit are summed while the tree is
assembled. `criteria_coverage` reads the same for a few criteria (a screen refreshing
what an edit changed). See benchmarks/bench_coverage.py for the figures.

Evidence requirements: a group heading ("4 … with:") is returned flagged (`is_group`) so a UI can
show it above its items, but only the leaves (1, 2, 3, 4a … 4d, …) are counted; the per-unit
ticked/total counts come from the same SQL query.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from assessor_app.evidence.errors import NotFound
from assessor_app.evidence.learner_list import PROGRESS_SQL, Counts, counts_from_row
from assessor_app.evidence.version_criteria import CriterionRow, version_criteria
from assessor_app.specs.requirements import group_keys
from assessor_app.store.raw import stored_datetime

if TYPE_CHECKING:  # the learner page reads coverage without the ORM (`coverage_in`)
    from assessor_app.evidence.db import Db


class CoverageState(StrEnum):
    UNEVIDENCED = "unevidenced"
    EVIDENCED = "evidenced"
    MET = "met"


#: Symbols that read in greyscale (UX.md): ○ unevidenced, ◐ evidenced, ● met.
STATE_SYMBOL = {CoverageState.UNEVIDENCED: "○", CoverageState.EVIDENCED: "◐",
                CoverageState.MET: "●"}


@dataclass(frozen=True)
class CriterionCoverage:
    criterion_id: int
    number: str
    text: str
    state: CoverageState
    evidence_count: int  # live items mapped to it
    judgement: str | None = None  # latest judgement state, if any ("met" / "not_yet")
    decided_by: str | None = None
    decided_at: datetime | None = None
    #: the items' ids as `evidence_coverage` stores them ("3,17,9"); read through `evidence_ids`
    ids_text: str = field(default="", repr=False)

    @cached_property
    def evidence_ids(self) -> tuple[int, ...]:
        """The live items mapped to it, ascending. Parsed on first use: a screen of 3,000
        criteria shows counts, and parsing a learner's 40,000 ids up front was a third of
        `learner_coverage`'s time."""
        return tuple(sorted(map(int, self.ids_text.split(",")))) if self.ids_text else ()

    @property
    def met_without_evidence(self) -> bool:
        """Judged met, but the evidence it rested on has since been deleted or unmapped."""
        return self.state is CoverageState.MET and not self.evidence_count


@dataclass(frozen=True)
class OutcomeCoverage:
    outcome_id: int
    number: str
    text: str
    counts: Counts
    criteria: list[CriterionCoverage] = field(default_factory=list)


@dataclass(frozen=True)
class RequirementCoverage:
    requirement_id: int
    key: str
    text: str
    evidence_ids: tuple[int, ...]
    is_group: bool = False  # a heading for the items after it: never ticked, never counted
    group: str | None = None  # the key of the group this item belongs to ("4" for "4a")

    @property
    def ticked(self) -> bool:
        return bool(self.evidence_ids)


@dataclass(frozen=True)
class UnitCoverage:
    unit_id: int
    reference: str
    title: str
    version_id: int
    counts: Counts
    outcomes: list[OutcomeCoverage] = field(default_factory=list)
    #: every requirement row in checklist order, group headings included (flagged `is_group`)
    requirements: list[RequirementCoverage] = field(default_factory=list)
    requirements_total: int = 0  # leaves only: the checklist items an assessor ticks
    requirements_ticked: int = 0  # leaves ticked by at least one non-deleted evidence item

    @property
    def criteria(self) -> list[CriterionCoverage]:
        return [c for o in self.outcomes for c in o.criteria]

    @property
    def checklist(self) -> list[RequirementCoverage]:
        """The tickable requirements (group headings left out)."""
        return [r for r in self.requirements if not r.is_group]


@dataclass(frozen=True)
class LearnerCoverage:
    learner_id: int
    registration: str
    counts: Counts
    units: list[UnitCoverage] = field(default_factory=list)

    def unit(self, reference: str) -> UnitCoverage:
        for u in self.units:
            if u.reference == reference:
                return u
        raise KeyError(reference)

    def to_json(self) -> dict[str, Any]:
        """The shape `assessor-app coverage --json` prints."""
        return {
            "learner": self.registration,
            "counts": _counts_json(self.counts),
            "units": [{
                "reference": u.reference,
                "title": u.title,
                "counts": _counts_json(u.counts),
                "outcomes": [{"number": o.number, "counts": _counts_json(o.counts)}
                             for o in u.outcomes],
                "criteria": [{"number": c.number, "outcome": o.number, "state": c.state.value,
                              "evidence": list(c.evidence_ids)}
                             for o in u.outcomes for c in o.criteria],
                "requirement_counts": {"total": u.requirements_total,
                                       "ticked": u.requirements_ticked},
                "requirements": [_requirement_json(r) for r in u.requirements],
            } for u in self.units],
        }


def _requirement_json(r: RequirementCoverage) -> dict[str, Any]:
    return {"key": r.key, "text": r.text, "group": r.is_group, "in_group": r.group,
            "ticked": r.ticked, "evidence": list(r.evidence_ids)}


def _counts_json(c: Counts) -> dict[str, int]:
    return {"total": c.total, "unevidenced": c.unevidenced, "evidenced": c.evidenced,
            "met": c.met}


#: Some criteria of the learner's enrolled versions (`criteria_coverage`); `learner_coverage`
#: takes each version's criteria from `version_criteria`, in the same columns.
CRITERIA_SQL = """
SELECT c.id AS criterion_id, c.number, c.text
FROM enrolment AS en
JOIN criterion AS c ON c.version_id = en.unit_version_id
WHERE en.learner_id = ?{only}
"""

#: The learner's live evidence and current judgement per criterion, from `evidence_coverage`
#: (migration 0008: one row per learner × criterion with either, kept by triggers): one range of
#: its primary key, so nothing counts the learner's mappings or searches their judgements here.
STATUS_SQL = """
SELECT cov.criterion_id, cov.evidence_count, cov.evidence_ids, j.state, j.decided_by, j.decided_at
FROM evidence_coverage AS cov
LEFT JOIN judgement AS j ON j.id = cov.judgement_id
WHERE cov.learner_id = ?{only}
"""

_LEARNER_SQL = "SELECT registration FROM learner WHERE id = ?"

UNITS_SQL = """
SELECT en.unit_id, en.unit_version_id AS version_id, u.reference, v.title
FROM enrolment AS en
JOIN unit AS u ON u.id = en.unit_id
JOIN unit_version AS v ON v.id = en.unit_version_id
WHERE en.learner_id = ?
ORDER BY u.reference
"""

REQUIREMENTS_SQL = """
SELECT en.unit_id, r.id AS requirement_id, r.key, r.text, r.is_group,
       group_concat(ei.id) AS evidence_ids,
       -- per-unit checklist counts: group headings are neither items nor gaps
       count(*) FILTER (WHERE NOT r.is_group) OVER u AS u_total,
       count(*) FILTER (WHERE NOT r.is_group AND count(ei.id) > 0) OVER u AS u_ticked
FROM enrolment AS en
JOIN evidence_requirement AS r ON r.version_id = en.unit_version_id
LEFT JOIN evidence_requirement_tick AS t
       ON t.requirement_id = r.id AND t.learner_id = en.learner_id
LEFT JOIN evidence_item AS ei ON ei.id = t.evidence_id AND ei.deleted = 0
WHERE en.learner_id = ?
GROUP BY en.unit_id, r.id
WINDOW u AS (PARTITION BY en.unit_id)
ORDER BY r.position, r.id
"""


def _ids(csv: str | None) -> tuple[int, ...]:
    return tuple(sorted(map(int, csv.split(",")))) if csv else ()


_MET, _EVIDENCED, _UNEVIDENCED = CoverageState.MET, CoverageState.EVIDENCED, \
    CoverageState.UNEVIDENCED


_NO_STATUS = (0, "", None, None, None)


def _statuses(rows: list[tuple]) -> dict[int, tuple]:
    """STATUS_SQL's rows by criterion id as (evidence count, evidence ids as stored, judgement,
    decided by, decided at)."""
    return {r[0]: r[1:] for r in rows}


_new = object.__new__
if tuple(f.name for f in fields(CriterionCoverage)) != (
        "criterion_id", "number", "text", "state", "evidence_count", "judgement", "decided_by",
        "decided_at", "ids_text"):  # pragma: no cover - `_criterion` below fills exactly these
    raise ImportError("CriterionCoverage's fields changed: update coverage._criterion")


def _criterion(row: tuple, status: dict[int, tuple]) -> CriterionCoverage:
    """A criterion row (its id, number and text first) with its status (`_statuses`) if it
    has one.

    Built without the frozen dataclass's __init__ (one `object.__setattr__` per field): for the
    3,000 criteria of a learner that was a third of the time spent outside SQLite."""
    cid = row[0]
    count, ids, judgement, by, at = status.get(cid, _NO_STATUS)
    c = _new(CriterionCoverage)
    d = c.__dict__
    d["criterion_id"], d["number"], d["text"] = cid, row[1], row[2]
    d["state"] = _MET if judgement == "met" else _EVIDENCED if count else _UNEVIDENCED
    d["evidence_count"], d["ids_text"], d["judgement"], d["decided_by"] = count, ids, judgement, by
    d["decided_at"] = stored_datetime(at) if at else None
    return c


def _outcomes(rows: Iterable[CriterionRow], status: dict[int, tuple]) -> list[OutcomeCoverage]:
    """One version's criteria in display order (`version_criteria`) as its outcomes, counted on
    the way (one pass)."""
    outcomes: list[OutcomeCoverage] = []
    current: list[CriterionCoverage] = []
    counts = [0, 0, 0]  # unevidenced, evidenced, met of the current outcome
    head: tuple | None = None

    def close() -> None:
        if head is not None:
            outcomes.append(OutcomeCoverage(*head, Counts(len(current), *counts), current))

    for row in rows:
        outcome_id = row[3]
        if head is None or outcome_id != head[0]:
            close()
            head, current, counts = (outcome_id, row[4], row[5]), [], [0, 0, 0]
        criterion = _criterion(row, status)
        state = criterion.state
        counts[2 if state is _MET else 1 if state is _EVIDENCED else 0] += 1
        current.append(criterion)
    close()
    return outcomes


def _requirements(req_rows: list[Any]) -> tuple[dict[int, list[RequirementCoverage]],
                                                dict[int, tuple[int, int]]]:
    by_unit: dict[int, list[Any]] = {}
    req_counts: dict[int, tuple[int, int]] = {}
    for r in req_rows:
        by_unit.setdefault(r.unit_id, []).append(r)
        req_counts[r.unit_id] = (r.u_total, r.u_ticked)
    requirements: dict[int, list[RequirementCoverage]] = {}
    for unit_id, rs in by_unit.items():
        parents = group_keys((r.key, bool(r.is_group)) for r in rs)
        requirements[unit_id] = [
            RequirementCoverage(r.requirement_id, r.key, r.text,
                                () if r.is_group else _ids(r.evidence_ids), bool(r.is_group),
                                parent)
            for r, parent in zip(rs, parents, strict=True)]
    return requirements, req_counts


def _named(cursor: Any, sql: str, params: tuple) -> list[Any]:
    """Rows with attribute access, without the ORM's result machinery."""
    cursor.execute(sql, params)
    row = namedtuple("row", [d[0] for d in cursor.description])  # noqa: PYI024
    return [row._make(r) for r in cursor.fetchall()]


def learner_coverage(db: Db, learner_id: int) -> LearnerCoverage:
    """Coverage of every unit the learner is enrolled on: per unit, per outcome, per criterion,
    plus the unit's evidence requirements (ticked or not)."""
    from assessor_app.evidence.db import reading

    with reading(db) as session:
        # Plain DB-API reads in the session's transaction (one snapshot).
        conn = session.connection()
        cursor = conn.connection.cursor()
        try:
            # Keyed by the pool, which a store's reading and writing engines share.
            return coverage_in(cursor, conn.engine.pool, learner_id)
        finally:
            cursor.close()


def coverage_in(cursor: Any, database: Any, learner_id: int) -> LearnerCoverage:
    """`learner_coverage` read through a DB-API cursor in the caller's snapshot (the learner
    page reads it without the ORM); `database` keys the versions' criteria (`version_criteria`)."""
    params = (learner_id,)
    learner = cursor.execute(_LEARNER_SQL, params).fetchone()
    if learner is None:
        raise NotFound(f"There is no learner with id {learner_id}.")
    unit_rows = _named(cursor, UNITS_SQL, params)
    criteria = version_criteria(cursor, database, (u.version_id for u in unit_rows))
    status = _statuses(cursor.execute(STATUS_SQL.format(only=""), params).fetchall())
    req_rows = _named(cursor, REQUIREMENTS_SQL, params)

    requirements, req_counts = _requirements(req_rows)
    units = []
    for u in unit_rows:
        unit_outcomes = _outcomes(criteria[u.version_id], status)
        counts = Counts(*(sum(getattr(o.counts, f) for o in unit_outcomes)
                          for f in ("total", "unevidenced", "evidenced", "met")))
        units.append(UnitCoverage(u.unit_id, u.reference, u.title, u.version_id, counts,
                                  unit_outcomes, requirements.get(u.unit_id, []),
                                  *req_counts.get(u.unit_id, (0, 0))))
    total = Counts(*(sum(getattr(u.counts, f) for u in units)
                     for f in ("total", "unevidenced", "evidenced", "met")))
    return LearnerCoverage(learner_id, learner[0], total, units)


def criteria_coverage(db: Db, learner_id: int,
                      criterion_ids: Iterable[int]) -> dict[int, CriterionCoverage]:
    """The coverage of just these criteria of the learner (the ones an edit touched, e.g. a
    mapping changed): what `learner_coverage` reports for them, read from a handful of rows, so a
    screen can refresh what changed without rebuilding the whole tree. Criteria of units the
    learner is not enrolled on are left out."""
    wanted = sorted({int(c) for c in criterion_ids})
    if not wanted:
        return {}
    from assessor_app.evidence.db import reading

    found: dict[int, CriterionCoverage] = {}
    with reading(db) as session:
        cursor = session.connection().connection.cursor()
        try:
            for start in range(0, len(wanted), 500):  # SQLite's bound-parameter budget
                chunk = wanted[start:start + 500]
                marks = ", ".join("?" * len(chunk))
                rows = cursor.execute(CRITERIA_SQL.format(only=f" AND c.id IN ({marks})"),
                                      (learner_id, *chunk)).fetchall()
                status = _statuses(cursor.execute(
                    STATUS_SQL.format(only=f" AND cov.criterion_id IN ({marks})"),
                    (learner_id, *chunk)).fetchall())
                found.update((row[0], _criterion(row, status)) for row in rows)
        finally:
            cursor.close()
    return found


def learner_progress(db: Db) -> dict[int, Counts]:
    """Counts for every learner at once (the learner list's percentages), by learner id."""
    from sqlalchemy import text

    from assessor_app.evidence.db import reading

    with reading(db) as session:
        rows = session.execute(text(PROGRESS_SQL)).all()
    return {r.learner_id: counts_from_row(r.total, r.met, r.evidenced) for r in rows}
