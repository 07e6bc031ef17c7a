"""Extraction: body F1, titles, dates, photos and ms/page of kitchen, readability-lxml, trafilatura and GNE, side by side, on the real pages and on the project's own labelled set.

The real pages are the shared corpus's development set (`../shared/corpus/news-pages`, labels in
tests/fixtures/real_pages, see bench/real_pages.py); the own set is tests/fixtures/pages. Every
extractor gets the same decoded page and address (kitchen takes the bytes: decoding is part of its
job). Body F1 is the character-trigram F1 of the extractor's plain text against the gold body;
a date is right when it falls on the labelled day in China time; a title is right when it equals
the label without whitespace; photos are right when as many as labelled. GNE is a bench-only
baseline, run in the baselines' own environment (bench/baselines.py). Per-page results are written
to bench/out/extract-pages.{csv,json}.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from statistics import fmean

import lxml.html
import trafilatura
from readability import Document

from bench.baselines import OUT, baseline_python
from bench.real_pages import FETCHED_AT, china_day, flat, real_pages
from pipeline.ingest.charset import decode_html
from pipeline.ingest.extract import extract_article, trigram_f1

ROUNDS = int(os.environ.get("BENCH_EXTRACT_ROUNDS", "3"))
PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pages"
EXTRACTORS = ("kitchen", "readability", "trafilatura", "gne")
GOOD_F1 = 0.9
DAY = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


@dataclass(frozen=True)
class Case:
    """One page and what it should give; `day` is None on a page that shows no date."""

    name: str
    raw: bytes
    text: str
    url: str
    content_type: str
    fetched_at: datetime
    title: str
    body: str
    day: str | None
    photos: int
    scored: bool = True  # the own set's not-article pages are timed, not scored


@dataclass(frozen=True)
class Found:
    title: str
    body: str
    day: str | None
    photos: int


@dataclass(frozen=True)
class Row:
    """One page by one extractor, as written to bench/out."""

    set: str
    page: str
    extractor: str
    body_f1: float
    title_right: bool
    title: str
    want_title: str
    day: str | None
    want_day: str | None
    date_right: bool
    photos: int
    want_photos: int
    ms: float


def day_of(value: str | None) -> str | None:
    """The China-time day a baseline's date string names (ISO with or without zone, or 2019年9月7日)."""
    if not value:
        return None
    try:
        return china_day(datetime.fromisoformat(value.strip()))
    except ValueError:
        found = DAY.search(value)
        return f"{int(found[1]):04d}-{int(found[2]):02d}-{int(found[3]):02d}" if found else None


def real_cases() -> list[Case]:
    return [Case(page.name, page.raw, page.html, page.url, "", FETCHED_AT, page.label["title"], page.gold_body,
                 page.published_day, page.label["photos"]) for page in real_pages()]


def own_cases() -> list[Case]:
    cases = []
    for spec in sorted(PAGES.glob("*.json")):
        data = json.loads(spec.read_text(encoding="utf-8"))
        raw, content_type = spec.with_suffix(".html").read_bytes(), data["headers"].get("Content-Type", "")
        expected = data["expected"]
        published = expected.get("published_at")
        cases.append(Case(spec.stem, raw, decode_html(raw, content_type).text, data["url"], content_type,
                          datetime.fromisoformat(data["fetched_at"]), expected.get("title") or "",
                          expected.get("body") or "", china_day(datetime.fromisoformat(published)) if published else None,
                          len(expected.get("images") or []), scored=expected["kind"] == "article"))
    return cases


def by_kitchen(case: Case) -> Found:
    got = extract_article(case.raw, case.url, content_type=case.content_type, fetched_at=case.fetched_at)
    return Found(got.title, got.text, china_day(got.published_at), len(got.images))


def by_readability(case: Case) -> Found:
    try:
        document = Document(case.text, url=case.url)
        summary = document.summary(html_partial=True)
        title = document.short_title()
    except Exception:  # noqa: BLE001 — readability raises on some pages; that page scores nothing
        return Found("", "", None, 0)
    body = lxml.html.fromstring(summary) if summary.strip() else None
    if body is None:
        return Found(title, "", None, 0)
    return Found(title, body.text_content(), None, len(body.xpath("//img")))


def by_trafilatura(case: Case) -> Found:
    try:
        document = trafilatura.bare_extraction(case.text, url=case.url, with_metadata=True, include_images=True,
                                               include_tables=True, include_comments=False)
    except Exception:  # noqa: BLE001
        document = None
    if document is None:
        return Found("", "", None, 0)
    body = document.body
    # the plain text of the body tree: trafilatura's own text output writes images as ![](src)
    text = " ".join(body.itertext()) if body is not None else ""
    photos = len(body.findall(".//graphic")) if body is not None else 0
    return Found(document.title or "", text, day_of(document.date), photos)


def by_trafilatura_body_only(case: Case) -> Found:
    """trafilatura as extract_article's generic step calls it (the figure this benchmark printed before)."""
    trafilatura.extract(case.text, url=case.url, output_format="html", include_tables=True, include_images=True)
    return Found("", "", None, 0)


def timed(extract: Callable[[Case], Found], cases: list[Case]) -> list[tuple[Found, float]]:
    """Each page's result (first round) and its mean ms over ROUNDS, after one warm-up call."""
    extract(cases[0])
    spent = [0.0] * len(cases)
    results: list[Found] = []
    for round_ in range(ROUNDS):
        for n, case in enumerate(cases):
            started = time.perf_counter()
            found = extract(case)
            spent[n] += time.perf_counter() - started
            if round_ == 0:
                results.append(found)
    return [(found, seconds / ROUNDS * 1000) for found, seconds in zip(results, spent, strict=True)]


def by_gne(cases: list[Case]) -> list[tuple[Found, float]]:
    """GNE in the baselines' environment, in a process of its own."""
    python = baseline_python()
    with tempfile.TemporaryDirectory(dir=OUT) as work:
        pages, out = Path(work) / "pages.json", Path(work) / "out.json"
        pages.write_text(json.dumps([{"text": case.text, "url": case.url} for case in cases], ensure_ascii=False),
                         encoding="utf-8")
        subprocess.run([str(python), str(Path(__file__).with_name("baseline_gne.py")), str(pages), str(ROUNDS), str(out)],
                       check=True)
        found = json.loads(out.read_text(encoding="utf-8"))
    return [(Found(item["title"], item["body"], day_of(item["published"]), item["photos"]), item["ms"])
            for item in found]


def measure(set_name: str, cases: list[Case]) -> list[Row]:
    runs = {"kitchen": timed(by_kitchen, cases), "readability": timed(by_readability, cases),
            "trafilatura": timed(by_trafilatura, cases), "gne": by_gne(cases)}
    rows = []
    for extractor in EXTRACTORS:
        for case, (found, ms) in zip(cases, runs[extractor], strict=True):
            rows.append(Row(set_name, case.name, extractor, trigram_f1(case.body, found.body) if case.scored else 0.0,
                            case.scored and flat(found.title) == flat(case.title), found.title, case.title,
                            found.day, case.day, case.day is not None and found.day == case.day,
                            found.photos, case.photos, ms))
    return rows


def print_table(title: str, cases: list[Case], rows: list[Row]) -> None:
    scored = {case.name for case in cases if case.scored}
    dated = {case.name for case in cases if case.scored and case.day is not None}
    labelled_photos = sum(case.photos for case in cases if case.scored)
    print(f"{title}: {len(scored)} pages scored, {len(dated)} dated, {labelled_photos} photos labelled; "
          f"{len(cases)} pages × {ROUNDS} rounds timed")
    print(f"  {'extractor':<12} {'body F1':>8} {'F1≥' + str(GOOD_F1):>7} {'titles':>7} {'dates':>7} "
          f"{'photos=':>7} {'found/lab':>10} {'ms/page':>8}")
    for extractor in EXTRACTORS:
        mine = [row for row in rows if row.extractor == extractor]
        judged = [row for row in mine if row.page in scored]
        print(f"  {extractor:<12} {fmean(row.body_f1 for row in judged):>8.3f} "
              f"{sum(row.body_f1 >= GOOD_F1 for row in judged):>3}/{len(judged):<3} "
              f"{sum(row.title_right for row in judged):>3}/{len(judged):<3} "
              f"{sum(row.date_right for row in judged if row.page in dated):>3}/{len(dated):<3} "
              f"{sum(row.photos == row.want_photos for row in judged):>3}/{len(judged):<3} "
              f"{sum(row.photos for row in judged):>5}/{labelled_photos:<4} "
              f"{fmean(row.ms for row in mine):>8.1f}")


def write_rows(rows: list[Row]) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    records = [asdict(row) for row in rows]
    (OUT / "extract-pages.json").write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    with (OUT / "extract-pages.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return OUT / "extract-pages.csv"


def run() -> None:
    logging.getLogger("readability.readability").setLevel(logging.CRITICAL)  # it logs tracebacks for empty pages
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    real, own = real_cases(), own_cases()
    real_rows, own_rows = measure("real", real), measure("own", own)
    print_table("real pages (../shared/corpus/news-pages)", real, real_rows)
    print_table("own labelled pages (tests/fixtures/pages)", own, own_rows)
    kitchen = fmean(row.ms for row in own_rows if row.extractor == "kitchen")
    body_only = fmean(ms for _, ms in timed(by_trafilatura_body_only, own))
    print(f"own pages: extract_article {kitchen:.2f} ms/page, trafilatura.extract alone (body only, no metadata) "
          f"{body_only:.2f} ms/page, ratio {kitchen / body_only:.2f}")
    print(f"per page: {write_rows(real_rows + own_rows)} (and .json)")
