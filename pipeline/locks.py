"""File locks that keep two processes (the daemon, cron, a person at the terminal) from doing the
same stage of one newsroom at the same moment. The OS releases them when a process dies."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from pipeline import words

if TYPE_CHECKING:
    from pipeline.settings import Newsroom

class Busy(Exception):
    """Another process holds the lock for this work."""


def lock_for(newsroom: Newsroom, name: str) -> FileLock:
    newsroom.runtime_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(newsroom.runtime_dir / f"{name}.lock"))


@contextmanager
def holding(newsroom: Newsroom, name: str, wait: float = 0) -> Iterator[None]:
    lock = lock_for(newsroom, name)
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise Busy(words.common.lock_busy(name)) from None
    try:
        yield
    finally:
        lock.release()
