"""The labels of the real pages (tests/fixtures/real_pages) match the pages they describe: each
names a page of the shared corpus, and its title and first and last sentences are in that page's
visible text. The extractor is measured against these labels (issue 14); this only keeps the
labels honest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench.real_pages import CORPUS, decode_page, label_paths, visible_text

KEYS = {"page", "kind", "title", "published", "date_shown", "first", "last", "author", "photos", "notes"}
SHOWN = {"headline", "info-line", "body", "meta-only", "url-only", None}


def test_every_corpus_page_has_a_label() -> None:
    assert CORPUS.is_dir(), f"the shared corpus is expected at {CORPUS} (or set KITCHEN_CORPUS)"
    pages = {path.relative_to(CORPUS).as_posix() for path in (CORPUS / "news-pages").rglob("*.html")}
    labelled = {json.loads(path.read_text(encoding="utf-8"))["page"] for path in label_paths()}
    assert labelled == pages


@pytest.mark.parametrize("label", label_paths(), ids=lambda path: path.stem)
def test_a_label_matches_its_page(label: Path) -> None:
    data = json.loads(label.read_text(encoding="utf-8"))
    assert set(data) == KEYS
    assert data["kind"] in {"article", "not-article"} and data["date_shown"] in SHOWN
    text = visible_text(decode_page((CORPUS / data["page"]).read_bytes()))
    for key in ("title", "first", "last"):
        assert re.sub(r"\s+", "", data[key]) in text, f"{key} of {label.name} is not on the page"
    first, last = (re.sub(r"\s+", "", data[key]) for key in ("first", "last"))
    assert text.find(last, text.find(first)) >= 0, f"the last sentence of {label.name} comes before its first"
    assert isinstance(data["photos"], int) and data["photos"] >= 0
    if data["published"] is not None:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?", data["published"])
