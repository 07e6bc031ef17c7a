"""Exactly once under fire: the publishing process is killed with SIGKILL at random points (a
test-only hook inside the scheduler and the channel, plus kills at random moments from outside),
re-run, and every (story, channel) ends up published exactly once with nothing missing."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from pipeline import ledger
from pipeline import store as t
from pipeline.config import load_newsroom
from pipeline.ingest import ingest_all
from pipeline.store import open_store
from pipeline.stories import Actor, snapshot
from pipeline.workflow import perform
from tests.conftest import NOW, replace_in_config, write_report
from tests.partner import SECRET, running_partner

CHECKPOINTS = ["schedule.claimed", "schedule.before_deliver", "export.file_written", "export.posted",
               "schedule.delivered", "schedule.done"]
STORIES = 60


def publish_process(root: Path, crash_at: str | None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "KITCHEN_CRASH_AT"}
    env["KITCHEN_EXPORT_SECRET"] = SECRET
    if crash_at:
        env["KITCHEN_CRASH_AT"] = crash_at
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "--newsroom", str(root), "publish", "--due"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def run_with_random_kills(root: Path, rng: random.Random, hook_kills: int, timed_kills: int) -> int:
    """Returns how many runs were killed."""
    killed = 0
    for _ in range(hook_kills):
        point = rng.choice(CHECKPOINTS)
        nth = 1 if point == "schedule.claimed" else rng.randint(1, 3)
        process = publish_process(root, f"{point}:{nth}")
        output, _ = process.communicate(timeout=120)
        assert process.returncode in (0, 1, -signal.SIGKILL), output.decode()
        killed += process.returncode == -signal.SIGKILL
    for _ in range(timed_kills):
        process = publish_process(root, None)
        time.sleep(rng.uniform(0.3, 1.5))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=120)
        killed += process.returncode == -signal.SIGKILL
    return killed


def finish(root: Path) -> str:
    process = publish_process(root, None)
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output.decode()
    return output.decode()


def test_sigkill_anywhere_then_rerun_publishes_every_story_exactly_once(newsroom_dir: Path) -> None:
    rng = random.Random(20261129)
    with running_partner() as partner:
        replace_in_config(newsroom_dir, '\nurl = ""', f'\nurl = "{partner.url}"')
        replace_in_config(newsroom_dir, "max_attempts = 8", "max_attempts = 100")
        newsroom = load_newsroom(newsroom_dir)
        store = open_store(newsroom)
        for i in range(STORIES):
            write_report(newsroom_dir, f"r{i:03}.md", title=f"第{i + 1}篇", body=f"第{i + 1}次活动，{i}人参加。")
        story_ids = ingest_all(newsroom, store, now=NOW).story_ids
        editor, chief = Actor("编辑", "editor"), Actor("主任", "chief")
        with store.begin() as conn:
            for story_id in story_ids:
                perform(conn, newsroom, story_id, "approve", editor, NOW)

        # Phase 1: first publication, killed at least 20 times.
        kills = run_with_random_kills(newsroom_dir, rng, hook_kills=20, timed_kills=5)
        assert kills >= 20
        finish(newsroom_dir)

        # Phase 2: corrections and kills, killed again along the way.
        corrected, killed_stories = story_ids[:10], story_ids[10:15]
        with store.begin() as conn:
            for story_id in corrected:
                content = snapshot(conn, story_id).revision.content
                perform(conn, newsroom, story_id, "correct", chief, NOW, note="更正人数",
                        draft=replace(content, body_md=content.body_md.rstrip() + "（已更正）\n"))
            for story_id in killed_stories:
                perform(conn, newsroom, story_id, "kill", chief, NOW, note="撤稿")
        kills += run_with_random_kills(newsroom_dir, rng, hook_kills=6, timed_kills=2)
        finish(newsroom_dir)

        with store.begin() as conn:
            pubs = {p.story_id: p for p in ledger.list_publications(conn)}
            publish_events = Counter(e.story_id for e in conn.execute(
                select(t.events).where(t.events.c.action == "publish")))
        outbox = newsroom_dir / "outbox/export"

        # The ledger: every row finished, nothing left claimed or pending.
        assert len(pubs) == STORIES
        assert {p.state for p in pubs.values()} == {"done"}
        for story_id, pub in pubs.items():
            if story_id in killed_stories:
                assert pub.action == "retract"
            else:
                assert pub.action == "publish"
                assert pub.published_revision == (2 if story_id in corrected else 1)
        # The story moved to `published` exactly once each.
        assert publish_events == Counter({story_id: 1 for story_id in story_ids})

        # The outbox: one document per revision that went out, whole, matching the ledger; no leftovers.
        assert not list(outbox.rglob(".tmp-*"))
        for story_id in story_ids:
            folder = outbox / f"story-{story_id}"
            expected = {"rev-1.json"} | ({"rev-2.json"} if story_id in corrected else set())
            expected |= {"canceled.json"} if story_id in killed_stories else set()
            assert {p.name for p in folder.iterdir()} == expected
            for name in expected:
                json.loads((folder / name).read_text("utf-8"))  # whole, parseable
            if story_id not in killed_stories:
                latest = folder / f"rev-{pubs[story_id].published_revision}.json"
                assert hashlib.sha256(latest.read_bytes()).hexdigest() == pubs[story_id].output_hash

        # The partner: each revision (and each take-down) stored exactly once, all signed.
        expected_keys = {f"urn:kitchen:news.test.example.cn:story:{s}#{r}"
                         for s in story_ids for r in ([1, 2] if s in corrected else [1])}
        expected_keys |= {f"urn:kitchen:news.test.example.cn:story:{s}#canceled" for s in killed_stories}
        assert set(partner.stored) == expected_keys
        assert all(request["valid"] for request in partner.requests)
        for key, body in partner.stored.items():
            if not key.endswith("#canceled"):
                story_id, revision = key.rsplit(":", 1)[1].split("#")
                assert body == (outbox / f"story-{story_id}" / f"rev-{revision}.json").read_bytes()
        # A re-sent POST can only come from a kill between the partner's answer and our commit,
        # and it carries the same Idempotency-Key, so the partner stored it once.
        resent = len(partner.requests) - len(partner.stored)
        print(f"kills={kills} requests={len(partner.requests)} stored={len(partner.stored)} resent={resent}")
        assert 0 <= resent <= kills
