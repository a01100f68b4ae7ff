"""Full-text search over evidence: title, text, questioning transcript and witness details.

Backed by the FTS5 table `evidence_fts` (migration 0002), ranked with bm25 (a match in the title
weighs most) and returned with a snippet around the matched words. The user's words are quoted
before they reach FTS5, so punctuation or words like NOT/OR never cause a syntax error, and the
last word matches as a prefix so results appear while typing.

Speed at a centre's scale (a million items): one learner's search is an FTS5 AND with that
learner's token (migration 0003), and ranking is limited to the newest `CANDIDATES` hits, found by
walking the match list backwards by rowid; evidence references come from the stored
`ref_number`, so nothing numbers rows at query time.
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


#: Ranking looks at no more than this many hits: the newest ones. A rare word has fewer hits and
#: is ranked exactly; a common word's hits all score alike, so the newest of them are as good a
#: candidate set as any, and a search never sorts hundreds of thousands of rows (see the module
#: docstring of `benchmarks/bench_search.py` for the measurements behind the number).
CANDIDATES = 2000

_TEXT_COLUMNS = "{title body qa witness}"
_RANK = f"bm25({', '.join(map(str, WEIGHTS))}, 0.0)"  # the learner column weighs nothing

_FLOOR_SQL = text("""
SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH :query
ORDER BY rowid DESC LIMIT 1 OFFSET :offset
""")

# `ORDER BY rank` lets FTS5 sort the candidates' scores itself and build snippets only for the
# rows it returns; `rowid >= :floor` keeps the candidates to the newest ones.
_SEARCH_SQL = text(f"""
SELECT hit.id, e.learner_id, e.kind, e.date, e.title, e.ref_number, hit.score, hit.snippet
FROM (SELECT rowid AS id, rank AS score,
             snippet(evidence_fts, -1, :open, :close, '…', :tokens) AS snippet
      FROM evidence_fts
      WHERE evidence_fts MATCH :query AND rank MATCH '{_RANK}' AND rowid >= :floor
      ORDER BY rank
      LIMIT :limit) AS hit
JOIN evidence_item AS e ON e.id = hit.id
ORDER BY hit.score, hit.id
""")


def _match(words_query: str, learner_id: int | None) -> str:
    """The FTS5 expression: the words in the text columns, and the learner's token when given
    (FTS5 answers that AND by seeking through the longer list, not by filtering every hit)."""
    words = f"{_TEXT_COLUMNS} : ({words_query})"
    if learner_id is None:
        return words
    return f'learner : "l{int(learner_id)}" AND {words}'


def search_evidence(db: Db, learner_id: int | None, words: str, *, limit: int = 50,
                    highlight: tuple[str, str] = ("[", "]"),
                    snippet_tokens: int = 12) -> list[SearchHit]:
    """Live items matching all `words` (one learner's, or everyone's with learner_id None), best
    first. `highlight` wraps matched words in the snippet (e.g. ("<b>", "</b>") for rich text)."""
    query = fts_query(words)
    if not query:
        return []
    match = _match(query, learner_id)
    with reading(db) as session:
        floor = session.execute(_FLOOR_SQL, {"query": match, "offset": CANDIDATES - 1}).scalar()
        rows = session.execute(_SEARCH_SQL, {
            "query": match, "floor": floor or 0, "limit": limit,
            "open": highlight[0], "close": highlight[1], "tokens": snippet_tokens,
        }).all()
    return [SearchHit(r.id, r.learner_id, evidence_ref(r.kind, r.ref_number), r.kind,
                      date.fromisoformat(r.date), r.title, r.snippet or "", float(r.score))
            for r in rows]
