"""Loudspeaker audio: chimes, assembling a broadcast, and loudness normalisation that is checked
by measuring the MP3 it makes."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from pipeline.render.clips import ffmpeg_exe
from pipeline.render.jingles import wav_seconds, write_wav
from pipeline.render.sound import (
    R128,
    AudioError,
    LoudnessTarget,
    assemble,
    ident_jingle,
    measure,
    mp3_seconds,
    normalize_to_mp3,
    parse_ebur128_summary,
    silence,
)
from pipeline.render.tts import engine

NEWS = ("今天上午九点，东村文明实践站开展板凳课堂理论宣讲，六十余名村民参加。"
        "宣讲员用身边事讲清大道理，村民们听得认真。")
NOTICE = "请各位村民注意，明天上午在村委会门前开展义诊活动。"


@pytest.fixture(scope="module")
def broadcast(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """About 25 s: opening chime, news, notice chime, notice, a pause, closing chime."""
    folder = tmp_path_factory.mktemp("broadcast")
    espeak = engine("espeak")
    espeak.synthesize(NEWS, folder / "news.wav")
    espeak.synthesize(NOTICE, folder / "notice.wav")
    parts = [ident_jingle(folder / "open.wav", "open"), folder / "news.wav",
             ident_jingle(folder / "ding.wav", "notice"), folder / "notice.wav",
             silence(folder / "pause.wav", 1.0), ident_jingle(folder / "close.wav", "close")]
    assemble(parts, folder / "broadcast.wav")
    return folder / "broadcast.wav", parts


def stream_line(path: Path) -> str:
    """The `Audio:` line ffmpeg prints about a file (there is no ffprobe)."""
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True,
                            text=True, check=False)
    return next(line for line in result.stderr.splitlines() if "Audio:" in line)


def test_chimes_are_short_deterministic_mono_44100_hz(tmp_path: Path) -> None:
    for kind in ("open", "close", "notice"):
        first = ident_jingle(tmp_path / f"{kind}.wav", kind)
        again = ident_jingle(tmp_path / f"{kind}-again.wav", kind)
        assert 2.0 <= wav_seconds(first) <= 4.0
        assert first.read_bytes() == again.read_bytes()
        with wave.open(str(first), "rb") as source:
            assert (source.getnchannels(), source.getframerate()) == (1, 44100)
    with pytest.raises(AudioError, match="没有“fanfare”这段音乐；可用的有：open、close、notice"):
        ident_jingle(tmp_path / "x.wav", "fanfare")


def test_a_broadcast_lasts_its_parts_plus_the_gaps(broadcast: tuple[Path, list[Path]]) -> None:
    wav, parts = broadcast
    expected = sum(wav_seconds(part) for part in parts) + 0.4 * (len(parts) - 1)
    assert wav_seconds(wav) == pytest.approx(expected, abs=0.1)
    assert "44100 Hz, mono" in stream_line(wav)


def test_parts_of_any_rate_and_channels_are_joined(tmp_path: Path) -> None:
    stereo = tmp_path / "stereo-8k.wav"
    with wave.open(str(stereo), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(4 * 8000 * 2))  # 2 s
    seconds = assemble([stereo, stereo], tmp_path / "joined.wav", gap_seconds=1.0)
    assert seconds == pytest.approx(5.0, abs=0.02)


@pytest.mark.parametrize("target", [LoudnessTarget(), R128], ids=["-16 LUFS", "R128 -23 LUFS"])
def test_normalised_mp3_measures_on_target(broadcast: tuple[Path, list[Path]], tmp_path: Path,
                                           target: LoudnessTarget) -> None:
    wav, _ = broadcast
    returned = normalize_to_mp3(wav, tmp_path / "out.mp3", target)
    measured = measure(tmp_path / "out.mp3")
    assert returned == measured
    assert abs(measured.integrated_lufs - target.integrated) <= target.tolerance
    assert measured.true_peak_dbtp <= target.true_peak + 0.5
    assert not list(tmp_path.glob("*.tmp*")) and not list(tmp_path.glob("*.normalised.wav"))


def test_a_very_quiet_recording_is_brought_up(broadcast: tuple[Path, list[Path]],
                                              tmp_path: Path) -> None:
    wav, _ = broadcast
    with wave.open(str(wav), "rb") as source:
        samples = np.frombuffer(source.readframes(source.getnframes()), "<i2") / 32768.0
    gain = 10 ** ((-40.0 - measure(wav).integrated_lufs) / 20)
    quiet = write_wav(tmp_path / "quiet.wav", samples * gain)
    assert measure(quiet).integrated_lufs == pytest.approx(-40.0, abs=0.3)
    loud = normalize_to_mp3(quiet, tmp_path / "quiet.mp3")
    assert abs(measure(tmp_path / "quiet.mp3").integrated_lufs + 16.0) <= 0.5
    assert loud.true_peak_dbtp <= -1.0


def test_the_mp3_is_mono_44100_hz_and_as_long_as_the_wav(broadcast: tuple[Path, list[Path]],
                                                         tmp_path: Path) -> None:
    wav, _ = broadcast
    mp3 = tmp_path / "broadcast.mp3"
    normalize_to_mp3(wav, mp3, R128, bitrate="96k")
    line = stream_line(mp3)
    assert "mp3" in line and "44100 Hz, mono" in line
    assert mp3_seconds(mp3) == pytest.approx(wav_seconds(wav), abs=0.1)


def test_silence_is_refused_rather_than_amplified(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="silent"):
        normalize_to_mp3(silence(tmp_path / "quiet.wav", 3.0), tmp_path / "quiet.mp3")
    assert not (tmp_path / "quiet.mp3").exists()


def test_ebur128_summary_is_read_including_a_silent_peak() -> None:
    log = ("[Parsed_ebur128_0 @ 0x1] t: 0.1 M: -120.7 S: -120.7 I: -70.0 LUFS\n"
           "[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -23.4 LUFS\n"
           "    Threshold: -33.7 LUFS\n\n  Loudness range:\n    LRA:         3.0 LU\n"
           "    Threshold: -43.8 LUFS\n\n  True peak:\n    Peak:       -inf dBFS\n")
    loudness = parse_ebur128_summary(log)
    assert (loudness.integrated_lufs, loudness.lra) == (-23.4, 3.0)
    assert loudness.true_peak_dbtp == float("-inf")
    with pytest.raises(AudioError, match="summary"):
        parse_ebur128_summary("no summary here")
