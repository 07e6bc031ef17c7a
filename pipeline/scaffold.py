"""`kitchen init`: create a newsroom folder from the shipped scaffold templates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline import words
from pipeline.settings import CONFIG_FILE, STATIONS_FILE
from pipeline.templating import environment

NEWSROOM_GITIGNORE = """\
# Central Kitchen run-time files (the database, stored media and outputs are backed up, not versioned)
kitchen.db*
media/
outbox/
.kitchen/
"""


# The address `kitchen init` writes when none is given: it looks real, so `kitchen check` refuses
# it until the newsroom names its own (QR codes on posters and clips would point to it).
PLACEHOLDER_BASE_URL = "https://news.example.cn/"

# The folders a new newsroom starts with (README, "A newsroom folder").
FOLDERS = ("templates", "inbox", "broadcast/notices", "recordings")


def placeholder_url(url: str) -> bool:
    """Whether `url` is still the address `kitchen init` writes by default."""
    return urlparse(url).hostname == urlparse(PLACEHOLDER_BASE_URL).hostname


class ScaffoldError(Exception):
    pass


@dataclass(frozen=True)
class InitResult:
    root: Path
    kept: list[str]
    """Files that already existed and were left as they were."""


def init_newsroom(target: Path, title: str, base_url: str, timezone: str = "Asia/Shanghai",
                  county: str = "本县", county_seat: str = "城关镇",
                  monthly_themes: list[tuple[str, str]] | None = None) -> InitResult:
    target = target.expanduser().resolve()
    if (target / CONFIG_FILE).exists():
        raise ScaffoldError(words.config.already_a_newsroom(target, CONFIG_FILE))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScaffoldError(words.config.unknown_timezone(timezone)) from None
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ScaffoldError(words.config.not_http_url(base_url))
    env = environment()
    env.filters["toml"] = lambda value: json.dumps(value, ensure_ascii=False)
    values = {"title": title, "base_url": base_url, "timezone": timezone, "county": county,
              "county_seat": county_seat, "monthly_themes": monthly_themes or []}
    for folder in FOLDERS:
        (target / folder).mkdir(parents=True, exist_ok=True)
    kept = []
    for name in (CONFIG_FILE, STATIONS_FILE, ".gitignore"):
        path = target / name
        if path.exists():  # a stations.csv prepared beforehand is the newsroom's, not ours
            kept.append(name)
            continue
        text = (NEWSROOM_GITIGNORE if name == ".gitignore"
                else env.get_template(f"newsroom/{name}").render(**values))
        path.write_text(text, encoding="utf-8")
    return InitResult(target, kept)
