"""File-system helpers: atomic writes (every write-aside-then-rename goes through here), paths
that cannot escape their folder, and writes, moves and reads that never go through a link."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from pipeline import words

TEMPORARY_PREFIX = ".tmp-"
"""Names of files and folders being written; a crash leaves at most these (see remove_stale_temp_files)."""


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


FILE_MODE = 0o666 & ~_umask()
"""What an ordinary `open(path, "w")` gives a new file; atomic writes give the same (the temporary
file they rename is private to its owner), so the web server can read the site's photos."""


class UnsafePath(ValueError):
    pass


def atomic_write(path: Path, data: bytes | str, durable: bool = True, mode: int | None = None) -> None:
    """Write `data` (text as UTF-8) to `path` so readers see the old file or the whole new one,
    never a part. The file gets `mode` (default: what an ordinary write gives) before it appears.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the file is
    renamed over the target; a crash leaves at most a `.tmp-*` file, never a half-written target.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMPORARY_PREFIX}{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp_name, FILE_MODE if mode is None else mode)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` for a tool that writes a file by name (ffmpeg, `wave`, a TTS
    engine, a copy); renamed over `path` when the block ends, removed when it fails. The temporary
    name keeps the suffix, since tools such as ffmpeg choose the format by it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{TEMPORARY_PREFIX}{uuid.uuid4().hex[:8]}-{path.name}")
    try:
        yield temporary
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def atomic_copy(source: Path, target: Path) -> None:
    """Copy a file so that `target` is either absent, the old file, or the whole copy."""
    with atomic_output(target) as temporary:
        shutil.copyfile(source, temporary)


@contextlib.contextmanager
def atomic_folder(destination: Path) -> Iterator[Path]:
    """A new empty folder beside `destination` to fill; when the block ends it replaces
    `destination` whole (readers see the old folder or the new one, never a mix), and when the
    block fails it is removed. Two renames: the old folder steps aside, the new one steps in."""
    work = destination.parent / f"{TEMPORARY_PREFIX}{destination.name}-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    old = None
    try:
        yield work
        if destination.exists():
            old = destination.with_name(f".old-{destination.name}-{uuid.uuid4().hex[:8]}")
            os.replace(destination, old)
        os.replace(work, destination)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def atomic_symlink(link: Path, target: str | os.PathLike[str]) -> None:
    """Point the symbolic link `link` at `target` in one rename: readers follow the old target or
    the new one, never a missing link (how the site's `live` link switches builds)."""
    temporary = link.with_name(f"{TEMPORARY_PREFIX}{link.name}-{uuid.uuid4().hex[:8]}")
    temporary.symlink_to(target)
    try:
        os.replace(temporary, link)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def temporary_folder(parent: Path, name: str) -> Path:
    """A new empty folder in `parent` under a temporary name, to be filled over a while (by several
    processes, say) and given its final name with `finish_folder`; a crash leaves a `.tmp-*`
    folder that `remove_stale_temp_files` and the site's pruning clear away."""
    work = parent / f"{TEMPORARY_PREFIX}{name}-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    return work


def finish_folder(work: Path, destination: Path) -> None:
    """Give a folder made with `temporary_folder` its final name in one rename: readers find the
    whole folder under that name or nothing. A folder already at `destination` (left by a crash
    before it was recorded anywhere) is replaced."""
    if destination.exists():
        shutil.rmtree(destination)
    os.replace(work, destination)


def inside(root: Path, relative: str | os.PathLike[str]) -> Path:
    """Resolve `relative` under `root`, refusing absolute paths and anything that leaves `root`
    (`..`, symlinks pointing out)."""
    text = os.fspath(relative)
    if not text or "\x00" in text:
        raise UnsafePath(words.common.unusable_file_name(text))
    candidate = Path(text)
    if candidate.is_absolute() or candidate.drive:
        raise UnsafePath(words.common.absolute_path(text))
    root_resolved = root.resolve()
    resolved = (root_resolved / candidate).resolve()
    if not resolved.is_relative_to(root_resolved):
        raise UnsafePath(words.common.path_outside(text))
    return resolved


def unique_destination(path: Path, companions: tuple[str, ...] = ()) -> Path:
    """`path`, or `path` with .1, .2 … before the suffix when the name is taken. A name is taken by
    any entry, a symbolic link included (even one pointing nowhere), and, for each of
    `companions`, by an entry named the candidate's name plus that ending (a note kept beside it)."""
    for counter in range(10_000):
        candidate = path if counter == 0 else path.with_name(f"{path.stem}.{counter}{path.suffix}")
        names = [candidate] + [candidate.with_name(candidate.name + ending) for ending in companions]
        if not any(os.path.lexists(name) for name in names):
            return candidate
    raise FileExistsError(words.common.too_many_files(path))


def describe_kind(mode: int) -> str:
    """What a file of this `st_mode` is, as a person reads it ("命名管道")."""
    kinds = ((stat.S_ISREG, "file"), (stat.S_ISDIR, "folder"), (stat.S_ISLNK, "link"), (stat.S_ISFIFO, "pipe"),
             (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"))
    return words.common.FILE_KINDS[next((name for test, name in kinds if test(mode)), "other")]


def folder_without_links(root: Path, folder: Path) -> Path:
    """Make `folder` (inside `root`) one level at a time, refusing any level that is a symbolic link
    or not a folder, so that whatever is then written in it stays under `root`."""
    if not folder.is_relative_to(root):
        raise UnsafePath(words.common.folder_outside(folder, root))
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        with contextlib.suppress(FileExistsError):
            current.mkdir()
        mode = current.lstat().st_mode
        if not stat.S_ISDIR(mode):
            raise UnsafePath(words.common.not_a_folder(current.relative_to(root), describe_kind(mode)))
    return folder


def write_new_file(path: Path, data: bytes | str) -> None:
    """Create `path` and write `data` (text as UTF-8), never through a link: the file is opened with
    O_CREAT|O_EXCL|O_NOFOLLOW, so any entry already there (a file, a link, one pointing nowhere)
    refuses the write with FileExistsError and nothing elsewhere is overwritten or created. Check
    the folder with `folder_without_links` first."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def move_entry(source: Path, destination: Path) -> None:
    """Rename `source` to `destination`, a name no entry has (see `unique_destination`): a link is
    moved as a link and a pipe is never opened, since a rename follows no link at either name;
    FileExistsError rather than replacing whatever took the name (a link included)."""
    if os.path.lexists(destination):
        raise FileExistsError(words.common.already_exists(destination.name))
    os.rename(source, destination)


def read_regular_file(path: Path) -> bytes:
    """The bytes of `path` when it is a regular file itself; UnsafePath when it is a link (not
    followed), a pipe, a socket or a device. Opened with O_NOFOLLOW|O_NONBLOCK and checked on the
    open file, so a pipe put in its place meanwhile cannot make the read wait forever."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        if os.path.islink(path):
            raise UnsafePath(words.common.symbolic_link(path.name)) from None
        raise
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise UnsafePath(words.common.not_a_file(path.name, describe_kind(mode)))
        return handle.read()


def remove_stale_temp_files(folder: Path) -> int:
    """Delete `.tmp-*` leftovers (files and folders) of writes that a crash interrupted."""
    removed = 0
    if folder.is_dir():
        for leftover in sorted(folder.rglob(f"{TEMPORARY_PREFIX}*")):
            if not leftover.parent.exists():  # inside a folder removed just before
                continue
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
            removed += 1
    return removed
