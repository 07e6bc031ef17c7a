"""The site in a real browser: Debian's Chromium driven by Playwright (`executable_path`; `.ci/run`
installs it). Pages load without console errors, every link and image within the site works, and
nothing scrolls sideways on a 360 px phone. Screenshots go to the test's output folder."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from pipeline.config import load_newsroom
from pipeline.ingest import ingest_all
from pipeline.render.renditions import render
from pipeline.render.site import build_site
from pipeline.schedule import publish_due
from pipeline.sitehost import serve
from pipeline.store import open_store
from pipeline.stories import Actor
from pipeline.workflow import perform
from tests.conftest import NOW, make_newsroom, replace_in_config, write_report
from tests.test_clips import small_recipe
from tests.test_site import gps_photo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")


@pytest.fixture(scope="module")
def published_site(tmp_path_factory: pytest.TempPathFactory):
    root = make_newsroom(tmp_path_factory.mktemp("browser") / "newsroom", channels='["web", "rss", "loudspeaker"]')
    replace_in_config(root, "[channels.export]", '[channels.loudspeaker]\nengine = "none"\n\n[channels.export]')
    shutil.copyfile(Path(__file__).parents[1] / "assets" / "demo" / "stations.csv", root / "stations.csv")
    gps_photo(root / "inbox" / "photo.jpg")
    stations = ["qiaotou-dongcun", "baisha-xinqiao", "chengguan-binhe", "qingshi-lingtou", "qiaotou"]
    for n in range(24):
        extra = "images:\n  - file: photo.jpg\n    caption: 活动现场\n" if n % 3 == 0 else ""
        write_report(root, f"r{n:02}.md", title=f"第{n + 1}场文明实践活动：志愿者走进村居开展服务",
                     station=stations[n % len(stations)], date=f"2026-11-{1 + n:02d} 09:30",
                     body=f"第{n + 1}场活动吸引{20 + n}名村民参加。" + "志愿者讲解政策、义诊、理发，现场气氛热烈。" * (n % 4 + 1)
                     + "\n\n报名链接：https://www.example.cn/a/very/long/path/that/should/wrap/on/small/screens/" + "x" * 40,
                     extra=extra)
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    story_ids = ingest_all(newsroom, store, now=NOW).story_ids
    assert len(story_ids) == 24
    with store.begin() as conn:
        for story_id in story_ids:
            perform(conn, newsroom, story_id, "approve", Actor("编辑", "editor"), NOW)
    # the newest story (the article the test opens) gets its cover card and a small landscape clip
    small_recipe(root, "landscape", **{"size = [1280, 720]": "size = [640, 360]", "size = 36 ": "size = 20 "})
    assert len(render(newsroom, store, NOW, kinds=["card-cover", "clip-landscape"], story_ids=[max(story_ids)]).made) == 2
    publish_due(newsroom, store, now=NOW)
    # the evening packages go out, and the broadcasts page lists them (engine none makes no audio:
    # stand-ins, which the page's players load only when played)
    assert publish_due(newsroom, store, now=datetime(2026, 11, 29, 9, 0, tzinfo=UTC)).published > 0
    for manifest in (root / "outbox" / "loudspeaker").rglob("manifest.json"):
        (manifest.parent / "audio.mp3").write_bytes(b"ID3" + bytes(2000))
    with store.read() as conn:
        build_site(newsroom, conn)
    with serve(root / "site" / "live", jail=root / "site") as host:
        yield host


def test_pages_load_cleanly_link_correctly_and_fit_a_phone(published_site, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    base = published_site.base_url
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 740})
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/")
        article = page.locator("main article a, main a[href*='/2026/']").first.get_attribute("href")
        station = page.locator("a[href^='/stations/'][href$='/']").last.get_attribute("href")
        checked: set[str] = set()
        for name, path in (("home", "/"), ("article", article), ("map", "/map/"), ("station", station),
                           ("stations", "/stations/"), ("older", "/page/1/"), ("broadcasts", "/broadcasts/")):
            for width in (360, 1280):
                page.set_viewport_size({"width": width, "height": 900})
                response = page.goto(urljoin(base, path))
                assert response is not None and response.status == 200, path
                page.wait_for_load_state("networkidle")
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"
                page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
            # lazy images below the fold load only when scrolled to: load them all, then look
            page.evaluate("Promise.all([...document.images].map(i => { i.loading = 'eager';"
                          " return i.decode().catch(() => null); }))")
            broken_images = page.evaluate(
                "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
            assert broken_images == [], (path, broken_images)
            # accessibility basics: the language, one top heading, a text alternative on every image
            assert page.evaluate("document.documentElement.lang") == "zh-CN"
            assert page.evaluate("document.querySelectorAll('h1').length") == 1, path
            assert page.evaluate("[...document.images].filter(i => !i.hasAttribute('alt')).length") == 0, path
            assert page.evaluate("document.querySelector('main') !== null"), path
            links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
            sources = page.evaluate("[...document.querySelectorAll('img[src], link[href], video[poster], source[src], "
                                    "track[src]')].map(e => e.src || e.href || e.poster)")
            if name == "article":  # the clip plays: the browser reads its metadata and its subtitles
                assert page.evaluate("document.querySelectorAll('video source[type=\"video/mp4\"]').length") == 1
                page.evaluate("(() => { const v = document.querySelector('video'); v.preload = 'auto'; v.load(); })()")
                page.wait_for_function("document.querySelector('video').readyState >= 1", timeout=15000)
                assert page.evaluate("document.querySelector('video').duration") > 3
                assert page.evaluate("document.querySelector('video').textTracks[0].language") == "zh-CN"
            for url in links + sources:
                if urlparse(url).netloc != urlparse(base).netloc or url.split("#")[0] in checked:
                    continue
                checked.add(url.split("#")[0])
                status = page.request.get(url.split("#")[0]).status
                assert status == 200, f"{url} (linked from {path}) answers {status}"
        assert errors == [], errors
        browser.close()
    assert len(list(shots.glob("*.png"))) == 14
    assert len(checked) > 40  # the check really walked the site's links
