"""The publication ledger and scheduler with the export channel: due times, idempotent delivery,
HMAC-signed POSTs, retries with backoff, permanent failures, isolation between channels, kill and
correction, locks and leases."""

from __future__ import annotations

import json
import socket
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from filelock import FileLock
from sqlalchemy import func, select

from pipeline import ledger
from pipeline import store as t
from pipeline.config import load_newsroom
from pipeline.ingest import ingest_all
from pipeline.locks import Busy, lock_for
from pipeline.model import StoryDraft
from pipeline.render.site import pages as site_pages
from pipeline.schedule import describe, publish_due
from pipeline.store import open_store
from pipeline.stories import Actor, create_story, get_story, snapshot, story_events
from pipeline.workflow import perform
from tests.conftest import NOW, make_newsroom, replace_in_config, write_report
from tests.partner import SECRET, running_partner

EDITOR = Actor("王编辑", "editor")
CHIEF = Actor("李主任", "chief")


def ingest_stories(newsroom, store, newsroom_dir: Path, n: int = 1) -> list[int]:
    for i in range(n):
        write_report(newsroom_dir, f"r{i:03}.md", title=f"第{i + 1}篇活动报道",
                     body=f"第{i + 1}次志愿服务活动，{10 + i}名志愿者参加。")
    return ingest_all(newsroom, store, now=NOW).story_ids


def approve(store, newsroom, story_id: int, at=None, channels=None) -> None:
    with store.begin() as conn:
        perform(conn, newsroom, story_id, "approve", EDITOR, NOW, at=at, channels=channels)


def rows(store, story_id: int | None = None) -> dict[str, ledger.Publication]:
    with store.begin() as conn:
        return {p.channel: p for p in ledger.list_publications(conn, story_id=story_id)}


def configure_export(newsroom_dir: Path, url: str, extra_channels: str = "") -> None:
    replace_in_config(newsroom_dir, '\nurl = ""', f'\nurl = "{url}"')
    if extra_channels:
        with (newsroom_dir / "kitchen.toml").open("a", encoding="utf-8") as handle:
            handle.write(extra_channels)


@contextmanager
def approved_story_with_partner(newsroom_dir: Path, monkeypatch, *config_edits: tuple[str, str]):
    """One approved story in a newsroom whose export channel POSTs to a running test partner."""
    monkeypatch.setenv("KITCHEN_EXPORT_SECRET", SECRET)
    with running_partner() as partner:
        configure_export(newsroom_dir, partner.url)
        for old, new in config_edits:
            replace_in_config(newsroom_dir, old, new)
        newsroom = load_newsroom(newsroom_dir)
        store = open_store(newsroom)
        (story_id,) = ingest_stories(newsroom, store, newsroom_dir)
        approve(store, newsroom, story_id)
        yield partner, newsroom, store, story_id


def test_a_scheduled_story_does_not_go_out_before_its_time(newsroom, store, newsroom_dir) -> None:
    (story_id,) = ingest_stories(newsroom, store, newsroom_dir)
    approve(store, newsroom, story_id, at=NOW + timedelta(hours=22))
    assert publish_due(newsroom, store, now=NOW + timedelta(hours=21, minutes=59)).published == 0
    assert not (newsroom_dir / "outbox").exists()
    assert publish_due(newsroom, store, now=NOW + timedelta(hours=22)).published == 1
    document = json.loads((newsroom_dir / "outbox/export" / f"story-{story_id}" / "rev-1.json").read_text("utf-8"))
    assert document["headlines"] == [{"value": "第1篇活动报道"}]
    assert document["uri"] == f"urn:kitchen:news.test.example.cn:story:{story_id}"
    assert document["pubstatus"] == "usable" and document["version"] == "1"
    assert document["language"] == "zh-CN"
    assert document["subjects"] == [{"name": "理论宣讲", "uri": "theme:xuanjiang"}]
    assert document["places"][0]["name"] == "东村新时代文明实践站"
    with store.begin() as conn:
        assert get_story(conn, story_id).state == "published"
    assert publish_due(newsroom, store, now=NOW + timedelta(days=2)).total == 0


def test_the_ledger_row_records_what_went_out(newsroom, store, newsroom_dir) -> None:
    (story_id,) = ingest_stories(newsroom, store, newsroom_dir)
    approve(store, newsroom, story_id)
    publish_due(newsroom, store, now=NOW)
    row = rows(store)["export"]
    path = newsroom_dir / row.receipt["path"]
    assert (row.state, row.attempts, row.published_revision, row.published_at) == ("done", 1, 1, NOW)
    assert row.output_hash == row.receipt["sha256"]
    import hashlib
    assert hashlib.sha256(path.read_bytes()).hexdigest() == row.output_hash


def test_images_travel_with_the_document(newsroom, store, newsroom_dir) -> None:
    from PIL import Image

    Image.new("RGB", (300, 200), "green").save(newsroom_dir / "inbox" / "p.jpg", "JPEG")
    write_report(newsroom_dir, "a.md", extra="images:\n  - file: p.jpg\n    caption: 活动现场\n")
    (story_id,) = ingest_all(newsroom, store, now=NOW).story_ids
    approve(store, newsroom, story_id)
    publish_due(newsroom, store, now=NOW)
    folder = newsroom_dir / "outbox/export" / f"story-{story_id}"
    document = json.loads((folder / "rev-1.json").read_text("utf-8"))
    picture = document["associations"]["picture1"]
    assert picture["headlines"] == [{"value": "活动现场"}]
    original = picture["renditions"]["original"]
    assert (original["width"], original["height"], original["contenttype"]) == (300, 200, "image/jpeg")
    assert (folder / original["href"]).read_bytes() == (newsroom_dir / "inbox/_done/p.jpg").read_bytes()


def test_renditions_are_deterministic_and_rerendered_only_when_revision_or_recipe_changes(newsroom, store, newsroom_dir) -> None:
    from pipeline.render import ensure_rendition

    (story_id,) = ingest_stories(newsroom, store, newsroom_dir)
    with store.begin() as conn:
        first = ensure_rendition(conn, newsroom, story_id, 1, "ninjs", NOW)
        again = ensure_rendition(conn, newsroom, story_id, 1, "ninjs", NOW + timedelta(hours=1))
        assert again.content == first.content
        assert conn.execute(select(func.count()).select_from(t.renditions)).scalar() == 1
    replace_in_config(newsroom_dir, 'title = "测试县融媒体中心"', 'title = "测试县融媒体中心（新）"')
    renamed = load_newsroom(newsroom_dir)
    with store.begin() as conn:
        changed = ensure_rendition(conn, renamed, story_id, 1, "ninjs", NOW)
        (row,) = conn.execute(select(t.renditions)).all()
    assert changed.sha256 != first.sha256 and row.sha256 == changed.sha256
    assert json.loads(changed.content)["copyrightholder"] == "测试县融媒体中心（新）"


def test_posts_are_signed_and_carry_an_idempotency_key(newsroom_dir, monkeypatch) -> None:
    with approved_story_with_partner(newsroom_dir, monkeypatch) as (partner, newsroom, store, story_id):
        assert publish_due(newsroom, store, now=NOW).published == 1
        (request,) = partner.requests
        assert request["valid"]
        assert request["key"] == f"urn:kitchen:news.test.example.cn:story:{story_id}#1"
        assert request["body"] == (newsroom_dir / "outbox/export" / f"story-{story_id}/rev-1.json").read_bytes()
        assert rows(store)["export"].receipt["http_status"] == 200


def test_transient_failures_retry_with_capped_backoff_then_succeed(newsroom_dir, monkeypatch) -> None:
    edit = ("backoff_cap_seconds = 3600", "backoff_cap_seconds = 100")
    with approved_story_with_partner(newsroom_dir, monkeypatch, edit) as (partner, newsroom, store, story_id):
        partner.fail_next = [503, 503, 429, 502]
        moment, waits = NOW, []
        for _ in range(4):
            assert publish_due(newsroom, store, now=moment).retrying == 1
            row = rows(store)["export"]
            assert row.state == "pending" and "HTTP" in row.last_error
            waits.append((row.next_attempt_at - moment).total_seconds())
            assert publish_due(newsroom, store, now=row.next_attempt_at - timedelta(seconds=1)).total == 0
            moment = row.next_attempt_at
        assert waits == [30, 60, 100, 100]  # 30 s doubling, capped at 100 s
        assert publish_due(newsroom, store, now=moment).published == 1
        row = rows(store)["export"]
        assert (row.state, row.attempts, row.last_error) == ("done", 5, None)
        assert len(partner.stored) == 1


def test_a_permanent_failure_is_failed_listed_and_retried_by_hand(newsroom_dir, monkeypatch) -> None:
    from tests.conftest import Kitchen

    with approved_story_with_partner(newsroom_dir, monkeypatch) as (partner, newsroom, store, story_id):
        partner.fail_next = [400]
        summary = publish_due(newsroom, store, now=NOW)
        assert summary.failed == 1
        row = rows(store)["export"]
        assert row.state == "failed" and "HTTP 400" in row.last_error
        kitchen = Kitchen(newsroom_dir)
        listing = kitchen("publish", "--failed")
        assert f"{row.id}" in listing and "HTTP 400" in listing
        assert f"第{row.id}行（稿件 {story_id}（第1版），外发）已重新排队" in kitchen("publish", "--retry", str(row.id))
        assert publish_due(newsroom, store).published == 1
        assert rows(store)["export"].state == "done"


def test_giving_up_after_max_attempts(newsroom_dir, monkeypatch) -> None:
    edit = ("max_attempts = 8", "max_attempts = 2")
    with approved_story_with_partner(newsroom_dir, monkeypatch, edit) as (partner, newsroom, store, story_id):
        partner.fail_next = [500, 500]
        publish_due(newsroom, store, now=NOW)
        assert publish_due(newsroom, store, now=NOW + timedelta(hours=1)).failed == 1
        row = rows(store)["export"]
        assert row.state == "failed" and row.last_error.startswith("尝试2次后放弃：")


def test_a_failing_channel_never_blocks_the_others(newsroom_dir, monkeypatch) -> None:
    monkeypatch.setenv("KITCHEN_EXPORT_SECRET", SECRET)
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        dead_port = unused.getsockname()[1]
    replace_in_config(newsroom_dir, 'channels = ["export"]', 'channels = ["province", "export"]')
    with (newsroom_dir / "kitchen.toml").open("a", encoding="utf-8") as handle:
        handle.write(f'\n[channels.province]\nkind = "export"\nurl = "http://127.0.0.1:{dead_port}/x"\ntimeout_seconds = 2\n')
    newsroom = load_newsroom(newsroom_dir)
    store = open_store(newsroom)
    story_ids = ingest_stories(newsroom, store, newsroom_dir, n=6)
    for story_id in story_ids:
        approve(store, newsroom, story_id)
    summary = publish_due(newsroom, store, now=NOW)
    assert summary.published == 6  # every story went out on export
    assert summary.retrying == 3 and summary.skipped == 3  # the breaker stops hammering the dead one
    for story_id in story_ids:
        by_channel = rows(store, story_id)
        assert by_channel["export"].state == "done"
        assert by_channel["province"].state == "pending" and by_channel["province"].next_attempt_at > NOW
    assert (newsroom_dir / "outbox/province").is_dir()  # its outbox part did happen; the POST did not


def test_kill_takes_the_story_down_on_the_channels_that_carried_it(newsroom_dir, monkeypatch) -> None:
    monkeypatch.setenv("KITCHEN_EXPORT_SECRET", SECRET)
    with running_partner() as partner:
        configure_export(newsroom_dir, partner.url)
        newsroom = load_newsroom(newsroom_dir)
        store = open_store(newsroom)
        published, scheduled = ingest_stories(newsroom, store, newsroom_dir, n=2)
        approve(store, newsroom, published)
        approve(store, newsroom, scheduled, at=NOW + timedelta(days=1))
        publish_due(newsroom, store, now=NOW)
        with store.begin() as conn:
            perform(conn, newsroom, published, "kill", CHIEF, NOW, note="信息有误")
            perform(conn, newsroom, scheduled, "kill", CHIEF, NOW, note="活动取消")
        summary = publish_due(newsroom, store, now=NOW + timedelta(days=2))
        assert (summary.retracted, summary.published) == (1, 0)
        canceled = json.loads((newsroom_dir / "outbox/export" / f"story-{published}/canceled.json").read_text("utf-8"))
        assert canceled["pubstatus"] == "canceled" and canceled["version"] == "1"
        assert partner.requests[-1]["key"].endswith(f"story:{published}#canceled")
        assert rows(store, published)["export"].state == "done" and rows(store, published)["export"].action == "retract"
        assert rows(store, scheduled)["export"].state == "cancelled"
        assert not (newsroom_dir / "outbox/export" / f"story-{scheduled}").exists()


def test_a_correction_updates_the_same_story_everywhere_it_went(newsroom, store, newsroom_dir) -> None:
    from dataclasses import replace

    (story_id,) = ingest_stories(newsroom, store, newsroom_dir)
    approve(store, newsroom, story_id)
    publish_due(newsroom, store, now=NOW)
    with store.begin() as conn:
        content = snapshot(conn, story_id).revision.content
        perform(conn, newsroom, story_id, "correct", CHIEF, NOW + timedelta(hours=1), note="参加人数有误",
                draft=replace(content, body_md="第1次志愿服务活动，12名志愿者参加。\n"))
    assert publish_due(newsroom, store, now=NOW + timedelta(hours=1)).published == 1
    folder = newsroom_dir / "outbox/export" / f"story-{story_id}"
    first, second = (json.loads((folder / f"rev-{n}.json").read_text("utf-8")) for n in (1, 2))
    assert first["uri"] == second["uri"] and second["version"] == "2"
    assert second["ednote"] == "更正（第2版）：参加人数有误"
    assert "12名志愿者" in second["bodies"][1]["value"]
    assert rows(store)["export"].published_revision == 2


def test_publishing_refuses_to_run_twice_at_once(newsroom, store, kitchen) -> None:
    lock = lock_for(newsroom, "publish")
    with lock:
        with pytest.raises(Busy):
            publish_due(newsroom, store, now=NOW)
        output = kitchen("publish", "--due")  # exit 0: an overlapping cron run is not an error
        assert "发布：跳过，另一个 kitchen publish 或 kitchen run 正在发布" in output


def test_rows_claimed_by_a_dead_local_process_are_resumed_at_once(newsroom, store, newsroom_dir) -> None:
    (story_id,) = ingest_stories(newsroom, store, newsroom_dir)
    approve(store, newsroom, story_id)
    dead_owner = f"{socket.gethostname()}:999999999:deadbeef"
    with store.begin() as conn:
        assert len(ledger.claim_due(conn, dead_owner, NOW, timedelta(hours=1), 10)) == 1
    summary = publish_due(newsroom, store, now=NOW + timedelta(seconds=1))
    assert (summary.released_leases, summary.published) == (1, 1)


def test_rows_claimed_on_another_machine_wait_for_their_lease(newsroom, store, newsroom_dir) -> None:
    (story_id,) = ingest_stories(newsroom, store, newsroom_dir)
    approve(store, newsroom, story_id)
    with store.begin() as conn:
        ledger.claim_due(conn, "other-host:123:cafe", NOW, timedelta(minutes=5), 10)
    assert publish_due(newsroom, store, now=NOW + timedelta(minutes=4)).total == 0
    assert publish_due(newsroom, store, now=NOW + timedelta(minutes=5, seconds=1)).published == 1


def test_a_delivery_whose_lease_ran_out_and_was_taken_over_is_dropped(newsroom, store, newsroom_dir) -> None:
    (story_id,) = ingest_stories(newsroom, store, newsroom_dir)
    approve(store, newsroom, story_id)
    lease = timedelta(minutes=5)
    with store.begin() as conn:
        (slow,) = ledger.claim_due(conn, "a:1:slow", NOW, lease, 10)
        (fast,) = ledger.claim_due(conn, "b:2:fast", NOW + lease + timedelta(seconds=1), lease, 10)
        assert fast.id == slow.id
        assert not ledger.start_attempt(conn, slow.id, "a:1:slow", None, NOW + lease, lease)
        assert not ledger.mark_done(conn, slow, "a:1:slow", {}, NOW + lease)
        assert ledger.start_attempt(conn, fast.id, "b:2:fast", None, NOW + lease, lease)
        assert ledger.get_publication(conn, fast.id).lease_until == NOW + 2 * lease


def test_a_claim_is_never_taken_twice(newsroom, store, newsroom_dir) -> None:
    for story_id in ingest_stories(newsroom, store, newsroom_dir, n=3):
        approve(store, newsroom, story_id)
    with store.begin() as conn:
        first = ledger.claim_due(conn, "a:1:x", NOW, timedelta(minutes=5), 2)
        second = ledger.claim_due(conn, "b:2:y", NOW, timedelta(minutes=5), 10)
        third = ledger.claim_due(conn, "c:3:z", NOW, timedelta(minutes=5), 10)
    assert len(first) == 2 and len(second) == 1 and third == []
    assert not {p.id for p in first} & {p.id for p in second}


def test_dry_run_lists_without_publishing(newsroom, store, newsroom_dir, kitchen) -> None:
    (story_id,) = ingest_stories(newsroom, store, newsroom_dir)
    approve(store, newsroom, story_id, at=NOW + timedelta(days=1))
    output = kitchen("publish", "--dry-run", "--now", "2026-12-01 08:00")
    assert f"待发：稿件 {story_id}（第1版） → 外发（发布，2026-11-30 10:00到期）" in output
    assert rows(store)["export"].state == "pending"


def test_the_daemon_ingests_and_publishes(newsroom_dir) -> None:
    from pipeline.schedule import Daemon

    newsroom = load_newsroom(newsroom_dir)
    store = open_store(newsroom)
    write_report(newsroom_dir, "a.md")
    lines: list[str] = []
    Daemon(newsroom, store, lines.append).run(max_cycles=1)
    assert lines == ["采集：新稿 1 篇，已收过 0 篇，隔离 0 个"]
    with store.begin() as conn:
        perform(conn, newsroom, 1, "approve", EDITOR, NOW)
    Daemon(newsroom, store, lines.append).run(max_cycles=1)
    assert lines[-1].startswith("发布：发布1条")
    with FileLock(str(newsroom.runtime_dir / "daemon.lock")).acquire(timeout=0), \
            pytest.raises(Busy, match="已经有一个 kitchen run 在运行"):
        Daemon(newsroom, store, lines.append).run(max_cycles=1)


def test_a_redirect_is_not_taken_for_a_delivery(newsroom_dir, monkeypatch) -> None:
    with approved_story_with_partner(newsroom_dir, monkeypatch) as (partner, newsroom, store, story_id):
        partner.fail_next = [301]
        assert publish_due(newsroom, store, now=NOW).failed == 1
        row = rows(store)["export"]
        assert row.state == "failed" and "HTTP 301，被重定向到" in row.last_error


def test_a_row_that_keeps_killing_its_publisher_is_failed(newsroom, store, newsroom_dir) -> None:
    (story_id,) = ingest_stories(newsroom, store, newsroom_dir)
    approve(store, newsroom, story_id)
    for attempt in range(newsroom.publish.max_attempts):  # each time the worker died mid-delivery
        dead = f"{socket.gethostname()}:99999999{attempt}:dead"
        with store.begin() as conn:
            ledger.release_dead_local_leases(conn, NOW)
            (pub,) = ledger.claim_due(conn, dead, NOW, timedelta(minutes=5), 10)
            assert ledger.start_attempt(conn, pub.id, dead, None, NOW, timedelta(minutes=5))
    summary = publish_due(newsroom, store, now=NOW)
    assert (summary.failed, summary.published) == (1, 0)
    row = rows(store)["export"]
    assert row.state == "failed" and "发送程序在发送途中停止（崩溃或被终止）" in row.last_error


def test_withdraw_after_a_crashed_publisher_frees_its_claim(newsroom, store, newsroom_dir) -> None:
    (story_id,) = ingest_stories(newsroom, store, newsroom_dir)
    approve(store, newsroom, story_id)
    with store.begin() as conn:
        ledger.claim_due(conn, f"{socket.gethostname()}:999999999:dead", NOW, timedelta(hours=1), 10)
        perform(conn, newsroom, story_id, "withdraw", EDITOR, NOW)
    assert rows(store)["export"].state == "cancelled"


def test_publish_now_looks_ahead_but_records_real_times(kitchen, newsroom, store, newsroom_dir) -> None:
    (story_id,) = ingest_stories(newsroom, store, newsroom_dir)
    approve(store, newsroom, story_id, at=NOW + timedelta(days=400))
    kitchen("publish", "--now", "2099-01-01 00:00")
    row = rows(store)["export"]
    assert row.state == "done"
    assert row.published_at < NOW + timedelta(days=30)  # the real clock, not 2099


def test_status_next_due_waits_for_the_retry_time(kitchen, newsroom_dir, monkeypatch) -> None:
    with approved_story_with_partner(newsroom_dir, monkeypatch) as (partner, newsroom, store, story_id):
        partner.fail_next = [503]
        publish_due(newsroom, store, now=NOW)
        retry_at = rows(store)["export"].next_attempt_at
        assert f"下次到期：{(retry_at + timedelta(hours=8)):%Y-%m-%d %H:%M}" in kitchen("status")


def pages_on_site(live: Path) -> set[int]:
    """The stories with an article page (`/2026/11/12-slug/index.html`) in the live build."""
    return {int(page.parent.name.split("-")[0]) for page in live.glob("[0-9]*/[0-9]*/*/index.html")}


def test_a_poisoned_story_among_fifty_good_ones_is_left_out_and_the_rest_go_live(tmp_path: Path) -> None:
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss"]')
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    good = []
    with store.begin() as conn:
        for i in range(50):
            draft = StoryDraft(title=f"第{i + 1}篇活动报道", body_md=f"第{i + 1}次志愿服务活动，{10 + i}名志愿者参加。\n",
                               station_id="qiaotou-dongcun", dateline=NOW - timedelta(hours=60 - i))
            good.append(create_story(conn, draft, EDITOR, NOW - timedelta(hours=60 - i)))
        # an old row, stored before every door cleaned text: written straight into the store
        poisoned = create_story(conn, StoryDraft(title="坏\x01标题\x08\x1b\x00", body_md="正文\x00\x1b[31m红\x08\n",
                                                 station_id="qiaotou-dongcun", dateline=NOW), EDITOR, NOW)
    for story_id in [*good, poisoned]:
        approve(store, newsroom, story_id, channels=["web", "rss"])
    summary = publish_due(newsroom, store, now=NOW)
    assert summary.published == 100 and summary.failed == 2 and not summary.flush_errors
    after = rows(store, poisoned)
    assert {after["web"].state, after["rss"].state} == {"failed"}
    for row in after.values():
        assert f"稿件 {poisoned} 第 1 版含有控制字符" in row.last_error
        assert "标题：U+0000 U+0001 U+0008 U+001B" in row.last_error
    live = root / "site" / "live"
    assert pages_on_site(live) == set(good)
    with store.read() as conn:
        assert {get_story(conn, story_id).state for story_id in good} == {"published"}
    feed = feedparser.parse((live / "feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 20  # the newest 20, all good
    assert {e.title for e in feed.entries} == {f"第{i + 1}篇活动报道" for i in range(30, 50)}


def test_a_story_whose_page_fails_in_the_build_is_left_out_reported_and_the_rest_go_live(
        tmp_path: Path, monkeypatch) -> None:
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss"]')
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    ids = ingest_stories(newsroom, store, root, 3)
    for story_id in ids:
        approve(store, newsroom, story_id)
    publish_due(newsroom, store, now=NOW)
    broken = ids[1]
    original = site_pages.article_page

    def failing(model, story):
        if story.id == broken:
            raise ValueError("template exploded")
        return original(model, story)

    monkeypatch.setattr(site_pages, "article_page", failing)
    with store.begin() as conn:  # a correction makes every page of the three be written again
        for story_id in ids:
            content = snapshot(conn, story_id).revision.content
            perform(conn, newsroom, story_id, "correct", CHIEF, NOW, note="错字",
                    draft=replace(content, title=content.title + "（更正）"))
    summary = publish_due(newsroom, store, now=NOW)
    done = summary.flushed["web"]
    assert done["left_out"] == {broken: "ValueError: template exploded"}
    assert f"稿件 {broken} 没能上网站（ValueError: template exploded）" in describe(summary)
    assert pages_on_site(root / "site" / "live") == {ids[0], ids[2]}
    with store.read() as conn:
        events = [e for e in story_events(conn, broken) if e.action == "left-out-of-site"]
        rows = {p.channel: p for p in ledger.list_publications(conn, story_id=broken)}
        others = [p.state for story_id in (ids[0], ids[2]) for p in ledger.list_publications(conn, story_id=story_id)]
    assert events and events[-1].note == "ValueError: template exploded"
    assert set(rows) == {"web", "rss"} and others == ["done"] * 4
    for row in rows.values():  # the ledger says what the site says: not live, failed with the reason
        assert (row.state, row.published_revision, row.published_at) == ("failed", None, None)
        assert row.last_error and "ValueError: template exploded" in row.last_error

    monkeypatch.setattr(site_pages, "article_page", original)
    with store.begin() as conn:  # another story's correction builds again: the failed one stays out
        content = snapshot(conn, ids[0]).revision.content
        perform(conn, newsroom, ids[0], "correct", CHIEF, NOW, note="再改", draft=replace(content, title="再次更正"))
    assert publish_due(newsroom, store, now=NOW).flushed["web"]["left_out"] == {}
    assert pages_on_site(root / "site" / "live") == {ids[0], ids[2]}
    with store.begin() as conn:  # until it is retried, and then it goes live
        for row in rows.values():
            ledger.retry_failed(conn, row.id, NOW)
    publish_due(newsroom, store, now=NOW)
    assert pages_on_site(root / "site" / "live") == set(ids)
    with store.read() as conn:
        assert {p.state for p in ledger.list_publications(conn, story_id=broken)} == {"done"}


# --- issue 13 review: a partner's delivery errors explained in Chinese, the detail after them ---

def test_a_refused_connection_is_explained_in_chinese_on_the_row_and_in_kitchen_show(newsroom_dir, monkeypatch) -> None:
    from tests.conftest import Kitchen

    monkeypatch.setenv("KITCHEN_EXPORT_SECRET", SECRET)
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        dead_port = unused.getsockname()[1]
    url = f"http://127.0.0.1:{dead_port}/ninjs"
    configure_export(newsroom_dir, url)
    newsroom = load_newsroom(newsroom_dir)
    store = open_store(newsroom)
    (story_id,) = ingest_stories(newsroom, store, newsroom_dir)
    approve(store, newsroom, story_id)
    assert publish_due(newsroom, store, now=NOW).retrying == 1
    error = rows(store)["export"].last_error
    assert error.startswith(f"向 {url} 发送失败：对方拒绝连接")
    assert error.endswith("（ConnectError: [Errno 111] Connection refused）")  # the technical detail, after
    shown = Kitchen(newsroom_dir)("show", str(story_id))
    assert "对方拒绝连接" in shown and "Connection refused" in shown


def test_a_partners_http_500_is_explained_in_chinese(newsroom_dir, monkeypatch) -> None:
    with approved_story_with_partner(newsroom_dir, monkeypatch) as (partner, newsroom, store, story_id):
        partner.fail_next = [500]
        assert publish_due(newsroom, store, now=NOW).retrying == 1
        error = rows(store)["export"].last_error
        assert error == f'向 {partner.url} 发送失败：对方返回 HTTP 500，对方服务器出错，稍后重试（{{"error": "no"}}）'


def test_each_kind_of_network_failure_has_its_own_chinese_explanation() -> None:
    """Timeouts and TLS failures against real local sockets; a failed name lookup as httpx raises
    it (no resolver is needed for the test)."""
    import threading

    import httpx

    from pipeline import words
    from publishers.export import failure_kind

    def failure(url: str) -> Exception:
        with pytest.raises(httpx.HTTPError) as caught:
            httpx.post(url, content=b"{}", timeout=0.5)
        return caught.value

    with socket.socket() as silent:  # accepts, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        assert failure_kind(failure(f"http://127.0.0.1:{silent.getsockname()[1]}/x")) == "timeout"
    with socket.socket() as plain:  # answers HTTPS with plain bytes
        plain.bind(("127.0.0.1", 0))
        plain.listen(1)

        def answer() -> None:
            conn, _ = plain.accept()
            with conn:
                conn.recv(1024)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

        threading.Thread(target=answer, daemon=True).start()
        assert failure_kind(failure(f"https://127.0.0.1:{plain.getsockname()[1]}/x")) == "tls"
    try:
        raise socket.gaierror(-2, "Name or service not known")
    except socket.gaierror as cause:
        lookup = httpx.ConnectError("[Errno -2] Name or service not known")
        lookup.__cause__ = cause
    assert failure_kind(lookup) == "dns"
    sentences = {words.render.post_failed("https://partner.example.cn/in", kind, "X: y")
                 for kind in ("refused", "dns", "timeout", "tls", "connect", "broken", "other")}
    assert len(sentences) == 7  # one explanation each
    for sentence in sentences:
        assert sentence.startswith("向 https://partner.example.cn/in 发送失败：") and sentence.endswith("（X: y）")
    assert words.render.partner_status(503).startswith("对方返回 HTTP 503，")


def test_publish_marks_a_takedown_as_done_and_keeps_the_cross_for_failures(newsroom_dir, monkeypatch) -> None:
    """A takedown that went out is a success (`↩ 已撤下`); `✗` marks failures only."""
    from tests.conftest import Kitchen

    with approved_story_with_partner(newsroom_dir, monkeypatch) as (partner, newsroom, store, story_id):
        kitchen = Kitchen(newsroom_dir)
        assert f"✓ 稿件 {story_id}（第1版） → 外发" in kitchen("publish", "--due")
        with store.begin() as conn:
            perform(conn, newsroom, story_id, "kill", CHIEF, NOW, note="信息有误")
        output = kitchen("publish", "--due")
        assert f"↩ 已撤下 稿件 {story_id}（第1版） → 外发" in output.splitlines()
        assert "✗" not in output
        write_report(newsroom_dir, "other.md", title="西村举办冬季运动会", body="西村200名村民参加冬季运动会。")
        (other,) = ingest_all(newsroom, store, now=NOW).story_ids
        approve(store, newsroom, other)
        partner.fail_next = [400]
        failed = kitchen("publish", "--due", expect=1)
        assert any(line.startswith(f"✗ 失败 稿件 {other}（第1版） → 外发") for line in failed.splitlines())


def test_a_site_name_the_cards_cut_is_said_once_per_daemon_run_and_by_check(tmp_path: Path) -> None:
    """Issue 13 review: `kitchen run` says the cut site name once (one sentence naming every card
    that cuts it), not on every render pass; `kitchen check` mentions it too."""
    from pipeline.schedule import Daemon
    from tests.conftest import Kitchen

    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss"]')
    replace_in_config(root, 'title = "测试县融媒体中心"', 'title = "青岚县融媒体中心 · 新时代文明实践中心"')
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    lines: list[str] = []
    daemon = Daemon(newsroom, store, lines.append)
    for name, title, body in (("a.md", "东村开展板凳课堂理论宣讲", "东村60余名村民参加板凳课堂。"),
                              ("b.md", "新桥村志愿者清扫河道", "新桥村30名志愿者沿河清理垃圾2.5公里。")):
        write_report(root, name, title=title, station="baisha-xinqiao", body=body)
        (story_id,) = ingest_all(newsroom, store, now=NOW).story_ids
        approve(store, newsroom, story_id)
        daemon._render(clips=False)  # a render pass of the daemon's, with a new story to draw each time
    assert [line for line in lines if line.startswith("生成：")] == ["生成：完成3个，失败0个"] * 2  # two passes drew cards
    (note,) = [line for line in lines if "short_name" in line]  # said once, for both cards it is cut on
    assert note.startswith("网站名称“青岚县融媒体中心 · 新时代文明实践中心”在“卡片 cover”“卡片 square”上放不下，显示为“")
    checked = Kitchen(root)("check")
    assert checked.count("short_name") == 1 and "网站名称“青岚县融媒体中心 · 新时代文明实践中心”" in checked
    replace_in_config(root, 'short_name = ""', 'short_name = "青岚融媒"')
    assert "short_name" not in Kitchen(root)("check")
