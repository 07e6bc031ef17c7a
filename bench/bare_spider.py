"""The baseline for bench_crawl: a bare Scrapy spider that fetches the same pages and keeps nothing.
Run as `python -m bench.bare_spider START_URL LINKS_CSS NEXT_CSS CONCURRENCY`."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start: str, links: str, next_page: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.start_url, self.links, self.next_page = start, links, next_page
        self.pages = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.start_url, callback=self.parse_list)

    def parse_list(self, response: Any) -> Iterator[scrapy.Request]:
        for href in response.css(self.links).xpath("./@href").getall():
            yield response.follow(href, callback=self.parse_page)
        for href in response.css(self.next_page).xpath("./@href").getall()[:1]:
            yield response.follow(href, callback=self.parse_list)

    def parse_page(self, response: Any) -> None:
        self.pages += 1

    def closed(self, reason: str) -> None:
        print(f"pages {self.pages}")


def main(argv: list[str]) -> int:
    start, links, next_page, concurrency = argv
    process = CrawlerProcess(settings={
        "ROBOTSTXT_OBEY": True, "CONCURRENT_REQUESTS": int(concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": int(concurrency), "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
        "COOKIES_ENABLED": False, "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "ERROR",
        "LOG_INSTALL_ROOT_HANDLER": False,
    })
    process.crawl(BareSpider, start=start, links=links, next_page=next_page)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
