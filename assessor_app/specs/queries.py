"""Reading units back from the store: the latest version of a unit and its tree as plain data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from assessor_app.specs.requirements import group_keys
from assessor_app.specs.versions import latest_version
from assessor_app.store import Store
from assessor_app.store.models import (
    Criterion,
    EvidenceRequirement,
    GuidanceNote,
    LearningOutcome,
    Publication,
    Unit,
    UnitVersion,
)


def find_unit(session: Session, reference: str) -> Unit | None:
    ref = reference.strip().upper().replace("-", "/")
    return session.exec(select(Unit).where(Unit.reference == ref)).first()


def latest_unit_version(session: Session, reference: str) -> UnitVersion | None:
    """The newest `UnitVersion` of the unit with this reference (None if not imported)."""
    unit = find_unit(session, reference)
    if unit is None or unit.id is None:
        return None
    return latest_version(session, unit.id)


def list_units(session: Session) -> list[dict[str, Any]]:
    out = []
    for unit in session.exec(select(Unit).order_by(col(Unit.reference))):
        assert unit.id is not None
        version = latest_version(session, unit.id)
        pubs = session.exec(select(Publication).where(Publication.unit_id == unit.id)
                            .order_by(col(Publication.id))).all()
        out.append({
            "reference": unit.reference,
            "title": version.title if version else "",
            "version": version.number if version else None,
            "publications": [{"awarding_body": p.awarding_body, "unit_number": p.unit_number}
                             for p in pubs],
        })
    return out


@dataclass(frozen=True)
class VersionRows:
    """A unit version's spec rows in document order (publications in import order)."""

    unit: Unit
    publications: list[Publication]
    outcomes: list[LearningOutcome]
    criteria: list[Criterion]
    requirements: list[EvidenceRequirement]


def version_rows(session: Session, version: UnitVersion) -> VersionRows:
    """Read the rows every view of a unit version starts from (spec tree, ERS content)."""
    unit = session.get(Unit, version.unit_id)
    assert unit is not None
    return VersionRows(
        unit,
        list(session.exec(select(Publication).where(Publication.unit_id == version.unit_id)
                          .order_by(col(Publication.id)))),
        list(session.exec(select(LearningOutcome).where(LearningOutcome.version_id == version.id)
                          .order_by(col(LearningOutcome.position)))),
        list(session.exec(select(Criterion).where(Criterion.version_id == version.id)
                          .order_by(col(Criterion.position)))),
        list(session.exec(select(EvidenceRequirement)
                          .where(EvidenceRequirement.version_id == version.id)
                          .order_by(col(EvidenceRequirement.position)))),
    )


def version_tree(session: Session, version: UnitVersion) -> dict[str, Any]:
    """The `--json` shape for one version, read from its rows."""
    rows = version_rows(session, version)
    unit, pubs, outcomes, criteria, reqs = (rows.unit, rows.publications, rows.outcomes,
                                            rows.criteria, rows.requirements)
    notes = session.exec(select(GuidanceNote).where(GuidanceNote.version_id == version.id)
                         .order_by(col(GuidanceNote.position), col(GuidanceNote.id))).all()
    crit_numbers = {c.id: c.number for c in criteria}
    stored = json.loads(version.structured_json or "{}")
    edits = stored.get("review_edits") or []
    return {
        **({"review_edits": edits} if edits else {}),
        # What the spec says beyond its criteria, for the unit library and the visit screen.
        "aim": version.aim,
        "assessment": version.assessment,
        "guidance_on_assessment": stored.get("guidance_on_assessment") or "",
        "title": version.title,
        "reference": unit.reference,
        "level": version.level,
        "credit_value": version.credit_value,
        "glh": version.glh,
        "version": version.number,
        "publications": [{"awarding_body": p.awarding_body, "unit_number": p.unit_number}
                         for p in pubs],
        "learning_outcomes": [
            {
                "number": o.number,
                "text": o.text,
                "criteria": [{"number": c.number, "text": c.text}
                             for c in criteria if c.outcome_id == o.id],
                "guidance": [
                    {"kind": n.kind, "awarding_body": n.awarding_body,
                     "criterion": crit_numbers.get(n.criterion_id) if n.criterion_id else None,
                     "heading": n.heading, "body": n.body, "items": json.loads(n.items_json)}
                    for n in notes if n.outcome_id == o.id
                ],
            }
            for o in outcomes
        ],
        "evidence_requirements": [{"key": r.key, "group": True, "text": r.text} if r.is_group
                                  else {"key": r.key, "text": r.text} for r in reqs],
    }


def unit_tree(session: Session, reference: str) -> dict[str, Any] | None:
    version = latest_unit_version(session, reference)
    return None if version is None else version_tree(session, version)


def render_tree(tree: dict[str, Any]) -> str:
    """A readable outline of a unit for the terminal."""
    def show(v: Any) -> str:
        return "—" if v is None else str(v)

    pubs = "; ".join(f"{p['awarding_body']} unit {show(p['unit_number'])}" for p in tree["publications"])
    lines = [
        f"{show(tree['reference'])}  {show(tree['title'])}",
        f"  level {show(tree['level'])}, credit value {show(tree['credit_value'])}, "
        f"GLH {show(tree['glh'])}" + (f", version {tree['version']}" if "version" in tree else ""),
        f"  published by: {pubs}",
    ]
    for key, label in (("aim", "aim"), ("assessment", "assessment"),
                       ("guidance_on_assessment", "guidance on assessment")):
        if tree.get(key):
            lines.append(f"  {label}: {tree[key]}")
    for o in tree["learning_outcomes"]:
        lines.append(f"  {o['number']}  {o['text']}")
        for c in o["criteria"]:
            lines.append(f"      {c['number']}  {c['text']}")
        for n in o.get("guidance", []):
            where = f" (for {n['criterion']})" if n.get("criterion") else ""
            label = n["kind"].replace("_", " ")
            body = f"{n['heading']}: " if n["heading"] else ""
            lines.append(f"      [{label}, {n['awarding_body']}{where}] {body}{n['body']}".rstrip())
            lines.extend(f"        - {item}" for item in n["items"])
    for e in tree.get("review_edits", []):
        lines.append(f"  edited in review by {e['who']} at {e['when']}: {e['what']}: "
                     f"{e['before']!r} -> {e['after']!r}")
    if tree.get("evidence_requirements"):
        lines.append("  evidence requirements:")
        reqs = tree["evidence_requirements"]
        parents = group_keys((r["key"], bool(r.get("group"))) for r in reqs)
        lines.extend(f"    {'  ' if parent else ''}{r['key']:>3}  {r['text']}"
                     for r, parent in zip(reqs, parents, strict=True))
    return "\n".join(lines)


def library_trees(store: Store) -> list[dict[str, Any]]:
    """Every unit's latest version as a tree, in one read-only snapshot (the unit library)."""
    with store.read_session() as session:
        trees = [unit_tree(session, u["reference"]) for u in list_units(session)]
    return [t for t in trees if t is not None]


def criterion_guidance(store: Store, criterion_id: int) -> list[dict[str, Any]]:
    """The range, teaching content and guidance that go with one criterion: notes attached to it
    and its outcome's notes attached to no single criterion (shown beside the criterion being
    ticked)."""
    with store.read_session() as session:
        crit = session.get(Criterion, criterion_id)
        if crit is None:
            return []
        notes = session.exec(
            select(GuidanceNote).where(GuidanceNote.outcome_id == crit.outcome_id)
            .order_by(col(GuidanceNote.position), col(GuidanceNote.id))).all()
        return [{"kind": n.kind, "awarding_body": n.awarding_body, "heading": n.heading,
                 "body": n.body, "items": json.loads(n.items_json),
                 "for_criterion": n.criterion_id == criterion_id}
                for n in notes if n.criterion_id in (None, criterion_id)]


def unit_guidance_for_criterion(store: Store, criterion_id: int) -> dict[str, str] | None:
    """The aim, assessment and guidance on assessment of the unit version a criterion belongs
    to (the visit screen's collapsible panel), with the unit's reference and title."""
    with store.read_session() as session:
        crit = session.get(Criterion, criterion_id)
        version = session.get(UnitVersion, crit.version_id) if crit is not None else None
        unit = session.get(Unit, version.unit_id) if version is not None else None
        if version is None or unit is None:
            return None
        stored = json.loads(version.structured_json or "{}")
        return {"reference": unit.reference, "title": version.title, "aim": version.aim,
                "assessment": version.assessment,
                "guidance_on_assessment": stored.get("guidance_on_assessment") or ""}
