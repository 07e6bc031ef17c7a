"""The web and rss channels: the static site and its feeds, built from what the ledger says is
live, switched in atomically, incremental, and read back by a real feed parser."""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import feedparser
import lxml.html
import pytest
from lxml import etree
from PIL import Image

from pipeline.config import load_newsroom
from pipeline.ingest import ingest_all
from pipeline.live import slugify
from pipeline.model import StoryDraft
from pipeline.render.site import build_site, rollback
from pipeline.schedule import publish_due
from pipeline.store import open_store
from pipeline.stories import Actor, create_story, snapshot
from pipeline.workflow import perform
from tests.conftest import NOW, make_newsroom, replace_in_config, write_report

EDITOR, CHIEF = Actor("王编辑", "editor"), Actor("李主任", "chief")
CHANNELS = '["web", "rss"]'


def gps_photo(path: Path) -> Path:
    """A phone photo: rotated by EXIF, with a GPS position in its metadata."""
    image = Image.new("RGB", (640, 480), "#aa3333")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (32.0, 0.0, 0.0)  # GPSLatitude
    image.save(path, "JPEG", exif=exif)
    return path


@pytest.fixture
def site(tmp_path: Path):
    root = make_newsroom(tmp_path / "newsroom", channels=CHANNELS)
    gps_photo(root / "inbox" / "photo.jpg")
    write_report(root, "a.md", title="东村开展板凳课堂理论宣讲", date="2026-11-20 09:30",
                 extra="author: 王丽\nimages:\n  - file: photo.jpg\n    caption: 宣讲现场\n")
    write_report(root, "b.md", title="新桥村志愿者清扫河道", station="baisha-xinqiao", date="2026-11-21 08:00",
                 body="新桥村30名志愿者沿河清理垃圾，还向村民宣传护河知识。")
    write_report(root, "c.md", title="东村举办移风易俗宣讲", date="2026-11-22 10:00",
                 body="东村红白理事会向村民宣讲婚事新办、丧事简办。")
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    ids = ingest_all(newsroom, store, now=NOW).story_ids
    return newsroom, store, ids


def approve(newsroom, store, story_id, at=None, channels=None):
    with store.begin() as conn:
        perform(conn, newsroom, story_id, "approve", EDITOR, NOW, at=at, channels=channels)


def live(newsroom) -> Path:
    return newsroom.root / "site" / "live"


def tree(folder: Path) -> dict[str, str]:
    found = {}
    for dirpath, _dirs, files in os.walk(folder, followlinks=True):
        for name in files:
            path = Path(dirpath) / name
            if name != ".manifest.json":
                found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def test_pinyin_slugs_are_ascii() -> None:
    assert slugify("东村开展“板凳课堂”理论宣讲") == "dong-cun-kai-zhan-ban-deng-ke-tang-li-lun-xuan-jiang"
    assert slugify("2026年“村晚”ABC") == "2026-nian-cun-wan-abc"


def test_published_stories_get_pages_archives_and_feeds(site) -> None:
    newsroom, store, (a, b, c) = site
    for story_id in (a, b, c):
        approve(newsroom, store, story_id)
    assert publish_due(newsroom, store, now=NOW).published == 6
    root = live(newsroom)
    with store.begin() as conn:
        created = snapshot(conn, a).story.created_at
    article = root / f"{created:%Y}/{created:%m}/{a}-dong-cun-kai-zhan-ban-deng-ke-tang-li-lun-xuan-jiang/index.html"
    html = article.read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in html and "东村开展板凳课堂理论宣讲" in html and "60余名村民参加" in html
    assert 'rel="canonical"' in html and "https://news.test.example.cn/" in html and 'property="og:image"' in html
    assert 'srcset="/media/' in html
    for page in ("index.html", "stations/qiaotou-dongcun/index.html", "stations/qiaotou/index.html",
                 "stations/index.html", "map/index.html", "map/stations.geojson", "themes/xuanjiang/index.html",
                 "404.html", "robots.txt", "sitemap.xml", "feed.xml", "atom.xml",
                 "stations/qiaotou/feed.xml", "themes/xuanjiang/atom.xml", "static/site.css"):
        assert (root / page).is_file(), page
    home = (root / "index.html").read_text(encoding="utf-8")
    assert home.index("东村举办移风易俗宣讲") < home.index("新桥村志愿者清扫河道") < home.index("东村开展板凳课堂")
    institute = (root / "stations/qiaotou/index.html").read_text(encoding="utf-8")
    assert "东村开展板凳课堂" in institute and "新桥村" not in institute  # a station's stories show at its institute
    geojson = json.loads((root / "map/stations.geojson").read_text(encoding="utf-8"))
    assert len(geojson["features"]) == 6 and geojson["features"][0]["geometry"]["type"] == "Point"
    assert "<svg" in (root / "map/index.html").read_text(encoding="utf-8")


def test_photos_are_upright_resized_and_stripped_of_their_metadata(site) -> None:
    newsroom, store, (a, _, _) = site
    approve(newsroom, store, a, channels=["web"])
    publish_due(newsroom, store, now=NOW)
    photos = sorted((live(newsroom) / "media").glob("*/*.jpg"))
    assert photos
    for path in photos:
        with Image.open(path) as image:
            assert image.height > image.width  # the EXIF rotation was applied
            assert not image.getexif()  # and the metadata (GPS, maker) is gone
            assert b"PhoneMaker" not in path.read_bytes()


def test_feeds_parse_cleanly_and_round_trip(site) -> None:
    newsroom, store, (a, b, c) = site
    for story_id in (a, b, c):
        approve(newsroom, store, story_id)
    publish_due(newsroom, store, now=NOW)
    for name in ("feed.xml", "atom.xml", "stations/qiaotou/feed.xml", "themes/xuanjiang/atom.xml"):
        parsed = feedparser.parse((live(newsroom) / name).read_bytes())
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
    atom_xml = (live(newsroom) / "atom.xml").read_text(encoding="utf-8")
    assert atom_xml.count('<content type="html">') == 3 and "CDATA" not in atom_xml
    rss = feedparser.parse((live(newsroom) / "feed.xml").read_bytes())
    atom = feedparser.parse((live(newsroom) / "atom.xml").read_bytes())
    assert [e.title for e in rss.entries] == ["东村举办移风易俗宣讲", "新桥村志愿者清扫河道", "东村开展板凳课堂理论宣讲"]
    assert [e.id for e in rss.entries] == [e.id for e in atom.entries]
    first = next(e for e in rss.entries if e.title == "东村开展板凳课堂理论宣讲")
    assert first.id == f"urn:kitchen:news.test.example.cn:story:{a}" and first.guidislink is False
    assert first.published == "Sun, 29 Nov 2026 10:00:00 +0800"  # when it went out, not the activity's date
    assert first.enclosures[0].type == "image/jpeg" and first.enclosures[0].href.startswith("https://news.test.example.cn/media/")
    assert "60余名村民参加" in first.content[0].value and 'src="https://news.test.example.cn/media/' in first.content[0].value
    assert first.summary.startswith("11月20日上午")
    atom_first = next(e for e in atom.entries if e.title == "东村开展板凳课堂理论宣讲")
    assert "60余名村民参加" in atom_first.content[0].value  # description() did not overwrite the content
    assert {link.rel for link in atom_first.links} == {"alternate", "enclosure"}
    assert rss.feed.link == "https://news.test.example.cn/"  # the channel's <link> is the site, not the feed
    assert any(link.rel == "self" and link.href == "https://news.test.example.cn/feed.xml" for link in rss.feed.links)


def test_feeds_are_deterministic_and_dated_by_their_newest_story(site) -> None:
    newsroom, store, (a, _, _) = site
    approve(newsroom, store, a)
    publish_due(newsroom, store, now=NOW)
    first = (live(newsroom) / "feed.xml").read_bytes()
    with store.read() as conn:
        build_site(newsroom, conn, full=True)
    assert (live(newsroom) / "feed.xml").read_bytes() == first  # no "now" anywhere
    parsed = feedparser.parse(first)
    with store.begin() as conn:
        revision_time = snapshot(conn, a).revision.created_at
    assert parsed.feed.updated_parsed[:6] == revision_time.utctimetuple()[:6]
    empty = feedparser.parse((live(newsroom) / "themes/jiankang/feed.xml").read_bytes())
    assert empty.bozo == 0 and empty.entries == [] and empty.feed.updated_parsed[:6] == revision_time.utctimetuple()[:6]


def test_a_scheduled_story_appears_nowhere_before_its_time(site) -> None:
    newsroom, store, (a, b, _) = site
    approve(newsroom, store, a)
    approve(newsroom, store, b, at=NOW + timedelta(days=1))
    publish_due(newsroom, store, now=NOW)
    files = tree(live(newsroom))
    assert not any(f"/{b}-" in path or path.startswith(f"{b}-") for path in files)
    everything = b"".join((live(newsroom) / path).read_bytes() for path in files)
    assert "新桥村志愿者清扫河道".encode() not in everything
    publish_due(newsroom, store, now=NOW + timedelta(days=1))
    assert "新桥村志愿者清扫河道" in (live(newsroom) / "index.html").read_text(encoding="utf-8")


def test_kill_removes_the_story_from_every_page_and_feed(site) -> None:
    newsroom, store, (a, b, _) = site
    approve(newsroom, store, a)
    approve(newsroom, store, b)
    publish_due(newsroom, store, now=NOW)
    with store.begin() as conn:
        perform(conn, newsroom, a, "kill", CHIEF, NOW, note="信息有误")
    assert publish_due(newsroom, store, now=NOW).retracted == 2
    files = tree(live(newsroom))
    everything = b"".join((live(newsroom) / path).read_bytes() for path in files)
    assert "东村开展板凳课堂理论宣讲".encode() not in everything
    assert not any(f"/{a}-" in path for path in files)
    assert "新桥村志愿者清扫河道" in (live(newsroom) / "index.html").read_text(encoding="utf-8")


def test_a_correction_keeps_the_address_shows_a_note_and_updates_the_feed_entry(site) -> None:
    newsroom, store, (a, _, _) = site
    approve(newsroom, store, a)
    publish_due(newsroom, store, now=NOW)
    before = {path for path in tree(live(newsroom)) if f"/{a}-" in path}
    with store.begin() as conn:
        content = snapshot(conn, a).revision.content
        perform(conn, newsroom, a, "correct", CHIEF, NOW + timedelta(hours=2), note="参加人数应为80余名",
                draft=replace(content, title="东村“板凳课堂”讲到村民心坎上", body_md=content.body_md.replace("60余名", "80余名")))
    publish_due(newsroom, store, now=NOW + timedelta(hours=2))
    after = {path for path in tree(live(newsroom)) if f"/{a}-" in path}
    assert before == after  # the URL did not follow the title
    page = (live(newsroom) / next(iter(after))).read_text(encoding="utf-8")
    assert "更正" in page and "参加人数应为80余名" in page and "东村“板凳课堂”讲到村民心坎上" in page
    entries = feedparser.parse((live(newsroom) / "feed.xml").read_bytes()).entries
    assert len(entries) == 1 and entries[0].id.endswith(f"story:{a}") and entries[0].title == "东村“板凳课堂”讲到村民心坎上"
    assert "更正" in entries[0].content[0].value


def test_an_incremental_build_writes_only_what_changed_and_equals_a_full_build(site) -> None:
    newsroom, store, (a, b, c) = site
    approve(newsroom, store, a)
    approve(newsroom, store, b)
    publish_due(newsroom, store, now=NOW)
    approve(newsroom, store, c)
    publish_due(newsroom, store, now=NOW)
    incremental = tree(live(newsroom))
    with store.read() as conn:
        result = build_site(newsroom, conn, {"web": {}}, full=False)
    assert result.written == []  # nothing changed, nothing written
    with store.read() as conn:
        full = build_site(newsroom, conn, full=True)
    assert tree(live(newsroom)) == incremental
    assert len(full.written) > 50


def test_a_new_story_rewrites_only_the_pages_that_show_it(site) -> None:
    newsroom, store, (a, b, c) = site
    approve(newsroom, store, a, channels=["web"])
    approve(newsroom, store, b, channels=["web"])
    publish_due(newsroom, store, now=NOW)
    with store.read() as conn:
        result = build_site(newsroom, conn, {"web": {c: 1}})
    written = set(result.written)
    with store.begin() as conn:
        created = snapshot(conn, c).story.created_at
    assert f"/{created:%Y}/{created:%m}/{c}-dong-cun-ju-ban-yi-feng-yi-su-xuan-jiang/index.html" in written
    assert "/index.html" in written and "/stations/qiaotou-dongcun/index.html" in written
    assert not any(path.startswith("/stations/baisha") for path in written)  # another township's pages
    assert not any(f"/{a}-" in path or f"/{b}-" in path for path in written)  # other articles


def test_builds_switch_atomically_and_roll_back(site) -> None:
    newsroom, store, (a, b, _) = site
    approve(newsroom, store, a, channels=["web"])
    publish_due(newsroom, store, now=NOW)
    first = live(newsroom).resolve()
    approve(newsroom, store, b, channels=["web"])
    publish_due(newsroom, store, now=NOW)
    second = live(newsroom).resolve()
    assert first != second and live(newsroom).is_symlink()
    assert "新桥村志愿者清扫河道" in (second / "index.html").read_text(encoding="utf-8")
    assert rollback(newsroom) == first
    assert "新桥村志愿者清扫河道" not in (live(newsroom) / "index.html").read_text(encoding="utf-8")
    # the file a reader had open keeps its content: builds never change files of another build
    assert (first / "index.html").stat().st_ino != (second / "index.html").stat().st_ino


def test_only_the_last_builds_are_kept(site) -> None:
    newsroom, store, _ = site
    for _ in range(8):
        with store.read() as conn:
            build_site(newsroom, conn, full=True)
    builds = newsroom.root / "site" / "builds"
    assert sorted(p.name for p in builds.iterdir() if p.is_dir()) == [f"{n:06d}" for n in range(4, 9)]
    assert all((builds / f"{n:06d}.json").exists() for n in range(4, 9))  # each build's manifest beside it


def test_a_half_made_build_is_never_switched_to_and_is_cleared_away(site) -> None:
    newsroom, store, _ = site
    with store.read() as conn:
        build_site(newsroom, conn, full=True)
        build_site(newsroom, conn, full=True)
    builds = newsroom.root / "site" / "builds"
    (builds / ".tmp-build-crashed").mkdir()  # a build a crash interrupted
    # an older build whose chunk was lost is not a build to go back to
    broken = builds / "000001"
    link = next(p for p in broken.rglob("*") if p.is_symlink())
    link.unlink()
    link.symlink_to(newsroom.root / "site" / "chunks" / "gone")
    with pytest.raises(LookupError, match="没有更早的完整网站版本"):
        rollback(newsroom)
    assert live(newsroom).resolve().name == "000002"
    with store.read() as conn:
        result = build_site(newsroom, conn)
    assert result.build == "000003" and not (builds / ".tmp-build-crashed").exists()


def test_site_images_keep_only_pixels() -> None:
    from pipeline.render.images import _encode

    data = _encode(Image.new("RGB", (100, 50), "red"), 80)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (80, 40) and not image.getexif()


def test_a_crash_between_delivery_and_build_is_repaired_by_the_next_run(site) -> None:
    import subprocess
    import sys

    newsroom, store, (a, _, _) = site
    approve(newsroom, store, a, channels=["web"])
    env = {**os.environ, "KITCHEN_CRASH_AT": "schedule.done:1"}
    killed = subprocess.run([sys.executable, "-m", "pipeline.cli", "--newsroom", str(newsroom.root), "publish"],
                            env=env, capture_output=True)
    assert killed.returncode == -9
    assert not live(newsroom).exists()  # the row is done, but the build never ran
    again = subprocess.run([sys.executable, "-m", "pipeline.cli", "--newsroom", str(newsroom.root), "publish"],
                           capture_output=True, text=True)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "发布0条" in again.stdout and "网站已更新" in again.stdout
    assert "东村开展板凳课堂理论宣讲" in (live(newsroom) / "index.html").read_text(encoding="utf-8")


def test_feedgen_refuses_naive_times_and_the_wrapper_never_passes_them() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from feedgen.feed import FeedGenerator

    from pipeline.render.site.feeds import Feed, FeedItem, render_rss

    with pytest.raises(ValueError):
        FeedGenerator().lastBuildDate(datetime(2026, 11, 20, 9, 30))  # the pitfall itself
    tz = ZoneInfo("Asia/Shanghai")
    moment = datetime(2026, 11, 20, 9, 30, tzinfo=tz)
    feed = Feed(id="urn:x", title="t", link="https://x.example.cn/", description="d", language="zh-CN",
                rss_url="https://x.example.cn/feed.xml", atom_url="https://x.example.cn/atom.xml",
                items=(FeedItem("urn:1", "标题", "https://x.example.cn/1/", "摘要", "<p>正文</p>", moment, moment),))
    assert b"Fri, 20 Nov 2026 09:30:00 +0800" in render_rss(feed, tz, moment)


def test_the_web_commands(site) -> None:
    from tests.conftest import Kitchen

    newsroom, store, (a, _, _) = site
    approve(newsroom, store, a, channels=["web"])
    kitchen = Kitchen(newsroom.root)
    assert "网站已更新" in kitchen("publish")
    output = kitchen("web", "build", "--full")
    assert "✓ 第 000002 版网站：写入" in output
    assert "在线" in kitchen("web", "status")
    assert "网站已退回第 000001 版" in kitchen("web", "rollback")


def test_a_shared_photo_keeps_each_storys_caption(site) -> None:
    newsroom, store, (a, _, _) = site
    gps_photo(newsroom.root / "inbox" / "photo.jpg")  # the same photo again (the first went to _done)
    write_report(newsroom.root, "d.md", title="东村文艺队排练新节目", date="2026-11-23 15:00",
                 body="东村文艺队在文明实践站排练快板新节目，准备元旦演出。", extra="images:\n  - file: photo.jpg\n    caption: 排练间隙\n")
    (d,) = ingest_all(newsroom, store, now=NOW).story_ids
    with store.read() as conn:
        assert snapshot(conn, a).revision.content.images[0].sha256 == snapshot(conn, d).revision.content.images[0].sha256
    approve(newsroom, store, a, channels=["web"])
    approve(newsroom, store, d, channels=["web"])
    publish_due(newsroom, store, now=NOW)
    pages = {path: (live(newsroom) / path).read_text(encoding="utf-8") for path in tree(live(newsroom))
             if path.endswith("index.html") and (f"/{a}-" in path or f"/{d}-" in path)}
    page_a = next(text for path, text in pages.items() if f"/{a}-" in path)
    page_d = next(text for path, text in pages.items() if f"/{d}-" in path)
    assert "宣讲现场" in page_a and "排练间隙" not in page_a
    assert "排练间隙" in page_d and "宣讲现场" not in page_d


def test_a_correction_reaches_the_map(site) -> None:
    newsroom, store, (a, _, _) = site
    approve(newsroom, store, a, channels=["web"])
    publish_due(newsroom, store, now=NOW)
    with store.begin() as conn:
        content = snapshot(conn, a).revision.content
        perform(conn, newsroom, a, "correct", CHIEF, NOW, note="标题有误", draft=replace(content, title="东村板凳课堂开讲"))
    publish_due(newsroom, store, now=NOW)
    for name in ("map/index.html", "map/stations.geojson"):
        text = (live(newsroom) / name).read_text(encoding="utf-8")
        assert "东村板凳课堂开讲" in text and "东村开展板凳课堂理论宣讲" not in text, name


def test_a_story_only_in_the_feeds_links_to_the_home_page(site) -> None:
    newsroom, store, (a, _, _) = site
    approve(newsroom, store, a, channels=["rss"])
    publish_due(newsroom, store, now=NOW)
    (entry,) = feedparser.parse((live(newsroom) / "feed.xml").read_bytes()).entries
    assert entry.link == newsroom.site.base_url.rstrip("/") + "/"
    assert not any(f"/{a}-" in path for path in tree(live(newsroom)))  # no page was made for it


def test_the_address_comes_from_the_title_it_is_published_with(site) -> None:
    newsroom, store, (a, _, _) = site
    with store.begin() as conn:
        content = snapshot(conn, a).revision.content
        perform(conn, newsroom, a, "edit", EDITOR, NOW, draft=replace(content, title="板凳课堂进东村"))
    approve(newsroom, store, a, channels=["web"])
    publish_due(newsroom, store, now=NOW)
    paths = [path for path in tree(live(newsroom)) if f"/{a}-" in path]
    assert paths and all(f"/{a}-ban-deng-ke-tang-jin-dong-cun/" in path for path in paths)


def test_slugs_end_on_a_whole_syllable() -> None:
    slug = slugify("东村新时代文明实践站组织志愿者开展垃圾分类宣传和河道清理活动受到村民欢迎", limit=30)
    assert len(slug) <= 30 and not slug.endswith("-")
    words = slugify("东村新时代文明实践站组织志愿者开展垃圾分类宣传和河道清理活动受到村民欢迎", limit=200).split("-")
    assert slug.split("-") == words[:len(slug.split("-"))]


def test_a_broken_template_is_reported_by_check_and_fails_the_publish_run(site) -> None:
    from tests.conftest import Kitchen

    newsroom, store, (a, _, _) = site
    kitchen = Kitchen(newsroom.root)
    assert "✓" in kitchen("check")
    override = newsroom.root / "templates" / "web" / "map.html"  # a page of the build, not of one story
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text('{% extends "web/base.html" %}\n{% block content %}\n{{ map.points }\n{% endblock %}\n',
                        encoding="utf-8")
    output = kitchen("check", expect=1)
    assert "未就绪：频道 web（网站）：" in output and "map.html 第 3 行有语法错误：" in output
    assert output.count("map.html 第 3 行有语法错误：") == 1  # rss shares the templates: said once
    approve(newsroom, store, a, channels=["web"])
    output = kitchen("publish", expect=1)
    assert "发布1条" in output and "网站：收尾失败" in output
    assert not live(newsroom).exists()  # nothing half built went live
    override.unlink()  # fixed: the next run builds what the failed one could not
    assert "网站已更新" in kitchen("publish")
    assert "东村开展板凳课堂理论宣讲" in (live(newsroom) / "index.html").read_text(encoding="utf-8")


def test_preview_serves_folders_at_their_slashed_address(site) -> None:
    import http.client

    from pipeline.sitehost import serve

    newsroom, store, (a, _, _) = site
    approve(newsroom, store, a, channels=["web"])
    publish_due(newsroom, store, now=NOW)
    with serve(live(newsroom), jail=newsroom.root / "site") as host:
        connection = http.client.HTTPConnection(host.base_url.removeprefix("http://"), timeout=10)
        connection.request("GET", "/stations?x=1")
        answer = connection.getresponse()
        answer.read()
        assert (answer.status, answer.getheader("Location")) == (301, "/stations/?x=1")
        connection.request("GET", "/stations/")
        answer = connection.getresponse()
        assert answer.status == 200 and "文明实践" in answer.read().decode("utf-8")


def test_a_second_rss_kind_channel_gets_the_feeds(tmp_path: Path) -> None:
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "feeds"]', extra_toml='[channels.feeds]\nkind = "rss"\n')
    write_report(root, "a.md")
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    (a,) = ingest_all(newsroom, store, now=NOW).story_ids
    approve(newsroom, store, a, channels=["feeds"])
    assert publish_due(newsroom, store, now=NOW).published == 1
    for name in ("feed.xml", "atom.xml", "stations/qiaotou/feed.xml"):
        (entry,) = feedparser.parse((live(newsroom) / name).read_bytes()).entries
        assert entry.title == "东村开展板凳课堂理论宣讲" and entry.id.endswith(f"story:{a}"), name
    home = (live(newsroom) / "index.html").read_text(encoding="utf-8")
    assert 'href="/feed.xml"' in home and "东村开展板凳课堂理论宣讲" not in home  # in the feeds only


def test_the_podcast_lists_only_the_packages_the_ledger_delivered(tmp_path: Path) -> None:
    import shutil
    from datetime import datetime


    root = make_newsroom(tmp_path / "newsroom", channels='["web", "loudspeaker"]')
    shutil.copyfile(Path(__file__).parents[1] / "assets" / "demo" / "stations.csv", root / "stations.csv")
    replace_in_config(root, "[channels.export]", '[channels.loudspeaker]\nengine = "none"\n\n[channels.export]')
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    evening = datetime(2026, 11, 29, 9, 0, tzinfo=NOW.tzinfo)  # 17:00 in Shanghai: the 18:00 packages are due
    assert publish_due(newsroom, store, now=evening).published == 4
    outbox = root / "outbox" / "loudspeaker"
    # a package folder no delivery made (copied there by hand; its row is still waiting for its time)
    shutil.copytree(outbox / "2026-11-29" / "evening" / "qiaotou", outbox / "2026-11-30" / "morning" / "qiaotou")
    for folder in (outbox / "2026-11-29" / "evening" / "qiaotou", outbox / "2026-11-30" / "morning" / "qiaotou"):
        assert (folder / "manifest.json").is_file()
        (folder / "audio.mp3").write_bytes(b"ID3" + bytes(2000))  # engine none makes no audio: stand-ins
    with store.read() as conn:
        build_site(newsroom, conn)
    broadcasts = live(newsroom) / "broadcasts"
    (episode,) = feedparser.parse((broadcasts / "podcast.xml").read_bytes()).entries
    assert episode.title.startswith("桥头镇 11月29日晚间广播")
    assert episode.id.endswith("broadcast:2026-11-29:evening:qiaotou")
    assert (broadcasts / "2026-11-29" / "evening" / "qiaotou.mp3").is_file()
    assert not (broadcasts / "2026-11-30").exists()


def test_report_html_never_reaches_the_rss_description_as_markup(tmp_path: Path) -> None:
    root = make_newsroom(tmp_path / "newsroom", channels=CHANNELS)
    write_report(root, "x.md", title="带脚本的报道", extra="summary: '<script>alert(1)</script><img src=x onerror=alert(2)>摘要'\n",
                 body="<script>alert(3)</script><img src=x onerror=alert(4)> 正文 <b onclick=alert(5)>粗</b>")
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    (story_id,) = ingest_all(newsroom, store, now=NOW).story_ids
    approve(newsroom, store, story_id)
    publish_due(newsroom, store, now=NOW)
    document = etree.fromstring((live(newsroom) / "feed.xml").read_bytes())
    descriptions = [item.findtext("description") for item in document.iter("item")]
    assert len(descriptions) == 1 and "摘要" in descriptions[0]
    shown = lxml.html.fragment_fromstring(descriptions[0], create_parent="div")  # as a feed reader reads it
    assert not list(shown.iter("script"))
    assert not [name for element in shown.iter() for name in element.attrib if name.lower().startswith("on")]
    assert "<script" in shown.text_content()  # the summary's words, shown as text


def test_text_stored_before_it_was_cleaned_cannot_stop_a_build(site) -> None:
    newsroom, store, (a, b, c) = site
    for story_id in (a, b):
        approve(newsroom, store, story_id)
    publish_due(newsroom, store, now=NOW)
    with store.begin() as conn:  # an old revision with control characters, already on the channels
        old = create_story(conn, StoryDraft(title="旧稿\x01\x08\x1b\x00", body_md="正文\x00\x1b[0m\n",
                                            station_id="qiaotou-dongcun", author="\x02王", summary="\x07摘要"),
                           EDITOR, NOW)
    with store.read() as conn:
        result = build_site(newsroom, conn, overrides={"web": {old: 1}, "rss": {old: 1}})
    assert result.left_out == {}
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((live(newsroom) / name).read_bytes())
        assert not parsed.bozo and parsed.entries[0].title == "旧稿"


# --- issue 13: readable township addresses, the broadcasts page, the podcast's owner, feed titles ---

def broadcasting_newsroom(root: Path, stories: int = 2, extra_toml: str = ""):
    """A newsroom on web, rss and the loudspeaker (the test stations: the center's township 城关镇
    has no institute), its stories published and the evening packages delivered, each with a
    stand-in audio file (engine none makes none), and the site built."""
    from datetime import datetime


    make_newsroom(root, channels='["web", "rss", "loudspeaker"]', extra_toml=extra_toml)
    replace_in_config(root, "[channels.export]", '[channels.loudspeaker]\nengine = "none"\n\n[channels.export]')
    gps_photo(root / "inbox" / "photo.jpg")
    places = ["qiaotou-dongcun", "baisha-xinqiao", "center", "qiaotou-dongcun-24h"]
    for n in range(stories):
        extra = "images:\n  - file: photo.jpg\n    caption: 活动现场\n" if n == 0 else ""
        write_report(root, f"r{n:02}.md", title=f"第{n + 1}场文明实践活动走进村居", station=places[n % len(places)],
                     date=f"2026-11-{1 + n:02d} 09:30", extra=extra)
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    ids = ingest_all(newsroom, store, now=NOW).story_ids
    for story_id in ids:
        approve(newsroom, store, story_id)
    publish_due(newsroom, store, now=NOW)
    with store.begin() as conn:  # a correction, so the feeds carry a note
        content = snapshot(conn, ids[0]).revision.content
        perform(conn, newsroom, ids[0], "correct", CHIEF, NOW, note="更正活动人数",
                draft=replace(content, body_md=content.body_md + "\n共60人参加。"))
    evening = datetime(2026, 11, 29, 9, 0, tzinfo=NOW.tzinfo)  # 17:00 in Shanghai: the 18:00 packages are due
    publish_due(newsroom, store, now=evening)
    for manifest in (root / "outbox" / "loudspeaker").rglob("manifest.json"):
        (manifest.parent / "audio.mp3").write_bytes(b"ID3" + bytes(2000))
    with store.read() as conn:
        build_site(newsroom, conn)
    return newsroom, store, ids


@pytest.fixture(scope="module")
def broadcasting(tmp_path_factory: pytest.TempPathFactory):
    return broadcasting_newsroom(tmp_path_factory.mktemp("broadcasting") / "newsroom")


def test_every_township_gets_a_readable_address_without_collisions() -> None:
    from pipeline.model import Station
    from pipeline.render.site.model import township_slugs

    def station(sid: str, level: str, township: str) -> Station:
        return Station(sid, sid, level, None, township, "", None, None)

    found = township_slugs([station("center", "center", "城关镇"), station("chengguan-x", "station", "城关镇"),
                            station("b-point", "point", "白沙镇"), station("a-point", "point", "白沙镇"),
                            station("qiaotou-dongcun", "station", "桥头镇"), station("qiaotou", "institute", "桥头镇")])
    # the institute where there is one; else the highest station, then the first id
    assert found == {"城关镇": "center", "白沙镇": "a-point", "桥头镇": "qiaotou"}
    assert len(set(found.values())) == len(found)


def test_the_centers_township_page_has_a_readable_address_and_the_old_one_redirects(site) -> None:
    newsroom, store, (a, b, c) = site
    approve(newsroom, store, a)
    publish_due(newsroom, store, now=NOW)
    townships = live(newsroom) / "townships"
    center = (townships / "center" / "index.html").read_text(encoding="utf-8")
    assert "<h1>城关镇</h1>" in center
    assert "<h1>桥头镇</h1>" in (townships / "qiaotou" / "index.html").read_text(encoding="utf-8")
    article = next((live(newsroom) / "2026" / "11").glob(f"{a}-*/index.html")).read_text(encoding="utf-8")
    assert 'href="/townships/qiaotou/"' in article
    # the address builds gave the center's township before, a hash of its name, still leads there
    old = hashlib.sha256("城关镇".encode()).hexdigest()[:10]
    moved = lxml.html.fromstring((townships / old / "index.html").read_bytes())
    assert moved.xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/townships/center/"]
    assert moved.xpath("//link[@rel='canonical']/@href") == ["https://news.test.example.cn/townships/center/"]
    assert moved.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert "城关镇" in moved.text_content() and "已更改" in moved.text_content()
    sections = (live(newsroom) / "sitemaps" / "sections.xml").read_text(encoding="utf-8")
    assert "/townships/center/" in sections and old not in sections


def test_the_broadcasts_page_lists_the_delivered_packages_with_players_and_the_podcast(broadcasting) -> None:
    newsroom, _, _ = broadcasting
    site_root = live(newsroom)
    page = lxml.html.fromstring((site_root / "broadcasts" / "index.html").read_bytes())
    assert page.xpath("string(//h1)") == "广播节目"
    assert [h.text_content() for h in page.xpath("//main//h2")] == ["11月29日（周日）"]
    assert [h.text_content() for h in page.xpath("//main//h3")] == ["晚间（18:00）"]
    sources = page.xpath("//audio/source/@src")
    assert sources == ["/broadcasts/2026-11-29/evening/baisha.mp3", "/broadcasts/2026-11-29/evening/qiaotou.mp3"]
    assert all((site_root / src.lstrip("/")).is_file() for src in sources)
    assert [s.text_content() for s in page.xpath("//ul[@class='episodes']//strong")] == ["白沙镇", "桥头镇"]
    assert "/broadcasts/podcast.xml" in page.xpath("//main//a/@href")
    # linked from every page's navigation and footer; the home page announces the podcast
    for path in ("index.html", "stations/index.html", "404.html", "townships/center/index.html"):
        shown = lxml.html.fromstring((site_root / path).read_bytes())
        assert shown.xpath("//nav[@class='site-nav']//a[@href='/broadcasts/']/text()") == ["广播节目"], path
        assert shown.xpath("//footer//a[@href='/broadcasts/podcast.xml']/text()") == ["订阅播客"], path
    home = lxml.html.fromstring((site_root / "index.html").read_bytes())
    assert home.xpath("//head/link[@rel='alternate' and @href='/broadcasts/podcast.xml']/@title") == [
        "测试县融媒体中心 · 农村大喇叭"]
    assert "https://news.test.example.cn/broadcasts/" in (site_root / "sitemaps" / "sections.xml").read_text()


def test_without_a_loudspeaker_channel_the_site_has_no_broadcasts(site) -> None:
    newsroom, store, (a, b, c) = site
    approve(newsroom, store, a)
    publish_due(newsroom, store, now=NOW)
    home = (live(newsroom) / "index.html").read_text(encoding="utf-8")
    assert "/broadcasts/" not in home and not (live(newsroom) / "broadcasts").exists()


def test_the_podcast_names_an_owner_only_when_the_newsroom_configured_one(tmp_path: Path) -> None:
    from pipeline.render.site.podcast import podcast_xml

    bare = load_newsroom(make_newsroom(tmp_path / "bare"))
    xml = podcast_xml(bare, [])
    assert b"itunes:owner" not in xml and b"itunes:email" not in xml and b"@" not in xml
    owned_root = make_newsroom(tmp_path / "owned")
    replace_in_config(owned_root, 'email = ""', 'email = "gb@qinglan.gov.cn"')
    owned = load_newsroom(owned_root)
    channel = etree.fromstring(podcast_xml(owned, [])).find("channel")
    itunes = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
    assert channel.findtext(f"{itunes}owner/{itunes}email") == "gb@qinglan.gov.cn"
    assert channel.findtext(f"{itunes}owner/{itunes}name") == "测试县融媒体中心"
    assert channel.findtext("title") == "测试县融媒体中心 · 农村大喇叭"


def test_the_rss_channel_has_no_settings_of_its_own(tmp_path: Path) -> None:
    from pipeline.config import ConfigError

    root = make_newsroom(tmp_path / "newsroom", extra_toml='[channels.rss]\npodcast_email = "gb@qinglan.gov.cn"\n')
    with pytest.raises(ConfigError) as refused:
        load_newsroom(root)
    assert "podcast_email" in str(refused.value) and "未知设置" in str(refused.value)


def test_feed_titles_carry_the_sites_name(site) -> None:
    newsroom, store, (a, b, c) = site
    for story_id in (a, b):
        approve(newsroom, store, story_id)
    publish_due(newsroom, store, now=NOW)
    expected = {"feed.xml": "测试县融媒体中心 · 最新动态", "atom.xml": "测试县融媒体中心 · 最新动态",
                "stations/qiaotou-dongcun/feed.xml": "测试县融媒体中心 · 东村新时代文明实践站",
                "themes/xuanjiang/atom.xml": "测试县融媒体中心 · 理论宣讲"}
    for name, title in expected.items():
        parsed = feedparser.parse((live(newsroom) / name).read_bytes())
        assert not parsed.bozo and parsed.feed.title == title, name
