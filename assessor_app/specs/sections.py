"""Splitting a unit text into its sections by their headings (aim, outcomes table, assessment, …)."""

from __future__ import annotations

import re

from assessor_app.specs.text_cleanup import SourceLine

HEADER = "header"
AIM = "aim"
OUTCOMES = "outcomes"
ASSESSMENT = "assessment"
EVIDENCE = "evidence_requirements"
GUIDANCE = "guidance_on_assessment"
OTHER = "other"

# (kind, pattern on the whole cleaned line, inline group index or 0)
_HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    (AIM, re.compile(r"^(?:unit\s+)?(?:aims?\s+and\s+purpose|purpose\s+and\s+aims?|aims?|purpose)"
                     r"(?:\s+of\s+(?:the|this)\s+unit)?\s*(?::\s*(.*))?$", re.I)),
    (OUTCOMES, re.compile(r"^learning\s+outcomes?\b.*\bassessment\s+criteria\b.*$", re.I)),
    (OUTCOMES, re.compile(r"^(?:(?:unit\s+)?learning\s+outcomes?|the\s+learner\s+will)\s*:?$", re.I)),
    (OUTCOMES, re.compile(r"^(?:learning\s+)?outcome\s+1\b.*$", re.I)),
    (ASSESSMENT, re.compile(r"^(?:unit\s+)?assessment(?:\s+method)?\s*:?$", re.I)),
    (ASSESSMENT, re.compile(r"^assessment\s+requirements(?:\s+specified\s+by\s+a\s+sector(?:\s+or"
                            r"\s+regulatory\s+body)?)?\s*:?$", re.I)),
    (EVIDENCE, re.compile(r"^evidence\s+requirements?(?:\s+for\s+this\s+unit)?\s*:?$", re.I)),
    (GUIDANCE, re.compile(r"^(?:guidance\s+(?:on|for)\s+(?:assessment|delivery)\b.*|assessment\s+"
                          r"guidance)\s*:?$", re.I)),
    (OTHER, re.compile(r"^(?:national\s+occupational\s+standards\b.*|relationship\s+to\s+(?:nos|"
                       r"national\s+occupational\s+standards)\b.*|details\s+of\s+the\s+"
                       r"relationship\b.*|functional\s+skills\b.*|resources|additional\s+"
                       r"information|key\s+skills\b.*|support\s+of\s+the\s+unit\b.*)\s*:?$", re.I)),
]
# Lines that bring the outcomes table back after another section (repeated per outcome in C&G).
_BACK_TO_OUTCOMES = re.compile(
    r"^(?:learning\s+outcomes?\s*:?|(?:learning\s+)?outcome\s+\d{1,2}\b.*|the\s+learner\s+will\s*:?"
    r"|learning\s+outcomes?\b.*\bassessment\s+criteria\b.*)$",
    re.I,
)


def heading_kind(line: SourceLine) -> tuple[str, str] | None:
    """(kind, inline text after the label) when the line is a section heading."""
    if line.bullet or not line.text or len(line.text) > 120:
        return None
    for kind, pattern in _HEADINGS:
        m = pattern.match(line.text)
        if m:
            inline = (m.group(1) or "") if m.groups() else ""
            if kind == AIM and not inline and len(line.text.split()) > 5:
                continue
            return kind, inline
    return None


def _heading_at(lines: list[SourceLine], i: int) -> tuple[str, str, int] | None:
    """A heading starting at line i, possibly wrapped onto lower-case lines: (kind, inline, end)."""
    best = None
    parts = [lines[i]]
    j = i
    for _ in range(4):
        joined = SourceLine(lines[i].no, " ".join(p.text for p in parts), 0, lines[i].bullet, False)
        found = heading_kind(joined)
        if found is not None:
            best = (found[0], found[1], j)
        j += 1
        while j < len(lines) and lines[j].blank:
            j += 1
        if j >= len(lines) or not lines[j].text[:1].islower() or lines[j].bullet:
            break
        parts.append(lines[j])
    return best


def split_sections(lines: list[SourceLine]) -> dict[str, list[SourceLine]]:
    """Group lines by section; the outcomes section keeps its heading lines (they carry columns)."""
    out: dict[str, list[SourceLine]] = {HEADER: []}
    current = HEADER
    i = 0
    while i < len(lines):
        line = lines[i]
        found = _heading_at(lines, i) if line.text else None
        if found is None and current not in (OUTCOMES, HEADER) and _BACK_TO_OUTCOMES.match(line.text):
            found = (OUTCOMES, "", i)
        if found is None:
            out.setdefault(current, []).append(line)
            i += 1
            continue
        kind, inline, end = found
        if kind == OUTCOMES and current == OUTCOMES:
            out[OUTCOMES].extend(lines[i:end + 1])
        else:
            current = kind
            bucket = out.setdefault(current, [])
            if kind == OUTCOMES:
                bucket.extend(lines[i:end + 1])
            elif inline:
                bucket.append(SourceLine(line.no, inline, 0, False, False))
        i = end + 1
    return out
