"""Crawling a source and extracting what it fetched.

A crawl runs `pipeline.ingest.crawler.spider` in a subprocess (the Twisted reactor cannot be restarted in
one process) with a hard timeout; it stores raw documents. Then, in this process, every new page is
extracted, dated, given its station and photos, and filed as a report (new story, repost, update).
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import ColumnElement, Connection, insert, select, update

from pipeline import store as t
from pipeline import words
from pipeline.ingest import IngestSummary, Progress
from pipeline.ingest.charset import decode_html
from pipeline.ingest.crawler.job import job_for
from pipeline.ingest.dedupe import canonical_url
from pipeline.ingest.extract import ExtractedArticle, FieldRules, extract_article, parse_html
from pipeline.ingest.reports import ReportInput, file_report
from pipeline.ingest.rules import select as select_rule
from pipeline.limits import EXTRACT_SECONDS, TookTooLong, within
from pipeline.media import BadImage, import_image, upright_size
from pipeline.model import ImageRef, SourceConfig
from pipeline.sanitize import html_to_markdown
from pipeline.settings import Newsroom
from pipeline.store import Store
from pipeline.stories import resolve_ingest_errors, resolve_refetched_errors


def crawl(newsroom: Newsroom, source: SourceConfig, kind: str, summary: IngestSummary,
          progress: Progress | None = None) -> None:
    """Run the crawl subprocess for one source under a hard timeout, relaying its progress."""
    job = job_for(newsroom, source, kind)
    timeout = float(source.options.get("timeout_seconds", 600))
    process = subprocess.Popen([sys.executable, "-m", "pipeline.ingest.crawler.spider", "-"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    assert process.stdin is not None
    process.stdin.write(json.dumps(asdict(job)))
    process.stdin.close()
    lines: queue.Queue[str | None] = queue.Queue()
    errors: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    def drain_stderr() -> None:
        assert process.stderr is not None
        errors.extend(process.stderr.read().splitlines()[-20:])

    threading.Thread(target=pump, daemon=True).start()
    threading.Thread(target=drain_stderr, daemon=True).start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.05, min(1.0, deadline - time.monotonic())))
            except queue.Empty:
                if time.monotonic() > deadline:
                    _stop(process)
                    summary.source_errors.append((source.id, words.ingest.crawl_timed_out(timeout)))
                    break
                continue
            if line is None:
                break
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            kind = event.get("event")
            if kind == "fetched":
                summary.fetched += 1
            elif kind == "error":
                summary.fetch_errors.append((event.get("url", ""), event.get("reason", "")))
            elif kind == "fatal":
                summary.source_errors.append((source.id, event.get("reason", "")))
            elif kind == "done" and event.get("reason") == "closespider_pagecount":
                summary.notes.append((source.id, words.ingest.crawl_page_limit(job.max_pages)))
            if progress:
                progress(source.id, event)
        code = process.wait(timeout=30)
        if code not in (0, None) and not summary.source_errors:
            detail = errors[-1] if errors else f"exit status {code}"
            summary.source_errors.append((source.id, words.ingest.crawl_process_failed(detail)))
    finally:
        if process.poll() is None:
            _stop(process)


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def extract_pending(newsroom: Newsroom, store: Store, source: SourceConfig, now: datetime,
                    summary: IngestSummary) -> None:
    """Extract every fetched page of the source not extracted yet and file it as a report. What
    came in fine resolves its earlier errors: a URL fetched since it failed, a page filed, a photo
    imported."""
    rules = FieldRules.from_options(source.options.get("fields"))
    raw = t.raw_documents
    with store.begin() as conn:
        summary.resolved += resolve_refetched_errors(conn, source.id, now)
        pending = [row.id for row in conn.execute(select(raw.c.id).where(
            raw.c.source_id == source.id, raw.c.kind.in_(("page", "feed-entry")), raw.c.processed_at.is_(None))
            .order_by(raw.c.id))]
    for raw_id in pending:
        with store.begin() as conn:
            row = conn.execute(select(raw).where(raw.c.id == raw_id)).one()
        try:
            report, problem = _report_from(newsroom, store, source, rules, row, now)
        except TookTooLong as exc:
            report, problem = None, words.ingest.extraction_took_too_long(exc.seconds)
        except Exception as exc:  # noqa: BLE001 — one page's surprise must not stop the others
            report, problem = None, words.ingest.extraction_failed(f"{type(exc).__name__}: {exc}")
        with store.begin() as conn:
            if report is not None:
                summary.count(file_report(conn, newsroom, report, now))
                summary.resolved += len(resolve_ingest_errors(conn, source.id, row.url, now))
            else:
                problem = problem or words.ingest.no_article()
                conn.execute(insert(t.ingest_errors).values(
                    source_id=source.id, raw_document_id=raw_id, item=row.url, reason=problem,
                    created_at=now, stage="extract"))
                summary.errors.append((row.url, problem))
                summary.quarantined += 1
            conn.execute(update(raw).where(raw.c.id == raw_id).values(processed_at=now, error=problem))


def _report_from(newsroom: Newsroom, store: Store, source: SourceConfig, rules: FieldRules | None, row: Any,
                 now: datetime) -> tuple[ReportInput | None, str | None]:
    feed = row.meta or {}
    if row.kind == "feed-entry":
        wrapped = (f"<html><body><h1>{feed.get('title', '')}</h1><div class='article-content'>"
                   f"{row.body.decode('utf-8', 'replace')}</div></body></html>")
        article = within(EXTRACT_SECONDS, extract_article, wrapped, row.url,
                         fetched_at=row.fetched_at, tz=newsroom.tz)
        article.title = feed.get("title", "") or article.title
    else:
        article = within(EXTRACT_SECONDS, extract_article, row.body, row.url, rules=rules,
                         content_type=row.content_type, fetched_at=row.fetched_at, tz=newsroom.tz)
    if article.kind == "wechat-deleted":
        return None, words.ingest.wechat_deleted()
    if article.kind == "wechat-verify":
        _fetch_again_later(store, source, row.url, now)
        return None, words.ingest.wechat_verification()
    if article.kind == "empty":
        return None, words.ingest.page_empty()
    if article.kind == "unreadable":
        return None, article.flags[0] if article.flags else words.ingest.page_unreadable()
    title = article.title or feed.get("title", "")
    if not title:
        return None, words.ingest.page_has_no_title()
    if len(re.sub(r"\s", "", article.text)) < 10:
        if feed.get("summary"):
            article.text, article.html = feed["summary"], f"<p>{feed['summary']}</p>"
        else:
            return None, words.ingest.article_body_empty()
    flags = list(article.flags)
    published_at, date_source = article.published_at, article.date_source
    if feed.get("published") and (published_at is None or article.date_source == "url"):
        published_at, date_source = datetime.fromisoformat(feed["published"]), "feed"
    if published_at is None:
        published_at, date_source = row.fetched_at, "fetch_time"
        flags = [f for f in flags if f != words.ingest.no_date_found()] + [words.ingest.no_date_using_fetch_time()]
    station_id = _station(newsroom, source, article, row)
    if station_id is None:
        return None, words.ingest.page_without_station()
    images, image_flags = _photos(newsroom, store, source, article, now)
    author = article.author or feed.get("author", "")
    body_md = html_to_markdown(_without_photos(article.html, [image.caption for image in images]))
    if not body_md.strip():
        body_md = article.text + "\n"
    return ReportInput(
        source_id=source.id, raw_document_id=row.id, station_id=station_id, title=title, body_md=body_md,
        published_at=published_at, date_source=date_source or "text", author=author,
        theme=newsroom.resolve_theme(source.options.get("theme")), images=images, flags=flags + image_flags,
        url=row.url, method=article.method,
    ), None


def _fetch_again_later(store: Store, source: SourceConfig, url: str, now: datetime) -> None:
    """Mark a fetched URL as failed in the seen-table, so the next crawls try it again (after the
    usual wait for failed URLs) instead of skipping it as done."""
    seen = t.crawl_seen
    with store.begin() as conn:
        conn.execute(update(seen).where(seen.c.source_id == source.id, seen.c.url == canonical_url(url))
                     .values(kind="failed", last_fetched_at=now))


def requeue_failed(store: Store, source_id: str | None = None) -> int:
    """Let extraction run again over pages it could not use (after the configuration was fixed);
    returns how many pages will be tried again."""
    raw = t.raw_documents
    condition: list[ColumnElement[bool]] = [raw.c.kind.in_(("page", "feed-entry")), raw.c.processed_at.is_not(None),
                                            raw.c.error.is_not(None)]
    if source_id:
        condition.append(raw.c.source_id == source_id)
    with store.begin() as conn:
        result = conn.execute(update(raw).where(*condition).values(processed_at=None, error=None))
    return result.rowcount or 0


def _without_photos(html: str, captions: list[str]) -> str:
    """Photos travel as the story's images (stored, captioned), not as remote links in the text;
    the caption lines of the photos that came in travel with them."""
    html = re.sub(r"<img\b[^>]*>", "", html)
    for caption in filter(None, captions):
        shown = re.escape(escape(caption, quote=False)).replace(r"\ ", r"\s+")
        html = re.sub(rf"<(figcaption|p|div|span|center)>\s*{shown}\s*</\1>", "", html, count=1)
    return html


def _station(newsroom: Newsroom, source: SourceConfig, article: ExtractedArticle, row: Any) -> str | None:
    mapping = source.options.get("station_from", {})
    path = urlparse(row.url).path
    prefixes = [(p, sid) for p, sid in (mapping.get("url") or {}).items()
                if path.startswith(p) and sid in newsroom.stations]
    if prefixes:
        return max(prefixes, key=lambda pair: len(pair[0]))[1]
    if mapping.get("field"):
        page = parse_html(decode_html(row.body, row.content_type).text)
        named = newsroom.station_named_in(" ".join(select_rule(page, mapping["field"]).xpath("string()").getall()))
        if named:
            return named
    return newsroom.station_named_in(article.source_name) or source.station


MIN_PHOTO_SIDE = 100
"""A picture in an article with a side under this many pixels is an icon, a bullet or a spacer,
not a photo of the event (the cards and clips need 200 px at least)."""


def _photos(newsroom: Newsroom, store: Store, source: SourceConfig, article: ExtractedArticle,
            now: datetime) -> tuple[list[ImageRef], list[str]]:
    """The article's photos from the stored downloads, in the article's order with their captions.
    A photo that cannot be had is flagged on the report with the reason and recorded as an ingest
    error (so `kitchen errors` and the desk's inbox list it); it never stops the report."""
    refs, flags = [], []
    raw, errors = t.raw_documents, t.ingest_errors
    job = job_for(newsroom, source, source.kind) if source.kind in ("site", "wechat", "feed") else None
    for url in article.images:
        with store.begin() as conn:
            row = conn.execute(select(raw.c.id, raw.c.body).where(
                raw.c.source_id == source.id, raw.c.kind == "image", raw.c.url == url)
                .order_by(raw.c.id.desc())).first()
            if row is None:
                if job is not None and not job.allows(url, "image"):
                    reason = words.ingest.photo_off_site(urlparse(url).hostname or url)
                else:
                    failed = conn.execute(select(errors.c.reason).where(
                        errors.c.source_id == source.id, errors.c.item == url, errors.c.stage == "fetch",
                        errors.c.resolved_at.is_(None)).order_by(errors.c.id.desc())).first()
                    if failed is not None:  # already listed by `kitchen errors` as the fetch that failed
                        flags.append(words.ingest.photo_not_downloaded(url, failed.reason))
                        continue
                    reason = words.ingest.photo_never_fetched()
                flags.append(words.ingest.photo_not_downloaded(url, reason))
                _record_refused(conn, source, None, url, reason, now)
                continue
            name = url.rsplit("/", 1)[-1].split("?", 1)[0][:100]
            try:
                width, height = upright_size(row.body, name=name)
                if min(width, height) < MIN_PHOTO_SIDE:
                    raise BadImage(words.ingest.photo_tiny(words.common.photo_subject(name), width, height,
                                                           MIN_PHOTO_SIDE))
                refs.append(import_image(conn, newsroom.media_dir, row.body, name, now,
                                         caption=article.captions.get(url, "")))
            except BadImage as exc:
                flags.append(words.ingest.photo_skipped(str(exc)))
                _record_refused(conn, source, row.id, url, str(exc), now)
            else:
                resolve_ingest_errors(conn, source.id, url, now, stages=("image",))
    return refs, flags


def _record_refused(conn: Connection, source: SourceConfig, raw_id: int | None, url: str, reason: str,
                    now: datetime) -> None:
    """A refused photo as an ingest error, once while it stays unresolved (a page extracted again
    names it again)."""
    e = t.ingest_errors
    known = conn.execute(select(e.c.id).where(e.c.source_id == source.id, e.c.item == url, e.c.stage == "image",
                                              e.c.reason == reason, e.c.resolved_at.is_(None))).first()
    if known is None:
        conn.execute(insert(e).values(source_id=source.id, raw_document_id=raw_id, item=url, reason=reason,
                                      created_at=now, stage="image"))
