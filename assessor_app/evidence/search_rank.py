"""Ranking search candidates with FTS5's bm25 formula, without FTS5's cost for common words.

Why not FTS5's own bm25(): on its first call in a query it works out each phrase's IDF by
visiting every row of the whole index that holds the phrase (xQueryPhrase), whatever else
limits the query. Search ranks only the newest few hundred candidates, but for a word in one
item of five at a million items that visit is ~200,000 rows, ~15 ms: most of a search's time.

So the candidates are ranked here, with the same formula and numbers as sqlite's fts5_aux.c
(k1 1.2, b 0.75, the column weights of `WEIGHTS`):

    score = -sum over phrases of idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl))

- f, a phrase's weighted frequency in the row, is read from highlight() of each weighted column
  (which the candidate query returns, and which the snippet is cut from): every highlighted
  token is an instance of the query word it shares the longest prefix with (porter stems are
  prefixes of their words almost always; a tie counts for every tied word, as two query words
  with one stem both match there). The learner's token weighs nothing.
- D, the row's length in tokens, comes from `evidence_fts_docsize`; avgdl and the row count N
  from FTS5's averages record: both are what FTS5 reads.
- idf = ln((N - n + 0.5) / (n + 0.5)) (1e-6 when not positive), where n is the number of rows
  holding the phrase: counted exactly up to `EXACT_COUNT_CAP` hits; above that, estimated from
  how densely the newest `EXACT_COUNT_CAP` hits lie among the item ids. Only a common word is
  estimated, and its IDF is small and changes slowly with n.

With exact counts the scores are FTS5's to the last bit (tests/evidence/test_search_rank.py).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

#: bm25 column weights: title, text, questioning, witness (the learner column weighs nothing).
WEIGHTS = (5.0, 1.0, 1.0, 0.5)
K1 = 1.2
B = 0.75

#: A phrase with fewer hits than this is counted; a commoner one is estimated (see above).
EXACT_COUNT_CAP = 5000

#: What highlight() wraps each match in: Unicode noncharacters (reserved for a program's own
#: use), which typed or pasted text does not hold, where a control character such as \x01 can
#: arrive with a paste.
OPEN, CLOSE = "\ufdd0", "\ufdd1"

_SPAN = re.compile(f"{OPEN}([^{CLOSE}]*){CLOSE}")
#: A token as unicode61 sees it, near enough: letters and digits (no underscore).
TOKEN = re.compile(r"[^\W_]+")

_STATS_SQL = text("""
SELECT (SELECT block FROM evidence_fts_data WHERE id = 1) AS averages,
       (SELECT min(id) FROM evidence_fts_docsize) AS first_id,
       (SELECT max(id) FROM evidence_fts_docsize) AS last_id
""")

_COUNT_SQL = text("""
SELECT count(*) AS hits, min(rowid) AS oldest
FROM (SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH :phrase
      ORDER BY rowid DESC LIMIT :cap)
""")


def fold(word: str) -> str:
    """Lower case without diacritics, as the index's tokenizer compares words."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Phrase:
    """One quoted word of the FTS5 query. `ranked` is False for the learner's token."""

    word: str
    prefix: bool = False
    ranked: bool = True

    @property
    def fts(self) -> str:
        return f'"{self.word}"' + ("*" if self.prefix else "")

    @property
    def keys(self) -> tuple[str, ...]:
        """The tokens the tokenizer makes of the word (one, unless it holds e.g. '_')."""
        return tuple(TOKEN.findall(fold(self.word)))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


Shares = tuple[tuple[int, float], ...]  # (phrase index, part of one instance)


class Matcher:
    """Which phrases a highlighted token is an instance of: those with a key sharing the
    longest prefix with it; a phrase of k tokens gets 1/k per token. Remembered per token (a
    search sees the same few words hundreds of times)."""

    def __init__(self, phrases: Sequence[Phrase]) -> None:
        self.phrases = tuple(phrases)
        self._keys = [(i, p.keys) for i, p in enumerate(self.phrases)]
        self._memo: dict[str, Shares] = {}

    def __call__(self, token: str) -> Shares:
        found = self._memo.get(token)
        if found is None:
            found = self._memo[token] = self._shares(fold(token))
        return found

    def _shares(self, folded: str) -> Shares:
        best, found = 0, []
        for i, keys in self._keys:
            length = max((_common_prefix(folded, k) for k in keys), default=0)
            if length > best:
                best, found = length, [(i, 1.0 / len(keys))]
            elif length == best and best:
                found.append((i, 1.0 / len(keys)))
        return tuple(found)


@dataclass(frozen=True)
class TableStats:
    rows: int  # N: rows in the index
    avgdl: float  # average row length in tokens, all columns
    id_span: int  # last item id - first item id + 1 (for estimating a common word's hits)
    last_id: int


def varints(blob: bytes) -> list[int]:
    """SQLite's variable-length integers, as FTS5 stores its sizes (big-endian groups of 7 bits,
    a set high bit meaning more follow; a ninth byte gives all its 8 bits)."""
    out, value, length = [], 0, 0
    for byte in blob:
        length += 1
        if length == 9:
            out.append((value << 8) | byte)
            value, length = 0, 0
        elif byte & 0x80:
            value = (value << 7) | (byte & 0x7F)
        else:
            out.append((value << 7) | byte)
            value, length = 0, 0
    return out


def table_stats(session: Session) -> TableStats:
    row = session.execute(_STATS_SQL).one()
    numbers = varints(row.averages or b"")
    rows, total = (numbers[0], sum(numbers[1:])) if numbers else (0, 0)
    first, last = row.first_id or 0, row.last_id or 0
    return TableStats(rows, total / rows if rows else 0.0, last - first + 1, last)


def document_frequency(session: Session, phrase: Phrase, stats: TableStats) -> float:
    """How many rows of the whole index hold `phrase`: exact below the cap, else estimated."""
    cap = EXACT_COUNT_CAP
    row = session.execute(_COUNT_SQL, {"phrase": phrase.fts, "cap": cap}).one()
    if row.hits < cap:
        return float(row.hits)
    newest_ids = stats.last_id - row.oldest + 1  # the ids the newest `cap` hits lie among
    return float(min(stats.rows, max(row.hits, row.hits * stats.id_span / newest_ids)))


def idf(rows: int, hits: float) -> float:
    value = math.log((rows - hits + 0.5) / (hits + 0.5))
    return value if value > 0.0 else 1e-6


def frequencies(columns: Sequence[str], matcher: Matcher) -> list[float]:
    """Each phrase's weighted frequency in one row, from its highlighted weighted columns."""
    freq = [0.0] * len(matcher.phrases)
    for weight, column in zip(WEIGHTS, columns, strict=False):
        if not column or OPEN not in column:
            continue
        for span in _SPAN.findall(column):
            for token in TOKEN.findall(span):
                for i, share in matcher(token):
                    freq[i] += weight * share
    return freq


def bm25(freq: Sequence[float], idfs: Sequence[float], length: int, avgdl: float) -> float:
    """FTS5's bm25 of one row, operation for operation (so equal counts give equal bits)."""
    score = 0.0
    for f, weight in zip(freq, idfs, strict=True):
        score += weight * ((f * (K1 + 1.0)) / (f + K1 * (1 - B + B * length / avgdl)))
    return -1.0 * score


@dataclass(frozen=True)
class Candidate:
    id: int
    sizes: bytes | None  # evidence_fts_docsize.sz: each column's length, varints
    columns: tuple[str, ...]  # the weighted columns, highlighted with OPEN/CLOSE


def scores(session: Session, matcher: Matcher, candidates: Sequence[Candidate]) -> list[float]:
    """bm25 of each candidate (lower is more relevant), in the candidates' order."""
    if not candidates:
        return []
    phrases = matcher.phrases
    stats = table_stats(session)
    idfs = [idf(stats.rows, document_frequency(session, p, stats)) if p.ranked else 0.0
            for p in phrases]
    out = []
    for c in candidates:
        freq = [f if p.ranked else 0.0
                for f, p in zip(frequencies(c.columns, matcher), phrases, strict=True)]
        out.append(bm25(freq, idfs, sum(varints(c.sizes or b"")), stats.avgdl))
    return out
