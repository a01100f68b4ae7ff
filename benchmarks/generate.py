"""Seeded databases at a centre's scale, for the benchmarks (never for the tests).

    .venv/bin/python benchmarks/generate.py --items 100000 [--learners 200] [--seed 1]
    .venv/bin/python benchmarks/generate.py --coverage [--units 10 --criteria 300 --items 20000]

`evidence_db` builds a file with the bundled units imported the app's way, `learners` learners
enrolled on all of them, and `items` evidence items spread over the learners (six kinds, text drawn
from a fixed vocabulary with a few very common words, 1–3 criteria each, some deleted, some
judgements). `coverage_db` builds one learner on `units` synthetic units of `criteria` criteria
each. Rows go in with `executemany` in one transaction, with the full-text triggers off and the
index rebuilt once at the end, so 100k items take seconds. Files are cached in
`benchmarks/.cache/` (gitignored) by their parameters and the schema revision of the code under
test (a newer schema gets new files: the scripts open them without migrating); delete it to
rebuild. bench_coverage.py and bench_search.py also measure an encrypted copy of each file, made
once by the app's own migration (`common.encrypted_copy`) and cached in `.cache/encrypted/`.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from pathlib import Path

from common import CACHE  # noqa: E402 - also puts the code under test on sys.path

STAMP = "2025-03-04 09:00:00.000000"
KINDS = ["observation", "questioning", "witness", "product", "discussion", "statement"]
KIND_WEIGHTS = [40, 15, 10, 15, 10, 10]
#: Words every assessor writes; "customer" is in roughly half the items (the "common word").
COMMON = ["customer", "service", "learner", "explained", "manager"]
DOMAIN = ["complaint", "refund", "greeted", "till", "stock", "shelves", "policy", "feedback",
          "loyalty", "segmentation", "calm", "product", "offer", "survey", "email", "telephone",
          "rotation", "labels", "hygiene", "safety", "colleague", "rota", "delivery", "returns",
          "promotion", "display", "queue", "payment", "receipt", "escalated"]


def _vocabulary(rng: random.Random, n: int = 3000) -> list[str]:
    consonants, vowels = "bcdfghjklmnprstvw", "aeiou"
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(consonants) + rng.choice(vowels)
                          for _ in range(rng.randint(2, 4))))
    return sorted(words)


class _Text:
    """Sentences from a seeded pool: fast to draw a million of, with realistic term spread."""

    def __init__(self, rng: random.Random) -> None:
        vocab = _vocabulary(rng)
        self.rng = rng
        self.sentences = []
        for _ in range(4000):
            words = rng.choices(vocab, k=rng.randint(6, 14))
            words += rng.sample(DOMAIN, k=2)
            if rng.random() < 0.18:
                words.append(rng.choice(COMMON))
            rng.shuffle(words)
            self.sentences.append(" ".join(words).capitalize() + ".")
        self.titles = [" ".join(rng.sample(DOMAIN + COMMON, k=3)).capitalize()
                       for _ in range(500)]

    def body(self) -> str:
        return " ".join(self.rng.choices(self.sentences, k=self.rng.randint(2, 6)))

    def title(self) -> str:
        return self.rng.choice(self.titles)


def schema_tag() -> str:
    """"-r<head revision>" of the code under test, "" for revisions that cannot say."""
    try:
        from assessor_app.store.engine import head_revision
    except ImportError:
        return ""
    head = head_revision()
    return f"-r{head}" if head else ""


def _fresh_store(path: Path) -> None:
    from common import open_fresh_store

    from assessor_app.specs.bootstrap import ensure_bundled_specs

    store = open_fresh_store(path)
    ensure_bundled_specs(store)
    store.close()


def _fts_insert_trigger(con: sqlite3.Connection) -> str:
    return con.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                       "AND name = 'evidence_fts_item_ai'").fetchone()[0]


def _insert_items(con: sqlite3.Connection, rng: random.Random, learner_ids: list[int],
                  criteria_of: dict[int, list[int]], items: int,
                  visit_of: dict[int, int] | None = None) -> None:
    """`criteria_of[learner]`: the criteria the learner may be mapped to; `visit_of[learner]`:
    the visit the learner's items belong to (none by default)."""
    visit_of = visit_of or {}
    text = _Text(rng)
    trigger = _fts_insert_trigger(con)
    con.execute("DROP TRIGGER evidence_fts_item_ai")
    next_ref: dict[tuple[int, str], int] = {}
    first_id = (con.execute("SELECT max(id) FROM evidence_item").fetchone()[0] or 0) + 1
    batch, mapping = [], []
    for n in range(items):
        learner = learner_ids[n % len(learner_ids)] if n < len(learner_ids) else \
            rng.choice(learner_ids)
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        ref = next_ref[learner, kind] = next_ref.get((learner, kind), 0) + 1
        day = f"20{22 + n * 4 // max(items, 1)}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        batch.append((first_id + n, learner, kind, day, text.title(), text.body(), ref,
                      int(rng.random() < 0.03), STAMP, STAMP, visit_of.get(learner)))
        live = int(batch[-1][7] == 0)
        for cid in set(rng.choices(criteria_of[learner], k=rng.randint(1, 3))):
            mapping.append((first_id + n, cid, learner, live))
        if len(batch) >= 50_000:
            _flush(con, batch, mapping)
    _flush(con, batch, mapping)
    con.execute(trigger)
    con.execute("INSERT INTO evidence_fts(evidence_fts) VALUES('rebuild')")


def _flush(con: sqlite3.Connection, batch: list, mapping: list) -> None:
    con.executemany(
        "INSERT INTO evidence_item (id, learner_id, kind, date, title, text, ref_number, deleted, "
        "created_at, updated_at, visit_id, witness_name, witness_role, witness_relationship, "
        "witness_contact, revision, signoff_live) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', '', 1, 0)", batch)
    con.executemany("INSERT INTO evidence_criterion (evidence_id, criterion_id, learner_id, live) "
                    "VALUES (?, ?, ?, ?)", mapping)
    batch.clear()
    mapping.clear()


def _judge(con: sqlite3.Connection, rng: random.Random, criteria_of: dict[int, list[int]]) -> None:
    rows = [(lid, cid, rng.choice(["met", "met", "not_yet"]), STAMP)
            for lid, cids in criteria_of.items() for cid in cids if rng.random() < 0.2]
    con.executemany("INSERT INTO judgement (learner_id, criterion_id, state, reason, "
                    "evidence_ids_json, decided_by, decided_at) VALUES (?, ?, ?, '', '[]', "
                    "'Bench Assessor', ?)", rows)


def _build(path: Path, fill) -> Path:  # noqa: ANN001 - fill(con, rng)
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    tmp = path.with_suffix(".building")
    for p in tmp.parent.glob(tmp.name + "*"):
        p.unlink()
    _fresh_store(tmp)
    con = sqlite3.connect(tmp, isolation_level=None)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("BEGIN")
    fill(con)
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    tmp.rename(path)
    return path


def evidence_db(items: int, learners: int = 200, seed: int = 1) -> Path:
    """The cached file with `items` evidence items over `learners` learners (bundled units)."""
    path = CACHE / f"evidence-{items}-l{learners}-s{seed}{schema_tag()}.sqlite3"

    def fill(con: sqlite3.Connection) -> None:
        rng = random.Random(seed)
        _learners_on_bundled(con, learners)
        criteria = _bundled_criteria(con)
        ids = list(range(1, learners + 1))
        _insert_items(con, rng, ids, dict.fromkeys(ids, criteria), items)
        _judge(con, rng, dict.fromkeys(ids, criteria))

    return _build(path, fill)


def ui_db(big: int = 20_000, learners: int = 200, each: int = 50, seed: int = 1) -> Path:
    """200 learners on the bundled units; learner 1 has `big` items, all in one visit in
    progress (id 1); the others `each` items."""
    path = CACHE / f"ui-{big}-l{learners}-e{each}-s{seed}{schema_tag()}.sqlite3"

    def fill(con: sqlite3.Connection) -> None:
        rng = random.Random(seed)
        _learners_on_bundled(con, learners)
        con.execute("INSERT INTO visit (id, learner_id, date, place, notes, status, feedback, "
                    "action_plan, created_at, updated_at, started_at) VALUES (1, 1, "
                    "'2025-03-04', 'Shop floor', '', 'in_progress', '', '', ?, ?, ?)",
                    (STAMP, STAMP, STAMP))
        criteria = _bundled_criteria(con)
        _insert_items(con, rng, [1], {1: criteria}, big, {1: 1})
        others = list(range(2, learners + 1))
        _insert_items(con, rng, others, dict.fromkeys(others, criteria), each * len(others))
        _judge(con, rng, dict.fromkeys(range(1, learners + 1), criteria))

    return _build(path, fill)


def _learners_on_bundled(con: sqlite3.Connection, learners: int) -> None:
    con.executemany(
        "INSERT INTO learner (id, name, registration, employer, line_manager, "
        "line_manager_email, created_at) VALUES (?, ?, ?, 'Bench Shop', '', '', ?)",
        [(i, f"Learner {i}", f"BENCH{i:05d}", STAMP) for i in range(1, learners + 1)])
    versions = con.execute("SELECT unit_id, max(id) FROM unit_version GROUP BY unit_id").fetchall()
    con.executemany("INSERT INTO enrolment (learner_id, unit_id, unit_version_id, enrolled_at) "
                    "VALUES (?, ?, ?, ?)",
                    [(lid, u, v, STAMP) for lid in range(1, learners + 1) for u, v in versions])


def _bundled_criteria(con: sqlite3.Connection) -> list[int]:
    wanted = {v for (v,) in con.execute("SELECT max(id) FROM unit_version GROUP BY unit_id")}
    return [cid for cid, vid in con.execute("SELECT id, version_id FROM criterion")
            if vid in wanted]


def coverage_db(units: int = 10, criteria: int = 300, items: int = 20_000, seed: int = 1) -> Path:
    """One learner (id 1) enrolled on `units` synthetic units of `criteria` criteria each."""
    path = CACHE / f"coverage-u{units}-c{criteria}-i{items}-s{seed}{schema_tag()}.sqlite3"

    def fill(con: sqlite3.Connection) -> None:
        rng = random.Random(seed)
        con.execute("INSERT INTO learner (id, name, registration, employer, line_manager, "
                    "line_manager_email, created_at) VALUES (1, 'Cover', 'COVER1', '', '', '', ?)",
                    (STAMP,))
        cids: list[int] = []
        for u in range(units):
            unit = con.execute("INSERT INTO unit (reference, created_at) VALUES (?, ?)",
                               (f"B/{u:03d}/{seed:04d}", STAMP)).lastrowid
            version = con.execute(
                "INSERT INTO unit_version (unit_id, number, content_hash, title, aim, assessment, "
                "evidence_requirements_text, structured_json, created_at) "
                "VALUES (?, 1, 'bench', ?, '', '', '', '{}', ?)",
                (unit, f"Bench unit {u}", STAMP)).lastrowid
            con.execute("INSERT INTO enrolment (learner_id, unit_id, unit_version_id, enrolled_at) "
                        "VALUES (1, ?, ?, ?)", (unit, version, STAMP))
            for o in range(criteria // 10):
                outcome = con.execute(
                    "INSERT INTO learning_outcome (version_id, number, text, position) "
                    "VALUES (?, ?, ?, ?)", (version, str(o + 1), f"Outcome {o + 1}", o)).lastrowid
                for c in range(10):
                    cids.append(con.execute(
                        "INSERT INTO criterion (version_id, outcome_id, number, text, position) "
                        "VALUES (?, ?, ?, ?, ?)", (version, outcome, f"{o + 1}.{c + 1}",
                                                   f"Criterion {o + 1}.{c + 1}", o * 10 + c)
                    ).lastrowid)
        _insert_items(con, rng, [1], {1: cids}, items)
        _judge(con, rng, {1: cids})

    return _build(path, fill)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--items", type=int, default=1000)
    p.add_argument("--learners", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--coverage", action="store_true", help="the coverage database instead")
    p.add_argument("--ui", action="store_true", help="the UI database (one learner's big visit)")
    p.add_argument("--units", type=int, default=10)
    p.add_argument("--criteria", type=int, default=300)
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    if args.ui:
        path = ui_db(args.items, args.learners, seed=args.seed)
    elif args.coverage:
        path = coverage_db(args.units, args.criteria, args.items, args.seed)
    else:
        path = evidence_db(args.items, args.learners, args.seed)
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
