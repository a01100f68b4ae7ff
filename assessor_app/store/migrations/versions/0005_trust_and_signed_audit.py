"""trusted assessor keys; audit entries carry the assessor's Ed25519 signature

Revision ID: 0005
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trusted_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("certificate_sha256", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("public_key"),
    )
    with op.batch_alter_table("trusted_key") as batch:
        batch.create_index("ix_trusted_key_certificate_sha256", ["certificate_sha256"])
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("signature", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("signer_key", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_column("signer_key")
        batch.drop_column("signature")
    op.drop_table("trusted_key")
