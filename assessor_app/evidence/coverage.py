"""Which criteria of a learner's units are unevidenced, evidenced or met, computed in SQL.

State of a criterion for a learner:
- met: the latest judgement on it is "met";
- evidenced: otherwise, at least one non-deleted evidence item of the learner is mapped to it;
- unevidenced: otherwise.

Two plain queries do the work: the criteria in display order with their current judgement (an
index probe each), and the learner's live evidence grouped per criterion in one pass over a
covering index; the counts per outcome and unit are summed while the tree is assembled. See
benchmarks/bench_coverage.py for the figures.

Evidence requirements: a group heading ("4 … with:") is returned flagged (`is_group`) so a UI can
show it above its items, but only the leaves (1, 2, 3, 4a … 4d, …) are counted; the per-unit
ticked/total counts come from the same SQL query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import text

from assessor_app.evidence.db import Db, reading
from assessor_app.evidence.refs import get_learner
from assessor_app.specs.requirements import group_keys


class CoverageState(StrEnum):
    UNEVIDENCED = "unevidenced"
    EVIDENCED = "evidenced"
    MET = "met"


#: Symbols that read in greyscale (UX.md): ○ unevidenced, ◐ evidenced, ● met.
STATE_SYMBOL = {CoverageState.UNEVIDENCED: "○", CoverageState.EVIDENCED: "◐",
                CoverageState.MET: "●"}


@dataclass(frozen=True)
class Counts:
    total: int = 0
    unevidenced: int = 0
    evidenced: int = 0
    met: int = 0

    @property
    def met_fraction(self) -> float:
        return self.met / self.total if self.total else 0.0


@dataclass(frozen=True)
class CriterionCoverage:
    criterion_id: int
    number: str
    text: str
    state: CoverageState
    evidence_ids: tuple[int, ...]
    judgement: str | None = None  # latest judgement state, if any ("met" / "not_yet")
    decided_by: str | None = None
    decided_at: datetime | None = None

    @property
    def met_without_evidence(self) -> bool:
        """Judged met, but the evidence it rested on has since been deleted or unmapped."""
        return self.state is CoverageState.MET and not self.evidence_ids


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


#: Every criterion of the learner's enrolled versions in display order, with its current judgement
#: (the latest row: one probe of ix_judgement_learner_criterion_id per criterion).
CRITERIA_SQL = text("""
SELECT en.unit_id, c.id AS criterion_id, c.number, c.text, c.outcome_id,
       lo.number AS outcome_number, lo.text AS outcome_text,
       j.state AS judgement, j.decided_by, j.decided_at
FROM enrolment AS en
JOIN unit AS u ON u.id = en.unit_id
JOIN criterion AS c ON c.version_id = en.unit_version_id
JOIN learning_outcome AS lo ON lo.id = c.outcome_id
LEFT JOIN judgement AS j ON j.id = (
    SELECT jl.id FROM judgement AS jl
    WHERE jl.learner_id = en.learner_id AND jl.criterion_id = c.id
    ORDER BY jl.id DESC LIMIT 1)
WHERE en.learner_id = :learner_id
ORDER BY u.reference, lo.position, c.position
""")

#: The learner's live items per criterion: one ordered range of the covering index
#: ix_evidence_criterion_learner_live (learner and liveness are kept on the mapping by triggers),
#: grouped as it is read: no join, no sort.
EVIDENCE_SQL = text("""
SELECT criterion_id, group_concat(evidence_id) AS ids
FROM evidence_criterion
WHERE learner_id = :learner_id AND live = 1
GROUP BY criterion_id
""")

UNITS_SQL = text("""
SELECT en.unit_id, en.unit_version_id AS version_id, u.reference, v.title
FROM enrolment AS en
JOIN unit AS u ON u.id = en.unit_id
JOIN unit_version AS v ON v.id = en.unit_version_id
WHERE en.learner_id = :learner_id
ORDER BY u.reference
""")

REQUIREMENTS_SQL = text("""
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
WHERE en.learner_id = :learner_id
GROUP BY en.unit_id, r.id
WINDOW u AS (PARTITION BY en.unit_id)
ORDER BY r.position, r.id
""")


def _ids(csv: str | None) -> tuple[int, ...]:
    return tuple(sorted(map(int, csv.split(",")))) if csv else ()


def _when(value: Any) -> datetime | None:
    """Raw SQL returns the stored text; SQLModel keeps UTC without an offset."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _positional(sql: Any) -> str:
    """The text of a one-parameter statement with its :learner_id as the DB-API's `?`."""
    return sql.text.replace(":learner_id", "?")


_MET, _EVIDENCED, _UNEVIDENCED = CoverageState.MET, CoverageState.EVIDENCED, \
    CoverageState.UNEVIDENCED


def _outcomes(rows: list[tuple], evidence: dict[int, str]) -> dict[int, list[OutcomeCoverage]]:
    """The flat, ordered criterion rows (CRITERIA_SQL's columns) as outcomes per unit, counted
    on the way (one pass)."""
    grouped: dict[int, list[OutcomeCoverage]] = {}
    current: list[CriterionCoverage] = []
    counts = [0, 0, 0]  # unevidenced, evidenced, met of the current outcome
    head: tuple | None = None

    def close() -> None:
        if head is not None:
            unit_id, outcome = head
            grouped.setdefault(unit_id, []).append(OutcomeCoverage(
                *outcome, Counts(len(current), *counts), current))

    for unit_id, cid, number, text_, outcome_id, onum, otext, judgement, by, at in rows:
        if head is None or outcome_id != head[1][0]:
            close()
            head, current, counts = (unit_id, (outcome_id, onum, otext)), [], [0, 0, 0]
        csv = evidence.get(cid)
        ids = tuple(sorted(map(int, csv.split(",")))) if csv else ()
        state = _MET if judgement == "met" else _EVIDENCED if ids else _UNEVIDENCED
        counts[2 if state is _MET else 1 if ids else 0] += 1
        current.append(CriterionCoverage(cid, number, text_, state, ids, judgement, by,
                                         _when(at) if at else None))
    close()
    return grouped


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


def learner_coverage(db: Db, learner_id: int) -> LearnerCoverage:
    """Coverage of every unit the learner is enrolled on: per unit, per outcome, per criterion,
    plus the unit's evidence requirements (ticked or not)."""
    params = {"learner_id": learner_id}
    with reading(db) as session:
        learner = get_learner(session, learner_id)
        unit_rows = session.execute(UNITS_SQL, params).all()
        # The two big results as plain DB-API tuples, in the session's transaction (snapshot).
        cursor = session.connection().connection.cursor()
        try:
            rows = cursor.execute(_positional(CRITERIA_SQL), (learner_id,)).fetchall()
            evidence = dict(cursor.execute(_positional(EVIDENCE_SQL), (learner_id,)).fetchall())
        finally:
            cursor.close()
        req_rows = session.execute(REQUIREMENTS_SQL, params).all()

    outcomes = _outcomes(rows, evidence)
    requirements, req_counts = _requirements(req_rows)
    units = []
    for u in unit_rows:
        unit_outcomes = outcomes.get(u.unit_id, [])
        counts = Counts(*(sum(getattr(o.counts, f) for o in unit_outcomes)
                          for f in ("total", "unevidenced", "evidenced", "met")))
        units.append(UnitCoverage(u.unit_id, u.reference, u.title, u.version_id, counts,
                                  unit_outcomes, requirements.get(u.unit_id, []),
                                  *req_counts.get(u.unit_id, (0, 0))))
    total = Counts(*(sum(getattr(u.counts, f) for u in units)
                     for f in ("total", "unevidenced", "evidenced", "met")))
    return LearnerCoverage(learner_id, learner.registration, total, units)


#: Per learner, per enrolled criterion: two index probes (the latest judgement; any live mapping
#: in ix_evidence_criterion_learner_live), then one count per learner. Nothing scans the evidence.
PROGRESS_SQL = text("""
WITH crit AS (
    SELECT en.learner_id,
           (SELECT j.state FROM judgement AS j
            WHERE j.learner_id = en.learner_id AND j.criterion_id = c.id
            ORDER BY j.id DESC LIMIT 1) AS judgement,
           EXISTS (SELECT 1 FROM evidence_criterion AS ec
                   WHERE ec.learner_id = en.learner_id AND ec.live = 1
                     AND ec.criterion_id = c.id) AS has_evidence
    FROM enrolment AS en JOIN criterion AS c ON c.version_id = en.unit_version_id
)
SELECT l.id AS learner_id,
       count(crit.learner_id) AS total,
       count(*) FILTER (WHERE crit.judgement = 'met') AS met,
       count(*) FILTER (WHERE crit.judgement IS NOT 'met' AND crit.has_evidence) AS evidenced
FROM learner AS l
LEFT JOIN crit ON crit.learner_id = l.id
GROUP BY l.id
""")


def learner_progress(db: Db) -> dict[int, Counts]:
    """Counts for every learner at once (the learner list's percentages), by learner id."""
    with reading(db) as session:
        rows = session.execute(PROGRESS_SQL).all()
    return {r.learner_id: Counts(r.total, r.total - r.met - r.evidenced, r.evidenced, r.met)
            for r in rows}
