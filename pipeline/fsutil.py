"""File-system helpers: atomic writes and paths that cannot escape their folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class UnsafePath(ValueError):
    pass


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write `data` to `path` so readers see the old file or the whole new one, never a part.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the file is
    renamed over the target; a crash leaves at most a `.tmp-*` file, never a half-written target.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".tmp-{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def inside(root: Path, relative: str | os.PathLike[str]) -> Path:
    """Resolve `relative` under `root`, refusing absolute paths and anything that leaves `root`
    (`..`, symlinks pointing out)."""
    text = os.fspath(relative)
    if not text or "\x00" in text:
        raise UnsafePath(f"'{text}' is not a usable file name")
    candidate = Path(text)
    if candidate.is_absolute() or candidate.drive:
        raise UnsafePath(f"'{text}' is an absolute path; give a path relative to its folder")
    root_resolved = root.resolve()
    resolved = (root_resolved / candidate).resolve()
    if not resolved.is_relative_to(root_resolved):
        raise UnsafePath(f"'{text}' points outside its folder")
    return resolved


def unique_destination(path: Path) -> Path:
    """`path`, or `path` with .1, .2 … before the suffix when the name is taken."""
    if not path.exists():
        return path
    for counter in range(1, 10_000):
        candidate = path.with_name(f"{path.stem}.{counter}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(f"too many files named like {path}")


def remove_stale_temp_files(folder: Path) -> int:
    """Delete `.tmp-*` leftovers of writes that a crash interrupted."""
    removed = 0
    if folder.is_dir():
        for leftover in folder.rglob(".tmp-*"):
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


def atomic_symlink(link: Path, target: str) -> None:
    """Point the symbolic link `link` at `target` in one rename: readers follow the old target or
    the new one, never a missing link (how the site's `live` link switches builds)."""
    temporary = link.with_name(f".tmp-{link.name}.{os.getpid()}")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    os.replace(temporary, link)
