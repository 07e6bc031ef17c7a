"""Build a 10,000-story site (8 institutes, 200 stations, 10 themes, 24 months) — full and after one new story — side by side with Pelican 4.12 building the same articles from Markdown.

Pelican gets equivalent work: the same 10,000 articles, 20 per page, category (station) and tag
(theme, township) archives with their feeds, monthly archives. It is installed with the other
baselines into a virtual environment of their own under bench/out/ the first time (from PyPI, see
bench/baselines.py), so the product never depends on it. Each build runs in its own process; peak
memory is that process's own peak resident size (or its largest worker's).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bench.baselines import OUT, baseline_python
from pipeline import store as t
from pipeline.config import load_newsroom
from pipeline.scaffold import init_newsroom
from pipeline.store import open_store

STORIES = int(os.environ.get("BENCH_SITE_STORIES", "10000"))
THEMES = ["zhiyuan", "yifeng", "xuanjiang", "loudao", "jiafeng", "kepu", "jiankang", "wenti", "fazhi", "nongji"]
TOWNS = ["城关街道", "桥头镇", "白沙镇", "青石乡", "河口镇", "柳林镇", "花园乡", "新港镇"]
PHRASES = ["志愿者走进村居开展服务", "移风易俗宣讲进农家", "理论宣讲板凳课堂", "文明楼道评比", "健康义诊进社区",
           "科普大篷车进校园", "关爱留守儿童", "农技培训送到田头", "平安法治宣传", "文体活动丰富群众生活"]


def make_newsroom(root: Path, rng: random.Random) -> tuple[Path, list[dict]]:
    init_newsroom(root, title="基准县融媒体中心", base_url="https://bench.example.cn/")
    rows = ["id,name,level,parent,township,village,lat,lon", "center,基准县新时代文明实践中心,center,,城关街道,,32.0,120.0"]
    stations = []
    for i, town in enumerate(TOWNS):
        rows.append(f"inst{i},{town}新时代文明实践所,institute,center,{town},,{32 + i * 0.02:.5f},{120 + i * 0.03:.5f}")
        for j in range(25):
            sid = f"st{i}-{j}"
            rows.append(f"{sid},{town}第{j + 1}村新时代文明实践站,station,inst{i},{town},第{j + 1}村,"
                        f"{32 + i * 0.02 + j * 0.001:.5f},{120 + i * 0.03 + j * 0.001:.5f}")
            stations.append((sid, town))
    (root / "stations.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    text = (root / "kitchen.toml").read_text(encoding="utf-8").replace('channels = ["web", "rss", "export", "loudspeaker"]',
                                                                       'channels = ["web", "rss"]')
    (root / "kitchen.toml").write_text(text, encoding="utf-8")
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    start = datetime(2024, 12, 1, 1, 0, tzinfo=UTC)
    stories = []
    with store.begin() as conn:
        for n in range(1, STORIES + 1):
            sid, town = stations[rng.randrange(len(stations))]
            when = start + timedelta(minutes=round(n * 24 * 30 * 24 * 60 / STORIES))
            title = f"{town}{PHRASES[n % 10]}（第{n}期）"
            body = "\n\n".join(f"{when.month}月{when.day}日，{town}开展{PHRASES[(n + k) % 10]}活动，"
                               f"{20 + (n + k) % 80}名群众参加。活动现场气氛热烈，村民纷纷点赞。" for k in range(4)) + "\n"
            theme = THEMES[n % 10]
            conn.execute(insert(t.stories).values(id=n, state="published", current_revision=1, station_id=sid,
                                                  theme=theme, created_at=when, updated_at=when, published_at=when,
                                                  slug=f"story-{n}"))
            conn.execute(insert(t.revisions).values(story_id=n, number=1, title=title, summary="", body_md=body,
                                                    station_id=sid, theme=theme, dateline=when, author="通讯员",
                                                    images=[], created_at=when, created_by="bench", note=""))
            for channel in ("web", "rss"):
                conn.execute(insert(t.publications).values(
                    channel=channel, unit=f"story:{n}", story_id=n, revision=1, action="publish", state="done",
                    due_at=when, attempts=1, published_revision=1, published_at=when, created_at=when, updated_at=when))
            stories.append({"n": n, "title": title, "body": body, "when": when, "station": sid, "town": town,
                            "theme": theme})
    store.close()
    return root, stories


def add_one(root: Path) -> int:
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    n, when = STORIES + 1, datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    with store.begin() as conn:
        conn.execute(insert(t.stories).values(id=n, state="approved", current_revision=1, station_id="st3-7",
                                              theme="yifeng", created_at=when, updated_at=when, slug="new-story"))
        conn.execute(insert(t.revisions).values(story_id=n, number=1, title="新的一篇：河口镇开展移风易俗宣讲",
                                                summary="", body_md="新的一篇正文。\n", station_id="st3-7", theme="yifeng",
                                                dateline=when, author="", images=[], created_at=when,
                                                created_by="bench", note=""))
    store.close()
    return n


def run_child(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.site_child", *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def pelican_build(work: Path, stories: list[dict]) -> dict:
    content = work / "pelican" / "content"
    content.mkdir(parents=True)
    for story in stories:
        (content / f"{story['n']}.md").write_text(
            f"Title: {story['title']}\nDate: {story['when']:%Y-%m-%d %H:%M}\n"
            f"Category: station{story['station'].replace('st', '').replace('-', 'x')}z\n"
            f"Tags: {story['theme']}, town{TOWNS.index(story['town'])}z\nSlug: story-{story['n']}\nAuthor: tongxunyuan\n\n"
            f"{story['body']}",
            encoding="utf-8")
    config = work / "pelican" / "pelicanconf.py"
    config.write_text(
        "SITENAME = '基准县融媒体中心'\nSITEURL = 'https://bench.example.cn'\nTIMEZONE = 'Asia/Shanghai'\n"
        "DEFAULT_LANG = 'zh'\nDEFAULT_PAGINATION = 20\nFEED_DOMAIN = SITEURL\n"
        "FEED_ALL_ATOM = 'feeds/all.atom.xml'\nFEED_ALL_RSS = 'feeds/all.rss.xml'\n"
        "CATEGORY_FEED_ATOM = 'feeds/{slug}.atom.xml'\nCATEGORY_FEED_RSS = 'feeds/{slug}.rss.xml'\n"
        "TAG_FEED_ATOM = 'feeds/tag-{slug}.atom.xml'\nTAG_FEED_RSS = 'feeds/tag-{slug}.rss.xml'\n"
        "MONTH_ARCHIVE_SAVE_AS = 'posts/{date:%Y}/{date:%m}/index.html'\nRELATIVE_URLS = False\n"
        "CACHE_CONTENT = False\nLOAD_CONTENT_CACHE = False\n", encoding="utf-8")
    python = baseline_python()
    code = ("import resource, subprocess, sys, time\n"
            "start = time.perf_counter()\n"
            "subprocess.run([sys.executable, '-m', 'pelican', sys.argv[1], '-o', sys.argv[2], '-s', sys.argv[3], '-q'],"
            " check=True)\n"
            "print('BENCH', time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n")
    output = work / "pelican" / "output"
    done = subprocess.run([str(python), "-c", code, str(content), str(output), str(config)],
                          capture_output=True, text=True, check=True)
    seconds, peak = (float(x) for x in done.stdout.split('BENCH')[-1].split())
    files = sum(1 for _ in output.rglob("*") if _.is_file())
    return {"seconds": seconds, "peak_mb": peak, "files": files}


def run() -> None:
    rng = random.Random(7)
    OUT.mkdir(exist_ok=True)
    work = OUT / "site"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        root, stories = make_newsroom(work / "newsroom", rng)
        full = run_child(str(root), "full")
        print(f"stories: {STORIES}")
        print(f"kitchen full build:      {full['seconds']:7.1f} s  {full['total'] / full['seconds']:7.0f} files/s  "
              f"{full['total']} files  peak {full['peak_mb']:.0f} MB")
        new = add_one(root)
        incremental = run_child(str(root), "incremental", str(new))
        print(f"kitchen one new story:   {incremental['seconds']:7.2f} s  {incremental['written']} files written "
              f"(of {incremental['total']})  peak {incremental['peak_mb']:.0f} MB   (aim < 0.5 s)")
        try:
            pelican = pelican_build(work, stories)
        except (subprocess.CalledProcessError, OSError) as exc:
            print(f"pelican: could not run ({exc}); no comparison this time")
            return
        print(f"pelican full build:      {pelican['seconds']:7.1f} s  {pelican['files'] / pelican['seconds']:7.0f} files/s  "
              f"{pelican['files']} files  peak {pelican['peak_mb']:.0f} MB  (every file, on every change)")
        print(f"speed ratio pelican / kitchen (full): {pelican['seconds'] / full['seconds']:.1f}×  (aim ≥ 4×, "
              f"under 300 MB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
