"""Checks every unit spec passes before it may be imported, whatever it was read from.

The dry run and the import both call `validate_spec` (through `importer.load_path`), so a dry run
can never accept what the import then refuses.
"""

from __future__ import annotations

import re

from assessor_app.specs.errors import SpecError
from assessor_app.specs.limits import MAX_FIELD_CHARS, MAX_TITLE_CHARS
from assessor_app.specs.model import UnitSpec

REFERENCE_RE = re.compile(r"[A-Z]/\d{3}/\d{4}")
OUTCOME_NUMBER_RE = re.compile(r"\d{1,3}")
CRITERION_NUMBER_RE = re.compile(r"\d{1,3}\.\d{1,3}")
REQUIREMENT_KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,19}")
# Control characters other than tab and newline, and the Unicode "noncharacters" a PDF may leak.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def check_text(value: str | None, what: str, source: str, line: int | None = None,
               limit: int = MAX_FIELD_CHARS) -> None:
    if value is None:
        return
    m = _CONTROL_RE.search(value)
    if m:
        raise SpecError(source, f"{what} contains a control character (U+{ord(m.group()):04X})",
                        line)
    if len(value) > limit:
        raise SpecError(source, f"{what} is longer than {limit:,} characters", line)


def check_reference(reference: str | None, source: str) -> None:
    if not reference:
        raise SpecError(source, "the text has no unit reference number; give it with "
                        "--reference (e.g. --reference K/503/8194)")
    if not REFERENCE_RE.fullmatch(reference):
        raise SpecError(source, f"unit reference {reference[:40]!r} is not like K/503/8194 "
                        "(a letter, three digits, four digits)")


def validate_spec(spec: UnitSpec, source: str) -> None:
    """Raise `SpecError` naming the file (and line when known) for the first unusable field."""
    check_reference(spec.reference, source)
    if not spec.title or not spec.title.strip():
        raise SpecError(source, "the unit has no title")
    check_text(spec.title, "the title", source, limit=MAX_TITLE_CHARS)
    if not spec.publications:
        raise SpecError(source, "no awarding-body publication recorded")
    bodies: set[str] = set()
    for pub in spec.publications:
        if not pub.awarding_body:
            raise SpecError(source, "cannot tell the awarding body (OCR or City & Guilds)")
        if pub.awarding_body in bodies:
            raise SpecError(source, f"publication by {pub.awarding_body[:40]!r} is listed twice")
        bodies.add(pub.awarding_body)
        for value in (pub.awarding_body, pub.unit_number, pub.sector_unit_number, pub.source):
            check_text(value, "a publication field", source, limit=300)
    for name in ("aim", "assessment", "guidance_on_assessment", "evidence_requirements_text",
                 "texts_from"):
        check_text(getattr(spec, name), name.replace("_", " "), source)
    _validate_tree(spec, source)


def _validate_tree(spec: UnitSpec, source: str) -> None:
    if not spec.criteria:
        raise SpecError(source, "no assessment criteria")
    seen: set[str] = set()
    outcomes: set[str] = set()
    for out in spec.outcomes:
        if not OUTCOME_NUMBER_RE.fullmatch(out.number or ""):
            raise SpecError(source, f"learning outcome number {out.number!r} is not a number")
        if out.number in outcomes:
            raise SpecError(source, f"learning outcome {out.number} is listed twice")
        outcomes.add(out.number)
        check_text(out.text, f"outcome {out.number}", source)
        for crit in out.criteria:
            if not CRITERION_NUMBER_RE.fullmatch(crit.number or ""):
                raise SpecError(source, f"criterion number {crit.number!r} is not like 1.2",
                                crit.line)
            if crit.number in seen:
                raise SpecError(source, f"duplicated criterion number {crit.number}", crit.line)
            seen.add(crit.number)
            if not crit.text.strip():
                raise SpecError(source, f"criterion {crit.number} has no text", crit.line)
            check_text(crit.text, f"criterion {crit.number}", source, crit.line)
        for note in out.notes:
            for part in (note.heading, note.body, *note.items):
                check_text(part, f"guidance under outcome {out.number}", source)
            if note.criterion is not None and note.criterion not in {c.number for c in out.criteria}:
                raise SpecError(source, f"guidance under outcome {out.number} names criterion "
                                f"{note.criterion!r}, which that outcome does not have")
    keys: set[str] = set()
    for req in spec.requirements:
        if not REQUIREMENT_KEY_RE.fullmatch(req.key or ""):
            raise SpecError(source, f"evidence requirement key {req.key!r} is not like 1 or 4a")
        if req.key in keys:
            raise SpecError(source, f"evidence requirement {req.key} is listed twice")
        keys.add(req.key)
        check_text(req.text, f"evidence requirement {req.key}", source)
