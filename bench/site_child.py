"""Run one site build in a process of its own, so its peak memory can be measured:
`python -m bench.site_child NEWSROOM (full|incremental STORY_ID)`. Prints a JSON line."""

from __future__ import annotations

import json
import resource
import sys
import time

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
    # the builder's own peak, and the largest of the render workers it forked (they share its pages)
    peak_mb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(json.dumps({"seconds": seconds, "written": len(result.written), "total": result.total, "peak_mb": peak_mb}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
