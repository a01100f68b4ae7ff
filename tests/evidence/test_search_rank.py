"""Search ranks its candidates itself (search_rank) and cuts snippets from the highlighted text
(search_snippet): with exact counts both are FTS5's own bm25() and snippet(), on a real store."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from assessor_app.evidence import (
    QA,
    Witness,
    add_learner,
    create_evidence,
    delete_evidence,
    enrol,
    search_evidence,
    search_rank,
)
from assessor_app.evidence.search_rank import Phrase, document_frequency, table_stats, varints

# No two share a first letter (nor with the learners' token, "learner…"): each highlighted word
# belongs to one query word, as with real queries almost always.
WORDS = ["apple", "banana", "cherry", "damson", "elder", "fig", "grape", "hazel"]

_WORD = st.builds(lambda w, form, end: form(w) + end, st.sampled_from(WORDS),
                  st.sampled_from([str, str.capitalize, lambda w: w + "s"]),
                  st.sampled_from(["", "", "", ".", ":", ","]))
_TEXT = st.lists(_WORD, max_size=30).map(" ".join)
_ITEM = st.fixed_dictionaries({
    "title": st.lists(_WORD, max_size=4).map(" ".join), "text": _TEXT,
    "kind": st.sampled_from(["observation", "questioning", "witness"]),
    "extra": st.lists(_WORD, max_size=6).map(" ".join), "tom": st.booleans()})
_QUERY = st.lists(st.sampled_from(WORDS), min_size=1, max_size=2, unique=True)


def _create(store, learner_id: int, item: dict) -> None:
    extra = {"questioning": {"questions": [QA("Why " + item["extra"], item["extra"])]},
             "witness": {"witness": Witness(item["extra"], "Supervisor")}}.get(item["kind"], {})
    create_evidence(store, learner_id, item["kind"], title=item["title"], text=item["text"],
                    **extra)


def _fts5(store, match: str) -> dict[int, tuple[float, str]]:
    """FTS5's own bm25 and snippet of every match, by item id."""
    with store.read_session() as s:
        rows = s.execute(text(
            "SELECT rowid, bm25(evidence_fts, 5.0, 1.0, 1.0, 0.5, 0.0), "
            "snippet(evidence_fts, -1, '[', ']', '…', 12) "
            "FROM evidence_fts WHERE evidence_fts MATCH :m"), {"m": match}).all()
    return {r[0]: (r[1], r[2]) for r in rows}


@pytest.fixture
def tom(store, world):
    learner = add_learner(store, "Tom Okafor", "R1002")
    enrol(store, learner.id, "K/503/8194")
    return learner


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(items=st.lists(_ITEM, min_size=1, max_size=8), query=_QUERY, typing=st.booleans())
def test_scores_and_snippets_are_fts5s_own(store, world, tom, items, query, typing) -> None:
    for item in items:
        _create(store, tom.id if item["tom"] else world.learner.id, item)
    words = " ".join(query) + ("" if typing else " ")
    fts_words = " ".join(f'"{w}"' for w in query)  # whole words: each is in the index
    for learner_id in (world.learner.id, None):
        match = fts_words if learner_id is None else f'"learner{learner_id}x" AND {fts_words}'
        expected = _fts5(store, match)
        assert len(expected) <= 250  # all are candidates
        hits = search_evidence(store, learner_id, words, limit=1000)
        assert {h.evidence_id for h in hits} == set(expected)
        for h in hits:
            assert h.score == pytest.approx(expected[h.evidence_id][0], abs=1e-9)
            assert h.snippet == expected[h.evidence_id][1]
        assert [h.evidence_id for h in hits] == sorted(expected, key=lambda i: (expected[i][0], i))


def test_prefix_while_typing_scores_as_fts5(store, world) -> None:
    for title, body in [("Fruit", "Bananas ripen."), ("Banana", "Banana bread. Then bananas"),
                        ("Till", "Nothing here"), ("Aisle", "Faced up"), ("Float", "Counted")]:
        create_evidence(store, world.learner.id, "observation", title=title, text=body)
    expected = _fts5(store, f'"learner{world.learner.id}x" AND "bana"*')
    hits = search_evidence(store, world.learner.id, "bana")
    assert len(hits) == 2 and hits[0].snippet.startswith("[Banana]")
    for h in hits:
        assert h.score == pytest.approx(expected[h.evidence_id][0], abs=1e-9)


def test_a_common_words_frequency_is_estimated_and_titles_still_rank_first(
        store, world, monkeypatch) -> None:
    lid = world.learner.id
    title_item = create_evidence(store, lid, "observation", title="Stock rotation",
                                 text="Shelves checked").evidence_id
    body_item = create_evidence(store, lid, "observation", title="Shelves",
                                text="Checked the rotation of the shelves").evidence_id
    for n in range(40):  # "rotation" in every other item: 22 rows of 42 hold it
        create_evidence(store, lid, "observation",
                        text="Rotation of the chilled stock" if n % 2 else "Faced up the aisle")
    with store.read_session() as s:
        stats = table_stats(s)
        exact = document_frequency(s, Phrase("rotation"), stats)
        monkeypatch.setattr(search_rank, "EXACT_COUNT_CAP", 4)
        estimate = document_frequency(s, Phrase("rotation"), stats)
    assert exact == 22
    assert estimate == pytest.approx(exact, rel=0.25)
    assert estimate != exact  # the estimate path was taken
    hits = search_evidence(store, lid, "rotation ")
    assert hits[0].evidence_id == title_item
    assert [h.evidence_id for h in hits].index(body_item) > 0
    assert len(hits) == 22


def test_table_stats_read_fts5s_own_records(store, world) -> None:
    create_evidence(store, world.learner.id, "observation", title="Till", text="One two three")
    create_evidence(store, world.learner.id, "observation", text="Four five")
    with store.read_session() as s:
        stats = table_stats(s)
        sizes = [sum(varints(r[0])) for r in s.execute(
            text("SELECT sz FROM evidence_fts_docsize ORDER BY id")).all()]
    assert stats.rows == 2
    assert sizes == [1 + 3 + 1, 2 + 1]  # title, text, the learner's token
    assert stats.avgdl == pytest.approx(sum(sizes) / 2)


def test_varints_as_sqlite_writes_them() -> None:
    assert varints(b"\x00\x7f\x81\x00") == [0, 127, 128]
    assert varints(b"\xbb\x98\x5d\x03") == [969821, 3]
    assert varints(b"\xff" * 9) == [2**64 - 1]


def test_snippet_marks_and_ellipses(store, world) -> None:
    long_text = ("Opened the store and counted the float. Served the first customer at the till "
                 "and handled a refund for a faulty kettle, then restocked the chilled aisle.")
    item = create_evidence(store, world.learner.id, "observation", title="Morning shift",
                           text=long_text)
    hits = search_evidence(store, world.learner.id, "refund kettle", highlight=("<b>", "</b>"),
                           snippet_tokens=8)
    assert [h.evidence_id for h in hits] == [item.evidence_id]
    assert "<b>refund</b>" in hits[0].snippet and "<b>kettle</b>" in hits[0].snippet
    assert hits[0].snippet.startswith("…") and hits[0].snippet.endswith("…")
    expected = _fts5(store, f'"learner{world.learner.id}x" AND "refund" "kettle"')
    with store.read_session() as s:
        fts5 = s.execute(text(
            "SELECT snippet(evidence_fts, -1, '<b>', '</b>', '…', 8) FROM evidence_fts "
            "WHERE evidence_fts MATCH :m"), {"m": '"refund" "kettle"'}).scalar()
    assert hits[0].snippet == fts5
    assert hits[0].score == pytest.approx(expected[item.evidence_id][0], abs=1e-9)


def test_control_characters_in_text_leave_ranking_and_snippets_alone(store, world) -> None:
    lid = world.learner.id
    odd = create_evidence(store, lid, "observation", title="Till\x01 \x02",
                          text="Served\x01 the customer\x02 and \x01\x02 another customer.")
    plain = create_evidence(store, lid, "observation", text="One customer.")
    hits = search_evidence(store, lid, "customer")
    assert {h.evidence_id for h in hits} == {odd.evidence_id, plain.evidence_id}
    snippet = next(h.snippet for h in hits if h.evidence_id == odd.evidence_id)
    assert snippet.count("[customer]") == 2 and "\x01" in snippet  # shown, not taken as marks


_HOSTILE = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


def _live(store, learner_id: int) -> set[int]:
    with store.read_session() as s:
        return {r[0] for r in s.execute(text(
            "SELECT id FROM evidence_item WHERE learner_id = :l AND deleted = 0"),
            {"l": learner_id})}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(texts=st.lists(_HOSTILE, min_size=1, max_size=4), query=_HOSTILE)
def test_any_text_and_any_query_search_calmly(store, world, texts: list[str],
                                              query: str) -> None:
    """Typed or pasted anything (FTS5 syntax, quotes, stars, marks, control characters, any
    script) neither breaks the search nor finds a deleted item or another learner's."""
    lid = world.learner.id
    for t in texts:
        create_evidence(store, lid, "observation", title=t[:20], text=t)
    gone = create_evidence(store, lid, "observation", text=query)
    delete_evidence(store, gone.evidence_id)
    live = _live(store, lid)
    for learner in (lid, None):
        hits = search_evidence(store, learner, query)
        assert {h.evidence_id for h in hits} <= live
        assert all(h.learner_id == lid for h in hits)
        assert [h.score for h in hits] == sorted(h.score for h in hits)
