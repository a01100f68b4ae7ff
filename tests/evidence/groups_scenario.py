"""A learner on the real bundled unit L/601/1239, whose evidence requirements are 1, 2, 3,
4 (a heading for 4a–4d), 5 and 6 (a heading for 6a–6d). Shared by the evidence, sign-off and ERS
tests of group headings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from assessor_app.evidence import (
    add_learner,
    create_evidence,
    enrol,
    learner_coverage,
    record_judgement,
    tick_requirement,
)
from assessor_app.specs.bootstrap import ensure_bundled_specs
from assessor_app.store import Store
from assessor_app.store.models import EvidenceRequirement

UNIT = "L/601/1239"
GROUPS = {"4": ["4a", "4b", "4c", "4d"], "6": ["6a", "6b", "6c", "6d"]}
LEAVES = ["1", "2", "3", "4a", "4b", "4c", "4d", "5", "6a", "6b", "6c", "6d"]


@dataclass
class Scenario:
    learner_id: int
    unit_version_id: int
    evidence_id: int  # one observation mapped to every criterion of the unit
    requirement_ids: dict[str, int]  # key → id, groups included


def l601_learner(store: Store, registration: str = "R4001") -> Scenario:
    ensure_bundled_specs(store)
    learner = add_learner(store, "Priya Shah", registration, employer="Corner Shop")
    assert learner.id is not None
    enrolment = enrol(store, learner.id, UNIT)
    unit = learner_coverage(store, learner.id).unit(UNIT)
    obs = create_evidence(store, learner.id, "observation",
                          text="Greeted a new customer and later collected feedback.",
                          criteria=[f"{UNIT}:{c.number}" for c in unit.criteria])
    with store.session() as s:
        rows = s.exec(select(EvidenceRequirement)
                      .where(EvidenceRequirement.version_id == unit.version_id)
                      .order_by(col(EvidenceRequirement.position))).all()
        ids = {r.key: r.id for r in rows if r.id is not None}
    assert enrolment.unit_version_id == unit.version_id
    return Scenario(learner.id, unit.version_id, obs.evidence_id, ids)


def judge_all_met(store: Store, sc: Scenario) -> None:
    for c in learner_coverage(store, sc.learner_id).unit(UNIT).criteria:
        record_judgement(store, sc.learner_id, f"{UNIT}:{c.number}", "met", actor="A. Assessor")


def tick(store: Store, sc: Scenario, keys: list[str]) -> None:
    for key in keys:
        tick_requirement(store, sc.evidence_id, sc.requirement_ids[key])
