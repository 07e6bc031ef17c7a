"""Crawled source kinds — `site`, `wechat` and `feed`: their options, checked when kitchen.toml is
loaded, and their ingest (a crawl, then extraction). The crawl process itself (Scrapy) lives in
`pipeline.ingest.crawler`, run as a subprocess by `pipeline.ingest.crawl`."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from pipeline import words
from pipeline.ingest import IngestSummary, Progress, SourceKind
from pipeline.ingest.crawl import crawl, extract_pending
from pipeline.ingest.extract import parse_html
from pipeline.ingest.rules import select as select_rule
from pipeline.model import SourceConfig
from pipeline.settings import Newsroom
from pipeline.store import Store

FIELD_KEYS = {"title", "date", "body", "author", "images"}
COMMON_KEYS = {"allowed_domains", "image_domains", "delay_seconds", "concurrency_per_domain",
               "timeout_seconds", "max_pages", "max_page_bytes", "max_image_bytes", "obey_robots",
               "fields", "station_from", "theme", "recheck_days"}
KIND_KEYS = {
    "site": {"start_urls", "article_links", "next_page"},
    "wechat": {"start_urls", "article_links", "next_page"},
    "feed": {"url", "full_text"},
}


def check_rule(rule: Any) -> str | None:
    """What is wrong with a link/field rule, or None."""
    if not isinstance(rule, str) or not rule.strip():
        return words.ingest.option_rule_format()
    try:
        if rule.startswith("re:"):
            re.compile(rule[3:])
        else:
            select_rule(parse_html("<p></p>"), rule)
    except (re.error, ValueError, Exception) as exc:  # noqa: BLE001 — cssselect/lxml raise their own types
        return words.ingest.option_rule_invalid(rule, f"{type(exc).__name__}: {exc}")
    return None


class CrawledSource(SourceKind):
    """What the crawled kinds share: their option check and their ingest; `kind` picks the defaults."""

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        allowed = COMMON_KEYS | KIND_KEYS[cls.kind]
        for key in options:
            if key not in allowed:
                problems.append((key, words.ingest.option_unknown(cls.kind, sorted(allowed))))
        urls = [options.get("url")] if cls.kind == "feed" else options.get("start_urls")
        key = "url" if cls.kind == "feed" else "start_urls"
        if not urls or urls == [None] or urls == [""]:
            problems.append((key, words.ingest.option_required()))
        elif not isinstance(urls, list) or not all(isinstance(u, str) and u for u in urls):
            problems.append((key, words.ingest.option_url_format(single=cls.kind == "feed")))
        else:
            for url in urls:
                if urlparse(url).scheme not in ("http", "https"):
                    problems.append(("url" if cls.kind == "feed" else "start_urls", words.ingest.option_not_http(url)))
        if cls.kind == "site" and "article_links" not in options:
            problems.append(("article_links", words.ingest.option_article_links_required()))
        for key in ("article_links", "next_page"):
            if key in options and (problem := check_rule(options[key])):
                problems.append((key, problem))
        fields = options.get("fields", {})
        if not isinstance(fields, dict):
            problems.append(("fields", words.ingest.option_fields_format()))
        else:
            for key, rule in fields.items():
                if key not in FIELD_KEYS:
                    problems.append((f"fields.{key}", words.ingest.option_field_unknown(sorted(FIELD_KEYS))))
                elif problem := check_rule(rule):
                    problems.append((f"fields.{key}", problem))
        station_from = options.get("station_from", {})
        if not isinstance(station_from, dict) or set(station_from) - {"field", "url"}:
            problems.append(("station_from", words.ingest.option_station_from_format()))
        elif "field" in station_from and (problem := check_rule(station_from["field"])):
            problems.append(("station_from.field", problem))
        elif "url" in station_from and not isinstance(station_from["url"], dict):
            problems.append(("station_from.url", words.ingest.option_station_from_url_format()))
        domains = options.get("allowed_domains")
        if domains is not None:
            if not isinstance(domains, list) or not all(isinstance(d, str) and d for d in domains):
                problems.append(("allowed_domains", words.ingest.option_domains_format()))
            elif isinstance(urls, list):
                for url in urls:
                    host = (urlparse(url).hostname or "") if isinstance(url, str) else ""
                    if host and not any(host == d.lower() or host.endswith("." + d.lower()) for d in domains):
                        problems.append(("allowed_domains", words.ingest.option_domain_missing(host, url)))
        for key, low, high in (("delay_seconds", 0, 600), ("concurrency_per_domain", 1, 16),
                               ("timeout_seconds", 1, 86400), ("max_pages", 1, 1_000_000),
                               ("max_page_bytes", 1024, 1 << 30), ("max_image_bytes", 1024, 1 << 30),
                               ("recheck_days", 0, 365)):
            value = options.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high):
                problems.append((key, words.ingest.option_number_between(low, high)))
        for key in ("obey_robots", "full_text"):
            if key in options and not isinstance(options[key], bool):
                problems.append((key, words.ingest.option_true_or_false()))
        return problems

    @classmethod
    def ingest(cls, newsroom: Newsroom, store: Store, source: SourceConfig, now: datetime,
               progress: Progress | None = None) -> IngestSummary:
        summary = IngestSummary()
        crawl(newsroom, source, cls.kind, summary, progress)
        extract_pending(newsroom, store, source, now, summary)
        return summary


class SiteSource(CrawledSource):
    """A county or township website: list pages, article links, next-page links."""

    kind = "site"


class WechatSource(CrawledSource):
    """A WeChat official account's articles, reached from list pages that link to them."""

    kind = "wechat"


class FeedSource(CrawledSource):
    """An RSS or Atom feed, with the full article fetched for each entry (unless `full_text` is off)."""

    kind = "feed"


SOURCE_KINDS = (SiteSource, WechatSource, FeedSource)
