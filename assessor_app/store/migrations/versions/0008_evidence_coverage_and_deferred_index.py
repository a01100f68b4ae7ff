"""coverage kept per learner and criterion; typed text indexed after the autosave, not in it

Revision ID: 0008
Revises: 0009

Two caches kept by triggers, whichever code path writes the tables they follow:

- `evidence_coverage`: one row per learner × criterion that has live evidence or a judgement:
  how many live (not deleted) items are mapped to it, their ids (comma-separated, no particular
  order) and the id of the latest judgement. Coverage reads one small row per criterion instead of
  counting the learner's mappings and probing the judgements on every call. Rows with nothing left
  are removed. Backfilled from the mapping and judgement tables.
- `evidence_fts_pending`: the document the full-text index holds for an item whose title, text or
  witness details were edited since it was last indexed. The first such edit copies the indexed
  values here (a plain row, no tokenising) instead of updating the FTS5 index inside the autosave's
  transaction, where its segment writes and merges made one commit in a hundred take 5–100 ms.
  The index's source view shows these copies, so the index always agrees with the view (a
  'rebuild' stays correct); `assessor_app.evidence.search_index` indexes the current text later
  (in the background, and before every search, so search never misses what the user sees).

Other changes (new items, deletion, the learner, questioning) still update the index at once.
All objects keep the `evidence_` prefixes; both tables are hand-written caches, left out of
autogenerate's comparison (`migrations_filter`).
"""

from alembic import op

revision = "0008"
down_revision = "0009"
branch_labels = None
depends_on = None

# --- coverage per learner and criterion ------------------------------------------------------------

COVERAGE_TABLE = """
CREATE TABLE evidence_coverage (
    learner_id INTEGER NOT NULL,
    criterion_id INTEGER NOT NULL,
    evidence_count INTEGER NOT NULL DEFAULT 0,
    evidence_ids TEXT NOT NULL DEFAULT '',
    judgement_id INTEGER,
    PRIMARY KEY (learner_id, criterion_id)
) WITHOUT ROWID
"""


def _add(learner: str, criterion: str, evidence: str, when: str = "true") -> str:
    # (An upsert from a SELECT needs its WHERE: it ends the SELECT before ON CONFLICT.)
    return f"""
    INSERT INTO evidence_coverage (learner_id, criterion_id, evidence_count, evidence_ids)
    SELECT {learner}, {criterion}, 1, {evidence} WHERE {when}
    ON CONFLICT (learner_id, criterion_id) DO UPDATE SET
        evidence_count = evidence_count + 1,
        evidence_ids = CASE evidence_ids WHEN '' THEN excluded.evidence_ids
                       ELSE evidence_ids || ',' || excluded.evidence_ids END;"""


def _tidy(learner: str, criterion: str) -> str:
    return f"""
    DELETE FROM evidence_coverage
    WHERE learner_id = {learner} AND criterion_id = {criterion}
      AND evidence_count = 0 AND judgement_id IS NULL;"""


def _remove(learner: str, criterion: str, evidence: str, when: str = "true") -> str:
    # ",5,12,7," without ",12," is ",5,7,"; the outer commas are then trimmed.
    return f"""
    UPDATE evidence_coverage SET
        evidence_count = evidence_count - 1,
        evidence_ids = trim(replace(',' || evidence_ids || ',', ',' || {evidence} || ',', ','),
                            ',')
    WHERE {when} AND learner_id = {learner} AND criterion_id = {criterion};""" + _tidy(learner, criterion)


def _latest_judgement(learner: str, criterion: str) -> str:
    return f"""
    INSERT INTO evidence_coverage (learner_id, criterion_id, judgement_id)
    VALUES ({learner}, {criterion}, (SELECT max(id) FROM judgement
                                     WHERE learner_id = {learner} AND criterion_id = {criterion}))
    ON CONFLICT (learner_id, criterion_id) DO UPDATE SET judgement_id = excluded.judgement_id;
    """ + _tidy(learner, criterion)


_MAPPED_OLD = "old.live AND old.learner_id IS NOT NULL"
_MAPPED_NEW = "new.live AND new.learner_id IS NOT NULL"

COVERAGE_TRIGGERS = {
    "evidence_coverage_map_ai": f"""
CREATE TRIGGER evidence_coverage_map_ai AFTER INSERT ON evidence_criterion
WHEN {_MAPPED_NEW}
BEGIN {_add("new.learner_id", "new.criterion_id", "new.evidence_id")} END""",
    # The mapping's learner and liveness follow its item (migration 0003's triggers); an ORM
    # insert leaves them empty and they are filled by an UPDATE just after.
    "evidence_coverage_map_au": f"""
CREATE TRIGGER evidence_coverage_map_au
AFTER UPDATE OF live, learner_id, criterion_id, evidence_id ON evidence_criterion
WHEN old.live IS NOT new.live OR old.learner_id IS NOT new.learner_id
     OR old.criterion_id IS NOT new.criterion_id OR old.evidence_id IS NOT new.evidence_id
BEGIN
    {_remove("old.learner_id", "old.criterion_id", "old.evidence_id", _MAPPED_OLD)}
    {_add("new.learner_id", "new.criterion_id", "new.evidence_id", _MAPPED_NEW)}
END""",
    "evidence_coverage_map_ad": f"""
CREATE TRIGGER evidence_coverage_map_ad AFTER DELETE ON evidence_criterion
WHEN {_MAPPED_OLD}
BEGIN {_remove("old.learner_id", "old.criterion_id", "old.evidence_id")} END""",
    "evidence_coverage_judgement_ai": f"""
CREATE TRIGGER evidence_coverage_judgement_ai AFTER INSERT ON judgement
BEGIN {_latest_judgement("new.learner_id", "new.criterion_id")} END""",
    "evidence_coverage_judgement_au": f"""
CREATE TRIGGER evidence_coverage_judgement_au
AFTER UPDATE OF id, learner_id, criterion_id ON judgement
BEGIN
    {_latest_judgement("old.learner_id", "old.criterion_id")}
    {_latest_judgement("new.learner_id", "new.criterion_id")}
END""",
    "evidence_coverage_judgement_ad": f"""
CREATE TRIGGER evidence_coverage_judgement_ad AFTER DELETE ON judgement
BEGIN {_latest_judgement("old.learner_id", "old.criterion_id")} END""",
    "evidence_coverage_learner_ad": """
CREATE TRIGGER evidence_coverage_learner_ad AFTER DELETE ON learner
BEGIN DELETE FROM evidence_coverage WHERE learner_id = old.id; END""",
}

COVERAGE_BACKFILL = [
    """
INSERT INTO evidence_coverage (learner_id, criterion_id, evidence_count, evidence_ids)
SELECT learner_id, criterion_id, count(*), group_concat(evidence_id)
FROM evidence_criterion WHERE live AND learner_id IS NOT NULL
GROUP BY learner_id, criterion_id""",
    """
INSERT INTO evidence_coverage (learner_id, criterion_id, judgement_id)
SELECT learner_id, criterion_id, max(id) FROM judgement WHERE true
GROUP BY learner_id, criterion_id
ON CONFLICT (learner_id, criterion_id) DO UPDATE SET judgement_id = excluded.judgement_id""",
]

# --- full-text index: typed fields indexed after the autosave ----------------------------------

COLUMNS = "title, body, qa, witness, learner"
WITNESS_COLUMNS = "witness_name, witness_role, witness_relationship, witness_contact"
DEFERRED_COLUMNS = f"title, text, {WITNESS_COLUMNS}"

PENDING_TABLE = """
CREATE TABLE evidence_fts_pending (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    witness TEXT NOT NULL
)
"""

_QA = """coalesce((
        SELECT group_concat(q.question || ' ' || q.answer, char(10))
        FROM (SELECT question, answer FROM question_answer
              WHERE evidence_id = e.id ORDER BY position, id) AS q
    ), '') AS qa"""


def _witness(alias: str) -> str:
    return (f"trim({alias}.witness_name || ' ' || {alias}.witness_role || ' ' || "
            f"{alias}.witness_relationship || ' ' || {alias}.witness_contact)")


def _view(deferred: bool) -> str:
    if not deferred:  # as migration 0003 left it
        return f"""
CREATE VIEW evidence_fts_source AS
SELECT e.id AS id, e.title AS title, e.text AS body,
    {_QA},
    {_witness("e")} AS witness,
    'learner' || e.learner_id || 'x' AS learner
FROM evidence_item AS e
WHERE e.deleted = 0
"""
    return f"""
CREATE VIEW evidence_fts_source AS
SELECT e.id AS id,
    CASE WHEN p.id IS NULL THEN e.title ELSE p.title END AS title,
    CASE WHEN p.id IS NULL THEN e.text ELSE p.body END AS body,
    {_QA},
    CASE WHEN p.id IS NULL THEN {_witness("e")} ELSE p.witness END AS witness,
    'learner' || e.learner_id || 'x' AS learner
FROM evidence_item AS e LEFT JOIN evidence_fts_pending AS p ON p.id = e.id
WHERE e.deleted = 0
"""


_DELETE_DOC = (f"INSERT INTO evidence_fts(evidence_fts, rowid, {COLUMNS}) "
               f"SELECT 'delete', id, {COLUMNS} FROM evidence_fts_source WHERE id = old.id;")
_INSERT_DOC = (f"INSERT INTO evidence_fts(rowid, {COLUMNS}) "
               f"SELECT id, {COLUMNS} FROM evidence_fts_source WHERE id = new.id;")


def _item_triggers(deferred: bool) -> dict[str, str]:
    """The index's triggers on evidence_item that change here (0003 made the others)."""
    columns = "deleted, learner_id" if deferred else f"{DEFERRED_COLUMNS}, deleted, learner_id"
    triggers = {
        "evidence_fts_item_bu": f"CREATE TRIGGER evidence_fts_item_bu BEFORE UPDATE OF {columns} "
                                f"ON evidence_item BEGIN {_DELETE_DOC} END",
        "evidence_fts_item_au": f"CREATE TRIGGER evidence_fts_item_au AFTER UPDATE OF {columns} "
                                f"ON evidence_item BEGIN {_INSERT_DOC} END",
    }
    if deferred:
        # The first edit since the item was indexed keeps what the index holds; later edits
        # find the copy and do nothing more.
        triggers["evidence_fts_item_defer"] = f"""
CREATE TRIGGER evidence_fts_item_defer BEFORE UPDATE OF {DEFERRED_COLUMNS} ON evidence_item
WHEN old.deleted = 0 AND NOT EXISTS (SELECT 1 FROM evidence_fts_pending WHERE id = old.id)
BEGIN
    INSERT INTO evidence_fts_pending (id, title, body, witness)
    VALUES (old.id, old.title, old.text, {_witness("old")});
END"""
        triggers["evidence_fts_item_pending_ad"] = """
CREATE TRIGGER evidence_fts_item_pending_ad AFTER DELETE ON evidence_item
BEGIN DELETE FROM evidence_fts_pending WHERE id = old.id; END"""
    return triggers


ALL_ITEM_TRIGGERS = [*_item_triggers(deferred=True)]


def _replace_index_source(deferred: bool) -> None:
    for name in ALL_ITEM_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP VIEW evidence_fts_source")
    op.execute(_view(deferred))
    for sql in _item_triggers(deferred).values():
        op.execute(sql)


def upgrade() -> None:
    op.execute(COVERAGE_TABLE)
    for sql in COVERAGE_BACKFILL:
        op.execute(sql)
    for sql in COVERAGE_TRIGGERS.values():
        op.execute(sql)
    op.execute(PENDING_TABLE)
    # The view shows the same documents while nothing is pending: no re-indexing needed.
    _replace_index_source(deferred=True)


def downgrade() -> None:
    # Index the pending items' current text first, so the index matches the old view.
    op.execute(f"INSERT INTO evidence_fts(evidence_fts, rowid, {COLUMNS}) SELECT 'delete', id, "
               f"{COLUMNS} FROM evidence_fts_source WHERE id IN (SELECT id FROM "
               "evidence_fts_pending)")
    op.execute("CREATE TEMP TABLE evidence_fts_reindex AS SELECT id FROM evidence_fts_pending")
    op.execute("DELETE FROM evidence_fts_pending")
    op.execute(f"INSERT INTO evidence_fts(rowid, {COLUMNS}) SELECT id, {COLUMNS} FROM "
               "evidence_fts_source WHERE id IN (SELECT id FROM evidence_fts_reindex)")
    op.execute("DROP TABLE evidence_fts_reindex")
    _replace_index_source(deferred=False)
    op.execute("DROP TABLE evidence_fts_pending")
    for name in COVERAGE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE evidence_coverage")
