"""Crawl 500 local article pages (flat, and through paginated list pages) against a bare Scrapy spider fetching the same pages in the same run.

Both run as subprocesses with the same concurrency against the same local server, alternately,
best of three each; the kitchen crawl also stores every response (raw bytes, headers, seen-table)
and looks for photos, which is the work the ratio prices (the pages carry no pictures, so none are
downloaded). Extraction is not included (see bench_extract).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.config import load_newsroom
from pipeline.ingest import IngestSummary
from pipeline.ingest.crawl import crawl
from pipeline.scaffold import init_newsroom
from pipeline.store import open_store

PAGES = int(os.environ.get("BENCH_PAGES", "500"))
CONCURRENCY = 16
ROUNDS = 3
ARTICLE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>第{n}期板凳课堂_基准站</title></head>
<body><div class="nav">首页 &gt; 实践动态</div><h1>东村第{n}期“板凳课堂”开讲</h1>
<div class="meta">发布时间：2026-11-{day:02d} 09:30 来源：东村新时代文明实践站</div>
<div class="article-content">{body}</div><div class="footer">版权所有 基准县</div></body></html>"""
PARAGRAPH = "<p>11月20日上午，东村新时代文明实践站在村文化广场开展“板凳课堂”理论宣讲活动，宣讲员用群众听得懂的话讲解惠民政策，60余名村民参加。</p>"


def build_site(root: Path, per_list: int) -> None:
    (root / "a").mkdir(parents=True)
    for n in range(PAGES):
        (root / "a" / f"{n}.html").write_text(ARTICLE.format(n=n, day=1 + n % 28, body=PARAGRAPH * 6), encoding="utf-8")
    lists = [list(range(i, min(i + per_list, PAGES))) for i in range(0, PAGES, per_list)]
    for index, numbers in enumerate(lists):
        links = "".join(f'<li><a href="/a/{n}.html">第{n}期</a></li>' for n in numbers)
        next_link = f'<a class="next" href="/list_{index + 1}.html">下一页</a>' if index + 1 < len(lists) else ""
        (root / f"list_{index}.html").write_text(
            f'<html><head><meta charset="utf-8"></head><body><ul class="list">{links}</ul>{next_link}</body></html>',
            encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n", encoding="utf-8")


def kitchen_crawl(work: Path, base: str) -> tuple[float, int]:
    root = init_newsroom(work / f"newsroom-{time.monotonic_ns()}", title="基准县", base_url="https://b.example.cn/").root
    (root / "stations.csv").write_text("id,name,level,parent,township,village,lat,lon\n"
                                       "center,基准县新时代文明实践中心,center,,城关镇,,,\n", encoding="utf-8")
    with (root / "kitchen.toml").open("a", encoding="utf-8") as handle:
        handle.write(f'\n[crawl]\nconcurrency = {CONCURRENCY}\n\n[[sources]]\nid = "bench"\nkind = "site"\n'
                     f'station = "center"\nstart_urls = ["{base}/list_0.html"]\narticle_links = "css:ul.list li a"\n'
                     f'next_page = "css:a.next"\ndelay_seconds = 0\nconcurrency_per_domain = {CONCURRENCY}\n'
                     f'max_pages = {PAGES * 2}\n')
    newsroom = load_newsroom(root)
    open_store(newsroom).close()
    summary = IngestSummary()
    started = time.perf_counter()
    crawl(newsroom, newsroom.sources[-1], "site", summary)
    return time.perf_counter() - started, summary.fetched


def bare_crawl(base: str) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.bare_spider", f"{base}/list_0.html", "ul.list li a", "a.next",
                           str(CONCURRENCY)], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    return seconds, int(done.stdout.split("pages")[-1])


def run() -> None:
    work = Path(tempfile.mkdtemp(prefix="kitchen-bench-crawl-"))
    try:
        for label, per_list in (("flat (one list page)", PAGES), ("paginated (20 per list page)", 20)):
            site = work / f"site-{per_list}"
            build_site(site, per_list)
            # The server runs in a process of its own, so neither crawler's parent competes with it.
            server = subprocess.Popen([sys.executable, "-m", "pipeline.sitehost", str(site)], stdout=subprocess.PIPE,
                                      text=True)
            try:
                base = server.stdout.readline().strip()
                # alternate the two, best of three each: the machine is shared
                runs = [(bare_crawl(base), kitchen_crawl(work, base)) for _ in range(ROUNDS)]
            finally:
                server.terminate()
                server.wait()
            bare_seconds, bare_pages = min(bare for bare, _ in runs)
            ours_seconds, fetched = min(ours for _, ours in runs)
            ours_pages = fetched - len(list(site.glob("list_*.html")))
            print(f"{label}:")
            print(f"  kitchen crawl:  {ours_pages} pages in {ours_seconds:6.2f} s = {ours_pages / ours_seconds:7.1f} pages/s"
                  f" (stores raw bytes, headers, seen-table)")
            print(f"  bare Scrapy:    {bare_pages} pages in {bare_seconds:6.2f} s = {bare_pages / bare_seconds:7.1f} pages/s")
            print(f"  speed ratio kitchen / bare: {(ours_pages / ours_seconds) / (bare_pages / bare_seconds):.2f}"
                  "  (aim ≥ 0.8)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
