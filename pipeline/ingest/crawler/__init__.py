"""The crawl process: Scrapy runs in `spider` as a subprocess of its own, from the `job` the parent
sends it. Source-kind discovery imports only this package's `__init__`, so Scrapy loads only when a
crawl runs."""
