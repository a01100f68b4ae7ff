"""Coverage keeps each unit version's criteria once per database (a version never changes), and
only what a committed snapshot showed: a version written in a transaction that is rolled back
never reaches the cache, even when SQLite hands its ids out again."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from assessor_app.evidence.coverage import learner_coverage
from assessor_app.store import Store, open_store
from tests.signoff.factory import add_learner, add_unit, big_unit_spec


class RolledBack(Exception):
    pass


def _numbers_and_texts(store_or_session, learner_id: int) -> list[tuple[str, str]]:
    cov = learner_coverage(store_or_session, learner_id)
    return [(c.number, c.text) for u in cov.units for c in u.criteria]


def test_rolled_back_version_is_not_remembered(store: Store) -> None:
    first = big_unit_spec(2, 3)
    with pytest.raises(RolledBack), store.session() as session:
        unit = add_unit(session, first)
        learner = add_learner(session, unit)
        assert learner.id is not None
        ids = (learner.id, unit.version.id)
        seen = _numbers_and_texts(session, learner.id)  # inside the writing transaction
        assert len(seen) == 6 and seen[0][1].startswith("Criterion 1.1")
        raise RolledBack

    second = big_unit_spec(1, 2)
    second["outcomes"] = [("1", "Another outcome", [("1.1", "Greets customers"),
                                                      ("1.2", "Answers the phone")])]
    with store.session() as session:
        unit = add_unit(session, second)
        learner = add_learner(session, unit)
        assert (learner.id, unit.version.id) == ids  # SQLite handed out the same ids again
    expected = [("1.1", "Greets customers"), ("1.2", "Answers the phone")]
    assert _numbers_and_texts(store, learner.id) == expected
    assert _numbers_and_texts(store, learner.id) == expected  # and from the cache


def test_versions_are_read_once_and_shared_by_learners(store: Store) -> None:
    with store.session() as session:
        unit = add_unit(session, big_unit_spec(3, 4))
        a = add_learner(session, unit, registration="R1")
        b = add_learner(session, unit, registration="R2")
    before = _numbers_and_texts(store, a.id)
    assert len(before) == 12
    # The app never rewrites a stored version; doing it behind its back shows the second
    # learner's coverage came from what the first call read.
    with store.session() as session:
        session.execute(text("UPDATE criterion SET text = 'changed'"))
    assert _numbers_and_texts(store, b.id) == before
    # Another database (another store) reads its own.
    other = open_store(store.db_path, key=store.key)
    try:
        assert all(t == "changed" for _, t in _numbers_and_texts(other, b.id))
    finally:
        other.close()
