"""Coverage counts from SQL, checked against states worked out by hand."""

from __future__ import annotations

from assessor_app.evidence import (
    CoverageState,
    add_learner,
    create_evidence,
    delete_evidence,
    enrol,
    learner_coverage,
    learner_progress,
    record_judgement,
    tick_requirement,
)

U, E, M = CoverageState.UNEVIDENCED, CoverageState.EVIDENCED, CoverageState.MET


def test_states_counts_and_evidence_ids(store, world) -> None:
    lid = world.learner.id
    obs = create_evidence(store, lid, "observation", text="Served a customer",
                          criteria=["K/503/8194:1.1", "K/503/8194:1.2", "H/601/1232:1.1"])
    qa = create_evidence(store, lid, "questioning", text="Q&A",
                         criteria=["K/503/8194:1.2", "K/503/8194:2.1"])
    gone = create_evidence(store, lid, "product", text="A leaflet", criteria=["K/503/8194:1.3"])
    delete_evidence(store, gone.evidence_id)
    record_judgement(store, lid, "K/503/8194:1.1", "met", actor="A. Assessor")
    record_judgement(store, lid, "K/503/8194:1.2", "met", actor="A. Assessor")
    record_judgement(store, lid, "K/503/8194:1.2", "not-yet", actor="A. Assessor",
                     reason="answer too thin")  # latest wins: back to evidenced
    record_judgement(store, lid, "H/601/1232:1.1", "met", actor="A. Assessor")

    cov = learner_coverage(store, lid)
    assert [u.reference for u in cov.units] == ["H/601/1232", "K/503/8194"]
    k = cov.unit("K/503/8194")
    states = {c.number: (c.state, c.evidence_ids) for c in k.criteria}
    assert states == {
        "1.1": (M, (obs.evidence_id,)),
        "1.2": (E, (obs.evidence_id, qa.evidence_id)),
        "1.3": (U, ()),  # its only item is deleted
        "1.4": (U, ()),
        "2.1": (E, (qa.evidence_id,)),
        "2.2": (U, ()),
        "2.3": (U, ()),
    }
    o1, o2 = k.outcomes
    assert (o1.counts.total, o1.counts.unevidenced, o1.counts.evidenced, o1.counts.met) == (4, 2, 1, 1)
    assert (o2.counts.total, o2.counts.unevidenced, o2.counts.evidenced, o2.counts.met) == (3, 2, 1, 0)
    assert (k.counts.total, k.counts.unevidenced, k.counts.evidenced, k.counts.met) == (7, 4, 2, 1)
    h = cov.unit("H/601/1232")
    assert [(c.number, c.state) for c in h.criteria] == [("1.1", M), ("1.2", U), ("2.1", U)]
    assert (h.counts.total, h.counts.met) == (3, 1)
    assert (cov.counts.total, cov.counts.unevidenced, cov.counts.evidenced, cov.counts.met) == \
        (10, 6, 2, 2)
    k11 = k.criteria[0]
    assert k11.decided_by == "A. Assessor" and k11.decided_at is not None
    assert k11.decided_at.tzinfo is not None

    progress = learner_progress(store)[lid]
    assert progress == cov.counts


def test_other_learners_evidence_does_not_count(store, world) -> None:
    tom = add_learner(store, "Tom Okafor", "R1002")
    enrol(store, tom.id, "K/503/8194")
    create_evidence(store, tom.id, "observation", text="x", criteria=["K/503/8194:2.2"])
    cov = learner_coverage(store, world.learner.id)
    assert cov.unit("K/503/8194").criteria[5].number == "2.2"
    assert cov.unit("K/503/8194").criteria[5].state is U
    tom_cov = learner_coverage(store, tom.id)
    assert [u.reference for u in tom_cov.units] == ["K/503/8194"]
    assert tom_cov.counts.evidenced == 1 and tom_cov.counts.total == 7


def test_learner_without_units_has_empty_coverage(store, world) -> None:
    nobody = add_learner(store, "New Starter", "R2000")
    cov = learner_coverage(store, nobody.id)
    assert cov.units == [] and cov.counts.total == 0
    assert learner_progress(store)[nobody.id].total == 0


def test_met_stays_met_but_flags_deleted_evidence(store, world) -> None:
    lid = world.learner.id
    item = create_evidence(store, lid, "observation", text="x", criteria=["H/601/1232:2.1"])
    record_judgement(store, lid, "H/601/1232:2.1", "met", actor="A")
    delete_evidence(store, item.evidence_id)
    c = learner_coverage(store, lid).unit("H/601/1232").criteria[2]
    assert c.state is M and c.met_without_evidence


def test_requirement_ticks_show_in_coverage(store, world) -> None:
    lid = world.learner.id
    obs = create_evidence(store, lid, "observation", text="With a customer")
    wit = create_evidence(store, lid, "witness", text="Testimony")
    tick_requirement(store, obs.evidence_id, world.k.requirements["1"])
    reqs = learner_coverage(store, lid).unit("K/503/8194").requirements
    assert [(r.key, r.ticked, r.evidence_ids) for r in reqs] == [
        ("1", True, (obs.evidence_id,)), ("2", False, ())]
    assert learner_coverage(store, lid).unit("K/503/8194").requirements_ticked == 1
    tick_requirement(store, wit.evidence_id, world.k.requirements["2"])
    delete_evidence(store, obs.evidence_id)  # a deleted item no longer satisfies a requirement
    reqs = learner_coverage(store, lid).unit("K/503/8194").requirements
    assert [(r.key, r.ticked, r.evidence_ids) for r in reqs] == [
        ("1", False, ()), ("2", True, (wit.evidence_id,))]
    assert learner_coverage(store, lid).unit("H/601/1232").requirements == []


def test_coverage_json_shape(store, world) -> None:
    lid = world.learner.id
    obs = create_evidence(store, lid, "observation", text="x", criteria=["K/503/8194:1.1"])
    data = learner_coverage(store, lid).to_json()
    assert data["learner"] == "R1001"
    k = next(u for u in data["units"] if u["reference"] == "K/503/8194")
    assert k["criteria"][0] == {"number": "1.1", "outcome": "1", "state": "evidenced",
                                "evidence": [obs.evidence_id]}
    assert k["criteria"][1]["state"] == "unevidenced"
