"""Full-text search over evidence: title, text, questioning transcript and witness details.

Backed by the FTS5 table `evidence_fts` (migration 0002), ranked with bm25 (a match in the title
weighs most) and returned with a snippet around the matched words. The user's words are quoted
before they reach FTS5, so punctuation or words like NOT/OR never cause a syntax error, and the
last word matches as a prefix while it is being typed, so results appear while typing.

Speed at a centre's scale (a million items): one learner's search is an FTS5 AND with that
learner's token (migration 0003); the last word is a prefix only while it is not yet a whole word
of the index; ranking is limited to the newest `CANDIDATES` hits, found by walking the match list
backwards by rowid; evidence references come from the stored `ref_number`.

Text typed into an item is indexed after the autosave, not in it (`search_index`): a search
indexes whatever is still pending first, so it always finds what the user sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from assessor_app.evidence.db import Db, reading
from assessor_app.evidence.items import evidence_ref
from assessor_app.evidence.search_index import index_pending

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


#: Ranking looks at no more than this many hits: the newest ones. A rarer word has fewer hits and
#: is ranked exactly; a common word's hits all score much alike, so its newest hits are as good a
#: candidate set as any, and a search never scores hundreds of thousands of rows (bm25 costs tens
#: of microseconds a row; see benchmarks/bench_search.py).
CANDIDATES = 250

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

_ANY_SQL = text("SELECT 1 FROM evidence_fts WHERE evidence_fts MATCH :query LIMIT 1")


def learner_token(learner_id: int) -> str:
    """The token migration 0003 indexes in every item's `learner` column (no one types it)."""
    return f"learner{int(learner_id)}x"


def _match(words_query: str, learner_id: int | None) -> str:
    """The FTS5 expression: the words, AND the learner's token when given. FTS5 answers the AND
    by seeking through the longer list to the entries of the shorter one."""
    if learner_id is None:
        return words_query
    return f'"{learner_token(learner_id)}" AND {words_query}'


def _words_query(session: Session, words: str, learner_id: int | None) -> str:
    """The last word as typed so far matches whole words when it is one (a cheap, seekable list)
    and as a prefix only while it matches no whole word: FTS5 builds a prefix's list by merging
    every matching term's, which for a common word at a centre's scale is most of the cost."""
    whole = fts_query(words, prefix_last=False)
    prefixed = fts_query(words)
    if whole == prefixed:
        return whole
    found = session.execute(_ANY_SQL, {"query": _match(whole, learner_id)}).first()
    return whole if found else prefixed


def search_evidence(db: Db, learner_id: int | None, words: str, *, limit: int = 50,
                    highlight: tuple[str, str] = ("[", "]"),
                    snippet_tokens: int = 12) -> list[SearchHit]:
    """Live items matching all `words` (one learner's, or everyone's with learner_id None), best
    first. `highlight` wraps matched words in the snippet (e.g. ("<b>", "</b>") for rich text)."""
    query = fts_query(words)
    if not query:
        return []
    index_pending(db)  # text typed since the last indexing (cheap when there is none)
    with reading(db) as session:
        match = _match(_words_query(session, words, learner_id), learner_id)
        floor = session.execute(_FLOOR_SQL, {"query": match, "offset": CANDIDATES - 1}).scalar()
        rows = session.execute(_SEARCH_SQL, {
            "query": match, "floor": floor or 0, "limit": limit,
            "open": highlight[0], "close": highlight[1], "tokens": snippet_tokens,
        }).all()
    return [SearchHit(r.id, r.learner_id, evidence_ref(r.kind, r.ref_number), r.kind,
                      date.fromisoformat(r.date), r.title, r.snippet or "", float(r.score))
            for r in rows]
