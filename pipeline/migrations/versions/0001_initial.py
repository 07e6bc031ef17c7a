"""The spine's tables: stations, sources, raw documents, media, reports, stories, revisions,
renditions, the publication ledger, the audit trail and ingest errors.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "stations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.String(64)),
        sa.Column("township", sa.Text, nullable=False, server_default=""),
        sa.Column("village", sa.Text, nullable=False, server_default=""),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("station_id", sa.String(64)),
        sa.Column("settings", sa.JSON, nullable=False),
    )
    op.create_table(
        "raw_documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False, server_default=""),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_raw_documents_source_sha", "raw_documents", ["source_id", "sha256"])
    op.create_table(
        "media",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("ext", sa.String(8), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("original_name", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("raw_document_id", sa.Integer, sa.ForeignKey("raw_documents.id"), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body_md", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("published_at", TS),
        sa.Column("date_source", sa.String(16), nullable=False),
        sa.Column("author", sa.Text, nullable=False, server_default=""),
        sa.Column("theme", sa.String(64)),
        sa.Column("images", sa.JSON, nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("raw_document_id", name="uq_reports_raw_document"),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("current_revision", sa.Integer, nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("theme", sa.String(64)),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id")),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("published_at", TS),
    )
    op.create_index("ix_stories_state", "stories", ["state"])
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("body_md", sa.Text, nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("theme", sa.String(64)),
        sa.Column("dateline", TS),
        sa.Column("author", sa.Text, nullable=False, server_default=""),
        sa.Column("images", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("story_id", "number", name="uq_revisions_story_number"),
    )
    op.create_table(
        "renditions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("recipe_hash", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary),
        sa.Column("path", sa.Text),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("meta", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("story_id", "revision", "kind", name="uq_renditions_story_revision_kind"),
    )
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id")),
        sa.Column("revision", sa.Integer),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", TS),
        sa.Column("lease_owner", sa.String(200)),
        sa.Column("lease_until", TS),
        sa.Column("output_hash", sa.String(64)),
        sa.Column("published_revision", sa.Integer),
        sa.Column("published_at", TS),
        sa.Column("receipt", sa.JSON),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("channel", "unit", name="uq_publications_channel_unit"),
    )
    op.create_index("ix_publications_state_due", "publications", ["state", "due_at"])
    op.create_index("ix_publications_story", "publications", ["story_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("story_id", sa.Integer),
        sa.Column("from_state", sa.String(16)),
        sa.Column("to_state", sa.String(16)),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_events_story", "events", ["story_id"])
    op.create_table(
        "ingest_errors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("raw_document_id", sa.Integer, sa.ForeignKey("raw_documents.id")),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("quarantined_to", sa.Text),
        sa.Column("created_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("ingest_errors", "events", "publications", "renditions", "revisions", "stories",
                  "reports", "media", "raw_documents", "sources", "stations"):
        op.drop_table(table)
