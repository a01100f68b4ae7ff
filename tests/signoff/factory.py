"""Build realistic test records directly with the models (no dependency on the evidence API)."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from assessor_app.signoff.strokes import SignatureStrokes
from assessor_app.store.models import (
    Criterion,
    Enrolment,
    EvidenceCriterion,
    EvidenceItem,
    EvidenceRequirement,
    EvidenceRequirementTick,
    Judgement,
    Learner,
    LearningOutcome,
    Publication,
    QuestionAnswer,
    Setting,
    Unit,
    UnitVersion,
)

# Seed 004 (OCR unit 20, H/601/1232), outcomes and criteria as published.
SEED_UNIT = {
    "reference": "H/601/1232",
    "title": "Improve the customer relationship",
    "level": 3, "credit": 7, "glh": 47, "awarding_body": "OCR", "unit_number": "20",
    "outcomes": [
        ("1", "Improve communication with their customers", [
            ("1.1", "select and use the best method of communication to meet their customers’ "
                    "expectations"),
            ("1.2", "take the initiative to contact their customers to update them when things "
                    "are not going to plan or when they require further information"),
            ("1.3", "adapt their communication to respond to individual customers’ feelings"),
        ]),
        ("2", "Balance the needs of their customer and their organisation", [
            ("2.1", "meet their customers’ expectations within their organisation’s service "
                    "offer"),
            ("2.2", "explain the reasons to their customers sensitively and positively when "
                    "customer expectations cannot be met"),
            ("2.3", "identify alternative solutions for their customers either within or "
                    "outside the organisation"),
            ("2.4", "identify the costs and benefits of these solutions to their organisation "
                    "and to their customers"),
            ("2.5", "negotiate and agree solutions with their customers which satisfy them and "
                    "are acceptable to their organisation"),
            ("2.6", "take action to satisfy their customers with the agreed solution when "
                    "balancing customer needs with those of their organisation"),
        ]),
        ("3", "Exceed customer expectations to develop the relationship", [
            ("3.1", "make extra efforts to improve their relationship with their customers"),
            ("3.2", "recognise opportunities to exceed their customers’ expectations"),
            ("3.3", "take action to exceed their customers’ expectations within the limits of "
                    "their own authority"),
            ("3.4", "gain the help and support of others to exceed their customers’ "
                    "expectations"),
        ]),
        ("4", "Understand how to improve the customer relationship", [
            ("4.1", "describe how to make best use of the method of communication chosen for "
                    "dealing with their customers"),
            ("4.2", "explain how to negotiate effectively with their customers"),
            ("4.3", "explain how to assess the costs and benefits to their customers and their "
                    "organisation of any unusual agreement they make"),
            ("4.4", "explain the importance of customer loyalty and/or improved internal "
                    "customer relationships to their organisation"),
        ]),
    ],
    "requirements": [("1", "Performance evidence must be observed by the assessor in the "
                           "workplace."),
                     ("2", "Knowledge evidence may be questioning or professional discussion.")],
}


@dataclass
class UnitRecords:
    unit: Unit
    version: UnitVersion
    criteria: dict[str, Criterion] = field(default_factory=dict)
    requirements: dict[str, EvidenceRequirement] = field(default_factory=dict)


def add_unit(session: Session, spec: dict) -> UnitRecords:
    unit = Unit(reference=spec["reference"])
    session.add(unit)
    session.flush()
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    uv = UnitVersion(unit_id=unit.id, number=1, content_hash=digest, title=spec["title"],
                     level=spec["level"], credit_value=spec["credit"], glh=spec.get("glh"))
    session.add(uv)
    session.flush()
    session.add(Publication(unit_id=unit.id, awarding_body=spec["awarding_body"],
                            unit_number=spec["unit_number"]))
    rec = UnitRecords(unit, uv)
    pos = 0
    for o_pos, (o_no, o_text, crits) in enumerate(spec["outcomes"]):
        lo = LearningOutcome(version_id=uv.id, number=o_no, text=o_text, position=o_pos)
        session.add(lo)
        session.flush()
        for c_no, c_text in crits:
            c = Criterion(version_id=uv.id, outcome_id=lo.id, number=c_no, text=c_text,
                          position=pos)
            pos += 1
            session.add(c)
            session.flush()
            rec.criteria[c_no] = c
    for r_pos, (key, text) in enumerate(spec.get("requirements", [])):
        r = EvidenceRequirement(version_id=uv.id, key=key, text=text, position=r_pos)
        session.add(r)
        session.flush()
        rec.requirements[key] = r
    return rec


def big_unit_spec(n_outcomes: int, per_outcome: int, reference: str = "Y/999/0001") -> dict:
    words = ("explain how to handle a customer’s complaint about a delayed delivery, keeping "
             "them informed and agreeing what happens next within the organisation’s policy")
    return {
        "reference": reference, "title": "A long unit with many criteria", "level": 2,
        "credit": 12, "glh": 90, "awarding_body": "OCR", "unit_number": "99",
        "outcomes": [(str(o), f"Outcome {o} about serving customers well",
                      [(f"{o}.{c}", f"Criterion {o}.{c}: {words}")
                       for c in range(1, per_outcome + 1)])
                     for o in range(1, n_outcomes + 1)],
        "requirements": [],
    }


def add_learner(session: Session, unit: UnitRecords | None = None, *,
                registration: str = "R1001", name: str = "Priya Shah") -> Learner:
    session.merge(Setting(key="centre_name", value="Northgate Training Centre"))
    learner = Learner(name=name, registration=registration, employer="Corner Shop Ltd",
                      line_manager="Sam Lee")
    session.add(learner)
    session.flush()
    if unit is not None:
        # enrolled well before the visits and signatures these scenarios date in 2025
        session.add(Enrolment(learner_id=learner.id, unit_id=unit.unit.id,
                              unit_version_id=unit.version.id,
                              enrolled_at=datetime(2025, 9, 1, 9, 0, tzinfo=UTC)))
    session.flush()
    return learner


def add_evidence(session: Session, learner: Learner, kind: str, on: date, title: str,
                 text: str, criteria: list[Criterion], **extra: object) -> EvidenceItem:
    qa = extra.pop("qa", [])
    item = EvidenceItem(learner_id=learner.id, kind=kind, date=on, title=title, text=text,
                        **extra)
    session.add(item)
    session.flush()
    for c in criteria:
        session.add(EvidenceCriterion(evidence_id=item.id, criterion_id=c.id))
    for i, (q, a, ok) in enumerate(qa):  # type: ignore[attr-defined]
        session.add(QuestionAnswer(evidence_id=item.id, position=i, question=q, answer=a,
                                   satisfied=ok))
    session.flush()
    return item


def judge(session: Session, learner: Learner, criteria: list[Criterion], state: str = "met",
          when: datetime | None = None) -> None:
    from assessor_app.store.audit import append_audit

    for c in criteria:
        row = Judgement(learner_id=learner.id, criterion_id=c.id, state=state,
                        decided_by="Alex Morgan",
                        decided_at=when or datetime(2025, 11, 12, 15, 0, tzinfo=UTC))
        session.add(row)
        session.flush()
        # audited as the app's judgement service does, so the trail describes every row
        append_audit(session, actor="Alex Morgan", action="judgement",
                     subject=f"learner:{learner.id}/criterion:{c.id}",
                     details={"judgement_id": row.id, "state": state, "evidence_ids": []})
    session.flush()


def tick(session: Session, learner: Learner, req: EvidenceRequirement,
         item: EvidenceItem) -> None:
    session.add(EvidenceRequirementTick(learner_id=learner.id, requirement_id=req.id,
                                        evidence_id=item.id))
    session.flush()


@dataclass
class SeedScenario:
    learner_id: int
    unit_id: int
    unit_version_id: int
    observation_id: int
    criteria_ids: dict[str, int]


def seed_scenario(session: Session, *, complete: bool = True) -> SeedScenario:
    """A learner with seed 004's unit, an observation, questioning and a witness statement."""
    unit = add_unit(session, SEED_UNIT)
    learner = add_learner(session, unit)
    c = unit.criteria
    perf = [c[k] for k in ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.5", "2.6",
                           "3.1", "3.2", "3.3")]
    obs = add_evidence(
        session, learner, "observation", date(2025, 11, 12), "Handling a late delivery",
        "Priya took a call from a regular customer whose order hadn’t arrived. She apologised, "
        "checked the courier’s tracking and called back within ten minutes as promised.\n"
        "She offered two options — a refund or next-day delivery at no charge — and explained "
        "“why” the delay happened without blaming colleagues.",
        perf, start_time="10:05", end_time="10:50")
    qa = add_evidence(
        session, learner, "questioning", date(2025, 11, 12), "Negotiation and loyalty",
        "", [c["4.1"], c["4.2"], c["4.3"], c["4.4"], c["2.4"]],
        qa=[("How do you choose between phone and email?",
             "Phone when the customer is upset or it’s urgent; email when they need details "
             "in writing.", True),
            ("Why does customer loyalty matter to the shop?",
             "Regulars make up most of our takings and recommend us.", True)])
    wt = add_evidence(
        session, learner, "witness", date(2025, 11, 14), "Manager’s witness statement",
        "Priya asked the stockroom team to hold a special order for a customer’s party.",
        [c["3.4"]], witness_name="Sam Lee", witness_role="Store manager",
        witness_relationship="Line manager", witness_contact="01632 960123")
    judged = list(c.values()) if complete else [x for k, x in c.items() if k != "4.4"]
    judge(session, learner, judged)
    tick(session, learner, unit.requirements["1"], obs)
    if complete:
        tick(session, learner, unit.requirements["2"], qa)
    del wt
    return SeedScenario(learner.id, unit.unit.id, unit.version.id, obs.id,  # type: ignore[arg-type]
                        {k: v.id for k, v in c.items()})  # type: ignore[misc]


def scribble(width: float = 600, height: float = 200, loops: int = 3,
             seed: float = 0.0) -> str:
    """A plausible signature: a few looping strokes across most of the pad."""
    strokes = []
    t = 0
    for s in range(loops):
        pts = []
        for i in range(60):
            u = i / 59
            x = 0.08 + 0.84 * (s + u) / loops
            y = 0.5 + 0.3 * math.sin(u * math.pi * 4 + s + seed) * (0.6 + 0.4 * math.cos(u * 7))
            pts.append((x, y, t, 0.3 + 0.5 * u))
            t += 8
        strokes.append(pts)
    return SignatureStrokes.from_points(width, height, strokes).to_json()


def sign_all(session: Session, signoff_id: int, *, lm_date: date = date(2025, 11, 20),
             assessor_date: date = date(2025, 11, 21), today: date = date(2025, 11, 25)) -> None:
    from assessor_app.signoff.service import add_signature

    add_signature(session, signoff_id, "learner", printed_name="Priya Shah",
                  signed_on=lm_date - timedelta(days=1), strokes_json=scribble(seed=1),
                  declaration_accepted=True, today=today)
    add_signature(session, signoff_id, "line_manager", printed_name="Sam Lee",
                  job_title="Store manager", signed_on=lm_date, strokes_json=scribble(seed=2),
                  today=today)
    add_signature(session, signoff_id, "assessor", printed_name="Alex Morgan",
                  signed_on=assessor_date, strokes_json=scribble(seed=3), today=today)
