"""Kitchen's extractor on the real pages (issue 14's development set), page by page: no page's body
F1 falls below its recorded floor, and no date it got right goes wrong. The floors
(tests/fixtures/real_pages/floors.json, written by `python -m bench.real_floors`) record what the
extractor did when they were last raised; they are not the issue's goals, which `bench_extract`
measures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.real_pages import FLOORS, kitchen_score, label_paths, real_page


def floors() -> dict[str, dict]:
    return json.loads(FLOORS.read_text(encoding="utf-8"))


def test_every_real_page_has_a_floor() -> None:
    assert sorted(floors()) == [path.stem for path in label_paths()], "run `python -m bench.real_floors`"


@pytest.mark.parametrize("label", label_paths(), ids=lambda path: path.stem)
def test_a_real_page_stays_at_or_above_its_floor(label: Path) -> None:
    page = real_page(label)
    floor = floors()[page.name]
    score = kitchen_score(page)
    assert score.f1 >= floor["body_f1"], f"{page.name}: body F1 {score.f1:.3f} fell below its floor {floor['body_f1']}"
    if floor["date"]:
        assert score.date_right, f"{page.name}: date {score.day}, the page was published {page.published_day}"
