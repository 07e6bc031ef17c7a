"""A test-only hook for crash testing: `KITCHEN_CRASH_AT=name:n` kills the process with SIGKILL
the n-th time the checkpoint `name` is reached. Without the variable a checkpoint does nothing."""

from __future__ import annotations

import os
import signal

_counts: dict[str, int] = {}


def checkpoint(name: str) -> None:
    spec = os.environ.get("KITCHEN_CRASH_AT")
    if not spec:
        return
    target, _, nth = spec.partition(":")
    if target != name:
        return
    _counts[name] = _counts.get(name, 0) + 1
    if _counts[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
