"""The one registry pattern: a class per kind, found by looking through a package's modules.

Channels, source kinds, renderers, TTS engines and inbox formats are all registries of this shape.
A module of the registry's package names its classes in a module-level tuple (`CHANNELS`,
`SOURCE_KINDS`, `RENDERERS`, `ENGINES`, `FORMATS`); each class says its `kind`, whether it can run
here (`available()`, with the reason when it cannot) and what is wrong with its options. Adding a
kind is adding a class in a module, never editing a list elsewhere."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, ClassVar, TypeVar


class Kind:
    """One kind of a registry. Subclasses set `kind` and override what they need."""

    kind: ClassVar[str]

    @classmethod
    def available(cls) -> bool:
        """Whether this kind can run on this machine (an optional dependency may be missing)."""
        return not cls.unavailable_reason()

    @classmethod
    def unavailable_reason(cls) -> str:
        """Why this kind cannot run here, with what to install; empty when it can."""
        return ""

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> list[tuple[str, str]]:
        """Problems in this kind's settings, as (field, message) pairs; empty when all is well."""
        return []


K = TypeVar("K", bound=Kind)


def discover(package: str, attribute: str, base: type[K]) -> dict[str, type[K]]:
    """Every `base` subclass named in `attribute` by the modules (and subpackages) directly in
    `package`, keyed by kind. Modules whose name starts with `_` are private and not looked in.
    Two classes claiming one kind is a programming error, reported at once."""
    root = importlib.import_module(package)
    found: dict[str, type[K]] = {}
    for module_info in pkgutil.iter_modules(root.__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{module_info.name}")
        for cls in getattr(module, attribute, ()):
            if not (isinstance(cls, type) and issubclass(cls, base)):
                raise TypeError(f"{module.__name__}.{attribute} lists {cls!r}, not a {base.__name__}")
            if cls.kind in found and found[cls.kind] is not cls:
                raise TypeError(f"kind '{cls.kind}' is claimed by {found[cls.kind].__qualname__} "
                                f"and {cls.__qualname__}")
            found[cls.kind] = cls
    return found
