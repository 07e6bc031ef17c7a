"""Run one site build in a process of its own, so its peak memory can be measured:
`python -m bench.site_child NEWSROOM (full|incremental STORY_ID)`. Prints a JSON line."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from pipeline.config import load_newsroom
from pipeline.render.site import build_site
from pipeline.store import open_store


def main(argv: list[str]) -> int:
    newsroom = load_newsroom(argv[0])
    store = open_store(newsroom)
    started = time.perf_counter()
    with store.read() as conn:
        if argv[1] == "full":
            result = build_site(newsroom, conn, full=True)
        else:
            story = int(argv[2])
            result = build_site(newsroom, conn, {"web": {story: 1}, "rss": {story: 1}})
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "written": len(result.written), "total": result.total,
                      "peak_mb": peak_mb()}))
    return 0


def peak_mb() -> float:
    """The builder's own peak resident size, or the largest of the render workers it forked (they
    share its pages), whichever is higher. Not `ru_maxrss` of this process: Linux carries that over
    from the process that started it (across fork and exec), so after a big benchmark in the same
    parent it reported the parent's peak. `VmHWM` belongs to this process's own address space; the
    workers' `ru_maxrss` is theirs, since they were forked from this fresh one."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    own_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    return max(own_kb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
