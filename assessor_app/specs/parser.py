"""Awarding-body unit text (OCR or City & Guilds layout, extracted from PDF) → `UnitSpec`.

Entry points: `parse_text(text, source)` and `parse_file(path)`.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from assessor_app.specs.errors import MissingCriterion, NothingFound, SpecError
from assessor_app.specs.header import parse_header
from assessor_app.specs.layout import OutcomeTableParser
from assessor_app.specs.limits import MAX_TEXT_BYTES, check_line_lengths, read_bounded
from assessor_app.specs.model import CITY_AND_GUILDS, OutcomeSpec, PublicationSpec, UnitSpec
from assessor_app.specs.recover import Lines, fill_missing_number, number_unnumbered, unflatten
from assessor_app.specs.requirements import parse_requirements
from assessor_app.specs.sections import (
    AIM,
    ASSESSMENT,
    EVIDENCE,
    GUIDANCE,
    OUTCOMES,
    split_sections,
)
from assessor_app.specs.text_cleanup import SourceLine, decode_source, join_lines, split_lines

_STOPWORDS = frozenset(["the", "and", "of", "to", "a", "an", "in", "for", "on", "with", "by", "may", "be", "is", "are", "that"])
_CG_ASSESSMENT_LABEL = re.compile(
    r"^requirements\s+specified\s+by\s+a\s+sector\s+or\s+regulatory\s+body\s*:\s*", re.I
)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_file(path: Path) -> UnitSpec:
    data = read_bounded(path, MAX_TEXT_BYTES, "the text")
    text = decode_source(data, str(path))
    return parse_text(text, str(path), source_sha256=hashlib.sha256(data).hexdigest())


MAX_REPAIRS = 40


def parse_text(text: str, source: str = "<text>", source_sha256: str | None = None) -> UnitSpec:
    """Parse one unit text, best effort: where the strict reading stops at a lost criterion
    number, unnumbered criteria or flattened columns, the text is repaired (`recover`) and each
    repair recorded in `spec.findings` at its source line. Raises `SpecError` naming `source`
    and the line only when nothing usable is found."""
    if not text.strip():
        raise SpecError(source, "file is empty", 1)
    check_line_lengths(text, source)
    digest = source_sha256 or sha256_text(text)
    lines = Lines.of(text)
    if unflatten(lines):  # table cells run together on one line: split them first
        return _parse_repaired(lines, source, digest, None)
    try:
        return _parse_strict(text, source, digest)
    except (MissingCriterion, NothingFound) as first:
        return _parse_repaired(lines, source, digest, first)


def _parse_repaired(lines: Lines, source: str, digest: str, first: SpecError | None) -> UnitSpec:
    tried_flat = True
    tried_unnumbered = False
    for _ in range(MAX_REPAIRS):
        try:
            spec = _parse_strict(lines.joined(), source, digest)
        except MissingCriterion as exc:
            if not fill_missing_number(lines, exc.major, exc.minor, exc.line or 0):
                raise _at_source(exc, lines) from None
            continue
        except SpecError as exc:
            if not tried_flat:
                tried_flat = True
                if unflatten(lines):
                    continue
            if not tried_unnumbered:
                tried_unnumbered = True
                if number_unnumbered(lines):
                    continue
            if first is not None and isinstance(exc, NothingFound):
                raise first from None
            raise _at_source(exc, lines) from None
        for crit in spec.criteria:
            crit.line = lines.source_line(crit.line)
        for finding in spec.findings:
            finding.line = lines.source_line(finding.line)
        spec.findings = lines.findings + spec.findings
        return spec
    raise SpecError(source, "too many repairs needed; is this a unit text?")


def _at_source(exc: SpecError, lines: Lines) -> SpecError:
    return SpecError(exc.source, exc.message, lines.source_line(exc.line))


def _parse_strict(text: str, source: str, digest: str) -> UnitSpec:
    lines = split_lines(text)
    glyph_bullets = any(line.bullet for line in lines)
    sections = split_sections(lines)
    outcome_lines = sections.get(OUTCOMES, [])
    first_outcome_line = outcome_lines[0].no if outcome_lines else len(lines) + 1
    header = parse_header([ln for ln in lines if ln.no < first_outcome_line], text)
    if not outcome_lines:
        raise NothingFound(source, "no learning outcomes or assessment criteria found",
                        _last_line(lines))
    cg = header.awarding_body == CITY_AND_GUILDS
    table = OutcomeTableParser(source, glyph_bullets, header.unit_number if cg else None,
                               header.title)
    table.feed(outcome_lines)
    if not any(o.criteria for o in table.outcomes):
        raise NothingFound(source, "no assessment criteria found", outcome_lines[0].no)
    outcomes = table.result()
    body = header.awarding_body or ""
    for out in outcomes:
        for note in out.notes:
            note.awarding_body = body
            note.criterion = _criterion_for(note.heading or note.body, out)
    requirements = parse_requirements(sections.get(EVIDENCE, []))
    for req in requirements:
        req.awarding_body = body
    assessment = _text(sections.get(ASSESSMENT, []))
    if header.awarding_body == CITY_AND_GUILDS:
        assessment = _CG_ASSESSMENT_LABEL.sub("", assessment)
    return UnitSpec(
        findings=table.findings,
        reference=header.reference,
        title=header.title,
        level=header.level,
        credit_value=header.credit_value,
        glh=header.glh,
        aim=_text(sections.get(AIM, [])),
        assessment=assessment,
        guidance_on_assessment=_text(sections.get(GUIDANCE, [])),
        evidence_requirements_text=_text(sections.get(EVIDENCE, [])),
        texts_from=body,
        outcomes=outcomes,
        requirements=requirements,
        publications=[PublicationSpec(
            awarding_body=header.awarding_body,
            unit_number=header.unit_number,
            sector_unit_number=header.sector_unit_number,
            source=Path(source).name,
            source_sha256=digest,
        )],
    )


def _last_line(lines: list[SourceLine]) -> int:
    return max((ln.no for ln in lines if ln.text), default=1)


def _text(lines: list[SourceLine]) -> str:
    return join_lines([ln.text for ln in lines])


def _words(text: str) -> list[str]:
    return [w[:-1] if w.endswith("s") and len(w) > 4 else w
            for w in re.findall(r"[a-z][a-z'’-]*", text.lower())]


def _criterion_for(heading: str, outcome: OutcomeSpec) -> str | None:
    """The one criterion of the outcome whose wording the note's heading starts with, if unique.

    "Segmentation" belongs to "explain the role of segmentation …"; "System" mentioned by two
    criteria stays on the outcome.
    """
    words = _words(heading)
    crit_words = {c.number: " " + " ".join(_words(c.text)) + " " for c in outcome.criteria}
    best: list[str] = []
    for n in range(1, min(len(words), 6) + 1):
        phrase = " ".join(words[:n])
        if n == 1 and (len(phrase) < 4 or phrase in _STOPWORDS):
            return None
        hits = [num for num, text in crit_words.items() if f" {phrase} " in text]
        if not hits:
            break
        best = hits
    return best[0] if len(best) == 1 else None
