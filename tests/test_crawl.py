"""Crawling for real: Scrapy in its own process against HTTP servers on 127.0.0.1 — the demo
practice-site web (three CMS styles, WeChat-style pages, a feed) and a small site of bad inputs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from PIL import Image
from sqlalchemy import select

from pipeline import store as t
from pipeline.config import load_newsroom
from pipeline.ingest import ingest_all
from pipeline.resources import assets_dir
from pipeline.sitehost import serve
from pipeline.store import open_store
from tests.conftest import NOW, make_newsroom

DEMO_SITE = assets_dir() / "demo" / "site"
BAD_SITE = Path(__file__).parent / "fixtures" / "crawlsite"


def demo_newsroom(root: Path, base_url: str) -> Path:
    make_newsroom(root)
    shutil.copyfile(assets_dir() / "demo" / "stations.csv", root / "stations.csv")
    host = urlparse(base_url).hostname
    text = (DEMO_SITE / "sources.toml").read_text(encoding="utf-8").replace("{base}", base_url).replace("{host}", host)
    text = text.replace(f'allowed_domains = ["{host}"]', f'allowed_domains = ["{host}"]\ndelay_seconds = 0')
    with (root / "kitchen.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n" + text)
    return root


@pytest.fixture(scope="module")
def demo_crawl(tmp_path_factory: pytest.TempPathFactory):
    """The demo web crawled once (and a second time, to see what an unchanged site costs)."""
    with serve(DEMO_SITE) as site:
        root = demo_newsroom(tmp_path_factory.mktemp("crawl") / "newsroom", site.base_url)
        newsroom = load_newsroom(root)
        store = open_store(newsroom)
        first = ingest_all(newsroom, store, now=NOW)
        first_log = list(site.log)
        site.clear()
        second = ingest_all(newsroom, store, now=NOW)
        second_log = list(site.log)
        yield {"newsroom": newsroom, "store": store, "first": first, "second": second,
               "first_log": first_log, "second_log": second_log, "base": site.base_url}


def reports_by_path(store) -> dict[str, object]:
    with store.begin() as conn:
        rows = conn.execute(select(t.reports).where(t.reports.c.url.like("http%"))).all()
    return {urlparse(row.url).path: row for row in rows}


def test_every_demo_article_is_found_with_its_station_title_and_date(demo_crawl) -> None:
    expected = json.loads((DEMO_SITE / "expected.json").read_text(encoding="utf-8"))
    newsroom, reports = demo_crawl["newsroom"], reports_by_path(demo_crawl["store"])
    assert len(expected) >= 30
    wrong = []
    for path, want in expected.items():
        report = reports.get(path)
        if report is None:
            wrong.append(f"{path}: not crawled")
            continue
        local = report.published_at.astimezone(newsroom.tz)
        if (report.station_id, report.title) != (want["station"], want["title"]):
            wrong.append(f"{path}: {report.station_id} {report.title!r}")
        if want["date"] is None:
            if report.date_source != "fetch_time" or "网页上没有日期：按抓取时间记" not in report.flags:
                wrong.append(f"{path}: a page without a date got {report.date_source}")
        elif local.strftime("%Y-%m-%d %H:%M" if len(want["date"]) > 10 else "%Y-%m-%d") != want["date"]:
            wrong.append(f"{path}: date {local} from {report.date_source}, expected {want['date']}")
    assert wrong == []


def test_the_summary_counts_each_source(demo_crawl) -> None:
    first = demo_crawl["first"]
    assert set(first.by_source) == {"inbox", "qiaotou-site", "baisha-site", "chengguan-site", "qingshi-wechat",
                                    "qingshi-feed"}
    baisha = first.by_source["baisha-site"]
    assert (baisha.new_reports, baisha.duplicates) == (6, 1)  # one page is a repost of a qiaotou story
    assert all(one.fetched > 0 for sid, one in first.by_source.items() if sid != "inbox")


def test_raw_bytes_are_kept_for_every_fetched_document(demo_crawl) -> None:
    with demo_crawl["store"].begin() as conn:
        raws = conn.execute(select(t.raw_documents.c.url, t.raw_documents.c.kind, t.raw_documents.c.body,
                                   t.raw_documents.c.headers, t.raw_documents.c.status)).all()
    kinds = {kind for _, kind, *_ in raws}
    assert {"list", "page", "feed", "image"} <= kinds
    gbk = next(row for row in raws if row.url.endswith("/baisha/a/2026/1119/206.html"))
    assert gbk.body == (DEMO_SITE / "baisha/a/2026/1119/206.html").read_bytes()  # the bytes as sent
    assert gbk.headers["Content-Type"] == "text/html; charset=utf-8" and gbk.status == 200


def test_a_gbk_page_behind_a_lying_header_is_read_right(demo_crawl) -> None:
    report = reports_by_path(demo_crawl["store"])["/baisha/a/2026/1119/206.html"]
    assert "网页声明的编码是 utf_8，实际按 gb18030 读取" in report.flags
    assert "\ufffd" not in report.body_md and "暖心驿站" in report.title


def test_a_repost_is_clustered_under_the_original_story(demo_crawl) -> None:
    reports = reports_by_path(demo_crawl["store"])
    original = reports["/qiaotou/art/2026/11/16/art_1001_3107.html"]
    repost = reports["/baisha/a/2026/1117/205.html"]
    assert (repost.relation, repost.story_id) == ("duplicate", original.story_id)
    from pipeline.ingest.reports import story_sources

    with demo_crawl["store"].begin() as conn:
        sources = story_sources(conn, original.story_id)
    assert [s["relation"] for s in sources] == ["origin", "duplicate"]


def test_failures_are_recorded_with_their_reason(demo_crawl) -> None:
    with demo_crawl["store"].begin() as conn:
        errors = {(row.stage, urlparse(row.item).path): row.reason for row in conn.execute(select(t.ingest_errors))}
    assert "这个来源不允许抓取该域名" in errors[("fetch", "/qiaotou/go/outside.html")]
    assert errors[("fetch", "/baisha/a/2026/1101/missing.html")] == "网页抓取失败：HTTP 404"
    assert "已损坏" in errors[("image", "/qingshi/images/2026/zhulin.jpg")]
    report = reports_by_path(demo_crawl["store"])["/qingshi/art/2026/zhuyuan-zhulin-dongguan.html"]
    assert any(flag.startswith("图片已跳过：") for flag in report.flags)  # the report itself is kept


def test_robots_txt_is_obeyed(demo_crawl) -> None:
    fetched = [path for _, path, _ in demo_crawl["first_log"]]
    assert "/robots.txt" in fetched
    assert "/qiaotou/admin/secret.html" not in fetched


def test_photos_are_downloaded_and_stored_with_the_report(demo_crawl) -> None:
    reports = [r for r in reports_by_path(demo_crawl["store"]).values() if r.images]
    assert len(reports) >= 4
    media = demo_crawl["newsroom"].media_dir
    for report in reports:
        for image in report.images:
            assert (media / image["sha256"][:2] / f"{image['sha256']}.{image['ext']}").exists()


def test_a_second_ingest_of_an_unchanged_site_fetches_only_lists_and_creates_nothing(demo_crawl) -> None:
    second = demo_crawl["second"]
    assert second.new_reports == 0 and second.duplicates == 0 and second.updated == 0
    requested = [(path, status) for _, path, status in demo_crawl["second_log"]]
    pages = {urlparse(url).path for url in reports_by_path(demo_crawl["store"])}
    assert not [path for path, _ in requested if path in pages], "article pages were fetched again"
    lists = {path for path, _ in requested if path != "/robots.txt"}
    assert lists >= {"/qiaotou/col/col1001/index.html", "/baisha/list_1.html", "/wechat/index.html",
                     "/feeds/qingshi.xml"}
    assert all(status == 304 for path, status in requested if path in lists)
    with demo_crawl["store"].begin() as conn:
        stored = conn.execute(select(t.raw_documents.c.id)).all()
    assert len(stored) == demo_crawl["first"].fetched  # nothing new stored either


def test_the_demo_site_pages_render_as_markdown_without_markup_from_the_source(demo_crawl) -> None:
    for report in reports_by_path(demo_crawl["store"]).values():
        assert "<" not in report.body_md or "&lt;" in report.body_md, report.url
        assert "上一篇" not in report.body_md and "版权所有" not in report.body_md, report.url


@pytest.fixture
def bad_site(tmp_path: Path):
    root = tmp_path / "site"
    shutil.copytree(BAD_SITE, root)
    (root / "news" / "huge.html").write_text("<html><body><h1>超大</h1>" + "<p>填充内容。</p>" * 40000 + "</body></html>",
                                             encoding="utf-8")
    noise = Image.effect_noise((800, 800), 90).convert("RGB")  # does not compress: a few hundred KB
    noise.save(root / "img" / "big.jpg", "JPEG", quality=95)
    with serve(root) as site:
        yield site


def bad_site_newsroom(root: Path, base: str, extra: str = "") -> Path:
    make_newsroom(root)
    with (root / "kitchen.toml").open("a", encoding="utf-8") as handle:
        handle.write(f'''
[crawl]
download_timeout = 2

[[sources]]
id = "test-site"
kind = "site"
station = "qiaotou"
start_urls = ["{base}/index.html"]
article_links = "css:ul.list li a"
delay_seconds = 0
max_page_bytes = 100000
max_image_bytes = 100000
timeout_seconds = 60
{extra}
[[sources]]
id = "test-feed"
kind = "feed"
station = "baisha"
url = "{base}/feed.xml"
delay_seconds = 0
''')
    return root


def test_bad_inputs_are_each_recorded_and_the_rest_goes_on(bad_site, tmp_path: Path) -> None:
    newsroom = load_newsroom(bad_site_newsroom(tmp_path / "newsroom", bad_site.base_url))
    store = open_store(newsroom)
    summary = ingest_all(newsroom, store, now=NOW)
    with store.begin() as conn:
        errors = {urlparse(row.item).path: (row.stage, row.reason, row.raw_document_id)
                  for row in conn.execute(select(t.ingest_errors))}
        reports = conn.execute(select(t.reports)).all()
    assert errors["/news/error500.html"][:2] == ("fetch", "网页抓取失败：HTTP 500")
    assert bad_site.fetched().count("/news/error500.html") == 3  # tried, then retried twice
    assert errors["/news/huge.html"][0] == "fetch" and "超过大小上限" in errors["/news/huge.html"][1]
    assert errors["/news/slow.html"][:2] == ("fetch", "网页抓取失败：超时（已重试）")
    assert errors["/img/big.jpg"][0] == "fetch" and "图片抓取失败：超过大小上限" in errors["/img/big.jpg"][1]
    big = next(r for r in reports if r.title == "测试镇举办摄影展")
    assert big.images == [] and any("图片没有下载到" in flag for flag in big.flags)  # the report is kept
    deleted, verify, empty = errors["/news/deleted.html"], errors["/news/verify.html"], errors["/news/empty.html"]
    assert deleted[0] == "extract" and "已被发布者删除" in deleted[1] and deleted[2] is not None
    assert verify[0] == "extract" and "验证页面" in verify[1]
    assert empty[0] == "extract" and "文章正文是空的" in empty[1]
    assert "/news/1.html" not in bad_site.fetched()  # a link to another domain is not followed
    assert "订阅源不是格式正确的 XML" in errors["/feed.xml"][1]  # the bare & …
    titles = {report.title for report in reports}
    assert "测试镇开展冬季义诊活动" in titles  # … and the good page still came in,
    assert "只在订阅里的消息" in titles  # so did the feed's entries (one only in the feed)
    feed_only = next(r for r in reports if r.title == "只在订阅里的消息")
    assert feed_only.date_source == "feed" and feed_only.station_id == "baisha"
    assert summary.by_source["test-site"].failed >= 5


def test_a_crawl_that_runs_too_long_is_stopped_and_keeps_what_it_fetched(bad_site, tmp_path: Path) -> None:
    root = bad_site_newsroom(tmp_path / "newsroom", bad_site.base_url)
    text = (root / "kitchen.toml").read_text(encoding="utf-8").replace("timeout_seconds = 60", "timeout_seconds = 4")
    (root / "kitchen.toml").write_text(text, encoding="utf-8")
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    summary = ingest_all(newsroom, store, now=NOW, only="test-site")
    (source, reason), = summary.source_errors
    assert source == "test-site" and "抓取进行了 4 秒后被停止" in reason
    with store.begin() as conn:
        titles = [row.title for row in conn.execute(select(t.reports.c.title))]
    assert "测试镇开展冬季义诊活动" in titles



def test_kitchen_ingest_prints_a_table_per_source_and_errors_lists_failures(bad_site, tmp_path: Path) -> None:
    from tests.conftest import Kitchen

    root = bad_site_newsroom(tmp_path / "newsroom", bad_site.base_url)
    text = (root / "kitchen.toml").read_text(encoding="utf-8").replace("timeout_seconds = 60", "timeout_seconds = 60\nmax_pages = 4")
    (root / "kitchen.toml").write_text(text, encoding="utf-8")
    kitchen = Kitchen(root)
    output = kitchen("ingest", "--source", "test-feed")
    assert re.search(r"来源\s+抓取\s+新稿\s+更新\s+重复\s+失败", output)
    assert re.search(r"test-feed\s+\d+\s+2\s+0\s+0\s+\d+", output)
    assert "用 kitchen errors 查看失败的内容和原因" in output
    listing = kitchen("errors")
    assert "test-feed" in listing and "订阅源不是格式正确的 XML" in listing


def test_wechat_article_urls_can_be_given_directly(tmp_path: Path) -> None:
    with serve(DEMO_SITE) as site:
        root = make_newsroom(tmp_path / "newsroom")
        shutil.copyfile(assets_dir() / "demo" / "stations.csv", root / "stations.csv")
        articles = sorted((DEMO_SITE / "wechat" / "s").glob("*.html"))[:2]
        urls = ", ".join(f'"{site.base_url}/wechat/s/{a.name}"' for a in articles)
        with (root / "kitchen.toml").open("a", encoding="utf-8") as handle:
            handle.write(f'''
[[sources]]
id = "wx"
kind = "wechat"
station = "qingshi"
start_urls = [{urls}]
article_links = "re:/wechat/s/[A-Za-z0-9_-]{{22}}[.]html$"
delay_seconds = 0
''')
        newsroom = load_newsroom(root)
        summary = ingest_all(newsroom, open_store(newsroom), now=NOW)
    assert summary.by_source["wx"].new_reports == 2
    assert "/wechat/index.html" not in site.fetched()


def single_page_newsroom(root: Path, base: str, extra: str = "") -> Path:
    make_newsroom(root)
    with (root / "kitchen.toml").open("a", encoding="utf-8") as handle:
        handle.write(f'''
[[sources]]
id = "one"
kind = "site"
start_urls = ["{base}/index.html"]
article_links = "re:/news/good[.]html$"
delay_seconds = 0
{extra}
''')
    return root


def test_pages_can_be_rechecked_for_changes_when_asked(bad_site, tmp_path: Path) -> None:
    import time

    root = single_page_newsroom(tmp_path / "newsroom", bad_site.base_url, 'station = "qiaotou"\nrecheck_days = 0.00001')
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    assert ingest_all(newsroom, store, now=NOW).new_reports == 1
    time.sleep(1.2)
    bad_site.clear()
    second = ingest_all(newsroom, store, now=NOW)
    assert ("GET", "/news/good.html", 304) in bad_site.log and second.updated == 0  # unchanged: a 304
    page = bad_site.root / "news" / "good.html"
    page.write_text(page.read_text(encoding="utf-8").replace("120余名", "150余名"), encoding="utf-8")
    time.sleep(1.2)
    third = ingest_all(newsroom, store, now=NOW)
    assert third.updated == 1
    with store.begin() as conn:
        latest = conn.execute(select(t.revisions.c.body_md).order_by(t.revisions.c.id.desc())).scalar()
    assert "150余名" in latest  # nobody had edited the draft, so it follows the page


def test_failed_pages_are_extracted_again_once_the_source_is_fixed(bad_site, tmp_path: Path) -> None:
    from tests.conftest import Kitchen

    root = single_page_newsroom(tmp_path / "newsroom", bad_site.base_url)  # no station, and the page names none
    kitchen = Kitchen(root)
    assert "没有站点" in kitchen("ingest", expect=0)
    text = (root / "kitchen.toml").read_text(encoding="utf-8").replace('id = "one"', 'id = "one"\nstation = "qiaotou"')
    (root / "kitchen.toml").write_text(text, encoding="utf-8")
    assert "新稿 0 篇" in kitchen("ingest")  # the page is not fetched again…
    output = kitchen("ingest", "--retry-failed")  # …but its stored copy can be extracted again
    assert "1 个抽取失败的网页将重新抽取" in output and "新稿 1 篇" in output
    # the page came in: its extraction error is resolved, listed only in the history
    assert "没有未解决的采集错误" in kitchen("errors")
    history = kitchen("errors", "--all")
    assert "没有站点" in history and "已解决" in history
