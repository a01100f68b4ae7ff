"""Merging one awarding body's publication of a unit into the unit's current content.

Rules (see docs in the importer): the criteria sets must agree across bodies; the wording of titles
and criteria comes from one body (`texts_from`) and is kept unless that body's own text changes;
each body's range/guidance notes and evidence requirements are tagged with it and replaced only by
a newer text from the same body.
"""

from __future__ import annotations

import copy

from assessor_app.specs.errors import SpecError
from assessor_app.specs.model import (
    NoteSpec,
    OutcomeSpec,
    PublicationSpec,
    RequirementSpec,
    UnitSpec,
)
from assessor_app.specs.requirements import group_keys


def bodies_of(spec: UnitSpec) -> list[str]:
    return [p.awarding_body or "" for p in spec.publications]


def _criteria_shape(spec: UnitSpec) -> list[tuple[str, tuple[str, ...]]]:
    return [(o.number, tuple(c.number for c in o.criteria)) for o in spec.outcomes]


def merge_spec(existing: UnitSpec | None, incoming: UnitSpec, existing_sources: str,
               incoming_source: str) -> UnitSpec:
    """The unit's content after importing `incoming` on top of `existing` (neither is modified)."""
    incoming = copy.deepcopy(incoming)
    if existing is None:
        return incoming
    existing = copy.deepcopy(existing)
    new_bodies = set(bodies_of(incoming))
    other_bodies = [b for b in bodies_of(existing) if b not in new_bodies]
    if not other_bodies:
        # Only the same bodies published it so far: the new text replaces their content outright.
        incoming.publications = _merge_publications(existing.publications, incoming.publications)
        return incoming
    if _criteria_shape(existing) != _criteria_shape(incoming):
        raise SpecError(
            incoming_source,
            f"its learning outcomes/criteria ({_describe(incoming)}) differ from the unit "
            f"{existing.reference} already imported from {existing_sources} "
            f"({_describe(existing)}); not merging",
        )
    texts_owner = existing.texts_from in new_bodies or not existing.texts_from
    base, other = (incoming, existing) if texts_owner else (existing, incoming)
    merged = copy.deepcopy(base)
    for field in ("title", "level", "credit_value", "glh", "aim", "assessment",
                  "guidance_on_assessment", "evidence_requirements_text"):
        if getattr(merged, field) in (None, ""):
            setattr(merged, field, getattr(other, field))
    merged.reference = existing.reference or incoming.reference
    merged.publications = _merge_publications(existing.publications, incoming.publications)
    order = {b: i for i, b in enumerate(bodies_of(merged))}
    by_number = {o.number: o for o in incoming.outcomes}
    for out in merged.outcomes:
        old = next(o for o in existing.outcomes if o.number == out.number)
        notes = [n for n in old.notes if n.awarding_body not in new_bodies]
        notes += by_number[out.number].notes
        out.notes = _ordered(notes, order)
    reqs = [r for r in existing.requirements if r.awarding_body not in new_bodies]
    merged.requirements = _unique_keys(_ordered(reqs + incoming.requirements, order))
    return merged


def _ordered(entries: list, order: dict[str, int]) -> list:  # type: ignore[type-arg]
    """Stable sort by the publishing body's position, so content order is independent of import order."""
    return sorted(entries, key=lambda e: order.get(e.awarding_body, len(order)))


def _merge_publications(old: list[PublicationSpec], new: list[PublicationSpec]) -> list[PublicationSpec]:
    result = list(old)
    for pub in new:
        for i, existing in enumerate(result):
            if existing.awarding_body == pub.awarding_body:
                result[i] = pub
                break
        else:
            result.append(pub)
    return result


def _unique_keys(reqs: list[RequirementSpec]) -> list[RequirementSpec]:
    """Two bodies may both number their requirements 1, 2, …; the later body's keys get a prefix."""
    seen: set[str] = set()
    parents = group_keys((r.key, r.is_group) for r in reqs)
    renamed: dict[str, str] = {}  # group key → its new key, so its items follow it
    for r, parent in zip(reqs, parents, strict=True):
        if r.key in seen or (parent is not None and parent in renamed):
            initials = "".join(w[0] for w in r.awarding_body.replace("&", " ").split()) or "X"
            new_key = f"{initials}-{r.key}"
            if r.is_group:
                renamed[r.key] = new_key
            r.key = new_key
        elif r.is_group:
            renamed.pop(r.key, None)
        seen.add(r.key)
    return reqs


def _describe(spec: UnitSpec) -> str:
    return ", ".join(f"{o.number}: {len(o.criteria)}" for o in spec.outcomes) + " criteria"


__all__ = ["NoteSpec", "OutcomeSpec", "bodies_of", "merge_spec"]
