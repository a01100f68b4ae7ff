"""Patterns of the learning-outcomes table (headings, numbers, markers) and small helpers.

Every pattern here runs in time linear in the line: none has two unbounded quantifiers that can
match the same characters (a trailing criterion number is found with `trailing_criterion`, not
with a regex that backtracks over the whole line).
"""

from __future__ import annotations

import re

TABLE_HEADER_RE = re.compile(r"^learning outcomes?\b.*\bassessment criteria\b(.*)$", re.I)
MARKER_RE = re.compile(
    r"^(?:the\s+)?learners?\s+(?:will|can)(?:\s+be\s+able\s+to)?\s*:?$"
    r"|^(?:assessment\s+criteria|learning\s+outcomes?)\s*:?$",
    re.I,
)
NOTE_HEADING_RE = re.compile(
    r"^(range|teaching\s+content|additional\s+guidance|guidance|amplification|unit\s+amplification"
    r"|exemplification|indicative\s+content|range\s+statements?)\s*:?$",
    re.I,
)
OUTCOME_RE = re.compile(
    r"^(?i:(?:learning\s+)?outcome\s+)?(\d{1,2})(?:[.):])?\s+([A-Z\"“‘(].*)$"
)
OUTCOME_PREFIX_RE = re.compile(r"^(?:learning\s+)?outcome\s+\d", re.I)
LONE_INT_RE = re.compile(r"^(\d{1,2})\.?$")
CRIT_LEAD_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})(?!\d|\.\d)\.?\s*(.*)$")
SINGLE_LEVEL_CRIT_RE = re.compile(r"^(\d{1,2})[.)]?\s+(\S.*)$")
# Headings of the side column when the table header was split over several lines (one per cell).
SIDE_HEADING_RE = re.compile(
    r"^(?:knowledge,?\s+understanding(?:,?\s+and\s+skills)?|teaching\s+content|additional\s+guidance"
    r"|exemplification|indicative\s+content|(?:unit\s+)?amplification|range|guidance)\s*:?$",
    re.I,
)
# A heading that is only ever a column heading, never the heading of one note.
ALWAYS_SIDE_HEADING_RE = re.compile(r"^knowledge,?\s+understanding\b", re.I)
# That heading with the first words of its column run onto its last line by a wider wrap.
SIDE_HEADING_PREFIX_RE = re.compile(r"^knowledge,?\s+understanding,?\s+and\s+skills\s+(\S.*)$", re.I)
# Page furniture repeated on every page of a handbook.
FOOTER_RE = re.compile(r"^(?:©|\(c\)\s|copyright\b)", re.I)
LOOKAHEAD_LINES = 12


def side_kind_from_header(rest: str) -> str | None:
    rest = rest.lower()
    if "teaching" in rest or "content" in rest:
        return "teaching_content"
    if "range" in rest:
        return "range"
    if rest.strip():
        return "additional_guidance"
    return None


def note_kind_from_heading(heading: str) -> str:
    h = heading.lower()
    if h.startswith("range"):
        return "range"
    if "content" in h:
        return "teaching_content"
    return "additional_guidance"


_TRAIL_NUMBER_RE = re.compile(r"(\d{1,2})\.(\d{1,2})\.?")
_TEXT_CHAR_RE = re.compile(r"[A-Za-z\"”’)]")


def trailing_criterion(text: str) -> tuple[str, int, int] | None:
    """"Describe the factors 1.3" → ("Describe the factors", 1, 3): a criterion whose number came
    after its text (PDF extraction of a right-aligned number column). Linear in the line."""
    head, sep, tail = text.rpartition(" ")
    if not sep:
        return None
    m = _TRAIL_NUMBER_RE.fullmatch(tail)
    head = head.rstrip()
    if m is None or not _TEXT_CHAR_RE.search(head):
        return None
    return head, int(m.group(1)), int(m.group(2))

