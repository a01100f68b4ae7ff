"""Typed text is indexed after the autosave (migration 0008, `search_index`): the full-text index
stays valid against its source whatever happens in between, search always finds what the items
say now, and the store's background maintenance catches up once saving pauses."""

from __future__ import annotations

import contextlib
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from assessor_app.evidence import (
    EvidenceError,
    add_question,
    create_evidence,
    delete_evidence,
    remove_question,
    restore_evidence,
    search_evidence,
    set_evidence_field,
    update_evidence_text,
)
from assessor_app.evidence.search_index import index_pending
from assessor_app.store import open_store

WORDS = ["apple", "banana", "cherry", "damson", "elder", "fig", "grape", "hazel"]
FIELDS = ["text", "title", "witness_name", "witness_role"]


def _pending(store) -> list[int]:
    with store.read_session() as s:
        return [r[0] for r in s.execute(text("SELECT id FROM evidence_fts_pending")).all()]


def _fts_integrity(store) -> None:
    # rank 1: the index is also checked row by row against its source view.
    with store.session() as s:
        s.execute(text("INSERT INTO evidence_fts(evidence_fts, rank) "
                       "VALUES ('integrity-check', 1)"))


def _expected_hits(store, learner_id: int, word: str) -> set[int]:
    """Live items of the learner whose fields or questioning now contain `word`."""
    with store.read_session() as s:
        items = s.execute(text(
            "SELECT id, title || ' ' || text || ' ' || witness_name || ' ' || witness_role || ' '"
            " || coalesce((SELECT group_concat(question || ' ' || answer, ' ') FROM "
            "question_answer WHERE evidence_id = e.id), '') FROM evidence_item AS e "
            "WHERE learner_id = :l AND deleted = 0"), {"l": learner_id}).all()
    return {i for i, words in items if word in words.split()}


OPS = st.one_of(
    st.tuples(st.just("create"), st.lists(st.sampled_from(WORDS), max_size=3)),
    st.tuples(st.just("edit"), st.integers(0, 30), st.sampled_from(FIELDS),
              st.lists(st.sampled_from(WORDS), max_size=3)),
    st.tuples(st.just("delete"), st.integers(0, 30)),
    st.tuples(st.just("restore"), st.integers(0, 30)),
    st.tuples(st.just("question"), st.integers(0, 30), st.sampled_from(WORDS)),
    st.tuples(st.just("unquestion"), st.integers(0, 30)),
    st.tuples(st.just("hard_delete"), st.integers(0, 30)),
    st.tuples(st.just("index"),),
    st.tuples(st.just("rebuild"),),
)


class _Run:
    def __init__(self, store, learner_id: int) -> None:
        self.store, self.learner_id = store, learner_id
        self.items: list[int] = []
        self.questions: list[int] = []

    def _item(self, n: int) -> int | None:
        return self.items[n % len(self.items)] if self.items else None

    def apply(self, op: tuple) -> None:
        name, *args = op
        with contextlib.suppress(EvidenceError):
            getattr(self, f"op_{name}")(*args)

    def op_create(self, words: list[str]) -> None:
        self.items.append(create_evidence(self.store, self.learner_id, "observation",
                                          text=" ".join(words)).evidence_id)

    def op_edit(self, n: int, field: str, words: list[str]) -> None:
        if (item := self._item(n)) is not None:
            set_evidence_field(self.store, item, field, " ".join(words))

    def op_delete(self, n: int) -> None:
        if (item := self._item(n)) is not None:
            delete_evidence(self.store, item)

    def op_restore(self, n: int) -> None:
        if (item := self._item(n)) is not None:
            restore_evidence(self.store, item)

    def op_question(self, n: int, word: str) -> None:
        if (item := self._item(n)) is not None:
            self.questions.append(add_question(self.store, item, "Why?", word).row_id)

    def op_unquestion(self, n: int) -> None:
        if self.questions:
            remove_question(self.store, self.questions.pop(n % len(self.questions)))

    def op_hard_delete(self, n: int) -> None:  # e.g. erasure: the row itself goes
        if (item := self._item(n)) is not None:
            with self.store.session() as s:
                s.execute(text("DELETE FROM question_answer WHERE evidence_id = :i"), {"i": item})
                s.execute(text("DELETE FROM evidence_item WHERE id = :i"), {"i": item})
            self.items.remove(item)

    def op_index(self) -> None:
        index_pending(self.store)

    def op_rebuild(self) -> None:  # what erasure does to purge the index
        with self.store.session() as s:
            s.execute(text("INSERT INTO evidence_fts(evidence_fts) VALUES ('rebuild')"))


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(OPS, min_size=1, max_size=20))
def test_index_stays_valid_and_search_sees_current_text(store, world, ops) -> None:
    lid = world.learner.id
    run = _Run(store, lid)
    with store.read_session() as s:
        run.items = [r[0] for r in s.execute(text("SELECT id FROM evidence_item")).all()]
    for op in ops:
        run.apply(op)
    _fts_integrity(store)  # with edits still pending
    for word in WORDS:
        found = {h.evidence_id for h in search_evidence(store, lid, word + " ", limit=1000)}
        assert found == _expected_hits(store, lid, word), word
    assert _pending(store) == []  # the search indexed them first
    _fts_integrity(store)


def test_autosave_leaves_the_index_to_the_background(store, world) -> None:
    item = create_evidence(store, world.learner.id, "observation", text="Counted the till")
    update_evidence_text(store, item.evidence_id, "Balanced the float")
    # Nothing to wait for when the background got there first; else it will, once idle.
    # A round has finished once `runs` counts it (its indexing commits before its checkpoint).
    deadline = time.monotonic() + 30
    while (_pending(store) or store.maintenance.runs < 1) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _pending(store) == []
    with store.read_session() as s:
        assert s.execute(text("SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH 'float'")
                         ).all() == [(item.evidence_id,)]
    assert store.maintenance.runs >= 1


def test_autosave_restores_automatic_checkpoints_on_its_connection(store, world) -> None:
    item = create_evidence(store, world.learner.id, "observation", text="Counted the till")
    for n in range(3):
        update_evidence_text(store, item.evidence_id, f"Balanced the float {n}")
    conn = store.engine.raw_connection()
    try:
        assert conn.cursor().execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    finally:
        conn.close()


def test_closing_the_store_indexes_what_is_left(db_path, world) -> None:
    store = open_store(db_path)
    store.maintenance._idle = 3600.0  # the background would not get to it before closing
    item = create_evidence(store, world.learner.id, "observation", text="Counted the till")
    update_evidence_text(store, item.evidence_id, "Balanced the float")
    assert _pending(store) == [item.evidence_id]
    store.close()
    reopened = open_store(db_path)
    try:
        assert _pending(reopened) == []
    finally:
        reopened.close()
