"""Loudspeaker audio: identification chimes, assembling speech and chimes into one broadcast, and
two-pass loudness normalisation to MP3, verified by measuring the result (EBU R128 / ebur128).

Everything runs through the static ffmpeg that imageio-ffmpeg ships, driven by ffmpeg-python (no
ffprobe: lengths and loudness come from decoding). espeak speech has peaks about 19 dB above its
loudness, so at −16 LUFS / −1.5 dBTP it always needs limiting: ffmpeg's `loudnorm` then leaves its
linear mode for a dynamic one that came out ~0.3 LU short with peaks over the limit, and it works
at 192 kHz (about 5 s per minute of audio here). So normalisation is our own two passes at
44.1 kHz: measure, apply the gain through a limiter under the ceiling; measure again and encode the
MP3 with what is still missing. The MP3 is verified with ebur128, true peak included; one that
misses the target raises `AudioError` with the numbers.
"""

from __future__ import annotations

import re
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline import words
from pipeline.fsutil import atomic_output
from pipeline.render.clips import ffmpeg_exe
from pipeline.render.jingles import PENTATONIC, RATE, note, wav_seconds, write_wav

TRUE_PEAK_MARGIN = 0.5  # dB that MP3 encoding may add to the true peak
LIMITER_MARGIN = 1.5  # dB the limiter stays under the true-peak ceiling (inter-sample peaks, the MP3)
MP3_LOSS = 0.45  # dB libmp3lame at 128 kbit/s comes out quieter than what it was given


class AudioError(RuntimeError):
    """Audio that could not be made or missed its loudness target; the message has the numbers."""


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float
    lra: float


@dataclass(frozen=True)
class LoudnessTarget:
    integrated: float = -16.0
    true_peak: float = -1.5
    lra: float = 11.0
    tolerance: float = 0.5


R128 = LoudnessTarget(integrated=-23.0, true_peak=-1.0, lra=15.0)  # EBU R128 broadcast profile


# --- material ------------------------------------------------------------------------------------

CHIMES = {  # (scale degree, octave, start in beats) per note; a beat is 0.22 s
    "open": ((0, 0, 0), (1, 0, 1), (2, 0, 2), (3, 0, 3), (4, 0, 4), (0, 1, 5), (2, 0, 5), (4, 0, 5)),
    "close": ((0, 1, 0), (4, 0, 1), (3, 0, 2), (2, 0, 3), (0, 0, 4.5), (2, 0, 4.5), (3, 0, 4.5)),
    "notice": ((2, 1, 0), (0, 1, 2), (2, 1, 5), (0, 1, 7)),  # ding-dong, twice
}


def ident_jingle(path: Path, kind: str = "open") -> Path:
    """A short pentatonic chime as a 44.1 kHz mono WAV: `open` rises, `close` falls and settles,
    `notice` is a two-note ding-dong before a notice. Deterministic, like the music bed."""
    if kind not in CHIMES:
        raise AudioError(words.render.no_jingle(kind, list(CHIMES)))
    tonic, beat, ring = 523.25, 0.22, 1.6  # C5; each note rings 1.6 s
    notes = CHIMES[kind]
    total = np.zeros(int((max(start for *_, start in notes) * beat + ring) * RATE))
    for degree, octave, start in notes:
        tone = note(tonic * 2 ** (octave + PENTATONIC[degree] / 12), ring, 0.3)
        at = int(start * beat * RATE)
        total[at:at + len(tone)] += tone
    fade = np.linspace(1.0, 0.0, int(0.05 * RATE))
    total[-len(fade):] *= fade  # no click at the end
    return write_wav(path, total / max(1.0, float(np.abs(total).max()) / 0.9))


def silence(path: Path, seconds: float) -> Path:
    return write_wav(path, np.zeros(int(round(seconds * RATE))))


def _pcm(path: Path) -> bytes:
    """Any audio file decoded to 44.1 kHz mono 16-bit samples."""
    import ffmpeg

    stream = ffmpeg.input(str(path)).audio.output("-", format="s16le", acodec="pcm_s16le", ar=RATE,
                                                  ac=1)
    return _run(stream, words.render.decoding(path.name))[0]


def assemble(parts: list[Path], out_wav: Path, gap_seconds: float = 0.4) -> float:
    """Concatenate audio files of any rate and channels into one 44.1 kHz mono WAV, with
    `gap_seconds` of silence between parts; returns its length in seconds. One part is in memory
    at a time, so a long broadcast costs no more than its longest part."""
    if not parts:
        raise AudioError(words.render.nothing_to_assemble())
    gap = bytes(2 * int(round(gap_seconds * RATE)))
    with atomic_output(out_wav) as temporary, wave.open(str(temporary), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        for k, part in enumerate(parts):
            out.writeframes((gap if k else b"") + _pcm(part))
    return wav_seconds(out_wav)


# --- measuring -----------------------------------------------------------------------------------

def _run(stream: Any, what: str) -> tuple[bytes, str]:
    """Run an ffmpeg-python graph; returns its standard output and what ffmpeg logged."""
    import ffmpeg

    try:
        out, err = (stream.global_args("-hide_banner", "-nostdin").overwrite_output()
                    .run(cmd=ffmpeg_exe(), capture_stdout=True, capture_stderr=True))
    except ffmpeg.Error as exc:
        lines = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise AudioError(words.render.sound_step_failed(what, " | ".join(lines[-3:]))) from None
    return out, err.decode("utf-8", "replace")


def parse_ebur128_summary(log: str) -> Loudness:
    """The integrated loudness, true peak and loudness range from ebur128's closing summary."""
    summary = log[log.rfind("Summary:"):]
    found = {}
    for key, pattern in (("i", r"\bI:\s+(-?inf|-?[\d.]+) LUFS"), ("lra", r"\bLRA:\s+(-?[\d.]+) LU\b"),
                         ("peak", r"\bPeak:\s+(-?inf|-?[\d.]+) dBFS")):
        match = re.search(pattern, summary)
        if "Summary:" not in log or match is None:
            raise AudioError(f"ebur128 printed no {key} in its summary")
        found[key] = float(match.group(1))
    return Loudness(found["i"], found["peak"], found["lra"])


def measure(path: Path) -> Loudness:
    """EBU R128 loudness of an audio file, with the true peak (4× oversampled)."""
    import ffmpeg

    stream = (ffmpeg.input(str(path)).audio.filter("ebur128", peak="true", framelog="verbose")
              .output("-", format="null"))
    return parse_ebur128_summary(_run(stream, words.render.measuring(path.name))[1])


def mp3_seconds(path: Path) -> float:
    """The length of an audio file, by decoding it all (no ffprobe; an MP3 header's estimate can
    be off). ffmpeg's last progress line gives it to the hundredth of a second."""
    import ffmpeg

    stream = ffmpeg.input(str(path)).audio.output("-", format="null")
    log = _run(stream, words.render.decoding(path.name))[1]
    stamps = re.findall(r"time=\s*(\d+):(\d\d):(\d\d(?:\.\d+)?)", log)
    if not stamps:
        raise AudioError(f"decoding {path.name}: ffmpeg reported no time")
    hours, minutes, seconds = stamps[-1]
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


# --- normalising ---------------------------------------------------------------------------------

def loudness_only(path: Path) -> float:
    """Integrated loudness without the true peak (4× oversampling is most of ebur128's time)."""
    import ffmpeg

    stream = ffmpeg.input(str(path)).audio.filter("ebur128").output("-", format="null")
    summary = _run(stream, words.render.measuring(path.name))[1]
    match = re.search(r"\bI:\s+(-?inf|-?[\d.]+) LUFS", summary[summary.rfind("Summary:"):])
    if match is None:
        raise AudioError(f"ebur128 printed no integrated loudness for {path.name}")
    return float(match.group(1))


def normalize_to_mp3(in_wav: Path, out_mp3: Path, target: LoudnessTarget = LoudnessTarget(),
                     bitrate: str = "128k") -> Loudness:
    """Two-pass loudness normalisation to `target`, encoded as mono 44.1 kHz MP3; returns the
    MP3's loudness as ebur128 measures it, or raises AudioError if it misses the target.

    Pass one measures the input and applies the gain with a limiter under the true-peak ceiling
    (espeak's speech has peaks ~19 dB above its loudness: −16 LUFS needs limiting), into a float
    WAV. Pass two measures that, and encodes the MP3 with the small gain still missing (the limiter
    takes some loudness; libmp3lame comes out ~0.45 LU quieter). The MP3 is then verified with
    ebur128 (true peak included); a miss of more than 0.1 LU is encoded once more. All at 44.1 kHz:
    ffmpeg's loudnorm works at 192 kHz and took about 5 s per minute of audio here.
    """
    import ffmpeg

    measured = loudness_only(in_wav)
    if measured <= -70:
        raise AudioError(f"{in_wav.name} is silent (integrated {measured} LUFS)")
    out_mp3.parent.mkdir(parents=True, exist_ok=True)
    limited = out_mp3.with_name(out_mp3.name + ".limited.wav")
    ceiling = 10 ** ((target.true_peak - LIMITER_MARGIN) / 20)
    try:
        # the MP3 appears only once it meets the target: a miss leaves no file behind
        with atomic_output(out_mp3) as temporary:
            _run(ffmpeg.input(str(in_wav)).audio.filter("aformat", sample_fmts="flt")
                 .filter("volume", f"{target.integrated - measured:.2f}dB")
                 .filter("alimiter", limit=f"{ceiling:.4f}", level="disabled", attack=1, release=60)
                 .output(str(limited), acodec="pcm_f32le", ar=RATE, ac=1), words.render.limiting(in_wav.name))
            gain = target.integrated - loudness_only(limited) + MP3_LOSS
            for _ in range(2):
                _run(ffmpeg.input(str(limited)).audio.filter("volume", f"{gain:.2f}dB")
                     .output(str(temporary), acodec="libmp3lame", audio_bitrate=bitrate, ar=RATE, ac=1),
                     words.render.encoding(out_mp3.name))
                result = measure(temporary)
                error = target.integrated - result.integrated_lufs
                if abs(error) <= 0.1:
                    break
                gain += error
            missed = abs(result.integrated_lufs - target.integrated) > target.tolerance
            if missed or result.true_peak_dbtp > target.true_peak + TRUE_PEAK_MARGIN:
                raise AudioError(words.render.loudness_missed(
                    in_wav.name, result.integrated_lufs, result.true_peak_dbtp, target.integrated, target.tolerance,
                    target.true_peak + TRUE_PEAK_MARGIN))
    finally:
        limited.unlink(missing_ok=True)
    return result

