"""The canonical content of one learner's unit: what an ERS shows and what signatures bind to.

`build_ers_content(session, learner_id, unit_version_id)` returns plain JSON data (schema
`ers-content/1`, shape below); `content_hash()` of it is what every signature signs. It holds
no timestamps of its own, so building it twice from the same records gives the same hash.

Shape (all dates ISO `YYYY-MM-DD`)::

    schema, centre{name, number}, assessor{name, id},
    learner{name, registration, employer, line_manager, uln},
    qualification{title, number},
    unit{reference, title, level, credit, glh, version, version_hash,
         publications[{awarding_body, unit_number}]},
    outcomes[{number, text, criteria[{number, text, judgement, met_on, evidence[ref]}]}],
    requirements[{key, text, ticked, evidence[ref]} | {key, text, group: true, ticked: false,
                 evidence: []}],  # a group heads the lettered items after it; never a gap
    evidence[{id, ref, kind, date, title, revision, text, start_time, end_time,
              witness{name, role, relationship, contact}, qa[{question, answer, satisfied}],
              attachments[{filename, sha256}]}],
    declarations{learner, line_manager, assessor},
    partial: null | {reason, unmet_criteria[number], unticked_requirements[key]}
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from assessor_app.evidence.items import evidence_ref
from assessor_app.evidence.range_items import covered_range_items
from assessor_app.specs.queries import version_rows
from assessor_app.store.models import (
    Attachment,
    Enrolment,
    EvidenceCriterion,
    EvidenceItem,
    EvidenceKind,
    EvidenceRequirementTick,
    Judgement,
    JudgementState,
    Learner,
    QuestionAnswer,
    Setting,
    Unit,
    UnitVersion,
)

SCHEMA = "ers-content/1"
DEFAULT_CENTRE_NAME = "Assessment centre (name not set)"


DECLARATIONS = {
    "learner": "I declare that the evidence recorded on this sheet is my own work.",
    "line_manager": "I confirm my involvement in this assessment and that the evidence recorded "
                    "reflects the learner's performance at work.",
    "assessor": "I confirm that the evidence recorded is valid, authentic, current and sufficient "
                "for the criteria marked as met.",
}


class ContentNotFound(LookupError):
    """The learner, unit or unit version does not exist (message is user-facing)."""


@dataclass(frozen=True)
class Gaps:
    """What stands between this content and a completion claim."""

    unmet_criteria: list[str] = field(default_factory=list)
    unticked_requirements: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.unmet_criteria and not self.unticked_requirements


def _setting(session: Session, key: str) -> str:
    row = session.get(Setting, key)
    return row.value.strip() if row else ""


def centre_name(session: Session) -> str:
    return _setting(session, "centre_name") or DEFAULT_CENTRE_NAME


def _header_people(session: Session, learner: Learner, learner_id: int,
                   unit_id: int) -> dict[str, Any]:
    """Who and what the ERS header names: centre, assessor, learner, qualification."""
    enrolment = session.exec(select(Enrolment).where(Enrolment.learner_id == learner_id,
                                                     Enrolment.unit_id == unit_id)).first()
    return {
        "centre": {"name": centre_name(session), "number": _setting(session, "centre_number")},
        "assessor": {"name": _setting(session, "assessor_name"),
                     "id": _setting(session, "assessor_id")},
        "learner": {"name": learner.name, "registration": learner.registration,
                    "employer": learner.employer, "line_manager": learner.line_manager,
                    "uln": learner.uln},
        "qualification": {"title": enrolment.qualification_title if enrolment else "",
                          "number": enrolment.qualification_number if enrolment else ""},
    }


def evidence_references(session: Session, learner_id: int) -> dict[int, str]:
    """`{evidence_id: "OBS-3"}` for all the learner's evidence: kind prefix + the item's number
    among the learner's items of that kind in creation order (the evidence area's rule, so the
    ERS shows the references the assessor sees on screen). Deleted items keep their number, so a
    reference printed on a signed ERS never shifts to a different item."""
    rows = session.exec(
        select(EvidenceItem.id, EvidenceItem.kind)
        .where(EvidenceItem.learner_id == learner_id)
        .order_by(col(EvidenceItem.id))
    ).all()
    counters: dict[str, int] = defaultdict(int)
    refs: dict[int, str] = {}
    for ev_id, kind in rows:
        counters[kind] += 1
        refs[ev_id] = evidence_ref(kind, counters[kind])  # type: ignore[index]
    return refs


def resolve_unit_version(session: Session, learner_id: int, unit_id: int) -> UnitVersion:
    """The version the learner is enrolled on, else the unit's newest version."""
    enrol = session.exec(
        select(Enrolment).where(Enrolment.learner_id == learner_id, Enrolment.unit_id == unit_id)
    ).first()
    if enrol is not None:
        uv = session.get(UnitVersion, enrol.unit_version_id)
        if uv is not None:
            return uv
    uv = session.exec(
        select(UnitVersion).where(UnitVersion.unit_id == unit_id)
        .order_by(col(UnitVersion.number).desc())
    ).first()
    if uv is None:
        raise ContentNotFound("That unit has no imported specification yet.")
    return uv


def find_learner_unit(session: Session, registration: str,
                      unit_reference: str) -> tuple[Learner, UnitVersion]:
    """Look up by learner registration number and unit reference (e.g. "H/601/1232")."""
    learner = session.exec(select(Learner).where(Learner.registration == registration)).first()
    if learner is None:
        raise ContentNotFound(f"No learner with registration number {registration!r}.")
    unit = session.exec(select(Unit).where(Unit.reference == unit_reference)).first()
    if unit is None:
        raise ContentNotFound(f"No unit with reference {unit_reference!r}.")
    assert learner.id is not None and unit.id is not None
    return learner, resolve_unit_version(session, learner.id, unit.id)


def _local_date(dt: datetime) -> str:
    # judgements are stored in UTC; the date printed is the assessor's local calendar date
    return dt.astimezone().date().isoformat()


def _current_judgements(session: Session, learner_id: int,
                        criterion_ids: list[int]) -> dict[int, Judgement]:
    rows = session.exec(
        select(Judgement)
        .where(Judgement.learner_id == learner_id, col(Judgement.criterion_id).in_(criterion_ids))
        .order_by(col(Judgement.id))
    ).all()
    current: dict[int, Judgement] = {}
    for j in rows:  # append-only: the highest id is the current decision (as in coverage.py)
        current[j.criterion_id] = j
    return current


def _evidence_entry(item: EvidenceItem, ref: str, qa: list[QuestionAnswer],
                    attachments: list[Attachment]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": item.id,
        "ref": ref,
        "kind": item.kind,
        "date": item.date.isoformat(),
        "title": item.title,
        "revision": item.revision,
        "text": item.text,
        "start_time": item.start_time,
        "end_time": item.end_time,
        "witness": None,
        "qa": [{"question": q.question, "answer": q.answer, "satisfied": q.satisfied}
               for q in sorted(qa, key=lambda q: q.position)],
        "attachments": [{"filename": a.filename, "sha256": a.sha256}
                        for a in sorted(attachments, key=lambda a: (a.filename, a.sha256))],
    }
    if item.witness_name or item.kind == EvidenceKind.WITNESS.value:
        entry["witness"] = {"name": item.witness_name, "role": item.witness_role,
                            "relationship": item.witness_relationship,
                            "contact": item.witness_contact}
    return entry


def _mapped(session: Session, learner_id: int,
            crit_ids: list[int]) -> dict[int, list[EvidenceItem]]:
    """criterion id → the learner's live evidence mapped to it."""
    mapped = session.exec(
        select(EvidenceCriterion.criterion_id, EvidenceItem)
        .join(EvidenceItem, col(EvidenceItem.id) == EvidenceCriterion.evidence_id)
        .where(col(EvidenceCriterion.criterion_id).in_(crit_ids),
               EvidenceItem.learner_id == learner_id, col(EvidenceItem.deleted).is_(False))
    ).all()
    by_criterion: dict[int, list[EvidenceItem]] = defaultdict(list)
    for crit_id, item in mapped:
        by_criterion[crit_id].append(item)
    return by_criterion


def _ticked(session: Session, learner_id: int,
            req_ids: list[int]) -> dict[int, list[EvidenceItem]]:
    """requirement id → the learner's live evidence ticked against it."""
    ticks = session.exec(
        select(EvidenceRequirementTick.requirement_id, EvidenceItem)
        .join(EvidenceItem, col(EvidenceItem.id) == EvidenceRequirementTick.evidence_id)
        .where(EvidenceRequirementTick.learner_id == learner_id,
               col(EvidenceRequirementTick.requirement_id).in_(req_ids),
               col(EvidenceItem.deleted).is_(False))
    ).all()
    by_requirement: dict[int, list[EvidenceItem]] = defaultdict(list)
    for req_id, item in ticks:
        by_requirement[req_id].append(item)
    return by_requirement


def _outcome_rows(spec: Any, judgements: dict[int, Judgement],
                  by_criterion: dict[int, list[EvidenceItem]],
                  sorted_refs: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The outcomes with their criteria, judgements and evidence; and the unmet criteria."""
    out_rows = []
    unmet: list[str] = []
    for o in spec.outcomes:
        crit_rows = []
        for c in (c for c in spec.criteria if c.outcome_id == o.id):
            j = judgements.get(c.id)  # type: ignore[arg-type]
            state = j.state if j else "none"
            met = state == JudgementState.MET.value
            if not met:
                unmet.append(c.number)
            crit_rows.append({
                "number": c.number, "text": c.text, "judgement": state,
                "met_on": _local_date(j.decided_at) if (j and met) else None,
                "evidence": sorted_refs(by_criterion.get(c.id, [])),  # type: ignore[arg-type]
            })
        out_rows.append({"number": o.number, "text": o.text, "criteria": crit_rows})
    return out_rows, unmet


def _requirement_rows(requirements: list[Any], by_requirement: dict[int, list[EvidenceItem]],
                      sorted_refs: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The evidence requirements with their ticks; and the unticked ones."""
    req_rows: list[dict[str, Any]] = []
    unticked: list[str] = []
    for r in requirements:
        if r.is_group:
            # A heading for its lettered items: nothing to tick, so never a gap. The key is only
            # present when true, so content without groups hashes as before.
            req_rows.append({"key": r.key, "text": r.text, "group": True, "ticked": False,
                             "evidence": []})
            continue
        evs = by_requirement.get(r.id, [])  # type: ignore[arg-type]
        if not evs:
            unticked.append(r.key)
        req_rows.append({"key": r.key, "text": r.text, "ticked": bool(evs),
                         "evidence": sorted_refs(evs)})
    return req_rows, unticked


def _evidence_entries(session: Session, items: dict[int, EvidenceItem],
                      refs: dict[int, str]) -> list[dict[str, Any]]:
    """Every item the record names, oldest first, with its questions and attachments."""
    ev_ids = list(items)
    qa_rows = session.exec(select(QuestionAnswer)
                           .where(col(QuestionAnswer.evidence_id).in_(ev_ids))).all()
    att_rows = session.exec(select(Attachment).where(col(Attachment.evidence_id).in_(ev_ids))).all()
    qa_by: dict[int, list[QuestionAnswer]] = defaultdict(list)
    att_by: dict[int, list[Attachment]] = defaultdict(list)
    for q in qa_rows:
        qa_by[q.evidence_id].append(q)
    for a in att_rows:
        att_by[a.evidence_id].append(a)
    return [
        _evidence_entry(item, refs[eid], qa_by[eid], att_by[eid])
        for eid, item in sorted(items.items(), key=lambda kv: (kv[1].date, kv[0]))
    ]


def _add_range_items(session: Session, entries: list[dict[str, Any]],
                     unit_reference: str) -> list[dict[str, Any]]:
    """The range items of this unit each item was recorded as covering (issue 13), on the
    entries that have any: entries without keep the shape older records were signed with."""
    covered = covered_range_items(session, [e["id"] for e in entries])
    for entry in entries:
        mine = [{k: r[k] for k in ("where", "heading", "item")}
                for r in covered.get(entry["id"], []) if r["unit"] == unit_reference]
        if mine:
            entry["range_items"] = mine
    return entries


def build_ers_content(session: Session, learner_id: int, unit_version_id: int, *,
                      partial_reason: str = "") -> dict[str, Any]:
    """Gather the canonical content from the database. `partial_reason` is recorded (with the
    computed gaps) only when the unit has gaps; a complete unit never carries a partial block."""
    learner = session.get(Learner, learner_id)
    uv = session.get(UnitVersion, unit_version_id)
    if learner is None or uv is None:
        raise ContentNotFound("The learner or unit version no longer exists.")
    spec = version_rows(session, uv)
    pubs = sorted(spec.publications, key=lambda p: p.awarding_body)
    crit_ids = [c.id for c in spec.criteria if c.id is not None]
    refs = evidence_references(session, learner_id)
    by_criterion = _mapped(session, learner_id, crit_ids)
    by_requirement = _ticked(session, learner_id, [r.id for r in spec.requirements])
    items: dict[int, EvidenceItem] = {}
    for evs in (*by_criterion.values(), *by_requirement.values()):
        for item in evs:
            items[item.id] = item  # type: ignore[index]

    def sorted_refs(evs: list[EvidenceItem]) -> list[str]:
        uniq = {e.id: e for e in evs}.values()
        return [refs[e.id] for e in sorted(uniq, key=lambda e: (e.date, e.id))]  # type: ignore[index]

    judgements = _current_judgements(session, learner_id, crit_ids)
    out_rows, unmet = _outcome_rows(spec, judgements, by_criterion, sorted_refs)
    req_rows, unticked = _requirement_rows(spec.requirements, by_requirement, sorted_refs)
    gaps = Gaps(unmet, unticked)
    partial = None
    if not gaps.complete and partial_reason.strip():
        partial = {"reason": partial_reason.strip(), "unmet_criteria": unmet,
                   "unticked_requirements": unticked}
    return {
        "schema": SCHEMA,
        **_header_people(session, learner, learner_id, uv.unit_id),
        "unit": {"reference": spec.unit.reference, "title": uv.title, "level": uv.level,
                 "credit": uv.credit_value, "glh": uv.glh, "version": uv.number,
                 "version_hash": uv.content_hash,
                 "publications": [{"awarding_body": p.awarding_body,
                                   "unit_number": p.unit_number} for p in pubs]},
        "outcomes": out_rows,
        "requirements": req_rows,
        "evidence": _add_range_items(session, _evidence_entries(session, items, refs),
                                     spec.unit.reference),
        "declarations": dict(DECLARATIONS),
        "partial": partial,
    }


def content_gaps(content: dict[str, Any]) -> Gaps:
    """Recompute the gaps from content (works on stored snapshots too)."""
    unmet = [c["number"] for o in content["outcomes"] for c in o["criteria"]
             if c["judgement"] != JudgementState.MET.value]
    unticked = [r["key"] for r in content["requirements"]
                if not r["ticked"] and not r.get("group")]
    return Gaps(unmet, unticked)


def covered_evidence(content: dict[str, Any]) -> list[tuple[int, int]]:
    """`(evidence_id, revision)` pairs the content covers; written to `signoff_evidence`."""
    return [(e["id"], e["revision"]) for e in content["evidence"]]
