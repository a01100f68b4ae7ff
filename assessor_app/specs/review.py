"""Reviewing a parsed unit before import: the assessor's corrections, each recorded (who, when,
what, before and after) with the unit version they produce.

Pure core for the GUI's review screen: no Qt. The edits travel in `UnitSpec.edits`, are stored in
the version's structured JSON and written into the structured YAML (`review_edits`), and are not
part of the content hash (the content they produced is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from assessor_app.specs.errors import SpecError
from assessor_app.specs.model import CriterionSpec, OutcomeSpec, UnitSpec
from assessor_app.specs.validate import CRITERION_NUMBER_RE, check_text


@dataclass
class Edit:
    who: str
    when: str  # ISO 8601, UTC
    what: str  # "title", "outcome 2 text", "criterion 2.6 text", "criterion 2.6 number"
    before: str
    after: str

    def as_dict(self) -> dict[str, Any]:
        return {"who": self.who, "when": self.when, "what": self.what, "before": self.before,
                "after": self.after}

    @classmethod
    def from_dict(cls, d: dict[str, Any], source: str) -> Edit:
        values = [d.get(k) for k in ("who", "when", "what", "before", "after")]
        if not all(isinstance(v, str) for v in values):
            raise SpecError(source, "review_edits: each edit needs who, when, what, before and "
                            "after as text")
        return cls(*values)


class Review:
    """Corrections to one parsed unit; every change recorded as an `Edit` by `who`."""

    def __init__(self, spec: UnitSpec, source: str, who: str) -> None:
        self.spec = spec
        self.source = source
        self.who = who.strip() or "unknown assessor"

    def _record(self, what: str, before: str, after: str) -> None:
        check_text(after, what, self.source)
        self.spec.edits.append(Edit(self.who, datetime.now(UTC).isoformat(timespec="seconds"),
                                    what, before, after))

    def set_title(self, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            raise SpecError(self.source, "the title cannot be empty")
        if title != (self.spec.title or ""):
            self._record("title", self.spec.title or "", title)
            self.spec.title = title

    def outcome(self, number: str) -> OutcomeSpec:
        for out in self.spec.outcomes:
            if out.number == number:
                return out
        raise SpecError(self.source, f"no learning outcome {number}")

    def criterion(self, number: str) -> CriterionSpec:
        for crit in self.spec.criteria:
            if crit.number == number:
                return crit
        raise SpecError(self.source, f"no criterion {number}")

    def set_outcome_text(self, number: str, text: str) -> None:
        out = self.outcome(number)
        text = " ".join(text.split())
        if text != out.text:
            self._record(f"outcome {number} text", out.text, text)
            out.text = text

    def set_criterion_text(self, number: str, text: str) -> None:
        crit = self.criterion(number)
        text = " ".join(text.split())
        if not text:
            raise SpecError(self.source, f"criterion {number} cannot be empty")
        if text != crit.text:
            self._record(f"criterion {number} text", crit.text, text)
            crit.text = text

    def set_criterion_number(self, number: str, new: str) -> None:
        """Renumber within the same outcome ("2.7" → "2.6"); the outcome's order follows."""
        crit = self.criterion(number)
        new = new.strip()
        if new == number:
            return
        if not CRITERION_NUMBER_RE.fullmatch(new) or new.split(".")[0] != number.split(".")[0]:
            raise SpecError(self.source, f"{new!r} is not a criterion number of outcome "
                            f"{number.split('.')[0]} (like {number.split('.')[0]}.1)")
        if any(c.number == new for c in self.spec.criteria):
            raise SpecError(self.source, f"criterion {new} already exists")
        self._record(f"criterion {number} number", number, new)
        crit.number = new
        out = self.outcome(number.split(".")[0])
        out.criteria.sort(key=lambda c: tuple(int(x) for x in c.number.split(".")))
        for note in out.notes:
            if note.criterion == number:
                note.criterion = new
