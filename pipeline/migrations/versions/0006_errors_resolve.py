"""Ingest errors resolve: `resolved_at` is set when the file or page that failed later came in fine
(same source, same item), so `kitchen errors` and the desk list what still needs a person.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("ingest_errors") as batch:
        batch.add_column(sa.Column("resolved_at", TS))
    op.create_index("ix_ingest_errors_open", "ingest_errors", ["source_id", "resolved_at"])


def downgrade() -> None:
    op.drop_index("ix_ingest_errors_open", table_name="ingest_errors")
    with op.batch_alter_table("ingest_errors") as batch:
        batch.drop_column("resolved_at")
