"""Build small unit specifications directly with the models, for tests and benchmarks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import select

from assessor_app.store import Store
from assessor_app.store.models import (
    Criterion,
    EvidenceRequirement,
    LearningOutcome,
    Unit,
    UnitVersion,
)


@dataclass
class BuiltUnit:
    reference: str
    unit_id: int
    version_id: int
    criteria: dict[str, int] = field(default_factory=dict)  # number → criterion id
    outcomes: dict[str, int] = field(default_factory=dict)
    requirements: dict[str, int] = field(default_factory=dict)  # key → requirement id


def build_unit(store: Store, reference: str, outcomes: dict[str, Sequence[str]], *,
               title: str = "", version: int = 1,
               requirements: Sequence[tuple[str, str]] = ()) -> BuiltUnit:
    """A unit version with outcomes "1", "2", … holding the given criterion numbers. Adding a
    second version of an existing reference re-uses the unit."""
    with store.session() as s:
        unit = s.exec(select(Unit).where(Unit.reference == reference)).first()
        if unit is None:
            unit = Unit(reference=reference)
            s.add(unit)
            s.flush()
        v = UnitVersion(unit_id=unit.id, number=version, content_hash=f"{reference}-v{version}",
                        title=title or f"Unit {reference}")
        s.add(v)
        s.flush()
        built = BuiltUnit(reference, unit.id, v.id)
        position = 0
        for o_pos, (o_num, numbers) in enumerate(outcomes.items()):
            lo = LearningOutcome(version_id=v.id, number=o_num, text=f"Outcome {o_num}",
                                 position=o_pos)
            s.add(lo)
            s.flush()
            built.outcomes[o_num] = lo.id
            for number in numbers:
                c = Criterion(version_id=v.id, outcome_id=lo.id, number=number,
                              text=f"Criterion {number} of {reference}", position=position)
                position += 1
                s.add(c)
                s.flush()
                built.criteria[number] = c.id
        for r_pos, (key, text) in enumerate(requirements):
            r = EvidenceRequirement(version_id=v.id, key=key, text=text, position=r_pos)
            s.add(r)
            s.flush()
            built.requirements[key] = r.id
        return built
