"""A search hit's snippet, cut from the highlighted columns the ranking already read.

FTS5's snippet() would cost a second full-text query for the returned rows (for the 50 hits of a
common word at a million items, 20 ms or more: the match is evaluated again for each row), so the
snippet is made here the way snippet() makes it: in each column, a window of `tokens` tokens
starting at each match, scored 1000 for each query word it holds and 1 for each further match,
then moved so its matches sit in the middle; or starting at the beginning of the match's
sentence, with 100 more (120 for the column's first sentence). The best window of all columns
wins (the earlier on a tie), with '…' where the column goes on, and matched words wrapped in the
caller's `highlight` pair.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from assessor_app.evidence.search_rank import CLOSE, OPEN, Matcher

ELLIPSIS = "…"

_TOKEN_OR_MARK = re.compile(rf"[^\W_]+|[{OPEN}{CLOSE}]")
_SPACE = " \t\n\r"
_MARKS = OPEN + CLOSE


class _Column:
    """One highlighted column as tokens: (start, end) offsets in its text, which are matches,
    and which begin a sentence (after '.' or ':' and white space, as snippet() sees it)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[int, int]] = []
        self.matched: list[int] = []
        inside = False
        for m in _TOKEN_OR_MARK.finditer(text):
            if m.group() == OPEN:
                inside = True
            elif m.group() == CLOSE:
                inside = False
            else:
                if inside:
                    self.matched.append(len(self.tokens))
                self.tokens.append(m.span())

    def sentence_starts(self) -> list[int]:
        return [0, *(n for n, (start, _) in enumerate(self.tokens[1:], 1)
                     if self._after_full_stop(start))]

    def _after_full_stop(self, start: int) -> bool:
        text, i, spaces = self.text, start - 1, 0
        while i >= 0 and (text[i] in _SPACE or text[i] in _MARKS):
            spaces += text[i] in _SPACE
            i -= 1
        return spaces > 0 and i >= 0 and text[i] in ".:"


def _window_score(col: _Column, keys: list[tuple[int, ...]], first: int, size: int) -> tuple[int, int]:
    """(score, token after the last match) of the window of `size` tokens from `first`."""
    seen: set[int] = set()
    score, last = 0, first
    for n in range(bisect.bisect_left(col.matched, first), len(col.matched)):
        i = col.matched[n]
        if i >= first + size:
            break
        for phrase in keys[n]:
            score += 1 if phrase in seen else 1000
            seen.add(phrase)
        last = i + 1
    return score, last


def _best_window(col: _Column, matcher: Matcher, size: int) -> tuple[int, int]:
    """(score, first token) of the column's best window."""
    keys = [tuple(p for p, _ in matcher(col.text[slice(*col.tokens[i])])) for i in col.matched]
    starts = col.sentence_starts() if len(col.tokens) > size else []
    best = (0, 0)
    for i in col.matched:
        score, last = _window_score(col, keys, i, size)
        if score > best[0]:
            moved = i - (size - (last - i)) // 2
            best = (score, max(0, min(moved, len(col.tokens) - size)))
        sentence = starts[bisect.bisect_right(starts, i) - 1] if starts else i
        if sentence < i:
            score = _window_score(col, keys, sentence, size)[0] + (120 if sentence == 0 else 100)
            if score > best[0]:
                best = (score, sentence)
    return best


def _cut(col: _Column, start: int, size: int) -> str:
    """The text of tokens start .. start + size - 1 with its marks, and '…' where text is left
    out."""
    text, tokens = col.text, col.tokens
    end = min(start + size, len(tokens)) - 1
    a = tokens[start][0] if start > 0 else 0
    b = tokens[end][1] if end < len(tokens) - 1 else len(text)
    if start > 0 and text[a - 1:a] == OPEN:
        a -= 1
    if text[b:b + 1] == CLOSE:
        b += 1
    piece = text[a:b]
    marks = [c for c in piece if c in (OPEN, CLOSE)]
    if marks and marks[0] == CLOSE:  # the window starts inside a match of several tokens
        piece = OPEN + piece
    if marks and marks[-1] == OPEN:
        piece += CLOSE
    return (ELLIPSIS if start > 0 else "") + piece + (ELLIPSIS if end < len(tokens) - 1 else "")


def snippet(columns: Sequence[str], matcher: Matcher, highlight: tuple[str, str],
            tokens: int) -> str:
    """The snippet of one hit from its highlighted weighted columns (title first)."""
    size = max(1, tokens)
    best: tuple[int, _Column | None, int] = (0, None, 0)  # score, column, first token
    for text in columns:
        if OPEN in text:
            col = _Column(text)
            score, start = _best_window(col, matcher, size)
            if score > best[0]:
                best = (score, col, start)
    _, col, start = best
    if col is None:  # no match in these columns: the title's beginning, as snippet() does
        col = _Column(columns[0] if columns else "")
    if not col.tokens:
        return col.text.replace(OPEN, "").replace(CLOSE, "")
    piece = _cut(col, start, size)
    return piece.replace(OPEN, highlight[0]).replace(CLOSE, highlight[1])
