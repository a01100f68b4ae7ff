"""Best-effort repairs of a unit text the strict parser could not fully read.

Each repair rewrites the source lines (adding a criterion number where one was evidently lost,
or splitting a line whose table columns were flattened together) and the strict parser runs
again on the result; each records a `Finding` at the source line it changed. Nothing here
guesses content: a repair only numbers or splits text that is there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assessor_app.specs.layout_cells import MARKER_RE, NOTE_HEADING_RE, SIDE_HEADING_RE
from assessor_app.specs.model import Finding
from assessor_app.specs.text_cleanup import BULLET_CHARS, looks_unfinished

# Verbs assessment criteria start with ("Describe …", "Explain …"): a line opening with one
# after a finished line is a criterion start.
_VERB_WORDS = """
adapt agree analyse analyze apply assess balance carry check clarify communicate compare complete
confirm contribute create deal define demonstrate describe develop discuss ensure establish
evaluate explain follow gain give handle identify implement inform interpret investigate justify
keep list maintain make manage meet monitor negotiate obtain operate outline perform place plan
position prepare present produce promote provide recognise recognize record reflect report
respond review seek select set show state summarise summarize support take undertake use work
do act help assist arrange access build collect deliver dispose locate lift store test wear clean
contact greet ask answer treat welcome measure calculate protect respect encourage enable receive
process update resolve refer escalate offer detail compile conduct carry
"""
CRITERION_VERBS = frozenset(_VERB_WORDS.split())
_BULLET_ONLY_RE = re.compile(f"^\\s*[{BULLET_CHARS}]+\\s*$")
_BULLET_PREFIX_RE = re.compile(f"^(\\s*)([{BULLET_CHARS}]+\\s*)?")
_LEAD_NUMBER_RE = re.compile(r"^\s*(?:[" + BULLET_CHARS + r"]\s*)?(\d{1,2})\.(\d{1,2})\b")
_TRAIL_NUMBER_RE = re.compile(r"\s(\d{1,2})\.(\d{1,2})\.?\s*$")
_OUTCOME_LINE_RE = re.compile(r"^\s*(?:(?:learning\s+)?outcome\s+)?(\d{1,2})(?:[.):]|\s|$)", re.I)
# A criterion number inside a line, after a space or a bullet: where flattened cells meet.
_INLINE_CRIT_RE = re.compile(r"(?:(?<=\s)|^)(?:[" + BULLET_CHARS + r"]\s*)?(\d{1,2})\.(\d{1,2})\.?"
                             r"(?=\s+[A-Z\"“‘(]|\s*$)")
_INLINE_BULLET_RE = re.compile("\\s[\u2022\u25cf\u25aa\uf0b7\uf0a7](?=\\s)")
_INLINE_MARKER_RE = re.compile(r"\s(assessment\s+criteria|the\s+learners?\s+(?:will|can)"
                               r"(?:\s+be\s+able\s+to)?\s*:?)(?=\s|$)", re.I)


@dataclass
class Lines:
    """The text being repaired, with each line's line number in the original source."""

    text: list[str]
    origin: list[int]
    findings: list[Finding] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> Lines:
        rows = text.split("\n")
        return cls(rows, list(range(1, len(rows) + 1)))

    def joined(self) -> str:
        return "\n".join(self.text)

    def source_line(self, line: int | None) -> int | None:
        if line is None or not 1 <= line <= len(self.origin):
            return line
        return self.origin[line - 1]


def _body(raw: str) -> str:
    return _BULLET_PREFIX_RE.sub("", raw, count=1).strip()


def _first_word(text: str) -> str:
    m = re.match(r"[A-Za-z]+", text)
    return m.group(0) if m else ""


def _numbered(raw: str, major: int, minor: int) -> bool:
    m = _LEAD_NUMBER_RE.match(raw) or _TRAIL_NUMBER_RE.search(raw)
    return bool(m) and (int(m.group(1)), int(m.group(2))) == (major, minor)


def _is_heading(text: str) -> bool:
    return bool(MARKER_RE.match(text) or NOTE_HEADING_RE.match(text) or SIDE_HEADING_RE.match(text))


def _candidates(lines: Lines, start: int, end: int) -> list[tuple[int, int]]:
    """(score, index) of lines in (start, end) that look like the start of a criterion."""
    found: list[tuple[int, int]] = []
    prev = lines.text[start] if start >= 0 else ""
    prev_number_only = bool(re.fullmatch(r"\s*(?:[" + BULLET_CHARS + r"]\s*)?\d{1,2}(?:\.\d{1,2})?"
                                         r"\.?\s*", prev))
    for i in range(start + 1, end):
        raw = lines.text[i]
        text = _body(raw)
        if not text:
            if _BULLET_ONLY_RE.match(raw):
                prev, prev_number_only = raw, False
            continue
        word = _first_word(text)
        prev_body = _body(prev)
        after_break = (_BULLET_ONLY_RE.match(prev) is not None or not prev_body
                       or not looks_unfinished(prev_body))
        verb = word.lower() in CRITERION_VERBS
        if ((word[:1].isupper() or verb) and after_break and not prev_number_only
                and not _is_heading(text) and not _LEAD_NUMBER_RE.match(raw)):
            score = (2 if verb else 0) + (
                1 if _BULLET_ONLY_RE.match(prev) else 0) + (1 if raw[:1] in BULLET_CHARS else 0)
            if score:
                found.append((score, i))
        prev, prev_number_only = raw, False
    return found


def _insert_number(lines: Lines, i: int, major: int, minor: int) -> None:
    prev = lines.text[i - 1] if i > 0 else ""
    if _BULLET_ONLY_RE.match(prev):
        # "•" alone then the text: the number belonged on the bullet's line.
        lines.text[i - 1] = f"{prev.rstrip()} {major}.{minor}."
        return
    m = _BULLET_PREFIX_RE.match(lines.text[i])
    head = m.group(0) if m else ""
    lines.text[i] = f"{head}{major}.{minor} {lines.text[i][len(head):].lstrip()}"


def fill_missing_number(lines: Lines, major: int, minor: int, found_line: int) -> bool:
    """Number the line between criterion major.(minor-1) (or outcome `major`) and the criterion
    found after the gap that most looks like a criterion start. False when none does."""
    end = found_line - 1
    start = end - 1
    while start >= 0:
        raw = lines.text[start]
        if minor > 1 and _numbered(raw, major, minor - 1):
            break
        m = _OUTCOME_LINE_RE.match(raw)
        if minor == 1 and m and int(m.group(1)) == major:
            break
        start -= 1
    if start < 0:
        return False
    candidates = _candidates(lines, start, end)
    if not candidates:
        return False
    best = max(candidates, key=lambda c: (c[0], -c[1]))[1]
    _insert_number(lines, best, major, minor)
    lines.findings.append(Finding(
        lines.origin[best], f"criterion {major}.{minor} had lost its number; numbered from its "
        f"place between {major}.{minor - 1 if minor > 1 else 'the outcome'} and {major}."
        f"{minor + 1}", "missing criterion number"))
    return True


def number_unnumbered(lines: Lines) -> bool:
    """Criteria with no numbers under a "learner can"/"assessment criteria" heading: each
    criterion start under outcome N is numbered N.1, N.2, … in order."""
    outcome = 0
    changed = False
    i = 0
    while i < len(lines.text):
        raw = lines.text[i]
        m = _OUTCOME_LINE_RE.match(raw)
        if m and int(m.group(1)) == outcome + 1 and not _LEAD_NUMBER_RE.match(raw):
            outcome += 1
        elif outcome and MARKER_RE.match(_body(raw)) and not re.match(r"(?i)learning", _body(raw)):
            end = next((j for j in range(i + 1, len(lines.text))
                        if (mm := _OUTCOME_LINE_RE.match(lines.text[j]))
                        and int(mm.group(1)) == outcome + 1), len(lines.text))
            starts = [k for _, k in _candidates(lines, i, end) if
                      _first_word(_body(lines.text[k])).lower() in CRITERION_VERBS]
            for n, k in enumerate(starts, start=1):
                _insert_number(lines, k, outcome, n)
            if starts:
                changed = True
                lines.findings.append(Finding(
                    lines.origin[starts[0]], f"the criteria of outcome {outcome} had no numbers; "
                    f"numbered {outcome}.1–{outcome}.{len(starts)} in order", "unnumbered criteria"))
            i = end
            continue
        i += 1
    return changed


def unflatten(lines: Lines) -> bool:
    """Split lines that hold several table cells run together ("1 Know X 1.1 Describe … 1.2 …")
    before each criterion number, outcome number and column heading inside them."""
    text: list[str] = []
    origin: list[int] = []
    changed_at: list[int] = []
    for raw, no in zip(lines.text, lines.origin, strict=True):
        pieces = _split_flat(raw)
        if len(pieces) > 1:
            changed_at.append(no)
        text.extend(pieces)
        origin.extend([no] * len(pieces))
    if not changed_at:
        return False
    lines.text, lines.origin = text, origin
    lines.findings.append(Finding(
        changed_at[0], f"table columns were flattened onto single lines ({len(changed_at)} "
        "line(s)); split them at the criterion numbers", "flattened columns"))
    return True


def _split_flat(raw: str) -> list[str]:
    cuts = [m.start() for m in _INLINE_CRIT_RE.finditer(raw) if m.start() > 0]
    if len(cuts) < 2 and not (cuts and _OUTCOME_LINE_RE.match(raw)):
        return [raw]
    majors = {int(m.group(1)) for m in _INLINE_CRIT_RE.finditer(raw)}
    extra = [m.start() + 1 for m in _INLINE_MARKER_RE.finditer(raw)]
    # Bullet glyphs inside the run-together line start list items ("… of: • self • the …").
    extra += [m.start() + 1 for m in _INLINE_BULLET_RE.finditer(raw)]
    for major in majors:
        # "… previous criterion text. 2. Be able to …" or "… text 2 Understand …"
        for m in re.finditer(rf"\s({major})[.)]?\s+(?=[A-Z])", raw):
            if not re.match(r"\d{1,2}\.\d", raw[m.start(1):]):
                extra.append(m.start() + 1)
    points = sorted(set(cuts + extra))
    pieces, last = [], 0
    for p in points:
        if raw[last:p].strip():
            pieces.append(raw[last:p].rstrip())
            last = p
    pieces.append(raw[last:])
    return [p for p in pieces if p.strip()] or [raw]
