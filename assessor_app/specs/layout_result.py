"""The cells the outcomes-table parser fills (outcome, criterion, note) and its checked result:
numbers in order, every criterion with text."""

from __future__ import annotations

from dataclasses import dataclass, field

from assessor_app.specs.errors import MissingCriterion, SpecError
from assessor_app.specs.model import CriterionSpec, NoteSpec, OutcomeSpec
from assessor_app.specs.text_cleanup import join_lines


@dataclass
class _Crit:
    major: int
    minor: int
    line: int
    parts: list[str] = field(default_factory=list)
    listed: bool = False  # the criterion ended in ":" and took the bullet list after it

    @property
    def text(self) -> str:
        return join_lines(self.parts)

    @property
    def tail(self) -> str:
        """The end of the text (enough for `looks_unfinished` / a trailing colon) without joining
        every part: the per-line checks must not grow with the criterion's length."""
        return join_lines(self.parts[-3:])


@dataclass
class _Note:
    kind: str
    heading: list[str] = field(default_factory=list)
    heading_open: bool = False
    body: list[str] = field(default_factory=list)
    items: list[list[str]] = field(default_factory=list)
    paragraph: bool = False  # started by a capitalised paragraph after a finished one

    def empty(self) -> bool:
        return not (self.heading or self.body or self.items)

    def last_parts(self) -> list[str]:
        if self.items:
            return self.items[-1]
        return self.body if self.body else self.heading

    def add_text(self, text: str) -> None:
        if self.items:
            self.items[-1].append(text)
        else:
            self.body.append(text)


@dataclass
class _Outcome:
    number: int
    line: int
    parts: list[str] = field(default_factory=list)
    criteria: list[_Crit] = field(default_factory=list)
    notes: list[_Note] = field(default_factory=list)
    single_level: bool = False  # "Outcome 1 …" layout whose criteria read "1.", "2.", …
    implicit: bool = False  # created by its first criterion: its own number never appeared


def outcome_specs(source: str, outcomes_read: list[_Outcome]) -> list[OutcomeSpec]:
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


def _note_spec(note: _Note) -> NoteSpec:
    heading = join_lines(note.heading).rstrip(":").strip()
    return NoteSpec(
        kind=note.kind,
        heading=heading,
        body=join_lines(note.body),
        items=[t for t in (join_lines(i) for i in note.items) if t],
    )
