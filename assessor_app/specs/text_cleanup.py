"""Turning PDF-extracted text into lines the layout parser can reason about.

Text copied out of awarding-body PDFs carries layout noise: private-use bullet glyphs (U+F0B7,
U+F0FC, …), bullets lost to a plain leading space, blank lines between wrapped lines, trailing
spaces, and whitespace-only lines where a table cell ended. The parser needs some of that noise as
layout signals (indentation, whitespace-only lines), so `split_lines` keeps it as attributes and
gives clean text alongside.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Private-use glyphs from Symbol/Wingdings fonts plus ordinary bullet characters.
BULLET_CHARS = "\uf0b7\uf0fc\uf0a7\uf076\uf0d8\uf0e0\uf0a8\uf06e\uf0fb\u2022\u25cf\u25aa\u25a0\u2023\u2043\u25e6\u2219\u27a2\u2013\u00b7-"
_BULLET_RE = re.compile(f"^[{BULLET_CHARS}]+\\s*")
_SPACES_RE = re.compile(r"\s+")
# Words that cannot end a finished phrase: a line ending in one of them continues elsewhere.
FUNCTION_WORDS = frozenset((
    "a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "at", "by", "for",
    "with", "from", "into", "onto", "than", "that", "which", "who", "whom", "whose", "how",
    "what", "when", "where", "whether", "their", "its", "his", "her", "our", "your", "my", "as",
    "if", "so", "such", "be", "is", "are", "was", "were", "has", "have", "had", "can", "could",
    "should", "would", "will", "may", "might", "must", "not", "including", "include", "includes",
    "eg", "e.g.", "ie", "i.e.", "especially", "about", "between", "within", "without", "through",
    "during", "against", "among", "upon", "both", "either", "each", "every", "this", "these",
    "those", "any", "all", "some",
))


@dataclass(frozen=True)
class SourceLine:
    """One physical line of the source with its layout signals and its cleaned text."""

    no: int  # 1-based line number in the file, for error messages
    text: str  # bullet removed, whitespace collapsed, stripped
    indent: int  # leading spaces beyond the document's usual indentation
    bullet: bool  # started with a bullet glyph
    ws_only: bool  # held spaces but no text: PDF extraction leaves these where a cell ended

    @property
    def blank(self) -> bool:
        return not self.text and not self.bullet


def decode_source(data: bytes, source: str) -> str:
    """Bytes of a source text → str; rejects empty and binary files with a clear message."""
    from assessor_app.specs.errors import SpecError

    if not data.strip():
        raise SpecError(source, "file is empty", 1)
    if b"\x00" in data[:8192]:
        raise SpecError(source, "not a text file (binary data)", 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise SpecError(source, "not a text file (undecodable bytes)", 1) from exc
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(3, len(text) // 100):
        raise SpecError(source, "not a text file (binary data)", 1)
    return text


def clean(text: str) -> str:
    """Collapse whitespace runs to single spaces and strip."""
    return _SPACES_RE.sub(" ", text).strip()


def split_lines(text: str) -> list[SourceLine]:
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    raw_lines = [r.expandtabs(4).replace("\u00a0", " ") for r in raw_lines]
    indents = [len(r) - len(r.lstrip(" ")) for r in raw_lines if r.strip()]
    # The usual indentation is the most common one; more than that is a lost bullet or a page start.
    base = Counter(indents).most_common(1)[0][0] if indents else 0
    out: list[SourceLine] = []
    for no, raw in enumerate(raw_lines, start=1):
        stripped = raw.strip()
        if not stripped:
            out.append(SourceLine(no, "", 0, False, bool(raw)))
            continue
        indent = max(0, len(raw) - len(raw.lstrip(" ")) - base)
        match = _BULLET_RE.match(stripped)
        # A dash only counts as a bullet when followed by a space ("– item", "- age"), not in "–3"
        # or "-based".
        bullet = bool(match) and not (stripped[0] in "\u2013-" and not stripped[1:2].isspace())
        body = stripped[match.end():] if bullet and match else stripped
        out.append(SourceLine(no, clean(body), indent, bullet, False))
    return out


def join_lines(parts: list[str]) -> str:
    """Join wrapped line fragments into single-spaced text.

    A fragment ending in a hyphen after a letter is a compound split at the wrap ("long-" +
    "term"): joined without a space and the hyphen kept, since these documents are not
    syllable-hyphenated.
    """
    result = ""
    for part in parts:
        part = clean(part)
        if not part:
            continue
        if not result:
            result = part
        elif re.search(r"[A-Za-z][-\u2010]$", result[-2:]) and part[:1].islower():
            result += part
        else:
            result += " " + part
    return result


def last_word(text: str) -> str:
    words = text.split()
    return words[-1].lower().strip("\"'“”‘’(") if words else ""


def looks_unfinished(text: str) -> bool:
    """True when a phrase visibly continues: ends in a hyphen, comma, slash or function word."""
    text = text.rstrip()
    if not text:
        return True
    if text[-1] in "-\u2010,/&(":
        return True
    return last_word(text) in FUNCTION_WORDS


def starts_capitalised_word(text: str) -> bool:
    """A line opening with a capitalised ordinary word ("Performance", "Typical"), not "CRM"."""
    m = re.match(r"[\"“‘(]?([A-Za-z][A-Za-z'’-]*)", text)
    if not m:
        return False
    word = m.group(1)
    return word[0].isupper() and (len(word) == 1 or not word.isupper())
