"""The extractor against the project's labelled set (tests/fixtures/pages): body character-trigram
F1 and date accuracy over every page, with the aim of F1 ≥ 0.95 and dates ≥ 95 % exact."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pipeline.ingest.extract import extract_article, trigram_f1

PAGES = Path(__file__).parent / "fixtures" / "pages"


@dataclass
class Case:
    name: str
    html: bytes
    url: str
    content_type: str
    fetched_at: datetime
    expected: dict


def cases() -> list[Case]:
    found = []
    for spec in sorted(PAGES.glob("*.json")):
        data = json.loads(spec.read_text(encoding="utf-8"))
        found.append(Case(spec.stem, spec.with_suffix(".html").read_bytes(), data["url"],
                          data["headers"].get("Content-Type", ""), datetime.fromisoformat(data["fetched_at"]),
                          data["expected"]))
    return found


def date_matches(case: Case, got) -> bool:
    want = case.expected["published_at"]
    if want is None:
        return got.published_at is None
    if got.published_at is None:
        return False
    local = got.published_at.astimezone(case.fetched_at.tzinfo)
    if len(want) == 10:
        return local.strftime("%Y-%m-%d") == want
    wanted = datetime.fromisoformat(want)
    tolerance = timedelta(hours=1) if "小时前" in case.html.decode("utf-8", "ignore") else timedelta(0)
    return abs(got.published_at - wanted) <= tolerance and got.date_has_time


@pytest.fixture(scope="module")
def results():
    out = []
    for case in cases():
        got = extract_article(case.html, case.url, content_type=case.content_type, fetched_at=case.fetched_at)
        out.append((case, got))
    return out


def test_the_labelled_set_is_big_enough() -> None:
    assert len(cases()) >= 40


def test_body_f1_and_dates_over_the_labelled_set(results) -> None:
    scores, dates_right, lines = [], 0, []
    for case, got in results:
        expected = case.expected
        if expected["kind"] != "article":
            continue
        f1 = trigram_f1(expected["body"], got.text)
        scores.append(f1)
        date_ok = date_matches(case, got)
        dates_right += date_ok
        if f1 < 0.95 or not date_ok:
            lines.append(f"{case.name}: F1 {f1:.3f} date {'ok' if date_ok else 'WRONG'} "
                         f"({got.published_at} via {got.date_source}, want {expected['published_at']}) [{got.method}]")
    mean_f1 = sum(scores) / len(scores)
    date_accuracy = dates_right / len(scores)
    report = "\n".join(lines)
    print(f"\nlabelled set: {len(scores)} articles, body trigram F1 {mean_f1:.4f}, dates {date_accuracy:.1%} exact\n{report}")
    assert mean_f1 >= 0.95, report
    assert date_accuracy >= 0.95, report


def test_titles_over_the_labelled_set(results) -> None:
    wrong = [f"{case.name}: {got.title!r} != {case.expected['title']!r}" for case, got in results
             if case.expected["kind"] == "article" and got.title != case.expected["title"]]
    assert len(wrong) <= 1, "\n".join(wrong)


def test_authors_over_the_labelled_set(results) -> None:
    articles = [(case, got) for case, got in results if case.expected["kind"] == "article"]
    wrong = [f"{case.name}: {got.author!r} != {case.expected['author']!r}" for case, got in articles
             if got.author != case.expected["author"]]
    assert len(wrong) <= len(articles) * 0.05, "\n".join(wrong)


def test_special_wechat_pages_are_recognised(results) -> None:
    for case, got in results:
        if case.expected["kind"] != "article":
            assert got.kind == case.expected["kind"], case.name
        else:
            assert got.kind == "article", case.name


def test_images_over_the_labelled_set(results) -> None:
    wrong = [f"{case.name}: {got.images} != {case.expected['images']}" for case, got in results
             if case.expected["kind"] == "article" and got.images != case.expected["images"]]
    assert len(wrong) <= 1, "\n".join(wrong)


def test_no_script_survives_in_any_extracted_body(results) -> None:
    for case, got in results:
        lowered = got.html.lower()
        assert "<script" not in lowered and "javascript:" not in lowered and "onerror" not in lowered, case.name
