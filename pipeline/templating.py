"""The one Jinja2 environment: a newsroom's `templates/` folder first, then the shipped defaults."""

from __future__ import annotations

from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    select_autoescape,
)

from pipeline import words
from pipeline.resources import templates_dir


def environment(newsroom_root: Path | None = None) -> Environment:
    loaders = []
    if newsroom_root is not None and (newsroom_root / "templates").is_dir():
        loaders.append(FileSystemLoader(str(newsroom_root / "templates")))
    loaders.append(FileSystemLoader(str(templates_dir())))
    cache = None
    if newsroom_root is not None and (newsroom_root / ".kitchen").is_dir():
        # compiled templates kept between runs (keyed by each template's source, so edits count):
        # a one-story site build no longer spends a tenth of a second compiling them
        folder = newsroom_root / ".kitchen" / "jinja-cache"
        folder.mkdir(exist_ok=True)
        cache = FileSystemBytecodeCache(str(folder))
    return Environment(
        loader=ChoiceLoader(loaders),
        bytecode_cache=cache,
        autoescape=select_autoescape(["html", "htm", "xml"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def template_problems(newsroom_root: Path, folder: str) -> list[str]:
    """Syntax errors in the templates of one folder (`web`, `broadcast`, …), the newsroom's
    overrides and what they include, in words (Jinja's own detail after a Chinese lead-in) — found before a build needs them."""
    env = environment(newsroom_root)
    names = sorted(name for name in env.list_templates() if name.startswith(f"{folder}/")
                   and name.endswith((".html", ".xml", ".txt", ".j2")))
    problems = []
    for name in names:
        try:
            env.get_template(name)
        except TemplateSyntaxError as exc:
            problems.append(words.config.template_syntax(exc.filename or name, exc.lineno, exc.message or ""))
        except TemplateError as exc:
            problems.append(words.config.template_unusable(name, str(exc)))
    return problems
