"""Integration with the real bundled unit specs (K/503/8194, H/601/1232, L/601/1239)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from assessor_app.cli import main
from assessor_app.evidence import (
    add_learner,
    create_evidence,
    enrol,
    learner_coverage,
    record_judgement,
    tick_requirement,
)
from assessor_app.evidence.requirements import requirement_by_key
from assessor_app.specs import bootstrap

UNITS = ("K/503/8194", "H/601/1232", "L/601/1239")


@pytest.fixture
def seeded(store):
    bootstrap.ensure_bundled_specs(store)
    with store.session() as s:
        present = {r[0] for r in s.execute(text("select reference from unit")).all()}
    assert [u for u in UNITS if u not in present] == []  # a missing bundled unit is a failure
    return store


def _criteria_per_unit(store) -> dict[str, list[str]]:
    """Straight from the spec tables (latest version), independent of the coverage query."""
    with store.session() as s:
        rows = s.execute(text("""
            select u.reference, c.number from unit u
            join unit_version v on v.unit_id = u.id
             and v.number = (select max(number) from unit_version where unit_id = u.id)
            join criterion c on c.version_id = v.id order by u.reference, c.position
        """)).all()
    out: dict[str, list[str]] = {}
    for ref, number in rows:
        out.setdefault(ref, []).append(number)
    return out


def test_holistic_evidence_across_three_real_units(seeded) -> None:
    store = seeded
    learner = add_learner(store, "Priya Shah", "R1001", employer="Corner Shop")
    for ref in UNITS:
        enrol(store, learner.id, ref)
    spec = _criteria_per_unit(store)
    k1, h1, l1 = spec["K/503/8194"][0], spec["H/601/1232"][0], spec["L/601/1239"][0]
    obs = create_evidence(store, learner.id, "observation",
                          text="Handled a loyalty-card customer's complaint at the till",
                          criteria=[f"K/503/8194:{k1}", f"H/601/1232:{h1}",
                                    f"L/601/1239:{l1}"])
    record_judgement(store, learner.id, f"L/601/1239:{l1}", "met", actor="A. Assessor")
    with store.session() as s:
        req_4a = requirement_by_key(s, learner.id, "L/601/1239", "4a")
    tick_requirement(store, obs.evidence_id, req_4a)

    cov = learner_coverage(store, learner.id)
    assert [u.reference for u in cov.units] == sorted(UNITS)
    for unit in cov.units:
        assert [c.number for c in unit.criteria] == spec[unit.reference]
        assert unit.counts.total == len(spec[unit.reference])
        assert sum(o.counts.total for o in unit.outcomes) == unit.counts.total
    assert cov.unit("K/503/8194").criteria[0].evidence_ids == (obs.evidence_id,)
    assert cov.unit("L/601/1239").criteria[0].state == "met"
    assert cov.counts.evidenced == 2 and cov.counts.met == 1
    l_reqs = cov.unit("L/601/1239").requirements
    assert [r.key for r in l_reqs if r.ticked] == ["4a"]
    assert len(l_reqs) > 1 and {"4a", "6b"} <= {r.key for r in l_reqs}


def test_cli_with_real_units(seeded, capsys) -> None:
    db = str(seeded.db_path)
    assert main(["learner", "add", "--name", "Tom", "--reg", "R2", "--db", db]) == 0
    assert main(["enrol", "R2", "L/601/1239", "--db", db]) == 0
    capsys.readouterr()
    assert main(["evidence", "add", "R2", "--kind", "witness", "--text", "Feedback survey",
                 "--criteria", "L/601/1239:1.1", "--witness-name", "Sam", "--db", db]) == 0
    evidence_id = int(capsys.readouterr().out)
    assert main(["evidence", "tick", str(evidence_id), "L/601/1239", "6b", "--db", db]) == 0
    assert main(["evidence", "tick", str(evidence_id), "K/503/8194", "1", "--db", db]) == 2
    assert "not enrolled on unit K/503/8194" in capsys.readouterr().err
    assert main(["coverage", "R2", "--json", "--db", db]) == 0
    unit = json.loads(capsys.readouterr().out)["units"][0]
    assert unit["reference"] == "L/601/1239"
    assert [r["key"] for r in unit["requirements"] if r["ticked"]] == ["6b"]
    assert unit["criteria"][0] == {"number": "1.1", "outcome": "1", "state": "evidenced",
                                   "evidence": [evidence_id]}
