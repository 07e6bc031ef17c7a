"""The one Jinja2 environment: a newsroom's `templates/` folder first, then the shipped defaults."""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pipeline.resources import templates_dir


def environment(newsroom_root: Path | None = None) -> Environment:
    loaders = []
    if newsroom_root is not None and (newsroom_root / "templates").is_dir():
        loaders.append(FileSystemLoader(str(newsroom_root / "templates")))
    loaders.append(FileSystemLoader(str(templates_dir())))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "htm", "xml"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
