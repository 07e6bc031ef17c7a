"""Loudspeaker: spoken-form throughput against cn2an's number conversion, and the packages of 100 townships (scripts only, and with espeak audio) against bare TTS + MP3 encoding.

The spoken-form baseline is cn2an's `transform(text, "an2cn")` on the same text: a library that
converts every number it sees, without our rules (years digit by digit, times, phone numbers…).
It is installed with the other baselines under bench/out/ (bench/baselines.py).
The package baseline synthesises the same spoken parts with espeak and encodes one plain MP3 per
township: no selection, no scripts or pinyin, no jingles, no loudness passes, no manifest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.baselines import baseline_python
from pipeline.config import load_newsroom
from pipeline.model import StoryDraft
from pipeline.render import broadcast
from pipeline.scaffold import init_newsroom
from pipeline.schedule import publish_due
from pipeline.store import open_store
from pipeline.stories import Actor, create_story
from pipeline.timeutil import utcnow
from pipeline.workflow import perform

TOWNSHIPS = int(os.environ.get("BENCH_TOWNSHIPS", "100"))
SLOT_MINUTES = int(os.environ.get("BENCH_SLOT_MINUTES", "3"))
PARAGRAPH = ("11月20日上午9:30，东村新时代文明实践站在村文化广场开展“板凳课堂”理论宣讲，60余名村民参加，"
             "活动持续2-3个小时。志愿者为65岁以上老人测量血压，咨询电话0523-86123456。全年已开展活动1036场，"
             "参与群众10200人次，满意率达98.5%。当天最低气温-3℃，村里新修道路3.5公里。\n")


# cn2an is a baseline (bench/baselines.py): it runs with the baselines' interpreter, timed there
CN2AN = ("import sys, time\nimport cn2an\ntext = sys.stdin.read()\nstarted = time.perf_counter()\n"
         "for _ in range(3):\n    cn2an.transform(text, 'an2cn')\nprint((time.perf_counter() - started) / 3)\n")


def spoken_throughput() -> None:
    from pipeline.render.speech import to_spoken

    text = PARAGRAPH * 300  # about 50,000 characters
    started = time.perf_counter()
    for _ in range(3):
        to_spoken(text)
    ours = (time.perf_counter() - started) / 3
    try:
        done = subprocess.run([str(baseline_python()), "-c", CN2AN], input=text, capture_output=True, text=True,
                              check=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"spoken form: {len(text) / ours:,.0f} characters/s   cn2an: could not run ({exc}); no comparison this time")
        return
    theirs = float(done.stdout.split()[-1])
    print(f"spoken form: {len(text) / ours:,.0f} characters/s   cn2an an2cn {len(text) / theirs:,.0f} characters/s   "
          f"ratio {ours / theirs:.2f} (time, ours / cn2an)")


def make_county(work: Path) -> tuple[object, object]:
    root = init_newsroom(work / "newsroom", title="基准县融媒体中心", base_url="https://bench.example.cn/").root
    rows = ["id,name,level,parent,township,village,lat,lon", "center,基准县新时代文明实践中心,center,,城关镇,,32.0,120.0"]
    for n in range(TOWNSHIPS):
        rows.append(f"town{n},第{n + 1}镇新时代文明实践所,institute,center,第{n + 1}镇,,32.0,120.0")
        rows += [f"town{n}-v{k},第{n + 1}镇{k + 1}村新时代文明实践站,station,town{n},第{n + 1}镇,{k + 1}村,32.0,120.0"
                 for k in range(2)]
    (root / "stations.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    text = (root / "kitchen.toml").read_text(encoding="utf-8")
    text = text.replace('channels = ["web", "rss", "export", "loudspeaker"]', 'channels = ["loudspeaker"]')
    text = text.replace("minutes = 10", f"minutes = {SLOT_MINUTES}")
    (root / "kitchen.toml").write_text(text + '\n[channels.loudspeaker]\nengine = "espeak"\n', encoding="utf-8")
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    now = utcnow() - timedelta(hours=1)
    editor = Actor("bench", "editor")
    with store.begin() as conn:
        ids = [create_story(conn, StoryDraft(title=f"第{n % TOWNSHIPS + 1}镇开展第{n}期板凳课堂", body_md=PARAGRAPH,
                                             station_id=f"town{n % TOWNSHIPS}-v{n % 2}" if n % 7 else "center",
                                             theme="xuanjiang", dateline=now), editor, now)
               for n in range(TOWNSHIPS * 4)]
        for story_id in ids:
            perform(conn, newsroom, story_id, "approve", editor, now, channels=["loudspeaker"])
    publish_due(newsroom, store, now=now)
    return newsroom, store


def run() -> None:
    from pipeline.render.clips import ffmpeg_exe
    from pipeline.render.sound import assemble
    from pipeline.render.tts import engine

    spoken_throughput()
    work = Path(tempfile.mkdtemp(prefix="bench-broadcast-"))
    try:
        newsroom, store = make_county(work)
        day = utcnow().astimezone(newsroom.tz).date() + timedelta(days=1)
        slot = newsroom.slots[0]
        started = time.perf_counter()
        with store.read() as conn:
            found = broadcast.rundowns(conn, newsroom, day, slot)
        packages = broadcast.build_packages(newsroom, found, engine="none")
        scripts = time.perf_counter() - started
        print(f"{len(packages)} townships, {SLOT_MINUTES}-minute slot, scripts only: {scripts:6.1f} s "
              f"({scripts / len(packages) * 1000:.0f} ms per package)")

        started = time.perf_counter()
        with store.read() as conn:
            found = broadcast.rundowns(conn, newsroom, day, slot)
        packages = broadcast.build_packages(newsroom, found, engine="espeak")
        audio = time.perf_counter() - started
        minutes = sum(p.manifest["seconds"] for p in packages) / 60
        print(f"{len(packages)} townships with espeak audio: {audio:6.1f} s ({audio / len(packages):.2f} s per package, "
              f"{minutes:.0f} min of audio, {minutes * 60 / audio:.1f}× real time)")

        # the baseline: the same spoken parts, synthesised fresh and encoded as one plain MP3 each
        voice = engine("espeak")
        plain = work / "plain"
        plain.mkdir()
        started = time.perf_counter()
        for n, package in enumerate(packages):
            parts = []
            for k, item in enumerate(package.manifest["items"]):
                rundown_part = next(p for p in found[n].parts if p.ref == item["ref"] and p.kind == item["kind"])
                wav = plain / f"{n}-{k}.wav"
                voice.synthesize(rundown_part.spoken, wav)
                parts.append(wav)
            assemble(parts, plain / f"{n}.wav", gap_seconds=0.8)
            subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(plain / f"{n}.wav"), "-c:a", "libmp3lame",
                            "-b:a", "128k", "-y", str(plain / f"{n}.mp3")], check=True)
        baseline = time.perf_counter() - started
        print(f"baseline (espeak + one MP3 each, nothing else): {baseline:6.1f} s   "
              f"ratio {audio / baseline:.2f} (ours / baseline; ours builds {os.cpu_count()} packages at a time)")
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
