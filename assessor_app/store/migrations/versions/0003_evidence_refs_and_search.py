"""stored evidence reference numbers, a sign-off flag on each item, learner-seekable search

Revision ID: 0003
Revises: 0007

Three things the hot paths used to compute on every call are now kept on the row:

- `evidence_item.ref_number`: the item's number among the learner's items of its kind in creation
  order (the "3" of OBS-3). Backfilled with the rule the app used to apply at query time; a trigger
  numbers rows inserted without one, and a change of kind renumbers exactly as that rule would
  (kind changes are rare; inserts and edits never touch other rows).
- `evidence_item.signoff_live`: 1 while a live (in progress or signed) sign-off covers the item's
  current revision. Triggers on `signoff_evidence`, `signoff.status` and `evidence_item.revision`
  keep it true whichever code path writes those tables, so an autosave can see with one primary-key
  read that no sign-off needs voiding.
- `evidence_criterion.learner_id` and `.live` (the item's learner, and not deleted), kept by
  triggers, with the covering index ix_evidence_criterion_learner_live: a learner's live evidence
  per criterion is one ordered index range, no join and no sort.
- The full-text index gains a `learner` column holding one token per item ("learner<id>x"), so a
  search for one learner is an FTS5 AND of that token's short list with the words' lists, which
  FTS5 evaluates by seeking, instead of ranking every hit of a common word and filtering after.

All objects keep the `evidence_` prefixes the autogenerate filter skips (triggers are not compared).
"""

from alembic import op

revision = "0003"
down_revision = "0007"
branch_labels = None
depends_on = None

LIVE = "('in_progress', 'signed')"

# --- reference numbers ---------------------------------------------------------------------------

REF_TRIGGERS = {
    # Rows inserted without a number (every insert path: service, factories, bundle import) get the
    # next one of their learner and kind: max() over ix_evidence_item_ref is one index probe, and
    # the new row's own NULL is ignored by max().
    "evidence_ref_ai": """
CREATE TRIGGER evidence_ref_ai AFTER INSERT ON evidence_item WHEN new.ref_number IS NULL
BEGIN
    UPDATE evidence_item SET ref_number = (
        SELECT coalesce(max(ref_number), 0) + 1 FROM evidence_item
        WHERE learner_id = new.learner_id AND kind = new.kind)
    WHERE id = new.id;
END""",
    # A change of kind: the item leaves one sequence and joins another at its creation position.
    "evidence_ref_kind_au": """
CREATE TRIGGER evidence_ref_kind_au AFTER UPDATE OF kind ON evidence_item
WHEN old.kind IS NOT new.kind
BEGIN
    UPDATE evidence_item SET ref_number = ref_number - 1
    WHERE learner_id = old.learner_id AND kind = old.kind AND id > old.id;
    UPDATE evidence_item SET ref_number = ref_number + 1
    WHERE learner_id = new.learner_id AND kind = new.kind AND id > new.id;
    UPDATE evidence_item SET ref_number = 1 + (
        SELECT count(*) FROM evidence_item
        WHERE learner_id = new.learner_id AND kind = new.kind AND id < new.id)
    WHERE id = new.id;
END""",
}

# --- live mappings per learner --------------------------------------------------------------------

MAP_TRIGGERS = {
    # However a mapping is written (the ORM leaves learner_id empty), it carries its item's
    # learner and liveness.
    "evidence_map_ai": """
CREATE TRIGGER evidence_map_ai AFTER INSERT ON evidence_criterion WHEN new.learner_id IS NULL
BEGIN
    UPDATE evidence_criterion SET
        learner_id = (SELECT learner_id FROM evidence_item WHERE id = new.evidence_id),
        live = (SELECT deleted = 0 FROM evidence_item WHERE id = new.evidence_id)
    WHERE evidence_id = new.evidence_id AND criterion_id = new.criterion_id;
END""",
    "evidence_map_item_au": """
CREATE TRIGGER evidence_map_item_au AFTER UPDATE OF deleted, learner_id ON evidence_item
BEGIN
    UPDATE evidence_criterion SET learner_id = new.learner_id, live = (new.deleted = 0)
    WHERE evidence_id = new.id;
END""",
}

# --- sign-off flag -------------------------------------------------------------------------------

_LIVE_EXPR = f"""EXISTS (
        SELECT 1 FROM signoff_evidence AS se JOIN signoff AS s ON s.id = se.signoff_id
        WHERE se.evidence_id = evidence_item.id AND se.evidence_revision = evidence_item.revision
          AND s.status IN {LIVE})"""


def _refresh(where: str) -> str:
    return f"UPDATE evidence_item SET signoff_live = {_LIVE_EXPR} WHERE {where};"


LIVE_TRIGGERS = {
    "evidence_live_se_ai": "AFTER INSERT ON signoff_evidence",
    "evidence_live_se_au": "AFTER UPDATE ON signoff_evidence",
    "evidence_live_se_ad": "AFTER DELETE ON signoff_evidence",
    "evidence_live_so_au": "AFTER UPDATE OF status ON signoff",
    "evidence_live_so_ad": "AFTER DELETE ON signoff",
    "evidence_live_item_au": "AFTER UPDATE OF revision ON evidence_item",
}
_LIVE_BODIES = {
    "evidence_live_se_ai": _refresh("id = new.evidence_id"),
    "evidence_live_se_au": _refresh("id IN (old.evidence_id, new.evidence_id)"),
    "evidence_live_se_ad": _refresh("id = old.evidence_id"),
    "evidence_live_so_au": _refresh(
        "id IN (SELECT evidence_id FROM signoff_evidence WHERE signoff_id = new.id)"),
    "evidence_live_so_ad": _refresh(
        "id IN (SELECT evidence_id FROM signoff_evidence WHERE signoff_id = old.id)"),
    "evidence_live_item_au": _refresh("id = new.id"),
}

# --- full-text search with a learner column --------------------------------------------------------

OLD_COLUMNS = "title, body, qa, witness"
NEW_COLUMNS = "title, body, qa, witness, learner"

_QA = """coalesce((
        SELECT group_concat(q.question || ' ' || q.answer, char(10))
        FROM (SELECT question, answer FROM question_answer
              WHERE evidence_id = e.id ORDER BY position, id) AS q
    ), '') AS qa"""
_WITNESS = """trim(e.witness_name || ' ' || e.witness_role || ' ' || e.witness_relationship || ' '
         || e.witness_contact) AS witness"""


#: One token per item that no one types: "learner<id>x" (kept in step with
#: `assessor_app.evidence.search.learner_token`).
LEARNER_TOKEN_SQL = "'learner' || e.learner_id || 'x'"


def _view(with_learner: bool) -> str:
    learner = f",\n    {LEARNER_TOKEN_SQL} AS learner" if with_learner else ""
    return f"""
CREATE VIEW evidence_fts_source AS
SELECT e.id AS id, e.title AS title, e.text AS body,
    {_QA},
    {_WITNESS}{learner}
FROM evidence_item AS e
WHERE e.deleted = 0
"""


def _table(columns: str) -> str:
    return (f"CREATE VIRTUAL TABLE evidence_fts USING fts5({columns}, "
            "content='evidence_fts_source', content_rowid='id', "
            "tokenize='porter unicode61 remove_diacritics 2')")


def _fts_triggers(columns: str, item_columns: str) -> dict[str, str]:
    delete = (f"INSERT INTO evidence_fts(evidence_fts, rowid, {columns}) "
              f"SELECT 'delete', id, {columns} FROM evidence_fts_source WHERE id = {{ref}};")
    insert = (f"INSERT INTO evidence_fts(rowid, {columns}) "
              f"SELECT id, {columns} FROM evidence_fts_source WHERE id = {{ref}};")
    qa_columns = "evidence_id, position, question, answer"
    moved = "new.evidence_id AND new.evidence_id <> old.evidence_id"
    moved_back = "old.evidence_id AND new.evidence_id <> old.evidence_id"
    specs = {
        "evidence_fts_item_ai": ("AFTER INSERT ON evidence_item", insert.format(ref="new.id")),
        "evidence_fts_item_bu": (f"BEFORE UPDATE OF {item_columns} ON evidence_item",
                                 delete.format(ref="old.id")),
        "evidence_fts_item_au": (f"AFTER UPDATE OF {item_columns} ON evidence_item",
                                 insert.format(ref="new.id")),
        "evidence_fts_item_bd": ("BEFORE DELETE ON evidence_item", delete.format(ref="old.id")),
        "evidence_fts_qa_bi": ("BEFORE INSERT ON question_answer",
                               delete.format(ref="new.evidence_id")),
        "evidence_fts_qa_ai": ("AFTER INSERT ON question_answer",
                               insert.format(ref="new.evidence_id")),
        "evidence_fts_qa_bu": (f"BEFORE UPDATE OF {qa_columns} ON question_answer",
                               delete.format(ref="old.evidence_id") + delete.format(ref=moved)),
        "evidence_fts_qa_au": (f"AFTER UPDATE OF {qa_columns} ON question_answer",
                               insert.format(ref="new.evidence_id")
                               + insert.format(ref=moved_back)),
        "evidence_fts_qa_bd": ("BEFORE DELETE ON question_answer",
                               delete.format(ref="old.evidence_id")),
        "evidence_fts_qa_ad": ("AFTER DELETE ON question_answer",
                               insert.format(ref="old.evidence_id")),
    }
    return {name: f"CREATE TRIGGER {name} {when} BEGIN {body} END"
            for name, (when, body) in specs.items()}


OLD_ITEM_COLUMNS = ("title, text, witness_name, witness_role, witness_relationship, "
                    "witness_contact, deleted")
NEW_ITEM_COLUMNS = OLD_ITEM_COLUMNS + ", learner_id"


def _replace_fts(with_learner: bool) -> None:
    columns, item_columns = ((NEW_COLUMNS, NEW_ITEM_COLUMNS) if with_learner
                             else (OLD_COLUMNS, OLD_ITEM_COLUMNS))
    for name in _fts_triggers(columns, item_columns):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS evidence_fts")
    op.execute("DROP VIEW IF EXISTS evidence_fts_source")
    op.execute(_view(with_learner))
    op.execute(_table(columns))
    for sql in _fts_triggers(columns, item_columns).values():
        op.execute(sql)
    op.execute("INSERT INTO evidence_fts(evidence_fts) VALUES('rebuild')")


def upgrade() -> None:
    op.execute("ALTER TABLE evidence_item ADD COLUMN ref_number INTEGER")
    op.execute("ALTER TABLE evidence_item ADD COLUMN signoff_live BOOLEAN NOT NULL DEFAULT 0")
    op.execute("""
UPDATE evidence_item SET ref_number = numbered.n
FROM (SELECT id, row_number() OVER (PARTITION BY learner_id, kind ORDER BY id) AS n
      FROM evidence_item) AS numbered
WHERE numbered.id = evidence_item.id""")
    op.execute(f"UPDATE evidence_item SET signoff_live = {_LIVE_EXPR}")
    op.execute("ALTER TABLE evidence_criterion ADD COLUMN learner_id INTEGER")
    op.execute("ALTER TABLE evidence_criterion ADD COLUMN live BOOLEAN NOT NULL DEFAULT 1")
    op.execute("""
UPDATE evidence_criterion SET learner_id = ei.learner_id, live = (ei.deleted = 0)
FROM evidence_item AS ei WHERE ei.id = evidence_criterion.evidence_id""")
    op.create_index("ix_evidence_criterion_learner_live", "evidence_criterion",
                    ["learner_id", "live", "criterion_id", "evidence_id"])
    op.create_index("ix_evidence_item_ref", "evidence_item",
                    ["learner_id", "kind", "ref_number"])
    for sql in [*REF_TRIGGERS.values(), *MAP_TRIGGERS.values()]:
        op.execute(sql)
    for name, when in LIVE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {_LIVE_BODIES[name]} END")
    _replace_fts(with_learner=True)


def downgrade() -> None:
    _replace_fts(with_learner=False)
    for name in [*REF_TRIGGERS, *LIVE_TRIGGERS, *MAP_TRIGGERS]:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_evidence_criterion_learner_live", table_name="evidence_criterion")
    op.execute("ALTER TABLE evidence_criterion DROP COLUMN live")
    op.execute("ALTER TABLE evidence_criterion DROP COLUMN learner_id")
    op.drop_index("ix_evidence_item_ref", table_name="evidence_item")
    # Native DROP COLUMN (SQLite 3.35+): no table copy, so the FTS triggers on the table stay.
    op.execute("ALTER TABLE evidence_item DROP COLUMN signoff_live")
    op.execute("ALTER TABLE evidence_item DROP COLUMN ref_number")
