"""audit entries in format 2: the chain hashes a salted digest of the details

Revision ID: 0009
Revises: 0005

- audit_entry.format: 1 for every existing entry (its hash covers `details_json` itself, and it
  keeps verifying exactly as before); new entries are written as 2.
- audit_entry.details_digest / details_salt: format 2 hashes sha256(salt + details) instead of
  the details, so erasing a learner can replace the details with a marker and forget the salt.

Nothing is rewritten: a format-1 entry redacted by a later erasure is vouched for by that
erasure's entry (see docs/dev/audit-redaction.md).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("format", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("details_digest", sa.String(), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("details_salt", sa.String(), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    # Format-2 entries cannot be verified by the older version: refuse rather than leave a
    # trail that reads as tampered.
    bind = op.get_bind()
    newer = bind.exec_driver_sql("SELECT count(*) FROM audit_entry WHERE format <> 1").scalar()
    if newer:
        raise RuntimeError(f"{newer} audit entries are in format 2, which the older version "
                           "cannot verify; restore a backup made before this upgrade instead")
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_column("details_salt")
        batch.drop_column("details_digest")
        batch.drop_column("format")
