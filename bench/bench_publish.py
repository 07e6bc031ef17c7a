"""Approve and publish 10,000 stories through a new newsroom's channels (web, rss, export), against writing export's JSON files directly.

The ledger run does what a newsroom does: one approval transaction per story (state change, audit
event, one ledger row per enabled channel), then `publish_due` (claim with a lease, render each
channel's rendition — the ninjs document for export — store it, write the file atomically with
fsync, mark done, record the event; then the site and feed build). The baseline writes
the very same bytes to the same number of files with the same atomic, fsynced write — so the ratio
is the cost of the ledger and the workflow around each file. A second baseline renders and writes
(no store) to show how much of the difference is rendering.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from pipeline.config import load_newsroom
from pipeline.fsutil import atomic_write
from pipeline.model import StoryDraft
from pipeline.render.ninjs import render_ninjs
from pipeline.scaffold import init_newsroom
from pipeline.schedule import publish_due
from pipeline.store import open_store
from pipeline.stories import Actor, create_story, snapshot
from pipeline.timeutil import utcnow
from pipeline.workflow import perform

STORIES = int(os.environ.get("BENCH_STORIES", "10000"))
STATIONS = """id,name,level,parent,township,village,lat,lon
center,基准县新时代文明实践中心,center,,城关镇,,32.0,120.0
town,桥头镇新时代文明实践所,institute,center,桥头镇,,31.95,119.9
village,东村新时代文明实践站,station,town,桥头镇,东村,31.96,119.91
"""
BODY = ("11月20日上午，东村新时代文明实践站在村文化广场开展“板凳课堂”理论宣讲活动，"
        "宣讲员用群众听得懂的语言讲解惠民政策，60余名村民参加。\n\n"
        "活动现场，志愿者还为老人测量血压、讲解防诈骗知识。村民说：“家门口就能听政策，真方便。”\n")


def run() -> None:
    work = Path(tempfile.mkdtemp(prefix="kitchen-bench-"))
    try:
        root = init_newsroom(work / "newsroom", title="基准县融媒体中心", base_url="https://bench.example.cn/").root
        (root / "stations.csv").write_text(STATIONS, encoding="utf-8")
        config = root / "kitchen.toml"  # the loudspeaker, on in a new newsroom, is bench_broadcast's
        config.write_text(config.read_text(encoding="utf-8").replace(
            'channels = ["web", "rss", "export", "loudspeaker"]', 'channels = ["web", "rss", "export"]'), encoding="utf-8")
        newsroom = load_newsroom(root)
        store = open_store(newsroom)
        now = utcnow()
        editor = Actor("bench", "editor")
        with store.begin() as conn:
            ids = [create_story(conn, StoryDraft(title=f"东村开展第{i}期板凳课堂", body_md=BODY,
                                                 station_id="village", theme="xuanjiang", dateline=now),
                                editor, now) for i in range(STORIES)]

        started = time.perf_counter()
        for story_id in ids:
            with store.begin() as conn:
                perform(conn, newsroom, story_id, "approve", editor, now)
        approved = time.perf_counter()
        summary = publish_due(newsroom, store, now=now)
        ledger_seconds = time.perf_counter() - started
        approve_seconds = approved - started
        rows = STORIES * len(newsroom.publish.channels)
        assert summary.published == rows and not summary.flush_errors, summary

        outbox = root / "outbox" / "export"
        files = sorted(outbox.glob("story-*/rev-1.json"))
        assert len(files) == STORIES
        payloads = [(f"story-{p.parent.name.split('-')[1]}", p.read_bytes()) for p in files]

        direct = work / "direct"
        started = time.perf_counter()
        for folder, data in payloads:
            atomic_write(direct / folder / "rev-1.json", data)
        baseline_seconds = time.perf_counter() - started

        with store.begin() as conn:
            snaps = [snapshot(conn, story_id) for story_id in ids]
        rendered = work / "rendered"
        started = time.perf_counter()
        for snap in snaps:
            rendition = render_ninjs(snap, newsroom)
            atomic_write(rendered / f"story-{snap.story.id}" / "rev-1.json", rendition.content)
        render_seconds = time.perf_counter() - started
        same = all((rendered / folder / "rev-1.json").read_bytes() == data for folder, data in payloads)

        print(f"stories:                          {STORIES}   (ledger rows published: {rows}, "
              f"channels {', '.join(newsroom.publish.channels)})")
        print(f"ledger (approve + publish_due):   {ledger_seconds:8.2f} s  {STORIES / ledger_seconds:8.0f} stories/s"
              f"   (approve {approve_seconds:.2f} s, publish {ledger_seconds - approve_seconds:.2f} s)")
        print(f"baseline (write the same files):  {baseline_seconds:8.2f} s  {STORIES / baseline_seconds:8.0f} stories/s")
        print(f"baseline (render + write):        {render_seconds:8.2f} s  {STORIES / render_seconds:8.0f} stories/s"
              f"   (identical bytes: {same})")
        print(f"ratio ledger / write-only:        {ledger_seconds / baseline_seconds:8.2f}x")
        print(f"ratio ledger / render+write:      {ledger_seconds / render_seconds:8.2f}x")
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
