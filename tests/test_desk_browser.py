"""The desk in a real browser (Debian's Chromium through Playwright): log in, open a story, edit
it, approve it for a time, publish what is due and find it in the schedule; an editor's kill is
refused by the server; a POST without the CSRF token is refused; a script in a report does not
run. Screenshots of every page go to the test's output folder."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from pipeline import ledger
from pipeline.config import load_newsroom
from pipeline.desk.app import create_app
from pipeline.desk.users import add_user
from pipeline.ingest import ingest_all
from pipeline.store import open_store
from pipeline.stories import snapshot
from pipeline.timeutil import utcnow
from tests.conftest import NOW, make_newsroom, write_report
from tests.test_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")
PASSWORD = "correct horse battery"


@contextmanager
def desk_server(root: Path) -> Iterator[str]:
    """The desk of the newsroom at `root`, served on a free local port; yields its address."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(root), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def logged_in_page(browser: Any, base: str, name: str = "wang") -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


@pytest.fixture
def served_desk(tmp_path: Path):
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss"]')
    write_report(root, "a.md", title="东村开展板凳课堂理论宣讲")
    write_report(root, "b.md", title="新桥村志愿者清扫河道", station="baisha-xinqiao",
                 body='新桥村30名志愿者沿河清理垃圾。<script>document.title="pwned"</script>'
                      '<img src=x onerror="document.title=\'pwned\'">')
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    ids = ingest_all(newsroom, store, now=NOW).story_ids
    with store.begin() as conn:
        add_user(conn, "wang", "editor", PASSWORD, utcnow())
    with desk_server(root) as base:
        yield newsroom, store, ids, base


def test_a_morning_at_the_desk_in_a_real_browser(served_desk, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    newsroom, store, (a, b), base = served_desk
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        page.goto(f"{base}/")
        assert page.url.startswith(f"{base}/login")
        page.screenshot(path=str(shots / "login.png"), full_page=True)
        page.fill("#name", "wang")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        assert page.locator("h1").inner_text() == "待处理稿件"
        assert page.evaluate("typeof htmx") == "object"  # links and forms go through htmx (hx-boost)
        page.screenshot(path=str(shots / "inbox.png"), full_page=True)

        page.click(f"a[href='/stories/{a}']")
        page.fill("#title", "东村“板凳课堂”开讲")
        with page.expect_navigation():
            page.click("text=保存为新版本")
        assert "已保存新版本" in page.locator(".notice").inner_text()
        air = (utcnow() + timedelta(days=1)).astimezone(newsroom.tz).replace(hour=12, minute=0, second=0, microsecond=0)
        page.fill("#at", air.strftime("%Y-%m-%dT%H:%M"))  # the field refuses times already past
        with page.expect_navigation():
            page.click("form[action$='/do/approve'] button")
        assert "签发：已完成" in page.locator(".notice").inner_text()
        page.screenshot(path=str(shots / "story.png"), full_page=True)

        # `kitchen publish --due`, as cron runs it, with the clock moved past the chosen time
        run = subprocess.run([sys.executable, "-m", "pipeline.cli", "--newsroom", str(newsroom.root), "publish", "--due",
                              "--now", (air + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout + run.stderr
        with store.read() as conn:
            assert sorted(p.channel for p in ledger.list_publications(conn, story_id=a, state="done")) == ["rss", "web"]
        page.goto(f"{base}/schedule")
        done = page.locator("h2:has-text('最近已发布') + table").inner_text()
        assert f"第 {a} 号稿件" in done and "网站" in done and "订阅源" in done
        page.screenshot(path=str(shots / "schedule.png"), full_page=True)
        for name, path, heading in (("broadcast", "/broadcast", "农村大喇叭节目单"), ("dashboard", "/dashboard", "统计")):
            page.goto(f"{base}{path}")
            assert page.locator("h1").inner_text().startswith(heading)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways"
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

        # the server refuses what the page does not offer: an editor's kill, a POST without a token
        page.goto(f"{base}/stories/{a}")
        assert page.locator("form[action$='/do/kill']").count() == 0
        token = page.locator("input[name=csrf]").first.get_attribute("value")
        kill = page.request.post(f"{base}/stories/{a}/do/kill", form={"csrf": token, "note": "试试"}, max_redirects=0)
        assert kill.status == 403
        forged = page.request.post(f"{base}/stories/{b}/do/approve", form={"note": ""}, max_redirects=0)
        assert forged.status == 403
        with store.read() as conn:
            assert snapshot(conn, a).story.state == "published" and snapshot(conn, b).story.state == "draft"

        # a report carrying a script: shown, never run (neither in the desk nor in its preview)
        page.goto(f"{base}/stories/{b}")
        page.wait_for_load_state("networkidle")
        frame = page.frame_locator("iframe.preview")
        assert "新桥村志愿者清扫河道" in frame.locator("h1").inner_text()
        assert page.title() != "pwned" and not dialogs and not errors
        page.screenshot(path=str(shots / "story-with-script.png"), full_page=True)
        browser.close()
    assert sorted(p.name for p in shots.iterdir()) == ["broadcast.png", "dashboard.png", "inbox.png", "login.png",
                                                       "schedule.png", "story-with-script.png", "story.png"]


@pytest.fixture
def county_desk(tmp_path: Path):
    """A desk over the demo county's stations: a story with a large photo, and stories from a
    point, a station and an institute of two townships."""
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss"]')
    shutil.copyfile(Path(__file__).parents[1] / "assets" / "demo" / "stations.csv", root / "stations.csv")
    Image.new("RGB", (1600, 1200), "#3366aa").save(root / "inbox" / "photo.jpg", "JPEG")
    write_report(root, "a.md", title="东村农家书屋开展读书会", station="qiaotou-dongcun-shuwu",
                 extra="images:\n  - file: photo.jpg\n    caption: 读书会现场\n")
    write_report(root, "b.md", title="刘家村文化礼堂演出", station="qiaotou-liujia-litang", date="2026-11-21 09:30",
                 body="11月21日，刘家村文化礼堂上演村民自编节目，百余名村民观看。")
    write_report(root, "c.md", title="滨河社区开展垃圾分类宣传", station="chengguan-binhe", date="2026-11-22 09:30",
                 body="11月22日，滨河社区志愿者入户宣传垃圾分类知识，发放资料200余份。")
    write_report(root, "d.md", title="云禾纺织公司职工志愿服务", station="chengguan-fangzhi", date="2026-11-23 09:30",
                 body="11月23日，云禾纺织公司职工志愿者走进社区，为老人义务维修家电。")
    long_folder = root / "inbox" / ("qiaotou_" + "dongcun_wenming_shijian_zhan_baosong_" * 3)
    long_folder.mkdir()
    (long_folder / "2026年11月板凳课堂活动报道（第二稿，已核对人数与时间）.md").write_text(
        "---\ntitle: 没有站点的稿件\n---\n正文。\n", encoding="utf-8")
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    ids = ingest_all(newsroom, store, now=NOW).story_ids
    assert len(ids) == 4
    with store.begin() as conn:
        add_user(conn, "wang", "editor", PASSWORD, utcnow())
    with desk_server(root) as base:
        yield newsroom, ids, base


def test_the_article_preview_shows_its_photos(county_desk) -> None:
    """The preview links the site's photo widths (`/media/xx/<16 hex>-960.jpg`), as the site does:
    the desk serves them from the site's image cache, inside the preview's sandbox."""
    from playwright.sync_api import sync_playwright

    newsroom, (photo_story, *_), base = county_desk
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = logged_in_page(browser, base)
        failed: list[str] = []
        page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
        page.goto(f"{base}/stories/{photo_story}")
        page.wait_for_load_state("networkidle")
        frame = page.frame_locator("iframe.preview")
        photo = frame.locator("figure img").first
        src = photo.get_attribute("src") or ""
        assert re.fullmatch(r"/media/[0-9a-f]{2}/[0-9a-f]{16}-960\.jpg\?preview=[\w.-]+", src), src
        path = src.split("?")[0]
        photo.scroll_into_view_if_needed()
        widths = frame.locator("img").evaluate_all(
            "imgs => Promise.all(imgs.map(i => i.decode().then(() => i.naturalWidth, () => 0)))")
        assert widths and all(width > 0 for width in widths), widths
        assert not [url for url in failed if "/media/" in url], failed
        # the sandbox stays: the preview is served with its own CSP, and the frame has no permissions
        assert page.locator("iframe.preview").get_attribute("sandbox") == ""
        preview = page.request.get(f"{base}/stories/{photo_story}/preview")
        assert preview.headers["content-security-policy"].startswith("sandbox;")
        assert (newsroom.root / "site" / "image-cache" / path.lstrip("/")).is_file()
        # the signature opens that one photo, and only while logged in elsewhere: without a session,
        # the bare path is the login page and a signature of another path opens nothing
        context = browser.new_context()
        stranger = context.request
        assert stranger.get(f"{base}{src}").status == 200
        assert stranger.get(f"{base}{path}", max_redirects=0).status == 303
        other = path.replace("-960.jpg", "-480.jpg")
        assert stranger.get(f"{base}{other}?{src.split('?')[1]}", max_redirects=0).status == 303
        assert page.request.get(f"{base}{other}").status == 200  # the editor's own session opens every width
        context.close()
        browser.close()


def test_the_station_filter_is_the_county_tree_and_an_institute_shows_its_stations_stories(county_desk) -> None:
    from playwright.sync_api import sync_playwright

    newsroom, (shuwu, litang, binhe, fangzhi), base = county_desk
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = logged_in_page(browser, base)
        options = page.locator("#station option").evaluate_all(
            "opts => opts.map(o => [o.value, Number(o.dataset.depth || 0), o.textContent])")
        values = [value for value, _, _ in options]
        depth = {value: d for value, d, _ in options}
        # every station once, each after its parent and before the next sibling of its parent
        assert sorted(values[1:]) == sorted(newsroom.stations)
        for value in values[1:]:
            parent = newsroom.stations[value].parent
            if parent:
                assert values.index(parent) < values.index(value) and depth[value] == depth[parent] + 1
                between = values[values.index(parent) + 1:values.index(value)]
                assert all(depth[v] > depth[parent] for v in between), (value, between)
        # the points of 滨河社区 sit under it, not after 城关 institute's own points (as a flat list by id put them)
        assert values.index("chengguan-binhe-24h") < values.index("chengguan-wenchang")
        assert values.index("qiaotou-dongcun-shuwu") < values.index("qiaotou-liujia")
        shown = {value: text for value, _, text in options}
        # indented by level: the point one step deeper than its station, the station than its institute
        indent = {value: len(text) - len(text.lstrip("\u3000")) for value, text in shown.items()}
        assert shown["qiaotou-dongcun-shuwu"].strip() == "东村农家书屋实践点"
        assert (indent["center"], indent["qiaotou"], indent["qiaotou-dongcun"], indent["qiaotou-dongcun-shuwu"]) == (0, 1, 2, 3)

        page.select_option("#station", "qiaotou")
        with page.expect_navigation():
            page.click("form.filters button[type=submit]")
        titles = page.locator("table.stories tbody td.title a").all_inner_texts()
        assert sorted(titles) == sorted(["刘家村文化礼堂演出", "东村农家书屋开展读书会"])
        assert page.locator("#station").input_value() == "qiaotou"
        page.select_option("#station", "chengguan")
        with page.expect_navigation():
            page.click("form.filters button[type=submit]")
        titles = page.locator("table.stories tbody td.title a").all_inner_texts()
        assert sorted(titles) == sorted(["滨河社区开展垃圾分类宣传", "云禾纺织公司职工志愿服务"])
        browser.close()


def test_the_errors_list_gives_the_reason_room_and_names_the_stage_in_chinese(county_desk) -> None:
    """A long file name breaks inside its own column; the reason reads at a comfortable line
    length (the issue saw it wrap at 20 characters); nothing scrolls sideways."""
    from playwright.sync_api import sync_playwright

    _, _, base = county_desk
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = logged_in_page(browser, base)
        table = page.locator("table.errors")
        assert table.locator("tbody tr").count() >= 1
        assert table.locator("tbody tr td").nth(1).inner_text() == "文件"  # the stage, in Chinese
        reason = table.locator("td.reason").first
        per_line = reason.evaluate("td => td.clientWidth / parseFloat(getComputedStyle(td).fontSize)")
        assert per_line >= 28, f"the reason column holds {per_line:.0f} characters a line"
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        item = table.locator("td.item").first
        assert item.evaluate("td => td.scrollWidth <= td.clientWidth + 1")  # the long name stays in its column
        page.set_viewport_size({"width": 800, "height": 900})
        per_line = reason.evaluate("td => td.clientWidth / parseFloat(getComputedStyle(td).fontSize)")
        assert per_line >= 16 and page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        browser.close()
