"""The web channel: a story's URL slug, fixed when it is first published on the site so that its
address never changes when the title is edited.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("slug", sa.String(80)))


def downgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("slug")
