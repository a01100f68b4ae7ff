"""Full-text search over evidence: title, text, questioning transcript and witness details.

Backed by the FTS5 table `evidence_fts` (migration 0002), ranked with bm25 (a match in the title
weighs most) and returned with a snippet around the matched words. The user's words are quoted
before they reach FTS5, so punctuation or words like NOT/OR never cause a syntax error, and the
last word matches as a prefix so results appear while typing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text

from assessor_app.evidence.db import Db, reading
from assessor_app.evidence.items import evidence_ref

#: bm25 column weights: title, text, questioning, witness.
WEIGHTS = (5.0, 1.0, 1.0, 0.5)

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    evidence_id: int
    learner_id: int
    ref: str
    kind: str
    date: date
    title: str
    snippet: str
    score: float  # bm25: lower is more relevant; hits come best first


def fts_query(words: str, *, prefix_last: bool = True) -> str:
    """The user's words as a safe FTS5 query (all words must occur; "" when there are none)."""
    tokens = _WORD.findall(words)
    if not tokens:
        return ""
    parts = [f'"{t}"' for t in tokens]
    if prefix_last and not words[-1:].isspace():
        parts[-1] += "*"
    return " ".join(parts)


_SEARCH_SQL = text(f"""
SELECT evidence_fts.rowid AS id, e.learner_id, e.kind, e.date, e.title, numbered.ordinal,
       bm25(evidence_fts, {", ".join(map(str, WEIGHTS))}) AS score,
       snippet(evidence_fts, -1, :open, :close, '…', :tokens) AS snippet
FROM evidence_fts
JOIN evidence_item AS e ON e.id = evidence_fts.rowid
JOIN (SELECT id, row_number() OVER (PARTITION BY learner_id, kind ORDER BY id) AS ordinal
      FROM evidence_item
      WHERE :learner_id IS NULL OR learner_id = :learner_id) AS numbered ON numbered.id = e.id
WHERE evidence_fts MATCH :query
  AND e.deleted = 0
  AND (:learner_id IS NULL OR e.learner_id = :learner_id)
ORDER BY score, e.id
LIMIT :limit
""")


def search_evidence(db: Db, learner_id: int | None, words: str, *, limit: int = 50,
                    highlight: tuple[str, str] = ("[", "]"),
                    snippet_tokens: int = 12) -> list[SearchHit]:
    """Live items matching all `words` (one learner's, or everyone's with learner_id None), best
    first. `highlight` wraps matched words in the snippet (e.g. ("<b>", "</b>") for rich text)."""
    query = fts_query(words)
    if not query:
        return []
    with reading(db) as session:
        rows = session.execute(_SEARCH_SQL, {
            "query": query, "learner_id": learner_id, "limit": limit,
            "open": highlight[0], "close": highlight[1], "tokens": snippet_tokens,
        }).all()
    return [SearchHit(r.id, r.learner_id, evidence_ref(r.kind, r.ordinal), r.kind,
                      date.fromisoformat(r.date), r.title, r.snippet or "", float(r.score))
            for r in rows]
