"""Recipe files of cards and clips: the shipped ones in `templates/<folder>/`, replaced by a
newsroom's files of the same name. Light on purpose: the config loader checks recipe names with it."""

from __future__ import annotations

from pathlib import Path

from pipeline.resources import templates_dir


def recipe_paths(newsroom_root: Path | None, folder: str = "cards") -> dict[str, Path]:
    """Recipe name → file: the shipped ones, replaced by the newsroom's files of the same name."""
    found: dict[str, Path] = {}
    for base in (templates_dir() / folder, (newsroom_root / "templates" / folder) if newsroom_root else None):
        if base is not None and base.is_dir():
            found.update((path.stem, path) for path in sorted(base.glob("*.toml")))
    return found
