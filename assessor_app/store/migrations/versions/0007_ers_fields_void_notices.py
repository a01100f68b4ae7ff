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
    with op.batch_alter_table("learner") as batch:
        batch.add_column(sa.Column("uln", sa.String(), nullable=False, server_default=""))
    with op.batch_alter_table("enrolment") as batch:
        batch.add_column(sa.Column("qualification_title", sa.String(), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("qualification_number", sa.String(), nullable=False,
                                   server_default=""))
    with op.batch_alter_table("outbox_item") as batch:
        batch.add_column(sa.Column("voids_document_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_outbox_item_voids_document_id_ers_document",
                                 "ers_document", ["voids_document_id"], ["id"])
        batch.create_index("ix_outbox_item_voids_document_id", ["voids_document_id"])


def downgrade() -> None:
    with op.batch_alter_table("outbox_item") as batch:
        batch.drop_index("ix_outbox_item_voids_document_id")
        batch.drop_constraint("fk_outbox_item_voids_document_id_ers_document",
                              type_="foreignkey")
        batch.drop_column("voids_document_id")
    with op.batch_alter_table("enrolment") as batch:
        batch.drop_column("qualification_number")
        batch.drop_column("qualification_title")
    with op.batch_alter_table("learner") as batch:
        batch.drop_column("uln")
