"""Reads the screens need that span several evidence services, each in one read-only snapshot
(`Store.read_session`: no write lock, so a pool thread never waits for an autosave)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import col, select

from assessor_app.evidence.coverage import (
    CoverageState,
    LearnerCoverage,
    UnitCoverage,
    learner_coverage,
)
from assessor_app.evidence.db import Db, reading
from assessor_app.evidence.items import (
    SUMMARY_COLUMNS,
    EvidenceSummary,
    evidence_ref,
    summary_from_row,
)
from assessor_app.evidence.learners import list_enrolments
from assessor_app.evidence.refs import get_learner
from assessor_app.evidence.visits import planned_criterion_ids, visit_summary
from assessor_app.specs.queries import list_units
from assessor_app.store import Store
from assessor_app.store.models import Learner, Visit


@dataclass(frozen=True)
class Matrix:
    """The coverage matrix of one learner: who and how far. The evidence behind a cell is read
    when the cell is chosen (`evidence_summaries`), not listed here: a learner may have tens of
    thousands of items."""

    learner: Learner
    coverage: LearnerCoverage


def coverage_matrix(store: Store, learner_id: int) -> Matrix:
    with store.read_session() as session:
        return Matrix(get_learner(session, learner_id), learner_coverage(session, learner_id))


def learner_choices(store: Store) -> list[tuple[int, str, str]]:
    """(id, name, registration) of every learner, by name: for pickers."""
    with store.read_session() as session:
        rows = session.exec(select(Learner).order_by(col(Learner.name))).all()
        return [(lr.id, lr.name, lr.registration) for lr in rows if lr.id is not None]


def enrol_choices(store: Store, learner_id: int) -> tuple[list[dict[str, Any]], set[str]]:
    """Every unit in the library and the references of those the learner is on."""
    with store.read_session() as session:
        return (list_units(session),
                {e.unit_reference for e in list_enrolments(session, learner_id)})


# --- the visit screen: pages, single rows and single criteria (issue 10) -----------------------
# A visit can hold tens of thousands of items: the screen reads them a page at a time as the list
# scrolls, and after an edit re-reads only the rows, criteria and requirements the edit touched.
# Each read returns a few dozen plain objects, so a worker thread holds the GIL only briefly.

#: Newest first, resuming after the (date, id) key of the last row shown: keyset paging, so a
#: page deep in the list costs what the first one does (no OFFSET counting past earlier rows).
#: The page's ids are chosen first, so the per-row subqueries run for those rows only.
_VISIT_PAGE_SQL = text(f"""
SELECT {SUMMARY_COLUMNS}
FROM (SELECT id FROM evidence_item
      WHERE visit_id = :visit_id AND learner_id = :learner_id AND deleted = 0
        AND (date, id) < (:after_date, :after_id)
      ORDER BY date DESC, id DESC
      LIMIT :limit) AS page
JOIN evidence_item AS e ON e.id = page.id
ORDER BY e.date DESC, e.id DESC
""")

_SUMMARIES_SQL = text(f"SELECT {SUMMARY_COLUMNS} FROM evidence_item AS e "
                      "WHERE e.id IN :ids ORDER BY e.date, e.id").bindparams(bindparam("ids", expanding=True))

_REFS_SQL = text("SELECT id, kind, ref_number FROM evidence_item WHERE id IN :ids"
                 ).bindparams(bindparam("ids", expanding=True))

#: The state of some criteria for one learner, as `learner_coverage` states it: met if the latest
#: judgement says so, else evidenced if a live item is mapped to it (two index probes each).
_CRITERION_STATES_SQL = text("""
SELECT c.id,
       (SELECT j.state FROM judgement AS j
        WHERE j.learner_id = :learner_id AND j.criterion_id = c.id
        ORDER BY j.id DESC LIMIT 1) AS judgement,
       EXISTS (SELECT 1 FROM evidence_criterion AS ec
               WHERE ec.learner_id = :learner_id AND ec.live = 1
                 AND ec.criterion_id = c.id) AS evidenced
FROM criterion AS c
WHERE c.id IN :ids
""").bindparams(bindparam("ids", expanding=True))

#: The live items that tick some requirements for one learner (as `learner_coverage` counts).
_REQUIREMENT_TICKS_SQL = text("""
SELECT t.requirement_id, ei.id, ei.kind, ei.ref_number
FROM evidence_requirement_tick AS t
JOIN evidence_item AS ei ON ei.id = t.evidence_id AND ei.deleted = 0
WHERE t.learner_id = :learner_id AND t.requirement_id IN :ids
ORDER BY ei.id
""").bindparams(bindparam("ids", expanding=True))

#: Where the list starts: after a key larger than any real one.
FIRST_KEY: tuple[str, int] = ("9999-12-31", 2**62)


def summary_key(summary: EvidenceSummary) -> tuple[str, int]:
    """The visit list's sort key (newest first = descending), as the page query compares it."""
    return summary.date.isoformat(), summary.id


def visit_evidence_page(db: Db, learner_id: int, visit_id: int, *,
                        after: tuple[str, int] = FIRST_KEY,
                        limit: int = 50) -> list[EvidenceSummary]:
    """Up to `limit` of the visit's live items, newest first, after the key `after` (the
    `summary_key` of the last row already shown; the default starts at the newest)."""
    with reading(db) as session:
        rows = session.execute(_VISIT_PAGE_SQL, {
            "learner_id": learner_id, "visit_id": visit_id, "after_date": after[0],
            "after_id": after[1], "limit": limit}).all()
    return [summary_from_row(r) for r in rows]


def evidence_summaries(db: Db, evidence_ids: Iterable[int]) -> list[EvidenceSummary]:
    """The summaries of these items as stored now, oldest first, deleted ones included
    (flagged); an id that does not exist is left out."""
    ids = sorted(set(evidence_ids))
    if not ids:
        return []
    with reading(db) as session:
        rows = session.execute(_SUMMARIES_SQL, {"ids": ids}).all()
    return [summary_from_row(r) for r in rows]


def evidence_refs(db: Db, evidence_ids: Iterable[int]) -> dict[int, str]:
    """The reference (OBS-2) of each of these items."""
    ids = sorted(set(evidence_ids))
    if not ids:
        return {}
    with reading(db) as session:
        rows = session.execute(_REFS_SQL, {"ids": ids}).all()
    return {r.id: evidence_ref(r.kind, r.ref_number or 0) for r in rows}


def criterion_states(db: Db, learner_id: int,
                     criterion_ids: Iterable[int]) -> dict[int, CoverageState]:
    """The learner's coverage state of just these criteria (after one was mapped or unmapped)."""
    ids = sorted(set(criterion_ids))
    if not ids:
        return {}
    with reading(db) as session:
        rows = session.execute(_CRITERION_STATES_SQL, {"learner_id": learner_id,
                                                       "ids": ids}).all()
    return {r.id: CoverageState.MET if r.judgement == "met" else
            CoverageState.EVIDENCED if r.evidenced else CoverageState.UNEVIDENCED
            for r in rows}


@dataclass(frozen=True)
class RequirementTicks:
    """Which live items tick each of some requirements, and their references."""

    evidence_ids: dict[int, tuple[int, ...]]  # requirement id -> item ids (none: not ticked)
    refs: dict[int, str]  # item id -> OBS-2


def requirement_ticks(db: Db, learner_id: int,
                      requirement_ids: Iterable[int]) -> RequirementTicks:
    """The ticks of just these requirements (after one was ticked or unticked)."""
    ids = sorted(set(requirement_ids))
    by_requirement: dict[int, list[int]] = {rid: [] for rid in ids}
    refs: dict[int, str] = {}
    if ids:
        with reading(db) as session:
            rows = session.execute(_REQUIREMENT_TICKS_SQL, {"learner_id": learner_id,
                                                            "ids": ids}).all()
        for rid, eid, kind, number in rows:
            by_requirement[rid].append(eid)
            refs[eid] = evidence_ref(kind, number or 0)
    return RequirementTicks({rid: tuple(e) for rid, e in by_requirement.items()}, refs)


@dataclass(frozen=True)
class VisitCoverage:
    """What the visit screen's picker and requirements panel show of the learner's coverage."""

    units: list[UnitCoverage]
    refs: dict[int, str]  # evidence id -> reference, for the items that tick a requirement


def visit_coverage(db: Db, learner_id: int) -> VisitCoverage:
    """The learner's coverage, and references only for the items that tick requirements (not a
    list of every item: a learner may have tens of thousands)."""
    with reading(db) as session:
        units = learner_coverage(session, learner_id).units
        ticking = {e for u in units for r in u.requirements for e in r.evidence_ids}
        return VisitCoverage(units, evidence_refs(session, ticking))


@dataclass(frozen=True)
class VisitOpening:
    """Everything the visit screen shows on opening, from one snapshot."""

    learner_id: int
    visit_id: int
    learner_name: str
    visit: Visit
    planned: set[int]
    coverage: VisitCoverage
    first_page: list[EvidenceSummary]  # the newest items, newest first


def open_visit_data(store: Store, learner_id: int, visit_id: int,
                    page: int = 50) -> VisitOpening:
    with store.read_session() as session:  # one snapshot: title, picker and list agree
        name = get_learner(session, learner_id).name
        visit = visit_summary(session, visit_id).visit
        return VisitOpening(learner_id, visit_id, name, visit,
                            set(planned_criterion_ids(session, visit_id)),
                            visit_coverage(session, learner_id),
                            visit_evidence_page(session, learner_id, visit_id, limit=page))
