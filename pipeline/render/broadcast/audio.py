"""The audio of a broadcast package: each part spoken by the TTS engine (or an announcer's
recording), the project's own jingles around them, assembled, loudness-normalised in two passes
to the target and verified with ebur128 on the final MP3; cut into one MP3 per part for the
playlist. Speech is cached by (engine, rate, text), so rebuilding a package or dropping one item
to fit the slot does not synthesise anything twice."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from pipeline import words
from pipeline.fsutil import atomic_write
from pipeline.render.broadcast.options import Settings
from pipeline.render.broadcast.rundown import GAP_SECONDS, REPEAT_PAUSE, Part, Rundown
from pipeline.render.clips import ffmpeg_exe
from pipeline.render.jingles import wav_seconds
from pipeline.render.sound import (
    R128,
    LoudnessTarget,
    assemble,
    ident_jingle,
    normalize_to_mp3,
    silence,
)
from pipeline.render.tts import Engine, recording_for
from pipeline.render.tts import engine as make_engine
from pipeline.settings import Newsroom


def cache_dir(newsroom: Newsroom) -> Path:
    folder = newsroom.runtime_dir / "broadcast-cache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _cached(path: Path, make: Callable[[Path], object], work: Path) -> Path:
    """The cache's file `path`, made by `make` first when missing. Packages build side by side and
    share the cache: the file is made in this package's work folder, then written in atomically."""
    if not path.exists():
        made = work / f".cache-{path.name}"
        try:
            make(made)
            atomic_write(path, made.read_bytes())
        finally:
            made.unlink(missing_ok=True)
    return path


def speech_file(newsroom: Newsroom, engine: Engine, engine_name: str, settings: Settings, text: str,
                work: Path) -> Path:
    key = hashlib.sha256(f"{engine_name}|{settings.chars_per_minute}|{text}".encode()).hexdigest()[:32]
    return _cached(cache_dir(newsroom) / "speech" / f"{key}.wav", partial(engine.synthesize, text), work)


def _voice(newsroom: Newsroom, engine: Engine, engine_name: str, settings: Settings, part: Part, work: Path) -> list[Path]:
    """The audio pieces of one part: a story's recording when the announcer made one, otherwise
    synthesised speech; notices twice, with a pause between."""
    if part.kind == "story" and part.ref.isdigit():
        recorded = recording_for(newsroom.root, int(part.ref))
        if recorded is not None:
            return [recorded]
    spoken = speech_file(newsroom, engine, engine_name, settings, part.spoken, work)
    if part.repeat == 1:
        return [spoken]
    pause = _cached(cache_dir(newsroom) / f"silence-{REPEAT_PAUSE}.wav", partial(silence, seconds=REPEAT_PAUSE), work)
    return [spoken, pause] * (part.repeat - 1) + [spoken]


def render_audio(newsroom: Newsroom, rundown: Rundown, settings: Settings, engine_name: str, work: Path) -> dict[str, Any]:
    """Write audio.mp3, parts/NN.mp3 and playlist.m3u into `work`; return the parts with their
    measured durations (items dropped if the spoken broadcast would overrun the slot), the total
    and the loudness measured on the final MP3."""
    engine = make_engine(engine_name, rate=settings.chars_per_minute) if engine_name == "espeak" else make_engine(engine_name)
    jingles = {kind: _cached(cache_dir(newsroom) / f"jingle-{kind}.wav", partial(ident_jingle, kind=kind), work)
               for kind in ("open", "notice", "close")}
    voices = {id(part): _voice(newsroom, engine, engine_name, settings, part, work) for part in rundown.parts}
    parts = list(rundown.parts)
    while True:
        pieces: list[tuple[Part, Path, bool]] = []  # (part it belongs to, file, is a jingle)
        for part in parts:
            if part.jingle in ("open", "notice"):
                pieces.append((part, jingles[part.jingle], True))
            pieces += [(part, piece, False) for piece in voices[id(part)]]
            if part.jingle == "close":
                pieces.append((part, jingles["close"], True))
        lengths = [wav_seconds(path) for _, path, _ in pieces]
        total = sum(lengths) + GAP_SECONDS * (len(pieces) - 1)
        droppable = [p for p in parts if p.kind in ("story", "brief")]
        if total <= rundown.budget or not droppable:
            break
        dropped = droppable[-1]  # the lowest ranked item goes first
        parts.remove(dropped)
        rundown.left_out.append((dropped.ref, dropped.title, words.render.speech_overran(total, rundown.budget)))
    boundary: dict[int, float] = {}  # where each part's stretch (its jingle included) starts
    speech_start: dict[int, float] = {}
    speech: dict[int, float] = {}
    at = 0.0
    for (part, _, jingle), length in zip(pieces, lengths, strict=True):
        key = id(part)
        boundary.setdefault(key, at)
        if not jingle:
            speech_start.setdefault(key, at)
            speech[key] = speech.get(key, -GAP_SECONDS) + GAP_SECONDS + length
        at += length + GAP_SECONDS
    timing = [(part, round(speech[id(part)], 2)) for part in parts]
    starts = [speech_start[id(part)] for part in parts]
    boundaries = [boundary[id(part)] for part in parts]
    assembled = work / "assembled.wav"
    assemble([path for _, path, _ in pieces], assembled, gap_seconds=GAP_SECONDS)
    target = R128 if settings.loudness == "r128" else LoudnessTarget()
    loudness = normalize_to_mp3(assembled, work / "audio.mp3", target)
    assembled.unlink()
    _split(work, boundaries)
    names = sorted(p.name for p in (work / "parts").glob("*.mp3"))
    durations = [b - a for a, b in zip(boundaries, [*boundaries[1:], at - GAP_SECONDS], strict=True)]
    lines = ["#EXTM3U", f"#PLAYLIST:{words.render.package_name(rundown.day, rundown.slot.label, rundown.target.name)}"]
    for name, (part, _), seconds in zip(names, timing, durations, strict=False):
        lines += [f"#EXTINF:{round(seconds)},{part.title}", f"parts/{name}"]
    (work / "playlist.m3u").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"timing": timing, "starts": starts, "seconds": round(at - GAP_SECONDS, 2),
            "loudness": {"integrated_lufs": loudness.integrated_lufs, "true_peak_dbtp": loudness.true_peak_dbtp,
                         "lra": loudness.lra, "target_lufs": target.integrated, "target_true_peak": target.true_peak}}


def _split(work: Path, boundaries: list[float]) -> None:
    """One MP3 per part, cut from the normalised whole (same gain everywhere), without re-encoding."""
    (work / "parts").mkdir()
    cuts = ",".join(f"{b:.3f}" for b in boundaries[1:])
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", "audio.mp3", "-map", "0:a",
               "-c", "copy", "-f", "segment", "-reset_timestamps", "1"]
    command += ["-segment_times", cuts] if cuts else []
    subprocess.run([*command, "parts/%02d.mp3"], cwd=work, check=True, capture_output=True)
