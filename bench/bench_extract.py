"""Extraction: ms per page over the labelled set (tests/fixtures/pages), against trafilatura alone on the same pages in the same run."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

ROUNDS = 5
PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pages"


def run() -> None:
    import trafilatura

    from pipeline.ingest.charset import decode_html
    from pipeline.ingest.extract import extract_article

    cases = []
    for spec in sorted(PAGES.glob("*.json")):
        data = json.loads(spec.read_text(encoding="utf-8"))
        cases.append((spec.with_suffix(".html").read_bytes(), data["url"], data["headers"].get("Content-Type", ""),
                      datetime.fromisoformat(data["fetched_at"])))
    extract_article(*cases[0][:2])  # warm up imports
    started = time.perf_counter()
    for _ in range(ROUNDS):
        for html, url, content_type, fetched in cases:
            extract_article(html, url, content_type=content_type, fetched_at=fetched)
    ours = (time.perf_counter() - started) / (ROUNDS * len(cases)) * 1000
    texts = [(decode_html(html, content_type).text, url) for html, url, content_type, _ in cases]
    started = time.perf_counter()
    for _ in range(ROUNDS):
        for text, url in texts:
            trafilatura.extract(text, url=url, output_format="html", include_tables=True, include_images=True)
    baseline = (time.perf_counter() - started) / (ROUNDS * len(cases)) * 1000
    print(f"pages: {len(cases)} × {ROUNDS} rounds")
    print(f"extract_article (rules → WeChat → containers → readability/trafilatura, dates, authors, sanitising): "
          f"{ours:6.2f} ms/page")
    print(f"trafilatura.extract alone:                                                              "
          f"{baseline:6.2f} ms/page")
    print(f"ratio extract_article / trafilatura: {ours / baseline:.2f}")
