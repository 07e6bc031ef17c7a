"""The desk under attack: login floods that cannot lock a real user out or hold up the newsroom's
writes, client addresses that proxies' headers cannot forge, sessions that end when they should,
and bad ids, links and text that are refused, never a 500."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from pipeline import store as t
from pipeline.config import load_newsroom
from pipeline.desk import users
from pipeline.desk.app import create_app, server_config
from pipeline.desk.users import (
    LONGEST_WAIT,
    WINDOW,
    LoginDelayed,
    add_user,
    authenticate,
    login_wait,
    set_password,
    set_role,
    wait_after,
)
from pipeline.ingest import ingest_all
from pipeline.stories import snapshot, story_events
from pipeline.timeutil import utcnow
from tests.conftest import NOW, make_newsroom, write_report
from tests.test_desk import PASSWORD, csrf_of, desk, log_in, on_air_desk

__all__ = ["desk"]  # the fixture, shared with test_desk (pytest finds it here)


def test_a_name_waits_at_most_a_minute_however_many_failures_anyone_sends(desk) -> None:
    _, store, _, _ = desk
    assert [wait_after(n, 5) for n in (0, 4, 5, 6, 7, 10, 11, 50)] == [0, 0, 1, 2, 4, 32, 60, 60]
    now = utcnow()
    with store.begin() as conn:  # an attacker's 200 wrong passwords for the chief, from many addresses
        conn.execute(insert(t.login_failures), [{"name": "li", "address": f"10.0.{n // 250}.{n % 250}",
                                                 "at": now - timedelta(seconds=200 - n)} for n in range(200)])
    with store.read() as conn:
        assert login_wait(conn, "li", "192.168.1.7", now) == LONGEST_WAIT - 1  # the last came a second ago
    with pytest.raises(LoginDelayed):
        authenticate(store, "li", PASSWORD, "192.168.1.7", now)
    # a minute after the attacker's last try, the chief's password is checked, and it is right
    user = authenticate(store, "li", PASSWORD, "192.168.1.7", now + timedelta(seconds=LONGEST_WAIT))
    assert user is not None and user.name == "li"


def test_failures_older_than_the_window_are_pruned_when_one_is_recorded(desk) -> None:
    _, store, _, _ = desk
    now = utcnow()
    with store.begin() as conn:
        conn.execute(insert(t.login_failures).values(name="wang", address="10.0.0.1", at=now - WINDOW - timedelta(minutes=1)))
    assert authenticate(store, "wang", "guess", "10.0.0.2", now) is None
    with store.read() as conn:
        assert [r.address for r in conn.execute(select(t.login_failures))] == ["10.0.0.2"]


def test_the_password_is_checked_while_other_writers_can_write(desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """The slow hash runs outside any write transaction: a writer elsewhere gets the lock at once."""
    _, store, _, _ = desk
    database = str(store.engine.url.database)
    real = users.HASHER
    writes: list[str] = []

    class Hasher:
        def verify(self, hashed: str, password: str) -> bool:
            other = sqlite3.connect(database, timeout=0.2, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                writes.append("written")
            except sqlite3.OperationalError as exc:
                writes.append(str(exc))
            finally:
                other.close()
            return real.verify(hashed, password)

        def check_needs_rehash(self, hashed: str) -> bool:
            return False

    monkeypatch.setattr(users, "HASHER", Hasher())
    assert authenticate(store, "wang", PASSWORD, "10.0.0.1", utcnow()) is not None
    assert authenticate(store, "wang", "guess", "10.0.0.1", utcnow()) is None
    assert writes == ["written", "written"]


def test_attempts_arriving_together_get_one_password_check_per_wait(desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """8 wrong passwords for a name at its 5th failure arrive at once: the first is checked, and
    the others already count it and wait, instead of each getting a check of its own."""
    _, store, _, _ = desk
    now = utcnow()
    with store.begin() as conn:  # five failures, the wait after them over
        conn.execute(insert(t.login_failures), [{"name": "wang", "address": f"10.0.0.{n}",
                                                 "at": now - timedelta(seconds=10)} for n in range(5)])
    real = users.HASHER
    checks: list[str] = []

    class Hasher:
        def verify(self, hashed: str, password: str) -> bool:
            checks.append(password)
            time.sleep(0.3)  # the check takes a while, as argon2's does: the others arrive meanwhile
            return real.verify(hashed, password)

    monkeypatch.setattr(users, "HASHER", Hasher())
    together = threading.Barrier(8)
    outcomes: list[str] = []

    def attempt(n: int) -> None:
        together.wait()
        try:
            outcomes.append("checked" if authenticate(store, "wang", f"guess {n}", f"10.1.0.{n}", now) is None
                            else "logged in")
        except LoginDelayed:
            outcomes.append("delayed")

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(checks) == 1 and sorted(outcomes) == ["checked"] + ["delayed"] * 7
    with store.read() as conn:
        assert login_wait(conn, "wang", "10.1.0.9", now) == 2  # the 6th failure counts


@contextmanager
def served(root: Path, trusted_proxies: tuple[str, ...] = ()) -> Iterator[str]:
    """The desk as `kitchen desk` serves it (uvicorn, `server_config`) on a free port of 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(server_config(create_app(root), "127.0.0.1", port, trusted_proxies))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the desk did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def http_log_in(client: httpx.Client, name: str, password: str, **headers: str) -> httpx.Response:
    page = client.get("/login")
    token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    return client.post("/login", data={"name": name, "password": password, "csrf": token}, headers=headers)


def recorded_addresses(store: t.Store) -> list[str]:
    with store.read() as conn:
        return [r.address for r in conn.execute(select(t.login_failures).order_by(t.login_failures.c.id))]


def test_a_forwarded_for_header_does_not_change_the_counted_address(desk) -> None:
    newsroom, store, _, _ = desk
    with served(newsroom.root) as url, httpx.Client(base_url=url) as client:
        assert http_log_in(client, "wang", "guess", **{"X-Forwarded-For": "1.2.3.4"}).status_code == 401
    assert recorded_addresses(store) == ["127.0.0.1"]
    with served(newsroom.root, ("127.0.0.1",)) as url, httpx.Client(base_url=url) as client:  # a trusted proxy's
        assert http_log_in(client, "wang", "guess", **{"X-Forwarded-For": "1.2.3.4"}).status_code == 401
    assert recorded_addresses(store) == ["127.0.0.1", "1.2.3.4"]


def saved_session(client: TestClient, story_id: int) -> tuple[str, str]:
    """The session cookie and the CSRF token of a logged-in client, as an attacker would copy them."""
    return client.cookies["kitchen_desk"], csrf_of(client, f"/stories/{story_id}")


def replayed(client: TestClient, cookie: str, token: str, story_id: int) -> Any:
    thief = TestClient(client.app, follow_redirects=False, cookies={"kitchen_desk": cookie})
    return thief.post(f"/stories/{story_id}/do/submit", data={"csrf": token})


def test_a_cookie_saved_before_logout_no_longer_works(desk) -> None:
    _, store, (a, _), client = desk
    log_in(client, "wang")
    cookie, token = saved_session(client, a)
    assert client.post("/logout", data={"csrf": token}).status_code == 303
    refused = replayed(client, cookie, token, a)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
    with store.read() as conn:
        assert snapshot(conn, a).story.state == "draft"


@pytest.mark.parametrize("change", ["password", "role"])
def test_a_password_or_role_change_ends_the_users_sessions(desk, change: str) -> None:
    _, store, (a, _), client = desk
    log_in(client, "wang")
    cookie, token = saved_session(client, a)
    with store.begin() as conn:
        if change == "password":
            set_password(conn, "wang", "a new good password")
        else:
            set_role(conn, "wang", "chief")
    assert replayed(client, cookie, token, a).status_code == 303
    assert client.get("/").status_code == 303  # the user's own browser too: log in again
    with store.read() as conn:
        assert snapshot(conn, a).story.state == "draft"


def test_a_disabled_user_cannot_log_in_or_use_an_old_cookie(desk) -> None:
    newsroom, store, (a, _), client = desk
    log_in(client, "wang")
    cookie, token = saved_session(client, a)

    def kitchen(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pipeline.cli", "--newsroom", str(newsroom.root), "users", *args],
                              capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": os.getcwd()})

    disabled = kitchen("disable", "wang")
    assert disabled.returncode == 0 and "wang" in disabled.stdout
    assert replayed(client, cookie, token, a).status_code == 303
    assert log_in(TestClient(client.app, follow_redirects=False), "wang").status_code == 401
    assert "wang editor 编辑 已停用" in " ".join(kitchen("list").stdout.split())
    with store.read() as conn:
        assert users.get_user(conn, "wang").disabled  # type: ignore[union-attr]
    assert kitchen("disable", "nobody").returncode != 0
    assert kitchen("enable", "wang").returncode == 0
    assert log_in(TestClient(client.app, follow_redirects=False), "wang").status_code == 303
    with store.read() as conn:
        assert snapshot(conn, a).story.state == "draft"


def test_ids_no_story_can_have_are_404(desk) -> None:
    _, _, _, client = desk
    log_in(client, "wang")
    huge = "9" * 20
    token = csrf_of(client, "/")
    assert client.get(f"/stories/{huge}").status_code == 404
    assert client.get(f"/stories/{huge}/preview").status_code == 404
    assert client.post(f"/stories/{huge}/do/submit", data={"csrf": token}).status_code == 404
    assert client.post(f"/stories/{huge}/edit", data={"csrf": token, "title": "标题", "body": "正文",
                                                     "station": "qiaotou-dongcun"}).status_code == 404


@pytest.mark.parametrize(("title", "body", "reason"), [
    ("长" * 121, "正文。", "标题太长：121 个字，最多 120 个字"),
    ("标题\x01\x08", "正文。", "标题里有不可见的控制字符（U+0001 U+0008）"),
    ("标题", "正文\x1b[31m\x00", "正文里有不可见的控制字符（U+0000 U+001B）"),
])
def test_a_title_too_long_or_text_with_control_characters_is_refused(desk, title: str, body: str, reason: str) -> None:
    _, store, (a, _), client = desk
    log_in(client, "wang")
    token = csrf_of(client, f"/stories/{a}")
    refused = client.post(f"/stories/{a}/edit", data={"csrf": token, "title": title, "body": body,
                                                     "station": "qiaotou-dongcun"})
    assert refused.status_code == 400 and reason in refused.text
    with store.read() as conn:
        assert snapshot(conn, a).revision.number == 1
    assert client.post(f"/stories/{a}/edit", data={"csrf": token, "title": "长" * 120, "body": "正文\t分栏。",
                                                  "station": "qiaotou-dongcun"}).status_code == 303


def test_media_does_not_follow_links(tmp_path: Path) -> None:
    root = make_newsroom(tmp_path / "newsroom")
    write_report(root, "a.md")
    newsroom = load_newsroom(root)
    store = t.open_store(newsroom)
    (a,) = ingest_all(newsroom, store, now=NOW).story_ids
    with store.begin() as conn:
        add_user(conn, "wang", "editor", PASSWORD, utcnow())
    client = TestClient(create_app(root), follow_redirects=False)
    log_in(client, "wang")
    (root / "media" / "ab").mkdir(parents=True)
    regular, linked = "ab/" + "a" * 62 + "b0.jpg", "ab/" + "a" * 62 + "b1.jpg"
    (root / "media" / regular).write_bytes(b"\xff\xd8\xff")
    (root / "media" / linked).symlink_to(root / "kitchen.toml")
    (root / "media" / "cd").symlink_to(root / "media" / "ab")
    assert client.get(f"/media/{regular}").status_code == 200
    assert client.get(f"/media/{linked}").status_code == 404
    assert client.get("/media/cd/" + "a" * 62 + "b0.jpg").status_code == 404  # a linked folder neither


def test_unknown_rundown_targets_and_edits_of_missing_stories_are_404(tmp_path: Path) -> None:
    _, store, (a, _), client, day = on_air_desk(tmp_path)
    assert client.get(f"/broadcast?day={day}&slot=morning&target=nowhere").status_code == 404
    assert client.get(f"/broadcast?day={day}&slot=midnight").status_code == 404  # no such slot
    assert client.get("/broadcast?day=0001-01-01").status_code == 404
    token = csrf_of(client, "/broadcast")
    unit = f"broadcast:{day}:morning:qiaotou"
    for ref in ("99999", "9" * 20):
        answer = client.post("/broadcast/edit", data={"csrf": token, "unit": unit, "ref": ref, "op": "drop"})
        assert answer.status_code == 404
    answer = client.post("/broadcast/edit", data={"csrf": token, "unit": "broadcast:0001-01-01:morning:qiaotou",
                                                  "ref": str(a), "op": "drop"})
    assert answer.status_code == 404
    with store.read() as conn:
        assert not [e for e in story_events(conn, 99999)]
        assert not conn.execute(select(t.events).where(t.events.c.action == "rundown-edit")).first()


def test_a_login_flood_from_12_clients_does_not_stop_an_editor_approving(tmp_path: Path) -> None:
    """12 clients (each its own address through a trusted proxy, each attempt a new name, so every
    one costs a full hash) send wrong passwords while an editor approves six stories: every approval
    goes through, nothing answers 500. The editor's latencies are printed, not judged."""
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss"]')
    for n, (title, body) in enumerate([("东村开展板凳课堂理论宣讲", "东村60余名村民参加宣讲。"),
                                       ("新桥村志愿者清扫河道", "新桥村30名志愿者沿河清理垃圾。"),
                                       ("刘家村举办移风易俗宣讲", "刘家村红白理事会向村民宣讲婚事新办。"),
                                       ("白沙镇举行老年人健康义诊", "县医院医生为200多位老人测血压、量血糖。"),
                                       ("桥头镇文艺小分队下乡演出", "小分队带来快板、淮剧和广场舞。"),
                                       ("西庄村开设农民夜校", "农技员讲解冬季小麦田间管理。")]):
        write_report(root, f"r{n}.md", title=title, body=body)
    newsroom = load_newsroom(root)
    store = t.open_store(newsroom)
    ids = ingest_all(newsroom, store, now=NOW).story_ids
    with store.begin() as conn:
        add_user(conn, "wang", "editor", PASSWORD, utcnow())
    flood_answers: list[int] = []
    latencies: list[float] = []
    approvals: list[int] = []
    with served(root, ("127.0.0.1",)) as url:
        editor = httpx.Client(base_url=url)
        assert http_log_in(editor, "wang", PASSWORD).status_code == 303
        token = editor.get(f"/stories/{ids[0]}").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        started = threading.Barrier(13)

        def flood(client_number: int) -> None:
            with httpx.Client(base_url=url, timeout=60) as attacker:
                started.wait()
                for attempt in range(4):
                    answer = http_log_in(attacker, f"guess-{client_number}-{attempt}", "wrong password",
                                         **{"X-Forwarded-For": f"10.9.{client_number}.{attempt}"})
                    flood_answers.append(answer.status_code)

        attackers = [threading.Thread(target=flood, args=(n,)) for n in range(12)]
        for attacker in attackers:
            attacker.start()
        started.wait()
        assert len(ids) == 6
        for story_id in ids:
            began = time.perf_counter()
            answer = editor.post(f"/stories/{story_id}/do/approve", data={"csrf": token, "channels": ["web"]})
            latencies.append(time.perf_counter() - began)
            approvals.append(answer.status_code)
        for attacker in attackers:
            attacker.join(timeout=120)
        editor.close()
    print("editor's approvals during the flood (ms):", [round(s * 1000) for s in latencies],
          f"flood answers: {sorted(set(flood_answers))} x{len(flood_answers)}")
    assert approvals == [303] * len(ids)
    assert len(flood_answers) == 48 and set(flood_answers) <= {401, 429}
    with store.read() as conn:
        assert {snapshot(conn, story_id).story.state for story_id in ids} == {"approved"}


def test_the_site_widths_the_preview_links_are_served_by_their_exact_name_only(tmp_path: Path) -> None:
    """`/media/xx/<16 hex>-<width>.jpg` comes from the site's image cache: the folder must be the
    name's first two characters, nothing else in the cache is reachable, links are not followed,
    and without a session only a path the preview signed opens."""
    root = make_newsroom(tmp_path / "newsroom")
    client = TestClient(create_app(root), follow_redirects=False)
    cache = root / "site" / "image-cache" / "media"
    (cache / "ab").mkdir(parents=True)
    good = "ab/ab" + "0" * 14 + "-960.jpg"
    (cache / good).write_bytes(b"\xff\xd8\xff")
    (cache / ("ab/ab" + "1" * 14 + "-480.jpg")).symlink_to(root / "kitchen.toml")
    (cache / "secret.txt").write_text("no", encoding="utf-8")
    assert client.get(f"/media/{good}").status_code == 303  # a login first
    with t.open_store(load_newsroom(root)).begin() as conn:
        add_user(conn, "wang", "editor", PASSWORD, utcnow())
    log_in(client, "wang")
    assert client.get(f"/media/{good}").status_code == 200
    for bad in ("cd/ab" + "0" * 14 + "-960.jpg", "ab/ab" + "1" * 14 + "-480.jpg", "ab/ab" + "0" * 14 + "-960.png",
                "ab/ab" + "0" * 14 + "-0960.jpg", "ab/../secret.txt", "ab/ab" + "0" * 13 + "-960.jpg"):
        assert client.get(f"/media/{bad}").status_code == 404, bad
    client.cookies.clear()
    signer = client.app.state.preview_signer  # type: ignore[attr-defined]
    assert client.get(f"/media/{good}?preview={signer.dumps(good)}").status_code == 200
    assert client.get(f"/media/{good}?preview={signer.dumps('ab/ab' + '1' * 14 + '-960.jpg')}").status_code == 303
    forged = client.app.state.signer.dumps(good)  # type: ignore[attr-defined]  # a session token is no preview's
    assert client.get(f"/media/{good}?preview={forged}").status_code == 303
    full = "ab/" + "a" * 64 + ".jpg"  # a stored original is never opened by a preview's signature
    assert client.get(f"/media/{full}?preview={signer.dumps(full)}").status_code == 303
