"""Reviewing a parsed unit before import: the assessor's corrections, each recorded (who, when,
what, before and after) with the unit version they produce.

Pure core for the GUI's review screen: no Qt. The edits travel in `UnitSpec.edits`, are stored in
the version's structured JSON and written into the structured YAML (`review_edits`), and are not
part of the content hash (the content they produced is).
"""

from __future__ import annotations

import re
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

    # ---- splitting and merging rows ------------------------------------------------------------
    def split_criterion(self, number: str, tail: str) -> str:
        """Split criterion `number` whose text holds two criteria: `tail` (the end of its text,
        with or without the lost number in front) becomes the next criterion; later criteria of
        the outcome move up one unless the tail named a free number. Returns the new number."""
        crit = self.criterion(number)
        text, tail = " ".join(crit.text.split()), " ".join(tail.split())
        m = _LEADING_NUMBER_RE.match(tail)
        named = m.group(1) if m else None
        bare = tail[m.end():] if m else tail
        head = text.removesuffix(tail) if text.endswith(tail) else text.removesuffix(bare)
        head = head.strip()
        if not bare or not head or head == text:
            raise SpecError(self.source, f"the new criterion must be the end of {number}'s text "
                            "(and leave some text before it)")
        out = self.outcome(number.split(".")[0])
        new = _next_number(number)
        free = named is not None and named.split(".")[0] == out.number and not any(
            c.number == named for c in out.criteria)
        if free:
            new = named  # type: ignore[assignment]
        elif any(c.number == new for c in out.criteria):
            self._shift(out, after=number, by=1)
        self._record(f"criterion {number} split into {number} and {new}", text,
                     f"{number} {head} | {new} {bare}")
        crit.text = head
        out.criteria.insert(out.criteria.index(crit) + 1, CriterionSpec(new, bare, crit.line))
        out.criteria.sort(key=_number_key)
        return new

    def merge_criterion(self, number: str) -> str:
        """Merge criterion `number` into the one before it in its outcome (a wrapped line read
        as a criterion of its own); later criteria move down one. Returns the kept number."""
        crit = self.criterion(number)
        out = self.outcome(number.split(".")[0])
        index = out.criteria.index(crit)
        if index == 0:
            raise SpecError(self.source, f"criterion {number} is the first of outcome "
                            f"{out.number}: there is no criterion before it to merge into")
        prev = out.criteria[index - 1]
        merged = f"{prev.text} {crit.text}".strip()
        self._record(f"criterion {number} merged into {prev.number}",
                     f"{prev.number} {prev.text} | {number} {crit.text}", f"{prev.number} {merged}")
        prev.text = merged
        out.criteria.remove(crit)
        for note in out.notes:
            if note.criterion == number:
                note.criterion = prev.number
        self._shift(out, after=number, by=-1)
        return prev.number

    def _shift(self, out: OutcomeSpec, after: str, by: int) -> None:
        """Renumber the outcome's criteria after `after` by `by` (their notes follow)."""
        moved: dict[str, str] = {}
        for c in out.criteria:
            if _number_key(c) > _number_key(CriterionSpec(after, "")):
                major, minor = c.number.split(".")
                moved[c.number] = f"{major}.{int(minor) + by}"
        for c in out.criteria:
            c.number = moved.get(c.number, c.number)
        for note in out.notes:
            if note.criterion in moved:
                note.criterion = moved[note.criterion]


_LEADING_NUMBER_RE = re.compile(r"^(\d{1,3}\.\d{1,3})\s+")


def _number_key(crit: CriterionSpec) -> tuple[int, ...]:
    return tuple(int(x) for x in crit.number.split("."))


def _next_number(number: str) -> str:
    major, minor = number.split(".")
    return f"{major}.{int(minor) + 1}"


def split_suggestion(text: str) -> str | None:
    """Where a criterion's text seems to hold a second one: from an embedded criterion number
    ("… of service 2.4 Describe …"), else from the last sentence break before a capital."""
    m = re.search(r"\s(\d{1,3}\.\d{1,3}\s+\S.*)$", text)
    if m:
        return m.group(1)
    m = re.search(r"[.;]\s+([A-Z][^.;]*\S)\s*$", text)
    return m.group(1) if m else None
