"""Unit header fields, found by their labels (OCR and City & Guilds wording), and the body."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assessor_app.specs.model import CITY_AND_GUILDS, OCR
from assessor_app.specs.text_cleanup import SourceLine, join_lines

REFERENCE_PATTERN = r"[A-Z]\s*/\s*\d{3}\s*/\s*\d{4}"
_REF_RE = re.compile(rf"(?<![A-Za-z0-9]){REFERENCE_PATTERN}(?!\d)")
CG_TITLE_RE = re.compile(r"^Unit\s+(\d{2,4})\s*[:\-–]?\s+(\S.*)$")
_LABELS: dict[str, re.Pattern[str]] = {
    "title": re.compile(r"^unit\s+title\s*:?\s*(.*)$", re.I),
    "ocr_unit_number": re.compile(r"^ocr\s+unit\s+(?:number|no\.?)\s*:?\s*(.*)$", re.I),
    "sector_unit_number": re.compile(r"^sector\s+unit\s+(?:number|no\.?)\s*:?\s*(.*)$", re.I),
    "level": re.compile(r"^(?:unit\s+)?level\s*:?\s*(.*)$", re.I),
    "credit_value": re.compile(r"^credits?(?:\s+value)?\s*:?\s*(.*)$", re.I),
    "glh": re.compile(r"^(?:guided\s+learning\s+hours|glh)\s*(?:\(glh\))?\s*:?\s*(.*)$", re.I),
    "reference": re.compile(
        r"^(?:unit\s+reference(?:\s+number)?|unit\s+accreditation\s+number|accreditation\s+number"
        r"|uan|ofqual\s+unit\s+(?:reference\s+)?(?:number|ref(?:erence)?)|qcf\s+unit\s+"
        r"(?:reference|number)|unit\s+number\s*\(ofqual\)|unit\s+(?:no\.?|number|code))\s*(?:\(uan\))?"
        r"\s*:?\s*(.*)$",
        re.I,
    ),
}
# Labels a wrapped title must stop at even without a blank line.
_STOP_RE = re.compile(
    r"^(?:ocr\s+unit|sector\s+unit|level\b|credit|guided\s+learning|glh\b|unit\s+reference|uan\b"
    r"|unit\s+(?:number|no\b|code)"
    r"|unit\s+accreditation|relationship\s+to|aim\b|unit\s+aim|unit\s+purpose|assessment\b"
    r"|learning\s+outcome)",
    re.I,
)


@dataclass
class Header:
    title: str | None = None
    reference: str | None = None
    level: int | None = None
    credit_value: int | None = None
    glh: int | None = None
    awarding_body: str | None = None
    unit_number: str | None = None
    sector_unit_number: str | None = None


def normalise_reference(raw: str) -> str:
    return re.sub(r"\s+", "", raw).upper()


def _first_int(text: str) -> int | None:
    # "3", "Entry 3", and the "Level 1" some web pages repeat in the value.
    m = re.match(r"\s*(?:(?:rqf|qcf)\s+)?(?:level\s*)?(?:entry\s*)?(\d{1,3})\b", text, re.I)
    return int(m.group(1)) if m else None


def _value_at(lines: list[SourceLine], i: int, inline: str) -> tuple[str, int]:
    """The label's value and the index of the line holding it: on the label's line, or on the next
    non-blank line when the extraction put the value cell on its own line."""
    if inline.strip():
        return inline.strip(), i
    # The next line with text, however many blank lines the extraction put in between.
    j = next((k for k in range(i + 1, len(lines)) if lines[k].text), None)
    if j is None or _STOP_RE.match(lines[j].text):
        return "", i
    return lines[j].text, j


def _value(lines: list[SourceLine], i: int, inline: str) -> str:
    return _value_at(lines, i, inline)[0]


def _continued(lines: list[SourceLine], i: int, first: str, limit: int = 3) -> str:
    parts = [first]
    for line in lines[i + 1 :]:
        if not line.text:
            continue
        if limit == 0 or _STOP_RE.match(line.text) or ":" in line.text or line.bullet:
            break
        parts.append(line.text)
        limit -= 1
    return join_lines(parts)


def parse_header(lines: list[SourceLine], full_text: str) -> Header:
    h = Header()
    first = next((line for line in lines if line.text), None)
    if first is not None:
        m = CG_TITLE_RE.match(first.text)
        if m and not _LABELS["title"].match(first.text):
            h.unit_number = m.group(1)
            h.title = _continued(lines, lines.index(first), m.group(2))
            h.awarding_body = CITY_AND_GUILDS
    for i, line in enumerate(lines):
        text = line.text
        for field, pattern in _LABELS.items():
            m = pattern.match(text)
            if not m:
                continue
            if field == "title" and h.title is None:
                value, at = _value_at(lines, i, m.group(1))
                h.title = _continued(lines, at, value) if value else None
            elif field == "ocr_unit_number" and h.unit_number is None:
                h.unit_number = _value(lines, i, m.group(1)).split()[0] if _value(lines, i, m.group(1)) else None
                h.awarding_body = OCR
            elif field == "sector_unit_number" and h.sector_unit_number is None:
                h.sector_unit_number = _value(lines, i, m.group(1)) or None
            elif field in ("level", "credit_value", "glh") and getattr(h, field) is None:
                setattr(h, field, _first_int(_value(lines, i, m.group(1))))
            elif field == "reference" and h.reference is None:
                ref = _REF_RE.search(_value(lines, i, m.group(1)))
                if ref:
                    h.reference = normalise_reference(ref.group(0))
                if re.match(r"^uan\b", text, re.I) and h.awarding_body is None:
                    h.awarding_body = CITY_AND_GUILDS
            break
    if h.glh is None:
        m = re.search(r"recommended\s+that\s+(\d{1,3})\s+hours", full_text)
        h.glh = int(m.group(1)) if m else None
    if h.awarding_body is None:
        if re.search(r"City\s*(?:&|and)\s*Guilds", full_text, re.I):
            h.awarding_body = CITY_AND_GUILDS
        elif re.search(r"\bOCR\b", full_text):
            h.awarding_body = OCR
    return h
