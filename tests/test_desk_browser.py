"""The desk in a real browser (Debian's Chromium through Playwright): log in, open a story, edit
it, approve it for a time, publish what is due and find it in the schedule; an editor's kill is
refused by the server; a POST without the CSRF token is refused; a script in a report does not
run. Screenshots of every page go to the test's output folder."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

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


@pytest.fixture
def served_desk(tmp_path: Path):
    import uvicorn

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
    yield newsroom, store, ids, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


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
        assert run.returncode == 0 and "发布2条" in run.stdout, run.stdout + run.stderr
        page.goto(f"{base}/schedule")
        done = page.locator("h2:has-text('最近已发布') + table").inner_text()
        assert f"第 {a} 号稿件" in done and "web" in done and "rss" in done
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
