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


# ---- a station site configured with list selectors only: the article's photos ---------------------

def png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes that declare `width`×`height` pixels: a decompression bomb's header."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * (width * 3 + 1) * 4)) + chunk(b"IEND", b""))


STATION_PHOTOS = {"harvest.jpg": "orange", "stalls.png": "green", "dance.jpg": "purple", "market.jpg": "teal"}


@pytest.fixture(scope="module")
def station_crawl(tmp_path_factory: pytest.TempPathFactory):
    """The fixture site's station (`station/`: list selectors only, no field rules) crawled once,
    with its photos made here: four good ones, a PNG bomb, a corrupt JPEG, a 12-pixel icon and
    one too heavy for the source's cap (one more sits on another site)."""
    tmp = tmp_path_factory.mktemp("station")
    root = tmp / "site"
    shutil.copytree(BAD_SITE, root)
    img = root / "station" / "img"
    img.mkdir()
    for name, colour in STATION_PHOTOS.items():
        Image.new("RGB", (640, 480), colour).save(img / name)
    (img / "bomb.png").write_bytes(png_declaring(20000, 20000))  # 400 megapixels
    good = (img / "market.jpg").read_bytes()
    (img / "broken.jpg").write_bytes(good[:len(good) // 2])
    Image.new("RGB", (12, 12), "red").save(img / "dot.jpg")
    Image.effect_noise((800, 800), 90).convert("RGB").save(img / "heavy.jpg", quality=95)
    with serve(root) as site:
        newsroom_root = make_newsroom(tmp / "newsroom")
        with (newsroom_root / "kitchen.toml").open("a", encoding="utf-8") as handle:
            handle.write(f'''
[[sources]]
id = "station-site"
kind = "site"
station = "baisha"
start_urls = ["{site.base_url}/station/index.html"]
article_links = "css:div.column div.item a"
delay_seconds = 0
max_image_bytes = 100000
''')
        newsroom = load_newsroom(newsroom_root)
        store = open_store(newsroom)
        summary = ingest_all(newsroom, store, now=NOW)
        yield {"root": newsroom_root, "store": store, "summary": summary, "img": img, "base": site.base_url}


def station_report(crawl, title: str):
    with crawl["store"].begin() as conn:
        return conn.execute(select(t.reports).where(t.reports.c.title == title)).one()


def test_a_list_selectors_only_station_gets_every_photo_in_reading_order_with_its_caption(station_crawl) -> None:
    import hashlib

    report = station_report(station_crawl, "白沙镇举办农民丰收节")
    digest = {hashlib.sha256((station_crawl["img"] / name).read_bytes()).hexdigest(): name for name in STATION_PHOTOS}
    got = [(digest.get(image["sha256"]), image["caption"]) for image in report.images]
    assert got == [("harvest.jpg", "村民展示丰收的稻谷"),  # lazy data-src; the caption line under it
                   ("stalls.png", ""),  # data-original, in a <div> of its own
                   ("dance.jpg", "文艺志愿者表演舞蹈")]  # a <figure> with its <figcaption>
    assert report.flags == []
    # the captions travel with their photos; every sentence of the story is still there
    assert "村民展示丰收的稻谷" not in report.body_md and "文艺志愿者表演舞蹈" not in report.body_md
    assert "300余名群众" in report.body_md and "发放资料200余份" in report.body_md


def test_every_refused_photo_is_named_with_its_reason_on_the_report_and_in_kitchen_errors(station_crawl) -> None:
    import hashlib

    from tests.conftest import Kitchen

    report = station_report(station_crawl, "新桥村开展便民集市活动")
    market = (station_crawl["img"] / "market.jpg").read_bytes()
    assert [image["sha256"] for image in report.images] == [hashlib.sha256(market).hexdigest()]  # the one good photo
    flags = "\n".join(report.flags)
    expected = {
        "bomb.png": "解压炸弹", "broken.jpg": "已损坏", "dot.jpg": "12×12 像素",
        "cdn.elsewhere.example.com": "不允许从那里下载", "heavy.jpg": "超过大小上限（有 642 KB，上限 97 KB）",
    }
    assert len(report.flags) == len(expected)
    for name, reason in expected.items():
        assert any(name in flag and reason in flag for flag in report.flags), (name, flags)
    with station_crawl["store"].begin() as conn:
        from pipeline.stories import recent_ingest_errors

        errors = {(row.item.rsplit("/", 1)[-1], row.stage): row.reason for row in recent_ingest_errors(conn)}
    assert "解压炸弹" in errors[("bomb.png", "image")] and "已损坏" in errors[("broken.jpg", "image")]
    assert "短边不到 100 像素" in errors[("dot.jpg", "image")]
    assert "cdn.elsewhere.example.com" in errors[("2.jpg", "image")]
    assert "超过大小上限" in errors[("heavy.jpg", "fetch")]
    listing = Kitchen(station_crawl["root"])("errors")
    for name in ("bomb.png", "broken.jpg", "dot.jpg", "market/2.jpg", "heavy.jpg"):
        assert name in listing


def test_extracting_again_does_not_list_a_refused_photo_twice(station_crawl) -> None:
    from pipeline.stories import list_ingest_errors

    store = station_crawl["store"]
    with store.begin() as conn:
        before = len(list_ingest_errors(conn))
        conn.execute(t.raw_documents.update().where(t.raw_documents.c.kind == "page").values(processed_at=None))
    ingest_all(load_newsroom(station_crawl["root"]), store, now=NOW, only="station-site")
    with store.begin() as conn:
        assert len(list_ingest_errors(conn)) == before


def test_the_body_photos_are_read_from_the_page_not_from_what_the_generic_extractor_kept() -> None:
    from pipeline.ingest.extract import extract_article

    page = """<html><head><title>新桥村举办广场舞比赛_白沙镇</title></head><body>
    <div class="logo"><img src="/img/banner.jpg"></div>
    <h1>新桥村举办广场舞比赛</h1><div class="info">发布时间：2026-11-24 09:00</div>
    <div class="text">
    <p>11月24日，新桥村新时代文明实践站举办广场舞比赛，全村8支队伍、120余名村民参加比赛。</p>
    <div><img src="/img/grey.gif" data-original="/img/a.jpg"></div>
    <p style="text-align:center">图为比赛现场</p>
    <p>比赛设一等奖一名、二等奖两名，参赛队伍精心编排节目，展现了村民积极向上的精神风貌。</p>
    <p><img src="data:image/gif;base64,R0lGOD"><img data-src="/img/b.jpg"></p>
    <p><strong>一、赛后交流</strong></p>
    <p>比赛结束后，各队伍交流了编排经验，大家表示明年还要参加，把广场舞跳得更好更精彩。</p>
    <div class="related"><p>相关阅读</p><img src="/img/other-story.jpg"></div>
    </div></body></html>"""
    article = extract_article(page, "http://site.example.cn/art/1.html")
    assert article.images == ["http://site.example.cn/img/a.jpg", "http://site.example.cn/img/b.jpg"]
    assert article.captions == {"http://site.example.cn/img/a.jpg": "图为比赛现场"}  # not the bold subheading


def test_the_desks_inbox_shows_every_refused_photo_with_its_reason(station_crawl) -> None:
    from fastapi.testclient import TestClient

    from pipeline.desk.app import create_app
    from pipeline.desk.users import add_user
    from pipeline.timeutil import utcnow
    from tests.test_desk import log_in

    with station_crawl["store"].begin() as conn:
        add_user(conn, "wang", "editor", "correct horse battery", utcnow())
    client = TestClient(create_app(station_crawl["root"]), follow_redirects=False)
    log_in(client, "wang", "correct horse battery")
    inbox = client.get("/").text
    for shown in ("bomb.png", "解压炸弹", "broken.jpg", "已损坏", "dot.jpg", "cdn.elsewhere.example.com", "heavy.jpg"):
        assert shown in inbox, shown
