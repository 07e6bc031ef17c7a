"""Run GNE (GeneralNewsExtractor) over pages in the baselines' own environment (bench/baselines.py; a `baseline_*` script runs only there):
`python bench/baseline_gne.py PAGES.json ROUNDS OUT.json`. Imports nothing of the project.

PAGES.json is a list of {"text", "url"}; OUT.json gets, per page, GNE's title, publish_time, body
text and image count from the first round, and its mean ms over all rounds.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from gne import GeneralNewsExtractor


def extract(extractor: GeneralNewsExtractor, text: str, url: str) -> dict:
    parts = urlparse(url)
    try:
        found = extractor.extract(text, host=f"{parts.scheme}://{parts.netloc}")
    except Exception as exc:  # noqa: BLE001 — GNE raises when it finds no body; that page scores nothing
        return {"title": "", "published": "", "body": "", "photos": 0, "error": f"{type(exc).__name__}: {exc}"}
    return {"title": found.get("title") or "", "published": found.get("publish_time") or "",
            "body": found.get("content") or "", "photos": len(found.get("images") or [])}


def main(argv: list[str]) -> int:
    logging.disable(logging.CRITICAL)
    pages = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    rounds = int(argv[1])
    extractor = GeneralNewsExtractor()
    extract(extractor, pages[0]["text"], pages[0]["url"])  # warm up
    results: list[dict] = []
    spent = [0.0] * len(pages)
    for round_ in range(rounds):
        for n, page in enumerate(pages):
            started = time.perf_counter()
            found = extract(extractor, page["text"], page["url"])
            spent[n] += time.perf_counter() - started
            if round_ == 0:
                results.append(found)
    for found, seconds in zip(results, spent, strict=True):
        found["ms"] = seconds / rounds * 1000
    Path(argv[2]).write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
