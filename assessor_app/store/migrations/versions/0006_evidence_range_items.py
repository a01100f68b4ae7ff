"""Range items an evidence item covers

Revision ID: 0006
Revises: 0003

- evidence_range_item: the optional record of which range items (one bullet of a unit's range
  note) an evidence item covers, keyed to the item, the note and the bullet's place; the bullet's
  wording is kept for the ERS. A new table: existing rows are untouched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_range_item",
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("item_index", sa.Integer(), nullable=False),
        sa.Column("item_text", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence_item.id"]),
        sa.ForeignKeyConstraint(["note_id"], ["guidance_note.id"]),
        sa.PrimaryKeyConstraint("evidence_id", "note_id", "item_index"),
    )
    op.create_index("ix_evidence_range_item_note_id", "evidence_range_item", ["note_id"])


def downgrade() -> None:
    op.drop_index("ix_evidence_range_item_note_id", table_name="evidence_range_item")
    op.drop_table("evidence_range_item")
