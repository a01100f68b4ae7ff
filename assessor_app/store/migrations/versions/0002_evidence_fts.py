"""full-text search over evidence (FTS5, external content over a view, kept by triggers)

Revision ID: 0002
Revises: 0001

The index reads its documents from the view `evidence_fts_source`: one row per live (not deleted)
evidence item with its title, text, the questioning transcript (questions and answers in order) and
the witness details. Every object is named with the `evidence_fts` prefix so autogenerate (see
`assessor_app/store/migrations_filter.py`) leaves them alone.

External-content FTS5 needs the *old* document to remove it from the index, so each change is a
BEFORE trigger that deletes the document as the view shows it now and an AFTER trigger that adds it
as the view shows it afterwards. Deleted items vanish from the view, so both halves are no-ops for
them and search never returns them.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = "title, body, qa, witness"

_DELETE_DOC = (
    "INSERT INTO evidence_fts(evidence_fts, rowid, " + COLUMNS + ") "
    "SELECT 'delete', id, " + COLUMNS + " FROM evidence_fts_source WHERE id = {ref};"
)
_INSERT_DOC = (
    "INSERT INTO evidence_fts(rowid, " + COLUMNS + ") "
    "SELECT id, " + COLUMNS + " FROM evidence_fts_source WHERE id = {ref};"
)

ITEM_COLUMNS = "title, text, witness_name, witness_role, witness_relationship, witness_contact, deleted"
QA_COLUMNS = "evidence_id, position, question, answer"

VIEW = """
CREATE VIEW evidence_fts_source AS
SELECT
    e.id AS id,
    e.title AS title,
    e.text AS body,
    coalesce((
        SELECT group_concat(q.question || ' ' || q.answer, char(10))
        FROM (SELECT question, answer FROM question_answer
              WHERE evidence_id = e.id ORDER BY position, id) AS q
    ), '') AS qa,
    trim(e.witness_name || ' ' || e.witness_role || ' ' || e.witness_relationship || ' '
         || e.witness_contact) AS witness
FROM evidence_item AS e
WHERE e.deleted = 0
"""

TABLE = (
    "CREATE VIRTUAL TABLE evidence_fts USING fts5(" + COLUMNS + ", "
    "content='evidence_fts_source', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')"
)


def _trigger(name: str, when: str, body: str) -> str:
    return f"CREATE TRIGGER {name} {when} BEGIN {body} END"


TRIGGERS = [
    _trigger("evidence_fts_item_ai", "AFTER INSERT ON evidence_item",
             _INSERT_DOC.format(ref="new.id")),
    _trigger("evidence_fts_item_bu", f"BEFORE UPDATE OF {ITEM_COLUMNS} ON evidence_item",
             _DELETE_DOC.format(ref="old.id")),
    _trigger("evidence_fts_item_au", f"AFTER UPDATE OF {ITEM_COLUMNS} ON evidence_item",
             _INSERT_DOC.format(ref="new.id")),
    _trigger("evidence_fts_item_bd", "BEFORE DELETE ON evidence_item",
             _DELETE_DOC.format(ref="old.id")),
    _trigger("evidence_fts_qa_bi", "BEFORE INSERT ON question_answer",
             _DELETE_DOC.format(ref="new.evidence_id")),
    _trigger("evidence_fts_qa_ai", "AFTER INSERT ON question_answer",
             _INSERT_DOC.format(ref="new.evidence_id")),
    # A row moved to another item touches two documents; the second pair covers that rare case.
    _trigger("evidence_fts_qa_bu", f"BEFORE UPDATE OF {QA_COLUMNS} ON question_answer",
             _DELETE_DOC.format(ref="old.evidence_id")
             + _DELETE_DOC.format(ref="new.evidence_id AND new.evidence_id <> old.evidence_id")),
    _trigger("evidence_fts_qa_au", f"AFTER UPDATE OF {QA_COLUMNS} ON question_answer",
             _INSERT_DOC.format(ref="new.evidence_id")
             + _INSERT_DOC.format(ref="old.evidence_id AND new.evidence_id <> old.evidence_id")),
    _trigger("evidence_fts_qa_bd", "BEFORE DELETE ON question_answer",
             _DELETE_DOC.format(ref="old.evidence_id")),
    _trigger("evidence_fts_qa_ad", "AFTER DELETE ON question_answer",
             _INSERT_DOC.format(ref="old.evidence_id")),
]

TRIGGER_NAMES = [
    "evidence_fts_item_ai", "evidence_fts_item_bu", "evidence_fts_item_au", "evidence_fts_item_bd",
    "evidence_fts_qa_bi", "evidence_fts_qa_ai", "evidence_fts_qa_bu", "evidence_fts_qa_au",
    "evidence_fts_qa_bd", "evidence_fts_qa_ad",
]


def upgrade() -> None:
    op.execute(VIEW)
    op.execute(TABLE)
    for trigger in TRIGGERS:
        op.execute(trigger)
    # Index whatever evidence already exists (none on a new file; all of it on an upgrade).
    op.execute("INSERT INTO evidence_fts(evidence_fts) VALUES('rebuild')")


def downgrade() -> None:
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS evidence_fts")
    op.execute("DROP VIEW IF EXISTS evidence_fts_source")
