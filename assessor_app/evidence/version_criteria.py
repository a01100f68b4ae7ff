"""Each unit version's criteria in display order, read once per database and shared.

A version's outcomes and criteria never change once committed: a reviewed or re-imported spec is
stored as a new version, and nothing deletes a version. Every learner on a unit shares them, so
coverage reads them once per open database instead of joining and sorting a learner's 3,000
criteria on every call (that was a third of `learner_coverage`).

Only what a read-only snapshot returned is kept: it holds committed rows alone, so a version
written in a transaction that is later rolled back (and whose id SQLite could hand out again)
never reaches the cache.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any
from weakref import WeakKeyDictionary

#: (criterion id, number, text, outcome id, outcome number, outcome text), in display order.
CriterionRow = tuple[int, str, str, int, str, str]

VERSION_CRITERIA_SQL = """
SELECT c.id, c.number, c.text, c.outcome_id, lo.number, lo.text
FROM criterion AS c
JOIN learning_outcome AS lo ON lo.id = c.outcome_id
WHERE c.version_id = ?
ORDER BY lo.position, c.position, c.id
"""

_cache: WeakKeyDictionary[Any, dict[int, tuple[CriterionRow, ...]]] = WeakKeyDictionary()
_lock = threading.Lock()


def _committed_snapshot(cursor: Any) -> bool:
    """True on a `Store.read_session` connection (query_only): it sees committed rows only."""
    row = cursor.execute("PRAGMA query_only").fetchone()
    return bool(row and row[0])


def version_criteria(cursor: Any, database: Any,
                     version_ids: Iterable[int]) -> dict[int, tuple[CriterionRow, ...]]:
    """The criteria of each version, from the cache of `database` (an object that lives as long
    as the open database: its connection pool) where they are already known, else read through
    `cursor` (a DB-API cursor inside the caller's snapshot)."""
    wanted = list(dict.fromkeys(version_ids))
    with _lock:
        known = _cache.get(database)
        found = {v: known[v] for v in wanted if known is not None and v in known}
    missing = [v for v in wanted if v not in found]
    if not missing:
        return found
    for version_id in missing:
        found[version_id] = tuple(cursor.execute(VERSION_CRITERIA_SQL, (version_id,)).fetchall())
    if _committed_snapshot(cursor):
        with _lock:
            _cache.setdefault(database, {}).update((v, found[v]) for v in missing)
    return found
