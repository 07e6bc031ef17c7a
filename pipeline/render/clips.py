"""Short video clips of a story: a photo slideshow with Ken Burns motion and crossfades, a title
card first and a closing card with the QR code last (both drawn by the card code), burned-in
Chinese captions, the project's own music bed (or a narration track when one exists), encoded
H.264 + AAC with `+faststart` by the static ffmpeg that imageio-ffmpeg ships, driven through
ffmpeg-python. SRT and WebVTT files of the same captions and a poster frame go beside the MP4.

Recipes are data in `templates/clips/*.toml`. The static ffmpeg has no ffprobe: durations come from
our own timeline, and a narration must be a WAV file (its length read with `wave`).

A clip is encoded in a scratch folder; only a finished encode is stored, so a failure or a timeout
leaves nothing half-written in the output. ffmpeg's own error goes into the failure's reason.
`ClipRenderer` is the renderer of the `clip-<recipe>` renditions (see `pipeline.render`).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
import time
import tomllib
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageColor, ImageFont

from pipeline import words
from pipeline.media import BadImage
from pipeline.model import StorySnapshot
from pipeline.render import Job, MediaFiles, MediaRenderer, recipe_hash
from pipeline.render.cards import CardRenderer, draw_card, fallback_art, recipe_named
from pipeline.render.jingles import BED_VERSION, bed_file, wav_seconds
from pipeline.render.layout import ELLIPSIS, best_cut, clamp_lines, load_font, shorten
from pipeline.render.photos import crop_to, open_photo
from pipeline.render.recipes import recipe_paths
from pipeline.settings import Newsroom
from pipeline.text import html_to_plain, markdown_to_html

CLIP_VERSION = "clips-1"
STILL_SCALE = 1.5  # photos go to zoompan at 1.5× the clip's size  # bump when the code changes what a recipe produces
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


class ClipError(RuntimeError):
    """A clip that could not be made; the message says why (with ffmpeg's own words)."""


@dataclass(frozen=True)
class ClipRecipe:
    name: str
    width: int
    height: int
    fps: int
    photo_seconds: float
    transition: str
    transition_seconds: float
    zoom: float
    max_photos: int
    min_seconds: float
    max_seconds: float
    preset: str
    crf: int
    intro_card: str
    intro_seconds: float
    outro_card: str
    outro_seconds: float
    caption_size: int
    caption_color: str
    caption_outline: str
    caption_box: str
    caption_margin: int
    caption_lines: int
    chars_per_line: int
    music_volume: float
    music_duck: float
    source: str


def clip_recipe_paths(root: Path | None) -> dict[str, Path]:
    return recipe_paths(root, "clips")


def load_clip_recipe(root: Path | None, name: str) -> ClipRecipe:
    paths = clip_recipe_paths(root)
    if name not in paths:
        raise ClipError(words.render.no_recipe("clip", name, sorted(paths)))
    where = str(paths[name])
    text = paths[name].read_text(encoding="utf-8")

    def fail(key: str, message: str) -> ClipError:
        return ClipError(words.config.recipe_problem(where, key, message))

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail("", words.config.recipe_malformed_toml(str(exc))) from None

    def table(key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise fail(key, words.config.recipe_table(value))
        return value

    def number(values: dict[str, Any], key: str, default: float, prefix: str = "") -> float:
        value = values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(prefix + key, words.config.recipe_number(value, whole=False))
        return float(value)

    def whole(values: dict[str, Any], key: str, default: int, prefix: str = "") -> int:
        value = values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(prefix + key, words.config.recipe_number(value, whole=True))
        return value

    def string(values: dict[str, Any], key: str, default: str, prefix: str = "") -> str:
        value = values.get(key, default)
        if not isinstance(value, str):
            raise fail(prefix + key, words.config.must_be_text(value))
        return value

    size = data.get("size")
    if size is None:
        raise fail("size", words.config.recipe_missing())
    if not (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                               for v in size)):
        raise fail("size", words.config.recipe_clip_size(size))
    width, height = size
    if width % 2 or height % 2 or not (64 <= width <= 3840 and 64 <= height <= 3840):
        raise fail("size", words.config.recipe_clip_size(size))
    intro, outro, captions, music = table("intro"), table("outro"), table("captions"), table("music")
    recipe = ClipRecipe(
        name=name, width=width, height=height, fps=whole(data, "fps", 25),
        photo_seconds=number(data, "photo_seconds", 4.0), transition=string(data, "transition", "fade"),
        transition_seconds=number(data, "transition_seconds", 0.6), zoom=number(data, "zoom", 1.12),
        max_photos=whole(data, "max_photos", 8), min_seconds=number(data, "min_seconds", 6),
        max_seconds=number(data, "max_seconds", 60), preset=string(data, "preset", "veryfast"),
        crf=whole(data, "crf", 23),
        intro_card=string(intro, "card", "", "intro."), intro_seconds=number(intro, "seconds", 2.5, "intro."),
        outro_card=string(outro, "card", "", "outro."), outro_seconds=number(outro, "seconds", 2.5, "outro."),
        caption_size=whole(captions, "size", 40, "captions."),
        caption_color=string(captions, "color", "#ffffff", "captions."),
        caption_outline=string(captions, "outline", "#000000", "captions."),
        caption_box=string(captions, "box", "#00000099", "captions."),
        caption_margin=whole(captions, "margin", 80, "captions."),
        caption_lines=whole(captions, "max_lines", 2, "captions."),
        chars_per_line=whole(captions, "chars_per_line", 16, "captions."),
        music_volume=number(music, "volume", 0.35, "music."), music_duck=number(music, "duck", 0.12, "music."),
        source=text)
    if not 0 <= recipe.transition_seconds < min(recipe.photo_seconds, recipe.intro_seconds or 9, recipe.outro_seconds or 9):
        raise fail("transition_seconds", words.config.recipe_transition_too_long(recipe.transition_seconds))
    return recipe


def ffmpeg_exe() -> str:
    import imageio_ffmpeg  # only encodes need it

    return imageio_ffmpeg.get_ffmpeg_exe()


# --- what a clip says ----------------------------------------------------------------------------

def sentences(text: str, limit: int) -> list[str]:
    """Sentences of a plain text, each at most `limit` characters. A longer one is cut at a comma,
    else at the best boundary there is (`layout.best_cut`: never inside a number or a Latin word,
    rather between words than inside one), and the piece that stops mid-phrase ends with an
    ellipsis; the rest follows in the next piece."""
    found = []
    for sentence in (s.strip() for s in SENTENCE_END.split(" ".join(text.split()))):
        while len(sentence) > limit:
            comma = max(sentence.rfind(mark, 0, limit) for mark in "，、,：:；;")
            if comma > limit // 3:
                piece, sentence = sentence[:comma + 1], sentence[comma + 1:]
            else:
                cut = best_cut(sentence, limit - 1)
                piece, sentence = sentence[:cut].rstrip() + ELLIPSIS, sentence[cut:]
            found.append(piece.strip())
            sentence = sentence.strip()
        if sentence:
            found.append(sentence)
    return found


def trailing_off(piece: str, limit: int) -> str:
    """A caption after which the text goes on unseen (the clip ran out of photos): it ends with an
    ellipsis, in place of a comma, within `limit` characters."""
    if not piece or piece.endswith(ELLIPSIS) or piece[-1] in "。！？!?":
        return piece
    bare = piece.rstrip("，、,：:；; ")
    return bare + ELLIPSIS if len(bare) < limit else shorten(bare, limit)


def narration_for(newsroom: Newsroom, story_id: int) -> Path | None:
    """An announcer's recording (`recordings/<story id>.wav`) or a narration the loudspeaker
    channel made (`narration/<story id>.wav`), if there is one."""
    for folder in ("recordings", "narration"):
        path = newsroom.root / folder / f"{story_id}.wav"
        if path.is_file():
            return path
    return None


def clip_inputs(snap: StorySnapshot, newsroom: Newsroom) -> dict[str, Any]:
    narration = narration_for(newsroom, snap.story.id)
    return {"text": html_to_plain(markdown_to_html(snap.revision.content.body_md)),
            "narration": str(narration) if narration else None}


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    burn: bool = True  # the title cue over the title card is only in the subtitle files


def _stamp(seconds: float, comma: bool) -> str:
    millis = int(round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{',' if comma else '.'}{millis:03d}"


def srt(cues: list[Cue]) -> str:
    return "".join(f"{i}\n{_stamp(c.start, True)} --> {_stamp(c.end, True)}\n{c.text}\n\n" for i, c in enumerate(cues, 1))


def webvtt(cues: list[Cue]) -> str:
    return "WEBVTT\n\n" + "".join(f"{_stamp(c.start, False)} --> {_stamp(c.end, False)}\n{c.text}\n\n" for c in cues)


def _ass_color(value: str) -> str:
    rgba = ImageColor.getrgb(value)
    r, g, b = rgba[:3]
    alpha = 255 - (rgba[3] if len(rgba) == 4 else 255)
    return f"&H{alpha:02X}{b:02X}{g:02X}{r:02X}"


def ass(cues: list[Cue], recipe: ClipRecipe, font_path: Path) -> str:
    """Burned-in captions as ASS: our own line breaks (measured, 避头尾), a band behind the text."""
    family = ImageFont.truetype(str(font_path), 10).getname()[0]
    font = load_font(font_path, recipe.caption_size)
    width = recipe.width * 0.88
    events = []
    for cue in cues:
        if not cue.burn:
            continue
        lines, _ = clamp_lines(cue.text, font, width, recipe.caption_lines)
        text = r"\N".join(line.replace("{", "｛").replace("}", "｝") for line in lines)
        events.append(f"Dialogue: 0,{_stamp(cue.start, False)[1:-1]},{_stamp(cue.end, False)[1:-1]},Caption,,0,0,0,,{text}")
    return (
        "[Script Info]\nScriptType: v4.00+\nWrapStyle: 2\nScaledBorderAndShadow: yes\n"
        f"PlayResX: {recipe.width}\nPlayResY: {recipe.height}\n\n"
        "[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
        "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
        "Alignment, MarginL, MarginR, MarginV, Encoding\n"
        f"Style: Caption,{family},{recipe.caption_size},{_ass_color(recipe.caption_color)},&H000000FF,"
        f"{_ass_color(recipe.caption_box)},{_ass_color(recipe.caption_box)},0,0,0,0,100,100,0,0,3,"
        f"{max(4, recipe.caption_size // 5)},0,2,{int(recipe.width * 0.06)},{int(recipe.width * 0.06)},"
        f"{recipe.caption_margin},1\n\n"
        "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        + "\n".join(events) + "\n")


# --- the timeline --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Timeline:
    durations: tuple[float, ...]  # intro, photos…, outro
    starts: tuple[float, ...]
    total: float
    cues: tuple[Cue, ...]
    narration_start: float | None


def plan_timeline(recipe: ClipRecipe, photo_count: int, title: str, text: str, photo_captions: list[str],
                  narration_seconds: float | None) -> Timeline:
    """When each segment shows and what each caption says. With a narration, the photos share its
    length and the captions follow the text read (by character count); otherwise one sentence per
    photo. The total never passes `max_seconds`."""
    fade = recipe.transition_seconds
    intro, outro = (recipe.intro_seconds if recipe.intro_card else 0), (recipe.outro_seconds if recipe.outro_card else 0)
    count = max(1, photo_count)
    per_photo = recipe.photo_seconds
    if narration_seconds:
        per_photo = (narration_seconds + 0.6 + (count - 1) * fade) / count
    segments = [intro] * bool(intro) + [per_photo] * count + [outro] * bool(outro)
    overhead = sum(segments) - fade * (len(segments) - 1)
    if overhead > recipe.max_seconds:  # shorten the photos to fit
        per_photo = max(fade + 0.5, per_photo - (overhead - recipe.max_seconds) / count)
    elif overhead < recipe.min_seconds:
        per_photo += (recipe.min_seconds - overhead) / count
    durations = tuple([intro] * bool(intro) + [round(per_photo, 3)] * count + [outro] * bool(outro))
    starts, at = [], 0.0
    for duration in durations:
        starts.append(round(at, 3))
        at += duration - fade
    total = round(at + fade, 3)
    first_photo = 1 if intro else 0
    cues: list[Cue] = []
    if intro:
        cues.append(Cue(0.0, starts[first_photo] + fade / 2, title, burn=False))
    limit = recipe.chars_per_line * recipe.caption_lines
    said = sentences(text, limit)
    narration_start = None
    if narration_seconds:
        narration_start = starts[first_photo] + fade / 2
        span = min(narration_seconds, total - narration_start - (outro - fade if outro else 0))
        weights = [max(1, len(s)) for s in said] or [1]
        at = narration_start
        for sentence, weight in zip(said, weights, strict=False):
            length = span * weight / sum(weights)
            cues.append(Cue(round(at, 3), round(at + length, 3), sentence))
            at += length
    else:
        lines = [*said]
        if len(lines) > count:  # the text goes on past the last photo: its caption trails off
            lines[count - 1] = trailing_off(lines[count - 1], limit)
        for k in range(count):
            start = starts[first_photo + k] + (fade / 2 if k or intro else 0)
            end = starts[first_photo + k + 1] + fade / 2 if first_photo + k + 1 < len(starts) else total
            text_k = lines[k] if k < len(lines) else (photo_captions[k] if k < len(photo_captions) else "")
            if text_k:
                cues.append(Cue(round(start, 3), round(end, 3), text_k))
    if outro and cues and cues[-1].end > starts[-1] + fade / 2:
        cues[-1] = Cue(cues[-1].start, starts[-1] + fade / 2, cues[-1].text, cues[-1].burn)
    return Timeline(durations, tuple(starts), total, tuple(c for c in cues if c.end > c.start), narration_start)


# --- the encode ----------------------------------------------------------------------------------

def build_graph(recipe: ClipRecipe, stills: list[Path], timeline: Timeline, captions: Path | None, music: Path,
                narration: Path | None, output: Path, threads: int, fonts_dir: Path | None) -> Any:
    """The ffmpeg-python graph: every still through zoompan (Ken Burns on photos, still on cards),
    chained with xfade, captions burned with `ass`, music (ducked under a narration), H.264 + AAC."""
    import ffmpeg  # ffmpeg-python: only encodes need it

    width, height, fps = recipe.width, recipe.height, recipe.fps
    fade = recipe.transition_seconds
    has_intro, has_outro = bool(recipe.intro_card), bool(recipe.outro_card)
    video: Any = None  # an ffmpeg-python stream; every clip has at least one still
    for k, (still, duration) in enumerate(zip(stills, timeline.durations, strict=True)):
        frames = int(round(duration * fps))
        is_card = (k == 0 and has_intro) or (k == len(stills) - 1 and has_outro)
        if is_card:
            zoom, x, y = "1", "0", "0"
        elif k % 2 == 0:  # zoom in towards the middle
            zoom = f"1+{recipe.zoom - 1:.4f}*on/{frames}"
            x, y = "(iw-iw/zoom)/2", "(ih-ih/zoom)/2"
        else:  # start close, pull back while drifting sideways
            zoom = f"{recipe.zoom:.4f}-{recipe.zoom - 1:.4f}*on/{frames}"
            x, y = f"(iw-iw/zoom)*(1-on/{frames})", "(ih-ih/zoom)/2"
        segment = (ffmpeg.input(str(still))
                   .filter("zoompan", z=zoom, x=x, y=y, d=frames, s=f"{width}x{height}", fps=fps)
                   .filter("format", "yuv420p").filter("setsar", 1))
        if video is None:
            video = segment
        else:
            video = ffmpeg.filter([video, segment], "xfade", transition=recipe.transition, duration=fade,
                                  offset=f"{timeline.starts[k]:.3f}")
    if captions is not None:
        options = {"fontsdir": str(fonts_dir)} if fonts_dir else {}
        video = video.filter("ass", str(captions), **options)
    total = timeline.total
    bed = (ffmpeg.input(str(music), stream_loop=-1).audio
           .filter("atrim", duration=f"{total:.3f}").filter("asetpts", "PTS-STARTPTS"))
    if narration is not None and timeline.narration_start is not None:
        delay = int(timeline.narration_start * 1000)
        bed = bed.filter("volume", f"{recipe.music_duck:.3f}")
        voice = (ffmpeg.input(str(narration)).audio.filter("aresample", 44100).filter("aformat", channel_layouts="stereo")
                 .filter("adelay", f"{delay}|{delay}"))
        audio = ffmpeg.filter([voice, bed], "amix", inputs=2, duration="longest", normalize=0)
        audio = audio.filter("atrim", duration=f"{total:.3f}")
    else:
        audio = bed.filter("volume", f"{recipe.music_volume:.3f}")
    audio = (audio.filter("afade", t="in", d=0.4)
             .filter("afade", t="out", st=f"{max(0.0, total - 1.5):.3f}", d=1.5))
    return (ffmpeg.output(video, audio, str(output), vcodec="libx264", preset=recipe.preset, crf=recipe.crf,
                          pix_fmt="yuv420p", r=fps, acodec="aac", audio_bitrate="128k", ar=44100, ac=2,
                          movflags="+faststart", t=f"{total:.3f}", threads=threads)
            .global_args("-hide_banner", "-nostdin", "-loglevel", "error", "-progress", "pipe:1", "-nostats")
            .overwrite_output())


def run_ffmpeg(arguments: list[str], cwd: Path, total: float, timeout: float,
               progress: Any = None) -> None:
    """Run ffmpeg, reporting progress (0..1) from its `-progress` output; kill it on timeout."""
    process = subprocess.Popen(arguments, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()

    def follow() -> None:
        for raw in process.stdout:  # type: ignore[union-attr]
            line = raw.decode("ascii", "replace").strip()
            if line.startswith("out_time_us=") and progress is not None and total > 0:
                with contextlib.suppress(ValueError):
                    progress(min(1.0, int(line.split("=", 1)[1]) / 1e6 / total))

    follower = threading.Thread(target=follow, daemon=True)
    follower.start()
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise ClipError(words.render.ffmpeg_timeout(timeout)) from None
    follower.join(5)
    reader.join(5)
    if code != 0:
        message = b"".join(errors).decode("utf-8", "replace").strip().splitlines()
        raise ClipError(words.render.ffmpeg_failed(code, " | ".join(message[-4:])))


def prepare_stills(recipe: ClipRecipe, cards: list[Any], photos: list[Any], folder: Path) -> list[Path]:
    """Cards scaled to the clip, photos cropped to its shape with room for the zoom."""
    intro, outro = cards
    todo = [(k, image, image is intro or image is outro) for k, image in enumerate([intro, *photos, outro])
            if image is not None]

    def made(item: tuple[int, Any, bool]) -> Path:
        k, image, is_card = item
        # zoompan picks whole input pixels: a larger input makes the motion smooth
        size = (recipe.width, recipe.height) if is_card else (int(recipe.width * STILL_SCALE) // 2 * 2,
                                                              int(recipe.height * STILL_SCALE) // 2 * 2)
        path = folder / f"still-{k:02d}.{'png' if is_card else 'jpg'}"
        framed = crop_to(image, *size)
        if is_card:
            framed.save(path, format="PNG", compress_level=1)
        else:
            framed.save(path, format="JPEG", quality=92)
        return path

    with ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as pool:
        return list(pool.map(made, todo))


def run_clip_job(job: Job) -> tuple[MediaFiles, dict[str, Any]]:
    """In a worker: make one clip in a scratch folder; returns its files and meta."""
    root, font = Path(job.root), Path(job.font)
    recipe = load_clip_recipe(root, job.renderer.name)
    scratch = Path(job.extra.get("scratch") or root / ".kitchen" / "render")
    work = scratch / f"{job.story_id}-{job.kind}-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    warnings: list[str] = []
    photos: list[Image.Image] = []
    captions: list[str] = []
    # decoding happens outside the GIL: the photos open side by side
    largest = int(max(recipe.width, recipe.height) * STILL_SCALE) + 2

    def opened(path: str) -> Any:
        try:
            return open_photo(Path(path), max_side=largest)
        except BadImage as problem:
            return problem

    with ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as pool:
        for (path, caption), image in zip(job.photos, pool.map(opened, [p for p, _ in job.photos]), strict=True):
            if isinstance(image, BadImage):
                warnings.append(words.render.photo_skipped(Path(path).name, image))
            elif len(photos) < recipe.max_photos:
                photos.append(image)
                captions.append(caption)
    if not photos:
        photos = [fallback_art(recipe.width, recipe.height, ("#b3261e", "#5c1010"), "rays", job.data.theme or job.data.site, font)]
        warnings.append(words.render.NO_USABLE_PHOTO)
    cards: list[Image.Image | None] = []
    for name in (recipe.intro_card, recipe.outro_card):
        cards.append(draw_card(recipe_named(root, name), job.data, photos[0] if name else None, font)[0] if name else None)
    narration = Path(job.extra["narration"]) if job.extra.get("narration") else None
    narration_seconds = wav_seconds(narration) if narration else None
    timeline = plan_timeline(recipe, len(photos), job.data.title, job.extra.get("text", ""), captions, narration_seconds)
    stills = prepare_stills(recipe, cards, photos, work)
    (work / "captions.ass").write_text(ass(list(timeline.cues), recipe, font), encoding="utf-8")
    fonts = work / "fonts"
    fonts.mkdir()
    (fonts / font.name).symlink_to(font)
    output = work / "clip.mp4"
    graph = build_graph(recipe, [p.relative_to(work) for p in stills], timeline, Path("captions.ass"),
                        bed_file(scratch), narration, Path("clip.mp4"), int(job.extra.get("threads", 0)), Path("fonts"))
    started = time.perf_counter()
    run_ffmpeg(graph.compile(cmd=ffmpeg_exe()), work, timeline.total, float(job.extra.get("timeout", 600)),
               job.extra.get("progress"))
    seconds = time.perf_counter() - started
    poster = work / "poster.jpg"
    first_photo = 1 if recipe.intro_card else 0
    moment = timeline.starts[first_photo] + recipe.transition_seconds + 0.3
    run_ffmpeg([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-ss", f"{moment:.3f}", "-i", "clip.mp4",
                "-frames:v", "1", "-q:v", "3", "-y", "poster.jpg"], work, 0, 60)
    (work / "clip.srt").write_text(srt(list(timeline.cues)), encoding="utf-8")
    (work / "clip.vtt").write_text(webvtt(list(timeline.cues)), encoding="utf-8")
    meta = {"width": recipe.width, "height": recipe.height, "fps": recipe.fps, "duration": timeline.total,
            "photos": len(photos), "narration": narration is not None, "encode_seconds": round(seconds, 2),
            "cues": [[c.start, c.end, c.text] for c in timeline.cues], "warnings": warnings}
    files: MediaFiles = {"main": (output, "mp4"), "poster": (poster, "jpg"), "srt": (work / "clip.srt", "srt"),
             "vtt": (work / "clip.vtt", "vtt")}
    return files, meta


class ClipRenderer(MediaRenderer):
    """Short video clips, one renderer per recipe in `templates/clips/`."""

    kind = "clip"
    encodes = True

    def recipe(self, newsroom: Newsroom) -> str:
        """The recipe text, its title and closing cards' recipes, the music bed and the code's version."""
        recipe = load_clip_recipe(newsroom.root, self.name)
        cards = [recipe_hash(CardRenderer(card), newsroom) for card in (recipe.intro_card, recipe.outro_card) if card]
        return "|".join([CLIP_VERSION, BED_VERSION, self.name, recipe.source, *cards])

    def job_inputs(self, snap: StorySnapshot, newsroom: Newsroom) -> dict[str, Any]:
        return clip_inputs(snap, newsroom)

    def run(self, job: Job) -> tuple[MediaFiles, dict[str, Any]]:
        return run_clip_job(job)


RENDERERS = (ClipRenderer,)
