"""Clips and cards: a 30 s vertical clip from six 4000×3000 photos (720×1280 and 1080×1920) against a hand-written ffmpeg command with the same filter graph; ms per card.

Our side is the whole job as `kitchen render` runs it: decode and turn the photos, crop them where
the picture is, draw the title and closing cards, plan the timeline, write the captions, encode
(ffmpeg-python driving imageio-ffmpeg's static ffmpeg), grab the poster frame, write SRT/WebVTT.
The baseline is one ffmpeg command written out by hand: the same photos straight from disk scaled
and cropped by ffmpeg, the same zoompan / xfade / ass / music graph, the same encoder settings, the
same (pre-drawn) cards. The encoder is the floor: the aim is our pipeline within 10 % of it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from pipeline.render import Job
from pipeline.render.cards import CardData, CardRenderer, draw_card, recipe_named
from pipeline.render.clips import (
    ClipRenderer,
    ass,
    ffmpeg_exe,
    load_clip_recipe,
    plan_timeline,
    run_clip_job,
)
from pipeline.render.jingles import bed_file

CARDS = int(os.environ.get("BENCH_CARDS", "30"))
TEXT = ("11月20日上午，东村新时代文明实践站开展“板凳课堂”理论宣讲。宣讲员用方言讲解惠民政策，60余名村民边听边问。"
        "课后，志愿者为老人测量血压、讲解防诈骗知识。大家说，这样的课堂听得懂、用得上。下一步，实践站将把课堂搬到田间地头。")


def make_photos(folder: Path, count: int = 6) -> list[Path]:
    """Camera-sized photos with detail everywhere (noise and shapes), so nothing is trivially cheap."""
    rng = np.random.default_rng(11)
    paths = []
    for k in range(count):
        base = np.linspace(0, 1, 4000)[None, :, None] * rng.uniform(60, 200, 3)[None, None, :]
        noise = rng.normal(0, 18, (3000, 4000, 3))
        pixels = np.clip(base + noise + 40, 0, 255).astype("uint8")
        image = Image.fromarray(pixels, "RGB")
        draw = ImageDraw.Draw(image)
        for _ in range(40):
            x, y, r = int(rng.uniform(0, 4000)), int(rng.uniform(0, 3000)), int(rng.uniform(40, 400))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
        path = folder / f"photo-{k}.jpg"
        image.save(path, "JPEG", quality=90)
        paths.append(path)
    return paths


def thirty_second_recipe(root: Path, name: str) -> None:
    """The shipped recipe, with the photo time set so six photos make a 30 s clip."""
    recipe = load_clip_recipe(None, name)
    fade, intro, outro = recipe.transition_seconds, recipe.intro_seconds, recipe.outro_seconds
    per_photo = (30 - intro - outro + 7 * fade) / 6
    text = recipe.source.replace(f"photo_seconds = {recipe.photo_seconds}", f"photo_seconds = {per_photo:.4f}")
    target = root / "templates" / "clips" / f"{name}.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def data() -> CardData:
    return CardData("东村新时代文明实践站开展“板凳课堂”理论宣讲", "东村文明实践站", "2026年11月20日", "移风易俗",
                    "基准县融媒体中心", TEXT[:60], "宣讲现场", "https://bench.example.cn/2026/11/1-dong-cun/")


def ours(root: Path, name: str, photos: list[Path], scratch: Path, font: Path) -> tuple[float, Path]:
    job = Job(1, 1, ClipRenderer(name), "bench", data(), tuple((str(p), "") for p in photos), str(root), str(font),
              {"text": TEXT, "narration": None, "scratch": str(scratch), "threads": 0, "timeout": 1200})
    started = time.perf_counter()
    files, meta = run_clip_job(job)
    return time.perf_counter() - started, files["main"][0]


def by_hand(root: Path, name: str, photos: list[Path], work: Path, font: Path) -> float:
    """The same graph written as one ffmpeg command (cards drawn beforehand, not timed)."""
    recipe = load_clip_recipe(root, name)
    w, h, fps, fade = recipe.width, recipe.height, recipe.fps, recipe.transition_seconds
    timeline = plan_timeline(recipe, len(photos), data().title, TEXT, [], None)
    work.mkdir(parents=True, exist_ok=True)
    for card, role in ((recipe.intro_card, "intro"), (recipe.outro_card, "outro")):
        image, _ = draw_card(recipe_named(root, card), data(), None, font)
        image.resize((w, h)).save(work / f"{role}.png")
    (work / "captions.ass").write_text(ass(list(timeline.cues), recipe, font), encoding="utf-8")
    (work / "fonts").mkdir(exist_ok=True)
    if not (work / "fonts" / font.name).exists():
        (work / "fonts" / font.name).symlink_to(font)
    music = bed_file(work)
    big_w, big_h = int(w * 1.5) // 2 * 2, int(h * 1.5) // 2 * 2
    inputs = ["-i", "intro.png", *[a for p in photos for a in ("-i", str(p))], "-i", "outro.png",
              "-stream_loop", "-1", "-i", music.name]
    parts, z = [], recipe.zoom
    for k, duration in enumerate(timeline.durations):
        frames = int(round(duration * fps))
        if k in (0, len(timeline.durations) - 1):
            parts.append(f"[{k}:v]zoompan=z=1:x=0:y=0:d={frames}:s={w}x{h}:fps={fps},format=yuv420p,setsar=1[s{k}]")
            continue
        motion = (f"z='1+{z - 1:.4f}*on/{frames}':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2'" if k % 2 == 0 else
                  f"z='{z:.4f}-{z - 1:.4f}*on/{frames}':x='(iw-iw/zoom)*(1-on/{frames})':y='(ih-ih/zoom)/2'")
        parts.append(f"[{k}:v]scale={big_w}:{big_h}:force_original_aspect_ratio=increase,crop={big_w}:{big_h},"
                     f"zoompan={motion}:d={frames}:s={w}x{h}:fps={fps},format=yuv420p,setsar=1[s{k}]")
    last = "s0"
    for k in range(1, len(timeline.durations)):
        parts.append(f"[{last}][s{k}]xfade=transition={recipe.transition}:duration={fade}:offset={timeline.starts[k]:.3f}[x{k}]")
        last = f"x{k}"
    parts.append(f"[{last}]ass=captions.ass:fontsdir=fonts[v]")
    total = timeline.total
    parts.append(f"[{len(timeline.durations)}:a]atrim=duration={total:.3f},asetpts=PTS-STARTPTS,"
                 f"volume={recipe.music_volume:.3f},afade=t=in:d=0.4,afade=t=out:st={total - 1.5:.3f}:d=1.5[a]")
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *inputs,
               "-filter_complex", ";".join(parts), "-map", "[v]", "-map", "[a]",
               "-c:v", "libx264", "-preset", recipe.preset, "-crf", str(recipe.crf), "-pix_fmt", "yuv420p",
               "-r", str(fps), "-c:a", "aac", "-b:a", "128k", "-ar", "44100", "-ac", "2",
               "-movflags", "+faststart", "-t", f"{total:.3f}", "-y", "by-hand.mp4"]
    started = time.perf_counter()
    subprocess.run(command, cwd=work, check=True)
    return time.perf_counter() - started


def cards(root: Path, photos: list[Path], font: Path) -> float:
    """The card jobs as `kitchen render` runs them in one worker: three cards per story, each story
    with its own camera-sized photo."""
    from pipeline.render.cards import run_card_job

    names = ["cover", "square", "poster"]
    started = time.perf_counter()
    for k in range(CARDS):
        story_photo = photos[(k // 3) % len(photos)]
        job = Job(k // 3, 1, CardRenderer(names[k % 3]), "bench", data(), ((str(story_photo), ""),), str(root), str(font))
        run_card_job(job)
    return (time.perf_counter() - started) / CARDS * 1000


def run() -> None:
    from imageio_ffmpeg import count_frames_and_secs
    from pylopdf_fonts_zh_cn import sans_path

    font = Path(sans_path())
    root = Path(tempfile.mkdtemp(prefix="bench-media-"))
    try:
        photos = make_photos(root)
        print(f"cards: {cards(root, photos, font):.0f} ms per card (cover, square and poster of each story, "
              f"from its 4000×3000 photo; aim ≤ 150 ms)")
        for name in ("vertical", "vertical-1080"):
            thirty_second_recipe(root, name)
            scratch = root / f"scratch-{name}"
            scratch.mkdir()
            baseline = by_hand(root, name, photos, root / f"hand-{name}", font)
            seconds, clip = ours(root, name, photos, scratch, font)
            frames, length = count_frames_and_secs(str(clip))
            recipe = load_clip_recipe(root, name)
            print(f"clip {recipe.width}×{recipe.height}, {length:.1f} s ({frames} frames): kitchen {seconds:6.1f} s "
                  f"({length / seconds:.2f}× real time)   by hand {baseline:6.1f} s ({length / baseline:.2f}× real time)   "
                  f"ratio {seconds / baseline:.2f} (aim ≤ 1.10)")
    finally:
        shutil.rmtree(root, ignore_errors=True)
