"""The pieces the learning-outcomes table parser (`layout.py`) works with: the patterns that
recognise table lines, the note kinds, and the cells being collected (criterion, note, outcome).

Every pattern runs in time linear in the line: none has two unbounded quantifiers that can match
the same characters (a trailing criterion number is found by `trailing_criterion`, not by a regex
that backtracks over the whole line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assessor_app.specs.text_cleanup import join_lines

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


@dataclass
class CritCell:
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
class NoteCell:
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
class OutcomeCell:
    number: int
    line: int
    parts: list[str] = field(default_factory=list)
    criteria: list[CritCell] = field(default_factory=list)
    notes: list[NoteCell] = field(default_factory=list)
    single_level: bool = False  # "Outcome 1 …" layout whose criteria read "1.", "2.", …
    implicit: bool = False  # created by its first criterion: its own number never appeared
