"""ERS header fields and void notices

Revision ID: 0007
Revises: 0002

- learner.uln: the Unique Learner Number printed on the ERS header;
- enrolment.qualification_title / qualification_number: the qualification the unit counts towards;
- outbox_item.voids_document_id: a queued void notice names the filed ERS it declares void.

Every new column has a server default (or is nullable), so existing rows stay valid.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild): other tables' foreign keys point at these ones.
    op.add_column("learner", sa.Column("uln", sa.String(), nullable=False, server_default=""))
    op.add_column("enrolment", sa.Column("qualification_title", sa.String(), nullable=False,
                                         server_default=""))
    op.add_column("enrolment", sa.Column("qualification_number", sa.String(), nullable=False,
                                         server_default=""))
    # (alembic's add_column cannot add a foreign key on SQLite; SQLite itself can, when the
    # column defaults to NULL)
    op.execute("ALTER TABLE outbox_item ADD COLUMN voids_document_id INTEGER "
                "REFERENCES ers_document (id)")
    op.create_index("ix_outbox_item_voids_document_id", "outbox_item", ["voids_document_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_item_voids_document_id", table_name="outbox_item")
    # outbox_item is referenced by nothing, so it may be rebuilt without its new column
    with op.batch_alter_table("outbox_item") as batch:
        batch.drop_column("voids_document_id")
    op.execute("ALTER TABLE enrolment DROP COLUMN qualification_number")
    op.execute("ALTER TABLE enrolment DROP COLUMN qualification_title")
    op.execute("ALTER TABLE learner DROP COLUMN uln")
