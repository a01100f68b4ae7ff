"""index the visit screen's page read: a visit's live items by (date, id)

The visit list reads up to 50 live items of one visit, newest first, after the (date, id) of the
last row shown. With only the `visit_id` index SQLite reads every item of the visit and sorts
them (~50 ms for a visit of 20,000 items); with (visit_id, deleted, date, id) a page is one
range scan, read backwards.

Revision ID: 0010
Revises: 0008
"""

from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_evidence_item_visit_page", "evidence_item",
                    ["visit_id", "deleted", "date", "id"])


def downgrade() -> None:
    op.drop_index("ix_evidence_item_visit_page", table_name="evidence_item")
