"""What the parent asks the crawl process to do: the crawl job both sides share, and how a crawled
source's options become one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlparse

if TYPE_CHECKING:
    from pipeline.model import SourceConfig
    from pipeline.settings import Newsroom

WECHAT_IMAGE_DOMAINS = ("mmbiz.qpic.cn", "mmbiz.qlogo.cn")
WECHAT_ARTICLES = r"re:mp\.weixin\.qq\.com/s[/?]"


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

    def allows(self, url: str, kind: str) -> bool:
        """Whether the crawl may fetch `url` for a request of `kind` (photos may also come from
        the source's `image_domains`)."""
        host = (urlparse(url).hostname or "").lower()
        domains = self.allowed_domains + (self.image_domains if kind == "image" else [])
        return any(host == d or host.endswith("." + d) for d in domains)


def job_for(newsroom: Newsroom, source: SourceConfig, kind: str) -> CrawlJob:
    """The crawl job of a configured source of a crawled kind (`site`, `wechat` or `feed`)."""
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
