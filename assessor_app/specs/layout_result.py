"""The checked result of the outcomes-table parser: numbers in order, every criterion with text."""

from __future__ import annotations

from assessor_app.specs.errors import MissingCriterion, SpecError
from assessor_app.specs.layout_cells import NoteCell, OutcomeCell
from assessor_app.specs.model import CriterionSpec, NoteSpec, OutcomeSpec
from assessor_app.specs.text_cleanup import join_lines


def outcome_specs(source: str, outcomes_read: list[OutcomeCell]) -> list[OutcomeSpec]:
    outcomes = sorted(outcomes_read, key=lambda o: o.number)
    specs: list[OutcomeSpec] = []
    for pos, out in enumerate(outcomes, start=1):
        if out.number != pos:
            raise SpecError(source, f"learning outcome {pos} is missing "
                            f"(found outcome {out.number})", out.line)
        if not out.criteria:
            raise SpecError(source, f"learning outcome {out.number} has no assessment "
                            "criteria", out.line)
        crits = sorted(out.criteria, key=lambda c: c.minor)
        for k, c in enumerate(crits, start=1):
            if c.minor != k:
                raise MissingCriterion(source, out.number, k, c.minor, c.line)
            if not c.text:
                raise SpecError(source, f"criterion {out.number}.{c.minor} has no text",
                                c.line)
        specs.append(OutcomeSpec(
            number=str(out.number),
            text=join_lines(out.parts),
            criteria=[CriterionSpec(f"{c.major}.{c.minor}", c.text, c.line) for c in crits],
            notes=[_note_spec(n) for n in out.notes if not n.empty()],
        ))
    return specs


def _note_spec(note: NoteCell) -> NoteSpec:
    heading = join_lines(note.heading).rstrip(":").strip()
    return NoteSpec(
        kind=note.kind,
        heading=heading,
        body=join_lines(note.body),
        items=[t for t in (join_lines(i) for i in note.items) if t],
    )
