"""The store: migrations on an empty database, SQLite in WAL mode, UTC times, and the same code on
PostgreSQL (when a server is given by KITCHEN_TEST_POSTGRES_URL, as .ci/run does)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text

from pipeline import store as t
from pipeline.config import load_newsroom
from pipeline.ingest import ingest_all
from pipeline.schedule import publish_due
from pipeline.store import Store, current_revision, downgrade, head_revision, open_store, upgrade
from pipeline.stories import count_by_state
from pipeline.workflow import perform
from tests.conftest import NOW, write_report

SPINE_TABLES = {"stations", "sources", "raw_documents", "reports", "stories", "revisions",
                "renditions", "publications", "events", "ingest_errors", "media"}


def test_migrations_build_every_table_on_an_empty_database(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'empty.db'}", migrate=False)
    assert current_revision(store.engine) is None
    upgrade(store.engine)
    assert current_revision(store.engine) == head_revision()
    assert set(inspect(store.engine).get_table_names()) >= SPINE_TABLES


def test_migrated_schema_matches_the_tables_the_code_uses(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), t.metadata)
    assert differences == []


def test_each_migration_upgrades_from_the_one_before(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'step.db'}", migrate=False)
    upgrade(store.engine, "0001")
    with store.begin() as conn:  # a story from before the crawl columns existed
        conn.execute(t.raw_documents.insert().values(id=1, source_id="inbox", url="inbox:a.md", fetched_at=NOW,
                                                     headers={}, body=b"x", sha256="0" * 64, size=1))
        conn.exec_driver_sql(
            "INSERT INTO reports (id, raw_document_id, source_id, station_id, title, body_md, text, date_source,"
            " images, flags, created_at) VALUES (1, 1, 'inbox', 'x', 't', 'b', 'b', 'meta', '[]', '[]', '2026-11-29')")
        conn.exec_driver_sql(
            "INSERT INTO stories (id, state, current_revision, station_id, report_id, created_at, updated_at)"
            " VALUES (7, 'draft', 1, 'x', 1, '2026-11-29', '2026-11-29')")
    upgrade(store.engine)
    with store.begin() as conn:
        report = conn.execute(select(t.reports)).one()
        raw = conn.execute(select(t.raw_documents)).one()
    assert (report.story_id, report.relation, raw.kind) == (7, "origin", "file")


def test_downgrade_removes_the_tables(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'd.db'}")
    downgrade(store.engine, "base")
    assert not SPINE_TABLES & set(inspect(store.engine).get_table_names())


def test_sqlite_runs_in_wal_mode(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_times_are_stored_in_utc_and_come_back_aware(store: Store) -> None:
    shanghai_eight = datetime(2026, 12, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    with store.begin() as conn:
        conn.execute(t.events.insert().values(at=shanghai_eight, actor="x", role="editor",
                                              action="test", data={}))
        stored_text = conn.exec_driver_sql("SELECT at FROM events").scalar()
        back = conn.execute(select(t.events.c.at)).scalar()
    assert stored_text.startswith("2026-12-01 00:00:00")
    assert back == shanghai_eight and back.tzinfo == UTC


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(Exception, match="naive datetime"), store.begin() as conn:
        conn.execute(t.events.insert().values(at=datetime(2026, 12, 1, 8, 0), actor="x",
                                              role="editor", action="test", data={}))


def test_cli_db_upgrade_and_current(kitchen) -> None:
    head = head_revision()
    assert f"数据库已在 {head}" in kitchen("db", "upgrade")
    assert f"数据库在 {head}；程序需要 {head}" in kitchen("db", "current")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    admin_url = os.environ.get("KITCHEN_TEST_POSTGRES_URL")
    if not admin_url:
        pytest.skip("set KITCHEN_TEST_POSTGRES_URL (as .ci/run does) to run the store on PostgreSQL")
    name = f"kitchen_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgresql_migrates_and_runs_the_pipeline(postgres_url: str, newsroom_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KITCHEN_DATABASE_URL", postgres_url)
    newsroom = load_newsroom(newsroom_dir)
    assert newsroom.database_url == postgres_url
    store = open_store(newsroom)
    try:
        assert store.engine.dialect.name == "postgresql"
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), t.metadata) == []
        write_report(newsroom_dir, "a.md")
        write_report(newsroom_dir, "b.md", title="白沙镇新桥村志愿者清扫河道", station="baisha-xinqiao")
        ingested = ingest_all(newsroom, store, now=NOW)
        assert ingested.new_reports == 2
        with store.begin() as conn:
            for story_id in ingested.story_ids:
                perform(conn, newsroom, story_id, "approve", _editor(), NOW)
        summary = publish_due(newsroom, store, now=NOW)
        assert summary.published == 2
        with store.begin() as conn:
            assert count_by_state(conn) == {"published": 2}
            dateline = conn.execute(select(t.revisions.c.dateline).order_by(t.revisions.c.id)).scalar()
        assert dateline == datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
    finally:
        store.close()


def _editor():
    from pipeline.stories import Actor

    return Actor("tester", "editor")
