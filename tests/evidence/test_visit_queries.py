"""The visit screen's reads by page and by id (issue 10): keyset pages walk a visit newest first
without gaps or repeats, even when items share a date or one is deleted between pages; a
criterion's state and a requirement's ticks read alone agree with the whole-learner coverage."""

from __future__ import annotations

from datetime import date, timedelta

from assessor_app.evidence.coverage import learner_coverage
from assessor_app.evidence.items import (
    create_evidence,
    delete_evidence,
    list_evidence,
    set_evidence_field,
)
from assessor_app.evidence.judgements import record_judgement
from assessor_app.evidence.mapping import map_criterion
from assessor_app.evidence.queries import (
    criterion_states,
    evidence_refs,
    evidence_summaries,
    requirement_ticks,
    summary_key,
    visit_coverage,
    visit_evidence_page,
)
from assessor_app.evidence.requirements import tick_requirement
from assessor_app.evidence.visits import start_visit
from assessor_app.store import Store
from tests.evidence.conftest import World


def _visit(store: Store, world: World, n: int) -> tuple[int, list[int]]:
    lid = world.learner.id
    visit = start_visit(store, lid, on=date(2025, 3, 4))
    ids = []
    for i in range(n):
        ids.append(create_evidence(store, lid, "observation", visit_id=visit.id,
                                   text=f"Line {i}\nmore").evidence_id)
        create_evidence(store, lid, "witness")  # items outside the visit
    if n > 7:  # two items moved to other days: the order is by date, then by id
        set_evidence_field(store, ids[3], "date", date(2025, 3, 4) + timedelta(days=2))
        set_evidence_field(store, ids[7], "date", date(2025, 3, 4) - timedelta(days=1))
    return visit.id, ids


def _walk(store: Store, world: World, visit_id: int, limit: int) -> list[int]:
    out, after = [], None
    while True:
        page = visit_evidence_page(store, world.learner.id, visit_id, limit=limit,
                                   **({"after": after} if after else {}))
        out.extend(s.id for s in page)
        if len(page) < limit:
            return out
        after = summary_key(page[-1])


def test_pages_walk_the_visit_newest_first_like_the_full_list(store: Store,
                                                              world: World) -> None:
    visit_id, ids = _visit(store, world, 23)
    full = [s.id for s in list_evidence(store, world.learner.id, visit_id=visit_id)][::-1]
    assert sorted(full) == sorted(ids)
    assert full[0] == ids[3] and full[-1] == ids[7]  # by date first
    for limit in (1, 5, 7, 23, 50):
        assert _walk(store, world, visit_id, limit) == full
    page = visit_evidence_page(store, world.learner.id, visit_id, limit=5)
    assert [s.first_line for s in page][:2] == ["Line 3", "Line 22"]
    listed = {s.id: s for s in list_evidence(store, world.learner.id, visit_id=visit_id)}
    assert page == [listed[s.id] for s in page]  # the same summaries the full list gives


def test_a_deleted_item_leaves_the_pages_and_is_read_back_flagged(store: Store,
                                                                  world: World) -> None:
    visit_id, ids = _visit(store, world, 12)
    first = visit_evidence_page(store, world.learner.id, visit_id, limit=4)
    delete_evidence(store, first[-1].id)
    delete_evidence(store, ids[0])
    rest = visit_evidence_page(store, world.learner.id, visit_id, after=summary_key(first[-1]),
                               limit=50)
    assert first[-1].id not in {s.id for s in rest} and ids[0] not in {s.id for s in rest}
    assert len(first) + len(rest) == 12 - 1  # the one deleted after its page was read stays
    again = {s.id: s for s in evidence_summaries(store, [ids[0], ids[1], 999_999])}
    assert set(again) == {ids[0], ids[1]} and again[ids[0]].deleted and not again[ids[1]].deleted
    assert evidence_refs(store, [ids[0], ids[1]]) == {ids[0]: again[ids[0]].ref,
                                                     ids[1]: again[ids[1]].ref}


def test_states_and_ticks_read_alone_agree_with_the_learners_coverage(store: Store,
                                                                       world: World) -> None:
    lid = world.learner.id
    visit_id, ids = _visit(store, world, 3)
    crits = list(world.k.criteria.values())
    map_criterion(store, ids[0], crits[0])
    map_criterion(store, ids[1], crits[1])
    record_judgement(store, lid, crits[1], "met", actor="Assessor")
    record_judgement(store, lid, crits[2], "not_yet", actor="Assessor")
    delete_evidence(store, ids[1])  # met stays met without its evidence
    req_ids = list(world.k.requirements.values())
    tick_requirement(store, ids[0], req_ids[0])
    tick_requirement(store, ids[1], req_ids[1])  # a deleted item's tick does not count

    whole = learner_coverage(store, lid)
    states = criterion_states(store, lid, [c.criterion_id for u in whole.units
                                           for c in u.criteria])
    assert states == {c.criterion_id: c.state for u in whole.units for c in u.criteria}
    assert states[crits[0]] == "evidenced" and states[crits[1]] == "met"
    ticks = requirement_ticks(store, lid, req_ids)
    assert ticks.evidence_ids == {r.requirement_id: tuple(r.evidence_ids)
                                  for u in whole.units for r in u.requirements}
    assert ticks.refs == evidence_refs(store, [ids[0]])
    shown = visit_coverage(store, lid)
    assert shown.refs == ticks.refs
