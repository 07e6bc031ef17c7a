"""Music the project makes itself (nothing is downloaded, nothing licensed): a gentle loopable bed
for clips. Deterministic: the same version gives the same samples, so clips stay reproducible."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from pipeline.fsutil import atomic_output

RATE = 44100
BED_VERSION = "bed-1"
PENTATONIC = (0, 2, 4, 7, 9)  # gong shang jue zhi yu, as semitones above the tonic


def note(frequency: float, seconds: float, level: float) -> np.ndarray:
    """A plucked tone: a few harmonics under a fast attack and an exponential decay."""
    t = np.arange(int(seconds * RATE)) / RATE
    tone = sum(np.sin(2 * np.pi * frequency * k * t) / k**1.6 for k in (1, 2, 3, 4))
    envelope = np.minimum(1.0, t / 0.01) * np.exp(-t * 3.2)
    return level * tone * envelope


def music_bed(seconds_per_bar: float = 2.0, bars: int = 8) -> np.ndarray:
    """Stereo float samples in [-1, 1]: a pentatonic melody over a soft pad, which loops cleanly."""
    tonic = 261.63  # C4
    total = int(seconds_per_bar * bars * RATE)
    left, right = np.zeros(total), np.zeros(total)
    melody = (0, 2, 4, 2, 3, 4, 2, 1, 0, 4, 3, 2, 1, 2, 0, 0)  # indexes into the scale, two per bar
    chords = ((0, 4, 7), (9, 12, 16), (5, 9, 12), (7, 11, 14))  # I vi IV V, as semitones
    beat = seconds_per_bar / 2
    for i, degree in enumerate(melody):
        start = int(i * beat * RATE)
        tone = note(tonic * 2 ** (PENTATONIC[degree] / 12) * 2, beat * 1.8, 0.22)
        end = min(total, start + len(tone))
        pan = 0.35 + 0.3 * (i % 2)
        left[start:end] += tone[: end - start] * (1 - pan)
        right[start:end] += tone[: end - start] * pan
    t = np.arange(int(seconds_per_bar * 2 * RATE)) / RATE
    for bar in range(0, bars, 2):
        chord = chords[(bar // 2) % len(chords)]
        pad = sum(np.sin(2 * np.pi * tonic / 2 * 2 ** (s / 12) * t) for s in chord) / len(chord)
        swell = np.sin(np.pi * t / t[-1]) ** 2  # fades in and out within its two bars: loops without a click
        start = int(bar * seconds_per_bar * RATE)
        left[start:start + len(t)] += 0.12 * pad * swell
        right[start:start + len(t)] += 0.12 * pad * swell
    stereo = np.stack([left, right], axis=1)
    return stereo / max(1.0, float(np.abs(stereo).max()) / 0.8)


def write_wav(path: Path, samples: np.ndarray) -> Path:
    data = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    channels = 1 if data.ndim == 1 else data.shape[1]
    with atomic_output(path) as temporary, wave.open(str(temporary), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(data.tobytes())
    return path


def bed_file(folder: Path) -> Path:
    """The music bed as a WAV file in `folder` (made once)."""
    path = folder / f"music-{BED_VERSION}.wav"
    if not path.exists():
        write_wav(path, music_bed())
    return path


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as source:
        return source.getnframes() / float(source.getframerate())
