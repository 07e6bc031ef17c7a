"""Per-input time limits: slow work is stopped with TookTooLong, the SIGALRM handler and timer that
were there before are put back, and a page whose extraction is too slow is left out while the rest go on."""

from __future__ import annotations

import signal
import threading
import time

import pytest
from sqlalchemy import insert, select

from pipeline import store as t
from pipeline.ingest import IngestSummary, crawl
from pipeline.limits import TookTooLong, within
from tests.conftest import NOW


def test_slow_work_is_stopped_with_a_timeout_error() -> None:
    with pytest.raises(TookTooLong) as raised:
        within(0.2, time.sleep, 5)
    assert isinstance(raised.value, TimeoutError)
    assert str(raised.value) == "超过了 0.2 秒的时限"


def test_quick_work_returns_its_value_and_leaves_no_timer() -> None:
    assert within(5, sum, [1, 2, 3]) == 6
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_previous_handler_and_timer_are_restored() -> None:
    def theirs(signum, frame) -> None:
        pass

    before = signal.signal(signal.SIGALRM, theirs)
    try:
        signal.setitimer(signal.ITIMER_REAL, 60)
        with pytest.raises(TookTooLong):
            within(0.2, time.sleep, 5)
        assert signal.getsignal(signal.SIGALRM) is theirs
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def test_off_the_main_thread_the_work_runs_without_a_limit() -> None:
    results: list[object] = []
    thread = threading.Thread(target=lambda: results.append(within(0.01, lambda: time.sleep(0.1) or "done")))
    thread.start()
    thread.join()
    assert results == ["done"]


def test_a_page_whose_extraction_is_too_slow_is_left_out_and_the_rest_go_on(newsroom, store, monkeypatch) -> None:
    real = crawl.extract_article

    def extract(body, url, **kwargs):
        if "slow" in url:
            time.sleep(5)
        return real(body, url, **kwargs)

    real(b"<html><body><p>warm</p></body></html>", "https://example.cn/warm.html")  # loads the extractors
    monkeypatch.setattr(crawl, "extract_article", extract)
    monkeypatch.setattr(crawl, "EXTRACT_SECONDS", 1.0)
    source = newsroom.sources[0]
    with store.begin() as conn:
        for url in ("https://example.cn/slow.html", "https://example.cn/quick.html"):
            conn.execute(insert(t.raw_documents).values(
                source_id=source.id, url=url, fetched_at=NOW, headers={}, content_type="text/html",
                body=b"<html><body></body></html>", sha256="0" * 64, size=26, kind="page"))
    summary = IngestSummary()
    crawl.extract_pending(newsroom, store, source, NOW, summary)
    reasons = dict(summary.errors)
    assert reasons["https://example.cn/slow.html"] == "抽取超过 1 秒，已跳过"
    assert "抽取超过" not in reasons["https://example.cn/quick.html"]
    with store.begin() as conn:
        assert all(row.processed_at is not None for row in conn.execute(select(t.raw_documents)))


def test_a_card_that_takes_too_long_fails_with_its_reason(monkeypatch) -> None:
    """Rendering has its limit too: a card job past it comes back failed with the reason (the
    render run records it on the story and goes on), never holding the pool."""
    from types import SimpleNamespace

    from pipeline.render import renditions

    monkeypatch.setattr(renditions, "CARD_SECONDS", 0.2)
    slow = SimpleNamespace(encodes=False, run=lambda job: time.sleep(5))
    outcome, reason = renditions._safe(SimpleNamespace(renderer=slow, kind="card-cover"))
    assert outcome == "failed" and reason == "卡片 cover超过 0.2 秒没有完成；已略过"
