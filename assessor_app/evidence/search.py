"""Full-text search over evidence: title, text, questioning transcript and witness details.

Backed by the FTS5 table `evidence_fts` (migration 0002), ranked with FTS5's bm25 formula (a
match in the title weighs most) and returned with a snippet around the matched words. The user's
words are quoted before they reach FTS5, so punctuation or words like NOT/OR never cause a syntax
error, and the last word matches as a prefix while it is being typed, so results appear while
typing.

Speed at a centre's scale (a million items): one learner's search is an FTS5 AND with that
learner's token (migration 0003); the last word is a prefix only while it is not yet a whole word
of the index; ranking is limited to the newest `CANDIDATES` hits, read in one query walking the
match list backwards by rowid, with each weighted column highlighted; they are scored in Python
(`search_rank`: FTS5's own bm25() would first visit every row of the index holding each word) and
the snippets of the returned hits are cut from the same highlighted text (`search_snippet`);
evidence references come from the stored `ref_number`.

Text typed into an item is indexed after the autosave, not in it (`search_index`): a search
indexes whatever is still pending first, so it always finds what the user sees.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from assessor_app.evidence.db import Db, reading
from assessor_app.evidence.items import evidence_ref
from assessor_app.evidence.search_index import index_pending
from assessor_app.evidence.search_rank import (
    CLOSE,
    OPEN,
    WEIGHTS,
    Candidate,
    Matcher,
    Phrase,
    scores,
)
from assessor_app.evidence.search_snippet import snippet

__all__ = ["CANDIDATES", "WEIGHTS", "SearchHit", "fts_query", "learner_token", "search_evidence"]

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
    return " ".join(p.fts for p in _phrases(words, prefix_last=prefix_last))


def _phrases(words: str, *, prefix_last: bool = True) -> list[Phrase]:
    tokens = _WORD.findall(words)
    prefix = prefix_last and not words[-1:].isspace()
    return [Phrase(t, prefix=prefix and i == len(tokens) - 1) for i, t in enumerate(tokens)]


#: Ranking looks at no more than this many hits: the newest ones. A rarer word has fewer hits and
#: is ranked exactly; a common word's hits all score much alike, so its newest hits are as good a
#: candidate set as any, and a search never reads hundreds of thousands of rows (highlighting a
#: candidate costs ~15 µs; see benchmarks/bench_search.py).
CANDIDATES = 250

_HIGHLIGHTS = ", ".join(f"highlight(evidence_fts, {i}, :open, :close) AS c{i}"
                        for i in range(len(WEIGHTS)))

# FTS5 walks the match list backwards and stops after `:candidates` rows: the newest hits.
_CANDIDATES_SQL = text(f"""
SELECT rowid AS id, (SELECT sz FROM evidence_fts_docsize WHERE id = evidence_fts.rowid) AS sz,
       {_HIGHLIGHTS}
FROM evidence_fts WHERE evidence_fts MATCH :query
ORDER BY rowid DESC LIMIT :candidates
""")

_ITEMS_SQL = text("""
SELECT id, learner_id, kind, date, title, ref_number FROM evidence_item
WHERE id IN (SELECT value FROM json_each(:ids))
""")

_ANY_SQL = text("SELECT 1 FROM evidence_fts WHERE evidence_fts MATCH :query LIMIT 1")


def learner_token(learner_id: int) -> str:
    """The token migration 0003 indexes in every item's `learner` column (no one types it)."""
    return f"learner{int(learner_id)}x"


def _match(phrases: list[Phrase], learner_id: int | None) -> list[Phrase]:
    """The FTS5 expression's phrases: the words, after the learner's token when given. FTS5
    answers the AND by seeking through the longer list to the entries of the shorter one."""
    if learner_id is None:
        return phrases
    return [Phrase(learner_token(learner_id), ranked=False), *phrases]


def _expression(phrases: list[Phrase]) -> str:
    return " AND ".join(p.fts for p in phrases)


def _words(session: Session, words: str, learner_id: int | None) -> list[Phrase]:
    """The last word as typed so far matches whole words when it is one (a cheap, seekable list)
    and as a prefix only while it matches no whole word: FTS5 builds a prefix's list by merging
    every matching term's, which for a common word at a centre's scale is most of the cost."""
    whole = _phrases(words, prefix_last=False)
    prefixed = _phrases(words)
    if whole == prefixed:
        return whole
    found = session.execute(_ANY_SQL, {"query": _expression(_match(whole, learner_id))}).first()
    return whole if found else prefixed


def _best(session: Session, matcher: Matcher, limit: int) -> list[tuple[float, Candidate]]:
    """The newest `CANDIDATES` hits, scored; the `limit` best of them, best first (then by id)."""
    rows = session.execute(_CANDIDATES_SQL, {
        "query": _expression(list(matcher.phrases)), "candidates": CANDIDATES,
        "open": OPEN, "close": CLOSE}).all()
    candidates = [Candidate(r.id, r.sz, tuple(c or "" for c in r[2:])) for r in rows]
    scored = zip(scores(session, matcher, candidates), candidates, strict=True)
    return sorted(scored, key=lambda sc: (sc[0], sc[1].id))[:max(0, limit)]


def search_evidence(db: Db, learner_id: int | None, words: str, *, limit: int = 50,
                    highlight: tuple[str, str] = ("[", "]"),
                    snippet_tokens: int = 12) -> list[SearchHit]:
    """Live items matching all `words` (one learner's, or everyone's with learner_id None), best
    first. `highlight` wraps matched words in the snippet (e.g. ("<b>", "</b>") for rich text)."""
    if not _WORD.search(words):
        return []
    index_pending(db)  # text typed since the last indexing (cheap when there is none)
    with reading(db) as session:
        matcher = Matcher(_match(_words(session, words, learner_id), learner_id))
        best = _best(session, matcher, limit)
        ids = json.dumps([c.id for _, c in best])
        items = {r.id: r for r in session.execute(_ITEMS_SQL, {"ids": ids})} if best else {}
    return [SearchHit(c.id, e.learner_id, evidence_ref(e.kind, e.ref_number), e.kind,
                      date.fromisoformat(e.date), e.title,
                      snippet(c.columns, matcher, highlight, snippet_tokens), score)
            for score, c in best if (e := items.get(c.id)) is not None]
