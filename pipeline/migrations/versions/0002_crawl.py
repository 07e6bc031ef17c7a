"""Crawling and de-duplication: what kind of document a raw row is and whether it was extracted,
the crawl's seen-table for incremental fetching, and report fields for clustering.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("raw_documents") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="file"))
        batch.add_column(sa.Column("status", sa.Integer))
        batch.add_column(sa.Column("meta", sa.JSON))
        batch.add_column(sa.Column("processed_at", TS))
    op.create_index("ix_raw_documents_pending", "raw_documents", ["source_id", "kind", "processed_at"])
    op.create_index("ix_raw_documents_url", "raw_documents", ["url"])
    op.create_table(
        "crawl_seen",
        sa.Column("source_id", sa.String(64), primary_key=True),
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("sha256", sa.String(64)),
        sa.Column("raw_document_id", sa.Integer, sa.ForeignKey("raw_documents.id")),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_fetched_at", TS, nullable=False),
    )
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("url", sa.Text))
        batch.add_column(sa.Column("canonical_url", sa.Text))
        batch.add_column(sa.Column("text_hash", sa.String(64)))
        batch.add_column(sa.Column("minhash", sa.LargeBinary))
        batch.add_column(sa.Column("story_id", sa.Integer))
        batch.add_column(sa.Column("relation", sa.String(16), nullable=False, server_default="origin"))
        batch.add_column(sa.Column("related", sa.JSON))
        batch.add_column(sa.Column("method", sa.String(16), nullable=False, server_default="file"))
    op.create_index("ix_reports_canonical_url", "reports", ["canonical_url"])
    op.create_index("ix_reports_text_hash", "reports", ["text_hash"])
    op.create_index("ix_reports_story", "reports", ["story_id"])
    op.create_index("ix_reports_published", "reports", ["published_at"])
    with op.batch_alter_table("ingest_errors") as batch:
        batch.add_column(sa.Column("stage", sa.String(16), nullable=False, server_default="file"))
    op.execute("UPDATE reports SET story_id = (SELECT stories.id FROM stories WHERE stories.report_id = reports.id)")


def downgrade() -> None:
    with op.batch_alter_table("ingest_errors") as batch:
        batch.drop_column("stage")
    for index in ("ix_reports_published", "ix_reports_story", "ix_reports_text_hash", "ix_reports_canonical_url"):
        op.drop_index(index, "reports")
    with op.batch_alter_table("reports") as batch:
        for column in ("method", "related", "relation", "story_id", "minhash", "text_hash", "canonical_url", "url"):
            batch.drop_column(column)
    op.drop_table("crawl_seen")
    op.drop_index("ix_raw_documents_url", "raw_documents")
    op.drop_index("ix_raw_documents_pending", "raw_documents")
    with op.batch_alter_table("raw_documents") as batch:
        for column in ("processed_at", "meta", "status", "kind"):
            batch.drop_column(column)
