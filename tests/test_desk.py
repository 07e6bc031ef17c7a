"""The editors' desk over HTTP (Starlette's test client): logins with rate limiting, CSRF on every
POST, the workflow's role table enforced by the server, edits and approvals that reach the ledger,
a schedule view with retries, and source HTML that never runs."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pipeline import ledger
from pipeline import store as t
from pipeline.config import load_newsroom
from pipeline.desk.app import create_app
from pipeline.desk.users import FREE_FAILURES_PER_NAME, add_user
from pipeline.ingest import ingest_all
from pipeline.model import PackageUnit, Publication
from pipeline.render import broadcast, ensure_rendition
from pipeline.render.speech import reading_seconds
from pipeline.schedule import publish_due
from pipeline.settings import Newsroom
from pipeline.store import Store, open_store
from pipeline.stories import Actor, snapshot, story_events
from pipeline.timeutil import utcnow
from pipeline.workflow import perform
from tests.conftest import NOW, make_newsroom, replace_in_config, write_report

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
    assert "script-src 'self'" in inbox.headers["content-security-policy"]  # htmx, from our own server only
    assert client.get("/static/htmx.min.js").text.startswith("var htmx")


def test_failed_logins_make_the_name_wait_before_the_next_check_even_with_the_right_password(desk) -> None:
    _, _, _, client = desk
    for _ in range(FREE_FAILURES_PER_NAME):
        assert log_in(client, "wang", "guess").status_code == 401
    delayed = log_in(client, "wang")  # a second's wait after the 5th failure, right password or not
    assert delayed.status_code == 429 and "秒后再试" in delayed.text and delayed.headers["retry-after"] == "1"
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
    assert refused.status_code == 403 and "需要值班主任来做，您是编辑" in refused.text
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
        scripts = [e.get("src") for e in tree.xpath("//script")]
        assert scripts in ([], ["/static/htmx.min.js"]) and not tree.xpath("//*[@onerror]")  # our htmx only


def test_rendition_files_are_served_only_by_their_exact_names(desk) -> None:
    _, _, _, client = desk
    log_in(client, "wang")
    assert client.get("/renditions/..%2F..%2Fkitchen.toml/x").status_code == 404
    assert client.get("/renditions/ab/" + "0" * 64 + ".jpg").status_code == 404
    assert client.get("/login?next=//evil.example.com").status_code == 200
    answer = log_in(client, "wang")
    assert answer.headers["location"] == "/"


def test_the_story_page_shows_what_each_revision_changed_escaped(desk) -> None:
    from pipeline.desk.routes.story import diff_html

    assert diff_html("东村<b>开展</b>宣讲", "东村举办宣讲") == "东村<del>&lt;b&gt;开展&lt;/b&gt;</del><ins>举办</ins>宣讲"
    _, _, (a, _), client = desk
    log_in(client, "wang")
    token = csrf_of(client, f"/stories/{a}")
    client.post(f"/stories/{a}/edit", data={"csrf": token, "title": "东村板凳课堂开讲", "body": "新的正文。",
                                            "station": "qiaotou-dongcun", "theme": "xuanjiang"})
    page = client.get(f"/stories/{a}").text
    assert "与上一版比较" in page and "<ins>" in page and "<del>" in page


def test_an_editor_chooses_the_cover_photo_and_leaves_one_out(tmp_path: Path) -> None:
    from PIL import Image

    root = make_newsroom(tmp_path / "newsroom", channels='["web"]')
    for name, colour in (("p1.jpg", "red"), ("p2.jpg", "green"), ("p3.jpg", "blue")):
        Image.new("RGB", (400, 300), colour).save(root / "inbox" / name)
    write_report(root, "a.md", extra="images:\n  - file: p1.jpg\n    caption: 一\n  - file: p2.jpg\n    caption: 二\n"
                                      "  - file: p3.jpg\n    caption: 三\n")
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    (a,) = ingest_all(newsroom, store, now=NOW).story_ids
    with store.begin() as conn:
        add_user(conn, "wang", "editor", PASSWORD, utcnow())
    client = TestClient(create_app(root), follow_redirects=False)
    log_in(client, "wang")
    page = client.get(f"/stories/{a}").text
    src = re.search(r'<img src="(/media/[^"]+)"', page).group(1)
    assert client.get(src).status_code == 200 and client.get("/media/ab/../../kitchen.toml").status_code == 404
    token = csrf_of(client, f"/stories/{a}")
    answer = client.post(f"/stories/{a}/photos", data={"csrf": token, "cover": "2", "order": ["1", "2", "3"], "drop": ["1"]})
    assert answer.status_code == 303
    with store.read() as conn:
        captions = [ref.caption for ref in snapshot(conn, a).revision.content.images]
    assert captions == ["三", "一"]  # the chosen cover first, the dropped one gone


def on_air_desk(tmp_path: Path, options: str = "") -> tuple[Newsroom, Store, list[int], TestClient, date]:
    """A newsroom on the loudspeaker channel (with `options` for it) whose two Qiaotou stories
    went out yesterday, at the real clock as the desk works, and the desk with wang logged in.
    Returns tomorrow's local date, whose packages are still to air."""
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "loudspeaker"]')
    shutil.copyfile(Path(__file__).parents[1] / "assets" / "demo" / "stations.csv", root / "stations.csv")
    replace_in_config(root, "[channels.export]", f'[channels.loudspeaker]\nengine = "none"\n{options}\n[channels.export]')
    newsroom = load_newsroom(root)
    now = utcnow()
    yesterday = (now.astimezone(newsroom.tz) - timedelta(days=1)).date()
    write_report(root, "a.md", title="东村开展板凳课堂理论宣讲", station="qiaotou-dongcun", date=f"{yesterday} 09:30")
    write_report(root, "b.md", title="刘家村举办移风易俗宣讲", station="qiaotou-liujia", date=f"{yesterday} 19:00",
                 body="刘家村红白理事会向村民宣讲婚事新办。")
    store = open_store(newsroom)
    ids = ingest_all(newsroom, store, now=now).story_ids
    with store.begin() as conn:
        add_user(conn, "wang", "editor", PASSWORD, now)
        for story_id in ids:
            perform(conn, newsroom, story_id, "approve", Actor("wang", "editor"), now, channels=["loudspeaker"])
    publish_due(newsroom, store)
    client = TestClient(create_app(root), follow_redirects=False)
    log_in(client, "wang")
    return newsroom, store, ids, client, (now.astimezone(newsroom.tz) + timedelta(days=1)).date()


def test_the_broadcast_view_drops_pins_and_rebuilds_a_package(tmp_path: Path) -> None:
    newsroom, store, (a, b), client, day = on_air_desk(tmp_path)
    root = newsroom.root
    view = f"/broadcast?day={day}&slot=morning&target=qiaotou"
    page = client.get(view).text
    assert page.index("刘家村举办移风易俗宣讲") < page.index("东村开展板凳课堂理论宣讲")  # newest first
    token = csrf_of(client, view)
    unit = f"broadcast:{day}:morning:qiaotou"
    client.post("/broadcast/edit", data={"csrf": token, "unit": unit, "ref": str(a), "op": "up"})
    page = client.get(view).text
    assert page.index("东村开展板凳课堂理论宣讲") < page.index("刘家村举办移风易俗宣讲")  # moved up by the editor
    client.post("/broadcast/edit", data={"csrf": token, "unit": unit, "ref": str(b), "op": "drop"})
    page = client.get(view).text
    assert "编辑撤下" in page
    built = client.post("/broadcast/build", data={"csrf": token, "unit": unit})
    assert built.status_code == 303 and "notice=" in built.headers["location"]
    manifest = (root / f"outbox/loudspeaker/{day}/morning/qiaotou/manifest.json").read_text(encoding="utf-8")
    assert "编辑撤下" in manifest and "东村开展板凳课堂理论宣讲" in manifest
    assert client.post("/broadcast/edit", data={"csrf": token, "unit": "../../etc", "ref": "1", "op": "drop"}).status_code == 400
    dashboard = client.get(f"/dashboard?month={utcnow().astimezone(newsroom.tz):%Y-%m}")
    assert dashboard.status_code == 200 and "<svg" in dashboard.text and "桥头镇新时代文明实践所" in dashboard.text


def test_a_chief_corrects_a_published_story_from_the_desk(desk) -> None:
    newsroom, store, (a, _), client = desk
    log_in(client, "li")
    token = csrf_of(client, f"/stories/{a}")
    client.post(f"/stories/{a}/do/approve", data={"csrf": token})
    publish_due(newsroom, store)  # the desk approves at the real clock's now
    page = client.get(f"/stories/{a}").text
    assert "更正已发布的稿件" in page
    answer = client.post(f"/stories/{a}/correct", data={"csrf": token, "title": "东村板凳课堂开讲", "body": "更正后的正文。",
                                                        "note": "参加人数应为80余名"})
    assert answer.status_code == 303
    assert publish_due(newsroom, store).published == 2  # web and rss again
    with store.read() as conn:
        snap = snapshot(conn, a)
    assert snap.revision.number == 2 and snap.revision.note == "参加人数应为80余名"
    schedule = client.get("/schedule?days=1").text
    assert "按日排期" in schedule


def test_look_alike_stories_are_listed_together() -> None:
    from pipeline.desk.routes.inbox import clustered as _clustered

    rows = [{"id": 5, "related": []}, {"id": 4, "related": [2]}, {"id": 3, "related": []}, {"id": 2, "related": [4]}]
    assert [(r["id"], r["follows"]) for r in _clustered(rows)] == [(5, None), (4, None), (2, 4), (3, None)]


def test_users_are_added_from_the_command_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = make_newsroom(tmp_path / "newsroom")

    def kitchen(*args: str, password: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pipeline.cli", "--newsroom", str(root), *args], input=password,
                              capture_output=True, text=True, timeout=60)

    added = kitchen("users", "add", "zhao", "--role", "chief", "--password-stdin", password=PASSWORD + "\n")
    assert added.returncode == 0 and "已添加用户 zhao，角色：chief（值班主任）" in added.stdout
    short = kitchen("users", "add", "qian", "--password-stdin", password="short\n")
    assert short.returncode != 0 and "密码太短：至少要有 8 个字符" in short.stdout + short.stderr
    again = kitchen("users", "add", "zhao", "--password-stdin", password=PASSWORD + "\n")
    assert again.returncode != 0 and "已经有用户“zhao”；要改密码，请用 kitchen users password zhao" in again.stderr
    long_name = kitchen("users", "add", "x" * 65, "--password-stdin", password=PASSWORD + "\n")
    assert long_name.returncode != 0 and "用户名要有 1 到 64 个字符" in long_name.stderr
    nobody = kitchen("users", "disable", "nobody")
    assert nobody.returncode != 0 and "没有用户“nobody”" in nobody.stderr
    boss = kitchen("users", "role", "zhao", "boss")
    assert boss.returncode != 0 and "没有角色“boss”；角色只能是：editor（编辑）、chief（值班主任）、admin（管理员）" in boss.stderr
    for refused in (short, again, long_name, nobody, boss):
        assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", re.sub(r"kitchen users \w+( \w+)?", "", refused.stderr))
    assert kitchen("users", "list").stdout.split() == ["zhao", "chief", "值班主任"]
    assert kitchen("users", "password", "zhao", "--password-stdin", password="another good one\n").returncode == 0
    client = TestClient(create_app(root), follow_redirects=False)
    assert log_in(client, "zhao", "another good one").status_code == 303


def test_the_spoken_preview_is_the_stored_spoken_rendition_at_the_newsrooms_rate(tmp_path: Path) -> None:
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "loudspeaker"]')
    replace_in_config(root, "[channels.export]",
                      '[channels.loudspeaker]\nengine = "none"\nchars_per_minute = 120\n\n[channels.export]')
    write_report(root, "a.md", body="上午9:30，**60余名**村民参加。咨询电话0523-86123456。")
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    (a,) = ingest_all(newsroom, store, now=NOW).story_ids
    with store.begin() as conn:
        add_user(conn, "wang", "editor", PASSWORD, utcnow())
    client = TestClient(create_app(root), follow_redirects=False)
    log_in(client, "wang")
    page = client.get(f"/stories/{a}").text
    with store.begin() as conn:  # the page stored the rendition it showed, and it is the current one
        row = conn.execute(select(t.renditions.c.content).where(t.renditions.c.story_id == a,
                                                                 t.renditions.c.kind == "spoken")).one()
        assert row.content == ensure_rendition(conn, newsroom, a, 1, "spoken", utcnow()).content
    stored = json.loads(row.content)
    assert stored["seconds"] == round(reading_seconds(stored["spoken"], 120), 1) != round(reading_seconds(stored["spoken"]), 1)
    tree = lxml.html.fromstring(page)
    (script,) = tree.xpath("//div[contains(@class, 'script')]")
    for reading in script.xpath(".//rt"):  # the pinyin printed over hard characters is not read
        reading.drop_tree()
    assert script.text_content() == stored["spoken"] and "**" not in stored["spoken"]  # Markdown is not read out
    heading = script.getparent().xpath("h2")[0].text_content()
    assert heading == f"广播稿（口播体，每分钟 120 字，约 {stored['seconds']} 秒）"
    shown = [li.text_content() for li in script.getparent().xpath(".//li")]
    assert shown == [f"{written} → {spoken}" for written, spoken in stored["rewritten"]] and shown


def test_a_rebuild_from_the_desk_is_a_new_ledger_delivery_of_the_package(tmp_path: Path) -> None:
    newsroom, store, (_, b), client, day = on_air_desk(tmp_path)
    package = str(PackageUnit(day, "morning", "qiaotou"))
    with store.begin() as conn:  # the scheduler's row for the package, due an hour before air
        broadcast.schedule_packages(conn, newsroom, utcnow(), horizon=timedelta(days=2))

    def row_and_deliveries() -> tuple[Publication, int]:
        with store.read() as conn:
            (row,) = [p for p in ledger.list_publications(conn, channel="loudspeaker") if p.unit == package]
            deliveries = conn.execute(select(func.count()).select_from(t.events).where(
                t.events.c.action == "delivered", t.events.c.note == package)).scalar_one()
        return row, deliveries

    scheduled, deliveries = row_and_deliveries()
    assert scheduled.state == "pending" and scheduled.due_at > utcnow() and deliveries == 0
    view = f"/broadcast?day={day}&slot=morning&target=qiaotou"
    token = csrf_of(client, view)
    built = client.post("/broadcast/build", data={"csrf": token, "unit": package})
    assert built.status_code == 303 and "节目包已生成" in unquote(built.headers["location"])
    first, deliveries = row_and_deliveries()
    assert (first.id, first.state, first.attempts, deliveries) == (scheduled.id, "done", 1, 1)  # that row, delivered now
    folder = newsroom.root / first.receipt["folder"]
    assert folder == newsroom.root / "outbox" / "loudspeaker" / str(day) / "morning" / "qiaotou"
    assert "编辑撤下" not in (folder / "manifest.json").read_text(encoding="utf-8")

    client.post("/broadcast/edit", data={"csrf": token, "unit": package, "ref": str(b), "op": "drop"})
    assert client.post("/broadcast/build", data={"csrf": token, "unit": package}).status_code == 303
    again, deliveries = row_and_deliveries()
    assert (again.id, again.state, again.attempts, deliveries) == (first.id, "done", 1, 2)  # the same row, delivered anew
    assert again.published_at > first.published_at and again.output_hash != first.output_hash
    assert again.receipt["folder"] == first.receipt["folder"]
    assert "编辑撤下" in (folder / "manifest.json").read_text(encoding="utf-8")

    for unit, status, reason in ((PackageUnit(day - timedelta(days=2), "morning", "qiaotou"), 400, "播出时间已过"),
                                 (PackageUnit(day, "morning", "nowhere"), 404, "nowhere"),
                                 (PackageUnit(day, "midnight", "qiaotou"), 404, "midnight"),
                                 ("../../etc", 400, "无法识别的节目包")):
        refused = client.post("/broadcast/build", data={"csrf": token, "unit": str(unit)})
        assert refused.status_code == status and reason in refused.text, unit
    with store.read() as conn:
        assert {p.unit for p in ledger.list_publications(conn)} & {f"broadcast:{day - timedelta(days=2)}:morning:qiaotou",
                                                                   f"broadcast:{day}:morning:nowhere"} == set()


def test_a_rebuild_leaves_a_package_that_a_worker_is_delivering_to_it(tmp_path: Path) -> None:
    newsroom, store, _, client, day = on_air_desk(tmp_path)
    package = str(PackageUnit(day, "morning", "qiaotou"))
    owner = ledger.new_lease_owner()  # this process: alive, so its lease is respected
    with store.begin() as conn:
        broadcast.schedule_packages(conn, newsroom, utcnow(), horizon=timedelta(days=2))
        claimed = [p for p in ledger.claim_due(conn, owner, utcnow(), timedelta(minutes=5), 100, due_until=utcnow()
                                               + timedelta(days=2)) if p.unit == package]
    assert claimed
    token = csrf_of(client, f"/broadcast?day={day}&slot=morning&target=qiaotou")
    answer = client.post("/broadcast/build", data={"csrf": token, "unit": package})
    assert answer.status_code == 303 and "正在生成" in unquote(answer.headers["location"])
    with store.read() as conn:
        row = ledger.get_publication(conn, claimed[0].id)
    assert (row.state, row.lease_owner, row.attempts) == ("claimed", owner, 0)


def test_what_the_editor_previews_is_what_the_package_reads(tmp_path: Path) -> None:
    """The spoken form on the story page, at the newsroom's rate, is the text and length the
    package built through the ledger reads for that story: one spoken form from editor to air."""
    newsroom, store, (a, b), client, day = on_air_desk(tmp_path, options="chars_per_minute = 150")
    previews = {}
    for story_id in (a, b):
        tree = lxml.html.fromstring(client.get(f"/stories/{story_id}").text)
        (script,) = tree.xpath("//div[contains(@class, 'script')]")
        for reading in script.xpath(".//rt"):
            reading.drop_tree()
        heading = script.getparent().xpath("h2")[0].text_content()
        assert "每分钟 150 字" in heading
        previews[story_id] = (script.text_content(), heading)
    package = str(PackageUnit(day, "morning", "qiaotou"))
    built = client.post("/broadcast/build", data={"csrf": csrf_of(client, "/broadcast"), "unit": package})
    assert built.status_code == 303 and "节目包已生成" in unquote(built.headers["location"])
    with store.read() as conn:
        (row,) = [p for p in ledger.list_publications(conn, channel="loudspeaker") if p.unit == package]
    folder = newsroom.root / row.receipt["folder"]
    script_lines = (folder / "script.txt").read_text(encoding="utf-8").splitlines()
    items = {item["ref"]: item for item in json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["items"]
             if item["kind"] == "story"}
    assert set(items) == {str(a), str(b)}
    for story_id, (spoken, heading) in previews.items():
        assert spoken in script_lines  # the package reads the very text the editor approved
        assert f"约 {items[str(story_id)]['estimated_seconds']} 秒" in heading  # at the same rate


def test_the_desk_names_channels_states_units_and_events_in_chinese(tmp_path: Path) -> None:
    """Identifiers stay in the ledger and the forms' values; the page shows their Chinese names."""
    from pipeline import words

    assert words.desk.unit_label(date(2026, 12, 8), "晚间", "柳溪镇") == "12月8日 晚间 · 柳溪镇"
    newsroom, store, (a, _), client, day = on_air_desk(tmp_path)
    with store.begin() as conn:
        pending = [p for p in ledger.list_publications(conn) if p.story_id is None and p.state == "pending"]
    assert pending, "packages wait in the ledger"
    unit = PackageUnit.parse(pending[0].unit)
    slot = next(s for s in newsroom.slots if s.name == unit.slot)
    township = newsroom.stations[unit.target].township
    schedule = lxml.html.fromstring(client.get("/schedule?days=31").text)
    cells = [td.text_content() for td in schedule.iter("td")]
    assert f"{unit.day.month}月{unit.day.day}日 {slot.label} · {township}" in cells
    assert "待发送" in cells and "大喇叭" in cells and "pending" not in cells and pending[0].unit not in cells
    assert [o.text_content() for o in schedule.cssselect("#channel option")] == ["全部", "网站", "大喇叭"]
    page = lxml.html.fromstring(client.get(f"/stories/{a}").text)
    trail = [[td.text_content() for td in tr.cssselect("td")[1:]]
             for tr in page.xpath("//h2[text()='操作记录']/following-sibling::table[1]/tbody/tr")]
    assert ["采集", "采集入库", ""] in trail  # the intake, by its Chinese name
    assert ["wang", "签发", ""] in trail
    assert ["定时发布", "发布", "渠道：大喇叭"] in trail  # the scheduler's delivery, with its channel


def test_the_broadcast_page_refuses_a_bad_day_in_chinese_and_takes_a_slots_title(tmp_path: Path) -> None:
    """Issue 13 review: `/broadcast?day=xx` answers a Chinese sentence, not Python's exception;
    `?slot=早间` is the morning slot; an unknown slot lists the slots as `morning（早间）`."""
    newsroom, store, (a, b), client, day = on_air_desk(tmp_path)
    bad = client.get("/broadcast?day=xx")
    assert bad.status_code == 400
    assert "“xx”不是日期，请写成 YYYY-MM-DD" in bad.text and "isoformat" not in bad.text
    by_title = client.get(f"/broadcast?day={day}&slot=早间&target=qiaotou")
    by_id = client.get(f"/broadcast?day={day}&slot=morning&target=qiaotou")
    assert by_title.status_code == by_id.status_code == 200
    assert f"{day.month}月{day.day}日 早间 · 桥头镇" in by_title.text
    assert by_title.text.count("东村开展板凳课堂理论宣讲") == by_id.text.count("东村开展板凳课堂理论宣讲") > 0
    unknown = client.get(f"/broadcast?day={day}&slot=午间")
    assert unknown.status_code == 404 and "morning（早间）、evening（晚间）" in unknown.text
