"""The learning-outcomes table: outcomes, their criteria, and the range/guidance columns beside them.

PDF extraction flattens the table column by column, cell by cell, and page by page, so a side
column (teaching content, additional guidance) arrives interleaved with the criteria. The parser
is a state machine over lines that decides, for each line, which cell it continues:

* numbers only count when consistent: an outcome must be the next outcome number, a criterion
  must be `<current outcome>.<n>` (number before or after its text, or alone on its line);
  anything else is prose (so "7.1.2" or "section 4.2.1" never become criteria);
* bullets, headings ending in ":" and capitalised paragraphs after a finished criterion start a
  note (range / teaching content / additional guidance) under the current outcome;
* a page break inside a criterion shows up as: criterion start, the side column of that page,
  then the criterion's continuation at the top of the next page (a line indented one space in
  documents whose bullets survive as glyphs). The side-column text that was cut is resumed at
  the next whitespace-only cell boundary. When the page-start signal is missing, a side-column
  line ending in a dangling hyphen marks the cut instead.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assessor_app.specs.errors import SpecError
from assessor_app.specs.layout_cells import (
    ALWAYS_SIDE_HEADING_RE,
    CRIT_LEAD_RE,
    FOOTER_RE,
    LONE_INT_RE,
    LOOKAHEAD_LINES,
    MARKER_RE,
    NOTE_HEADING_RE,
    OUTCOME_PREFIX_RE,
    OUTCOME_RE,
    SIDE_HEADING_PREFIX_RE,
    SIDE_HEADING_RE,
    SINGLE_LEVEL_CRIT_RE,
    TABLE_HEADER_RE,
    CritCell,
    NoteCell,
    OutcomeCell,
    note_kind_from_heading,
    side_kind_from_header,
    trailing_criterion,
)
from assessor_app.specs.model import Finding, OutcomeSpec
from assessor_app.specs.text_cleanup import (
    SourceLine,
    join_lines,
    looks_unfinished,
    starts_capitalised_word,
)


class OutcomeTableParser:
    """Feed it the lines of the outcomes part of a unit text; `result()` gives the outcomes."""

    def __init__(self, source: str, glyph_bullets: bool, unit_number: str | None = None,
                 title: str | None = None) -> None:
        self.source = source
        self.glyph_bullets = glyph_bullets  # bullets survived as glyphs: indentation = page start
        # City & Guilds repeat "Unit 238 <title>" at the top of pages; it may wrap differently.
        self.running_header = (re.compile(rf"^Unit\s+{re.escape(unit_number)}\b")
                               if unit_number else None)
        self.title = " ".join((title or "").lower().split())
        self.in_running_header = False
        self.outcomes: list[OutcomeCell] = []
        self.current: OutcomeCell | None = None
        self.target: str | None = None  # "outcome" | "crit" | "note" | None
        self.crit: CritCell | None = None
        self.note: NoteCell | None = None
        self.side_kind: str | None = None
        self.interrupted: CritCell | None = None  # criterion a side-column note cut into
        self.dangling: NoteCell | None = None  # note cut by a page break, resumed at a boundary
        self.boundary_seen = False
        self.in_table_header = False  # just after the column headings of the outcomes table
        self.side_pending = False  # a side-column heading came after the criteria: a note follows
        self.skip_to = -1  # index of the last line already consumed by a lookahead
        self.findings: list[Finding] = []  # what was inferred rather than read
        self.lines: list[SourceLine] = []
        self.index = 0

    # ---- driving -------------------------------------------------------------------------
    def feed(self, lines: list[SourceLine]) -> None:
        self.lines = list(lines)
        for i in range(len(self.lines)):
            if i <= self.skip_to:
                continue
            self.index = i
            self._line(self.lines[i])

    @property
    def outcome(self) -> OutcomeCell | None:
        return self.current

    def _expected_outcome(self) -> int:
        return max((o.number for o in self.outcomes), default=0) + 1

    def _line(self, line: SourceLine) -> None:
        if line.ws_only:
            self._boundary()
            return
        if line.blank:
            return
        text = line.text
        if self.running_header is not None and self.running_header.match(text):
            self.in_running_header = True
            return
        if self.in_running_header:
            self.in_running_header = bool(self.title) and text.lower() in self.title
            if self.in_running_header:
                return  # the running header's title wrapped onto this line
        if FOOTER_RE.match(text):
            return
        m = TABLE_HEADER_RE.match(text)
        if m:
            self.side_kind = side_kind_from_header(m.group(1)) or self.side_kind
            self.in_table_header = True
            return
        m = SIDE_HEADING_PREFIX_RE.match(text)
        if m and not line.bullet:
            # The heading and the column's first words on one line: take the heading off.
            self._side_heading(text[:m.start(1)].strip(), alone=True)
            line = self.lines[self.index] = replace(line, text=m.group(1))
            text = line.text
        elif not line.bullet and self._side_heading(text):
            return
        in_header, self.in_table_header = self.in_table_header, False
        if not line.bullet and MARKER_RE.match(text):
            if re.match(r"^(assessment|learning)", text, re.I):
                self.in_table_header = True  # one cell of a table header split over lines
            # "The learner can:" ends an outcome cell; inside a criterion only a new block does.
            ends_block = self.target != "crit" or re.match(r"^(assessment|learning)", text, re.I)
            if ends_block:
                self.target = None
            self.in_table_header = in_header or self.in_table_header
            return
        m = NOTE_HEADING_RE.match(text)
        if m and not line.bullet:
            self._start_note(note_kind_from_heading(m.group(1)))
            return
        if (not line.bullet or CRIT_LEAD_RE.match(text)) and self._try_numbers(line):
            return
        if line.bullet or self._lost_bullet(line):
            self._bullet(text)
            return
        self._plain(line)

    def _side_heading(self, text: str, alone: bool = False) -> bool:
        """A side-column heading on its own line (possibly wrapped onto the next line), as left by
        extractors that give each header cell its own line. Sets the side column's kind."""
        nxt = next((j for j in range(self.index + 1, len(self.lines)) if self.lines[j].text), None)
        candidates = [(text, self.index)]
        if nxt is not None and not self.lines[nxt].bullet and not alone:
            candidates.insert(0, (f"{text} {self.lines[nxt].text}", nxt))
        for joined, end in candidates:
            rest = SIDE_HEADING_PREFIX_RE.match(joined)
            if rest and end > self.index:
                # Keep the column's first words: the next line is read without the heading.
                self.lines[end] = replace(self.lines[end], text=rest.group(1))
                joined, end = joined[:rest.start(1)].strip(), self.index
            elif not SIDE_HEADING_RE.match(joined):
                continue
            if not (self.in_table_header or ALWAYS_SIDE_HEADING_RE.match(joined)):
                return False
            self.side_kind = side_kind_from_header(joined) or self.side_kind
            self.skip_to = end
            self.in_table_header = True
            if ((self.target == "crit" and self.crit is not None
                 and not looks_unfinished(self.crit.tail))
                    or (self.target == "outcome" and self.outcome is not None
                        and self.outcome.parts)):
                self.target = None  # that cell is over; the side column follows
            if self.target != "note":
                self.side_pending = True
            return True
        return False

    def _boundary(self) -> None:
        if self.target == "crit" and self.dangling is not None:
            self.note, self.dangling = self.dangling, None
            self.target = "note"
            self.interrupted = None
            return
        self.boundary_seen = True

    # ---- numbers ---------------------------------------------------------------------------
    def _try_numbers(self, line: SourceLine) -> bool:
        text = line.text
        out = self.outcome
        m = CRIT_LEAD_RE.match(text)
        if m and self._accept_criterion(int(m.group(1)), int(m.group(2)), line):
            self._start_crit(int(m.group(1)), int(m.group(2)), m.group(3), line)
            return True
        t = trailing_criterion(text)
        if (t and t[0][:1].isupper() and self._next_minor(t[1]) == t[2]
                and self._accept_criterion(t[1], t[2], line)):
            self._start_crit(t[1], t[2], t[0], line)
            return True
        if out is not None and out.single_level and not OUTCOME_PREFIX_RE.match(text):
            m = SINGLE_LEVEL_CRIT_RE.match(text)
            if m and self._accept_criterion(out.number, int(m.group(1)), line):
                self._start_crit(out.number, int(m.group(1)), m.group(2), line)
                return True
        m = OUTCOME_RE.match(text)
        if m and self._accept_outcome(int(m.group(1)), bool(OUTCOME_PREFIX_RE.match(text))):
            self._start_outcome(int(m.group(1)), m.group(2), line,
                                single_level=bool(OUTCOME_PREFIX_RE.match(text)))
            return True
        m = LONE_INT_RE.match(text)
        if m:
            if self._accept_outcome(int(m.group(1)), False):
                self._start_outcome(int(m.group(1)), "", line)
            return True  # otherwise a page number
        return False

    def _accept_outcome(self, number: int, explicit: bool) -> bool:
        if explicit:
            return True
        if number == self._expected_outcome():
            return True
        # The outcome's own cell may come after its first criterion created it.
        out = self.outcome
        return out is not None and number == out.number and not out.parts

    def _next_minor(self, major: int) -> int:
        out = self.outcome
        if out is not None and out.number == major:
            return max((c.minor for c in out.criteria), default=0) + 1
        return 1

    def _accept_criterion(self, major: int, minor: int, line: SourceLine) -> bool:
        out = self.outcome
        if out is not None and major == out.number:
            for c in out.criteria:
                if c.minor == minor:
                    raise SpecError(
                        self.source,
                        f"duplicated criterion number {major}.{minor} (first at line {c.line})",
                        line.no,
                    )
            return minor >= 1
        return major == self._expected_outcome() and minor == 1

    # ---- starting things ---------------------------------------------------------------------
    def _recover_cut_criterion(self) -> None:
        """Without a page-start signal: a side-column line ending in a dangling hyphen followed by
        lower-case text is where the page broke, and the rest continues the cut criterion."""
        crit, note = self.interrupted, self.note
        if self.target != "note" or crit is None or note is None or not looks_unfinished(crit.tail):
            return
        parts = note.last_parts()
        for j in range(len(parts) - 1, 0, -1):
            if re.search(r"[A-Za-z][-\u2010]$", parts[j - 1]) and parts[j][:1].islower():
                crit.parts.extend(parts[j:])
                del parts[j:]
                self.dangling = note
                return

    def _start_outcome(self, number: int, text: str, line: SourceLine, single_level: bool = False) -> None:
        self._recover_cut_criterion()
        existing = next((o for o in self.outcomes if o.number == number), None)
        if existing is not None and (not existing.parts or single_level):
            # Explicit "Outcome N" after a summary list, or the cell of an outcome created early.
            if single_level:
                existing.parts = [text] if text else existing.parts
                existing.single_level = True
            elif text:
                existing.parts.append(text)
            out = existing
        else:
            out = OutcomeCell(number, line.no, [text] if text else [], single_level=single_level)
            self.outcomes.append(out)
        self.current = out
        self.target = "outcome"
        self.crit = None
        self.note = None
        self.interrupted = None
        self.boundary_seen = False
        self.side_pending = False

    def _start_crit(self, major: int, minor: int, text: str, line: SourceLine) -> None:
        self._recover_cut_criterion()
        if self.outcome is None or self.outcome.number != major:
            paragraph = self._trailing_paragraph()
            last = self.crit
            self._start_outcome(major, "", line)
            assert self.outcome is not None
            if not self.outcome.parts:
                self.outcome.implicit = True
                if paragraph is None and last is not None:
                    paragraph = self._outcome_text_from(last, major)
                if paragraph is not None:
                    # The outcome's number was lost: its cell is the paragraph just before.
                    self.outcome.parts = paragraph
        assert self.outcome is not None
        crit = CritCell(major, minor, line.no, [text] if text else [])
        self.outcome.criteria.append(crit)
        self.crit = crit
        self.target = "crit"
        self.note = None
        self.interrupted = None
        self.boundary_seen = False
        self.side_pending = False

    def _outcome_text_from(self, crit: CritCell, major: int) -> list[str] | None:
        """Best effort: an outcome whose number was lost had its text run onto the end of the
        previous criterion ("… manual handling." + "Be able to move …"). Split it off at the
        last sentence end before a capitalised line, and record the finding."""
        for j in range(len(crit.parts) - 1, 0, -1):
            head, tail = join_lines(crit.parts[:j]), crit.parts[j]
            if tail[:1].isupper() and head.endswith((".", "?", "!")) or (
                    tail[:1].isupper() and not looks_unfinished(head) and len(crit.parts) - j <= 3
                    and not head.endswith(":")):
                taken = crit.parts[j:]
                del crit.parts[j:]
                self.findings.append(Finding(
                    self._line_of(taken[0], crit.line), f"learning outcome {major} had lost its "
                    f"number; implied by its criteria ({major}.1 …), its text taken from the "
                    f"lines after {crit.major}.{crit.minor}", "missing outcome number"))
                return taken
        return None

    def _line_of(self, text: str, after: int) -> int:
        return next((ln.no for ln in self.lines if ln.no > after and ln.text == text), after)

    def _trailing_paragraph(self) -> list[str] | None:
        """A plain capitalised paragraph that ended the side column just before a new outcome's
        first criterion: taken off the notes and returned (it is the outcome's own cell)."""
        note, out = self.note, self.outcome
        if (self.target != "note" or note is None or out is None or not note.paragraph
                or note.items or note.heading or not out.notes or out.notes[-1] is not note):
            return None
        text = join_lines(note.body)
        if not starts_capitalised_word(text) or looks_unfinished(text) or text.endswith("."):
            return None
        out.notes.pop()
        self.note = None
        return list(note.body)

    def _start_note(self, kind: str | None = None) -> NoteCell:
        if self.target == "crit":
            self.interrupted = self.crit
        if self.outcome is None:
            raise SpecError(self.source, "guidance text before the first learning outcome",
                            self.lines[self.index].no)
        note = NoteCell(kind or self.side_kind or "additional_guidance")
        self.outcome.notes.append(note)
        self.note = note
        self.target = "note"
        self.boundary_seen = False
        return note

    # ---- bullets and plain text ------------------------------------------------------------
    def _lost_bullet(self, line: SourceLine) -> bool:
        """A bullet glyph lost to a plain leading space (only where bullets have no glyphs)."""
        if self.glyph_bullets or line.indent == 0:
            return False
        if self.target == "note":
            return True
        return (self.target == "crit" and self.side_kind is not None and self.crit is not None
                and not looks_unfinished(self.crit.tail))

    def _bullet(self, text: str) -> None:
        crit = self.crit
        # In a table with a side column, a criterion that already runs over a sentence end has
        # swallowed side-column text: its colon introduces the side column's list, not its own.
        if (self.target == "crit" and crit is not None
                and (crit.listed or (crit.tail.endswith(":")
                                     and (self.side_kind is None or ". " not in crit.text)))):
            # "Explain the responsibilities of:" followed by its list: the list is the criterion's.
            if crit.listed and crit.parts and not crit.parts[-1].rstrip().endswith((";", ".", ":")):
                crit.parts[-1] = crit.parts[-1].rstrip() + ";"
            crit.listed = True
            crit.parts.append(text)
            return
        if self.target != "note" or self.note is None:
            self._start_note()
        assert self.note is not None
        self.note.heading_open = False
        self.note.items.append([text])

    def _colon_heading_ahead(self) -> bool:
        """Does a paragraph starting here end in ':' before any bullet or number (a list heading)?"""
        seen = 0
        for k in range(self.index, len(self.lines)):
            line = self.lines[k]
            if line.blank:
                continue
            if line.bullet or seen >= LOOKAHEAD_LINES:
                return False
            if FOOTER_RE.match(line.text) or SIDE_HEADING_RE.match(line.text) or MARKER_RE.match(
                    line.text) or ALWAYS_SIDE_HEADING_RE.match(line.text):
                return False  # the paragraph ended at a cell boundary
            if seen and (CRIT_LEAD_RE.match(line.text) or trailing_criterion(line.text)):
                return False
            if line.text.endswith(":"):
                return True
            seen += 1
        return False

    def _plain(self, line: SourceLine) -> None:
        text = line.text
        if self.target == "note" and self.note is not None:
            self._note_text(line)
            return
        if self.target == "crit" and self.crit is not None:
            # A page starts with the criteria column: resume is implicit, we are already here.
            finished = not looks_unfinished(self.crit.tail)
            capital = starts_capitalised_word(text) or text[:1].isupper()
            heading = capital and self._colon_heading_ahead()
            out = self.outcome
            if (out is not None and not out.parts and not out.implicit and finished
                    and starts_capitalised_word(text) and not heading and not self.crit.listed):
                # Extraction order put the outcome's cell after its first criterion (the outcome
                # number stood alone): the first capitalised paragraph is the outcome's text.
                out.parts.append(text)
                self.target = "outcome"
                return
            # A capitalised list heading ("Candidates should have an understanding of:") starts
            # the side column even when the criterion was cut mid-sentence by the page break.
            if self.side_kind is not None and (heading or (finished and capital
                                                           and self.boundary_seen)):
                note = self._start_note()
                note.heading_open = heading
                self._note_text(line)
                return
            self.crit.parts.append(text)
            return
        if self.target == "outcome" and self.outcome is not None:
            self.outcome.parts.append(text)
            return
        if self.side_pending and self.outcome is not None:
            note = self._start_note()
            note.heading_open = self._colon_heading_ahead()
            self._note_text(line)
            return
        out = self.outcome
        if out is not None and not out.criteria and not out.parts:
            out.parts.append(text)  # outcome cell that arrived after its number
        # Anything else between cells (stray column text) is not part of the tree.

    def _note_text(self, line: SourceLine) -> None:
        note = self.note
        assert note is not None
        text = line.text
        # Top of a new page while a criterion was cut mid-sentence: the criteria column continues.
        if (self.glyph_bullets and line.indent > 0 and self.interrupted is not None
                and looks_unfinished(self.interrupted.tail)):
            self.crit = self.interrupted
            self.interrupted = None
            self.dangling = note
            self.target = "crit"
            self.crit.parts.append(text)
            return
        if note.heading_open:
            note.heading.append(text)
            note.heading_open = not text.endswith(":")
            return
        if note.empty() and text.endswith(":"):
            note.heading.append(text)
            return
        last = note.last_parts()
        new_paragraph = (text[:1].isupper() and not looks_unfinished(join_lines(last[-3:]))
                         and (bool(note.items) or bool(note.body)))
        if new_paragraph:
            kind = note.kind
            new = self._start_note(kind)
            new.paragraph = True
            new.heading_open = self._colon_heading_ahead()
            if new.heading_open:
                new.heading.append(text)
                new.heading_open = not text.endswith(":")
            else:
                new.body.append(text)
            return
        note.add_text(text)

    # ---- result ----------------------------------------------------------------------------
    def result(self) -> list[OutcomeSpec]:
        """The outcomes read, checked: every number present in order, every criterion with text."""
        from assessor_app.specs.layout_result import outcome_specs

        return outcome_specs(self.source, self.outcomes)
