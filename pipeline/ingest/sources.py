"""Crawled source kinds — `site`, `wechat` and `feed` — as the configuration knows them: their
options, checked when kitchen.toml is loaded, and the crawl job they become. The crawling itself
lives in `pipeline.ingest.crawl` and `pipeline.ingest.spider`, imported only when a crawl runs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

if TYPE_CHECKING:
    from pipeline.ingest import IngestSummary
    from pipeline.model import SourceConfig
    from pipeline.settings import Newsroom
    from pipeline.store import Store

WECHAT_IMAGE_DOMAINS = ("mmbiz.qpic.cn", "mmbiz.qlogo.cn")


@dataclass
class CrawlJob:
    """What the parent asks the crawl process to do."""

    database_url: str
    source_id: str
    kind: str  # site | wechat | feed
    start_urls: list[str]
    allowed_domains: list[str]
    image_domains: list[str] = field(default_factory=list)
    article_links: str | None = None
    next_page: str | None = None
    body_rule: str | None = None
    images_rule: str | None = None
    full_text: bool = True
    delay_seconds: float = 1.0
    concurrency: int = 8
    concurrency_per_domain: int = 1
    obey_robots: bool = True
    max_pages: int = 500
    max_page_bytes: int = 5 * 1024 * 1024
    max_image_bytes: int = 10 * 1024 * 1024
    download_timeout: int = 30
    retries: int = 2
    user_agent: str = "CentralKitchen/0.1 (county media center crawler)"
    flush_every: int = 50
    retry_failed_after_hours: float = 24
    recheck_days: float = 0


Progress = Callable[[str, dict[str, Any]], None]
RULE_PREFIXES = ("css:", "xpath:", "re:")
FIELD_KEYS = {"title", "date", "body", "author", "images"}
COMMON_KEYS = {"allowed_domains", "image_domains", "delay_seconds", "concurrency_per_domain",
               "timeout_seconds", "max_pages", "max_page_bytes", "max_image_bytes", "obey_robots",
               "fields", "station_from", "theme", "recheck_days"}
KIND_KEYS = {
    "site": {"start_urls", "article_links", "next_page"},
    "wechat": {"start_urls", "article_links", "next_page"},
    "feed": {"url", "full_text"},
}
WECHAT_ARTICLES = r"re:mp\.weixin\.qq\.com/s[/?]"


def check_rule(rule: Any) -> str | None:
    """What is wrong with a link/field rule, or None."""
    if not isinstance(rule, str) or not rule.strip():
        return "must be a rule in quotes: css:SELECTOR, xpath:EXPRESSION or re:PATTERN"
    from parsel import Selector

    from pipeline.ingest.rules import select as select_rule

    try:
        if rule.startswith("re:"):
            re.compile(rule[3:])
        else:
            select_rule(Selector(text="<p></p>"), rule)
    except (re.error, ValueError, Exception) as exc:  # noqa: BLE001 — cssselect/lxml raise their own types
        return f"'{rule}' is not a valid rule ({type(exc).__name__}: {exc})"
    return None


class CrawledSource:
    """The registry entry for the crawled kinds; `kind` picks the defaults."""

    def __init__(self, kind: str):
        self.kind = kind

    def check_options(self, options: dict[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        allowed = COMMON_KEYS | KIND_KEYS[self.kind]
        for key in options:
            if key not in allowed:
                problems.append((key, f"unknown setting for a {self.kind} source; known: {', '.join(sorted(allowed))}"))
        urls = [options.get("url")] if self.kind == "feed" else options.get("start_urls")
        key = "url" if self.kind == "feed" else "start_urls"
        if not urls or urls == [None] or urls == [""]:
            problems.append((key, "is required"))
        elif not isinstance(urls, list) or not all(isinstance(u, str) and u for u in urls):
            problems.append((key, "must be a URL in quotes" if self.kind == "feed" else "must be a list of URLs in quotes"))
        else:
            for url in urls:
                if urlparse(url).scheme not in ("http", "https"):
                    problems.append(("url" if self.kind == "feed" else "start_urls", f"'{url}' is not an http(s) URL"))
        if self.kind == "site" and "article_links" not in options:
            problems.append(("article_links", "is required: how to find article links on list pages "
                                              "(css:…, xpath:… or re:…)"))
        for key in ("article_links", "next_page"):
            if key in options and (problem := check_rule(options[key])):
                problems.append((key, problem))
        fields = options.get("fields", {})
        if not isinstance(fields, dict):
            problems.append(("fields", "must be a table of title/date/body/author/images rules"))
        else:
            for key, rule in fields.items():
                if key not in FIELD_KEYS:
                    problems.append((f"fields.{key}", f"unknown field; known: {', '.join(sorted(FIELD_KEYS))}"))
                elif problem := check_rule(rule):
                    problems.append((f"fields.{key}", problem))
        station_from = options.get("station_from", {})
        if not isinstance(station_from, dict) or set(station_from) - {"field", "url"}:
            problems.append(("station_from", "must be a table with field = \"css\" or url = {prefix = station}"))
        elif "field" in station_from and (problem := check_rule(station_from["field"])):
            problems.append(("station_from.field", problem))
        elif "url" in station_from and not isinstance(station_from["url"], dict):
            problems.append(("station_from.url", 'must be a table of URL path prefixes, e.g. {"/binhe/" = "chengguan-binhe"}'))
        domains = options.get("allowed_domains")
        if domains is not None:
            if not isinstance(domains, list) or not all(isinstance(d, str) and d for d in domains):
                problems.append(("allowed_domains", 'must be a list of host names in quotes, e.g. ["qiaotou.gov.cn"]'))
            elif isinstance(urls, list):
                for url in urls:
                    host = (urlparse(url).hostname or "") if isinstance(url, str) else ""
                    if host and not any(host == d.lower() or host.endswith("." + d.lower()) for d in domains):
                        problems.append(("allowed_domains", f"does not include {host}, the host of {url}"))
        for key, low, high in (("delay_seconds", 0, 600), ("concurrency_per_domain", 1, 16),
                               ("timeout_seconds", 1, 86400), ("max_pages", 1, 1_000_000),
                               ("max_page_bytes", 1024, 1 << 30), ("max_image_bytes", 1024, 1 << 30),
                               ("recheck_days", 0, 365)):
            value = options.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high):
                problems.append((key, f"must be a number between {low} and {high}"))
        for key in ("obey_robots", "full_text"):
            if key in options and not isinstance(options[key], bool):
                problems.append((key, "must be true or false"))
        return problems

    def ingest(self, newsroom: Newsroom, store: Store, source: SourceConfig, now: datetime,
               progress: Progress | None = None) -> IngestSummary:
        from pipeline.ingest import IngestSummary
        from pipeline.ingest.crawl import crawl, extract_pending

        summary = IngestSummary()
        crawl(newsroom, source, self.kind, summary, progress)
        extract_pending(newsroom, store, source, now, summary)
        return summary


def job_for(newsroom: Newsroom, source: SourceConfig, kind: str) -> CrawlJob:
    options = source.options
    urls = [options["url"]] if kind == "feed" else list(options["start_urls"])
    domains = options.get("allowed_domains") or sorted({urlparse(u).hostname or "" for u in urls}
                                                        | ({"mp.weixin.qq.com"} if kind == "wechat" else set()))
    image_domains = list(options.get("image_domains", WECHAT_IMAGE_DOMAINS if kind == "wechat" else ()))
    fields = options.get("fields", {})
    settings = newsroom.crawl
    return CrawlJob(
        database_url=newsroom.database_url, source_id=source.id, kind=kind, start_urls=urls,
        allowed_domains=[d.lower() for d in domains], image_domains=image_domains,
        article_links=options.get("article_links", WECHAT_ARTICLES if kind == "wechat" else None),
        next_page=options.get("next_page"), body_rule=fields.get("body"), images_rule=fields.get("images"),
        full_text=options.get("full_text", True), delay_seconds=float(options.get("delay_seconds", 1.0)),
        concurrency=settings.concurrency, concurrency_per_domain=int(options.get("concurrency_per_domain", 1)),
        obey_robots=options.get("obey_robots", True), max_pages=int(options.get("max_pages", 500)),
        max_page_bytes=int(options.get("max_page_bytes", 5 * 1024 * 1024)),
        max_image_bytes=int(options.get("max_image_bytes", 10 * 1024 * 1024)),
        download_timeout=settings.download_timeout, retries=settings.retries, user_agent=settings.user_agent,
        recheck_days=float(options.get("recheck_days", 0)),
    )


