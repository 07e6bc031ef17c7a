"""Clips, encoded for real by the static ffmpeg: duration and frames, an audio stream, subtitles
that cover the clip in order, a picture mid-clip, `+faststart`, narration, and failures that
leave nothing behind."""

from __future__ import annotations

import io
import math
import subprocess
import wave
from pathlib import Path

import pytest
from imageio_ffmpeg import count_frames_and_secs
from PIL import Image, ImageStat

from pipeline.config import load_newsroom
from pipeline.ingest import ingest_all
from pipeline.render.clips import ffmpeg_exe, load_clip_recipe, plan_timeline, sentences
from pipeline.render.renditions import render, renditions_dir, stored
from pipeline.store import open_store
from pipeline.stories import Actor, story_events
from pipeline.workflow import perform
from tests.conftest import NOW, make_newsroom, write_report
from tests.test_cards import photo

EDITOR = Actor("王编辑", "editor")
# small and quick, with the shipped design: the shipped recipes are tested the same way in the bench
SMALL = {"size = [720, 1280]": "size = [360, 640]", "photo_seconds = 4.0": "photo_seconds = 1.6",
         "seconds = 2.5": "seconds = 1.2", "transition_seconds = 0.6": "transition_seconds = 0.4",
         'preset = "veryfast"': 'preset = "ultrafast"', "size = 40 ": "size = 22 ", "margin = 110 ": "margin = 50 "}
BODY = ("11月20日上午，东村文明实践站开展板凳课堂。宣讲员用方言讲解惠民政策，60余名村民边听边问。"
        "课后，志愿者为老人测量血压。大家说，这样的课堂听得懂、用得上。")


def small_recipe(root: Path, name: str = "vertical", **changes: str) -> None:
    text = load_clip_recipe(None, name).source
    for old, new in {**SMALL, **changes}.items():
        text = text.replace(old, new)
    target = root / "templates" / "clips" / f"{name}.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


@pytest.fixture
def clip_story(tmp_path: Path):
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss"]')
    photo(root / "inbox" / "p1.jpg")
    photo(root / "inbox" / "p2.jpg", size=(1200, 1600))
    write_report(root, "a.md", title="东村开展板凳课堂理论宣讲", body=BODY,
                 extra="images:\n  - file: p1.jpg\n    caption: 宣讲现场\n  - file: p2.jpg\n    caption: 测量血压\n")
    small_recipe(root)
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    (story_id,) = ingest_all(newsroom, store, now=NOW).story_ids
    with store.begin() as conn:
        perform(conn, newsroom, story_id, "approve", EDITOR, NOW)
    return newsroom, store, story_id


def files_of(newsroom, store, story_id, kind="clip-vertical"):
    with store.read() as conn:
        found = stored(conn, story_id, 1, kind)
    assert found is not None
    return {role: renditions_dir(newsroom) / path for role, path in found.files.items()}, found.meta


def parse_cues(vtt: str) -> list[tuple[float, float]]:
    def seconds(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    return [(seconds(line.split(" --> ")[0]), seconds(line.split(" --> ")[1])) for line in vtt.splitlines() if " --> " in line]


def test_a_clip_is_encoded_with_pictures_sound_and_subtitles(clip_story) -> None:
    newsroom, store, story_id = clip_story
    heard: list[tuple[str, float]] = []
    summary = render(newsroom, store, NOW, kinds=["clip-vertical"], encoding=lambda label, share: heard.append((label, share)))
    assert summary.made == [(story_id, "clip-vertical")], summary.failed
    # the progress bar follows ffmpeg's own -progress reports, from the worker to this process
    assert heard and {label for label, _ in heard} == {f"story {story_id} clip-vertical"}
    shares = [share for _, share in heard]
    assert shares == sorted(shares) and shares[-1] > 0.9
    files, meta = files_of(newsroom, store, story_id)
    frames, seconds = count_frames_and_secs(str(files["main"]))
    assert math.isclose(seconds, meta["duration"], abs_tol=0.15)
    assert abs(frames - meta["duration"] * 25) <= 3
    info = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(files["main"])], capture_output=True, text=True).stderr
    assert "Video: h264" in info and "360x640" in info and "Audio: aac" in info
    data = files["main"].read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # +faststart: plays while it downloads
    cues = parse_cues(files["vtt"].read_text(encoding="utf-8"))
    assert cues[0][0] == 0.0 and all(a <= b for a, b in cues) and all(c[1] <= d[0] + 1e-6 for c, d in zip(cues, cues[1:], strict=False))
    assert cues[-1][1] <= meta["duration"] + 1e-6 and cues[-1][1] >= meta["duration"] - 1.5
    assert files["srt"].read_text(encoding="utf-8").startswith("1\n00:00:00,000 --> ")
    assert "东村开展板凳课堂理论宣讲" in files["vtt"].read_text(encoding="utf-8")
    middle = subprocess.run([ffmpeg_exe(), "-v", "error", "-ss", f"{meta['duration'] / 2:.2f}", "-i", str(files["main"]),
                             "-frames:v", "1", "-f", "image2pipe", "-vcodec", "png", "-"], capture_output=True, check=True).stdout
    assert ImageStat.Stat(Image.open(io.BytesIO(middle)).convert("L")).stddev[0] > 10  # a picture, not a blank
    assert Image.open(files["poster"]).size == (360, 640)


def test_captions_follow_a_narration_when_there_is_one(clip_story) -> None:
    newsroom, store, story_id = clip_story
    recording = newsroom.root / "recordings" / f"{story_id}.wav"
    recording.parent.mkdir(exist_ok=True)  # kitchen init makes it
    with wave.open(str(recording), "wb") as out:  # 7 s of a quiet tone stands in for the announcer
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(b"".join(int(3000 * math.sin(i / 8)).to_bytes(2, "little", signed=True) for i in range(22050 * 7)))
    assert render(newsroom, store, NOW, kinds=["clip-vertical"]).made
    files, meta = files_of(newsroom, store, story_id)
    assert meta["narration"] is True and meta["duration"] >= 7
    spoken = [c for c in meta["cues"] if c[2] != "东村开展板凳课堂理论宣讲"]
    assert spoken[0][0] > 0 and abs((spoken[-1][1] - spoken[0][0]) - 7) < 0.7  # the captions span the reading
    assert [c[2] for c in spoken] == sentences(BODY, 28)


def test_a_failed_encode_is_recorded_and_leaves_no_file(clip_story) -> None:
    newsroom, store, story_id = clip_story
    small_recipe(newsroom.root, **{'transition = "fade"': 'transition = "no-such-transition"'})
    summary = render(newsroom, store, NOW, kinds=["clip-vertical"])
    assert not summary.made and summary.failed[0][:2] == (story_id, "clip-vertical")
    assert "ffmpeg 出错" in summary.failed[0][2]
    assert not list(renditions_dir(newsroom).rglob("*.mp4"))
    assert not list((newsroom.runtime_dir / "render").rglob("*.mp4"))
    with store.read() as conn:
        assert any(e.action == "render-failed" and "ffmpeg" in e.note for e in story_events(conn, story_id))


def test_the_timeline_never_overruns_and_fills_short_stories() -> None:
    recipe = load_clip_recipe(None, "vertical")
    long = plan_timeline(recipe, 8, "标题", BODY * 5, [], narration_seconds=200)
    assert long.total <= recipe.max_seconds + 1e-6
    short = plan_timeline(recipe, 1, "标题", "一句话。", [], None)
    assert short.total >= recipe.min_seconds - 1e-6
    assert all(b > a for a, b in zip(short.starts, short.starts[1:], strict=False))


def test_the_article_page_shows_the_cover_and_plays_the_clip_and_feeds_carry_the_cover(clip_story) -> None:
    import feedparser

    from pipeline.schedule import publish_due

    newsroom, store, story_id = clip_story
    small_recipe(newsroom.root, "landscape", **{"size = [1280, 720]": "size = [640, 360]", "size = 36 ": "size = 20 "})
    assert len(render(newsroom, store, NOW, kinds=["card-cover", "clip-landscape"]).made) == 2
    publish_due(newsroom, store, now=NOW)
    live = newsroom.root / "site" / "live"
    page = next(live.glob(f"*/*/{story_id}-*/index.html")).read_text(encoding="utf-8")
    files, _ = files_of(newsroom, store, story_id, "clip-landscape")
    assert '<video controls preload="none"' in page and 'type="video/mp4"' in page and '<track kind="subtitles"' in page
    for src in __import__("re").findall(r'(?:src|poster)="(/media/r/[^"]+)"', page):
        assert (live / src.lstrip("/")).is_file(), src
    assert 'property="og:image" content="https://news.test.example.cn/media/r/' in page
    (entry,) = feedparser.parse((live / "feed.xml").read_bytes()).entries
    (enclosure,) = [link for link in entry.links if link.rel == "enclosure"]
    assert "/media/r/" in enclosure.href and int(enclosure.length) > 1000


def test_check_reports_a_recipe_that_names_a_missing_card(clip_story) -> None:
    from tests.conftest import Kitchen

    newsroom, _, _ = clip_story
    kitchen = Kitchen(newsroom.root)
    assert "✓" in kitchen("check")
    small_recipe(newsroom.root, **{'card = "poster"': 'card = "postre"'})
    output = kitchen("check", expect=1)
    assert "未就绪：渲染 clip-vertical: 没有卡片样式“postre”" in output


LONG_SENTENCE = "青岚县卫生健康局联合县人民医院在柳溪镇开展义诊活动并为村民免费体检和发放常用药品"


def test_a_long_caption_is_cut_between_words_and_ends_with_an_ellipsis() -> None:
    """Issue 13, item 4: a sentence too long for a vertical clip's caption (28 characters) no
    longer stops mid-word (`…联合县人民医`): it is cut where a phrase ends and says so with an
    ellipsis, in the subtitle files and burned in alike."""
    from pylopdf_fonts_zh_cn import sans_path

    from pipeline.render.clips import ass, srt, webvtt
    from pipeline.render.layout import ELLIPSIS

    recipe = load_clip_recipe(None, "vertical")
    limit = recipe.chars_per_line * recipe.caption_lines
    pieces = sentences(LONG_SENTENCE + "。", limit)
    assert pieces == ["青岚县卫生健康局联合县人民医院在柳溪镇开展义诊活动…", "并为村民免费体检和发放常用药品。"]
    assert all(len(p) <= limit for p in pieces)
    # one photo, one caption: the rest of the text is not shown, and the caption says so
    timeline = plan_timeline(recipe, 1, "义诊", LONG_SENTENCE + "，共服务群众三百余人次。后续还将定期开展。", [], None)
    caption = timeline.cues[-1].text
    assert caption.endswith(ELLIPSIS) and "人民医院" in caption and len(caption) <= limit
    assert f"\n{caption}\n" in srt(list(timeline.cues)) and f"\n{caption}\n" in webvtt(list(timeline.cues))
    burned = ass(list(timeline.cues), recipe, sans_path()).rsplit("Caption,,0,0,0,,", 1)[1]
    assert burned.replace("\\N", "").strip() == caption
    # a caption wider than its lines on screen is cut the same way, burned in
    narrow = type(recipe)(**{**recipe.__dict__, "caption_lines": 1})
    burned = ass(list(timeline.cues), narrow, sans_path()).rsplit("Caption,,0,0,0,,", 1)[1].strip()
    assert burned.endswith(ELLIPSIS) and "\\N" not in burned and not burned.endswith("医" + ELLIPSIS)
    assert caption.startswith(burned[:-1])


def test_a_caption_that_ends_its_sentence_has_no_ellipsis() -> None:
    recipe = load_clip_recipe(None, "vertical")
    timeline = plan_timeline(recipe, 2, "板凳课堂", BODY, [], None)
    assert [c.text for c in timeline.cues[1:]] == ["11月20日上午，东村文明实践站开展板凳课堂。",
                                                    "宣讲员用方言讲解惠民政策，60余名村民边听边问。"]


@pytest.mark.parametrize(("changes", "said"), [
    ({"size = [720, 1280]": 'size = "big"'}, "vertical.toml：size：应当是 [宽, 高]，两个 64 到 3840 之间的偶数像素"),
    ({"size = [720, 1280]": "size = [361, 640]"}, "vertical.toml：size：应当是 [宽, 高]"),
    ({"fps = 25": 'fps = "fast"'}, "vertical.toml：fps：应当是整数，而不是 'fast'"),
    ({"size = 40 ": 'size = "large" '}, "vertical.toml：captions.size：应当是整数，而不是 'large'"),
    ({"transition_seconds = 0.6": "transition_seconds = 30.0"},
     "vertical.toml：transition_seconds：转场 30.0 秒太长：应当比每张照片、片头和片尾的时长都短"),
])
def test_check_says_in_chinese_what_is_wrong_with_a_clip_recipe(tmp_path: Path, changes: dict[str, str],
                                                                 said: str) -> None:
    """Issue 13 review: `size = "big"` used to print `invalid literal for int() with base 10: 'b'`."""
    from tests.conftest import Kitchen

    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss"]')
    small_recipe(root, **changes)
    output = Kitchen(root)("check", expect=1)
    assert "未就绪：渲染 clip-vertical: " in output and said in output
    assert "invalid literal" not in output and "must " not in output
