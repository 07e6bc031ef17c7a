"""The labels of the real pages (tests/fixtures/real_pages) match the pages they describe: each
names a page of the shared corpus, and its title and first and last sentences are in that page's
visible text. The extractor is measured against these labels (issue 14); this only keeps the
labels honest."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

LABELS = Path(__file__).parent / "fixtures" / "real_pages"
# beside the project root, as on the CI machines; KITCHEN_CORPUS names it elsewhere
CORPUS = Path(os.environ.get("KITCHEN_CORPUS") or Path(__file__).resolve().parents[2] / "shared" / "corpus")
KEYS = {"page", "kind", "title", "published", "date_shown", "first", "last", "author", "photos", "notes"}
SHOWN = {"headline", "info-line", "body", "meta-only", "url-only", None}


class _Text(HTMLParser):
    """The text a browser shows: everything outside script, style and template elements. The
    standard parser is used because it keeps reading after a stray `</html>`, as browsers do."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's visible text with all whitespace removed: the labels' sentences are compared
    without it, since pages break a sentence across elements and lines anywhere."""
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", "", "".join(parser.parts))


def labels() -> list[Path]:
    return sorted(LABELS.glob("*.json"))


def test_every_corpus_page_has_a_label() -> None:
    assert CORPUS.is_dir(), f"the shared corpus is expected at {CORPUS} (or set KITCHEN_CORPUS)"
    pages = {path.relative_to(CORPUS).as_posix() for path in (CORPUS / "news-pages").rglob("*.html")}
    labelled = {json.loads(path.read_text(encoding="utf-8"))["page"] for path in labels()}
    assert labelled == pages


@pytest.mark.parametrize("label", labels(), ids=lambda path: path.stem)
def test_a_label_matches_its_page(label: Path) -> None:
    data = json.loads(label.read_text(encoding="utf-8"))
    assert set(data) == KEYS
    assert data["kind"] in {"article", "not-article"} and data["date_shown"] in SHOWN
    raw = (CORPUS / data["page"]).read_bytes()
    html = raw.decode("utf-8", errors="replace")
    if "\ufffd" in html[:5000]:
        html = raw.decode("gb18030", errors="replace")
    text = visible_text(html)
    for key in ("title", "first", "last"):
        assert re.sub(r"\s+", "", data[key]) in text, f"{key} of {label.name} is not on the page"
    assert isinstance(data["photos"], int) and data["photos"] >= 0
    if data["published"] is not None:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?", data["published"])
