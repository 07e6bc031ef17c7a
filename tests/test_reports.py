"""Filing reports: a page that changes upstream updates an untouched draft, but never overwrites
an editor's work."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from pipeline import store as t
from pipeline.ingest.reports import ReportInput, file_report
from pipeline.stories import Actor, get_revision, story_events
from pipeline.workflow import perform
from tests.conftest import NOW

URL = "http://qiaotou.example.cn/art/2026/11/20/art_1_2.html"
BODY = "11月20日上午，东村新时代文明实践站开展“板凳课堂”理论宣讲，60余名村民参加。宣讲员讲解惠民政策。\n"


def report(raw_id: int, body: str = BODY) -> ReportInput:
    return ReportInput(source_id="qiaotou-site", raw_document_id=raw_id, station_id="qiaotou-dongcun",
                       title="东村开展板凳课堂", body_md=body, published_at=NOW - timedelta(days=9), date_source="text",
                       url=URL, method="rules")


def raw(conn, raw_id: int) -> int:
    conn.execute(t.raw_documents.insert().values(id=raw_id, source_id="qiaotou-site", url=URL, fetched_at=NOW,
                                                 headers={}, body=b"x", sha256=str(raw_id) * 64, size=1, kind="page"))
    return raw_id


def test_a_changed_page_updates_a_draft_nobody_has_touched(store, newsroom) -> None:
    with store.begin() as conn:
        first = file_report(conn, newsroom, report(raw(conn, 1)), NOW)
        second = file_report(conn, newsroom, report(raw(conn, 2), BODY.replace("60余名", "80余名")), NOW)
        revision = get_revision(conn, first.story_id)
    assert (first.relation, second.relation, second.story_id) == ("new", "update", first.story_id)
    assert revision.number == 2 and "80余名" in revision.content.body_md


def test_a_changed_page_never_overwrites_an_editors_work(store, newsroom) -> None:
    editor = Actor("王编辑", "editor")
    with store.begin() as conn:
        first = file_report(conn, newsroom, report(raw(conn, 1)), NOW)
        mine = replace(get_revision(conn, first.story_id).content, title="东村板凳课堂：政策讲到家门口")
        perform(conn, newsroom, first.story_id, "edit", editor, NOW, draft=mine)
        second = file_report(conn, newsroom, report(raw(conn, 2), BODY.replace("60余名", "80余名")), NOW)
        revision = get_revision(conn, first.story_id)
        events = story_events(conn, first.story_id)
        reports = conn.execute(select(t.reports.c.relation).where(t.reports.c.story_id == first.story_id)).all()
    assert second.relation == "update"
    assert (revision.number, revision.content.title) == (2, "东村板凳课堂：政策讲到家门口")
    assert "编辑已经改过这篇稿件，所以没有改动它的文字" in events[-1].note
    assert [r.relation for r in reports] == ["origin", "update"]  # the new text is kept as a source
