"""The editors' desk over HTTP (Starlette's test client): logins with rate limiting, CSRF on every
POST, the workflow's role table enforced by the server, edits and approvals that reach the ledger,
a schedule view with retries, and source HTML that never runs."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient

from pipeline.config import load_newsroom
from pipeline.desk.app import create_app
from pipeline.desk.users import MAX_FAILURES, add_user
from pipeline.ingest import ingest_all
from pipeline.schedule import publish_due
from pipeline.store import open_store
from pipeline.stories import snapshot, story_events
from pipeline.timeutil import utcnow
from tests.conftest import NOW, make_newsroom, write_report

PASSWORD = "correct horse battery"
XSS = '<script>document.title="pwned"</script><img src=x onerror="alert(1)">'


@pytest.fixture
def desk(tmp_path: Path):
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss"]')
    write_report(root, "a.md", title="东村开展板凳课堂理论宣讲")
    write_report(root, "b.md", title="新桥村志愿者清扫河道", station="baisha-xinqiao",
                 body=f"新桥村30名志愿者沿河清理垃圾。{XSS}")
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    ids = ingest_all(newsroom, store, now=NOW).story_ids
    with store.begin() as conn:
        add_user(conn, "wang", "editor", PASSWORD, utcnow())
        add_user(conn, "li", "chief", PASSWORD, utcnow())
    return newsroom, store, ids, TestClient(create_app(root), follow_redirects=False)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, path
    return found.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD):
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf_of(client)})


def test_pages_need_a_login_and_a_login_needs_the_right_password(desk) -> None:
    _, _, _, client = desk
    assert client.get("/").status_code == 303 and client.get("/").headers["location"].startswith("/login")
    assert log_in(client, "wang", "wrong password").status_code == 401
    answer = log_in(client, "wang")
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    inbox = client.get("/")
    assert inbox.status_code == 200 and "东村开展板凳课堂理论宣讲" in inbox.text and 'lang="zh-CN"' in inbox.text
    assert "script-src 'none'" in inbox.headers["content-security-policy"]


def test_failed_logins_are_rate_limited_even_with_the_right_password_after(desk) -> None:
    _, _, _, client = desk
    for _ in range(MAX_FAILURES):
        assert log_in(client, "wang", "guess").status_code == 401
    assert log_in(client, "wang").status_code == 401  # locked out for a while, right password or not
    assert log_in(client, "li").status_code == 303  # another name is not


def test_a_post_without_the_csrf_token_is_refused(desk) -> None:
    newsroom, store, (a, _), client = desk
    log_in(client, "wang")
    refused = client.post(f"/stories/{a}/do/approve", data={"csrf": "forged"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    refused = client.post(f"/stories/{a}/do/approve", data={})
    assert refused.status_code == 403
    with store.read() as conn:
        assert snapshot(conn, a).story.state == "draft"


def test_edit_then_approve_with_a_time_reaches_the_ledger_and_the_audit_trail(desk) -> None:
    newsroom, store, (a, _), client = desk
    log_in(client, "wang")
    token = csrf_of(client, f"/stories/{a}")
    saved = client.post(f"/stories/{a}/edit", data={"csrf": token, "title": "东村“板凳课堂”开讲", "body": "新的正文。",
                                                     "station": "qiaotou-dongcun", "theme": ""})
    assert saved.status_code == 303
    approved = client.post(f"/stories/{a}/do/approve", data={"csrf": token, "at": "2026-11-29T12:00", "channels": ["web"]})
    assert approved.status_code == 303
    page = client.get(f"/stories/{a}").text
    assert "东村“板凳课堂”开讲" in page and "已签发" in page
    with store.read() as conn:
        snap = snapshot(conn, a)
        events = story_events(conn, a)
    assert snap.revision.number == 2 and snap.story.state == "approved"
    assert [e.actor for e in events if e.action in ("edit", "approve")] == ["wang", "wang"]
    assert publish_due(newsroom, store, now=NOW).published == 0  # 12:00 is not yet (10:00)
    schedule = client.get("/schedule").text
    assert "2026-11-29 12:00" in schedule and f"第 {a} 号稿件" in schedule


def test_an_editor_cannot_kill_and_the_server_says_so(desk) -> None:
    newsroom, store, (a, _), client = desk
    log_in(client, "wang")
    token = csrf_of(client, f"/stories/{a}")
    client.post(f"/stories/{a}/do/approve", data={"csrf": token})
    publish_due(newsroom, store, now=NOW)
    assert "撤稿" not in client.get(f"/stories/{a}").text  # not offered…
    refused = client.post(f"/stories/{a}/do/kill", data={"csrf": token, "note": "试试看"})  # …and refused
    assert refused.status_code == 403 and "chief" in refused.text
    chief = TestClient(client.app, follow_redirects=False)
    log_in(chief, "li")
    killed = chief.post(f"/stories/{a}/do/kill", data={"csrf": csrf_of(chief, f"/stories/{a}"), "note": "信息有误"})
    assert killed.status_code == 303
    with store.read() as conn:
        assert snapshot(conn, a).story.state == "killed"


def test_source_html_never_runs_in_the_desk(desk) -> None:
    _, _, (_, b), client = desk
    log_in(client, "wang")
    page = client.get(f"/stories/{b}").text
    assert 'sandbox=""' in page
    preview = client.get(f"/stories/{b}/preview")
    assert preview.status_code == 200 and preview.headers["content-security-policy"].startswith("sandbox")
    for html in (page, preview.text):  # the payload is shown as text at most, never as markup
        tree = lxml.html.fromstring(html)
        assert not tree.xpath("//script") and not tree.xpath("//*[@onerror]")


def test_rendition_files_are_served_only_by_their_exact_names(desk) -> None:
    _, _, _, client = desk
    log_in(client, "wang")
    assert client.get("/renditions/..%2F..%2Fkitchen.toml/x").status_code == 404
    assert client.get("/renditions/ab/" + "0" * 64 + ".jpg").status_code == 404
    assert client.get("/login?next=//evil.example.com").status_code == 200
    answer = log_in(client, "wang")
    assert answer.headers["location"] == "/"


def test_the_story_page_shows_what_each_revision_changed_escaped(desk) -> None:
    from pipeline.desk.app import diff_html

    assert diff_html("东村<b>开展</b>宣讲", "东村举办宣讲") == "东村<del>&lt;b&gt;开展&lt;/b&gt;</del><ins>举办</ins>宣讲"
    _, _, (a, _), client = desk
    log_in(client, "wang")
    token = csrf_of(client, f"/stories/{a}")
    client.post(f"/stories/{a}/edit", data={"csrf": token, "title": "东村板凳课堂开讲", "body": "新的正文。",
                                            "station": "qiaotou-dongcun", "theme": "xuanjiang"})
    page = client.get(f"/stories/{a}").text
    assert "与上一版比较" in page and "<ins>" in page and "<del>" in page
