"""Locate the templates and assets that ship with the package (wheel) or sit in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def shipped_dir(name: str) -> Path:
    """Return the shipped `templates` or `assets` folder.

    An installed wheel carries them inside the package (`pipeline/_data/<name>`); a source checkout
    or an editable install has them at the project root beside `pipeline/`.
    """
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the shipped '{name}' folder is missing from this installation")


def templates_dir() -> Path:
    return shipped_dir("templates")


def assets_dir() -> Path:
    return shipped_dir("assets")
