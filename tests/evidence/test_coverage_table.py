"""The coverage kept per learner × criterion by triggers (migration 0008) always equals a full
recount from the mapping, item and judgement tables, whatever sequence of edits, deletions,
undos and direct SQL writes came before; and coverage read from it says what the recount says."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from assessor_app.evidence import (
    EvidenceError,
    add_learner,
    create_evidence,
    criteria_coverage,
    delete_evidence,
    enrol,
    learner_coverage,
    learner_progress,
    map_criterion,
    record_judgement,
    restore_evidence,
    unmap_criterion,
)
from assessor_app.evidence.coverage import CoverageState

#: The coverage of one learner recounted from the base tables, as the app did before 0008:
#: criterion id → (sorted live item ids, latest judgement's state, decided_by, decided_at).
RECOUNT_SQL = text("""
SELECT c.id,
       (SELECT group_concat(ec.evidence_id) FROM evidence_criterion AS ec
        JOIN evidence_item AS ei ON ei.id = ec.evidence_id
        WHERE ei.learner_id = en.learner_id AND ei.deleted = 0 AND ec.criterion_id = c.id),
       j.state, j.decided_by, j.decided_at
FROM enrolment AS en
JOIN criterion AS c ON c.version_id = en.unit_version_id
LEFT JOIN judgement AS j ON j.id = (
    SELECT max(jl.id) FROM judgement AS jl
    WHERE jl.learner_id = en.learner_id AND jl.criterion_id = c.id)
WHERE en.learner_id = :learner_id
""")

#: What the table must hold: every learner × criterion with live evidence or a judgement.
TABLE_RECOUNT_SQL = text("""
WITH live AS (
    SELECT ei.learner_id, ec.criterion_id, count(*) AS n
    FROM evidence_criterion AS ec JOIN evidence_item AS ei ON ei.id = ec.evidence_id
    WHERE ei.deleted = 0 GROUP BY 1, 2),
latest AS (SELECT learner_id, criterion_id, max(id) AS jid FROM judgement GROUP BY 1, 2),
keys AS (SELECT learner_id, criterion_id FROM live UNION SELECT learner_id, criterion_id FROM latest)
SELECT k.learner_id, k.criterion_id, coalesce(live.n, 0), latest.jid
FROM keys AS k
LEFT JOIN live USING (learner_id, criterion_id)
LEFT JOIN latest USING (learner_id, criterion_id)
ORDER BY 1, 2
""")


def _recount(store, learner_id: int) -> dict[int, tuple]:
    with store.read_session() as s:
        rows = s.execute(RECOUNT_SQL, {"learner_id": learner_id}).all()
    out = {}
    for cid, csv, state, by, at in rows:
        when = datetime.fromisoformat(at).replace(tzinfo=UTC) if at else None
        ids = tuple(sorted(int(i) for i in csv.split(","))) if csv else ()
        out[cid] = (ids, state, by, when)
    return out


def _expected_state(ids: tuple, judgement: str | None) -> CoverageState:
    if judgement == "met":
        return CoverageState.MET
    return CoverageState.EVIDENCED if ids else CoverageState.UNEVIDENCED


def assert_matches_recount(store, learner_ids: list[int]) -> None:
    with store.read_session() as s:
        table = s.execute(text("SELECT learner_id, criterion_id, evidence_count, judgement_id "
                               "FROM evidence_coverage ORDER BY 1, 2")).all()
        recount = s.execute(TABLE_RECOUNT_SQL).all()
        csv_lengths = s.execute(text(
            "SELECT evidence_count, evidence_ids FROM evidence_coverage")).all()
    assert [tuple(r) for r in table] == [tuple(r) for r in recount]
    for n, csv in csv_lengths:
        assert n == (len(csv.split(",")) if csv else 0)
    progress = learner_progress(store)
    for lid in learner_ids:
        expected = _recount(store, lid)
        cov = learner_coverage(store, lid)
        got = {c.criterion_id: c for u in cov.units for c in u.criteria}
        assert set(got) == set(expected)
        for cid, (ids, state, by, when) in expected.items():
            c = got[cid]
            assert (c.evidence_ids, c.evidence_count, c.judgement, c.decided_by,
                    c.decided_at) == (ids, len(ids), state, by, when)
            assert c.state is _expected_state(ids, state)
        counted = [c.state for c in got.values()]
        assert cov.counts.total == len(counted)
        assert cov.counts.met == counted.count(CoverageState.MET)
        assert cov.counts.evidenced == counted.count(CoverageState.EVIDENCED)
        assert progress[lid] == cov.counts
        some = sorted(expected)[::3]
        assert criteria_coverage(store, lid, some) == {cid: got[cid] for cid in some}


OPS = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 1), st.lists(st.integers(0, 9), max_size=3)),
    st.tuples(st.just("map"), st.integers(0, 50), st.integers(0, 9)),
    st.tuples(st.just("unmap"), st.integers(0, 50), st.integers(0, 9)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("restore"), st.integers(0, 50)),
    st.tuples(st.just("judge"), st.integers(0, 1), st.integers(0, 9),
              st.sampled_from(["met", "not-yet"])),
    st.tuples(st.just("undo"), st.integers(0, 50)),
    st.tuples(st.just("sql_unmap_all"), st.integers(0, 50)),
    st.tuples(st.just("sql_drop_judgements"), st.integers(0, 1), st.integers(0, 9)),
    st.tuples(st.just("sql_move"), st.integers(0, 50), st.integers(0, 1)),
)


class _Run:
    """Applies the drawn operations to the store; refused ones (not enrolled, nothing to judge
    met on…) are part of the game."""

    def __init__(self, store, learners: list[int], criteria: list[int]) -> None:
        self.store, self.learners, self.criteria = store, learners, criteria
        self.items: list[int] = []
        self.edits: list = []

    def _item(self, n: int) -> int | None:
        return self.items[n % len(self.items)] if self.items else None

    def _sql(self, sql: str, **params) -> None:
        with self.store.session() as s:
            s.execute(text(sql), params)

    def apply(self, op: tuple) -> None:
        name, *args = op
        with contextlib.suppress(EvidenceError):
            getattr(self, f"op_{name}")(*args)

    def op_create(self, who: int, crits: list[int]) -> None:
        created = create_evidence(self.store, self.learners[who], "observation", text="x",
                                  criteria=[self.criteria[c] for c in set(crits)])
        self.items.append(created.evidence_id)

    def _edit(self, fn, n: int, *args) -> None:
        if (item := self._item(n)) is not None:
            self.edits.append(fn(self.store, item, *args))

    def op_map(self, n: int, c: int) -> None:
        self._edit(map_criterion, n, self.criteria[c])

    def op_unmap(self, n: int, c: int) -> None:
        self._edit(unmap_criterion, n, self.criteria[c])

    def op_delete(self, n: int) -> None:
        self._edit(delete_evidence, n)

    def op_restore(self, n: int) -> None:
        self._edit(restore_evidence, n)

    def op_judge(self, who: int, c: int, state: str) -> None:
        self.edits.append(record_judgement(self.store, self.learners[who], self.criteria[c],
                                           state, actor="A. Assessor"))

    def op_undo(self, n: int) -> None:
        if self.edits:
            self.edits[n % len(self.edits)].revert(self.store)

    def op_sql_unmap_all(self, n: int) -> None:  # e.g. a bundle import or an erasure
        if (item := self._item(n)) is not None:
            self._sql("DELETE FROM evidence_criterion WHERE evidence_id = :i", i=item)

    def op_sql_drop_judgements(self, who: int, c: int) -> None:
        self._sql("DELETE FROM judgement WHERE learner_id = :l AND criterion_id = :c",
                  l=self.learners[who], c=self.criteria[c])

    def op_sql_move(self, n: int, who: int) -> None:  # an item re-filed under another learner
        if (item := self._item(n)) is not None:
            self._sql("UPDATE evidence_item SET learner_id = :l WHERE id = :i",
                      l=self.learners[who], i=item)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(ops=st.lists(OPS, min_size=1, max_size=25))
def test_table_and_coverage_equal_a_full_recount(store, world, ops) -> None:
    # The same database across examples: the invariant holds whatever came before.
    with store.read_session() as s:
        learners = [r[0] for r in s.execute(text("SELECT id FROM learner ORDER BY id")).all()]
    if len(learners) == 1:
        other = add_learner(store, "Tom Okafor", "R1002")
        enrol(store, other.id, "K/503/8194")
        learners.append(other.id)
    criteria = sorted(world.k.criteria.values()) + sorted(world.h.criteria.values())
    run = _Run(store, learners, criteria)
    with store.read_session() as s:
        run.items = [r[0] for r in s.execute(text("SELECT id FROM evidence_item")).all()]
    for op in ops:
        run.apply(op)
    assert_matches_recount(store, learners)


def test_erasing_a_learner_leaves_no_rows(store, world) -> None:
    lid = world.learner.id
    item = create_evidence(store, lid, "observation", text="x", criteria=["K/503/8194:1.1"])
    record_judgement(store, lid, "K/503/8194:1.1", "met", actor="A. Assessor")
    with store.session() as s:
        s.execute(text("DELETE FROM evidence_criterion WHERE evidence_id = :i"),
                  {"i": item.evidence_id})
        assert s.execute(text("SELECT count(*) FROM evidence_coverage")).scalar() == 1
        s.execute(text("DELETE FROM judgement WHERE learner_id = :l"), {"l": lid})
        assert s.execute(text("SELECT count(*) FROM evidence_coverage")).scalar() == 0
        # Whatever is left when the learner row goes, goes with it.
        s.execute(text("INSERT INTO evidence_coverage (learner_id, criterion_id, "
                       "evidence_count, evidence_ids) VALUES (:l, 1, 0, '')"), {"l": lid})
        s.execute(text("DELETE FROM evidence_item WHERE learner_id = :l"), {"l": lid})
        s.execute(text("DELETE FROM enrolment WHERE learner_id = :l"), {"l": lid})
        s.execute(text("DELETE FROM audit_entry"))
        s.execute(text("DELETE FROM learner WHERE id = :l"), {"l": lid})
        assert s.execute(text("SELECT count(*) FROM evidence_coverage")).scalar() == 0
