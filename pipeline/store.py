"""The one store: SQLAlchemy Core tables, engine set-up (SQLite WAL or PostgreSQL) and migrations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Insert,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    false,
)
from sqlalchemy.engine import make_url

from pipeline.settings import Newsroom

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC (naive UTC text on SQLite, timestamptz on PostgreSQL)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to the store; times must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

stations = Table(
    "stations", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("level", String(16), nullable=False),
    Column("parent_id", String(64)),
    Column("township", Text, nullable=False, server_default=""),
    Column("village", Text, nullable=False, server_default=""),
    Column("lat", Float),
    Column("lon", Float),
)

sources = Table(
    "sources", metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("station_id", String(64)),
    Column("settings", JSON, nullable=False),
)

raw_documents = Table(
    "raw_documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", String(64), nullable=False),
    Column("url", Text, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("headers", JSON, nullable=False),
    Column("content_type", Text, nullable=False, server_default=""),
    Column("body", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("error", Text),
    Column("kind", String(16), nullable=False, server_default="file"),  # file|list|page|feed|feed-entry|image
    Column("status", Integer),  # HTTP status
    Column("meta", JSON),  # e.g. the feed entry a page was reached from
    Column("processed_at", UTCDateTime),  # when extraction ran over it
    Index("ix_raw_documents_source_sha", "source_id", "sha256"),
    Index("ix_raw_documents_pending", "source_id", "kind", "processed_at"),
    Index("ix_raw_documents_url", "url"),
)

crawl_seen = Table(
    "crawl_seen", metadata,
    Column("source_id", String(64), primary_key=True),
    Column("url", String(2000), primary_key=True),  # canonical URL
    Column("kind", String(16), nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("sha256", String(64)),
    Column("raw_document_id", Integer, ForeignKey("raw_documents.id")),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_fetched_at", UTCDateTime, nullable=False),
)

media = Table(
    "media", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("ext", String(8), nullable=False),
    Column("content_type", String(64), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("size", Integer, nullable=False),
    Column("original_name", Text, nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
)

reports = Table(
    "reports", metadata,
    Column("id", Integer, primary_key=True),
    Column("raw_document_id", Integer, ForeignKey("raw_documents.id"), nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("station_id", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("body_md", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("published_at", UTCDateTime),
    Column("date_source", String(16), nullable=False),
    Column("author", Text, nullable=False, server_default=""),
    Column("theme", String(64)),
    Column("images", JSON, nullable=False),
    Column("flags", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("url", Text),
    Column("canonical_url", Text),
    Column("text_hash", String(64)),
    Column("minhash", LargeBinary),
    Column("story_id", Integer),  # the story this report is a source of
    Column("relation", String(16), nullable=False, server_default="origin"),  # origin|duplicate|update
    Column("related", JSON),  # ids of stories that look alike but are other events
    Column("method", String(16), nullable=False, server_default="file"),
    UniqueConstraint("raw_document_id", name="uq_reports_raw_document"),
    Index("ix_reports_canonical_url", "canonical_url"),
    Index("ix_reports_text_hash", "text_hash"),
    Index("ix_reports_story", "story_id"),
    Index("ix_reports_published", "published_at"),
)

stories = Table(
    "stories", metadata,
    Column("id", Integer, primary_key=True),
    Column("state", String(16), nullable=False),
    Column("current_revision", Integer, nullable=False),
    Column("station_id", String(64), nullable=False),
    Column("theme", String(64)),
    Column("report_id", Integer, ForeignKey("reports.id")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("published_at", UTCDateTime),
    Column("slug", String(80)),  # the web address's words, fixed at first web publication
    Index("ix_stories_state", "state"),
)

revisions = Table(
    "revisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False, server_default=""),
    Column("body_md", Text, nullable=False),
    Column("station_id", String(64), nullable=False),
    Column("theme", String(64)),
    Column("dateline", UTCDateTime),
    Column("author", Text, nullable=False, server_default=""),
    Column("images", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    UniqueConstraint("story_id", "number", name="uq_revisions_story_number"),
)

renditions = Table(
    "renditions", metadata,
    Column("id", Integer, primary_key=True),
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("recipe_hash", String(64), nullable=False),
    Column("content", LargeBinary),
    Column("path", Text),
    Column("sha256", String(64), nullable=False),
    Column("meta", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("story_id", "revision", "kind", name="uq_renditions_story_revision_kind"),
)

publications = Table(
    "publications", metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(32), nullable=False),
    Column("unit", String(200), nullable=False),
    Column("story_id", Integer, ForeignKey("stories.id")),
    Column("revision", Integer),
    Column("action", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime),
    Column("lease_owner", String(200)),
    Column("lease_until", UTCDateTime),
    Column("output_hash", String(64)),
    Column("published_revision", Integer),
    Column("published_at", UTCDateTime),
    Column("receipt", JSON),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("channel", "unit", name="uq_publications_channel_unit"),
    Index("ix_publications_state_due", "state", "due_at"),
    Index("ix_publications_story", "story_id"),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("action", String(32), nullable=False),
    Column("story_id", Integer),
    Column("from_state", String(16)),
    Column("to_state", String(16)),
    Column("note", Text, nullable=False, server_default=""),
    Column("data", JSON, nullable=False),
    Index("ix_events_story", "story_id"),
)

ingest_errors = Table(
    "ingest_errors", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", String(64), nullable=False),
    Column("raw_document_id", Integer, ForeignKey("raw_documents.id")),
    Column("item", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("quarantined_to", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("stage", String(16), nullable=False, server_default="file"),  # file|fetch|extract|image
    Column("resolved_at", UTCDateTime),  # set when the same item later came in fine
    Index("ix_ingest_errors_open", "source_id", "resolved_at"),
)


users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("name", name="uq_users_name"),
)

login_failures = Table(
    "login_failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_login_failures_name_at", "name", "at"),
    Index("ix_login_failures_address_at", "address", "at"),
    Index("ix_login_failures_at", "at"),  # pruned by age
)

sessions = Table(
    "sessions", metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the random token the signed cookie carries
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Index("ix_sessions_user", "user_id"),
)


rundown_edits = Table(
    "rundown_edits", metadata,
    Column("unit", String(200), primary_key=True),  # broadcast:DATE:SLOT:TARGET
    Column("data", JSON, nullable=False),  # {"drop": [refs], "pin": [refs], "order": [refs]}
    Column("updated_by", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)


def _sqlite_setup(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE so writers queue instead of failing."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get("kitchen_read_only")
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # A pool keeps connections open: opening one costs the PRAGMAs, and closing the last one
        # checkpoints the WAL — both far dearer than the transactions themselves.
        engine = create_engine(url, pool_size=5, max_overflow=10, json_serializer=_json_dumps,
                               json_deserializer=_json_loads)
        _sqlite_setup(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=_json_dumps, json_deserializer=_json_loads)


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _json_loads(text: str) -> Any:
    """Most JSON columns hold an empty list or object: no parser needed for those."""
    if text == "[]":
        return []
    if text == "{}":
        return {}
    return json.loads(text)


def _alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine, target: str = "head") -> None:
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), target)


def downgrade(engine: Engine, target: str) -> None:
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), target)


class Store:
    """The newsroom's database: an engine plus the transaction helper every stage uses."""

    def __init__(self, url: str, migrate: bool = True):
        self.url = url
        self.engine = make_engine(url)
        if migrate and current_revision(self.engine) != head_revision():
            upgrade(self.engine)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back on an exception."""
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction: a consistent view that does not hold up writers (long reads,
        like a site build, use this)."""
        with self.engine.connect() as connection:
            connection.execution_options(kitchen_read_only=True)
            with connection.begin():
                yield connection

    def close(self) -> None:
        self.engine.dispose()


def insert_row(conn: Connection, statement: Insert) -> int:
    """Run an INSERT of one row and return the new row's id."""
    key = conn.execute(statement).inserted_primary_key
    if key is None:
        raise RuntimeError(f"the insert into {statement.table} made no row")
    return int(key[0])


def open_store(newsroom: Newsroom, migrate: bool = True) -> Store:
    """Open the newsroom's store (applying migrations) and bring its station/source tables in line."""
    store = Store(newsroom.database_url, migrate=migrate)
    sync_newsroom_tables(store, newsroom)
    return store


def sync_newsroom_tables(store: Store, newsroom: Newsroom) -> None:
    """Mirror stations.csv and the configured sources into their tables (config is the truth)."""
    wanted_stations = {
        s.id: {"id": s.id, "name": s.name, "level": s.level, "parent_id": s.parent,
               "township": s.township, "village": s.village, "lat": s.lat, "lon": s.lon}
        for s in newsroom.stations.values()
    }
    wanted_sources = {
        s.id: {"id": s.id, "kind": s.kind, "station_id": s.station, "settings": s.options}
        for s in newsroom.sources
    }
    with store.begin() as conn:
        _sync_table(conn, stations, wanted_stations)
        _sync_table(conn, sources, wanted_sources)


def _sync_table(conn: Connection, table: Table, wanted: dict[str, dict[str, Any]]) -> None:
    existing = {row.id: dict(row._mapping) for row in conn.execute(table.select())}
    for key, row in wanted.items():
        if key not in existing:
            conn.execute(table.insert().values(**row))
        elif existing[key] != row:
            conn.execute(table.update().where(table.c.id == key).values(**row))
    # Rows that left the configuration stay, so old reports and stories keep their station names.
