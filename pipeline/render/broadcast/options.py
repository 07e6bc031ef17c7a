"""The loudspeaker channel's options (`[channels.<name>]` of kind loudspeaker) and their check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline import words
from pipeline.render.tts import known_engines
from pipeline.settings import Newsroom

FRESH_DAYS = 7
OPTION_TYPES = {"engine": str, "chars_per_minute": int, "lead_minutes": int, "loudness": str, "fresh_days": int}


@dataclass(frozen=True)
class Settings:
    """The options of a loudspeaker-kind channel."""

    engine: str = "espeak"
    chars_per_minute: int = 200
    lead_minutes: int = 60
    loudness: str = "-16"  # "-16" (−16 LUFS, −1.5 dBTP) or "r128" (−23 LUFS)
    fresh_days: int = FRESH_DAYS

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Settings:
        return cls(**{key: value for key, value in options.items() if key in cls.__dataclass_fields__})


def check_options(options: dict[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with a loudspeaker channel's options, as (field, message) pairs."""
    problems = []
    for key, value in options.items():
        if key not in OPTION_TYPES:
            problems.append((key, words.render.unknown_setting(list(OPTION_TYPES))))
        elif not isinstance(value, OPTION_TYPES[key]) or isinstance(value, bool):
            problems.append((key, words.render.wrong_type(OPTION_TYPES[key] is int, value)))
    engines = known_engines()
    if options.get("engine", "espeak") not in engines:
        problems.append(("engine", words.render.one_of(list(engines))))
    if options.get("loudness", "-16") not in ("-16", "r128"):
        problems.append(("loudness", words.render.one_of(['"-16"（−16 LUFS）', '"r128"（−23 LUFS）'])))
    if not 80 <= options.get("chars_per_minute", 200) <= 400:
        problems.append(("chars_per_minute", words.render.between(80, 400)))
    if not 5 <= options.get("lead_minutes", 60) <= 24 * 60:
        problems.append(("lead_minutes", words.render.between(5, 1440)))
    return problems


def settings_for(newsroom: Newsroom, channel: str | None = None) -> Settings:
    """The settings of the loudspeaker-kind channel `channel` (by default the newsroom's first);
    the defaults when it has none."""
    channels = newsroom.channels_of_kind("loudspeaker")
    channel = channel or (channels[0] if channels else None)
    options = dict(newsroom.channel_options.get(channel, {})) if channel else {}
    options.pop("kind", None)
    return Settings.from_options(options)
