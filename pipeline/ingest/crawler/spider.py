"""The crawler that runs in its own process: one Scrapy run per source, raw bytes first.

`python -m pipeline.ingest.crawler.spider JOB.json` fetches a source's list pages, article pages, feed and
photos, stores every response as a raw document (with headers, status and fetch time) and every
failure as an ingest error, and reports progress as JSON lines on stdout. Extraction happens later,
in the parent, from the stored bytes. Incremental: article pages and photos already fetched are
not fetched again; list pages and feeds are fetched with If-None-Match / If-Modified-Since, and a
304 is answered from the stored copy so their links can still be followed.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlparse

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, Request, Response, TextResponse
from scrapy.responsetypes import responsetypes
from sqlalchemy import insert, select, update

from pipeline import store as t
from pipeline import words
from pipeline.ingest.crawler.job import CrawlJob
from pipeline.ingest.dedupe import canonical_url
from pipeline.ingest.rules import KNOWN_CONTAINERS, NOT_PHOTOS
from pipeline.ingest.rules import select as select_rule
from pipeline.sanitize import image_source
from pipeline.store import Store

CONTAINERS = ", ".join(KNOWN_CONTAINERS)  # one query finds the first container present
REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5


def load_job(path: str) -> CrawlJob:
    """The job from a file, or from standard input when the path is `-` (how the parent sends it,
    so the database URL never sits in a temporary file)."""
    if path == "-":
        return CrawlJob(**json.loads(sys.stdin.read()))
    with open(path, encoding="utf-8") as handle:
        return CrawlJob(**json.load(handle))


_last_flush = [0.0]


def emit(event: str, **data: Any) -> None:
    """One progress line for the parent (flushed a few times a second, and at the end)."""
    sys.stdout.write(json.dumps({"event": event, **data}, ensure_ascii=False) + "\n")
    now = time.monotonic()
    if event in ("done", "error") or now - _last_flush[0] > 0.2:
        sys.stdout.flush()
        _last_flush[0] = now


def matches_link_rule(rule: str, url: str) -> bool:
    return bool(re.search(rule[3:], url)) if rule.startswith("re:") else True


def links_by_rule(response: Response, rule: str | None) -> list[str]:
    """Absolute URLs picked from a page by a `css:`/`xpath:` rule (links found by it) or `re:` (every
    link whose absolute URL matches); none from a response that is not text."""
    if not rule or not isinstance(response, TextResponse):
        return []
    if rule.startswith("re:"):
        hrefs = response.css("a::attr(href)").getall()
        return [url for url in (response.urljoin(h.strip()) for h in hrefs) if re.search(rule[3:], url)]
    found = select_rule(response.selector, rule)
    hrefs = found.xpath("./@href").getall() or found.css("a::attr(href)").getall() or found.xpath("string()").getall()
    return [response.urljoin(h.strip()) for h in hrefs if h.strip()]


class Recorder:
    """Writes to the store from a thread of its own, so downloads never wait for the database:
    raw documents, the seen-table and fetch errors, in batches of at most `flush_every` documents or
    half a second. A database that keeps refusing the writes stops the crawl with an error the
    parent reports, rather than losing documents quietly."""

    def __init__(self, job: CrawlJob):
        self.job = job
        self.store = Store(job.database_url, migrate=False)
        self.queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.failure: str | None = None
        self.seen: dict[str, dict[str, Any]] = {}
        seen = t.crawl_seen
        with self.store.begin() as conn:
            for row in conn.execute(select(seen).where(seen.c.source_id == job.source_id)):
                self.seen[row.url] = dict(row._mapping)
        self.writer = threading.Thread(target=self._write_batches, daemon=True)
        self.writer.start()

    def fetched_before(self, url: str, kinds: tuple[str, ...] = ("page", "image", "feed-entry")) -> bool:
        """Fetched already, or failed recently (a dead link is tried again after a while, not on
        every run)."""
        row = self.seen.get(canonical_url(url))
        if row is None:
            return False
        if row["kind"] == "failed":
            age = datetime.now(UTC) - _aware(row["last_fetched_at"])
            return age.total_seconds() < self.job.retry_failed_after_hours * 3600
        return row["kind"] in kinds

    def due_for_recheck(self, url: str, days: float) -> bool:
        """A page fetched before and last checked more than `days` ago (0: never re-checked)."""
        row = self.seen.get(canonical_url(url))
        if not days or row is None or row["kind"] != "page" or not row.get("last_fetched_at"):
            return False
        return (datetime.now(UTC) - _aware(row["last_fetched_at"])).total_seconds() > days * 86400

    def validators(self, url: str) -> dict[str, str]:
        row = self.seen.get(canonical_url(url))
        headers = {}
        if row and row["raw_document_id"]:
            if row["etag"]:
                headers["If-None-Match"] = row["etag"]
            if row["last_modified"]:
                headers["If-Modified-Since"] = row["last_modified"]
        return headers

    def stored_copy(self, url: str) -> tuple[bytes, dict[str, str]] | None:
        """The body and headers last stored for a URL (to answer a 304 with)."""
        row = self.seen.get(canonical_url(url))
        if not row or not row["raw_document_id"]:
            return None
        raw = t.raw_documents
        with self.store.begin() as conn:
            stored = conn.execute(select(raw.c.body, raw.c.headers).where(raw.c.id == row["raw_document_id"])).first()
        return (stored.body, stored.headers) if stored else None

    def raw(self, url: str, kind: str, body: bytes, headers: dict[str, str], status: int,
            meta: dict[str, Any] | None = None, aliases: list[str] | None = None) -> None:
        """Store a response; `aliases` are the URLs that redirected to it (seen as fetched too)."""
        now = datetime.now(UTC)
        self.queue.put({
            "url": url, "kind": kind, "body": body, "headers": headers, "status": status, "meta": meta,
            "content_type": headers.get("Content-Type", ""), "sha256": hashlib.sha256(body).hexdigest(),
            "fetched_at": now, "aliases": aliases or [],
        })
        for key in {canonical_url(u) for u in [url, *(aliases or [])]}:
            self.seen[key] = {"kind": kind, "etag": None, "last_modified": None, "raw_document_id": None}
        emit("fetched", url=url, kind=kind, status=status, bytes=len(body))

    def error(self, url: str, reason: str) -> None:
        now = datetime.now(UTC)
        self.queue.put({"error": {"item": url, "reason": reason, "created_at": now}})
        self.seen[canonical_url(url)] = {"kind": "failed", "last_fetched_at": now, "raw_document_id": None,
                                         "etag": None, "last_modified": None}
        emit("error", url=url, reason=reason)

    def touched(self, url: str) -> None:
        """A 304: the stored copy is still current."""
        self.queue.put({"touch": canonical_url(url), "fetched_at": datetime.now(UTC)})

    def close(self) -> None:
        """Write what is left and wait for the writer."""
        self.queue.put(None)
        self.writer.join()

    def _write_batches(self) -> None:
        done = False
        while not done:
            batch: list[dict[str, Any]] = []
            deadline = time.monotonic() + 0.5
            while len(batch) < self.job.flush_every:
                try:
                    item = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if item is None:
                    done = True
                    break
                batch.append(item)
            if batch and self.failure is None:
                self._write_with_retries(batch)

    def _write_with_retries(self, batch: list[dict[str, Any]]) -> None:
        pending = [item for item in batch if "error" not in item]
        errors = [item["error"] for item in batch if "error" in item]
        for attempt in range(4):
            try:
                self._write(pending, errors)
                return
            except Exception as exc:  # noqa: BLE001 — a locked or unreachable database
                reason = f"{type(exc).__name__}: {getattr(exc, 'orig', None) or exc}"[:300]
                time.sleep(2 ** attempt)
        self.failure = words.ingest.crawl_store_failed(reason)
        emit("fatal", reason=self.failure)
        os.kill(os.getpid(), signal.SIGTERM)  # Scrapy shuts down; the parent records the failure

    def _write(self, pending: list[dict[str, Any]], errors: list[dict[str, Any]]) -> None:
        """One transaction per batch, with bulk statements: the raw documents, then the seen-table
        (inserted where new, updated where known), then the errors."""
        seen, raw, source = t.crawl_seen, t.raw_documents, self.job.source_id
        docs = [doc for doc in pending if "touch" not in doc]
        touches = [doc for doc in pending if "touch" in doc]
        with self.store.begin() as conn:
            ids: list[int] = []
            if docs:
                rows = [{"source_id": source, "url": d["url"], "fetched_at": d["fetched_at"], "headers": d["headers"],
                         "content_type": d["content_type"], "body": d["body"], "sha256": d["sha256"],
                         "size": len(d["body"]), "kind": d["kind"], "status": d["status"], "meta": d["meta"]}
                        for d in docs]
                ids = list(conn.execute(insert(raw).returning(raw.c.id, sort_by_parameter_order=True), rows).scalars())
            entries: dict[str, dict[str, Any]] = {}
            for doc, raw_id in zip(docs, ids, strict=True):
                for url in [doc["url"], *doc["aliases"]]:
                    entries[canonical_url(url)] = {
                        "kind": doc["kind"], "etag": doc["headers"].get("ETag") if url == doc["url"] else None,
                        "last_modified": doc["headers"].get("Last-Modified") if url == doc["url"] else None,
                        "sha256": doc["sha256"], "raw_document_id": raw_id, "last_fetched_at": doc["fetched_at"]}
            failures = {canonical_url(e["item"]): {"kind": "failed", "last_fetched_at": e["created_at"]} for e in errors}
            keys = list(entries) + [key for key in failures if key not in entries]
            known: dict[str, str] = {}
            for chunk in range(0, len(keys), 500):
                known.update(conn.execute(select(seen.c.url, seen.c.kind).where(
                    seen.c.source_id == source, seen.c.url.in_(keys[chunk:chunk + 500]))).tuples().all())
            new_rows = [{"source_id": source, "url": key, "first_seen_at": values["last_fetched_at"], **values}
                        for key, values in entries.items() if key not in known]
            new_rows += [{"source_id": source, "url": key, "first_seen_at": values["last_fetched_at"], "etag": None,
                          "last_modified": None, "sha256": None, "raw_document_id": None, **values}
                         for key, values in failures.items() if key not in known and key not in entries]
            if new_rows:
                conn.execute(insert(seen), new_rows)
            for key, values in entries.items():
                if key in known:
                    conn.execute(update(seen).where(seen.c.source_id == source, seen.c.url == key).values(**values))
            for key, values in failures.items():
                if known.get(key) == "failed":  # a page fetched fine before keeps its stored copy
                    conn.execute(update(seen).where(seen.c.source_id == source, seen.c.url == key).values(**values))
            for doc in touches:
                conn.execute(update(seen).where(seen.c.source_id == source, seen.c.url == doc["touch"])
                             .values(last_fetched_at=doc["fetched_at"]))
            if errors:
                conn.execute(insert(t.ingest_errors), [{"source_id": source, "stage": "fetch", **e} for e in errors])


class KitchenMiddleware:
    """Downloader middleware: conditional GETs for list pages and feeds (a 304 is answered from the
    stored copy), and redirects followed only inside the allowed domains — a redirect anywhere else
    is recorded as an error instead of being dropped without a word."""

    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> KitchenMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider: KitchenSpider = self.crawler.spider
        if request.meta.get("conditional"):
            for name, value in spider.recorder.validators(request.url).items():
                request.headers.setdefault(name, value)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        spider: KitchenSpider = self.crawler.spider
        if response.status == 304 and request.meta.get("conditional"):
            stored = spider.recorder.stored_copy(request.url)
            if stored is not None:
                spider.recorder.touched(request.url)
                body, headers = stored
                cls = responsetypes.from_args(headers=Headers(headers), url=request.url, body=body)
                return cls(url=request.url, status=200, headers=headers, body=body, request=request,
                           flags=[*response.flags, "not_modified"])
        if response.status in REDIRECTS and b"Location" in response.headers:
            target = urljoin(request.url, (response.headers.get(b"Location") or b"").decode("latin-1"))
            hops = request.meta.get("redirects", 0) + 1
            if not spider.allowed(target, request.meta.get("kind", "page")):
                spider.recorder.error(request.url, words.ingest.fetch_failed(
                    request.meta.get("kind", "page"), words.ingest.redirected_outside(urlparse(target).hostname or target)))
                raise IgnoreRequest("redirect outside the allowed domains")
            if hops > MAX_REDIRECTS:
                spider.recorder.error(request.url, words.ingest.fetch_failed(
                    request.meta.get("kind", "page"), words.ingest.too_many_redirects(MAX_REDIRECTS)))
                raise IgnoreRequest("too many redirects")
            meta = {**request.meta, "redirects": hops,
                    "redirected_from": [*request.meta.get("redirected_from", []), request.url]}
            return request.replace(url=target, meta=meta, dont_filter=True)
        return response


class KitchenSpider(scrapy.Spider):
    name = "kitchen"

    def __init__(self, job: CrawlJob, **kwargs: Any):
        super().__init__(**kwargs)
        self.job = job
        self.recorder = Recorder(job)
        self.allowed_domains = [*job.allowed_domains, *job.image_domains]
        self.list_pages = 0
        self.visited_lists: set[str] = set()  # a last page linking to itself must not loop
        _watch_parent()

    def allowed(self, url: str, kind: str) -> bool:
        return self.job.allows(url, kind)

    def _request(self, url: str, kind: str, callback: Any, **meta: Any) -> Request:
        meta = {"kind": kind, "conditional": kind in ("list", "feed"), **meta}
        if kind == "image":
            meta["download_maxsize"] = self.job.max_image_bytes
        return Request(url, callback=callback, errback=self.failed, meta=meta, dont_filter=kind in ("list", "feed"))

    async def start(self) -> AsyncIterator[Request]:
        for url in self.job.start_urls:
            if self.job.kind == "feed":
                yield self._request(url, "feed", self.parse_feed)
            elif self.job.kind == "wechat" and self.job.article_links and matches_link_rule(self.job.article_links, url) \
                    and self.job.article_links.startswith("re:"):
                yield self._request(url, "page", self.parse_page)
            else:
                yield self._request(url, "list", self.parse_list)

    def _headers(self, response: Response) -> dict[str, str]:
        return {key.decode("latin-1"): b", ".join(values).decode("latin-1")
                for key, values in response.headers.items()}

    def parse_list(self, response: Response) -> Iterator[Request]:
        if "not_modified" not in response.flags:
            self.recorder.raw(response.url, "list", response.body, self._headers(response), response.status,
                              aliases=response.meta.get("redirected_from"))
        self.list_pages += 1
        self.visited_lists.update(canonical_url(u) for u in [response.url, *response.meta.get("redirected_from", [])])
        for url in links_by_rule(response, self.job.article_links):
            if not self.allowed(url, "page"):
                continue
            if self.recorder.fetched_before(url):
                if self.recorder.due_for_recheck(url, self.job.recheck_days):
                    yield self._request(url, "page", self.parse_page, conditional=True)
                continue
            yield self._request(url, "page", self.parse_page)
        for url in links_by_rule(response, self.job.next_page)[:1]:
            if self.allowed(url, "list") and canonical_url(url) not in self.visited_lists:
                self.visited_lists.add(canonical_url(url))
                yield self._request(url, "list", self.parse_list)

    def parse_page(self, response: Response) -> Iterator[Request]:
        if "not_modified" in response.flags:
            return  # re-checked and unchanged
        meta = response.meta.get("feed_entry")
        self.recorder.raw(response.url, "page", response.body, self._headers(response), response.status, meta,
                          aliases=response.meta.get("redirected_from"))
        for url in self.photo_urls(response):
            if self.allowed(url, "image") and not self.recorder.fetched_before(url):
                yield self._request(url, "image", self.parse_image)

    def photo_urls(self, response: Response) -> list[str]:
        """The photos of the article — in the source's body rule, a known CMS container, or
        paragraphs and figures — so the extractor finds them stored later."""
        if not isinstance(response, TextResponse) or (b"<img" not in response.body and b"<IMG" not in response.body):
            return []  # no pictures at all: no need to parse the page here
        page = response.selector
        scope = select_rule(page, self.job.body_rule) if self.job.body_rule else None
        if not scope:
            scope = page.css(CONTAINERS)[:1] or None
        if self.job.images_rule:
            nodes = select_rule(page, self.job.images_rule)
        elif scope is not None:
            nodes = scope.css("img")
        else:
            # paragraphs, figures, and blocks beside the paragraphs of a text (`<div class="pic">`)
            nodes = page.xpath("//p//img|//figure//img|//*[count(p) >= 2]//img")
        urls = []
        for node in nodes:
            src = image_source(node.attrib)
            if src and not src.startswith("data:") and not NOT_PHOTOS.search(src):
                urls.append(response.urljoin(src))
        return list(dict.fromkeys(urls))

    def parse_image(self, response: Response) -> None:
        self.recorder.raw(response.url, "image", response.body, self._headers(response), response.status)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        import feedparser

        if "not_modified" not in response.flags:
            self.recorder.raw(response.url, "feed", response.body, self._headers(response), response.status)
        parsed = feedparser.parse(response.body, response_headers={
            "content-type": (response.headers.get("Content-Type") or b"").decode("latin-1")})
        if parsed.bozo and not parsed.entries:
            kind = (response.headers.get("Content-Type") or b"").decode("latin-1")
            if "html" in kind.lower():
                self.recorder.error(response.url, words.ingest.feed_is_a_web_page(kind))
            else:
                self.recorder.error(response.url, words.ingest.feed_unreadable(str(parsed.bozo_exception)))
            return
        if parsed.bozo and "not_modified" not in response.flags:
            problem = parsed.bozo_exception
            line = getattr(problem, "getLineNumber", lambda: None)()
            column = getattr(problem, "getColumnNumber", lambda: None)()
            self.recorder.error(response.url, words.ingest.feed_not_well_formed(line, column, len(parsed.entries)))
        for entry in parsed.entries:
            link = response.urljoin(entry.get("link", "")) if entry.get("link") else ""
            if not link or self.recorder.fetched_before(link):
                continue
            info = {
                "title": entry.get("title", ""),
                "summary": entry.get("summary", ""),
                "content": (entry.get("content") or [{}])[0].get("value", ""),
                "author": entry.get("author", ""),
                "published": _feed_time(entry),
                "feed": response.url,
            }
            if self.job.full_text and self.allowed(link, "page"):
                yield self._request(link, "page", self.parse_page, feed_entry=info)
            else:
                body = (info["content"] or info["summary"]).encode("utf-8")
                self.recorder.raw(link, "feed-entry", body, {"Content-Type": "text/html; charset=utf-8"}, 200, info)

    def failed(self, failure: Any) -> None:
        request = failure.request
        skipped = _skipped(failure)
        if skipped:
            emit("skipped", url=request.url, reason=skipped)
            return
        kind = request.meta.get("kind", "page")
        reason = _describe_failure(failure, self.job.max_image_bytes if kind == "image" else self.job.max_page_bytes)
        self.recorder.error(request.url, words.ingest.fetch_failed(kind, reason))
        entry = request.meta.get("feed_entry")
        if entry and (entry["content"] or entry["summary"]):
            # The full page could not be had: the feed's own text is better than nothing.
            body = (entry["content"] or entry["summary"]).encode("utf-8")
            self.recorder.raw(request.url, "feed-entry", body, {"Content-Type": "text/html; charset=utf-8"}, 200,
                              {**entry, "page_failed": reason})

    def closed(self, reason: str) -> None:
        self.recorder.close()
        emit("done", reason=reason, list_pages=self.list_pages)
        sys.stdout.flush()


def _watch_parent() -> None:
    """Stop when the parent goes away (killed, or stopped by its own timeout) instead of running on
    as an orphan: first gracefully, then for good."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(20)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, daemon=True).start()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _feed_time(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()


def _skipped(failure: Any) -> str | None:
    """Why a request was dropped on purpose (robots.txt, a redirect already recorded), or None
    when it failed. Only the progress lines carry it; it is not an error."""
    from scrapy.spidermiddlewares.httperror import HttpError

    if isinstance(failure.value, IgnoreRequest) and not isinstance(failure.value, HttpError):  # HttpError is one
        text = str(failure.value)
        return "robots.txt" if "robots" in text.lower() else text
    return None


def _describe_failure(failure: Any, size_cap: int) -> str:
    """Why a request failed, as an editor reads it."""
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet.error import DNSLookupError
    from twisted.internet.error import TimeoutError as TwistedTimeout
    from twisted.web._newclient import ResponseNeverReceived

    value = failure.value
    if isinstance(value, HttpError):
        return words.ingest.http_status(value.response.status)
    if isinstance(value, DNSLookupError) or "ResolveHost" in type(value).__name__:
        return words.ingest.host_not_found()
    if "ConnectionRefused" in type(value).__name__:
        return words.ingest.connection_refused()
    if isinstance(value, TwistedTimeout) or "timeout" in type(value).__name__.lower():
        return words.ingest.timed_out()
    if isinstance(value, ResponseNeverReceived):
        return words.ingest.no_answer()
    text = failure.getErrorMessage()
    if "maxsize" in text.lower() or "cancel" in type(value).__name__.lower():
        size = re.search(r"(?:receive|Received) (\d+) bytes", text)
        return words.ingest.over_size_cap(int(size.group(1)) if size else None, size_cap)
    return f"{type(value).__name__}: {text}"


def settings_for(job: CrawlJob) -> dict[str, Any]:
    return {
        "ROBOTSTXT_OBEY": job.obey_robots,
        "USER_AGENT": job.user_agent,
        "CONCURRENT_REQUESTS": job.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": job.concurrency_per_domain,
        "DOWNLOAD_DELAY": job.delay_seconds,
        "RANDOMIZE_DOWNLOAD_DELAY": job.delay_seconds > 0,
        "AUTOTHROTTLE_ENABLED": job.delay_seconds > 0,
        "AUTOTHROTTLE_START_DELAY": max(job.delay_seconds, 0.1),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(job.concurrency_per_domain),
        "DOWNLOAD_MAXSIZE": job.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_TIMEOUT": job.download_timeout,
        "RETRY_TIMES": job.retries,
        "CLOSESPIDER_PAGECOUNT": job.max_pages,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "ERROR",
        "LOG_STDOUT": False,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
            "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
            "pipeline.ingest.crawler.spider.KitchenMiddleware": 600,
        },
        "HTTPERROR_ALLOWED_CODES": [],
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }


def main(argv: list[str]) -> int:
    job = load_job(argv[0])
    process = CrawlerProcess(settings={**settings_for(job), "LOG_INSTALL_ROOT_HANDLER": False})
    process.crawl(KitchenSpider, job=job)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
