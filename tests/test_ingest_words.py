"""The intake speaks Chinese (issue 13, item 2), keeps an unknown theme visible instead of dropping it
(item 5), and lets its errors resolve once the fixed file or page came in (item 13)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sqlalchemy import select

from pipeline import store as t
from pipeline import words
from pipeline.ingest import dedupe, ingest_all
from pipeline.stories import count_ingest_errors, list_ingest_errors, recent_ingest_errors, snapshot
from tests.conftest import NOW, write_report

# Words a reason may carry as they are: field names and formats a person types or looks for.
IDENTIFIERS = {"station", "title", "date", "body", "theme", "images", "file", "media", "caption", "inbox",
               "stations", "csv", "json", "yaml", "utf", "gbk", "docx", "txt", "md", "http", "rss", "atom",
               "xml", "kitchen", "errors", "toml", "max_pages", "timeout_seconds", "station_from", "pdf",
               "_quarantine", "_resolved", "_done", "correction", "author", "summary", "word", "doc"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def english_words(text: str, *names: str) -> list[str]:
    """Latin words in `text` that are neither identifiers, the given file names nor quoted values
    (what the file itself said, `站点“no-such-station”…`)."""
    for name in names:
        text = text.replace(name, "")
    text = re.sub(r"“[^”]*”", "", text)
    return [word for word in re.findall(r"[A-Za-z_]{3,}", text) if word.lower() not in IDENTIFIERS]


def fake_editor(tmp_path: Path, python_body: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text("import sys, pathlib\npath = pathlib.Path(sys.argv[1])\n"
                      "text = path.read_text(encoding='utf-8')\n"
                      f"{python_body}\npath.write_text(text, encoding='utf-8')\n", encoding="utf-8")
    return f"{sys.executable} {script}"


# ---- item 2: every reason, note and flag of the intake is Chinese --------------------------------

def test_quarantine_reasons_and_notes_are_chinese_and_say_how_to_resubmit(newsroom, store, newsroom_dir) -> None:
    inbox = newsroom_dir / "inbox"
    (inbox / "no-station.md").write_text("---\ntitle: 没有站点\n---\n正文。\n", encoding="utf-8")
    write_report(newsroom_dir, "unknown-station.md", station="no-such-station")
    write_report(newsroom_dir, "bad-date.md", date="上个月")
    (inbox / "no-front-matter.md").write_text("只有正文，没有标题。\n", encoding="utf-8")
    (inbox / "broken.json").write_text('{"title": "缺引号}', encoding="utf-8")
    (inbox / "bad-yaml.md").write_text("---\ntitle: [未闭合\n---\n正文\n", encoding="utf-8")
    (inbox / "empty.txt").write_text("\n\n", encoding="utf-8")
    (inbox / "broken.docx").write_bytes(b"PK\x03\x04 not a real zip")
    (inbox / "report.pdf").write_bytes(b"%PDF-1.4")

    summary = ingest_all(newsroom, store, now=NOW)

    reasons = dict(summary.errors)
    assert summary.quarantined == 8 and len(reasons) == 8
    assert reasons["no-station.md"] == words.ingest.station_missing()
    assert reasons["no-station.md"].startswith("缺少站点：请在文件开头加一行 station: <站点编号或名称>")
    assert reasons["broken.json"] == "不是有效的 JSON：第 1 行第 11 列，引号没有闭合"
    for item, reason in [*summary.errors, *summary.skipped]:
        assert CJK.search(reason), (item, reason)
        assert english_words(reason, item) == [], (item, reason)
    note = (inbox / "_quarantine" / "no-station.md.reason.txt").read_text(encoding="utf-8")
    assert note.splitlines()[:2] == ["no-station.md", words.ingest.station_missing()]
    assert "改好后把文件放回收件箱即可重新导入" in note
    with store.begin() as conn:
        stages = {row.stage for row in conn.execute(select(t.ingest_errors.c.stage))}
    assert all(stage in words.STAGES for stage in stages | {"file", "fetch", "extract", "image"})


def test_kitchen_ingest_and_errors_print_chinese(kitchen, newsroom_dir) -> None:
    write_report(newsroom_dir, "a.md")
    (newsroom_dir / "inbox" / "b.md").write_text("---\ntitle: 没有站点\n---\n正文。\n", encoding="utf-8")
    output = kitchen("ingest")
    assert "采集：新稿 1 篇，已收过 0 篇，隔离 1 个" in output
    assert f"已隔离 b.md：{words.ingest.station_missing()}" in output
    assert "用 kitchen errors 查看失败的内容和原因" in output
    listing = kitchen("errors")
    assert "inbox · 文件 · b.md" in listing and words.ingest.station_missing() in listing
    assert "→ 已隔离到 _quarantine/b.md" in listing
    assert "共显示 1 条未解决的采集错误" in listing
    # the reason is one line, not folded into a narrow column
    assert any(line.strip() == words.ingest.station_missing() for line in listing.splitlines())


def test_repost_and_update_notes_are_chinese() -> None:
    for reason in (words.ingest.same_page_same_text(), words.ingest.page_changed(), words.ingest.same_page_other_source(),
                   words.ingest.same_text_repost(), words.ingest.alike_same_place(0.84), words.ingest.alike_other_place(),
                   words.ingest.alike_other_stories([3, 5]), words.ingest.update_left_alone(True, "草稿"),
                   words.ingest.update_left_alone(False, "已发布")):
        assert CJK.search(reason) and english_words(reason) == [], reason
    assert words.ingest.alike_same_place(0.84).startswith("84% 相似")
    assert words.ingest.fetch_failed("page", words.ingest.http_status(404)) == "网页抓取失败：HTTP 404"
    assert {"duplicate-source", "source-updated", "source-seen-again"} <= set(words.EVENTS)
    signature = dedupe.minhash_of("东村开展板凳课堂理论宣讲六十余名村民参加")
    decision = dedupe.decide(canonical=None, digest="d", signature=signature, station_id="a", place=("", ""),
                             published_at=None, candidates=[dedupe.EarlierReport(
                                 report_id=1, story_id=1, station_id="a", place=("", ""), published_at=None,
                                 text_hash="d", minhash=None, canonical_url=None)])
    assert (decision.relation, decision.reason) == ("duplicate", "文字完全相同（转发）")


# ---- item 5: an unknown theme is refused on edit and never dropped in silence ---------------------

def test_kitchen_edit_refuses_an_unknown_theme_and_lists_the_known_ones(kitchen, newsroom, newsroom_dir,
                                                                        tmp_path) -> None:
    write_report(newsroom_dir, "a.md")
    kitchen("ingest")
    editor = fake_editor(tmp_path, "text = text.replace('theme: xuanjiang', 'theme: 环境保护')")
    output = "".join(kitchen("edit", "1", env={"EDITOR": editor}, expect=1).splitlines())  # unwrapped
    assert "主题“环境保护”不在主题表里；可用的主题：" in output
    for theme in newsroom.themes.values():
        assert f"{theme.id}（{theme.name}）" in output
    kept = newsroom_dir / ".kitchen" / "unsaved" / "story-1.md"
    assert "theme: 环境保护" in kept.read_text(encoding="utf-8")
    from pipeline.store import open_store

    with open_store(newsroom).begin() as conn:
        assert snapshot(conn, 1).revision.content.theme == "xuanjiang"  # nothing saved, nothing cleared
        assert snapshot(conn, 1).revision.number == 1


def test_an_unknown_theme_in_an_inbox_file_is_flagged_on_the_report_and_the_command_line(
        kitchen, newsroom, newsroom_dir) -> None:
    path = write_report(newsroom_dir, "a.md")
    path.write_text(path.read_text(encoding="utf-8").replace("theme: xuanjiang", "theme: 环境保护"), encoding="utf-8")
    output = kitchen("ingest")
    flag = words.ingest.theme_unknown_left_empty("环境保护")
    assert "新稿 1 篇" in output
    assert f"请留意 a.md：{flag}" in output
    from pipeline.store import open_store

    with open_store(newsroom).begin() as conn:
        report = conn.execute(select(t.reports)).one()
        assert report.theme is None and flag in report.flags
        assert snapshot(conn, report.story_id).revision.content.theme is None


# ---- item 13: errors resolve, and the quarantine stops telling a stale story ----------------------

def test_a_fixed_file_put_back_resolves_its_errors_and_retires_the_quarantine_note(
        newsroom, store, newsroom_dir, kitchen) -> None:
    inbox = newsroom_dir / "inbox"
    bad = (inbox / "b.md")
    bad.write_text("---\ntitle: 没有站点\n---\n正文。\n", encoding="utf-8")
    assert ingest_all(newsroom, store, now=NOW).quarantined == 1
    with store.begin() as conn:
        assert count_ingest_errors(conn) == 1 and len(recent_ingest_errors(conn)) == 1

    # the editor fixes the quarantined file and moves it back into the inbox
    quarantined = inbox / "_quarantine" / "b.md"
    fixed = quarantined.read_text(encoding="utf-8").replace("title: 没有站点", "title: 没有站点\nstation: qiaotou")
    quarantined.unlink()
    bad.write_text(fixed, encoding="utf-8")
    summary = ingest_all(newsroom, store, now=NOW)

    assert (summary.new_reports, summary.quarantined, summary.resolved) == (1, 0, 1)
    with store.begin() as conn:
        assert count_ingest_errors(conn) == 0 and recent_ingest_errors(conn) == []
        assert list_ingest_errors(conn) == []
        (history,) = list_ingest_errors(conn, include_resolved=True)
        assert history.resolved_at is not None and count_ingest_errors(conn, include_resolved=True) == 1
        assert history.quarantined_to == "_quarantine/_resolved/b.md"  # where its note is now
    assert not (inbox / "_quarantine" / "b.md.reason.txt").exists()
    note = (inbox / "_quarantine" / "_resolved" / "b.md.reason.txt").read_text(encoding="utf-8")
    assert note.startswith(f"b.md\n{words.ingest.station_missing()}\n")
    assert "已解决：" in note and "改好的文件已导入（_done/b.md）" in note
    assert (inbox / "_done" / "b.md").read_text(encoding="utf-8") == fixed
    assert "没有未解决的采集错误" in kitchen("errors")
    history_listing = kitchen("errors", "--all")
    assert "b.md" in history_listing and "已解决（" in history_listing
    assert "→ 隔离说明在 _quarantine/_resolved/b.md.reason.txt" in history_listing


def test_a_fixed_copy_resolves_and_the_quarantined_original_moves_aside_never_deleted(
        newsroom, store, newsroom_dir) -> None:
    inbox = newsroom_dir / "inbox"
    write_report(newsroom_dir, "b.md", station="nowhere")
    ingest_all(newsroom, store, now=NOW)
    original = (inbox / "_quarantine" / "b.md").read_bytes()
    write_report(newsroom_dir, "b.md")  # a fixed copy, written fresh; the quarantined one left as it was
    ingest_all(newsroom, store, now=NOW)
    assert not (inbox / "_quarantine" / "b.md").exists()
    assert (inbox / "_quarantine" / "_resolved" / "b.md").read_bytes() == original
    assert "已解决：" in (inbox / "_quarantine" / "_resolved" / "b.md.reason.txt").read_text(encoding="utf-8")


def test_a_quarantined_copy_changed_since_stays_where_it_is(newsroom, store, newsroom_dir) -> None:
    inbox = newsroom_dir / "inbox"
    write_report(newsroom_dir, "b.md", station="nowhere")
    ingest_all(newsroom, store, now=NOW)
    newer = write_report(inbox.parent, "_quarantine/b.md", title="又改过的版本", station="qiaotou")
    write_report(newsroom_dir, "b.md")  # another fix came in first
    summary = ingest_all(newsroom, store, now=NOW)
    assert summary.resolved == 1
    assert newer.read_text(encoding="utf-8").startswith("---\ntitle: 又改过的版本")  # a newer fix is kept in place
    note = (inbox / "_quarantine" / "b.md.reason.txt").read_text(encoding="utf-8")
    assert "在隔离后又被改过，所以留在原处" in note and "放回收件箱即可再次导入" in note
    assert not (inbox / "_quarantine" / "_resolved").exists()


def test_other_files_errors_stay_unresolved(newsroom, store, newsroom_dir) -> None:
    write_report(newsroom_dir, "a.md", station="nowhere")
    write_report(newsroom_dir, "b.md", station="nowhere", title="另一篇")
    ingest_all(newsroom, store, now=NOW)
    write_report(newsroom_dir, "a.md")
    ingest_all(newsroom, store, now=NOW)
    with store.begin() as conn:
        assert [row.item for row in list_ingest_errors(conn)] == ["b.md"]
    assert (newsroom_dir / "inbox" / "_quarantine" / "b.md.reason.txt").exists()


def test_migration_0006_keeps_earlier_errors_unresolved(tmp_path: Path) -> None:
    from pipeline.store import Store, downgrade, upgrade

    store = Store(f"sqlite:///{tmp_path / 'step.db'}", migrate=False)
    upgrade(store.engine, "0005")
    with store.begin() as conn:
        conn.exec_driver_sql("INSERT INTO ingest_errors (source_id, item, reason, created_at, stage)"
                             " VALUES ('inbox', 'b.md', '缺少站点', '2026-11-29 02:00:00', 'file')")
    upgrade(store.engine)
    with store.begin() as conn:
        (row,) = list_ingest_errors(conn)
        assert row.item == "b.md" and row.resolved_at is None
    downgrade(store.engine, "0005")


def test_a_missing_station_is_asked_for_as_the_files_format_writes_it(newsroom, store, newsroom_dir) -> None:
    """Issue 13 review: a .txt or .docx report names its fields in Chinese (`站点：`), so its
    missing station is asked for that way, not as the Markdown front matter's `station:`."""
    import docx

    inbox = newsroom_dir / "inbox"
    (inbox / "plain.txt").write_text("没有站点的文本稿\n日期：2026-11-20\n\n正文。\n", encoding="utf-8")
    document = docx.Document()
    document.add_paragraph("没有站点的 Word 稿")
    document.add_paragraph("日期：2026-11-20")
    document.add_paragraph("正文。")
    document.save(inbox / "word.docx")
    (inbox / "data.json").write_text('{"title": "没有站点", "body": "正文。"}', encoding="utf-8")
    (inbox / "front.md").write_text("---\ntitle: 没有站点\n---\n正文。\n", encoding="utf-8")

    reasons = dict(ingest_all(newsroom, store, now=NOW).errors)
    assert reasons["plain.txt"].startswith("缺少站点：请在标题下面加一行 站点：<站点编号或名称>，")
    assert reasons["word.docx"].startswith("缺少站点：请在标题下面加一段 站点：<站点编号或名称>，")
    assert reasons["data.json"].startswith('缺少站点：请加上一项 "station": "<站点编号或名称>"，')
    assert reasons["front.md"].startswith("缺少站点：请在文件开头加一行 station: <站点编号或名称>，")
    assert all(reason.endswith("或把文件放进 inbox/<站点编号>/ 文件夹") for reason in reasons.values())
    assert "station" not in reasons["plain.txt"] + reasons["word.docx"]


def test_the_desk_labels_an_inbox_files_flag_as_a_note_not_an_extraction_doubt(newsroom_dir) -> None:
    """Issue 13 review: an inbox file's unknown theme was shown under `⚠ 抽取需核对：`, which reads
    as an extraction problem; every flag's own sentence says what it is, under `⚠ 请留意：`."""
    from fastapi.testclient import TestClient

    from pipeline.config import load_newsroom
    from pipeline.desk.app import create_app
    from pipeline.desk.users import add_user
    from pipeline.store import open_store

    write_report(newsroom_dir, "a.md")
    report = newsroom_dir / "inbox" / "a.md"
    report.write_text(report.read_text(encoding="utf-8").replace("theme: xuanjiang", "theme: 环境保护"), encoding="utf-8")
    newsroom = load_newsroom(newsroom_dir)
    store = open_store(newsroom)
    assert ingest_all(newsroom, store, now=NOW).new_reports == 1
    with store.begin() as conn:
        add_user(conn, "wang", "editor", "correct horse battery", NOW)
    client = TestClient(create_app(newsroom_dir), follow_redirects=False)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"name": "wang", "password": "correct horse battery", "csrf": csrf})
    page = client.get("/").text
    assert f"⚠ 请留意：{words.ingest.theme_unknown_left_empty('环境保护')}" in page
    assert "抽取需核对" not in page
