"""The development set of real pages (issue 14): the shared corpus's pages, their labels in tests/fixtures/real_pages, and what a label defines (the gold body, the day published).

Shared by `bench_extract`, the floors script (`python -m bench.real_floors`) and the tests, so the
labels are read, and the gold body is cut, one way everywhere.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.ingest.extract import extract_article, trigram_f1

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "fixtures" / "real_pages"
FLOORS = LABELS / "floors.json"
# beside the project root, as on the CI machines; KITCHEN_CORPUS names it elsewhere
CORPUS = Path(os.environ.get("KITCHEN_CORPUS") or ROOT.parent / "shared" / "corpus")
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The labels carry no fetch time; any moment after the newest page (2020) does for plausibility.
FETCHED_AT = datetime(2026, 12, 1, tzinfo=SHANGHAI)
_OWN_URL = re.compile(r"""<(?:link[^>]*rel=["']canonical["'][^>]*href|meta[^>]*property=["']og:url["'][^>]*content)"""
                      r"""=["'](?P<url>https?://[^"']+)["']""", re.IGNORECASE)


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


def flat(text: str) -> str:
    """Text without whitespace, as labels and pages are compared."""
    return re.sub(r"\s+", "", text)


def visible_text(html: str) -> str:
    """The page's visible text with all whitespace removed: the labels' sentences are compared
    without it, since pages break a sentence across elements and lines anywhere."""
    parser = _Text()
    parser.feed(html)
    return flat("".join(parser.parts))


def decode_page(raw: bytes) -> str:
    """A saved page as text: UTF-8, or GB18030 when UTF-8 fails early on (the labels were read so)."""
    html = raw.decode("utf-8", errors="replace")
    if "\ufffd" in html[:5000]:
        html = raw.decode("gb18030", errors="replace")
    return html


def label_paths() -> list[Path]:
    return sorted(path for path in LABELS.glob("*.json") if path != FLOORS)


@dataclass(frozen=True)
class RealPage:
    """One labelled page: `name` is its label's stem (`163-1`), `label` the label's fields."""

    name: str
    label: dict
    raw: bytes

    @cached_property
    def html(self) -> str:
        return decode_page(self.raw)

    @property
    def url(self) -> str:
        """The address the page names for itself, else a stand-in on its site's folder: the saved
        pages come without the address they were fetched from."""
        found = _OWN_URL.search(self.html[:200_000])
        return found["url"].replace("&amp;", "&") if found else f"http://{self.name.split('-')[0]}.example.cn/{self.name}.html"

    @cached_property
    def gold_body(self) -> str:
        """The visible text from the label's first sentence through its last (whitespace removed)."""
        text = visible_text(self.html)
        first, last = flat(self.label["first"]), flat(self.label["last"])
        start = text.find(first)
        end = text.find(last, start)
        if start < 0 or end < 0:
            raise ValueError(f"{self.name}: the label's first or last sentence is not on the page")
        return text[start:end + len(last)]

    @property
    def published_day(self) -> str | None:
        """The day published (China time) as `YYYY-MM-DD`, or None when the page shows no date."""
        published = self.label["published"]
        return published[:10] if published else None


def real_page(label_path: Path) -> RealPage:
    label = json.loads(label_path.read_text(encoding="utf-8"))
    return RealPage(label_path.stem, label, (CORPUS / label["page"]).read_bytes())


def real_pages() -> list[RealPage]:
    return [real_page(path) for path in label_paths()]


def china_day(moment: datetime | None) -> str | None:
    """The day of `moment` in China time (a naive moment is taken as China time already)."""
    if moment is None:
        return None
    return (moment.astimezone(SHANGHAI) if moment.tzinfo else moment).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class KitchenScore:
    f1: float
    day: str | None  # what kitchen found, China time
    date_right: bool


def kitchen_score(page: RealPage) -> KitchenScore:
    """Kitchen's `extract_article` on one real page: body F1 against the gold body, and the date."""
    got = extract_article(page.raw, page.url, fetched_at=FETCHED_AT)
    day = china_day(got.published_at)
    return KitchenScore(trigram_f1(page.gold_body, got.text), day,
                        page.published_day is not None and day == page.published_day)
