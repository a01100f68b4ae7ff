"""The structured unit spec: plain dataclasses shared by the parser, the YAML files and the importer.

A `UnitSpec` holds one unit's content (what a `UnitVersion` is built from) plus the publications it
came from. `content_dict()` is the part that defines a version: its hash decides whether an import
creates a new version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

OCR = "OCR"
CITY_AND_GUILDS = "City & Guilds"
NOTE_KINDS = ("range", "teaching_content", "additional_guidance")


@dataclass
class Finding:
    """Something the parser inferred rather than read: where, and what it did."""

    line: int | None
    message: str
    kind: str = "inferred"  # "missing criterion number" | "unnumbered criteria" | …
    page: int | None = None  # for a unit read from a PDF: the page of that line

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"line": self.line, "kind": self.kind, "message": self.message}
        if self.page is not None:
            d["page"] = self.page
        return d

    def describe(self, source: str) -> str:
        if self.page is not None:
            return f"{source}, page {self.page}: {self.message}"
        where = f"{source}:{self.line}" if self.line is not None else source
        return f"{where}: {self.message}"


@dataclass
class CriterionSpec:
    number: str  # "2.3"
    text: str
    line: int | None = None  # source line, for error messages only


@dataclass
class NoteSpec:
    """Range / teaching content / additional guidance under an outcome (or one of its criteria)."""

    kind: str
    heading: str = ""
    body: str = ""
    items: list[str] = field(default_factory=list)
    awarding_body: str = ""
    criterion: str | None = None  # criterion number when the note clearly belongs to one


@dataclass
class OutcomeSpec:
    number: str  # "2"
    text: str
    criteria: list[CriterionSpec] = field(default_factory=list)
    notes: list[NoteSpec] = field(default_factory=list)


@dataclass
class RequirementSpec:
    """An evidence requirement the unit states beyond its criteria: a tickable checklist item, or
    a group heading (`is_group`) that introduces the lettered items following it."""

    key: str  # "1", "4a"
    text: str
    awarding_body: str = ""
    is_group: bool = False

    def as_dict(self) -> dict[str, Any]:
        # "group" only appears when true, so units without groups keep their content hash.
        d: dict[str, Any] = {"key": self.key}
        if self.is_group:
            d["group"] = True
        d["text"] = self.text
        return d


@dataclass
class PublicationSpec:
    awarding_body: str | None
    unit_number: str | None = None
    sector_unit_number: str | None = None
    source: str = ""  # file name of the imported text
    source_sha256: str = ""


@dataclass
class UnitSpec:
    reference: str | None
    title: str | None
    level: int | None = None
    credit_value: int | None = None
    glh: int | None = None
    aim: str = ""
    assessment: str = ""
    guidance_on_assessment: str = ""
    evidence_requirements_text: str = ""
    texts_from: str = ""  # awarding body whose wording the titles and criteria texts use
    outcomes: list[OutcomeSpec] = field(default_factory=list)
    requirements: list[RequirementSpec] = field(default_factory=list)
    publications: list[PublicationSpec] = field(default_factory=list)
    # What the parser inferred (not part of the content: a reviewed import stores the result).
    findings: list[Finding] = field(default_factory=list)
    # The assessor's corrections in the review screen (`review.Edit`), kept with the version.
    edits: list[Any] = field(default_factory=list)

    @property
    def criteria(self) -> list[CriterionSpec]:
        return [c for o in self.outcomes for c in o.criteria]

    def criterion_numbers(self) -> list[str]:
        return [c.number for c in self.criteria]

    def content_dict(self) -> dict[str, Any]:
        """Everything that makes up a version's content (no publication bookkeeping)."""
        return {
            "title": self.title,
            "level": self.level,
            "credit_value": self.credit_value,
            "glh": self.glh,
            "aim": self.aim,
            "assessment": self.assessment,
            "guidance_on_assessment": self.guidance_on_assessment,
            "evidence_requirements_text": self.evidence_requirements_text,
            "texts_from": self.texts_from,
            "learning_outcomes": [
                {
                    "number": o.number,
                    "text": o.text,
                    "criteria": [{"number": c.number, "text": c.text} for c in o.criteria],
                    "guidance": [note_dict(n) for n in o.notes],
                }
                for o in self.outcomes
            ],
            "evidence_requirements": [
                {**r.as_dict(), "awarding_body": r.awarding_body} for r in self.requirements
            ],
        }

    def content_hash(self) -> str:
        blob = json.dumps(self.content_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def summary_dict(self) -> dict[str, Any]:
        """The `--json` shape shared by `specs show` and `specs import --dry-run`."""
        return {
            "title": self.title,
            "reference": self.reference,
            "level": self.level,
            "credit_value": self.credit_value,
            "glh": self.glh,
            "publications": [
                {"awarding_body": p.awarding_body, "unit_number": p.unit_number}
                for p in self.publications
            ],
            "learning_outcomes": [
                {
                    "number": o.number,
                    "text": o.text,
                    "criteria": [{"number": c.number, "text": c.text} for c in o.criteria],
                    "guidance": [note_dict(n) for n in o.notes],
                }
                for o in self.outcomes
            ],
            "evidence_requirements": [r.as_dict() for r in self.requirements],
        }


def note_dict(n: NoteSpec) -> dict[str, Any]:
    return {
        "kind": n.kind,
        "awarding_body": n.awarding_body,
        "criterion": n.criterion,
        "heading": n.heading,
        "body": n.body,
        "items": list(n.items),
    }


def reference_slug(reference: str) -> str:
    """K/503/8194 → K-503-8194 (file-name safe)."""
    return reference.replace("/", "-")
